"""Avro schemas: parsing (CreateSchema) and the rules per dataset type and domain."""

from __future__ import annotations

import json
from typing import Any

import pytest

from personalize_local.data.schemas import (
    DATASET_TYPES,
    MAX_FIELDS,
    RESERVED_FIELDS,
    DatasetSchema,
    Field,
    canonical_dataset_type,
    check_dataset_schema,
    check_schema_for_domain,
    metadata_fields,
    parse_avro,
    reserved_fields,
)
from personalize_local.errors import InvalidInputException

NAMESPACE = "com.amazonaws.personalize.schema"


def f(name: str, kind: Any, **extra: Any) -> dict:
    return {"name": name, "type": kind, **extra}


def record(name: str, *fields: dict) -> str:
    body = {"type": "record", "name": name, "namespace": NAMESPACE, "fields": list(fields)}
    return json.dumps({**body, "version": "1.0"})


def parsed(name: str, *fields: dict) -> DatasetSchema:
    return parse_avro(record(name, *fields))


def rejected(call, *args, needles: tuple[str, ...] = ()) -> str:
    """Call, expect InvalidInputException, and check that the message names every needle."""
    with pytest.raises(InvalidInputException) as info:
        call(*args)
    message = info.value.message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


# --- Workshop and guide schemas -------------------------------------------------------------

USER_ID = f("USER_ID", "string")
ITEM_ID = f("ITEM_ID", "string")
TIMESTAMP = f("TIMESTAMP", "long")
EVENT_TYPE = f("EVENT_TYPE", "string")

# The MovieLens Interactions schema of the workshop (EVENT_VALUE nullable).
MOVIELENS_INTERACTIONS = record(
    "Interactions",
    USER_ID,
    ITEM_ID,
    EVENT_TYPE,
    f("EVENT_VALUE", ["null", "float"]),
    TIMESTAMP,
)
MOVIELENS_ITEMS = record(
    "Items",
    ITEM_ID,
    f("GENRES", ["null", "string"], categorical=True),
    f("YEAR", ["null", "int"]),
    f("CREATION_TIMESTAMP", "long"),
)
MOVIELENS_USERS = record("Users", USER_ID, f("AGE", "int"), f("GENDER", "string", categorical=True))
# The seed workshop's own pair: EVENT_VALUE plain float, Items with a single GENRE.
WORKSHOP_INTERACTIONS = record(
    "Interactions", USER_ID, ITEM_ID, f("EVENT_VALUE", "float"), TIMESTAMP, EVENT_TYPE
)
WORKSHOP_ITEMS = record("Items", ITEM_ID, f("GENRE", "string", categorical=True))
# The custom examples of the developer guide.
GUIDE_INTERACTIONS = record(
    "Interactions",
    USER_ID,
    ITEM_ID,
    EVENT_TYPE,
    f("EVENT_VALUE", ["float", "null"]),
    f("LOCATION", "string", categorical=True),
    f("DEVICE", ["string", "null"], categorical=True),
    TIMESTAMP,
    f("IMPRESSION", "string"),
)
GUIDE_ITEMS = record(
    "Items",
    ITEM_ID,
    f("GENRES", ["null", "string"], categorical=True),
    f("CREATION_TIMESTAMP", "long"),
    f("DESCRIPTION", ["null", "string"], textual=True),
)
GUIDE_ACTIONS = record(
    "Actions",
    f("ACTION_ID", "string"),
    f("VALUE", ["null", "long"]),
    f("MEMBERSHIP_LEVEL", ["null", "string"], categorical=True),
    f("CREATION_TIMESTAMP", "long"),
    f("REPEAT_FREQUENCY", ["long", "null"]),
)
GUIDE_ACTION_INTERACTIONS = record(
    "ActionInteractions", USER_ID, f("ACTION_ID", "string"), EVENT_TYPE, TIMESTAMP
)

