"""The live, read-only OParl 1.1 server (``/oparl/v1/``)."""
