"""The CDN → npm resolver, the inliner and its command (no browser needed)."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from airmap.maps import assets
from airmap.maps.assets import (
    PINNED_PACKAGES,
    AssetResolver,
    AssetsMissingError,
    find_assets_root,
    make_self_contained,
    normalise_url,
)
from tests.maps.demo import demo_map

ROOT = Path(__file__).resolve().parents[2]

JSD = "https://cdn.jsdelivr.net/npm"
CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
NETDNA = "https://netdna.bootstrapcdn.com/bootstrap/3.0.0"
JS = "application/javascript"
CSS = "text/css"
PNG = "image/png"

#: browser.md §3.1 plus the sub-resources the stylesheets load: URL, file under
#: node_modules (None: generated), content type.
TABLE = [
    (f"{JSD}/leaflet@1.9.3/dist/leaflet.js", "leaflet/dist/leaflet.js", JS),
    (f"{JSD}/leaflet@1.9.3/dist/leaflet.css", "leaflet/dist/leaflet.css", CSS),
    (
        f"{JSD}/leaflet@1.9.3/dist/images/marker-icon.png",
        "leaflet/dist/images/marker-icon.png",
        PNG,
    ),
    (
        f"{JSD}/leaflet@1.9.3/dist/images/layers-2x.png",
        "leaflet/dist/images/layers-2x.png",
        PNG,
    ),
    ("https://code.jquery.com/jquery-3.7.1.min.js", "jquery/dist/jquery.min.js", JS),
    (f"{CDNJS}/jquery/3.7.1/jquery.min.js", "jquery/dist/jquery.min.js", JS),
    (
        f"{JSD}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
        "bootstrap/dist/js/bootstrap.bundle.min.js",
        JS,
    ),
    (
        f"{JSD}/bootstrap@5.2.2/dist/css/bootstrap.min.css",
        "bootstrap/dist/css/bootstrap.min.css",
        CSS,
    ),
    (
        f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.js",
        JS,
    ),
    (
        f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
        CSS,
    ),
    (
        f"{CDNJS}/Leaflet.awesome-markers/2.0.2/images/markers-soft@2x.png",
        "leaflet.awesome-markers/dist/images/markers-soft@2x.png",
        PNG,
    ),
    (
        f"{JSD}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
        "@fortawesome/fontawesome-free/css/all.min.css",
        CSS,
    ),
    (
        f"{JSD}/@fortawesome/fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2",
        "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
        "font/woff2",
    ),
    (
        f"{JSD}/@fortawesome/fontawesome-free@6.2.0/webfonts/fa-brands-400.ttf",
        "@fortawesome/fontawesome-free/webfonts/fa-brands-400.ttf",
        "font/ttf",
    ),
    (
        f"{JSD}/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js",
        "leaflet-timedimension/dist/leaflet.timedimension.min.js",
        JS,
    ),
    (
        f"{JSD}/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css",
        "leaflet-timedimension/dist/leaflet.timedimension.control.css",
        CSS,
    ),
    (
        f"{NETDNA}/fonts/glyphicons-halflings-regular.woff",
        "bootstrap3/dist/fonts/glyphicons-halflings-regular.woff",
        "font/woff",
    ),
    (
        f"{NETDNA}/fonts/glyphicons-halflings-regular.woff2",
        "bootstrap3/dist/fonts/glyphicons-halflings-regular.woff2",
        "font/woff2",
    ),
    (
        f"{NETDNA}/fonts/glyphicons-halflings-regular.eot",
        "bootstrap3/dist/fonts/glyphicons-halflings-regular.eot",
        "application/vnd.ms-fontobject",
    ),
    (
        f"{NETDNA}/fonts/glyphicons-halflings-regular.svg",
        "bootstrap3/dist/fonts/glyphicons-halflings-regular.svg",
        "image/svg+xml",
    ),
    (
        f"{CDNJS}/jqueryui/1.10.2/jquery-ui.min.js",
        "jquery-ui-dist/jquery-ui.min.js",
        JS,
    ),
    (
        f"{JSD}/iso8601-js-period@0.2.1/iso8601.min.js",
        "iso8601-js-period/iso8601.js",
        JS,
    ),
    (f"{CDNJS}/moment.js/2.18.1/moment.min.js", "moment/min/moment.min.js", JS),
    (f"{NETDNA}/css/bootstrap-glyphicons.css", None, CSS),
    (
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
        "leaflet.awesome.rotate.min.css",
        None,
        CSS,
    ),
    (f"{CDNJS}/highlight.js/8.4/styles/default.min.css", None, CSS),
]


@pytest.mark.parametrize(("url", "relative", "content_type"), TABLE)
def test_every_cdn_url_resolves(
    asset_resolver: AssetResolver, url: str, relative: str | None, content_type: str
) -> None:
    asset = asset_resolver.resolve(url)
    assert asset is not None, url
    assert asset.content_type == content_type
    assert asset.data
    if relative is None:
        assert asset.source.startswith("generated:")
        assert asset_resolver.local_path(url) is None
    else:
        path = asset_resolver.root / relative
        assert asset.source == relative
        assert asset_resolver.local_path(url) == path.resolve()
        assert asset.data == path.read_bytes()


def test_generated_stylesheets(asset_resolver: AssetResolver) -> None:
    glyph = asset_resolver.resolve(f"{NETDNA}/css/bootstrap-glyphicons.css")
    assert glyph is not None
    text = glyph.data.decode()
    assert text.count("@font-face") == 1
    assert "Glyphicons Halflings" in text
    assert text.rstrip().endswith("}")
    assert ".glyphicon-menu-up:before" in text
    assert ".btn" not in text  # only the glyphicons of Bootstrap 3, not all of it
    rotate = asset_resolver.resolve(
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
        "leaflet.awesome.rotate.min.css"
    )
    assert rotate is not None
    rules = re.findall(
        r"\.fa-rotate-(\d+)\{[^}]*transform:rotate\((\d+)deg\)\}", rotate.data.decode()
    )
    assert [int(a) for a, _ in rules] == list(range(1, 361))
    assert all(a == b for a, b in rules)


def test_normalisation(asset_resolver: AssetResolver) -> None:
    assert (
        normalise_url("//CDN.jsdelivr.net/npm/x.js?v=1#top")
        == "https://cdn.jsdelivr.net/npm/x.js"
    )
    plain = asset_resolver.resolve(f"{NETDNA}/fonts/glyphicons-halflings-regular.eot")
    for variant in (
        "//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/glyphicons-halflings-regular.eot?#iefix",
        f"{NETDNA}/fonts/glyphicons-halflings-regular.eot?v=3#x",
    ):
        assert asset_resolver.resolve(variant) == plain


@pytest.mark.parametrize(
    "url",
    [
        f"{JSD}/leaflet@1.9.4/dist/leaflet.js",  # another version
        "https://example.org/leaflet.js",
        f"{JSD}/leaflet@1.9.3/dist/no-such-file.js",
        f"{JSD}/leaflet@1.9.3/dist/",  # a folder
        f"{JSD}/leaflet@1.9.3/package.json",  # exists, but not a web asset type
        f"{JSD}/leaflet@1.9.3/",
        "file:///etc/passwd",
    ],
)
def test_unknown_urls_have_no_local_copy(
    asset_resolver: AssetResolver, url: str
) -> None:
    assert asset_resolver.resolve(url) is None
    assert asset_resolver.local_path(url) is None


@pytest.mark.parametrize(
    "url",
    [
        f"{JSD}/leaflet@1.9.3/../jquery/dist/jquery.min.js",
        f"{JSD}/leaflet@1.9.3/%2e%2e/jquery/dist/jquery.min.js",
        f"{JSD}/leaflet@1.9.3/dist/..%2f..%2fjquery/dist/jquery.min.js",
        f"{JSD}/leaflet@1.9.3//etc/passwd.css",
        f"{JSD}/leaflet@1.9.3/..%5c..%5cjquery%5cdist%5cjquery.min.js",
        f"{CDNJS}/Leaflet.awesome-markers/2.0.2/../LICENSE.js",
    ],
)
def test_path_traversal_is_refused(tmp_path: Path, url: str) -> None:
    root = tmp_path / "node_modules"
    for relative in (
        "leaflet/dist/leaflet.js",
        "jquery/dist/jquery.min.js",
        "leaflet.awesome-markers/LICENSE.js",
    ):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("// secret\n")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.css").write_text("secret")
    resolver = AssetResolver(root)
    assert resolver.resolve(f"{JSD}/leaflet@1.9.3/dist/leaflet.js") is not None
    assert resolver.resolve(url) is None


def test_symlink_out_of_the_package_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.js"
    outside.write_text("// secret\n")
    dist = tmp_path / "node_modules" / "leaflet" / "dist"
    dist.mkdir(parents=True)
    (dist / "leaflet.js").symlink_to(outside)
    assert (
        AssetResolver(tmp_path / "node_modules").resolve(
            f"{JSD}/leaflet@1.9.3/dist/leaflet.js"
        )
        is None
    )


def test_pins_match_package_json() -> None:
    manifest = json.loads((ROOT / "package.json").read_text())
    pinned = {
        name: spec.rsplit("@", 1)[-1] if spec.startswith("npm:") else spec
        for name, spec in manifest["dependencies"].items()
    }
    assert pinned == dict(PINNED_PACKAGES)
    assert manifest["dependencies"]["bootstrap3"] == "npm:bootstrap@3.4.1"
    assert "@osm_borders/maritime_1m" in manifest["devDependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in PINNED_PACKAGES.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


# --- finding the assets -------------------------------------------------------------


def test_default_root_is_the_repositorys_node_modules(
    asset_resolver: AssetResolver,
) -> None:
    found = find_assets_root(env={})
    assert found == ROOT / "node_modules"


def test_env_names_the_root(asset_resolver: AssetResolver) -> None:
    assert (
        find_assets_root(env={"AIRMAP_ASSETS": str(asset_resolver.root)})
        == asset_resolver.root
    )


def _one_line_with_setup(message: str) -> None:
    assert "\n" not in message
    assert "npm ci" in message
    assert "AIRMAP_ASSETS" in message


def test_missing_assets_raise_with_the_setup_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRMAP_ASSETS", str(tmp_path / "nowhere"))
    page = demo_map().get_root().render()
    with pytest.raises(AssetsMissingError) as caught:
        make_self_contained(page)
    _one_line_with_setup(str(caught.value))
    assert str(tmp_path / "nowhere") in str(caught.value)
    assert isinstance(caught.value, FileNotFoundError)

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("AIRMAP_ASSETS", str(empty))
    with pytest.raises(
        AssetsMissingError, match=r"leaflet/package\.json is missing"
    ) as caught:
        AssetResolver.from_environment()
    _one_line_with_setup(str(caught.value))


def test_outdated_assets_raise(tmp_path: Path) -> None:
    root = tmp_path / "node_modules"
    for name, version in PINNED_PACKAGES.items():
        (root / name).mkdir(parents=True)
        (root / name / "package.json").write_text(json.dumps({"version": version}))
    assert find_assets_root(env={"AIRMAP_ASSETS": str(root)}) == root
    (root / "leaflet" / "package.json").write_text('{"version": "1.9.4"}')
    with pytest.raises(
        AssetsMissingError, match=r"version 1\.9\.4, airmap needs 1\.9\.3"
    ) as caught:
        find_assets_root(env={"AIRMAP_ASSETS": str(root)})
    _one_line_with_setup(str(caught.value))


def test_without_a_checkout_the_error_names_the_setup(tmp_path: Path) -> None:
    source = tmp_path / "site-packages" / "airmap" / "maps" / "_assets.py"
    with pytest.raises(AssetsMissingError) as caught:
        find_assets_root(env={}, source=source)
    _one_line_with_setup(str(caught.value))


# --- the inliner ----------------------------------------------------------------------


class _Elements(HTMLParser):
    """Script and style elements as a browser's tokenizer splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._data: list[str] = []
        self.remote: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (
                name in ("src", "href")
                and tag != "a"
                and (value or "").startswith(("http:", "https:", "//"))
            ):
                self.remote.append((tag, value or ""))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self._data = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._data.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == self._open[0]:
            self.elements.append((*self._open, "".join(self._data)))
            self._open = None


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _elements(page: str) -> list[tuple[str, dict[str, str | None], str]]:
    return _parse(page).elements


