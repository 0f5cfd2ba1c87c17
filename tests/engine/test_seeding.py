"""Seeding the CPU generator alone gives the numbers torch.manual_seed gives."""

from __future__ import annotations

import pytest
import torch

from engine.sandbox.evaluation import evaluate
from engine.sandbox.seeding import seed_torch


@pytest.mark.parametrize("seed", [0, 7, 2**32 + 5, 2**63 - 1])
def test_the_same_numbers_as_torch_manual_seed(seed: int) -> None:
    torch.manual_seed(seed)
    expected = (torch.randn(3, 4), torch.randint(0, 100, (5,)), torch.rand(2))
    seed_torch(seed)
    got = (torch.randn(3, 4), torch.randint(0, 100, (5,)), torch.rand(2))
    for want, have in zip(expected, got):
        assert torch.equal(want, have)


def test_learner_code_seeded_by_hand_draws_torchs_own_numbers() -> None:
    torch.manual_seed(11)
    expected = torch.randn(2, 3)
    outcome = evaluate("torch.manual_seed(11)\nx = torch.randn(2, 3)")
    assert outcome.ok
    assert torch.equal(outcome.namespace["x"], expected)
