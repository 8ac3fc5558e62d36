"""The incident-file format is published as seeds/schema/incidents.schema.json.

Every shipped incident file and the documented example validate against it; files the
loader refuses for structural reasons are refused by the schema too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from importlib.resources import files
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from .test_load import base_doc

SEEDS = files("airmap.seeds")
INCIDENT_FILES = sorted(
    (p for p in SEEDS.joinpath("incidents").iterdir() if p.name.endswith(".toml")),
    key=lambda p: p.name,
)


def _as_json(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(
        SEEDS.joinpath("schema", "incidents.schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_there_are_incident_seeds() -> None:
    assert len(INCIDENT_FILES) >= 3


@pytest.mark.parametrize("path", INCIDENT_FILES, ids=lambda p: p.name)
def test_seed_file_follows_the_schema(
    validator: Draft202012Validator, path: Any
) -> None:
    with path.open("rb") as fh:
        data = _as_json(tomllib.load(fh))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10]
    )


def test_documented_example_follows_the_schema(validator: Draft202012Validator) -> None:
    validator.validate(base_doc())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["incident"][0]["position"][0].pop("tag"),
        lambda d: d["incident"][0]["position"][0].update(lat=37.2),
        lambda d: d["incident"][0]["event"][0].update(at="2019-07-23T09:09"),
        lambda d: d["incident"][0]["claim"][0]["check"][0].update(outside="kadiz"),
        lambda d: d["incident"][0].update(colour="red"),
        lambda d: d["source"]["rep"].update(url="javascript:alert(1)"),
    ],
    ids=[
        "position without tag",
        "typed lat on derived",
        "naive at (and at_local)",
        "inside and outside",
        "unknown key",
        "non-http url",
    ],
)
def test_schema_refuses_bad_structure(
    validator: Draft202012Validator, mutate: Any
) -> None:
    doc = copy.deepcopy(base_doc())
    mutate(doc)
    assert list(validator.iter_errors(doc))
