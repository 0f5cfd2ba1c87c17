"""Reading engine results in tests, and the tutorial's lesson 5 facts shared by several test files."""

from __future__ import annotations

import torch

from engine.blocks import Columns, LessonResult, Value

LESSON5 = """\
import torch
torch.manual_seed(7)
inputs = torch.randn((1, 10))
w1 = torch.randn_like(inputs)
b1 = torch.randn((1, 1))
y = torch.sigmoid(torch.matmul(inputs, w1) + b1)
"""
"""The tutorial's single layer, which fails with a shape error (DESIGN 3.5)."""


def lesson5_tensors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """inputs, w1 and b1 made by torch directly, as the tutorial makes them."""
    torch.manual_seed(7)
    inputs = torch.randn((1, 10))
    w1 = torch.randn_like(inputs)
    b1 = torch.randn((1, 1))
    return inputs, w1, b1


def result_values(result: LessonResult) -> dict[str, Value]:
    """Every value a result shows, on its own or in columns, by title."""
    found: dict[str, Value] = {}
    for block in result.blocks:
        for value in block.blocks if isinstance(block, Columns) else (block,):
            if isinstance(value, Value):
                found[value.title] = value
    return found
