"""The width tensors and arrays are printed for, so their rows fit the lesson pane.

torch and NumPy break a printed tensor's rows at 80 and 75 characters. The
lesson pane is narrower than that at 80 columns, so the screen would wrap
those lines again, mid-row. Values are printed for ``DISPLAY_WIDTH`` instead:
the libraries then break rows themselves, between numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

DISPLAY_WIDTH = 56
"""The line width, in characters, values are printed for: it fits the lesson pane at 80 columns.

The pane is about 58 columns wide there. NumPy keeps within the width; torch
fills a row up to it and then closes the row's brackets, up to two characters
past it for the one- and two-dimensional tensors the lessons show.
"""


@contextmanager
def display_width() -> Iterator[None]:
    """Print tensors and arrays for ``DISPLAY_WIDTH``, then put the libraries' widths back.

    torch's print options are global to the process; callers that may run
    alongside each other hold ``RUN_LOCK`` (``evaluate`` does).
    """
    import numpy as np  # here, so DISPLAY_WIDTH can be read without loading torch
    import torch

    # torch has no public getter for its options in every supported version; read
    # them to restore exactly, and pass sci_mode on since set_printoptions resets it.
    options = torch._tensor_str.PRINT_OPTS
    linewidth, sci_mode = options.linewidth, options.sci_mode
    torch.set_printoptions(linewidth=DISPLAY_WIDTH, sci_mode=sci_mode)
    try:
        with np.printoptions(linewidth=DISPLAY_WIDTH):
            yield
    finally:
        torch.set_printoptions(linewidth=linewidth, sci_mode=sci_mode)
