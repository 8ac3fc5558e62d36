"""``airmap check --engine dask``: same output as in process, on a local cluster.

A LocalCluster costs seconds to start, so these tests are few: one starts its
own cluster through the CLI (``--workers 2``), the others share a module-wide
cluster of two worker processes through ``--scheduler``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from airmap.geo import GEOD
from airmap.maps.cli import ExitStatus
from tests.common import SQUARE, missing_prerequisite, write_user_zones, zone_feature
from tests.common import run_cli as run

T_2019 = 1563840540  # 2019-07-23T00:09:00Z


def have_dask() -> bool:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local cluster of two worker processes."""
    if not have_dask():
        missing_prerequisite(
            "dask[distributed] is not installed (pip install -e '.[dask]')"
        )
    import logging

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: never a clash with 8787
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address


def states(path: Path, n: int, *, row_group: int, seed: int = 3) -> Path:
    """OpenSky-like state vectors over Korea and Japan, in row groups."""
    rng = np.random.default_rng(seed)
    table = pa.table(
        {
            "time": pa.array(T_2019 + np.arange(n) // 10, pa.int64()),
            "icao24": pa.array(np.char.mod("%06x", np.arange(n) % 97).astype(str)),
            "lat": rng.uniform(30.0, 39.5, n),
            "lon": rng.uniform(123.0, 134.0, n),
            "baroaltitude": rng.uniform(0.0, 12_000.0, n),
        }
    )
    pq.write_table(table, path, row_group_size=row_group)
    return path


def test_dask_output_is_identical_to_in_process(
    tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = states(tmp_path / "states.parquet", 100_000, row_group=10_000)
    # CSV through a local cluster the command starts itself, Parquet through ours
    for fmt, engine in (
        ("csv", ["--workers", "2"]),
        ("parquet", ["--scheduler", scheduler]),
    ):
        here, there = tmp_path / f"here.{fmt}", tmp_path / f"there.{fmt}"
        code, _, err = run(["check", str(src), "-o", str(here)], capsys)
        assert code == ExitStatus.OK, err
        code, _, err = run(
            [
                "check",
                str(src),
                "-o",
                str(there),
                "--engine",
                "dask",
                *engine,
                "--chunk-rows",
                "20000",
            ],
            capsys,
        )
        assert code == ExitStatus.OK, err
        assert err.startswith("100,000 rows read, 100,000 rows written")
        if fmt == "csv":
            assert "(dask, local cluster of 2 worker processes)" in err
            assert here.read_bytes() == there.read_bytes()
        else:
            assert f"(dask, scheduler {scheduler})" in err
            assert pq.read_table(here).equals(pq.read_table(there))


def test_user_zones_reach_the_workers(
    tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    zones = write_user_zones(
        tmp_path / "square.geojson", [zone_feature("test-square", [SQUARE])]
    )
    src = tmp_path / "states.parquet"
    lon = np.array([130.5, 130.5, 131.5, 130.1])
    lat = np.array([37.5, 37.9, 37.5, 37.1])
    pq.write_table(pa.table({"lon": lon, "lat": lat}), src, row_group_size=2)
    outputs = []
    for engine in (
        ["--engine", "process"],
        ["--engine", "dask", "--scheduler", scheduler],
    ):
        out = tmp_path / f"m{len(outputs)}.csv"
        code, _, err = run(
            [
                "check",
                str(src),
                "--zones",
                str(zones),
                "--chunk-rows",
                "2",
                "-o",
                str(out),
                *engine,
            ],
            capsys,
        )
        assert code == ExitStatus.OK, err
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    status = [line.split(",")[-1] for line in outputs[1].splitlines()]
    assert status[0] == "status:test-square@1"
    assert status[1:] == ["inside", "inside", "outside", "inside"]


def test_bad_row_on_a_worker_names_the_row_and_leaves_nothing(
    tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "states.parquet"
    lat = np.full(30, 37.0)
    lat[23] = 95.0
    pq.write_table(
        pa.table({"lon": np.full(30, 131.0), "lat": lat}), src, row_group_size=5
    )
    out = tmp_path / "m.parquet"
    code, _, err = run(
        [
            "check",
            str(src),
            "-o",
            str(out),
            "--chunk-rows",
            "5",
            "--engine",
            "dask",
            "--scheduler",
            scheduler,
        ],
        capsys,
    )
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {src}: row 24: lat: 95 is outside -90..90\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["states.parquet"]


def test_tracks_via_dask_are_identical(
    tmp_path: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # twelve aircraft flying south past Dokdo and Ulleungdo, at different longitudes
    rows = ["icao24,time,lat,lon"]
    seconds = np.arange(40) * 10
    for k, lon in enumerate(np.linspace(130.75, 132.05, 12)):
        _, lats, _ = GEOD.fwd(
            np.full(40, lon), np.full(40, 37.9), np.full(40, 180.0), seconds * 220.0
        )
        rows += [
            f"a{k:02d},{T_2019 + int(s)},{float(la)!r},{float(lon)!r}"
            for s, la in zip(seconds, lats, strict=True)
        ]
    src = tmp_path / "tracks.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    code, _, err = run(["check", str(src), "--tracks", "-o", str(here)], capsys)
    assert code == ExitStatus.OK, err
    code, _, err = run(
        [
            "check",
            str(src),
            "--tracks",
            "-o",
            str(there),
            "--engine",
            "dask",
            "--scheduler",
            scheduler,
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    assert err.startswith("12 tracks, 480 samples: ")
    assert here.read_bytes() == there.read_bytes()
    crossings = here.read_text(encoding="utf-8")
    assert "ta-dokdo" in crossings
    assert "ta-ulleungdo" in crossings


def test_missing_dask_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = states(tmp_path / "states.parquet", 10, row_group=10)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    code, out, err = run(["check", str(src), "--engine", "dask"], capsys)
    assert code == ExitStatus.USAGE
    assert out == ""
    assert err == (
        "airmap: error: --engine dask needs dask and distributed (distributed is not "
        "installed): pip install 'airspace-incidents[dask]' (in a checkout: pip "
        "install -e '.[dask]')\n"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--scheduler", "tcp://127.0.0.1:1"],
            "--scheduler applies to --engine dask only",
        ),
        (["--workers", "2"], "--workers applies to --engine dask only"),
        (
            ["--engine", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
            "--workers starts a local cluster",
        ),
    ],
)
def test_engine_option_misuse(
    tmp_path: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = states(tmp_path / "states.parquet", 10, row_group=10)
    code, _, err = run(["check", str(src), *extra], capsys)
    assert code == ExitStatus.USAGE
    assert message in err


def test_csv_input_with_dask_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not have_dask():
        missing_prerequisite(
            "dask[distributed] is not installed (pip install -e '.[dask]')"
        )
    src = tmp_path / "positions.csv"
    src.write_text("lon,lat\n131.0,37.0\n", encoding="utf-8")
    code, _, err = run(["check", str(src), "--engine", "dask"], capsys)
    assert code == ExitStatus.USAGE
    assert err == (
        f"airmap: error: {src}: --engine dask reads Parquet (one partition per group "
        "of row groups); convert the CSV to Parquet, or drop --engine dask\n"
    )
