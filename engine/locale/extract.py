"""Keep the catalogs in step with the code: ``python -m engine.locale.extract``.

Finds every ``_("...")`` and ``N_("...")`` with a literal message in ``engine/``
and ``tui/`` and rewrites each ``.po`` with exactly those ids, in source order,
keeping the translations it already has (new ids get an empty ``msgstr`` for a
translator, or any ordinary .po editor, to fill). The tests use ``messages()``
to check that every id in the code has its translation.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from engine.locale.compiled import LOCALE_DIR, po_path, read_po

ROOT = LOCALE_DIR.parent.parent
SOURCES = ("engine", "tui")
MARKERS = ("_", "N_")
LOCALES = ("zh_CN",)


def messages(root: Path = ROOT) -> dict[str, list[str]]:
    """Every message id in the code, with the places (``path:line``) it appears."""
    found: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    place = f"{path.relative_to(root)}:{node.lineno}"
                    found.setdefault(node.args[0].value, []).append(place)
    return found


def quote(text: str) -> str:
    """``text`` as a .po string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


HEADER = (
    'msgid ""\nmsgstr ""\n'
    '"Project-Id-Version: tensor-tutor\\n"\n'
    '"Language: {locale}\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)


def render(locale: str, found: dict[str, list[str]], translated: dict[str, str]) -> str:
    """The .po text for ``locale``: its header, then one entry per id in ``found``."""
    parts = [HEADER.format(locale=locale)]
    for message, places in found.items():
        if message == "":
            continue
        parts.append(f"#: {' '.join(places)}\nmsgid {quote(message)}\nmsgstr {quote(translated.get(message, ''))}\n")
    return "\n".join(parts)


def main() -> int:
    found = messages()
    for locale in LOCALES:
        path = po_path(locale)
        existing = read_po(path.read_text(encoding="utf-8")) if path.exists() else {}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(locale, found, existing), encoding="utf-8")
        missing = sum(1 for message in found if not existing.get(message))
        print(f"{path}: {len(found)} messages, {missing} without a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
