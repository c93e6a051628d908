#!/usr/bin/env python
"""Invitations end to end (render → outbox → SMTP → marked sent) against two smtplib baselines.

    python bench/invitation_delivery.py [--messages 10000] [--repeat 1] [--database-url URL]
                                        [--connections 4] [--senders 1] [--render-workers N]
                                        [--sink aiosmtpd|smtp-sink] [--json OUT] [--profile OUT]

ENGINE: N participants (five languages, duty or confirmed consent) in the seven
municipalities; one future workshop per municipality has asked for its
invitation (``send_invitations``). Timed from the start of ``render_invitations``
(``notifications.render_pending``: the messages stored in parts of ``[rendering]
chunk_size``, rendered in worker processes from ``processes_from`` on) until every
message is marked sent by ``--senders`` sender processes (started before the clock
runs, as the sender service is), which run ``outbox.send_due`` with the real
``SmtpTransport`` (reused aiosmtplib connections in parallel) while the parts are
stored.

BASELINES: the same N messages, pre-rendered (the exact bytes the engine sent in
an untimed warm-up run), sent with the standard library's ``smtplib``: (1) one
connection per message, (2) one connection reused for all. No database, no
rendering.

All three send to the same local SMTP server (aiosmtpd), which runs in a process
of its own so it does not share the GIL with the sender; it only counts. The
relay's rate limit (``[smtp] rate_per_minute``) is lifted for the run: it
measures the sender, not the limit. Setup (participants, cycles) is not timed.
With ``--repeat K`` the three sides run K times in rotated order (so drift of a
shared machine hits each alike); medians and their ratios are reported, with the
CPU time per message of the sending process and of the sink.

Exit status 0; 2 if a side did not deliver every message (the sink counts, and
every outbox row must be ``sent``). See bench/README.md for measured figures.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import multiprocessing
import os
import platform
import pstats
import resource
import secrets
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from importlib.metadata import version as package_version
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # the package is used from the checkout, not installed
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import delete, func, select  # noqa: E402

from deliberation.adapters import orm  # noqa: E402
from deliberation.adapters.mailsink import free_port  # noqa: E402
from deliberation.adapters.smtp_sender import SmtpTransport  # noqa: E402
from deliberation.bootstrap import Application, bootstrap, initialise_database  # noqa: E402
from deliberation.domain.outbox import OutboxStatus  # noqa: E402
from deliberation.domain.participants import LegalBasis, Participant, Role  # noqa: E402
from deliberation.entrypoints.cli.outbox_commands import send_options  # noqa: E402
from deliberation.service_layer import cycles, meetings, notifications, outbox  # noqa: E402

CONFIG = REPO_ROOT / "config.toml"
LANGUAGES = ("de", "en", "tr", "ar", "uk")
NAMES = ("Ayşe Yılmaz", "Jan Becker", "Олена Коваль", "محمد الأحمد", "Mary O'Neill")
ACTOR = "bench"
UNLIMITED_RATE = 10**9  # messages per minute: no pause between messages
ENGINE = "engine (render, outbox, send, mark sent)"
PER_MESSAGE = "smtplib, one connection per message"
REUSED = "smtplib, one reused connection"
SOURCE = "Postfix smtp-source, one connection"
SIDE_ORDER = (ENGINE, PER_MESSAGE, REUSED, SOURCE)
RENDER_SAMPLE = 2000  # invitations rendered by both paths for the render comparison


# --- the local SMTP server, in its own process ------------------------------------------------


class _CountingHandler:
    def __init__(self, counter: Synchronized[int]) -> None:
        self.counter = counter

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.counter.get_lock():
            self.counter.value += len(envelope.rcpt_tos)
        return "250 2.0.0 OK: queued"


def _serve(port: int, counter: Synchronized[int], ready: Event, stop: Event) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(
        _CountingHandler(counter), hostname="127.0.0.1", port=port, server_hostname="sink.bench"
    )
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
SMTP_SINK_MISSING = (
    "Postfix's smtp-sink is not installed here: --sink smtp-sink needs Debian's postfix "
    "package (DEBIAN_FRONTEND=noninteractive apt-get install -y postfix; the mail daemon "
    "itself need not run). Skipped."
)


def _process_stat(pid: int | str | None) -> tuple[int, float] | None:
    """A process's parent and the CPU time it has used so far (Linux; None elsewhere or
    when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int | None) -> float:
    """CPU time a process has used so far (Linux; NaN elsewhere)."""
    stat = _process_stat(pid)
    return float("nan") if stat is None else stat[1]