# Domain defaults (guide) and the aws-samples VOD notebook's schemas.
DOMAIN_INTERACTIONS = record("Interactions", USER_ID, ITEM_ID, EVENT_TYPE, TIMESTAMP)
VOD_ITEMS = record(
    "Items",
    ITEM_ID,
    f("GENRES", ["string"], categorical=True),
    f("YEAR", ["string"], categorical=True),
    f("CREATION_TIMESTAMP", "long"),
)
VOD_USERS = record("Users", USER_ID, f("SUBSCRIPTION_MODEL", "string", categorical=True))
ECOMMERCE_ITEMS = record(
    "Items", ITEM_ID, f("PRICE", "float"), f("CATEGORY_L1", ["string"], categorical=True)
)
ECOMMERCE_USERS = record("Users", USER_ID, f("MEMBERSHIP_STATUS", "string", categorical=True))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (MOVIELENS_INTERACTIONS, "Interactions"),
        (MOVIELENS_ITEMS, "Items"),
        (MOVIELENS_USERS, "Users"),
        (WORKSHOP_INTERACTIONS, "Interactions"),
        (WORKSHOP_ITEMS, "Items"),
        (GUIDE_INTERACTIONS, "Interactions"),
        (GUIDE_ITEMS, "Items"),
        (GUIDE_ACTIONS, "Actions"),
        (GUIDE_ACTION_INTERACTIONS, "Action_Interactions"),
    ],
)
def test_custom_schemas_pass(text, kind):
    check_dataset_schema(parse_avro(text), kind, None)


@pytest.mark.parametrize(
    ("domain", "text", "kind"),
    [
        ("VIDEO_ON_DEMAND", DOMAIN_INTERACTIONS, "Interactions"),
        ("VIDEO_ON_DEMAND", MOVIELENS_INTERACTIONS, "Interactions"),
        ("VIDEO_ON_DEMAND", VOD_ITEMS, "Items"),
        ("VIDEO_ON_DEMAND", VOD_USERS, "Users"),
        ("VIDEO_ON_DEMAND", MOVIELENS_USERS, "Users"),
        ("ECOMMERCE", DOMAIN_INTERACTIONS, "Interactions"),
        ("ECOMMERCE", ECOMMERCE_ITEMS, "Items"),
        ("ECOMMERCE", ECOMMERCE_USERS, "Users"),
    ],
)
def test_domain_schemas_pass(domain, text, kind):
    schema = parse_avro(text)
    check_schema_for_domain(schema, domain)
    check_dataset_schema(schema, kind, domain)


def test_parse_keeps_order_types_and_flags():
    schema = parse_avro(GUIDE_ITEMS)
    assert schema.record_name == "Items"
    assert schema.names == ["ITEM_ID", "GENRES", "CREATION_TIMESTAMP", "DESCRIPTION"]
    assert schema.fields[1] == Field("GENRES", "string", nullable=True, categorical=True)
    assert schema.fields[3] == Field("DESCRIPTION", "string", nullable=True, textual=True)
    assert schema.fields[2] == Field("CREATION_TIMESTAMP", "long")
    assert schema.field("creation_timestamp") is schema.fields[2]


def test_union_forms():
    schema = parsed(
        "Items",
        ITEM_ID,
        f("A", ["string"], categorical=True),
        f("B", ["float", "null"]),
        f("C", [{"type": "null"}, {"type": "double"}]),
        f("D", {"type": "long", "logicalType": "timestamp-millis"}),
        f("E", "boolean"),
    )
    assert [(x.type, x.nullable) for x in schema.fields[1:]] == [
        ("string", False),
        ("float", True),
        ("double", True),
        ("long", False),
        ("boolean", False),
    ]


# --- parse_avro rejections ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["not json", "{", "", '{"type": "record",}'])
def test_invalid_json(text):
    rejected(parse_avro, text, needles=("not valid JSON",))


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"type": "array", "items": "string"}, "array"),
        ({"type": "enum", "name": "E", "symbols": ["A"]}, "enum"),
        (["string"], "record"),
        ("record", "record"),
        ({"name": "Items", "fields": [ITEM_ID]}, "record"),
    ],
)
def test_not_a_record(body, needle):
    rejected(parse_avro, json.dumps(body), needles=(needle,))


def test_record_without_name():
    text = json.dumps({"type": "record", "fields": [USER_ID]})
    rejected(parse_avro, text, needles=("no name",))


def test_record_name_must_be_an_avro_name():
    rejected(parse_avro, record("My-Items", ITEM_ID), needles=("My-Items",))


@pytest.mark.parametrize("fields", [None, [], "USER_ID", {"name": "USER_ID"}])
def test_missing_or_empty_fields(fields):
    body: dict[str, Any] = {"type": "record", "name": "Users"}
    if fields is not None:
        body["fields"] = fields
    rejected(parse_avro, json.dumps(body), needles=("fields",))


