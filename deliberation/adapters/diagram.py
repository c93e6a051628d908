"""Pictures of workflow definitions: Mermaid text and a standalone HTML page.

``to_mermaid`` is for wikis and merge requests that render Mermaid. ``to_html``
is for staff: one file with an inline SVG drawing and a table of transitions
that opens offline in any browser. We lay out and draw the SVG ourselves, in
plain Python, because the county's office machines have neither network
access to a CDN (so no Mermaid or other JavaScript renderer) nor Graphviz.

The layout is deliberately simple. States are layered by breadth-first
distance from the start state, so every forward edge joins neighbouring rows
and never crosses a box. All other edges are routed around the boxes: edges
that go back up (or skip rows) run along vertical lanes to the right of the
drawing, edges within one row go straight across to a neighbour or through
the gap above the row. Where a transition has several sources, their edges
share one lane and one arrowhead, like a bus.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from deliberation.domain.workflow import StateSpec, TransitionSpec, WorkflowDefinition

_Point = tuple[float, float]
#: Identifies one attachment point of an edge on a box: (role, number, state).
_Token = tuple[str, int, str]

# ---------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------

# Inside the quotes of ``state "..." as id`` Mermaid's grammar accepts anything
# but a double quote, so a colon may stay; ``#`` would start an entity code.
# Edge labels end at a colon or semicolon. Entity codes (``#quot;``) survive
# Mermaid's parser and are turned back into characters when it renders.
_MERMAID_ESCAPES = {'"': "#quot;", "#": "#35;", "&": "#amp;", "<": "#lt;", ">": "#gt;"}
_MERMAID_LABEL_ESCAPES = {**_MERMAID_ESCAPES, ":": "#58;", ";": "#59;"}
#: Words Mermaid's lexer takes as keywords at the start of a statement.
_MERMAID_KEYWORDS = frozenset({"state", "note", "class", "classdef", "scale", "statediagram"})


def to_mermaid(definition: WorkflowDefinition) -> str:
    """The definition as a Mermaid ``stateDiagram-v2``, one edge per source of a transition."""
    ids = _mermaid_ids(_state_names(definition))
    heading = f"{definition.title} ({definition.name}, Version {definition.version})"
    lines = [
        "stateDiagram-v2",
        f"    %% {_mermaid_text(heading, _MERMAID_LABEL_ESCAPES)}",
        *(
            f'    state "{_mermaid_text(state.title, _MERMAID_ESCAPES)}" as {ids[name]}'
            for name, state in definition.states.items()
        ),
        f"    [*] --> {ids[definition.initial]}",
        *(
            _mermaid_edge(ids[source], ids[t.dest], t.title)
            for t in definition.transitions
            for source in t.sources
        ),
        *(f"    {ids[name]} --> [*]" for name, state in definition.states.items() if state.final),
    ]
    return "\n".join(lines) + "\n"


def _state_names(definition: WorkflowDefinition) -> list[str]:
    """Declared states first, then any name a transition or the start refers to."""
    referred = [definition.initial]
    for t in definition.transitions:
        referred.extend((*t.sources, t.dest))
    return list(dict.fromkeys([*definition.states, *referred]))


def _mermaid_ids(names: Iterable[str]) -> dict[str, str]:
    """Mermaid identifiers: the state names, made safe and unique where they are not."""
    ids: dict[str, str] = {}
    for name in names:
        base = re.sub(r"\W", "_", name) or "state"
        if base.lower() in _MERMAID_KEYWORDS or base.lower().startswith("default"):
            base = f"s_{base}"
        candidate, number = base, 2
        while candidate in ids.values():
            candidate, number = f"{base}_{number}", number + 1
        ids[name] = candidate
    return ids


def _mermaid_edge(source: str, dest: str, title: str) -> str:
    label = _mermaid_text(title, _MERMAID_LABEL_ESCAPES)
    return f"    {source} --> {dest} : {label}" if label else f"    {source} --> {dest}"


def _mermaid_text(text: str, escapes: dict[str, str]) -> str:
    flat = " ".join(text.split())
    return "".join(escapes.get(char, char) for char in flat)


# ---------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------

_TITLE_CHAR = 7.5  # estimated width of a character of a state title (13 px)
_LABEL_CHAR = 6.4  # edge label (11 px)
_BOX_H = 50.0
_BOX_PAD = 14.0
_MIN_BOX_W = 110.0
_H_GAP = 56.0  # between boxes of a row
_V_GAP = 84.0  # between rows
_PITCH = _BOX_H + _V_GAP
_PORT_STEP = 22.0  # between edges leaving or entering the top or bottom of a box
_SIDE_STEP = 20.0  # the same on the right-hand side
_LANE_GAP = 18.0
_CORRIDOR_STEP = 7.0
_LABEL_H = 15.0
_MARGIN = 20.0
_RADIUS = 10.0
_LAST = float("inf")  # sort key: the rightmost attachment on the top or bottom of a box
_START_RISE = 34.0  # from the start dot down to the start state


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def grown(self, by: float) -> _Rect:
        return _Rect(self.x - by, self.y - by, self.w + 2 * by, self.h + 2 * by)

    def overlap(self, other: _Rect) -> float:
        dx = min(self.right, other.right) - max(self.x, other.x)
        dy = min(self.bottom, other.bottom) - max(self.y, other.y)
        return dx * dy if dx > 0 and dy > 0 else 0.0


def _around(centre: _Point, w: float, h: float) -> _Rect:
    return _Rect(centre[0] - w / 2, centre[1] - h / 2, w, h)


def _segment_rect(a: _Point, b: _Point) -> _Rect:
    """A thin rectangle around an axis-parallel segment (an obstacle for labels)."""
    x, y = min(a[0], b[0]), min(a[1], b[1])
    return _Rect(x, y, abs(a[0] - b[0]), abs(a[1] - b[1])).grown(1.5)


def _towards(a: _Point, b: _Point, distance: float) -> _Point:
    length = max(abs(b[0] - a[0]) + abs(b[1] - a[1]), 1e-9)
    return (a[0] + (b[0] - a[0]) * distance / length, a[1] + (b[1] - a[1]) * distance / length)


def _length(a: _Point, b: _Point) -> float:
    return float(abs(b[0] - a[0]) + abs(b[1] - a[1]))


def _bezier(a: _Point, c1: _Point, c2: _Point, b: _Point, t: float) -> _Point:
    u = 1 - t
    weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
    points = (a, c1, c2, b)
    return (
        sum(w * p[0] for w, p in zip(weights, points, strict=True)),
        sum(w * p[1] for w, p in zip(weights, points, strict=True)),
    )


def _fmt(point: _Point) -> str:
    return f"{point[0]:.1f},{point[1]:.1f}"


def _simplified(points: Sequence[_Point]) -> list[_Point]:
    """Without repeated points and without middle points of straight runs."""
    kept: list[_Point] = []
    for point in points:
        if kept and _length(kept[-1], point) < 0.01:
            continue
        if len(kept) >= 2 and _collinear(kept[-2], kept[-1], point):
            kept.pop()
        kept.append(point)
    return kept


def _collinear(a: _Point, b: _Point, c: _Point) -> bool:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 0.01


def _rounded_path(points: Sequence[_Point]) -> str:
    """An SVG path along axis-parallel ``points`` with rounded corners."""
    parts = [f"M{_fmt(points[0])}"]
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        radius = min(_RADIUS, _length(before, corner) / 2, _length(corner, after) / 2)
        parts.append(f"L{_fmt(_towards(corner, before, radius))}")
        parts.append(f"Q{_fmt(corner)} {_fmt(_towards(corner, after, radius))}")
    parts.append(f"L{_fmt(points[-1])}")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Layout: layers, rows, boxes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    """One arrow: a transition seen from one of its sources."""

    key: int  # position among all edges
    number: int  # position of the transition in the definition
    trigger: str
    source: str
    dest: str
    label: str  # the step's German title, as the arrow is labelled


@dataclass(frozen=True)
class _Grid:
    layer: dict[str, int]
    rows: list[list[str]]
    boxes: dict[str, _Rect]

    def column(self, state: str) -> int:
        return self.rows[self.layer[state]].index(state)

    def is_rightmost(self, state: str) -> bool:
        return self.rows[self.layer[state]][-1] == state


def _layers(definition: WorkflowDefinition) -> dict[str, int]:
    """Breadth-first distance from the start; unreachable states go below the rest."""
    layer = {definition.initial: 0} if definition.initial in definition.states else {}
    queue = deque(layer)
    while queue:
        current = queue.popleft()
        for t in definition.transitions_from(current):
            if t.dest in definition.states and t.dest not in layer:
                layer[t.dest] = layer[current] + 1
                queue.append(t.dest)
    below = max(layer.values(), default=-1) + 1
    for name in definition.states:
        layer.setdefault(name, below)
    return layer


def _edges(definition: WorkflowDefinition) -> list[_Edge]:
    pairs = [
        (number, t, source)
        for number, t in enumerate(definition.transitions)
        for source in dict.fromkeys(t.sources)
        if source in definition.states and t.dest in definition.states
    ]
    return [
        _Edge(key, number, t.trigger, source, t.dest, t.title)
        for key, (number, t, source) in enumerate(pairs)
    ]


def _is_forward(edge: _Edge, layer: dict[str, int]) -> bool:
    return layer[edge.dest] == layer[edge.source] + 1


def _needs_lane(edge: _Edge, layer: dict[str, int]) -> bool:
    step = layer[edge.dest] - layer[edge.source]
    return edge.source != edge.dest and step not in (0, 1)


def _rows(layer: dict[str, int], edges: Sequence[_Edge]) -> list[list[str]]:
    """States per layer, ordered to reduce crossings; lane users at the right end."""
    rows: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for name, index in layer.items():
        rows[index].append(name)
    down = [(e.source, e.dest) for e in edges if _is_forward(e, layer)]
    up = [(dest, source) for source, dest in down]
    for _ in range(3):
        for index in range(1, len(rows)):
            rows[index] = _by_barycentre(rows[index], rows[index - 1], up)
        for index in range(len(rows) - 2, -1, -1):
            rows[index] = _by_barycentre(rows[index], rows[index + 1], down)
    on_lane = {name for e in edges if _needs_lane(e, layer) for name in (e.source, e.dest)}
    return [sorted(row, key=lambda name: name in on_lane) for row in rows]


def _centred_positions(row: Sequence[str]) -> dict[str, float]:
    return {name: index - (len(row) - 1) / 2 for index, name in enumerate(row)}


def _by_barycentre(row: list[str], fixed: list[str], links: list[tuple[str, str]]) -> list[str]:
    """``row`` sorted by the mean position of each state's neighbours in ``fixed``."""
    there, here = _centred_positions(fixed), _centred_positions(row)

    def key(name: str) -> float:
        near = [there[other] for own, other in links if own == name and other in there]
        return sum(near) / len(near) if near else here[name]

    return sorted(row, key=key)


