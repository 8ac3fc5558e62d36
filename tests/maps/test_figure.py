"""Static figures: size, pixels, geometry against pyproj, legend, determinism, hostile text.

The Dokdo (2019-07-23) and Hatay shoot-down (2015-11-24) figures are rendered once
per module. Set ``AIRMAP_FIGURES_OUT=/some/dir`` to keep copies of the PNGs to look
at.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text

import shapely
from pyproj import Geod, Transformer

from airmap.geo import BBoxError, OutputPathError, check_bbox
from airmap.incidents import IncidentCatalogue
from airmap.layers import ZoneCatalogue, basemap
from airmap.maps._figure import (
    FigureError,
    IncidentFigure,
    figure,
    save_figure,
)
from airmap.maps._style import KIND_COLOUR, SIDE_COLOUR
from tests.common import ANTIMERIDIAN, SQUARE, write_user_zones, zone_feature

DOKDO = "2019-07-23-dokdo"
HATAY = "2015-11-24-su24"
#: NGII's published islet positions (facts/base-data.md §a), independent of our data.
DONGDO = (131.8694, 37.2407)
SEODO = (131.8650, 37.2422)
WGS84 = Geod(ellps="WGS84")
SEA = (0xDF, 0xE9, 0xF0)
LAND = (0xF2, 0xEF, 0xE6)


def _hex(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _png(fig: IncidentFigure, path: Path) -> np.ndarray:
    save_figure(fig, path)
    out = os.environ.get("AIRMAP_FIGURES_OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(out) / path.name)
    rgba = matplotlib.image.imread(str(path))
    return np.round(rgba[..., :3] * 255).astype(np.int16)


@pytest.fixture(scope="module")
def dokdo() -> tuple[IncidentFigure, np.ndarray]:
    import tempfile

    fig = figure(incident_ids=[DOKDO])
    with tempfile.TemporaryDirectory() as d:
        return fig, _png(fig, Path(d) / "dokdo.png")


@pytest.fixture(scope="module")
def hatay() -> tuple[IncidentFigure, np.ndarray]:
    import tempfile

    fig = figure(incident_ids=[HATAY])
    with tempfile.TemporaryDirectory() as d:
        return fig, _png(fig, Path(d) / "hatay.png")


def _near(pixels: np.ndarray, colour: tuple[int, int, int], tol: int) -> int:
    d = np.abs(pixels - np.array(colour, dtype=np.int16)).max(axis=-1)
    return int((d <= tol).sum())


def _blend(base: tuple[int, int, int], *overlays: str) -> tuple[int, int, int]:
    """``base`` under zone fills (8 % of the kind colour each), in order."""
    c = np.array(base, dtype=float)
    for colour in overlays:
        c = c * 0.92 + np.array(_hex(colour), dtype=float) * 0.08
    return (round(c[0]), round(c[1]), round(c[2]))


def _transformers(fig: IncidentFigure) -> tuple[Transformer, Transformer]:
    fwd = Transformer.from_crs("EPSG:4326", fig.crs, always_xy=True)
    inv = Transformer.from_crs(fig.crs, "EPSG:4326", always_xy=True)
    return fwd, inv


def _pixel(fig: IncidentFigure, lon: float, lat: float) -> tuple[int, int]:
    """Row and column of a lon/lat in the PNG, by pyproj and the axes transform."""
    fwd, _ = _transformers(fig)
    x, y = fwd.transform(lon, lat)
    px, py = fig.map_axes.transData.transform((x, y))
    height = round(fig.get_size_inches()[1] * fig.dpi)
    return height - 1 - int(py), int(px)


def _gid(fig: IncidentFigure, gid: str) -> Any:
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, (gid, found)
    return found[0]


# ------------------------------------------------------------ acceptance 4


@pytest.mark.parametrize("which", ["dokdo", "hatay"])
def test_png_has_the_size_asked_and_is_not_blank(
    which: str, request: pytest.FixtureRequest
) -> None:
    _, px = request.getfixturevalue(which)
    assert px.shape == (1200, 1650, 3)  # 11 x 8 inches at 150 dpi
    colours = np.unique(px.reshape(-1, 3), axis=0)
    assert len(colours) > 2000
    # the outlines of both accounts, drawn opaque in their side's colour
    assert _near(px, _hex(SIDE_COLOUR["claim"]), 10) > 300
    assert _near(px, _hex(SIDE_COLOUR["counter_claim"]), 10) > 300
    # land and sea, bare or under one or two territorial/ADIZ/FIR fills
    ta, adiz, fir = (KIND_COLOUR[k] for k in ("territorial_airspace", "adiz", "fir"))
    fills = [(), (ta,), (ta, ta), (fir, adiz), (fir, adiz, ta)]
    for base in (LAND, SEA):
        assert sum(_near(px, _blend(base, *f), 2) for f in fills) > 5000, base


def test_dokdo_figure_shows_the_versions_in_force_and_both_accounts(
    dokdo: tuple[IncidentFigure, np.ndarray],
) -> None:
    fig, _ = dokdo
    assert fig.incident_ids == (DOKDO,)
    assert fig.when == dt.datetime(2019, 7, 22, 21, 44, tzinfo=dt.UTC)
    assert {"ta-dokdo@1978", "kadiz@2013", "incheon-fir@aip-2018-07-18"} <= set(
        fig.zone_keys
    )
    assert "kadiz@1951" not in fig.zone_keys
    labels = {
        a.get_text(): a.get_color()
        for a in fig.findobj(Annotation)
        if str(a.get_gid()).startswith("airmap-account-label")
    }
    assert labels == {
        "KOR account (claim)": SIDE_COLOUR["claim"],
        "RUS account (counter-claim)": SIDE_COLOUR["counter_claim"],
    }
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    joined = " ".join(" ".join(texts).split())
    assert "Territorial airspace of Dokdo (Takeshima) [1978]; disputed: KOR, JPN" in (
        joined
    )
    assert "Counter-claim: position ± uncertainty" in texts
    assert "Track (hypothesis)" in texts
    assert "Track (observed)" not in texts  # no observed track in this incident
    title = _gid(fig, "airmap-title").get_text()
    assert " ".join(title.split()) == IncidentCatalogue.default().get(DOKDO).title
    caption = " ".join(_gid(fig, "airmap-caption").get_text().split())
    assert caption.startswith("Sources: SBS; Yonhap News TV; ")
    assert "GSHHG (LGPL-3.0+)" in caption
    assert "© OpenStreetMap contributors (ODbL)" in caption


def test_an_earlier_instant_draws_the_1951_kadiz() -> None:
    fig = figure(
        incident_ids=[DOKDO],
        when=dt.datetime(2013, 12, 15, 4, 59, tzinfo=dt.UTC),
        size=(8, 6),
        dpi=50,
    )
    assert "kadiz@1951" in fig.zone_keys
    assert "kadiz@2013" not in fig.zone_keys


def test_hatay_legend_lists_only_what_is_drawn(
    hatay: tuple[IncidentFigure, np.ndarray],
) -> None:
    fig, _ = hatay
    assert set(fig.zone_keys) == {"ta-tur-hatay@current", "ta-syr-latakia@2003"}
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Distance-only account (line of points)" in texts
    assert not any(t.startswith("Track") for t in texts)  # no track in this incident
    assert not any("reference line" in t for t in texts)
    zone_labels = {
        t.get_text()
        for t in fig.findobj(Text)
        if str(t.get_gid()).startswith("airmap-zone-label")
    }
    assert zone_labels == {"TUR", "SYR"}


@pytest.mark.parametrize("which", ["dokdo", "hatay"])
def test_scale_bars_are_true_to_half_a_percent(
    which: str, request: pytest.FixtureRequest
) -> None:
    fig, _ = request.getfixturevalue(which)
    _, inv = _transformers(fig)
    x0, x1, _, _ = fig.extent_m
    for unit, unit_m in (("km", 1000.0), ("nm", 1852.0)):
        bar = _gid(fig, f"airmap-scalebar-{unit}")
        assert isinstance(bar, Line2D)
        label = _gid(fig, f"airmap-scalebar-{unit}-label").get_text()
        m = re.fullmatch(r"([0-9.]+) (km|NM)", label)
        assert m is not None, label
        assert m.group(2).lower() == unit, label
        stated = float(m.group(1)) * unit_m
        xs, ys = bar.get_xdata(), bar.get_ydata()
        lon, lat = inv.transform([xs[0], xs[-1]], [ys[0], ys[-1]])
        _, _, measured = WGS84.inv(lon[0], lat[0], lon[1], lat[1])
        assert abs(measured - stated) / stated < 0.005, (label, measured)
        assert 0.08 < (xs[-1] - xs[0]) / (x1 - x0) < 0.4  # a sensible length


def test_north_arrow_points_to_true_north(
    dokdo: tuple[IncidentFigure, np.ndarray],
) -> None:
    fig, _ = dokdo
    fwd, inv = _transformers(fig)
    arrow = _gid(fig, "airmap-north")
    (bx, by), (tx, ty) = arrow.xyann, arrow.xy
    lon, lat = inv.transform(bx, by)
    nx, ny = fwd.transform(lon, lat + 0.05)
    expected = math.degrees(math.atan2(nx - bx, ny - by))
    drawn = math.degrees(math.atan2(tx - bx, ty - by))
    assert abs(drawn - expected) < 0.2
    assert abs(expected) > 0.5  # far east of the centre, north leans left: not trivial


def test_dokdo_lies_where_pyproj_puts_it() -> None:
    """A close-up: the drawn islets are the basemap's, Dokdo's airspace is round NGII's."""
    fig = figure(incident_ids=[DOKDO], bbox=(131.80, 37.20, 131.95, 37.29))
    fwd, _ = _transformers(fig)
    land = _gid(fig, "airmap-land")
    to_px = fig.map_axes.transData
    bm_land = basemap().land
    islets = shapely.clip_by_rect(bm_land, 131.8, 37.2, 131.95, 37.3)
    islet = shapely.get_parts(islets)[0].representative_point()
    sea = (DONGDO[0] + 0.03, DONGDO[1] - 0.03)  # about 3.3 km south-east: open sea
    assert not bm_land.contains(shapely.Point(sea))
    for (lon, lat), expected in (((islet.x, islet.y), True), (sea, False)):
        x, y = fwd.transform(lon, lat)
        assert land.contains_point(to_px.transform((x, y))) == expected, (lon, lat)
    # and the PNG: land-coloured at the islet, sea-coloured 3 km away
    with io.BytesIO() as buf:
        fig.savefig(buf, format="png", dpi=fig.dpi)
        buf.seek(0)
        px = np.round(matplotlib.image.imread(buf)[..., :3] * 255).astype(int)
    r, c = _pixel(fig, islet.x, islet.y)
    rs, cs = _pixel(fig, *sea)
    land_px, sea_px = px[r, c], px[rs, cs]
    # land is redder than blue, sea bluer than red, under the same zone fills
    assert (land_px[0] - land_px[2]) - (sea_px[0] - sea_px[2]) > 15, (land_px, sea_px)


