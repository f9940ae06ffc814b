"""Applying a parsed filter at serving time: which items (or users) a response may contain.

:mod:`.grammar` parses and validates a filter at CreateFilter; this module answers, for one
request, a boolean mask over the catalogue: True = may be recommended. It serves
GetRecommendations, GetPersonalizedRanking, GetActionRecommendations, promotions and batch
inference (:func:`item_mask`) and batch segment jobs (:func:`user_mask`).

Entry points:

* :class:`ItemCatalog` wraps one version of (item ids, Items metadata). It builds a per-column
  index lazily (an inverted index value -> positions for strings, a float array for numbers)
  and keeps the compiled filters of that version, so a request pays only for what depends on
  the request: placeholder values, the user's interactions and metadata, the current item.
* :class:`UserView` is what a filter may read about the requesting user.
* :func:`item_mask` / :func:`user_mask` evaluate; :func:`compile_filter` and
  :class:`FilterCache` expose the compiled form; :func:`parameters_used`,
  :func:`required_parameters` and :func:`uses_current_item` answer questions about a filter.

Semantics, with their sources (pages of the live developer guide, https://docs.aws.amazon.com/personalize/latest/dg/):

* ``|`` chains expressions evaluated independently: the result is (union of the INCLUDE
  results) minus (union of the EXCLUDE results), in any order; with no INCLUDE every item is
  included (``multiple-expression-example``).
* Within an expression AND binds tighter than OR (:meth:`.grammar.Expression.or_groups`;
  inferred from SQL, as the guide does not say).
* IN / NOT IN / = / != match exact, case-sensitive strings; a categorical value ``a|b`` matches
  if any of its values does. Only event types are matched ignoring case
  (``filter-expression-guidelines-requirements``).
* ``<, <=, >, >=, =, !=`` compare numbers, "including data passed in placeholder parameters"
  (``creating-filter-expressions``; the 2023 snapshot of the guide lacks ``!=``:
  the live guide wins). ``=`` and ``!=`` also compare strings exactly. A placeholder value
  that is not a number where a number is compared, or several values for a one-value
  comparison, is InvalidInputException naming the placeholder.
* ``Interactions.EVENT_TYPE IN (...)`` is the set of items among the user's most recent 100
  interactions per event type; ``*`` means every event type. Action interactions keep the 300
  most recent per event type (``filter-expressions``; the 2023 snapshot gives only 100:
  the live guide wins). The user's history includes events recorded with PutEvents
  (``filter``: filters update within seconds of PutEvents).
* Placeholders: an INCLUDE expression needs a value for every placeholder it uses (else
  InvalidInputException); an EXCLUDE expression missing one is not used
  (GetRecommendations ``filterValues`` in the runtime model: "Amazon Personalize doesn't use
  that portion of the expression"). The portion is (inferred) the whole expression between pipes:
  dropping only the condition that holds the placeholder would widen an AND and so exclude
  more than the filter says.
* ``IF CurrentUser.X ...``: the expression applies only when the condition holds for the
  user's metadata ("excludes items ... but only if the current user's age is equal to ...",
  ``item-recommendation-filter-examples``); otherwise the expression is left out, like an
  unused EXCLUDE. No metadata, or no value for X: the condition does not hold.
* ``CurrentItem.X`` is field X of the item named in a related-items request
  (``creating-filter-expressions``).
* Missing values (inferred from SQL's NULL): an item without metadata, or without a value for the
  field, matches neither IN nor NOT IN, = nor !=, nor any range comparison. The same holds when
  the current item or the current user's field has no value.
"""

from __future__ import annotations

import itertools
import math
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from ..errors import InvalidInputException
from . import grammar
from .grammar import (
    INTERACTION_DATASETS,
    RANGE_OPERATORS,
    Condition,
    CurrentItemRef,
    Expression,
    Filter,
    Literal,
    Param,
    Wildcard,
)

#: Interactions a filter sees per user per event type (filter-expressions; adjustable quotas).
INTERACTION_WINDOWS: dict[str, int] = {"Interactions": 100, "Action_Interactions": 300}

