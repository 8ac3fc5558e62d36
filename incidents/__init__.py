"""Incident records, positions, tracks and track-versus-zone analysis.

Empty so far: the incident model and track analysis arrive with the incidents
issue. May import :mod:`airmap.geo`, :mod:`airmap.seeds` and :mod:`airmap.layers`;
never ``airmap.maps``, folium or branca.
"""

__all__: list[str] = []
