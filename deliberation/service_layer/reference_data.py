"""Keeps municipalities and bodies in the database in step with the configuration."""

from __future__ import annotations

from deliberation.domain.model import Body, Municipality
from deliberation.service_layer.ports import Dependencies


def synchronise(
    deps: Dependencies, municipalities: list[Municipality], bodies: list[Body]
) -> tuple[int, int]:
    """Insert new and update changed entries; returns (municipalities, bodies) counts.

    Entries removed from the configuration stay in the database: past cycles
    and meetings still refer to them.
    """
    with deps.unit_of_work() as uow:
        for m in municipalities:
            stored = uow.reference.municipality(m.key)
            if stored is None:
                uow.reference.add_municipality(m)
            else:
                stored.name = m.name
        for b in bodies:
            existing = uow.reference.body(b.key)
            if existing is None:
                uow.reference.add_body(b)
            else:
                existing.name, existing.kind = b.name, b.kind
                existing.notice_days, existing.interval_months = b.notice_days, b.interval_months
                existing.public, existing.notice_counting = b.public, b.notice_counting
        uow.commit()
    return len(municipalities), len(bodies)
