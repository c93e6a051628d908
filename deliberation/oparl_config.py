"""The ``[oparl]`` section of ``config.toml``: the OParl 1.1 server and the static export.

The live server answers under ``[web] base_url`` + ``/oparl/v1``; the static export
(``deliberation export oparl``) writes a folder to be published at ``base_url``. Both
describe the county (Body) with the keys below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from deliberation.setting_fields import Reading, setting
from deliberation.toml_files import Section

DEFAULT_BASE_URL = "http://localhost:8000/oparl"
#: what of an agenda item in closed session may be published (``closed_session_publishes``)
CLOSED_SESSION_FIELDS = ("name", "result", "resolutionText")


def _web_address(url: str) -> str | None:
    if url.strip().startswith(("https://", "http://")):
        return None
    return f'"{url.strip()}" ist keine Web-Adresse (https://…).'


def _optional_web_address(url: str) -> str | None:
    return None if not url.strip() else _web_address(url)


def _digits(count: int, name: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if not value or re.fullmatch(rf"\d{{{count}}}", value):
            return None
        return f'"{value}" ist kein {name} ({count} Ziffern, z. B. {"0" * count}).'

    return check


def _closed_fields(values: tuple[str, ...]) -> str | None:
    unknown = [v for v in values if v not in CLOSED_SESSION_FIELDS]
    if not unknown:
        return None
    allowed = ", ".join(f'"{f}"' for f in CLOSED_SESSION_FIELDS)
    return f"{', '.join(repr(u) for u in unknown)} gibt es nicht; erlaubt sind {allowed}."


@dataclass(frozen=True)
class LegislativeTermConfig:
    """``[[oparl.legislative_terms]]``: one term of the Kreistag (Wahlperiode)."""

    name: str = setting(help="Name, z. B. „Wahlperiode 2021–2026“")
    start: date = setting(help="erster Tag der Wahlperiode")
    end: date = setting(help="letzter Tag der Wahlperiode")

    def checked(self, section: Section, reading: Reading) -> LegislativeTermConfig:
        if self.end < self.start:
            raise section.fail(
                "end", f"{self.end:%d.%m.%Y} liegt vor dem Beginn {self.start:%d.%m.%Y}."
            )
        return self


@dataclass(frozen=True)
class OparlConfig:
    """``[oparl]``: the OParl 1.1 server (``/oparl/v1/``) and the static export."""

    base_url: str = setting(
        DEFAULT_BASE_URL,
        help="Web-Adresse, unter der der statisch exportierte Ordner veröffentlicht wird",
        check=_web_address,
        normalise=lambda url: url.strip().rstrip("/"),
    )
    ags: str = setting(
        "", help="Amtlicher Gemeindeschlüssel des Landkreises (8 Ziffern)", check=_digits(8, "AGS")
    )
    rgs: str = setting(
        "", help="Regionalschlüssel des Landkreises (12 Ziffern)", check=_digits(12, "RGS")
    )
    short_name: str = setting("", help="Kurzname der Körperschaft, z. B. „LK Peine“")
    website: str = setting("", help="Website der Körperschaft", check=_optional_web_address)
    license: str = setting(
        "https://creativecommons.org/licenses/by/4.0/",
        help="Lizenz der veröffentlichten Daten (Web-Adresse der Lizenz)",
        check=_web_address,
    )
    legislative_terms: tuple[LegislativeTermConfig, ...] = setting(
        (),
        help="die Wahlperioden des Kreistags",
        normalise=lambda terms: tuple(sorted(terms, key=lambda t: t.start)),
    )
    page_size: int = setting(100, help="Objekte je Listenseite", minimum=1, maximum=1000)
    max_page_size: int = setting(
        500, help="höchstens so viele Objekte je Seite (elementsPerPage)", minimum=1, maximum=1000
    )
    closed_session_publishes: tuple[str, ...] = setting(
        (),
        help="was von Tagesordnungspunkten nicht öffentlicher Sitzungen veröffentlicht wird: "
        '"name" (Titel), "result" (Ergebnis), "resolutionText" (Beschlusstext); leer: nur, '
        "dass beraten wurde",
        check=_closed_fields,
        expected='eine Liste aus "name", "result", "resolutionText"',
    )

    def checked(self, section: Section, reading: Reading) -> OparlConfig:
        if self.page_size > self.max_page_size:
            raise section.fail(
                "page_size",
                f"{self.page_size} ist mehr als max_page_size ({self.max_page_size}).",
            )
        return self
