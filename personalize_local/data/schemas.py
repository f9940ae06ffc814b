"""Avro dataset schemas: parsing and the service's rules per dataset type and domain.

Three entry points follow the API:

* :func:`parse_avro` runs at CreateSchema: the text must be a flat Avro ``record`` of the
  primitive types Amazon Personalize supports.
* :func:`check_schema_for_domain` also runs at CreateSchema when ``domain`` is given.
* :func:`check_dataset_schema` runs at CreateDataset and UpdateDataset, when the dataset type and
  the dataset group's domain are known: required fields, reserved keywords, metadata limits.

Sources: the live developer guide (docs.aws.amazon.com/personalize/latest/dg/):
``how-it-works-dataset-schema``, ``custom-datasets-and-schemas`` and the per-type pages
(``interactions-``, ``item-``, ``user-``, ``action-`` and
``action-interactions-dataset-requirements``), ``VIDEO-ON-DEMAND-*`` and ``ECOMMERCE-*``
(datasets-and-schemas, items-, users-, interactions-dataset), ``limits`` (service quotas) and
``API_CreateDataset`` / ``API_CreateSchema``.
Where the 2023 snapshot of the guide (https://github.com/awsdocs/amazon-personalize-developer-guide)
differs from the
live guide, the live guide wins and a comment says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from ..errors import InvalidInputException

#: Canonical dataset type names, as the service spells them in ``datasetType``.
DATASET_TYPES = ("Interactions", "Items", "Users", "Actions", "Action_Interactions")

PRIMITIVE_TYPES = ("string", "int", "long", "float", "double", "boolean")

#: Domains of domain dataset groups (CreateDatasetGroup / CreateSchema ``domain``).
DOMAINS = ("ECOMMERCE", "VIDEO_ON_DEMAND")

# Avro names: letters, digits and underscores, not starting with a digit (Avro spec, "Names").
_AVRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Types Avro has but Personalize does not: "schemas don't support complex types such as arrays
# and maps", and ``bytes`` is not among the documented "Schema data types".
_COMPLEX_TYPES = ("array", "map", "enum", "fixed")


@dataclass(frozen=True)
class Field:
    """One column of a dataset: a flat Avro field."""

    name: str
    type: str  # one of PRIMITIVE_TYPES
    nullable: bool = False
    categorical: bool = False
    textual: bool = False

    @property
    def numeric(self) -> bool:
        return self.type in ("int", "long", "float", "double")


@dataclass(frozen=True)
class DatasetSchema:
    """A parsed schema: the Avro record name and its fields in column order."""

    record_name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        """The field called ``name`` (case-insensitive, as the service matches columns)."""
        wanted = name.upper()
        return next((f for f in self.fields if f.name.upper() == wanted), None)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


# --------------------------------------------------------------------------------------------
# Rules per dataset type and domain
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """What a required field or reserved keyword must look like.

    ``categorical`` / ``textual``: True = must be set, False = must not be set, None = either.
    """

    types: tuple[str, ...]
    nullable: bool = False
    categorical: bool | None = False
    textual: bool | None = False

    def describe(self) -> str:
        kind = " or ".join(self.types)
        if self.categorical:
            kind = f"categorical {kind}"
        if self.textual:
            kind = f"textual {kind}"
        return f"{kind}, null" if self.nullable else kind


_STRING = _Rule(("string",))
_LONG = _Rule(("long",))
_NULL_STRING = _Rule(("string",), nullable=True)
_NULL_FLOAT = _Rule(("float",), nullable=True)
_NULL_LONG = _Rule(("long",), nullable=True)
_CATEGORICAL = _Rule(("string",), categorical=True)
_NULL_CATEGORICAL = _Rule(("string",), nullable=True, categorical=True)
_NULL_TEXTUAL = _Rule(("string",), nullable=True, textual=True)


@dataclass(frozen=True)
class _Spec:
    """The rules for one dataset type in one kind of dataset group."""

    required: dict[str, _Rule]
    reserved: dict[str, _Rule] = dataclass_field(default_factory=dict)
    #: At least this many metadata fields (categorical/textual string or non-string).
    min_metadata: int = 0
    #: At most this many metadata fields (reserved keywords excluded); None = no documented limit.
    max_metadata: int | None = None
    #: At most this many columns in all; None = no documented limit.
    max_columns: int | None = None
    #: Only Items schemas support ``textual`` fields; at most this many of them.
    max_textual: int = 0
    #: Reserved keywords that also satisfy ``min_metadata`` (see VOD Users below).
    counts_as_metadata: frozenset[str] = frozenset()

    def names(self) -> frozenset[str]:
        return frozenset(self.required) | frozenset(self.reserved)


_INTERACTION_RESERVED = {
    # "You must define an EVENT_TYPE field as a string and can't be set as categorical."
    "EVENT_TYPE": _STRING,
    "EVENT_VALUE": _NULL_FLOAT,
    "IMPRESSION": _NULL_STRING,
    "RECOMMENDATION_ID": _NULL_STRING,
    "EVENT_ATTRIBUTION_SOURCE": _NULL_STRING,
}
_INTERACTION_REQUIRED = {"USER_ID": _STRING, "ITEM_ID": _STRING, "TIMESTAMP": _LONG}
# Quotas page: "Maximum number of metadata columns, excluding reserved fields, in an Item
# interactions dataset: 5". (The cap of 10 on distinct event types plus optional metadata
# columns depends on the data, so it is checked at import, not here.)
_MAX_INTERACTION_METADATA = 5
# Live quotas: Items 100 metadata fields and 1 textual field, Users 25 metadata fields. The 2023
# guide said Items 50 and Users 5: the live guide wins.
_MAX_ITEM_METADATA = 100
_MAX_ITEM_TEXTUAL = 1
_MAX_USER_METADATA = 25
# action-dataset-requirements: "You can add up to 10 columns"; actions-datasets: "The maximum
# number of columns is 10".
_MAX_ACTION_COLUMNS = 10

_CUSTOM: dict[str, _Spec] = {
    "Interactions": _Spec(
        required=_INTERACTION_REQUIRED,
        reserved=_INTERACTION_RESERVED,
        max_metadata=_MAX_INTERACTION_METADATA,
    ),
    "Items": _Spec(
        required={"ITEM_ID": _STRING},
        reserved={"CREATION_TIMESTAMP": _LONG},
        min_metadata=1,
        max_metadata=_MAX_ITEM_METADATA,
        max_textual=_MAX_ITEM_TEXTUAL,
    ),
    "Users": _Spec(
        required={"USER_ID": _STRING},
        min_metadata=1,
        max_metadata=_MAX_USER_METADATA,
    ),
    "Actions": _Spec(
        required={"ACTION_ID": _STRING},
        reserved={
            "CREATION_TIMESTAMP": _LONG,
            "VALUE": _NULL_LONG,
            # The guide gives TYPE as (string, null) without saying whether it is categorical.
            "TYPE": _Rule(("string",), nullable=True, categorical=None),
            "EXPIRATION_TIMESTAMP": _NULL_LONG,
            "REPEAT_FREQUENCY": _NULL_LONG,
        },
        min_metadata=1,
        max_columns=_MAX_ACTION_COLUMNS,
    ),
    # No metadata limit is documented for Action interactions.
    "Action_Interactions": _Spec(
        required={
            "USER_ID": _STRING,
            "ACTION_ID": _STRING,
            "EVENT_TYPE": _STRING,
            "TIMESTAMP": _LONG,
        },
        reserved={"IMPRESSION": _NULL_STRING, "RECOMMENDATION_ID": _NULL_STRING},
    ),
}

# Domain Interactions: EVENT_TYPE moves from reserved to required ("Watch"/"Click" for VOD,
# "View"/"Purchase" for ECOMMERCE, depending on the use case: checked at training, not here).
_DOMAIN_INTERACTIONS = _Spec(
    required={**_INTERACTION_REQUIRED, "EVENT_TYPE": _STRING},
    reserved={k: v for k, v in _INTERACTION_RESERVED.items() if k != "EVENT_TYPE"},
    max_metadata=_MAX_INTERACTION_METADATA,
)

_DOMAIN: dict[str, dict[str, _Spec]] = {
    "VIDEO_ON_DEMAND": {
        "Interactions": _DOMAIN_INTERACTIONS,
        # VIDEO-ON-DEMAND-items-dataset. The 2023 default schema named the genre field GENRES_L1;
        # the requirement list (then and now) says GENRES, which is what we require. The live page
        # lists PRICE and DURATION as (float) without null, where the 2023 table (and the
        # reference, section 4.4) allowed null: the live guide wins.
        "Items": _Spec(
            required={
                "ITEM_ID": _STRING,
                "GENRES": _CATEGORICAL,
                "CREATION_TIMESTAMP": _LONG,
            },
            reserved={
                "PRICE": _Rule(("float",)),
                "DURATION": _Rule(("float",)),
                "GENRE_L2": _NULL_CATEGORICAL,
                "GENRE_L3": _NULL_CATEGORICAL,
                "AVERAGE_RATING": _NULL_FLOAT,
                "PRODUCT_DESCRIPTION": _NULL_TEXTUAL,
                "CONTENT_OWNER": _NULL_CATEGORICAL,
                "CONTENT_CLASSIFICATION": _NULL_CATEGORICAL,
            },
            max_metadata=_MAX_ITEM_METADATA,
            max_textual=_MAX_ITEM_TEXTUAL,
        ),
        # The default VOD Users schema is USER_ID plus SUBSCRIPTION_MODEL alone, yet the table
        # asks for "1 metadata field": so the reserved SUBSCRIPTION_MODEL must count as one.
        "Users": _Spec(
            required={"USER_ID": _STRING},
            reserved={"SUBSCRIPTION_MODEL": _CATEGORICAL},
            min_metadata=1,
            max_metadata=_MAX_USER_METADATA,
            counts_as_metadata=frozenset({"SUBSCRIPTION_MODEL"}),
        ),
    },
    "ECOMMERCE": {
        "Interactions": _DOMAIN_INTERACTIONS,
        "Items": _Spec(
            required={"ITEM_ID": _STRING, "PRICE": _Rule(("float",)), "CATEGORY_L1": _CATEGORICAL},
            reserved={
                "CATEGORY_L2": _NULL_CATEGORICAL,
                "CATEGORY_L3": _NULL_CATEGORICAL,
                "PRODUCT_DESCRIPTION": _NULL_TEXTUAL,
                # The ECOMMERCE-items page says CREATION_TIMESTAMP (float); the ECOMMERCE table
                # and every other dataset say long. The guide contradicts itself: accept both.
                "CREATION_TIMESTAMP": _Rule(("long", "float")),
                "AGE_GROUP": _NULL_CATEGORICAL,
                "ADULT": _NULL_CATEGORICAL,
                "GENDER": _NULL_CATEGORICAL,
            },
            max_metadata=_MAX_ITEM_METADATA,
            max_textual=_MAX_ITEM_TEXTUAL,
        ),
        "Users": _Spec(
            required={"USER_ID": _STRING},
            min_metadata=1,
            max_metadata=_MAX_USER_METADATA,
        ),
    },
}

#: Names that are not metadata, per dataset type in a custom dataset group: the id and timestamp
#: fields plus the reserved keywords. Upper case; match field names case-insensitively.
RESERVED_FIELDS: dict[str, frozenset[str]] = {kind: spec.names() for kind, spec in _CUSTOM.items()}

# No valid schema of any type can have more fields than this, so CreateSchema can refuse longer
# ones before it knows the dataset type.
MAX_FIELDS = max(
    spec.max_columns or len(spec.names()) + (spec.max_metadata or 0)
    for spec in [*_CUSTOM.values(), *(s for d in _DOMAIN.values() for s in d.values())]
)


def _invalid(message: str) -> InvalidInputException:
    return InvalidInputException(message)


def canonical_dataset_type(text: str) -> str:
    """The DATASET_TYPES spelling of a request's ``datasetType`` (matched case-insensitively)."""
    wanted = (text or "").strip().upper()
    for kind in DATASET_TYPES:
        if kind.upper() == wanted:
            return kind
    raise _invalid(
        f"Invalid dataset type: {text!r}. Valid values (case insensitive) are "
        f"{', '.join(DATASET_TYPES)}."
    )


