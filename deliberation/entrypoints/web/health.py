"""``/healthz`` and ``/readyz`` for the reverse proxy, the container runtime and monitoring.

``/healthz``: the process answers (200, nothing else is asked). ``/readyz``: the
checks of ``service_layer.health`` (database, migrations, scheduler heartbeat,
outbox), 200 when all pass, 503 with the failed ones otherwise. Both answer JSON
and are never cached; neither needs an account or reveals personal data.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from deliberation.entrypoints.web.context import web_context
from deliberation.service_layer import health

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    ctx = web_context(request)
    probe: health.HealthProbe = request.app.state.health
    stuck_after = timedelta(minutes=ctx.settings.health.outbox_stuck_minutes)
    # The checks block on the database: off the event loop, so one slow check cannot stall
    # the worker's other requests.
    result = await asyncio.to_thread(health.readiness, probe, ctx.deps.clock, stuck_after)
    return JSONResponse(readiness_json(result), status_code=200 if result.ready else 503)


def readiness_json(result: health.Readiness) -> dict[str, object]:
    return {
        "status": "ok" if result.ready else "fehler",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in result.checks},
    }