#: Targets each entry point filters.
ITEM_TARGETS: tuple[str, ...] = ("ItemID", "ActionID")
SEGMENT_TARGETS: tuple[str, ...] = ("UserID",)

#: Datasets whose fields are columns of the table being filtered, by target. Actions are the
#: "items" of action recommendations, so an action catalogue answers Actions conditions.
_TABLE_DATASETS: dict[str, tuple[str, ...]] = {
    "ItemID": ("Items", "Actions"),
    "ActionID": ("Items", "Actions"),
    "UserID": ("Users",),
}

_RANGE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_POSITIVE = ("IN", "=")  # the others of the equality family (NOT IN, !=) are their negation

_VERSIONS = itertools.count(1)
_COMPILED_PER_CATALOG = 128


# --------------------------------------------------------------------------------------------
# Scalars: what one metadata value means for matching
# --------------------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values: not a missing scalar
        return False


def _format_number(number: float) -> str:
    # 1970.0 reads "1970", as a CSV holds it; IN compares exact strings.
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _text(value: Any) -> str | None:
    """The string form of a metadata value (None when missing or empty)."""
    if _is_missing(value):
        return None
    text = _format_number(float(value)) if _is_number(value) else str(value)
    return text or None


def _tokens(value: Any, categorical: bool = True) -> tuple[str, ...]:
    text = _text(value)
    if text is None:
        return ()
    return tuple(text.split("|")) if categorical else (text,)


def _parse_number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number(value: Any) -> float | None:
    """A metadata value as a finite number, or None."""
    if _is_missing(value) or isinstance(value, bool | np.bool_):
        return None
    if _is_number(value):
        number = float(value)
        return number if math.isfinite(number) else None
    return _parse_number(str(value)) if isinstance(value, str) else None


# --------------------------------------------------------------------------------------------
# Catalogue: per-column indexes over one version of the metadata
# --------------------------------------------------------------------------------------------


