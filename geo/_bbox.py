"""Bounding boxes in lon/lat degrees, checked once for every command and API."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._errors import AirmapError

__all__ = ["BBOX_FIELDS", "BBoxError", "check_bbox"]

#: The four numbers of a box, in order.
BBOX_FIELDS = ("MINLON", "MINLAT", "MAXLON", "MAXLAT")


class BBoxError(AirmapError, ValueError):
    """A bounding box is malformed; the message names the field and the value."""


def check_bbox(
    bbox: Sequence[float | str], *, antimeridian: bool = False
) -> tuple[float, float, float, float]:
    """Validate ``(min_lon, min_lat, max_lon, max_lat)`` in WGS84 degrees.

    Parameters
    ----------
    bbox : sequence of 4 numbers (or numeric strings)
        Minimum longitude, minimum latitude, maximum longitude, maximum latitude.
    antimeridian : bool, default False
        Accept a box across ±180° written with ``MAXLON`` above 180
        (``170, 50, 190, 56``); the box may then span up to 360° of longitude.

    Returns
    -------
    tuple of 4 float

    Raises
    ------
    BBoxError
        Not four numbers; a value not finite or out of range (longitudes
        -180..180, or -180..360 for ``MAXLON`` with `antimeridian`; latitudes
        -90..90); a minimum not less than its maximum.

    Examples
    --------
    >>> check_bbox(["131.45", 37.0, 132.3, 37.5])
    (131.45, 37.0, 132.3, 37.5)
    >>> try:
    ...     check_bbox([133, 36, 129, 38])
    ... except BBoxError as exc:
    ...     print(exc)
    bbox: MINLON 133 is not less than MAXLON 129 (a box across the antimeridian
    is not supported here)
    >>> check_bbox([170, 50, 190, 56], antimeridian=True)
    (170.0, 50.0, 190.0, 56.0)
    """
    values = list(bbox)
    if len(values) != 4:
        raise BBoxError(
            f"bbox: expected 4 numbers {','.join(BBOX_FIELDS)}, got {len(values)}"
        )
    out: list[float] = []
    for name, value in zip(BBOX_FIELDS, values, strict=True):
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise BBoxError(f"bbox: {name} {value!r} is not a number") from None
        if not math.isfinite(x):
            raise BBoxError(f"bbox: {name} {value!r} is not a finite number")
        lo, hi = (-90.0, 90.0) if name.endswith("LAT") else (-180.0, 180.0)
        if name == "MAXLON" and antimeridian:
            hi = 360.0
        if not lo <= x <= hi:
            raise BBoxError(f"bbox: {name} {x:g} is outside {lo:g}..{hi:g}")
        out.append(x)
    x0, y0, x1, y1 = out
    if x0 >= x1:
        hint = (
            "to cross the antimeridian give MAXLON above 180"
            if antimeridian
            else "a box across the antimeridian is not supported here"
        )
        raise BBoxError(f"bbox: MINLON {x0:g} is not less than MAXLON {x1:g} ({hint})")
    if y0 >= y1:
        raise BBoxError(f"bbox: MINLAT {y0:g} is not less than MAXLAT {y1:g}")
    return x0, y0, x1, y1
