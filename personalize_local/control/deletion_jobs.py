"""Data deletion jobs: remove the users listed in a CSV from every dataset of a group."""

from __future__ import annotations

import io

import pandas as pd

from ..aws import access
from ..aws.access import S3Location
from ..aws.clients import AwsClients
from ..context import Context
from ..serving.datasets import contents, datasets_of
from ..store.jobs import JobFailure
from ..store.lifecycle import Lifecycle
from . import dataset_groups
from .common import data_location, register, summaries

KIND = "data-deletion-job"


def create_data_deletion_job(
    ctx: Context,
    job_name: str,
    dataset_group_arn: str,
    data_source: dict,
    role_arn: str,
    tags: list | None = None,
) -> dict:
    dataset_groups.active_group(ctx, dataset_group_arn)
    location = data_location(data_source)
    arn = ctx.arn(KIND, job_name)
    attrs = {
        "jobName": job_name,
        "dataDeletionJobArn": arn,
        "datasetGroupArn": dataset_group_arn,
        "dataSource": data_source,
        "roleArn": role_arn,
    }
    # Unlike every other job, deletion jobs say PENDING > IN_PROGRESS > COMPLETED or FAILED.
    timeline = Lifecycle("PENDING", ctx.emulator.clock)
    timeline.walk("PENDING", "IN_PROGRESS", step=ctx.settings.transition_seconds)
    job = register(ctx, KIND, arn, attrs, timeline, dataset_group_arn, tags)
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": arn}
    group_datasets = list(datasets_of(ctx, dataset_group_arn).values())

    def work():
        users = _users(clients, location, role_arn, context)

        def commit() -> None:
            # Effective for the next training: the rows leave the datasets now.
            job.attrs["numDeleted"] = sum(contents(d).delete_users(users) for d in group_datasets)

        return commit

    ctx.emulator.jobs.submit(job, work, done="COMPLETED", failed="FAILED")
    return {"dataDeletionJobArn": arn}


def _users(clients: AwsClients, location: str, role_arn: str, context: dict) -> set[str]:
    where = S3Location.parse(location, "Data location")
    keys = access.readable_keys(clients, where, role_arn, context)
    users: set[str] = set()
    for key in keys:
        payload = access.read_object(clients.s3, where.bucket, key)
        try:
            frame = pd.read_csv(io.BytesIO(payload), dtype=str, keep_default_na=False)
        except (ValueError, UnicodeDecodeError) as error:
            raise JobFailure(f"s3://{where.bucket}/{key}: not a readable CSV: {error}") from None
        column = next((c for c in frame.columns if c.strip().upper() == "USER_ID"), None)
        if column is None:
            raise JobFailure("Input CSV is missing the following columns: [USER_ID].")
        users |= set(frame[column].str.strip())
    return users


def describe_data_deletion_job(ctx: Context, data_deletion_job_arn: str) -> dict:
    return {"dataDeletionJob": ctx.state.get(KIND, data_deletion_job_arn).describe(ctx.now)}


def list_data_deletion_jobs(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_group_arn),
        "DataDeletionJobSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    return {"dataDeletionJobs": rows, "nextToken": token}
