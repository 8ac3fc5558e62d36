"""The membership benchmark runs on a tiny n and every method agrees bit for bit."""

from __future__ import annotations

import pytest

from airmap import bench


def test_membership_bench_tiny_run_reports_zero_differing_bits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = bench.membership([2000], peers=True, points="both")
    out = capsys.readouterr().out
    assert "airmap index" in out
    assert "shapely intersects_xy (prepared)" in out
    measured = [r for r in rows if r["seconds"] is not None]
    assert {r["kind"] for r in measured} == {"uniform", "track"}
    assert len(measured) >= 6
    for row in measured:
        if row["method"].startswith("shapely contains_xy"):
            continue  # contains differs on edges by definition; none here anyway
        assert row["differing_bits"] == 0, row
        assert row["points_per_s"] > 0
    skipped = [r for r in rows if r["seconds"] is None]
    for row in skipped:  # a peer that is not installed is reported, not a crash
        assert "sjoin" in row["method"]


def test_cli_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["membership", "--n", "1000", "--points", "uniform"]) == 0
    assert "airmap check (status, 1 m band)" in capsys.readouterr().out


def test_track_points_stay_in_the_box_and_are_ordered() -> None:
    x, y = bench.track_points(5000, (120.0, 30.0, 130.0, 40.0), seed=1, per_track=1000)
    assert x.shape == y.shape == (5000,)
    assert (x >= 120.0).all()
    assert (x <= 130.0).all()
    assert (y >= 30.0).all()
    assert (y <= 40.0).all()
    step = ((x[1:1000] - x[:999]) ** 2 + (y[1:1000] - y[:999]) ** 2) ** 0.5
    assert step.max() < 0.05  # consecutive samples ~2.3 km apart
