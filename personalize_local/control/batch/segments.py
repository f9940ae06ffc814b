"""Batch segment jobs: each query line answered with the users most likely to want the items.

Queries name an item (Item-Affinity) or item attributes (Item-Attribute-Affinity); live guide
``prepare-input-data-user-segment``
(https://docs.aws.amazon.com/personalize/latest/dg/prepare-input-data-user-segment.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from ...filters import grammar
from ...filters.evaluate import Catalog, user_mask
from ...filters.grammar import Filter
from ...serving.deployment import Deployment
from ...store.jobs import JobFailure
from .lines import Line, LineError, answered, read

_ATTRIBUTE = re.compile(
    r'\s*ITEMS\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))\s*',
    re.IGNORECASE,
)
_AND = re.compile(r"AND\b", re.IGNORECASE)


def parse_attributes(expression: str) -> list[tuple[str, str]]:
    """``ITEMS.<column> = "<value>" [AND …]`` as (COLUMN, value) pairs.

    prepare-input-data-user-segment: segment queries use only ``=`` (not IN), joined with AND;
    quotes inside a value are escaped with ``\\``. A number may stand unquoted (inferred: the guide
    allows numeric columns and shows only quoted strings).
    """
    clauses: list[tuple[str, str]] = []
    position = 0
    while True:
        match = _ATTRIBUTE.match(expression, position)
        if match is None:
            raise LineError(
                f'Invalid itemAttributes {expression!r}: use ITEMS.<column> = "<value>", '
                "joined with AND."
            )
        quoted, number = match.group(2), match.group(3)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else number
        clauses.append((match.group(1).upper(), value))
        position = match.end()
        if position == len(expression):
            return clauses
        joined = _AND.match(expression, position)
        if joined is None:
            raise LineError(
                f"Invalid itemAttributes {expression!r}: clauses are joined with AND only."
            )
        position = joined.end()


@dataclass
class Segments:
    """Answers the lines of one batch segment job."""

    dep: Deployment
    parsed_filter: Filter | None
    n: int
    users: Catalog
    interactions: dict[str, list[tuple[str, str]]] | None = field(default=None, init=False)

    @property
    def by_attributes(self) -> bool:
        return self.dep.recipe.segments_by_attributes

    def answer(self, where: str, texts: list[str]) -> list[dict[str, Any]]:
        # Only USER_SEGMENTATION recipes reach a segment job, and each record declares its limit.
        limit = self.dep.recipe.max_segment_queries
        assert limit is not None, self.dep.recipe.name
        if len(texts) > limit:
            raise JobFailure(
                f"Invalid input data: {where} has {len(texts)} queries; the "
                f"{self.dep.recipe.name} recipe takes at most {limit} per input file."
            )
        member = "itemAttributes" if self.by_attributes else "itemId"
        lines = [read(text, (member,)) for text in texts]
        return [answered(line, partial(self._segment, line)) for line in lines]

    def _items(self, line: Line) -> list[str]:
        """The queried items: the item, or every item matching the attributes."""
        model = self.dep.model
        if line.item_id is not None:
            if model.item_index([line.item_id])[0] < 0:
                raise LineError(f"The item {line.item_id} is not in the training data.")
            return [line.item_id]
        mask = np.ones(len(model.item_ids), dtype=bool)
        for column, value in parse_attributes(line.item_attributes or ""):
            found = self.dep.catalog.column(column)
            if found is None:
                raise LineError(f"The Items dataset has no column {column}.")
            if found.numeric:
                try:
                    operand: list[Any] = [float(value)]
                except ValueError:
                    raise LineError(f"ITEMS.{column} is numeric: {value!r} is not.") from None
            else:
                operand = [value]
            mask &= found.match("=", operand)
        if not mask.any():
            raise LineError(f"No item matches {line.item_attributes}.")
        return [str(i) for i in model.item_ids[mask]]

    def _segment(self, line: Line) -> dict[str, Any]:
        scores = np.asarray(self.dep.model.score_users_for_items(self._items(line)), np.float64)
        if self.parsed_filter is not None:
            values = grammar.parse_filter_values(line.filter_values or {})
            allowed = user_mask(
                self.parsed_filter,
                values,
                self.users.ids,
                None,
                self._histories(),
                users=self.users,
            )
            scores = np.where(allowed, scores, -np.inf)
        finite = np.flatnonzero(np.isfinite(scores))
        best = finite[np.lexsort((finite, -scores[finite]))][: self.n]
        return {"usersList": [str(u) for u in self.users.ids[best]]}

    def _histories(self) -> dict[str, list[tuple[str, str]]]:
        """Every user's training interactions, newest first, for interaction filters."""
        if self.interactions is None:
            self.interactions = {
                str(u): self.dep.histories.get(str(u)).newest_first() for u in self.users.ids
            }
        return self.interactions
