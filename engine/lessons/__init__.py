"""One package per lesson: ``spec.py`` declares it (torch-free), ``compute.py`` computes its steps."""