def test_dokdo_airspace_is_centred_on_the_published_islets() -> None:
    """Dokdo's territorial airspace (12 NM round NGII's islets) lands round them."""
    fig = figure(incident_ids=[DOKDO], bbox=(131.45, 37.0, 132.3, 37.5), dpi=60)
    fwd, _ = _transformers(fig)
    ta = _gid(fig, "airmap-zone-ta-dokdo-1978")
    poly = shapely.Polygon(ta.get_path().vertices[:-1])
    x0, x1, y0, y1 = fig.extent_m
    assert shapely.box(x0, y0, x1, y1).contains(poly)  # drawn whole, not clipped
    cx, cy = fwd.transform((DONGDO[0] + SEODO[0]) / 2, (DONGDO[1] + SEODO[1]) / 2)
    assert math.hypot(poly.centroid.x - cx, poly.centroid.y - cy) < 300.0
    radius = math.sqrt(poly.area / math.pi)
    assert abs(radius - 12 * 1852.0) < 600.0  # 12 NM round two islets ~400 m apart


# ------------------------------------------------------------- determinism


def test_two_renders_are_byte_identical(tmp_path: Path) -> None:
    outputs: dict[str, list[bytes]] = {"svg": [], "png": []}
    for i in range(2):
        fig = figure(incident_ids=[HATAY], size=(8, 6), dpi=72)  # a fresh figure
        for fmt in outputs:
            path = save_figure(fig, tmp_path / f"hatay-{i}.{fmt}")
            outputs[fmt].append(path.read_bytes())
    svg_a, svg_b = outputs["svg"]
    assert svg_a == svg_b
    assert outputs["png"][0] == outputs["png"][1]
    text = svg_a.decode("utf-8")
    assert "<dc:date>" not in text
    assert "airmap figure (airspace-incidents)" in text
    assert "Matplotlib v" not in text  # no version-dependent creator
    # ids come from content (svg.hashsalt), and are unique
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    png = outputs["png"][0]
    assert png.startswith(b"\x89PNG")
    assert b"Matplotlib" not in png


