"""A need brought in on the public page (Bedarf aus dem Web): it waits for moderation.

Until the Referat approves it, a submission is no need: it is in no vote, on no
agenda and in no monitoring. Approved, it becomes a need of its cycle; merged, it
joins a need already there; rejected, it keeps the reason. A person who left an
address (confirmed by double opt-in) hears what became of it; the address is
deleted once that mail is written. An address never confirmed is deleted by the
retention rules once its confirmation request is old enough; the submission stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SubmissionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    MERGED = "merged"
    REJECTED = "declined"


#: What staff read in the moderation queue and the log.
STATUS_TITLES = {
    SubmissionStatus.PENDING: "wartet auf Freigabe",
    SubmissionStatus.APPROVED: "freigegeben",
    SubmissionStatus.MERGED: "zusammengeführt",
    SubmissionStatus.REJECTED: "abgelehnt",
}


@dataclass(frozen=True)
class NeedSubmission:
    id: int
    cycle_id: int
    text: str
    topic_field: str
    scope: str
    language: str
    email: str | None
    email_confirmed_at: datetime | None
    email_requested_at: datetime | None  # when the confirmation link was mailed
    status: SubmissionStatus
    reason: str
    need_id: int | None
    created_at: datetime
    decided_at: datetime | None
    decided_by: str

    @property
    def will_hear(self) -> bool:
        """Whether the person gets the mail about the decision (a confirmed address)."""
        return self.email is not None and self.email_confirmed_at is not None
