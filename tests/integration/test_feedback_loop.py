"""The loop closes: the Rückspiegelung reaches the next round, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

from route_helpers import Route

from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import cycles, implementation

NEXT_ROUND = "2028"


def test_the_next_rounds_cycles_and_workshop_invitations_carry_the_feedback(
    app: Application, walker: Any, clock: Any
) -> None:
    route = Route(walker, clock)
    route.to_kreistag()
    route.pass_body("kreistag", R.ADOPTED)
    deps = route.deps
    implementation.assign(deps, route.rec, "FD Soziales", deps.today() + timedelta(days=90), "R")
    implementation.report_back(deps, app.templates, route.rec, "Referat", NEXT_ROUND)
    title = f"Empfehlung {route.rec}"  # the walker's title
    with deps.unit_of_work() as uow:
        uow.participants.add(
            Participant(
                "Olena Koval",
                "olena@example.org",
                "uk",
                LegalBasis.DUTY,
                deps.clock(),
                municipality_key="ilsede",
            )
        )
        uow.commit()

    [workshop] = cycles.launch(deps, "future_workshop", NEXT_ROUND, "Referat", ["ilsede"])

    shown = cycles.show(deps, workshop)
    [line] = shown.feedback
    assert (line.recommendation_id, line.from_round) == (route.rec, "2026")
    assert line.title.startswith("Empfehlung") and "FD Soziales" in line.text
    walker.give_meeting(workshop)
    cycles.advance(deps, workshop, "send_invitations", "Referat", mailing=app.mailing())
    with deps.unit_of_work() as uow:
        [message] = uow.outbox.outbox_messages()
        mail = email.message_from_bytes(message.body, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    text = mail.get_body(preferencelist=("plain",))
    assert text is not None
    body = text.get_content()
    # in her language: the feedback section names what became of last round's recommendation
    assert "Зворотний зв’язок" in body and f"– {line.title}" in body
    # … and links to the public trace of the round the report comes from, in her municipality
    assert f"{app.mailing().links.base_url}/public/feedback/2026/ilsede" in body
    assert title == line.title
    assert cycles.round_feedback(deps, NEXT_ROUND) == shown.feedback  # the round overview
    # the round before it has no feedback of its own
    assert cycles.show(deps, walker.record.workshops["stadt-peine"]).feedback == ()
