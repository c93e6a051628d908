"""Settings declared once: the loader derives keys, defaults and checks from the fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from domain_builders import ROOT, real_engine

from deliberation.config import Settings, load_settings
from deliberation.domain.errors import ConfigError
from deliberation.schedule_setup import schedule_policy
from deliberation.setting_fields import Reading, declarations, describe, read_table, setting
from deliberation.toml_files import Section


@dataclass(frozen=True)
class Room:
    key: str = setting(help="Schlüssel")
    seats: int = setting(20, help="Plätze", minimum=1, maximum=500)


@dataclass(frozen=True)
class Venue:
    name: str = setting(help="Name")
    opens: time = setting(time(9, 0), help="Öffnung")
    kind: str = setting("saal", help="Art", choices=("saal", "aula"))
    folder: Path = setting(Path("plaene"), help="Pläne")
    rooms: tuple[Room, ...] = setting((), help="Räume")
    tags: tuple[str, ...] = setting((), help="Stichworte")

    def checked(self, section: Section, reading: Reading) -> Venue:
        if sum(r.seats for r in self.rooms) > 600:
            raise section.fail("rooms", "zu viele Plätze.")
        return self


def _read(data: dict[str, Any]) -> Venue:
    section = Section(data, "probe/venue.toml", "venue", ConfigError)
    return read_table(Venue, section, Reading(Path("/srv/county"), {}))


def test_defaults_come_from_the_declaration_and_paths_from_the_config_folder() -> None:
    venue = _read({"name": "Kreishaus"})
    assert (venue.opens, venue.kind, venue.rooms, venue.tags) == (time(9, 0), "saal", (), ())
    assert venue.folder == Path("/srv/county/plaene")


def test_values_of_every_declared_type_are_read() -> None:
    venue = _read(
        {
            "name": "Forum",
            "opens": "18:30",
            "kind": "aula",
            "folder": "x",
            "rooms": [{"key": "a"}, {"key": "b", "seats": 300}],
            "tags": ["barrierefrei"],
        }
    )
    assert venue.opens == time(18, 30)
    assert [(r.key, r.seats) for r in venue.rooms] == [("a", 20), ("b", 300)]
    assert venue.tags == ("barrierefrei",)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ['"venue.name"', "fehlt"]),
        ({"name": "F", "größe": 3}, ['"venue.größe"', "unbekannter Schlüssel", "name, opens"]),
        ({"name": "F", "opens": "9 Uhr"}, ['"venue.opens"', "keine Uhrzeit", '"09:00"']),
        ({"name": "F", "kind": "zelt"}, ['"venue.kind"', '"zelt" ist unbekannt', "saal, aula"]),
        ({"name": 7}, ['"venue.name"', "muss ein Text sein"]),
        ({"name": "F", "rooms": [{"key": "a", "seats": 0}]}, ['rooms[1].seats"', "mindestens 1"]),
        ({"name": "F", "rooms": [{"key": "a", "seats": 501}]}, ["rooms[1].seats", "höchstens 500"]),
        ({"name": "F", "rooms": [{"key": "a"}, {"key": "a"}]}, ['"venue.rooms"', '"a" kommt']),
        (
            {"name": "F", "rooms": [{"key": "a", "seats": 400}, {"key": "b", "seats": 400}]},
            ['"venue.rooms"', "zu viele Plätze"],
        ),
    ],
)
def test_checks_are_derived_from_the_declaration(data: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        _read(data)
    message = str(caught.value)
    assert message.startswith("probe/venue.toml: "), message
    for part in expected:
        assert part in message, message


def test_every_key_of_config_toml_is_declared_with_a_help_text() -> None:
    rows = describe(Settings)
    assert {"county.holiday_state", "smtp.rate_per_minute", "bodies[].cadence.weekday"} <= {
        key for key, _, _ in rows
    }
    assert all(help_text.strip() for _, _, help_text in rows)
    assert ("scheduler.send_time", '"08:00"') in {(key, default) for key, default, _ in rows}


def test_an_undeclared_field_is_a_programming_error() -> None:
    @dataclass(frozen=True)
    class Loose:
        name: str = "x"

    with pytest.raises(TypeError, match=r"Loose\.name is not declared"):
        declarations(Loose)


def test_the_federal_state_of_the_holidays_is_a_setting(tmp_path: Path) -> None:
    assert load_settings(ROOT / "config.toml", environ={}).county.holiday_state == "NI"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    state = 'holiday_state = "NI"'
    path.write_text(text.replace(state, 'holiday_state = "BY"'), encoding="utf-8")
    assert load_settings(path, environ={}).county.holiday_state == "BY"
    path.write_text(text.replace(state, 'holiday_state = "Bayern"'), encoding="utf-8")
    refusal = r'"county\.holiday_state": "Bayern" ist unbekannt \(erlaubt: BB, BE'
    with pytest.raises(ConfigError, match=refusal):
        load_settings(path, environ={})


def test_the_scheduler_keeps_meetings_off_the_holidays_of_the_configured_state(
    tmp_path: Path,
) -> None:
    corpus_christi = date(2027, 5, 27)  # a public holiday in Bavaria, not in Lower Saxony
    lower_saxony = schedule_policy(load_settings(ROOT / "config.toml", environ={}), real_engine())
    assert lower_saxony.series[0].closed.is_closed(corpus_christi) is None
    path = tmp_path / "config.toml"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('holiday_state = "NI"', 'holiday_state = "BY"'), encoding="utf-8")
    bavaria = schedule_policy(load_settings(path, environ={}), real_engine())
    assert bavaria.series[0].closed.is_closed(corpus_christi) == "Feiertag: Fronleichnam"
