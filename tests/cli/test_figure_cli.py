"""``airmap figure``: PNG and SVG files; every bad argument is one line, non-zero, no file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pytest

from airmap.maps.cli import ExitStatus
from tests.common import run_cli as run

DOKDO = "2019-07-23-dokdo"


def _hatay_shootdown_id(capsys: pytest.CaptureFixture[str]) -> str:
    """The 2015-11-24 shoot-down, found the way a user would: ``airmap incidents``."""
    code, out, _ = run(["incidents"], capsys)
    assert code == ExitStatus.OK
    rows = [
        line.split()[0]
        for line in out.splitlines()
        if line.startswith("2015-11-24") and "shoot down" in line
    ]
    assert len(rows) == 1, out
    return rows[0]


def test_writes_png_of_the_dokdo_incident(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "dokdo.png"
    code, out, err = run(
        [
            "figure",
            "-o",
            str(target),
            "--incident",
            DOKDO,
            "--size",
            "8x6",
            "--dpi",
            "60",
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    assert out == ""
    assert err.startswith(f"{target}: PNG 480×360 px, ")
    assert "1 incident, " in err
    assert err.rstrip().endswith("in force at 2019-07-22 21:44 UTC")
    assert len(err.splitlines()) == 1
    assert matplotlib.image.imread(str(target)).shape[:2] == (360, 480)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dokdo.png"]


def test_svg_of_the_hatay_shootdown_is_the_same_bytes_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = _hatay_shootdown_id(capsys)
    assert incident == "2015-11-24-su24"
    pages = []
    for name in ("a.svg", "b.svg"):
        code, _, err = run(
            ["figure", "-o", str(tmp_path / name), "--incident", incident], capsys
        )
        assert code == ExitStatus.OK, err
        assert err.startswith(f"{tmp_path / name}: SVG 1650×1200 px, ")
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]
    assert pages[0].startswith(b'<?xml version="1.0" encoding="utf-8"')
    assert b"<dc:date>" not in pages[0]


def test_format_overrides_the_suffix_and_bbox_sets_the_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "figure.out"
    code, _, err = run(
        [
            "figure",
            "-o",
            str(target),
            "--format",
            "SVG",
            "--bbox",
            "131.5, 37.0, 132.3, 37.5",
            "--when",
            "2013-12-15T04:59Z",
            "--kind",
            "adiz",
            "--title",
            "KADIZ before the 2013 extension: $1 & <b>",
            "--size",
            "8x6",
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<?xml")
    # one incident in the box; only ADIZs; the 1951 KADIZ at that instant
    assert "1 incident, 1 zone version in force at 2013-12-15 04:59 UTC" in err


def test_zones_and_incidents_files_join_the_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.common import SQUARE, write_user_zones, zone_feature

    zones = write_user_zones(
        tmp_path / "z.geojson",
        [zone_feature("user-zone", [SQUARE], name="User zone")],
    )
    doc = {
        "incident": [
            {
                "id": "2020-01-01-user",
                "title": "A user incident",
                "summary": "synthetic",
                "time_zone": "Asia/Seoul",
                "start_local": "2020-01-01T09:00",
                "end_local": "2020-01-01T10:00",
                "sources": ["fig-cli-src"],
                "confidence": "low",
                "position": [
                    {
                        "id": "p1",
                        "label": "somewhere",
                        "tag": "estimate",
                        "lat": 37.5,
                        "lon": 130.5,
                        "uncertainty_m": 3000,
                        "derivation": "made up",
                        "sources": ["fig-cli-src"],
                        "confidence": "low",
                    }
                ],
            }
        ],
        "source": {
            "fig-cli-src": {
                "url": "https://example.org/x",
                "title": "Test source",
                "confidence": "low",
            }
        },
    }
    incidents = tmp_path / "i.json"
    incidents.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "u.png"
    code, _, err = run(
        [
            "figure",
            "-o",
            str(target),
            "--zones",
            str(zones),
            "--incidents",
            str(incidents),
            "--no-seeds",
            "--size",
            "6x4.5",
            "--dpi",
            "40",
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    assert "1 incident, " in err
    assert target.exists()


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (
            ["-o", "{out}/f.pdf"],
            ExitStatus.USAGE,
            "unknown figure format (suffix '.pdf')",
        ),
        (
            ["-o", "{out}/f.png", "--format", "gif"],
            ExitStatus.USAGE,
            "unknown figure format 'gif'; expected one of: png, svg",
        ),
        (
            ["-o", "{out}/f.png", "--incident", "2019-07-23-dokdx"],
            ExitStatus.DATA_ERROR,
            "no incident with id '2019-07-23-dokdx'; did you mean '2019-07-23-dokdo'",
        ),
        (
            ["-o", "{out}/f.png", "--bbox", "132,37,131,38"],
            ExitStatus.USAGE,
            "--bbox: MINLON 132 is not less than MAXLON 131",
        ),
        (
            ["-o", "{out}/f.png", "--bbox", "131,38.5,132,37"],
            ExitStatus.USAGE,
            "--bbox: MINLAT 38.5 is not less than MAXLAT 37",
        ),
        (
            ["-o", "{out}/f.png", "--bbox", "131,37,132,91"],
            ExitStatus.USAGE,
            "--bbox: MAXLAT 91 is outside -90..90",
        ),
        (
            ["-o", "{out}/f.png", "--bbox", "131,37,132"],
            ExitStatus.USAGE,
            "--bbox: '131,37,132': expected 4 numbers MINLON,MINLAT,MAXLON,MAXLAT, got 3",
        ),
        (
            ["-o", "{out}/f.png", "--bbox", "131,north,132,38"],
            ExitStatus.USAGE,
            "--bbox: MINLAT 'north' is not a number",
        ),
        (
            ["-o", "{out}/missing/f.png"],
            ExitStatus.DATA_ERROR,
            "f.png: cannot write: directory {out}/missing does not exist",
        ),
        (["-o", "{out}"], ExitStatus.USAGE, "unknown figure format (no suffix)"),
        (
            ["-o", "{out}/d.png"],
            ExitStatus.DATA_ERROR,
            "d.png: cannot write: is a directory",
        ),
        ([], ExitStatus.USAGE, "figure: -o/--output FILE is required"),
        (["-o", "{out}/f.png", "--size", "8by6"], ExitStatus.USAGE, "--size: '8by6'"),
        (
            ["-o", "{out}/f.png", "--size", "2x2"],
            ExitStatus.USAGE,
            "size: 2x2 inches is too small (at least 4x3)",
        ),
        (["-o", "{out}/f.png", "--dpi", "0"], ExitStatus.USAGE, "--dpi: 0 is outside"),
        (
            ["-o", "{out}/f.png", "--when", "2019-07-23T00:09"],
            ExitStatus.USAGE,
            "--when: '2019-07-23T00:09' has no time zone",
        ),
        (
            ["-o", "{out}/f.png", "--kind", "adz"],
            ExitStatus.DATA_ERROR,
            "unknown zone kind 'adz'",
        ),
    ],
    ids=[
        "unknown suffix",
        "unknown format",
        "unknown incident",
        "bbox lon swapped",
        "bbox lat swapped",
        "bbox out of range",
        "bbox three numbers",
        "bbox not a number",
        "missing directory",
        "directory as output",
        "existing directory with suffix",
        "no output",
        "bad size",
        "tiny size",
        "bad dpi",
        "naive when",
        "unknown kind",
    ],
)
def test_bad_arguments_are_one_line_nonzero_and_write_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    status: ExitStatus,
    message: str,
) -> None:
    (tmp_path / "d.png").mkdir()
    args = [a.replace("{out}", str(tmp_path)) for a in argv]
    code, out, err = run(["figure", *args], capsys)
    assert code == status, err
    assert code != 0
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("airmap: error: ")
    assert message.replace("{out}", str(tmp_path)) in err
    # nothing written, no temporary left behind
    assert [p.name for p in tmp_path.iterdir()] == ["d.png"]
    assert list((tmp_path / "d.png").iterdir()) == []


def test_the_command_parser_loads_no_matplotlib() -> None:
    """Building the parser (as ``airmap check`` does) must not import matplotlib."""
    code = (
        "import json, sys; from airmap.maps.cli import build_parser; build_parser(); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('matplotlib'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert json.loads(done.stdout) == []
