"""The escaping helpers, checked against independent parsers (no browser).

* JavaScript: every ``display_text`` result is evaluated by node inside a
  template literal, and every ``script_json`` result as the content of a
  ``<script>``; flags that hostile strings try to set must stay unset.
* HTML: Python's ``html.parser`` must see text only (no element, attribute or
  comment) whose content equals what was typed.
* The expected display text is computed here from the documented rules, one
  character at a time, not with the module's tables.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest

from airmap.maps._escape import (
    LINE_BREAK_CSS,
    display_text,
    escape_properties,
    safe_url,
    script_json,
)
from tests.common import missing_prerequisite

XSS_FLAGS = ("__xss", "__xss_tpl", "__xss_bt", "__xss_any")

# browser.md §9 probes
PROBES = [
    "<img src=x onerror=window.__xss=1>",
    "${window.__xss_tpl=1}",
    "`+(window.__xss_bt=1)+`",
    "C:\\users\\ops",
    "</script><img src=x onerror=window.__xss=1>",
]

# a surrogate pair spelled as two code points (only possible on the Python side)
PAIR_IN_TWO = "pair spelled \ud83d\ude00 in two"

# our own
HOSTILE = [
    *PROBES,
    "<!--",
    "<!-- <script>window.__xss_any=1</script> -->",
    "]]>",
    "<![CDATA[x]]>",
    "a\u2028b\u2029c",
    "nul\x00here",
    "✈️ 🛩️ 👨‍✈️ 🇰🇷",
    "abc\u202edcba",
    "독도/竹島",
    "独岛 / Лиан­кур",
    "&amp; &lt;b&gt; &#96; &#x24;{x}",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example",
    "http://ok.example/a?b=1&c=<x>",
    '" onmouseover="window.__xss=1',
    "' onmouseover='window.__xss=1",
    "\\${window.__xss_tpl=1}",
    "$\\{window.__xss_tpl=1}",
    "$${window.__xss_tpl=1}",
    "\\`+(window.__xss_bt=1)+\\`",
    "\\u{41} \\x41 \\u00 \\",
    "ends with a backslash \\",
    "`",
    "${",
    "}",
    "{{ 7*7 }}",
    "{% if 1 %}x{% endif %}",
    "{# c #}",
    "{{{{",
    "line 1\nline 2\r\nline 3\rline 4",
    "tab\there",
    "bell\x07 esc\x1b del\x7f nel\x85 csi\x9b",
    "lone \ud800 and \udfff surrogates",
    PAIR_IN_TWO,
    "\ufeffbom \u200bzwsp \ufffe \uffff",
    "",
    "   ",
]


# --------------------------------------------------------------------------
# independent references


def expected_text(original: str) -> str:
    """The text a reader should see, per the documented rules."""
    text = original.replace("\r\n", "\n").replace("\r", "\n")
    # join surrogate pairs spelled as two code points, lone ones -> U+FFFD
    joined: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if "\ud800" <= c <= "\udbff" and i + 1 < len(text):
            d = text[i + 1]
            if "\udc00" <= d <= "\udfff":
                code = 0x10000 + ((ord(c) - 0xD800) << 10) + (ord(d) - 0xDC00)
                joined.append(chr(code))
                i += 2
                continue
        joined.append("\ufffd" if "\ud800" <= c <= "\udfff" else c)
        i += 1
    out = []
    for c in joined:
        n = ord(c)
        if c in "\t\n":
            out.append(c)
        elif n < 0x20:
            out.append(chr(0x2400 + n))
        elif n == 0x7F:
            out.append("\u2421")
        elif 0x80 <= n <= 0x9F:
            out.append("\ufffd")
        else:
            out.append(c)
    return "".join(out)


def decode_numeric_refs(markup: str) -> str:
    return re.sub(
        r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));",
        lambda m: chr(int(m[1]) if m[1] else int(m[2], 16)),
        markup,
    )


class Recorder(HTMLParser):
    """Every parser event; ``text`` is the concatenated character data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, Any]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", (tag, attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("startend", (tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("unknown_decl", data))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def parse(markup: str) -> Recorder:
    rec = Recorder()
    rec.feed(markup)
    rec.close()
    return rec


