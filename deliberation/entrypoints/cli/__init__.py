"""The command line: ``deliberation`` and its commands (kept light: the launcher lives here)."""
