"""Texts more than one lesson uses."""

from __future__ import annotations

from engine.i18n import _

SEED_HELP = _("Seed for the random generators: the same seed always gives the same numbers.")
