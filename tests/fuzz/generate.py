"""Malformed requests for every Personalize operation, from a seed.

Body mutations start from a valid request (``shapes.Builder``) and break one node: a wrong
type, a missing required member, a null, a huge or out-of-range value, bad unicode, an
oversized list or map, extra members, deep nesting, or a value the validator lets through but
a handler must survive (``edges``). Raw mutations break the HTTP message itself: invalid or
non-object JSON, bad framing, wrong method or URI, unknown targets, oversized bodies and
headers.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.model import OperationModel, Shape

from .edges import edges
from .shapes import Builder, nodes, operations, removed, replaced

MEGABYTE = 1 << 20


@dataclass(frozen=True)
class Raw:
    """Bytes spliced verbatim into a JSON body where ``json.dumps`` cannot write them."""

    data: bytes


@dataclass(frozen=True)
class Case:
    """One request: what it calls, how it was broken, and the exact bytes to send."""

    operation: OperationModel
    mutation: str
    body: bytes
    method: str = "POST"
    path: str = "/"
    target: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    #: How the message is framed on the wire; see ``wire.frame``.
    framing: str = "length"
    #: The HTTP server itself may refuse it (plain-text 4xx) before Personalize sees it.
    http_layer: bool = False
    region: str = "us-east-1"

    def __str__(self) -> str:
        return f"{self.operation.name} [{self.mutation}]"


def encode(body: Any) -> bytes:
    """JSON with NaN/Infinity allowed, lone surrogates escaped, and ``Raw`` spliced in."""
    spliced: list[bytes] = []

    def placeholder(value: Any) -> str:
        if isinstance(value, Raw):
            spliced.append(value.data)
            return f"@@raw{len(spliced) - 1}@@"
        raise TypeError(type(value))

    text = json.dumps(body, default=placeholder).encode()
    for index, data in enumerate(spliced):
        text = text.replace(f'"@@raw{index}@@"'.encode(), data, 1)
    return text


def route(operation: OperationModel) -> dict[str, Any]:
    """Method, path and target of a well-formed request for ``operation``."""
    model = operation.service_model
    if model.protocol == "json":
        return {"target": f"{model.metadata['targetPrefix']}.{operation.name}"}
    return {"method": operation.http["method"], "path": operation.http["requestUri"]}


# --- what replaces one node --------------------------------------------------------------

WRONG_TYPES: dict[str, tuple[Any, ...]] = {
    "string": (12345, 1.5, True, [], {}, ["a"], {"a": "b"}),
    "integer": ("12", 1.5, True, [], {}, "NaN"),
    "long": ("12", 2.5, False, [1], {}),
    "float": ("1.0", True, [], {}, "Infinity"),
    "double": ("1.0", False, [0.5], {}),
    "boolean": ("true", 1, 0, [], {}, "yes"),
    "timestamp": ("2020-01-01T00:00:00Z", True, [], {}, "1700000000"),
    "structure": ("s", 1, [], [{}], True, 0.0),
    "list": ("s", 1, {}, {"0": "a"}, True),
    "map": ("s", 1, [], [["k", "v"]], True),
}

NUMBERS = (
    2**31,
    -(2**31) - 1,
    2**63,
    -(2**63) - 1,
    10**100,
    -1,
    0,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    float("-inf"),
    5e-324,
    Raw(b"1e400"),
    Raw(b"-0"),
    Raw(b"1E+999999999"),
    Raw(b"123456789012345678901234567890.5e-10"),
    Raw(b"9" * 5000),
)

STRINGS = (
    "\ud800",
    "a\udc00b",
    "\udbff",
    "\u0000",
    "\uffff\ufffe",
    "\u202eevil",
    "😀" * 40,
    "e\u0301" * 30,
    "",
    " ",
    "\r\n\t",
    "../../etc/passwd",
    "'; DROP TABLE x; --",
    "%s%n%x",
    "${jndi:ldap://x}",
    Raw(b'"\xff\xfe"'),
    Raw(b'"\xc0\xaf"'),
    Raw(b'"\xed\xa0\x80"'),
    Raw(b'"abc\x00def"'),
    Raw(b'"\x1f"'),
    Raw(b'"\\uZZZZ"'),
    Raw(b'"\\ud800\\u0041"'),
)

DEEP = (
    Raw(b"[" * 100_000 + b"]" * 100_000),
    Raw(b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    Raw(b"[" * 2_000 + b"]" * 2_000),
    [[[[[[[[[[{"a": [{"b": None}]}]]]]]]]]]],
)


def _oversized(shape: Shape, valid: Any, rng: random.Random) -> Iterator[tuple[str, Any]]:
    meta = shape.metadata
    kind = shape.type_name
    if kind == "string":
        if "max" in meta:
            yield f"string of max+1 ({meta['max'] + 1})", "x" * (meta["max"] + 1)
            yield "multibyte string of max+1", "é" * (meta["max"] + 1)
        if meta.get("min", 0) > 0:
            yield "string under min", ""
        if "pattern" in meta:  # ".*:.*:.+" backtracks for minutes on colons then a newline
            yield "pattern bomb", f"{valid if isinstance(valid, str) else ''}{':' * 100_000}\n"
        if rng.random() < 0.15:  # 1 MB bodies are slow; a sample is enough
            yield "1 MB string", "x" * MEGABYTE
    elif kind == "list":
        item = valid[0] if isinstance(valid, list) and valid else "x"
        if "max" in meta:
            yield f"list of max+1 ({meta['max'] + 1})", [item] * (meta["max"] + 1)
        yield "list of 20,000", [item] * 20_000
        yield "empty list", []
    elif kind == "map":
        key, item = next(iter(valid.items())) if isinstance(valid, dict) and valid else ("k", "v")
        if "max" in meta:
            yield (
                f"map of max+1 ({meta['max'] + 1})",
                {f"{key}{i}": item for i in range(meta["max"] + 1)},
            )
        yield "map of 5,000", {f"k{i}": item for i in range(5_000)}
        yield "map with a lone-surrogate key", {"\ud800": item}
        yield "map with an empty key", {"": item}
    elif kind in ("integer", "long", "float", "double", "timestamp"):
        for bound in ("min", "max"):
            if bound in meta:
                step = -1 if bound == "min" else 1
                yield f"number {bound}{step:+d}", meta[bound] + step
        for number in rng.sample(NUMBERS, 6):
            yield f"number {_short(number)}", number


def replacements(
    shape: Shape, valid: Any, arns: Sequence[str], rng: random.Random
) -> Iterator[tuple[str, str, Any]]:
    """(category, label, new value) for one node of ``shape`` currently holding ``valid``."""
    yield from edges(shape, valid, arns, rng)
    kind = shape.type_name
    for wrong in WRONG_TYPES[kind]:
        yield "wrong type", f"{kind} <- {_short(wrong)}", wrong
    yield "null", "null", None
    for label, value in _oversized(shape, valid, rng):
        yield "huge", label, value
    if kind == "string":
        for text in STRINGS:
            yield "unicode", f"string {_short(text)}", text
        if "enum" in shape.metadata:
            yield "enum", "not in enum", "NOT_A_VALUE"
            yield "enum", "enum in lower case", shape.metadata["enum"][0].lower()
    if kind == "structure":
        yield "extra", "unknown member", {**(valid or {}), "zzUnknownMember": {"x": [1, "2"]}}
        yield (
            "extra",
            "5,000 unknown members",
            {**(valid or {}), **{f"m{i}": i for i in range(5_000)}},
        )
    for deep in DEEP:
        yield "nesting", f"nested {_short(deep)}", deep


def _short(value: Any) -> str:
    if isinstance(value, Raw):
        text = value.data.decode("utf-8", "backslashreplace")
    else:
        text = json.dumps(value, ensure_ascii=True) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} chars)"


# --- cases ------------------------------------------------------------------------------


def body_cases(
    operation: OperationModel,
    builder: Builder,
    arns: Sequence[str],
    rng: random.Random,
    budget: int,
) -> list[Case]:
    """Up to ``budget`` body mutations of two valid requests (required only, and full)."""
    shape = operation.input_shape
    if shape is None:
        return []
    by_category: dict[str, list[tuple[str, Any]]] = {}
    for full in (False, True):
        base = builder.request(operation, full)
        tag = "full" if full else "minimal"
        for path, node, value in nodes(base, shape):
            where = ".".join(map(str, path)) or "<body>"
            for category, label, new in replacements(node, value, arns, rng):
                by_category.setdefault(category, []).append(
                    (f"{tag} {where}: {label}", replaced(base, path, new))
                )
            if node.type_name == "structure" and isinstance(value, dict):
                for name in node.required_members:
                    if name in value:
                        by_category.setdefault("missing", []).append(
                            (f"{tag} {where}: no {name}", removed(base, (*path, name)))
                        )
        by_category.setdefault("valid", []).append((f"{tag} valid", base))
    chosen = _round_robin(by_category, rng, budget)
    return [Case(operation, label, encode(body), **route(operation)) for label, body in chosen]


#: Turns per round: values that pass the validator reach handler code, so they get more.
WEIGHTS = {"content": 3, "edge": 2, "swap": 2}


def _round_robin(
    by_category: dict[str, list[tuple[str, Any]]], rng: random.Random, budget: int
) -> list[tuple[str, Any]]:
    """Take from each category in turn, so every kind of mutation is represented."""
    pools = {name: rng.sample(items, len(items)) for name, items in sorted(by_category.items())}
    chosen: list[tuple[str, Any]] = []
    while len(chosen) < budget and any(pools.values()):
        for name, pool in pools.items():
            for _ in range(WEIGHTS.get(name, 1)):
                if pool and len(chosen) < budget:
                    chosen.append(pool.pop())
    return chosen


RAW_BODIES: tuple[tuple[str, bytes], ...] = (
    ("empty body", b""),
    ("whitespace body", b" \r\n\t "),
    ("invalid JSON", b"{"),
    ("invalid JSON value", b'{"a": }'),
    ("trailing garbage", b"{}garbage"),
    ("single quotes", b"{'a': 1}"),
    ("JSON array", b"[]"),
    ("JSON string", b'"text"'),
    ("JSON number", b"12"),
    ("JSON null", b"null"),
    ("JSON true", b"true"),
    ("invalid UTF-8", b'{"name": "\xff\xfe\xfd"}'),
    ("UTF-8 BOM", b"\xef\xbb\xbf{}"),
    ("UTF-16 body", '{"name": "x"}'.encode("utf-16")),
    ("NUL bytes", b"\x00" * 64),
    ("binary", bytes(range(256))),
    ("duplicate keys", b'{"name": "a", "name": 1}'),
    ("deep array", b"[" * 200_000),
    ("deep object", b'{"a":' * 200_000),
)


def raw_cases(operation: OperationModel, rng: random.Random) -> list[Case]:
    """Garbage below the JSON level, for one operation."""
    where = route(operation)
    cases = [Case(operation, label, body, **where) for label, body in RAW_BODIES]
    valid = b"{}"
    cases += [
        Case(
            operation,
            "Content-Length shorter than the body",
            b'{"name": "abcdef"}',
            framing="short",
            **where,
        ),
        Case(operation, "Content-Length longer than the body", valid, framing="long", **where),
        Case(
            operation,
            "Content-Length of 1 GiB, body never sent",
            valid,
            framing="claim-huge",
            **where,
        ),
        Case(
            operation,
            "Content-Length of 10 GiB, body never sent",
            valid,
            framing="claim-giant",
            http_layer=True,
            **where,
        ),
        Case(operation, "negative Content-Length", valid, framing="negative", **where),
        Case(
            operation,
            "non-numeric Content-Length",
            valid,
            framing="garbage-length",
            http_layer=True,
            **where,
        ),
        Case(operation, "chunked body", b'{"a": 1}', framing="chunked", **where),
        Case(
            operation, "malformed chunk size", valid, framing="bad-chunk", http_layer=True, **where
        ),
    ]
    if operation.service_model.protocol == "rest-json":
        uri = operation.http["requestUri"]
        for method in ("GET", "PUT", "DELETE", "PATCH", "HEAD"):
            cases.append(Case(operation, f"{method} {uri}", valid, method=method, path=uri))
        for path in (
            f"{uri}/extra",
            f"{uri}x",
            uri.upper(),
            f"/..{uri}",
            f"{uri}?a=1&b",
            "/",
            "/%ff%fe",
        ):
            cases.append(Case(operation, f"POST {path}", valid, method="POST", path=path))
        cases.append(
            Case(
                operation,
                "JSON target on a REST operation",
                valid,
                target=f"AmazonPersonalize.{operation.name}",
                path=uri,
            )
        )
    else:
        target = where["target"]
        for label, wrong in (
            ("unknown target", "AmazonPersonalize.NoSuchOperation"),
            ("another service's target", "DynamoDB_20120810.ListTables"),
            ("target without prefix", operation.name),
            ("target in lower case", target.lower()),
            ("empty target", ""),
            ("target with a space", f"{target} "),
        ):
            cases.append(Case(operation, label, valid, target=wrong))
        cases.append(Case(operation, "GET with target", valid, method="GET", target=target))
    rng.shuffle(cases)
    return cases


def edge_cases(rng: random.Random) -> list[Case]:
    """Size limits and odd regions, on a few operations (large bodies are slow)."""
    ops = [
        op for op in operations() if op.name in ("CreateSchema", "PutEvents", "GetRecommendations")
    ]
    cases: list[Case] = []
    for operation in ops:
        where = route(operation)
        over = b'{"x": "' + b"x" * (8 * MEGABYTE + 16) + b'"}'
        cases += [
            Case(operation, "body of 8 MB + 24 bytes", over, **where),
            Case(
                operation,
                "chunked body of 9 MB",
                over + b" " * MEGABYTE,
                framing="chunked",
                **where,
            ),
            Case(
                operation,
                "header of 100 KB",
                b"{}",
                headers=(("X-Fuzz", "h" * 100_000),),
                http_layer=True,
                **where,
            ),
            Case(
                operation,
                "200 headers",
                b"{}",
                headers=tuple((f"X-Fuzz-{i}", "v") for i in range(200)),
                **where,
            ),
            Case(
                operation,
                "Expect: 100-continue",
                b"{}",
                headers=(("Expect", "100-continue"),),
                **where,
            ),
            Case(
                operation,
                "Content-Type text/plain",
                b"{}",
                headers=(("Content-Type", "text/plain"),),
                **where,
            ),
            Case(operation, "unknown region", b"{}", region="xx-fuzz-9", **where),
        ]
    return cases


Known = dict[str, Any]
RAW_PER_OPERATION = 10


def generate(known: Known, seed: int, per_operation: int) -> list[Case]:
    """Every case for a run: ``per_operation`` body mutations per operation, then raw ones."""
    rng = random.Random(seed)
    builder = Builder(known, rng)
    arns = sorted({v for v in known.values() if isinstance(v, str) and v.startswith("arn:")})
    cases: list[Case] = []
    raw: list[Case] = []
    for operation in operations():
        cases += body_cases(operation, builder, arns, rng, per_operation)
        raw += raw_cases(operation, rng)
    cases += _sample_raw(raw, rng, RAW_PER_OPERATION * len(operations()))
    cases += edge_cases(rng)
    return sorted(cases, key=_order)


def _sample_raw(raw: list[Case], rng: random.Random, count: int) -> list[Case]:
    """Framing and JSON errors hardly depend on the operation: every kind once, then a sample."""
    by_kind: dict[str, list[Case]] = {}
    for case in raw:
        by_kind.setdefault(
            case.mutation.replace(case.operation.http["requestUri"], "<uri>"), []
        ).append(case)
    chosen = [rng.choice(group) for _, group in sorted(by_kind.items())]
    taken = {id(case) for case in chosen}
    rest = [case for case in raw if id(case) not in taken]
    return chosen + rng.sample(rest, max(0, count - len(chosen)))


def _order(case: Case) -> int:
    """Recording first, so training and serving meet what the fuzz recorded; deleting and
    stopping last, so the real resources stay alive for every other operation."""
    name = case.operation.name
    return 0 if name.startswith("Put") else 2 if name.startswith(("Delete", "Stop")) else 1
