"""Filter expressions: parsing, CreateFilter checks against schemas, and request filter values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personalize_local.data.schemas import DatasetSchema, Field
from personalize_local.errors import InvalidInputException
from personalize_local.filters import grammar
from personalize_local.filters.grammar import (
    MAX_FIELDS_PER_FILTER,
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

# --------------------------------------------------------------------------------------------
# Schemas and AST builders
# --------------------------------------------------------------------------------------------


def cat(name: str) -> Field:
    return Field(name, "string", categorical=True)


ITEMS = DatasetSchema(
    "Items",
    (
        Field("ITEM_ID", "string"),
        cat("GENRE"),
        cat("GENRES"),
        cat("CATEGORY"),
        cat("CATEGORY_L1"),
        cat("CATEGORY_L2"),
        # The 2023 guide's examples filter on DESCRIPTION, so here it is a categorical field;
        # SYNOPSIS is the unstructured text filters can't use.
        cat("DESCRIPTION"),
        Field("SYNOPSIS", "string", nullable=True, textual=True),
        Field("PRICE", "float"),
        Field("YEAR", "int"),
        Field("CREATION_TIMESTAMP", "long"),
        Field("IS_NEW", "boolean"),
        cat("STUDIO"),
        cat("COLOR"),
        cat("SIZE"),
        cat("BRAND"),
        cat("MATERIAL"),
        cat("SEASON"),
    ),
)
USERS = DatasetSchema(
    "Users",
    (
        Field("USER_ID", "string"),
        Field("AGE", "int"),
        cat("MEMBERSHIP_STATUS"),
        cat("MEMBERSHIP"),
        cat("GENDER"),
        Field("IS_VIP", "boolean"),
    ),
)
INTERACTIONS = DatasetSchema(
    "Interactions",
    (
        Field("USER_ID", "string"),
        Field("ITEM_ID", "string"),
        Field("TIMESTAMP", "long"),
        Field("EVENT_TYPE", "string"),
        Field("EVENT_VALUE", "float", nullable=True),
        cat("DEVICE"),
    ),
)
ACTIONS = DatasetSchema(
    "Actions",
    (Field("ACTION_ID", "string"), Field("VALUE", "long", nullable=True), cat("CATEGORY")),
)
ACTION_INTERACTIONS = DatasetSchema(
    "Action_Interactions",
    (
        Field("USER_ID", "string"),
        Field("ACTION_ID", "string"),
        Field("EVENT_TYPE", "string"),
        Field("TIMESTAMP", "long"),
    ),
)
ALL = {
    "Items": ITEMS,
    "Users": USERS,
    "Interactions": INTERACTIONS,
    "Actions": ACTIONS,
    "Action_Interactions": ACTION_INTERACTIONS,
}
# The wire tests' "movies" group: Interactions and Items, no Users.
MOVIES = {"Items": ITEMS, "Interactions": INTERACTIONS}


def s(text: str) -> Literal:
    return Literal(text)


def n(number: float) -> Literal:
    return Literal(float(number))


def p(name: str) -> Param:
    return Param(name)


def c(field: str, op: str, *values: Any) -> Condition:
    dataset, column = field.split(".", 1)
    return Condition(dataset, column, op, tuple(values))  # type: ignore[arg-type]


def e(
    action: str,
    target: str,
    *conditions: Condition,
    connectors: tuple[str, ...] = (),
    if_clause: tuple[Condition, ...] | None = None,
) -> Expression:
    if not connectors:
        connectors = ("AND",) * (len(conditions) - 1)
    return Expression(action, target, conditions, connectors, if_clause)  # type: ignore[arg-type]


def f(*expressions: Expression) -> Filter:
    return Filter(expressions)


def rejected(call: Callable[..., Any], *args: Any, needles: tuple[str, ...] = ()) -> str:
    """Call, expect InvalidInputException, and check that the message names every needle."""
    with pytest.raises(InvalidInputException) as info:
        call(*args)
    message = info.value.message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------------------------
# Documented examples
# --------------------------------------------------------------------------------------------

CLICK_STREAM = c("Interactions.EVENT_TYPE", "IN", s("click"), s("stream"))

# Reference section 7.2 (the 2023 guide's examples and the aws-samples POC).
REFERENCE_EXAMPLES = [
    (
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
        f(e("EXCLUDE", "ItemID", CLICK_STREAM)),
    ),
    (
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
        f(e("INCLUDE", "ItemID", c("Interactions.EVENT_TYPE", "IN", s("click")))),
    ),
    (
        "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
        f(e("EXCLUDE", "ItemID", c("Interactions.EVENT_TYPE", "IN", p("EVENT_TYPE")))),
    ),
    (
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)",
        f(e("INCLUDE", "ItemID", c("Items.GENRE", "IN", p("GENRE")))),
    ),
    (
        'EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") AND Items.DESCRIPTION NOT IN ("boot")',
        f(
            e(
                "EXCLUDE",
                "ItemID",
                c("Items.CATEGORY", "IN", s("shoe")),
                c("Items.DESCRIPTION", "NOT IN", s("boot")),
            )
        ),
    ),
    (
        "INCLUDE ItemID WHERE Items.PRICE <= $PRICE",
        f(e("INCLUDE", "ItemID", c("Items.PRICE", "<=", p("PRICE")))),
    ),
    (
        "INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE",
        f(e("INCLUDE", "ItemID", c("Items.CREATION_TIMESTAMP", "<", p("DATE")))),
    ),
    (
        "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE",
        f(
            e(
                "EXCLUDE",
                "ItemID",
                c("Items.GENRE", "IN", p("GENRE")),
                if_clause=(c("CurrentUser.AGE", "=", p("AGE")),),
            )
        ),
    ),
    (
        'INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") AND Items.DESCRIPTION IN ("luxury") '
        "IF CurrentUser.AGE > 18",
        f(
            e(
                "INCLUDE",
                "ItemID",
                c("Items.CATEGORY", "IN", s("watch")),
                c("Items.DESCRIPTION", "IN", s("luxury")),
                if_clause=(c("CurrentUser.AGE", ">", n(18)),),
            )
        ),
    ),
    (
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | "
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
        f(
            e("INCLUDE", "ItemID", c("Items.GENRE", "IN", p("GENRE"))),
            e("EXCLUDE", "ItemID", CLICK_STREAM),
        ),
    ),
    (
        "INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)",
        f(e("INCLUDE", "UserID", c("Users.MEMBERSHIP_STATUS", "IN", p("MEMBERSHIP")))),
    ),
    (
        "EXCLUDE UserID WHERE Users.AGE < $AGE",
        f(e("EXCLUDE", "UserID", c("Users.AGE", "<", p("AGE")))),
    ),
    (
        'INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")',
        f(e("INCLUDE", "ItemID", c("Items.GENRE", "IN", s("Comedy")))),
    ),
    (
        'INCLUDE ItemID WHERE Interactions.event_type IN ("watch")',
        f(e("INCLUDE", "ItemID", c("Interactions.event_type", "IN", s("watch")))),
    ),
    (
        'EXCLUDE ItemID WHERE Interactions.event_type IN ("watch")',
        f(e("EXCLUDE", "ItemID", c("Interactions.event_type", "IN", s("watch")))),
    ),
    (
        "INCLUDE ItemID WHERE Items.YEAR >= 1970 AND Items.YEAR < 1980",
        f(
            e(
                "INCLUDE",
                "ItemID",
                c("Items.YEAR", ">=", n(1970)),
                c("Items.YEAR", "<", n(1980)),
            )
        ),
    ),
    # Promotions.ipynb (aws-samples), reference section 7.4.
    (
        "INCLUDE ItemID WHERE Items.CATEGORY_L2 IN ($CATEGORY)",
        f(e("INCLUDE", "ItemID", c("Items.CATEGORY_L2", "IN", p("CATEGORY")))),
    ),
]

# Examples only the live guide has: CurrentItem, ActionID, !=, a parenthesised comparison value.
LIVE_EXAMPLES = [
    (
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE",
        f(
            e(
                "INCLUDE",
                "ItemID",
                c("Items.PRICE", "<", CurrentItemRef("PRICE")),
                c("Items.GENRE", "IN", CurrentItemRef("GENRE")),
            )
        ),
    ),
    (
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.CREATION_TIMESTAMP > $DATE",
        f(
            e(
                "INCLUDE",
                "ItemID",
                c("Items.PRICE", "<", CurrentItemRef("PRICE")),
                c("Items.CREATION_TIMESTAMP", ">", p("DATE")),
            )
        ),
    ),
    (
        'EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("shoe") AND Items.CATEGORY_L2 NOT IN ("boot")',
        f(
            e(
                "EXCLUDE",
                "ItemID",
                c("Items.CATEGORY_L1", "IN", s("shoe")),
                c("Items.CATEGORY_L2", "NOT IN", s("boot")),
            )
        ),
    ),
    (
        'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")',
        f(e("INCLUDE", "UserID", c("Interactions.EVENT_TYPE", "IN", s("click"), s("rating")))),
    ),
    (
        "INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
        f(e("INCLUDE", "ActionID", c("Action_Interactions.EVENT_TYPE", "IN", p("EVENT_TYPE")))),
    ),
    (
        'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("NOT_TAKEN")',
        f(e("EXCLUDE", "ActionID", c("Action_Interactions.EVENT_TYPE", "IN", s("NOT_TAKEN")))),
    ),
    (
        "INCLUDE ActionID WHERE Actions.VALUE > ($VALUE)",
        f(e("INCLUDE", "ActionID", c("Actions.VALUE", ">", p("VALUE")))),
    ),
    (
        "EXCLUDE ActionID WHERE Actions.VALUE < ($VALUE) IF CurrentUser.MEMBERSHIP = $PREMIUM",
        f(
            e(
                "EXCLUDE",
                "ActionID",
                c("Actions.VALUE", "<", p("VALUE")),
                if_clause=(c("CurrentUser.MEMBERSHIP", "=", p("PREMIUM")),),
            )
        ),
    ),
    (
        "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (*)",
        f(e("EXCLUDE", "ItemID", c("Interactions.EVENT_TYPE", "IN", Wildcard()))),
    ),
    (
        "INCLUDE ItemID WHERE Items.YEAR != 2000",
        f(e("INCLUDE", "ItemID", c("Items.YEAR", "!=", n(2000)))),
    ),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCE_EXAMPLES + LIVE_EXAMPLES)
def test_documented_examples_parse_and_validate(text: str, expected: Filter) -> None:
    parsed = parse(text)
    assert parsed == expected
    validate(parsed, ALL)
    # Canonical text parses back to the same tree.
    assert parse(format_filter(parsed)) == parsed


def test_positions_do_not_affect_equality_but_point_at_the_field() -> None:
    parsed = parse("INCLUDE ItemID WHERE   Items.GENRE IN ($GENRE)")
    condition = parsed.expressions[0].conditions[0]
    assert condition.position == 23
    assert condition == c("Items.GENRE", "IN", p("GENRE"))


def test_keywords_targets_and_datasets_are_case_insensitive() -> None:
    canonical = parse(
        'INCLUDE ItemID WHERE Items.GENRE IN ("x") AND Items.YEAR > 3 IF CurrentUser.AGE >= 18'
    )
    for text in (
        'include itemid where items.GENRE in ("x") and ITEMS.YEAR > 3 if currentuser.AGE >= 18',
        'Include ItemId Where Items.GENRE In ("x") And Items.YEAR > 3 If CurrentUser.AGE >= 18',
    ):
        assert parse(text) == canonical
    # Column names keep their spelling; schema matching ignores case.
    lower = parse('EXCLUDE ItemID WHERE Interactions.event_type IN ("watch")')
    assert lower.expressions[0].conditions[0].column == "event_type"
    validate(lower, MOVIES)
    assert fields(lower) == {("Interactions", "EVENT_TYPE")}


def test_whitespace_and_layout_are_free() -> None:
    text = (
        '\n  EXCLUDE ItemID\tWHERE Interactions.EVENT_TYPE IN("click","stream")|'
        "\nINCLUDE ItemID WHERE Items.GENRE IN ( $G )  "
    )
    assert parse(text) == f(
        e("EXCLUDE", "ItemID", CLICK_STREAM),
        e("INCLUDE", "ItemID", c("Items.GENRE", "IN", p("G"))),
    )


def test_chaining_several_expressions() -> None:
    text = (
        "INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY) | "
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite") | '
        "EXCLUDE ItemID WHERE Items.PRICE > $MAX IF CurrentUser.AGE < 18 | "
        "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (*)"
    )
    parsed = parse(text)
    assert [x.action for x in parsed.expressions] == ["INCLUDE", "INCLUDE", "EXCLUDE", "EXCLUDE"]
    assert [x.dataset for x in parsed.expressions] == [
        "Items",
        "Interactions",
        "Items",
        "Interactions",
    ]
    assert parsed.expressions[2].if_clause == (c("CurrentUser.AGE", "<", n(18)),)
    assert parameters(parsed) == {"CATEGORY", "MAX"}
    assert parsed.expressions[2].parameters() == {"MAX"}
    assert fields(parsed) == {
        ("Items", "CATEGORY"),
        ("Items", "PRICE"),
        ("Interactions", "EVENT_TYPE"),
        ("Users", "AGE"),
    }
    validate(parsed, ALL)


def test_if_clause_extended_with_and() -> None:
    parsed = parse(
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click") '
        'IF CurrentUser.AGE > $MIN AND CurrentUser.GENDER IN ("f", "x") AND '
        'CurrentUser.MEMBERSHIP = "gold"'
    )
    expression = parsed.expressions[0]
    assert expression.if_clause == (
        c("CurrentUser.AGE", ">", p("MIN")),
        c("CurrentUser.GENDER", "IN", s("f"), s("x")),
        c("CurrentUser.MEMBERSHIP", "=", s("gold")),
    )
    assert expression.all_conditions()[1:] == expression.if_clause
    assert parameters(parsed) == {"MIN"}
    assert ("Users", "GENDER") in fields(parsed)
    validate(parsed, ALL)


def test_parameters_are_case_sensitive_and_may_repeat() -> None:
    parsed = parse("INCLUDE ItemID WHERE Items.GENRE IN ($genre) OR Items.STUDIO IN ($genre)")
    assert parameters(parsed) == {"genre"}
    parsed = parse(
        "INCLUDE ItemID WHERE Items.GENRE IN ($Genre) | "
        "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"
    )
    assert parameters(parsed) == {"Genre", "GENRE"}


def test_literals() -> None:
    parsed = parse(
        'INCLUDE ItemID WHERE Items.STUDIO IN ("A \\"quoted\\" name", "back\\\\slash", "") '
        "OR Items.YEAR > -1.5e3 OR Items.PRICE <= .5 OR Items.YEAR IN (1999, 2001)"
    )
    values = [cond.values for cond in parsed.expressions[0].conditions]
    assert values == [
        (s('A "quoted" name'), s("back\\slash"), s("")),
        (n(-1500),),
        (n(0.5),),
        (n(1999), n(2001)),
    ]
    assert parse(format_filter(parsed)) == parsed


def test_or_groups_bind_and_tighter_than_or() -> None:
    parsed = parse(
        'INCLUDE ItemID WHERE Items.GENRE IN ("a") AND Items.YEAR > 1 OR Items.GENRE IN ("b") '
        'OR Items.STUDIO IN ("c") AND Items.PRICE < 9'
    )
    expression = parsed.expressions[0]
    assert expression.connectors == ("AND", "OR", "OR", "AND")
    groups = expression.or_groups()
    assert [[x.column for x in group] for group in groups] == [
        ["GENRE", "YEAR"],
        ["GENRE"],
        ["STUDIO", "PRICE"],
    ]


def test_format_is_canonical() -> None:
    parsed = parse('exclude itemid where items.genre not in ("a","b") if currentuser.AGE=18')
    assert format_filter(parsed) == (
        'EXCLUDE ItemID WHERE Items.genre NOT IN ("a", "b") IF CurrentUser.AGE = 18'
    )
    assert str(parsed) == format_filter(parsed)


def test_package_exports_the_grammar() -> None:
    from personalize_local import filters

    assert filters.parse is grammar.parse
    assert filters.validate is grammar.validate


# --------------------------------------------------------------------------------------------
# Syntax errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ("Invalid Expression", "empty")),
        ("   \n ", ("Invalid Expression", "empty")),
        ("INCLUDE ItemID WHERE", ("Invalid Expression", "ends at character 21", "Items.GENRE")),
        ("INCLUDE ItemID", ("ends at character 15", "WHERE")),
        (
            "SELECT ItemID WHERE Items.GENRE IN ($G)",
            ("Invalid input symbol: SELECT", "character 1"),
        ),
        (
            "INCLUDE Item WHERE Items.GENRE IN ($G)",
            ("Invalid input symbol: Item ", "ItemID, UserID"),
        ),
        ("INCLUDE ItemID Items.GENRE IN ($G)", ("Invalid input symbol: Items.GENRE", "WHERE")),
        ('INCLUDE ItemID WHERE GENRE IN ("a")', ("Invalid input symbol: GENRE", "dataset field")),
        (
            'INCLUDE ItemID WHERE Movies.GENRE IN ("a")',
            ("Movies.GENRE", "Unknown dataset 'Movies'"),
        ),
        ('INCLUDE ItemID WHERE Items.GENRE LIKE ("a")', ("Invalid input symbol: LIKE", "NOT IN")),
        ('INCLUDE ItemID WHERE Items.GENRE NOT ("a")', ("Invalid input symbol: (", "Expected IN")),
        (
            'INCLUDE ItemID WHERE Items.GENRE == "a"',
            ("Invalid input symbol: = at character 35", "a quoted string"),
        ),
        ("INCLUDE ItemID WHERE Items.GENRE IN ()", ("Invalid input symbol: )", "a quoted string")),
        ('INCLUDE ItemID WHERE Items.GENRE IN ("a",)', ("Invalid input symbol: )",)),
        ('INCLUDE ItemID WHERE Items.GENRE IN ("a" "b")', ('Invalid input symbol: "b"', "','")),
        ('INCLUDE ItemID WHERE Items.GENRE IN ("a"', ("ends at character", "',' or ')'")),
        ('INCLUDE ItemID WHERE Items.GENRE IN ("a)', ("not closed with a double quote",)),
        (
            "INCLUDE ItemID WHERE Items.GENRE IN ('a')",
            ('Invalid input symbol: "\'"', "character 38"),
        ),
        ("INCLUDE ItemID WHERE Items.GENRE IN $GENRE", ("Invalid input symbol: $GENRE", "'('")),
        ("INCLUDE ItemID WHERE Items.GENRE IN (GENRE)", ("Invalid input symbol: GENRE",)),
        ("INCLUDE ItemID WHERE Items.GENRE IN ($)", ("Invalid input symbol: '$'",)),
        ('INCLUDE ItemID WHERE Items.GENRE IN ("a") AND', ("ends at character 46",)),
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a") |',
            ("ends at character 44", "INCLUDE or EXCLUDE"),
        ),
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a") EXCLUDE',
            ("Invalid input symbol: EXCLUDE", "'|'"),
        ),
        ('INCLUDE ItemID WHERE Items.GENRE IN ("a") ; DROP', ("Invalid input symbol: ';'",)),
        (
            "INCLUDE ItemID WHERE Items.YEAR > 1e999",
            ("Invalid input symbol: 1e999", "out of range"),
        ),
        ("INCLUDE ItemID WHERE Items.YEAR > ((3))", ("Invalid input symbol: (", "a quoted string")),
        ("INCLUDE ItemID WHERE Items.YEAR > (3", ("ends at character", "')'")),
        ("INCLUDE ItemID WHERE Items.YEAR > *", ("Invalid input symbol: *", "IN or NOT IN")),
        (
            "INCLUDE ItemID WHERE Items.YEAR > Items.PRICE",
            ("Invalid input symbol: Items.PRICE", "CurrentItem"),
        ),
        ("INCLUDE ItemID WHERE Items.YEAR > CurrentItem", ("Invalid input symbol: CurrentItem",)),
        # NOT_IN is the service's internal spelling, not syntax.
        ('INCLUDE ItemID WHERE Items.GENRE NOT_IN ("a")', ("Invalid input symbol: NOT_IN",)),
    ],
)
def test_syntax_errors(text: str, needles: tuple[str, ...]) -> None:
    message = rejected(parse, text, needles=needles)
    assert message.startswith("Could not create filter.")


def test_placeholders_are_not_allowed_with_not_in() -> None:
    # The live guide's error-messages page gives this message word for word.
    message = rejected(
        parse,
        "INCLUDE ItemID WHERE Items.GENRE NOT IN ($GENRE)",
        needles=("Invalid input symbol: $GENRE.",),
    )
    assert message.startswith(
        "Could not create filter. Invalid input symbol: $GENRE. Placeholders are not allowed "
        "with NOT_IN operator."
    )
    rejected(
        parse,
        "EXCLUDE ItemID WHERE Items.GENRE IN ($G) IF CurrentUser.GENDER NOT IN ($X)",
        needles=("$X", "NOT_IN"),
    )


def test_a_placeholder_is_the_whole_list() -> None:
    for text in (
        'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE, "Drama")',
        "INCLUDE ItemID WHERE Items.GENRE IN ($A, $B)",
    ):
        rejected(parse, text, needles=("Invalid input symbol: $", "only value in its list"))


@pytest.mark.parametrize(
    "text",
    [
        "INCLUDE ItemID WHERE Items.GENRE IN (*)",
        "INCLUDE ItemID WHERE Interactions.EVENT_VALUE IN (*)",
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("a") IF CurrentUser.GENDER IN (*)',
    ],
)
def test_wildcard_only_on_event_type(text: str) -> None:
    rejected(parse, text, needles=("Invalid input symbol: *", "EVENT_TYPE"))


def test_if_clause_rules() -> None:
    base = 'INCLUDE ItemID WHERE Items.GENRE IN ("a")'
    rejected(
        parse,
        f"{base} IF CurrentUser.AGE > 1 IF CurrentUser.AGE < 9",
        needles=("Invalid input symbol: IF", "only once", "end of an expression"),
    )
    rejected(
        parse,
        f"{base} IF CurrentUser.AGE > 1 OR CurrentUser.AGE < 9",
        needles=("Invalid input symbol: OR", "only be joined with AND"),
    )
    rejected(
        parse,
        f'{base} IF CurrentUser.AGE > 1 AND Items.GENRE IN ("b")',
        needles=("Invalid input symbol: Items.GENRE", "CurrentUser.<field>"),
    )
    rejected(
        parse,
        f"{base} IF CurrentUser.AGE > CurrentItem.YEAR",
        needles=("Invalid input symbol: CurrentItem.YEAR",),
    )
    rejected(
        parse,
        "INCLUDE ItemID WHERE CurrentUser.AGE > 18",
        needles=("Invalid input symbol: CurrentUser.AGE", "only be used in an IF condition"),
    )
    rejected(
        parse,
        'INCLUDE ItemID WHERE CurrentItem.GENRE IN ("a")',
        needles=("CurrentItem can only be used as a value",),
    )
    # A bare IF at the end still needs a CurrentUser condition.
    rejected(parse, f"{base} IF", needles=("ends at character", "CurrentUser"))


# --------------------------------------------------------------------------------------------
# Checks against the schemas (CreateFilter)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "schemas", "needles"),
    [
        # Unknown dataset in the group, unknown column.
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a")',
            {"Interactions": INTERACTIONS},
            ("needs the Items dataset",),
        ),
        (
            'INCLUDE ItemID WHERE Items.COLOUR IN ("red")',
            MOVIES,
            ("Items.COLOUR", "no field 'COLOUR'", "GENRE"),
        ),
        ('INCLUDE UserID WHERE Users.GENDER IN ("f")', MOVIES, ("needs the Users dataset",)),
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 3',
            MOVIES,
            ("CurrentUser.AGE", "needs the Users dataset"),
        ),
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.HEIGHT > 3',
            ALL,
            ("CurrentUser.HEIGHT", "no field 'HEIGHT'"),
        ),
        # Boolean and textual fields.
        ('INCLUDE ItemID WHERE Items.IS_NEW IN ("true")', ALL, ("Invalid Expression", "boolean")),
        (
            "INCLUDE ItemID WHERE Items.IS_NEW = 1",
            ALL,
            ("Invalid Expression", "Items.IS_NEW is a boolean field"),
        ),
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.IS_VIP = 1',
            ALL,
            ("CurrentUser.IS_VIP", "boolean"),
        ),
        (
            'EXCLUDE ItemID WHERE Items.SYNOPSIS IN ("boot")',
            ALL,
            ("Items.SYNOPSIS is a textual field",),
        ),
        # Datasets the target can't use, and mixed datasets in one expression.
        (
            'INCLUDE ItemID WHERE Users.GENDER IN ("f")',
            ALL,
            (
                "ItemID expressions filter on Items or Interactions",
                "not Users.GENDER",
                "IF CurrentUser",
            ),
        ),
        (
            'INCLUDE UserID WHERE Items.GENRE IN ("a")',
            ALL,
            ("UserID expressions filter on Users or Interactions",),
        ),
        (
            'INCLUDE ActionID WHERE Items.GENRE IN ("a")',
            ALL,
            ("ActionID expressions filter on Actions or Action_Interactions",),
        ),
        (
            'INCLUDE ItemID WHERE Actions.CATEGORY IN ("a")',
            ALL,
            ("ItemID expressions filter on Items or Interactions",),
        ),
        (
            'EXCLUDE ItemID WHERE Items.GENRES IN ("Drama") AND Interactions.EVENT_TYPE IN ("x")',
            MOVIES,
            ("dataset of the first condition (Items)", "Interactions.EVENT_TYPE", "|"),
        ),
        (
            'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x") OR Items.GENRE IN ("a")',
            ALL,
            ("dataset of the first condition (Interactions)", "character 58"),
        ),
        # Interactions: event type only.
        (
            'INCLUDE ItemID WHERE Interactions.DEVICE IN ("phone")',
            ALL,
            ("only be filtered by EVENT_TYPE",),
        ),
        (
            "INCLUDE ItemID WHERE Interactions.EVENT_VALUE > 3",
            ALL,
            ("only be filtered by EVENT_TYPE",),
        ),
        # Type rules of comparisons.
        (
            "INCLUDE ItemID WHERE Items.GENRES > 3",
            MOVIES,
            ("Items.GENRES is a string field", "numeric fields only"),
        ),
        ("INCLUDE ItemID WHERE Items.GENRE <= $G", ALL, ("numeric fields only",)),
        ("INCLUDE ItemID WHERE Items.GENRE = 3", ALL, ("can't be compared with a number",)),
        (
            'INCLUDE ItemID WHERE Items.YEAR = "1970"',
            ALL,
            ("Items.YEAR is a int field", "a string"),
        ),
        (
            'INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > "18"',
            ALL,
            ("CurrentUser.AGE", "a string"),
        ),
        (
            "INCLUDE ItemID WHERE Items.GENRE IN ($G) IF CurrentUser.GENDER < 3",
            ALL,
            ("numeric fields only",),
        ),
        # CurrentItem.
        ("INCLUDE ItemID WHERE Items.PRICE < CurrentItem.GENRE", ALL, ("can't be compared",)),
        (
            "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.COLOUR",
            ALL,
            ("CurrentItem.COLOUR", "no field"),
        ),
        (
            "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.IS_NEW",
            ALL,
            ("CurrentItem.IS_NEW is a boolean",),
        ),
        ("INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.SYNOPSIS", ALL, ("textual",)),
        (
            "INCLUDE UserID WHERE Users.GENDER IN CurrentItem.GENRE",
            ALL,
            ("CurrentItem.GENRE can only be compared",),
        ),
        (
            "INCLUDE ActionID WHERE Actions.VALUE < CurrentItem.PRICE",
            ALL,
            ("CurrentItem.PRICE can only",),
        ),
        (
            "INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN CurrentItem.GENRE",
            ALL,
            ("CurrentItem.GENRE can only",),
        ),
        # IF CurrentUser has no meaning for user segments.
        (
            'INCLUDE UserID WHERE Users.GENDER IN ("f") IF CurrentUser.AGE > 3',
            ALL,
            ("not to UserID expressions",),
        ),
    ],
)
def test_schema_rejections(
    text: str, schemas: dict[str, DatasetSchema], needles: tuple[str, ...]
) -> None:
    parsed = parse(text)
    message = rejected(validate, parsed, schemas, needles=needles)
    assert message.startswith("Could not create filter. Invalid Expression:")


def test_wildcard_checked_again_on_a_hand_built_tree() -> None:
    built = f(e("INCLUDE", "ItemID", c("Items.GENRE", "IN", Wildcard())))
    rejected(validate, built, ALL, needles=("use * only with Interactions.EVENT_TYPE",))


def test_accepted_against_schemas() -> None:
    for text in (
        'INCLUDE ItemID WHERE Items.genre IN ("a") OR items.Year > 3',
        'INCLUDE ItemID WHERE Items.GENRE = "Drama" AND Items.YEAR IN (1999, "2000")',
        "INCLUDE ItemID WHERE Items.PRICE >= CurrentItem.price AND "
        "Items.GENRE NOT IN CurrentItem.GENRE",
        'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")',
        "EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN (*)",
        "INCLUDE ItemID WHERE Items.GENRE IN ($G) "
        "IF CurrentUser.AGE != 3 AND CurrentUser.GENDER = $S",
    ):
        validate(parse(text), ALL)


def test_distinct_field_limit_per_filter() -> None:
    columns = [
        "GENRE",
        "GENRES",
        "CATEGORY",
        "CATEGORY_L1",
        "CATEGORY_L2",
        "STUDIO",
        "COLOR",
        "SIZE",
        "BRAND",
        "MATERIAL",
        "SEASON",
    ]
    assert len(columns) == MAX_FIELDS_PER_FILTER + 1

    def chain(names: list[str]) -> str:
        # Across chained expressions, and repeated fields (any case) count once.
        return " | ".join(f'INCLUDE ItemID WHERE Items.{name} IN ("x")' for name in names)

    at_limit = parse(chain([*columns[:-1], "genre", "GENRE"]))
    assert len(fields(at_limit)) == MAX_FIELDS_PER_FILTER
    validate(at_limit, ALL)
    over = parse(chain(columns))
    rejected(
        validate,
        over,
        ALL,
        needles=(
            f"{MAX_FIELDS_PER_FILTER + 1} distinct dataset fields",
            f"at most {MAX_FIELDS_PER_FILTER}",
        ),
    )


def test_fields_counts_current_user_and_current_item() -> None:
    parsed = parse(
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND "
        "Items.GENRE IN CurrentItem.STUDIO IF CurrentUser.age > 1"
    )
    assert fields(parsed) == {
        ("Items", "PRICE"),
        ("Items", "GENRE"),
        ("Items", "STUDIO"),
        ("Users", "AGE"),
    }
    assert parameters(parsed) == set()


# --------------------------------------------------------------------------------------------
# Request filter values
# --------------------------------------------------------------------------------------------


def test_filter_values_documented_forms() -> None:
    assert parse_filter_values(
        {
            "GENRES": '"horror","comedy","drama"',
            "GENRE": '"Comedy"',
            "CATEGORY": '"halloween"',
            "PRICE": '"10.5"',
        }
    ) == {
        "GENRES": ("horror", "comedy", "drama"),
        "GENRE": ("Comedy",),
        "CATEGORY": ("halloween",),
        "PRICE": ("10.5",),
    }
    assert parse_filter_values({}) == {}


def test_filter_values_spaces_escapes_and_commas_inside_quotes() -> None:
    assert parse_filter_values({"X": ' "a, b" ,  "say \\"hi\\"" , "c\\\\d", ""  '}) == {
        "X": ("a, b", 'say "hi"', "c\\d", "")
    }


@pytest.mark.parametrize(
    ("raw", "needles"),
    [
        ("comedy", ("Invalid filter value for G", "quoted value at character 1", "'comedy'")),
        ("comedy,drama", ("quoted value",)),
        ("", ("quoted value at character 1", "found nothing")),
        ('"a",', ("quoted value at character 5", "found nothing")),
        ('"a" "b"', ("expected ',' or the end", "character 5")),
        ('"a"b', ("expected ',' or the end",)),
        ('"a', ("quoted value at character 1",)),
        ('"a",,"b"', ("quoted value at character 5",)),
        ("10", ("quoted value",)),
    ],
)
def test_malformed_filter_values(raw: str, needles: tuple[str, ...]) -> None:
    message = rejected(parse_filter_values, {"G": raw}, needles=needles)
    assert "escaped quotes" in message


def test_filter_value_keys_and_types() -> None:
    rejected(parse_filter_values, {"$GENRE": '"a"'}, needles=("'$GENRE' is not a placeholder",))
    rejected(parse_filter_values, {"": '"a"'}, needles=("not a placeholder",))
    rejected(parse_filter_values, {"G": 3}, needles=("expected a string",))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def parse_or_reject(text: str) -> Filter | None:
    try:
        return parse(text)
    except InvalidInputException as error:
        assert error.message.startswith("Could not create filter.")
        return None


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_text_parses_or_is_rejected(text: str) -> None:
    parse_or_reject(text)


TOKENS = [
    "INCLUDE", "EXCLUDE", "include", "ItemID", "UserID", "ActionID", "WHERE", "AND", "OR", "IF",
    "IN", "NOT", "Items.GENRE", "Items.YEAR", "Items.IS_NEW", "Items.SYNOPSIS", "Items.X",
    "Users.AGE", "Interactions.EVENT_TYPE", "Interactions.DEVICE", "Actions.VALUE",
    "Action_Interactions.EVENT_TYPE", "CurrentUser.AGE", "CurrentUser.GENDER",
    "CurrentItem.PRICE", "CurrentItem.GENRE", "Nope.X", "(", ")", ",", "|", "*", "=", "!=", "<",
    "<=", ">", ">=", '"a"', '"b c"', '"', "5", "-1.5", "1e400", "$P", "$Q", "$", ".", ";",
]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from([" ", "", "\n"]))
def test_token_soup_parses_or_is_rejected(words: list[str], glue: str) -> None:
    parsed = parse_or_reject(glue.join(words))
    if parsed is None:
        return
    # Whatever parses validates or is rejected cleanly, and prints back to the same tree.
    try:
        validate(parsed, ALL)
    except InvalidInputException as error:
        assert error.message.startswith("Could not create filter. Invalid Expression:")
    assert parse(format_filter(parsed)) == parsed
    assert parameters(parsed) <= {"P", "Q"}


COLUMNS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
PARAMS = st.builds(Param, st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True))
LITERALS = st.builds(Literal, st.text(max_size=12)) | st.builds(
    Literal, st.floats(allow_nan=False, allow_infinity=False)
)
Columns = Callable[[str], st.SearchStrategy[str]]


def any_column(dataset: str) -> st.SearchStrategy[str]:
    return COLUMNS


def schema_column(dataset: str) -> st.SearchStrategy[str]:
    # Mostly real fields of the test schemas, so that some trees pass validate too.
    schema = ALL["Users" if dataset == "CurrentUser" else dataset]
    return st.sampled_from([*schema.names, "NOPE"])


@st.composite
def conditions(draw: st.DrawFn, dataset: str, in_if: bool, columns: Columns) -> Condition:
    column = draw(columns(dataset))
    op = draw(st.sampled_from(["IN", "NOT IN", *grammar.COMPARISONS]))
    refs = st.nothing() if in_if else st.builds(CurrentItemRef, columns("Items"))
    if op in ("IN", "NOT IN"):
        lists = st.lists(LITERALS, min_size=1, max_size=3).map(tuple) | refs.map(lambda r: (r,))
        if op == "IN":
            lists = lists | PARAMS.map(lambda v: (v,))
            if column.upper() == "EVENT_TYPE":
                lists = lists | st.just((Wildcard(),))
        values = draw(lists)
    else:
        values = (draw(LITERALS | PARAMS | refs),)
    return Condition(dataset, column, op, values)


@st.composite
def expressions(draw: st.DrawFn, columns: Columns) -> Expression:
    dataset = draw(st.sampled_from(grammar.DATASETS))
    where = draw(st.lists(conditions(dataset, False, columns), min_size=1, max_size=3))
    connectors = tuple(draw(st.sampled_from(["AND", "OR"])) for _ in where[1:])
    if_clause = draw(
        st.none()
        | st.lists(conditions("CurrentUser", True, columns), min_size=1, max_size=2).map(tuple)
    )
    return Expression(
        draw(st.sampled_from(grammar.ACTIONS)),
        draw(st.sampled_from(grammar.TARGETS)),
        tuple(where),
        connectors,
        if_clause,
    )


def filters(columns: Columns) -> st.SearchStrategy[Filter]:
    return st.lists(expressions(columns), min_size=1, max_size=3).map(lambda xs: Filter(tuple(xs)))


@settings(max_examples=300)
@given(filters(any_column))
def test_format_then_parse_round_trips(tree: Filter) -> None:
    text = format_filter(tree)
    assert parse(text) == tree
    assert format_filter(parse(text)) == text


@settings(max_examples=500)
@given(
    filters(schema_column),
    st.lists(
        st.tuples(st.sampled_from(["drop", "repeat", "replace"]), st.integers(0, 200)),
        max_size=3,
    ),
    st.sampled_from(TOKENS),
)
def test_mutated_filters_parse_or_are_rejected(
    tree: Filter, mutations: list[tuple[str, int]], token: str
) -> None:
    """Near-valid text: a printed filter with words dropped, repeated or replaced."""
    words = format_filter(tree).split(" ")
    for kind, index in mutations:
        at = index % len(words)
        if kind == "drop" and len(words) > 1:
            del words[at]
        elif kind == "repeat":
            words.insert(at, words[at])
        else:
            words[at] = token
    parsed = parse_or_reject(" ".join(words))
    if parsed is not None:
        try:
            validate(parsed, ALL)
        except InvalidInputException as error:
            assert error.message.startswith("Could not create filter. Invalid Expression:")
        assert parse(format_filter(parsed)) == parsed
