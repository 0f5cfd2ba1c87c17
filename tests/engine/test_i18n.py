"""The translation function: gettext's lookup, then named placeholders filled."""

from __future__ import annotations

import gettext

from engine.i18n import _, use_catalog


class _Upper(gettext.NullTranslations):
    """A stand-in catalog that 'translates' by shouting, placeholders untouched."""

    def gettext(self, message: str) -> str:
        return message.replace("parameters", "PARAMETERS")


def test_placeholders_are_named_and_filled() -> None:
    assert _("{count} parameters: {counts}.", count="850", counts="10×20 + 20") == "850 parameters: 10×20 + 20."
    assert _("No placeholders {here}") == "No placeholders {here}", "a message without values is returned as is"


def test_a_catalog_translates_before_the_values_go_in() -> None:
    try:
        use_catalog(_Upper())
        assert _("{count} parameters", count=850) == "850 PARAMETERS"
    finally:
        use_catalog(gettext.NullTranslations())
    assert _("{count} parameters", count=850) == "850 parameters"
