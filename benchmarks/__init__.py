"""tensor-tutor's benchmarks (``benchmarks/run.py``).

``tui`` is imported first, so that Textual, imported after it, runs at the app's frame rate (``tui.FRAME_RATE``).
"""

import tui  # noqa: F401
