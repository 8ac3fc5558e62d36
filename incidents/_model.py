"""The incident model: who flew, what each side says, where, when, and from which sources.

Claims are what someone said (paraphrased, with sources); verdicts are computed by
:mod:`airmap.incidents._verdict` and never stored with the claim.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from shapely.geometry.base import BaseGeometry

from airmap.geo import Confidence, ParamEnum

from ._track import Track

__all__ = [
    "Actor",
    "Check",
    "CheckForm",
    "Claim",
    "ClaimRole",
    "Event",
    "EventKind",
    "Incident",
    "Landmark",
    "Position",
    "PositionTag",
    "Response",
    "TimePrecision",
    "Window",
    "format_metres",
    "format_minutes",
]


class PositionTag(ParamEnum):
    """How a position was obtained (``facts/incidents.md`` §0.2)."""

    PUBLISHED = "published"
    NAMED_PLACE = "named_place"
    DERIVED = "derived"
    ESTIMATE = "estimate"

    @classmethod
    def _what(cls) -> str:
        return "position tag"


class TimePrecision(ParamEnum):
    """The precision of reported times; sets the tolerance of duration checks."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @classmethod
    def _what(cls) -> str:
        return "time precision"

    @property
    def seconds(self) -> float:
        """The length of one unit, seconds."""
        return {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}[
            self.value
        ]


class EventKind(ParamEnum):
    """What a timeline event records."""

    ENTER = "enter"
    EXIT = "exit"
    VIOLATION_START = "violation_start"
    VIOLATION_END = "violation_end"
    RESPONSE = "response"
    NOTE = "note"

    @classmethod
    def _what(cls) -> str:
        return "event kind"

    @property
    def needs_zone(self) -> bool:
        """Entries, exits and violations name the zone they concern."""
        return self in (
            EventKind.ENTER,
            EventKind.EXIT,
            EventKind.VIOLATION_START,
            EventKind.VIOLATION_END,
        )


class ClaimRole(ParamEnum):
    """A claim, or a counter-claim answering another side's claim."""

    CLAIM = "claim"
    COUNTER_CLAIM = "counter_claim"

    @classmethod
    def _what(cls) -> str:
        return "claim role"


class CheckForm(ParamEnum):
    """The machine-checkable forms a claim can carry (``seeds/INCIDENTS.md``)."""

    MEMBERSHIP = "membership"
    DURATION = "duration"
    DISTANCE_TO_ZONE = "distance_to_zone"
    DISTANCE = "distance"

    @classmethod
    def _what(cls) -> str:
        return "check form"


def format_metres(metres: float) -> str:
    """A distance in words: ``850 m``, ``30 km``, ``2.19 km``.

    >>> format_metres(850), format_metres(30_000), format_metres(2_190)
    ('850 m', '30 km', '2.19 km')
    """
    if abs(metres) < 1000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.3f}".rstrip("0").rstrip(".") + " km"


def format_minutes(minutes: float) -> str:
    """A duration given in minutes, in words: ``42 min``, ``17 s``, ``4 h 18 min``.

    >>> (
    ...     format_minutes(42),
    ...     format_minutes(17 / 60),
    ...     format_minutes(258),
    ...     format_minutes(2.5),
    ... )
    ('42 min', '17 s', '4 h 18 min', '2 min 30 s')
    """
    seconds = round(minutes * 60)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if seconds < 120 and s:
        return f"{seconds} s"
    parts = ([f"{h} h"] if h else []) + ([f"{m} min"] if m or not h else [])
    if s:
        parts.append(f"{s} s")
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Window:
    """When an incident happened: UTC bounds plus the reporter's zone and precision.

    >>> w = Window(
    ...     dt.datetime(2019, 7, 22, 21, 44, tzinfo=dt.UTC),
    ...     dt.datetime(2019, 7, 23, 4, 38, tzinfo=dt.UTC),
    ...     "Asia/Seoul",
    ...     TimePrecision.MINUTE,
    ... )
    >>> w.local(w.start).isoformat()
    '2019-07-23T06:44:00+09:00'
    """

    start: dt.datetime
    end: dt.datetime
    time_zone: str
    precision: TimePrecision = TimePrecision.MINUTE

    @property
    def tz(self) -> ZoneInfo:
        """The reporter's time zone."""
        return ZoneInfo(self.time_zone)

    def local(self, when: dt.datetime) -> dt.datetime:
        """An instant in the reporter's local time."""
        return when.astimezone(self.tz)


