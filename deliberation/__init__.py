"""deliberation: a workflow engine for recurring participatory deliberation cycles."""

__version__ = "0.1.0"
