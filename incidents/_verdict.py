"""Computed verdicts: what the geometry says about each claim, beside the claim.

A verdict never replaces or edits a claim. Each check of a claim gets one of
*supported*, *contradicted*, *undecidable* (the uncertainty straddles the line, and
the answer says by how many metres) or *not checkable* (nothing machine-checkable,
or our catalogue cannot decide, e.g. a zone recorded only as a partial line).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

import shapely

from airmap.geo import ParamEnum, inverse

from ._model import (
    Check,
    CheckForm,
    Claim,
    Event,
    EventKind,
    Incident,
    Position,
    format_minutes,
)

if TYPE_CHECKING:
    from airmap.layers import Membership, ZoneCatalogue, ZoneVersion

    from ._analysis import TrackAnalysis

__all__ = [
    "Assessment",
    "CheckResult",
    "ClaimVerdict",
    "Conflict",
    "DurationTotal",
    "PositionZones",
    "Verdict",
    "assess",
    "paired_intervals",
]


class Verdict(ParamEnum):
    """What the geometry says about a claim or one of its checks."""

    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    UNDECIDABLE = "undecidable"
    NOT_CHECKABLE = "not_checkable"

    @classmethod
    def _what(cls) -> str:
        return "verdict"

    @property
    def label(self) -> str:
        """The verdict in words."""
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check, with the figure behind it."""

    check: Check
    verdict: Verdict
    detail: str
    #: Metres (membership, distances) by which the verdict is decided; for an
    #: undecidable answer, how far the uncertainty reaches across the line.
    margin_m: float = math.nan
    #: The computed figure: metres (distances, signed distance) or minutes (durations).
    value: float = math.nan


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """A claim and, beside it, the computed verdict of each of its checks."""

    claim: Claim
    results: tuple[CheckResult, ...]

    @property
    def verdict(self) -> Verdict:
        """Contradicted if any check is; supported if all are; otherwise undecided."""
        verdicts = [r.verdict for r in self.results]
        if not verdicts:
            return Verdict.NOT_CHECKABLE
        if Verdict.CONTRADICTED in verdicts:
            return Verdict.CONTRADICTED
        if all(v is Verdict.SUPPORTED for v in verdicts):
            return Verdict.SUPPORTED
        if all(v is Verdict.NOT_CHECKABLE for v in verdicts):
            return Verdict.NOT_CHECKABLE
        return Verdict.UNDECIDABLE


@dataclass(frozen=True, slots=True)
class DurationTotal:
    """Time in a zone summed from paired timeline events, per actor."""

    actor: str
    zone: str
    violation: bool
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...]
    unpaired: tuple[Event, ...] = ()

    @property
    def minutes(self) -> float:
        """Total minutes over the paired intervals."""
        return sum((b - a).total_seconds() for a, b in self.intervals) / 60.0


