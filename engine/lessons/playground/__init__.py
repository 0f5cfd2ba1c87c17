"""The Playground: the learner's own code."""
