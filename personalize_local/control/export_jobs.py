"""Dataset export jobs: write a dataset's BULK, PUT or ALL rows as CSV to S3."""

from __future__ import annotations

from ..aws import access
from ..aws.access import S3Location
from ..aws.clients import AwsClients
from ..context import Context
from ..serving.datasets import contents, dataset_type
from ..store.jobs import JobFailure
from .common import register, require_status, summaries

KIND = "dataset-export-job"


def create_dataset_export_job(
    ctx: Context,
    job_name: str,
    dataset_arn: str,
    role_arn: str,
    job_output: dict,
    ingestion_mode: str | None = None,
    tags: list | None = None,
) -> dict:
    dataset = ctx.state.get("dataset", dataset_arn)
    require_status(dataset, ("ACTIVE",), "dataset", ctx.now)
    mode = ingestion_mode or "PUT"  # the documented default
    arn = ctx.arn(KIND, job_name)
    attrs = {
        "jobName": job_name,
        "datasetExportJobArn": arn,
        "datasetArn": dataset_arn,
        "ingestionMode": mode,
        "roleArn": role_arn,
        "jobOutput": job_output,
    }
    job = register(ctx, KIND, arn, attrs, ctx.pending(), dataset_arn, tags)
    rows = contents(dataset).frame(mode)
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    destination = S3Location.parse(job_output["s3DataDestination"]["path"], "output path")
    # The object layout is not documented: one CSV under <path><jobName>/.
    prefix = destination.key if destination.is_prefix else destination.key + "/"
    key = f"{prefix}{job_name}/{dataset_type(dataset).upper()}_part_00000.csv"
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": arn}

    def work() -> None:
        access.check(
            clients,
            role_arn,
            destination.bucket,
            [("s3:PutObject", destination.object_arn(key))],
            context,
        )
        if rows is None:
            raise JobFailure(f"The dataset has no {mode} data to export.")
        clients.s3.put_object(
            Bucket=destination.bucket, Key=key, Body=rows.to_csv(index=False).encode()
        )

    ctx.emulator.jobs.submit(job, work)
    return {"datasetExportJobArn": arn}


def describe_dataset_export_job(ctx: Context, dataset_export_job_arn: str) -> dict:
    return {"datasetExportJob": ctx.state.get(KIND, dataset_export_job_arn).describe(ctx.now)}


def list_dataset_export_jobs(
    ctx: Context,
    dataset_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_arn),
        "DatasetExportJobSummary",
        max_results,
        next_token,
        {"datasetArn": dataset_arn},
    )
    return {"datasetExportJobs": rows, "nextToken": token}