def test_field_must_be_an_object_with_name_and_type():
    rejected(parse_avro, record("Users", "USER_ID"), needles=("fields[0]",))
    rejected(parse_avro, record("Users", {"type": "string"}), needles=("fields[0]", "no name"))
    rejected(parse_avro, record("Users", {"name": "USER_ID"}), needles=("USER_ID", "no type"))


@pytest.mark.parametrize(
    "kind",
    [
        {"type": "record", "name": "Inner", "fields": [f("X", "string")]},
        "record",
        ["null", {"type": "record", "name": "Inner", "fields": [f("X", "string")]}],
    ],
)
def test_nested_records(kind):
    rejected(parse_avro, record("Items", ITEM_ID, f("NESTED", kind)), needles=("NESTED", "nested"))


@pytest.mark.parametrize(
    ("kind", "needle"),
    [
        ({"type": "array", "items": "string"}, "array"),
        ({"type": "map", "values": "string"}, "map"),
        ({"type": "enum", "name": "Colour", "symbols": ["RED", "BLUE"]}, "enum"),
        ({"type": "fixed", "name": "Hash", "size": 16}, "fixed"),
        ("array", "array"),
        (["null", {"type": "array", "items": "string"}], "array"),
    ],
)
def test_complex_types(kind, needle):
    message = rejected(parse_avro, record("Items", ITEM_ID, f("TAGS", kind)), needles=("TAGS",))
    assert needle in message and "complex" in message


@pytest.mark.parametrize("kind", ["bytes", {"type": "bytes"}, ["null", "bytes"]])
def test_bytes_is_not_supported(kind):
    rejected(parse_avro, record("Items", ITEM_ID, f("BLOB", kind)), needles=("BLOB", "bytes"))


@pytest.mark.parametrize("kind", ["integer", "String", "timestamp", "decimal", "Item"])
def test_unknown_primitive_types(kind):
    rejected(parse_avro, record("Items", ITEM_ID, f("X", kind)), needles=("X", kind))


@pytest.mark.parametrize(
    "kind",
    [
        ["string", "int"],
        ["null", "string", "int"],
        ["null", "null"],
        ["string", "string"],
        ["null", "string", "null"],
    ],
)
def test_unions_other_than_a_type_with_null(kind):
    rejected(parse_avro, record("Items", ITEM_ID, f("U", kind)), needles=("U", "union"))


def test_empty_union():
    rejected(parse_avro, record("Items", ITEM_ID, f("U", [])), needles=("U", "union"))


@pytest.mark.parametrize("kind", ["null", ["null"]])
def test_null_only(kind):
    rejected(parse_avro, record("Items", ITEM_ID, f("NOTHING", kind)), needles=("NOTHING", "null"))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("GENRES_FIELD_1", "GENRESFIELD1"),
        ("GENRE", "GENRE"),
        ("GENRE", "genre"),
        ("EVENT_TYPE", "eventType"),
        ("_A_B", "AB"),
    ],
)
def test_duplicate_names_after_removing_non_alphanumerics(first, second):
    text = record("Items", ITEM_ID, f(first, "int"), f(second, "int"))
    rejected(parse_avro, text, needles=(first, second, "unique"))


@pytest.mark.parametrize("name", ["1ABC", "MY-FIELD", "with space", "ÉTÉ", "A.B", ""])
def test_field_names_must_be_avro_names(name):
    message = rejected(parse_avro, record("Items", ITEM_ID, f(name, "int")))
    assert (name and repr(name) in message) or "no name" in message


@pytest.mark.parametrize("kind", ["int", "long", "float", "double", "boolean", ["null", "int"]])
def test_categorical_needs_a_string(kind):
    text = record("Items", ITEM_ID, f("YEAR", kind, categorical=True))
    rejected(parse_avro, text, needles=("YEAR", "categorical"))


def test_textual_needs_a_string():
    text = record("Items", ITEM_ID, f("RATING", "float", textual=True))
    rejected(parse_avro, text, needles=("RATING", "textual"))


def test_categorical_and_textual_together():
    text = record("Items", ITEM_ID, f("DESC", "string", categorical=True, textual=True))
    rejected(parse_avro, text, needles=("DESC", "categorical", "textual"))


@pytest.mark.parametrize("value", ["true", 1, None])
def test_flags_must_be_booleans(value):
    text = record("Items", ITEM_ID, f("GENRE", "string", categorical=value))
    rejected(parse_avro, text, needles=("GENRE", "categorical"))


