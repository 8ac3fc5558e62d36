"""Reading tracks from CSV, Parquet and MF-JSON, and writing MF-JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from airmap.geo import FT, CRSMismatchError, InputError
from airmap.incidents import Track, TrackSet, read_tracks, write_mfjson

T0 = 1563840540  # 2019-07-23T00:09:00Z in Unix seconds


def utc(*texts: str) -> np.ndarray:
    return np.array([t.rstrip("Z") for t in texts], dtype="datetime64[ns]")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def raises_exactly(message: str) -> Any:
    return pytest.raises(InputError, match=f"^{re.escape(message)}$")


# ------------------------------------------------------------------------ CSV
def test_csv_groups_interleaved_rows_by_id_in_file_order(tmp_path: Path) -> None:
    src = write(
        tmp_path / "tracks.csv",
        "track_id,time,lat,lon,altitude_m\n"
        "b,2019-07-23T09:09:00+09:00,37.0,131.0,100\n"
        "a,2019-07-23T00:09:00Z,37.5,132.0,\n"
        "b,2019-07-23T00:09:10Z,37.1,131.1,110\n"
        "\n"
        "a,2019-07-23T00:09:05.5Z,37.4,132.0,200\n",
    )
    tracks = read_tracks(src)
    assert isinstance(tracks, TrackSet)
    assert tracks.path == str(src)
    assert tracks.skipped_rows == 0
    assert [t.id for t in tracks] == ["b", "a"]  # order of first appearance
    b, a = tracks
    np.testing.assert_array_equal(
        b.time, utc("2019-07-23T00:09:00", "2019-07-23T00:09:10")
    )
    np.testing.assert_array_equal(b.lat, [37.0, 37.1])
    np.testing.assert_array_equal(
        a.time, utc("2019-07-23T00:09:00", "2019-07-23T00:09:05.5")
    )
    assert a.altitude_m is not None
    assert np.isnan(a.altitude_m[0])
    assert a.altitude_m[1] == 200.0
    assert tracks.samples == 4
    assert a.origin == str(src)


def test_csv_column_names_are_case_insensitive_and_ranked(tmp_path: Path) -> None:
    # track_id beats icao24 and callsign; lng is a longitude; traffic's
    # `altitude` is in feet
    src = write(
        tmp_path / "t.csv",
        "Callsign,ICAO24,Track_ID,Timestamp,Latitude,Lng,Altitude\n"
        "KAL1,71c123,t-1,2019-07-23T00:09:00Z,37.0,131.0,10000\n",
    )
    (track,) = read_tracks(src)
    assert track.id == "t-1"
    assert track.lon[0] == 131.0
    assert track.altitude_m is not None
    assert track.altitude_m[0] == pytest.approx(10000 * FT)


def test_csv_unix_seconds_and_opensky_altitudes(tmp_path: Path) -> None:
    # baroaltitude wins over geoaltitude; both are metres
    src = write(
        tmp_path / "states.csv",
        "time,icao24,lat,lon,baroaltitude,geoaltitude\n"
        f"{T0},71c123,37.41,132.0019,7000.5,7100\n"
        f"{T0 + 10},71c123,37.40,132.0019,,7110\n",
    )
    (track,) = read_tracks(src)
    np.testing.assert_array_equal(
        track.time, utc("2019-07-23T00:09:00", "2019-07-23T00:09:10")
    )
    assert track.altitude_m is not None
    np.testing.assert_array_equal(track.altitude_m, [7000.5, np.nan])


def test_columns_override(tmp_path: Path) -> None:
    src = write(
        tmp_path / "t.csv",
        "hex,t,y,x,alt,altitude_m,sigma\n"
        "abc,2019-07-23T00:09:00Z,37.0,131.0,1000,1,50\n",
    )
    (track,) = read_tracks(
        src,
        columns={
            "id": "hex",
            "time": "t",
            "lat": "y",
            "lon": "x",
            "altitude_ft": "alt",
            "uncertainty_m": "sigma",
        },
    )
    assert track.id == "abc"
    assert track.altitude_m is not None
    assert track.altitude_m[0] == pytest.approx(304.8)
    assert track.uncertainty_m is not None
    assert track.uncertainty_m[0] == 50.0
    (plain,) = read_tracks(
        src,
        columns={"id": "hex", "time": "t", "lat": "y", "lon": "x", "altitude_m": None},
    )
    assert plain.altitude_m is None


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"heading": "hdg"}, "columns: unknown key 'heading'"),
        ({"altitude_m": "a", "altitude_ft": "b"}, "give altitude_m or altitude_ft"),
        ({"lat": None}, "columns: lat must be a column name"),
    ],
)
def test_columns_override_misuse(
    tmp_path: Path, columns: dict[str, Any], message: str
) -> None:
    src = write(tmp_path / "t.csv", "track_id,time,lat,lon\n")
    with pytest.raises(ValueError, match=re.escape(message)):
        read_tracks(src, columns=columns)


def test_header_only_gives_no_tracks(tmp_path: Path) -> None:
    src = write(tmp_path / "t.csv", "track_id,time,lat,lon\n")
    tracks = read_tracks(src)
    assert tracks == []
    assert tracks.samples == 0


def test_skip_missing_positions(tmp_path: Path) -> None:
    src = write(
        tmp_path / "states.csv",
        "time,icao24,lat,lon\n"
        f"{T0},a,37.0,131.0\n"
        f"{T0},b,,\n"  # OpenSky: no position yet; its other fields do not matter
        f"{T0 + 5},a,,131.0\n"
        f"{T0 + 10},a,37.1,131.1\n",
    )
    with raises_exactly(
        f"{src}:3: lat: is empty; to skip rows without a position pass "
        "skip_missing_positions=True (airmap check: --skip-missing-positions)"
    ):
        read_tracks(src)
    tracks = read_tracks(src, skip_missing_positions=True)
    assert tracks.skipped_rows == 2
    assert [(t.id, len(t)) for t in tracks] == [("a", 2)]


def test_chunks_keep_line_numbers_and_tracks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airmap.incidents import _io

    monkeypatch.setattr(_io, "CHUNK_ROWS", 2)
    rows = [f"{'ab'[i % 2]},{T0 + i},37.0,131.0" for i in range(7)]
    src = write(tmp_path / "t.csv", "icao24,time,lat,lon\n" + "\n".join(rows) + "\n")
    tracks = read_tracks(src)
    assert [(t.id, len(t)) for t in tracks] == [("a", 4), ("b", 3)]
    write(src, src.read_text() + f"b,{T0 + 5},37.0,131.0\n")
    with raises_exactly(
        f"{src}:9: track 'b': time: same time as line 7 (2019-07-23 00:09:05 UTC); "
        "duplicate times are not dropped — remove or merge one of the two rows"
    ):
        read_tracks(src)


CSV_HEAD = "track_id,time,lat,lon\n"
CSV_ERRORS = [
    pytest.param(
        "track_id,tim,lat,lon\na,2019-07-23T00:09Z,37,131\n",
        ":1: time: missing column: none of time, timestamp (the header has: "
        "track_id, tim, lat, lon); rename the column, or pass columns={'time': ...} to read_tracks",
        id="missing-column",
    ),
    pytest.param(
        "time,lat,lon\n2019-07-23T00:09Z,37,131\n",
        ":1: id: missing column: none of track_id, flight_id, icao24, callsign "
        "(the header has: time, lat, lon); rename the column, or pass columns={'id': ...} to read_tracks",
        id="missing-id-column",
    ),
    pytest.param(
        "track_id,time,lat,LAT,lon\n",
        ":1: lat: column appears twice",
        id="twice",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,37,131\na,2019-07-23T00:10,37,131\n",
        ":3: time: '2019-07-23T00:10' has no time zone; add Z for UTC or an "
        "offset like +09:00",
        id="naive-time",
    ),
    pytest.param(
        CSV_HEAD + "a,yesterday Z,37,131\n",
        ":2: time: 'yesterday Z' is not an ISO 8601 date-time",
        id="unparseable-time",
    ),
    pytest.param(
        CSV_HEAD + "a,,37,131\n",
        ":2: time: is empty",
        id="empty-time",
    ),
    pytest.param(
        CSV_HEAD + f"a,{T0}000,37,131\n",
        f":2: time: {T0}000 is not a time in Unix seconds (0 to 10^11; "
        "milliseconds must be divided by 1000)",
        id="milliseconds",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,91.5,131\n",
        ":2: lat: 91.5 is outside -90..90",
        id="lat-range",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,37,-180.5\n",
        ":2: lon: -180.5 is outside -180..180",
        id="lon-range",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,37,\n",
        ":2: lon: is empty; to skip rows without a position pass "
        "skip_missing_positions=True (airmap check: --skip-missing-positions)",
        id="missing-lon",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,north,131\n",
        ":2: lat: 'north' is not a number",
        id="not-a-number",
    ),
    pytest.param(
        CSV_HEAD + ",2019-07-23T00:09Z,37,131\n",
        ":2: track_id: track id is empty",
        id="empty-id",
    ),
    pytest.param(
        CSV_HEAD
        + "a,2019-07-23T00:09Z,37,131\nb,2019-07-23T00:09Z,37,131\n"
        + "a,2019-07-23T09:09+09:00,37.1,131\n",
        ":4: track 'a': time: same time as line 2 (2019-07-23 00:09:00 UTC); "
        "duplicate times are not dropped — remove or merge one of the two rows",
        id="duplicate-time",
    ),
    pytest.param(
        CSV_HEAD
        + "a,2019-07-23T00:10Z,37,131\nb,2019-07-23T00:00Z,37,131\n"
        + "a,2019-07-23T00:09Z,37.1,131\n",
        ":4: track 'a': time: 2019-07-23 00:09:00 UTC is earlier than line 2 "
        "(2019-07-23 00:10:00 UTC); a track's rows must be in time order — sort "
        "them by time first",
        id="unsorted",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,37,131,7\n",
        ":2: row has 5 fields but the header has 4",
        id="long-first-row",
    ),
    pytest.param(
        CSV_HEAD + "a,2019-07-23T00:09Z,37,131\na,2019-07-23T00:10Z,37,131,7\n",
        ":3: row has 5 fields but the header has 4",
        id="long-row",
    ),
    pytest.param(
        "track_id,time,lat,lon,uncertainty_m\na,2019-07-23T00:09Z,37,131,-1\n",
        ":2: uncertainty_m: -1 is outside 0 m and up (it is a radius)",
        id="negative-uncertainty",
    ),
    pytest.param("", ": file is empty (expected a header line)", id="empty-file"),
]


@pytest.mark.parametrize(("text", "message"), CSV_ERRORS)
def test_csv_errors_name_file_line_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    src = write(tmp_path / "tracks.csv", text)
    with raises_exactly(f"{src}{message}") as info:
        read_tracks(src)
    assert info.value.path == str(src)


def test_first_problem_in_file_order_wins(tmp_path: Path) -> None:
    src = write(
        tmp_path / "t.csv",
        CSV_HEAD + "a,2019-07-23T00:09Z,37,181\na,2019-07-23T00:10,91,131\n",
    )
    with raises_exactly(f"{src}:2: lon: 181 is outside -180..180"):
        read_tracks(src)


def test_format_from_suffix_and_overrides(tmp_path: Path) -> None:
    src = write(tmp_path / "t.dat", CSV_HEAD + "a,2019-07-23T00:09Z,37,131\n")
    with raises_exactly(
        f"{src}: cannot tell the format from the suffix '.dat'; give "
        "format='csv', 'parquet' or 'mfjson'"
    ):
        read_tracks(src)
    assert len(read_tracks(src, format="csv")) == 1
    with pytest.raises(ValueError, match="unknown track format 'xml'"):
        read_tracks(src, format="xml")
    with pytest.raises(FileNotFoundError):
        read_tracks(tmp_path / "missing.csv")


# -------------------------------------------------------------------- Parquet
def opensky_table() -> Any:
    """OpenSky state vectors: int Unix seconds, metres, null positions."""
    return pa.table(
        {
            "time": pa.array([T0, T0, T0 + 10, T0 + 10, T0 + 20], pa.int64()),
            "icao24": ["71c123", "0d0d0d", "71c123", "0d0d0d", "71c123"],
            "lat": [37.41, None, 37.39, 36.5, 37.37],
            "lon": [132.0019, None, 132.0019, 131.0, 132.0019],
            "velocity": [200.0] * 5,
            "baroaltitude": [7000.0, None, 7010.0, 5000.0, None],
            "geoaltitude": [7100.0, None, 7110.0, 5100.0, 7120.0],
            "onground": [False] * 5,
            "serials": pa.array([[1, 2]] * 5),  # a column we must not need
        }
    )


def test_parquet_opensky_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "states.parquet"
    pq.write_table(opensky_table(), src)
    with raises_exactly(
        f"{src}: row 2: lat: is empty; to skip rows without a position pass "
        "skip_missing_positions=True (airmap check: --skip-missing-positions)"
    ):
        read_tracks(src)

    asked: list[list[str]] = []
    original = pq.ParquetFile.iter_batches

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(list(kwargs["columns"]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    tracks = read_tracks(src, skip_missing_positions=True)
    assert sorted(asked[0]) == ["baroaltitude", "icao24", "lat", "lon", "time"]
    assert tracks.skipped_rows == 1
    assert [(t.id, len(t)) for t in tracks] == [("71c123", 3), ("0d0d0d", 1)]
    main = tracks[0]
    np.testing.assert_array_equal(
        main.time,
        utc("2019-07-23T00:09:00", "2019-07-23T00:09:10", "2019-07-23T00:09:20"),
    )
    assert main.altitude_m is not None
    np.testing.assert_array_equal(main.altitude_m, [7000.0, 7010.0, np.nan])
    np.testing.assert_array_equal(main.lat, [37.41, 37.39, 37.37])


def test_parquet_traffic_columns(tmp_path: Path) -> None:
    """traffic: zone-aware timestamp, altitude in feet, flight_id."""
    src = tmp_path / "flights.parquet"
    frame = pd.DataFrame(
        {
            "flight_id": ["KAL1_0", "KAL1_0", "KAL1_0"],
            "callsign": ["KAL1"] * 3,
            "icao24": ["71c123"] * 3,
            "timestamp": pd.to_datetime(
                ["2019-07-23 09:09:00", "2019-07-23 09:09:04", "2019-07-23 09:09:08"]
            ).tz_localize("Asia/Seoul"),
            "latitude": [37.0, 37.01, 37.02],
            "longitude": [131.0, 131.0, 131.0],
            "altitude": [35000.0, 35025.0, None],
        }
    )
    frame.to_parquet(src)
    (track,) = read_tracks(src)
    assert track.id == "KAL1_0"
    np.testing.assert_array_equal(
        track.time,
        utc("2019-07-23T00:09:00", "2019-07-23T00:09:04", "2019-07-23T00:09:08"),
    )
    assert track.altitude_m is not None
    np.testing.assert_array_equal(
        track.altitude_m, [35000 * 0.3048, 35025 * 0.3048, np.nan]
    )


def test_parquet_naive_timestamps_are_refused(tmp_path: Path) -> None:
    src = tmp_path / "naive.parquet"
    pd.DataFrame(
        {
            "flight_id": ["a"],
            "timestamp": pd.to_datetime(["2019-07-23 09:09:00"]),
            "lat": [37.0],
            "lon": [131.0],
        }
    ).to_parquet(src)
    with raises_exactly(
        f"{src}: timestamp: the column holds date-times without a time zone; "
        "store them zone-aware (e.g. UTC) — a naive time is never guessed"
    ):
        read_tracks(src)


def test_parquet_errors_name_rows(tmp_path: Path) -> None:
    src = tmp_path / "t.parquet"
    pq.write_table(
        pa.table(
            {
                "track_id": ["a", "b", "a"],
                "time": pa.array([T0 + 5, T0, T0], pa.int64()),
                "lat": [37.0, 37.0, 37.0],
                "lon": [131.0, 131.0, 131.0],
            }
        ),
        src,
    )
    with raises_exactly(
        f"{src}: row 3, track 'a': time: 2019-07-23 00:09:00 UTC is earlier than "
        "row 1 (2019-07-23 00:09:05 UTC); a track's rows must be in time order — "
        "sort them by time first"
    ):
        read_tracks(src)
    pq.write_table(pa.table({"icao": ["a"], "time": [T0]}), src)
    with raises_exactly(
        f"{src}: id: missing column: none of track_id, flight_id, icao24, callsign "
        "(the file has: icao, time); rename the column, or pass columns={'id': ...} to read_tracks"
    ):
        read_tracks(src)


def test_not_parquet(tmp_path: Path) -> None:
    src = write(tmp_path / "t.parquet", "track_id,time,lat,lon\n")
    with pytest.raises(InputError, match=r"t\.parquet: not a readable Parquet file"):
        read_tracks(src)


# -------------------------------------------------------------------- MF-JSON
def mf_feature(**extra: Any) -> dict[str, Any]:
    """A MovingPoint feature shaped like the OGC 19-045r3 examples."""
    feature: dict[str, Any] = {
        "type": "Feature",
        "properties": {"name": "A-50 pass 1"},
        "temporalGeometry": {
            "type": "MovingPoint",
            "datetimes": [
                "2019-07-23T00:09:00Z",
                "2019-07-23T09:09:30+09:00",
                "2019-07-23T00:10:00.250Z",
            ],
            "coordinates": [
                [132.0, 37.5, 9000.0],
                [132.0, 37.4, 9100],
                [132.0, 37.3, 9200],
            ],
            "interpolation": "Linear",
        },
    }
    feature.update(extra)
    return feature


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_mfjson_single_feature(tmp_path: Path) -> None:
    src = write_json(tmp_path / "a50.json", mf_feature())
    (track,) = read_tracks(src)
    assert track.id == "A-50 pass 1"
    np.testing.assert_array_equal(
        track.time,
        utc("2019-07-23T00:09:00", "2019-07-23T00:09:30", "2019-07-23T00:10:00.25"),
    )
    # no altitude property: the third coordinate, metres
    assert track.altitude_m is not None
    np.testing.assert_array_equal(track.altitude_m, [9000.0, 9100.0, 9200.0])


def test_mfjson_collection_with_temporal_altitude(tmp_path: Path) -> None:
    times = mf_feature()["temporalGeometry"]["datetimes"]
    with_feet = mf_feature(
        id="tu-95-1",
        temporalProperties=[
            {
                "datetimes": times,
                "altitude": {
                    "type": "Measure",
                    "form": "FOT",
                    "values": [30000, None, 31000],
                    "interpolation": "Linear",
                },
            }
        ],
        crs={"type": "Name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    second = mf_feature(properties={"hypothesis": "reconstructed", "sources": ["jcs"]})
    src = write_json(
        tmp_path / "tracks.mfjson",
        {"type": "FeatureCollection", "features": [with_feet, second]},
    )
    first, other = read_tracks(src)
    assert first.id == "tu-95-1"
    assert first.altitude_m is not None
    np.testing.assert_array_equal(first.altitude_m, [30000 * FT, np.nan, 31000 * FT])
    assert other.id == "tracks-2"  # no id anywhere: file stem and number
    assert other.hypothesis == "reconstructed"
    assert other.sources == ("jcs",)


def test_mfjson_round_trip(tmp_path: Path) -> None:
    observed = Track.from_arrays(
        "71c123",
        [
            "2019-07-23T00:09:00Z",
            "2019-07-23T00:09:00.5Z",
            "2019-07-23T00:09:01.000001Z",
        ],
        [132.0019, 132.0019, 132.00190001],
        [37.41, 37.405, 37.4],
        [7000.0, np.nan, 7010.25],
        [30.0, 30.0, 45.5],
    )
    hypothesis = Track.from_arrays(
        "a50-hypothesis-1",
        ["2019-07-23T00:09Z"],
        [131.9],
        [37.2],
        hypothesis="straight line between the two published positions",
        sources=("jcs-2019-07-23", "mnd-2019-07-23"),
    )
    out = write_mfjson([observed, hypothesis], tmp_path / "tracks.json")
    assert out == tmp_path / "tracks.json"
    assert [p.name for p in tmp_path.iterdir()] == ["tracks.json"]  # no temp file
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    f0 = doc["features"][0]
    assert f0["temporalGeometry"]["type"] == "MovingPoint"
    assert f0["temporalGeometry"]["datetimes"][0] == "2019-07-23T00:09:00.000000Z"
    assert f0["temporalProperties"][0]["altitude_m"]["form"] == "MTR"
    assert f0["temporalProperties"][0]["altitude_m"]["values"][1] is None
    assert doc["features"][1]["temporalGeometry"]["datetimes"] == [
        "2019-07-23T00:09:00Z"
    ]
    assert doc["features"][1]["properties"]["sources"] == [
        "jcs-2019-07-23",
        "mnd-2019-07-23",
    ]
    back = read_tracks(out)
    assert [t.id for t in back] == [observed.id, hypothesis.id]
    for before, after in zip([observed, hypothesis], back, strict=True):
        np.testing.assert_array_equal(after.time, before.time)
        np.testing.assert_array_equal(after.lon, before.lon)
        np.testing.assert_array_equal(after.lat, before.lat)
        for name in ("altitude_m", "uncertainty_m"):
            a, b = getattr(after, name), getattr(before, name)
            assert (a is None) == (b is None)
            if b is not None:
                np.testing.assert_array_equal(a, b)
        assert after.hypothesis == before.hypothesis
        assert after.sources == before.sources


def test_write_mfjson_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = write(tmp_path / "tracks.json", "old\n")
    track = Track.from_arrays("a", ["2019-07-23T00:09Z"], [131.0], [37.0])
    with pytest.raises(ValueError, match="two tracks have the id 'a'"):
        write_mfjson([track, track], target)
    with pytest.raises(TypeError, match="takes Track objects, got str"):
        write_mfjson(["a"], target)  # type: ignore[list-item]
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tracks.json"]


def _bad_crs(f: dict[str, Any]) -> None:
    f["crs"] = {"type": "Name", "properties": {"name": "EPSG:3857"}}


MF_ERRORS = [
    pytest.param(
        lambda f: f.update(type="Polygon"),
        ": type: expected a Feature or FeatureCollection of MovingPoint features, "
        "got 'Polygon'",
        id="type",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"].update(type="MovingPolygon"),
        ": feature: temporalGeometry.type: type 'MovingPolygon' is not read; only "
        "MovingPoint tracks are",
        id="moving-polygon",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["datetimes"].__setitem__(
            1, "2019-07-23T00:09:30"
        ),
        ": feature: temporalGeometry.datetimes[1]: '2019-07-23T00:09:30' has no time "
        "zone; add Z for UTC or an offset like +09:00",
        id="naive",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["datetimes"].__setitem__(1, "soon Z"),
        ": feature: temporalGeometry.datetimes[1]: 'soon Z' is not an ISO 8601 "
        "date-time",
        id="unparseable",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["datetimes"].__setitem__(
            2, "2019-07-23T00:09:30Z"
        ),
        ": feature: temporalGeometry.datetimes[2]: same time as datetimes[1] "
        "(2019-07-23 00:09:30 UTC); duplicate times are not dropped",
        id="duplicate",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["datetimes"].__setitem__(
            2, "2019-07-23T00:09:10Z"
        ),
        ": feature: temporalGeometry.datetimes[2]: 2019-07-23 00:09:10 UTC is earlier "
        "than datetimes[1] (2019-07-23 00:09:30 UTC); datetimes must increase",
        id="unsorted",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["coordinates"].pop(),
        ": feature: temporalGeometry.coordinates: 2 coordinates for 3 datetimes",
        id="lengths",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["coordinates"].__setitem__(1, [132.0, 95.0]),
        ": feature: temporalGeometry.coordinates[1]: has 2 values where earlier "
        "coordinates have 3",
        id="ragged",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["coordinates"].__setitem__(1, [132.0, 95.0, 0]),
        ": feature: temporalGeometry.coordinates[1]: lat 95.0 is outside -90..90",
        id="lat-range",
    ),
    pytest.param(
        lambda f: f["temporalGeometry"]["coordinates"].__setitem__(1, [None, None, 0]),
        ": feature: temporalGeometry.coordinates[1]: has no position; to skip rows "
        "without a position pass skip_missing_positions=True (airmap check: "
        "--skip-missing-positions)",
        id="no-position",
    ),
    pytest.param(
        lambda f: f.update(
            temporalProperties=[
                {
                    "datetimes": f["temporalGeometry"]["datetimes"],
                    "altitude": {"type": "Measure", "values": [1, 2, 3]},
                }
            ]
        ),
        ': feature: temporalProperties[0].altitude.form: no unit: give "form": '
        '"MTR" (metres) or "FOT" (feet)',
        id="altitude-unit",
    ),
    pytest.param(
        lambda f: f.update(
            temporalProperties=[
                {
                    "datetimes": f["temporalGeometry"]["datetimes"][:2],
                    "altitude_m": {"type": "Measure", "values": [1, 2]},
                }
            ]
        ),
        ": feature: temporalProperties[0].datetimes: datetimes differ from "
        "temporalGeometry.datetimes (values are not resampled)",
        id="property-times",
    ),
]


@pytest.mark.parametrize(("damage", "message"), MF_ERRORS)
def test_mfjson_errors(tmp_path: Path, damage: Any, message: str) -> None:
    feature = mf_feature()
    damage(feature)
    src = write_json(tmp_path / "t.json", feature)
    with raises_exactly(f"{src}{message}"):
        read_tracks(src)


def test_mfjson_collection_errors_name_the_feature(tmp_path: Path) -> None:
    good = mf_feature(id="x")
    bad = mf_feature(id="y")
    bad["temporalGeometry"]["datetimes"][0] = "2019-07-23"
    src = write_json(
        tmp_path / "t.json", {"type": "FeatureCollection", "features": [good, bad]}
    )
    with raises_exactly(
        f"{src}: features[1]: temporalGeometry.datetimes[0]: '2019-07-23' has no "
        "time zone; add Z for UTC or an offset like +09:00"
    ):
        read_tracks(src)
    src = write_json(
        tmp_path / "t.json", {"type": "FeatureCollection", "features": [good, good]}
    )
    with raises_exactly(
        f"{src}: features[1]: id: track id 'x' is already used by features[0]"
    ):
        read_tracks(src)


def test_mfjson_refuses_other_crs_and_bad_json(tmp_path: Path) -> None:
    feature = mf_feature()
    _bad_crs(feature)
    src = write_json(tmp_path / "t.json", feature)
    with pytest.raises(CRSMismatchError, match="crs: EPSG:3857 is not WGS84"):
        read_tracks(src)
    write(src, '{"type": "Feature",\n "temporalGeometry": }')
    with raises_exactly(f"{src}:2: not valid JSON: Expecting value (column 22)"):
        read_tracks(src)


def test_mfjson_skip_missing_positions(tmp_path: Path) -> None:
    feature = mf_feature()
    feature["temporalGeometry"]["coordinates"][1] = [None, None, None]
    src = write_json(tmp_path / "t.json", feature)
    tracks = read_tracks(src, skip_missing_positions=True)
    assert tracks.skipped_rows == 1
    assert len(tracks[0]) == 2
