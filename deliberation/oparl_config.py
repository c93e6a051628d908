"""The ``[oparl]`` section of ``config.toml``: where the exported OParl tree is published."""

from __future__ import annotations

from deliberation.adapters._toml import Section

DEFAULT_BASE_URL = "http://localhost:8000/oparl"


def oparl_base_url(root: Section) -> str:
    section = root.table("oparl", default_empty=True)
    section.only(("base_url",))
    url = section.text("base_url", DEFAULT_BASE_URL).strip()
    if not url.startswith(("https://", "http://")):
        raise section.fail("base_url", f'"{url}" ist keine Web-Adresse (https://…).')
    return url.rstrip("/")
