"""The small demo map of the browser recipe, built with folium 0.20's own classes.

A red zone polygon (group "Zones"), a red plane awesome-marker with a popup and a
default marker (group "Incidents"), a TimestampedGeoJson track stepping every five
minutes (not auto-playing), and a layer control. Every default folium asset plus
the TimestampedGeoJson ones are on the page.
"""

from __future__ import annotations

from typing import Any

PLANE_POPUP = "A-50 early warning aircraft, 2019-07-23"
DEFAULT_POPUP = "Reported position (default marker)"
TRACK_TIMES = [
    "2019-07-23T00:00:00Z",
    "2019-07-23T00:05:00Z",
    "2019-07-23T00:10:00Z",
    "2019-07-23T00:15:00Z",
]


def demo_map(*, tiles: str | None = None) -> Any:
    """The demo map (``tiles=None``: no tile layer, nothing online)."""
    import folium
    from folium.plugins import TimestampedGeoJson

    m = folium.Map(location=[37.5, 131.0], zoom_start=7, tiles=tiles)
    zones = folium.FeatureGroup(name="Zones").add_to(m)
    folium.Polygon(
        [[37.0, 130.0], [37.0, 131.0], [38.0, 131.0], [38.0, 130.0]],
        color="#ff0000",
        fill=True,
        fill_color="#ff0000",
        fill_opacity=0.3,
    ).add_to(zones)
    incidents = folium.FeatureGroup(name="Incidents").add_to(m)
    folium.Marker(
        [37.24, 131.87],
        popup=folium.Popup(PLANE_POPUP, parse_html=True),
        icon=folium.Icon(color="red", icon="plane", prefix="fa"),
    ).add_to(incidents)
    folium.Marker(
        [37.6, 130.4], popup=folium.Popup(DEFAULT_POPUP, parse_html=True)
    ).add_to(incidents)
    track = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        [130.2, 37.2],
                        [130.6, 37.4],
                        [131.0, 37.6],
                        [131.4, 37.8],
                    ],
                },
                "properties": {"times": TRACK_TIMES, "style": {"color": "#0000ff"}},
            }
        ],
    }
    TimestampedGeoJson(
        track, period="PT5M", auto_play=False, add_last_point=True
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
