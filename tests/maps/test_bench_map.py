"""``python -m airmap.maps.bench map``: our incident map against ``GeoDataFrame.explore``.

The browser test runs the real subcommand on 200 positions in a child process (it
starts its own Playwright and Chromium, which cannot nest inside the session's
``chromium_browser``) and reads the figures it writes with ``--json``.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from airmap.incidents import IncidentCatalogue
from airmap.layers import ZoneCatalogue
from airmap.maps.assets import AssetResolver
from airmap.maps.bench import html_bytes, synthetic_incidents
from tests.common import missing_prerequisite

ROOT = Path(__file__).resolve().parents[2]


def test_synthetic_incidents_load_through_the_real_loader(tmp_path: Path) -> None:
    path = tmp_path / "incidents.toml"
    path.write_text(synthetic_incidents(250, per_incident=100), encoding="utf-8")
    cat = IncidentCatalogue.load(path, zones=ZoneCatalogue.default(), with_seeds=False)
    assert len(cat) == 3
    positions = [p for inc in cat for p in inc.positions]
    assert sorted(len(inc.positions) for inc in cat) == [50, 100, 100]
    assert {p.tag.value for p in positions} == {"published", "derived", "estimate"}
    radii = [p.uncertainty_m for p in positions]
    assert min(radii) >= 500
    assert max(radii) <= 25_000
    assert all(p.at is not None for p in positions)
    assert all(
        cat.sources[s].url.startswith("https://") for p in positions for s in p.sources
    )
    # two checked claims per incident, and their verdicts are computed
    for inc in cat:
        checked = [cv for cv in cat.assess(inc.id).claims if cv.results]
        assert len(checked) == 2


def test_html_bytes_add_up() -> None:
    page = (
        '<html><head><script data-airmap-inlined="x">var a=1;</script></head>'
        '<body><script>L.geoJson({"coordinates": [[1.5, 2.25], [3, 4]], '
        '"properties": {"name": "a"}}); b.bindTooltip(`<b>t</b>`);'
        "var c = 'a`b`c';</script></body></html>"
    )
    parts = html_bytes(page)
    assert parts["total"] == len(page.encode("utf-8"))
    assert parts["assets"] == len('<script data-airmap-inlined="x">var a=1;</script>')
    assert parts["coordinates"] == len('"coordinates": [[1.5, 2.25], [3, 4]]')
    assert parts["properties"] == len('"properties": {"name": "a"}')
    assert parts["popup_tooltip_html"] == len("bindTooltip(`<b>t</b>`")
    assert sum(v for k, v in parts.items() if k != "total") == parts["total"]


@pytest.mark.browser
def test_map_benchmark_runs_offline_and_prints_the_ratio(
    chromium_executable: str, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing_prerequisite(
            "Playwright not installed (pip install -e '.[test]'; "
            "never `playwright install`: the browser is Debian's Chromium)"
        )
    out_dir = tmp_path / "pages"
    figures_file = tmp_path / "figures.json"
    env = {
        **os.environ,
        "CHROMIUM": chromium_executable,
        "AIRMAP_ASSETS": str(asset_resolver.root),
    }
    argv = [
        sys.executable,
        "-m",
        "airmap.maps.bench",
        "map",
        "--positions",
        "200",
        "--out-dir",
        str(out_dir),
        "--json",
        str(figures_file),
    ]
    proc = subprocess.run(
        argv,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout

    # the table: ours, peer and the ratio for each figure, with the targets
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert re.search(r"^\s+ours\s+peer\s+ratio\s+target", out, re.M), out
    for key, label in (
        ("render_s", "render s"),
        ("file_mb", "file MB"),
        ("load_s", r"load s \(map-ready\)"),
    ):
        row = re.search(
            rf"^\s+{label}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+< \d+ (?:s|MB): "
            r"(?:met|NOT met)$",
            out,
            re.M,
        )
        assert row, f"no {label} row in:\n{out}"
        printed = [float(g) for g in row.groups()]
        expected = [figures["ours"][key], figures["peer"][key], figures["ratio"][key]]
        assert printed == pytest.approx(expected, abs=0.006)
        assert all(value > 0 for value in expected)
    assert "make_self_contained" in out  # the peer is said to be inlined by us

    assert figures["positions"] == 200
    for side in ("ours", "peer"):
        fig = figures[side]
        assert fig["render_s"] > 0
        assert fig["file_bytes"] > 0
        assert fig["load_s"] > 0
        assert fig["map_loaded"] is True
        assert fig["http_requests"] == 0
        assert fig["blocked"] == 0
        assert fig["console_errors"] == []
        assert fig["page_errors"] == []
        # every position and zone drawn, and nothing more after map-ready
        assert fig["paths"] >= 200
        assert fig["paths_500ms_later"] == fig["paths"]
        assert Path(fig["path"]).stat().st_size == fig["file_bytes"]
        parts = fig["bytes"]
        assert parts["total"] == fig["file_bytes"]
        assert parts["assets"] > 0
        assert fig["bytes_per_position"] > 0
    for key, ratio in figures["ratio"].items():
        assert math.isfinite(ratio)
        assert ratio == pytest.approx(figures["ours"][key] / figures["peer"][key])
    assert set(figures["targets_met"]) == {"render_s", "load_s", "file_mb"}
    assert (out_dir / "incidents.toml").is_file()
