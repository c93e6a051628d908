"""A refusal that reaches a page states the situation and links to the page for the next step;
it never suggests a command of the command line (real HTTP, both databases)."""

from __future__ import annotations

import re

import httpx
from live_server import StaffClient, csrf_of

from tests.conftest import RoundWalker

COMMAND = re.compile(r"deliberation [a-z]+ [a-z-]+")


def _post(client: httpx.Client, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data})


def test_an_unknown_record_links_to_its_list_instead_of_naming_a_command(
    staff: StaffClient,
) -> None:
    client = staff("referat")
    for path, message, link in (
        ("/recommendations/9999", "Empfehlung 9999 gibt es nicht.", "/tracker"),
        ("/groups/77", "Arbeitsgruppe 77 gibt es nicht.", "/groups"),
        ("/cycles/999", "Zyklus 999 gibt es nicht.", "/rounds"),
    ):
        page = client.get(path)
        assert page.status_code == 404, path
        assert message in page.text, path
        assert f'<a href="{link}">' in page.text, path
        assert COMMAND.search(page.text) is None, path


def test_a_guard_refusal_on_the_step_form_names_no_command(
    staff: StaffClient, walker: RoundWalker
) -> None:
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    walker.open_needs_collection("stadt-peine")
    client = staff("referat")
    refused = _post(
        client, f"/cycles/{workshop}", f"/cycles/{workshop}/steps", {"trigger": "start_vision"}
    )
    assert refused.status_code == 400
    assert "Es wurden noch keine Bedarfe gesammelt." in refused.text
    assert COMMAND.search(refused.text) is None
