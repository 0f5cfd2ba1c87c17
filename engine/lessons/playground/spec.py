"""The Playground, declared: one code field and one step without a goal (no torch here)."""

from __future__ import annotations

from engine.i18n import _
from engine.lesson import Field, Lesson, Step
from engine.sandbox.limits import CODE_SECONDS

LESSON = Lesson(
    id="playground",
    number=7,
    title=_("Playground"),
    summary=_("Your own code, run as you type; errors come with fixes."),
    fields=(
        Field(
            "code",
            _("code"),
            "x = torch.randn(2, 3)\nx.T @ x\n",
            _(
                "Type PyTorch or NumPy code: each statement's value shows below as you type (torch, np, nn "
                "and F are ready). A safe subset runs: assignments, expressions, for/while/if, def and class, "
                "the common torch, nn, F and np functions and tensor methods; files, other imports and names "
                "starting with _ are refused. tab indents, escape leaves the editor, ctrl+z undoes, "
                "f2 shows the code as a script."
            ),
            multiline=True,
        ),
    ),
    module="engine.lessons.playground.compute",
    steps=(Step("code", _("Your code"), "", ("code",)),),
    time_limit=CODE_SECONDS,
)
