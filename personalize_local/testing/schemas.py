"""Avro schemas in the form Amazon Personalize accepts, for test suites and benchmarks.

`record` builds one (https://docs.aws.amazon.com/personalize/latest/dg/how-it-works-dataset-schema.html);
`INTERACTIONS` and `ITEMS` are the MovieLens-shaped schemas the workshop imports, with
``EVENT_VALUE`` for the rating and the genre and year of each movie.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

NAMESPACE = "com.amazonaws.personalize.schema"


def field(name: str, avro_type: str | list[str], *, categorical: bool = False) -> dict[str, Any]:
    """One schema field; ``["null", type]`` makes it optional."""
    out: dict[str, Any] = {"name": name, "type": avro_type}
    if categorical:
        out["categorical"] = True
    return out


def record(dataset_type: str, fields: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The schema of a dataset of ``dataset_type`` (``Interactions``, ``Items``, ``Users``, …)."""
    return {
        "type": "record",
        "name": dataset_type,
        "namespace": NAMESPACE,
        "fields": list(fields),
        "version": "1.0",
    }


INTERACTIONS = record(
    "Interactions",
    [
        field("USER_ID", "string"),
        field("ITEM_ID", "string"),
        field("EVENT_TYPE", "string"),
        field("EVENT_VALUE", ["null", "float"]),
        field("TIMESTAMP", "long"),
    ],
)
ITEMS = record(
    "Items",
    [
        field("ITEM_ID", "string"),
        field("GENRES", ["null", "string"], categorical=True),
        field("YEAR", ["null", "int"]),
    ],
)