def _spec_for(dataset_type: str, domain: str | None) -> _Spec:
    if domain is None:
        return _CUSTOM[dataset_type]
    if domain not in _DOMAIN:
        raise _invalid(f"Invalid domain: {domain!r}. Valid values are {', '.join(DOMAINS)}.")
    spec = _DOMAIN[domain].get(dataset_type)
    if spec is None:
        # "You can't create next best action resources, including Actions and Action
        # Interactions datasets, in a domain dataset group."
        raise _invalid(
            f"A {dataset_type} dataset can't be created in a domain dataset group "
            f"({domain}). Actions and Action_Interactions datasets need a custom dataset group."
        )
    return spec


def reserved_fields(dataset_type: str, domain: str | None = None) -> frozenset[str]:
    """Required and reserved names (upper case) of ``dataset_type`` in a group of ``domain``."""
    return _spec_for(canonical_dataset_type(dataset_type), domain).names()


def metadata_fields(
    schema: DatasetSchema, dataset_type: str, domain: str | None = None
) -> list[Field]:
    """The schema's metadata fields: neither ids, timestamps nor reserved keywords, in order."""
    skip = reserved_fields(dataset_type, domain)
    return [f for f in schema.fields if f.name.upper() not in skip]


def _squash(name: str) -> str:
    """A name as the service compares names: alphanumerics only, case folded."""
    return re.sub(r"[^A-Za-z0-9]", "", name).upper()


