"""Opening files in places others may write to (a shared home, the current directory) without surprises.

A FIFO makes a plain ``open`` wait for a writer forever, and a link can point
anywhere: ``open_regular`` opens without blocking, optionally refuses links,
and checks what it opened on the descriptor itself, so nothing can be swapped
in between a check and the open.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """The path names a FIFO, a directory, a device ...; the message says which."""


def open_regular(path: Path, follow_links: bool = True) -> int:
    """A blocking read-only descriptor of ``path`` if it is a regular file; raises OSError otherwise.

    ``follow_links`` False refuses a symbolic link (OSError ELOOP) instead of opening its target.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(kind_of(mode))
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, in words ("a FIFO (named pipe)", "a directory" ...)."""
    kinds = (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")
