"""``airmap check FILE``: chunked reading, state-vector layouts, CSV/Parquet output, summary."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import shapely

from airmap.layers import ZoneCatalogue
from airmap.maps import _stream
from airmap.maps.cli import ExitStatus
from tests.common import run_cli as run

# 2019-07-23T00:09:00Z, the first A-50 pass over Dokdo
T_2019 = 1563840540
DOKDO = (132.0019, 37.2416)  # lon, lat: inside Dokdo's territorial airspace


def only_these(directory: Path, *names: str) -> None:
    """Nothing else in the directory: no stray output, no temporary file."""
    assert sorted(p.name for p in directory.iterdir()) == sorted(names)


def random_points(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Points over Korea, Japan and the East China Sea (many zones, many edges)."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(123.0, 134.0, n)
    lat = rng.uniform(30.0, 39.5, n)
    lon[:3], lat[:3] = DOKDO[0], DOKDO[1]
    return lon, lat


def opensky_table(n: int) -> pa.Table:
    lon, lat = random_points(n)
    return pa.table(
        {
            "time": pa.array(T_2019 + np.arange(n) // 5, pa.int64()),
            "icao24": [f"{0x71C000 + i % 17:06x}" for i in range(n)],
            "callsign": [f"SYN{i % 17:03d}" for i in range(n)],
            "lat": lat,
            "lon": lon,
            "velocity": np.full(n, 220.0),
            "baroaltitude": np.linspace(0.0, 11_000.0, n),
            "geoaltitude": np.linspace(30.0, 11_030.0, n),
        }
    )


def write_opensky_csv(path: Path, n: int) -> Path:
    opensky_table(n).to_pandas().to_csv(path, index=False)
    return path


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def parquet_as_text(path: Path) -> pd.DataFrame:
    """A Parquet output as the strings its CSV twin would hold."""
    frame = pq.read_table(path).to_pandas()
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_float_dtype(col.dtype):
            out[name] = ["" if np.isnan(v) else repr(float(v)) for v in col]
        else:
            out[name] = col.astype(str)
    return out


# -------------------------------------------------------- chunked reading
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tiny_chunks_give_the_same_output_as_one_chunk(
    tmp_path: Path,
    suffix: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / f"states{suffix}"
    if suffix == ".csv":
        write_opensky_csv(src, 200)
    else:
        pq.write_table(opensky_table(200), src, row_group_size=64)
    seen: list[int] = []
    kernel = _stream.check_chunk

    def counting(frame: pd.DataFrame, spec: _stream.CheckSpec) -> pd.DataFrame:
        seen.append(len(frame))
        return kernel(frame, spec)

    monkeypatch.setattr(_stream, "check_chunk", counting)
    outputs = {}
    for chunk in (7, 1_000_000):
        for fmt in ("csv", "parquet"):
            out = tmp_path / f"out-{chunk}.{fmt}"
            seen.clear()
            code, _, err = run(
                [
                    "check",
                    str(src),
                    "--distances",
                    "--chunk-rows",
                    str(chunk),
                    "-o",
                    str(out),
                ],
                capsys,
            )
            assert code == ExitStatus.OK, err
            assert max(seen) <= chunk  # memory follows the chunk, not the file
            assert sum(seen) == 200
            outputs[chunk, fmt] = out
    small, big = outputs[7, "csv"], outputs[1_000_000, "csv"]
    assert small.read_bytes() == big.read_bytes()
    assert pq.read_table(outputs[7, "parquet"]).equals(
        pq.read_table(outputs[1_000_000, "parquet"])
    )


def test_parquet_and_csv_outputs_hold_the_same_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "states.parquet"
    pq.write_table(opensky_table(300), src, row_group_size=100)
    as_csv, as_parquet = tmp_path / "m.csv", tmp_path / "m.parquet"
    for out in (as_csv, as_parquet):
        code, _, err = run(["check", str(src), "--distances", "-o", str(out)], capsys)
        assert code == ExitStatus.OK, err
    text = pd.read_csv(as_csv, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(text, parquet_as_text(as_parquet))
    # types survive in Parquet: ids stay text, times stay integers
    schema = pq.read_schema(as_parquet)
    assert schema.field("time").type == pa.int64()
    assert schema.field("lat").type == pa.float64()
    assert schema.field("zones").type == pa.string()


def test_output_format_option_beats_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_opensky_csv(tmp_path / "states.csv", 10)
    out = tmp_path / "memberships.out"
    code, _, err = run(
        ["check", str(src), "--output-format", "parquet", "-o", str(out)], capsys
    )
    assert code == ExitStatus.OK, err
    assert pq.read_table(out).num_rows == 10
    code, _, err = run(["check", str(src), "--output-format", "parquet"], capsys)
    assert code == ExitStatus.USAGE
    assert err == "airmap: error: Parquet output needs -o FILE (stdout gets CSV)\n"


# ------------------------------------------------------ state-vector layouts
def test_opensky_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "states.parquet"
    pq.write_table(opensky_table(20), src)
    out = tmp_path / "m.csv"
    code, _, err = run(["check", str(src), "-o", str(out)], capsys)
    assert code == ExitStatus.OK, err
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    # recognised columns kept in file order; velocity is not ours to copy
    assert header[:7] == [
        "time",
        "icao24",
        "callsign",
        "lat",
        "lon",
        "baroaltitude",
        "geoaltitude",
    ]
    first = rows_of(out)[0]
    assert first["time"] == str(T_2019)
    assert first["icao24"] == "71c000"
    assert first["status:ta-dokdo@1978"] == "inside"
    assert first["status:kadiz@1951"] == "not_in_force"  # Unix seconds read as 2019
    assert first["sovereign_claimants"] == "KOR;JPN"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_traffic_columns(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    when = pd.to_datetime(["2019-07-23T00:09:00Z", "2013-12-01T00:00:00Z"])
    frame = pd.DataFrame(
        {
            "timestamp": when,
            "icao24": ["71c123", "71c123"],
            "latitude": [DOKDO[1], 32.122953],
            "longitude": [DOKDO[0], 125.182447],
            "altitude": [23_000.0, 23_000.0],
        }
    )
    src = tmp_path / f"traffic{suffix}"
    if suffix == ".csv":
        frame.to_csv(src, index=False)  # times as "2019-07-23 00:09:00+00:00"
    else:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), src)
    out = tmp_path / "m.csv"
    code, _, err = run(["check", str(src), "-o", str(out)], capsys)
    assert code == ExitStatus.OK, err
    dokdo, ieodo = rows_of(out)
    assert list(dokdo)[:5] == [
        "timestamp",
        "icao24",
        "latitude",
        "longitude",
        "altitude",
    ]
    assert dokdo["status:ta-dokdo@1978"] == "inside"
    assert ieodo["status:kadiz@1951"] == "outside"
    assert ieodo["status:kadiz@2013"] == "not_in_force"


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            {"x": [132.0], "y": [37.0]},
            ": lon: missing column: expected one of lon, longitude, lng "
            "(the file has: x, y)",
        ),
        (
            {"lon": [132.0], "Lon": [132.0], "lat": [37.0]},
            ": lon: column appears twice",
        ),
        (
            {"time": [1_563_840_540_000], "lon": [132.0], "lat": [37.0]},
            ": row 1: time: 1563840540000 is too large for Unix seconds "
            "(milliseconds? divide by 1000)",
        ),
        (
            {
                "time": pa.array([0, 10**12], pa.timestamp("ms")),
                "lon": [132.0, 132.0],
                "lat": [37.0, 37.0],
            },
            ": row 1: time: '1970-01-01 00:00:00' has no time zone; store the column "
            "with a time zone (e.g. UTC)",
        ),
        (
            {"lon": [132.0, float("nan")], "lat": [37.0, 37.0]},
            ": row 2: lon: 'nan' is not a number",
        ),
    ],
)
def test_unusable_parquet_is_named_clearly(
    tmp_path: Path,
    columns: dict[str, object],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "states.parquet"
    pq.write_table(pa.table(columns), src)
    out = tmp_path / "m.parquet"
    code, _, err = run(["check", str(src), "-o", str(out)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {src}{message}\n"
    only_these(tmp_path, "states.parquet")


# ------------------------------------------------------------ atomic output
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bad_row_in_a_later_chunk_leaves_no_file(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "states.parquet"
    table = opensky_table(50)
    lat = table.column("lat").to_numpy().copy()
    lat[42] = 91.5
    table = table.set_column(table.schema.get_field_index("lat"), "lat", pa.array(lat))
    pq.write_table(table, src, row_group_size=10)
    out = tmp_path / f"m.{fmt}"
    code, _, err = run(
        ["check", str(src), "--chunk-rows", "10", "-o", str(out)], capsys
    )
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {src}: row 43: lat: 91.5 is outside -90..90\n"
    only_these(tmp_path, "states.parquet")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_interrupt_removes_the_temporary_file(
    tmp_path: Path,
    fmt: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = write_opensky_csv(tmp_path / "states.csv", 30)
    out = tmp_path / f"m.{fmt}"
    out.write_text("previous results\n", encoding="utf-8")
    render = _stream.render
    calls = []

    def interrupted(frame: pd.DataFrame, fmt: str) -> _stream.Piece:
        calls.append(1)
        if len(calls) == 3:  # two chunks written to the temporary file, then Ctrl-C
            raise KeyboardInterrupt
        return render(frame, fmt)

    monkeypatch.setattr(_stream, "render", interrupted)
    code, _, _ = run(["check", str(src), "--chunk-rows", "10", "-o", str(out)], capsys)
    assert code == ExitStatus.INTERRUPTED
    assert out.read_text(encoding="utf-8") == "previous results\n"
    only_these(tmp_path, "states.csv", f"m.{fmt}")


# ----------------------------------------------------------------- summary
def test_summary_counts_match_shapely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = 3000
    lon, lat = random_points(n, seed=11)
    src = tmp_path / "positions.csv"
    pd.DataFrame({"lon": lon, "lat": lat}).to_csv(src, index=False)
    out = tmp_path / "m.parquet"
    code, _, err = run(
        ["check", str(src), "--tolerance", "0", "--chunk-rows", "700", "-o", str(out)],
        capsys,
    )
    assert code == ExitStatus.OK, err
    first, heading, *table = err.splitlines()
    assert re.fullmatch(
        rf"3,000 rows read, 3,000 rows written → {re.escape(str(out))}; 12 zone "
        r"versions; [\d.]+ s, [\d,]+ rows/s \(in-process\)",
        first,
    ), first
    assert heading == "rows inside (or on the edge of) each zone version:"
    counts = {k: int(v.replace(",", "")) for k, v in (line.split() for line in table)}
    # read back from the file the positions as written (text round trip exact)
    back = pq.read_table(out, columns=["lon", "lat"]).to_pandas()
    x = back["lon"].astype(float).to_numpy()
    y = back["lat"].astype(float).to_numpy()
    versions = {v.key: v for v in ZoneCatalogue.default().versions}
    for key in ("ta-dokdo@1978", "kadiz@2013", "ta-kor@1978", "cn-ecs-adiz@2013"):
        expected = int(shapely.intersects_xy(versions[key].geometry, x, y).sum())
        assert counts[key] == expected, key
    assert counts["ta-dokdo@1978"] >= 3
    assert counts["kadiz@2013"] > 500
    assert counts["ta-tur-hatay@current"] == 0


def test_summary_goes_to_stderr_when_output_is_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_opensky_csv(tmp_path / "states.csv", 5)
    code, out, err = run(["check", str(src)], capsys)
    assert code == ExitStatus.OK, err
    assert out.startswith(
        "time,icao24,callsign,lat,lon,baroaltitude,geoaltitude,zones,"
    )
    assert len(out.splitlines()) == 6
    assert err.startswith("5 rows read, 5 rows written → stdout; ")


def test_tracks_crossings_as_parquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from airmap.geo import GEOD

    seconds = np.arange(40) * 10
    _, lats, _ = GEOD.fwd(
        np.full(40, DOKDO[0]), np.full(40, 37.5), np.full(40, 180.0), seconds * 200.0
    )
    src = tmp_path / "tracks.csv"
    pd.DataFrame(
        {"icao24": "a50", "time": T_2019 + seconds, "lat": lats, "lon": DOKDO[0]}
    ).to_csv(src, index=False)
    as_csv, as_parquet = tmp_path / "c.csv", tmp_path / "c.parquet"
    for out in (as_csv, as_parquet):
        code, _, err = run(["check", str(src), "--tracks", "-o", str(out)], capsys)
        assert code == ExitStatus.OK, err
    text = pd.read_csv(as_csv)
    table = pq.read_table(as_parquet).to_pandas()
    assert list(table.columns) == list(text.columns)
    assert table["zone_id"].tolist() == text["zone_id"].tolist()
    assert "ta-dokdo" in set(table["zone_id"])
    np.testing.assert_allclose(table["duration_s"], text["duration_s"])
