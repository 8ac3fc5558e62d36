"""GridIndex: bit for bit covers_xy / shapely intersects_xy, on every kind of point."""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pytest

import shapely

from airmap.geo import (
    GridIndex,
    GridResult,
    covers_xy,
    densify,
    normalize_lon,
    numba_available,
)
from tests.common import missing_prerequisite

ENGINES = ["numpy", "numba"]
NO_NUMBA = "numba is not installed (optional extra 'fast'; the test extra has it)"


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The kernel under test; numba missing skips locally and fails under CI."""
    name: str = request.param
    if name == "numba" and not numba_available():
        missing_prerequisite(NO_NUMBA)
    return name


SQUARE_HOLE = shapely.Polygon(
    [(130.0, 37.0), (131.0, 37.0), (131.0, 38.0), (130.0, 38.0)],
    [[(130.3, 37.3), (130.3, 37.7), (130.7, 37.7), (130.7, 37.3)]],
)
#: Two parts, one with a hole; slanted edges that hit vertices at grid lines.
MULTI = shapely.MultiPolygon(
    [
        shapely.Polygon(
            [(131.5, 36.5), (132.25, 36.0), (132.9, 36.8), (132.1, 37.6)],
            [[(131.9, 36.6), (132.3, 36.5), (132.4, 36.9)]],
        ),
        shapely.Polygon([(133.0, 37.0), (133.5, 37.0), (133.25, 37.4)]),
    ]
)
#: Densified great-circle ring, like the seeds (many short edges).
DENSE = shapely.Polygon(
    densify(
        [(124.0, 33.0), (129.5, 33.2), (130.1, 37.9), (125.3, 38.4)],
        "great_circle",
        closed=True,
        max_segment_m=3000.0,
    )
)
#: Across the antimeridian with continuous longitudes (175 → 185).
ANTIMERIDIAN = shapely.Polygon(
    [(175.0, 50.0), (185.0, 50.0), (185.0, 54.0), (178.0, 55.5), (175.0, 54.0)]
)
#: A zone that touches -180 from the east side.
WEST_EDGE = shapely.box(-180.0, -10.0, -170.0, 10.0)
GALLERY = [SQUARE_HOLE, MULTI, DENSE, ANTIMERIDIAN, WEST_EDGE]


@functools.cache
def index() -> GridIndex:
    return GridIndex.build(GALLERY, names=["hole", "multi", "dense", "am", "west"])


def reference(geoms: list[Any], x: Any, y: Any) -> np.ndarray:
    """Shapely intersects_xy per geometry, on the given longitudes when in
    [-180, 180) (else wrapped), and at every ±360° frame the geometry reaches."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xn = np.where((x >= -180.0) & (x < 180.0), x, normalize_lon(x))
    out = []
    for g in geoms:
        minx, _, maxx, _ = g.bounds
        hit = np.zeros(x.shape, dtype=bool)
        for k in range(
            math.ceil((minx - 180) / 360), math.floor((maxx + 180) / 360) + 1
        ):
            hit |= shapely.intersects_xy(g, xn + 360.0 * k, y)
        out.append(hit)
    return np.array(out)


def vertices(geoms: list[Any]) -> np.ndarray:
    return np.concatenate([shapely.get_coordinates(shapely.boundary(g)) for g in geoms])


def adversarial(geoms: list[Any], rng: np.random.Generator) -> tuple[Any, Any]:
    """Vertices, points on edges, and points within 1e-12° of both."""
    v = vertices(geoms)
    segs = []
    for g in geoms:
        for part in shapely.get_parts(g):
            for ring in shapely.get_rings(part):
                c = shapely.get_coordinates(ring)
                segs.append(np.concatenate([c[:-1], c[1:]], axis=1))
    s = np.concatenate(segs)
    t = rng.random((len(s), 3))
    t[:, 0] = 0.5
    on = s[:, None, :2] + t[..., None] * (s[:, None, 2:] - s[:, None, :2])
    on = on.reshape(-1, 2)
    base = np.concatenate([v, on])
    out = [base]
    for d in (1e-12, -1e-12, 3e-13):
        out.append(base + np.array([d, 0.0]))
        out.append(base + np.array([0.0, d]))
        out.append(base + np.array([d, -d]))
    out.append(np.nextafter(base, base + 1.0))
    out.append(np.nextafter(base, base - 1.0))
    pts = np.concatenate(out)
    return pts[:, 0], pts[:, 1]


