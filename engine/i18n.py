"""The one translation function: every learner-facing string goes through ``_()``.

Messages are written in English with named placeholders (``{shape}``, never
positional ``{}`` or ``%s``), so a translator can move a value within the
sentence. ``_(message, **values)`` looks the message up in the active catalog
(gettext's, English only so far: the lookup returns the message unchanged) and
fills the placeholders. A catalog is installed with ``use_catalog``.
"""

from __future__ import annotations

import gettext
from typing import Any

_catalog: gettext.NullTranslations = gettext.NullTranslations()


def use_catalog(catalog: gettext.NullTranslations) -> None:
    """Translate from now on with ``catalog`` (a ``gettext.GNUTranslations`` read from a .mo file)."""
    global _catalog
    _catalog = catalog


def _(message: str, /, **values: Any) -> str:
    """``message`` in the learner's language, its ``{name}`` placeholders filled from ``values``."""
    translated = _catalog.gettext(message)
    return translated.format(**values) if values else translated


__all__ = ["_", "use_catalog"]