class _Column:
    """One metadata column aligned with the table's ids."""

    def __init__(self, raw: pd.Series, categorical: bool) -> None:
        self.size = len(raw)
        dtype = raw.dtype
        self.numeric = bool(is_numeric_dtype(dtype) and not is_bool_dtype(dtype))
        self._raw = raw
        self._numbers: np.ndarray | None = None
        self.postings: dict[str, np.ndarray] = {}
        if self.numeric:
            self._numbers = pd.to_numeric(raw, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan, copy=True
            )
            self._numbers[~np.isfinite(self._numbers)] = np.nan
            self.present = ~np.isnan(self._numbers)
            return
        # Inverted index: a request's IN list costs the size of its matches, not of the catalogue.
        present = np.zeros(self.size, dtype=bool)
        lists: dict[str, list[int]] = {}
        raw_values = raw.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]  # pandas-stubs refuse na_value=None
        for position, value in enumerate(raw_values):
            tokens = _tokens(value, categorical)
            if tokens:
                present[position] = True
                for token in tokens:
                    lists.setdefault(token, []).append(position)
        self.present = present
        self.postings = {token: np.asarray(p, dtype=np.intp) for token, p in lists.items()}

    @property
    def numbers(self) -> np.ndarray:
        """Float values (NaN when missing); a string column's numeric-looking values parse."""
        if self._numbers is None:
            self._numbers = pd.to_numeric(self._raw.astype(object), errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        return self._numbers

    def equal_any(self, operands: Sequence[float] | Sequence[str]) -> np.ndarray:
        if self.numeric:
            # Inferred: the guide says IN matches exact strings; a numeric field has no string
            # form to match, so "1975", 1975 and 1975.0 all equal a stored 1975.
            if not operands:
                return np.zeros(self.size, dtype=bool)
            return np.isin(self.numbers, np.asarray(operands, dtype=np.float64))
        mask = np.zeros(self.size, dtype=bool)
        for operand in operands:
            positions = self.postings.get(str(operand))
            if positions is not None:
                mask[positions] = True
        return mask

    def match(self, op: str, operands: Sequence[float] | Sequence[str]) -> np.ndarray:
        if op in RANGE_OPERATORS:
            if not operands:
                return np.zeros(self.size, dtype=bool)
            # NaN compares False: items without a value never match.
            return np.asarray(_RANGE[op](self.numbers, float(operands[0])), dtype=bool)
        hit = self.equal_any(operands)
        return hit if op in _POSITIVE else self.present & ~hit


class Catalog:
    """Ids plus their metadata (a DataFrame indexed by id, upper-case column names).

    Built once per version of the ids and the metadata; column indexes are built on first use.
    ``categorical_columns`` names the columns whose values split on ``|``; None splits every
    string column (the Items and Users schemas declare categorical fields; without the schema
    at hand, a ``|`` in a string value is read as a separator).
    """

    def __init__(
        self,
        ids: np.ndarray | Sequence[str],
        meta: pd.DataFrame | None,
        categorical_columns: Iterable[str] | None = None,
    ) -> None:
        self.ids: np.ndarray = np.asarray(ids, dtype=object)
        self.size = len(self.ids)
        self.version = next(_VERSIONS)
        self.position: dict[str, int] = {str(i): p for p, i in enumerate(self.ids.tolist())}
        self._categorical = (
            None if categorical_columns is None else {c.upper() for c in categorical_columns}
        )
        if meta is not None and len(meta.columns):
            meta = meta[~meta.index.duplicated(keep="last")]
            meta.index = meta.index.astype(str)
            self._meta: pd.DataFrame | None = meta
            self._names = {str(c).upper(): c for c in meta.columns}
            self.has_metadata = np.asarray(pd.Index(self.ids.astype(str)).isin(meta.index))
        else:
            self._meta = None
            self._names = {}
            self.has_metadata = np.zeros(self.size, dtype=bool)
        self._aligned: pd.DataFrame | None = None
        self._rows: dict[str, int] | None = None
        self._raw_values: dict[Hashable, np.ndarray] = {}
        self._columns: dict[str, _Column | None] = {}
        self._lock = threading.Lock()
        self._compiled: OrderedDict[tuple[Filter, tuple[str, ...]], CompiledFilter] = OrderedDict()

    def __len__(self) -> int:
        return self.size

    def column(self, name: str) -> _Column | None:
        """The index of a column (matched case-insensitively), or None if there is none."""
        key = name.upper()
        if key in self._columns:
            return self._columns[key]
        with self._lock:
            if key not in self._columns:
                self._columns[key] = self._build(key)
            return self._columns[key]

    def _build(self, key: str) -> _Column | None:
        if self._meta is None or key not in self._names:
            return None
        if self._aligned is None:
            self._aligned = self._meta.reindex(self.ids.astype(str))
        categorical = self._categorical is None or key in self._categorical
        return _Column(self._aligned[self._names[key]], categorical)

    def value(self, entity_id: str | None, name: str) -> Any:
        """One entity's raw value of a column (None when unknown), for CurrentItem references.

        Read from the metadata rather than the aligned columns: the current item of a
        related-items request need not be in the model's catalogue.
        """
        if entity_id is None or self._meta is None:
            return None
        column = self._names.get(name.upper())
        if column is None:
            return None
        # Plain dicts and arrays: a pandas .at lookup costs more than the rest of a request.
        if self._rows is None:
            self._rows = {str(k): row for row, k in enumerate(self._meta.index.tolist())}
        row = self._rows.get(entity_id)
        if row is None:
            return None
        values = self._raw_values.get(column)
        if values is None:
            values = self._meta[column].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]  # pandas-stubs refuse na_value=None
            self._raw_values[column] = values
        return values[row]

    def compiled(self, parsed: Filter, targets: tuple[str, ...] = ITEM_TARGETS) -> CompiledFilter:
        """The compiled form of ``parsed`` for this catalogue version (kept, LRU-bounded)."""
        key = (parsed, targets)
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
                return found
        compiled = CompiledFilter(parsed, self, targets)
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > _COMPILED_PER_CATALOG:
                self._compiled.popitem(last=False)
        return compiled


