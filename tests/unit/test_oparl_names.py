"""OParl persons: a display name split into academic titles, given and family name."""

from __future__ import annotations

import pytest

from deliberation.adapters.oparl import split_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anna Schmidt", ([], "Anna", "Schmidt")),
        ("Dr. Jan von Becker", (["Dr."], "Jan", "von Becker")),
        ("Prof. Dr. Ayşe Yılmaz-Demir", (["Prof.", "Dr."], "Ayşe", "Yılmaz-Demir")),
        ("Hans Peter zu Dohna", ([], "Hans Peter", "zu Dohna")),
        ("Olena", ([], "", "Olena")),
        ("  Maria   de la Cruz ", ([], "Maria", "de la Cruz")),
    ],
)
def test_names_are_split_into_title_given_and_family_name(
    name: str, expected: tuple[list[str], str, str]
) -> None:
    assert split_name(name) == expected
