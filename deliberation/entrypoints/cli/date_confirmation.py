"""``--trotzdem``: confirming a meeting date the service layer warns about, on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from deliberation.domain.errors import DeliberationError
from deliberation.service_layer.meeting_warnings import NeedsConfirmation

FLAG = "--trotzdem"


def add_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        FLAG,
        dest="confirmed",
        action="store_true",
        help="den Termin auch an einem Feiertag, in den Schulferien oder zur selben Zeit am "
        "selben Ort wie ein anderer Termin anlegen",
    )


@contextmanager
def hint_on_warnings() -> Iterator[None]:
    """Turn the service layer's warnings into one error line that names ``--trotzdem``."""
    try:
        yield
    except NeedsConfirmation as exc:
        raise DeliberationError(
            " ".join(exc.warnings)
            + f" Soll der Termin trotzdem so stattfinden, den Befehl mit {FLAG} wiederholen."
        ) from None