class ItemCatalog(Catalog):
    """The items a model can recommend and their Items metadata (indexed by ITEM_ID)."""

    def __init__(
        self,
        item_ids: np.ndarray | Sequence[str],
        items_meta: pd.DataFrame | None,
        categorical_columns: Iterable[str] | None = None,
    ) -> None:
        super().__init__(item_ids, items_meta, categorical_columns)

    @property
    def item_ids(self) -> np.ndarray:
        return self.ids


@dataclass
class UserView:
    """What a filter may read about the requesting user.

    ``interactions``: (item id, event type) pairs, newest first, including events recorded in
    real time. ``metadata``: the user's Users row (upper-case keys) or None. ``current_item``:
    the itemId of the request, for CurrentItem references.
    """

    interactions: Sequence[tuple[str, str]] = ()
    metadata: Mapping[str, Any] | None = None
    current_item: str | None = None


# --------------------------------------------------------------------------------------------
# Request values
# --------------------------------------------------------------------------------------------


class _Request:
    """A request's placeholder values, converted once per placeholder and kind."""

    def __init__(self, values: Mapping[str, Sequence[str]] | None) -> None:
        self.values: Mapping[str, Sequence[str]] = values or {}
        self._numbers: dict[str, tuple[float, ...]] = {}

    def given(self, name: str) -> bool:
        return bool(self.values.get(name))

    def strings(self, name: str) -> tuple[str, ...]:
        return tuple(self.values.get(name) or ())

    def numbers(self, name: str, condition: Condition) -> tuple[float, ...]:
        raw = self.strings(name)
        if condition.op not in ("IN", "NOT IN") and len(raw) > 1:
            raise InvalidInputException(
                f"Invalid filter value for {name}: {condition.name} {condition.op} ${name} "
                f"compares with one value, and {len(raw)} values were given."
            )
        found = self._numbers.get(name)
        if found is None:
            parsed = []
            for text in raw:
                number = _parse_number(text)
                if number is None:
                    raise InvalidInputException(
                        f"Invalid filter value for {name}: {condition.name} is numeric, and "
                        f"{text!r} is not a number. Give a number in escaped quotes, for "
                        f'example {{"{name}": "\\"10\\""}}.'
                    )
                parsed.append(number)
            found = self._numbers[name] = tuple(parsed)
        return found


# --------------------------------------------------------------------------------------------
# What a filter reads beyond the catalogue: the requesting user, or all users of a segment job
# --------------------------------------------------------------------------------------------


def _windows(
    history: Iterable[tuple[str, str]], size: int, only: frozenset[str] | None = None
) -> dict[str, list[str]]:
    """The most recent ``size`` item ids per event type (case-folded) of a newest-first history.

    With ``only``, just those event types, and the scan stops once each window is full: a long
    history costs no more than the windows a filter reads.
    """
    windows: dict[str, list[str]] = {}
    folded: dict[str, str] = {}  # few distinct event types: fold each spelling once
    open_windows = len(only) if only is not None else 0
    entries = iter(history)
    for item, event_type in entries:
        key = folded.get(event_type)
        if key is None:
            key = folded[event_type] = str(event_type or "").casefold()
        window = windows.get(key)
        if window is None:
            if only is not None and key not in only:
                continue
            window = windows[key] = []
            if only is None:
                open_windows += 1
        elif len(window) >= size:
            continue
        window.append(item)
        if len(window) == size:
            open_windows -= 1
            if not open_windows:
                break
    else:
        return windows
    if only is None:
        # Every type seen so far is full: only types not seen yet can add items, so look for
        # them with a cheap pass before scanning again.
        rest = list(entries)
        spellings = {event_type for _, event_type in rest}
        new = {str(t or "").casefold() for t in spellings} - windows.keys()
        if new:
            windows.update(_windows(rest, size, frozenset(new)))
    return windows


def _selected_types(
    windows: Mapping[str, list[str]], types: frozenset[str] | None, negate: bool
) -> list[str]:
    """Event types an EVENT_TYPE condition picks (``types`` None: ``*``)."""
    if types is None:
        return [] if negate else list(windows)
    return [t for t in windows if (t in types) != negate]


