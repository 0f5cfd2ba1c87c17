"""tensor-tutor's terminal app. Never imports torch at module level: see ``tui.app``.

Importing this package sets Textual's frame rate (``TEXTUAL_FPS``, read once, when Textual is first
imported) unless the learner set one. Textual paints a key's echo at once, but its next frame then
comes one to two frames later (17-33 ms at its default 60 a second), and a lesson's result, in the
widgets some 10-20 ms after the key, waited for it. At 120 the result is painted as it arrives. Frames
are painted only when something changed, so an edit costs the same two frames either way.
"""

import os

FRAME_RATE = 120
"""Frames a second at most (Textual's ``TEXTUAL_FPS``), when the learner's environment sets none."""

os.environ.setdefault("TEXTUAL_FPS", str(FRAME_RATE))
