"""Zones, the zone catalogue and point membership.

May import :mod:`airmap.geo` and :mod:`airmap.seeds` (data files); never
``airmap.maps``, folium or branca.
"""

from ._basemap import Basemap, BasemapTier, basemap
from ._catalogue import ZoneCatalogue
from ._check import Membership, MembershipArray, Status
from ._load import LoadResult, load_files, load_seeds, validate_file
from ._model import AltPrinted, ReferenceLine, Vertex, Zone, ZoneKind, ZoneVersion

__all__ = [
    "AltPrinted",
    "Basemap",
    "BasemapTier",
    "LoadResult",
    "Membership",
    "MembershipArray",
    "ReferenceLine",
    "Status",
    "Vertex",
    "Zone",
    "ZoneCatalogue",
    "ZoneKind",
    "ZoneVersion",
    "basemap",
    "load_files",
    "load_seeds",
    "validate_file",
]