class _Env:
    """The request-dependent inputs a compiled filter reads."""

    def current_item(self, column: str) -> Any:
        return None

    def user_value(self, column: str) -> tuple[bool, Any]:
        """(has metadata, value of the column) for IF CurrentUser conditions."""
        return False, None

    def interactions(self, dataset: str, types: frozenset[str] | None, negate: bool) -> np.ndarray:
        raise NotImplementedError


class _UserEnv(_Env):
    def __init__(self, catalog: Catalog, user: UserView) -> None:
        self.catalog = catalog
        self.user = user
        self._windows: dict[tuple[int, frozenset[str] | None], dict[str, list[str]]] = {}

    def current_item(self, column: str) -> Any:
        return self.catalog.value(self.user.current_item, column)

    def user_value(self, column: str) -> tuple[bool, Any]:
        metadata = self.user.metadata
        if not metadata:
            return False, None
        if column in metadata:
            return True, metadata[column]
        wanted = column.upper()
        for key, value in metadata.items():
            if str(key).upper() == wanted:
                return True, value
        return True, None

    def interactions(self, dataset: str, types: frozenset[str] | None, negate: bool) -> np.ndarray:
        size = INTERACTION_WINDOWS.get(dataset, INTERACTION_WINDOWS["Interactions"])
        # Named event types need only their own windows; * and NOT IN need every type's.
        only = types if types is not None and not negate else None
        windows = self._windows.get((size, only))
        if windows is None:
            windows = self._windows[size, only] = _windows(self.user.interactions, size, only)
        mask = np.zeros(self.catalog.size, dtype=bool)
        position = self.catalog.position
        for event_type in _selected_types(windows, types, negate):
            found = [p for p in map(position.get, windows[event_type]) if p is not None]
            mask[found] = True
        return mask


class _SegmentEnv(_Env):
    """Users of a batch segment job: their interactions, optionally only with given items."""

    def __init__(
        self,
        users: Catalog,
        interactions: Mapping[str, Sequence[tuple[str, str]]] | None,
        query_items: Collection[str] | None,
    ) -> None:
        self.users = users
        self.histories = interactions or {}
        self.query_items = None if query_items is None else {str(i) for i in query_items}
        self._windows: dict[int, list[dict[str, list[str]] | None]] = {}

    def interactions(self, dataset: str, types: frozenset[str] | None, negate: bool) -> np.ndarray:
        size = INTERACTION_WINDOWS.get(dataset, INTERACTION_WINDOWS["Interactions"])
        per_user = self._windows.get(size)
        if per_user is None:
            per_user = []
            for user_id in self.users.ids.tolist():
                history = self.histories.get(str(user_id))
                per_user.append(_windows(history, size) if history else None)
            self._windows[size] = per_user
        mask = np.zeros(self.users.size, dtype=bool)
        scope = self.query_items
        for position, windows in enumerate(per_user):
            if not windows:
                continue
            for event_type in _selected_types(windows, types, negate):
                if scope is None or not scope.isdisjoint(windows[event_type]):
                    mask[position] = True
                    break
        return mask


# --------------------------------------------------------------------------------------------
# Compiled filters
# --------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """AND-ed conditions: the part known at compile time, and the part a request supplies."""

    static: np.ndarray | None
    dynamic: tuple[Condition, ...]


@dataclass
class _CompiledExpression:
    expression: Expression
    parameters: frozenset[str]
    table_datasets: tuple[str, ...]
    groups: tuple[_Group, ...]
    #: The WHERE mask when nothing in it depends on the request (no IF either).
    static: np.ndarray | None

    @property
    def include(self) -> bool:
        return self.expression.action == "INCLUDE"


def _is_static(condition: Condition) -> bool:
    return condition.dataset not in INTERACTION_DATASETS and all(
        isinstance(v, Literal | Wildcard) for v in condition.values
    )


def _combine(size: int, include: list[np.ndarray], exclude: list[np.ndarray]) -> np.ndarray:
    """(A ∪ B ∪ ...) − (C ∪ D ∪ ...); no INCLUDE means every entry (multiple-expression-example)."""
    if include:
        result = include[0].copy()
        for mask in include[1:]:
            result |= mask
    else:
        result = np.ones(size, dtype=bool)
    for mask in exclude:
        result &= ~mask
    return result


