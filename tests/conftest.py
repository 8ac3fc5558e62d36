"""Shared fixtures: the independent reference geometry and the build inputs.

Reference data lives in ``../shared/reference/`` beside the repository (or where
``AIRMAP_REFERENCE_DIR`` points). It is truth for tests only and never shipped.
When it is missing, tests that need it skip with the reason, except under CI
(``CI=true``), where a missing prerequisite is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.common import missing_prerequisite

ROOT = Path(__file__).resolve().parents[1]


def reference_path() -> Path:
    """Where the independent reference geometry is expected."""
    env = os.environ.get("AIRMAP_REFERENCE_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The folder of independent reference geometry, or skip/fail with why."""
    path = reference_path()
    if not (path / "README.md").is_file():
        missing_prerequisite(
            f"independent reference geometry not found at {path} "
            "(expected ../shared/reference beside the repository, "
            "or set AIRMAP_REFERENCE_DIR)"
        )
    return path
