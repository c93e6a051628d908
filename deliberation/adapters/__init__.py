"""Adapters: files, database, templates, diagrams: everything that touches the outside."""