def test_save_figure_draws_from_arguments_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    path = save_figure(
        {"incident_ids": [HATAY], "size": (6, 4.5), "dpi": 40}, tmp_path / "h.PNG"
    )
    assert path == tmp_path / "h.PNG"
    assert matplotlib.image.imread(str(path)).shape[:2] == (180, 240)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.PNG"]


# ----------------------------------------------------------- acceptance 3

HOSTILE = [
    "<img src=x onerror=window.__xss=1>",
    "${window.__xss=1}",
    "`+(window.__xss=1)+`",
    "C:\\users\\ops \\u0041",
    "</script><img src=x onerror=window.__xss=1>",
    "<!-- ]]> --> &amp; 독도 竹島",
    '"><svg onload=window.__xss=1>',
    "{{ 7*7 }} {% if 1 %}jinja-if{% endif %} {# note #}",
    # mathtext: rendered as maths (or refused: \undefined) unless parse_math=False
    "costs $5 and $10",
    r"$\frac{1}{2}$ and $\undefined{x}$ \$",
]


def _hostile_catalogue(tmp_path: Path) -> IncidentCatalogue:
    zones = write_user_zones(
        tmp_path / "zones.geojson",
        [
            zone_feature(
                f"hostile-{i}",
                [[[x + 0.02 * i, y + 0.02 * i] for x, y in SQUARE]],
                name=text,
                kind="territorial_airspace",
            )
            for i, text in enumerate(HOSTILE)
        ],
    )
    doc = {
        "source": {
            f"evil-{i}": {
                "url": "https://example.org/?q=<script>`${x}`",
                "title": text,
                "confidence": "low",
            }
            for i, text in enumerate(HOSTILE)
        },
        "incident": [
            {
                "id": "2020-01-01-hostile",
                "title": " | ".join(HOSTILE),
                "summary": HOSTILE[0],
                "time_zone": "Asia/Seoul",
                "start_local": "2020-01-01T09:00",
                "end_local": "2020-01-01T10:00",
                "sources": [f"evil-{i}" for i in range(len(HOSTILE))],
                "confidence": "low",
                "position": [
                    {
                        "id": "p1",
                        "label": HOSTILE[0],
                        "tag": "estimate",
                        "lat": 37.5,
                        "lon": 130.5,
                        "uncertainty_m": 3000,
                        "derivation": HOSTILE[1],
                        "by": "KOR",
                        "sources": ["evil-0"],
                        "confidence": "low",
                    }
                ],
                "claim": [
                    {
                        "id": "c1",
                        "by": "KOR",
                        "says": HOSTILE[2],
                        "sources": ["evil-0"],
                        "confidence": "low",
                        "check": [{"subject": "p1", "inside": "hostile-0"}],
                    }
                ],
            }
        ],
    }
    incidents = tmp_path / "incidents.json"
    incidents.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    zone_cat = ZoneCatalogue.load(zones, with_seeds=False)
    return IncidentCatalogue.load(incidents, zones=zone_cat, with_seeds=False)


