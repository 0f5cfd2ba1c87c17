"""Lesson 2: matrix products in torch beside NumPy."""