def test_false_flags_are_fine():
    schema = parsed("Items", ITEM_ID, f("GENRE", "string", categorical=False, textual=False))
    assert not schema.fields[1].categorical and not schema.fields[1].textual


def test_too_many_fields():
    fields = [ITEM_ID] + [f(f"M{i}", "int") for i in range(MAX_FIELDS)]
    rejected(parse_avro, record("Items", *fields), needles=(str(MAX_FIELDS),))
    parse_avro(record("Items", *fields[:MAX_FIELDS]))


# --- canonical_dataset_type -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("INTERACTIONS", "Interactions"),
        ("interactions", "Interactions"),
        ("Items", "Items"),
        ("ITEMS", "Items"),
        ("users", "Users"),
        ("ACTIONS", "Actions"),
        ("action_interactions", "Action_Interactions"),
        ("ACTION_INTERACTIONS", "Action_Interactions"),
    ],
)
def test_dataset_types_are_case_insensitive(text, canonical):
    assert canonical_dataset_type(text) == canonical


@pytest.mark.parametrize("text", ["EVENT_INTERACTIONS", "Item", "ActionInteractions", ""])
def test_unknown_dataset_type(text):
    message = rejected(canonical_dataset_type, text, needles=("dataset type",))
    assert all(kind in message for kind in DATASET_TYPES)


def test_check_accepts_any_case_of_dataset_type():
    check_dataset_schema(parse_avro(MOVIELENS_INTERACTIONS), "INTERACTIONS", None)


# --- check_dataset_schema: custom dataset groups --------------------------------------------


@pytest.mark.parametrize("missing", ["USER_ID", "ITEM_ID", "TIMESTAMP"])
def test_interactions_required_fields(missing):
    fields = [x for x in (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE) if x["name"] != missing]
    rejected(
        check_dataset_schema,
        parsed("Interactions", *fields),
        "Interactions",
        None,
        needles=(missing, "missing"),
    )


@pytest.mark.parametrize(
    ("name", "kind", "needle"),
    [
        ("TIMESTAMP", "int", "long"),
        ("TIMESTAMP", "double", "long"),
        ("USER_ID", "int", "string"),
        ("ITEM_ID", "long", "string"),
    ],
)
def test_interactions_required_types(name, kind, needle):
    fields = [f(x["name"], kind) if x["name"] == name else x for x in (USER_ID, ITEM_ID, TIMESTAMP)]
    rejected(
        check_dataset_schema,
        parsed("Interactions", *fields),
        "Interactions",
        None,
        needles=(name, needle),
    )


@pytest.mark.parametrize("name", ["USER_ID", "ITEM_ID", "TIMESTAMP"])
def test_required_fields_are_not_nullable(name):
    fields = [
        f(x["name"], ["null", x["type"]]) if x["name"] == name else x
        for x in (USER_ID, ITEM_ID, TIMESTAMP)
    ]
    rejected(
        check_dataset_schema,
        parsed("Interactions", *fields),
        "Interactions",
        None,
        needles=(name, "nullable"),
    )


def test_ids_are_not_categorical():
    schema = parsed("Interactions", f("USER_ID", "string", categorical=True), ITEM_ID, TIMESTAMP)
    rejected(check_dataset_schema, schema, "Interactions", None, needles=("USER_ID", "categorical"))


@pytest.mark.parametrize(
    ("field", "needle"),
    [
        (f("EVENT_TYPE", "string", categorical=True), "categorical"),
        (f("EVENT_TYPE", "int"), "string"),
        (f("EVENT_TYPE", ["null", "string"]), "nullable"),
        (f("EVENT_VALUE", "int"), "float"),
        (f("EVENT_VALUE", ["null", "double"]), "float"),
        (f("IMPRESSION", "string", categorical=True), "categorical"),
        (f("IMPRESSION", "long"), "string"),
        (f("RECOMMENDATION_ID", "long"), "string"),
        (f("RECOMMENDATION_ID", "string", categorical=True), "categorical"),
        (f("EVENT_ATTRIBUTION_SOURCE", "int"), "string"),
    ],
)
def test_interactions_reserved_keywords(field, needle):
    schema = parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP, field)
    rejected(check_dataset_schema, schema, "Interactions", None, needles=(field["name"], needle))


