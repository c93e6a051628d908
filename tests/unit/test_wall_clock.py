"""Wall-clock times: the skipped spring hour is refused, the doubled autumn hour is named."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deliberation.domain.wall_clock import NonexistentTime, exact

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("minute", [0, 30, 59])
def test_a_time_in_the_spring_gap_is_refused_naming_the_gap(minute: int) -> None:
    with pytest.raises(NonexistentTime) as refused:
        exact(datetime(2027, 3, 28, 2, minute), BERLIN)
    message = str(refused.value)
    assert f"28.03.2027 02:{minute:02d} gibt es in Europe/Berlin nicht" in message
    assert "um 02:00 auf 03:00 vorgestellt" in message


def test_the_edges_of_the_gap_exist() -> None:
    assert exact(datetime(2027, 3, 28, 1, 59), BERLIN).at == datetime(
        2027, 3, 28, 0, 59, tzinfo=UTC
    )
    assert exact(datetime(2027, 3, 28, 3, 0), BERLIN).at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_a_time_in_the_autumn_fold_takes_the_first_and_says_so() -> None:
    first = exact(datetime(2027, 10, 31, 2, 30), BERLIN)
    second = exact(datetime(2027, 10, 31, 2, 30, fold=1), BERLIN)

    assert first.at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert second.at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert first.note is not None and "genommen: 02:30 MESZ (UTC+2)" in first.note
    assert "„31.10.2027 02:30 MEZ“" in first.note
    assert second.note is not None and "genommen: 02:30 MEZ (UTC+1)" in second.note


def test_an_ordinary_time_has_no_note() -> None:
    assert exact(datetime(2027, 5, 1, 18, 0), BERLIN).note is None
