"""Reading TOML files and checking their shape with messages staff can act on."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from deliberation.domain.errors import DeliberationError


def display_name(path: Path) -> str:
    """The file as ``folder/name``: enough to find it, no machine path."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def read_toml(path: Path, error: type[DeliberationError]) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise error(f"{display_name(path)}: Datei nicht gefunden.") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{display_name(path)}: kein gültiges TOML: {exc}.") from None
    except UnicodeDecodeError as exc:
        found = (
            "als UTF-16 gespeichert"
            if exc.object[:2] in (b"\xff\xfe", b"\xfe\xff")
            else f"nicht in UTF-8 gespeichert (Byte {exc.start + 1} ist "
            f"0x{exc.object[exc.start]:02X})"
        )
        raise error(
            f"{display_name(path)}: die Datei ist {found}; bitte als UTF-8 speichern."
        ) from None
    except IsADirectoryError:
        raise error(f"{display_name(path)} ist ein Ordner, keine Datei.") from None
    except OSError as exc:
        raise error(f"{display_name(path)} lässt sich nicht lesen ({exc.strerror}).") from None


class Section:
    """A table of a TOML file with typed, named access for clear errors."""

    def __init__(self, data: Any, where: str, path: str, error: type[DeliberationError]) -> None:
        if not isinstance(data, dict):
            raise error(f'{where}: "{path}" muss eine Tabelle sein.')
        self.data: dict[str, Any] = data
        self.where = where
        self.path = path
        self.error = error

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> DeliberationError:
        return self.error(f'{self.where}: Schlüssel "{self._key(key)}": {message}')

    def only(self, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, f"unbekannter Schlüssel (erlaubt: {', '.join(allowed)}).")

    def _get(self, key: str, kind: type | tuple[type, ...], kind_name: str, default: Any) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                raise self.fail(key, "fehlt (Pflichtangabe).")
            return default
        value = self.data[key]
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(key, f"muss {kind_name} sein, nicht {value!r}.")
        if not isinstance(value, kind):
            raise self.fail(key, f"muss {kind_name} sein, nicht {value!r}.")
        return value

    def text(self, key: str, default: Any = None) -> str:
        value: str = self._get(key, str, "ein Text", _REQUIRED if default is None else default)
        if not value.strip():
            raise self.fail(key, "darf nicht leer sein.")
        return value

    def optional_text(self, key: str) -> str:
        value: str = self._get(key, str, "ein Text", "")
        return value

    def integer(self, key: str, default: Any = None, minimum: int | None = None) -> int:
        fallback = _REQUIRED if default is None else default
        value: int = self._get(key, int, "eine ganze Zahl", fallback)
        if minimum is not None and value < minimum:
            raise self.fail(key, f"muss mindestens {minimum} sein, nicht {value}.")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value: bool = self._get(key, bool, "true oder false", default)
        return value

    def texts(self, key: str, default: Any = None) -> tuple[str, ...]:
        value = self._get(
            key,
            (list, str),
            "ein Text oder eine Liste von Texten",
            _REQUIRED if default is None else default,
        )
        values = [value] if isinstance(value, str) else value
        for item in values:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"enthält {item!r}; erwartet werden nicht leere Texte.")
        return tuple(values)

    def table(self, key: str, default_empty: bool = False) -> Section:
        if key not in self.data:
            if default_empty:
                return Section({}, self.where, self._key(key), self.error)
            raise self.fail(key, "fehlt (Pflichtangabe).")
        return Section(self.data[key], self.where, self._key(key), self.error)

    def tables(self, key: str) -> list[Section]:
        value = self._get(key, list, "eine Liste von Tabellen ([[...]])", _REQUIRED)
        if not value:
            raise self.fail(key, "darf nicht leer sein.")
        return [
            Section(item, self.where, f"{self._key(key)}[{index}]", self.error)
            for index, item in enumerate(value, start=1)
        ]


_REQUIRED = object()
