"""The OParl application: routes, JSON error objects, the cross-origin header."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from deliberation.config import Settings
from deliberation.domain.errors import NotFound
from deliberation.entrypoints.web.oparl import routes
from deliberation.entrypoints.web.oparl.server import BadRequest, CrossOrigin, OparlSite, error
from deliberation.service_layer.ports import Dependencies, Documents


def create_oparl_app(deps: Dependencies, settings: Settings, documents: Documents) -> FastAPI:
    """The OParl application; ``app.mount(PREFIX, create_oparl_app(...))``."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.oparl = OparlSite(deps, settings, documents)
    app.include_router(routes.router)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error(404, str(exc), f"no such object: {request.url.path}")

    async def unknown(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        if status == 405:
            return error(
                405, "Die OParl-Schnittstelle nimmt nur GET-Anfragen an.", "method not allowed"
            )
        return error(
            404,
            "Diese Adresse gibt es in der OParl-Schnittstelle nicht.",
            f"no such object or list: {request.url.path}",
        )

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadRequest)
        return error(400, exc.message, exc.debug)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(HTTPException, unknown)
    app.add_exception_handler(RequestValidationError, unknown)
    app.add_exception_handler(BadRequest, bad_request)
    app.add_middleware(CrossOrigin)
    return app
