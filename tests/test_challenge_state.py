"""Challenge records in the state file: kept, never downgraded, checked on load; older files still load."""

from __future__ import annotations

import json

from tui.state import StateStore


def _store(tmp_path, data: object | None = None) -> StateStore:
    path = tmp_path / "state.json"
    if data is not None:
        path.write_text(json.dumps(data), "utf-8")
    store = StateStore(path)
    store.load()
    return store


def test_a_file_without_challenges_loads_with_none(tmp_path) -> None:
    store = _store(
        tmp_path,
        {"format": 2, "lesson": "tensors", "values": {}, "progress": {"tensors": {"step": 1, "goals": ["random"]}}},
    )
    assert store.state.challenges_of("tensors") == {} and store.state.goals_of("tensors") == ["random"]
    assert not store.take_notices()


def test_a_record_round_trips_and_its_outcome_never_gets_worse(tmp_path) -> None:
    store = _store(tmp_path)
    assert store.remember_challenge(
        "tensors", "ones", {"code": "t = 1", "tried": True, "hints": 1, "outcome": "hinted"}
    )
    assert store.remember_challenge("tensors", "ones", {"solution": True, "outcome": "shown"})
    assert store.state.challenges_of("tensors")["ones"]["outcome"] == "hinted", "solved with hints stays so"
    assert not store.remember_challenge("tensors", "ones", {"outcome": ""})
    assert store.save()
    again = _store(tmp_path)
    assert again.state.challenges_of("tensors") == {
        "ones": {"code": "t = 1", "tried": True, "hints": 1, "outcome": "hinted", "solution": True}
    }


def test_a_record_the_app_does_not_write_sets_the_file_aside(tmp_path) -> None:
    bad = {
        "format": 2,
        "lesson": None,
        "values": {},
        "progress": {"tensors": {"step": 0, "goals": [], "challenges": {"ones": {"outcome": "cheated"}}}},
    }
    store = _store(tmp_path, bad)
    assert store.state.challenges_of("tensors") == {}
    assert any("unreadable" in notice for notice in store.take_notices())
