r"""Escaping for every piece of untrusted text that reaches a rendered map.

**The rule:** all display text that did not come from this program's own string
literals (zone names, incident notes, claims, source titles, URLs, anything read
from seeds or user files) goes through one of the helpers below, and untrusted
text is never formatted into HTML or JavaScript in any other way: no f-strings
into markup, no ``html.escape`` on its own, no ``json.dumps`` into a
``<script>``.

* :func:`display_text` for a piece of text placed in HTML, including HTML that
  folium pastes into a JavaScript template literal (``folium.Popup``,
  ``folium.Tooltip``) or a JavaScript string (``folium.DivIcon(html=...)``).
* :func:`escape_properties` for GeoJSON ``properties`` shown by
  ``GeoJsonPopup``/``GeoJsonTooltip`` or by the ``popup``/``tooltip`` properties
  of ``TimestampedGeoJson``.
* :func:`script_json` for data written into a ``<script>`` element (pass the
  result, a string, to ``TimestampedGeoJson`` instead of a dict).
* :func:`safe_url` for a link target; ``None`` means "show the text, no link".

Where the text ends up in folium 0.20 (read from the installed package):

* ``folium/map.py`` ``Popup``: a ``str`` becomes ``branca.element.Html`` (with
  ``parse_html=False``, the default, inserted raw; with ``parse_html=True``
  HTML-escaped a second time, so never pass escaped text with ``True``), and the
  rendered ``<div>`` is pasted into JavaScript source as
  ``$(`...`)[0]``: a template literal handed to jQuery, which builds live DOM
  at page load. folium only applies ``utilities.escape_backticks`` (a
  backtick not after a backslash) and replaces newlines with spaces.
* ``folium/map.py`` ``Tooltip``: ``{{ this.text }}`` pasted, unescaped, into a
  template literal given to ``bindTooltip``; Leaflet sets it as ``innerHTML``.
* ``folium/features.py`` ``DivIcon``: ``html`` goes through
  ``template.tojavascript``, i.e. ``json.dumps`` with ``< > & '`` as ``\u``
  escapes: a double-quoted JavaScript string, not a template literal. Leaflet
  sets it as ``innerHTML``, so HTML escaping is what matters there.
* ``folium/features.py`` ``GeoJsonDetail`` (``GeoJsonPopup``,
  ``GeoJsonTooltip``): the data is embedded with Jinja's ``tojson`` (script
  safe). Property values are read at run time,
  ``${handleObject(layer.feature.properties[v])}``, inside a template literal
  of the template's own source; a *run-time* value is never parsed as template
  syntax, so ``${`` in a value is inert there. The joined table is assigned to
  ``div.innerHTML`` unescaped, as are the ``aliases`` (field names by default),
  and nested objects are shown as ``JSON.stringify`` of the value.
* ``folium/plugins/timestamped_geo_json.py``: a dict is embedded with plain
  ``json.dumps`` (``</script>`` ends the script element); a ``str`` is pasted
  as-is. ``feature.properties.popup``/``tooltip`` go to Leaflet's
  ``bindPopup``/``bindTooltip``, which set a string as ``innerHTML``
  (``leaflet-src.js`` ``DivOverlay._updateContent``).

So GeoJSON property values need HTML escaping only; :func:`escape_properties`
still applies the full :func:`display_text` encoding to them so that there is a
single encoding for display text everywhere and a value stays safe if it is
ever moved into a template literal.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Mapping
from typing import TypeVar, cast
from urllib.parse import quote, urlsplit

__all__ = [
    "LINE_BREAK_CSS",
    "display_text",
    "escape_properties",
    "safe_url",
    "script_json",
]

_T = TypeVar("_T")

#: CSS declaration that shows the line breaks kept by :func:`display_text`
#: (as newline characters) while still collapsing runs of spaces.
LINE_BREAK_CSS = "white-space: pre-line"


def _display_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # C0 controls become their Unicode "control pictures" (NUL -> U+2400 ...),
    # DEL -> U+2421; tab and line feed stay (line feed as a reference, below).
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"
    del table[0x09]
    # C1 controls have no pictures; a raw one is an HTML parse error and a
    # numeric reference to one is remapped to a windows-1252 glyph. Replace.
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"
    table.update(
        {
            ord("&"): "&amp;",
            ord("<"): "&lt;",
            ord(">"): "&gt;",
            ord('"'): "&quot;",
            ord("'"): "&#x27;",
            # template literal metacharacters, as numeric references
            ord("\\"): "&#92;",
            ord("`"): "&#96;",
            ord("$"): "&#36;",
            # Jinja delimiters: branca compiles every rendered script block as
            # a template again (``Element(script(...))``), so "{{ … }}" in data
            # would be evaluated in Python at render time
            ord("{"): "&#123;",
            ord("}"): "&#125;",
            # line breaks as references: no raw line terminator reaches the
            # JavaScript source (folium's Popup would turn "\n" into a space)
            ord("\n"): "&#10;",
            0x2028: "&#8232;",
            0x2029: "&#8233;",
        }
    )
    return table


_DISPLAY_TABLE = _display_table()
_NEWLINES = re.compile(r"\r\n?")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _fix_surrogates(text: str) -> str:
    """Join surrogate pairs spelled as two code points; lone ones -> U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def display_text(text: str) -> str:
    r"""Escape untrusted text for HTML, including HTML inside a JS template literal.

    The result is inert for the HTML parser and for a JavaScript template
    literal (or string literal) that contains it, and it displays exactly as
    typed, with the exceptions listed under Notes.

    Parameters
    ----------
    text : str
        Untrusted text. Anything else raises ``TypeError`` (convert numbers
        with ``str`` yourself, so that ``None`` never shows up as "None").

    Returns
    -------
    str
        HTML text content with no markup: ``& < > " '`` as in
        ``html.escape(text, quote=True)``, then backslash, backtick and dollar
        sign as ``&#92;``, ``&#96;`` and ``&#36;``, and braces as ``&#123;``
        and ``&#125;`` (branca runs Jinja over rendered scripts a second time).

    Raises
    ------
    TypeError
        If `text` is not a ``str``.

    Notes
    -----
    * **Line breaks** are kept as line breaks: CR LF and lone CR become LF, and
      LF, U+2028 and U+2029 are written as numeric references (``&#10;``,
      ``&#8232;``, ``&#8233;``), so the JavaScript source holds no raw line
      terminator and the text node holds the newline. HTML collapses it to a
      space unless the container has :data:`LINE_BREAK_CSS`. No ``<br>`` is
      inserted: the output never contains an element.
    * **Control characters are shown visibly, where possible:** C0 controls
      other than tab and line breaks, and DEL, become their Unicode control
      pictures (NUL -> U+2400 ``␀``, ESC -> U+241B ``␛``, DEL -> U+2421 ``␡``).
      Tab is kept.
    * **Replaced with U+FFFD:** C1 controls (U+0080 to U+009F) and lone
      surrogates. A surrogate pair written as two code points is joined into
      its character. The result always encodes to UTF-8.
    * Everything else passes unchanged, including bidirectional controls such
      as U+202E: right-to-left text needs them. An unbalanced override ends at
      the end of its block, so give each untrusted text its own element (a
      table cell, a ``<div>``) to keep it from reordering its neighbours.

    Examples
    --------
    >>> display_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> display_text("${x} `y` C:\\users")
    '&#36;&#123;x&#125; &#96;y&#96; C:&#92;users'
    >>> display_text("독도/竹島 \"Dokdo\" & 'Takeshima'")
    '독도/竹島 &quot;Dokdo&quot; &amp; &#x27;Takeshima&#x27;'
    >>> display_text("line 1\r\nline 2\x00")
    'line 1&#10;line 2␀'
    """
    if not isinstance(text, str):
        raise TypeError(f"display_text needs a str, got {type(text).__name__}")
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return _fix_surrogates(text).translate(_DISPLAY_TABLE)