def _label_width(text: str) -> float:
    return len(text) * _LABEL_CHAR + 10


def _box_width(state: StateSpec) -> float:
    return max(_MIN_BOX_W, len(state.title) * _TITLE_CHAR + 2 * _BOX_PAD)


def _row_gaps(edges: Sequence[_Edge], layer: dict[str, int]) -> dict[frozenset[str], float]:
    """Wider gaps between neighbours joined by an edge, so its label fits between them."""
    gaps: dict[frozenset[str], float] = {}
    for e in edges:
        if e.source != e.dest and layer[e.source] == layer[e.dest]:
            pair = frozenset((e.source, e.dest))
            gaps[pair] = max(gaps.get(pair, _H_GAP), _label_width(e.label) + 36)
    return gaps


def _grid(definition: WorkflowDefinition, edges: Sequence[_Edge]) -> _Grid:
    layer = _layers(definition)
    rows = _rows(layer, edges)
    gaps = _row_gaps(edges, layer)
    boxes: dict[str, _Rect] = {}
    for index, row in enumerate(rows):
        widths = [_box_width(definition.states[name]) for name in row]
        spaces = [gaps.get(frozenset(pair), _H_GAP) for pair in pairwise(row)]
        x = -(sum(widths) + sum(spaces)) / 2
        for name, width, space in zip(row, widths, [*spaces, 0.0], strict=True):
            boxes[name] = _Rect(x, index * _PITCH, width, _BOX_H)
            x += width + space
    return _Grid(layer, rows, boxes)


