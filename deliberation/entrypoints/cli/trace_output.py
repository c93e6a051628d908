"""Output of the traceability commands: a readable tree."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text
from rich.tree import Tree

from deliberation.entrypoints.formats import local_time
from deliberation.service_layer.trace import (
    ConferenceRef,
    NeedRef,
    NeedTrace,
    RecommendationTrace,
)


class MarkupTree(Tree):
    """A tree whose labels are rich markup with every user text ``escape``d in them.

    The command line's console reads no markup (user text is data), so the
    labels are parsed here, where the texts are escaped.
    """

    def __init__(self, label: RenderableType) -> None:
        super().__init__(Text.from_markup(label, emoji=False) if isinstance(label, str) else label)

    def add(self, label: RenderableType, **_options: Any) -> MarkupTree:
        node = MarkupTree(label)
        self.children.append(node)
        return node


def _need_label(need: NeedRef) -> str:
    return f"[bold]Bedarf {need.id}[/bold]: {escape(need.text)}"


def _need_details(node: MarkupTree, need: NeedRef) -> None:
    w = need.workshop
    if w.municipality:
        node.add(
            f"Werkstatt: {escape(w.title)} (Zyklus {w.cycle_id}, Gemeinde "
            f"{escape(w.municipality)}, Durchgang {escape(w.round)})"
        )
    else:
        node.add(
            f"Erfasst in: {escape(w.title)} (Zyklus {w.cycle_id}, kreisweit, "
            f"Durchgang {escape(w.round)})"
        )
    node.add(
        f"Gemeinde: {escape(need.municipality)} · Themenfeld: {escape(need.topic_field)} · "
        f"Reichweite: {need.scope_title} · Punkte: {need.votes}"
    )
    node.add(f"Verbleib: {need.status_title}")


def _conference_label(conference: ConferenceRef) -> str:
    return (
        f"Konferenz: {escape(conference.title)} (Zyklus {conference.id}, "
        f"Durchgang {escape(conference.round)})"
    )


def need_tree(trace: NeedTrace) -> Tree:
    tree = MarkupTree(_need_label(trace.need))
    _need_details(tree, trace.need)
    if not trace.topics:
        tree.add("Tagesordnung: von keiner Konferenz aufgenommen")
    for topic in trace.topics:
        conference = tree.add(_conference_label(topic.conference))
        topic_node = conference.add(f"Thema {topic.position}: {escape(topic.title)}")
        groups = [g for g in trace.groups if g.topic_id == topic.id]
        if not groups:
            topic_node.add("keine Arbeitsgruppe")
        for group in groups:
            group_node = topic_node.add(
                f"Arbeitsgruppe {group.id}: {escape(group.name)} ({group.state_title})"
            )
            for rec in trace.recommendations:
                if rec.group_id == group.id:
                    group_node.add(
                        f"Empfehlung {rec.id}: {escape(rec.title)} (Zustand {rec.state_title})"
                    )
    shown = {g.id for g in trace.groups}
    for rec in trace.recommendations:
        if rec.group_id not in shown:  # answered by a group on another topic
            tree.add(
                f"Empfehlung {rec.id}: {escape(rec.title)} (Arbeitsgruppe "
                f"{escape(rec.group_name)}, Zustand {rec.state_title})"
            )
    tree.add(f"[bold]Ergebnis:[/bold] {escape(trace.outcome)}")
    return tree


def recommendation_tree(trace: RecommendationTrace, zone: ZoneInfo) -> Tree:
    rec = trace.recommendation
    tree = MarkupTree(f"[bold]Empfehlung {rec.id}[/bold]: {escape(rec.title)}")
    state = f"Zustand: {rec.state_title}"
    if rec.decision and rec.decision != rec.state_title:
        state += f" · Kreistag: {rec.decision}"
    tree.add(state)
    conference = tree.add(_conference_label(trace.conference))
    topic = conference.add(f"Thema: {escape(trace.group.topic)}")
    topic.add(
        f"Arbeitsgruppe {trace.group.id}: {escape(trace.group.name)} ({trace.group.state_title})"
    )
    _route_and_implementation(tree, trace, zone)
    needs = tree.add(f"Beantwortet Bedarfe ({len(trace.needs)})")
    for need in trace.needs:
        _need_details(needs.add(_need_label(need)), need)
    log = tree.add("Verlauf")
    for entry in trace.log:
        reason = f" – {escape(entry.reason)}" if entry.reason else ""
        log.add(
            f"{local_time(entry.at, zone)} {escape(entry.actor)}: {escape(entry.step_title)} "
            f"({escape(entry.from_title or '—')} → {escape(entry.to_title)}){reason}"
        )
    return tree


def _route_and_implementation(tree: MarkupTree, trace: RecommendationTrace, zone: ZoneInfo) -> None:
    if trace.consultations:
        route = tree.add(f"Beratungsfolge ({len(trace.consultations)})")
        for c in trace.consultations:
            text = f" – {escape(c.resolution_text)}" if c.resolution_text else ""
            route.add(
                f"{local_time(c.meeting_starts_at, zone)} {escape(c.meeting_title)} "
                f"({c.where}): [bold]{c.result_title}[/bold]{text}"
            )
    if trace.responsible_office:
        due = f", bis {trace.due_date:%d.%m.%Y}" if trace.due_date else ""
        late = " [bold red]überfällig[/bold red]" if trace.overdue else ""
        work = tree.add(f"Umsetzung: {escape(trace.responsible_office)}{due}{late}")
        for note in trace.progress:
            work.add(f"{local_time(note.at, zone)} {escape(note.author)}: {escape(note.text)}")
