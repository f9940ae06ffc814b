"""Filters: the filter-expression language of CreateFilter and the values of a request.

:mod:`.grammar` parses an expression into a small typed AST (:class:`~.grammar.Filter`), checks
it against a dataset group's schemas at CreateFilter time, and parses the ``filterValues`` of
GetRecommendations, GetPersonalizedRanking and batch input lines. Evaluating a filter against
item metadata and interaction histories is a separate step that walks the same AST.
"""

from __future__ import annotations

from .grammar import (
    Condition,
    CurrentItemRef,
    Expression,
    Filter,
    Literal,
    Param,
    Wildcard,
    fields,
    format_filter,
    parameters,
    parse,
    parse_filter_values,
    validate,
)

__all__ = [
    "Condition",
    "CurrentItemRef",
    "Expression",
    "Filter",
    "Literal",
    "Param",
    "Wildcard",
    "fields",
    "format_filter",
    "parameters",
    "parse",
    "parse_filter_values",
    "validate",
]
