"""CLI command handlers: parse nothing, decide nothing; call a use case and print."""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from deliberation.adapters.diagram import to_html, to_mermaid
from deliberation.bootstrap import (
    Application,
    DatabaseError,
    bootstrap,
    build_mailing,
    initialise_database,
    load_engine,
)
from deliberation.config import Settings, load_settings
from deliberation.domain import wall_clock
from deliberation.domain.clock import Clock
from deliberation.domain.errors import DeliberationError
from deliberation.domain.scheduling import holiday_horizon_warning
from deliberation.entrypoints import tracker_files
from deliberation.entrypoints.cli import tables, trace_output
from deliberation.entrypoints.cli.demo import DemoMail, run_demo
from deliberation.entrypoints.cli.overview import print_overview
from deliberation.entrypoints.cli.progress_bars import progress_bar
from deliberation.entrypoints.cli.tracker_output import tracker_table
from deliberation.schedule_setup import schedule_policy
from deliberation.service_layer import (
    accounts,
    cycles,
    groups,
    needs,
    recommendations,
    trace,
    tracker,
    workflow_versions,
)
from deliberation.service_layer.ports import Mailing
from deliberation.service_layer.views import LogView
from deliberation.translations import ngettext

#: A zone name after the time chooses between the two occurrences of an autumn hour.
SECOND_OCCURRENCE = {"MEZ": 1, "CET": 1, "MESZ": 0, "CEST": 0}


def parse_moment(value: str) -> datetime:
    """ "TT.MM.JJJJ HH:MM" or "JJJJ-MM-TTTHH:MM" as wall-clock time (zone added later by
    ``local_moment``); a trailing "MEZ" picks the second of two equal autumn times."""
    parts = value.split()
    fold = 0
    if len(parts) > 1 and parts[-1].upper() in SECOND_OCCURRENCE:
        fold = SECOND_OCCURRENCE[parts.pop().upper()]
    text = " ".join(parts)
    for pattern in ("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text, pattern).replace(fold=fold)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"{value!r} ist kein Zeitpunkt (TT.MM.JJJJ HH:MM, z. B. 04.03.2027 18:00)"
    )


def local_moment(app: Application, moment: datetime, console: Console) -> datetime:
    """A typed wall-clock time as an instant in the county's zone; a time the clock skips
    is refused, and for one it shows twice the console says which it took."""
    instant = wall_clock.exact(moment, zone(app))
    if instant.note:
        console.print(instant.note, markup=False, highlight=False)
    return instant.at


def actor_of(args: argparse.Namespace) -> str:
    """Who the log names for a command: ``--actor``, else DELIBERATION_ACTOR or the login."""
    given: str | None = getattr(args, "actor", None)
    return given or os.environ.get("DELIBERATION_ACTOR") or getpass.getuser()


@contextmanager
def opened(args: argparse.Namespace, database_url: str | None = None) -> Iterator[Application]:
    app = bootstrap(args.config, database_url=database_url)
    try:
        yield app
    finally:
        app.close()


def zone(app: Application) -> ZoneInfo:
    return ZoneInfo(app.settings.county.timezone)


def init(args: argparse.Namespace, console: Console) -> int:
    app = bootstrap(args.config, require_schema=False)
    try:
        before, after = initialise_database(app)
    finally:
        app.close()
    if before == after:
        console.print(f"Datenbank ist aktuell (Stand {after}).")
    elif before is None:
        console.print(f"Datenbank angelegt (Stand {after}).")
    else:
        console.print(f"Datenbank von Stand {before} auf {after} gebracht.")
    settings = app.settings
    console.print(
        f"{len(settings.municipalities)} Gemeinden und {len(settings.bodies)} Gremien "
        f"aus {settings.source} übernommen."
    )
    return 0


def print_step(console: Console, what: str, step: LogView) -> None:
    console.print(
        Text.assemble(
            f"{what}: {step.from_title} → ", (step.to_title, "bold"), f" ({step.step_title})"
        )
    )


