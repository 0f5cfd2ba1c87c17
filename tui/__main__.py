"""The ``tensor-tutor`` command: parse arguments, then run the app.

Arguments are handled before the app (and long before torch) is imported, so
``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.state import StateStore


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tensor-tutor")
    except PackageNotFoundError:
        return "unknown"


class _ShowVersion(argparse.Action):
    """``--version``, looked up only when asked: importlib.metadata costs every start ~10 ms before first paint."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object, option_string: str | None = None) -> None:
        print(f"tensor-tutor {_version()}")
        parser.exit()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: a few switches for terminals and SSH sessions."""
    parser = argparse.ArgumentParser(
        prog="tensor-tutor",
        description="Learn PyTorch basics by poking at real tensors in your terminal.",
        epilog="tensor-tutor serve --help: one warm engine for every learner on a server (docs/classroom.md).",
    )
    parser.add_argument("--version", action=_ShowVersion, help="show program's version number and exit")
    parser.add_argument(
        "--no-mouse", action="store_true", help="do not capture the mouse (lighter over slow SSH links)"
    )
    parser.add_argument(
        "--engine", metavar="SOCKET",
        help="use the engine server (tensor-tutor serve) listening on SOCKET; default: $TENSOR_TUTOR_ENGINE, "
        "or the default socket if a server listens there, else an engine of this app's own",
    )
    parser.add_argument(
        "--reset", action="store_true", help="forget the saved lesson, field values and progress, then start fresh"
    )
    return parser.parse_args(argv)


def _has_terminal() -> bool:
    """Textual reads keys from stdin and draws on stderr: both must be a terminal, or it waits forever."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _save_before_dying(store: "StateStore") -> None:
    """A dropped SSH connection (SIGHUP) or a kill (SIGTERM) saves the learner's place, then ends as usual.

    Edits are saved half a second after they happen; this keeps the last half second too.
    """

    def save_then_die(signum: int, frame: object) -> None:
        store.save()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, save_then_die)


def main(argv: list[str] | None = None) -> None:
    """Start the app (or, as ``tensor-tutor serve``, the engine server); exit non-zero if it crashed."""
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["serve"]:
        from engine.worker.server import main as serve

        sys.exit(serve(arguments[1:]))
    args = parse_args(arguments)
    from tui.state import StateStore

    store = StateStore()
    if args.reset:
        store.notices.append(store.forget())
    if not _has_terminal():
        print(
            "tensor-tutor needs a terminal to draw in. Over SSH, ask for one: ssh -t user@host",
            file=sys.stderr,
        )
        sys.exit(2)
    from tui.app import TensorTutorApp

    engine = None
    if args.engine:
        from engine.worker.client import Client

        engine = Client(server=args.engine)
    app = TensorTutorApp(store, engine=engine)
    _save_before_dying(store)
    app.run(mouse=not args.no_mouse)
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
