"""The app for uvicorn's worker processes (``deliberation web --workers N``).

Each worker builds its own composition root from ``DELIBERATION_CONFIG``;
nothing is shared between workers but the database.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from deliberation.bootstrap import bootstrap
from deliberation.entrypoints.web.app import create_app


def app_from_environment() -> FastAPI:
    application = bootstrap(Path(os.environ.get("DELIBERATION_CONFIG", "config.toml")))
    return create_app(application)
