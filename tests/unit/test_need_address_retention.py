"""The address of a need from the web that was never confirmed goes; the need stays.

On the in-memory fakes: ``forget_unconfirmed_address`` is what the retention rule
applies to each submission it finds (the rule itself, with its period, runs on both
databases in ``tests/integration/test_retention.py``).
"""

from __future__ import annotations

from datetime import timedelta

from deliberation.domain.need_submissions import SubmissionStatus
from deliberation.service_layer import need_submissions
from tests.unit.domain_builders import NOW
from tests.unit.fakes import FakeStore, FakeUnitOfWork

ACTOR = "Aufbewahrungsfristen"
LATER = NOW + timedelta(days=31)


def _submitted(store: FakeStore, email: str | None) -> int:
    with FakeUnitOfWork(store) as uow:
        submission_id = uow.submissions.add_submission(
            7, "Sprachkurs am Abend", "Sprache", "county", "tr", email, NOW
        )
        uow.commit()
    return submission_id


def test_an_unconfirmed_address_goes_with_its_request_time_and_the_need_stays() -> None:
    store = FakeStore()
    submission_id = _submitted(store, "leyla@example.org")
    [before] = store.submissions
    assert before.email_requested_at == NOW

    with FakeUnitOfWork(store) as uow:
        assert need_submissions.forget_unconfirmed_address(uow, submission_id, LATER, ACTOR)
        uow.commit()

    [after] = store.submissions
    assert (after.email, after.email_requested_at, after.will_hear) == (None, None, False)
    assert (after.text, after.topic_field, after.language) == (
        "Sprachkurs am Abend",
        "Sprache",
        "tr",
    )
    assert after.status == SubmissionStatus.PENDING and after.created_at == NOW
    [row] = store.log
    assert (row.trigger, row.subject_kind, row.subject_id) == (
        "need_address_removed",
        need_submissions.SUBJECT,
        submission_id,
    )
    assert (row.actor, row.at) == (ACTOR, LATER)
    assert "leyla" not in f"{row.before}{row.after}{row.reason}"  # ids only


def test_a_confirmed_address_and_a_need_without_one_are_left_alone() -> None:
    store = FakeStore()
    confirmed = _submitted(store, "murat@example.org")
    without = _submitted(store, None)
    with FakeUnitOfWork(store) as uow:
        uow.submissions.change_submission(confirmed, email_confirmed_at=NOW + timedelta(days=1))
        uow.commit()
    kept = list(store.submissions)

    with FakeUnitOfWork(store) as uow:
        assert not need_submissions.forget_unconfirmed_address(uow, confirmed, LATER, ACTOR)
        assert not need_submissions.forget_unconfirmed_address(uow, without, LATER, ACTOR)
        assert not need_submissions.forget_unconfirmed_address(uow, 99, LATER, ACTOR)

    assert store.submissions == kept and store.log == []
