"""Metric attributions: reports of what events (and their items) each recommendation source drove.

One metric attribution per dataset group holds up to 10 metrics ``{eventType, metricName,
expression}``; an expression is ``SAMPLECOUNT()`` or ``SUM(<Items|Interactions>.<numeric
column>)``. Reports aggregate each metric's events per event attribution source and 15-minute
window, in the CSV the guide shows ("Publishing metric attribution reports to Amazon S3")::

    METRIC_NAME,EVENT_TYPE,VALUE,MATH_FUNCTION,EVENT_ATTRIBUTION_SOURCE,TIMESTAMP

Sources: the guide's "Measuring impact of recommendations" pages (one attribution per group,
10 metrics, the Interactions dataset needs EVENT_TYPE, data imported before the attribution
is not reported, events without a source are labelled SOURCE_NAME_UNDEFINED, a new file
``AggregatedAttributionMetrics - ImportMethod - Timestamp.csv`` per publication), botocore's
model for shapes and error lists, and
https://docs.aws.amazon.com/personalize/latest/dg/metric-attributions.html.

Cadence. The service aggregates over 15-minute windows and sends PutEvents (and incremental
import) metrics to CloudWatch, and writes an S3 file when an import job that sets
``publishAttributionMetricsToS3`` completes. personalize-local emulates no CloudWatch, so it
also writes the PutEvents metrics to S3, and it publishes when a client looks: every
DescribeMetricAttribution, ListMetricAttributions, ListMetricAttributionMetrics and
UpdateMetricAttribution first writes a report of the events recorded since the last one
(method ``PUT_EVENTS``) and one per publishing import job completed since (method = the job's
import mode). Nothing else would notice new events without a timer thread, and a client that
waits for a report polls exactly these operations. Reports go through the endpoint's S3 API
with the attribution's role, as export jobs do; a report that cannot be written names the
problem in ``failureReason`` (the attribution stays ACTIVE). Inferred where the guide is
silent: file-name spelling, window alignment (epoch multiples of 900 s), value format.
Not emulated: attributing events by ``recommendationId`` (they count as SOURCE_NAME_UNDEFINED
unless they carry an eventAttributionSource), the 100-source limit, KMS.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from ..aws import access
from ..aws.access import S3Location
from ..aws.clients import AwsClients
from ..context import Context
from ..errors import InvalidInputException, ResourceAlreadyExistsException
from ..serving.datasets import contents, datasets_of, schema_of
from ..serving.payloads import MetricAttributionPayload
from ..store.jobs import JobFailure
from ..store.pagination import paginate
from ..store.state import Resource
from . import dataset_groups, import_jobs
from .common import register, require_status, summaries

KIND = "metric-attribution"
MAX_METRICS = 10
#: "Amazon Personalize aggregates calculations over a 15-minute window."
WINDOW_SECONDS = 900
UNDEFINED_SOURCE = "SOURCE_NAME_UNDEFINED"
HEADER = (
    "METRIC_NAME",
    "EVENT_TYPE",
    "VALUE",
    "MATH_FUNCTION",
    "EVENT_ATTRIBUTION_SOURCE",
    "TIMESTAMP",
)
REPORT_PREFIX = "AggregatedAttributionMetrics"
EVENTS_METHOD = "PUT_EVENTS"
NUMERIC = ("int", "long", "float", "double")

_SAMPLECOUNT = re.compile(r"\s*SAMPLECOUNT\s*\(\s*\)\s*", re.IGNORECASE)
_SUM = re.compile(
    r"\s*SUM\s*\(\s*([A-Za-z_]+)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", re.IGNORECASE
)
_DATASETS = {"ITEMS": "Items", "INTERACTIONS": "Interactions"}


@dataclass(frozen=True)
class Expression:
    """A parsed metric expression: ``samplecount``, or ``sum`` of a dataset column."""

    function: str
    dataset: str | None = None
    column: str | None = None


def parse_expression(text: str) -> Expression:
    if _SAMPLECOUNT.fullmatch(text):
        return Expression("samplecount")
    match = _SUM.fullmatch(text)
    if match is None:
        raise InvalidInputException(
            f"Invalid metric expression {text!r}: use SAMPLECOUNT() or "
            "SUM(<DatasetType>.<COLUMN_NAME>), for example SUM(Items.PRICE)."
        )
    dataset = _DATASETS.get(match.group(1).upper())
    if dataset is None:
        raise InvalidInputException(
            f"Invalid metric expression {text!r}: SUM() takes a column of the Items or "
            "Interactions dataset."
        )
    return Expression("sum", dataset, match.group(2).upper())


# --- validation -----------------------------------------------------------------------------


def _schema(ctx: Context, group_arn: str, kind: str):
    dataset = datasets_of(ctx, group_arn).get(kind)
    if dataset is None:
        return None
    return schema_of(ctx, dataset)


def _check_expression(ctx: Context, group_arn: str, text: str) -> None:
    expression = parse_expression(text)
    if expression.dataset is None or expression.column is None:
        return  # SAMPLECOUNT() reads no column
    schema = _schema(ctx, group_arn, expression.dataset)
    if schema is None:
        # "To apply a SUM() function to a column in an Items dataset, you must first import
        # item metadata."
        raise InvalidInputException(
            f"The metric expression {text} needs an {expression.dataset} dataset in the dataset "
            f"group {group_arn}."
        )
    field = schema.field(expression.column)
    if field is None or field.type not in NUMERIC:
        raise InvalidInputException(
            f"The metric expression {text} must sum a numeric column of the "
            f"{expression.dataset} schema; {expression.column} is "
            f"{'not in it' if field is None else 'not numeric'}."
        )


def _check_metrics(ctx: Context, group_arn: str, metrics: list[dict[str, str]]) -> None:
    names = [m["metricName"] for m in metrics]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise InvalidInputException(f"The metric name {duplicate} is used more than once.")
    if not metrics or len(metrics) > MAX_METRICS:
        raise InvalidInputException(
            f"A metric attribution has from 1 to {MAX_METRICS} metrics, not {len(metrics)}."
        )
    for metric in metrics:
        if not metric["metricName"].strip() or not metric["eventType"].strip():
            raise InvalidInputException("Every metric needs a metricName and an eventType.")
        _check_expression(ctx, group_arn, metric["expression"])


def _check_output(config: dict[str, Any]) -> None:
    destination = config.get("s3DataDestination")
    if destination is None:
        return
    try:
        S3Location.parse(destination["path"], "S3 data output path")
    except JobFailure as failure:
        raise InvalidInputException(str(failure)) from None


def _check_interactions(ctx: Context, group_arn: str) -> None:
    schema = _schema(ctx, group_arn, "Interactions")
    if schema is not None and schema.field("EVENT_TYPE") is None:
        raise InvalidInputException(
            "A metric attribution needs an EVENT_TYPE column in the Interactions dataset."
        )


# --- reports --------------------------------------------------------------------------------


def _values(frame: pd.DataFrame, expression: Expression, items: pd.DataFrame | None):
    if expression.function == "samplecount":
        return np.ones(len(frame))
    if expression.dataset == "Interactions":
        column = frame.get(expression.column)
        if column is None:
            return np.zeros(len(frame))
        return pd.to_numeric(column, errors="coerce").fillna(0.0).to_numpy(np.float64)
    if items is None or expression.column not in items.columns:
        return np.zeros(len(frame))
    # The item's current metadata; an event of an unknown item adds nothing.
    prices = pd.to_numeric(items[expression.column], errors="coerce")
    looked_up = prices.reindex(frame["ITEM_ID"].astype(str).to_numpy())
    return looked_up.fillna(0.0).to_numpy(np.float64)


def report_rows(
    events: pd.DataFrame, metrics: list[dict[str, str]], items: pd.DataFrame | None
) -> list[tuple]:
    """Report rows for ``events``: per metric, source and 15-minute window, newest first.

    ``items`` is the Items data indexed by ITEM_ID with upper-case columns (or None).
    """
    frame = events.rename(columns=lambda c: str(c).upper())
    if len(frame) == 0 or "EVENT_TYPE" not in frame:
        return []
    source = frame.get("EVENT_ATTRIBUTION_SOURCE", pd.Series(index=frame.index, dtype=object))
    source = source.where(source.notna() & (source.astype(str) != ""), UNDEFINED_SOURCE)
    window = pd.to_numeric(frame["TIMESTAMP"]).to_numpy(np.int64) // WINDOW_SECONDS
    grouped = pd.DataFrame(
        {"source": source.astype(str).to_numpy(), "window": window * WINDOW_SECONDS}
    )
    rows: list[tuple] = []
    for metric in metrics:
        chosen = (frame["EVENT_TYPE"].astype(str) == metric["eventType"]).to_numpy()
        if not chosen.any():
            continue
        expression = parse_expression(metric["expression"])
        part = grouped[chosen].assign(value=_values(frame[chosen], expression, items))
        sums = part.groupby(["window", "source"], sort=True)["value"].sum()
        # Keyed by (window, source) pairs (pandas-stubs types a MultiIndex's keys Hashable).
        windows = cast("dict[tuple[int, str], float]", sums.to_dict())
        for (stamp, name), value in sorted(windows.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
            rows.append(
                (
                    metric["metricName"],
                    metric["eventType"],
                    repr(round(float(value), 6)),
                    expression.function,
                    name,
                    int(stamp),
                )
            )
    return rows


def _csv(rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def _items(ctx: Context, group_arn: str) -> pd.DataFrame | None:
    dataset = datasets_of(ctx, group_arn).get("Items")
    frame = contents(dataset).frame("ALL") if dataset is not None else None
    if frame is None or len(frame) == 0:
        return None
    frame = frame.rename(columns=lambda c: str(c).upper())
    frame["ITEM_ID"] = frame["ITEM_ID"].astype(str)
    return frame.drop_duplicates("ITEM_ID", keep="last").set_index("ITEM_ID")


def _report_key(attribution: Resource, destination: S3Location, method: str, now: float) -> str:
    """A new object key under the output path: one file per publication, never overwritten."""
    prefix = destination.key if destination.is_prefix else destination.key + "/"
    used = MetricAttributionPayload.of(attribution).report_keys
    key = f"{prefix}{REPORT_PREFIX}-{method}-{int(now)}.csv"
    serial = 1
    while key in used:
        serial += 1
        key = f"{prefix}{REPORT_PREFIX}-{method}-{int(now)}-{serial}.csv"
    used.add(key)
    return key


def _pending_batches(
    ctx: Context, attribution: Resource, clients: AwsClients
) -> list[tuple[str, Callable[[], pd.DataFrame]]]:
    """What has not been reported yet: new recorded events, and completed publishing imports.

    Marks them reported (under the lock), so each is published once.
    """
    dataset = datasets_of(ctx, attribution.owner).get("Interactions")
    if dataset is None:
        return []
    stored = contents(dataset)
    data = MetricAttributionPayload.of(attribution)
    owner, seen = data.events_cursor
    # A recreated dataset starts over; a data deletion job may have shortened the list.
    seen = min(seen, len(stored.streamed)) if owner is stored else 0
    batches: list[tuple[str, Callable[[], pd.DataFrame]]] = []
    fresh = list(stored.streamed[seen:])
    # The rows themselves, not their id(): a checkpoint keeps which rows were read.
    data.events_cursor = (stored, len(stored.streamed))
    if fresh:
        batches.append((EVENTS_METHOD, lambda: pd.DataFrame(fresh)))
    published = data.published_jobs
    schema = schema_of(ctx, dataset)
    jobs = sorted(
        ctx.state.of_kind("dataset-import-job", parent=dataset.arn), key=lambda j: j.order
    )
    for job in jobs:
        if (
            job.arn in published
            or not job.attrs.get("publishAttributionMetricsToS3")
            or job.status(ctx.now) != "ACTIVE"
            # "Amazon Personalize won't report on data that you imported before you created it."
            or job.created < attribution.created
        ):
            continue
        published.add(job.arn)
        context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": job.arn}
        location, role = job.attrs["dataSource"]["dataLocation"], job.attrs.get("roleArn")

        def reread(location=location, role=role, context=context) -> pd.DataFrame:
            # The rows of that one job, read again from its data location.
            return import_jobs.load(clients, location, role, schema, context, minimum=0)

        batches.append((job.attrs["importMode"], reread))
    return batches


def _publish(ctx: Context, attribution: Resource) -> None:
    """Write the reports of everything not reported yet (see the module docstring)."""
    if attribution.status(ctx.now) != "ACTIVE":
        return
    output = attribution.attrs["metricsOutputConfig"]
    if not output.get("s3DataDestination"):
        return  # CloudWatch only, which personalize-local does not emulate
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    batches = _pending_batches(ctx, attribution, clients)
    if not batches:
        return
    destination = S3Location.parse(output["s3DataDestination"]["path"], "S3 data output path")
    metrics = list(MetricAttributionPayload.of(attribution).metrics)
    items = _items(ctx, attribution.owner)
    role = output["roleArn"]
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": attribution.arn}
    keys = [_report_key(attribution, destination, method, ctx.now) for method, _ in batches]

    def work():
        try:
            for (_method, load), key in zip(batches, keys, strict=True):
                rows = report_rows(load(), metrics, items)
                if not rows:
                    continue
                request = [("s3:PutObject", destination.object_arn(key))]
                access.check(clients, role, destination.bucket, request, context)
                clients.s3.put_object(Bucket=destination.bucket, Key=key, Body=_csv(rows))
        except JobFailure as failure:
            reason = f"Could not publish a metric report: {failure}"
            return lambda: attribution.attrs.__setitem__("failureReason", reason)
        return lambda: attribution.attrs.pop("failureReason", None)

    # A lifecycle-less stand-in: the job pool runs the work without touching any status.
    report = Resource("metric-report", attribution.arn, {}, ctx.now)
    ctx.emulator.jobs.submit(report, work)


# --- operations -----------------------------------------------------------------------------


def create_metric_attribution(
    ctx: Context,
    name: str,
    dataset_group_arn: str,
    metrics: list[dict[str, str]],
    metrics_output_config: dict[str, Any],
) -> dict:
    dataset_groups.active_group(ctx, dataset_group_arn)
    existing = ctx.state.of_kind(KIND, parent=dataset_group_arn)
    if existing:
        # Worded like the other one-per-group resource, the event tracker (inferred).
        raise ResourceAlreadyExistsException(
            f"MetricAttribution {existing[0].arn} already exists for DatasetGroup "
            f"{dataset_group_arn}"
        )
    _check_interactions(ctx, dataset_group_arn)
    _check_metrics(ctx, dataset_group_arn, metrics)
    _check_output(metrics_output_config)
    arn = ctx.arn(KIND, name)
    attrs = {
        "name": name,
        "metricAttributionArn": arn,
        "datasetGroupArn": dataset_group_arn,
        "metricsOutputConfig": metrics_output_config,
    }
    data = MetricAttributionPayload([dict(m) for m in metrics])
    attribution = register(ctx, KIND, arn, attrs, ctx.pending(), dataset_group_arn, data=data)
    # Only what is recorded from now on is reported.
    dataset = datasets_of(ctx, dataset_group_arn).get("Interactions")
    if dataset is not None:
        stored = contents(dataset)
        data.events_cursor = (stored, len(stored.streamed))
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": arn}
    ctx.emulator.jobs.submit(attribution, lambda: _check_access(clients, attrs, context))
    return {"metricAttributionArn": arn}


def _check_access(clients: AwsClients, attrs: dict[str, Any], context: dict[str, str]) -> None:
    """Creation checks that the role may write reports under the S3 path (inferred: the guide
    says the service validates its CloudWatch access when the attribution is created)."""
    output = attrs["metricsOutputConfig"]
    if not output.get("s3DataDestination"):
        return
    where = S3Location.parse(output["s3DataDestination"]["path"], "S3 data output path")
    probe = (where.key if where.is_prefix else where.key + "/") + REPORT_PREFIX
    access.check(
        clients,
        output["roleArn"],
        where.bucket,
        [("s3:PutObject", where.object_arn(probe))],
        context,
    )


def describe_metric_attribution(ctx: Context, metric_attribution_arn: str) -> dict:
    attribution = ctx.state.get(KIND, metric_attribution_arn)
    _publish(ctx, attribution)
    return {"metricAttribution": attribution.describe(ctx.now)}


def list_metric_attributions(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    found = ctx.state.of_kind(KIND, parent=dataset_group_arn)
    for attribution in found:
        _publish(ctx, attribution)
    rows, token = summaries(
        ctx,
        found,
        "MetricAttributionSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    return {"metricAttributions": rows, "nextToken": token}


def list_metric_attribution_metrics(
    ctx: Context,
    metric_attribution_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    attribution = _named(ctx, metric_attribution_arn)
    _publish(ctx, attribution)
    page, token = paginate(
        MetricAttributionPayload.of(attribution).metrics,
        max_results,
        next_token,
        {"metricAttributionArn": metric_attribution_arn},
    )
    return {"metrics": page, "nextToken": token}


def _named(ctx: Context, metric_attribution_arn: str | None) -> Resource:
    if not metric_attribution_arn:
        raise InvalidInputException("metricAttributionArn is required.")
    attribution = ctx.state.find(KIND, metric_attribution_arn)
    if attribution is None:
        # ListMetricAttributionMetrics models no ResourceNotFoundException.
        raise InvalidInputException(
            f"The given metric attribution does not exist: {metric_attribution_arn}"
        )
    return attribution


def update_metric_attribution(
    ctx: Context,
    add_metrics: list[dict[str, str]] | None = None,
    remove_metrics: list[str] | None = None,
    metrics_output_config: dict[str, Any] | None = None,
    metric_attribution_arn: str | None = None,
) -> dict:
    if not metric_attribution_arn:
        raise InvalidInputException("metricAttributionArn is required.")
    attribution = ctx.state.get(KIND, metric_attribution_arn)
    require_status(attribution, ("ACTIVE",), "metric attribution", ctx.now)
    if add_metrics is None and remove_metrics is None and metrics_output_config is None:
        raise InvalidInputException(
            "Give addMetrics, removeMetrics or metricsOutputConfig to update."
        )
    data = MetricAttributionPayload.of(attribution)
    metrics = _updated_metrics(data.metrics, add_metrics, remove_metrics)
    _check_metrics(ctx, attribution.owner, metrics)
    if metrics_output_config is not None:
        _check_output(metrics_output_config)
    # Events recorded so far are reported with the metrics that were in force.
    _publish(ctx, attribution)
    data.metrics = metrics
    if metrics_output_config is not None:
        attribution.attrs["metricsOutputConfig"] = metrics_output_config
    # No update status is documented: it stays ACTIVE, updated now.
    attribution.timeline.walk("ACTIVE", step=0)
    return {"metricAttributionArn": metric_attribution_arn}


def _updated_metrics(
    current: list[dict[str, str]],
    add: list[dict[str, str]] | None,
    remove: list[str] | None,
) -> list[dict[str, str]]:
    """Remove, then add (so one call can redefine a metric)."""
    names = {m["metricName"] for m in current}
    missing = [n for n in remove or [] if n not in names]
    if missing:
        raise InvalidInputException(f"The metric attribution has no metric named {missing[0]}.")
    kept = [m for m in current if m["metricName"] not in set(remove or [])]
    for metric in add or []:
        if any(m["metricName"] == metric["metricName"] for m in kept):
            raise ResourceAlreadyExistsException(
                f"The metric attribution already has a metric named {metric['metricName']}."
            )
        kept.append(dict(metric))
    return kept


def delete_metric_attribution(ctx: Context, metric_attribution_arn: str) -> None:
    attribution = ctx.state.get(KIND, metric_attribution_arn)
    require_status(attribution, ("ACTIVE", "CREATE FAILED"), "metric attribution", ctx.now)
    ctx.delete(attribution.timeline, "DELETE PENDING", "DELETE IN_PROGRESS")