NODE_PRELUDE = (
    "const fs = require('fs');\n"
    "const cases = JSON.parse(fs.readFileSync(0, 'utf8'));\n"
    f"const flags = {json.dumps(list(XSS_FLAGS))};\n"
    "globalThis.window = globalThis;\n"
)


def run_node(body: str, cases: list[str]) -> Any:
    """Run ``body`` in node with ``cases`` (JSON on stdin); parse its stdout."""
    node = shutil.which("node")
    if node is None:
        missing_prerequisite("node is not installed (needed to evaluate JavaScript)")
    proc = subprocess.run(
        [str(node), "-e", NODE_PRELUDE + body],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------
# display_text


@pytest.fixture(scope="module")
def node_template_literals() -> list[dict[str, Any]]:
    """Each case ``display_text(s)`` evaluated as the body of a template literal.

    One node process for all cases; each source is evaluated on its own so a
    break-out shows up as that case's error, and the flags are read after
    each one.
    """
    sources = [f"`<div>{display_text(s)}</div>`" for s in HOSTILE]
    body = (
        "const out = cases.map((src) => {\n"
        "  for (const f of flags) delete globalThis[f];\n"
        "  let value = null, error = null;\n"
        "  try { value = (0, eval)(src); } catch (e) { error = String(e); }\n"
        "  const set = flags.filter((f) => globalThis[f] !== undefined);\n"
        "  return {value, error, set};\n"
        "});\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    return list(run_node(body, sources))


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_display_text_is_inert_in_a_template_literal(
    node_template_literals: list[dict[str, Any]], index: int
) -> None:
    original = HOSTILE[index]
    out = display_text(original)
    got = node_template_literals[index]
    assert got["error"] is None
    assert got["set"] == []
    # the literal's value is its source text: nothing was interpreted
    assert got["value"] == f"<div>{out}</div>"
    # and it is html.escape of what the reader should see, up to numeric refs
    assert decode_numeric_refs(got["value"]) == decode_numeric_refs(
        f"<div>{html.escape(expected_text(original), quote=True)}</div>"
    )


@pytest.mark.parametrize("original", HOSTILE)
def test_display_text_parses_as_exactly_the_typed_text(original: str) -> None:
    out = display_text(original)
    rec = parse(out)
    assert rec.events == []
    assert rec.text == expected_text(original)

    wrapped = parse(f"<div>{out}</div>")
    assert wrapped.events == [("start", ("div", [])), ("end", "div")]
    assert wrapped.text == expected_text(original)


@pytest.mark.parametrize("original", HOSTILE)
@pytest.mark.parametrize("quote", ['"', "'"])
def test_display_text_is_safe_in_a_quoted_attribute(original: str, quote: str) -> None:
    rec = parse(f"<span title={quote}{display_text(original)}{quote}>x</span>")
    assert rec.events == [
        ("start", ("span", [("title", expected_text(original))])),
        ("end", "span"),
    ]


@pytest.mark.parametrize("original", HOSTILE)
def test_display_text_output_alphabet(original: str) -> None:
    out = display_text(original)
    for char in "<>\"'`$\\\n\r\u2028\u2029":
        assert char not in out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", out)
    out.encode("utf-8")  # never raises
    assert display_text(original) == out  # deterministic


def test_display_text_documented_choices() -> None:
    assert display_text("a\r\nb\rc\nd") == "a&#10;b&#10;c&#10;d"
    assert display_text("\x00\x1b\x7f\t") == "\u2400\u241b\u2421\t"
    assert display_text("\x85\ud800") == "\ufffd\ufffd"
    assert display_text("\ud83d\ude00") == "\U0001f600"
    assert display_text("\u202eabc") == "\u202eabc"  # bidi controls kept
    assert display_text("&amp;") == "&amp;amp;"  # escaped text shows as typed
    assert LINE_BREAK_CSS == "white-space: pre-line"


def test_display_text_matches_html_escape_on_plain_text() -> None:
    text = "Dokdo <독도> & \"竹島\" 'Liancourt' 37°14′26.8″N"
    assert display_text(text) == html.escape(text, quote=True)


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["x"]])
def test_display_text_rejects_non_strings(bad: Any) -> None:
    with pytest.raises(TypeError, match="needs a str"):
        display_text(bad)