def test_reserved_keywords_match_case_insensitively():
    schema = parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP, f("event_value", "int"))
    rejected(check_dataset_schema, schema, "Interactions", None, needles=("EVENT_VALUE", "float"))


def test_nullable_reserved_keywords_are_fine():
    schema = parsed(
        "Interactions",
        USER_ID,
        ITEM_ID,
        TIMESTAMP,
        f("EVENT_VALUE", ["null", "float"]),
        f("IMPRESSION", ["null", "string"]),
        f("RECOMMENDATION_ID", ["null", "string"]),
        f("EVENT_ATTRIBUTION_SOURCE", ["null", "string"]),
    )
    check_dataset_schema(schema, "Interactions", None)


def test_interactions_metadata_limit_excludes_reserved_fields():
    reserved = [
        EVENT_TYPE,
        f("EVENT_VALUE", "float"),
        f("IMPRESSION", "string"),
        f("RECOMMENDATION_ID", "string"),
        f("EVENT_ATTRIBUTION_SOURCE", "string"),
    ]
    five = [f(f"CONTEXT_{i}", "string", categorical=True) for i in range(5)]
    check_dataset_schema(
        parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP, *reserved, *five), "Interactions", None
    )
    six = [*five, f("DEVICE", "string", categorical=True)]
    rejected(
        check_dataset_schema,
        parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP, *six),
        "Interactions",
        None,
        needles=("6 metadata fields", "DEVICE", "at most 5"),
    )


def test_creation_timestamp_is_long():
    schema = parsed(
        "Items", ITEM_ID, f("G", "string", categorical=True), f("CREATION_TIMESTAMP", "int")
    )
    rejected(check_dataset_schema, schema, "Items", None, needles=("CREATION_TIMESTAMP", "long"))


@pytest.mark.parametrize(
    ("kind", "schema", "needle"),
    [
        ("Items", parsed("Items", f("GENRES", "string", categorical=True)), "ITEM_ID"),
        ("Users", parsed("Users", f("AGE", "int")), "USER_ID"),
        ("Actions", parsed("Actions", f("VALUE", "long")), "ACTION_ID"),
        (
            "Action_Interactions",
            parsed("Action_Interactions", USER_ID, f("ACTION_ID", "string"), TIMESTAMP),
            "EVENT_TYPE",
        ),
        (
            "Action_Interactions",
            parsed("Action_Interactions", USER_ID, EVENT_TYPE, TIMESTAMP),
            "ACTION_ID",
        ),
    ],
)
def test_required_ids(kind, schema, needle):
    rejected(check_dataset_schema, schema, kind, None, needles=(needle, "missing"))


@pytest.mark.parametrize(
    ("kind", "schema"),
    [
        ("Items", parsed("Items", ITEM_ID)),
        ("Items", parsed("Items", ITEM_ID, f("CREATION_TIMESTAMP", "long"))),
        ("Users", parsed("Users", USER_ID)),
        ("Actions", parsed("Actions", f("ACTION_ID", "string"), f("VALUE", "long"))),
    ],
)
def test_metadata_datasets_need_a_metadata_field(kind, schema):
    rejected(check_dataset_schema, schema, kind, None, needles=("at least 1 metadata field",))


def test_plain_string_metadata_is_allowed_but_does_not_count():
    # The live guide: non-categorical strings are kept but not used in training.
    only_plain = parsed("Items", ITEM_ID, f("TITLE", "string"))
    rejected(check_dataset_schema, only_plain, "Items", None, needles=("TITLE", "categorical"))
    check_dataset_schema(
        parsed("Items", ITEM_ID, f("TITLE", "string"), f("GENRE", "string", categorical=True)),
        "Items",
        None,
    )
    check_dataset_schema(
        parsed("Users", USER_ID, f("NAME", "string"), f("AGE", "int")), "Users", None
    )


def test_textual_field_alone_satisfies_items():
    check_dataset_schema(
        parsed("Items", ITEM_ID, f("DESCRIPTION", "string", textual=True)), "Items", None
    )


def test_items_metadata_limit():
    hundred = [f(f"M{i}", "float") for i in range(100)]
    check_dataset_schema(parsed("Items", ITEM_ID, *hundred), "Items", None)
    rejected(
        check_dataset_schema,
        parsed("Items", ITEM_ID, *hundred, f("EXTRA", "float")),
        "Items",
        None,
        needles=("101 metadata fields", "at most 100"),
    )