def track(n: int, rng: np.random.Generator, box: tuple[float, ...]) -> tuple[Any, Any]:
    """Track-ordered points: a random walk with small steps, bounced in ``box``."""
    x0, y0, x1, y1 = box
    steps = rng.normal(0.0, 0.01, (n, 2))
    p = np.cumsum(steps, axis=0) + np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    span = np.array([x1 - x0, y1 - y0])
    p = np.abs((p - np.array([x0, y0])) % (2 * span) - span)
    return x1 - p[:, 0], y1 - p[:, 1]


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_uniform_points_bit_for_bit(engine: str) -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    x = rng.uniform(123.0, 134.0, n)
    y = rng.uniform(32.5, 39.0, n)
    got = index().query(x, y, engine=engine).matrix()
    assert (got != reference(GALLERY, x, y)).sum() == 0
    assert got.any(axis=1)[:3].all()  # the test really hits the zones
    # in [-180, 180) and for zones inside it, that is plain shapely
    direct = np.array([shapely.intersects_xy(g, x, y) for g in GALLERY[:3]])
    assert (got[:3] != direct).sum() == 0
    # and covers_xy, away from its rounding of longitudes (see below)
    assert (got != np.array([covers_xy(g, x, y) for g in GALLERY])).sum() == 0


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_track_ordered_points_bit_for_bit(engine: str) -> None:
    rng = np.random.default_rng(8)
    x, y = track(100_000, rng, (123.5, 32.5, 134.0, 39.0))
    got = index().query(x, y, engine=engine).matrix()
    assert (got != reference(GALLERY, x, y)).sum() == 0


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_vertices_edges_and_1e12_perturbations_bit_for_bit(engine: str) -> None:
    rng = np.random.default_rng(9)
    x, y = adversarial(GALLERY, rng)
    ref = reference(GALLERY, x, y)
    got = index().query(x, y, engine=engine).matrix()
    assert (got != ref).sum() == 0
    direct = np.array([shapely.intersects_xy(g, x, y) for g in GALLERY[:3]])
    assert (got[:3] != direct).sum() == 0
    # vertices are covered, the perturbed points fall on both sides
    nv = len(vertices(GALLERY))
    assert ref[:, :nv].any(axis=0).all()
    assert (~ref).any()
    assert ref.sum() > nv


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_points_on_grid_lines_and_in_holes(engine: str) -> None:
    # cell corners and edges of the fine grid (1/256°) along the hole's sides
    g = np.arange(129.9, 131.1, 1 / 256)
    x, y = np.meshgrid(g, np.arange(36.9, 38.1, 1 / 256))
    x, y = x.ravel(), y.ravel()
    got = index().query(x, y, engine=engine).matrix()
    assert (got != reference(GALLERY, x, y)).sum() == 0
    hole = index().query(130.5, 37.5, engine=engine).matrix()[:, 0]
    assert not hole[0]
    on_hole_edge = index().query(130.3, 37.5, engine=engine).matrix()[:, 0]
    assert on_hole_edge[0]


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_antimeridian_any_360_frame(engine: str) -> None:
    lon = np.array([-178.0, 182.0, 175.0, 185.0, -175.0, 174.9, 170.0, 180.0, -180.0])
    lat = np.full(lon.size, 52.0)
    got = index().query(lon, lat, engine=engine).matrix()
    ref = reference(GALLERY, lon, lat)
    assert (got != ref).sum() == 0
    assert got[3].tolist() == [True, True, True, True, True, False, False, True, True]
    # the west-edge box: -180 and +180 are the same meridian, on its edge
    res = index().query([180.0, -180.0, 540.0], [0.0, 0.0, 0.0], engine=engine)
    assert res.matrix()[4].tolist() == [True, True, True]


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_nan_and_far_points_cover_nothing(engine: str) -> None:
    res = index().query([np.nan, 0.0, 131.0, 10.0], [37.0, np.nan, -80.0, 10.0])
    assert not res.matrix().any()
    assert res.bits.dtype == np.uint8