# --------------------------------------------------------------------------
# escape_properties


def test_escape_properties_walks_every_string() -> None:
    props = {
        "name": PROBES[0],
        "notes": [PROBES[1], {"deep": (PROBES[2], 7)}],
        "n": 3,
        "x": 2.5,
        "ok": True,
        "none": None,
        "<key>": "keys stay",
    }
    before = json.dumps(props)
    got = escape_properties(props)
    assert json.dumps(props) == before  # input untouched
    assert got == {
        "name": display_text(PROBES[0]),
        "notes": [display_text(PROBES[1]), {"deep": (display_text(PROBES[2]), 7)}],
        "n": 3,
        "x": 2.5,
        "ok": True,
        "none": None,
        "<key>": "keys stay",
    }
    assert list(got) == list(props)
    assert got["ok"] is True
    assert got["n"] is props["n"]


def test_escape_properties_on_a_feature_collection_parses_as_text() -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [131.87, 37.24]},
                "properties": {"popup": s, "tooltip": s, "times": ["2019-07-23"]},
            }
            for s in HOSTILE
        ],
    }
    got = escape_properties(fc)
    for original, feature in zip(HOSTILE, got["features"], strict=True):
        assert feature["geometry"] == {"type": "Point", "coordinates": [131.87, 37.24]}
        for key in ("popup", "tooltip"):
            rec = parse(feature["properties"][key])
            assert rec.events == []
            assert rec.text == expected_text(original)
        assert feature["properties"]["times"] == ["2019-07-23"]


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": [1, {2, 3}]}, "$['a'][1]"),
        ({"when": dt.date(2019, 7, 23)}, "$['when']"),
        (b"bytes", "$"),
    ],
)
def test_escape_properties_rejects_other_types_with_path(value: Any, path: str) -> None:
    with pytest.raises(TypeError, match=re.escape(path)):
        escape_properties(value)


# --------------------------------------------------------------------------
# script_json

JSON_CASES: list[Any] = [
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[130, 37], [131, 38]],
                },
                "properties": {
                    "times": ["2019-07-23T00:25:00Z", "2019-07-23T00:30:00Z"],
                    "popup": escape_properties(s),
                    "raw": s,
                },
            }
            for s in HOSTILE
            if s != PAIR_IN_TWO  # json.loads would join the pair; see below
        ],
    },
    {"</script>": "<!--", "]]>": "\u2028\u2029", "독도": ["竹島", 1, -0.5, 1e300]},
    ["\x00\x1f\x7f\x85\x9f", "\ud800 lone", "\udfff", "\U0001f600", "\\u003c"],
    {"nested": {"empty": {}, "list": [], "t": True, "f": False, "n": None}},
    "</SCRIPT></script ><!-- -->",
    [2**53, -(2**31), 0, 0.1, 1.5e-10],
    None,
]


@pytest.mark.parametrize("value", JSON_CASES)
def test_script_json_round_trips_and_is_script_safe(value: Any) -> None:
    out = script_json(value)
    assert json.loads(out) == value
    for char in "<>&\u2028\u2029":
        assert char not in out
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", out)
    out.encode("utf-8")
    # as the content of a <script>: one element, content unchanged
    src = f"var d = {out};"
    rec = parse(f"<script>{src}</script>")
    assert rec.events == [("start", ("script", [])), ("end", "script")]
    assert rec.text == src


