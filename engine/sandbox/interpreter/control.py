"""The control-flow exceptions: how ``break``, ``continue`` and ``return`` leave the code that runs them.

A loop or a call catches its own (``Break``, ``Continue``, ``Return``); one that
reaches a run's top level is a ``MisplacedStatement``. ``WatchedStatementDone``
stops a trial run right after the statement it watches.
"""

from __future__ import annotations


class Break(Exception):
    pass


class Continue(Exception):
    pass


class Return(Exception):
    def __init__(self, value: object) -> None:
        self.value = value


class WatchedStatementDone(BaseException):
    """Raised after the watched statement has run, to stop a trial run there.

    A BaseException so that no ``except Exception`` between here and the runner
    (in torch's module call, say) can swallow it.
    """

    def __init__(self, value: object) -> None:
        self.value = value


class MisplacedStatement(SyntaxError):
    """break/continue/return outside the construct that gives them meaning."""
