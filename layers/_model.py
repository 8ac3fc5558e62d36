"""The zone model: zones, their versions over time, vertices and reference lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airmap.geo import AltitudeBand, Confidence, EdgeRule, ParamEnum, Validity

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "AltPrinted",
    "ReferenceLine",
    "Vertex",
    "Zone",
    "ZoneKind",
    "ZoneVersion",
]


class ZoneKind(ParamEnum):
    """What sort of airspace a zone is; only territorial airspace is sovereign."""

    TERRITORIAL_AIRSPACE = "territorial_airspace"
    ADIZ = "adiz"
    FIR = "fir"
    CLAIMED_AIRSPACE = "claimed_airspace"

    @classmethod
    def _what(cls) -> str:
        return "kind"

    @property
    def sovereign(self) -> bool:
        """Whether being inside means being in a state's sovereign airspace."""
        return self is ZoneKind.TERRITORIAL_AIRSPACE


@dataclass(frozen=True, slots=True)
class AltPrinted:
    """Another source's printing of the same vertex, kept side by side."""

    #: The text as that source prints it.
    printed: str
    #: Source ids.
    sources: tuple[str, ...]
    #: Whether it parses to the same position as the vertex (checked on load).
    agrees: bool
    #: Why it differs, or other remarks.
    note: str = ""


@dataclass(frozen=True, slots=True)
class Vertex:
    """One published point: printed form, decimal value, sources, confidence."""

    #: The text exactly as the source prints it.
    printed: str
    #: Longitude, degrees east.
    lon: float
    #: Latitude, degrees north.
    lat: float
    #: Source ids.
    sources: tuple[str, ...]
    #: How far this vertex can be trusted.
    confidence: Confidence
    #: Name (basepoints, islets), if any.
    name: str = ""
    #: Remarks.
    note: str = ""
    #: Other printings of the same point by other sources.
    alts: tuple[AltPrinted, ...] = ()


@dataclass(frozen=True, eq=False)
class ZoneVersion:
    """One zone's geometry and attributes over one validity interval."""

    #: Id of the zone this version belongs to.
    zone_id: str
    #: Label, unique within the zone (e.g. ``"1951"``, ``"2013"``).
    version: str
    #: When it is in force (half-open, UTC).
    validity: Validity
    #: Vertical band, or ``None`` where the sources do not state it.
    vertical: AltitudeBand | None
    #: How the published vertices are joined.
    edge_rule: EdgeRule
    #: Geometry in lon/lat degrees (densified per ``edge_rule``); a Polygon or
    #: MultiPolygon for areas, a LineString for a partial zone known only as a line.
    geometry: BaseGeometry
    #: How the geometry was obtained, in words.
    derivation: str
    #: How far the real boundary may lie from ours, metres.
    uncertainty_m: float
    #: How far the version can be trusted as a whole.
    confidence: Confidence
    #: Source ids.
    sources: tuple[str, ...]
    #: Whether only part of the zone is known.
    partial: bool = False
    #: Published vertices (vertex-list zones), in order.
    vertices: tuple[Vertex, ...] = ()
    #: Published points the derived geometry was built from (e.g. Dokdo's islets).
    basepoints: tuple[Vertex, ...] = ()
    #: Remarks.
    note: str = ""
    #: File the version was loaded from.
    origin: str = ""
    #: The zone (set by the loader).
    zone: Zone = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    @property
    def key(self) -> str:
        """``"<zone id>@<version>"``, unique in a catalogue."""
        return f"{self.zone_id}@{self.version}"

    @property
    def is_area(self) -> bool:
        """Whether membership can be computed (a partial line cannot)."""
        return self.geometry.geom_type in ("Polygon", "MultiPolygon")

    def __repr__(self) -> str:
        return f"<ZoneVersion {self.key} {self.validity}>"

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The version as a GeoJSON Feature, provenance in its properties."""
        from shapely.geometry import mapping

        return {
            "type": "Feature",
            "id": self.key,
            "geometry": mapping(self.geometry),
            "properties": self.properties(),
        }

    def properties(self) -> dict[str, Any]:
        """Attributes of this version and its zone, as plain JSON values."""
        z = self.zone
        v = self.validity
        return {
            "id": self.zone_id,
            "version": self.version,
            "name": z.name if z else "",
            "kind": z.kind.value if z else "",
            "declared_by": z.declared_by if z else "",
            "holder": z.holder if z else None,
            "claimants": list(z.claimants) if z else [],
            "valid_from": v.start.isoformat() if v.start else None,
            "valid_to": v.end.isoformat() if v.end else None,
            "lower_ft": self.vertical.lower_ft if self.vertical else None,
            "upper_ft": (
                None
                if self.vertical is None or self.vertical.upper_ft == float("inf")
                else self.vertical.upper_ft
            ),
            "edge_rule": self.edge_rule.value,
            "derivation": self.derivation,
            "uncertainty_m": self.uncertainty_m,
            "confidence": self.confidence.value,
            "sources": list(self.sources),
            "partial": self.partial,
        }


@dataclass(frozen=True, eq=False)
class Zone:
    """One named airspace with one or more versions over time.

    A dispute is data: ``claimants`` lists every state that claims the zone and
    ``holder`` the state in de-facto control (Dokdo: held by KOR, claimed by KOR
    and JPN).
    """

    #: Stable slug, e.g. ``"kadiz"``, ``"ta-dokdo"``.
    id: str
    #: Human name.
    name: str
    #: What sort of airspace it is.
    kind: ZoneKind
    #: ISO 3166-1 alpha-3 of the declaring state.
    declared_by: str
    #: ISO 3166-1 alpha-3 of the state in control, or ``None``.
    holder: str | None
    #: Every state that claims it.
    claimants: tuple[str, ...]
    #: Versions in time order.
    versions: tuple[ZoneVersion, ...]
    #: Source ids for the zone as a whole.
    sources: tuple[str, ...]
    #: How far the zone can be trusted as a whole.
    confidence: Confidence
    #: Remarks.
    note: str = ""
    #: File the zone was loaded from.
    origin: str = ""

    @property
    def disputed(self) -> bool:
        """Whether more than one state claims the zone."""
        return len(set(self.claimants)) > 1

    def version(self, label: str) -> ZoneVersion:
        """Return the version with this label."""
        for v in self.versions:
            if v.version == label:
                return v
        known = ", ".join(v.version for v in self.versions)
        raise KeyError(f"zone {self.id} has no version {label!r}; versions: {known}")

    def __repr__(self) -> str:
        return f"<Zone {self.id} ({self.kind.value}), {len(self.versions)} version(s)>"


@dataclass(frozen=True, eq=False)
class ReferenceLine:
    """A line that is not an area (a median line, a shelf boundary, baselines)."""

    id: str
    name: str
    declared_by: str
    edge_rule: EdgeRule
    geometry: BaseGeometry
    vertices: tuple[Vertex, ...]
    sources: tuple[str, ...]
    confidence: Confidence
    derivation: str = ""
    uncertainty_m: float = 0.0
    validity: Validity = field(default_factory=Validity)
    note: str = ""
    origin: str = ""

    def __repr__(self) -> str:
        return f"<ReferenceLine {self.id}, {len(self.vertices)} vertices>"
