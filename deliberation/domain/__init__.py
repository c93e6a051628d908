"""The domain: plain objects and workflow rules, free of I/O."""
