"""tensor-tutor's engine: every tensor, number and error the app shows comes from here.

The engine never imports textual. Importing this package is cheap: names that
need torch (``evaluate``, ``derivative`` ...) are loaded on first use, so the app
can read ``LESSONS`` and parse fields before PyTorch has loaded.
"""

from __future__ import annotations

import importlib
from typing import Any

from engine.blocks import LessonResult
from engine.catalog import LESSONS, lesson_by_id
from engine.errors import InputError
from engine.lesson import Action, Field, Lesson
from engine.parsing import parse_shape, parse_values

_LAZY = {
    "evaluate": "engine.evaluation",
    "apply_fix": "engine.evaluation",
    "Evaluation": "engine.evaluation",
    "Output": "engine.evaluation",
    "Problem": "engine.evaluation",
    "Fix": "engine.evaluation",
    "derivative": "engine.calculus",
    "curve": "engine.calculus",
}


def __getattr__(name: str) -> Any:
    """Load torch-backed names on first use (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


__all__ = [
    "LESSONS",
    "Action",
    "Field",
    "InputError",
    "Lesson",
    "LessonResult",
    "lesson_by_id",
    "parse_shape",
    "parse_values",
    *_LAZY,
]
