"""A complete sample cycle for Landkreis Peine, played through the service layer.

Seven future workshops collect needs, the integration conference builds its
agenda from the county-wide ones and forms working groups, and their
recommendations travel through the Kommission and the Kreistag committees to
a decision. Everything is deterministic except the timestamps.

Before the round starts, a small participant list is imported. If the
caller passes ``DemoMail``, the invitations the workshops and the
conference send are rendered, queued in the outbox and delivered with the
real SMTP sender to a local mail sink started for the purpose, which keeps
them as ``.eml`` files; otherwise the only I/O is printing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from deliberation.bootstrap import local_delivery
from deliberation.domain.clock import Clock
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.consultations import ConsultationRole, RouteStep
from deliberation.domain.errors import DeliberationError
from deliberation.domain.participants import LegalBasis
from deliberation.entrypoints.cli import demo_invitations
from deliberation.entrypoints.cli.overview import print_overview
from deliberation.service_layer import (
    body_meetings,
    consultations,
    cycles,
    groups,
    implementation,
    needs,
    notifications,
    outbox,
    participants,
    recommendations,
)
from deliberation.service_layer.outbox import SendOptions
from deliberation.service_layer.ports import Dependencies, Mailing, TemplateRenderer
from deliberation.service_layer.views import TopicView

WORKSHOP = "future_workshop"
CONFERENCE = "integration_conference"
SEED = 2027
GROUP_COUNT = 3
GROUP_MONTHS = 4
RECOMMENDATIONS_PER_GROUP = (2, 2, 1)
VOTERS = (10, 16)  # participants per workshop, each sticks 1 to 3 dots on one card

# The registry the invitations go to: (name, email, municipality, roles, bodies), as in
# an import file. Members of statutory bodies are invited by duty, everyone else by
# consent (which the demo confirms for them, see confirm_consent). Addresses are in the
# reserved domain example.org, and the demo only ever delivers to its local mail sink.
Person = tuple[str, str, str, str, str]
PEOPLE: tuple[Person, ...] = (
    ("Heike Brandes", "heike.brandes@example.org", "Stadt Peine", "", "Kreistag"),
    ("Murat Çelik", "murat.celik@example.org", "Stadt Peine", "Bürger", ""),
    ("Ingrid Lüders", "ingrid.lueders@example.org", "Edemissen", "", "Kommission"),
    ("Daria Kowalczyk", "daria.kowalczyk@example.org", "Edemissen", "Bürgerin", ""),
    ("Friedrich Ahrens", "friedrich.ahrens@example.org", "Hohenhameln", "", "Kreistag"),
    ("Samira Nasser", "samira.nasser@example.org", "Hohenhameln", "Verein", ""),
    ("Kerstin Bode", "kerstin.bode@example.org", "Ilsede", "Verwaltung", "Koordinierungsstab"),
    ("Hamid Karimi", "hamid.karimi@example.org", "Ilsede", "Bürger", ""),
    ("Uwe Rademacher", "uwe.rademacher@example.org", "Lengede", "", "ausschuss-soziales"),
    ("Oksana Lysenko", "oksana.lysenko@example.org", "Lengede", "Bürgerin", ""),
    ("Monika Stöver", "monika.stoever@example.org", "Vechelde", "", "Kommission"),
    ("Elif Şahin", "elif.sahin@example.org", "Vechelde", "Verein", ""),
    ("Dirk Warnecke", "dirk.warnecke@example.org", "Wendeburg", "", "Kreistag"),
    ("Abdullah Rezai", "abdullah.rezai@example.org", "Wendeburg", "Bürger", ""),
    ("Susanne Kleine", "susanne.kleine@example.org", "", "Verwaltung", "Koordinierungsstab"),
)
#: Members of bodies who agreed that their names appear in the OParl export.
PUBLISHED = ("heike.brandes@example.org", "ingrid.lueders@example.org")
#: The local mail sink accepts as fast as we send; the relay's limit does not apply.
SINK_RATE_PER_MINUTE = 60_000

# (text, topic field, scope) per municipality, as written on the workshop cards.
Card = tuple[str, str, str]
NEEDS: dict[str, tuple[Card, ...]] = {
    "Stadt Peine": (
        ("Sprachkurse mit Kinderbetreuung am Abend", "Sprache", "kreisweit"),
        ("Anerkennung ausländischer Berufsabschlüsse beschleunigen", "Arbeit", "kreisweit"),
        ("Frauen-Café in der Südstadt dauerhaft finanzieren", "Teilhabe", "lokal"),
        ("Bezahlbarer Wohnraum für große Familien", "Wohnen", "kreisweit"),
        ("Dolmetscherpool für Arzttermine und Klinikum", "Gesundheit", "kreisweit"),
    ),
    "Edemissen": (
        ("Busverbindung zu den Integrationskursen in Peine", "Sprache", "kreisweit"),
        ("Begegnungscafé im Dorfgemeinschaftshaus", "Teilhabe", "lokal"),
        ("Praktikumsplätze im örtlichen Handwerk vermitteln", "Arbeit", "lokal"),
        ("Hausaufgabenhilfe an der Grundschule", "Bildung", "lokal"),
    ),
    "Hohenhameln": (
        ("Fahrdienst zu Fachärztinnen und Fachärzten in Peine", "Gesundheit", "kreisweit"),
        ("Deutschkurs für Seniorinnen und Senioren im Ort", "Sprache", "lokal"),
        ("Ehrenamtliche Patenschaften für neu Zugezogene", "Teilhabe", "lokal"),
    ),
    "Ilsede": (
        ("Servicebüro Migration mit Sprechstunde am Abend", "Teilhabe", "lokal"),
        ("Berufsorientierung für Jugendliche mit Fluchterfahrung", "Bildung", "kreisweit"),
        ("Job-Speeddating mit Betrieben aus dem Gewerbegebiet", "Arbeit", "lokal"),
        ("Wohnungsbesichtigungen mit Sprachmittlung begleiten", "Wohnen", "kreisweit"),
        ("Beleuchtete Fußwege zur Unterkunft am Ortsrand", "Sicherheit", "lokal"),
    ),
    "Lengede": (
        ("Kita-Plätze für Kinder aus neu zugewanderten Familien", "Bildung", "kreisweit"),
        ("Berufsbezogene Sprachkurse (Job-Deutsch) vor Ort", "Sprache", "kreisweit"),
        ("Beitragsfreie Schnuppermitgliedschaft im Sportverein", "Teilhabe", "lokal"),
        ("Konfliktberatung in Gemeinschaftsunterkünften", "Sicherheit", "kreisweit"),
    ),
    "Vechelde": (
        ("Mehrsprachige Infoabende zum Schulsystem", "Bildung", "kreisweit"),
        ("Psychosoziale Beratung für Geflüchtete mit Traumaerfahrung", "Gesundheit", "kreisweit"),
        ("Vermieterinnen und Vermieter für Integrationswohnungen gewinnen", "Wohnen", "lokal"),
        ("Interkultureller Gemeinschaftsgarten", "Teilhabe", "lokal"),
    ),
    "Wendeburg": (
        ("Integrationsbeauftragte als feste Anlaufstelle erhalten", "Teilhabe", "lokal"),
        ("Ausstellungen und Kulturabende im Rathaus", "Teilhabe", "lokal"),
        ("Teilzeitausbildung für Mütter ermöglichen", "Arbeit", "kreisweit"),
        ("Prävention gegen Diskriminierung und Rassismus an Schulen", "Sicherheit", "kreisweit"),
    ),
}
# For a municipality the sample data does not know (another county's config).
GENERIC_NEEDS: tuple[Card, ...] = (
    ("Sprachkurse mit Kinderbetreuung am Abend", "Sprache", "kreisweit"),
    ("Begegnungscafé im Dorfgemeinschaftshaus", "Teilhabe", "lokal"),
    ("Anerkennung ausländischer Berufsabschlüsse beschleunigen", "Arbeit", "kreisweit"),
)


@dataclass(frozen=True)
class GroupTemplate:
    name: str
    mandate: str
    members: tuple[str, ...]  # "Name / Organisation", as groups.form expects


GROUPS: dict[str, GroupTemplate] = {
    "Arbeit": GroupTemplate(
        "AG Arbeit und Anerkennung",
        "Wege zu schnellerer Anerkennung ausländischer Abschlüsse und zu Ausbildung in "
        "Teilzeit erarbeiten.",
        (
            "Aylin Yıldız / Jobcenter Peine",
            "Sabine Krüger / Übergangsmanagement in Arbeit, Fachdienst Arbeit",
            "Mahmoud Al-Khatib / Migrantenselbstorganisation Syrisches Haus Peine",
            "Olena Kovalenko / Ukrainischer Verein Peine e. V.",
            "Thomas Wehrmann / Kreishandwerkerschaft Peine",
        ),
    ),
    "Sprache": GroupTemplate(
        "AG Sprache und Kurszugang",
        "Sprachkurse für Eltern, Berufstätige und Menschen aus den Gemeinden erreichbar machen.",
        (
            "Petra Lange / Kreisvolkshochschule Peine",
            "Rania Haddad / Caritas Peine",
            "Yusuf Demir / Migrantenselbstorganisation Türkischer Elternverein Peine",
            "Mykola Bondarenko / Ukrainischer Verein Peine e. V.",
            "Jana Schulze / Regionalverband Großraum Braunschweig",
        ),
    ),
    "Bildung": GroupTemplate(
        "AG Bildung und Übergänge",
        "Zugang zu Kita, Schule und Berufsorientierung für neu zugewanderte Familien verbessern.",
        (
            "Katrin Hoffmann / Fachdienst Kinder, Jugend und Familie",
            "Fatma Aydın / Migrantenselbstorganisation Elternnetzwerk Peine",
            "Ahmad Rahimi / Jugendmigrationsdienst Peine",
            "Iryna Shevchenko / Kreisvolkshochschule Peine",
        ),
    ),
    "Wohnen": GroupTemplate(
        "AG Wohnen",
        "Bezahlbaren Wohnraum für große Familien erschließen und die Wohnungssuche begleiten.",
        (
            "Stefan Vogel / Fachdienst Soziales",
            "Nour Al-Hassan / Caritas Peine",
            "Hanna Petrenko / Ukrainischer Verein Peine e. V.",
            "Gerhard Meyer / Wohnungsbaugenossenschaft Peine",
        ),
    ),
    "Gesundheit": GroupTemplate(
        "AG Gesundheit und Sprachmittlung",
        "Sprachmittlung im Gesundheitswesen und psychosoziale Beratung kreisweit sichern.",
        (
            "Dr. Leyla Öztürk / Gesundheitsamt Landkreis Peine",
            "Samir Haddad / DRK-Kreisverband Peine",
            "Tetiana Melnyk / Migrantenselbstorganisation Ukrainische Frauen Peine",
            "Andrea Fischer / Klinikum Peine",
        ),
    ),
    "Sicherheit": GroupTemplate(
        "AG Sicherheit und Zusammenleben",
        "Konflikten in Unterkünften vorbeugen und Diskriminierung an Schulen entgegenwirken.",
        (
            "Jörg Hartmann / Polizeiinspektion Peine",
            "Emine Kaya / Migrantenselbstorganisation Frauen-Café Südstadt",
            "Omar Farouk / Flüchtlingssozialarbeit Gemeinde Lengede",
            "Claudia Berger / Präventionsrat Landkreis Peine",
        ),
    ),
    "Teilhabe": GroupTemplate(
        "AG Teilhabe und Ehrenamt",
        "Begegnungsorte und ehrenamtliche Patenschaften in allen Gemeinden stärken.",
        (
            "Zeynep Arslan / Migrationsbüro Gemeinde Ilsede",
            "Bernd Schäfer / Freiwilligenagentur Peine",
            "Viktoriia Hrytsenko / Ukrainischer Verein Peine e. V.",
            "Khaled Mansour / Migrantenselbstorganisation Syrisches Haus Peine",
        ),
    ),
}

# (title, text) per topic field; a group drafts the first RECOMMENDATIONS_PER_GROUP of them.
Proposal = tuple[str, str]
PROPOSALS: dict[str, tuple[Proposal, ...]] = {
    "Arbeit": (
        (
            "Anerkennungslotsen im Übergangsmanagement",
            "Der Landkreis richtet im Fachdienst Arbeit eine Anerkennungslotsin oder einen "
            "Anerkennungslotsen ein, die Antragstellende bis zur Entscheidung begleiten.",
        ),
        (
            "Teilzeitausbildung für Eltern fördern",
            "Landkreis, Jobcenter und Kammern werben gemeinsam bei Betrieben für "
            "Teilzeitausbildung; der Landkreis trägt die Kinderbetreuung während der Berufsschule.",
        ),
    ),
    "Sprache": (
        (
            "Abendkurse mit Kinderbetreuung",
            "Die Kreisvolkshochschule bietet Integrationskurse am Abend mit paralleler "
            "Kinderbetreuung in Peine, Ilsede und Vechelde an.",
        ),
        (
            "Fahrtkosten zu Sprachkursen erstatten",
            "Teilnehmende aus den Gemeinden erhalten für Integrations- und Berufssprachkurse "
            "eine Monatskarte, soweit kein anderer Träger zuständig ist.",
        ),
    ),
    "Bildung": (
        (
            "Kita-Lotsinnen für neu zugewanderte Familien",
            "Mehrsprachige Kita-Lotsinnen beraten Familien bei der Anmeldung und begleiten "
            "die ersten Wochen in der Einrichtung.",
        ),
        (
            "Mehrsprachige Elternabende zum Schulsystem",
            "Schulen und Kreisvolkshochschule veranstalten zweimal im Jahr Elternabende mit "
            "Sprachmittlung zu Schulformen, Übergängen und Ausbildung.",
        ),
    ),
    "Wohnen": (
        (
            "Vermieterbörse für Integrationswohnungen",
            "Der Landkreis baut eine Börse auf, die Vermietende und Wohnungssuchende "
            "zusammenbringt, und sichert Mietausfälle im ersten Jahr ab.",
        ),
        (
            "Sprachmittlung bei Wohnungsbesichtigungen",
            "Ehrenamtliche Sprachmittlerinnen und Sprachmittler begleiten Besichtigungen und "
            "Vertragsabschlüsse; der Landkreis zahlt eine Aufwandsentschädigung.",
        ),
    ),
    "Gesundheit": (
        (
            "Kreisweiter Dolmetscherpool für Gesundheitstermine",
            "Der Landkreis finanziert einen Dolmetscherpool, den Praxen und das Klinikum für "
            "Termine mit Patientinnen und Patienten ohne ausreichende Deutschkenntnisse nutzen.",
        ),
        (
            "Psychosoziale Erstberatung in allen Gemeinden",
            "Eine mobile psychosoziale Erstberatung bietet in jeder Gemeinde monatlich eine "
            "Sprechstunde für Geflüchtete an.",
        ),
    ),
    "Sicherheit": (
        (
            "Konfliktberatung in Gemeinschaftsunterkünften",
            "Ein Team für Konfliktberatung besucht die Gemeinschaftsunterkünfte regelmäßig und "
            "schult Bewohnerinnen und Bewohner als Streitschlichtende.",
        ),
        (
            "Präventionsprogramm gegen Diskriminierung an Schulen",
            "Der Präventionsrat bietet allen weiterführenden Schulen Projekttage gegen "
            "Diskriminierung und Rassismus an.",
        ),
    ),
    "Teilhabe": (
        (
            "Begegnungsorte in den Dorfgemeinschaftshäusern",
            "Die Gemeinden öffnen ihre Dorfgemeinschaftshäuser einmal im Monat für ein "
            "Begegnungscafé; der Landkreis fördert Material und Werbung.",
        ),
        (
            "Ehrenamtspauschale für Patenschaften",
            "Ehrenamtliche Patinnen und Paten für neu Zugezogene erhalten eine jährliche "
            "Pauschale und Fortbildungen der Freiwilligenagentur.",
        ),
    ),
}

STATEMENTS = (
    "Die Kommission Migration und Teilhabe unterstützt die Empfehlung einstimmig.",
    "Die Kommission unterstützt die Empfehlung und bittet, die Kosten für den Haushalt "
    "2028 zu beziffern.",
    "Die Kommission sieht den Bedarf, hält die vorgeschlagene Finanzierung aber für offen.",
)
AMENDMENT = (
    " Abweichend von der Empfehlung wird die Maßnahme zunächst als zweijähriges "
    "Modellprojekt in drei Gemeinden erprobt und danach im Kreistag bewertet."
)


@dataclass(frozen=True)
class DemoMail:
    """Where the demo's invitations go: rendered with ``mailing``, kept as .eml in ``folder``."""

    mailing: Mailing
    folder: Path


