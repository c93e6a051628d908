"""A recommendation walked through the consultation route, for the integration tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from deliberation.domain.consultations import ConsultationResult as R
from deliberation.service_layer import body_meetings, consultations, recommendations
from deliberation.service_layer.ports import Dependencies

ROUTE = ("kommission", "ausschuss-soziales", "kreisausschuss", "kreistag")
SPRACHKURSE = "Mehr Sprachkurse mit Kinderbetreuung"


class Route:
    """A recommendation adopted by its group, and helpers to walk it through the bodies."""

    def __init__(self, walker: Any, clock: Any) -> None:
        self.record = walker.walk()
        self.deps: Dependencies = walker.deps
        self.clock = clock
        [self.rec] = self.record.recommendations
        recommendations.advance(self.deps, self.rec, "adopt_in_group", "AG Sprachkurse")

    def meeting(self, body: str, days_ahead: int) -> int:
        starts = self.clock.now + timedelta(days=days_ahead)
        # the route's tests are not about dates: holidays and clashes are accepted
        return body_meetings.add(self.deps, body, starts, "Kreishaus Peine", confirmed=True).id

    def pass_body(self, body: str, result: R | None = None, text: str = "Zustimmung.") -> int:
        """Place on a meeting of ``body`` three weeks ahead, let it happen, record ``result``
        (by default: the advisory bodies agree, the deciding body adopts unchanged)."""
        result = result or (R.ADOPTED if body == ROUTE[-1] else R.APPROVED)
        meeting = self.meeting(body, 21)
        consultations.place(self.deps, self.rec, meeting, "Sitzungsdienst")
        self.clock.advance(timedelta(days=22))
        consultations.record_result(self.deps, self.rec, result, "Sitzungsdienst", text)
        return meeting

    def to_kreistag(self) -> None:
        for body in ROUTE[:-1]:
            self.pass_body(body)

    def state(self) -> str:
        return recommendations.show(self.deps, self.rec).status.state
