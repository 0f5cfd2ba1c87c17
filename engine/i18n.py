"""The one translation function: every learner-facing string goes through ``_()``.

Messages are written in English with named placeholders (``{shape}``, never
positional ``{}`` or ``%s``), so a translator can move a value within the
sentence. ``_(message, **values)`` looks the message up in the active catalog
and fills the placeholders.

Catalogs are gettext ``.po`` files in ``engine/locale/<lang>/LC_MESSAGES/``
(English message ids; ``zh_CN`` is Simplified Chinese). ``use_language`` loads
one through ``engine.locale.compiled``, which compiles it to a ``.mo`` the first
time (kept in a cache, so later starts only read it) and needs no network.

A process has one language at a time: the app picks it before it imports any
lesson (``tui/__main__.py``), so texts written at import time are in it too; a
worker switches per request (``engine/worker/serve.py``), so compute modules
translate when they run, never at import (``N_`` marks such texts).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from typing import Any

ENGLISH = "en"
CHINESE = "zh"
LANGUAGES = (ENGLISH, CHINESE)
"""The languages the app speaks, by the codes ``--lang`` and the state file use."""

LOCALE_OF = {CHINESE: "zh_CN"}
"""The catalog each language other than English reads (English is the message ids themselves)."""

ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where gettext looks for the learner's language, in gettext's order: the first one set decides."""

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH
_loaded: dict[str, gettext.NullTranslations] = {ENGLISH: gettext.NullTranslations()}


def use_catalog(catalog: gettext.NullTranslations) -> None:
    """Translate from now on with ``catalog`` (a ``gettext.GNUTranslations`` read from a .mo file)."""
    global _catalog
    _catalog = catalog


def use_language(language: str) -> None:
    """Translate from now on into ``language`` (one of ``LANGUAGES``; anything else is English)."""
    global _language
    language = language if language in LANGUAGES else ENGLISH
    if language not in _loaded:
        from engine.locale.compiled import translations

        _loaded[language] = translations(LOCALE_OF[language])
    _language = language
    use_catalog(_loaded[language])


def language() -> str:
    """The language texts are translated into now."""
    return _language


def from_environment(environ: Mapping[str, str]) -> str:
    """The language the environment asks for: Chinese if the first locale variable set starts with ``zh``.

    ``LANGUAGE`` may list several (``zh_CN:en``); like gettext, its first entry counts.
    """
    for name in ENV_VARIABLES:
        value = environ.get(name, "")
        if value:
            first = value.split(":")[0]
            return CHINESE if first.lower().startswith("zh") else ENGLISH
    return ENGLISH


def choose(flag: str | None, remembered: str | None, environ: Mapping[str, str]) -> str:
    """The language to start in: ``--lang``, else the one picked in the palette last time, else the environment's."""
    for choice in (flag, remembered):
        if choice in LANGUAGES:
            return choice
    return from_environment(environ)


def _(message: str, /, **values: Any) -> str:
    """``message`` in the learner's language, its ``{name}`` placeholders filled from ``values``."""
    translated = _catalog.gettext(message)
    return translated.format(**values) if values else translated


def N_(message: str, /) -> str:
    """Marks ``message`` for the catalog without translating it: ``_()`` translates it where it is shown."""
    return message


__all__ = [
    "CHINESE",
    "ENGLISH",
    "LANGUAGES",
    "N_",
    "_",
    "choose",
    "from_environment",
    "language",
    "use_catalog",
    "use_language",
]