# ---------------------------------------------------------------------------
# Routing edges
# ---------------------------------------------------------------------------


@dataclass
class _Route:
    edge: _Edge
    path: str
    points: list[_Point]  # every point the path passes or bends towards
    candidates: list[_Point]  # where its label may go, best first
    segments: list[tuple[_Point, _Point]]  # axis-parallel pieces other labels avoid


@dataclass
class _Bundle:
    """The lane-routed edges of one transition: they share a lane and an arrowhead."""

    number: int
    dest: str
    sources: list[str]
    top: float
    bottom: float
    lane: int = 0


class _Ports:
    """Collects where edges attach to boxes, then spreads them along each side."""

    def __init__(self) -> None:
        self._asked: dict[tuple[str, str], list[tuple[tuple[float, float], _Token]]]
        self._asked = defaultdict(list)

    def ask(self, state: str, side: str, key: tuple[float, float], token: _Token) -> None:
        self._asked[(state, side)].append((key, token))

    def assign(self, boxes: dict[str, _Rect]) -> dict[_Token, _Point]:
        where: dict[_Token, _Point] = {}
        for (state, side), asked in self._asked.items():
            tokens = [token for _, token in sorted(asked)]
            where.update(zip(tokens, _spread(boxes[state], side, len(tokens)), strict=True))
        return where


