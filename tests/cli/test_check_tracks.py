"""``airmap check FILE --tracks``: crossings CSV, summary, and every error path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from airmap.geo import GEOD
from airmap.incidents import Track, write_mfjson
from airmap.layers import ZoneCatalogue
from airmap.maps.cli import ExitStatus
from tests.common import run_cli as run

LON = 132.0019  # east of Dokdo, inside its 12 NM territorial airspace at 37.24°N
START = np.datetime64("2019-07-23T00:05:00", "ns")
SPEED_M_S = 200.0
STEP_S = 10


def southbound(n: int = 30) -> tuple[list[str], list[float]]:
    """ISO times and latitudes of a track flying south along LON at 200 m/s."""
    seconds = np.arange(n) * STEP_S
    _, lats, _ = GEOD.fwd(
        np.full(n, LON), np.full(n, 37.5), np.full(n, 180.0), seconds * SPEED_M_S
    )
    times = [f"{t}Z" for t in (START + seconds * np.timedelta64(1, "s")).astype(str)]
    return times, [float(v) for v in lats]


def track_csv(
    path: Path, rows: list[tuple[str, str, float, float]] | None = None
) -> Path:
    if rows is None:
        times, lats = southbound()
        rows = [
            ("a50-synthetic", t, lat, LON) for t, lat in zip(times, lats, strict=True)
        ]
    body = "".join(f"{i},{t},{lat!r},{lon!r}\n" for i, t, lat, lon in rows)
    path.write_text("track_id,time,lat,lon\n" + body, encoding="utf-8")
    return path


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def only_input_left(directory: Path, *inputs: Path) -> None:
    assert sorted(p.name for p in directory.iterdir()) == sorted(p.name for p in inputs)


def assert_dokdo_crossing(rows: list[dict[str, str]]) -> None:
    dokdo = [r for r in rows if r["zone_id"] == "ta-dokdo"]
    assert len(dokdo) == 1, rows
    row = dokdo[0]
    assert row["track_id"] == "a50-synthetic"
    assert row["holder"] == "KOR"
    edge = ZoneCatalogue.default().boundary("ta-dokdo@1978")
    entry = (float(row["entry_lon"]), float(row["entry_lat"]))
    exit_ = (float(row["exit_lon"]), float(row["exit_lat"]))
    assert float(edge.distance_m(*entry)) < 1.0
    assert float(edge.distance_m(*exit_)) < 1.0
    # flying south: in from the north, out to the south, about 2 × 12 NM apart
    assert entry[1] > 37.2416 > exit_[1]
    span_m = GEOD.inv(entry[0], entry[1], exit_[0], exit_[1])[2]
    assert float(row["duration_s"]) == pytest.approx(span_m / SPEED_M_S, rel=1e-3)
    assert float(row["max_depth_m"]) > 10_000


# ----------------------------------------------------------------- success
def test_csv_track_crossing_dokdo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = track_csv(tmp_path / "tracks.csv")
    out_path = tmp_path / "crossings.csv"
    code, out, err = run(["check", str(src), "--tracks", "-o", str(out_path)], capsys)
    assert code == ExitStatus.OK, err
    assert out == ""
    assert_dokdo_crossing(rows_of(out_path.read_text(encoding="utf-8")))
    assert err.count("\n") == 1
    assert err.startswith("1 track, 30 samples: ")
    assert err.endswith(f"→ {out_path}\n")
    only_input_left(tmp_path, src, out_path)


def test_mfjson_track_to_stdout_one_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    times, lats = southbound()
    track = Track.from_arrays("a50-synthetic", times, [LON] * len(lats), lats)
    src = write_mfjson([track], tmp_path / "tracks.json")
    code, out, err = run(
        [
            "check",
            str(src),
            "--tracks",
            "--zone",
            "ta-dokdo",
            "--when",
            "2019-07-23T00:05Z",
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    rows = rows_of(out)
    assert {r["zone_id"] for r in rows} == {"ta-dokdo"}
    assert_dokdo_crossing(rows)


def test_skip_missing_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    times, lats = southbound()
    src = tmp_path / "states.csv"
    body = [
        f"a50-synthetic,{t},{lat!r},{LON!r}\n"
        for t, lat in zip(times, lats, strict=True)
    ]
    body.insert(3, f"other,{times[3]},,\n")
    src.write_text("icao24,time,lat,lon\n" + "".join(body), encoding="utf-8")
    out_path = tmp_path / "crossings.csv"
    code, _, err = run(["check", str(src), "--tracks", "-o", str(out_path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == (
        f"airmap: error: {src}:5: lat: is empty; to skip rows without a position "
        "pass skip_missing_positions=True (airmap check: --skip-missing-positions)\n"
    )
    only_input_left(tmp_path, src)
    code, _, err = run(
        [
            "check",
            str(src),
            "--tracks",
            "--skip-missing-positions",
            "-o",
            str(out_path),
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    assert "; 1 row without a position skipped" in err
    assert_dokdo_crossing(rows_of(out_path.read_text(encoding="utf-8")))


# --------------------------------------------------------------- bad input
T = ("2019-07-23T00:05:00Z", "2019-07-23T00:05:10Z", "2019-07-23T00:05:20Z")
BAD_TRACKS = [
    pytest.param(
        "track_id,time,lat,lon\n"
        f"a,{T[0]},37.5,{LON}\nb,{T[0]},37.5,{LON}\na,{T[0]},37.4,{LON}\n",
        ":4: track 'a': time: same time as line 2 (2019-07-23 00:05:00 UTC); "
        "duplicate times are not dropped — remove or merge one of the two rows",
        id="duplicate-time",
    ),
    pytest.param(
        "track_id,time,lat,lon\n"
        f"a,{T[0]},37.5,{LON}\na,{T[2]},37.4,{LON}\na,{T[1]},37.3,{LON}\n",
        ":4: track 'a': time: 2019-07-23 00:05:10 UTC is earlier than line 3 "
        "(2019-07-23 00:05:20 UTC); a track's rows must be in time order — sort them "
        "by time first",
        id="unsorted",
    ),
    pytest.param(
        f"track_id,time,latitude_deg,lon\na,{T[0]},37.5,{LON}\n",
        ":1: lat: missing column: none of lat, latitude (the header has: track_id, "
        "time, latitude_deg, lon); rename the column, or pass columns={'lat': ...} to read_tracks",
        id="missing-column",
    ),
    pytest.param(
        f"track_id,time,lat,lon\na,{T[0]},37.5,{LON}\na,2019-07-23T00:05:10,37.4,{LON}\n",
        ":3: time: '2019-07-23T00:05:10' has no time zone; add Z for UTC or an offset "
        "like +09:00",
        id="naive-time",
    ),
    pytest.param(
        "track_id,time,lat,lon\n",
        ": no tracks (no data rows)",
        id="no-rows",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_TRACKS)
def test_bad_tracks_exit_1_and_write_nothing(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "tracks.csv"
    src.write_text(text, encoding="utf-8")
    out_path = tmp_path / "crossings.csv"
    code, out, err = run(["check", str(src), "--tracks", "-o", str(out_path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err == f"airmap: error: {src}{message}\n"
    assert not out_path.exists()
    only_input_left(tmp_path, src)


def test_missing_tracks_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "tracks.json"
    code, _, err = run(["check", str(missing), "--tracks"], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {missing}: no such file\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--max-gap", "0"], "--max-gap: 0 must be a number of seconds > 0"),
        (["--max-gap", "nan"], "--max-gap: nan must be a number of seconds > 0"),
        (["--distances"], "--distances does not apply to --tracks"),
        (["--format", "json"], "--format does not apply to --tracks"),
        (["--zone", "ta-dokd"], "--zone: no zone with id 'ta-dokd'; did you mean"),
        (["--when", "2019-07-23"], "--when: '2019-07-23' has no time zone"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = track_csv(tmp_path / "tracks.csv")
    out_path = tmp_path / "crossings.csv"
    code, out, err = run(
        ["check", str(src), "--tracks", "-o", str(out_path), *extra], capsys
    )
    assert code == ExitStatus.USAGE
    assert out == ""
    assert err.startswith("airmap: error: ")
    assert message in err
    only_input_left(tmp_path, src)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["check", "37.2416,132.0019", "--tracks"],
            "--tracks needs a file of tracks, not a position ('37.2416,132.0019')",
        ),
        (
            ["check", "37.2416,132.0019", "--max-gap", "30"],
            "--max-gap applies to --tracks only",
        ),
        (
            ["check", "37.2416,132.0019", "--zone", "ta-dokdo"],
            "--zone applies to --tracks only",
        ),
    ],
)
def test_track_options_with_a_position(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == ExitStatus.USAGE
    assert out == ""
    assert err == f"airmap: error: {message}\n"


# ------------------------------------------------ Parquet (tracks and points)
def test_parquet_opensky_tracks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    times, lats = southbound()
    t0 = int(START.astype("datetime64[s]").astype(np.int64))
    seconds = [t0 + i * STEP_S for i in range(len(times))]
    src = tmp_path / "states.parquet"
    pq.write_table(
        pa.table(
            {
                "time": pa.array(seconds, pa.int64()),
                "icao24": ["a50-synthetic"] * len(lats),
                "lat": lats,
                "lon": [LON] * len(lats),
                "baroaltitude": [9000.0] * len(lats),
            }
        ),
        src,
    )
    out_path = tmp_path / "crossings.csv"
    code, _, err = run(["check", str(src), "--tracks", "-o", str(out_path)], capsys)
    assert code == ExitStatus.OK, err
    assert_dokdo_crossing(rows_of(out_path.read_text(encoding="utf-8")))


def test_parquet_positions_without_tracks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "positions.parquet"
    when = pd.to_datetime(["2019-07-23 09:09", "2019-07-23 09:09"]).tz_localize(
        "Asia/Seoul"
    )
    pq.write_table(
        pa.table(
            {
                "id": ["a50-1", "far"],
                "time": pa.array(when),
                "lon": [132.0019, 140.5],
                "lat": [37.2416, 20.5],
                "velocity": [200.0, 210.0],
            }
        ),
        src,
    )
    out_path = tmp_path / "memberships.csv"
    code, _, err = run(["check", str(src), "-o", str(out_path)], capsys)
    assert code == ExitStatus.OK, err
    rows = rows_of(out_path.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ["a50-1", "far"]
    assert rows[0]["status:ta-dokdo@1978"] == "inside"
    assert rows[0]["lon"] == "132.0019"
    assert rows[1]["zones"] == ""


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            {"lon": [132.0, 132.0], "lat": [37.0, None]},
            ": row 2: lat: is empty",
        ),
        (
            {"lon": [132.0, 181.0], "lat": [37.0, 37.0]},
            ": row 2: lon: 181 is outside -180..180",
        ),
        (
            {"lon": [132.0], "latitude_deg": [37.0]},
            ": lat: missing column: expected one of lat, latitude (the file has: "
            "lon, latitude_deg)",
        ),
    ],
)
def test_parquet_positions_errors_name_rows(
    tmp_path: Path,
    columns: dict[str, list[float | None]],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "positions.parquet"
    pq.write_table(pa.table(columns), src)
    out_path = tmp_path / "memberships.csv"
    code, _, err = run(["check", str(src), "-o", str(out_path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {src}{message}\n"
    only_input_left(tmp_path, src)
