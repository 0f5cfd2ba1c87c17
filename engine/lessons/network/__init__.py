"""Lesson 6: a small network by hand, then with nn.Module."""