class CompiledFilter:
    """A filter prepared against one catalogue version (items, or users for segment jobs)."""

    def __init__(self, parsed: Filter, table: Catalog, targets: tuple[str, ...]) -> None:
        for expression in parsed.expressions:
            if expression.target not in targets:
                wanted = "user segments" if expression.target == "UserID" else "recommendations"
                raise InvalidInputException(
                    f"The filter's {expression.action} {expression.target} expression filters "
                    f"{wanted}; this request needs a filter on {' or '.join(targets)}."
                )
        self.parsed = parsed
        self.table = table
        self.targets = targets
        self.parameters: frozenset[str] = frozenset(grammar.parameters(parsed))
        self.required: frozenset[str] = frozenset(required_parameters(parsed))
        self.expressions = tuple(self._compile(e) for e in parsed.expressions)
        # A filter of fixed Items conditions only has one answer per catalogue version.
        self._constant: np.ndarray | None = None
        if all(c.static is not None for c in self.expressions):
            self._constant = _combine(
                table.size,
                [c.static for c in self.expressions if c.include and c.static is not None],
                [c.static for c in self.expressions if not c.include and c.static is not None],
            )

    # -- compile time -------------------------------------------------------------------

    def _compile(self, expression: Expression) -> _CompiledExpression:
        tables = _TABLE_DATASETS[expression.target]
        groups = []
        for conditions in expression.or_groups():
            static: np.ndarray | None = None
            dynamic = []
            for condition in conditions:
                if _is_static(condition):
                    mask = self._table_condition(condition, tables, _Request(None), _Env())
                    static = mask if static is None else static & mask
                else:
                    dynamic.append(condition)
                    if condition.dataset in tables:
                        self.table.column(condition.column)  # index now, not in a request
            groups.append(_Group(static, tuple(dynamic)))
        whole: np.ndarray | None = None
        if expression.if_clause is None and all(not g.dynamic for g in groups):
            for group in groups:
                assert group.static is not None
                whole = group.static if whole is None else whole | group.static
        return _CompiledExpression(
            expression, frozenset(expression.parameters()), tables, tuple(groups), whole
        )

    # -- request time -------------------------------------------------------------------

    def item_mask(
        self, values: Mapping[str, Sequence[str]] | None, user: UserView | None = None
    ) -> np.ndarray:
        """Items of the catalogue that may be recommended to ``user`` (True = allowed)."""
        return self._evaluate(values, _UserEnv(self.table, user or UserView()))

    def user_mask(
        self,
        values: Mapping[str, Sequence[str]] | None,
        interactions: Mapping[str, Sequence[tuple[str, str]]] | None = None,
        query_items: Collection[str] | None = None,
    ) -> np.ndarray:
        """Users of the table that may be in a segment (True = allowed)."""
        return self._evaluate(values, _SegmentEnv(self.table, interactions, query_items))

    def _evaluate(self, values: Mapping[str, Sequence[str]] | None, env: _Env) -> np.ndarray:
        if self._constant is not None:
            return self._constant.copy()
        request = _Request(values)
        missing = sorted(name for name in self.required if not request.given(name))
        if missing:
            listed = ", ".join(f"${name}" for name in missing)
            raise InvalidInputException(
                f"Missing filter values for {listed}: an INCLUDE expression of the filter uses "
                f"{'this placeholder' if len(missing) == 1 else 'these placeholders'}, and "
                f"INCLUDE expressions need a value for every placeholder (only EXCLUDE "
                f"expressions may go without). Add them to filterValues, for example "
                f'{{"{missing[0]}": "\\"value\\""}}.'
            )
        # An EXCLUDE expression without all of its values is not used (runtime model).
        active = [c for c in self.expressions if all(request.given(p) for p in c.parameters)]
        # Type-check every value before IF clauses decide anything, so that a bad value fails
        # the same way whichever user asks.
        for compiled in active:
            self._check_types(compiled, request)
        include: list[np.ndarray] = []
        exclude: list[np.ndarray] = []
        for compiled in active:
            if_clause = compiled.expression.if_clause
            if if_clause and not all(self._user_holds(c, request, env) for c in if_clause):
                continue
            mask = compiled.static
            if mask is None:
                mask = self._where(compiled, request, env)
            (include if compiled.include else exclude).append(mask)
        return _combine(self.table.size, include, exclude)

    def _check_types(self, compiled: _CompiledExpression, request: _Request) -> None:
        for condition in compiled.expression.all_conditions():
            params = [v.name for v in condition.values if isinstance(v, Param)]
            if not params:
                continue
            numeric = condition.op in RANGE_OPERATORS
            if not numeric and condition.dataset in compiled.table_datasets:
                column = self.table.column(condition.column)
                numeric = column is not None and column.numeric
            if numeric:
                for name in params:
                    request.numbers(name, condition)

    def _where(self, compiled: _CompiledExpression, request: _Request, env: _Env) -> np.ndarray:
        result: np.ndarray | None = None
        for group in compiled.groups:
            mask = group.static
            for condition in group.dynamic:
                found = self._condition(condition, compiled.table_datasets, request, env)
                mask = found if mask is None else mask & found
            assert mask is not None  # every group holds at least one condition
            result = mask if result is None else result | mask
        assert result is not None
        return result

    def _condition(
        self, condition: Condition, tables: tuple[str, ...], request: _Request, env: _Env
    ) -> np.ndarray:
        if condition.dataset in INTERACTION_DATASETS:
            types: set[str] | None = set()
            for value in condition.values:
                if isinstance(value, Wildcard):
                    types = None
                    break
                assert types is not None
                if isinstance(value, Param):
                    types.update(t.casefold() for t in request.strings(value.name))
                elif isinstance(value, Literal):
                    text = value.value
                    types.add((text if isinstance(text, str) else _format_number(text)).casefold())
            negate = condition.op not in _POSITIVE
            return env.interactions(
                condition.dataset, None if types is None else frozenset(types), negate
            )
        return self._table_condition(condition, tables, request, env)

    def _table_condition(
        self, condition: Condition, tables: tuple[str, ...], request: _Request, env: _Env
    ) -> np.ndarray:
        column = self.table.column(condition.column) if condition.dataset in tables else None
        if column is None:
            # No such field in this catalogue's metadata (or a dataset this target can't read):
            # nothing has a value, so nothing matches.
            return np.zeros(self.table.size, dtype=bool)
        numeric = column.numeric or condition.op in RANGE_OPERATORS
        return column.match(condition.op, _operands(condition, numeric, request, env))

    def _user_holds(self, condition: Condition, request: _Request, env: _Env) -> bool:
        has_metadata, value = env.user_value(condition.column)
        if not has_metadata or _is_missing(value):
            return False
        numeric = condition.op in RANGE_OPERATORS or _is_number(value)
        operands = _operands(condition, numeric, request, env)
        if numeric:
            number = _number(value)
            if number is None:
                return False
            if condition.op in RANGE_OPERATORS:
                return bool(operands) and bool(_RANGE[condition.op](number, operands[0]))
            hit = number in operands
        else:
            hit = any(token in operands for token in _tokens(value))
        return hit if condition.op in _POSITIVE else not hit


