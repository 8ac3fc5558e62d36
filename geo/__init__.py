"""Geodesy and geometry primitives on the WGS84 ellipsoid.

``airmap.geo`` imports nothing else of ``airmap``. Coordinates are (lon, lat) in
degrees, distances in metres (``_m``), nautical miles are 1852 m (``NM``).
"""

from ._bbox import BBOX_FIELDS, BBoxError, check_bbox
from ._buffer import geodesic_buffer, geodesic_circle
from ._coords import Position, parse_latitude, parse_longitude, parse_position
from ._densify import EdgeRule, densify
from ._distance import (
    BoundaryDistance,
    lonlat_pad_deg,
    reach_bucket_m,
    signed_distance_m,
)
from ._enum import ParamEnum
from ._errors import (
    AirmapError,
    CoordinateError,
    CRSMismatchError,
    DataError,
    InputError,
    Problem,
    SeedError,
    UnknownZoneError,
    ValidationError,
)
from ._files import OutputPathError, atomic_path, replace_keeping_mode
from ._geodesy import (
    FT,
    GEOD,
    NM,
    distance_m,
    forward,
    geodesic_area_m2,
    inverse,
)
from ._grid import GridIndex, GridResult, numba_available
from ._membership import covers_xy, normalize_lon
from ._values import AltitudeBand, Confidence, Source, Validity, as_utc

__all__ = [
    "BBOX_FIELDS",
    "FT",
    "GEOD",
    "NM",
    "AirmapError",
    "AltitudeBand",
    "BBoxError",
    "BoundaryDistance",
    "CRSMismatchError",
    "Confidence",
    "CoordinateError",
    "DataError",
    "EdgeRule",
    "GridIndex",
    "GridResult",
    "InputError",
    "OutputPathError",
    "ParamEnum",
    "Position",
    "Problem",
    "SeedError",
    "Source",
    "UnknownZoneError",
    "ValidationError",
    "Validity",
    "as_utc",
    "atomic_path",
    "check_bbox",
    "covers_xy",
    "densify",
    "distance_m",
    "forward",
    "geodesic_area_m2",
    "geodesic_buffer",
    "geodesic_circle",
    "inverse",
    "lonlat_pad_deg",
    "normalize_lon",
    "numba_available",
    "parse_latitude",
    "parse_longitude",
    "parse_position",
    "reach_bucket_m",
    "replace_keeping_mode",
    "signed_distance_m",
]
