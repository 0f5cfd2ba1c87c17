"""The state file: where it lives, atomic saves, and every way it can go wrong without a crash."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.state import FILE_NAME, MAX_FILE_BYTES, State, StateStore, state_dir


def test_state_dir_follows_xdg(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_dir() == tmp_path / "tensor-tutor"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "tensor-tutor"
    # A relative XDG path is invalid by the spec and ignored.
    monkeypatch.setenv("XDG_STATE_HOME", "relative/dir")
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "tensor-tutor"


def test_default_path_is_under_the_state_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert StateStore().path == tmp_path / "tensor-tutor" / FILE_NAME


def test_round_trip_creates_the_directory(tmp_path) -> None:
    path = tmp_path / "deep" / "er" / FILE_NAME
    store = StateStore(path)
    assert store.remember_lesson("matmul")
    assert store.remember_values("tensors", {"shape": "2,3", "seed": "7"})
    assert store.remember_values("playground", {"code": "x = torch.ones(2)\n# ünïcode [b] {c}\n"})
    assert store.save()
    loaded = StateStore(path).load()
    assert loaded == State(
        "matmul",
        {"tensors": {"shape": "2,3", "seed": "7"}, "playground": {"code": "x = torch.ones(2)\n# ünïcode [b] {c}\n"}},
    )
    assert json.loads(path.read_text("utf-8"))["format"] == 2
    assert [p.name for p in path.parent.iterdir()] == [FILE_NAME]  # no temporary file left behind


def test_remember_reports_only_real_changes(tmp_path) -> None:
    store = StateStore(tmp_path / FILE_NAME)
    assert store.remember_values("tensors", {"shape": "3"})
    assert not store.remember_values("tensors", {"shape": "3"})
    assert store.remember_lesson("tensors")
    assert not store.remember_lesson("tensors")


def test_save_replaces_atomically(tmp_path, monkeypatch) -> None:
    """A save that fails half way leaves the previous file whole and no temporary file."""
    path = tmp_path / FILE_NAME
    store = StateStore(path)
    store.remember_lesson("tensors")
    assert store.save()
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    store.remember_lesson("network")
    assert not store.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]
    assert store.take_notices() == [
        f"Progress cannot be saved to {tmp_path} (No space left on device); the app works, but will not resume."
    ]


def test_missing_file_is_a_quiet_fresh_start(tmp_path) -> None:
    store = StateStore(tmp_path / "nowhere" / FILE_NAME)
    assert store.load() == State()
    assert store.take_notices() == []


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"{not json", "Expecting property name"),
        (b"\xff\xfe\x00garbage", "codec"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"format": 99, "lesson": "tensors"}', "unknown format 99"),
        (b'{"format": 1, "lesson": 5}', "'lesson' is not text"),
        (b'{"format": 1, "values": {"tensors": {"shape": 3}}}', "'values' is not a table"),
        (b"[" * 100_000 + b"]" * 100_000, "recursion"),
    ],
)
def test_corrupt_file_is_moved_aside_with_a_notice(tmp_path, content: bytes, reason: str) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    store = StateStore(path)
    assert store.load() == State()
    notices = store.take_notices()
    assert len(notices) == 1 and "\n" not in notices[0]
    assert reason.lower() in notices[0].lower()
    assert not path.exists()
    (aside,) = tmp_path.glob(f"{FILE_NAME}.corrupt-*")
    assert aside.read_bytes() == content  # kept, byte for byte, for whoever wants to look
    assert aside.name in notices[0]
    # The next save starts a good file again.
    store.remember_lesson("matmul")
    assert store.save()
    assert StateStore(path).load().lesson == "matmul"


def test_oversized_file_is_not_read_whole(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(b" " * (MAX_FILE_BYTES + 10) + b"{}")
    store = StateStore(path)
    assert store.load() == State()
    assert "larger than" in store.take_notices()[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory_gives_one_notice(tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        store = StateStore(locked / "tensor-tutor" / FILE_NAME)
        store.remember_lesson("tensors")
        assert not store.save()
        assert not store.save()
        notices = store.take_notices()
        assert len(notices) == 1 and "Permission denied" in notices[0]
    finally:
        locked.chmod(stat.S_IRWXU)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file_gives_a_notice_and_a_fresh_start(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text('{"format": 1, "lesson": "matmul"}')
    path.chmod(0)
    try:
        store = StateStore(path)
        assert store.load() == State()
        assert "could not be read (Permission denied)" in store.take_notices()[0]
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_file_where_the_directory_should_be(tmp_path) -> None:
    """$XDG_STATE_HOME pointing at a file: saving fails politely."""
    blocker = tmp_path / "state"
    blocker.write_text("I am a file")
    store = StateStore(blocker / "tensor-tutor" / FILE_NAME)
    assert store.load() == State()
    assert not store.save()
    assert store.take_notices() == [
        f"Progress cannot be saved to {blocker / 'tensor-tutor'} (Not a directory); the app works, but will not resume."
    ]


def test_forget(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    store = StateStore(path)
    store.remember_lesson("layer")
    store.save()
    assert store.forget() == f"Forgot saved progress ({path})."
    assert not path.exists() and store.state == State()
    assert store.forget().startswith("Nothing to forget")


texts = st.text(max_size=40)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lesson=st.none() | texts,
    values=st.dictionaries(texts, st.dictionaries(texts, texts, max_size=4), max_size=4),
)
def test_any_state_survives_a_round_trip(tmp_path: Path, lesson, values) -> None:
    path = tmp_path / FILE_NAME
    store = StateStore(path)
    store.state = State(lesson, values)
    assert store.save()
    assert StateStore(path).load() == State(lesson, values)


def test_a_fifo_at_the_state_path_does_not_block_start_up(tmp_path) -> None:
    """Opening a FIFO for reading waits for a writer forever; load must not open one at all."""
    path = tmp_path / FILE_NAME
    os.mkfifo(path)
    store = StateStore(path)
    assert store.load() == State()  # returns at once: a blocking open would hang the test
    [notice] = store.take_notices()
    assert "not a regular file" in notice and "fresh" in notice
    store.remember_lesson("tensors")
    assert store.save()
    assert StateStore(path).load().lesson == "tensors"


def test_a_directory_at_the_state_path_is_reported_not_read(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    path.mkdir()
    store = StateStore(path)
    assert store.load() == State()
    [notice] = store.take_notices()
    assert "not a regular file" in notice


def test_a_lone_surrogate_in_a_saved_value_is_repaired_and_saves(tmp_path) -> None:
    r"""JSON may spell a lone surrogate (\ud800); Python reads it, but it cannot be written as UTF-8."""
    path = tmp_path / FILE_NAME
    path.write_text('{"format": 1, "lesson": "matmul\\udfff", "values": {"matmul": {"left": "A\\ud800B"}}}', "utf-8")
    store = StateStore(path)
    state = store.load()
    assert state.values == {"matmul": {"left": "A\ufffdB"}}
    assert state.lesson == "matmul\ufffd"
    assert store.save()
    assert StateStore(path).load().values == {"matmul": {"left": "A\ufffdB"}}


def test_a_lone_surrogate_typed_into_a_field_never_breaks_save(tmp_path) -> None:
    store = StateStore(tmp_path / FILE_NAME)
    store.remember_values("matmul", {"left": "A\ud800"})
    assert store.save()
    assert StateStore(tmp_path / FILE_NAME).load().values == {"matmul": {"left": "A\ufffd"}}


def test_save_never_raises_for_a_surrogate_set_directly(tmp_path) -> None:
    store = StateStore(tmp_path / FILE_NAME)
    store.state.values["playground"] = {"code": "\udc80"}
    assert store.save()