def _operands(
    condition: Condition, numeric: bool, request: _Request, env: _Env
) -> list[float] | list[str]:
    """The values a condition compares with, as numbers or as strings."""
    numbers: list[float] = []
    strings: list[str] = []
    for value in condition.values:
        if isinstance(value, Literal):
            fixed = value.value
            if numeric:
                number = fixed if isinstance(fixed, float) else _parse_number(fixed)
                if number is not None:
                    numbers.append(number)
            else:
                strings.append(fixed if isinstance(fixed, str) else _format_number(fixed))
        elif isinstance(value, Param):
            if numeric:
                numbers.extend(request.numbers(value.name, condition))
            else:
                strings.extend(request.strings(value.name))
        elif isinstance(value, CurrentItemRef):
            current = env.current_item(value.column)
            if numeric:
                # A multi-valued field compares by its numeric values, if any.
                numbers.extend(n for n in (_number(t) for t in _tokens(current)) if n is not None)
            else:
                strings.extend(_tokens(current))
    return numbers if numeric else strings


# --------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------


def parameters_used(filter: Filter) -> set[str]:
    """Placeholder names (without ``$``) the filter uses."""
    return grammar.parameters(filter)


def required_parameters(filter: Filter) -> set[str]:
    """Placeholders a request must give a value for: those of INCLUDE expressions."""
    return {
        name
        for expression in filter.expressions
        if expression.action == "INCLUDE"
        for name in expression.parameters()
    }


