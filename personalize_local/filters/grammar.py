"""Filter expressions: a recursive-descent parser, a typed AST and the CreateFilter checks.

Entry points:

* :func:`parse` turns the text of ``filterExpression`` into a :class:`Filter`; syntax errors
  raise InvalidInputException in the service's style ("Could not create filter. Invalid input
  symbol: ...") with the character position.
* :func:`validate` checks a parsed filter against the dataset group's schemas at CreateFilter
  ("Could not create filter. Invalid Expression: ...").
* :func:`parameters` and :func:`fields` list the placeholders and the distinct dataset fields.
* :func:`parse_filter_values` reads a request's ``filterValues`` (``{"GENRE": "\\"a\\",\\"b\\""}``).
* :func:`format_filter` writes a Filter back as canonical text (``parse(format_filter(f)) == f``).

Grammar, as the guide describes it (the service's own parser is not public)::

    filter      := expression ( "|" expression )*
    expression  := action target WHERE condition ( (AND | OR) condition )* [ if_clause ]
    action      := INCLUDE | EXCLUDE
    target      := ItemID | UserID | ActionID
    condition   := Dataset.field ( IN | NOT IN ) list_or_ref
                 | Dataset.field op value_or_paren
    list_or_ref := "(" value ( "," value )* ")" | CurrentItem.field
    op          := "=" | "!=" | "<" | "<=" | ">" | ">="
    value       := "string" | number | $PARAM | "*" | CurrentItem.field
    if_clause   := IF CurrentUser.field op_or_in value ( AND CurrentUser.field op_or_in value )*

Keywords, targets and dataset names are matched case-insensitively; column names are kept as
written and matched to schema fields case-insensitively (the aws-samples POC used
``Interactions.event_type`` on the real service).

Sources: the live developer guide (docs.aws.amazon.com/personalize/latest/dg/):
``creating-filter-expressions``, ``filter-expression-guidelines-requirements``,
``item-recommendation-filter-examples``, ``user-segment-filter-examples``,
``action-recommendation-filter-examples``, ``multiple-expression-example``, ``error-messages``,
``filter-real-time``, ``filter-batch`` and ``limits``; the 2023 snapshot of the guide
(``filter-expressions.md`` in https://github.com/awsdocs/amazon-personalize-developer-guide).
Where they differ, the live guide wins and a comment says so.

Evaluation notes for the module that applies filters (not checked here): IN / NOT IN match exact
strings, and the service ignores case only when matching event types; interaction filters see the
most recent 100 interactions per user per event type; ``|`` combines expressions as
(union of INCLUDEs) minus (union of EXCLUDEs); an EXCLUDE expression whose placeholders get no
value is skipped, while an INCLUDE expression needs all of its values.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from ..data.schemas import DatasetSchema, Field
from ..errors import InvalidInputException

Action = typing.Literal["INCLUDE", "EXCLUDE"]
Target = typing.Literal["ItemID", "UserID", "ActionID"]
Operator = typing.Literal["IN", "NOT IN", "=", "!=", "<", "<=", ">", ">="]
Connector = typing.Literal["AND", "OR"]

ACTIONS: tuple[str, ...] = ("INCLUDE", "EXCLUDE")
# ActionID filters actions (next best action); the 2023 guide knew only ItemID and UserID.
TARGETS: tuple[str, ...] = ("ItemID", "UserID", "ActionID")
#: Datasets a WHERE condition can name, spelled as the service spells dataset types.
DATASETS: tuple[str, ...] = ("Items", "Users", "Interactions", "Actions", "Action_Interactions")
CURRENT_USER = "CurrentUser"
CURRENT_ITEM = "CurrentItem"
#: ``!=`` is in the live guide's list of comparison operators, not in the 2023 one.
COMPARISONS: tuple[str, ...] = ("=", "!=", "<", "<=", ">", ">=")
RANGE_OPERATORS: tuple[str, ...] = ("<", "<=", ">", ">=")
EVENT_TYPE = "EVENT_TYPE"
#: Interaction datasets: filterable by EVENT_TYPE only, and the only place ``*`` is valid.
INTERACTION_DATASETS: tuple[str, ...] = ("Interactions", "Action_Interactions")

#: The datasets whose fields each target's WHERE conditions can use. From the guide's examples:
#: item filters use Items or Interactions (user metadata only through IF CurrentUser), user
#: segments use Users or Interactions ("include only users who have clicked or rated items"),
#: action filters use Actions or Action_Interactions.
TARGET_DATASETS: dict[str, tuple[str, ...]] = {
    "ItemID": ("Items", "Interactions"),
    "UserID": ("Users", "Interactions"),
    "ActionID": ("Actions", "Action_Interactions"),
}

# Live guide (filter-expression-guidelines-requirements and the limits table): at most 10
# distinct dataset fields per filter and 20 across a dataset group's filters. The 2023 guide,
# and some older copies of the live page say 5 and 10: the
# newest live guide wins.
MAX_FIELDS_PER_FILTER = 10

# The runtime model's FilterAttributeName pattern: what a request can name, so what a
# placeholder can be called.
_PARAM_NAME = re.compile(r"[A-Za-z0-9_]+")


# --------------------------------------------------------------------------------------------
# AST
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A fixed value: a quoted string (``str``) or a number (``float``)."""

    value: str | float

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, float)


