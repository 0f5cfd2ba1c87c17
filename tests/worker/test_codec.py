"""Results cross between processes as plain JSON and come back as exactly the same dataclasses."""

from __future__ import annotations

import json
import pickle

import pytest

from engine import LESSONS
from engine.blocks import LessonResult, Value
from engine.calculus import curve
from engine.errors import InputError
from engine.outcomes import Evaluation
from engine.sandbox.evaluation import evaluate
from engine.worker import protocol
from engine.worker.codec import CodecError, decode, encode


def _round_trip(value: object) -> object:
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lessons_result_comes_back_equal(lesson) -> None:
    result = lesson.compute({})
    back = _round_trip(result)
    assert isinstance(back, LessonResult)
    assert back == result  # frozen dataclasses: field by field, tuples as tuples


def test_an_evaluation_comes_back_with_tuples_and_without_its_live_values() -> None:
    evaluation = evaluate("x = torch.ones(2, 3)\ny = x @ x")
    back = _round_trip(evaluation)
    assert isinstance(back, Evaluation)
    assert back.outputs == evaluation.outputs and back.error == evaluation.error
    assert isinstance(back.outputs[0].shape, tuple) and isinstance(back.error.fixes, tuple)
    assert back.error.fixes[0].shape == (2, 2)
    assert dict(back.namespace) == {}  # tensors stay in the worker


def test_a_curve_keeps_its_gaps() -> None:
    sampled = curve("1/x", -1.0, 1.0, 5)
    assert _round_trip(sampled) == sampled and _round_trip(sampled).ys[2] is None


def test_an_input_error_keeps_its_field() -> None:
    back = _round_trip(InputError("Shape: expected whole numbers", "shape"))
    assert isinstance(back, InputError) and back.field == "shape" and back.message.startswith("Shape")


@pytest.mark.parametrize(
    "data",
    [
        {"$": "Popen", "args": ["sh"]},  # not a registered type
        {"$": "os.system", "command": "true"},
        {"$": "Value", "title": "t", "text": "x", "shape": "not a tuple"},  # wrong field type
        {"$": "Value", "title": "t", "text": "x", "__class__": "Fact"},  # a field it does not have
        {"$": "LessonResult", "blocks": [{"$": "LessonResult", "blocks": []}]},  # not a Block
        {"$": "Value", "title": 1, "text": "x"},
    ],
)
def test_unknown_types_and_wrong_fields_are_refused(data: dict) -> None:
    with pytest.raises(CodecError):
        decode(data)


def test_decode_builds_the_declared_tuple() -> None:
    value = decode({"$": "Value", "title": "t", "text": "x", "shape": [2, 3]})
    assert value == Value("t", "x", (2, 3))


def test_live_objects_are_not_sent() -> None:
    with pytest.raises(CodecError):
        encode(object())


def test_a_pickle_is_never_read() -> None:
    payload = pickle.dumps(Value("t", "x"))
    with pytest.raises(protocol.ProtocolError):
        protocol.parse(payload)
    with pytest.raises(protocol.ProtocolError, match="over the limit"):
        protocol.encode_message("x" * (protocol.MAX_MESSAGE_BYTES + 1))