@dataclass(frozen=True, slots=True)
class Landmark:
    """A named reference point that derived positions are measured from."""

    id: str
    name: str
    lon: float
    lat: float
    tag: PositionTag
    uncertainty_m: float
    sources: tuple[str, ...]
    confidence: Confidence
    printed: str = ""
    note: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """One group of aircraft (or one responder) in an incident."""

    id: str
    state: str
    aircraft: str
    role: str
    sources: tuple[str, ...]
    count: int | None = None
    service: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One timeline entry: an entry, exit, violation bound, response or note."""

    at: dt.datetime
    kind: EventKind
    actors: tuple[str, ...]
    says: str
    by: str
    sources: tuple[str, ...]
    confidence: Confidence
    precision: TimePrecision
    zone: str | None = None
    place: str = ""
    position: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """A tagged position with an uncertainty radius and, if derived, its derivation.

    ``geometry`` is a Point, or a line of possible positions (:attr:`is_line`):
    for a distance-only statement (``bearing = "any"``) the geodesic ring of points
    at that distance from a landmark (a LineString); for "D from the border, on
    one side" (``offset_from_zone``) the points at geodesic distance D from a
    zone's edge on that side, clipped to a disc round a reference point (a
    LineString or MultiLineString). For a line, ``uncertainty_m`` applies to every
    point of it, and ``lon``/``lat`` is a reference point only: the landmark
    (ring) or the line's point nearest the ``near`` reference (offset).
    """

    id: str
    label: str
    tag: PositionTag
    lon: float
    lat: float
    uncertainty_m: float
    derivation: str
    sources: tuple[str, ...]
    confidence: Confidence
    geometry: BaseGeometry
    by: str = ""
    actors: tuple[str, ...] = ()
    at: dt.datetime | None = None
    reading: str = ""
    #: For derived positions: landmark id, distance and bearing as stated
    #: (for an offset from a zone: ``distance_m`` is the offset).
    from_landmark: str = ""
    distance_m: float = math.nan
    bearing: str = ""
    #: For an offset from a zone's edge: the zone version measured from
    #: (``"ta-tur-hatay@current"``), the side (``"inside"``/``"outside"``), the
    #: landmark or position the line is clipped round, and the clip radius.
    offset_zone: str = ""
    side: str = ""
    near: str = ""
    within_m: float = math.nan

    @property
    def is_line(self) -> bool:
        """Whether the position is a line of possible points (a ring or an offset)."""
        return self.geometry.geom_type != "Point"

    @property
    def is_ring(self) -> bool:
        """Whether the position is a line, not a point (kept name: see :attr:`is_line`).

        True for a distance-only ring round a landmark and for an offset from a
        zone's edge alike; :attr:`is_offset` tells them apart.
        """
        return self.is_line

    @property
    def is_offset(self) -> bool:
        """Whether the position is an offset from a zone's edge (``offset_from_zone``)."""
        return bool(self.offset_zone)


@dataclass(frozen=True, slots=True)
class Check:
    """One machine-checkable statement inside a claim."""

    form: CheckForm
    #: Position or track id (membership, distance).
    subject: str = ""
    #: ``"inside"`` or ``"outside"`` (membership).
    relation: str = ""
    zone: str = ""
    actors: tuple[str, ...] = ()
    minutes: float = math.nan
    #: Pair violation_start/_end events instead of enter/exit (duration).
    violation: bool = False
    #: Landmark or position id (distance forms).
    origin_point: str = ""
    about_m: float = math.nan
    tolerance_m: float = math.nan
    at_least_m: float = math.nan
    at_most_m: float = math.nan

    def describe(self) -> str:
        """The check in words."""
        if self.form is CheckForm.MEMBERSHIP:
            return f"{self.subject} {self.relation} {self.zone}"
        if self.form is CheckForm.DURATION:
            what = "in violation of" if self.violation else "in"
            return (
                f"{' + '.join(self.actors)} {what} {self.zone} for "
                f"{format_minutes(self.minutes)} in all"
            )
        target = self.zone if self.form is CheckForm.DISTANCE_TO_ZONE else self.subject
        return f"distance from {self.origin_point} to {target} {self.bound_text()}"

    def bound_text(self) -> str:
        """The stated distance bound, in words (``about 30 km ± 5 km``)."""
        if not math.isnan(self.about_m):
            tol = (
                ""
                if math.isnan(self.tolerance_m)
                else f" ± {format_metres(self.tolerance_m)}"
            )
            return f"about {format_metres(self.about_m)}{tol}"
        if not math.isnan(self.at_least_m):
            return f"at least {format_metres(self.at_least_m)}"
        return f"at most {format_metres(self.at_most_m)}"


@dataclass(frozen=True, slots=True)
class Claim:
    """What one side says, in our words, with sources; checks make it testable."""

    id: str
    role: ClaimRole
    by: str
    speaker: str
    says: str
    sources: tuple[str, ...]
    confidence: Confidence
    checks: tuple[Check, ...] = ()
    conflicts_with: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    """What the responding side did (scramble, warnings, warning fire, protests)."""

    by: str
    action: str
    sources: tuple[str, ...]
    at: dt.datetime | None = None
    conflicts_with: str = ""


@dataclass(frozen=True, slots=True)
class Incident:
    """One reported incident with its claims, counter-claims, positions and tracks."""

    id: str
    title: str
    window: Window
    summary: str
    sources: tuple[str, ...]
    confidence: Confidence
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    positions: tuple[Position, ...] = ()
    tracks: tuple[Track, ...] = ()
    claims: tuple[Claim, ...] = ()
    responses: tuple[Response, ...] = ()
    region: str = ""
    note: str = ""
    origin: str = field(default="", compare=False)

    def __repr__(self) -> str:
        return (
            f"Incident({self.id!r}, {len(self.claims)} claims, "
            f"{len(self.positions)} positions, {len(self.tracks)} tracks)"
        )

    def position(self, position_id: str) -> Position:
        """A position of this incident by id."""
        for p in self.positions:
            if p.id == position_id:
                return p
        raise KeyError(f"incident {self.id}: no position {position_id!r}")

    def track(self, track_id: str) -> Track:
        """A track of this incident by id."""
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(f"incident {self.id}: no track {track_id!r}")

    def actor(self, actor_id: str) -> Actor:
        """An actor of this incident by id."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"incident {self.id}: no actor {actor_id!r}")

    def claim(self, claim_id: str) -> Claim:
        """A claim of this incident by id."""
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"incident {self.id}: no claim {claim_id!r}")

    @property
    def properties(self) -> dict[str, Any]:
        """Flat properties for exports and popups."""
        return {
            "id": self.id,
            "title": self.title,
            "start": self.window.start.isoformat(),
            "end": self.window.end.isoformat(),
            "time_zone": self.window.time_zone,
            "time_precision": self.window.precision.value,
            "confidence": self.confidence.value,
            "sources": list(self.sources),
        }