@dataclass(frozen=True)
class Param:
    """A placeholder ``$NAME``; ``name`` is without the ``$`` and case-sensitive."""

    name: str


@dataclass(frozen=True)
class Wildcard:
    """``*`` in an EVENT_TYPE list: interactions of every event type."""


@dataclass(frozen=True)
class CurrentItemRef:
    """``CurrentItem.<column>``: that field of the item a related-items request names."""

    column: str


Value = Literal | Param | Wildcard | CurrentItemRef


@dataclass(frozen=True)
class Condition:
    """``<dataset>.<column> <op> <values>``.

    ``dataset`` is one of DATASETS in a WHERE condition, or ``"CurrentUser"`` in an IF clause.
    ``values`` holds one value for the comparison operators and one or more for IN / NOT IN.
    ``position`` (0-based offset of the field in the text) only serves error messages.
    """

    dataset: str
    column: str
    op: Operator
    values: tuple[Value, ...]
    position: int = dataclass_field(default=0, compare=False)

    @property
    def schema_dataset(self) -> str:
        """The dataset type whose schema holds this column (CurrentUser fields are Users')."""
        return "Users" if self.dataset == CURRENT_USER else self.dataset

    @property
    def name(self) -> str:
        return f"{self.dataset}.{self.column}"


@dataclass(frozen=True)
class Expression:
    """One ``INCLUDE|EXCLUDE <target> WHERE ...`` between pipes.

    ``connectors[i]`` joins ``conditions[i]`` and ``conditions[i + 1]``. ``if_clause`` holds the
    CurrentUser conditions of a trailing IF (always joined with AND), or None.
    """

    action: Action
    target: Target
    conditions: tuple[Condition, ...]
    connectors: tuple[Connector, ...] = ()
    if_clause: tuple[Condition, ...] | None = None
    position: int = dataclass_field(default=0, compare=False)

    @property
    def dataset(self) -> str:
        """The dataset of the first condition, which all the conditions must use."""
        return self.conditions[0].dataset

    def or_groups(self) -> tuple[tuple[Condition, ...], ...]:
        """The WHERE conditions as OR-ed groups of AND-ed conditions.

        The guide does not say how AND and OR bind when mixed; this follows SQL, whose keywords
        the language borrows: AND binds tighter than OR (inferred).
        """
        groups: list[list[Condition]] = [[self.conditions[0]]]
        for connector, condition in zip(self.connectors, self.conditions[1:], strict=True):
            if connector == "OR":
                groups.append([condition])
            else:
                groups[-1].append(condition)
        return tuple(tuple(group) for group in groups)

    def all_conditions(self) -> tuple[Condition, ...]:
        return self.conditions + (self.if_clause or ())

    def parameters(self) -> set[str]:
        """Placeholder names of this expression (an EXCLUDE without them is skipped)."""
        return {v.name for c in self.all_conditions() for v in c.values if isinstance(v, Param)}


@dataclass(frozen=True)
class Filter:
    """A whole filter expression: expressions chained with ``|``."""

    expressions: tuple[Expression, ...]

    def __str__(self) -> str:
        return format_filter(self)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

_PREFIX = "Could not create filter."


def _symbol_error(symbol: str, position: int, detail: str) -> InvalidInputException:
    # Positions are 1-based in messages, as editors count columns.
    return InvalidInputException(
        f"{_PREFIX} Invalid input symbol: {symbol} at character {position + 1}. {detail}"
    )


