"""Cadences, the biennial conference and school holidays in ``config.toml``: the real
file loads, broken copies are refused with a message naming the file and the key."""

from __future__ import annotations

from datetime import date, time
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from config_text import REAL_TEXT, broken
from domain_builders import ROOT

from deliberation.config import Settings, load_settings
from deliberation.domain.cadence import CadenceRule
from deliberation.domain.errors import ConfigError

STAB_CADENCE = (
    'cadence = { months = [3, 9], weekday = "Dienstag", week = 2, time = "17:00", '
    "allow_weekend = false }"
)
CONFERENCE_CADENCE = (
    'cadence = { months = [5], weekday = "Samstag", week = 2, time = "10:00", '
    "allow_weekend = true, duration_minutes = 360, anchor_year = 2027 }"
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(ROOT / "config.toml", environ={})


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ={})


def test_the_twice_yearly_cadence_loads_as_a_rule(settings: Settings) -> None:
    stab = next(b for b in settings.bodies if b.key == "koordinierungsstab")
    assert stab.cadence == CadenceRule(
        interval_months=6,
        months=(3, 9),
        weekday=1,
        week_of_month=2,
        time=time(17),
        allow_weekend=False,
    )
    assert stab.avoid_school_holidays


def test_every_body_has_a_rule_with_its_every_months_as_interval(settings: Settings) -> None:
    for body in settings.bodies:
        assert body.cadence is not None
        assert body.cadence.interval_months == body.every_months


def test_the_monthly_kreisausschuss_meets_in_school_holidays(settings: Settings) -> None:
    body = next(b for b in settings.bodies if b.key == "kreisausschuss")
    assert not body.avoid_school_holidays


def test_the_integration_conference_is_biennial_from_2027(settings: Settings) -> None:
    (conference,) = settings.cycles
    assert (conference.key, conference.name) == ("integration_conference", "Integrationskonferenz")
    assert conference.every_months == 24
    assert conference.cadence.anchor_year == 2027
    assert conference.cadence.months == (5,)
    assert conference.cadence.allow_weekend


def test_school_holidays_2026_to_2028_are_listed_in_order(settings: Settings) -> None:
    holidays = settings.school_holidays
    names = " ".join(h.name for h in holidays)
    for kind in ("Osterferien", "Sommerferien", "Herbstferien", "Weihnachtsferien"):
        for year in ("2026", "2027", "2028"):
            assert f"{kind} {year}" in names
    assert all(h.first <= h.last for h in holidays)
    assert all(a.last < b.first for a, b in pairwise(holidays))
    summer = next(h for h in holidays if h.name == "Sommerferien 2026")
    assert date(2026, 7, 15) in summer
    assert date(2026, 5, 26) in next(h for h in holidays if h.name == "Pfingstferien 2026")


def test_defaults_and_lower_case_weekday_names(tmp_path: Path) -> None:
    text = broken(STAB_CADENCE, 'cadence = { weekday = "freitag" }')
    stab = next(b for b in _load(tmp_path, text).bodies if b.key == "koordinierungsstab")
    assert stab.cadence == CadenceRule(interval_months=6, weekday=4, time=time(17))
    assert stab.cadence.preferred_months == (1, 7)


def test_a_body_without_cadence_gets_the_default_rule(tmp_path: Path) -> None:
    text = broken(STAB_CADENCE + "\n", "")
    stab = next(b for b in _load(tmp_path, text).bodies if b.key == "koordinierungsstab")
    assert stab.cadence == CadenceRule(interval_months=6, weekday=1, time=time(17))


def test_config_without_school_holidays_and_cycles_still_loads(tmp_path: Path) -> None:
    text = REAL_TEXT[: REAL_TEXT.index("# Wiederkehrende Zyklen")]
    settings = _load(tmp_path, text)
    assert (settings.school_holidays, settings.cycles) == ((), ())


SCHOOL_HOLIDAY = 'name = "Herbstferien 2026"\nfirst = 2026-10-12\nlast = 2026-10-24\n'