class PostfixSink:
    """Postfix's ``smtp-sink`` (C, almost no CPU per message) in a child process.

    It prints a running ``mesg=N`` counter (``-c``) into a file; ``count`` reads it.
    """

    def __init__(self) -> None:
        self.port = free_port()
        handle, name = tempfile.mkstemp(prefix="smtp-sink-")
        os.close(handle)
        self._output = Path(name)
        command = [SMTP_SINK, "-c", f"127.0.0.1:{self.port}", "256"]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "postfix"]  # it refuses to run as root otherwise
        self._command = command
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def count(self) -> int:
        text = self._output.read_bytes().decode("ascii", "replace")
        found = text.rpartition("mesg=")[2].split()
        return int(found[0]) if found and found[0].isdigit() else 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def __enter__(self) -> PostfixSink:
        with self._output.open("wb") as output:  # the child keeps its own descriptor
            self._process = subprocess.Popen(self._command, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("smtp-sink did not start")

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(30)
        self._output.unlink(missing_ok=True)


class Sink:
    """aiosmtpd in a child process; ``count`` is how many messages it has accepted."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self._counter: Synchronized[int] = context.Value("q", 0)
        self._ready = context.Event()
        self._stop = context.Event()
        self._process = context.Process(
            target=_serve, args=(self.port, self._counter, self._ready, self._stop), daemon=True
        )

    @property
    def count(self) -> int:
        return int(self._counter.value)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def __enter__(self) -> Sink:
        self._process.start()
        if not self._ready.wait(60):
            raise RuntimeError("the SMTP sink did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(30)


# --- setup (not timed) -------------------------------------------------------------------------


def add_participants(app: Application, n: int) -> None:
    """``n`` people across all municipalities and five languages; each may be written to."""
    now = datetime.now(UTC)
    keys = [m.key for m in app.settings.municipalities]
    with app.deps.unit_of_work() as uow:
        for i in range(n):
            citizen = i % 2 == 0
            person = Participant(
                name=f"{NAMES[i % len(NAMES)]} {i}",
                email=f"person{i}@example.org",
                language=LANGUAGES[i % len(LANGUAGES)],
                legal_basis=LegalBasis.CONSENT if citizen else LegalBasis.DUTY,
                created_at=now,
                municipality_key=keys[i % len(keys)],
                roles=frozenset({Role.CITIZEN if citizen else Role.ADMINISTRATION}),
            )
            if citizen:
                person.consent_requested_at = person.consent_confirmed_at = now
            uow.participants.add(person)
        uow.commit()


def ask_for_invitations(app: Application) -> None:
    """One future workshop per municipality, each with its invitation pending."""
    keys = [m.key for m in app.settings.municipalities]
    round_label = f"bench-{datetime.now(UTC):%Y%m%d%H%M%S}"
    starts = datetime.combine(
        app.deps.today() + timedelta(days=30), time_of_day(18), ZoneInfo(app.deps.timezone)
    )
    domain = app.settings.smtp.sender.rpartition("@")[2]
    for cycle_id in cycles.launch(app.deps, "future_workshop", round_label, ACTOR, keys):
        plan = meetings.MeetingPlan(
            f"Zukunftswerkstatt {cycle_id}", starts, "Rathaus", cycle_id=cycle_id
        )
        # so each invitation carries a calendar part; holidays do not matter here
        meetings.schedule(app.deps, plan, domain, confirmed=True)
        cycles.advance(app.deps, cycle_id, "send_invitations", ACTOR, reason="Benchmark")


# --- the three sides ---------------------------------------------------------------------------


def render_invitations(app: Application, progress: Callable[[int, int], None] | None = None) -> int:
    """THE render step: pending invitations → one personal message per recipient in the outbox:
    text and HTML part in the recipient's language, an iCalendar part (REQUEST) for the
    workshop's meeting, signed answer links, unsubscribe headers for citizens; stored in parts
    as ``[rendering]`` says, a fan-out of at least ``processes_from`` rendered in worker
    processes (the scheduler's tick does the same)."""
    return notifications.render_pending(app.deps, app.mailing(), app.fan_out(), progress)


@dataclass
class Side:
    name: str
    messages: int
    seconds: float
    delivered: int
    detail: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds


def render_workers_cpu_seconds(others: set[int | None]) -> float:
    """CPU time of this process's live children but ``others`` (the sink, the senders): the
    render worker processes, which stay between runs (Linux; 0 elsewhere)."""
    total = 0.0
    for folder in Path("/proc").glob("[0-9]*"):
        stat = _process_stat(folder.name)
        if stat is not None and stat[0] == os.getpid() and int(folder.name) not in others:
            total += stat[1]
    return total


class Measured:
    """Wall time, our CPU time (with the render workers'), the sink's CPU time and its
    count, from ``start`` to ``side``."""

    def __init__(self, sink: Sink | PostfixSink, senders: set[int | None] | None = None) -> None:
        self.sink = sink
        self.others = {sink.pid, *(senders or set())}
        self.count = sink.count
        self.sink_cpu = sink.cpu_seconds()
        self.cpu = time.process_time() + render_workers_cpu_seconds(self.others)
        self.started = time.perf_counter()

    def side(self, name: str, messages: int, **detail: float) -> Side:
        seconds = time.perf_counter() - self.started
        per_message_ms = 1000 / max(messages, 1)
        cpu = time.process_time() + render_workers_cpu_seconds(self.others) - self.cpu
        detail["cpu_ms_per_message"] = cpu * per_message_ms
        detail["sink_cpu_ms_per_message"] = (
            self.sink.cpu_seconds() - self.sink_cpu
        ) * per_message_ms
        return Side(name, messages, seconds, self.sink.count - self.count, detail)


def _send_while_rendering(
    database: str,
    smtp_port: int,
    connections: int,
    ready: Event,
    rendered: Event,
    results: Any,
) -> None:
    """A sender process, as ``outbox send --fortlaufend`` beside the scheduler: it delivers
    every part as the render step stores it, until rendering has ended and the outbox is
    empty; then it reports what it sent, when it sent the first, and its CPU time."""
    app = bootstrap(CONFIG, database_url=database, require_schema=False)
    app.use_for_delivery()
    smtp = dataclasses.replace(
        app.settings.smtp,
        host="127.0.0.1",
        port=smtp_port,
        connections=connections,
        rate_per_minute=UNLIMITED_RATE,
    )
    transport = SmtpTransport(smtp)
    options = send_options(app.settings.smtp)
    first_sent_at: list[float] = []

    def note_first(_status: OutboxStatus) -> None:
        if not first_sent_at:
            first_sent_at.append(time.perf_counter())  # CLOCK_MONOTONIC: one for all processes

    ready.set()
    sent = 0
    started = time.process_time()
    while True:
        last_round = rendered.is_set()  # everything is stored: this round sends the rest
        summary = outbox.send_due(app.deps, transport, options, on_result=note_first)
        sent += summary.sent
        if last_round:
            break
        if not summary.sent:
            rendered.wait(0.05)
    app.close()
    results.put(
        (sent, first_sent_at[0] if first_sent_at else float("nan"), time.process_time() - started)
    )


def run_engine(
    app: Application, sink: Sink | PostfixSink, connections: int, expected: int, senders: int
) -> Side:
    """Render and send at once, as the scheduler and the sender service do: the render step
    stores the fan-out in parts (rendered in worker processes from ``[rendering]
    processes_from``) while ``senders`` sender processes, started before the clock runs,
    deliver every part as it is stored."""
    context = multiprocessing.get_context("spawn")
    rendered, results = context.Event(), context.Queue()
    ready = [context.Event() for _ in range(senders)]
    processes = [
        context.Process(
            target=_send_while_rendering,
            args=(
                str(app.db.url.render_as_string(hide_password=False)),
                sink.port,
                connections,
                r,
                rendered,
                results,
            ),
        )
        for r in ready
    ]
    for process in processes:
        process.start()
    for event in ready:
        if not event.wait(120):
            raise RuntimeError("a sender process did not start")
    measured = Measured(sink, {process.pid for process in processes})
    try:
        queued = render_invitations(app)
    finally:
        rendered.set()
        render_seconds = time.perf_counter() - measured.started
    reports = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(60)
    sent = sum(r[0] for r in reports)
    if queued != expected or sent != expected:
        print(f"engine: queued {queued}, sent {sent}, expected {expected}")
    first = min(r[1] for r in reports) - measured.started
    side = measured.side(ENGINE, queued, render_s=render_seconds, first_sent_s=first)
    # the senders have ended: their CPU while the clock ran is what they measured themselves
    side.detail["cpu_ms_per_message"] += 1000 * sum(r[2] for r in reports) / max(queued, 1)
    return side


Message = tuple[str, str, bytes]


def prerendered(app: Application) -> list[Message]:
    with app.deps.unit_of_work() as uow:
        return [(m.sender, m.recipient, m.body) for m in uow.outbox.outbox_messages()]


def run_connection_per_message(messages: list[Message], sink: Sink | PostfixSink) -> Side:
    measured = Measured(sink)
    for sender, recipient, body in messages:
        with smtplib.SMTP("127.0.0.1", sink.port, local_hostname="bench") as smtp:
            smtp.sendmail(sender, [recipient], body)
    return measured.side(PER_MESSAGE, len(messages))


def run_reused_connection(messages: list[Message], sink: Sink | PostfixSink) -> Side:
    measured = Measured(sink)
    with smtplib.SMTP("127.0.0.1", sink.port, local_hostname="bench") as smtp:
        for sender, recipient, body in messages:
            smtp.sendmail(sender, [recipient], body)
    return measured.side(REUSED, len(messages))


def run_smtp_source(messages: list[Message], sink: Sink | PostfixSink) -> Side:
    """Postfix's C client: as many messages of the average size, over one connection."""
    size = sum(len(body) for _, _, body in messages) // max(len(messages), 1)
    sender, recipient, _ = messages[0]
    command = [
        SMTP_SOURCE,
        "-d",
        "-s",
        "1",
        "-m",
        str(len(messages)),
        "-l",
        str(size),
        "-f",
        sender,
        "-t",
        recipient,
        f"127.0.0.1:{sink.port}",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    measured = Measured(sink)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    side = measured.side(SOURCE, len(messages))
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    side.detail["cpu_ms_per_message"] = 1000 * cpu / len(messages)  # smtp-source's own CPU
    return side


def compare_render(app: Application, sample: int) -> dict[str, float]:
    """Render CPU per invitation of one meeting: each message on its own (the reference,
    ``meetings.invitation``) against the fan-out (``meetings.Invitations``), same people."""
    mailing = app.mailing()
    with app.db.connect() as connection:
        meeting_id = connection.execute(select(func.max(orm.meetings.c.id))).scalar_one()
    with app.deps.unit_of_work() as uow:
        people = uow.participants.participants()[:sample]
        meeting = uow.meetings.meeting(meeting_id)
        assert meeting is not None
        started = time.process_time()
        for person in people:
            meetings.invitation(app.deps, mailing, meeting, person, changed=False)
        reference = time.process_time() - started
        started = time.process_time()
        fan_out = meetings.Invitations(app.deps, mailing, meeting, changed=False)
        for person in people:
            fan_out.message(person)
        new = time.process_time() - started
        started = time.process_time()
        for person in people:
            meetings.cancellation(app.deps, mailing, meeting, person)
        cancel_reference = time.process_time() - started
        started = time.process_time()
        cancellations = meetings.Cancellations(app.deps, mailing, meeting)
        for person in people:
            cancellations.message(person)
        cancel_new = time.process_time() - started
    return {
        "invitations": len(people),
        "reference_cpu_ms_per_invitation": 1000 * reference / len(people),
        "fan_out_cpu_ms_per_invitation": 1000 * new / len(people),
        "ratio": new / reference,
        "cancellation_ratio": cancel_new / cancel_reference,
    }


# --- running and reporting ---------------------------------------------------------------------


@contextmanager
def database_url(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-invitations-") as folder:
        yield f"sqlite:///{Path(folder) / 'engine.sqlite3'}"


def all_sent(app: Application) -> bool:
    counts = outbox.overview(app.deps).counts
    return sum(counts.values()) == counts[OutboxStatus.SENT]


def profiled(profile: Path | None, call: Callable[[], Side]) -> Side:
    if profile is None:
        return call()
    profiler = cProfile.Profile()
    side = profiler.runcall(call)
    profiler.dump_stats(profile)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return side


def environment(app: Application) -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}",
        "database": app.db.dialect.name,
        "aiosmtplib": package_version("aiosmtplib"),
        "aiosmtpd": package_version("aiosmtpd"),
        "load_average": f"{os.getloadavg()[0]:.2f}",
    }


def report(
    repetitions: list[list[Side]], env: dict[str, str], renders: list[dict[str, float]]
) -> dict[str, Any]:
    """Per repetition and, over all repetitions, each side's median rate and the ratios."""
    print(", ".join(f"{key} {value}" for key, value in env.items()))
    for index, sides in enumerate(repetitions, 1):
        print(f"repetition {index}:")
        for side in sides:
            extra = "".join(f", {k} {v:.2f}" for k, v in side.detail.items())
            print(
                f"  {side.name:42s} {side.messages:6d} messages in {side.seconds:7.2f} s: "
                f"{side.per_second:8.1f} messages/s{extra}"
            )
    names = [n for n in SIDE_ORDER if any(s.name == n for sides in repetitions for s in sides)]
    medians = {
        name: statistics.median(
            s.per_second for sides in repetitions for s in sides if s.name == name
        )
        for name in names
    }
    versus_per_message = medians[ENGINE] / medians[PER_MESSAGE]
    versus_reused = medians[ENGINE] / medians[REUSED]
    print("median messages/s: " + ", ".join(f"{n}: {r:.1f}" for n, r in medians.items()))
    print(f"ratio engine / one connection per message: {versus_per_message:.2f}")
    print(
        f"ratio engine / one reused connection:      {versus_reused:.2f}"
        " (target on smtp-sink: >= 0.25)"
    )
    if SOURCE in medians:
        print(f"ratio engine / smtp-source:                {medians[ENGINE] / medians[SOURCE]:.2f}")
    render = {
        key: statistics.median(r[key] for r in renders)
        for key in (
            "reference_cpu_ms_per_invitation",
            "fan_out_cpu_ms_per_invitation",
            "ratio",
            "cancellation_ratio",
        )
    }
    print(
        f"render CPU per invitation ({renders[0]['invitations']:.0f} invitations, medians): "
        f"each on its own {render['reference_cpu_ms_per_invitation']:.3f} ms, fan-out "
        f"{render['fan_out_cpu_ms_per_invitation']:.3f} ms, ratio {render['ratio']:.3f} "
        "(target <= 1/3); cancellations, fan-out over each on its own: "
        f"{render['cancellation_ratio']:.3f}"
    )
    return {
        "render_comparison": renders,
        "render_medians": render,
        "environment": env,
        "repetitions": [
            [{**dataclasses.asdict(s), "messages_per_second": s.per_second} for s in sides]
            for sides in repetitions
        ],
        "median_messages_per_second": medians,
        "ratio_vs_connection_per_message": versus_per_message,
        "ratio_vs_reused_connection": versus_reused,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=10_000, help="invitations (default 10000)")
    parser.add_argument("--repeat", type=int, default=1, help="repetitions, order rotated")
    parser.add_argument("--database-url", help="engine database (default: a temp SQLite file)")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections (engine)")
    parser.add_argument(
        "--senders", type=int, default=1, help="sender processes of the engine (default 1)"
    )
    parser.add_argument(
        "--render-workers",
        type=int,
        help="render worker processes (default: [rendering] workers in config.toml)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--profile", type=Path, help="run the engine side under cProfile")
    parser.add_argument(
        "--sink",
        choices=("aiosmtpd", "smtp-sink"),
        default="aiosmtpd",
        help="the SMTP server: aiosmtpd in a child process (default) or Postfix's smtp-sink",
    )
    return parser.parse_args(argv)


def prepare(app: Application, n: int) -> None:
    """Fresh participants and pending invitations; the outbox emptied (setup, not timed)."""
    with app.db.begin() as connection:
        connection.execute(delete(orm.outbox))
        connection.execute(delete(orm.invitations))
        connection.execute(delete(orm.participants))
    add_participants(app, n)
    ask_for_invitations(app)


def repetition(
    app: Application,
    sink: Sink | PostfixSink,
    args: argparse.Namespace,
    messages: list[Message],
    index: int,
    renders: list[dict[str, float]],
) -> tuple[list[Side], bool]:
    """The sides once, in an order rotated by ``index`` so drift hits each alike."""
    prepare(app, args.messages)
    renders.append(compare_render(app, RENDER_SAMPLE))
    runs: list[Callable[[], Side]] = [
        lambda: profiled(
            args.profile,
            lambda: run_engine(app, sink, args.connections, args.messages, args.senders),
        ),
        lambda: run_connection_per_message(messages, sink),
        lambda: run_reused_connection(messages, sink),
    ]
    if Path(SMTP_SOURCE).is_file():
        runs.append(lambda: run_smtp_source(messages, sink))
    shift = index % len(runs)
    sides = [run() for run in runs[shift:] + runs[:shift]]
    return sorted(sides, key=lambda s: SIDE_ORDER.index(s.name)), all_sent(app)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # links are signed with a throwaway key, so no key file is created beside config.toml
    os.environ.setdefault("DELIBERATION_LINK_SECRET", secrets.token_urlsafe(32))
    if args.sink == "smtp-sink" and not Path(SMTP_SINK).is_file():
        print(SMTP_SINK_MISSING)
        return 0
    server = PostfixSink() if args.sink == "smtp-sink" else Sink()
    renders: list[dict[str, float]] = []
    with database_url(args.database_url) as url, server as sink:
        app = bootstrap(CONFIG, database_url=url, require_schema=False)
        if args.render_workers is not None:
            rendering = dataclasses.replace(app.settings.rendering, workers=args.render_workers)
            app.settings = dataclasses.replace(app.settings, rendering=rendering)
        try:
            initialise_database(app)
            env = environment(app)
            # Warm-up (not reported): imports, compiled templates, and the exact bytes
            # the baselines send.
            prepare(app, args.messages)
            run_engine(app, sink, args.connections, args.messages, args.senders)
            messages = prerendered(app)
            results = [
                repetition(app, sink, args, messages, i, renders) for i in range(args.repeat)
            ]
        finally:
            app.close()
    repetitions = [sides for sides, _ in results]
    env["sink"] = args.sink
    summary = report(repetitions, env, renders)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    complete = all(ok for _, ok in results)
    if not complete or any(s.delivered != s.messages for sides in repetitions for s in sides):
        print("NOT every message was delivered and marked sent: the figures do not count.")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
