"""The secretaries' tracker on 10,000 generated recommendations: every filter, and their
combinations, give exactly what a plain Python computation over the same data gives."""

from __future__ import annotations

from typing import Any

from tracker_data import OFFICES, generate

from deliberation.bootstrap import Application
from deliberation.service_layer import recommendations


def test_tracker_filters_on_ten_thousand_recommendations(app: Application) -> None:
    deps = app.deps
    today = deps.today()
    data = generate(app.db, 10_000, today)
    assert len(data) == 10_000

    def expected(**wanted: Any) -> list[int]:
        return sorted(
            g.id
            for g in data
            if wanted.get("state") in (None, g.state)
            and wanted.get("round") in (None, g.round)
            and (wanted.get("municipality") is None or wanted["municipality"] in g.municipalities)
            and (wanted.get("body") is None or wanted["body"] in g.bodies)
            and (wanted.get("office") is None or wanted["office"].lower() == g.office.lower())
            and (not wanted.get("overdue") or g.overdue(today))
        )

    cases: list[dict[str, Any]] = [
        {"overdue": True},
        {"body": "kreistag"},
        {"body": "kreisausschuss", "state": "withdrawn"},
        {"body": "kommission", "round": "2025"},
        {"office": OFFICES[0]},
        {"office": OFFICES[1].upper(), "overdue": True},
        {"overdue": True, "municipality": "ilsede"},
        {"overdue": True, "state": "in_implementation", "round": "2027"},
        {"state": "deferred", "body": "kreistag", "municipality": "edemissen"},
        {"office": OFFICES[2], "body": "kreistag", "round": "2025", "overdue": True},
        {"state": "draft", "body": "kommission"},  # drafts are on no meeting: empty
    ]
    for case in cases:
        found = recommendations.list_recommendations(
            deps,
            state=case.get("state"),
            round_label=case.get("round"),
            municipality=case.get("municipality"),
            body=case.get("body"),
            office=case.get("office"),
            overdue=case.get("overdue", False),
        )
        assert [v.status.id for v in found] == expected(**case), case
        lines = recommendations.tracker(
            deps,
            state=case.get("state"),
            round_label=case.get("round"),
            municipality=case.get("municipality"),
            body=case.get("body"),
            office=case.get("office"),
            overdue=case.get("overdue", False),
        )
        assert [line.id for line in lines] == expected(**case), case
        if case.get("overdue"):
            assert all(v.overdue for v in found) and all(line.overdue for line in lines)
    sizes = [len(expected(**case)) for case in cases]
    assert sizes[-1] == 0 and all(size > 0 for size in sizes[:-1]), sizes
    assert sizes[0] > 500  # a real share is overdue, not a handful
