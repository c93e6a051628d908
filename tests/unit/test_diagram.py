"""Diagrams of workflow definitions: Mermaid text and the standalone HTML/SVG page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from deliberation.adapters.diagram import to_html, to_mermaid
from deliberation.adapters.templates import TemplateCatalog
from deliberation.adapters.workflow_files import load_workflows
from deliberation.domain.model import SubjectKind
from deliberation.domain.workflow import StateSpec, TransitionSpec, WorkflowDefinition

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def _load() -> list[WorkflowDefinition]:
    return load_workflows(ROOT / "workflows", TemplateCatalog(ROOT / "templates").exists)


REAL = _load()


def _definition(
    states: list[StateSpec],
    transitions: list[TransitionSpec],
    title: str = "Test",
) -> WorkflowDefinition:
    return WorkflowDefinition(
        name="test",
        version=1,
        title=title,
        subject=SubjectKind.CYCLE,
        initial=states[0].name,
        states={s.name: s for s in states},
        transitions=tuple(transitions),
    )


def _t(trigger: str, sources: str, dest: str) -> TransitionSpec:
    return TransitionSpec(trigger, tuple(sources.split()), dest, trigger.replace("_", " "))


#: Every kind of edge the router knows: parallel forward edges, parallel back
#: edges, a bus of several sources, edges within a row (neighbours and not),
#: a loop and a state the start cannot reach.
TANGLED = _definition(
    [
        StateSpec("a", "Anfang"),
        StateSpec("b", "Zweiter Schritt"),
        StateSpec("c", "Dritter"),
        StateSpec("d", "Vierter Zustand mit langem Titel"),
        StateSpec("e", "Fünf"),
        StateSpec("f", "Sechs", final=True),
        StateSpec("g", "Abgebrochen", final=True),
        StateSpec("h", "Unerreichbar"),
    ],
    [
        _t("go_b", "a", "b"),
        _t("go_c", "a", "c"),
        _t("go_d", "a", "d"),
        _t("b_to_c", "b", "c"),
        _t("c_to_b", "c", "b"),
        _t("b_to_d", "b", "d"),
        _t("again", "b", "b"),
        _t("down", "b c d", "e"),
        _t("also_down", "d", "e"),
        _t("back_to_a", "e", "a"),
        _t("back_to_b", "e", "b"),
        _t("back_again", "e", "b"),
        _t("finish", "e", "f"),
        _t("abort", "a b c d e", "g"),
        _t("wake", "h", "a"),
    ],
)

ALL = [*REAL, TANGLED]


def _ids(definitions: list[WorkflowDefinition]) -> list[str]:
    return [d.name for d in definitions]


def _edges(d: WorkflowDefinition) -> Counter[tuple[str, str, str]]:
    """(source, dest, trigger), once per source of each transition."""
    return Counter((s, t.dest, t.trigger) for t in d.transitions for s in t.sources)


def _titled_edges(d: WorkflowDefinition) -> Counter[tuple[str, str, str]]:
    """(source, dest, the step's title), once per source of each transition."""
    return Counter((s, t.dest, t.title) for t in d.transitions for s in t.sources)


def _title_of(d: WorkflowDefinition, trigger: str) -> str:
    return next(t.title for t in d.transitions if t.trigger == trigger)


# ---------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------

EDGE_LINE = re.compile(r"^\s*(\S+) --> (\S+)(?: : (.+))?$")


def _mermaid_edges(text: str) -> Counter[tuple[str, str, str]]:
    found: Counter[tuple[str, str, str]] = Counter()
    for line in text.splitlines():
        if "-->" in line:
            match = EDGE_LINE.match(line)
            assert match, f"malformed edge line: {line!r}"
            found[(match[1], match[2], _unescaped(match[3] or ""))] += 1
    return found


MERMAID_ENTITIES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def _unescaped(label: str) -> str:
    """Mermaid's entity codes (``#58;``, ``#quot;``) as the characters they stand for."""
    return re.sub(
        r"#(\d+|quot|amp|lt|gt);",
        lambda m: MERMAID_ENTITIES.get(m[1]) or chr(int(m[1])),
        label,
    )


@pytest.mark.parametrize("definition", REAL, ids=_ids(REAL))
def test_mermaid_has_one_edge_per_source_and_transition_plus_start_and_ends(
    definition: WorkflowDefinition,
) -> None:
    text = to_mermaid(definition)

    expected = _titled_edges(definition)
    expected[("[*]", definition.initial, "")] += 1
    for name, state in definition.states.items():
        if state.final:
            expected[(name, "[*]", "")] += 1
    assert text.splitlines()[0] == "stateDiagram-v2"
    assert _mermaid_edges(text) == expected


@pytest.mark.parametrize("definition", REAL, ids=_ids(REAL))
def test_mermaid_declares_every_state_with_its_title(definition: WorkflowDefinition) -> None:
    lines = to_mermaid(definition).splitlines()

    for name, state in definition.states.items():
        assert f'    state "{state.title}" as {name}' in lines


def test_mermaid_recommendation_draws_withdraw_from_each_of_its_sources() -> None:
    recommendation = next(d for d in REAL if d.name == "recommendation")

    edges = _mermaid_edges(to_mermaid(recommendation))

    withdraw = _title_of(recommendation, "withdraw")
    into_withdrawn = {src for (src, dest, title) in edges if title == withdraw}
    assert _dest_of(edges, withdraw) == {"withdrawn"}
    assert into_withdrawn == {
        "draft",
        "adopted_by_group",
        "statement_given",
        "committee_consultation",
        "executive_consultation",
        "kreistag_agenda",
        "deferred",
    }


def _dest_of(edges: Counter[tuple[str, str, str]], title: str) -> set[str]:
    return {dest for (_, dest, t) in edges if t == title}


def test_arrows_are_labelled_with_the_steps_german_titles_not_their_keys() -> None:
    workshop = next(d for d in REAL if d.name == "future_workshop")

    lines = to_mermaid(workshop).splitlines()
    labels = {text for text, _ in _labels(_svg(to_html(workshop)))}

    assert "    planned --> invitations_sent : Einladungen versenden" in lines
    assert "Einladungen versenden" in labels
    assert not {t.trigger for t in workshop.transitions} & labels


def test_mermaid_makes_keywords_and_odd_names_into_valid_unique_ids() -> None:
    definition = _definition(
        [
            StateSpec("default", "Vorgabe"),
            StateSpec("in-progress", "Läuft"),
            StateSpec("in_progress", "Läuft auch", final=True),
        ],
        [_t("go", "default", "in-progress"), _t("on", "in-progress", "in_progress")],
    )

    lines = to_mermaid(definition).splitlines()

    assert '    state "Vorgabe" as s_default' in lines
    assert '    state "Läuft" as in_progress' in lines
    assert '    state "Läuft auch" as in_progress_2' in lines
    assert "    s_default --> in_progress : go" in lines
    assert "    in_progress --> in_progress_2 : on" in lines


# ---------------------------------------------------------------------------
# HTML and SVG
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def inside(self, outer: Box) -> bool:
        return (
            outer.x <= self.x
            and outer.y <= self.y
            and self.x + self.w <= outer.x + outer.w
            and self.y + self.h <= outer.y + outer.h
        )

    def strictly_contains(self, point: tuple[float, float], margin: float = 1.5) -> bool:
        x, y = point
        return (
            self.x + margin < x < self.x + self.w - margin
            and self.y + margin < y < self.y + self.h - margin
        )


def _svg(page: str) -> ET.Element:
    start, end = page.index("<svg"), page.index("</svg>") + len("</svg>")
    return ET.fromstring(page[start:end])


def _rect(element: ET.Element) -> Box:
    return Box(*(float(element.attrib[k]) for k in ("x", "y", "width", "height")))


def _classes(element: ET.Element) -> set[str]:
    return set(element.attrib.get("class", "").split())


def _state_groups(svg: ET.Element) -> dict[str, ET.Element]:
    groups = [g for g in svg.iter(f"{SVG}g") if "state" in _classes(g)]
    names = [g.attrib["data-state"] for g in groups]
    assert len(names) == len(set(names)), "a state is drawn twice"
    return dict(zip(names, groups, strict=True))


def _boxes(svg: ET.Element) -> dict[str, Box]:
    boxes = {}
    for name, group in _state_groups(svg).items():
        rects = [r for r in group.iter(f"{SVG}rect") if "box" in _classes(r)]
        assert len(rects) == 1, f"state {name} has {len(rects)} boxes"
        boxes[name] = _rect(rects[0])
    return boxes


def _view_box(svg: ET.Element) -> Box:
    return Box(*(float(v) for v in svg.attrib["viewBox"].split()))


def _labels(svg: ET.Element) -> list[tuple[str, Box]]:
    labels = []
    for group in svg.iter(f"{SVG}g"):
        if "edge-label" in _classes(group):
            text = group.find(f"{SVG}text")
            rect = group.find(f"{SVG}rect")
            assert text is not None and rect is not None
            labels.append((text.text or "", _rect(rect)))
    return labels


def _edge_paths(svg: ET.Element) -> list[ET.Element]:
    return [p for p in svg.iter(f"{SVG}path") if "data-trigger" in p.attrib]


def _path_points(d: str) -> Iterator[tuple[float, float]]:
    """Points along an SVG path made of M, L, Q and C commands, a few pixels apart."""
    current = (0.0, 0.0)
    for command, args in re.findall(r"([MLQC])([^MLQC]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command == "M":
            current = points[0]
            continue
        controls = [current, *points]
        for step in range(1, 41):
            yield _bezier(controls, step / 40)
        current = points[-1]


def _straight_pieces(d: str) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight ``L`` pieces of an SVG path."""
    pieces = []
    current = (0.0, 0.0)
    for command, args in re.findall(r"([MLQC])([^MLQC]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        end = (numbers[-2], numbers[-1])
        if command == "L":
            pieces.append((current, end))
        current = end
    return pieces


def _shared_length(
    one: tuple[tuple[float, float], tuple[float, float]],
    other: tuple[tuple[float, float], tuple[float, float]],
) -> float:
    """How long two axis-parallel pieces run on top of each other."""
    for along, across in ((0, 1), (1, 0)):
        points = [*one, *other]
        if max(p[across] for p in points) - min(p[across] for p in points) < 0.5:
            low = max(min(one[0][along], one[1][along]), min(other[0][along], other[1][along]))
            high = min(max(one[0][along], one[1][along]), max(other[0][along], other[1][along]))
            return max(high - low, 0.0)
    return 0.0


def _bezier(controls: list[tuple[float, float]], t: float) -> tuple[float, float]:
    while len(controls) > 1:
        controls = [
            (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in pairwise(controls)
        ]
    return controls[0]


@pytest.mark.parametrize("definition", REAL, ids=_ids(REAL))
def test_html_is_a_standalone_german_page_without_scripts_or_external_resources(
    definition: WorkflowDefinition,
) -> None:
    page = to_html(definition)

    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in page
    assert '<meta charset="utf-8">' in page
    assert f"<h1>{definition.title}</h1>" in page
    assert f"Version {definition.version}" in page
    lowered = page.lower()
    for forbidden in ("<script", "<link", "src=", "@import", "url(http", "href="):
        assert forbidden not in lowered
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_has_one_box_per_state_and_marks_start_and_final_states(
    definition: WorkflowDefinition,
) -> None:
    svg = _svg(to_html(definition))

    groups = _state_groups(svg)
    assert set(_boxes(svg)) == set(definition.states)
    for name, group in groups.items():
        texts = [t.text for t in group.iter(f"{SVG}text")]
        assert texts == [definition.states[name].title]  # the title only, not the key
        inner = [r for r in group.iter(f"{SVG}rect") if "inner" in _classes(r)]
        assert len(inner) == (1 if definition.states[name].final else 0)
        assert ("initial" in _classes(group)) == (name == definition.initial)
    assert len(list(svg.iter(f"{SVG}circle"))) == 1


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_draws_one_labelled_arrow_per_source_and_transition(
    definition: WorkflowDefinition,
) -> None:
    svg = _svg(to_html(definition))

    paths = _edge_paths(svg)
    drawn = Counter(
        (p.attrib["data-from"], p.attrib["data-to"], p.attrib["data-trigger"]) for p in paths
    )
    assert drawn == _edges(definition)
    assert all(p.attrib["marker-end"] == "url(#arrow)" for p in paths)
    assert svg.find(f"{SVG}defs/{SVG}marker[@id='arrow']") is not None
    labels = Counter(text for text, _ in _labels(svg))
    assert labels == Counter(title for (_, _, title) in _titled_edges(definition).elements())


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_view_box_contains_boxes_labels_and_edges(definition: WorkflowDefinition) -> None:
    svg = _svg(to_html(definition))

    view = _view_box(svg)
    for name, box in _boxes(svg).items():
        assert box.inside(view), name
    for text, rect in _labels(svg):
        assert rect.inside(view), text
    for path in _edge_paths(svg):
        for x, y in _path_points(path.attrib["d"]):
            assert view.x <= x <= view.x + view.w and view.y <= y <= view.y + view.h
    assert float(svg.attrib["width"]) == pytest.approx(view.w, abs=1)
    assert float(svg.attrib["height"]) == pytest.approx(view.h, abs=1)


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_boxes_and_labels_do_not_overlap(definition: WorkflowDefinition) -> None:
    svg = _svg(to_html(definition))

    boxes = list(_boxes(svg).items())
    for index, (name, box) in enumerate(boxes):
        for other_name, other in boxes[index + 1 :]:
            assert not box.overlaps(other), f"{name} overlaps {other_name}"
    labels = _labels(svg)
    for text, rect in labels:
        for name, box in boxes:
            assert not rect.overlaps(box), f"label {text} covers state {name}"
    for index, (text, rect) in enumerate(labels):
        for other_text, other in labels[index + 1 :]:
            assert not rect.overlaps(other), f"labels {text} and {other_text} overlap"


@pytest.mark.parametrize("definition", REAL, ids=_ids(REAL))
def test_svg_labels_do_not_hide_other_edges(definition: WorkflowDefinition) -> None:
    svg = _svg(to_html(definition))

    for text, rect in _labels(svg):
        for path in _edge_paths(svg):
            if _title_of(definition, path.attrib["data-trigger"]) == text:
                continue
            for (x1, y1), (x2, y2) in _straight_pieces(path.attrib["d"]):
                piece = Box(min(x1, x2), min(y1, y2), abs(x2 - x1) + 0.1, abs(y2 - y1) + 0.1)
                assert not rect.overlaps(piece), f"{text} hides {path.attrib['data-trigger']}"


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_edges_never_run_through_a_box(definition: WorkflowDefinition) -> None:
    svg = _svg(to_html(definition))

    boxes = _boxes(svg)
    for path in _edge_paths(svg):
        for point in _path_points(path.attrib["d"]):
            inside = [name for name, box in boxes.items() if box.strictly_contains(point)]
            assert not inside, f"{path.attrib['data-trigger']} runs through {inside}"


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_never_draws_two_edges_on_top_of_each_other(definition: WorkflowDefinition) -> None:
    svg = _svg(to_html(definition))

    shapes = [path.attrib["d"] for path in _edge_paths(svg)]
    starts = [shape.split()[0] for shape in shapes]
    assert len(set(shapes)) == len(shapes)
    assert len(set(starts)) == len(starts), "two edges leave from the same point"


@pytest.mark.parametrize("definition", ALL, ids=_ids(ALL))
def test_svg_edges_of_different_transitions_never_share_a_line(
    definition: WorkflowDefinition,
) -> None:
    """Only the sources of one transition may merge into one line (like a bus)."""
    svg = _svg(to_html(definition))

    edges = [
        ((p.attrib["data-trigger"], p.attrib["data-to"]), _straight_pieces(p.attrib["d"]))
        for p in _edge_paths(svg)
    ]
    for index, (transition, pieces) in enumerate(edges):
        for other_transition, other_pieces in edges[index + 1 :]:
            if transition == other_transition:
                continue
            shared = max((_shared_length(a, b) for a in pieces for b in other_pieces), default=0.0)
            assert shared < 2, f"{transition} and {other_transition} share a line"


def test_svg_recommendation_layers_states_by_distance_from_the_start() -> None:
    recommendation = next(d for d in REAL if d.name == "recommendation")

    boxes = _boxes(_svg(to_html(recommendation)))

    rows = Counter(box.y for box in boxes.values())
    assert boxes["draft"].y < boxes["adopted_by_group"].y == boxes["withdrawn"].y
    assert boxes["kreistag_agenda"].y < boxes["deferred"].y == boxes["adopted"].y
    assert boxes["done"].y == max(rows)
    assert len(rows) == 10


def test_svg_boxes_are_wide_enough_for_their_titles() -> None:
    recommendation = next(d for d in REAL if d.name == "recommendation")

    boxes = _boxes(_svg(to_html(recommendation)))

    for name, box in boxes.items():
        assert box.w >= len(recommendation.states[name].title) * 7.5


def test_html_legend_lists_every_transition_with_its_details() -> None:
    recommendation = next(d for d in REAL if d.name == "recommendation")

    page = to_html(recommendation)

    legend = page[page.index("<tbody>") : page.index("</tbody>")]
    rows = legend.split("<tr>")[1:]
    assert len(rows) == len(recommendation.transitions)
    withdraw = next(row for row in rows if "<code>withdraw</code>" in row)
    assert "Zurückziehen" in withdraw
    assert withdraw.count("<br>") == 6  # seven sources
    assert "Zurückgezogen (<code>withdrawn</code>)" in withdraw
    refer = next(row for row in rows if "refer_<wbr>to_<wbr>kreistag" in row)
    assert "has_<wbr>commission_<wbr>statement" in refer


# ---------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------

NASTY = '<script>alert("x")</script> & Co: #1; "Zitat"'


def _nasty() -> WorkflowDefinition:
    return _definition(
        [StateSpec("start", NASTY), StateSpec("end_state", "A & B", final=True)],
        [TransitionSpec("go", ("start",), "end_state", NASTY, guards=("<b>",))],
        title=NASTY,
    )


def test_mermaid_escapes_markup_quotes_and_ampersands() -> None:
    text = to_mermaid(_nasty())

    assert "<" not in text and ">" not in text.replace("-->", "")
    assert "&" not in text
    assert (
        '    state "#lt;script#gt;alert(#quot;x#quot;)#lt;/script#gt; #amp; Co: #35;1; '
        '#quot;Zitat#quot;" as start'
    ) in text.splitlines()
    assert '    state "A #amp; B" as end_state' in text.splitlines()
    heading = text.splitlines()[1]
    assert heading.startswith("    %% #lt;script#gt;") and ":" not in heading


def test_html_escapes_titles_everywhere() -> None:
    page = to_html(_nasty())

    assert "<script" not in page.lower()
    assert "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert "A &amp; B" in page
    svg = _svg(page)
    titles = [t.text for t in svg.iter(f"{SVG}text") if "title" in _classes(t)]
    assert titles == [NASTY, "A & B"]
    heading = svg.find(f"{SVG}title")
    assert heading is not None and NASTY in (heading.text or "")
