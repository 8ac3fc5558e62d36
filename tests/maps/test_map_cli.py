"""``airmap map``: writes one self-contained page; every error is one line, exit 1, no file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from airmap.maps.assets import AssetResolver
from airmap.maps.cli import ExitStatus
from tests.common import run_cli as run


def test_writes_a_self_contained_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], asset_resolver: AssetResolver
) -> None:
    out_path = tmp_path / "dokdo.html"
    code, out, err = run(
        ["map", "-o", str(out_path), "--incident", "2019-07-23-dokdo"], capsys
    )
    assert code == ExitStatus.OK, err
    assert out == ""
    assert err.startswith(f"{out_path}: 1 incident, ")
    assert err.rstrip().endswith("self-contained")
    page = out_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script src=" not in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dokdo.html"]
    # written through a temporary file, yet with the mode a plain open() gives
    mask = os.umask(0)
    os.umask(mask)
    assert out_path.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--incident", "2019-07-23-dokdx"],
            "airmap: error: no incident with id '2019-07-23-dokdx'; did you mean "
            "'2019-07-23-dokdo', '2019-01-23-ieodo-p3c', '2019-10-22-kadiz-ru'?",
        ),
        (
            ["--kind", "adz"],
            "airmap: error: unknown zone kind 'adz'; expected one of: adiz, fir, "
            "territorial_airspace",
        ),
    ],
    ids=["unknown incident", "unknown kind"],
)
def test_bad_choices_exit_1_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out_path = tmp_path / "map.html"
    code, out, err = run(["map", "-o", str(out_path), *argv], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err == message + "\n"
    assert list(tmp_path.iterdir()) == []


def test_missing_assets_name_the_set_up_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRMAP_ASSETS", str(tmp_path / "no-node-modules"))
    out_path = tmp_path / "map.html"
    code, out, err = run(
        ["map", "-o", str(out_path), "--incident", "2019-07-23-dokdo"], capsys
    )
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("airmap: error: browser assets not installed")
    assert "npm ci" in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], asset_resolver: AssetResolver
) -> None:
    target = tmp_path / "missing-dir" / "map.html"
    code, out, err = run(
        ["map", "-o", str(target), "--incident", "2019-07-23-dokdo"], capsys
    )
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err == (
        f"airmap: error: {target}: cannot write: directory {target.parent} does not exist\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_output_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["map"], capsys)
    assert code == ExitStatus.USAGE
    assert "-o/--output" in err
