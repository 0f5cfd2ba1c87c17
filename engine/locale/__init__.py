"""The translation catalogs: gettext ``.po`` files (one folder per locale), and how they become ``.mo``."""