def _spread(box: _Rect, side: str, count: int) -> list[_Point]:
    if side == "right":
        step = min(_SIDE_STEP, (box.h - 10) / max(count - 1, 1))
        return [(box.right, box.cy + (i - (count - 1) / 2) * step) for i in range(count)]
    step = min(_PORT_STEP, (box.w - 24) / max(count - 1, 1))
    y = box.y if side == "top" else box.bottom
    return [(box.cx + (i - (count - 1) / 2) * step, y) for i in range(count)]


def _bundles(edges: Iterable[_Edge], boxes: dict[str, _Rect]) -> dict[int, _Bundle]:
    grouped: dict[int, list[_Edge]] = defaultdict(list)
    for e in edges:
        grouped[e.number].append(e)
    bundles: dict[int, _Bundle] = {}
    for number, members in grouped.items():
        dest = members[0].dest
        ys = [boxes[e.source].cy for e in members] + [boxes[dest].cy]
        bundles[number] = _Bundle(number, dest, [e.source for e in members], min(ys), max(ys))
    _assign_lanes(list(bundles.values()))
    return bundles


def _assign_lanes(bundles: list[_Bundle]) -> None:
    """Short bundles on inner lanes; bundles overlapping in height get different lanes."""
    lanes: list[list[_Bundle]] = []
    for bundle in sorted(bundles, key=lambda b: (b.bottom - b.top, b.number)):
        free = (
            index
            for index, lane in enumerate(lanes)
            if all(bundle.top > o.bottom + 1 or bundle.bottom < o.top - 1 for o in lane)
        )
        bundle.lane = next(free, len(lanes))
        if bundle.lane == len(lanes):
            lanes.append([])
        lanes[bundle.lane].append(bundle)