def test_script_json_evaluates_to_the_same_value_in_node() -> None:
    sources = [f"var d = {script_json(v)};\nd" for v in JSON_CASES]
    body = (
        "const out = cases.map((src) => {\n"
        "  for (const f of flags) delete globalThis[f];\n"
        "  const value = (0, eval)(src);\n"
        "  const set = flags.filter((f) => globalThis[f] !== undefined);\n"
        "  return {json: JSON.stringify(value === undefined ? null : value), set};\n"
        "});\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    results = run_node(body, sources)
    for value, got in zip(JSON_CASES, results, strict=True):
        assert got["set"] == []
        assert json.loads(got["json"]) == value


def test_script_json_surrogates() -> None:
    # lone surrogates survive as escapes; a pair spelled as two code points is
    # written as two escapes, which JSON.parse, JavaScript and json.loads all
    # read as the one character
    assert script_json("\ud800 \udfff") == '"\\ud800 \\udfff"'
    assert json.loads(script_json("\ud800 \udfff")) == "\ud800 \udfff"
    assert script_json(PAIR_IN_TWO) == '"pair spelled \\ud83d\\ude00 in two"'
    assert json.loads(script_json(PAIR_IN_TWO)) == "pair spelled \U0001f600 in two"


def test_script_json_keeps_insertion_order_and_is_compact() -> None:
    assert script_json({"b": 1, "a": [2, 3]}) == '{"b":1,"a":[2,3]}'
    assert script_json({"a": 2, "b": 1}) == '{"a":2,"b":1}'
    value = JSON_CASES[0]
    assert script_json(value) == script_json(json.loads(script_json(value)))


def test_script_json_writes_other_characters_as_themselves() -> None:
    assert script_json("독도 ✈ \u202e é") == '"독도 ✈ \u202e é"'
    assert script_json("<&>\u2028") == '"\\u003c\\u0026\\u003e\\u2028"'
    assert script_json(("a", 1)) == '["a",1]'


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (float("nan"), "$"),
        ({"speed": [1.0, float("nan")]}, "$['speed'][1]"),
        ({"features": [{"properties": {"alt": float("inf")}}]}, "$['features'][0]"),
        ([{"a": -float("inf")}], "$[0]['a']"),
    ],
)
def test_script_json_names_the_path_of_nan(value: Any, path: str) -> None:
    with pytest.raises(ValueError, match=re.escape(path)):
        script_json(value)


def test_script_json_rejects_non_json_values_with_path() -> None:
    with pytest.raises(TypeError, match=r"key 1 at \$\['a'\] is not a str"):
        script_json({"a": {1: "x"}})
    with pytest.raises(TypeError, match=r"set at \$\['a'\]\[0\]"):
        script_json({"a": [{1}]})
    with pytest.raises(TypeError, match=r"datetime at \$"):
        script_json(dt.datetime(2019, 7, 23, tzinfo=dt.UTC))
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match=r"circular reference at \$\['x'\]\[0\]"):
        script_json({"x": loop})


# --------------------------------------------------------------------------
# safe_url

URL_TABLE: list[tuple[str, str | None]] = [
    # accepted, normalised, escaped for an attribute
    ("http://ok.example/a?b=1&c=<x>", "http://ok.example/a?b=1&amp;c=%3Cx%3E"),
    ("https://example.org/report.pdf", "https://example.org/report.pdf"),
    ("HTTPS://Example.ORG/Path?Q=1#Frag", "https://example.org/Path?Q=1#Frag"),
    ("HtTp://ok.example", "http://ok.example/"),
    ("  https://ok.example/\n", "https://ok.example/"),
    ("https://ok.example:8443/x", "https://ok.example:8443/x"),
    ("https://ok.example:/x", "https://ok.example/x"),
    ("https://[2001:DB8::1]:8080/", "https://[2001:db8::1]:8080/"),
    (
        "https://독도.example/竹島?q=독도",
        "https://독도.example/%E7%AB%B9%E5%B3%B6?q=%EB%8F%85%EB%8F%84",
    ),
    ("https://ok.example/${x}`y`", "https://ok.example/&#36;%7Bx%7D%60y%60"),
    ("https://ok.example/a'b\"c", "https://ok.example/a&#x27;b%22c"),
    ("https://ok.example/%41%zz", "https://ok.example/%41%zz"),
    # rejected
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("java\nscript:alert(1)", None),
    ("\x00javascript:alert(1)", None),
    ("vbscript:msgbox(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("file:///etc/passwd", None),
    ("ftp://ok.example/x", None),
    ("//evil.example", None),
    ("/relative/path", None),
    ("relative.html", None),
    ("#fragment", None),
    ("", None),
    ("   ", None),
    ("https:evil.example", None),
    ("https:/evil.example", None),
    ("https:\\\\evil.example", None),
    ("https://ok.example\\@evil.example/", None),
    ("https://ok.example/a\\b", None),
    ("https://user:pass@ok.example/", None),
    ("https://ok.example@evil.example/", None),
    ("http://", None),
    ("https://:443/", None),
    ("https://./", None),
    ("https://ok.example:99999/", None),
    ("https://ok.example:port/", None),
    ("https://[not-ipv6]/", None),
    ("ht\ttps://ok.example/", None),
    ("https://ok .example/", None),
    ("https://ok.example/a b", None),
    ("https://ok.example/\u202eevil", None),
    ("https://ok.example/\u200b", None),
    ("https://ok.example/\u00a0", None),
    ("https://ok.example/\x85", None),
    ("https://ok.example/\ud800", None),
    ("https://ok<x>.example/", None),
    ("<img src=x onerror=window.__xss=1>", None),
    ("${window.__xss_tpl=1}", None),
]


@pytest.mark.parametrize(("url", "expected"), URL_TABLE)
def test_safe_url_truth_table(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), [r for r in URL_TABLE if r[1]])
def test_safe_url_output_is_one_http_href(url: str, expected: str) -> None:
    out = safe_url(url)
    assert out is not None
    rec = parse(f'<a href="{out}">link</a>')
    assert len(rec.events) == 2
    ((kind, (tag, attrs)), end) = rec.events
    assert (kind, tag, end) == ("start", "a", ("end", "a"))
    [(name, href)] = attrs
    assert name == "href"
    assert href is not None
    assert urlsplit(href).scheme in {"http", "https"}
    assert urlsplit(href).hostname
    assert not re.search(r"[\s<>\"`\\{}]", href)
    assert safe_url(href) == out  # normalisation is idempotent


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_url_on_hostile_text(text: str) -> None:
    out = safe_url(text)
    if text == "http://ok.example/a?b=1&c=<x>":
        assert out == "http://ok.example/a?b=1&amp;c=%3Cx%3E"
    else:
        assert out is None


