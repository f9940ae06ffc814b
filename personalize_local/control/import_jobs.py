"""Dataset import jobs: read CSV from S3 through the S3 API, validate, and load the dataset."""

from __future__ import annotations

import pandas as pd

from ..aws import access
from ..aws.access import S3Location
from ..aws.clients import AwsClients
from ..context import Context
from ..data import csv_import
from ..data import schemas as avro
from ..errors import InvalidInputException
from ..serving.datasets import contents, dataset_type, schema_of
from ..store.jobs import JobFailure
from .common import IN_FLIGHT, check_quota, data_location, register, require_status, summaries

KIND = "dataset-import-job"
#: Pending or in-progress import jobs per region (not adjustable).
MAX_IN_FLIGHT = 5
#: Records each Interactions import job must bring, FULL or INCREMENTAL (the quotas page lists
#: this minimum for item interactions only).
MIN_RECORDS = 1000


def in_flight(ctx: Context, kind: str) -> int:
    return sum(1 for r in ctx.state.of_kind(kind) if r.status(ctx.now) in IN_FLIGHT)


def create_dataset_import_job(
    ctx: Context,
    job_name: str,
    dataset_arn: str,
    data_source: dict,
    role_arn: str | None = None,
    tags: list | None = None,
    import_mode: str | None = None,
    publish_attribution_metrics_to_s3: bool | None = None,
) -> dict:
    dataset = ctx.state.get("dataset", dataset_arn)
    require_status(dataset, ("ACTIVE",), "dataset", ctx.now)
    location = data_location(data_source)
    mode = import_mode or "FULL"
    if mode == "INCREMENTAL" and not contents(dataset).has_bulk:
        raise InvalidInputException(
            "INCREMENTAL import mode needs an earlier bulk import into the dataset; "
            "import with FULL first."
        )
    check_quota(
        in_flight(ctx, KIND),
        MAX_IN_FLIGHT,
        f"More than {MAX_IN_FLIGHT} resources with PENDING or IN_PROGRESS status.",
    )
    arn = ctx.arn(KIND, job_name)
    attrs = {
        "jobName": job_name,
        "datasetImportJobArn": arn,
        "datasetArn": dataset_arn,
        "dataSource": data_source,
        "roleArn": role_arn,
        "importMode": mode,
        "publishAttributionMetricsToS3": bool(publish_attribution_metrics_to_s3),
    }
    job = register(ctx, KIND, arn, attrs, ctx.pending(), dataset_arn, tags)
    schema = schema_of(ctx, dataset)
    group = ctx.state.get("dataset-group", dataset.attrs["datasetGroupArn"])
    optional = frozenset(
        f.name.upper()
        for f in avro.metadata_fields(schema, dataset_type(dataset), group.attrs.get("domain"))
    )
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": arn}

    minimum = MIN_RECORDS if dataset_type(dataset) == "Interactions" else 1

    def work():
        rows = load(clients, location, role_arn, schema, context, minimum, optional)
        return lambda: contents(dataset).import_rows(rows, mode)

    ctx.emulator.jobs.submit(job, work)
    return {"datasetImportJobArn": arn}


def load(
    clients: AwsClients,
    location: str,
    role_arn: str | None,
    schema,
    context: dict,
    minimum: int = MIN_RECORDS,
    optional: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Every CSV row at ``location``, validated, or :class:`JobFailure` naming the problem."""
    where = S3Location.parse(location, "Data location")
    keys = access.readable_keys(clients, where, role_arn, context)
    frames = []
    for key in keys:
        payload = access.read_object(clients.s3, where.bucket, key)
        frames.append(csv_import.read(payload, schema, f"s3://{where.bucket}/{key}", optional))
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(rows) < minimum:
        raise JobFailure(
            f"The import has {len(rows)} records; each dataset import job needs at least {minimum}."
        )
    return rows


def describe_dataset_import_job(ctx: Context, dataset_import_job_arn: str) -> dict:
    return {"datasetImportJob": ctx.state.get(KIND, dataset_import_job_arn).describe(ctx.now)}


def list_dataset_import_jobs(
    ctx: Context,
    dataset_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_arn),
        "DatasetImportJobSummary",
        max_results,
        next_token,
        {"datasetArn": dataset_arn},
    )
    return {"datasetImportJobs": rows, "nextToken": token}
