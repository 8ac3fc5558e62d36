"""Shared fixtures for the airmap.geo tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from pyproj import Geod

WGS84 = Geod(ellps="WGS84")


@pytest.fixture(params=["scalar", "list", "array"])
def kind(request: pytest.FixtureRequest) -> str:
    """Input container: one scalar, a list or a NumPy array."""
    return str(request.param)


@pytest.fixture
def as_kind(kind: str) -> Callable[[float], Any]:
    """Wrap one number as the container ``kind`` names."""

    def wrap(value: float) -> Any:
        if kind == "scalar":
            return value
        if kind == "list":
            return [value]
        return np.array([value])

    return wrap


@pytest.fixture
def geod() -> Geod:
    """An independent WGS84 Geod (not the package's object)."""
    return WGS84
