"""The ``tensor-tutor`` command: parse arguments, then run the app.

Arguments are handled before the app (and long before torch) is imported, so
``--help`` and ``--version`` answer at once. The language is chosen first of
all (``--lang``, else the one picked in the palette last time, else the locale
variables), because lessons translate their texts when they are imported.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.i18n import LANGUAGES, _, choose, use_language

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

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: object, values: object, option_string: str | None = None
    ) -> None:
        print(f"tensor-tutor {_version()}")
        parser.exit()


class _Formatter(argparse.HelpFormatter):
    """argparse's layout, with its one word of its own ("usage:") in the learner's language."""

    def add_usage(
        self, usage: str | None, actions: Iterable[argparse.Action], groups: Iterable[Any], prefix: str | None = None
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def _language_flag(argv: list[str]) -> str | None:
    """``--lang`` alone, read before the full command line (whose help is in that language)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=LANGUAGES)
    known, _rest = early.parse_known_args(argv)
    return known.lang


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: a few switches for terminals and SSH sessions."""
    parser = argparse.ArgumentParser(
        prog="tensor-tutor",
        description=_("Learn PyTorch basics by poking at real tensors in your terminal."),
        epilog=_("tensor-tutor serve --help: one warm engine for every learner on a server (docs/classroom.md)."),
        formatter_class=_Formatter,
        add_help=False,
    )
    options = parser.add_argument_group(_("options"))
    options.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    options.add_argument("--version", action=_ShowVersion, help=_("show program's version number and exit"))
    options.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_(
            "language: zh (Chinese) or en (English); default: the one picked in the palette, else $LANG and the other locale variables"
        ),
    )
    options.add_argument(
        "--no-mouse", action="store_true", help=_("do not capture the mouse (lighter over slow SSH links)")
    )
    options.add_argument(
        "--engine",
        metavar="SOCKET",
        help=_(
            "use the engine server (tensor-tutor serve) listening on SOCKET; default: $TENSOR_TUTOR_ENGINE, "
            "or the default socket if a server listens there, else an engine of this app's own"
        ),
    )
    options.add_argument(
        "--reset", action="store_true", help=_("forget the saved lesson, field values and progress, then start fresh")
    )
    return parser.parse_args(argv)


def relaunch_arguments(arguments: list[str], language: str) -> list[str]:
    """The command line to start again in ``language``: the same switches, without ``--lang`` and ``--reset``."""
    kept: list[str] = []
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--lang":
            skip = True
        elif not (argument.startswith("--lang=") or argument == "--reset"):
            kept.append(argument)
    return [*kept, "--lang", language]


def _has_terminal() -> bool:
    """Textual reads keys from stdin and draws on stderr: both must be a terminal, or it waits forever."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _save_before_dying(store: StateStore) -> None:
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
    flag = _language_flag(arguments)
    use_language(choose(flag, None, os.environ))  # the state file's own notices are in this one
    from tui.state import StateStore

    store = StateStore()
    use_language(choose(flag, store.load().language, os.environ))
    args = parse_args(arguments)
    if args.reset:
        store.notices.append(store.forget())
    if not _has_terminal():
        print(
            _("tensor-tutor needs a terminal to draw in. Over SSH, ask for one: ssh -t user@host"),
            file=sys.stderr,
        )
        sys.exit(2)
    from engine.worker.client import Client, shared

    engine = Client(server=args.engine) if args.engine else shared()
    start = None
    if engine.server is not None:  # reach the server while Textual imports (``tui.served_start``)
        from tui.served_start import ServedStart, first_request

        start = ServedStart(engine, first_request(store.state))
    from tui import heap
    from tui.app import TensorTutorApp

    app = TensorTutorApp(store, engine=engine, start=start)
    # Every module imported so far lives as long as the app: out of the collector's way, a full
    # collection no longer lands in the middle of the first frame (30-35 ms, walking them all).
    heap.settle()
    _save_before_dying(store)
    app.run(mouse=not args.no_mouse)
    if app.relaunch is not None:  # the palette switched the language: start again in it, place saved
        os.execv(sys.executable, [sys.executable, "-m", "tui", *relaunch_arguments(arguments, app.relaunch)])
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
