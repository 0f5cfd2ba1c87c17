"""Lesson 4: derivatives with autograd."""
