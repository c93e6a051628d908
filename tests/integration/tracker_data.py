"""A generated tracker data set, written with Core bulk inserts (seconds for 100,000 rows).

Used by the tracker filter test (10,000 recommendations) and by the benchmark in
``bench/`` (100,000 recommendations, a million log rows). Every recommendation's
answer to every tracker filter is returned alongside, so a test can compare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from deliberation.adapters import orm
from deliberation.adapters.workflow_files import load_workflow
from deliberation.domain.model import NeedScope, NeedStatus

WORKFLOW_FILE = Path(__file__).resolve().parents[2] / "workflows" / "recommendation.toml"
#: the states the recommendation workflow counts as being implemented
IMPLEMENTATION_STATES = load_workflow(WORKFLOW_FILE, lambda _: True).marked("implementing")

MUNICIPALITIES = ("stadt-peine", "edemissen", "hohenhameln", "ilsede", "lengede", "vechelde")
ROUTE = ("kommission", "ausschuss-soziales", "kreisausschuss", "kreistag")
OFFICES = ("FD Soziales", "FD Schule", "Jobcenter Peine", "Referat Migration und Teilhabe")
#: state -> how many bodies of the route it has been placed with
STATES = {
    "draft": 0,
    "adopted_by_group": 1,
    "statement_given": 1,
    "committee_consultation": 2,
    "executive_consultation": 3,
    "kreistag_agenda": 4,
    "deferred": 4,
    "rejected": 4,
    "withdrawn": 3,
    "adopted": 4,
    "adopted_amended": 4,
    "in_implementation": 4,
    "reported_back": 4,
    "done": 4,
}
ROUNDS = ("2025", "2027")


@dataclass(frozen=True)
class GeneratedRecommendation:
    id: int
    round: str
    state: str
    municipalities: frozenset[str]
    bodies: frozenset[str]
    office: str
    due: date | None

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today and self.state in IMPLEMENTATION_STATES


#: the generated recommendations' last changes lie within so many minutes after ``START``
MODIFIED_SPREAD = 60 * 24 * 120
#: when the generated data was made
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def generate(
    db: Engine,
    count: int,
    today: date,
    log_rows: int = 0,
    seed: int = 5,
    progress: Any = None,
) -> list[GeneratedRecommendation]:
    """``count`` recommendations over two rounds, and ``log_rows`` transition log rows."""
    rng = random.Random(seed)
    now = START
    with db.begin() as conn:
        ids = _Ids(conn)
        groups, needs_of = _skeleton(conn, ids, now, rng)
        meetings = _meetings(conn, ids, now)
        result = _recommendations(conn, ids, count, groups, needs_of, meetings, today, now, rng)
        _log(conn, result, log_rows, now, progress)
        _fix_sequences(conn)
    return result


class _Ids:
    def __init__(self, conn: Connection) -> None:
        self.next: dict[str, int] = {}
        for table in (
            "rounds",
            "cycles",
            "needs",
            "agenda_topics",
            "working_groups",
            "recommendations",
            "meetings",
            "consultations",
            "transition_log",
        ):
            column = orm.metadata.tables[table].c.id
            self.next[table] = (
                int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1
            )

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] += 1
        return value


def _workflow(state: str, workflow: str, now: datetime) -> dict[str, Any]:
    return {
        "workflow": workflow,
        "workflow_version": 1,
        "state": state,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _skeleton(
    conn: Connection, ids: _Ids, now: datetime, rng: random.Random
) -> tuple[list[tuple[int, str]], dict[str, dict[str, list[int]]]]:
    groups: list[tuple[int, str]] = []
    needs_of: dict[str, dict[str, list[int]]] = {}
    for label in ROUNDS:
        round_id = ids.take("rounds")
        conn.execute(insert(orm.rounds), [{"id": round_id, "label": label, "created_at": now}])
        needs_of[label] = {}
        cycle_rows, need_rows = [], []
        for key in MUNICIPALITIES:
            cycle_id = ids.take("cycles")
            cycle_rows.append(
                {
                    "id": cycle_id,
                    "round_id": round_id,
                    "municipality_key": key,
                    "title": f"Werkstatt {key} {label}",
                    **_workflow("documented", "future_workshop", now),
                }
            )
            needs_of[label][key] = []
            for n in range(3):
                need_id = ids.take("needs")
                needs_of[label][key].append(need_id)
                need_rows.append(
                    {
                        "id": need_id,
                        "cycle_id": cycle_id,
                        "municipality_key": key,
                        "text": f"Bedarf {n} {key} {label}",
                        "topic_field": "Sprache",
                        "scope": NeedScope.COUNTY.value,
                        "votes": rng.randint(0, 5),
                        "status": NeedStatus.FORWARDED.value,
                        "created_at": now,
                    }
                )
        conference = ids.take("cycles")
        cycle_rows.append(
            {
                "id": conference,
                "round_id": round_id,
                "municipality_key": None,
                "title": f"Integrationskonferenz {label}",
                **_workflow("closed", "integration_conference", now),
            }
        )
        conn.execute(insert(orm.cycles), cycle_rows)
        conn.execute(insert(orm.needs), need_rows)
        for g in range(3):
            topic = ids.take("agenda_topics")
            conn.execute(
                insert(orm.agenda_topics),
                [
                    {
                        "id": topic,
                        "conference_id": conference,
                        "title": f"Thema {g}",
                        "topic_field": "Sprache",
                        "position": g + 1,
                    }
                ],
            )
            group = ids.take("working_groups")
            conn.execute(
                insert(orm.working_groups),
                [
                    {
                        "id": group,
                        "conference_id": conference,
                        "topic_id": topic,
                        "name": f"AG {g} ({label})",
                        "mandate": "Auftrag",
                        "due_date": date(2027, 6, 30),
                        **_workflow("report_delivered", "working_group", now),
                    }
                ],
            )
            groups.append((group, label))
    return groups, needs_of


def _meetings(conn: Connection, ids: _Ids, now: datetime) -> dict[str, int]:
    meetings = {}
    for offset, body in enumerate(ROUTE):
        meeting = ids.take("meetings")
        meetings[body] = meeting
        conn.execute(
            insert(orm.meetings),
            [
                {
                    "id": meeting,
                    "title": f"Sitzung {body}",
                    "location": "Kreishaus",
                    "starts_at": now + timedelta(days=30 * offset),
                    "body_key": body,
                    "cycle_id": None,
                    "status": "planned",
                    "public": body != "kreisausschuss",
                    "modified_at": now,
                }
            ],
        )
    return meetings


def _recommendations(
    conn: Connection,
    ids: _Ids,
    count: int,
    groups: list[tuple[int, str]],
    needs_of: dict[str, dict[str, list[int]]],
    meetings: dict[str, int],
    today: date,
    now: datetime,
    rng: random.Random,
) -> list[GeneratedRecommendation]:
    result = []
    states = list(STATES)
    for chunk_start in range(0, count, 5000):
        recs, links, placed = [], [], []
        for _ in range(chunk_start, min(count, chunk_start + 5000)):
            rec_id = ids.take("recommendations")
            group, label = rng.choice(groups)
            state = rng.choice(states)
            implementing = STATES[state] == 4 and state in (
                *sorted(IMPLEMENTATION_STATES),
                "reported_back",
                "done",
            )
            office = rng.choice(OFFICES) if implementing else ""
            due = today + timedelta(days=rng.randint(-200, 200)) if implementing else None
            recs.append(
                {
                    "id": rec_id,
                    "working_group_id": group,
                    "title": f"Empfehlung {rec_id}",
                    "text": "Text",
                    "commission_statement": "",
                    "resolution_text": "",
                    "implementation_report": "",
                    "responsible_office": office,
                    "due_date": due,
                    **_workflow(state, "recommendation", now),
                    # last changes spread over 120 days (the OParl server's modified_since)
                    "modified_at": now + timedelta(minutes=rec_id * 7919 % MODIFIED_SPREAD),
                }
            )
            keys = frozenset(rng.sample(MUNICIPALITIES, rng.randint(0, 2)))
            for key in sorted(keys):
                links.append(
                    {"recommendation_id": rec_id, "need_id": rng.choice(needs_of[label][key])}
                )
            bodies = ROUTE[: STATES[state]]
            for position, body in enumerate(bodies):
                placed.append(
                    {
                        "id": ids.take("consultations"),
                        "recommendation_id": rec_id,
                        "meeting_id": meetings[body],
                        "body_key": body,
                        "role": "Entscheidung" if body == "kreistag" else "Vorberatung",
                        "authoritative": body == "kreistag",
                        "position": position,
                        # the advisory bodies agreed, the Kreistag adopted
                        "result": "adopted" if body == "kreistag" else "approved",
                        "resolution_text": "",
                        "placed_at": now,
                        "decided_at": now,
                        "modified_at": now,
                    }
                )
            result.append(
                GeneratedRecommendation(rec_id, label, state, keys, frozenset(bodies), office, due)
            )
        conn.execute(insert(orm.recommendations), recs)
        if links:
            conn.execute(insert(orm.recommendation_needs), links)
        if placed:
            conn.execute(insert(orm.consultations), placed)
    return result


def _log(
    conn: Connection,
    recs: list[GeneratedRecommendation],
    rows: int,
    now: datetime,
    progress: Any,
) -> None:
    def batches() -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        for n in range(rows):
            rec = recs[n % len(recs)]
            batch.append(
                {
                    "subject_kind": "recommendation",
                    "subject_id": rec.id,
                    "workflow": "recommendation",
                    "trigger": "step",
                    "from_state": "draft",
                    "to_state": rec.state,
                    "actor": "Generator",
                    "reason": "",
                    "at": now + timedelta(minutes=n),
                }
            )
            if len(batch) == 20000:
                yield batch
                batch = []
        if batch:
            yield batch

    written = 0
    for batch in batches():
        conn.execute(insert(orm.transition_log), batch)
        written += len(batch)
        if progress is not None:
            progress(written, rows)


def _fix_sequences(conn: Connection) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the data."""
    if conn.dialect.name != "postgresql":
        return
    for table in (
        "rounds",
        "cycles",
        "needs",
        "agenda_topics",
        "working_groups",
        "recommendations",
        "meetings",
        "consultations",
    ):
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