class _Router:
    """Turns edges into SVG paths that avoid the boxes of ``grid``."""

    def __init__(self, grid: _Grid, edges: Sequence[_Edge]) -> None:
        self.grid = grid
        self.edges = edges
        self.ports = _Ports()
        self.corridor: dict[_Token, float] = {}
        self.corridors_used: Counter[tuple[int, bool]] = Counter()
        lane_edges = [e for e in edges if self.kind(e) == "lane"]
        self.bundles = _bundles(lane_edges, grid.boxes)
        widest = max((_label_width(e.label) for e in lane_edges), default=0.0)
        self.lane_x0 = max(b.right for b in grid.boxes.values()) + max(48.0, widest + 40)
        self.across = self._across_heights()

    def kind(self, edge: _Edge) -> str:
        layer = self.grid.layer
        if edge.source == edge.dest:
            return "loop"
        if _is_forward(edge, layer):
            return "forward"
        if layer[edge.source] != layer[edge.dest]:
            return "lane"
        step = abs(self.grid.column(edge.source) - self.grid.column(edge.dest))
        return "across" if step == 1 else "arc"

    def routes(self) -> list[_Route]:
        for edge in self.edges:
            self._ask(edge)
        for bundle in self.bundles.values():
            self._ask_lane(bundle, bundle.dest, self._dest_goes_up(bundle))
        where = self.ports.assign(self.grid.boxes)
        return [self._route(edge, where) for edge in self.edges]

    # -- asking for attachment points ------------------------------------

    def _ask(self, edge: _Edge) -> None:
        boxes, kind = self.grid.boxes, self.kind(edge)
        source, dest = boxes[edge.source], boxes[edge.dest]
        if kind == "forward":
            self.ports.ask(edge.source, "bottom", (dest.cx, edge.key), ("src", edge.key, ""))
            self.ports.ask(edge.dest, "top", (source.cx, edge.key), ("dst", edge.key, ""))
        elif kind == "arc":
            self.ports.ask(edge.source, "top", (dest.cx, edge.key), ("src", edge.key, ""))
            self.ports.ask(edge.dest, "top", (source.cx, edge.key), ("dst", edge.key, ""))
            self.corridor[("arc", edge.key, "")] = self._take_corridor(edge.source, above=True)
        elif kind == "lane":
            up = dest.cy < source.cy
            self._ask_lane(self.bundles[edge.number], edge.source, up)
        elif kind == "loop":
            self.ports.ask(edge.source, "bottom", (_LAST, _LAST), ("src", edge.key, ""))
            self.ports.ask(edge.source, "bottom", (_LAST, _LAST), ("dst", edge.key, ""))

    def _ask_lane(self, bundle: _Bundle, state: str, up: bool) -> None:
        token = ("lane", bundle.number, state)
        if self.grid.is_rightmost(state):
            key = (0.0, float(bundle.lane)) if up else (1.0, float(-bundle.lane))
            self.ports.ask(state, "right", key, token)
            return
        self.ports.ask(state, "top" if up else "bottom", (_LAST, bundle.lane), token)
        self.corridor[token] = self._take_corridor(state, above=up)

    def _dest_goes_up(self, bundle: _Bundle) -> bool:
        y = self.grid.boxes[bundle.dest].cy
        return y - bundle.top > bundle.bottom - y

    def _take_corridor(self, state: str, above: bool) -> float:
        layer = self.grid.layer[state]
        used = self.corridors_used[(layer, above)]
        self.corridors_used[(layer, above)] += 1
        offset = 14 + used * _CORRIDOR_STEP
        return layer * _PITCH - offset if above else layer * _PITCH + _BOX_H + offset

    def _across_heights(self) -> dict[int, float]:
        """Heights of edges between neighbours in a row, spread around the middle."""
        pairs: dict[frozenset[str], list[_Edge]] = defaultdict(list)
        for e in self.edges:
            if self.kind(e) == "across":
                pairs[frozenset((e.source, e.dest))].append(e)
        heights: dict[int, float] = {}
        for members in pairs.values():
            members.sort(key=lambda e: (self.grid.column(e.source), e.key))
            middle = self.grid.boxes[members[0].source].cy
            for index, e in enumerate(members):
                heights[e.key] = middle + (index - (len(members) - 1) / 2) * 14
        return heights

    # -- building paths ----------------------------------------------------

    def _route(self, edge: _Edge, where: dict[_Token, _Point]) -> _Route:
        kind = self.kind(edge)
        if kind == "forward":
            return _curve(edge, where[("src", edge.key, "")], where[("dst", edge.key, "")])
        if kind == "lane":
            bundle = self.bundles[edge.number]
            points = self._attach(bundle, edge.source, where)
            points += reversed(self._attach(bundle, edge.dest, where))
            return _polyline(edge, points, _first_horizontal)
        if kind == "arc":
            return _polyline(edge, self._arc_points(edge, where), _middle_horizontal)
        if kind == "across":
            return _polyline(edge, self._across_points(edge), _middle_horizontal)
        start, end = where[("src", edge.key, "")], where[("dst", edge.key, "")]
        return _polyline(edge, _loop_points(start, end), _loop_side)

    def _attach(self, bundle: _Bundle, state: str, where: dict[_Token, _Point]) -> list[_Point]:
        """From the box of ``state`` to the lane of ``bundle``."""
        token = ("lane", bundle.number, state)
        port = where[token]
        lane_x = self.lane_x0 + bundle.lane * _LANE_GAP
        if token not in self.corridor:
            return [port, (lane_x, port[1])]
        y = self.corridor[token]
        return [port, (port[0], y), (lane_x, y)]

    def _arc_points(self, edge: _Edge, where: dict[_Token, _Point]) -> list[_Point]:
        start, end = where[("src", edge.key, "")], where[("dst", edge.key, "")]
        y = self.corridor[("arc", edge.key, "")]
        return [start, (start[0], y), (end[0], y), end]

    def _across_points(self, edge: _Edge) -> list[_Point]:
        source, dest = self.grid.boxes[edge.source], self.grid.boxes[edge.dest]
        y = self.across[edge.key]
        if source.x < dest.x:
            return [(source.right, y), (dest.x, y)]
        return [(source.x, y), (dest.right, y)]


