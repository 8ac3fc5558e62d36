"""The shipped zone and source files follow seeds/schema/zones.schema.json.

The schema is the public contract of the zone-file format (seeds/README.md) and of
users' ``--zones`` files, including the GeoJSON FeatureCollection variant.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SEEDS = files("airmap.seeds")


def _toml_files(folder: str) -> list[Traversable]:
    return sorted(
        (p for p in SEEDS.joinpath(folder).iterdir() if p.name.endswith(".toml")),
        key=lambda p: p.name,
    )


ZONE_FILES = _toml_files("zones")
SOURCE_FILES = _toml_files("sources")


def _as_json_data(value: Any) -> Any:
    """TOML dates and datetimes become RFC 3339 strings, as in a JSON zone file."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json_data(v) for v in value]
    return value


def _load_toml(path: Traversable) -> Any:
    with path.open("rb") as fh:
        return _as_json_data(tomllib.load(fh))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(
        SEEDS.joinpath("schema", "zones.schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _all_errors(errors: Iterator[ValidationError]) -> list[ValidationError]:
    """Flatten errors and the sub-errors of oneOf/anyOf branches."""
    out: list[ValidationError] = []
    stack = list(errors)
    while stack:
        err = stack.pop()
        out.append(err)
        stack.extend(err.context or ())
    return out


def _explain(errors: list[ValidationError]) -> str:
    return "\n".join(f"{e.json_path}: {e.message}" for e in errors[:20])


def test_there_are_seed_files() -> None:
    names = {p.name for p in ZONE_FILES}
    assert {
        "kadiz.toml",
        "cn-ecs-adiz.toml",
        "taiwan-adiz.toml",
        "incheon-fir.toml",
        "jadiz.toml",
        "reference_lines.toml",
    } <= names
    assert "zones.toml" in {p.name for p in SOURCE_FILES}


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=f"zones/{p.name}") for p in ZONE_FILES]
    + [pytest.param(p, id=f"sources/{p.name}") for p in SOURCE_FILES],
)
def test_seed_file_validates(
    validator: Draft202012Validator, path: Traversable
) -> None:
    data = _load_toml(path)
    errors = sorted(validator.iter_errors(data), key=lambda e: e.json_path)
    assert not errors, f"{path.name}:\n{_explain(_all_errors(iter(errors)))}"


def test_source_ids_unique_and_every_cited_id_defined() -> None:
    defined: dict[str, str] = {}
    for path in SOURCE_FILES + ZONE_FILES:
        for sid in _load_toml(path).get("source", {}):
            assert sid not in defined, (
                f"source id {sid!r} in {path.name} and {defined[sid]}"
            )
            defined[sid] = path.name

    def cited(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
                else:
                    yield from cited(value)
        elif isinstance(node, list):
            for item in node:
                yield from cited(item)

    for path in ZONE_FILES:
        missing = sorted(set(cited(_load_toml(path))) - defined.keys())
        assert not missing, f"{path.name} cites undefined source ids {missing}"


def test_datetimes_are_utc_instants() -> None:
    data = _load_toml(SEEDS.joinpath("zones", "kadiz.toml"))
    v1951, v2013 = data["zone"][0]["version"]
    assert v1951["valid_to"] == v2013["valid_from"] == "2013-12-15T05:00:00+00:00"


# --- user GeoJSON variant ---------------------------------------------------------


def _user_collection() -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "id": "example-adiz",
                    "name": "Example ADIZ (user file)",
                    "kind": "adiz",
                    "declared_by": "KOR",
                    "holder": "KOR",
                    "claimants": ["KOR"],
                    "confidence": "medium",
                    "version": "2013",
                    "valid_from": "2013-12-15T05:00:00Z",
                    "edge_rule": "straight_lonlat",
                    "derivation": "digitised from a published map",
                    "uncertainty_m": 2000,
                    "sources": [
                        "newdaily-2013-12-08",
                        {
                            "url": "https://example.org/adiz-map",
                            "title": "A published map",
                            "confidence": "low",
                            "published": "2014-06-05",
                        },
                    ],
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [124.0, 30.0],
                            [125.5, 30.0],
                            [125.5, 33.0],
                            [124.0, 33.0],
                            [124.0, 30.0],
                        ]
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {
                    "id": "example-ta",
                    "name": "Example territorial airspace",
                    "kind": "territorial_airspace",
                    "declared_by": "JPN",
                    "claimants": ["JPN", "KOR"],
                    "confidence": "low",
                    "version": "1",
                    "sources": ["newdaily-2013-12-08"],
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[131.8, 37.2], [131.9, 37.2], [131.9, 37.3], [131.8, 37.2]]]
                    ],
                },
            },
        ],
    }


def test_user_geojson_validates(validator: Draft202012Validator) -> None:
    errors = list(validator.iter_errors(_user_collection()))
    assert not errors, _explain(_all_errors(iter(errors)))


def test_user_geojson_missing_kind_is_rejected(validator: Draft202012Validator) -> None:
    broken = copy.deepcopy(_user_collection())
    del broken["features"][0]["properties"]["kind"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)
    errors = _all_errors(validator.iter_errors(broken))
    assert any("'kind' is a required property" in e.message for e in errors), _explain(
        errors
    )


def test_user_geojson_bad_datetime_is_rejected(validator: Draft202012Validator) -> None:
    broken = copy.deepcopy(_user_collection())
    broken["features"][0]["properties"]["valid_from"] = "2013/12/15 14:00 KST"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)
    errors = _all_errors(validator.iter_errors(broken))
    assert any(e.path and e.path[-1] == "valid_from" for e in errors), _explain(errors)


def test_seed_zone_without_offset_or_kind_is_rejected(
    validator: Draft202012Validator,
) -> None:
    data = _load_toml(SEEDS.joinpath("zones", "kadiz.toml"))
    data["zone"][0]["version"][1]["valid_from"] = "2013-12-15T05:00:00"  # local time
    del data["zone"][0]["kind"]
    errors = _all_errors(validator.iter_errors(data))
    assert any(e.path and e.path[-1] == "valid_from" for e in errors), _explain(errors)
    assert any("'kind' is a required property" in e.message for e in errors)


def test_geometry_forms_are_exclusive(validator: Draft202012Validator) -> None:
    data = _load_toml(SEEDS.joinpath("zones", "jadiz.toml"))
    version = data["zone"][0]["version"][0]
    version["partial"] = False  # an unclosed polyline must be declared partial
    assert not validator.is_valid(data)
    version["partial"] = True
    version["geometry"] = "derived/jadiz.geojson"  # two geometry forms at once
    assert not validator.is_valid(data)
