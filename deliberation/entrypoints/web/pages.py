"""Rendering a page: one Jinja2 environment over ``templates/web/``, autoescaped.

Every page gets the signed-in account, its navigation and the CSRF token,
so a template writes ``{{ csrf_field() }}`` in each form and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from deliberation.adapters import template_i18n
from deliberation.adapters.templates import format_when
from deliberation.domain.scheduling import MEETING_STATUS_TITLES
from deliberation.entrypoints.web.forms import FormErrors
from deliberation.entrypoints.web.roles import navigation_for
from deliberation.entrypoints.web.session_data import csrf_token
from deliberation.service_layer.accounts import AccountView

#: Who is signed in for a request (``sessions.signed_in_account``, given by the app factory).
AccountOf = Callable[[Request], AccountView | None]


class Pages:
    def __init__(self, folder: Path, county: str, timezone: str, account_of: AccountOf) -> None:
        environment = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.filters["when"] = lambda moment: format_when(moment, "de", timezone)
        environment.filters["day"] = lambda day: day.strftime("%d.%m.%Y") if day else ""
        template_i18n.install(environment)  # {% trans %} and _() in the page's language
        environment.globals["meeting_status_titles"] = MEETING_STATUS_TITLES
        self.county = county
        self._account_of = account_of
        self._environment = environment
        self._templates = Jinja2Templates(env=environment)

    def _defaults(self, language: str) -> dict[str, Any]:
        return {
            "county": self.county,
            "account": None,
            "navigation": [],
            "current_path": "",
            "csrf_field": lambda: "",
            "language": language,
            "direction": "ltr",
            "errors": FormErrors(),
            "values": {},
        }

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
        language: str = "de",
    ) -> HTMLResponse:
        account = self._account_of(request)
        token = csrf_token(request)
        values: dict[str, Any] = {
            **self._defaults(language),
            "account": account,
            "navigation": navigation_for(account.role) if account else [],
            "current_path": request.url.path,
            "csrf_field": lambda: Markup(
                f'<input type="hidden" name="csrf_token" value="{escape(token)}">'
            ),
            **(context or {}),
        }
        return self._templates.TemplateResponse(request, name, values, status_code=status_code)

    def text(self, name: str, context: Mapping[str, Any]) -> str:
        """A page without a request (the 500 page: no session, no database)."""
        return self._environment.get_template(name).render({**self._defaults("de"), **context})