def _dataset_type_of_record(record_name: str) -> str | None:
    """The dataset type a record name stands for ("ActionInteractions" is Action_Interactions)."""
    short = _squash(record_name.rsplit(".", 1)[-1])
    return next((kind for kind in DATASET_TYPES if _squash(kind) == short), None)


def _check_rule(name: str, found: Field, rule: _Rule, where: str) -> None:
    if found.type not in rule.types:
        raise _invalid(
            f"Field {name} in the {where} schema must be of type {' or '.join(rule.types)}, "
            f"not {found.type}."
        )
    if found.nullable and not rule.nullable:
        raise _invalid(f"Field {name} in the {where} schema can't be nullable ({rule.describe()}).")
    if rule.categorical is True and not found.categorical:
        raise _invalid(
            f"Field {name} in the {where} schema is a reserved categorical string field and "
            f'must set "categorical": true.'
        )
    if rule.categorical is False and found.categorical:
        raise _invalid(
            f"Field {name} in the {where} schema is a reserved string field and can't be "
            f"categorical."
        )
    if rule.textual is True and not found.textual:
        raise _invalid(f'Field {name} in the {where} schema must set "textual": true.')
    if rule.textual is False and found.textual:
        raise _invalid(f"Field {name} in the {where} schema can't be textual.")


