"""Lesson 5: one layer, its shape error and the reshapes that fix it."""
