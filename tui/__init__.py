"""tensor-tutor's terminal app. Never imports torch at module level: see ``tui.app``."""