@dataclass(frozen=True)
class DemoRun:
    """What every stage of the demo needs."""

    deps: Dependencies
    console: Console
    round_label: str
    actor: str
    rng: random.Random
    clock: Clock
    renderer: TemplateRenderer | None = None

    def say(self, message: str) -> None:
        self.console.print(Text.assemble(("✓ ", "green"), message))


@dataclass(frozen=True)
class FormedGroup:
    """A working group and the agenda topic it works on."""

    id: int
    topic: TopicView


@dataclass(frozen=True)
class Drafted:
    """A recommendation as drafted (its text is the base of an amended resolution)."""

    id: int
    title: str
    text: str


def run_demo(
    deps: Dependencies,
    console: Console,
    clock: Clock,
    round_label: str = "2027",
    actor: str = "Demo (Referat Migration und Teilhabe)",
    mail: DemoMail | None = None,
    renderer: TemplateRenderer | None = None,
) -> None:
    """Play a complete round for Landkreis Peine, then print where everything stands.

    ``clock`` must be the clock ``deps`` uses: the demo moves it past each meeting.
    With ``mail``, the invitations really go out, into a local mail sink; with
    ``renderer``, an implementation report is rendered and reported back.
    """
    run = DemoRun(deps, console, round_label, actor, random.Random(SEED), clock, renderer)
    register_participants(run, mail)
    conference_id = launch_cycles(run)
    meeting_id = None
    if mail is not None:
        meeting_id = demo_invitations.schedule_meetings(
            deps, mail.mailing, workshops(run), conference_id
        )
    for cycle_id, municipality in workshops(run):
        run_workshop(run, cycle_id, municipality)
    agenda = hold_conference(run, conference_id)
    if mail is not None and meeting_id is not None:
        deliver_invitations(run, mail, meeting_id)
    formed = form_groups(run, conference_id, agenda)
    drafted = [
        d
        for group, count in zip(formed, RECOMMENDATIONS_PER_GROUP, strict=False)
        for d in work_in_group(run, group, count)
    ]
    decide(run, drafted)
    close_conference(run, conference_id)
    console.print()
    print_overview(deps, console, round_label)


