"""Fixtures for the map tests: the local browser assets and one headless Chromium.

Missing prerequisites (npm assets, Playwright, Chromium) skip the tests that need
them with the reason and the set-up step, except under CI (``CI=true``), where they
fail with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airmap.maps.assets import AssetResolver, AssetsMissingError
from tests.common import missing_prerequisite
from tests.maps.browser import OfflinePage, find_chromium, launch, offline_page


@pytest.fixture(scope="session")
def asset_resolver() -> AssetResolver:
    """The resolver over the installed npm assets (``npm ci``)."""
    try:
        return AssetResolver.from_environment()
    except AssetsMissingError as exc:
        missing_prerequisite(str(exc))
        raise  # not reached: missing_prerequisite skips or fails


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The Chromium binary, or skip/fail with how to install it."""
    found = find_chromium()
    if found is None:
        missing_prerequisite(
            "Chromium not found (set CHROMIUM, or install Debian's package: "
            "apt-get install chromium); bash scripts/test installs it when run as root"
        )
        raise AssertionError("not reached")
    return found


@pytest.fixture(scope="session")
def chromium_browser(
    chromium_executable: str, asset_resolver: AssetResolver
) -> Iterator[Any]:
    """One headless Chromium for the whole run (Playwright, ``executable_path``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_prerequisite(
            "Playwright not installed (pip install -e '.[test]'; "
            "never `playwright install`: the browser is Debian's Chromium)"
        )
        raise
    playwright = sync_playwright().start()
    try:
        browser = launch(playwright, chromium_executable)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def offline(
    chromium_browser: Any, asset_resolver: AssetResolver
) -> Iterator[OfflinePage]:
    """A fresh page whose only way out is the offline route (tiles faked)."""
    with offline_page(chromium_browser, asset_resolver) as opened:
        yield opened