BROKEN: list[Any] = [
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace('"Dienstag"', '"Dienstags"')),
        ['"bodies[5].cadence.weekday"', '"Dienstags" ist kein Wochentag', "Montag, Dienstag"],
        id="bad-weekday-name",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace("[3, 9]", "[3, 13]")),
        ['"bodies[5].cadence.months"', "Monat 13 gibt es nicht"],
        id="month-13",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace("[3, 9]", "[3, 4]")),
        ['"bodies[5].cadence.months"', "nicht je 6 Monate auseinander", "[3, 9]"],
        id="months-not-six-apart",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace("[3, 9]", '"März"')),
        ['"bodies[5].cadence.months"', "Liste von Monatszahlen"],
        id="months-not-a-list",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace('"17:00"', '"17 Uhr"')),
        ['"bodies[5].cadence.time"', '"17 Uhr" ist keine Uhrzeit', "HH:MM"],
        id="bad-time-string",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace('"17:00"', '"25:00"')),
        ['"bodies[5].cadence.time"', '"25:00" ist keine Uhrzeit'],
        id="hour-25",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace('"17:00"', '"02:30"')),
        ['"bodies[5].cadence.time"', "Zeitumstellung"],
        id="time-in-the-dst-gap",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace("week = 2", "week = 5")),
        ['"bodies[5].cadence.week"', "5 ist nicht möglich"],
        id="week-5",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace("allow_weekend = false", 'wochentag = "Di"')),
        ['"bodies[5].cadence.wochentag"', "unbekannter Schlüssel", "weekday"],
        id="unknown-cadence-key",
    ),
    pytest.param(
        broken(STAB_CADENCE, STAB_CADENCE.replace("allow_weekend = false", "allow_weekend = 0")),
        ['"bodies[5].cadence.allow_weekend"', "true oder false"],
        id="allow-weekend-not-a-flag",
    ),
    pytest.param(
        broken("every_months = 6\n", "every_months = 5\n"),
        ['"bodies[5].every_months"', "keinen Sitzungsrhythmus", "1, 2, 3, 4, 6, 12"],
        id="interval-without-cadence",
    ),
    pytest.param(
        broken(CONFERENCE_CADENCE, CONFERENCE_CADENCE.replace(", anchor_year = 2027", "")),
        ['"cycles.integration_conference.cadence.anchor_year"', "fehlt"],
        id="biennial-without-anchor-year",
    ),
    pytest.param(
        broken('name = "Integrationskonferenz"\n', ""),
        ['"cycles.integration_conference.name"', "fehlt"],
        id="cycle-without-name",
    ),
    pytest.param(
        broken(SCHOOL_HOLIDAY, SCHOOL_HOLIDAY.replace("last = 2026-10-24", "last = 2026-10-02")),
        ['"school_holidays[4].last"', "02.10.2026 liegt vor dem ersten Tag 12.10.2026"],
        id="school-holiday-last-before-first",
    ),
    pytest.param(
        broken(SCHOOL_HOLIDAY, SCHOOL_HOLIDAY.replace("2026-10-12", '"12.10.2026"')),
        ['"school_holidays[4].first"', "muss ein Datum sein"],
        id="school-holiday-date-as-text",
    ),
    pytest.param(
        broken(SCHOOL_HOLIDAY, SCHOOL_HOLIDAY.replace("2026-10-12", "2026-10-12T08:00:00")),
        ['"school_holidays[4].first"', "muss ein Datum sein"],
        id="school-holiday-datetime",
    ),
    pytest.param(
        broken(SCHOOL_HOLIDAY, SCHOOL_HOLIDAY.replace("last = 2026-10-24\n", "")),
        ['"school_holidays[4].last"', "fehlt"],
        id="school-holiday-without-last-day",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN)
def test_broken_cadence_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path.name}/config.toml:"), message
    for part in expected:
        assert part in message, message
