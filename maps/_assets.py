"""Local copies of the JS/CSS that folium loads from CDNs, and an HTML inliner.

folium renders ``<script src>`` and ``<link rel="stylesheet">`` tags that point at
public CDNs. airmap's maps must open with no network, so every such URL is mapped
to a file of an npm package pinned in the repository's ``package.json`` and
installed by ``npm ci`` (nothing third-party is committed). Two users:

* :func:`make_self_contained` rewrites a rendered page so that it loads nothing:
  scripts and stylesheets become inline code, fonts and images in the CSS become
  ``data:`` URIs;
* the browser tests answer the page's CDN requests from the same
  :class:`AssetResolver`.

Where the packages live: the folder named by the environment variable
``AIRMAP_ASSETS`` (a ``node_modules`` folder), else ``node_modules`` beside the
repository's ``pyproject.toml`` (editable installs). Anything else raises
:class:`AssetsMissingError`, whose message names the set-up command; a page is never
written half-broken.

Maps that use more folium plugins need more entries in :data:`PREFIXES` or
:data:`EXACT` and a pin in ``package.json`` (and :data:`PINNED_PACKAGES`); until
then their URLs are reported as missing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from airmap.geo import AirmapError

__all__ = [
    "ASSETS_ENV",
    "DEFAULT_SKIP",
    "EXACT",
    "PINNED_PACKAGES",
    "PREFIXES",
    "Asset",
    "AssetResolver",
    "AssetsMissingError",
    "InlineResult",
    "find_assets_root",
    "make_self_contained",
    "normalise_url",
]

#: Environment variable naming a ``node_modules`` folder that holds the assets.
ASSETS_ENV = "AIRMAP_ASSETS"

#: npm packages (folder under ``node_modules``) and the versions folium 0.20 expects.
#: Kept equal to the ``dependencies`` of the repository's ``package.json`` (a test
#: checks it); ``bootstrap3`` is the alias ``npm:bootstrap@3.4.1``.
PINNED_PACKAGES: Mapping[str, str] = {
    "leaflet": "1.9.3",
    "jquery": "3.7.1",
    "bootstrap": "5.2.2",
    "bootstrap3": "3.4.1",
    "leaflet.awesome-markers": "2.0.5",
    "@fortawesome/fontawesome-free": "6.2.0",
    "leaflet-timedimension": "1.1.1",
    "iso8601-js-period": "0.2.1",
    "moment": "2.18.1",
    "jquery-ui-dist": "1.13.3",
}

#: CDN folders mapped onto package folders: every file below the URL resolves, so
#: the fonts and images that a stylesheet names relative to itself resolve too.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/", "leaflet"),
    ("https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/", "bootstrap"),
    (
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/",
        "@fortawesome/fontawesome-free",
    ),
    (
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/",
        "leaflet.awesome-markers/dist",
    ),
    (
        "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/",
        "leaflet-timedimension",
    ),
    # leaflet.timedimension.control.css loads the glyphicon fonts from here
    ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/", "bootstrap3/dist/fonts"),
)

#: Single CDN files mapped onto package files.
EXACT: Mapping[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": (
        "jquery/dist/jquery.min.js"
    ),
    # 1.10.x has no browser build on npm; 1.13.3 also carries jQuery UI's XSS fixes
    "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js": (
        "jquery-ui-dist/jquery-ui.min.js"
    ),
    # npm ships the unminified file only
    "https://cdn.jsdelivr.net/npm/iso8601-js-period@0.2.1/iso8601.min.js": (
        "iso8601-js-period/iso8601.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": (
        "moment/min/moment.min.js"
    ),
}

GLYPHICONS_CSS = (
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css"
)
ROTATE_CSS = (
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css"
)
HIGHLIGHT_CSS = (
    "https://cdnjs.cloudflare.com/ajax/libs/highlight.js/8.4/styles/default.min.css"
)
JQUERY_UI_JS = "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js"
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
_LEAFLET_IMAGES = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/"

#: URLs that :func:`make_self_contained` leaves out by default: folium loads them,
#: but no airmap map uses them (TimestampedGeoJson never calls jQuery UI).
DEFAULT_SKIP: frozenset[str] = frozenset({JQUERY_UI_JS, HIGHLIGHT_CSS})

CONTENT_TYPES: Mapping[str, str] = {
    ".js": "application/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
    ".svg": "image/svg+xml",
}

_SETUP_HINT = (
    f"run `npm ci` in the airspace-incidents repository, or set {ASSETS_ENV} "
    "to a node_modules folder holding them"
)


class AssetsMissingError(AirmapError, FileNotFoundError):
    """The npm packages holding folium's JS/CSS are not installed where expected.

    The message is one line and names the set-up command.
    """


@dataclass(frozen=True, slots=True)
class Asset:
    """One local copy of a CDN file.

    Attributes
    ----------
    url : str
        The normalised CDN URL it stands for.
    data : bytes
        The file's bytes.
    content_type : str
        The MIME type, from the file extension.
    source : str
        Where the bytes came from: a path under the assets root, or
        ``generated:<what>``.
    """

    url: str
    data: bytes
    content_type: str
    source: str

    def data_uri(self) -> str:
        """The bytes as a base64 ``data:`` URI."""
        encoded = base64.b64encode(self.data).decode("ascii")
        return f"data:{self.content_type};base64,{encoded}"


def normalise_url(url: str) -> str:
    """A URL in the form the resolver's tables use.

    A protocol-relative ``//host/…`` becomes ``https://host/…``; scheme and host
    are lower-cased; any query string and fragment are dropped.

    Examples
    --------
    >>> normalise_url("//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/a.eot?#iefix")
    'https://netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/a.eot'
    """
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    parts = urlsplit(text)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))


def _project_root(source: Path) -> Path | None:
    """The airspace-incidents checkout holding ``source`` (an editable install)."""
    for folder in source.resolve().parents:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except OSError:
                return None
            return folder if 'name = "airspace-incidents"' in text else None
    return None


def _check_root(root: Path, origin: str) -> Path:
    """``root`` if it holds every pinned package at its pinned version."""
    if not root.is_dir():
        raise AssetsMissingError(
            f"browser assets not installed: {origin} {root} is not a folder; "
            f"{_SETUP_HINT}"
        )
    for package, version in PINNED_PACKAGES.items():
        manifest = root / package / "package.json"
        try:
            found = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError):
            raise AssetsMissingError(
                f"browser assets not installed: {manifest} is missing or unreadable; "
                f"{_SETUP_HINT}"
            ) from None
        if found != version:
            raise AssetsMissingError(
                f"browser assets out of date: {root / package} is version {found}, "
                f"airmap needs {version}; {_SETUP_HINT}"
            )
    return root


def find_assets_root(
    *, env: Mapping[str, str] | None = None, source: Path | None = None
) -> Path:
    """The ``node_modules`` folder holding the pinned browser assets.

    Parameters
    ----------
    env : mapping, optional
        Environment to read ``AIRMAP_ASSETS`` from (default: ``os.environ``).
    source : Path, optional
        A file of the installed package, to find the repository from (default: this
        module).

    Returns
    -------
    Path
        ``$AIRMAP_ASSETS`` when set, else ``node_modules`` beside the repository's
        ``pyproject.toml``.

    Raises
    ------
    AssetsMissingError
        The folder does not exist, or a pinned package is missing or at another
        version. The one-line message names the set-up command.
    """
    environ = os.environ if env is None else env
    named = environ.get(ASSETS_ENV, "").strip()
    if named:
        return _check_root(Path(named).expanduser(), f"{ASSETS_ENV} folder")
    project = _project_root(source if source is not None else Path(__file__))
    if project is None:
        raise AssetsMissingError(
            "browser assets not found: airmap is not installed from a repository "
            f"checkout, so there is no node_modules to use; {_SETUP_HINT}"
        )
    return _check_root(project / "node_modules", "folder")


# --- generated files --------------------------------------------------------------


def _glyphicons_css(root: Path) -> bytes | None:
    """Bootstrap 3's glyphicon rules: what the CDN's bootstrap-glyphicons.css is for."""
    path = root / "bootstrap3" / "dist" / "css" / "bootstrap.css"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    face = re.search(r"@font-face\s*\{[^}]*Glyphicons Halflings[^}]*\}", text)
    last = text.find(".glyphicon-menu-up:before", face.end() if face else 0)
    if face is None or last < 0:
        return None
    end = text.find("}", last)
    if end < 0:
        return None
    header = (
        "/* Glyphicons of Bootstrap 3.4.1 (MIT), cut from dist/css/bootstrap.css */\n"
    )
    return (header + text[face.start() : end + 1] + "\n").encode("utf-8")


def _rotate_css(root: Path) -> bytes:
    """``.fa-rotate-1`` … ``.fa-rotate-360``: folium's icon angles."""
    rules = [
        f".fa-rotate-{n}{{-webkit-transform:rotate({n}deg);"
        f"-ms-transform:rotate({n}deg);transform:rotate({n}deg)}}"
        for n in range(1, 361)
    ]
    return ("\n".join(rules) + "\n").encode("ascii")


