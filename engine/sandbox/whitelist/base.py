"""The kinds of thing learner code may hold from a library, and the refusal for everything else.

The whitelist's modules (``whitelist``, ``whitelist.nn``, ``whitelist.python``) build their tables from these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.i18n import N_, _

ALLOWED_SUMMARY = N_(
    "tensor-tutor runs a subset of Python with chosen parts of torch, torch.nn, torch.optim, "
    "numpy and math, and no access to files, the network or processes"
)


class Refused(Exception):
    """The code used something outside the safe subset; the message says what and what is allowed."""


def refuse(what: str) -> Refused:
    """A refusal for ``what`` in the project's standard words."""
    return Refused(_("{what} is not available here: {allowed}", what=what, allowed=_(ALLOWED_SUMMARY)))


@dataclass(frozen=True)
class Allowed:
    """A library function the code may call. ``rule`` says how its result size is known in advance.

    It is deliberately not callable: library code handed one (as a sort key, say)
    cannot run it past the interpreter's checks.

    Rules: "meta" runs it on meta copies of its tensor arguments first; "create" runs it with
    device="meta" first; "data" counts the nested data of its first argument; "bounded" means
    the result is never larger than its inputs; numpy rules are looked up in ``sizing``.
    """

    name: str
    fn: Callable[..., object]
    rule: str = "meta"

    def __repr__(self) -> str:
        if isinstance(self.fn, type):  # print(nn.Linear) shows the class, as Python does
            return f"<class '{self.fn.__module__}.{self.fn.__qualname__}'>"
        return f"<function {self.name}>"


@dataclass(frozen=True, eq=False)
class Builtin:
    """A Python builtin as the subset offers it: our bounded version under the usual name.

    ``as_type`` is the type it stands for in ``isinstance`` (``list`` for our list()).
    """

    name: str
    fn: Callable[..., object]
    as_type: type | None = None

    def __call__(self, *args: object, **kwargs: object) -> object:
        try:
            return self.fn(*args, **kwargs)
        except TypeError as exc:  # "Builtins.list_() takes ..." -> "list() takes ..."
            message = str(exc)
            ours = f"{getattr(self.fn, '__qualname__', self.name)}("
            if message.startswith(ours):
                raise TypeError(f"{self.name}({message[len(ours) :]}") from None
            raise

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


@dataclass(frozen=True)
class Library:
    """A module name as the code sees it (torch, np, nn, F): only listed members resolve."""

    name: str
    members: Mapping[str, object]
    module: object = None

    def __repr__(self) -> str:
        return f"<module {self.name}>"


def functions(prefix: str, owner: object, names: str, rule: str) -> dict[str, Allowed]:
    """Allowed entries for space-separated ``names`` of ``owner``, under ``prefix``."""
    return {name: Allowed(f"{prefix}.{name}", getattr(owner, name), rule) for name in names.split()}
