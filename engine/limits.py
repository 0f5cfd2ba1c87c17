"""Bounds on what a learner's input may ask for, checked before anything is allocated."""

from __future__ import annotations

MAX_ELEMENTS = 1_000_000
"""Most elements any one tensor or array may hold (about 4 MB of float32)."""

MAX_DIMS = 8
"""Most dimensions a shape may have."""