def register_participants(run: DemoRun, mail: DemoMail | None = None) -> None:
    """Import the sample registry and confirm the consent of those invited by consent.

    With ``mail``, consent goes through the double opt-in (confirmation mails,
    signed links); without, it is recorded directly.
    """
    rows = [
        (
            line,
            {
                "name": n,
                "email": e,
                "municipality": m,
                "roles": r,
                "bodies": b,
                "language": demo_invitations.LANGUAGES.get(e, ""),
            },
        )
        for line, (n, e, m, r, b) in enumerate(PEOPLE, start=2)
    ]
    report = participants.import_participants(run.deps, rows, run.actor, "Beispielverzeichnis")
    if mail is not None:
        confirmed = demo_invitations.opt_in(run.deps, mail.mailing)
    else:
        confirmed = confirm_consent(run, {email for _, email, _, _, _ in PEOPLE})
    for email in PUBLISHED:
        participants.set_publication_consent(run.deps, email, True)
    run.say(
        f"{report.imported} Personen im Verzeichnis "
        f"({report.imported - confirmed} aus Gremien, {confirmed} mit Einwilligung)"
    )


def confirm_consent(run: DemoRun, emails: set[str]) -> int:
    """Stand in for the double opt-in: mark the consent of ``emails`` as asked and confirmed.

    The registry has no use case that records a confirmation yet (the double
    opt-in comes later), so the demo writes the timestamps through the
    repository, as if every person had clicked the confirmation link.
    Returns how many people were confirmed.
    """
    now = run.deps.clock()
    confirmed = 0
    with run.deps.unit_of_work() as uow:
        for person in uow.participants.participants():
            if person.email in emails and person.legal_basis == LegalBasis.CONSENT:
                person.consent_requested_at = person.consent_confirmed_at = now
                confirmed += 1
        uow.commit()
    return confirmed