def cycle_launch(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        ids = cycles.launch(
            app.deps,
            args.workflow,
            args.round,
            args.actor,
            args.municipality,
            args.reason,
            schedule=schedule_policy(app.settings, app.deps.engine),
        )
        views = [cycles.show(app.deps, cycle_id) for cycle_id in ids]
    console.print(ngettext("%(num)d Zyklus gestartet:", "%(num)d Zyklen gestartet:", len(ids)))
    console.print(tables.cycles_table(views))
    return 0


def cycle_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        views = cycles.list_cycles(app.deps, args.round, args.workflow, args.state)
    console.print(tables.cycles_table(views))
    return 0


def cycle_show(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        tables.print_cycle(console, cycles.show(app.deps, args.id), zone(app))
    return 0


def cycle_advance(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app, progress_bar(console, "Einladungen") as progress:
        step = cycles.advance(
            app.deps,
            args.id,
            args.trigger,
            args.actor,
            args.reason,
            args.text,
            mailing=app.mailing(),
            fan_out=app.fan_out(),
            progress=progress,
        )
    print_step(console, f"Zyklus {args.id}", step)
    if step.warning:
        console.print(f"Achtung: {step.warning}", highlight=False, markup=False)
    if step.messages:
        console.print(
            ngettext(
                "%(num)d Einladung mit Kalendereintrag in den Postausgang gelegt "
                "(deliberation outbox send versendet sie).",
                "%(num)d Einladungen mit Kalendereintrag in den Postausgang gelegt "
                "(deliberation outbox send versendet sie).",
                step.messages,
            ),
            highlight=False,
        )
    return 0


def need_add(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        need_id = needs.add(app.deps, args.cycle, args.text, args.topic, args.scope, args.actor)
    console.print(f"Bedarf {need_id} in Zyklus {args.cycle} erfasst.")
    return 0


def need_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        views = needs.list_needs(app.deps, args.cycle, args.round, args.scope)
    if args.ranked:  # most dots (on site and online together) first
        views.sort(key=lambda n: (-n.total_votes, n.id))
    console.print(tables.needs_table(views))
    return 0


def need_vote(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        total = needs.vote(app.deps, args.id, args.dots)
    console.print(f"Bedarf {args.id} hat jetzt {total} Punkte.")
    return 0


def group_form(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        group_id = groups.form(
            app.deps,
            args.conference,
            args.topic,
            args.name,
            args.mandate,
            args.due,
            args.member,
            args.actor,
        )
    console.print(f'Arbeitsgruppe {group_id} "{args.name}" gebildet.')
    return 0


def group_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        console.print(tables.groups_table(groups.list_groups(app.deps, args.conference)))
    return 0


def group_show(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        tables.print_group(console, groups.show(app.deps, args.id), zone(app))
    return 0


def group_advance(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        step = groups.advance(app.deps, args.id, args.trigger, args.actor, args.reason)
    print_step(console, f"Arbeitsgruppe {args.id}", step)
    return 0


def group_close(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        step = groups.close(app.deps, args.id, args.dissolve, args.actor, args.reason)
    print_step(console, f"Arbeitsgruppe {args.id}", step)
    return 0


def rec_draft(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        rec_id = recommendations.draft(
            app.deps, args.group, args.title, args.text, args.actor, args.need
        )
    console.print(f"Empfehlung {rec_id} entworfen.")
    return 0


def rec_list(args: argparse.Namespace, console: Console) -> int:
    filters = {
        "round_label": args.round,
        "conference_id": args.conference,
        "municipality": args.municipality,
        "body": args.body,
        "office": args.office,
        "overdue": args.overdue,
    }
    with opened(args) as app:
        if args.csv is not None:
            exported = tracker.export(
                app.deps, tracker.TrackerQuery(state=args.state, group_id=args.group, **filters)
            )
            count = tracker_files.write_tracker_csv(args.csv, exported, zone(app))
            console.print(f"{count} Empfehlungen nach {args.csv} geschrieben.", highlight=False)
            return 0
        lines = recommendations.tracker(app.deps, args.state, args.group, **filters)
    console.print(tracker_table(lines))
    return 0


def rec_show(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        tables.print_recommendation(console, recommendations.show(app.deps, args.id), zone(app))
    return 0


def trace_need(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        console.print(trace_output.need_tree(trace.trace_need(app.deps, args.id)))
    return 0


def trace_recommendation(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        found = trace.trace_recommendation(app.deps, args.id)
        console.print(trace_output.recommendation_tree(found, zone(app)))
    return 0


def rec_advance(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        step = recommendations.advance(
            app.deps, args.id, args.trigger, args.actor, args.reason, args.text
        )
    print_step(console, f"Empfehlung {args.id}", step)
    return 0


def workflows_check(args: argparse.Namespace, console: Console) -> int:
    """The definitions, then whether the running records still match their versions."""
    engine, _ = load_engine(load_settings(args.config))
    console.print(tables.workflows_table(engine.definitions()))
    try:
        app = bootstrap(args.config, check_published=False)
    except DatabaseError as exc:
        console.print(f"Laufende Vorgänge nicht geprüft: {exc}", highlight=False)
        return 0
    try:
        problems = workflow_versions.published_problems(app.deps)
    finally:
        app.close()
    if problems:
        raise DeliberationError("\n".join(problems))
    console.print("Alle laufenden Vorgänge passen zu ihrer Workflow-Fassung.")
    return 0


def workflows_migrate(args: argparse.Namespace, console: Console) -> int:
    app = bootstrap(args.config, check_published=False)
    try:
        report = workflow_versions.migrate(app.deps, args.name, args.to, args.actor)
    finally:
        app.close()
    console.print(
        f"{len(report.moved)} Vorgang/Vorgänge auf Version {report.version} umgestellt.",
        highlight=False,
    )
    for line in report.moved:
        console.print(f"  {line}", highlight=False, markup=False)
    if not report.refused:
        return 0
    err = Console(stderr=True)
    err.print(
        f"{len(report.refused)} Vorgang/Vorgänge nicht umgestellt (Zustand fehlt in Version "
        f"{report.version}):",
        highlight=False,
    )
    for line in report.refused:
        err.print(f"  {line}", highlight=False, markup=False)
    return 1


def workflows_diagram(args: argparse.Namespace, console: Console) -> int:
    engine, _ = load_engine(load_settings(args.config))
    definition = engine.latest(args.name)
    output: Path = args.output or Path(f"{definition.name}.html")
    output.write_text(to_html(definition), encoding="utf-8")
    print(to_mermaid(definition))
    Console(stderr=True, markup=False).print(
        f"Bild gespeichert: {output} (im Browser öffnen)", highlight=False
    )
    return 0


def status(args: argparse.Namespace, console: Console) -> int:
    if args.check:
        from deliberation.entrypoints.cli.health_check import status_check

        return status_check(args, console)
    with opened(args) as app:
        print_overview(app.deps, console, args.round)
        warning = holiday_horizon_warning(
            schedule_policy(app.settings, app.deps.engine), app.deps.today()
        )
    if warning:
        console.print(f"Achtung: {warning}", highlight=False, markup=False)
    return 0


DEMO_DATABASE = "demo.sqlite3"
DEMO_MAILS = "mails"
DEMO_LINK_SECRET = "link-secret"
DEMO_WEB_SECRET = "web-secret"


def demo(args: argparse.Namespace, console: Console) -> int:
    folder: Path = args.folder
    serve = getattr(args, "serve", False)
    served_at = None
    if serve:
        from deliberation.entrypoints.web.serving import check_port_free, served_address

        check_port_free(args.host, args.port)  # before the demo, not after it
        served_at = served_address(args.host, args.port)
    database = _fresh_demo_database(folder)
    console.print(f"Demo-Datenbank: {database} (SQLite, wird bei jedem Lauf neu angelegt)")
    url = f"sqlite:///{database.resolve()}"
    clock = Clock().stopped()  # today, until the demo sets it to the round's dates
    app = bootstrap(args.config, database_url=url, clock=clock, require_schema=False)
    try:
        initialise_database(app)
        mail = DemoMail(_demo_mailing(app, folder, served_at), folder / DEMO_MAILS)
        venues = {m.name: m.venue for m in app.settings.municipalities}
        policy = schedule_policy(app.settings, app.deps.engine)
        run_demo(app.deps, console, clock, policy, mail, app.templates, venues)
        demo_accounts = accounts.add_demo_accounts(app.deps, app.passwords())
    finally:
        app.close()
    console.print(
        "\nZugänge zur Webanwendung (nur in dieser Demo-Datenbank), Passwort jeweils "
        f'"{accounts.DEMO_PASSWORD}":',
        highlight=False,
    )
    for view in demo_accounts:
        console.print(f"  {view.name:<18} {view.role_title}", highlight=False)
    if served_at is not None:
        return _serve_demo(args, console, folder, url, clock, served_at)
    console.print(
        "\nWeiter erkunden, zum Beispiel:\n"
        "  deliberation demo --serve          (dasselbe, danach im Browser ansehen)\n"
        f"  DELIBERATION_DATABASE_URL=sqlite:///{database} deliberation status",
        highlight=False,
    )
    if (folder / DEMO_LINK_SECRET).is_file():
        console.print(
            "Links in den Demo-Mails öffnen (Abmelden, …; die Zu- und Absagen zur "
            "Konferenz sind vorbei):\n"
            f"  DELIBERATION_DATABASE_URL=sqlite:///{database} "
            f"DELIBERATION_LINK_SECRET=$(cat {folder / DEMO_LINK_SECRET}) deliberation web",
            highlight=False,
            soft_wrap=True,
        )
    return 0


def _serve_demo(
    args: argparse.Namespace,
    console: Console,
    folder: Path,
    url: str,
    clock: Clock,
    served_at: str,
) -> int:
    """Serve the web application on the demo database; its clock runs on from the demo's."""
    from deliberation.entrypoints.web.serving import serve_app

    app = bootstrap(args.config, database_url=url, clock=clock.running())
    app = replace(app, settings=demo_settings(app.settings, folder, served_at))
    try:
        console.print(
            f"\nDie Demo im Browser: {served_at}/ (anmelden z. B. als "
            f'"referat", Passwort "{accounts.DEMO_PASSWORD}")',
            highlight=False,
        )
        serve_app(app, args.host, args.port, console)
    finally:
        app.close()
    console.print("Beendet.")
    return 0


def demo_settings(settings: Settings, folder: Path, served_at: str | None) -> Settings:
    """The demo's settings: its own secrets beside its database, and when it serves
    (``served_at``, e.g. ``http://127.0.0.1:8001``) every link points there: the links in
    its mails, the public pages' links, the OParl ids. The configuration file is not changed.
    """
    links = replace(settings.invitations, secret_file=folder / DEMO_LINK_SECRET)
    web = replace(settings.web, secret_file=folder / DEMO_WEB_SECRET)
    if served_at is not None:
        links = replace(links, base_url=served_at)
        web = replace(web, base_url=served_at)
    return replace(settings, invitations=links, web=web)


def _demo_mailing(app: Application, folder: Path, served_at: str | None) -> Mailing:
    """The demo's mails: links signed with its own secret, to where it serves, if it does."""
    settings = demo_settings(app.settings, folder, served_at)
    return build_mailing(settings, app.templates, app.deps.clock)


def _fresh_demo_database(folder: Path) -> Path:
    """Remove the previous demo database and mails; refuse to touch a folder holding anything else.

    Only the database files and, in the ``mails/`` subfolder, ``.eml`` files
    count as the demo's own.
    """
    database = folder / DEMO_DATABASE
    mails = folder / DEMO_MAILS
    if folder.exists():
        ours = {
            DEMO_DATABASE,
            DEMO_LINK_SECRET,
            DEMO_WEB_SECRET,
            *(DEMO_DATABASE + s for s in ("-wal", "-shm", "-journal")),
        }
        foreign = sorted(p.name for p in folder.iterdir() if p.name not in ours and p != mails)
        if mails.exists() and not mails.is_dir():
            foreign.insert(0, DEMO_MAILS)
        elif mails.is_dir():
            foreign += sorted(
                f"{DEMO_MAILS}/{p.name}"
                for p in mails.iterdir()
                if p.suffix != ".eml" or not p.is_file() or p.is_symlink()
            )
        if foreign:
            raise DeliberationError(
                f"Der Ordner {folder} enthält andere Dateien ({', '.join(foreign[:3])}); "
                "die Demo braucht einen eigenen Ordner (--folder)."
            )
        for name in ours:
            (folder / name).unlink(missing_ok=True)
        if mails.is_dir():
            for mail in mails.glob("*.eml"):
                mail.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return database
