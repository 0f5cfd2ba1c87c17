"""Where the learner left off: the last lesson and every lesson's field values.

Kept as a small JSON file under the XDG state directory
(``$XDG_STATE_HOME/tensor-tutor/state.json``, ``~/.local/state/tensor-tutor/``
by default), so each account on a shared server has its own. Losing this file
must never stop the app: a file that cannot be read is moved aside and the app
starts fresh, and a directory that cannot be written only costs the resume.
Every such event becomes a one-line notice for the app to show.

This module knows nothing of Textual; the app decides when to save.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.i18n import LANGUAGES, _
from engine.parsing import repair_text
from engine.safe_files import NotARegularFile, open_regular

FILE_NAME = "state.json"
FORMAT = 2
"""Version of the file's layout, stored in it so a later release can convert old files.

Format 1 had no ``progress``; such files still load (with no progress).
"""
READABLE_FORMATS = (1, 2)

MAX_FILE_BYTES = 1_000_000
"""A state file larger than this was not written by the app and is treated as corrupt."""

MAX_VALUE_CHARS = 50_000
"""Longest field value kept; the Playground accepts far less code than this."""

OUTCOMES = ("", "shown", "hinted", "solved")
"""A challenge's outcome, worst to best: not solved, shown the solution, solved with hints, solved."""

CHALLENGE_RECORD: dict[str, type] = {"code": str, "hints": int, "tried": bool, "solution": bool, "outcome": str}
"""What is kept of a challenge: the learner's code, hints revealed, whether they checked once, saw the solution."""


def state_dir() -> Path:
    """The app's state directory, following the XDG base directory rules."""
    base = os.environ.get("XDG_STATE_HOME", "")
    # The spec says a relative path is invalid and must be ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "tensor-tutor"


