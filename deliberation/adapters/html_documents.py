"""Printable HTML documents from ``templates/`` (``<workflow>/<name>.de.html.j2``).

Autoescaped: nothing a participant or a working group typed is rendered as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound

from deliberation.domain.errors import TemplateRenderError


class HtmlDocuments:
    def __init__(self, folder: Path) -> None:
        self.environment = Environment(
            loader=FileSystemLoader(folder), undefined=StrictUndefined, autoescape=True
        )

    def render(self, name: str, context: Mapping[str, object], language: str = "de") -> str:
        file_name = f"{name}.{language}.html.j2"
        try:
            return self.environment.get_template(file_name).render(context)
        except TemplateNotFound:
            raise TemplateRenderError(f"Die Vorlage templates/{file_name} fehlt.") from None
        except TemplateError as exc:
            raise TemplateRenderError(
                f"Die Vorlage templates/{file_name} lässt sich nicht füllen: {exc}"
            ) from None