def uses_current_item(filter: Filter) -> bool:
    """Whether the filter reads CurrentItem (the guide: related-items recipes only)."""
    return any(
        isinstance(value, CurrentItemRef)
        for expression in filter.expressions
        for condition in expression.all_conditions()
        for value in condition.values
    )


def compile_filter(
    filter: Filter,
    catalog: Catalog,
    targets: tuple[str, ...] = ITEM_TARGETS,
) -> CompiledFilter:
    """The compiled filter for this catalogue version (cached on the catalogue)."""
    return catalog.compiled(filter, targets)


class FilterCache:
    """One compiled filter per (key, catalogue version), e.g. key = the filter ARN.

    The parsed filter is compared as well, so a key reused for another expression (a filter
    deleted and created again under the same name) is compiled afresh.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Hashable, int, tuple[str, ...]], CompiledFilter] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(
        self,
        key: Hashable,
        filter: Filter,
        catalog: Catalog,
        targets: tuple[str, ...] = ITEM_TARGETS,
    ) -> CompiledFilter:
        entry_key = (key, catalog.version, targets)
        with self._lock:
            found = self._entries.get(entry_key)
            if found is not None and found.table is catalog and found.parsed == filter:
                self._entries.move_to_end(entry_key)
                return found
        compiled = CompiledFilter(filter, catalog, targets)
        with self._lock:
            self._entries[entry_key] = compiled
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def item_mask(
    filter: Filter | CompiledFilter,
    values: Mapping[str, tuple[str, ...]] | None,
    catalog: ItemCatalog,
    user: UserView,
) -> np.ndarray:
    """Which of ``catalog.item_ids`` may be recommended (True) for this request.

    ``values`` are the request's filterValues as :func:`.grammar.parse_filter_values` returns
    them. Raises InvalidInputException for a missing INCLUDE placeholder value or a value of the
    wrong type, and for a filter on user segments.
    """
    compiled = filter if isinstance(filter, CompiledFilter) else catalog.compiled(filter)
    if compiled.table is not catalog:
        compiled = catalog.compiled(compiled.parsed)
    return compiled.item_mask(values, user)


def user_mask(
    filter: Filter | CompiledFilter,
    values: Mapping[str, tuple[str, ...]] | None,
    user_ids: np.ndarray | Sequence[str],
    users_meta: pd.DataFrame | None,
    interactions: Mapping[str, Sequence[tuple[str, str]]] | None,
    *,
    users: Catalog | None = None,
    query_items: Collection[str] | None = None,
) -> np.ndarray:
    """Which of ``user_ids`` may be in a user segment (True) for a batch segment job.

    ``users_meta``: the Users rows indexed by USER_ID (upper-case columns); ``interactions``:
    each user's (item id, event type) pairs, newest first. Pass ``users`` (a :class:`Catalog`
    over the same ids and rows) to reuse its indexes across the lines of a job.

    user-segment-filter-examples: ``INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click",
    "rating")`` "includes only users who have clicked or rated items": any items, not only the
    item of the query. ``query_items`` narrows interaction conditions to those items (an
    option the guide does not describe; None follows the guide).
    """
    table = users if users is not None else Catalog(user_ids, users_meta)
    if isinstance(filter, CompiledFilter) and filter.table is table:
        compiled = filter
    else:
        parsed = filter.parsed if isinstance(filter, CompiledFilter) else filter
        compiled = table.compiled(parsed, SEGMENT_TARGETS)
    return compiled.user_mask(values, interactions, query_items)