def test_hostile_text_stays_inert(tmp_path: Path) -> None:
    cat = _hostile_catalogue(tmp_path)
    fig = figure(cat, bbox=(129.9, 36.9, 131.3, 38.3), size=(11, 9), dpi=60)
    # every Text in the figure shows its string as typed: no mathtext, no TeX
    texts = fig.findobj(Text)
    assert texts
    assert all(not t.get_parse_math() for t in texts)
    assert all(not t.get_usetex() for t in texts)
    save_figure(fig, tmp_path / "hostile.png")  # renders (no mathtext errors)
    svg = save_figure(fig, tmp_path / "hostile.svg", svg_fonttype="none")
    tree = ET.parse(svg)
    shown = []
    for el in tree.iter():
        tag = el.tag.rsplit("}", 1)[-1].lower()
        assert tag not in {"script", "img", "foreignobject", "iframe", "a"}, tag
        for name, value in el.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            assert not attr.startswith("on"), (tag, name)
            assert "javascript:" not in value.lower()
        if tag == "text":
            shown.append("".join(el.itertext()))
    everything = " ".join(" ".join(shown).split())
    for text in HOSTILE:
        assert " ".join(text.split()) in everything, text
    # title, legend and caption each carry the strings
    assert " ".join(" | ".join(HOSTILE).split()) in everything
    assert "49" not in everything
    assert "jinja-if" in everything


