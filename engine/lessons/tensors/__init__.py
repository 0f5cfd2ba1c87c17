"""Lesson 1: tensors in torch beside NumPy's arrays."""