def deliver_invitations(run: DemoRun, mail: DemoMail, conference_meeting: int) -> None:
    """Render the pending invitations, play some answers, deliver all to a local mail sink."""
    queued = notifications.render_pending(run.deps, mail.mailing)
    run.say(demo_invitations.answer_conference(run.deps, mail.mailing, conference_meeting))
    queued = outbox.overview(run.deps).counts.get("queued", queued)
    sink, transport = local_delivery(mail.folder, mail.mailing.sender, SINK_RATE_PER_MINUTE)
    with sink:
        summary = outbox.send_due(run.deps, transport, SendOptions())
    if summary.retried or summary.failed:
        raise DeliberationError(
            f"Die lokale Mail-Senke hat nur {summary.sent} von {queued} Einladungen "
            "angenommen (Details: deliberation outbox status)."
        )
    run.say(
        f"{summary.sent} E-Mails (Bestätigungen, Einladungen mit Kalendereintrag) an die "
        f"lokale Mail-Senke zugestellt: {mail.folder}/ (.eml, mit jedem Mailprogramm zu öffnen)"
    )


def launch_cycles(run: DemoRun) -> int:
    """Launch the round's workshops and its conference; returns the conference id."""
    workshop_ids = cycles.launch(run.deps, WORKSHOP, run.round_label, run.actor)
    (conference_id,) = cycles.launch(run.deps, CONFERENCE, run.round_label, run.actor)
    run.say(
        f"Durchgang {run.round_label}: {len(workshop_ids)} Zukunftswerkstätten und "
        "Integrationskonferenz angelegt"
    )
    return conference_id


