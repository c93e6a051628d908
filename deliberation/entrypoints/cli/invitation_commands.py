"""CLI of meetings, invitations and consent.

``deliberation meeting …`` (schedule, invite an audience, move, cancel, see
the answers) and ``deliberation consent …`` (ask for confirmation, remove
unconfirmed addresses). ``add_commands`` registers them with the main parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console

from deliberation.adapters.templates import format_when
from deliberation.bootstrap import Application
from deliberation.domain.cadence import WEEKDAY_NAMES
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Audience, MeetingStatus
from deliberation.domain.participants import LANGUAGES, ROLE_TITLES, parse_language, parse_role
from deliberation.domain.scheduling import MEETING_STATUS_TITLES
from deliberation.entrypoints.cli import date_confirmation, route_commands
from deliberation.entrypoints.cli.commands import actor_of, local_moment, opened, parse_moment
from deliberation.entrypoints.cli.progress_bars import progress_bar
from deliberation.entrypoints.formats import table
from deliberation.service_layer import consent, meetings
from deliberation.translations import ngettext

Handler = Callable[[argparse.Namespace, Console], int]
Command = Callable[..., argparse.ArgumentParser]
Family = Callable[..., Any]


def _when(app: Application, moment: datetime) -> str:
    return format_when(moment, "de", app.settings.county.timezone)


def meeting_schedule(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        plan = meetings.MeetingPlan(
            args.title,
            local_moment(app, args.at, console),
            args.location,
            args.minutes,
            args.body,
            args.cycle,
            args.capacity,
        )
        domain = app.settings.smtp.sender.rpartition("@")[2]
        with date_confirmation.hint_on_warnings():
            meeting_id = meetings.schedule(
                app.deps, plan, domain, confirmed=args.confirmed, actor=actor_of(args)
            )
        when = _when(app, plan.starts_at)
    console.print(
        f"Termin {meeting_id} angelegt: {args.title}, {when}, {args.location}", highlight=False
    )
    return 0


def meeting_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        now = app.deps.clock()
        until = None if args.months is None else now + timedelta(days=31 * args.months)
        found = meetings.list_meetings(
            app.deps,
            args.body,
            status=args.status,
            series=args.series,
            starts_from=None if args.all else now,
            starts_before=until,
        )
        zone = ZoneInfo(app.settings.county.timezone)
        rows = [
            (
                str(m.id),
                _short_when(m.starts_at.astimezone(zone)),
                m.title,
                m.location,
                "ja" if m.public else "nein",
                m.status_title,
                str(m.invited),
                m.next_work,
            )
            for m in found
        ]
    columns = [
        "ID",
        "Beginn",
        "Titel",
        "Ort",
        "öffentlich",
        "Stand",
        "Eingeladen",
        "Nächster Schritt",
    ]
    scope = "alle" if args.all else "ab heute"
    console.print(table(f"Termine ({len(rows)}, {scope})", columns, rows))
    return 0


def _short_when(local: datetime) -> str:
    """ "Mi 16.12.2026 16:00": short enough for a table column."""
    return f"{WEEKDAY_NAMES[local.weekday()][:2]} {local:%d.%m.%Y %H:%M}"


def meeting_confirm(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        row = meetings.confirm(app.deps, args.meeting, actor_of(args))
        when = _when(app, row.starts_at)
    console.print(f"Termin {row.id} ({row.title}) am {when} bestätigt.", highlight=False)
    return 0


def meeting_invite(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        audience = _audience(app, args)
        with progress_bar(console, "Einladungen") as progress:
            report = meetings.invite(app.deps, app.mailing(), args.meeting, audience, progress)
    console.print(
        ngettext(
            "%(num)d Einladung in den Postausgang gelegt; ",
            "%(num)d Einladungen in den Postausgang gelegt; ",
            report.invited,
        )
        + ngettext(
            "%(num)d Person ohne bestätigte Einwilligung übergangen, ",
            "%(num)d Personen ohne bestätigte Einwilligung übergangen, ",
            report.without_consent,
        )
        + f"{report.already_invited} bereits eingeladen. Versand: deliberation outbox send",
        highlight=False,
    )
    return 0


def _audience(app: Application, args: argparse.Namespace) -> Audience:
    bodies = set()
    known_bodies = {b.key: b for b in app.settings.bodies}
    for value in args.body or []:
        found = [
            b.key
            for b in app.settings.bodies
            if value.casefold() in (b.key.casefold(), b.name.casefold())
        ]
        if not found:
            raise DeliberationError(
                f'Das Gremium "{value}" ist unbekannt (bekannt: {", ".join(known_bodies)}).'
            )
        bodies.add(found[0])
    roles = set()
    for value in args.role or []:
        role = parse_role(value)
        if role is None:
            known = ", ".join(ROLE_TITLES.values())
            raise DeliberationError(f'Die Rolle "{value}" ist unbekannt (bekannt: {known}).')
        roles.add(role.value)
    languages = set()
    for value in args.language or []:
        language = parse_language(value)
        if language is None:
            known = ", ".join(LANGUAGES)
            raise DeliberationError(f'Die Sprache "{value}" ist unbekannt (erlaubt: {known}).')
        languages.add(language)
    municipalities = {app.settings.municipality(v).key for v in args.municipality or []}
    return Audience(
        frozenset(bodies), frozenset(roles), frozenset(municipalities), frozenset(languages)
    )


def meeting_move(args: argparse.Namespace, console: Console) -> int:
    if args.at is None and args.location is None:
        raise DeliberationError("Bitte --at und/oder --location angeben.")
    with opened(args) as app:
        starts_at = None if args.at is None else local_moment(app, args.at, console)
        with date_confirmation.hint_on_warnings():
            report = meetings.move(
                app.deps,
                app.mailing(),
                args.meeting,
                starts_at,
                args.location,
                confirmed=args.confirmed,
                actor=actor_of(args),
            )
    if not report.changed:
        console.print("Zeit und Ort sind unverändert; keine Nachricht verschickt.")
        return 0
    moved = "; Einladung und Erinnerungen sind mitgewandert" if starts_at is not None else ""
    console.print(
        f"Termin {args.meeting} geändert{moved}; "
        + ngettext(
            "%(num)d Aktualisierung mit Kalendereintrag im Postausgang.",
            "%(num)d Aktualisierungen mit Kalendereintrag im Postausgang.",
            report.updates,
        ),
        highlight=False,
    )
    for warning in report.warnings:
        console.print(f"Achtung: {warning}", highlight=False)
    return 0


def meeting_cancel(args: argparse.Namespace, console: Console) -> int:
    if not args.yes:
        raise DeliberationError("Absagen bitte mit --yes bestätigen.")
    with opened(args) as app:
        queued = meetings.cancel(app.deps, app.mailing(), args.meeting, actor_of(args))
    console.print(
        f"Termin {args.meeting} abgesagt; Einladung und Erinnerungen entfallen; "
        + ngettext("%(num)d Absage im Postausgang.", "%(num)d Absagen im Postausgang.", queued),
        highlight=False,
    )
    return 0


def meeting_answers(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = meetings.answers(app.deps, args.meeting)
        when = _when(app, view.starts_at)
    seats = "unbegrenzt" if view.capacity is None else str(view.capacity)
    console.print(
        f"{view.title}, {when}, {view.location} "
        f"({MEETING_STATUS_TITLES.get(view.status, view.status)}, "
        f"Plätze: {seats}, Änderungsstand {view.sequence})",
        highlight=False,
    )
    counts = view.counts
    console.print(
        f"Zusagen {counts['yes']} (davon Warteliste {view.waiting}), Absagen {counts['no']}, "
        f"vielleicht {counts['maybe']}, ohne Antwort {counts['pending']}",
        highlight=False,
    )
    rows = [(r.name, r.email, r.response, str(r.waiting) if r.waiting else "—") for r in view.rows]
    console.print(table("Antworten", ["Name", "E-Mail", "Antwort", "Warteliste"], rows))
    return 0


def consent_request(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        asked = consent.request_confirmations(app.deps, app.mailing())
    console.print(
        ngettext(
            "%(num)d Bitte um Bestätigung in den Postausgang gelegt",
            "%(num)d Bitten um Bestätigung in den Postausgang gelegt",
            asked,
        )
        + " (Versand: deliberation outbox send).",
        highlight=False,
    )
    return 0


def consent_purge(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        days = args.days
        if days is None:
            days = app.settings.invitations.remove_unconfirmed_after_days
        if days < 0:
            raise DeliberationError("--days darf nicht negativ sein.")
        removed = consent.remove_unconfirmed(app.deps, timedelta(days=days))
    console.print(
        ngettext(
            "%(num)d unbestätigte Adresse gelöscht",
            "%(num)d unbestätigte Adressen gelöscht",
            len(removed),
        )
        + f" (gefragt vor mehr als {days} Tagen).",
        highlight=False,
    )
    return 0


def add_commands(group: Any, command: Command, family: Family) -> None:
    """Register ``meeting`` and ``consent`` with the main parser."""
    _meeting(group, command, family)
    _consent(group, command, family)


def _meeting(group: Any, command: Command, family: Family) -> None:
    sub = family(group, "meeting", "Termine: anlegen, einladen, verschieben, absagen, Antworten")
    scheduled = command(sub, "schedule", "einen Termin anlegen", meeting_schedule)
    scheduled.add_argument("title", metavar="TITEL", help="z. B. 'Sitzung der Kommission'")
    scheduled.add_argument(
        "--at",
        type=parse_moment,
        required=True,
        metavar="ZEITPUNKT",
        help="Beginn, TT.MM.JJJJ HH:MM (Ortszeit)",
    )
    scheduled.add_argument(
        "--location", required=True, metavar="ORT", help="Ort, z. B. 'Kreishaus Peine'"
    )
    scheduled.add_argument(
        "--minutes", type=int, default=120, metavar="MINUTEN", help="Dauer (Standard: 120)"
    )
    scheduled.add_argument("--body", metavar="GREMIUM", help="Gremium (Schlüssel aus config.toml)")
    scheduled.add_argument("--cycle", type=int, metavar="ZYKLUS", help="zugehöriger Zyklus (ID)")
    scheduled.add_argument(
        "--capacity", type=int, metavar="PLÄTZE", help="Plätze; weitere Zusagen: Warteliste"
    )
    date_confirmation.add_flag(scheduled)
    route_commands.register_meeting_add(sub)
    listed = command(
        sub,
        "list",
        "kommende Termine und Sitzungen auflisten, mit dem nächsten Schritt des Terminplaners",
        meeting_list,
    )
    listed.add_argument("--body", metavar="GREMIUM", help="nur Sitzungen dieses Gremiums")
    listed.add_argument(
        "--status",
        choices=[str(s) for s in MeetingStatus],
        help="nur proposed (vorgeschlagen), planned (geplant) oder cancelled (abgesagt)",
    )
    listed.add_argument(
        "--series", metavar="SCHLÜSSEL", help="nur diese Terminreihe (Gremium oder Zyklusart)"
    )
    listed.add_argument("--months", type=int, metavar="MONATE", help="nur so viele Monate voraus")
    listed.add_argument("--all", action="store_true", help="auch vergangene Termine")
    confirmed = command(
        sub, "confirm", "einen vom Terminplaner vorgeschlagenen Termin bestätigen", meeting_confirm
    )
    confirmed.add_argument("meeting", type=int, metavar="TERMIN", help="ID des Termins")
    invited = command(
        sub,
        "invite",
        "Personen einladen (je eine eigene E-Mail mit Kalendereintrag); ohne Auswahl: alle. "
        "Wiederholbare Angaben gelten als „oder“, verschiedene als „und“",
        meeting_invite,
    )
    invited.add_argument("meeting", type=int, metavar="TERMIN", help="ID des Termins")
    invited.add_argument(
        "--body", action="append", metavar="GREMIUM", help="Mitglieder dieses Gremiums"
    )
    invited.add_argument(
        "--role", action="append", metavar="ROLLE", help="Rolle, z. B. Verein oder Verwaltung"
    )
    invited.add_argument(
        "--municipality", action="append", metavar="GEMEINDE", help="Gemeinde (Schlüssel/Name)"
    )
    invited.add_argument(
        "--language", action="append", metavar="SPRACHE", help="Sprache, z. B. tr oder Arabisch"
    )
    moved = command(
        sub,
        "move",
        "Zeit und/oder Ort ändern; Eingeladene erhalten die Änderung für ihren Kalender",
        meeting_move,
    )
    moved.add_argument("meeting", type=int, metavar="TERMIN", help="ID des Termins")
    moved.add_argument(
        "--at", type=parse_moment, metavar="ZEITPUNKT", help="neuer Beginn, TT.MM.JJJJ HH:MM"
    )
    moved.add_argument("--location", metavar="ORT", help="neuer Ort")
    date_confirmation.add_flag(moved)
    cancelled = command(
        sub, "cancel", "Termin absagen; Eingeladene erhalten die Absage", meeting_cancel
    )
    cancelled.add_argument("meeting", type=int, metavar="TERMIN", help="ID des Termins")
    cancelled.add_argument("--yes", action="store_true", help="Absage bestätigen")
    answered = command(
        sub, "answers", "Zu- und Absagen eines Termins, mit Warteliste", meeting_answers
    )
    answered.add_argument("meeting", type=int, metavar="TERMIN", help="ID des Termins")


def _consent(group: Any, command: Command, family: Family) -> None:
    sub = family(group, "consent", "Einwilligungen: Bestätigung erbitten, Unbestätigte löschen")
    command(
        sub,
        "request",
        "alle noch nicht Gefragten per E-Mail um Bestätigung bitten (Double-Opt-in)",
        consent_request,
    )
    purged = command(
        sub, "purge", "Personen löschen, die ihre Einwilligung nicht bestätigt haben", consent_purge
    )
    purged.add_argument(
        "--days",
        type=int,
        metavar="TAGE",
        help="gefragt vor mehr als so vielen Tagen (Standard: "
        "[invitations] remove_unconfirmed_after_days)",
    )
