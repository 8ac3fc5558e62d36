"""Loading incident files: local-time rules, derived positions, and every bad-record kind.

Expected values come from ``facts/incidents.md`` (T1, T2, T6, T7, T16, T17) and from
pyproj's ``Geod`` used directly, never from the code under test.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest

from pyproj import Geod

from airmap.incidents import (
    IncidentCatalogue,
    PositionTag,
    bearing_sector,
    derive_position,
    load_incident_files,
)
from airmap.layers import ZoneCatalogue

WGS84 = Geod(ellps="WGS84")
#: Dokdo group centre, facts §0.3 (37°14′30″N 131°52′0″E).
DOKDO = (131.86667, 37.24167)
ULLEUNGDO = (130.85639, 37.50111)

SOURCE = {
    "url": "https://example.org/report",
    "title": "A report",
    "confidence": "medium",
}


def base_doc() -> dict[str, Any]:
    """A small valid incident file (JSON form of the documented format)."""
    return {
        "source": {"rep": SOURCE},
        "landmark": {
            "test-dokdo": {
                "name": "Dokdo centre",
                "lat": DOKDO[1],
                "lon": DOKDO[0],
                "printed": "37°14′30″N 131°52′0″E",
                "tag": "named_place",
                "uncertainty_m": 300,
                "sources": ["rep"],
                "confidence": "medium",
            },
            "test-ulleungdo": {
                "name": "Ulleungdo",
                "lat": ULLEUNGDO[1],
                "lon": ULLEUNGDO[0],
                "tag": "named_place",
                "uncertainty_m": 5000,
                "sources": ["rep"],
                "confidence": "medium",
            },
        },
        "incident": [
            {
                "id": "2019-07-23-test",
                "title": "Test incident",
                "time_zone": "Asia/Seoul",
                "start_local": "2019-07-23T06:44",
                "end_local": "2019-07-23T13:38",
                "sources": ["rep"],
                "confidence": "medium",
                "actor": [
                    {
                        "id": "ru-a50",
                        "state": "RUS",
                        "aircraft": "A-50",
                        "count": 1,
                        "role": "intruder",
                        "sources": ["rep"],
                    }
                ],
                "event": [
                    {
                        "at_local": "2019-07-23T09:09",
                        "actors": ["ru-a50"],
                        "kind": "violation_start",
                        "zone": "ta-dokdo",
                        "says": "first violation begins",
                        "by": "KOR",
                        "sources": ["rep"],
                    }
                ],
                "position": [
                    {
                        "id": "pass-1",
                        "label": "12 km east of Dokdo",
                        "tag": "derived",
                        "from": "test-dokdo",
                        "distance_m": 12000,
                        "distance_uncertainty_m": 500,
                        "bearing": "E",
                        "sources": ["rep"],
                        "confidence": "medium",
                    }
                ],
                "claim": [
                    {
                        "id": "kor-1",
                        "by": "KOR",
                        "says": "violated Dokdo's airspace",
                        "sources": ["rep"],
                        "confidence": "medium",
                        "check": [{"subject": "pass-1", "inside": "ta-dokdo"}],
                    }
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def zones() -> ZoneCatalogue:
    return ZoneCatalogue.default()


def load(
    tmp_path: Path, doc: dict[str, Any], zones: ZoneCatalogue, name: str = "inc.json"
):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path, load_incident_files([path], zones, with_seeds=False)


def problems(tmp_path: Path, doc: dict[str, Any], zones: ZoneCatalogue) -> list[str]:
    path, res = load(tmp_path, doc, zones)
    assert all(p.path == str(path) for p in res.problems)
    return [str(p) for p in res.problems]


def test_valid_file_loads(tmp_path: Path, zones: ZoneCatalogue) -> None:
    _, res = load(tmp_path, base_doc(), zones)
    assert res.problems == []
    (inc,) = res.incidents
    assert inc.window.start == dt.datetime(2019, 7, 22, 21, 44, tzinfo=dt.UTC)


# ----------------------------------------------------------------- times (T6, T7)


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        # T6: 09:09 KST is 00:09 UTC the same day; 06:44 KST is 21:44 UTC the day before.
        (
            "Asia/Seoul",
            "2019-07-23T09:09",
            dt.datetime(2019, 7, 23, 0, 9, tzinfo=dt.UTC),
        ),
        (
            "Asia/Seoul",
            "2019-07-23T06:44",
            dt.datetime(2019, 7, 22, 21, 44, tzinfo=dt.UTC),
        ),
        # T7: Turkey kept UTC+3 until 2015-11-08 04:00 local.
        (
            "Europe/Istanbul",
            "2015-11-24T09:24:05",
            dt.datetime(2015, 11, 24, 7, 24, 5, tzinfo=dt.UTC),
        ),
        (
            "Europe/Istanbul",
            "2015-10-03T12:08",
            dt.datetime(2015, 10, 3, 9, 8, tzinfo=dt.UTC),
        ),
        (
            "Europe/Istanbul",
            "2015-11-07T12:00",
            dt.datetime(2015, 11, 7, 9, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_local_times_follow_the_tz_database(
    tmp_path: Path, zones: ZoneCatalogue, zone: str, local: str, utc: dt.datetime
) -> None:
    doc = base_doc()
    inc = doc["incident"][0]
    inc["time_zone"] = zone
    inc["start_local"] = local
    inc["end_local"] = local
    inc["event"][0]["at_local"] = local
    _, res = load(tmp_path, doc, zones)
    assert res.problems == []
    event = res.incidents[0].events[0]
    assert event.at == utc


def test_t7_moscow_time_of_the_shootdown(tmp_path: Path, zones: ZoneCatalogue) -> None:
    """09:24:05 in Turkey on 2015-11-24 is 10:24:05 MSK (Rudskoy's "10:24")."""
    from zoneinfo import ZoneInfo

    doc = base_doc()
    inc = doc["incident"][0]
    inc.update(
        time_zone="Europe/Istanbul",
        start_local="2015-11-24T09:20",
        end_local="2015-11-24T09:30",
    )
    inc["event"][0]["at_local"] = "2015-11-24T09:24:05"
    inc["event"][0]["zone"] = "ta-tur-hatay"
    _, res = load(tmp_path, doc, zones)
    at = res.incidents[0].events[0].at
    assert at.astimezone(ZoneInfo("Europe/Moscow")).strftime("%H:%M:%S") == "10:24:05"


def test_event_with_offset_and_local_agree(
    tmp_path: Path, zones: ZoneCatalogue
) -> None:
    doc = base_doc()
    ev = doc["incident"][0]["event"][0]
    del ev["at_local"]
    ev["at"] = "2019-07-23T09:09:00+09:00"
    _, res = load(tmp_path, doc, zones)
    assert res.incidents[0].events[0].at == dt.datetime(
        2019, 7, 23, 0, 9, tzinfo=dt.UTC
    )


# ------------------------------------------------------------------ bad records


def _mutate(fn) -> dict[str, Any]:
    doc = base_doc()
    fn(doc)
    return doc


BAD_CASES = {
    "naive datetime": (
        lambda d: d["incident"][0]["event"][0].update(
            at="2019-07-23T09:09", at_local=None
        ),
        "inc.json: incident 2019-07-23-test, event #1: at: '2019-07-23T09:09' has no offset",
    ),
    "end before start": (
        lambda d: d["incident"][0].update(end_local="2019-07-23T05:00"),
        "inc.json: incident 2019-07-23-test: end: the window ends (2019-07-22 20:00:00 UTC) "
        "before it starts (2019-07-22 21:44:00 UTC)",
    ),
    "position without tag": (
        lambda d: d["incident"][0]["position"][0].pop("tag"),
        "inc.json: incident 2019-07-23-test, position pass-1: tag: missing: every position "
        "needs a tag",
    ),
    "position without uncertainty": (
        lambda d: d["incident"][0]["position"].append(
            {
                "id": "crash",
                "label": "crash site",
                "tag": "estimate",
                "lat": 35.85,
                "lon": 36.02,
                "derivation": "read from a verbal description",
                "sources": ["rep"],
                "confidence": "low",
            }
        ),
        "inc.json: incident 2019-07-23-test, position crash: uncertainty_m: missing: every "
        "position needs an uncertainty radius in metres",
    ),
    "unknown source id": (
        lambda d: d["incident"][0]["claim"][0].update(sources=["rpe"]),
        "inc.json: incident 2019-07-23-test, claim kor-1: sources: unknown source id 'rpe' "
        "(did you mean rep?)",
    ),
    "claim naming an unknown zone": (
        lambda d: d["incident"][0]["claim"][0]["check"][0].update(inside="ta-dokd"),
        "inc.json: incident 2019-07-23-test, claim kor-1, check 1: inside: unknown zone "
        "'ta-dokd' (did you mean ta-dokdo",
    ),
    "event naming an unknown zone": (
        lambda d: d["incident"][0]["event"][0].update(zone="kadizz"),
        "inc.json: incident 2019-07-23-test, event #1: zone: unknown zone 'kadizz'",
    ),
    "unknown actor": (
        lambda d: d["incident"][0]["event"][0].update(actors=["ru-a5O"]),
        "inc.json: incident 2019-07-23-test, event #1: actors: unknown actor 'ru-a5O'",
    ),
    "typed coordinates on a derived position": (
        lambda d: d["incident"][0]["position"][0].update(lat=37.2416),
        "inc.json: incident 2019-07-23-test, position pass-1: lat: a derived position is "
        "computed from",
    ),
    "unknown time zone": (
        lambda d: d["incident"][0].update(time_zone="Asia/Soul"),
        "inc.json: incident 2019-07-23-test: time_zone: 'Asia/Soul' is not an IANA time zone",
    ),
    "nonexistent local time": (
        lambda d: d["incident"][0].update(
            time_zone="Europe/Istanbul",
            start_local="2015-03-29T03:30",  # clocks went 03:00 → 04:00
        ),
        "inc.json: incident 2019-07-23-test: start_local: 2015-03-29T03:30:00 does not exist "
        "in Europe/Istanbul",
    ),
    "repeated local time": (
        lambda d: d["incident"][0].update(
            time_zone="Europe/Istanbul",
            start_local="2015-11-08T03:30",  # clocks went 04:00 → 03:00
        ),
        "inc.json: incident 2019-07-23-test: start_local: 2015-11-08T03:30:00 is repeated",
    ),
    "unknown bearing word": (
        lambda d: d["incident"][0]["position"][0].update(bearing="NEE"),
        "inc.json: incident 2019-07-23-test, position pass-1: bearing: unknown bearing word 'NEE'",
    ),
    "unknown state code": (
        lambda d: d["incident"][0]["claim"][0].update(by="ROK"),
        "inc.json: incident 2019-07-23-test, claim kor-1: by: 'ROK' is not an ISO 3166-1 "
        "alpha-3 code",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_record_is_named(tmp_path: Path, zones: ZoneCatalogue, case: str) -> None:
    mutate, expected = BAD_CASES[case]
    doc = _mutate(lambda d: mutate(d))
    # drop keys set to None by the mutations (JSON has no "absent" marker)
    for ev in doc["incident"][0]["event"]:
        for k in [k for k, v in ev.items() if v is None]:
            del ev[k]
    found = problems(tmp_path, doc, zones)
    expected = expected.replace("inc.json", str(tmp_path / "inc.json"))
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_not_just_the_first(
    tmp_path: Path, zones: ZoneCatalogue
) -> None:
    doc = base_doc()
    doc["incident"][0]["claim"][0]["sources"] = ["nope"]
    doc["incident"][0]["position"][0].pop("tag")
    doc["incident"][0]["end_local"] = "2019-07-22T00:00"
    found = problems(tmp_path, doc, zones)
    assert len(found) == 3, found
    assert IncidentCatalogue  # the public class exists for the raising path


def test_raising_load_lists_every_problem(tmp_path: Path, zones: ZoneCatalogue) -> None:
    from airmap.geo import ValidationError

    doc = base_doc()
    doc["incident"][0]["claim"][0]["sources"] = ["nope"]
    doc["incident"][0]["position"][0].pop("tag")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        IncidentCatalogue.load(path, zones=zones, with_seeds=False)
    assert len(info.value.problems) == 2


def test_toml_syntax_error_names_the_line(tmp_path: Path, zones: ZoneCatalogue) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[incident]]\nid = "x"\ntitle = \n', encoding="utf-8")
    res = load_incident_files([path], zones, with_seeds=False)
    (p,) = res.problems
    assert p.path == str(path)
    assert p.line == 3
    assert "invalid TOML" in p.reason


# ------------------------------------------------------------- derived positions


def test_t1_t2_derived_positions_match_the_facts(
    tmp_path: Path, zones: ZoneCatalogue
) -> None:
    """facts §1.3: 12 km E → 37.2416, 132.0019; 13 km W → 37.2416, 131.7202."""
    doc = base_doc()
    p2 = copy.deepcopy(doc["incident"][0]["position"][0])
    p2.update(id="pass-2", distance_m=13000, bearing="W")
    doc["incident"][0]["position"].append(p2)
    _, res = load(tmp_path, doc, zones)
    inc = res.incidents[0]
    for pid, (lat, lon), dist in (
        ("pass-1", (37.2416, 132.0019), 12000),
        ("pass-2", (37.2416, 131.7202), 13000),
    ):
        p = inc.position(pid)
        assert p.tag is PositionTag.DERIVED
        _, _, off = WGS84.inv(p.lon, p.lat, lon, lat)
        assert off < 15, (pid, off)  # the facts print 4 decimals (~10 m)
        # and the distance to the Dokdo centre is the stated one (T1: 12 km; T2: 13 km)
        _, _, d = WGS84.inv(DOKDO[0], DOKDO[1], p.lon, p.lat)
        assert d == pytest.approx(dist, abs=0.01)
        assert "bearing E" in p.derivation or "bearing W" in p.derivation


def test_derived_radius_covers_the_sector_and_no_more() -> None:
    """The radius is the farthest point of the ±22.5° × ±Δd sector (brute force with Geod)."""
    lon, lat, r = derive_position(DOKDO[0], DOKDO[1], 12_000, 90.0, 22.5, 500)
    best = 0.0
    for az10 in range(675, 1126):  # 67.5° … 112.5° every 0.1°
        for d in (11_500, 12_500):
            x, y, _ = WGS84.fwd(DOKDO[0], DOKDO[1], az10 / 10, d)
            best = max(best, WGS84.inv(lon, lat, x, y)[2])
    assert r == pytest.approx(best, abs=1.0)
    # ≈ the law-of-cosines figure for a flat sector: sqrt(12.5² + 12² − 2·12.5·12·cos 22.5°)
    flat = (
        math.sqrt(12.5**2 + 12**2 - 2 * 12.5 * 12 * math.cos(math.radians(22.5))) * 1000
    )
    assert r == pytest.approx(flat, rel=0.01)


def test_t16_114_km_ne_of_dokdo_contains_the_coast_guard_position() -> None:
    """T16: 38°10′N 132°27′E is 114.8 km from Dokdo at about 26°: inside '114 km NE'."""
    x, y, r = derive_position(DOKDO[0], DOKDO[1], 114_000, *bearing_sector("NE"), 500)
    az, _, d = WGS84.inv(DOKDO[0], DOKDO[1], 132.45, 38 + 10 / 60)
    assert d == pytest.approx(114_800, abs=100)
    assert 20 < az < 32
    assert WGS84.inv(x, y, 132.45, 38 + 10 / 60)[2] < r


def test_t17_ulleungdo_to_dokdo_centre_to_centre() -> None:
    """T17: centre to centre 94.0 km (the published 87.4 km is coast to coast)."""
    from airmap.geo import distance_m

    assert distance_m(*ULLEUNGDO, *DOKDO) == pytest.approx(94_000, abs=100)


def test_distance_only_statement_is_a_ring(
    tmp_path: Path, zones: ZoneCatalogue
) -> None:
    """T3: every point 25 km from the Dokdo centre is outside Dokdo's territorial airspace."""
    doc = base_doc()
    inc = doc["incident"][0]
    inc["position"].append(
        {
            "id": "ring",
            "label": "more than 25 km away",
            "tag": "derived",
            "from": "test-dokdo",
            "distance_m": 25000,
            "distance_uncertainty_m": 0,
            "bearing": "any",
            "by": "RUS",
            "sources": ["rep"],
            "confidence": "low",
        }
    )
    inc["claim"].append(
        {
            "id": "rus",
            "role": "counter_claim",
            "by": "RUS",
            "says": "stayed more than 25 km away",
            "sources": ["rep"],
            "confidence": "medium",
            "check": [{"subject": "ring", "outside": "ta-dokdo"}],
        }
    )
    path = tmp_path / "ring.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    cat = IncidentCatalogue.load(path, zones=zones, with_seeds=False)
    ring = cat.get("2019-07-23-test").position("ring")
    assert ring.is_ring
    for x, y in list(ring.geometry.coords)[::50]:
        assert WGS84.inv(DOKDO[0], DOKDO[1], x, y)[2] == pytest.approx(25_000, abs=1)
    verdict = cat.assess("2019-07-23-test").claim("rus")
    assert verdict.verdict.value == "supported"
    # T3's example point 37.4669, 131.8667 (25 km north) is outside ta-dokdo
    (m,) = [m for m in zones.check(131.8667, 37.4669) if m.zone_id == "ta-dokdo"]
    assert m.status.label == "outside"
