"""Schemas: CreateSchema, DescribeSchema, ListSchemas, DeleteSchema."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..data import schemas as avro
from ..serving.payloads import SchemaPayload
from .common import check_quota, register, require_unused, summaries

KIND = "schema"
#: Active schemas per region.
MAX_SCHEMAS = 500


def create_schema(ctx: Context, name: str, schema: str, domain: str | None = None) -> dict:
    parsed = avro.parse_avro(schema)
    if domain:
        avro.check_schema_for_domain(parsed, domain)
    check_quota(
        len(ctx.state.of_kind(KIND)),
        MAX_SCHEMAS,
        f"Cannot create more than {MAX_SCHEMAS} schemas. Delete some and try again.",
    )
    arn = ctx.arn(KIND, name)
    attrs: dict[str, Any] = {"name": name, "schemaArn": arn, "schema": schema, "domain": domain}
    register(ctx, KIND, arn, attrs, data=SchemaPayload(parsed))
    return {"schemaArn": arn}


def describe_schema(ctx: Context, schema_arn: str) -> dict:
    return {"schema": ctx.state.get(KIND, schema_arn).describe(ctx.now)}


def list_schemas(
    ctx: Context, next_token: str | None = None, max_results: int | None = None
) -> dict:
    rows, token = summaries(
        ctx, ctx.state.of_kind(KIND), "DatasetSchemaSummary", max_results, next_token, {}
    )
    return {"schemas": rows, "nextToken": token}


def delete_schema(ctx: Context, schema_arn: str) -> None:
    resource = ctx.state.get(KIND, schema_arn)
    users = [d for d in ctx.state.of_kind("dataset") if d.attrs["schemaArn"] == schema_arn]
    require_unused(users, "dataset", schema_arn)
    ctx.state.resources.pop(resource.arn)