def test_seeded_shapes_numba_equals_numpy() -> None:
    if not numba_available():
        missing_prerequisite(NO_NUMBA)
    rng = np.random.default_rng(10)
    x = np.concatenate(
        [rng.uniform(120.0, 186.0, 50_000), adversarial(GALLERY, rng)[0]]
    )
    y = np.concatenate([rng.uniform(30.0, 56.0, 50_000), adversarial(GALLERY, rng)[1]])
    a = index().query(x, y, engine="numpy")
    b = index().query(x, y, engine="numba")
    assert np.array_equal(a.bits, b.bits)


def test_many_zones_use_several_bytes_and_conversions() -> None:
    boxes = [shapely.box(i * 0.5, 0.0, i * 0.5 + 0.75, 1.0) for i in range(20)]
    idx = GridIndex.build(boxes)
    x = np.array([0.1, 0.6, 9.9, 20.0])
    y = np.array([0.5, 0.5, 0.5, 0.5])
    res = idx.query(x, y)
    assert isinstance(res, GridResult)
    assert res.bits.shape == (4, 3)
    assert res.zones == tuple(range(20))
    m = res.matrix()
    assert m.shape == (20, 4)
    assert (m != reference(boxes, x, y)).sum() == 0
    pt, zn = res.pairs()
    assert list(zip(pt.tolist(), zn.tolist(), strict=True)) == [
        (0, 0),
        (1, 0),
        (1, 1),
        (2, 19),
    ]
    rebuilt = np.zeros_like(m)
    rebuilt[zn, pt] = True
    assert np.array_equal(rebuilt, m)
    # bit j % 8 of byte j // 8
    assert res.bits[2, 2] == 0b1000


def test_invalid_geometry_is_answered_by_shapely() -> None:
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    assert not bowtie.is_valid
    idx = GridIndex.build([bowtie, shapely.box(0, 0, 1, 1)])
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-0.5, 2.5, 20_000), rng.uniform(-0.5, 2.5, 20_000)
    assert (
        idx.query(x, y).matrix() != reference([bowtie, shapely.box(0, 0, 1, 1)], x, y)
    ).sum() == 0


def test_in_range_longitudes_are_not_rounded() -> None:
    # covers_xy wraps every longitude with (x + 180) % 360 - 180, which can move
    # a point by one ulp (131.00000000000003 -> 131.0, onto the edge); the index
    # answers shapely's predicate on the longitude as given.
    x, y = 131.00000000000003, 37.5
    box = shapely.box(130.0, 37.0, 131.0, 38.0)
    assert not shapely.intersects_xy(box, x, y)
    assert not GridIndex.build([box]).query(x, y).matrix()[0, 0]


def test_empty_geometry_covers_nothing() -> None:
    idx = GridIndex.build([shapely.Polygon(), shapely.box(0, 0, 1, 1)])
    assert idx.query([0.5, 5.0], [0.5, 5.0]).matrix().tolist() == [
        [False, False],
        [True, False],
    ]


def test_near_bits_are_a_superset_of_points_within_reach() -> None:
    pad = 0.01
    idx = GridIndex.build([SQUARE_HOLE], reach_deg=pad)
    rng = np.random.default_rng(5)
    x, y = rng.uniform(129.8, 131.2, 100_000), rng.uniform(36.8, 38.2, 100_000)
    near = idx.query(x, y).near_matrix()[0]
    dist = shapely.distance(shapely.boundary(SQUARE_HOLE), shapely.points(x, y))
    assert near[dist <= pad].all()
    assert not near[dist > 0.02].any()  # cells are 1/256° wide


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cell_deg": 0.1}, "power of two"),
        ({"refine": 12}, "power of two"),
        ({"names": ["a"]}, "names has 1 labels"),
        ({"reach_deg": -1.0}, "reach_deg"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        GridIndex.build([SQUARE_HOLE, MULTI], **kwargs)


def test_not_polygonal_and_bad_engine() -> None:
    with pytest.raises(TypeError, match="LineString"):
        GridIndex.build([shapely.LineString([(0, 0), (1, 1)])])
    with pytest.raises(ValueError, match="expected one of: auto, numba, numpy"):
        index().query(0.0, 0.0, engine="gpu")  # type: ignore[arg-type]