def test_users_metadata_limit():
    twenty_five = [f(f"M{i}", "int") for i in range(25)]
    check_dataset_schema(parsed("Users", USER_ID, *twenty_five), "Users", None)
    rejected(
        check_dataset_schema,
        parsed("Users", USER_ID, *twenty_five, f("EXTRA", "int")),
        "Users",
        None,
        needles=("26 metadata fields", "EXTRA", "at most 25"),
    )


@pytest.mark.parametrize(
    ("kind", "schema"),
    [
        ("Users", parsed("Users", USER_ID, f("AGE", "int"), f("BIO", "string", textual=True))),
        (
            "Interactions",
            parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP, f("NOTE", "string", textual=True)),
        ),
    ],
)
def test_textual_only_in_items(kind, schema):
    rejected(check_dataset_schema, schema, kind, None, needles=("textual", "Items"))


def test_at_most_one_textual_field():
    schema = parsed(
        "Items",
        ITEM_ID,
        f("DESCRIPTION", "string", textual=True),
        f("SYNOPSIS", "string", textual=True),
    )
    rejected(check_dataset_schema, schema, "Items", None, needles=("DESCRIPTION", "SYNOPSIS"))


def test_actions_reserved_keywords_and_column_limit():
    action_id = f("ACTION_ID", "string")
    rejected(
        check_dataset_schema,
        parsed("Actions", action_id, f("VALUE", "float")),
        "Actions",
        None,
        needles=("VALUE", "long"),
    )
    rejected(
        check_dataset_schema,
        parsed("Actions", action_id, f("M", "int"), f("EXPIRATION_TIMESTAMP", "string")),
        "Actions",
        None,
        needles=("EXPIRATION_TIMESTAMP", "long"),
    )
    ten = [action_id] + [f(f"M{i}", "int") for i in range(9)]
    check_dataset_schema(parsed("Actions", *ten), "Actions", None)
    rejected(
        check_dataset_schema,
        parsed("Actions", *ten, f("M9", "int")),
        "Actions",
        None,
        needles=("11 fields", "10 columns"),
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (MOVIELENS_ITEMS, "Users"),
        (MOVIELENS_USERS, "Items"),
        (MOVIELENS_INTERACTIONS, "Action_Interactions"),
        (record("MyInteractions", USER_ID, ITEM_ID, TIMESTAMP), "Interactions"),
    ],
)
def test_record_name_must_match_dataset_type(text, kind):
    schema = parse_avro(text)
    rejected(check_dataset_schema, schema, kind, None, needles=(schema.record_name, kind))


def test_record_name_matches_loosely():
    # The guide's Action interactions example is named "ActionInteractions"; case is ignored.
    check_dataset_schema(parse_avro(GUIDE_ACTION_INTERACTIONS), "Action_Interactions", None)
    check_dataset_schema(parsed("INTERACTIONS", USER_ID, ITEM_ID, TIMESTAMP), "Interactions", None)
    check_dataset_schema(parsed("com.example.Users", USER_ID, f("AGE", "int")), "Users", None)


# --- check_dataset_schema: domain dataset groups --------------------------------------------


@pytest.mark.parametrize("domain", ["VIDEO_ON_DEMAND", "ECOMMERCE"])
def test_domain_interactions_need_event_type(domain):
    schema = parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP)
    check_dataset_schema(schema, "Interactions", None)  # optional in custom groups
    rejected(check_dataset_schema, schema, "Interactions", domain, needles=("EVENT_TYPE", domain))
    categorical = parsed(
        "Interactions", USER_ID, ITEM_ID, TIMESTAMP, f("EVENT_TYPE", "string", categorical=True)
    )
    rejected(
        check_dataset_schema,
        categorical,
        "Interactions",
        domain,
        needles=("EVENT_TYPE", "categorical"),
    )