def _loop_points(start: _Point, end: _Point) -> list[_Point]:
    """A small U below the box: out of its bottom and back in."""
    below = start[1] + 18
    return [start, (start[0], below), (end[0], below), end]


def _curve(edge: _Edge, start: _Point, end: _Point) -> _Route:
    """A forward edge: an S-curve leaving downwards and arriving from above."""
    bend = (end[1] - start[1]) / 2
    c1, c2 = (start[0], start[1] + bend), (end[0], end[1] - bend)
    path = f"M{_fmt(start)} C{_fmt(c1)} {_fmt(c2)} {_fmt(end)}"
    spots = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)
    candidates = [_bezier(start, c1, c2, end, t) for t in spots]
    return _Route(edge, path, [start, c1, c2, end], candidates, [])


_Spots = Callable[[list[_Point], float], list[_Point]]


def _polyline(edge: _Edge, points: list[_Point], spots: _Spots) -> _Route:
    points = _simplified(points)
    segments = list(pairwise(points))
    candidates = spots(points, _label_width(edge.label))
    return _Route(edge, _rounded_path(points), points, candidates, segments)


def _horizontals(points: list[_Point]) -> list[tuple[_Point, _Point]]:
    return [(a, b) for a, b in pairwise(points) if abs(a[1] - b[1]) < 0.01 and abs(a[0] - b[0]) > 1]


