"""Filter evaluation at serving time: item masks, user-segment masks and their semantics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalize_local.errors import InvalidInputException
from personalize_local.filters.evaluate import (
    INTERACTION_WINDOWS,
    Catalog,
    CompiledFilter,
    FilterCache,
    ItemCatalog,
    UserView,
    compile_filter,
    item_mask,
    parameters_used,
    required_parameters,
    user_mask,
    uses_current_item,
)
from personalize_local.filters.grammar import parse, parse_filter_values

# --------------------------------------------------------------------------------------------
# A small catalogue
# --------------------------------------------------------------------------------------------

#: Items a-f have metadata; g is in the model's catalogue without any; x has metadata but is
#: not in the catalogue (a related-items request may still name it).
ITEMS = pd.DataFrame(
    {
        "GENRE": ["Action|Comedy", "Comedy", "Drama", "Horror|Drama", None, "comedy", "Action"],
        "YEAR": pd.array([1975, 1969, 1980, 1979, 1970, None, 1990], dtype="Int64"),
        "PRICE": [10.0, 25.5, 5.0, np.nan, 40.0, 12.0, 30.0],
        "STUDIO": ["ghibli", "pixar", "ghibli", "a24", "pixar", "a24", "pixar"],
    },
    index=pd.Index(["a", "b", "c", "d", "e", "f", "x"], name="ITEM_ID"),
)
IDS = np.array(["a", "b", "c", "d", "e", "f", "g"], dtype=object)
ALL = set(IDS.tolist())


@pytest.fixture(scope="module")
def catalog() -> ItemCatalog:
    return ItemCatalog(IDS, ITEMS)


def kept(
    catalog: ItemCatalog,
    text: str,
    values: Mapping[str, str] | None = None,
    user: UserView | None = None,
) -> set[str]:
    """The ids a filter lets through, with filterValues given as a request gives them."""
    mask = item_mask(parse(text), parse_filter_values(values or {}), catalog, user or UserView())
    assert mask.dtype == bool and mask.shape == (len(IDS),)
    return set(IDS[mask].tolist())


def include(catalog: ItemCatalog, where: str, **kwargs: Any) -> set[str]:
    return kept(catalog, f"INCLUDE ItemID WHERE {where}", **kwargs)


# --------------------------------------------------------------------------------------------
# Items: categorical IN / NOT IN
# --------------------------------------------------------------------------------------------


def test_in_single_value_matches_any_of_a_multi_valued_field(catalog: ItemCatalog) -> None:
    assert include(catalog, 'Items.GENRE IN ("Comedy")') == {"a", "b"}
    assert include(catalog, 'Items.GENRE IN ("Drama")') == {"c", "d"}


def test_in_several_values(catalog: ItemCatalog) -> None:
    assert include(catalog, 'Items.GENRE IN ("Comedy", "Horror")') == {"a", "b", "d"}


def test_item_matching_is_exact_and_case_sensitive(catalog: ItemCatalog) -> None:
    # Only event types are matched ignoring case (filter-expression-guidelines-requirements).
    assert include(catalog, 'Items.GENRE IN ("comedy")') == {"f"}
    assert include(catalog, 'Items.GENRE IN ("Comed")') == set()
    assert include(catalog, 'Items.GENRE IN ("Action|Comedy")') == set()


def test_column_names_match_case_insensitively(catalog: ItemCatalog) -> None:
    assert include(catalog, 'Items.genre IN ("Comedy")') == {"a", "b"}


def test_not_in(catalog: ItemCatalog) -> None:
    # e has no GENRE and g no metadata: a missing value matches neither IN nor NOT IN.
    assert include(catalog, 'Items.GENRE NOT IN ("Comedy")') == {"c", "d", "f"}
    assert include(catalog, 'Items.GENRE NOT IN ("Comedy", "Drama")') == {"f"}


def test_exclude_with_in_and_not_in(catalog: ItemCatalog) -> None:
    # The guide's "items in the shoe category that do not have a description of boot".
    text = 'EXCLUDE ItemID WHERE Items.STUDIO IN ("ghibli") AND Items.GENRE NOT IN ("Drama")'
    assert kept(catalog, text) == ALL - {"a"}


def test_string_equality_operators(catalog: ItemCatalog) -> None:
    assert include(catalog, 'Items.STUDIO = "pixar"') == {"b", "e"}
    assert include(catalog, 'Items.STUDIO != "pixar"') == {"a", "c", "d", "f"}
    assert include(catalog, 'Items.GENRE = "Comedy"') == {"a", "b"}


def test_categorical_columns_limit_splitting() -> None:
    meta = pd.DataFrame({"TAG": ["x|y", "x"]}, index=pd.Index(["1", "2"], name="ITEM_ID"))
    split = ItemCatalog(np.array(["1", "2"], dtype=object), meta)
    whole = ItemCatalog(np.array(["1", "2"], dtype=object), meta, categorical_columns=())
    text = 'INCLUDE ItemID WHERE Items.TAG IN ("x")'
    assert item_mask(parse(text), {}, split, UserView()).tolist() == [True, True]
    assert item_mask(parse(text), {}, whole, UserView()).tolist() == [False, True]


# --------------------------------------------------------------------------------------------
# Items: numbers
# --------------------------------------------------------------------------------------------


def test_year_range_from_the_workshop(catalog: ItemCatalog) -> None:
    # aws-samples POC: INCLUDE ItemID WHERE Items.YEAR >= 1970 AND Items.YEAR < 1980.
    assert include(catalog, "Items.YEAR >= 1970 AND Items.YEAR < 1980") == {"a", "d", "e"}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Items.PRICE < 12", {"a", "c"}),
        ("Items.PRICE <= 12", {"a", "c", "f"}),
        ("Items.PRICE > 25.5", {"e"}),
        ("Items.PRICE >= 25.5", {"b", "e"}),
        ("Items.PRICE = 5", {"c"}),
        ("Items.PRICE != 5", {"a", "b", "e", "f"}),  # d: no price, g: no metadata
        ("Items.YEAR = 1975", {"a"}),
        ("Items.YEAR IN (1975, 1980)", {"a", "c"}),
        ('Items.YEAR IN ("1975")', {"a"}),
        ("Items.YEAR NOT IN (1975)", {"b", "c", "d", "e"}),
    ],
)
def test_numeric_comparisons(catalog: ItemCatalog, where: str, expected: set[str]) -> None:
    assert include(catalog, where) == expected


def test_range_on_numeric_strings() -> None:
    # A numeric field that arrived as text still compares as numbers.
    meta = pd.DataFrame({"YEAR": ["1975", "1990", ""]}, index=pd.Index(["1", "2", "3"]))
    small = ItemCatalog(np.array(["1", "2", "3"], dtype=object), meta)
    mask = item_mask(parse("INCLUDE ItemID WHERE Items.YEAR < 1980"), {}, small, UserView())
    assert mask.tolist() == [True, False, False]


# --------------------------------------------------------------------------------------------
# Interactions
# --------------------------------------------------------------------------------------------

HISTORY = [("b", "click"), ("a", "Watch"), ("c", "CLICK"), ("zz", "click"), ("d", "purchase")]


def test_interactions_include_and_exclude(catalog: ItemCatalog) -> None:
    user = UserView(HISTORY)
    where = 'Interactions.EVENT_TYPE IN ("click")'
    # Event types ignore case; items outside the catalogue (zz) are ignored.
    assert include(catalog, where, user=user) == {"b", "c"}
    assert kept(catalog, f"EXCLUDE ItemID WHERE {where}", user=user) == ALL - {"b", "c"}
    assert include(catalog, 'Interactions.EVENT_TYPE IN ("WATCH", "purchase")', user=user) == {
        "a",
        "d",
    }


def test_lower_case_event_type_column(catalog: ItemCatalog) -> None:
    # The aws-samples POC wrote Interactions.event_type on the real service.
    user = UserView(HISTORY)
    assert include(catalog, 'Interactions.event_type IN ("watch")', user=user) == {"a"}


def test_wildcard_means_every_event_type(catalog: ItemCatalog) -> None:
    user = UserView(HISTORY)
    assert include(catalog, "Interactions.EVENT_TYPE IN (*)", user=user) == {"a", "b", "c", "d"}
    assert kept(catalog, "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (*)", user=user) == {
        "e",
        "f",
        "g",
    }


def test_event_type_not_in(catalog: ItemCatalog) -> None:
    # The items of the user's other event types (inferred; the guide shows no NOT IN example).
    user = UserView(HISTORY)
    assert include(catalog, 'Interactions.EVENT_TYPE NOT IN ("click")', user=user) == {"a", "d"}
    assert include(catalog, 'Interactions.EVENT_TYPE != "click"', user=user) == {"a", "d"}


def test_user_without_interactions(catalog: ItemCatalog) -> None:
    assert include(catalog, 'Interactions.EVENT_TYPE IN ("click")') == set()
    assert kept(catalog, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")') == ALL


def test_only_the_most_recent_100_per_event_type_count() -> None:
    window = INTERACTION_WINDOWS["Interactions"]
    assert window == 100
    ids = np.array([f"i{n}" for n in range(200)], dtype=object)
    catalog = ItemCatalog(ids, None)
    # Newest first: 150 clicks (i0 newest ... i149 oldest), then an old purchase of i199.
    history = [(f"i{n}", "click") for n in range(150)] + [("i199", "purchase")]
    user = UserView(history)
    seen = item_mask(
        parse('INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'), {}, catalog, user
    )
    assert set(ids[seen]) == {f"i{n}" for n in range(100)}
    # The window is per event type: the purchase behind 150 clicks still counts.
    both = item_mask(
        parse("INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN (*)"), {}, catalog, user
    )
    assert set(ids[both]) == {f"i{n}" for n in range(100)} | {"i199"}
    # Spellings of one event type share one window.
    mixed = [(f"i{n}", "Click" if n % 2 else "click") for n in range(150)]
    seen = item_mask(
        parse('INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("CLICK")'),
        {},
        catalog,
        UserView(mixed),
    )
    assert seen.sum() == window


def test_action_interactions_keep_300_per_event_type() -> None:
    # filter-expressions: "up to 300 of the most recent action interactions per user per event
    # type".
    ids = np.array([f"a{n}" for n in range(400)], dtype=object)
    catalog = ItemCatalog(ids, None)
    user = UserView([(f"a{n}", "Taken") for n in range(400)])
    text = 'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("taken")'
    mask = item_mask(parse(text), {}, catalog, user)
    assert set(ids[mask]) == {f"a{n}" for n in range(300, 400)}


# --------------------------------------------------------------------------------------------
# AND / OR and chained expressions
# --------------------------------------------------------------------------------------------


def test_and_binds_tighter_than_or(catalog: ItemCatalog) -> None:
    a = 'Items.STUDIO IN ("a24")'  # d, f
    b = 'Items.GENRE IN ("Comedy")'  # a, b
    c = "Items.PRICE > 20"  # b, e
    assert include(catalog, f"{a} OR {b} AND {c}") == {"d", "f", "b"}  # a ∪ (b ∩ c)
    assert include(catalog, f"{b} AND {c} OR {a}") == {"b", "d", "f"}
    assert include(catalog, f"{a} AND {b} OR {c}") == {"b", "e"}  # (a ∩ b) ∪ c


A = 'Items.GENRE IN ("Comedy")'  # a, b
B = 'Items.STUDIO IN ("ghibli")'  # a, c
C = 'Items.GENRE IN ("Drama")'  # c, d
D = "Items.PRICE > 35"  # e


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"INCLUDE ItemID WHERE {A} | INCLUDE ItemID WHERE {B}", {"a", "b", "c"}),
        (f"EXCLUDE ItemID WHERE {A} | EXCLUDE ItemID WHERE {B}", {"d", "e", "f", "g"}),
        (f"INCLUDE ItemID WHERE {A} | EXCLUDE ItemID WHERE {B}", {"b"}),
        (f"EXCLUDE ItemID WHERE {B} | INCLUDE ItemID WHERE {A}", {"b"}),  # order is irrelevant
        (
            f"INCLUDE ItemID WHERE {A} | INCLUDE ItemID WHERE {C} | "
            f"EXCLUDE ItemID WHERE {B} | EXCLUDE ItemID WHERE {D}",
            {"b", "d"},  # (A ∪ C) − (B ∪ D)
        ),
        (
            f"EXCLUDE ItemID WHERE {D} | INCLUDE ItemID WHERE {A} | EXCLUDE ItemID WHERE {B} | "
            f"INCLUDE ItemID WHERE Items.PRICE > 35",
            {"b"},  # (A ∪ D) − (D ∪ B)
        ),
    ],
)
def test_pipe_combination_table(catalog: ItemCatalog, text: str, expected: set[str]) -> None:
    assert kept(catalog, text) == expected


def test_items_and_interactions_chained(catalog: ItemCatalog) -> None:
    # multiple-expression-example: genres chosen per request minus what was clicked or streamed.
    text = (
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | "
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")'
    )
    user = UserView([("b", "stream"), ("c", "view")])
    assert kept(catalog, text, {"GENRE": '"Comedy","Drama"'}, user) == {"a", "c", "d"}


# --------------------------------------------------------------------------------------------
# Placeholders
# --------------------------------------------------------------------------------------------


def test_parameter_lists_and_single_values(catalog: ItemCatalog) -> None:
    assert include(catalog, "Items.GENRE IN ($GENRE)", values={"GENRE": '"Horror"'}) == {"d"}
    assert include(catalog, "Items.GENRE IN ($GENRE)", values={"GENRE": '"Horror","Comedy"'}) == {
        "a",
        "b",
        "d",
    }
    assert include(catalog, "Items.PRICE <= $PRICE", values={"PRICE": '"12"'}) == {"a", "c", "f"}
    assert include(catalog, "Items.YEAR = $YEAR", values={"YEAR": '"1969"'}) == {"b"}
    assert include(catalog, "Items.YEAR IN ($YEAR)", values={"YEAR": '"1969", "1990.0"'}) == {"b"}
    user = UserView(HISTORY)
    assert include(
        catalog, "Interactions.EVENT_TYPE IN ($EVENT)", values={"EVENT": '"Watch"'}, user=user
    ) == {"a"}


def test_parameter_names_are_case_sensitive(catalog: ItemCatalog) -> None:
    with pytest.raises(InvalidInputException, match=r"\$GENRE"):
        include(catalog, "Items.GENRE IN ($GENRE)", values={"genre": '"Comedy"'})


def test_missing_include_parameter_is_an_error(catalog: ItemCatalog) -> None:
    with pytest.raises(InvalidInputException, match=r"\$GENRE") as raised:
        include(catalog, "Items.GENRE IN ($GENRE)")
    assert "INCLUDE" in raised.value.message
    with pytest.raises(InvalidInputException, match=r"\$GENRE"):
        item_mask(parse("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"), None, catalog, UserView())
    # A placeholder in the IF clause of an INCLUDE expression is needed as well.
    text = 'INCLUDE ItemID WHERE Items.GENRE IN ("Comedy") IF CurrentUser.AGE = $AGE'
    with pytest.raises(InvalidInputException, match=r"\$AGE"):
        kept(catalog, text, user=UserView(metadata={"AGE": 3}))


def test_missing_exclude_parameter_disables_that_expression(catalog: ItemCatalog) -> None:
    assert kept(catalog, "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE)") == ALL
    text = (
        'INCLUDE ItemID WHERE Items.STUDIO IN ("pixar") | '
        "EXCLUDE ItemID WHERE Items.PRICE > $PRICE | "
        "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT)"
    )
    user = UserView([("b", "click")])
    assert kept(catalog, text, user=user) == {"b", "e"}
    assert kept(catalog, text, {"PRICE": '"30"'}, user) == {"b"}
    assert kept(catalog, text, {"EVENT": '"click"'}, user) == {"e"}
    # A value for some of an EXCLUDE expression's placeholders is not enough to use it.
    both = "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE"
    adult = UserView(metadata={"AGE": 30})
    assert kept(catalog, both, {"GENRE": '"Comedy"'}, adult) == ALL
    assert kept(catalog, both, {"GENRE": '"Comedy"', "AGE": '"30"'}, adult) == ALL - {"a", "b"}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("INCLUDE ItemID WHERE Items.PRICE <= $PRICE", {"PRICE": '"cheap"'}),
        ("EXCLUDE ItemID WHERE Items.PRICE > $PRICE", {"PRICE": '"1O"'}),
        ("INCLUDE ItemID WHERE Items.YEAR = $PRICE", {"PRICE": '"nineteen"'}),
        ("INCLUDE ItemID WHERE Items.YEAR IN ($PRICE)", {"PRICE": '"1975","soon"'}),
        ("INCLUDE ItemID WHERE Items.PRICE < $PRICE", {"PRICE": '"nan"'}),
        ("INCLUDE ItemID WHERE Items.PRICE < $PRICE", {"PRICE": '"10","20"'}),
        # Checked whether or not the IF clause holds, so every user gets the same answer.
        (
            "EXCLUDE ItemID WHERE Items.PRICE > $PRICE IF CurrentUser.AGE > 100",
            {"PRICE": '"ten"'},
        ),
        (
            'INCLUDE ItemID WHERE Items.STUDIO IN ("a24") IF CurrentUser.AGE > $PRICE',
            {"PRICE": '"x"'},
        ),
    ],
)
def test_wrong_value_type_is_an_error(
    catalog: ItemCatalog, text: str, values: dict[str, str]
) -> None:
    with pytest.raises(InvalidInputException, match="Invalid filter value for PRICE"):
        kept(catalog, text, values, UserView(metadata={"AGE": 30}))


# --------------------------------------------------------------------------------------------
# IF CurrentUser
# --------------------------------------------------------------------------------------------

LUXURY = 'INCLUDE ItemID WHERE Items.STUDIO IN ("pixar") IF CurrentUser.AGE > 18'


def test_if_current_user_holds(catalog: ItemCatalog) -> None:
    assert kept(catalog, LUXURY, user=UserView(metadata={"AGE": 30})) == {"b", "e"}


def test_if_current_user_does_not_hold(catalog: ItemCatalog) -> None:
    # "includes only items ... if the current user's age is over 18": otherwise no restriction.
    assert kept(catalog, LUXURY, user=UserView(metadata={"AGE": 12})) == ALL
    text = "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE"
    values = {"GENRE": '"Comedy"', "AGE": '"30"'}
    assert kept(catalog, text, values, UserView(metadata={"AGE": 30})) == ALL - {"a", "b"}
    assert kept(catalog, text, values, UserView(metadata={"AGE": 31})) == ALL


def test_if_current_user_without_metadata(catalog: ItemCatalog) -> None:
    assert kept(catalog, LUXURY, user=UserView()) == ALL
    assert kept(catalog, LUXURY, user=UserView(metadata={"GENDER": "f"})) == ALL
    assert kept(catalog, LUXURY, user=UserView(metadata={"AGE": None})) == ALL
    assert kept(catalog, LUXURY, user=UserView(metadata={"AGE": float("nan")})) == ALL


def test_if_clause_forms(catalog: ItemCatalog) -> None:
    text = (
        'INCLUDE ItemID WHERE Items.STUDIO IN ("a24") '
        'IF CurrentUser.TIER IN ("gold", "silver") AND CurrentUser.AGE >= 18'
    )
    assert kept(catalog, text, user=UserView(metadata={"TIER": "silver|new", "AGE": 18})) == {
        "d",
        "f",
    }
    assert kept(catalog, text, user=UserView(metadata={"TIER": "bronze", "AGE": 40})) == ALL
    assert kept(catalog, text, user=UserView(metadata={"TIER": "gold", "AGE": 17})) == ALL
    # Keys are matched case-insensitively; numpy scalars and numeric strings compare as numbers.
    assert kept(catalog, LUXURY, user=UserView(metadata={"age": np.int64(40)})) == {"b", "e"}
    assert kept(catalog, LUXURY, user=UserView(metadata={"AGE": "40"})) == {"b", "e"}
    negated = 'INCLUDE ItemID WHERE Items.STUDIO IN ("a24") IF CurrentUser.TIER NOT IN ("gold")'
    assert kept(catalog, negated, user=UserView(metadata={"TIER": "silver"})) == {"d", "f"}
    assert kept(catalog, negated, user=UserView(metadata={"TIER": "gold"})) == ALL


# --------------------------------------------------------------------------------------------
# CurrentItem
# --------------------------------------------------------------------------------------------


def test_current_item_references(catalog: ItemCatalog) -> None:
    # item-recommendation-filter-examples: cheaper than the current item, same genre.
    text = (
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE"
    )
    assert kept(catalog, text, user=UserView(current_item="b")) == {"a"}  # Comedy, < 25.5
    assert kept(catalog, text, user=UserView(current_item="x")) == {"a"}  # Action, < 30
    same_studio = "INCLUDE ItemID WHERE Items.STUDIO = CurrentItem.STUDIO"
    assert kept(catalog, same_studio, user=UserView(current_item="a")) == {"a", "c"}
    other = "INCLUDE ItemID WHERE Items.GENRE NOT IN CurrentItem.GENRE"
    assert kept(catalog, other, user=UserView(current_item="d")) == {"a", "b", "f"}


def test_current_item_without_a_value(catalog: ItemCatalog) -> None:
    text = "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE"
    for current in (None, "g", "unknown", "d"):  # none, no metadata, not an item, no price
        assert kept(catalog, text, user=UserView(current_item=current)) == set()
    exclude = "EXCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE"
    assert kept(catalog, exclude, user=UserView()) == ALL
    assert kept(catalog, exclude, user=UserView(current_item="c")) == ALL - {"c", "d"}


# --------------------------------------------------------------------------------------------
# Items without metadata
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        'Items.GENRE IN ("Comedy")',
        'Items.GENRE NOT IN ("Comedy")',
        "Items.PRICE < 1000",
        "Items.PRICE != 1",
        'Items.STUDIO != "none"',
    ],
)
def test_items_without_metadata_never_match(catalog: ItemCatalog, where: str) -> None:
    assert "g" not in include(catalog, where)
    assert "g" in kept(catalog, f"EXCLUDE ItemID WHERE {where}")


def test_catalog_without_items_dataset() -> None:
    bare = ItemCatalog(IDS, None)
    include_mask = item_mask(
        parse('INCLUDE ItemID WHERE Items.GENRE IN ("a")'), {}, bare, UserView()
    )
    exclude_mask = item_mask(parse("EXCLUDE ItemID WHERE Items.PRICE > 1"), {}, bare, UserView())
    assert not include_mask.any() and exclude_mask.all()


def test_unknown_column_matches_nothing(catalog: ItemCatalog) -> None:
    assert include(catalog, 'Items.COLOUR IN ("red")') == set()
    assert include(catalog, 'Items.COLOUR NOT IN ("red")') == set()


# --------------------------------------------------------------------------------------------
# UserID filters (batch segment jobs)
# --------------------------------------------------------------------------------------------

USERS = pd.DataFrame(
    {"MEMBERSHIP_STATUS": ["gold", "silver", "gold|trial", None], "AGE": [30, 17, 45, 22]},
    index=pd.Index(["u1", "u2", "u3", "u4"], name="USER_ID"),
)
USER_IDS = np.array(["u1", "u2", "u3", "u4", "u5"], dtype=object)  # u5: no metadata
USER_HISTORIES = {
    "u1": [("a", "click"), ("b", "rating")],
    "u2": [("c", "Rating")],
    "u4": [("a", "purchase")],
}


def segment(text: str, values: Mapping[str, str] | None = None, **kwargs: Any) -> set[str]:
    mask = user_mask(
        parse(text),
        parse_filter_values(values or {}),
        USER_IDS,
        USERS,
        USER_HISTORIES,
        **kwargs,
    )
    return set(USER_IDS[mask].tolist())


def test_user_segment_metadata_filters() -> None:
    # user-segment-filter-examples.
    text = "INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)"
    assert segment(text, {"MEMBERSHIP": '"gold"'}) == {"u1", "u3"}
    assert segment("EXCLUDE UserID WHERE Users.AGE < $AGE", {"AGE": '"25"'}) == {"u1", "u3", "u5"}
    with pytest.raises(InvalidInputException, match=r"\$MEMBERSHIP"):
        segment(text)


def test_user_segment_interaction_filters() -> None:
    text = 'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")'
    assert segment(text) == {"u1", "u2"}
    exclude = "EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)"
    assert segment(exclude, {"EVENT_TYPE": '"purchase"'}) == {"u1", "u2", "u3", "u5"}
    assert segment(exclude) == set(USER_IDS.tolist())
    # An option the guide does not describe: only interactions with the items of the query.
    assert segment(text, query_items={"c"}) == {"u2"}
    assert segment("INCLUDE UserID WHERE Interactions.EVENT_TYPE IN (*)") == {"u1", "u2", "u4"}


def test_user_segment_with_a_prebuilt_table() -> None:
    users = Catalog(USER_IDS, USERS)
    text = (
        "INCLUDE UserID WHERE Users.AGE >= 18 | "
        'EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click")'
    )
    first = user_mask(parse(text), {}, USER_IDS, USERS, USER_HISTORIES, users=users)
    again = user_mask(parse(text), {}, USER_IDS, USERS, USER_HISTORIES, users=users)
    assert set(USER_IDS[first]) == set(USER_IDS[again]) == {"u3", "u4"}


def test_targets_must_fit_the_request(catalog: ItemCatalog) -> None:
    with pytest.raises(InvalidInputException, match="UserID"):
        kept(catalog, "INCLUDE UserID WHERE Users.AGE > 3")
    with pytest.raises(InvalidInputException, match="ItemID"):
        segment('INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")')


# --------------------------------------------------------------------------------------------
# Caching and helpers
# --------------------------------------------------------------------------------------------


def test_compiled_filters_are_kept_per_catalog_version(catalog: ItemCatalog) -> None:
    parsed = parse('INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")')
    compiled = compile_filter(parsed, catalog)
    assert isinstance(compiled, CompiledFilter)
    assert compile_filter(parse(str(parsed)), catalog) is compiled  # equal ASTs share it
    newer = ItemCatalog(IDS, ITEMS)
    assert newer.version != catalog.version
    assert compile_filter(parsed, newer) is not compiled
    # A compiled filter handed with another catalogue is recompiled for it.
    assert (
        item_mask(compiled, {}, newer, UserView()).tolist()
        == item_mask(parsed, {}, catalog, UserView()).tolist()
    )


def test_filter_cache_by_key_and_catalog(catalog: ItemCatalog) -> None:
    cache = FilterCache(size=2)
    first = parse('INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")')
    compiled = cache.get("arn:filter/f", first, catalog)
    assert cache.get("arn:filter/f", first, catalog) is compiled
    # The same ARN for another expression (deleted and created again) is compiled afresh.
    second = parse('INCLUDE ItemID WHERE Items.GENRE IN ("Drama")')
    assert cache.get("arn:filter/f", second, catalog).parsed == second
    assert cache.get("arn:filter/f", first, ItemCatalog(IDS, ITEMS)) is not compiled
    assert set(IDS[compiled.item_mask({}, UserView())]) == {"a", "b"}


def test_returned_masks_are_fresh_arrays(catalog: ItemCatalog) -> None:
    parsed = parse('INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")')
    first = item_mask(parsed, {}, catalog, UserView())
    first[:] = False
    assert item_mask(parsed, {}, catalog, UserView()).sum() == 2


def test_parameter_helpers() -> None:
    parsed = parse(
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE > $AGE | "
        "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT) | "
        "EXCLUDE ItemID WHERE Items.PRICE > CurrentItem.PRICE"
    )
    assert parameters_used(parsed) == {"GENRE", "AGE", "EVENT"}
    assert required_parameters(parsed) == {"GENRE", "AGE"}
    assert uses_current_item(parsed)
    assert not uses_current_item(parse('INCLUDE ItemID WHERE Items.GENRE IN ("a")'))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

GENRES = ("Action", "Comedy", "Drama", "Horror")
EVENTS = ("click", "watch", "buy")


@st.composite
def catalogs(draw: st.DrawFn) -> tuple[ItemCatalog, UserView, pd.DataFrame]:
    size = draw(st.integers(1, 12))
    ids = [f"i{n}" for n in range(size)]
    with_meta = [i for i in ids if draw(st.booleans()) or i == "i0"]
    genres = [
        "|".join(draw(st.lists(st.sampled_from(GENRES), max_size=3, unique=True))) or None
        for _ in with_meta
    ]
    years = [draw(st.one_of(st.none(), st.integers(1960, 1990))) for _ in with_meta]
    meta = pd.DataFrame(
        {"GENRE": genres, "YEAR": pd.array(years, dtype="Int64")},
        index=pd.Index(with_meta, name="ITEM_ID"),
    )
    history = draw(
        st.lists(
            st.tuples(
                st.sampled_from([*ids, "elsewhere"]),
                st.sampled_from((*EVENTS, "CLICK", "Watch")),
            ),
            max_size=20,
        )
    )
    return ItemCatalog(np.array(ids, dtype=object), meta), UserView(history), meta


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


items_conditions = st.one_of(
    st.builds(
        lambda op, vals: f"Items.GENRE {op} ({_quoted(vals)})",
        st.sampled_from(["IN", "NOT IN"]),
        st.lists(st.sampled_from(GENRES), min_size=1, max_size=3),
    ),
    st.builds(
        lambda op, year: f"Items.YEAR {op} {year}",
        st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
        st.integers(1958, 1992),
    ),
)
interaction_conditions = st.builds(
    lambda op, vals: f"Interactions.EVENT_TYPE {op} ({', '.join(vals)})",
    st.sampled_from(["IN", "NOT IN"]),
    st.one_of(
        st.just(["*"]),
        st.lists(st.sampled_from([f'"{e}"' for e in (*EVENTS, "Click")]), min_size=1, max_size=2),
    ),
)


@st.composite
def wheres(draw: st.DrawFn) -> str:
    conditions = draw(st.sampled_from([items_conditions, interaction_conditions]))
    parts = draw(st.lists(conditions, min_size=1, max_size=3))
    text = parts[0]
    for part in parts[1:]:
        text += f" {draw(st.sampled_from(['AND', 'OR']))} {part}"
    return text


def _mask(text: str, catalog: ItemCatalog, user: UserView) -> np.ndarray:
    return item_mask(parse(text), {}, catalog, user)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), wheres(), wheres())
def test_include_minus_exclude(
    data: tuple[ItemCatalog, UserView, pd.DataFrame], a: str, b: str
) -> None:
    catalog, user, _ = data
    include_a = _mask(f"INCLUDE ItemID WHERE {a}", catalog, user)
    matching_b = _mask(f"INCLUDE ItemID WHERE {b}", catalog, user)
    chained = _mask(f"INCLUDE ItemID WHERE {a} | EXCLUDE ItemID WHERE {b}", catalog, user)
    assert chained.tolist() == (include_a & ~matching_b).tolist()
    reversed_order = _mask(f"EXCLUDE ItemID WHERE {b} | INCLUDE ItemID WHERE {a}", catalog, user)
    assert reversed_order.tolist() == chained.tolist()
    assert _mask(f"EXCLUDE ItemID WHERE {b}", catalog, user).tolist() == (~matching_b).tolist()
    union = _mask(f"INCLUDE ItemID WHERE {a} | INCLUDE ItemID WHERE {b}", catalog, user)
    assert union.tolist() == (include_a | matching_b).tolist()


def _reference(
    where: str, meta: pd.DataFrame, item: str, history: Sequence[tuple[str, str]]
) -> bool:
    """A slow, obvious reading of a WHERE clause for one item (AND before OR)."""

    def single(condition: str) -> bool:
        field, rest = condition.split(" ", 1)
        op, _, operand = rest.partition(" (") if " (" in rest else rest.partition(" ")
        op = op.strip()
        if field == "Interactions.EVENT_TYPE":
            wanted = [v.strip().strip('"').casefold() for v in operand.rstrip(")").split(",")]
            types: dict[str, list[str]] = {}
            for seen, event_type in history:
                window = types.setdefault(event_type.casefold(), [])
                if len(window) < 100:
                    window.append(seen)
            picked = [t for t in types if ("*" in wanted or t in wanted) != (op == "NOT IN")]
            return any(item in types[t] for t in picked)
        if item not in meta.index:
            return False
        value = meta.at[item, field.split(".")[1]]
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return False
        if field == "Items.GENRE":
            wanted = [v.strip().strip('"') for v in operand.rstrip(")").split(",")]
            hit = any(g in wanted for g in str(value).split("|"))
            return hit if op == "IN" else not hit
        year, bound = int(value), int(operand)
        return {
            "=": year == bound,
            "!=": year != bound,
            "<": year < bound,
            "<=": year <= bound,
            ">": year > bound,
            ">=": year >= bound,
        }[op]

    groups = [g.split(" AND ") for g in where.split(" OR ")]
    return any(all(single(c) for c in group) for group in groups)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), wheres())
def test_matches_a_slow_reference(
    data: tuple[ItemCatalog, UserView, pd.DataFrame], where: str
) -> None:
    catalog, user, meta = data
    mask = _mask(f"INCLUDE ItemID WHERE {where}", catalog, user)
    expected = [_reference(where, meta, i, user.interactions) for i in catalog.item_ids]
    assert mask.tolist() == expected
