"""The one-way import rule (DESIGN §2) and the package layout, checked in fresh interpreters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter, outside the repository."""
    return subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    )


HEAVY = ("folium", "branca", "jinja2", "matplotlib")


def _modules_after_import(module: str) -> set[str]:
    code = (
        "import importlib, json, sys; "
        f"importlib.import_module({module!r}); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = run_python(code)
    return set(json.loads(out.stdout))


def _loaded(mods: set[str], prefix: str) -> list[str]:
    return sorted(m for m in mods if m == prefix or m.startswith(prefix + "."))


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        (
            "airmap.geo",
            [
                "airmap.seeds",
                "airmap.layers",
                "airmap.incidents",
                "airmap.maps",
                *HEAVY,
            ],
        ),
        ("airmap.seeds", ["airmap.layers", "airmap.incidents", "airmap.maps", *HEAVY]),
        ("airmap.layers", ["airmap.incidents", "airmap.maps", *HEAVY]),
        ("airmap.incidents", ["airmap.maps", *HEAVY]),
        ("airmap.maps.cli", list(HEAVY)),
        ("airmap", ["airmap.geo", "airmap.layers", "airmap.maps", *HEAVY]),
    ],
)
def test_imports_flow_one_way(module: str, forbidden: list[str]) -> None:
    mods = _modules_after_import(module)
    assert module in mods
    leaked = [m for f in forbidden for m in _loaded(mods, f)]
    assert leaked == [], f"importing {module} loaded {leaked}"


def test_check_command_does_not_load_folium() -> None:
    code = (
        "import sys, json; from airmap.maps.cli import main; "
        "rc = main(['check', '37.2416,132.0019', '--when', '2019-07-23T00:09Z', '--format', 'json']); "
        "print(json.dumps([rc, sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{list(HEAVY)!r})]), file=sys.stderr)"
    )
    out = run_python(code)
    rc, heavy = json.loads(out.stderr.strip().splitlines()[-1])
    assert rc == 0
    assert heavy == []


@pytest.mark.parametrize("package", ["geo", "seeds", "layers", "incidents", "maps"])
def test_each_package_is_the_folder_in_this_tree(package: str) -> None:
    """A stale install elsewhere must not shadow the working tree."""
    code = f"import airmap.{package} as m; print(m.__file__)"
    out = run_python(code)
    assert (
        Path(out.stdout.strip()).resolve() == (ROOT / package / "__init__.py").resolve()
    )


@pytest.mark.parametrize("package", ["geo", "seeds", "layers", "incidents", "maps"])
def test_each_package_has_a_readme(package: str) -> None:
    text = (ROOT / package / "README.md").read_text(encoding="utf-8")
    assert "import" in text.lower(), f"{package}/README.md must say what it may import"


def test_maps_public_api_is_lazy() -> None:
    """``import airmap.maps`` stays light; its public names resolve on first use."""
    mods = _modules_after_import("airmap.maps")
    assert not [m for m in mods if m.split(".")[0] in HEAVY]
    code = (
        "import json, sys, airmap.maps as am; "
        "names = {n: callable(getattr(am, n)) or n.isupper() for n in am.__all__}; "
        "print(json.dumps([names, 'folium' in sys.modules]))"
    )
    names, folium_loaded = json.loads(run_python(code).stdout)
    assert {"incident_map", "render_html", "make_self_contained"} <= set(names)
    assert all(names.values())
    assert folium_loaded