@pytest.fixture(scope="module")
def demo_page() -> str:
    return str(demo_map().get_root().render())


def test_demo_map_inlines_completely(
    asset_resolver: AssetResolver, demo_page: str
) -> None:
    result = make_self_contained(demo_page, resolver=asset_resolver)
    assert result.missing == ()
    assert result.remote_refs == ()
    assert result.self_contained
    assert set(result.skipped) == {
        f"{CDNJS}/jquery/3.7.1/jquery.min.js",  # same bytes as code.jquery.com's
        f"{CDNJS}/jqueryui/1.10.2/jquery-ui.min.js",
        f"{CDNJS}/highlight.js/8.4/styles/default.min.css",
    }
    page = result.html
    assert _parse(page).remote == []
    assert _parse(demo_page).remote  # the rendered page had them
    assert (
        "<!-- airmap: left out https://cdnjs.cloudflare.com/ajax/libs/jqueryui" in page
    )
    assert page.count("jQuery v3.7.1") == 1
    assert 1_000_000 < len(page.encode()) < 2_500_000

    inlined = [
        (attrs, body)
        for tag, attrs, body in _elements(page)
        if "data-airmap-inlined" in attrs
    ]
    by_url = {attrs["data-airmap-inlined"]: body for attrs, body in inlined}
    # every inlined script is exactly its file: nothing ended the element early
    for url in result.inlined:
        if not url.endswith(".js"):
            continue
        asset = asset_resolver.resolve(url)
        assert asset is not None
        code = re.sub(
            r"^[ \t]*//[#@] sourceMappingURL=\S*[ \t]*$",
            "",
            asset.data.decode(),
            flags=re.M,
        )
        assert "</script" not in code.lower()
        assert "<!--" not in code
        assert by_url[url].strip() == code.strip()
    # leaflet.js, then the default-icon fix, then the rest
    order = [attrs["data-airmap-inlined"] for attrs, _ in inlined]
    assert order[:2] == [f"{JSD}/leaflet@1.9.3/dist/leaflet.js", "leaflet-default-icon"]
    fix = by_url["leaflet-default-icon"]
    assert 'D.imagePath = ""' in fix
    icon = asset_resolver.resolve(f"{JSD}/leaflet@1.9.3/dist/images/marker-icon.png")
    assert icon is not None
    assert base64.b64encode(icon.data).decode() in fix

    # fonts: woff2 (else woff) only, each file once
    css = "".join(
        body for attrs, body in inlined if "leaflet-default-icon" not in str(attrs)
    )
    assert "data:font/ttf" not in css
    assert "application/vnd.ms-fontobject" not in css
    assert "data:font/woff2" in css
    for name in (
        "fa-solid-900",
        "fa-regular-400",
        "fa-brands-400",
        "fa-v4compatibility",
    ):
        font = asset_resolver.resolve(
            f"{JSD}/@fortawesome/fontawesome-free@6.2.0/webfonts/{name}.woff2"
        )
        assert font is not None
        assert css.count(base64.b64encode(font.data).decode()) == 1, name
    assert re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    assert all(
        ref.startswith(("data:", "#"))
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    )


