"""The message templates in ``templates/``: ``<workflow>/<name>.<language>.txt.j2``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)

from deliberation.domain.errors import TemplateRenderError, WorkflowDefinitionError

FALLBACK_LANGUAGE = "de"


class TemplateCatalog:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.environment = Environment(
            loader=FileSystemLoader(folder),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )

    def text_file(self, name: str, language: str = FALLBACK_LANGUAGE) -> str:
        return f"{name}.{language}.txt.j2"

    def exists(self, name: str) -> bool:
        """Whether the German text template of ``name`` exists and parses."""
        file_name = self.text_file(name)
        if not (self.folder / file_name).is_file():
            return False
        try:
            self.environment.get_template(file_name)
        except TemplateSyntaxError as exc:
            raise WorkflowDefinitionError(
                f"templates/{file_name}, Zeile {exc.lineno}: Vorlage fehlerhaft: {exc.message}"
            ) from None
        return True

    def render(self, name: str, language: str, context: Mapping[str, object]) -> str:
        """The text of template ``name`` in ``language`` (the ``TemplateRenderer`` port)."""
        file_name = self.text_file(name, language)
        try:
            return self.environment.get_template(file_name).render(context)
        except TemplateNotFound:
            raise TemplateRenderError(f"Die Vorlage templates/{file_name} fehlt.") from None
        except TemplateError as exc:
            raise TemplateRenderError(
                f"Die Vorlage templates/{file_name} lässt sich nicht füllen: {exc}"
            ) from None