def workshops(run: DemoRun) -> list[tuple[int, str]]:
    """The round's workshops as (cycle id, municipality name)."""
    views = cycles.list_cycles(run.deps, run.round_label, WORKSHOP)
    return [(v.status.id, v.municipality) for v in views]


def run_workshop(run: DemoRun, cycle_id: int, municipality: str) -> None:
    """One future workshop from the invitations to the documented, closed result."""
    cards = NEEDS.get(municipality, GENERIC_NEEDS)
    _cycle(run, cycle_id, "send_invitations")
    _cycle(run, cycle_id, "start_needs_collection", "Kritikphase: Was fehlt uns vor Ort?")
    need_ids = [
        needs.add(run.deps, cycle_id, text, field, scope, run.actor) for text, field, scope in cards
    ]
    vision = f"Phantasiephase: So leben wir 2035 gut zusammen in {municipality}."
    _cycle(run, cycle_id, "start_vision", vision)
    _cycle(run, cycle_id, "start_realisation", "Verwirklichungsphase: Punkte kleben")
    dots = dot_vote(run, need_ids)
    _cycle(run, cycle_id, "document", "Fotoprotokoll und Bedarfsliste")
    _cycle(run, cycle_id, "close")
    county = sum(scope == "kreisweit" for _, _, scope in cards)
    run.say(
        f"Zukunftswerkstatt {municipality}: {len(need_ids)} Bedarfe "
        f"({county} kreisweit), {dots} Punkte"
    )