def test_inliner_is_deterministic_and_idempotent(
    asset_resolver: AssetResolver, demo_page: str
) -> None:
    first = make_self_contained(demo_page, resolver=asset_resolver)
    second = make_self_contained(demo_page, resolver=AssetResolver(asset_resolver.root))
    assert first.html.encode() == second.html.encode()
    assert first == second
    again = make_self_contained(first.html, resolver=asset_resolver)
    assert again.html == first.html
    assert again.inlined == again.missing == again.remote_refs == ()


def test_closing_sequences_in_code_are_escaped(tmp_path: Path) -> None:
    root = tmp_path / "node_modules"
    (root / "leaflet" / "dist").mkdir(parents=True)
    (root / "leaflet" / "dist" / "leaflet.js").write_text(
        'var a = "</script><!-- </SCRIPT >";\n'
    )
    (root / "leaflet" / "dist" / "leaflet.css").write_text(
        '.x::after { content: "</style>"; }\n'
    )
    page = (
        "<html><head>"
        f'<script src="{JSD}/leaflet@1.9.3/dist/leaflet.js"></script>'
        f'<link rel="stylesheet" href="{JSD}/leaflet@1.9.3/dist/leaflet.css"/>'
        "</head><body></body></html>"
    )
    result = make_self_contained(page, resolver=AssetResolver(root))
    assert result.inlined == (
        f"{JSD}/leaflet@1.9.3/dist/leaflet.js",
        f"{JSD}/leaflet@1.9.3/dist/leaflet.css",
    )
    # the marker images are absent here, so no icon fix and they count as missing
    assert all(url.endswith(".png") for url in result.missing)
    elements = _elements(result.html)
    assert [tag for tag, _, _ in elements] == ["script", "style"]
    assert elements[0][2].strip() == r'var a = "<\/script><\!-- <\/SCRIPT >";'
    assert elements[1][2].strip() == r'.x::after { content: "<\/style>"; }'


