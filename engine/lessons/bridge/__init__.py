"""Lesson 3: torch <-> NumPy, and the memory the two can share."""