def check_dataset_schema(schema: DatasetSchema, dataset_type: str, domain: str | None) -> None:
    """Apply the rules for a ``dataset_type`` dataset in a dataset group of ``domain``.

    ``domain`` None means a custom dataset group. Raises InvalidInputException naming the field.
    """
    kind = canonical_dataset_type(dataset_type)
    spec = _spec_for(kind, domain)
    where = f"{domain} {kind}" if domain else kind

    # "A schema has a name key whose value must match the dataset type." Compared like field
    # names, so the guide's own Action interactions example ("ActionInteractions") matches.
    if _dataset_type_of_record(schema.record_name) != kind:
        raise _invalid(
            f"The schema's record name {schema.record_name!r} doesn't match the dataset type "
            f"{kind}. A schema's name must match the type of the dataset that uses it."
        )

    for name, rule in spec.required.items():
        found = schema.field(name)
        if found is None:
            raise _invalid(
                f"The {where} schema is missing the required field {name} ({rule.describe()})."
            )
        _check_rule(name, found, rule, where)
    for name, rule in spec.reserved.items():
        found = schema.field(name)
        if found is not None:
            _check_rule(name, found, rule, where)

    if spec.max_columns is not None and len(schema.fields) > spec.max_columns:
        raise _invalid(
            f"The {where} schema has {len(schema.fields)} fields; at most "
            f"{spec.max_columns} columns are allowed."
        )

    skip = spec.names()
    metadata = [f for f in schema.fields if f.name.upper() not in skip]
    textual = [f for f in schema.fields if f.textual]
    if textual and not spec.max_textual:
        raise _invalid(
            f"Field {textual[0].name} in the {where} schema is textual; only Items schemas "
            f"support fields with the textual attribute."
        )
    if len(textual) > spec.max_textual:
        raise _invalid(
            f"The {where} schema has {len(textual)} textual fields "
            f"({', '.join(f.name for f in textual)}); at most {spec.max_textual} is allowed."
        )
    if spec.max_metadata is not None and len(metadata) > spec.max_metadata:
        raise _invalid(
            f"The {where} schema has {len(metadata)} metadata fields "
            f"({', '.join(f.name for f in metadata)}); at most {spec.max_metadata} are allowed, "
            f"excluding required and reserved fields."
        )
    # String metadata without categorical/textual is allowed: the live guide says Amazon
    # Personalize then doesn't use it for training ("Non-categorical string data"), not that the
    # schema is refused. So only categorical/textual strings and non-strings count towards the
    # "1 metadata field (categorical string or numerical)" minimum.
    usable = [
        f
        for f in schema.fields
        if (f.name.upper() not in skip or f.name.upper() in spec.counts_as_metadata)
        and (f.type != "string" or f.categorical or f.textual)
    ]
    if len(usable) < spec.min_metadata:
        plain = [f.name for f in metadata if f.type == "string"]
        hint = (
            f' String fields ({", ".join(plain)}) count only with "categorical": true'
            + (' or "textual": true.' if spec.max_textual else ".")
            if plain
            else ""
        )
        usable_kinds = "categorical or textual string" if spec.max_textual else "categorical string"
        raise _invalid(
            f"The {where} schema needs at least {spec.min_metadata} metadata field "
            f"(a {usable_kinds} or a numerical field) besides its required and reserved "
            f"fields.{hint}"
        )


