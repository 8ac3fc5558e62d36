"""Headless Chromium for map tests: find the browser, serve CDN files offline, log.

Debian's Chromium is driven through Playwright with ``executable_path`` (never
``playwright install``). Every page gets one catch-all route:

* ``file:``, ``data:``, ``blob:`` and ``about:`` URLs continue (Playwright routes
  ``file://`` too);
* a CDN URL that :class:`airmap.maps.assets.AssetResolver` knows is answered from
  the local npm copy;
* an OpenStreetMap tile is answered with a grey 256×256 PNG (``fake_tiles``);
* anything else is aborted (``blockedbyclient``) and logged in ``blocked``.

No request ever reaches the network; the host-resolver rule in the flags makes any
request that slipped past the route fail at once instead of waiting on DNS.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airmap.maps.assets import AssetResolver

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

#: Where Debian's package puts the real binary (/usr/bin/chromium is a wrapper).
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"

#: Flags on top of Playwright's own (it adds --headless, --no-sandbox as root,
#: --no-first-run, --disable-sync, … itself; repeating them is harmless).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)

#: Hosts whose requests are answered with a grey tile.
TILE_HOSTS = ("tile.openstreetmap.org",)

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

VIEWPORT: Any = {"width": 1000, "height": 700}


def find_chromium(env: Mapping[str, str] | None = None) -> str | None:
    """The Chromium binary: ``$CHROMIUM``, Debian's real binary, or one on PATH."""
    environ = os.environ if env is None else env
    named = environ.get("CHROMIUM", "").strip()
    if named:
        found = shutil.which(named)
        return found if found else None
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def grey_png(size: int = 256, level: int = 0xDD) -> bytes:
    """A ``size``×``size`` 8-bit greyscale PNG of one grey level."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    rows = (b"\x00" + bytes([level]) * size) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


GREY_TILE = grey_png()


@dataclass
class PageLog:
    """What one page did: console and page errors, and every request by outcome."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    @property
    def http_requests(self) -> list[str]:
        """Requests for http(s) URLs, whatever became of them."""
        return [u for u in self.requests if u.lower().startswith(("http:", "https:"))]

    def problems(self) -> dict[str, list[str]]:
        """The non-empty error lists, for one readable assertion message."""
        lists = {
            "console_errors": self.console_errors,
            "page_errors": self.page_errors,
            "failed": self.failed,
            "blocked": self.blocked,
        }
        return {name: items for name, items in lists.items() if items}


class OfflineRoute:
    """The catch-all route handler (see the module docstring)."""

    def __init__(
        self, resolver: AssetResolver, log: PageLog, *, fake_tiles: bool = True
    ) -> None:
        self.resolver = resolver
        self.log = log
        self.fake_tiles = fake_tiles

    def __call__(self, route: Route) -> None:
        url = route.request.url
        if url.lower().startswith(LOCAL_SCHEMES):
            self.log.local.append(url)
            route.continue_()
            return
        asset = self.resolver.resolve(url)
        if asset is not None:
            self.log.served.append(url)
            route.fulfill(
                status=200,
                body=asset.data,
                content_type=asset.content_type,
                headers={"access-control-allow-origin": "*"},
            )
            return
        host = (urlsplit(url).hostname or "").lower()
        is_tile = any(host == h or host.endswith("." + h) for h in TILE_HOSTS)
        if self.fake_tiles and is_tile:
            self.log.tiles.append(url)
            route.fulfill(
                status=200,
                body=GREY_TILE,
                content_type="image/png",
                headers={"access-control-allow-origin": "*"},
            )
            return
        self.log.blocked.append(url)
        route.abort("blockedbyclient")


def launch(playwright: Any, executable: str) -> Browser:
    """Headless Chromium from ``executable`` with :data:`CHROMIUM_ARGS`."""
    browser: Browser = playwright.chromium.launch(
        executable_path=executable, args=list(CHROMIUM_ARGS), headless=True
    )
    return browser


@dataclass
class OfflinePage:
    """A page behind :class:`OfflineRoute`, and its log."""

    context: BrowserContext
    page: Page
    log: PageLog


@contextlib.contextmanager
def offline_page(
    browser: Browser, resolver: AssetResolver, *, fake_tiles: bool = True
) -> Iterator[OfflinePage]:
    """A fresh context and page with the offline route and the listeners attached."""
    log = PageLog()
    context = browser.new_context(viewport=VIEWPORT, timezone_id="UTC")
    try:
        context.route("**/*", OfflineRoute(resolver, log, fake_tiles=fake_tiles))
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                log.console_errors.append(msg.text) if msg.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
        page.on("request", lambda req: log.requests.append(req.url))
        page.on(
            "requestfailed",
            lambda req: log.failed.append(f"{req.url} ({req.failure})"),
        )
        yield OfflinePage(context, page, log)
    finally:
        context.close()


def wait_map_ready(page: Page, map_name: str, timeout_ms: float = 15_000) -> None:
    """Wait until Leaflet is loaded and the folium map ``map_name`` has its view."""
    page.wait_for_function(
        "name => !!(window.L && window[name] && window[name]._loaded)",
        arg=map_name,
        timeout=timeout_ms,
    )


def open_file(page: Page, path: Path, map_name: str) -> None:
    """Open ``path`` from a ``file://`` URL and wait for the map."""
    page.goto(path.resolve().as_uri())
    wait_map_ready(page, map_name)
