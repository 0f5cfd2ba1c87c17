"""A prediction step: the learner picks what they expect, then sees what PyTorch does.

Judging the guess is the engine's pure function (``engine.practice.judge``);
the result shown beside it comes from running the step's code in the worker,
so the answer on screen is PyTorch's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from engine.blocks import shape_text
from engine.i18n import _
from engine.outcomes import Evaluation
from engine.practice.model import Judgement, Prediction, choice_text, judge
from tui.cjk import wrapped
from tui.engine_status import expect, tutor_app


class PredictionView(Vertical):
    """The code, the choices, and once one is picked: the answer, PyTorch's output, the likely misconception."""

    HELP = _(
        "## Predict, then see\n\n**up/down** choose what you expect the code to do, **enter** picks it; then the code runs."
    )

    @dataclass
    class Answered(Message):
        """The learner made a prediction and saw the answer."""

        prediction: Prediction
        judgement: Judgement

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prediction: Prediction | None = None
        self.judgement: Judgement | None = None

    def _build(self) -> None:
        """The view's widgets, mounted the first time a prediction is shown (not with every pane: see ChallengeView)."""
        if not self.children:
            self.mount_all(
                [
                    Static(classes="prediction-code", markup=False),
                    OptionList(classes="prediction-choices"),
                    Static(classes="prediction-answer", markup=False),
                ]
            )

    @property
    def choices(self) -> OptionList:
        return self.query_one(".prediction-choices", OptionList)

    def show(self, prediction: Prediction) -> None:
        """Ask ``prediction`` (a guess already made here stays revealed)."""
        self._build()
        if prediction is self.prediction:
            return
        self.prediction = prediction
        self.judgement = None
        self.query_one(".prediction-code", Static).update(prediction.code.rstrip())
        self.choices.clear_options()
        self.choices.add_options(Option(_marked(choice, index == 0)) for index, choice in enumerate(prediction.choices))
        self.choices.highlighted = 0
        self.choices.disabled = False
        answer = self.query_one(".prediction-answer", Static)
        answer.update(wrapped(_("Pick what you expect (up/down, enter); then it runs.")))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Mark the highlighted choice with an arrow too, so it stands out without colour (NO_COLOR)."""
        event.stop()
        if self.prediction is not None and self.judgement is None:
            for index, choice in enumerate(self.prediction.choices):
                self.choices.replace_option_prompt_at_index(index, _marked(choice, index == event.option_index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        prediction = self.prediction
        if prediction is None or self.judgement is not None:
            return
        guess = prediction.choices[event.option_index]
        self.judgement = judge(prediction, guess)
        self.query_one(".prediction-answer", Static).update(wrapped(_("Running…")))
        self._run(prediction, guess, self.judgement)

    @work(thread=True, exclusive=True, group="predict")
    def _run(self, prediction: Prediction, guess: str, judgement: Judgement) -> None:
        try:
            seen = _seen(
                prediction, expect(tutor_app(self).engine.call("evaluate", source=prediction.code), Evaluation)
            )
        except Exception as error:  # noqa: BLE001 - the answer is still shown; the output says what failed
            seen = str(error) or type(error).__name__
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._reveal, prediction, guess, judgement, seen)

    def _reveal(self, prediction: Prediction, guess: str, judgement: Judgement, seen: str) -> None:
        if prediction is not self.prediction:
            return
        verdict = (_("Right: "), "bold") if judgement.right else (_("Not quite: "), "bold")
        said = _(
            "you said {guess}, PyTorch says {answer}.", guess=choice_text(guess), answer=choice_text(judgement.answer)
        )
        lines = [Text.assemble(verdict, said), Text(_("It ran: {seen}", seen=seen))]
        if judgement.misconception:
            lines.append(Text(judgement.misconception))
        lines.append(Text(judgement.why, style="italic"))
        self.query_one(".prediction-answer", Static).update(wrapped(Text("\n").join(lines)))
        self.set_class(judgement.right, "-right")
        self.post_message(self.Answered(prediction, judgement))


def _marked(choice: str, highlighted: bool) -> str:
    return ("> " if highlighted else "  ") + choice_text(choice)


def _seen(prediction: Prediction, evaluation: Evaluation) -> str:
    """What PyTorch did with the prediction's code, in one line."""
    if evaluation.error is not None:
        return f"{evaluation.error.kind}: {evaluation.error.message}"
    output = next((o for o in reversed(evaluation.outputs) if o.name == prediction.target), None)
    if output is None:
        return _("{name} was not set", name=prediction.target)
    if prediction.asks == "shape" and output.shape is not None:
        return _("{name} has shape {shape}", name=prediction.target, shape=shape_text(output.shape))
    if prediction.asks == "dtype" and output.dtype is not None:
        return _("{name} is {dtype}", name=prediction.target, dtype=output.dtype)
    return f"{prediction.target} = {output.text}"