def check_schema_for_domain(schema: DatasetSchema, domain: str) -> None:
    """CreateSchema with ``domain``: the schema must satisfy that domain's rules for its type.

    The guide does not say whether CreateSchema itself validates a domain schema. But a schema's
    record name must match its dataset type, so the type is known here, and the only use
    CreateSchema has for ``domain`` is to tie the schema to that domain's requirements. So the
    emulator checks now what CreateDataset would check later in a group of that domain, and
    refuses early: an inference, since the guide is silent on when the check happens.
    """
    if domain not in _DOMAIN:
        raise _invalid(f"Invalid domain: {domain!r}. Valid values are {', '.join(DOMAINS)}.")
    kind = _dataset_type_of_record(schema.record_name)
    if kind is None or kind not in _DOMAIN[domain]:
        raise _invalid(
            f"The schema's record name {schema.record_name!r} isn't a dataset type of the "
            f"{domain} domain. A domain schema's name must be one of "
            f"{', '.join(_DOMAIN[domain])}."
        )
    check_dataset_schema(schema, kind, domain)


# --------------------------------------------------------------------------------------------
# Avro parsing
# --------------------------------------------------------------------------------------------


def _describe_type(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def _one_type(name: str, value: Any) -> str:
    """A union member or plain field type, reduced to a primitive name (or "null")."""
    if isinstance(value, dict):
        inner = value.get("type")
        if inner == "record":
            raise _invalid(
                f"Invalid schema: field {name} has a nested record. Schemas must be flat: a field "
                f"can't be the parent of sub-fields."
            )
        if inner in _COMPLEX_TYPES:
            raise _invalid(
                f"Invalid schema: field {name} has the complex type {inner}. Amazon Personalize "
                f"schemas don't support complex types such as arrays and maps."
            )
        if isinstance(inner, str) and (inner in PRIMITIVE_TYPES or inner in ("null", "bytes")):
            value = inner  # {"type": "long", "logicalType": ...} is a long to Avro readers
        else:
            raise _invalid(
                f"Invalid schema: field {name} has an invalid type {_describe_type(value)}."
            )
    if not isinstance(value, str):
        raise _invalid(f"Invalid schema: field {name} has an invalid type {_describe_type(value)}.")
    if value == "record":
        raise _invalid(
            f"Invalid schema: field {name} has a nested record. Schemas must be flat: a field "
            f"can't be the parent of sub-fields."
        )
    if value in _COMPLEX_TYPES:
        raise _invalid(
            f"Invalid schema: field {name} has the complex type {value}. Amazon Personalize "
            f"schemas don't support complex types such as arrays and maps."
        )
    if value not in PRIMITIVE_TYPES and value != "null":
        raise _invalid(
            f"Invalid schema: field {name} has the unsupported type {value!r}. Supported types "
            f"are {', '.join(PRIMITIVE_TYPES)} and null."
        )
    return value


def _field_type(name: str, declared: Any) -> tuple[str, bool]:
    """(primitive type, nullable) of a field's ``type``; unions only of one type and "null"."""
    if isinstance(declared, list):
        if not declared:
            raise _invalid(f"Invalid schema: field {name} has an empty union type.")
        members = [_one_type(name, member) for member in declared]
        non_null = [m for m in members if m != "null"]
        if len(members) != len(set(members)) or len(non_null) != 1:
            raise _invalid(
                f"Invalid schema: field {name} has the unsupported union "
                f"{_describe_type(declared)}."
                f' A union can only combine one type with "null", for example ["null", "string"].'
            )
        return non_null[0], "null" in members
    kind = _one_type(name, declared)
    if kind == "null":
        raise _invalid(
            f'Invalid schema: field {name} has type "null" only. Add the null type in a union '
            f'with a data type, for example ["null", "string"].'
        )
    return kind, False


def _flag(name: str, raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _invalid(
            f'Invalid schema: field {name} has "{key}": {_describe_type(value)}; '
            f"it must be true or false."
        )
    return value


def _parse_field(index: int, raw: Any) -> Field:
    if not isinstance(raw, dict):
        raise _invalid(
            f"Invalid schema: fields[{index}] must be a JSON object with a name and a type."
        )
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise _invalid(f"Invalid schema: fields[{index}] has no name.")
    if not _AVRO_NAME.fullmatch(name):
        raise _invalid(
            f"Invalid schema: field name {name!r} is not a valid Avro name. Names start with a "
            f"letter or underscore and contain only letters, digits and underscores."
        )
    if "type" not in raw:
        raise _invalid(f"Invalid schema: field {name} has no type.")
    kind, nullable = _field_type(name, raw["type"])
    categorical = _flag(name, raw, "categorical")
    textual = _flag(name, raw, "textual")
    if categorical and kind != "string":
        raise _invalid(
            f"Invalid schema: field {name} is categorical but has type {kind}. Only string fields "
            f"can be categorical."
        )
    if textual and kind != "string":
        raise _invalid(
            f"Invalid schema: field {name} is textual but has type {kind}. Only string fields can "
            f"be textual."
        )
    if categorical and textual:
        raise _invalid(f"Invalid schema: field {name} can't be both categorical and textual.")
    return Field(name, kind, nullable, categorical, textual)


def parse_avro(text: str) -> DatasetSchema:
    """Parse CreateSchema's ``schema`` member: a flat Avro record of supported primitive types."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise _invalid("Invalid schema: the schema is nested too deeply.") from None
    except (TypeError, ValueError) as error:
        raise _invalid(f"Invalid schema: the schema is not valid JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("type") != "record":
        found = document.get("type") if isinstance(document, dict) else document
        raise _invalid(
            f'Invalid schema: the schema must be an Avro record ("type": "record"), not '
            f"{_describe_type(found)}."
        )
    record_name = document.get("name")
    if not isinstance(record_name, str) or not record_name:
        raise _invalid(
            "Invalid schema: the record has no name. The name must match the dataset type."
        )
    # A full name may carry a namespace ("com.example.Interactions"): each part is an Avro name.
    if not all(_AVRO_NAME.fullmatch(part) for part in record_name.split(".")):
        raise _invalid(f"Invalid schema: record name {record_name!r} is not a valid Avro name.")
    raw_fields = document.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise _invalid("Invalid schema: the record must have a non-empty list of fields.")
    if len(raw_fields) > MAX_FIELDS:
        raise _invalid(
            f"Invalid schema: the record has {len(raw_fields)} fields; no dataset type allows "
            f"more than {MAX_FIELDS}."
        )
    fields = tuple(_parse_field(index, raw) for index, raw in enumerate(raw_fields))
    # "Schema fields must have unique alphanumeric names. For example, you can't add both a
    # GENRES_FIELD_1 field and a GENRESFIELD1 field." Compared case-insensitively as well: the
    # service maps camelCase keys of PutEvents/PutItems/PutUsers properties (eventType ->
    # EVENT_TYPE) and filter fields onto schema fields without regard to case, so names that
    # differ only in case or underscores would collide there.
    seen: dict[str, str] = {}
    for f in fields:
        key = _squash(f.name)
        if key in seen:
            raise _invalid(
                f"Invalid schema: field names {seen[key]} and {f.name} are the same once "
                f"non-alphanumeric characters are removed (and case is ignored). Schema fields "
                f"must have unique alphanumeric names."
            )
        seen[key] = f.name
    return DatasetSchema(record_name, fields)
