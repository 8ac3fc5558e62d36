"""Printed-coordinate parsing: every form in facts/zones.md, and malformed text.

Expected decimals are written out as degrees + minutes/60 + seconds/3600 here,
independently of the parser.
"""

from __future__ import annotations

import pytest

from airmap.geo import (
    CoordinateError,
    Position,
    parse_latitude,
    parse_longitude,
    parse_position,
)


def dms(d: float, m: float = 0.0, s: float = 0.0) -> float:
    return d + m / 60 + s / 3600


POSITIONS = [
    # ICAO compact (KADIZ 2013 list)
    ("3900N 12330E", dms(123, 30), dms(39)),
    ("3717N 13300E", dms(133), dms(37, 17)),
    ("3000N 12525E", dms(125, 25), dms(30)),
    ("3900N12330E", dms(123, 30), dms(39)),
    ("3900N/12330E", dms(123, 30), dms(39)),
    ("373000N 1233000E", dms(123, 30), dms(37, 30)),
    ("371426.8N 1315210.4E", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("3900.5N 12330.25E", dms(123, 30.25), dms(39, 0.5)),
    ("37.5N 127E", 127.0, 37.5),
    # DMS with primes
    ("39°00′N 123°30′E", dms(123, 30), dms(39)),
    ("37°14′26.8″N 131°52′10.4″E", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("37°28′57.4331″N 130°54′02.7496″E", dms(130, 54, 2.7496), dms(37, 28, 57.4331)),
    ("21°00′00″N 117°30′00″E", dms(117, 30), dms(21)),
    ("35°54′09″N 36°03′38″E", dms(36, 3, 38), dms(35, 54, 9)),
    ("27°N 122°E", dms(122), dms(27)),
    ("37° 14′ 26.8″ N, 131° 52′ 10.4″ E", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    # decimal minutes
    ("32°57.0′N 127°41.1′E", dms(127, 41.1), dms(32, 57.0)),
    ("35°00.2′N 119°54.2′E", dms(119, 54.2), dms(35, 0.2)),
    ("25°44.6′N 123°28.4′E", dms(123, 28.4), dms(25, 44.6)),
    # ASCII and typographic variants
    ("37d14m26.8sN 131d52m10.4sE", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("37°14'26.8\"N 131°52'10.4\"E", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("37°14’26.8”N 131°52’10.4”E", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("37°14'26.8''N 131°52'10.4''E", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("37º14′N 131º52′E", dms(131, 52), dms(37, 14)),
    # hemisphere first
    ("N37°14′26.8″ E131°52′10.4″", dms(131, 52, 10.4), dms(37, 14, 26.8)),
    ("N3900 E12330", dms(123, 30), dms(39)),
    # longitude first
    ("12330E 3900N", dms(123, 30), dms(39)),
    # Korean
    ("북위 39도, 동경 123도 30분", dms(123, 30), dms(39)),
    ("북위 37도 17분, 동경 133도", dms(133), dms(37, 17)),
    ("북위 34도 17분, 동경 128도 52분", dms(128, 52), dms(34, 17)),
    ("남위 12도 30분 15초, 서경 77도 2분", -dms(77, 2), -dms(12, 30, 15)),
    # Japanese
    ("北緯45度45分7秒 東経138度44分47秒", dms(138, 44, 47), dms(45, 45, 7)),
    ("北緯36度11秒 東経130度29分51秒", dms(130, 29, 51), dms(36, 0, 11)),
    ("北緯33度12秒 東経126度59分53秒", dms(126, 59, 53), dms(33, 0, 12)),
    ("北緯 36 度 11 秒 東経 130 度 29 分 51 秒", dms(130, 29, 51), dms(36, 0, 11)),
    ("北緯４５度４５分７秒 東経１３８度４４分４７秒", dms(138, 44, 47), dms(45, 45, 7)),
    # Chinese
    ("北纬33度11分、东经121度47分", dms(121, 47), dms(33, 11)),
    ("北纬31度00分、东经128度20分", dms(128, 20), dms(31)),
    # southern and western hemispheres
    ("3330S 07040W", -dms(70, 40), -dms(33, 30)),
    ("33°27′S 70°40′W", -dms(70, 40), -dms(33, 27)),
    ("0000N 00000E", 0.0, 0.0),
    ("90°00′N 180°00′W", -180.0, 90.0),
]


@pytest.mark.parametrize(("text", "lon", "lat"), POSITIONS)
def test_parse_position(text: str, lon: float, lat: float) -> None:
    pos = parse_position(text)
    assert isinstance(pos, Position)
    assert pos.lon == pytest.approx(lon, abs=1e-12)
    assert pos.lat == pytest.approx(lat, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "lat"),
    [
        ("37°14′26.8″N", dms(37, 14, 26.8)),
        ("3717N", dms(37, 17)),
        ("373000N", dms(37, 30)),
        ("3900.5N", dms(39, 0.5)),
        ("북위 37도 17분", dms(37, 17)),
        ("北緯36度11秒", dms(36, 0, 11)),
        ("北纬33度11分", dms(33, 11)),
        ("24°27′05″S", -dms(24, 27, 5)),
        ("S 24°27′05″", -dms(24, 27, 5)),
    ],
)
def test_parse_latitude(text: str, lat: float) -> None:
    assert parse_latitude(text) == pytest.approx(lat, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "lon"),
    [
        ("12330E", dms(123, 30)),
        ("1233000E", dms(123, 30)),
        ("131°52′10.4″E", dms(131, 52, 10.4)),
        ("동경 123도 30분", dms(123, 30)),
        ("東経138度44分47秒", dms(138, 44, 47)),
        ("东经121度47分", dms(121, 47)),
        ("西経 70度", -70.0),
        ("07040W", -dms(70, 40)),
        ("122°25′W", -dms(122, 25)),
    ],
)
def test_parse_longitude(text: str, lon: float) -> None:
    assert parse_longitude(text) == pytest.approx(lon, abs=1e-12)


@pytest.mark.parametrize(
    ("func", "text", "match"),
    [
        (
            parse_position,
            "3761N 12330E",
            r"'3761N 12330E'.*minutes 61 must be below 60",
        ),
        (parse_position, "37°14′61″N 131°E", r"seconds 61 must be below 60"),
        (parse_position, "37°60′N 131°E", r"minutes 60 must be below 60"),
        (parse_position, "北緯45度45分60秒 東経138度", r"seconds 60 must be below 60"),
        (
            parse_position,
            "3900 12330E",
            r"no hemisphere \(N/S/E/W or 北緯/東経…\) found",
        ),
        (parse_position, "39°00′ 123°30′", r"no hemisphere"),
        (parse_position, "9100N 12330E", r"latitude .* is beyond 90°"),
        (parse_position, "3900N 18100E", r"longitude .* is beyond 180°"),
        (parse_position, "90°00′01″N 0°E", r"beyond 90°"),
        (parse_position, "3900N 3800N", r"exactly one latitude and one longitude"),
        (
            parse_position,
            "12330E 12400E",
            r"found 0 latitude\(s\) and 2 longitude\(s\)",
        ),
        (parse_position, "3900N", r"exactly one latitude and one longitude"),
        (parse_position, "3900N 12330E 12400E", r"1 latitude\(s\) and 2 longitude"),
        (parse_position, "", r"empty text"),
        (parse_position, "   ", r"empty text"),
        (parse_position, "39°00′n 123°30′e", r"hemisphere letters must be upper case"),
        (parse_position, "-39.5 123.5", r"a sign \('-'\) is not a hemisphere"),
        (parse_position, "390N 12330E", r"390 has 3 digits.*DD, DDMM or DDMMSS"),
        (parse_position, "3900N 1233E", r"1233 has 4 digits.*DDD, DDDMM or DDDMMSS"),
        (
            parse_position,
            "39.5°30′N 123°E",
            r"degrees 39.5 has decimals but is not the last",
        ),
        (parse_position, "39°30.5′20″N 123°E", r"minutes 30.5 has decimals"),
        (parse_position, "30′N 123°E", r"minutes 30 come before any degrees"),
        (parse_position, "39°20″15′N 123°E", r"no hemisphere .* found for 39°20″"),
        (parse_position, "N E 123°", r"hemisphere N is not followed by a number"),
        (parse_position, "39°00′N (sic) 123°E", r"unexpected character '\('"),
        (parse_position, "° 39N 123E", r"unit sign '°' does not follow a number"),
        (
            parse_latitude,
            "12330E",
            r"12330E is a longitude; a latitude needs hemisphere N or S",
        ),
        (parse_latitude, "3900N 12330E", r"expected one latitude, found 2 coordinates"),
        (
            parse_longitude,
            "3900N",
            r"3900N is a latitude; a longitude needs hemisphere E or W",
        ),
        (parse_longitude, "동경 181도", r"longitude 동경 181° is beyond 180°"),
    ],
)
def test_malformed(func, text: str, match: str) -> None:
    with pytest.raises(CoordinateError, match=match) as info:
        func(text)
    assert repr(text) in str(info.value)
    assert info.value.text == text


def test_coordinate_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="must be below 60"):
        parse_latitude("3799N")


def test_non_string_is_type_error() -> None:
    with pytest.raises(TypeError, match="coordinate text must be a str, got float"):
        parse_latitude(37.5)  # type: ignore[arg-type]
