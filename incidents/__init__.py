"""Incident records, positions, tracks and track-versus-zone analysis.

May import :mod:`airmap.geo`, :mod:`airmap.seeds` and :mod:`airmap.layers`;
never ``airmap.maps``, folium or branca.
"""

from ._track import Track, to_utc_datetime64

__all__ = ["Track", "to_utc_datetime64"]