def _cycle(run: DemoRun, cycle_id: int, trigger: str, reason: str = "") -> None:
    cycles.advance(run.deps, cycle_id, trigger, run.actor, reason)


def dot_vote(run: DemoRun, need_ids: list[int]) -> int:
    """Each participant sticks 1 to 3 dots on one card; returns the dots given."""
    given = 0
    for _ in range(run.rng.randint(*VOTERS)):
        dots = run.rng.randint(1, 3)
        needs.vote(run.deps, run.rng.choice(need_ids), dots)
        given += dots
    return given


def hold_conference(run: DemoRun, conference_id: int) -> tuple[TopicView, ...]:
    """Build the agenda from the forwarded needs, invite, hold; returns the agenda."""
    _cycle(run, conference_id, "build_agenda")
    _cycle(run, conference_id, "send_invitations")
    _cycle(run, conference_id, "hold", "Kreishaus Peine, ganztägig")
    agenda = cycles.show(run.deps, conference_id).agenda
    top = ", ".join(t.title for t in agenda[:GROUP_COUNT])
    run.say(f"Integrationskonferenz: {len(agenda)} Themen, vorn {top}")
    return agenda


def form_groups(
    run: DemoRun, conference_id: int, agenda: tuple[TopicView, ...]
) -> list[FormedGroup]:
    """One working group on each of the top agenda topics, due in a few months."""
    due = months_later(run.deps.clock().date(), GROUP_MONTHS)
    formed: list[FormedGroup] = []
    for topic in agenda[:GROUP_COUNT]:
        template = GROUPS[topic.title]
        group_id = groups.form(
            run.deps,
            conference_id,
            str(topic.position),
            template.name,
            template.mandate,
            due,
            list(template.members),
            run.actor,
        )
        formed.append(FormedGroup(group_id, topic))
    run.say(f"{len(formed)} Arbeitsgruppen gebildet, Frist {due:%d.%m.%Y}")
    return formed