@dataclass
class State:
    """What is saved: the lesson on screen and each lesson's field text."""

    lesson: str | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per lesson: ``{"step": 0-based step on screen, "goals": [ids of steps whose goal was met],
    "challenges": {challenge id: a challenge's record (see ``CHALLENGE_RECORD``)}}``."""
    language: str | None = None
    """The language picked in the palette (``engine.i18n.LANGUAGES``); None: the environment's."""

    def step_of(self, lesson_id: str) -> int:
        """The step the learner was on in ``lesson_id`` (0 if none)."""
        return int(self.progress.get(lesson_id, {}).get("step", 0))

    def goals_of(self, lesson_id: str) -> list[str]:
        """The steps of ``lesson_id`` whose goal the learner has met."""
        return list(self.progress.get(lesson_id, {}).get("goals", []))

    def challenges_of(self, lesson_id: str) -> dict[str, dict[str, Any]]:
        """The records of ``lesson_id``'s challenges the learner has worked on."""
        return {k: dict(v) for k, v in self.progress.get(lesson_id, {}).get("challenges", {}).items()}

    def to_json(self) -> dict[str, Any]:
        data = {"format": FORMAT, "lesson": self.lesson, "values": self.values, "progress": self.progress}
        if self.language is not None:
            data["language"] = self.language
        return data

    @classmethod
    def from_json(cls, data: Any) -> State:
        """Read the file's content; raises ValueError if it is not what the app writes."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("format") not in READABLE_FORMATS:
            raise ValueError(f"unknown format {data.get('format')!r}")
        lesson = data.get("lesson")
        if lesson is not None and not isinstance(lesson, str):
            raise ValueError("'lesson' is not text")
        values = data.get("values", {})
        if not isinstance(values, dict) or not all(
            isinstance(lesson_id, str)
            and isinstance(fields, dict)
            and all(isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for k, v in fields.items())
            for lesson_id, fields in values.items()
        ):
            raise ValueError("'values' is not a table of lessons to field texts")
        return cls(
            lesson=None if lesson is None else repair_text(lesson),
            values={repair_text(k): {repair_text(n): repair_text(t) for n, t in v.items()} for k, v in values.items()},
            progress=_progress(data.get("progress", {})),
            # A language this version does not speak is ignored, not an unreadable file.
            language=data.get("language") if data.get("language") in LANGUAGES else None,
        )


class StateStore:
    """Loads and saves ``State`` at ``path``, turning every file problem into a notice.

    Nothing here raises for a file-system problem: the app keeps working without
    resume rather than stop a lesson over a read-only home directory.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / FILE_NAME
        self.state = State()
        self.notices: list[str] = []
        self._last_save_error: str | None = None
        self.loaded = False
        """Whether ``load`` has run (the command line reads the saved language before the app starts)."""

    def take_notices(self) -> list[str]:
        """Notices not shown yet (and forget them)."""
        notices, self.notices = self.notices, []
        return notices

    def load(self) -> State:
        """Read the saved state; a missing file is a fresh start, a bad one is moved aside."""
        self.loaded = True
        try:
            with os.fdopen(open_regular(self.path), "rb") as file:  # a FIFO here would block a plain open
                raw = file.read(MAX_FILE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError):
            return self.state  # nothing saved yet (a blocked directory is reported by save)
        except NotARegularFile as error:
            self.notices.append(
                _("Saved progress at {path} is {what}, not a regular file; starting fresh.", path=self.path, what=error)
            )
            return self.state
        except OSError as error:
            self.notices.append(
                _("Saved progress could not be read ({reason}); starting fresh.", reason=_reason(error))
            )
            return self.state
        try:
            if len(raw) > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES:,} bytes")
            self.state = State.from_json(json.loads(raw.decode("utf-8")))
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            self._set_aside(error)
        return self.state

    def _set_aside(self, error: Exception) -> None:
        """Keep an unreadable file for whoever wants to look at it, then start fresh."""
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
        except OSError as move_error:
            self.notices.append(
                _(
                    "Saved progress was unreadable ({reason}) and could not be moved aside ({move_reason}); starting fresh.",
                    reason=reason,
                    move_reason=_reason(move_error),
                )
            )
            return
        self.notices.append(
            _(
                "Saved progress was unreadable ({reason}); kept it as {name} and started fresh.",
                reason=reason,
                name=aside.name,
            )
        )

    def remember_lesson(self, lesson_id: str) -> bool:
        """Note the lesson on screen; True if that changed anything."""
        if self.state.lesson == lesson_id:
            return False
        self.state.lesson = repair_text(lesson_id)
        return True

    def remember_values(self, lesson_id: str, values: dict[str, str]) -> bool:
        """Note a lesson's field text; True if that changed anything."""
        kept = {repair_text(name): repair_text(text[:MAX_VALUE_CHARS]) for name, text in values.items()}
        if self.state.values.get(lesson_id) == kept:
            return False
        self.state.values[lesson_id] = kept
        return True

    def remember_language(self, language: str) -> bool:
        """Note the language picked in the palette; True if that changed anything."""
        if self.state.language == language:
            return False
        self.state.language = language
        return True

    def remember_step(self, lesson_id: str, index: int) -> bool:
        """Note the step on screen in a lesson; True if that changed anything."""
        entry = self.state.progress.setdefault(lesson_id, {"step": 0, "goals": []})
        if entry.get("step") == index:
            return False
        entry["step"] = index
        return True

    def remember_goal(self, lesson_id: str, step_id: str) -> bool:
        """Note a step's goal as met; True if it was not already."""
        entry = self.state.progress.setdefault(lesson_id, {"step": 0, "goals": []})
        goals = entry.setdefault("goals", [])
        if step_id in goals:
            return False
        goals.append(step_id)
        return True

    def remember_challenge(self, lesson_id: str, challenge_id: str, record: dict[str, Any]) -> bool:
        """Note a challenge's record (its outcome never gets worse); True if that changed anything."""
        entry = self.state.progress.setdefault(lesson_id, {"step": 0, "goals": []})
        records = entry.setdefault("challenges", {})
        old = records.get(challenge_id, {})
        new = {**old, **{k: v for k, v in record.items() if k in CHALLENGE_RECORD}}
        if "code" in new:
            new["code"] = repair_text(str(new["code"])[:MAX_VALUE_CHARS])
        outcomes = [o for o in (old.get("outcome", ""), new.get("outcome", "")) if o in OUTCOMES]
        new["outcome"] = max(outcomes or [""], key=OUTCOMES.index)
        if new == old:
            return False
        records[challenge_id] = new
        return True

    def save(self) -> bool:
        """Write the state atomically (temporary file, then rename); False if it could not be.

        A failure adds a notice the first time it happens, not on every save.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Repaired again here: whatever put a lone surrogate in the state must not make saving raise.
            text = repair_text(json.dumps(self.state.to_json(), ensure_ascii=False, indent=1))
            handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            reason = _reason(error)
            if reason != self._last_save_error:
                self.notices.append(
                    _(
                        "Progress cannot be saved to {folder} ({reason}); the app works, but will not resume.",
                        folder=self.path.parent,
                        reason=reason,
                    )
                )
            self._last_save_error = reason
            return False
        self._last_save_error = None
        return True

    def forget(self) -> str:
        """Delete the saved state (``--reset``); says what happened in one line."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            message = _("Nothing to forget: no saved progress at {path}.", path=self.path)
        except OSError as error:
            message = _("Could not forget saved progress at {path} ({reason}).", path=self.path, reason=_reason(error))
        else:
            message = _("Forgot saved progress ({path}).", path=self.path)
        self.state = State()
        return message


def _progress(data: Any) -> dict[str, dict[str, Any]]:
    """The progress table, checked; raises ValueError for anything the app does not write."""
    if not isinstance(data, dict):
        raise ValueError("'progress' is not a table")
    progress: dict[str, dict[str, Any]] = {}
    for lesson_id, entry in data.items():
        step = entry.get("step", 0) if isinstance(entry, dict) else None
        goals = entry.get("goals", []) if isinstance(entry, dict) else None
        if (
            not isinstance(lesson_id, str)
            or not isinstance(step, int)
            or isinstance(step, bool)
            or not 0 <= step < 100
            or not isinstance(goals, list)
            or not all(isinstance(g, str) and len(g) < 100 for g in goals)
        ):
            raise ValueError(f"'progress' of {lesson_id!r} is not a step and a list of goals")
        progress[lesson_id] = {"step": step, "goals": list(dict.fromkeys(goals))}
        challenges = entry.get("challenges")
        if challenges is not None:
            progress[lesson_id]["challenges"] = _challenges(lesson_id, challenges)
    return progress


def _challenges(lesson_id: str, data: Any) -> dict[str, dict[str, Any]]:
    """A lesson's challenge records, checked; raises ValueError for anything the app does not write."""
    if not isinstance(data, dict) or len(data) > 50:
        raise ValueError(f"'challenges' of {lesson_id!r} is not a table")
    records = {}
    for challenge_id, record in data.items():
        if (
            not isinstance(challenge_id, str)
            or len(challenge_id) > 100
            or not isinstance(record, dict)
            or not all(k in CHALLENGE_RECORD and type(v) is CHALLENGE_RECORD[k] for k, v in record.items())
            or record.get("outcome", "") not in OUTCOMES
            or len(record.get("code", "")) > MAX_VALUE_CHARS
            or not 0 <= record.get("hints", 0) <= 10
        ):
            raise ValueError(f"challenge {challenge_id!r} of {lesson_id!r} is not a record the app writes")
        records[repair_text(challenge_id)] = {k: repair_text(v) if isinstance(v, str) else v for k, v in record.items()}
    return records


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
