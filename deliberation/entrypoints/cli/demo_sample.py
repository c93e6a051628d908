"""The demo's sample data, read from ``demo_sample.toml`` beside this module.

People, the municipalities' needs, the working groups and their recommendations,
the texts of the bodies and the steps the demo takes: all German, all data. A
file that lacks a key or has one of the wrong type is refused with a German
message naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from deliberation.domain.errors import ConfigError

SAMPLE_FILE = "demo_sample.toml"
#: what ``plan`` in ``[route] outcomes`` may say: what becomes of a recommendation
CARRIED_OUT = "carried_out"  # adopted, implemented, reported back to the next round
DEFERRED_THEN_AMENDED = "deferred_then_amended"
TURNED_DOWN = "turned_down"
PULLED_BACK = "pulled_back"  # withdrawn at the first preliminary consultation
IN_PROGRESS = "in_progress"  # adopted, being implemented
PLANS = (CARRIED_OUT, DEFERRED_THEN_AMENDED, TURNED_DOWN, PULLED_BACK, IN_PROGRESS)
#: the needs of a municipality that ``[needs]`` does not list
ANY_PLACE = "*"


@dataclass(frozen=True)
class Step:
    """A workflow step the demo takes, with the reason the history shows."""

    trigger: str
    reason: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    municipality: str
    roles: str
    bodies: str
    language: str = ""
    publish: bool = False
    hesitant: bool = False


@dataclass(frozen=True)
class Card:
    text: str
    topic: str
    scope: str


@dataclass(frozen=True)
class Proposal:
    title: str
    text: str


@dataclass(frozen=True)
class GroupSample:
    name: str
    mandate: str
    members: tuple[str, ...]  # "Name / Organisation", as groups.form expects
    recommendations: tuple[Proposal, ...]


@dataclass(frozen=True)
class Outcome:
    plan: str
    title: str


@dataclass(frozen=True)
class WorkshopScript:
    invite: Step
    open: Step
    after_cards: tuple[Step, ...]
    after_votes: tuple[Step, ...]


@dataclass(frozen=True)
class ConferenceScript:
    venue: str
    prepare: tuple[Step, ...]
    invite: Step
    hold: Step
    close: tuple[Step, ...]
    answers: tuple[tuple[str, str], ...]  # (email, "ja" | "nein" | "vielleicht")


@dataclass(frozen=True)
class Sample:
    actor: str
    seed: int
    voters: tuple[int, int]
    group_count: int
    group_months: int
    recommendations_per_group: tuple[int, ...]
    conference_seats: int
    office: str
    implementation_months: int
    progress_note: str
    people: tuple[Person, ...]
    workshop: WorkshopScript
    conference: ConferenceScript
    start_work: Step
    deliver_report: Step
    adopt: Step
    complete: Step
    route_venue: str
    outcomes: tuple[Outcome, ...]
    statements: tuple[str, ...]
    amendment: str
    needs: dict[str, tuple[Card, ...]]
    groups: dict[str, GroupSample]

    def cards(self, municipality: str) -> tuple[Card, ...]:
        return self.needs.get(municipality) or self.needs.get(ANY_PLACE, ())


def load_sample() -> Sample:
    """The sample data shipped with the package."""
    raw = resources.files(__package__ or __name__).joinpath(SAMPLE_FILE).read_bytes()
    return parse_sample(tomllib.loads(raw.decode("utf-8")), SAMPLE_FILE)


def parse_sample(data: dict[str, Any], source: str) -> Sample:
    """Check and convert the parsed file; ``source`` names it in errors."""
    read = _Reader(source)
    demo = read.table(data, "demo")
    route = read.table(data, "route")
    outcomes = tuple(
        Outcome(read.text(o, "route.outcomes", "plan"), read.text(o, "route.outcomes", "title"))
        for o in read.tables(route, "route", "outcomes")
    )
    for outcome in outcomes:
        if outcome.plan not in PLANS:
            read.fail("route.outcomes.plan", f'"{outcome.plan}" (möglich: {", ".join(PLANS)})')
    voters = tuple(read.numbers(demo, "demo", "voters"))
    if len(voters) != 2:
        read.fail("demo.voters", "zwei Zahlen, z. B. [10, 16]")
    return Sample(
        actor=read.text(demo, "demo", "actor"),
        seed=read.number(demo, "demo", "seed"),
        voters=(voters[0], voters[1]),
        group_count=read.number(demo, "demo", "group_count"),
        group_months=read.number(demo, "demo", "group_months"),
        recommendations_per_group=tuple(read.numbers(demo, "demo", "recommendations_per_group")),
        conference_seats=read.number(demo, "demo", "conference_seats"),
        office=read.text(demo, "demo", "office"),
        implementation_months=read.number(demo, "demo", "implementation_months"),
        progress_note=read.text(demo, "demo", "progress_note"),
        people=tuple(_person(read, p) for p in read.tables(data, "", "people")),
        workshop=_workshop(read, read.table(data, "workshop")),
        conference=_conference(read, read.table(data, "conference")),
        start_work=read.step(read.table(data, "group"), "group", "start"),
        deliver_report=read.step(read.table(data, "group"), "group", "report"),
        adopt=read.step(read.table(data, "recommendation"), "recommendation", "adopt"),
        complete=read.step(read.table(data, "recommendation"), "recommendation", "complete"),
        route_venue=read.text(route, "route", "venue"),
        outcomes=outcomes,
        statements=tuple(read.texts(route, "route", "statements")),
        amendment=read.text(route, "route", "amendment"),
        needs={
            place: tuple(
                Card(
                    read.text(c, key, "text"),
                    read.text(c, key, "topic"),
                    read.text(c, key, "scope"),
                )
                for c in read.tables(read.table(data, "needs"), "needs", place)
            )
            for place in read.table(data, "needs")
            for key in [f"needs.{place}"]
        },
        groups={
            topic: _group(read, group, f"groups.{topic}")
            for topic, group in read.table(data, "groups").items()
        },
    )


def _person(read: _Reader, p: dict[str, Any]) -> Person:
    where = "people"
    return Person(
        read.text(p, where, "name"),
        read.text(p, where, "email"),
        read.text(p, where, "municipality", required=False),
        read.text(p, where, "roles", required=False),
        read.text(p, where, "bodies", required=False),
        read.text(p, where, "language", required=False),
        read.flag(p, where, "publish"),
        read.flag(p, where, "hesitant"),
    )


def _workshop(read: _Reader, w: dict[str, Any]) -> WorkshopScript:
    return WorkshopScript(
        read.step(w, "workshop", "invite"),
        read.step(w, "workshop", "open"),
        read.steps(w, "workshop", "after_cards"),
        read.steps(w, "workshop", "after_votes"),
    )


def _conference(read: _Reader, c: dict[str, Any]) -> ConferenceScript:
    where = "conference"
    answers = tuple(
        (read.text(a, f"{where}.answers", "email"), read.text(a, f"{where}.answers", "answer"))
        for a in read.tables(c, where, "answers")
    )
    return ConferenceScript(
        read.text(c, where, "venue"),
        read.steps(c, where, "prepare"),
        read.step(c, where, "invite"),
        read.step(c, where, "hold"),
        read.steps(c, where, "close"),
        answers,
    )


def _group(read: _Reader, g: dict[str, Any], where: str) -> GroupSample:
    return GroupSample(
        read.text(g, where, "name"),
        read.text(g, where, "mandate"),
        tuple(read.texts(g, where, "members")),
        tuple(
            Proposal(read.text(r, where, "title"), read.text(r, where, "text"))
            for r in read.tables(g, where, "recommendations")
        ),
    )


class _Reader:
    """Typed access to the parsed file; every failure names the file and the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str) -> None:
        raise ConfigError(f"{self.source}: {key}: erwartet wird {expected}.")

    def _get(self, data: dict[str, Any], where: str, key: str, kind: type, what: str) -> Any:
        value = data.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(f"{where}.{key}".lstrip("."), what)
        return value

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        return dict(self._get(data, "", key, dict, f"eine Tabelle [{key}]"))

    def tables(self, data: dict[str, Any], where: str, key: str) -> list[dict[str, Any]]:
        items = self._get(data, where, key, list, "eine Liste von Tabellen")
        if not all(isinstance(item, dict) for item in items):
            self.fail(f"{where}.{key}".lstrip("."), "eine Liste von Tabellen")
        return list(items)

    def text(self, data: dict[str, Any], where: str, key: str, required: bool = True) -> str:
        if not required and key not in data:
            return ""
        value: str = self._get(data, where, key, str, "ein Text")
        if required and not value.strip():
            self.fail(f"{where}.{key}", "ein nicht leerer Text")
        return value

    def texts(self, data: dict[str, Any], where: str, key: str) -> list[str]:
        items = self._get(data, where, key, list, "eine Liste von Texten")
        if not all(isinstance(item, str) for item in items):
            self.fail(f"{where}.{key}", "eine Liste von Texten")
        return list(items)

    def number(self, data: dict[str, Any], where: str, key: str) -> int:
        value: int = self._get(data, where, key, int, "eine ganze Zahl")
        return value

    def numbers(self, data: dict[str, Any], where: str, key: str) -> list[int]:
        items = self._get(data, where, key, list, "eine Liste ganzer Zahlen")
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            self.fail(f"{where}.{key}", "eine Liste ganzer Zahlen")
        return list(items)

    def flag(self, data: dict[str, Any], where: str, key: str) -> bool:
        if key not in data:
            return False
        value: bool = self._get(data, where, key, bool, "true oder false")
        return value

    def step(self, data: dict[str, Any], where: str, key: str) -> Step:
        spec = self._get(data, where, key, dict, '{ step = "…", reason = "…" }')
        return Step(
            self.text(spec, f"{where}.{key}", "step"),
            self.text(spec, f"{where}.{key}", "reason", required=False),
        )

    def steps(self, data: dict[str, Any], where: str, key: str) -> tuple[Step, ...]:
        return tuple(
            Step(
                self.text(spec, f"{where}.{key}", "step"),
                self.text(spec, f"{where}.{key}", "reason", required=False),
            )
            for spec in self.tables(data, where, key)
        )