def work_in_group(run: DemoRun, group: FormedGroup, count: int) -> list[Drafted]:
    """The group starts work, drafts and adopts its recommendations, delivers its report."""
    groups.advance(run.deps, group.id, "start_work", run.actor)
    drafted = [_draft(run, group, proposal) for proposal in PROPOSALS[group.topic.title][:count]]
    for recommendation in drafted:
        recommendations.advance(run.deps, recommendation.id, "adopt_in_group", run.actor)
    groups.advance(run.deps, group.id, "deliver_report", run.actor)
    plural = "" if len(drafted) == 1 else "en"
    run.say(f"{GROUPS[group.topic.title].name}: Bericht mit {len(drafted)} Empfehlung{plural}")
    return drafted


def _draft(run: DemoRun, group: FormedGroup, proposal: Proposal) -> Drafted:
    """Draft one recommendation, linked to the needs behind the group's agenda topic."""
    title, text = proposal
    need_ids = list(group.topic.need_ids)
    return Drafted(
        recommendations.draft(run.deps, group.id, title, text, run.actor, need_ids), title, text
    )


def decide(run: DemoRun, drafted: list[Drafted]) -> None:
    """Send the recommendations along the configured route, meeting by meeting.

    For each body of the route one meeting is planned three weeks ahead (outside its
    notice period), the recommendations still on their way are placed on it, the
    simulated clock moves past the meeting and each gets its own result. Deferred
    ones go to the body's next meeting.
    """
    plans = [OUTCOMES[i % len(OUTCOMES)] for i in range(len(drafted))]
    route = run.deps.consultation_route
    active = dict(enumerate(drafted))
    for step in route:
        attempt = 0
        while waiting := [i for i in active if _result(plans[i], step, attempt)]:
            meeting = _meeting(run, step.body_key)
            for i in waiting:
                consultations.place(run.deps, active[i].id, meeting, run.actor)
            run.clock.advance(timedelta(days=MEETING_DAYS_AHEAD + 1))
            for i in waiting:
                result = _result(plans[i], step, attempt) or R.ADOPTED
                text = _text(step.role, result, i, active[i])
                consultations.record_result(run.deps, active[i].id, result, run.actor, text)
                if result == R.WITHDRAWN:
                    del active[i]
            attempt += 1
    for i, recommendation in enumerate(drafted):
        implement(run, recommendation, plans[i])
        run.say(f"{OUTCOME_TITLES[plans[i]]}: „{recommendation.title}“")