@pytest.mark.parametrize(
    ("fields", "needles"),
    [
        ((ITEM_ID, f("CREATION_TIMESTAMP", "long")), ("GENRES", "missing")),
        ((ITEM_ID, f("GENRES", "string", categorical=True)), ("CREATION_TIMESTAMP", "missing")),
        (
            (ITEM_ID, f("GENRES", "string"), f("CREATION_TIMESTAMP", "long")),
            ("GENRES", "categorical"),
        ),
        (
            (ITEM_ID, f("GENRES", "string", categorical=True), f("CREATION_TIMESTAMP", "int")),
            ("CREATION_TIMESTAMP", "long"),
        ),
        (
            (
                ITEM_ID,
                f("GENRES", "string", categorical=True),
                f("CREATION_TIMESTAMP", "long"),
                f("PRICE", ["null", "float"]),
            ),
            ("PRICE", "nullable"),
        ),
        (
            (
                ITEM_ID,
                f("GENRES", "string", categorical=True),
                f("CREATION_TIMESTAMP", "long"),
                f("GENRE_L2", "string"),
            ),
            ("GENRE_L2", "categorical"),
        ),
        (
            (
                ITEM_ID,
                f("GENRES", "string", categorical=True),
                f("CREATION_TIMESTAMP", "long"),
                f("PRODUCT_DESCRIPTION", "string"),
            ),
            ("PRODUCT_DESCRIPTION", "textual"),
        ),
    ],
)
def test_vod_items_rules(fields, needles):
    schema = parsed("Items", *fields)
    rejected(check_dataset_schema, schema, "Items", "VIDEO_ON_DEMAND", needles=needles)
    rejected(check_schema_for_domain, schema, "VIDEO_ON_DEMAND", needles=needles)


def test_vod_required_fields_are_not_nullable():
    # The guide lists GENRES as (categorical string), without null, unlike GENRE_L2 and GENRE_L3.
    schema = parse_avro(MOVIELENS_ITEMS)
    check_dataset_schema(schema, "Items", None)
    rejected(
        check_dataset_schema, schema, "Items", "VIDEO_ON_DEMAND", needles=("GENRES", "nullable")
    )


def test_vod_items_with_reserved_keywords():
    schema = parsed(
        "Items",
        ITEM_ID,
        f("GENRES", "string", categorical=True),
        f("CREATION_TIMESTAMP", "long"),
        f("PRICE", "float"),
        f("DURATION", "float"),
        f("GENRE_L2", ["null", "string"], categorical=True),
        f("AVERAGE_RATING", ["null", "float"]),
        f("PRODUCT_DESCRIPTION", ["null", "string"], textual=True),
        f("CONTENT_OWNER", ["null", "string"], categorical=True),
    )
    check_dataset_schema(schema, "Items", "VIDEO_ON_DEMAND")
    assert [x.name for x in metadata_fields(schema, "Items", "VIDEO_ON_DEMAND")] == []
    # In a custom group the same names are ordinary metadata.
    assert "PRICE" in [x.name for x in metadata_fields(schema, "Items")]


@pytest.mark.parametrize(
    ("fields", "needles"),
    [
        ((ITEM_ID, f("CATEGORY_L1", "string", categorical=True)), ("PRICE", "missing")),
        ((ITEM_ID, f("PRICE", "float")), ("CATEGORY_L1", "missing")),
        (
            (ITEM_ID, f("PRICE", "double"), f("CATEGORY_L1", "string", categorical=True)),
            ("PRICE", "float"),
        ),
        (
            (ITEM_ID, f("PRICE", "float"), f("CATEGORY_L1", "string")),
            ("CATEGORY_L1", "categorical"),
        ),
        (
            (
                ITEM_ID,
                f("PRICE", "float"),
                f("CATEGORY_L1", "string", categorical=True),
                f("GENDER", "string"),
            ),
            ("GENDER", "categorical"),
        ),
        (
            (
                ITEM_ID,
                f("PRICE", "float"),
                f("CATEGORY_L1", "string", categorical=True),
                f("CREATION_TIMESTAMP", "string"),
            ),
            ("CREATION_TIMESTAMP",),
        ),
    ],
)
def test_ecommerce_items_rules(fields, needles):
    schema = parsed("Items", *fields)
    rejected(check_dataset_schema, schema, "Items", "ECOMMERCE", needles=needles)


@pytest.mark.parametrize("kind", ["long", "float"])
def test_ecommerce_creation_timestamp_long_or_float(kind):
    # The guide's ECOMMERCE pages disagree (table: long, items page: float): both pass.
    schema = parsed(
        "Items",
        ITEM_ID,
        f("PRICE", "float"),
        f("CATEGORY_L1", "string", categorical=True),
        f("CREATION_TIMESTAMP", kind),
    )
    check_dataset_schema(schema, "Items", "ECOMMERCE")


