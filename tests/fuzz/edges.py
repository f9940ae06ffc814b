"""Values the validator lets through but a handler must still survive.

Wrong types and oversized values stop at the validator. These pass it: bounds exactly, extreme
but finite numbers, odd unicode, the ARN of another kind of resource, and hostile *content* in
members that carry a language of their own (Avro schemas, filter expressions, JSON properties,
hyperparameters, numbers written as strings).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from botocore.model import Shape

from .shapes import fits

DEEP_JSON = '{"a":' * 3000 + "1" + "}" * 3000

JSON_TEXTS = (
    "",
    "{",
    "[]",
    "null",
    "1",
    '"text"',
    "{}",
    '{"a": NaN}',
    '{"a": 1e999}',
    '{"\\ud800": 1}',
    DEEP_JSON,
    "[" * 3000 + "]" * 3000,
    '{"itemId": 1, "USER_ID": null}',
    '{"creationTimestamp": 1e300}',
    '{"creationTimestamp": -1e300}',
    '{"year": 1e20}',
    '{"year": 2.5}',
    '{"year": true}',
    '{"genres": ["a"]}',
    '{"genres": {"a": 1}}',
    '{"genres": "' + "|".join(["g"] * 400) + '"}',
    '{"gender": null}',
    '{"eventValue": "1"}',
    '{"EVENT_VALUE": 1e308}',
)

_RECORD = '{"type": "record", "name": "X", "namespace": "n", "version": "1.0", "fields": %s}'

AVRO_TEXTS = (
    *JSON_TEXTS[:11],
    _RECORD % "[]",
    _RECORD % '"USER_ID"',
    _RECORD % "[null, 1, []]",
    _RECORD % '[{"name": 1, "type": "string"}]',
    _RECORD % '[{"name": "USER_ID"}]',
    _RECORD % '[{"name": "USER_ID", "type": {"type": "array", "items": "string"}}]',
    _RECORD % '[{"name": "USER_ID", "type": ["null", ["null", "string"]]}]',
    _RECORD % '[{"name": "USER_ID", "type": []}]',
    _RECORD % '[{"name": "USER_ID", "type": [1, 2]}]',
    _RECORD % '[{"name": "USER_ID", "type": "string", "categorical": "yes"}]',
    _RECORD % '[{"name": "USER_ID", "type": {"type": "record", "fields": []}}]',
    _RECORD % ("[" + ", ".join(f'{{"name": "F{i}", "type": "string"}}' for i in range(400)) + "]"),
    _RECORD % '[{"name": "USER_ID", "type": "string"}, {"name": "USER_ID", "type": "long"}]',
    '{"type": ["record"], "fields": []}',
    '{"type": "record", "fields": [{"name": "USER_ID", "type": "string"}]}',
)

FILTER_TEXTS = (
    "EXCLUDE",
    "EXCLUDE ItemID",
    "EXCLUDE ItemID WHERE",
    "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)",
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("' + "x" * 2000 + '")',
    "(" * 1200,
    "EXCLUDE ItemID WHERE " + "(" * 600 + "Items.YEAR > 1" + ")" * 600,
    "EXCLUDE ItemID WHERE " + " AND ".join(["Items.YEAR > 1"] * 150),
    "EXCLUDE ItemID WHERE Items.YEAR > 1e999",
    "EXCLUDE ItemID WHERE Items.YEAR > 99999999999999999999999999999",
    "EXCLUDE ItemID WHERE Items.YEAR > -",
    "EXCLUDE ItemID WHERE Items.YEAR IN ()",
    'EXCLUDE ItemID WHERE Items.GENRES IN ("a") | EXCLUDE',
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("a" ',
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("\\")',
    'EXCLUDE UserID WHERE Users.GENDER IN ("F")',
    "EXCLUDE ItemID WHERE Items.YEAR BETWEEN 1 AND ",
    "EXCLUDE ItemID WHERE Interactions.EVENT_VALUE > 1 AND (Items.YEAR < 2 OR",
    "INCLUDE ItemID WHERE Items.ITEM_ID IN ($A) AND Items.ITEM_ID IN ($A)",
    "INCLUDE ItemID WHERE Items.YEAR > $Y | EXCLUDE ItemID WHERE Items.YEAR < $Y",
    'EXCLUDE ItemID WHERE Items.\u0000 IN ("a")',
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("😀", "\u202e")',
)

#: Strings read as numbers or parameters by handlers (thresholds, hyperparameters, filter values).
NUMBER_TEXTS = (
    "",
    "abc",
    "1e999",
    "-1e999",
    "nan",
    "inf",
    "-1",
    "0",
    "1e308",
    "99999999999999999999999999",
    "0x10",
    "1_000",
    " 1 ",
    '"Comedy"',
    '"a","b"',
    '"',
    '"' + "x" * 900 + '"',
    "$GENRE",
    '"\\u0000"',
    "[1, 2]",
    "{}",
)

PLAIN_TEXTS = (
    " ",
    "\t\n",
    "😀",
    "\u202eevil",
    "null",
    "=cmd|' /C calc'!A0",
    "../",
    "%s%n",
    "<script>",
    "\u0000",
)

#: Shape names whose string content a handler parses.
CONTENT = {
    "AvroSchema": AVRO_TEXTS,
    "FilterExpression": FILTER_TEXTS,
    "EventPropertiesJSON": JSON_TEXTS,
    "ItemProperties": JSON_TEXTS,
    "UserProperties": JSON_TEXTS,
    "ActionProperties": JSON_TEXTS,
    "ActionInteractionProperties": JSON_TEXTS,
    "EventValueThreshold": NUMBER_TEXTS,
    "ParameterValue": NUMBER_TEXTS,
    "FilterAttributeValue": NUMBER_TEXTS,
    "AttributeValue": NUMBER_TEXTS,
    "MetricExpression": ("", "SUM(", "SUM(Items.PRICE)", "SAMPLECOUNT()", "SUM(Interactions.X)"),
    "ItemAttribute": ("", "PRICE", "Items.PRICE", "Items.", "Items.ITEM_ID"),
}

TIMES = (0, -1, 1e12, 1e15, 1e18, 1e308, -1e308, 253402300800, -62135596800, 2**63)
NUMBERS = (0, -1, 1e308, -1e308, 5e-324, 2**53 + 1, 2**63 - 1, -(2**63))


def edges(
    shape: Shape, valid: Any, arns: Sequence[str], rng: random.Random
) -> Iterator[tuple[str, str, Any]]:
    """(category, label, value) that pass the validator for ``shape``."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        if "pattern" in meta and meta["pattern"].startswith("arn:([a-z"):
            for arn in rng.sample(list(arns), min(4, len(arns))):
                yield "swap", f"ARN of another resource {arn.split(':')[-1][:40]}", arn
        for text in CONTENT.get(shape.name, ()):
            if fits(text, shape):
                yield "content", f"{shape.name} {text[:40]!r}", text
        for text in PLAIN_TEXTS:
            if fits(text, shape):
                yield "edge", f"string {text!r}", text
        if "max" in meta and meta["max"] <= 40_000 and fits("x" * meta["max"], shape):
            yield "edge", f"string of exactly max ({meta['max']})", "x" * meta["max"]
    elif kind in ("integer", "long"):
        for number in (meta.get("min"), meta.get("max"), *NUMBERS):
            if isinstance(number, int) and meta.get("min", -(2**64)) <= number <= meta.get(
                "max", 2**64
            ):
                yield "edge", f"integer {number}", number
    elif kind in ("float", "double"):
        for number in (meta.get("min"), meta.get("max"), *NUMBERS):
            if number is not None and meta.get("min", -2e308) <= number <= meta.get("max", 2e308):
                yield "edge", f"number {number}", float(number)
    elif kind == "timestamp":
        for number in TIMES:
            yield "edge", f"timestamp {number}", number
    elif kind == "list" and isinstance(valid, list) and valid:
        top = min(meta.get("max", 1000), 1000)
        item = valid[0]
        if isinstance(item, str):
            items = [f"{item}{i}" for i in range(top)]
            yield "edge", f"list of exactly {top} distinct items", items
        yield "edge", f"list of exactly {top} equal items", [item] * top
    elif kind == "map" and isinstance(valid, dict) and valid and "max" in meta:
        key, item = next(iter(valid.items()))
        if isinstance(key, str):
            many = {
                f"{key}{i}"[: shape.key.metadata.get("max", 256)]: item for i in range(meta["max"])
            }
            yield "edge", f"map of exactly max ({meta['max']})", many
