"""Challenges and predictions as data, and what checking them returns: plain frozen dataclasses, no torch.

A ``Challenge`` asks the learner to write code. It is checked by running, never
by reading the text (``engine.practice.checking``, in the worker): each
``Trial`` sets its inputs before the learner's code, and the names in
``results`` are compared with the reference ``solution``'s run on the same
inputs. The first trial is the one the prompt shows; the others change the
seed or the sizes, so code that types the expected numbers fails there.

A ``Prediction`` asks what some code will do before the app shows it; judging a
guess is a pure function (``judge``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.i18n import N_, _
from engine.sandbox import limits

if TYPE_CHECKING:  # a verdict's problem: the codec resolves it among the types it builds
    from engine.outcomes import Problem

RUN_SECONDS = 1.5
"""The interpreter's limit on one run of the learner's code in a check (a check makes three)."""

CHECK_SECONDS = 3 * (RUN_SECONDS + 0.5) + limits.OVERRUN_SECONDS
"""How long a whole check may take in the worker before it is stopped from outside."""

FAILS = N_("it fails")
"""The choice that says the code raises an error: judged as it is, shown in the learner's language."""


@dataclass(frozen=True)
class Trial:
    """One run of a check: ``setup`` is code run before the learner's, from ``seed``."""

    setup: str
    seed: int = 0
    label: str = ""
    """How the verdict names these inputs when they differ from the prompt's (the setup itself when empty)."""

    @property
    def named(self) -> str:
        return self.label or "; ".join(line.strip() for line in self.setup.splitlines() if line.strip())


@dataclass(frozen=True)
class Challenge:
    """Code for the learner to write, with up to three hints and the reference solution.

    ``results`` are compared in full (tensors: shape, dtype, every number;
    modules: their parameter count); ``shapes`` only by shape (a network's
    output, whose numbers depend on how its layers were built).
    """

    id: str
    lesson: str
    title: str
    prompt: str
    starter: str
    hints: tuple[str, ...]
    solution: str
    trials: tuple[Trial, ...]
    results: tuple[str, ...]
    shapes: tuple[str, ...] = ()
    inputs: str = ""
    """The inputs in words, when the first trial's setup is too long to show as it is."""

    @property
    def given(self) -> str:
        """The inputs the prompt is about, in one line: ``inputs``, or the first trial's setup."""
        return self.inputs or "; ".join(line.strip() for line in self.trials[0].setup.splitlines() if line.strip())


@dataclass(frozen=True)
class Verdict:
    """What checking a challenge found: passed or not, in the learner's names and numbers.

    ``problem`` is the failing statement of the learner's code (lines counted
    in their code, so a fix applies to the editor's text), with the doctor's
    explanation and fixes; ``trial`` the 1-based trial that failed (0: none).
    """

    passed: bool
    feedback: str
    problem: Problem | None = None
    trial: int = 0


@dataclass(frozen=True)
class Misconception:
    """A wrong choice and the likely reason behind it."""

    choice: str
    reason: str


@dataclass(frozen=True)
class Prediction:
    """A question about ``code`` answered before it runs: what does ``target`` come out as?

    ``asks`` is "shape", "dtype", "value" or "fails"; ``answer`` is the right
    one of ``choices`` (tests run ``code`` in PyTorch to confirm it).
    """

    id: str
    lesson: str
    title: str
    question: str
    code: str
    target: str
    asks: str
    choices: tuple[str, ...]
    answer: str
    why: str
    misconceptions: tuple[Misconception, ...] = ()


@dataclass(frozen=True)
class Judgement:
    """A guess judged: right or not, the answer, and for a wrong guess the likely misconception."""

    right: bool
    answer: str
    misconception: str
    why: str


def choice_text(choice: str) -> str:
    """A choice as the learner reads it: ``FAILS`` translated; shapes, dtypes and numbers are code, kept as they are."""
    return _(choice) if choice == FAILS else choice


def judge(prediction: Prediction, guess: str) -> Judgement:
    """Whether ``guess`` is ``prediction``'s answer, and what a wrong guess probably assumed."""
    right = guess.strip() == prediction.answer
    reason = ""
    if not right:
        reason = next((m.reason for m in prediction.misconceptions if m.choice == guess.strip()), "")
        if not reason:
            reason = _("Not quite: it is {answer}.", answer=choice_text(prediction.answer))
    return Judgement(right, prediction.answer, reason, prediction.why)


__all__ = ["FAILS", "Challenge", "Judgement", "Misconception", "Prediction", "Trial", "Verdict", "choice_text", "judge"]