def test_unknown_assets_and_remote_refs_are_reported(
    asset_resolver: AssetResolver,
) -> None:
    plugin = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.1.0/dist/leaflet.markercluster.js"
    page = (
        "<html><head>"
        f'<script src="{plugin}"></script>'
        f'<link rel="stylesheet" href="{JSD}/leaflet@1.9.3/dist/leaflet.css">'
        "</head><body>"
        '<a href="https://www.openstreetmap.org/copyright">OSM</a>'
        '<img src="https://example.org/logo.png">'
        '<iframe src="//example.org/frame"></iframe>'
        "<script>var t = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {});"
        ' var p = "<img src=\\"https://example.org/p.png\\">";</script>'
        "</body></html>"
    )
    result = make_self_contained(page, resolver=asset_resolver)
    assert result.missing == (plugin,)
    assert f'<script src="{plugin}"></script>' in result.html  # left as it was
    assert result.remote_refs == (
        plugin,
        "https://example.org/logo.png",
        "//example.org/frame",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://example.org/p.png",
    )
    assert not result.self_contained


def test_osm_tiles_stay_remote(asset_resolver: AssetResolver) -> None:
    result = make_self_contained(
        demo_map(tiles="OpenStreetMap").get_root().render(), resolver=asset_resolver
    )
    assert result.missing == ()
    assert result.remote_refs == ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",)