@dataclass(frozen=True, slots=True)
class PositionZones:
    """Which zone versions a position is in (or may be in) as of its time."""

    position: Position
    when: dt.datetime
    memberships: tuple[Membership, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two accounts that the geometry says cannot both be true.

    Each account is consistent with its own figures (both checks supported), but
    one puts the aircraft inside a zone and the other outside it.
    """

    inside: ClaimVerdict
    outside: ClaimVerdict
    zone: str
    detail: str


@dataclass(frozen=True)
class Assessment:
    """Everything computed for one incident: verdicts, zones, totals, tracks."""

    incident: Incident
    claims: tuple[ClaimVerdict, ...]
    positions: tuple[PositionZones, ...]
    totals: tuple[DurationTotal, ...]
    tracks: tuple[TrackAnalysis, ...] = field(default=())
    conflicts: tuple[Conflict, ...] = field(default=())

    def claim(self, claim_id: str) -> ClaimVerdict:
        """The verdict of one claim, by id."""
        for c in self.claims:
            if c.claim.id == claim_id:
                return c
        raise KeyError(f"incident {self.incident.id}: no claim {claim_id!r}")

    def position_zones(self, position_id: str) -> PositionZones:
        """The zones of one position, by id."""
        for p in self.positions:
            if p.position.id == position_id:
                return p
        raise KeyError(f"incident {self.incident.id}: no position {position_id!r}")

    def total(self, actor: str, zone: str, *, violation: bool = False) -> DurationTotal:
        """The summed time of one actor in one zone (from the timeline)."""
        for t in self.totals:
            if t.actor == actor and t.zone == zone and t.violation == violation:
                return t
        return paired_intervals(self.incident, actor, zone, violation=violation)


# --------------------------------------------------------------------------- pieces


def paired_intervals(
    incident: Incident, actor: str, zone: str, *, violation: bool = False
) -> DurationTotal:
    """Pair an actor's enter/exit (or violation start/end) events in one zone.

    Events naming several actors count for each of them. An enter without a
    following exit (or the reverse) is kept as unpaired, never guessed.
    """
    start_kind, end_kind = (
        (EventKind.VIOLATION_START, EventKind.VIOLATION_END)
        if violation
        else (EventKind.ENTER, EventKind.EXIT)
    )
    events = [
        e
        for e in incident.events
        if e.zone == zone and actor in e.actors and e.kind in (start_kind, end_kind)
    ]
    events.sort(key=lambda e: e.at)
    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    unpaired: list[Event] = []
    open_event: Event | None = None
    for e in events:
        if e.kind is start_kind:
            if open_event is not None:
                unpaired.append(open_event)
            open_event = e
        elif open_event is None:
            unpaired.append(e)
        else:
            intervals.append((open_event.at, e.at))
            open_event = None
    if open_event is not None:
        unpaired.append(open_event)
    return DurationTotal(actor, zone, violation, tuple(intervals), tuple(unpaired))


def _version(
    catalogue: ZoneCatalogue, zone: str, when: dt.datetime
) -> ZoneVersion | None:
    for v in catalogue.at(when):
        if v.zone_id == zone:
            return v
    return None


def _fmt_m(metres: float) -> str:
    if abs(metres) >= 1000:
        return f"{metres / 1000:.1f} km"
    return f"{metres:.0f} m"


def _membership(
    check: Check,
    incident: Incident,
    catalogue: ZoneCatalogue,
    tracks: dict[str, TrackAnalysis],
) -> CheckResult:
    subject_pos = {p.id: p for p in incident.positions}.get(check.subject)
    when = incident.window.start
    if subject_pos is not None and subject_pos.at is not None:
        when = subject_pos.at
    if subject_pos is None:
        track = incident.track(check.subject)
        when = track.start
    version = _version(catalogue, check.zone, when)
    if version is None:
        return CheckResult(
            check,
            Verdict.NOT_CHECKABLE,
            f"{check.zone} was not in force at {when:%Y-%m-%d %H:%M} UTC",
        )
    if not version.is_area:
        return CheckResult(
            check,
            Verdict.NOT_CHECKABLE,
            f"{version.key} is recorded only as a partial line, not an area: "
            "membership cannot be decided from our catalogue",
        )
    want_inside = check.relation == "inside"
    if subject_pos is None:
        return _track_membership(check, version, tracks[check.subject], want_inside)
    index = catalogue.boundary(version)
    coords = _coords(subject_pos)
    d = index.signed_distance_m(coords[:, 0], coords[:, 1])
    r = subject_pos.uncertainty_m
    lo, hi = float(np.min(d)), float(np.max(d))  # signed: negative inside
    where = (
        f"the {_line_word(subject_pos)}'s points are {_fmt_m(lo)} to {_fmt_m(hi)} "
        "from the edge" + (" (negative: inside)" if lo < 0 else "")
        if subject_pos.is_line
        else (
            f"{_fmt_m(-lo)} inside the edge"
            if lo <= 0
            else f"{_fmt_m(lo)} outside the edge"
        )
    )
    head = f"{subject_pos.id} ({where}; uncertainty ± {_fmt_m(r)}) vs {version.key}"
    certainly_inside = -hi - r  # ≥ 0: every point of every disc is inside
    certainly_outside = lo - r  # > 0: every point of every disc is outside
    if certainly_inside >= 0:
        verdict = Verdict.SUPPORTED if want_inside else Verdict.CONTRADICTED
        text = f"{head}: inside even at the edge of the uncertainty, by {_fmt_m(certainly_inside)}"
        return CheckResult(check, verdict, text, certainly_inside, lo)
    if certainly_outside > 0:
        verdict = Verdict.CONTRADICTED if want_inside else Verdict.SUPPORTED
        text = f"{head}: outside even at the edge of the uncertainty, by {_fmt_m(certainly_outside)}"
        return CheckResult(check, verdict, text, certainly_outside, lo)
    reach = min(-certainly_inside, -certainly_outside)
    text = f"{head}: the uncertainty reaches {_fmt_m(reach)} across the edge"
    return CheckResult(check, Verdict.UNDECIDABLE, text, reach, lo)


def _coords(p: Position) -> NDArray[np.float64]:
    """Every vertex of a position's geometry (one row for a point), lon/lat."""
    return np.asarray(shapely.get_coordinates(p.geometry), dtype=np.float64)


def _line_word(p: Position) -> str:
    return "offset line" if p.is_offset else "ring"


def _track_membership(
    check: Check, version: ZoneVersion, analysis: TrackAnalysis, want_inside: bool
) -> CheckResult:
    res = [z for z in analysis.zones if z.key == version.key]
    intervals = res[0].intervals if res else ()
    label = "hypothesis track" if analysis.track.hypothesis else "track"
    if intervals:
        spans = ", ".join(
            f"{_hm(i.entry)}–{_hm(i.exit)} UTC ({i.duration_s / 60:.1f} min)"
            for i in intervals
        )
        depth = max(i.max_depth_m for i in intervals)
        text = (
            f"{label} {analysis.track.id} is inside {version.key} {spans}, "
            f"at most {_fmt_m(depth)} deep"
        )
        verdict = Verdict.SUPPORTED if want_inside else Verdict.CONTRADICTED
        return CheckResult(check, verdict, text, depth)
    closest = res[0].closest_approach_m if res else None
    extra = f"; closest approach {_fmt_m(closest)}" if closest is not None else ""
    text = f"{label} {analysis.track.id} never enters {version.key}{extra}"
    verdict = Verdict.CONTRADICTED if want_inside else Verdict.SUPPORTED
    return CheckResult(
        check, verdict, text, closest if closest is not None else math.nan
    )


def _unit(seconds: float) -> str:
    names = {1.0: "second", 60.0: "minute", 3600.0: "hour", 86400.0: "day"}
    return names.get(seconds, f"{seconds:g} s")


def _hm(t: dt.datetime | None) -> str:
    return "…" if t is None else t.strftime("%H:%M:%S")


def _duration(check: Check, incident: Incident) -> CheckResult:
    totals = [
        paired_intervals(incident, a, check.zone, violation=check.violation)
        for a in check.actors
    ]
    unpaired = [e for t in totals for e in t.unpaired]
    minutes = sum(t.minutes for t in totals)
    n = sum(len(t.intervals) for t in totals)
    if n == 0:
        return CheckResult(
            check,
            Verdict.NOT_CHECKABLE,
            f"no paired {'violation' if check.violation else 'entry/exit'} events "
            f"for {' + '.join(check.actors)} in {check.zone}",
        )
    parts = " + ".join(
        format_minutes((b - a).total_seconds() / 60)
        for t in totals
        for a, b in t.intervals
    )
    precision = max(
        (e.precision.seconds for e in incident.events if e.zone == check.zone),
        default=incident.window.precision.seconds,
    )
    # Each reported time is rounded to its precision, so each interval may be off by
    # up to one unit.
    tol = n * precision / 60.0
    diff = minutes - check.minutes
    text = (
        f"from the timeline: {parts} = {format_minutes(minutes)} (stated "
        f"{format_minutes(check.minutes)}; tolerance ± {format_minutes(tol)} for {n} "
        f"interval(s) reported to the {_unit(precision)})"
    )
    if unpaired:
        text += f"; {len(unpaired)} unpaired event(s) left out"
        return CheckResult(check, Verdict.UNDECIDABLE, text, value=minutes)
    verdict = Verdict.SUPPORTED if abs(diff) <= tol + 1e-9 else Verdict.CONTRADICTED
    return CheckResult(check, verdict, text, value=minutes)


def _point(
    incident: Incident, landmarks: dict[str, Any], ref: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, Position | None]:
    """The points a reference stands for: one for a point, every vertex for a line."""
    for p in incident.positions:
        if p.id == ref:
            xy = _coords(p)
            return xy[:, 0], xy[:, 1], p.uncertainty_m, p
    lm = landmarks[ref]
    return np.array([lm.lon]), np.array([lm.lat]), lm.uncertainty_m, None


def _bounded(
    check: Check,
    value: float,
    unc: float,
    head: str,
    spread: tuple[float, float] | None = None,
) -> CheckResult:
    """Check ``value ± unc`` (or, for a line, ``[spread] ± unc``) against the bound."""
    lo, hi = value - unc, value + unc
    if spread is not None:
        lo, hi = spread[0] - unc, spread[1] + unc
    if not math.isnan(check.about_m):
        tol = (
            check.tolerance_m
            if not math.isnan(check.tolerance_m)
            else 0.1 * check.about_m
        )
        a, b = check.about_m - tol, check.about_m + tol
    elif not math.isnan(check.at_least_m):
        a, b = check.at_least_m, math.inf
    else:
        a, b = 0.0, check.at_most_m
    stated = check.bound_text()
    figure = (
        f"{_fmt_m(value)}"
        if spread is None or spread[1] - spread[0] < 0.5
        else f"{_fmt_m(spread[0])} to {_fmt_m(spread[1])} over the line's points"
    )
    text = f"{head}: {figure} ± {_fmt_m(unc)} (stated {stated})"
    if lo >= a and hi <= b:
        return CheckResult(check, Verdict.SUPPORTED, text, min(lo - a, b - hi), value)
    if hi < a or lo > b:
        margin = a - hi if hi < a else lo - b
        return CheckResult(
            check,
            Verdict.CONTRADICTED,
            f"{text}; off by {_fmt_m(margin)}",
            margin,
            value,
        )
    return CheckResult(
        check,
        Verdict.UNDECIDABLE,
        f"{text}; the uncertainty straddles the bound",
        math.nan,
        value,
    )


def _distance_to_zone(
    check: Check,
    incident: Incident,
    catalogue: ZoneCatalogue,
    landmarks: dict[str, Any],
) -> CheckResult:
    lon, lat, unc, pos = _point(incident, landmarks, check.origin_point)
    version = _version(catalogue, check.zone, incident.window.start)
    if version is None or not version.is_area:
        return CheckResult(
            check, Verdict.NOT_CHECKABLE, f"no area version of {check.zone} in force"
        )
    d = np.maximum(catalogue.boundary(version).signed_distance_m(lon, lat), 0.0)
    head = f"geodesic distance from {check.origin_point} to the nearest point of {version.key}"
    if pos is not None and pos.is_line:
        lo, hi = float(np.min(d)), float(np.max(d))
        return _bounded(check, 0.5 * (lo + hi), unc, head, (lo, hi))
    return _bounded(check, float(d[0]), unc, head)


def _distance(
    check: Check, incident: Incident, landmarks: dict[str, Any]
) -> CheckResult:
    x1, y1, u1, _ = _point(incident, landmarks, check.origin_point)
    x2, y2, u2, _ = _point(incident, landmarks, check.subject)
    head = f"geodesic distance from {check.origin_point} to {check.subject}"
    if x1.size > 1 and x2.size > 1:
        return CheckResult(
            check,
            Verdict.NOT_CHECKABLE,
            f"{head}: both are lines of possible positions; a distance between two "
            "lines is not computed",
        )
    n = max(x1.size, x2.size)
    _, _, dd = inverse(x1, y1, x2, y2)
    d = np.asarray(dd, dtype=np.float64).reshape(-1)
    if n > 1:
        lo, hi = float(np.min(d)), float(np.max(d))
        return _bounded(check, 0.5 * (lo + hi), u1 + u2, head, (lo, hi))
    return _bounded(check, float(d[0]), u1 + u2, head)


# --------------------------------------------------------------------------- assess


def assess(
    incident: Incident,
    catalogue: ZoneCatalogue,
    landmarks: dict[str, Any] | None = None,
) -> Assessment:
    """Compute the verdict of every check of every claim of ``incident``.

    Also: the zones each position is in as of its time (with claimants), the
    analysis of each track against the zones its claims name, and the time each
    actor spent in each zone according to the timeline.
    """
    landmarks = landmarks or {}
    tracks: dict[str, TrackAnalysis] = {}
    if incident.tracks:
        from ._analysis import analyse_track

        for t in incident.tracks:
            tracks[t.id] = analyse_track(t, catalogue)
    results: list[ClaimVerdict] = []
    for claim in incident.claims:
        out: list[CheckResult] = []
        for check in claim.checks:
            if check.form is CheckForm.MEMBERSHIP:
                out.append(_membership(check, incident, catalogue, tracks))
            elif check.form is CheckForm.DURATION:
                out.append(_duration(check, incident))
            elif check.form is CheckForm.DISTANCE_TO_ZONE:
                out.append(_distance_to_zone(check, incident, catalogue, landmarks))
            else:
                out.append(_distance(check, incident, landmarks))
        results.append(ClaimVerdict(claim, tuple(out)))
    batch = _point_zones(
        [p for p in incident.positions if not p.is_line], incident, catalogue
    )
    positions = tuple(
        batch[p.id] if p.id in batch else _position_zones(p, incident, catalogue)
        for p in incident.positions
    )
    return Assessment(
        incident,
        tuple(results),
        positions,
        tuple(_totals(incident)),
        tuple(tracks.values()),
        tuple(_conflicts(results)),
    )


def _conflicts(results: Sequence[ClaimVerdict]) -> Iterator[Conflict]:
    """Pairs of declared conflicting claims that are each supported on opposite sides."""
    by_id = {cv.claim.id: cv for cv in results}
    seen: set[tuple[str, str, str]] = set()
    for cv in results:
        for other_id in cv.claim.conflicts_with:
            other = by_id.get(other_id)
            if other is None:
                continue
            for a in cv.results:
                for b in other.results:
                    if not (
                        a.check.form is CheckForm.MEMBERSHIP
                        and b.check.form is CheckForm.MEMBERSHIP
                        and a.check.zone == b.check.zone
                        and a.check.relation != b.check.relation
                        and a.verdict is Verdict.SUPPORTED
                        and b.verdict is Verdict.SUPPORTED
                    ):
                        continue
                    inside, outside = (
                        (cv, other) if a.check.relation == "inside" else (other, cv)
                    )
                    ra, rb = (a, b) if a.check.relation == "inside" else (b, a)
                    key = (inside.claim.id, outside.claim.id, a.check.zone)
                    if key in seen:
                        continue
                    seen.add(key)
                    yield Conflict(
                        inside,
                        outside,
                        a.check.zone,
                        f"{inside.claim.id} puts {ra.check.subject} at least "
                        f"{_fmt_m(ra.margin_m)} inside {a.check.zone}, "
                        f"{outside.claim.id} puts {rb.check.subject} at least "
                        f"{_fmt_m(rb.margin_m)} outside it (full uncertainties "
                        "included): at most one account can be true",
                    )


def _point_zones(
    points: Sequence[Position], incident: Incident, catalogue: ZoneCatalogue
) -> dict[str, PositionZones]:
    """:func:`_position_zones` for many point positions at once (same answers).

    Statuses come from one array check (the grid index); exact distances are
    computed, vectorised, only for the versions a position is not outside of.
    """
    from airmap.layers import Membership, Status

    if not points:
        return {}
    whens = [p.at or incident.window.start for p in points]
    lon = np.array([p.lon for p in points])
    lat = np.array([p.lat for p in points])
    unc = np.array([p.uncertainty_m for p in points])
    t = np.array(
        [w.astimezone(dt.UTC).replace(tzinfo=None) for w in whens],
        dtype="datetime64[ns]",
    )
    arr = catalogue.check(lon, lat, t, uncertainty_m=unc)
    found: list[list[Membership]] = [[] for _ in points]
    for row, v in enumerate(arr.versions):
        st = arr.status[row]
        idx = np.flatnonzero((st != Status.OUTSIDE) & (st != Status.NOT_IN_FORCE))
        if not idx.size:
            continue
        d = catalogue.boundary(v).distance_m(lon[idx], lat[idx])
        cov = arr.covers[row, idx]
        for i, di, ci in zip(idx.tolist(), d.tolist(), cov.tolist(), strict=True):
            found[i].append(Membership(v, Status(int(st[i])), -di if ci else di))
    out = {}
    for p, when, ms in zip(points, whens, found, strict=True):
        ms.sort(key=lambda mb: mb.distance_to_edge_m)
        out[p.id] = PositionZones(p, when, tuple(ms))
    return out


def _position_zones(
    p: Position, incident: Incident, catalogue: ZoneCatalogue
) -> PositionZones:
    from airmap.layers import Status

    when = p.at or incident.window.start
    if p.is_line:
        # A line (ring or offset) is in a zone if any of its points may be.
        coords = _coords(p)
        arr = catalogue.check(
            coords[:, 0], coords[:, 1], when, uncertainty_m=p.uncertainty_m
        )
        hit = {
            v.key
            for row, v in enumerate(arr.versions)
            if np.isin(
                arr.status[row],
                (Status.INSIDE, Status.BOUNDARY, Status.POSSIBLY_INSIDE),
            ).any()
        }
        ms = tuple(
            m for m in catalogue.check(p.lon, p.lat, when) if m.zone_version.key in hit
        )
        return PositionZones(p, when, ms)
    ms = tuple(
        m
        for m in catalogue.check(p.lon, p.lat, when, uncertainty_m=p.uncertainty_m)
        if m.status is not Status.OUTSIDE
    )
    return PositionZones(p, when, ms)


def _totals(incident: Incident) -> Iterator[DurationTotal]:
    keys: list[tuple[str, str, bool]] = []
    for e in incident.events:
        if e.zone is None or not e.kind.needs_zone:
            continue
        violation = e.kind in (EventKind.VIOLATION_START, EventKind.VIOLATION_END)
        for a in e.actors:
            if (a, e.zone, violation) not in keys:
                keys.append((a, e.zone, violation))
    for a, z, v in keys:
        yield paired_intervals(incident, a, z, violation=v)


def verdict_counts(claims: Sequence[ClaimVerdict]) -> dict[Verdict, int]:
    """How many claims got each verdict."""
    out = dict.fromkeys(Verdict, 0)
    for c in claims:
        out[c.verdict] += 1
    return out
