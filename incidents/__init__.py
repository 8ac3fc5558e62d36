"""Incident records, positions, tracks and track-versus-zone analysis.

May import :mod:`airmap.geo`, :mod:`airmap.seeds` and :mod:`airmap.layers`;
never ``airmap.maps``, folium or branca.
"""

from ._analysis import (
    Gap,
    Interval,
    TrackAnalysis,
    ZoneResult,
    analyse_track,
    analyse_tracks,
    crossings_frame,
)
from ._catalogue import IncidentCatalogue, UnknownIncidentError
from ._io import TrackFormat, TrackSet, read_tracks, write_mfjson
from ._load import (
    IncidentLoad,
    bearing_sector,
    derive_position,
    load_incident_files,
    load_incident_seeds,
)
from ._model import (
    Actor,
    Check,
    CheckForm,
    Claim,
    ClaimRole,
    Event,
    EventKind,
    Incident,
    Landmark,
    Position,
    PositionTag,
    Response,
    TimePrecision,
    Window,
)
from ._track import Track, to_utc_datetime64
from ._verdict import (
    Assessment,
    CheckResult,
    ClaimVerdict,
    Conflict,
    DurationTotal,
    PositionZones,
    Verdict,
    assess,
    paired_intervals,
)

__all__ = [
    "Actor",
    "Assessment",
    "Check",
    "CheckForm",
    "CheckResult",
    "Claim",
    "ClaimRole",
    "ClaimVerdict",
    "Conflict",
    "DurationTotal",
    "Event",
    "EventKind",
    "Gap",
    "Incident",
    "IncidentCatalogue",
    "IncidentLoad",
    "Interval",
    "Landmark",
    "Position",
    "PositionTag",
    "PositionZones",
    "Response",
    "TimePrecision",
    "Track",
    "TrackAnalysis",
    "TrackFormat",
    "TrackSet",
    "UnknownIncidentError",
    "Verdict",
    "Window",
    "ZoneResult",
    "analyse_track",
    "analyse_tracks",
    "assess",
    "bearing_sector",
    "crossings_frame",
    "derive_position",
    "load_incident_files",
    "load_incident_seeds",
    "paired_intervals",
    "read_tracks",
    "to_utc_datetime64",
    "write_mfjson",
]
