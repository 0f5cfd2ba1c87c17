"""The safe evaluator: learner code parsed with ``ast`` and walked against a whitelist, never run as Python.

``evaluation.evaluate`` is the entry point; ``interpreter`` walks the tree,
``whitelist`` says what may be named, ``sizing`` and ``meta`` size each call
before it allocates, ``budget`` holds a run's time, memory and printing, and
``doctor`` explains a failure and offers the fixes it has run.

This package imports nothing from the lessons or the result blocks, and this
file imports nothing at all: ``limits`` is read without loading torch.
"""
