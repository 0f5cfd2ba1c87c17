"""Seeding torch's random numbers, on the CPU, where everything here runs.

``torch.manual_seed`` also queues a seeding of every accelerator torch knows of
(CUDA, MPS, XPU, MTIA) for when one starts, and formats the Python stack for
each as it does: about 1 ms a call. A step of a lesson seeds a dozen times or
more, since every fix the doctor tries runs the program again from the same
seed. Nothing here runs on an accelerator (the sandbox refuses them), and the
CPU generator seeded alone gives the same numbers.
"""

from __future__ import annotations

import torch


def seed_torch(seed: int) -> None:
    """Seed torch's CPU generator as ``torch.manual_seed(seed)`` does."""
    torch.default_generator.manual_seed(int(seed))
