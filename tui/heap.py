"""Keeping Python's cycle collector away from the objects that live as long as the app.

Once a lesson's pane shows its first result, the app holds some hundred thousand objects
that stay until it quits (124,000 after four lessons): Textual's widgets, styles and
caches, the pane's blocks, every module's functions. Python's full collection walks all
of them, 65 ms on a 2-core server, and it comes every few dozen keystrokes, in the
middle of one. Frozen (``gc.freeze``), they are out of its reach (a full collection:
1.5 ms); what the app makes later is collected as before. When the app ends they are
handed back to the collector, so that a process that runs apps one after another (the
tests) frees each.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Freeze what the app holds now, after collecting this moment's young garbage (a millisecond or two).

    Cyclic garbage older than that, and widgets built before now and removed later (a spare
    block widget past the result view's few), are frozen with the rest and not freed before
    the app ends: a few kilobytes, against a collection that held up a keystroke.
    """
    gc.collect(1)
    gc.freeze()


def release() -> None:
    """The app is ending: what was frozen is the collector's again, to be freed once it is garbage."""
    gc.unfreeze()