def _path_text(path: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{part!r}]" for part in path)


def escape_properties(value: _T) -> _T:
    """Apply :func:`display_text` to every string in a GeoJSON properties value.

    Walks dicts, lists and tuples and returns a new structure of the same
    shape. Dict keys are left alone: they are field names chosen by the
    program and folium looks values up by them. If untrusted text is used as
    a label (``GeoJsonPopup(aliases=...)``, which folium puts into
    ``innerHTML`` unescaped), pass the labels through :func:`display_text`.

    Parameters
    ----------
    value : str, int, float, bool, None, dict, list or tuple
        A properties dict, a whole feature or feature collection, or any part
        of one. ``int``, ``float``, ``bool`` and ``None`` are returned as is.

    Returns
    -------
    same type as `value`
        The value with every string escaped.

    Raises
    ------
    TypeError
        For any other type, with the path of the value (``$['notes'][2]``), so
        that no object's ``str()`` reaches a page unescaped.

    Examples
    --------
    >>> escape_properties({"name": "<b>A&B</b>", "n": 3, "tags": ["${x}", None]})
    {'name': '&lt;b&gt;A&amp;B&lt;/b&gt;', 'n': 3, 'tags': ['&#36;&#123;x&#125;', None]}
    """
    return cast(_T, _escape_walk(value, ()))