def _expression_error(detail: str, where: Condition | None = None) -> InvalidInputException:
    hint = f" (at character {where.position + 1})" if where is not None else ""
    return InvalidInputException(f"{_PREFIX} Invalid Expression: {detail}{hint}")


# --------------------------------------------------------------------------------------------
# Lexer
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
  | (?P<param>\$[A-Za-z0-9_]+)
  | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<punct>[(),|*])
    """,
    re.VERBOSE | re.DOTALL,
)

_KEYWORDS = frozenset({"INCLUDE", "EXCLUDE", "WHERE", "AND", "OR", "IN", "NOT", "IF"})


@dataclass(frozen=True)
class _Token:
    kind: str  # name, keyword, param, number, string, op, punct
    text: str
    position: int

    @property
    def word(self) -> str:
        """Upper-case text, for case-insensitive keyword and name matching."""
        return self.text.upper()


def _unescape(body: str) -> str:
    # Backslash escapes a double quote or a backslash; any other backslash stays as written.
    # The guide shows no escapes inside filter strings; this is the usual convention.
    return re.sub(r'\\(["\\])', r"\1", body)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _tokens(text: str) -> Iterator[_Token]:
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text[position] == '"':
                raise _symbol_error(
                    repr(text[position : position + 20]),
                    position,
                    "The string is not closed with a double quote.",
                )
            raise _symbol_error(
                repr(text[position]), position, "This character is not part of the filter syntax."
            )
        kind = match.lastgroup or ""
        if kind != "ws":
            word = match.group()
            if kind == "name" and word.upper() in _KEYWORDS:
                kind = "keyword"
            yield _Token(kind, word, position)
        position = match.end()


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


def _canonical(word: str, choices: tuple[str, ...]) -> str | None:
    return next((c for c in choices if c.upper() == word.upper()), None)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokens(text))
        self.index = 0

    # -- token access ---------------------------------------------------------------------

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str) -> _Token:
        token = self.peek()
        if token is None:
            raise self.ended(expected)
        self.index += 1
        return token

    def ended(self, expected: str) -> InvalidInputException:
        return InvalidInputException(
            f"{_PREFIX} Invalid Expression: the expression ends at character "
            f"{len(self.text) + 1} where {expected} was expected."
        )

    def unexpected(self, token: _Token, expected: str) -> InvalidInputException:
        return _symbol_error(token.text, token.position, f"Expected {expected}.")

    def at_keyword(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "keyword" and token.word in words

    def keyword(self, *words: str) -> _Token:
        expected = " or ".join(words)
        token = self.take(expected)
        if token.kind != "keyword" or token.word not in words:
            raise self.unexpected(token, expected)
        return token

    def punct(self, symbol: str, expected: str) -> _Token:
        token = self.take(expected)
        if token.kind != "punct" or token.text != symbol:
            raise self.unexpected(token, expected)
        return token

    # -- grammar --------------------------------------------------------------------------

    def filter(self) -> Filter:
        if not self.tokens:
            raise InvalidInputException(f"{_PREFIX} Invalid Expression: the expression is empty.")
        expressions = [self.expression()]
        while (token := self.peek()) is not None:
            if token.kind == "punct" and token.text == "|":
                self.index += 1
                expressions.append(self.expression())
            else:
                raise self.unexpected(token, "AND, OR, IF, '|' or the end of the expression")
        return Filter(tuple(expressions))

    def expression(self) -> Expression:
        first = self.keyword(*ACTIONS)
        token = self.take("ItemID, UserID or ActionID")
        target = _canonical(token.text, TARGETS) if token.kind == "name" else None
        if target is None:
            raise self.unexpected(token, "ItemID, UserID or ActionID")
        self.keyword("WHERE")
        conditions = [self.condition()]
        connectors: list[str] = []
        if_clause: tuple[Condition, ...] | None = None
        while self.at_keyword("AND", "OR", "IF"):
            token = self.take("AND, OR or IF")
            if token.word == "IF":
                if_clause = self.if_clause()
                break
            connectors.append(token.word)
            conditions.append(self.condition())
        if self.at_keyword("IF"):
            token = self.take("IF")
            raise _symbol_error(
                token.text,
                token.position,
                "IF can be used only once, at the end of an expression; extend it with AND.",
            )
        if self.at_keyword("OR"):
            token = self.take("OR")
            raise _symbol_error(
                token.text,
                token.position,
                "The conditions of an IF clause can only be joined with AND, and the IF clause "
                "must be at the end of the expression.",
            )
        return Expression(
            typing.cast(Action, first.word),
            typing.cast(Target, target),
            tuple(conditions),
            typing.cast(tuple[Connector, ...], tuple(connectors)),
            if_clause,
            first.position,
        )

    def field_name(self, expected: str) -> tuple[_Token, str, str]:
        """A ``Dataset.field`` token: (token, dataset as written, column)."""
        token = self.take(expected)
        if token.kind != "name" or "." not in token.text:
            raise self.unexpected(token, expected)
        head, column = token.text.split(".", 1)
        return token, head, column

    def condition(self) -> Condition:
        expected = "a dataset field such as Items.GENRE or Interactions.EVENT_TYPE"
        token, head, column = self.field_name(expected)
        dataset = _canonical(head, DATASETS)
        if dataset is None:
            if head.upper() == CURRENT_USER.upper():
                detail = (
                    "CurrentUser can only be used in an IF condition at the end of an "
                    "expression, for example IF CurrentUser.AGE > 18."
                )
            elif head.upper() == CURRENT_ITEM.upper():
                detail = (
                    "CurrentItem can only be used as a value, for example "
                    "Items.GENRE IN CurrentItem.GENRE."
                )
            else:
                detail = f"Unknown dataset {head!r}; use {', '.join(DATASETS)}."
            raise _symbol_error(token.text, token.position, detail)
        op, values = self.predicate(token, dataset, column, allow_current_item=True)
        return Condition(dataset, column, op, values, token.position)

    def if_clause(self) -> tuple[Condition, ...]:
        conditions = [self.user_condition()]
        while self.at_keyword("AND"):
            self.index += 1
            conditions.append(self.user_condition())
        return tuple(conditions)

    def user_condition(self) -> Condition:
        expected = "a CurrentUser field such as CurrentUser.AGE"
        token, head, column = self.field_name(expected)
        if head.upper() != CURRENT_USER.upper():
            raise _symbol_error(
                token.text,
                token.position,
                "An IF condition checks the user you get recommendations for: use "
                "CurrentUser.<field>.",
            )
        op, values = self.predicate(token, CURRENT_USER, column, allow_current_item=False)
        return Condition(CURRENT_USER, column, op, values, token.position)

    def predicate(
        self, field_token: _Token, dataset: str, column: str, allow_current_item: bool
    ) -> tuple[Operator, tuple[Value, ...]]:
        expected = "IN, NOT IN, =, !=, <, <=, > or >="
        token = self.take(expected)
        if token.kind == "keyword" and token.word == "NOT":
            self.keyword("IN")
            op = "NOT IN"
        elif token.kind == "keyword" and token.word == "IN":
            op = "IN"
        elif token.kind == "op":
            op = token.text
        else:
            raise self.unexpected(token, expected)

        if op in ("IN", "NOT IN"):
            values = self.value_list(dataset, column, allow_current_item)
            for value in values:
                if op == "NOT IN" and isinstance(value, Param):
                    # The live guide's exact message (error-messages). The 2023 guide said
                    # "Placeholders can only be used with IN or EQ operator", yet its examples
                    # used $PRICE with <=; the live guide allows placeholders with comparisons.
                    raise InvalidInputException(
                        f"{_PREFIX} Invalid input symbol: ${value.name}. Placeholders are not "
                        f"allowed with NOT_IN operator. Use IN with the opposite action "
                        f"(INCLUDE instead of EXCLUDE, or the reverse); the placeholder is in "
                        f"the condition at character {field_token.position + 1}."
                    )
        else:
            values = (self.single_value(allow_current_item),)
        return typing.cast(Operator, op), values

    def value_list(self, dataset: str, column: str, allow_current_item: bool) -> tuple[Value, ...]:
        expected = "'(' and a list of values"
        token = self.peek()
        if allow_current_item and token is not None and token.kind == "name":
            # Items.GENRE IN CurrentItem.GENRE: the documented form has no parentheses.
            return (self.current_item(self.take(expected)),)
        self.punct("(", expected)
        values: list[Value] = []
        tokens: list[_Token] = []
        while True:
            token = self.take("a value")
            values.append(self.atom(token, allow_wildcard=True))
            tokens.append(token)
            closing = self.take("',' or ')'")
            if closing.kind == "punct" and closing.text == ")":
                break
            if closing.kind != "punct" or closing.text != ",":
                raise self.unexpected(closing, "',' or ')'")
        for value, token in zip(values, tokens, strict=True):
            if isinstance(value, Param) and len(values) > 1:
                # filter-real-time (expression builder): "You cannot add comma-separated
                # parameters to a filter": a placeholder stands for the whole list.
                raise _symbol_error(
                    token.text,
                    token.position,
                    "A placeholder must be the only value in its list; the request supplies "
                    "the list of values.",
                )
            if isinstance(value, Wildcard) and (
                dataset not in INTERACTION_DATASETS or column.upper() != EVENT_TYPE
            ):
                raise _symbol_error(
                    token.text,
                    token.position,
                    f"Use * only with the EVENT_TYPE field of an interactions dataset "
                    f"(Interactions.EVENT_TYPE), not with {dataset}.{column}.",
                )
        return tuple(values)

    def single_value(self, allow_current_item: bool) -> Value:
        token = self.take("a value")
        # action-recommendation-filter-examples writes "Actions.VALUE > ($VALUE)": one value in
        # parentheses is accepted as the value itself (one level, no nesting).
        parenthesised = token.kind == "punct" and token.text == "("
        if parenthesised:
            token = self.take("a value")
        if token.kind == "name" and allow_current_item:
            value: Value = self.current_item(token)
        else:
            value = self.atom(token, allow_wildcard=False)
        if parenthesised:
            self.punct(")", "')'")
        return value

    def current_item(self, token: _Token) -> CurrentItemRef:
        head, _, column = token.text.partition(".")
        if head.upper() != CURRENT_ITEM.upper() or not column:
            raise self.unexpected(token, "a value, a placeholder or CurrentItem.<field>")
        return CurrentItemRef(column)

    def atom(self, token: _Token, allow_wildcard: bool) -> Value:
        if token.kind == "string":
            return Literal(_unescape(token.text[1:-1]))
        if token.kind == "number":
            number = float(token.text)
            if not math.isfinite(number):
                raise _symbol_error(token.text, token.position, "The number is out of range.")
            return Literal(number)
        if token.kind == "param":
            return Param(token.text[1:])
        if token.kind == "punct" and token.text == "*" and allow_wildcard:
            return Wildcard()
        if token.kind == "punct" and token.text == "*":
            raise _symbol_error(
                token.text, token.position, "Use * only in the list of an IN or NOT IN condition."
            )
        raise self.unexpected(token, "a quoted string, a number or a placeholder such as $GENRE")


def parse(expression: str) -> Filter:
    """Parse a filter expression; raise InvalidInputException on a syntax error."""
    if not isinstance(expression, str):
        raise InvalidInputException(f"{_PREFIX} Invalid Expression: the expression must be text.")
    return _Parser(expression).filter()


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def _format_value(value: Value) -> str:
    if isinstance(value, Literal):
        number = value.value
        if isinstance(number, float):
            # Whole numbers read better without ".0"; both spellings parse to the same float.
            return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
        return f'"{_escape(number)}"'
    if isinstance(value, Param):
        return f"${value.name}"
    if isinstance(value, Wildcard):
        return "*"
    return f"{CURRENT_ITEM}.{value.column}"


def _format_condition(condition: Condition) -> str:
    values = condition.values
    if condition.op in ("IN", "NOT IN"):
        if len(values) == 1 and isinstance(values[0], CurrentItemRef):
            text = _format_value(values[0])
        else:
            text = "(" + ", ".join(_format_value(v) for v in values) + ")"
    else:
        text = _format_value(values[0])
    return f"{condition.name} {condition.op} {text}"


def format_filter(parsed: Filter) -> str:
    """Canonical text of a filter: upper-case keywords, single spaces."""
    parts = []
    for expression in parsed.expressions:
        text = f"{expression.action} {expression.target} WHERE "
        text += _format_condition(expression.conditions[0])
        for connector, condition in zip(
            expression.connectors, expression.conditions[1:], strict=True
        ):
            text += f" {connector} {_format_condition(condition)}"
        if expression.if_clause:
            text += " IF " + " AND ".join(_format_condition(c) for c in expression.if_clause)
        parts.append(text)
    return " | ".join(parts)


# --------------------------------------------------------------------------------------------
# Queries on the AST
# --------------------------------------------------------------------------------------------


def parameters(parsed: Filter) -> set[str]:
    """The placeholder names (without ``$``) the filter uses."""
    return {name for expression in parsed.expressions for name in expression.parameters()}


def fields(parsed: Filter) -> set[tuple[str, str]]:
    """Distinct (dataset type, upper-case column) pairs the filter reads.

    CurrentUser fields count as Users fields and CurrentItem references as Items fields: both
    read a dataset field (inferred: the guide does not say whether they count towards the limits).
    """
    found: set[tuple[str, str]] = set()
    for expression in parsed.expressions:
        for condition in expression.all_conditions():
            found.add((condition.schema_dataset, condition.column.upper()))
            for value in condition.values:
                if isinstance(value, CurrentItemRef):
                    found.add(("Items", value.column.upper()))
    return found


# --------------------------------------------------------------------------------------------
# CreateFilter checks against the schemas
# --------------------------------------------------------------------------------------------


def _schema_for(
    schemas: Mapping[str, DatasetSchema], dataset: str, where: Condition, why: str
) -> DatasetSchema:
    schema = schemas.get(dataset)
    if schema is None:
        raise _expression_error(
            f"{why} needs the {dataset} dataset, and the dataset group has none.", where
        )
    return schema


def _usable_field(schema: DatasetSchema, dataset: str, column: str, where: Condition) -> Field:
    found = schema.field(column)
    if found is None:
        raise _expression_error(
            f"{dataset}.{column}: the {dataset} schema has no field {column!r}. "
            f"Its fields are {', '.join(schema.names)}.",
            where,
        )
    if found.type == "boolean":
        # error-messages: "Could not create filter. Invalid Expression..." when filtering on
        # Boolean type fields.
        raise _expression_error(
            f"{dataset}.{column} is a boolean field; filters can't use boolean fields. Use a "
            f'string field with the values "True" and "False", or an int or long field with '
            f"0 and 1.",
            where,
        )
    if found.textual:
        raise _expression_error(
            f"{dataset}.{column} is a textual field; filters can't use unstructured textual "
            f"metadata such as descriptions.",
            where,
        )
    return found


def _kind(found: Field) -> str:
    return "numeric" if found.numeric else "string"


def _check_values(
    condition: Condition,
    found: Field,
    expression: Expression,
    schemas: Mapping[str, DatasetSchema],
) -> None:
    name = condition.name
    if condition.op in RANGE_OPERATORS and not found.numeric:
        raise _expression_error(
            f"{name} is a {found.type} field; the operators <, <=, > and >= compare numeric "
            f"fields only.",
            condition,
        )
    for value in condition.values:
        if isinstance(value, Wildcard) and (
            condition.dataset not in INTERACTION_DATASETS or found.name.upper() != EVENT_TYPE
        ):
            raise _expression_error(
                f"use * only with Interactions.EVENT_TYPE, not with {name}.", condition
            )
        # Inferred: a comparison's literal must be of the field's kind. IN lists are left alone:
        # the guide says IN matches exact strings, whatever the field's type.
        if (
            isinstance(value, Literal)
            and condition.op in COMPARISONS
            and value.is_number != found.numeric
        ):
            given = "a number" if value.is_number else "a string"
            raise _expression_error(
                f"{name} is a {found.type} field and can't be compared with {given} "
                f"({_format_value(value)}).",
                condition,
            )
        if isinstance(value, CurrentItemRef):
            # creating-filter-expressions: CurrentItem is for related-items recommendations,
            # so it can only compare item fields with the fields of the request's item.
            if expression.target != "ItemID" or condition.dataset != "Items":
                raise _expression_error(
                    f"CurrentItem.{value.column} can only be compared with Items fields in an "
                    f"ItemID expression (related items recommendations), not with {name}.",
                    condition,
                )
            items = _schema_for(schemas, "Items", condition, f"CurrentItem.{value.column}")
            other = _usable_field(items, CURRENT_ITEM, value.column, condition)
            if _kind(other) != _kind(found):
                raise _expression_error(
                    f"{name} is a {found.type} field and CurrentItem.{value.column} a "
                    f"{other.type} field; they can't be compared.",
                    condition,
                )


def validate(parsed: Filter, schemas: Mapping[str, DatasetSchema]) -> None:
    """Check a parsed filter against the dataset group's schemas (CreateFilter).

    ``schemas`` maps the group's dataset types ("Interactions", "Items", "Users", ...) to their
    schemas. Raises InvalidInputException naming the offending field and its position.
    """
    for expression in parsed.expressions:
        first = expression.conditions[0]
        allowed = TARGET_DATASETS[expression.target]
        if first.dataset not in allowed:
            hint = (
                " To check the current user's metadata, add IF CurrentUser.<field> at the end."
                if expression.target == "ItemID" and first.dataset == "Users"
                else ""
            )
            raise _expression_error(
                f"{expression.target} expressions filter on {' or '.join(allowed)} fields, "
                f"not {first.name}.{hint}",
                first,
            )
        for condition in expression.conditions:
            # filter-expression-guidelines-requirements: "Conditions chained together using AND
            # or OR can only affect fields of the dataset used in the first condition."
            if condition.dataset != first.dataset:
                raise _expression_error(
                    f"conditions joined with AND or OR must all use the dataset of the first "
                    f"condition ({first.dataset}), but {condition.name} uses "
                    f"{condition.dataset}. Chain a separate expression with | instead.",
                    condition,
                )
            schema = _schema_for(schemas, condition.dataset, condition, condition.name)
            found = _usable_field(schema, condition.dataset, condition.column, condition)
            if condition.dataset in INTERACTION_DATASETS and found.name.upper() != EVENT_TYPE:
                # "If you are filtering based on item or action interactions data, you can only
                # filter based on event type."
                raise _expression_error(
                    f"{condition.name}: interactions can only be filtered by EVENT_TYPE, not by "
                    f"other interaction metadata.",
                    condition,
                )
            _check_values(condition, found, expression, schemas)
        for condition in expression.if_clause or ():
            if expression.target == "UserID":
                # Inferred: a user segment has no current user; IF CurrentUser is documented only
                # for item and action recommendations.
                raise _expression_error(
                    "IF CurrentUser conditions apply to item and action recommendations, not to "
                    "UserID expressions (user segments).",
                    condition,
                )
            users = _schema_for(schemas, "Users", condition, condition.name)
            found = _usable_field(users, CURRENT_USER, condition.column, condition)
            _check_values(condition, found, expression, schemas)

    distinct = fields(parsed)
    if len(distinct) > MAX_FIELDS_PER_FILTER:
        listed = ", ".join(f"{d}.{c}" for d, c in sorted(distinct))
        raise _expression_error(
            f"the filter uses {len(distinct)} distinct dataset fields ({listed}); a filter can "
            f"use at most {MAX_FIELDS_PER_FILTER}, in one expression or across chained "
            f"expressions."
        )


# --------------------------------------------------------------------------------------------
# Request filter values
# --------------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)

_VALUES_HINT = (
    "Surround each value with escaped quotes and separate values with commas, for example "
    '{"GENRE": "\\"comedy\\",\\"drama\\""}.'
)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _split_values(name: str, raw: str) -> tuple[str, ...]:
    values: list[str] = []
    position = _skip_space(raw, 0)
    while True:
        match = _QUOTED.match(raw, position)
        if match is None:
            shown = repr(raw[position : position + 20]) if position < len(raw) else "nothing"
            raise InvalidInputException(
                f"Invalid filter value for {name}: expected a quoted value at character "
                f"{position + 1}, found {shown}. {_VALUES_HINT}"
            )
        values.append(_unescape(match.group(1)))
        position = _skip_space(raw, match.end())
        if position == len(raw):
            return tuple(values)
        if raw[position] != ",":
            raise InvalidInputException(
                f"Invalid filter value for {name}: expected ',' or the end of the value at "
                f"character {position + 1}, found {raw[position : position + 20]!r}. "
                f"{_VALUES_HINT}"
            )
        position = _skip_space(raw, position + 1)


def parse_filter_values(filter_values: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Read a request's ``filterValues``: each value is a comma-separated list of quoted values.

    filter-real-time / filter-batch: the key is the placeholder's name without ``$`` (case
    sensitive); the value is ``"\\"comedy\\",\\"drama\\""``. The guide documents no limit on the
    number of values (the runtime model caps a value at 1000 characters and the map at 25
    entries; the protocol layer checks those).
    """
    parsed: dict[str, tuple[str, ...]] = {}
    for name, raw in filter_values.items():
        if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
            raise InvalidInputException(
                f"Invalid filter values: {name!r} is not a placeholder name. Use the name of a "
                f"$PARAMETER of the filter expression, without the $."
            )
        if not isinstance(raw, str):
            raise InvalidInputException(
                f"Invalid filter value for {name}: expected a string. {_VALUES_HINT}"
            )
        parsed[name] = _split_values(name, raw)
    return parsed