#: what happens to the n-th recommendation (repeats when there are more)
OUTCOMES = ("completed", "deferred_amended", "rejected", "withdrawn", "implementing")
OUTCOME_TITLES = {
    "completed": "Beschlossen, umgesetzt, erledigt",
    "deferred_amended": "Vertagt, dann geändert beschlossen",
    "rejected": "Abgelehnt",
    "withdrawn": "Im Fachausschuss zurückgezogen",
    "implementing": "Beschlossen, in Umsetzung",
}
MEETING_DAYS_AHEAD = 21
MEETING_TIME = time(17, 0)
OFFICE = "Fachdienst Soziales und Integration"


def _result(plan: str, step: RouteStep, attempt: int) -> R | None:
    """The result the ``attempt``-th meeting of a route body records for a recommendation
    with this plan, or None when it does not (or no longer) come before that body."""
    if plan == "withdrawn":
        if attempt or step.authoritative:
            return None
        return R.WITHDRAWN if step.placement_trigger == "refer_to_committee" else R.ADOPTED
    if attempt and not (step.authoritative and plan == "deferred_amended" and attempt == 1):
        return None
    if not step.authoritative:
        return R.ADOPTED
    if plan == "deferred_amended":
        return R.DEFERRED if attempt == 0 else R.ADOPTED_AMENDED
    return R.REJECTED if plan == "rejected" else R.ADOPTED


def _text(role: str, result: R, index: int, recommendation: Drafted) -> str:
    if role == ConsultationRole.HEARING and result != R.WITHDRAWN:
        return STATEMENTS[index % len(STATEMENTS)]
    if result == R.ADOPTED_AMENDED:
        return recommendation.text + AMENDMENT
    return ""


def _meeting(run: DemoRun, body_key: str) -> int:
    """A meeting of the body three weeks from the demo's today, at 17:00 local time."""
    day = run.deps.today() + timedelta(days=MEETING_DAYS_AHEAD)
    starts = datetime.combine(day, MEETING_TIME, ZoneInfo(run.deps.timezone))
    location = "Kreishaus Peine, Burgstraße 1"
    # the demo's staff accept whatever the day is (its clock is the real date)
    return body_meetings.add(run.deps, body_key, starts, location, confirmed=True).id


def implement(run: DemoRun, recommendation: Drafted, plan: str) -> None:
    """Adopted recommendations get an office and a due date; one is reported back."""
    if plan not in ("completed", "implementing"):
        return
    due = months_later(run.deps.today(), 12)
    implementation.assign(run.deps, recommendation.id, OFFICE, due, run.actor)
    implementation.note_progress(
        run.deps, recommendation.id, "Träger und Räume sind angefragt.", run.actor
    )
    if plan == "completed" and run.renderer is not None:
        next_round = str(int(run.round_label) + 2)
        implementation.report_back(run.deps, run.renderer, recommendation.id, run.actor, next_round)
        _advance(run, recommendation.id, "complete")


def _advance(
    run: DemoRun, recommendation_id: int, trigger: str, reason: str = "", text: str = ""
) -> None:
    recommendations.advance(run.deps, recommendation_id, trigger, run.actor, reason, text)


def close_conference(run: DemoRun, conference_id: int) -> None:
    """Record the groups as formed, collect their recommendations, close the conference."""
    for trigger in ("form_groups", "collect_recommendations", "close"):
        _cycle(run, conference_id, trigger)
    run.say("Integrationskonferenz abgeschlossen")


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the 28th so every month has it)."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, min(day.day, 28))
