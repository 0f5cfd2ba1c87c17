"""Compiling a ``.po`` catalog to gettext's ``.mo`` format, once, into a cache.

Python ships ``msgfmt.py`` only in its source tree, and Babel would be one more
dependency for sixty lines, so this is the standard library's own: read the
``.po`` (translated, non-fuzzy entries), write the ``.mo`` layout gettext reads
(GNU magic, sorted ids, no hash table). The ``.mo`` is kept under
``$XDG_CACHE_HOME/tensor-tutor/locale/``, named by a hash of the ``.po``, so an
edited catalog is compiled afresh and an unchanged one is only read. Where the
cache cannot be written (a locked-down worker, a read-only home) the catalog is
compiled in memory instead: a language never depends on a writable disk.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import os
import re
import struct
import tempfile
from pathlib import Path

DOMAIN = "tensor_tutor"
LOCALE_DIR = Path(__file__).resolve().parent
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def po_path(locale: str) -> Path:
    """Where the catalog of ``locale`` (``zh_CN``) lives."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _unquote(text: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        raise ValueError(f"expected a quoted string, got {text!r}")
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match.group(1), match.group(1)), text[1:-1])


def read_po(text: str) -> dict[str, str]:
    """Every entry of a ``.po`` file, message id to translation (fuzzy ones and contexts left out).

    The header (id ``""``) is kept: gettext reads the charset from it.
    """
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key: str | None = None
    fuzzy = False

    def finish() -> None:
        nonlocal fuzzy
        if "msgid" in current and "msgctxt" not in current and not fuzzy:
            entries[current["msgid"]] = current.get("msgstr", "")
        current.clear()
        fuzzy = False

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            if key == "msgstr":
                finish()
                key = None
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if not line:
            continue
        word, _space, rest = line.partition(" ")
        if word in ("msgctxt", "msgid", "msgstr"):
            if word in ("msgctxt", "msgid") and key == "msgstr":
                finish()
            key = word
            current[key] = _unquote(rest)
        elif line.startswith('"') and key is not None:
            current[key] += _unquote(line)
        else:
            raise ValueError(f"cannot read this line of a .po file: {line!r}")
    finish()
    return entries


def write_mo(entries: dict[str, str]) -> bytes:
    """The ``.mo`` bytes for ``entries`` (untranslated ones dropped: gettext then shows the English id)."""
    pairs = sorted((k.encode(), v.encode()) for k, v in entries.items() if v)
    count = len(pairs)
    ids_start = 7 * 4
    strs_start = ids_start + count * 8
    data_start = strs_start + count * 8
    ids = b"".join(key + b"\0" for key, _value in pairs)
    table_ids, table_strs = [], []
    offset = data_start
    for key, _value in pairs:
        table_ids.append((len(key), offset))
        offset += len(key) + 1
    for _key, value in pairs:
        table_strs.append((len(value), offset))
        offset += len(value) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, ids_start, strs_start, 0, data_start)
    tables = b"".join(struct.pack("<2I", *row) for row in table_ids + table_strs)
    return header + tables + ids + b"".join(value + b"\0" for _key, value in pairs)


def cache_dir() -> Path:
    """Where compiled catalogs are kept, following the XDG base directory rules."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "tensor-tutor" / "locale"


def compiled(locale: str) -> bytes:
    """The ``.mo`` bytes of ``locale``'s catalog: read from the cache, or compiled (and cached if possible)."""
    source = po_path(locale).read_bytes()
    target = cache_dir() / f"{locale}-{hashlib.sha256(source).hexdigest()[:16]}.mo"
    try:
        return target.read_bytes()
    except OSError:
        pass
    data = write_mo(read_po(source.decode("utf-8")))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary:
            temporary.write(data)
        os.replace(temporary.name, target)
    except OSError:
        pass  # no writable cache: compiled again next time, a few milliseconds
    return data


def translations(locale: str) -> gettext.GNUTranslations:
    """``locale``'s catalog, ready for ``engine.i18n.use_catalog``."""
    return gettext.GNUTranslations(io.BytesIO(compiled(locale)))