def _empty_css(root: Path) -> bytes:
    return b"/* highlight.js styles: not used by airmap's maps */\n"


#: CDN files made here: cut from a package file, or a trivial pattern.
GENERATED: Mapping[str, Callable[[Path], bytes | None]] = {
    GLYPHICONS_CSS: _glyphicons_css,
    ROTATE_CSS: _rotate_css,
    HIGHLIGHT_CSS: _empty_css,
}


class AssetResolver:
    """Map CDN URLs to the local copies under one assets root.

    Parameters
    ----------
    root : Path
        A ``node_modules`` folder. It is not checked here; use
        :meth:`from_environment` for a checked one.

    Notes
    -----
    A URL is normalised (:func:`normalise_url`), then looked up among the generated
    files, the exact entries, and the prefix entries (longest first). A path must
    stay inside its package folder, exist, and have a known extension; anything
    else has no local copy (``None``). Results are cached per URL.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._cache: dict[str, Asset | None] = {}
        self._prefixes = sorted(PREFIXES, key=lambda item: -len(item[0]))

    @classmethod
    def from_environment(cls) -> AssetResolver:
        """The resolver for :func:`find_assets_root` (raises if assets are missing)."""
        return _resolver_for(find_assets_root())

    def __repr__(self) -> str:
        return f"AssetResolver({str(self.root)!r})"

    def local_path(self, url: str) -> Path | None:
        """The file standing for ``url``, or ``None`` (also for generated files)."""
        key = normalise_url(url)
        relative = EXACT.get(key)
        if relative is not None:
            return self._existing(self.root, relative)
        for prefix, folder in self._prefixes:
            if key.startswith(prefix):
                rest = unquote(key[len(prefix) :])
                return self._existing(self.root / folder, rest)
        return None

    def _existing(self, base: Path, relative: str) -> Path | None:
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        try:
            inside = base.resolve()
            path = (base / relative).resolve()
        except (OSError, RuntimeError):
            return None
        if not path.is_relative_to(inside) or not path.is_file():
            return None
        if path.suffix.lower() not in CONTENT_TYPES:
            return None
        return path

    def resolve(self, url: str) -> Asset | None:
        """The local copy of ``url`` (bytes and content type), or ``None``."""
        key = normalise_url(url)
        if key in self._cache:
            return self._cache[key]
        asset = self._load(key)
        self._cache[key] = asset
        return asset

    def _load(self, key: str) -> Asset | None:
        make = GENERATED.get(key)
        if make is not None:
            data = make(self.root)
            if data is None:
                return None
            return Asset(key, data, CONTENT_TYPES[".css"], f"generated:{key}")
        path = self.local_path(key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return Asset(
            key,
            data,
            CONTENT_TYPES[path.suffix.lower()],
            path.relative_to(self.root.resolve()).as_posix(),
        )


@functools.lru_cache(maxsize=8)
def _resolver_for(root: Path) -> AssetResolver:
    return AssetResolver(root)


# --- the inliner ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InlineResult:
    """What :func:`make_self_contained` made of a page.

    Attributes
    ----------
    html : str
        The rewritten page.
    inlined : tuple of str
        CDN URLs whose bytes went into the page (scripts, stylesheets, and the
        fonts and images they use), in order of first use.
    skipped : tuple of str
        URLs left out on purpose: the skip set, and scripts whose bytes were
        already inlined under another URL.
    missing : tuple of str
        CDN URLs with no local copy; their tags and ``url()``s were left as they were.
    remote_refs : tuple of str
        http(s) or protocol-relative URLs still loaded by the page: ``src``/``href``
        of script, link, img, iframe and media tags (anchors are ignored), also
        when built in inline scripts; remote ``url()``/``@import`` in styles; and
        ``L.tileLayer`` templates.
    """

    html: str
    inlined: tuple[str, ...]
    skipped: tuple[str, ...]
    missing: tuple[str, ...]
    remote_refs: tuple[str, ...]

    @property
    def self_contained(self) -> bool:
        """Whether the page loads nothing from elsewhere."""
        return not self.missing and not self.remote_refs


#: Marks elements the inliner wrote; their bodies are never scanned or rewritten.
MARK = "data-airmap-inlined"

_ELEMENT_RE = re.compile(
    r"<!--.*?-->"
    r"|<(?P<raw>script|style)\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=raw)\s*>"
    r"|<(?P<tag>[a-zA-Z][\w-]*)\b(?P<tattrs>[^>]*)>",
    re.IGNORECASE | re.DOTALL,
)
_ATTR_RE = re.compile(
    r"""([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HEAD_RE = re.compile(r"<head\b[^>]*>(.*?)</head\s*>", re.IGNORECASE | re.DOTALL)
_CSS_URL_RE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))\s*\)""", re.IGNORECASE
)
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_FONT_FACE_RE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_SRC_DECL_RE = re.compile(
    r"""(?<![-\w])src\s*:(?:url\([^)]*\)|"[^"]*"|'[^']*'|[^;"'])*;?""", re.IGNORECASE
)
_FONT_SRC_RE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))\s*\)"""
    r"""(?:\s*format\(\s*["']?([^"')]*)["']?\s*\))?""",
    re.IGNORECASE,
)
_TILE_RE = re.compile(r"""L\.tileLayer(?:\.wms)?\(\s*(["'`])(.*?)\1""", re.DOTALL)
_SOURCE_MAP_JS_RE = re.compile(r"^[ \t]*//[#@] sourceMappingURL=\S*[ \t]*$", re.M)
_SOURCE_MAP_CSS_RE = re.compile(r"/\*[#@] sourceMappingURL=[^*]*\*/")
_SCRIPT_CLOSE_RE = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_CLOSE_RE = re.compile(r"</(style)", re.IGNORECASE)

#: Script-tag attributes that inlining can drop without changing behaviour.
_DROPPABLE_SCRIPT_ATTRS = frozenset(
    {"src", "type", "charset", "crossorigin", "integrity", "referrerpolicy"}
)
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript"})
#: Tags whose src/href loads something (anchors and areas only link).
_LOADING_TAGS = frozenset(
    {"script", "link", "img", "iframe", "source", "embed", "audio", "video", "track"}
)


def _attributes(text: str) -> dict[str, str]:
    """Attribute names (lower case) and unescaped values of one tag."""
    found: dict[str, str] = {}
    for match in _ATTR_RE.finditer(text):
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found.setdefault(name, html.unescape(value))
    return found


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://", "//"))


def _escape_script(code: str) -> str:
    """Code that cannot end its ``<script>`` element or open an HTML comment."""
    return _SCRIPT_CLOSE_RE.sub(r"<\\/\1", code).replace("<!--", "<\\!--")


def _escape_style(css: str) -> str:
    return _STYLE_CLOSE_RE.sub(r"<\\/\1", css)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def _comment(text: str) -> str:
    return "<!-- airmap: " + text.replace("--", "- -") + " -->"


def _mark(value: str) -> str:
    return f'{MARK}="{html.escape(value, quote=True)}"'


def _css_url_value(match: re.Match[str]) -> str:
    return next((g for g in match.groups()[:3] if g is not None), "")


@dataclass
class _Inliner:
    """State of one :func:`make_self_contained` run."""

    resolver: AssetResolver
    skip: frozenset[str]
    inlined: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    script_hashes: dict[str, str] = field(default_factory=dict)
    font_hashes: set[str] = field(default_factory=set)

    @staticmethod
    def _note(bucket: list[str], url: str) -> None:
        if url not in bucket:
            bucket.append(url)

    def asset(self, url: str) -> Asset | None:
        found = self.resolver.resolve(url)
        if found is None:
            self._note(self.missing, normalise_url(url))
        return found

    # head elements ----------------------------------------------------------------

    def rewrite_head(self, head: str) -> str:
        return _ELEMENT_RE.sub(self._element, head)

    def _element(self, match: re.Match[str]) -> str:
        original = match.group(0)
        raw = (match.group("raw") or "").lower()
        if raw == "script" and not match.group("body").strip():
            return self._script(original, _attributes(match.group("attrs")))
        if (match.group("tag") or "").lower() == "link":
            return self._stylesheet(original, _attributes(match.group("tattrs")))
        return original

    def _script(self, original: str, attrs: dict[str, str]) -> str:
        src = attrs.get("src", "")
        if (
            not _is_remote(src)
            or MARK in attrs
            or set(attrs) - _DROPPABLE_SCRIPT_ATTRS
            or attrs.get("type", "").strip().lower() not in _JS_TYPES
        ):
            return original
        url = normalise_url(src)
        if url in self.skip:
            self._note(self.skipped, url)
            return _comment(f"left out {url} (not used by airmap's maps)")
        found = self.asset(url)
        code = None if found is None else _decode(found.data)
        if found is None or code is None:
            self._note(self.missing, url)
            return original
        digest = hashlib.sha256(found.data).hexdigest()
        first = self.script_hashes.setdefault(digest, url)
        if first != url or url in self.inlined:
            self._note(self.skipped, url)
            return _comment(f"{url} is the same file as {first}, inlined above")
        self._note(self.inlined, url)
        code = _SOURCE_MAP_JS_RE.sub("", code).rstrip()
        out = f"<script {_mark(url)}>\n{_escape_script(code)}\n</script>"
        if url == LEAFLET_JS:
            out += self._leaflet_icon_fix()
        return out

    def _leaflet_icon_fix(self) -> str:
        """Point Leaflet's default marker at data URIs of its own images.

        Leaflet finds ``marker-icon.png`` by reading a CSS ``url()`` path, which no
        longer exists once the CSS images are data URIs.
        """
        names = {
            "iconUrl": "marker-icon.png",
            "iconRetinaUrl": "marker-icon-2x.png",
            "shadowUrl": "marker-shadow.png",
        }
        options: dict[str, str] = {}
        for option, name in names.items():
            found = self.asset(_LEAFLET_IMAGES + name)
            if found is None:
                return ""
            self._note(self.inlined, found.url)
            options[option] = found.data_uri()
        code = (
            "(function () {\n"
            "  var D = L.Icon.Default;\n"
            '  D.imagePath = "";\n'
            f"  D.mergeOptions({json.dumps(options, sort_keys=True)});\n"
            "})();"
        )
        return f"\n<script {_mark('leaflet-default-icon')}>\n{code}\n</script>"

    def _stylesheet(self, original: str, attrs: dict[str, str]) -> str:
        href = attrs.get("href", "")
        rel = attrs.get("rel", "").lower().split()
        if "stylesheet" not in rel or "alternate" in rel or not _is_remote(href):
            return original
        url = normalise_url(href)
        if url in self.skip:
            self._note(self.skipped, url)
            return _comment(f"left out {url} (not used by airmap's maps)")
        found = self.asset(url)
        css = None if found is None else _decode(found.data)
        if found is None or css is None:
            self._note(self.missing, url)
            return original
        if url in self.inlined:
            self._note(self.skipped, url)
            return _comment(f"{url} was inlined above")
        self._note(self.inlined, url)
        body = self.inline_css(_SOURCE_MAP_CSS_RE.sub("", css).rstrip(), url)
        media = attrs.get("media", "").strip()
        media_attr = f' media="{html.escape(media, quote=True)}"' if media else ""
        return f"<style {_mark(url)}{media_attr}>\n{_escape_style(body)}\n</style>"

    # CSS --------------------------------------------------------------------------

    def inline_css(self, css: str, base: str) -> str:
        css = _FONT_FACE_RE.sub(lambda m: self._font_face(m, base), css)
        return _CSS_URL_RE.sub(lambda m: self._css_url(m, base), css)

    def _css_url(self, match: re.Match[str], base: str) -> str:
        value = _css_url_value(match).strip()
        if not value or value.startswith("#") or value.lower().startswith("data:"):
            return match.group(0)
        target = urljoin(base, value)
        if not _is_remote(target):
            return match.group(0)
        found = self.asset(target)
        if found is None:
            return match.group(0)
        self._note(self.inlined, found.url)
        return f'url("{found.data_uri()}")'

    def _font_face(self, match: re.Match[str], base: str) -> str:
        """Keep one woff2 (else woff) source; drop a face whose file is already in."""
        body = match.group(1)
        chosen: tuple[str, str] | None = None
        for wanted in ("woff2", "woff"):
            for decl in _SRC_DECL_RE.findall(body):
                for src in _FONT_SRC_RE.finditer(decl):
                    value = _css_url_value(src).strip()
                    fmt = (src.group(4) or "").strip().lower()
                    ext = urlsplit(value).path.rsplit(".", 1)[-1].lower()
                    if value and (fmt == wanted or (not fmt and ext == wanted)):
                        chosen = (value, wanted)
                        break
                if chosen:
                    break
            if chosen:
                break
        if chosen is None:
            return match.group(0)
        value, fmt = chosen
        target = urljoin(base, value)
        if not _is_remote(target):  # already a data: URI, or a local file
            return match.group(0)
        rest = _SRC_DECL_RE.sub("", body).strip()
        if rest and not rest.endswith(";"):
            rest += ";"
        found = self.asset(target)
        if found is None:
            return f'@font-face{{{rest}src:url("{value}") format("{fmt}")}}'
        digest = hashlib.sha256(found.data).hexdigest()
        if digest in self.font_hashes:
            return ""
        self.font_hashes.add(digest)
        self._note(self.inlined, found.url)
        return f'@font-face{{{rest}src:url("{found.data_uri()}") format("{fmt}")}}'


def _remote_refs(page: str) -> list[str]:
    """URLs the page would still load from elsewhere (see :class:`InlineResult`)."""
    refs: list[str] = []

    def note(url: str) -> None:
        url = url.strip().strip("\\\"'")
        if _is_remote(url) and url not in refs:
            refs.append(url)

    def scan(text: str, *, in_script: bool) -> None:
        for match in _ELEMENT_RE.finditer(text):
            if match.group(0).startswith("<!--"):
                continue
            raw = (match.group("raw") or "").lower()
            if raw:
                attrs = _attributes(match.group("attrs"))
                body = match.group("body")
                if raw == "script":
                    note(attrs.get("src", ""))
                if MARK in attrs:
                    if raw == "style":  # a url() the inliner could not resolve
                        for url in _CSS_URL_RE.finditer(body):
                            note(_css_url_value(url))
                    continue
                if raw == "script":
                    for tile in _TILE_RE.finditer(body):
                        note(tile.group(2))
                    scan(body, in_script=True)
                else:
                    for url in _CSS_URL_RE.finditer(body):
                        note(_css_url_value(url))
                    for url in _CSS_IMPORT_RE.finditer(body):
                        note(url.group(1) or url.group(2) or "")
                continue
            tag = (match.group("tag") or "").lower()
            if tag in _LOADING_TAGS:
                attrs = _attributes(match.group("tattrs"))
                note(attrs.get("src", "") or attrs.get("href", ""))
        if in_script:
            # tags built in JS strings may have escaped quotes (src=\"…\")
            for match in re.finditer(
                r"<(?:img|iframe|script|link)\b[^>]*?\b(?:src|href)\s*=\s*\\?[\"']"
                r"([^\"'\\\s>]+)",
                text,
                re.IGNORECASE,
            ):
                note(match.group(1))

    scan(page, in_script=False)
    return refs


def make_self_contained(
    page: str,
    *,
    resolver: AssetResolver | None = None,
    skip: Iterable[str] = DEFAULT_SKIP,
) -> InlineResult:
    r"""Inline every CDN script and stylesheet of a rendered folium page.

    Parameters
    ----------
    page : str
        The page, e.g. ``m.get_root().render()``.
    resolver : AssetResolver, optional
        Where the local copies come from (default:
        :meth:`AssetResolver.from_environment`).
    skip : iterable of str
        CDN URLs to leave out, with an HTML comment in their place (default:
        :data:`DEFAULT_SKIP`, jQuery UI and the highlight.js styles).

    Returns
    -------
    InlineResult
        The new page and what was inlined, skipped, missing, or still remote.

    Raises
    ------
    AssetsMissingError
        No ``resolver`` was given and the assets are not installed.

    Notes
    -----
    In the ``<head>``, each ``<script src>`` becomes an inline script (``</script``
    written ``<\/script``, ``<!--`` written ``<\!--``), each stylesheet link a
    ``<style>`` whose ``url()``s are ``data:`` URIs resolved against the
    stylesheet's CDN URL. Font faces keep one woff2 (else woff) source, and a face
    whose file is already embedded is dropped (Font Awesome 6 declares its files
    again under its legacy family names). A script whose bytes are already in is
    not repeated (folium loads jQuery twice). After leaflet.js, a short script
    points Leaflet's default marker at data URIs of its images. Inlined elements
    carry a ``data-airmap-inlined`` attribute and are left alone by a second run,
    so the function is idempotent; the output depends on the input bytes only.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> result = make_self_contained(m.get_root().render())  # doctest: +SKIP
    >>> result.self_contained  # doctest: +SKIP
    True
    """
    state = _Inliner(
        resolver if resolver is not None else AssetResolver.from_environment(),
        frozenset(normalise_url(url) for url in skip),
    )
    head = _HEAD_RE.search(page)
    if head is not None:
        start, end = head.span(1)
        page = page[:start] + state.rewrite_head(head.group(1)) + page[end:]
    return InlineResult(
        html=page,
        inlined=tuple(state.inlined),
        skipped=tuple(state.skipped),
        missing=tuple(state.missing),
        remote_refs=tuple(_remote_refs(page)),
    )