def test_vod_items_are_not_ecommerce_items():
    schema = parse_avro(VOD_ITEMS)
    rejected(check_dataset_schema, schema, "Items", "ECOMMERCE", needles=("PRICE",))
    rejected(check_schema_for_domain, schema, "ECOMMERCE", needles=("PRICE",))


def test_domain_users():
    # VOD: the default schema's SUBSCRIPTION_MODEL (reserved) is the one metadata field.
    check_dataset_schema(parse_avro(VOD_USERS), "Users", "VIDEO_ON_DEMAND")
    plain = parsed("Users", USER_ID, f("SUBSCRIPTION_MODEL", "string"))
    rejected(
        check_dataset_schema, plain, "Users", "VIDEO_ON_DEMAND", needles=("SUBSCRIPTION_MODEL",)
    )
    # ECOMMERCE has no reserved user field: SUBSCRIPTION_MODEL is ordinary metadata there.
    check_dataset_schema(parse_avro(VOD_USERS), "Users", "ECOMMERCE")
    rejected(
        check_dataset_schema,
        parsed("Users", USER_ID),
        "Users",
        "ECOMMERCE",
        needles=("at least 1 metadata field",),
    )


@pytest.mark.parametrize("domain", ["VIDEO_ON_DEMAND", "ECOMMERCE"])
@pytest.mark.parametrize(
    ("text", "kind"),
    [(GUIDE_ACTIONS, "Actions"), (GUIDE_ACTION_INTERACTIONS, "Action_Interactions")],
)
def test_no_actions_in_domain_groups(domain, text, kind):
    schema = parse_avro(text)
    rejected(check_dataset_schema, schema, kind, domain, needles=(kind, "domain"))
    rejected(check_schema_for_domain, schema, domain, needles=(domain,))


def test_unknown_domain():
    schema = parse_avro(MOVIELENS_INTERACTIONS)
    rejected(check_dataset_schema, schema, "Interactions", "RETAIL", needles=("RETAIL",))
    rejected(check_schema_for_domain, schema, "RETAIL", needles=("RETAIL",))


def test_domain_schema_needs_a_dataset_type_name():
    schema = parsed("MovieRatings", USER_ID, ITEM_ID, EVENT_TYPE, TIMESTAMP)
    rejected(check_schema_for_domain, schema, "VIDEO_ON_DEMAND", needles=("MovieRatings",))


def test_domain_schema_checked_at_create_schema():
    schema = parse_avro(DOMAIN_INTERACTIONS)
    check_schema_for_domain(schema, "ECOMMERCE")
    no_event_type = parsed("Interactions", USER_ID, ITEM_ID, TIMESTAMP)
    rejected(check_schema_for_domain, no_event_type, "ECOMMERCE", needles=("EVENT_TYPE",))


# --- helpers for imports and PutItems / PutUsers --------------------------------------------


def test_reserved_fields_per_dataset_type():
    assert set(RESERVED_FIELDS) == set(DATASET_TYPES)
    assert RESERVED_FIELDS["Interactions"] == {
        "USER_ID",
        "ITEM_ID",
        "TIMESTAMP",
        "EVENT_TYPE",
        "EVENT_VALUE",
        "IMPRESSION",
        "RECOMMENDATION_ID",
        "EVENT_ATTRIBUTION_SOURCE",
    }
    assert RESERVED_FIELDS["Items"] == {"ITEM_ID", "CREATION_TIMESTAMP"}
    assert RESERVED_FIELDS["Users"] == {"USER_ID"}
    assert "ACTION_ID" in RESERVED_FIELDS["Actions"]
    assert {"USER_ID", "ACTION_ID", "EVENT_TYPE", "TIMESTAMP"} <= RESERVED_FIELDS[
        "Action_Interactions"
    ]
    assert reserved_fields("items", "ECOMMERCE") >= {"PRICE", "CATEGORY_L1", "GENDER"}


def test_metadata_fields():
    interactions = parse_avro(GUIDE_INTERACTIONS)
    assert [x.name for x in metadata_fields(interactions, "Interactions")] == ["LOCATION", "DEVICE"]
    items = parse_avro(MOVIELENS_ITEMS)
    assert [x.name for x in metadata_fields(items, "ITEMS")] == ["GENRES", "YEAR"]
    users = parsed("Users", f("user_id", "string"), f("Age", "int"))
    assert metadata_fields(users, "Users") == [Field("Age", "int")]