def test_every_text_created_is_inert_in_the_seeded_figures(
    dokdo: tuple[IncidentFigure, np.ndarray],
) -> None:
    fig, _ = dokdo
    assert all(not t.get_parse_math() for t in fig.findobj(Text))


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"incident_ids": ["2019-07-23-dokdx"]},
            "no incident with id '2019-07-23-dokdx'",
        ),
        (
            {"bbox": (132.0, 37.0, 131.0, 38.0)},
            "MINLON 132 is not less than MAXLON 131",
        ),
        ({"bbox": (131.0, 38.0, 132.0, 37.0)}, "MINLAT 38 is not less than MAXLAT 37"),
        ({"bbox": (131.0, 37.0, 132.0, 95.0)}, "MAXLAT 95 is outside -90..90"),
        ({"bbox": (131.0, 37.0, 132.0)}, "expected 4 numbers"),
        (
            {"bbox": (-180.0, -89.0, 180.0, 89.0)},
            "a local projection shows at most 10,000 km",
        ),
        ({"kinds": ["adz"]}, "unknown zone kind 'adz'"),
        ({"when": dt.datetime(2019, 7, 23)}, "has no time zone"),  # noqa: DTZ001
        ({"size": (0, 5)}, "must be positive"),
        ({"dpi": 5000}, "pixels across"),
    ],
    ids=[
        "unknown incident",
        "lon swapped",
        "lat swapped",
        "lat out of range",
        "three numbers",
        "whole world",
        "unknown kind",
        "naive when",
        "zero size",
        "huge dpi",
    ],
)
def test_bad_arguments_raise_figure_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(FigureError, match=re.escape(message)):
        figure(**kwargs)


def test_bbox_across_the_antimeridian_is_accepted() -> None:
    assert check_bbox([170, 50, 190, 56], antimeridian=True) == (
        170.0,
        50.0,
        190.0,
        56.0,
    )
    with pytest.raises(BBoxError, match="to cross the antimeridian"):
        check_bbox([170, 50, -170, 56], antimeridian=True)
    with pytest.raises(FigureError, match="to cross the antimeridian"):
        figure(bbox=[170, 50, -170, 56])


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("out.pdf", None, "unknown figure format (suffix '.pdf')"),
        ("out", None, "unknown figure format (no suffix)"),
        ("out.png", "gif", "unknown figure format 'gif'; expected one of: png, svg"),
    ],
)
def test_unknown_format_writes_nothing(
    tmp_path: Path,
    hatay: tuple[IncidentFigure, np.ndarray],
    name: str,
    fmt: str | None,
    message: str,
) -> None:
    with pytest.raises(FigureError, match=re.escape(message)):
        save_figure(hatay[0], tmp_path / name, fmt)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_writes_nothing(
    tmp_path: Path, hatay: tuple[IncidentFigure, np.ndarray]
) -> None:
    with pytest.raises(OutputPathError, match="does not exist"):
        save_figure(hatay[0], tmp_path / "missing" / "h.png")
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(OutputPathError, match="is a directory"):
        save_figure(hatay[0], tmp_path / "dir.png")
    assert [p.name for p in tmp_path.iterdir()] == ["dir.png"]
    assert list((tmp_path / "dir.png").iterdir()) == []


# ------------------------------------------------------------- antimeridian


def test_a_zone_across_the_antimeridian_is_drawn_whole(tmp_path: Path) -> None:
    zones = write_user_zones(
        tmp_path / "am.geojson",
        [zone_feature("am", [ANTIMERIDIAN], claimants=("USA",), holder="USA")],
    )
    cat = IncidentCatalogue([], ZoneCatalogue.load(zones, with_seeds=False))
    fig = figure(cat, bbox=(170.0, 47.0, 190.0, 57.0), size=(8, 6), dpi=40)
    assert fig.zone_keys == ("am@1",)
    fwd, _ = _transformers(fig)
    verts = _gid(fig, "airmap-zone-am-1").get_path().vertices
    # one piece, as wide as the zone: 10° of longitude at 50-54°N
    west, _ = fwd.transform(175.0, 50.0)
    east, _ = fwd.transform(-175.0, 50.0)
    assert verts[:, 0].min() == pytest.approx(west, abs=1.0)
    assert verts[:, 0].max() == pytest.approx(east, abs=1.0)
    _, _, width = WGS84.inv(175.0, 50.0, 185.0, 50.0)
    assert east - west == pytest.approx(width, rel=0.01)


def test_incidents_without_positions_are_centred_on_the_zones_they_name() -> None:
    fig = figure(incident_ids=["2019-10-22-kadiz-ru"], size=(8, 6), dpi=40)
    fwd, _ = _transformers(fig)
    kadiz = ZoneCatalogue.default().get("kadiz").version("2013")
    lonlat = shapely.get_coordinates(kadiz.geometry)
    x, y = fwd.transform(lonlat[:, 0], lonlat[:, 1])
    x0, x1, y0, y1 = fig.extent_m
    assert x0 <= min(x)
    assert max(x) <= x1
    assert y0 <= min(y)
    assert max(y) <= y1
    with pytest.raises(FigureError, match=r"region: Japan \(place not given"):
        figure(incident_ids=["2024-08-cn-first-violation"])
