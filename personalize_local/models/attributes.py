"""Item-attribute expressions of batch segment jobs: ``ITEMS.GENRES = "Comedy" AND …``.

Grammar (https://docs.aws.amazon.com/personalize/latest/dg/prepare-input-data-user-segment.html;
equality only, joined by AND / OR, AND binding tighter):

    expression := conjunction ("OR" conjunction)*
    conjunction := clause ("AND" clause)*
    clause := "ITEMS." column "=" "\"" value "\""

A clause matches an item when one of the item's ``|``-separated values of that column equals
the value (case-insensitively; numbers compare numerically).

`attribute_values` lists the single-clause queries a catalogue supports, for the offline
metrics of Item-Attribute-Affinity.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from personalize_local.errors import InvalidInputException

_CLAUSE = re.compile(
    r'\s*ITEMS\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*', re.IGNORECASE
)
_JOIN = re.compile(r"\s*(AND|OR)\b", re.IGNORECASE)


def parse_expression(expression: str) -> list[list[tuple[str, str]]]:
    """Disjunction of conjunctions of (COLUMN, value) clauses."""
    pos, groups, current = 0, [], []
    text = expression.strip()
    while True:
        m = _CLAUSE.match(text, pos)
        if m is None:
            raise InvalidInputException(f"Invalid item attribute expression: {expression!r}")
        current.append((m.group(1).upper(), m.group(2).replace('\\"', '"')))
        pos = m.end()
        if pos >= len(text):
            break
        j = _JOIN.match(text, pos)
        if j is None:
            raise InvalidInputException(f"Invalid item attribute expression: {expression!r}")
        if j.group(1).upper() == "OR":
            groups.append(current)
            current = []
        pos = j.end()
    groups.append(current)
    return groups


def _clause_mask(meta: pd.DataFrame, column: str, value: str) -> np.ndarray:
    if column not in meta.columns:
        raise InvalidInputException(f"Unknown item attribute in expression: ITEMS.{column}")
    series = meta[column]
    numeric = pd.to_numeric(series, errors="coerce")
    try:
        target = float(value)
    except ValueError:
        target = None
    if target is not None and numeric.notna().any():
        return (numeric == target).to_numpy()
    wanted = value.strip().lower()
    return series.map(
        lambda v: isinstance(v, str) and any(p.strip().lower() == wanted for p in v.split("|"))
    ).to_numpy(bool)


def matching_items(
    items_meta: pd.DataFrame | None, item_ids: np.ndarray, expression: str
) -> np.ndarray:
    """Indexes into ``item_ids`` of the items satisfying ``expression``."""
    groups = parse_expression(expression)
    if items_meta is None:
        raise InvalidInputException("Item attribute queries need an Items dataset.")
    meta = items_meta.reindex(pd.Index([str(i) for i in item_ids]))
    mask = np.zeros(len(item_ids), bool)
    for group in groups:
        part = np.ones(len(item_ids), bool)
        for column, value in group:
            part &= _clause_mask(meta, column, value)
        mask |= part
    return np.flatnonzero(mask)


def attribute_values(
    items_meta: pd.DataFrame | None,
    item_ids: np.ndarray,
    skip: frozenset[str] = frozenset(),
    min_items: int = 2,
) -> list[tuple[str, np.ndarray]]:
    """Every ``ITEMS.<column> = "<value>"`` query with the indexes of the items it matches.

    Columns in ``skip`` (reserved, textual) are left out, and so are values fewer than
    ``min_items`` items share: such a value (a title, an id) is not an attribute of a group.
    Categorical values are split on ``|`` and compared case-insensitively, as in queries.
    """
    if items_meta is None or items_meta.empty:
        return []
    meta = items_meta.reindex(pd.Index([str(i) for i in item_ids]))
    queries: list[tuple[str, np.ndarray]] = []
    for column in meta.columns:
        if column in skip:
            continue
        series = meta[column]
        present = series.notna().to_numpy()
        if not present.any():
            continue
        numeric = pd.to_numeric(series, errors="coerce")
        if numeric.notna().sum() == present.sum():
            rows = np.flatnonzero(present)
            values = numeric.to_numpy()[rows]
        else:
            parts = series.dropna().astype(str).str.lower().str.split("|").explode().str.strip()
            parts = parts[parts != ""]
            rows = meta.index.get_indexer(parts.index)
            values = parts.to_numpy()
        frame = pd.DataFrame({"row": rows, "value": values}).drop_duplicates()
        for value, group in frame.groupby("value", sort=True):
            if len(group) >= min_items:
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                queries.append((f'ITEMS.{column} = "{shown}"', group["row"].to_numpy(np.int64)))
    return queries