def _first_horizontal(points: list[_Point], width: float) -> list[_Point]:
    """Close to where the edge leaves its source, stepping towards the lane."""
    flat = _horizontals(points)
    if not flat:
        return [_midpoint(points[0], points[-1])]
    a, b = flat[0]
    direction = 1 if b[0] > a[0] else -1
    room = abs(b[0] - a[0]) - width - 16
    steps = range(int(max(room, 0) // 16) + 1)
    return [(a[0] + direction * (10 + width / 2 + 16 * step), a[1]) for step in steps]


def _middle_horizontal(points: list[_Point], width: float) -> list[_Point]:
    """On the longest horizontal piece, from its middle outwards."""
    flat = _horizontals(points)
    if not flat:
        return [_midpoint(points[0], points[-1])]
    a, b = max(flat, key=lambda ab: _length(*ab))
    middle = _midpoint(a, b)
    room = max(abs(b[0] - a[0]) - width, 0) / 2
    offsets = (0.0, -room / 2, room / 2, -room, room)
    return [(middle[0] + offset, middle[1]) for offset in offsets]


def _loop_side(points: list[_Point], width: float) -> list[_Point]:
    """Beside the U of a loop, to the right first."""
    left, right = min(p[0] for p in points), max(p[0] for p in points)
    y = points[1][1] - 4
    return [(right + 6 + width / 2, y), (left - 6 - width / 2, y)]


def _midpoint(a: _Point, b: _Point) -> _Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


# ---------------------------------------------------------------------------
# Labels and the whole picture
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Label:
    text: str
    rect: _Rect


@dataclass(frozen=True)
class _Diagram:
    grid: _Grid
    start: _Point  # centre of the start dot
    routes: list[_Route]
    labels: list[_Label]
    view: _Rect


def _layout(definition: WorkflowDefinition) -> _Diagram:
    edges = _edges(definition)
    grid = _grid(definition, edges)
    routes = _Router(grid, edges).routes()
    labels = _labels(routes, grid.boxes)
    first = grid.boxes[definition.initial]
    start = (first.cx, first.y - _START_RISE)
    return _Diagram(grid, start, routes, labels, _view(grid, start, routes, labels))


def _labels(routes: Sequence[_Route], boxes: dict[str, _Rect]) -> list[_Label]:
    """One label per edge, placed where it covers no box, label or other edge's piece."""
    fixed = [box.grown(4) for box in boxes.values()]
    placed: list[_Rect] = []
    labels: list[_Label] = []
    for route in routes:
        pieces = [_segment_rect(a, b) for r in routes if r is not route for a, b in r.segments]
        rect = _best_spot(route, [*fixed, *pieces, *placed])
        placed.append(rect.grown(2))
        labels.append(_Label(route.edge.label, rect))
    return labels


def _best_spot(route: _Route, obstacles: Sequence[_Rect]) -> _Rect:
    """The first candidate that touches nothing, else the one touching least."""
    width, shift = _label_width(route.edge.label), _LABEL_H / 2 + 3
    centres = [
        *route.candidates,
        *((x, y - shift) for x, y in route.candidates),
        *((x, y + shift) for x, y in route.candidates),
    ]
    options = [_around(centre, width, _LABEL_H) for centre in centres]
    best, least = options[0], float("inf")
    for option in options:
        touched = sum(option.overlap(o) for o in obstacles)
        if not touched:
            return option
        if touched < least:
            best, least = option, touched
    return best


def _view(grid: _Grid, start: _Point, routes: Sequence[_Route], labels: Sequence[_Label]) -> _Rect:
    """The viewBox: everything drawn, plus a margin."""
    rects = [*grid.boxes.values(), *(label.rect for label in labels), _around(start, 16, 16)]
    xs = [x for r in rects for x in (r.x, r.right)] + [p[0] for r in routes for p in r.points]
    ys = [y for r in rects for y in (r.y, r.bottom)] + [p[1] for r in routes for p in r.points]
    left, top = min(xs) - _MARGIN, min(ys) - _MARGIN
    return _Rect(left, top, max(xs) + _MARGIN - left, max(ys) + _MARGIN - top)


# ---------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------

_FONT = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
_SVG_CSS = f"""
.box {{ fill: #eef4fb; stroke: #3b6ea5; stroke-width: 1.5; }}
.initial .box {{ stroke-width: 2.5; }}
.final .box {{ fill: #f3f3f3; stroke: #444; }}
.final .inner {{ fill: none; stroke: #444; stroke-width: 1.2; }}
.title {{ font-family: {_FONT}; font-size: 13px; fill: #1a1a1a; text-anchor: middle; }}
.edge {{ fill: none; stroke: #555; stroke-width: 1.4; }}
.start {{ fill: #222; stroke: #222; stroke-width: 1.4; }}
.arrowhead {{ fill: #555; }}
.edge-label rect {{ fill: #fff; fill-opacity: 0.94; }}
.edge-label text {{ font-family: {_FONT}; font-size: 11px; fill: #333; text-anchor: middle; }}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}"


def _svg(definition: WorkflowDefinition, diagram: _Diagram) -> str:
    view = diagram.view
    heading = f"Zustandsdiagramm: {definition.title} ({definition.name}, V. {definition.version})"
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="diagram-title" '
            f'viewBox="{_num(view.x)} {_num(view.y)} {_num(view.w)} {_num(view.h)}" '
            f'width="{view.w:.0f}" height="{view.h:.0f}">',
            f'<title id="diagram-title">{_e(heading)}</title>',
            f"<style>{_SVG_CSS}</style>",
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
            'markerHeight="8" orient="auto-start-reverse">'
            '<path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
            *(_svg_edge(route) for route in diagram.routes),
            _svg_start(diagram.start, diagram.grid.boxes[definition.initial]),
            *(
                _svg_state(state, diagram.grid.boxes[name], name == definition.initial)
                for name, state in definition.states.items()
            ),
            *(_svg_label(label) for label in diagram.labels),
            "</svg>",
        ]
    )


def _svg_edge(route: _Route) -> str:
    e = route.edge
    return (
        f'<path class="edge" data-trigger="{_e(e.trigger)}" data-from="{_e(e.source)}" '
        f'data-to="{_e(e.dest)}" d="{route.path}" marker-end="url(#arrow)"/>'
    )


def _svg_start(centre: _Point, first: _Rect) -> str:
    x, y = centre
    return (
        f'<g class="start"><circle cx="{_num(x)}" cy="{_num(y)}" r="7"/>'
        f'<path class="edge" d="M{_num(x)},{_num(y + 7)} L{_num(first.cx)},{_num(first.y)}" '
        f'marker-end="url(#arrow)"/></g>'
    )


def _svg_state(state: StateSpec, box: _Rect, initial: bool) -> str:
    kinds = "state" + (" initial" if initial else "") + (" final" if state.final else "")
    inner = box.grown(-4)
    return "".join(
        [
            f'<g class="{kinds}" data-state="{_e(state.name)}">',
            f'<rect class="box" x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" '
            f'height="{_num(box.h)}" rx="9"/>',
            f'<rect class="inner" x="{_num(inner.x)}" y="{_num(inner.y)}" '
            f'width="{_num(inner.w)}" height="{_num(inner.h)}" rx="6"/>'
            if state.final
            else "",
            _svg_text("title", box.cx, box.cy + 5, state.title),
            "</g>",
        ]
    )


def _svg_text(kind: str, x: float, y: float, text: str) -> str:
    return f'<text class="{kind}" x="{_num(x)}" y="{_num(y)}">{_e(text)}</text>'


def _svg_label(label: _Label) -> str:
    r = label.rect
    return (
        f'<g class="edge-label"><rect x="{_num(r.x)}" y="{_num(r.y)}" width="{_num(r.w)}" '
        f'height="{_num(r.h)}" rx="3"/><text x="{_num(r.cx)}" y="{_num(r.y + 11.5)}">'
        f"{_e(label.text)}</text></g>"
    )


# ---------------------------------------------------------------------------
# HTML page
# ---------------------------------------------------------------------------

_PAGE_CSS = f"""
body {{ font-family: {_FONT}; color: #1a1a1a; margin: 2rem; }}
h1 {{ margin-bottom: 0.2rem; }}
.meta, figcaption {{ color: #555; }}
figure {{ margin: 1.5rem 0; }}
figure svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.92rem; }}
th, td {{ border: 1px solid #c8c8c8; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }}
th {{ background: #eef1f5; }}
@media print {{ body {{ margin: 1cm; }} tr {{ break-inside: avoid; }} }}
"""

_LEGEND_HEAD = (
    "Auslöser",
    "Bezeichnung",
    "von",
    "nach",
    "Bedingungen (Guards)",
    "Aktionen",
    "versendete Vorlagen",
)


def to_html(definition: WorkflowDefinition) -> str:
    """A standalone HTML page: the state diagram as inline SVG and a table of transitions.

    ``definition`` must be sound (as ``load_workflows`` returns it): the drawing
    starts from its start state.
    """
    heading = f"{definition.title} – Workflow {definition.name}, Version {definition.version}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="de">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(heading)}</title>",
            f"<style>{_PAGE_CSS}</style>",
            "</head>",
            "<body>",
            _page_header(definition),
            "<figure>",
            state_diagram_svg(definition),
            "<figcaption>Der schwarze Punkt zeigt auf den Startzustand, doppelt umrandete "
            "Kästen sind Endzustände. Jeder Pfeil ist mit seinem Auslöser beschriftet; die "
            "Tabelle erklärt die Auslöser.</figcaption>",
            "</figure>",
            _legend(definition),
            "</body>",
            "</html>",
            "",
        ]
    )


def state_diagram_svg(definition: WorkflowDefinition) -> str:
    """The state diagram alone, a standalone SVG document (also served as an image)."""
    return _svg(definition, _layout(definition))


def _page_header(definition: WorkflowDefinition) -> str:
    facts = [
        f"Workflow <code>{_e(definition.name)}</code>",
        f"Version {definition.version}",
        f"Datensätze vom Typ <code>{_e(definition.subject.value)}</code>",
    ]
    if definition.source:
        facts.append(f"Datei <code>{_e(definition.source)}</code>")
    return f'<h1>{_e(definition.title)}</h1>\n<p class="meta">{" · ".join(facts)}</p>'


def _legend(definition: WorkflowDefinition) -> str:
    head = "".join(f"<th>{_e(title)}</th>" for title in _LEGEND_HEAD)
    rows = "\n".join(_legend_row(definition, t) for t in definition.transitions)
    return (
        "<h2>Übergänge</h2>\n<table>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _legend_row(definition: WorkflowDefinition, t: TransitionSpec) -> str:
    cells = [
        _code(t.trigger),
        _e(t.title),
        "<br>".join(_state_ref(definition, source) for source in t.sources),
        _state_ref(definition, t.dest),
        _code_list(t.guards),
        _code_list(t.actions),
        _code_list(t.send),
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _state_ref(definition: WorkflowDefinition, name: str) -> str:
    state = definition.states.get(name)
    return f"{_e(state.title)} ({_code(name)})" if state else _code(name)


def _code(name: str) -> str:
    """``name`` as code, breakable after ``_`` and ``/`` so narrow table columns still fit."""
    breakable = re.sub(r"([_/])", r"\1<wbr>", _e(name))
    return f"<code>{breakable}</code>"


def _code_list(names: Sequence[str]) -> str:
    return "<br>".join(_code(name) for name in names) or "–"
