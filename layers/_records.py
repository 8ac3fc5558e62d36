"""Typed, problem-collecting access to records of TOML/JSON data files.

Shared by the zone loader (:mod:`airmap.layers`) and the incident loader
(:mod:`airmap.incidents`): every problem is recorded with file, record and field
instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from airmap.geo import Confidence, Problem, Source, Validity

__all__ = [
    "ID_RE",
    "File",
    "Rec",
    "known_isos",
    "read_sources",
    "read_text_document",
]

_T = TypeVar("_T")
#: Ids of sources, zones, incidents …: lower-case letters, digits and '-'.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class File:
    """One zone file: its display name, parsed content and how to resolve paths."""

    name: str
    data: dict[str, Any]
    base: Traversable | Path | None
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        reason: str,
        *,
        record: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problems.append(
            Problem(self.name, reason, line=line, record=record, field=field)
        )


def read_text_document(name: str, text: str, suffix: str) -> tuple[Any, Problem | None]:
    """Parse TOML or JSON text; a syntax error becomes a Problem with its line."""
    if suffix == ".toml":
        try:
            return tomllib.loads(text), None
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = re.search(r"line (\d+)", msg)
            return None, Problem(
                name, f"invalid TOML: {msg}", line=int(m.group(1)) if m else None
            )
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, Problem(name, f"invalid JSON: {exc.msg}", line=exc.lineno)


class Rec:
    """Typed access to one record's fields, reporting problems to its file."""

    def __init__(self, f: File, data: Any, record: str) -> None:
        self.f = f
        self.record = record
        self.ok = isinstance(data, dict)
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not self.ok:
            f.add("must be a table/object", record=record)

    def add(self, fld: str | None, reason: str) -> None:
        self.f.add(reason, record=self.record, field=fld)

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.add(key, "missing")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(key, f"must be a non-empty string, got {value!r}")
            return default
        return value

    def number(
        self, key: str, *, required: bool = True, minimum: float | None = None
    ) -> float:
        value = self.data.get(key)
        if value is None:
            if required:
                self.add(key, "missing")
            return math.nan
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(key, f"must be a number, got {value!r}")
            return math.nan
        value = float(value)
        if not math.isfinite(value):
            self.add(key, f"must be finite, got {value!r}")
            return math.nan
        if minimum is not None and value < minimum:
            self.add(key, f"must be at least {minimum:g}, got {value:g}")
        return value

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.add(key, "missing")
            return ()
        if not isinstance(value, list) or not all(
            isinstance(s, str) and s for s in value
        ):
            self.add(key, f"must be a list of non-empty strings, got {value!r}")
            return ()
        return tuple(value)

    def choice(
        self,
        key: str,
        parse: Callable[[Any], _T],
        default: _T,
        *,
        required: bool = True,
    ) -> _T:
        """A field read by ``parse`` (an enum's ``parse``); its error is reported."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.add(key, "missing")
            return default
        try:
            return parse(value)
        except ValueError as exc:
            self.add(key, str(exc))
            return default

    def confidence(self, key: str = "confidence") -> Confidence:
        return self.choice(key, Confidence.parse, Confidence.LOW)

    def validity(self) -> Validity:
        """``valid_from`` / ``valid_to`` as a :class:`Validity` (problems reported)."""
        start, end = self.instant("valid_from"), self.instant("valid_to")
        try:
            return Validity(start, end)
        except ValueError as exc:
            self.add("valid_to", str(exc))
            return Validity()

    def instant(self, key: str) -> dt.datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            try:
                value = dt.datetime.fromisoformat(text)
            except ValueError:
                self.add(key, f"{value!r} is not an RFC 3339 date-time")
                return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            self.add(
                key,
                f"{value.isoformat()} is a date; give a date-time with Z or an offset",
            )
            return None
        if not isinstance(value, dt.datetime):
            self.add(key, f"must be a date-time, got {value!r}")
            return None
        if value.tzinfo is None:
            self.add(key, f"{value.isoformat()} has no time zone; add Z or an offset")
            return None
        return value.astimezone(dt.UTC)

    def day(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.add(key, f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                close = sorted(allowed)
                self.add(key, f"unknown field; expected one of: {', '.join(close)}")


# --------------------------------------------------------------------- sources

_SOURCE_KEYS = (
    "url",
    "title",
    "publisher",
    "published",
    "language",
    "retrieved",
    "confidence",
    "note",
)


def read_sources(f: File) -> dict[str, Source]:
    table = f.data.get("source", {})
    out: dict[str, Source] = {}
    if not isinstance(table, dict):
        f.add("must be a table of sources keyed by id", field="source")
        return out
    for sid, body in table.items():
        r = Rec(f, body, f"source {sid}")
        if not r.ok:
            continue
        if not ID_RE.match(sid):
            r.add(None, "source id must be lower-case letters, digits and '-'")
        r.check_keys(_SOURCE_KEYS)
        url = r.text("url")
        if url and not url.lower().startswith(("http://", "https://")):
            r.add("url", f"{url!r} is not an http(s) address")
            url = ""
        title = r.text("title")
        conf = r.confidence()
        if not (url and title):
            continue
        out[sid] = Source(
            id=sid,
            url=url,
            title=title,
            confidence=conf,
            publisher=r.text("publisher", required=False),
            published=r.day("published"),
            language=r.text("language", required=False),
            retrieved=r.day("retrieved"),
            note=r.text("note", required=False),
        )
    return out


@functools.cache
def known_isos() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes shipped in ``seeds/derived/iso3166.json``."""
    entry = resources.files("airmap.seeds") / "derived" / "iso3166.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    rows = data.get("codes", []) if isinstance(data, dict) else data
    codes = frozenset(
        row["alpha3"] for row in rows if isinstance(row, dict) and "alpha3" in row
    )
    if not codes:
        raise ValueError("seeds/derived/iso3166.json lists no codes")
    return codes