# --- the command ----------------------------------------------------------------------


def test_command_inlines(
    asset_resolver: AssetResolver,
    demo_page: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AIRMAP_ASSETS", str(asset_resolver.root))
    source = tmp_path / "map.html"
    source.write_text(demo_page, encoding="utf-8")
    out = tmp_path / "map_inline.html"
    assert assets.main(["inline", str(source), str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert re.fullmatch(
        rf"{re.escape(str(out))}: \d+ assets inlined, 3 left out, [\d,]+ bytes\n",
        captured.out,
    )
    assert (
        out.read_bytes().decode("utf-8")
        == make_self_contained(demo_page, resolver=asset_resolver).html
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, out.name])


def test_command_reports_remote_refs(
    asset_resolver: AssetResolver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AIRMAP_ASSETS", str(asset_resolver.root))
    source = tmp_path / "osm.html"
    source.write_text(
        demo_map(tiles="OpenStreetMap").get_root().render(), encoding="utf-8"
    )
    out = tmp_path / "osm_inline.html"
    assert assets.main(["inline", str(source), str(out)]) == 1
    captured = capsys.readouterr()
    assert (
        captured.err
        == "airmap: still remote: https://tile.openstreetmap.org/{z}/{x}/{y}.png\n"
    )
    assert out.is_file()  # written anyway: the page works online


def test_command_without_assets_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIRMAP_ASSETS", str(tmp_path / "nowhere"))
    source = tmp_path / "map.html"
    source.write_text("<html><head></head><body></body></html>", encoding="utf-8")
    out = tmp_path / "out.html"
    assert assets.main(["inline", str(source), str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("airmap: error: browser assets not installed")
    assert captured.err.count("\n") == 1
    assert "npm ci" in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
    assert assets.main(["check"]) == 1
    assert assets.main(["inline", str(tmp_path / "absent.html"), str(out)]) == 1
    assert "absent.html: no such file" in capsys.readouterr().err


def test_font_faces_and_unresolved_css_urls(tmp_path: Path) -> None:
    root = tmp_path / "node_modules"
    dist = root / "leaflet" / "dist"
    (dist / "fonts").mkdir(parents=True)
    for ext in ("eot", "woff", "ttf"):
        (dist / "fonts" / f"b.{ext}").write_bytes(f"font {ext}".encode())
    (dist / "leaflet.css").write_text(
        '@font-face{font-family:"A";src:url(data:font/woff2;base64,AAAA) format("woff2")}\n'
        "@font-face {\n  font-family: 'B';\n  src: url('fonts/b.eot');\n"
        "  src: url('fonts/b.eot?#iefix') format('embedded-opentype'),"
        " url('fonts/b.woff') format('woff'), url('fonts/b.ttf') format('truetype');\n"
        "  font-weight: 400;\n}\n"
        '@font-face{font-family:"B legacy";src:url(fonts/b.woff) format("woff")}\n'
        ".x{background:url(https://example.org/bg.png)}\n"
        ".y{background:url(images/missing.png)}\n"
    )
    page = (
        "<html><head>"
        f'<link rel="stylesheet" href="{JSD}/leaflet@1.9.3/dist/leaflet.css">'
        "</head></html>"
    )
    result = make_self_contained(page, resolver=AssetResolver(root))
    (style,) = (body for tag, _, body in _elements(result.html) if tag == "style")
    woff = "data:font/woff;base64," + base64.b64encode(b"font woff").decode()
    assert style.count("@font-face") == 2  # "B legacy" reuses B's file: dropped
    assert (
        '@font-face{font-family:"A";src:url(data:font/woff2;base64,AAAA) format("woff2")}'
        in style
    )
    assert f'font-weight: 400;src:url("{woff}") format("woff")}}' in style
    assert "b.eot" not in style
    assert "b.ttf" not in style
    assert result.inlined == (
        f"{JSD}/leaflet@1.9.3/dist/leaflet.css",
        f"{JSD}/leaflet@1.9.3/dist/fonts/b.woff",
    )
    assert result.missing == (
        "https://example.org/bg.png",
        f"{JSD}/leaflet@1.9.3/dist/images/missing.png",
    )
    assert result.remote_refs == ("https://example.org/bg.png",)
