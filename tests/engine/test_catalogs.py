"""The translation catalogs: complete, placeholder for placeholder, and compiled without a network or a writable disk."""

from __future__ import annotations

import gettext
import io
import string
import subprocess
import sys

import pytest

from engine.i18n import CHINESE, ENGLISH, _, choose, from_environment, language, use_language
from engine.locale.compiled import cache_dir, compiled, po_path, read_po, translations, write_mo
from engine.locale.extract import messages


def _placeholders(text: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def chinese() -> dict[str, str]:
    return read_po(po_path("zh_CN").read_text(encoding="utf-8"))


def test_every_message_in_the_code_has_a_chinese_translation(chinese) -> None:
    found = messages()
    assert len(found) > 400, "the extractor finds the lessons' messages"
    missing = [message for message in found if not chinese.get(message)]
    assert not missing, f"{len(missing)} messages without a translation, first: {missing[:3]}"
    stale = sorted(set(chinese) - set(found) - {""})
    assert not stale, f"entries no code uses (run python -m engine.locale.extract): {stale[:3]}"


def test_both_sides_use_the_same_placeholders(chinese) -> None:
    wrong = {m: t for m, t in chinese.items() if m and _placeholders(m) != _placeholders(t)}
    assert not wrong, wrong


def test_chinese_text_keeps_the_code_a_learner_types(chinese) -> None:
    """API names stay beside the Chinese words: a learner must type them as they are."""
    for message in ("Make w1 fit with view: pick fix view.", "Switch to torch.sigmoid and check it gives the same y."):
        for name in ("view", "torch.sigmoid"):
            if name in message:
                assert name in chinese[message]
    assert "双曲线" in chinese["Each function on its own scale. x**3 is a cubic, not the hyperbola the tutorial says."]
    assert "辨于亲笔" not in "".join(chinese.values()), "the seed's mistranslated heading is not copied"


def test_the_compiled_catalog_is_what_gettext_reads(tmp_path) -> None:
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", "Tensors": "张量", "{n} rows": "{n} 行", "empty": ""}
    catalog = gettext.GNUTranslations(io.BytesIO(write_mo(entries)))
    assert catalog.gettext("Tensors") == "张量" and catalog.gettext("{n} rows") == "{n} 行"
    assert catalog.gettext("empty") == "empty", "an untranslated entry falls back to the English id"
    po = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\nmsgid "a"\nmsgstr "甲"\n\nmsgid "b \\"q\\""\nmsgstr ""\n"乙\\n"\n'
    assert read_po(po) == {"": "Content-Type: text/plain; charset=UTF-8\n", 'b "q"': "乙\n"}, (
        "fuzzy entries are left out"
    )


def test_compiling_once_into_the_cache_and_in_memory_without_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = compiled("zh_CN")
    cached = list(cache_dir().glob("zh_CN-*.mo"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    assert compiled("zh_CN") == first
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert translations("zh_CN").gettext("Tensors") == "张量", "no writable cache: compiled in memory"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, CHINESE),
        ({"LANG": "zh_TW.UTF-8"}, CHINESE),
        ({"LANG": "en_US.UTF-8"}, ENGLISH),
        ({"LANG": "C.UTF-8"}, ENGLISH),
        ({}, ENGLISH),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, CHINESE),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, ENGLISH),
        ({"LANGUAGE": "zh_CN:en", "LC_ALL": "en_US.UTF-8"}, CHINESE),
        ({"LANGUAGE": "", "LANG": "zh_CN"}, CHINESE),
    ],
)
def test_the_environment_picks_the_language(environ, expected) -> None:
    assert from_environment(environ) == expected


def test_the_flag_beats_the_remembered_choice_which_beats_the_environment() -> None:
    zh_env = {"LANG": "zh_CN.UTF-8"}
    assert choose("en", "zh", zh_env) == ENGLISH
    assert choose(None, "en", zh_env) == ENGLISH
    assert choose(None, None, zh_env) == CHINESE
    assert choose(None, "klingon", {"LANG": "en_US"}) == ENGLISH


def test_use_language_switches_and_comes_back() -> None:
    try:
        use_language(CHINESE)
        assert language() == CHINESE and _("{total} parameters: {counts}.", total=850, counts="x") == "850 个参数：x。"
    finally:
        use_language(ENGLISH)
    assert _("{total} parameters: {counts}.", total=850, counts="x") == "850 parameters: x."


def _help(*args: str, **environ: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", **environ}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args, "--help"], capture_output=True, text=True, env=env, check=True, timeout=60
    ).stdout


def test_help_follows_lang_and_the_environment(tmp_path) -> None:
    state = str(tmp_path)
    chinese = _help(LANG="zh_CN.UTF-8", XDG_STATE_HOME=state)
    assert chinese.startswith("用法：") and "在终端里动手操作真实的张量" in chinese and "--lang" in chinese
    assert _help("--lang", "zh", LANG="en_US.UTF-8", XDG_STATE_HOME=state) == chinese
    english = _help(LANG="en_US.UTF-8", XDG_STATE_HOME=state)
    assert english.startswith("usage: ") and "Learn PyTorch basics" in english
    assert _help("--lang", "en", LANG="zh_CN.UTF-8", XDG_STATE_HOME=state) == english
