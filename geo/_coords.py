"""Parse printed coordinates: ICAO compact, DMS, decimal minutes, CJK forms.

Supported forms (each with the hemisphere before or after the number):

* ICAO compact: ``3900N 12330E`` (DDMM / DDDMM), ``373000N`` (DDMMSS /
  DDDMMSS), decimals on the last part (``3900.5N`` = 39°00.5′N); a bare number
  of at most two (latitude) or three (longitude) digits is decimal degrees
  (``37.5N``, ``127E``).
* Degrees, minutes, seconds with ``° ′ ″`` (also ``º ˚``, ``' ’ ‘ ´``,
  ``" ” “ ''``) or ``d m s``: ``37°14′26.8″N``, ``37d14m26.8sN``,
  ``32°57.0′N``, ``27°N``.
* Korean ``북위 39도, 동경 123도 30분`` (남위, 서경; 도 분 초), Japanese
  ``北緯45度45分7秒 東経138度44分47秒`` (南緯, 西経) and Chinese
  ``北纬33度11分、东经121度47分`` (南纬, 西经; 度 分 秒). Seconds without
  minutes are read as such: ``北緯36度11秒`` is 36°00′11″.

Only the last part given may carry decimals; minutes and seconds must be below
60, latitudes at most 90° and longitudes at most 180°. Hemisphere letters are
upper case (``s`` is the seconds sign). South and west come out negative.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ._errors import CoordinateError

__all__ = ["Position", "parse_latitude", "parse_longitude", "parse_position"]


class Position(NamedTuple):
    """A WGS84 position, degrees; longitude first."""

    #: Longitude, degrees east (west negative).
    lon: float
    #: Latitude, degrees north (south negative).
    lat: float


# Hemisphere words and letters -> (axis, sign); axis "lat" or "lon".
_HEMI_WORDS: dict[str, tuple[str, int]] = {
    "북위": ("lat", 1),
    "남위": ("lat", -1),
    "동경": ("lon", 1),
    "서경": ("lon", -1),
    "北緯": ("lat", 1),
    "南緯": ("lat", -1),
    "東経": ("lon", 1),
    "西経": ("lon", -1),
    "東經": ("lon", 1),
    "西經": ("lon", -1),
    "北纬": ("lat", 1),
    "南纬": ("lat", -1),
    "东经": ("lon", 1),
    "西经": ("lon", -1),
    "N": ("lat", 1),
    "S": ("lat", -1),
    "E": ("lon", 1),
    "W": ("lon", -1),
}
_UNIT_CHARS: dict[str, int] = {}
for _ch in "°º˚d度도":
    _UNIT_CHARS[_ch] = 0
for _ch in "′'’‘´m分분":
    _UNIT_CHARS[_ch] = 1
for _ch in '″"”“s秒초':
    _UNIT_CHARS[_ch] = 2
_UNIT_NAMES = ("degrees", "minutes", "seconds")
_SEPARATORS = " \t\n\r,;/、，;\u00a0\u3000"

_TRANSLATE = str.maketrans("０１２３４５６７８９．ＮＳＥＷ", "0123456789.NSEW")

_TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<sec2>''|′′|’’)"
    r"|(?P<hemi>" + "|".join(sorted(_HEMI_WORDS, key=len, reverse=True)) + ")"
    r"|(?P<unit>[" + re.escape("".join(_UNIT_CHARS)) + "])"
)


class _Token(NamedTuple):
    kind: str  # "num", "unit", "hemi"
    text: str
    unit: int  # 0 degrees, 1 minutes, 2 seconds (unit tokens only)


class _Item(NamedTuple):
    axis: str
    sign: int
    value: float
    printed: str


def _tokenize(text: str) -> list[_Token]:
    s = text.translate(_TRANSLATE)
    tokens: list[_Token] = []
    pos = 0
    while pos < len(s):
        ch = s[pos]
        if ch in _SEPARATORS:
            pos += 1
            continue
        m = _TOKEN.match(s, pos)
        if m is None:
            if ch in "+-−":
                raise CoordinateError(
                    text, f"a sign ({ch!r}) is not a hemisphere; write N/S/E/W"
                )
            if ch in "nsew":
                raise CoordinateError(
                    text,
                    f"unexpected character {ch!r} at position {pos}; "
                    "hemisphere letters must be upper case (N/S/E/W)",
                )
            raise CoordinateError(
                text, f"unexpected character {ch!r} at position {pos}"
            )
        kind = m.lastgroup or "num"
        if kind == "sec2":
            tokens.append(_Token("unit", m.group(), 2))
        elif kind == "unit":
            tokens.append(_Token("unit", m.group(), _UNIT_CHARS[m.group()]))
        else:
            tokens.append(_Token(kind, m.group(), -1))
        pos = m.end()
    return tokens


def _check_parts(text: str, parts: dict[int, str]) -> float:
    """Validate degree/minute/second strings and return decimal degrees."""
    units = sorted(parts)
    for u in units[:-1]:
        if "." in parts[u]:
            raise CoordinateError(
                text,
                f"{_UNIT_NAMES[u]} {parts[u]} has decimals but is not the last "
                "part; only the last part may have decimals",
            )
    values = {u: float(parts[u]) for u in units}
    for u in (1, 2):
        if u in values and values[u] >= 60.0:
            raise CoordinateError(text, f"{_UNIT_NAMES[u]} {parts[u]} must be below 60")
    return values.get(0, 0.0) + values.get(1, 0.0) / 60.0 + values.get(2, 0.0) / 3600.0


def _compact(text: str, raw: str, axis: str) -> float:
    """Interpret a bare number by its digit count (ICAO compact or degrees)."""
    whole, _, frac = raw.partition(".")
    frac = "." + frac if frac else ""
    n = len(whole)
    dd = 2 if axis == "lat" else 3
    if n <= dd:
        return float(raw)
    if n == dd + 2:
        return _check_parts(text, {0: whole[:dd], 1: whole[dd:] + frac})
    if n == dd + 4:
        return _check_parts(
            text, {0: whole[:dd], 1: whole[dd : dd + 2], 2: whole[dd + 2 :] + frac}
        )
    forms = "DD, DDMM or DDMMSS" if axis == "lat" else "DDD, DDDMM or DDDMMSS"
    raise CoordinateError(
        text,
        f"{raw} has {n} digits before the decimal point; a compact {_axis_name(axis)} "
        f"must be {forms}",
    )


def _axis_name(axis: str) -> str:
    return "latitude" if axis == "lat" else "longitude"


def _scan(text: str) -> list[_Item]:
    """Split ``text`` into hemisphere-tagged coordinates."""
    if not isinstance(text, str):
        raise TypeError(f"coordinate text must be a str, got {type(text).__name__}")
    if not text.strip():
        raise CoordinateError(text, "empty text")
    tokens = _tokenize(text)
    items: list[_Item] = []
    i = 0
    n = len(tokens)
    while i < n:
        prefix: _Token | None = None
        if tokens[i].kind == "hemi":
            prefix = tokens[i]
            i += 1
            if i >= n or tokens[i].kind != "num":
                raise CoordinateError(
                    text, f"hemisphere {prefix.text} is not followed by a number"
                )
        tok = tokens[i]
        if tok.kind == "unit":
            raise CoordinateError(
                text, f"unit sign {tok.text!r} does not follow a number"
            )
        # tok is a number
        start_num = tok.text
        i += 1
        parts: dict[int, str] = {}
        bare = True
        if i < n and tokens[i].kind == "unit":
            bare = False
            unit = tokens[i].unit
            if unit != 0:
                raise CoordinateError(
                    text,
                    f"{_UNIT_NAMES[unit]} {start_num} come before any degrees",
                )
            parts[0] = start_num
            i += 1
            last = 0
            while (
                i + 1 < n and tokens[i].kind == "num" and tokens[i + 1].kind == "unit"
            ):
                unit = tokens[i + 1].unit
                if unit <= last:  # a new coordinate starts here
                    break
                parts[unit] = tokens[i].text
                last = unit
                i += 2
        if prefix is not None:
            hemi = prefix
        elif i < n and tokens[i].kind == "hemi":
            hemi = tokens[i]
            i += 1
        else:
            printed = (
                start_num
                if bare
                else "".join(f"{v}{'°′″'[u]}" for u, v in sorted(parts.items()))
            )
            raise CoordinateError(
                text,
                f"no hemisphere (N/S/E/W or 北緯/東経…) found for {printed}",
            )
        axis, sign = _HEMI_WORDS[hemi.text]
        if bare:
            value = _compact(text, start_num, axis)
            printed = start_num
        else:
            value = _check_parts(text, parts)
            printed = "".join(f"{v}{'°′″'[u]}" for u, v in sorted(parts.items()))
        printed = f"{hemi.text} {printed}" if prefix else printed + hemi.text
        limit = 90.0 if axis == "lat" else 180.0
        if value > limit:
            raise CoordinateError(
                text, f"{_axis_name(axis)} {printed} is beyond {limit:g}°"
            )
        items.append(_Item(axis, sign, sign * value, printed))
    return items


def _single(text: str, axis: str) -> float:
    items = _scan(text)
    if len(items) != 1:
        raise CoordinateError(
            text,
            f"expected one {_axis_name(axis)}, found {len(items)} coordinates",
        )
    item = items[0]
    if item.axis != axis:
        want = "N or S" if axis == "lat" else "E or W"
        raise CoordinateError(
            text,
            f"{item.printed} is a {_axis_name(item.axis)}; a {_axis_name(axis)} "
            f"needs hemisphere {want}",
        )
    return item.value


def parse_latitude(text: str) -> float:
    """Parse one printed latitude.

    Parameters
    ----------
    text : str
        One latitude in any supported form (module docstring), e.g.
        ``"3717N"``, ``"37°14′26.8″N"``, ``"북위 37도 17분"``.

    Returns
    -------
    float
        Latitude, degrees north (south negative).

    Raises
    ------
    CoordinateError
        If the text is not exactly one well-formed latitude; the message quotes
        the text and says what is wrong.

    Examples
    --------
    >>> parse_latitude("3717N")  # 37 + 17/60
    37.28333333333333
    >>> parse_latitude("北緯36度11秒")  # 36°00′11″
    36.003055555555555
    >>> try:
    ...     parse_latitude("3761N")
    ... except ValueError as err:  # CoordinateError is a ValueError
    ...     print(err)
    cannot parse coordinate '3761N': minutes 61 must be below 60
    """
    return _single(text, "lat")


def parse_longitude(text: str) -> float:
    """Parse one printed longitude.

    Parameters
    ----------
    text : str
        One longitude in any supported form, e.g. ``"12330E"``,
        ``"131°52′10.4″E"``, ``"동경 123도 30분"``.

    Returns
    -------
    float
        Longitude, degrees east (west negative).

    Raises
    ------
    CoordinateError
        If the text is not exactly one well-formed longitude.

    Examples
    --------
    >>> parse_longitude("12330E")
    123.5
    >>> parse_longitude("122°25′W")
    -122.41666666666667
    """
    return _single(text, "lon")


def parse_position(text: str) -> Position:
    """Parse a printed latitude/longitude pair in any supported form.

    Parameters
    ----------
    text : str
        A latitude and a longitude, in either order, separated by blanks,
        commas, ``、`` or ``/`` (or nothing, as in ``3900N12330E``).

    Returns
    -------
    Position
        ``(lon, lat)`` in degrees, WGS84 axis order longitude first.

    Raises
    ------
    CoordinateError
        If the text does not hold exactly one latitude and one longitude, or
        either is malformed.

    Examples
    --------
    >>> parse_position("3900N 12330E")
    Position(lon=123.5, lat=39.0)
    >>> parse_position("북위 39도, 동경 123도 30분")
    Position(lon=123.5, lat=39.0)
    >>> parse_position("32°57.0′N 127°41.1′E")
    Position(lon=127.685, lat=32.95)
    """
    items = _scan(text)
    lats = [it for it in items if it.axis == "lat"]
    lons = [it for it in items if it.axis == "lon"]
    if len(lats) != 1 or len(lons) != 1:
        raise CoordinateError(
            text,
            f"a position needs exactly one latitude and one longitude, found "
            f"{len(lats)} latitude(s) and {len(lons)} longitude(s)",
        )
    return Position(lon=lons[0].value, lat=lats[0].value)
