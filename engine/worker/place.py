"""Where a class's engine server listens, and whether a socket found there can be trusted.

Apart from the server (``engine.worker.server``) because every app asks on start
whether a server is there, and must not import the server's own machinery to ask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def default_socket() -> Path:
    """``$XDG_RUNTIME_DIR/tensor-tutor/engine.sock`` (``/tmp/tensor-tutor-UID/...`` without one)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/tmp/tensor-tutor-{os.getuid()}"
    return Path(runtime) / "tensor-tutor" / "engine.sock"


def safe_place(path: Path) -> bool:
    """True if no other user could have put a socket at ``path`` or could swap it for theirs.

    Its directory and the one above it (``$XDG_RUNTIME_DIR`` or ``/tmp/tensor-tutor-UID`` for the
    default socket) must belong to this user or root and be writable by nobody else (unless sticky,
    as ``/tmp`` is), and the socket, if there, to this user or root. Otherwise another learner on a
    shared server could make the default socket first and receive every run of this one's.
    """
    owners = (os.getuid(), 0)
    for directory in (path.parent, path.parent.parent):
        try:
            status = directory.stat()
        except OSError:
            return False
        if status.st_uid not in owners or (status.st_mode & 0o022 and not status.st_mode & stat.S_ISVTX):
            return False
    try:
        return path.lstat().st_uid in owners
    except FileNotFoundError:
        return True
