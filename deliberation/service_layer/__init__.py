"""Use cases: one function per thing a member of staff does, each in one unit of work."""
