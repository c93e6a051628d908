"""Settings declared once: each key of a TOML table is a dataclass field.

``setting(default, help=..., ...)`` declares one key: its type is the field's
annotation, its default the first argument (none: the key is required), and
its help text says what it means. ``read_table(cls, section, reading)`` reads
a table into ``cls`` and derives every check from the declarations: unknown
keys (listing the allowed ones), missing required keys, the type, bounds and
choices, each with a German message naming the file and the dotted key.

Types the loader understands by themselves: ``str`` (empty only where the
default is ``""``), ``int``, ``bool``, ``datetime.time`` (written "HH:MM"),
``datetime.date``, ``Path`` (relative to the config file's folder),
``tuple[str, ...]``, ``tuple[int, ...]``, ``X | None``, a declared dataclass
(a sub-table) and ``tuple[<declared dataclass>, ...]`` (an array of tables,
``[[...]]``; entries with a ``key`` field must have distinct keys). Anything
else gets a ``read=`` function.

A declared class may define ``checked(self, section, reading) -> Self`` for
rules that span several of its keys (or that need the environment); it runs
once the fields are read and returns the finished value.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from deliberation.toml_files import Section

T = TypeVar("T")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass
class Reading:
    """What reading needs beyond the table: the config's folder, the environment, and
    the values already read from the current table (in declaration order)."""

    base: Path
    environ: Mapping[str, str]
    values: dict[str, Any] = field(default_factory=dict)

    def inside(self) -> Reading:
        return Reading(self.base, self.environ)


Reader = Callable[[Section, str, Reading], Any]


@dataclass(frozen=True)
class Spec:
    """The declaration of one key (kept in the field's metadata)."""

    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None
    normalise: Callable[[Any], Any] | None = None
    expected: str = ""
    read: Reader | None = None
    key: str = ""
    derived: bool = False
    entries: type | None = None


def setting(
    default: Any = REQUIRED,
    *,
    help: str,
    minimum: int | None = None,
    maximum: int | None = None,
    choices: tuple[str, ...] = (),
    check: Callable[[Any], str | None] | None = None,
    normalise: Callable[[Any], Any] | None = None,
    expected: str = "",
    read: Reader | None = None,
    key: str = "",
    entries: type | None = None,
) -> Any:
    """Declare a key. ``check`` returns a German complaint about a value, or ``None``;
    ``normalise`` tidies an accepted value; ``expected`` names the kind of value in the
    type error of a list (e.g. "eine Liste von Monatszahlen"); ``key`` is the key in the
    file where it differs from the field's name; ``entries`` is the declared class of the
    tables a ``read=`` function reads (for ``describe``)."""
    spec = Spec(
        help, minimum, maximum, choices, check, normalise, expected, read, key, entries=entries
    )
    return _field(default, spec)


def derived(default: Any, *, help: str) -> Any:
    """A field that is not a key of the file: filled in by a ``checked`` hook or the loader."""
    return _field(default, Spec(help, derived=True))


def _field(default: Any, spec: Spec) -> Any:
    metadata = {"setting": spec}
    if default is REQUIRED:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Declared:
    """One declared field: attribute name, key in the file, type, default and declaration."""

    name: str
    key: str
    kind: Any
    default: Any
    spec: Spec

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def declarations(cls: type) -> list[Declared]:
    """The declared fields of ``cls`` in declaration order (derived ones included)."""
    hints = typing.get_type_hints(cls, localns={})
    result = []
    for f in fields(cls):
        spec = f.metadata.get("setting")
        if spec is None:
            raise TypeError(f"{cls.__name__}.{f.name} is not declared with setting()")
        default = REQUIRED if f.default is MISSING else f.default
        result.append(Declared(f.name, spec.key or f.name, hints[f.name], default, spec))
    return result


def read_table(
    cls: type[T], section: Section, reading: Reading, given: Mapping[str, Any] | None = None
) -> T:
    """Read ``section`` into ``cls``; ``given`` fills derived fields (e.g. a table's name)."""
    declared = declarations(cls)
    section.only(d.key for d in declared if not d.spec.derived)
    values: dict[str, Any] = dict(given or {})
    reading.values = values
    for d in declared:
        if not d.spec.derived:
            values[d.name] = _read(section, d, reading)
    try:
        instance = cls(**values)
    except Exception as exc:
        setting_name = getattr(exc, "setting", "")
        if not setting_name:
            raise
        raise section.fail(_key_of(declared, setting_name), str(exc)) from None
    checked = getattr(instance, "checked", None)
    return instance if checked is None else typing.cast(T, checked(section, reading))


def _key_of(declared: list[Declared], name: str) -> str:
    return next((d.key for d in declared if d.name == name), name)


def _read(section: Section, d: Declared, reading: Reading) -> Any:
    if d.spec.read is not None:
        return d.spec.read(section, d.key, reading)
    value = _value(section, d, reading)
    if d.spec.check is not None and d.key in section.data:
        complaint = d.spec.check(value)
        if complaint:
            raise section.fail(d.key, complaint)
    return value if d.spec.normalise is None else d.spec.normalise(value)


def _value(section: Section, d: Declared, reading: Reading) -> Any:
    kind = _without_none(d.kind)
    if is_dataclass(kind):
        table = section.table(d.key, default_empty=not d.required)
        return read_table(typing.cast(type, kind), table, reading.inside())
    item = _tuple_item(kind)
    if item is not None and is_dataclass(item):
        return _read_tables(section, d, typing.cast(type, item), reading)
    if d.key not in section.data:
        if d.required:
            raise section.fail(d.key, "fehlt (Pflichtangabe).")
        return reading.base / d.default if kind is Path else d.default
    return _convert(section, d, kind, section.data[d.key], reading)


def _read_tables(section: Section, d: Declared, item: type, reading: Reading) -> Any:
    if d.key not in section.data and not d.required:
        return d.default
    entries: list[Any] = [read_table(item, s, reading.inside()) for s in section.tables(d.key)]
    seen: set[str] = set()
    for entry in entries:
        key = getattr(entry, "key", None)
        if key in seen:
            raise section.fail(d.key, f'der Schlüssel "{key}" kommt doppelt vor.')
        if key is not None:
            seen.add(key)
    return tuple(entries)


def _convert(section: Section, d: Declared, kind: Any, raw: Any, reading: Reading) -> Any:
    key, spec = d.key, d.spec
    if kind is str:
        value = section.optional_text(key) if d.default == "" else section.text(key)
        if spec.choices and value not in spec.choices:
            allowed = ", ".join(spec.choices)
            raise section.fail(key, f'"{value}" ist unbekannt (erlaubt: {allowed}).')
        return value
    if kind is bool:
        return section.flag(key, False)
    if kind is int:
        return _bounded(section, key, section.integer(key, minimum=spec.minimum), spec)
    if kind is Path:
        return reading.base / section.text(key)
    if kind is time:
        return _time(section, key, raw, d.default)
    if kind is date:
        if isinstance(raw, datetime) or not isinstance(raw, date):
            raise section.fail(key, f"muss ein Datum sein (z. B. 2026-07-02), nicht {raw!r}.")
        return raw
    item = _tuple_item(kind)
    if item is str:
        return section.texts(key)
    if item is int:
        return _integers(section, key, raw, spec)
    raise TypeError(f"{key}: no reader for {kind!r}; declare it with read=")


def _bounded(section: Section, key: str, value: int, spec: Spec) -> int:
    if spec.maximum is not None and value > spec.maximum:
        raise section.fail(key, f"darf höchstens {spec.maximum} sein, nicht {value}.")
    return value


def _integers(section: Section, key: str, raw: Any, spec: Spec) -> tuple[int, ...]:
    def fits(n: Any) -> bool:
        return (
            isinstance(n, int)
            and not isinstance(n, bool)
            and (spec.minimum is None or n >= spec.minimum)
            and (spec.maximum is None or n <= spec.maximum)
        )

    if not isinstance(raw, list) or not all(fits(n) for n in raw):
        expected = spec.expected or "eine Liste ganzer Zahlen"
        raise section.fail(key, f"muss {expected} sein, nicht {raw!r}.")
    return tuple(raw)


def _time(section: Section, key: str, raw: Any, default: Any) -> time:
    example = f"{default:%H:%M}" if isinstance(default, time) else "08:00"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw.strip()) if isinstance(raw, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise section.fail(key, f'"{raw}" ist keine Uhrzeit (Format HH:MM, z. B. "{example}").')
    return time(int(match[1]), int(match[2]))


def _without_none(kind: Any) -> Any:
    if isinstance(kind, types.UnionType):
        others = [k for k in typing.get_args(kind) if k is not type(None)]
        if len(others) == 1:
            return others[0]
    return kind


def _tuple_item(kind: Any) -> Any:
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return None


def describe(cls: type, prefix: str = "") -> list[tuple[str, str, str]]:
    """``(dotted key, default, help)`` for every key of ``cls`` and its sub-tables."""
    rows: list[tuple[str, str, str]] = []
    for d in declarations(cls):
        if d.spec.derived:
            continue
        key = f"{prefix}{d.key}"
        kind = _without_none(d.kind)
        rows.append((key, "" if d.required else _shown(d.default), d.spec.help))
        item = _tuple_item(kind)
        if d.spec.entries is not None:
            rows += describe(d.spec.entries, f"{key}[].")
        elif d.spec.read is not None:
            continue
        elif is_dataclass(kind):
            rows += describe(typing.cast(type, kind), f"{key}.")
        elif item is not None and is_dataclass(item):
            rows += describe(typing.cast(type, item), f"{key}[].")
    return rows


def _shown(default: Any) -> str:
    if is_dataclass(default) or default == ():
        return ""
    if isinstance(default, time):
        return f'"{default:%H:%M}"'
    if isinstance(default, str | Path):
        return f'"{default}"'
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, tuple):
        return "[" + ", ".join(_shown(v) if isinstance(v, str) else str(v) for v in default) + "]"
    return str(default)