def _escape_walk(value: object, path: tuple[str | int, ...]) -> object:
    if isinstance(value, str):
        return display_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {key: _escape_walk(item, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_escape_walk(item, (*path, i)) for i, item in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(_escape_walk(item, (*path, i)) for i, item in enumerate(value))
    raise TypeError(
        f"cannot escape {type(value).__name__} at {_path_text(path)}: "
        "expected str, number, bool, None, dict, list or tuple"
    )


# Characters json.dumps(ensure_ascii=False) may leave raw that must not stay raw
# in a <script>: HTML-significant ones, JS line terminators, DEL, C1 controls
# and lone surrogates. In JSON text they can only occur inside strings, where a
# \u escape means the same character.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\x7f-\x9f\ud800-\udfff]")


def _u_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _check_json(value: object, path: tuple[str | int, ...], active: set[int]) -> None:
    """Raise with the path of the first value ``json.loads`` could not give back."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(
                f"{value!r} at {_path_text(path)} is not allowed in JSON "
                "(NaN and infinities have no JSON form)"
            )
        return
    if not isinstance(value, (dict, list, tuple)):
        raise TypeError(
            f"{type(value).__name__} at {_path_text(path)} is not JSON data: "
            "expected str, int, float, bool, None, dict, list or tuple"
        )
    if id(value) in active:
        raise ValueError(f"circular reference at {_path_text(path)}")
    active.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"key {key!r} at {_path_text(path)} is not a str "
                    "(JSON object keys are strings)"
                )
            _check_json(item, (*path, key), active)
    else:
        for i, item in enumerate(value):
            _check_json(item, (*path, i), active)
    active.discard(id(value))


def script_json(value: object) -> str:
    r"""Serialise data as JSON that is safe to paste into a ``<script>`` element.

    Parameters
    ----------
    value : JSON data
        ``dict`` (``str`` keys), ``list``, ``tuple`` (written as an array),
        ``str``, ``int``, ``float``, ``bool`` or ``None``, nested freely.

    Returns
    -------
    str
        Compact JSON (``,`` and ``:`` separators). ``<``, ``>``, ``&``, U+2028,
        U+2029, DEL, C1 controls and lone surrogates are written as ``\uXXXX``
        escapes, so ``</script>``, ``<!--`` and ``]]>`` cannot appear and the
        text always encodes to UTF-8; every other character is written as
        itself (``ensure_ascii=False``). ``json.loads`` of the result equals
        `value`, except that tuples come back as lists and a surrogate pair
        spelled as two code points comes back as its one character (which is
        what JavaScript, working in UTF-16, sees as well).

    Raises
    ------
    ValueError
        For NaN or an infinity, or a container that contains itself; the
        message names the path of the value, e.g. ``$['features'][3]``.
    TypeError
        For a non-``str`` dict key or a value of another type, with its path.

    Notes
    -----
    Deterministic: dict keys keep their insertion order (they are not
    sorted), so the same value built the same way always gives the same
    bytes. Integers beyond 2**53 lose precision in JavaScript; that is not
    checked.

    Examples
    --------
    >>> print(script_json({"name": "</script><b>&", "n": [1, 2.5, None]}))
    {"name":"\u003c/script\u003e\u003cb\u003e\u0026","n":[1,2.5,null]}
    >>> script_json({"speed": [1.0, float("nan")]})
    Traceback (most recent call last):
    ...
    ValueError: nan at $['speed'][1] is not allowed in JSON (NaN and infinities ...)
    """
    _check_json(value, (), set())
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # In compact JSON a structural "{" is followed by '"' or "}", so a "{" before
    # "{", "%" or "#" is inside a string: escape it, or branca's second Jinja
    # pass over the rendered script would read a template tag there.
    return _JINJA_OPEN.sub(r"\\u007b", _SCRIPT_UNSAFE.sub(_u_escape, text))


_SCHEMES = frozenset({"http", "https"})
# Any control (C0, DEL, C1), whitespace or invisible format character anywhere.
_URL_FORBIDDEN = re.compile(
    "[\x00-\x20\x7f-\x9f\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f"
    "\u205f-\u206f\u3000\ufeff\ufff9-\ufffb\\\\]"
)
# Characters a host name may not contain (WHATWG forbidden host code points
# plus quotes and braces, which have no business in a host).
_HOST_FORBIDDEN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\"'`{}\x7f]")
# Kept as they are in path, query and fragment; everything else is
# percent-encoded (UTF-8). "%" is kept so existing escapes are not doubled.
_URL_SAFE = "/:@!$&'()*+,;=-._~%?#[]"


def safe_url(url: str) -> str | None:
    r"""Return an http(s) URL normalised and escaped for ``href="..."``, or None.

    Parameters
    ----------
    url : str
        An untrusted link target.

    Returns
    -------
    str or None
        ``None`` unless `url` is an absolute ``http``/``https`` URL with a host;
        callers then show the link text without a link. Otherwise the URL with
        scheme and host lower-cased, an empty path written as ``/``, characters
        outside the URL-safe set (non-ASCII, ``<``, ``>``, ``"``, backtick,
        braces, ...) percent-encoded as UTF-8, and the whole passed through
        :func:`display_text`, so it can go into a double- or single-quoted
        attribute, also inside a JavaScript template literal.

    Notes
    -----
    Rejected (``None``):

    * any scheme but http/https, checked case-insensitively (``javascript:``,
      ``JaVaScRiPt:``, ``data:``, ``vbscript:``, ``file:``), relative and
      protocol-relative URLs (``//host/...``), and a missing or malformed host
      or port;
    * control characters, whitespace and invisible format characters anywhere
      except leading/trailing ASCII whitespace, which is stripped (browsers
      delete tabs and newlines inside URLs, so ``java\tscript:`` would run);
    * backslashes anywhere (browsers read ``\`` as ``/`` in http URLs);
    * user names and passwords (``https://trusted.example@evil.example/``).

    Host names are lower-cased but not converted to punycode; the browser
    applies IDNA itself.

    Examples
    --------
    >>> safe_url("HTTPS://Example.ORG/a?q=<x>&r=1")
    'https://example.org/a?q=%3Cx%3E&amp;r=1'
    >>> safe_url("https://example.org")
    'https://example.org/'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not isinstance(url, str):
        return None
    url = url.strip(" \t\n\r\f")
    if _URL_FORBIDDEN.search(url) or _SURROGATE.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # validates the port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not url[len(scheme) + 1 :].startswith("//"):
        return None
    netloc = parts.netloc
    if "@" in netloc:
        return None
    raw_host = netloc[: netloc.rfind(":")] if port is not None else netloc
    if port is None and netloc.endswith(":"):
        raw_host = netloc[:-1]  # an empty port
    host = _normalise_host(raw_host)
    if host is None:
        return None
    authority = host if port is None else f"{host}:{port}"
    path = quote(parts.path, safe=_URL_SAFE) or "/"
    result = f"{scheme}://{authority}{path}"
    if parts.query:
        result += "?" + quote(parts.query, safe=_URL_SAFE)
    if parts.fragment:
        result += "#" + quote(parts.fragment, safe=_URL_SAFE)
    return display_text(result)


def _normalise_host(host: str) -> str | None:
    if host.startswith("[") and host.endswith("]"):
        try:
            return "[" + ipaddress.IPv6Address(host[1:-1]).compressed + "]"
        except ValueError:
            return None
    if not host or _HOST_FORBIDDEN.search(host) or host.strip(".") == "":
        return None
    return host.lower()
