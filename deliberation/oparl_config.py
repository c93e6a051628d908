"""The ``[oparl]`` section of ``config.toml``: where the exported OParl tree is published."""

from __future__ import annotations

from dataclasses import dataclass

from deliberation.setting_fields import setting

DEFAULT_BASE_URL = "http://localhost:8000/oparl"


def _web_address(url: str) -> str | None:
    if url.strip().startswith(("https://", "http://")):
        return None
    return f'"{url.strip()}" ist keine Web-Adresse (https://…).'


@dataclass(frozen=True)
class OparlConfig:
    """``[oparl]``: the OParl export (``deliberation export oparl``)."""

    base_url: str = setting(
        DEFAULT_BASE_URL,
        help="Web-Adresse, unter der der exportierte Ordner veröffentlicht wird",
        check=_web_address,
        normalise=lambda url: url.strip().rstrip("/"),
    )
