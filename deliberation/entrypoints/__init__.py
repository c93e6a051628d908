"""Entrypoints: the command line (later the web and the scheduler process)."""