# --------------------------------------------------------------------------
# what folium 0.20 does with the output (rendering only; the browser check
# lives in the browser harness)


def test_folium_pastes_escaped_text_unchanged() -> None:
    import folium
    from folium.plugins import TimestampedGeoJson

    for original in PROBES:
        out = display_text(original)
        m = folium.Map(location=[37.24, 131.87], tiles=None)
        marker = folium.Marker(
            [37.24, 131.87],
            popup=folium.Popup(out),
            tooltip=folium.Tooltip(out),
        )
        marker.add_to(m)
        folium.Marker([37.3, 131.9], icon=folium.DivIcon(html=out)).add_to(m)
        data = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [131.87, 37.24]},
                    "properties": escape_properties(
                        {"times": ["2019-07-23T00:25:00Z"], "popup": original}
                    ),
                }
            ],
        }
        TimestampedGeoJson(script_json(data), period="PT5M").add_to(m)
        page = m.get_root().render()

        # popup: $(`<div ...>OUT</div>`)[0], unchanged by folium
        assert re.search(r"\$\(`<div id=\"html_\w+\" [^>]*>" + re.escape(out), page)
        # tooltip: the template literal holds OUT unchanged
        assert re.search(r"bindTooltip\(\s*`<div>\s*" + re.escape(out), page)
        assert script_json(data) in page
        # only the escaped forms reach the page
        assert original not in page


@pytest.mark.parametrize(
    "text", [s for s in HOSTILE if "{" in s] + ["{{ cycler.__init__ }}"]
)
def test_no_jinja_tag_survives_branca_second_pass(text: str) -> None:
    """branca compiles every rendered script block as a Jinja template again.

    Data reaching a popup, a tooltip or script JSON must not open a template tag,
    or "{{ 7*7 }}" would be shown as "49" (and any Python could run at render).
    """
    import folium

    for out in (display_text(text), script_json({"k": text, "n": [{"a": text}]})):
        for tag in ("{{", "{%", "{#"):
            assert tag not in out
    m = folium.Map(tiles=None)
    folium.GeoJson(
        {"type": "Point", "coordinates": [130.0, 37.0]},
        tooltip=folium.Tooltip(display_text(text)),
        popup=folium.Popup(display_text(text)),
    ).add_to(m)
    html = m.get_root().render()
    # both copies arrive unchanged (a second Jinja pass would have altered them)
    assert html.count(display_text(text)) == 2
