"""A broken zone file fails loading with file, record, field and problem (acceptance 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from airmap.geo import ValidationError
from airmap.layers import ZoneCatalogue, validate_file
from tests.common import SQUARE, write_user_zones, zone_feature

GOOD = """
[source.test-src]
url = "https://example.org/zone"
title = "A test source"
confidence = "high"

[[zone]]
id = "test-zone"
name = "Test zone"
kind = "adiz"
declared_by = "KOR"
holder = "KOR"
claimants = ["KOR"]
sources = ["test-src"]
confidence = "medium"

  [[zone.version]]
  version = "1"
  valid_from = 2000-01-01T00:00:00Z
  edge_rule = "great_circle_except_parallels"
  derivation = "published vertices"
  uncertainty_m = 500
  confidence = "medium"
  sources = ["test-src"]

    [[zone.version.vertex]]
    printed = "3900N 12330E"
    lat = 39.0
    lon = 123.5
    sources = ["test-src"]
    confidence = "medium"

    [[zone.version.vertex]]
    printed = "3900N 13300E"
    lat = 39.0
    lon = 133.0
    sources = ["test-src"]
    confidence = "medium"

    [[zone.version.vertex]]
    printed = "3717N 13300E"
    lat = 37.283333
    lon = 133.0
    sources = ["test-src"]
    confidence = "medium"
"""


def write(tmp_path: Path, text: str, name: str = "zones.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        ZoneCatalogue.load(path, with_seeds=False)
    return err.value


def test_good_file_loads(tmp_path: Path) -> None:
    cat = ZoneCatalogue.load(write(tmp_path, GOOD), with_seeds=False)
    assert [v.key for v in cat.versions] == ["test-zone@1"]


def test_wrong_decimal_is_a_transcription_error(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("lat = 37.283333", "lat = 37.383333"))
    err = load_error(path)
    assert err.path == str(path)
    assert err.record == "zone test-zone, version 1, vertex 3"
    assert err.field == "lat"
    assert re.search(
        r"printed '3717N 13300E' gives 37\.283333 \(11\.\d\d km apart\)", err.reason
    )
    assert str(err).startswith(
        f"{path}: zone test-zone, version 1, vertex 3: lat: stored 37.383333"
    )


def test_unclosed_ring_in_a_geojson_zone(tmp_path: Path) -> None:
    feat = zone_feature("open-ring", [SQUARE[:-1]])
    path = write_user_zones(tmp_path / "z.geojson", [feat])
    err = load_error(path)
    assert err.record == "zone open-ring, version 1"
    assert err.field == "geometry"
    assert (
        "outer ring is not closed: first position [130.0, 37.0] differs from last [130.0, 38.0]"
        in err.reason
    )


def test_self_intersecting_vertex_ring(tmp_path: Path) -> None:
    bow = (
        GOOD.replace(
            'printed = "3717N 13300E"\n    lat = 37.283333',
            'printed = "3717N 13300E"\n    lat = 37.283333',
        )
        + """
    [[zone.version.vertex]]
    printed = "4000N 12800E"
    lat = 40.0
    lon = 128.0
    sources = ["test-src"]
    confidence = "medium"
"""
    )
    err = load_error(write(tmp_path, bow))
    assert err.field == "vertex"
    assert "not valid" in err.reason
    assert "Self-intersection" in err.reason


@pytest.mark.parametrize(
    ("old", "new", "record", "field", "reason"),
    [
        (
            'lat = 39.0\n    lon = 133.0\n    sources = ["test-src"]',
            "lat = 39.0\n    lon = 133.0\n    sources = []",
            "zone test-zone, version 1, vertex 2",
            "sources",
            "cites no source",
        ),
        (
            'lat = 39.0\n    lon = 133.0\n    sources = ["test-src"]',
            'lat = 39.0\n    lon = 133.0\n    sources = ["nowhere-2013"]',
            "zone test-zone, version 1, vertex 2",
            "sources",
            "unknown source id 'nowhere-2013'",
        ),
        (
            'lat = 39.0\n    lon = 133.0\n    sources = ["test-src"]\n',
            "lat = 39.0\n    lon = 133.0\n",
            "zone test-zone, version 1, vertex 2",
            "sources",
            "missing",
        ),
        (
            'claimants = ["KOR"]',
            'claimants = ["KOR", "XXQ"]',
            "zone test-zone",
            "claimants",
            "'XXQ'",
        ),
        (
            'kind = "adiz"',
            'kind = "adz"',
            "zone test-zone",
            "kind",
            "unknown kind 'adz'; expected one of",
        ),
        (
            'edge_rule = "great_circle_except_parallels"',
            'edge_rule = "curvy"',
            "zone test-zone, version 1",
            "edge_rule",
            "unknown edge rule 'curvy'",
        ),
        (
            "valid_from = 2000-01-01T00:00:00Z",
            "valid_from = 2000-01-01T00:00:00",
            "zone test-zone, version 1",
            "valid_from",
            "has no time zone",
        ),
        (
            'printed = "3900N 13300E"',
            'printed = "3900N 13300Q"',
            "zone test-zone, version 1, vertex 2",
            "printed",
            "",
        ),
    ],
)
def test_each_broken_field_is_named(
    tmp_path: Path, old: str, new: str, record: str, field: str, reason: str
) -> None:
    assert old in GOOD
    err = load_error(write(tmp_path, GOOD.replace(old, new, 1)))
    problems = [p for p in err.problems if p.record == record and p.field == field]
    assert problems, [str(p) for p in err.problems]
    assert reason in problems[0].reason


def test_overlapping_validity_within_one_zone(tmp_path: Path) -> None:
    second = (
        GOOD.split("  [[zone.version]]")[1]
        .replace('version = "1"', 'version = "2"')
        .replace(
            "valid_from = 2000-01-01T00:00:00Z", "valid_from = 2010-01-01T00:00:00Z"
        )
    )
    err = load_error(write(tmp_path, GOOD + "  [[zone.version]]" + second))
    assert err.record == "zone test-zone, version 2"
    assert err.field == "valid_from"
    assert "overlaps version 1" in err.reason


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    text = (
        GOOD.replace("lat = 37.283333", "lat = 37.383333")
        .replace('kind = "adiz"', 'kind = "adz"')
        .replace("uncertainty_m = 500", "uncertainty_m = -5")
    )
    problems = validate_file(write(tmp_path, text))
    fields = sorted(p.field or "" for p in problems)
    assert fields == ["kind", "lat", "uncertainty_m"]
    assert all(p.path and p.path.endswith("zones.toml") for p in problems)


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    lines = GOOD.splitlines()
    lines[9] = 'kind = "adiz'
    err = load_error(write(tmp_path, "\n".join(lines)))
    assert err.line == 10
    assert "invalid TOML" in err.reason


def test_user_zone_id_clash_with_the_seeds(tmp_path: Path) -> None:
    path = write_user_zones(
        tmp_path / "clash.geojson", [zone_feature("kadiz", [SQUARE])]
    )
    with pytest.raises(
        ValidationError,
        match=r"zone kadiz: id: id 'kadiz' is already used by seeds/zones/kadiz.toml",
    ):
        ZoneCatalogue.load(path)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"nope\.toml: no such file"):
        ZoneCatalogue.load(tmp_path / "nope.toml", with_seeds=False)
