"""Where a batch job's files are and how they are read and written, through the S3 API.

A job reads its input through the endpoint's own S3 API with the role's permissions checked, as
import jobs do, answers every line and writes ``<input file name>.out`` under the output path
(live guide ``batch-data-upload``,
https://docs.aws.amazon.com/personalize/latest/dg/batch-data-upload.html). What stops the whole
job (paths, permissions, limits) raises :class:`JobFailure`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ...aws import access
from ...aws.access import S3Location
from ...aws.clients import AwsClients
from ...store.jobs import JobFailure

#: Input files per batch inference job (the service quotas page).
MAX_INPUT_FILES = 1000


def _folder(location: S3Location) -> str:
    """The key prefix objects are written under (the path as a folder)."""
    key = location.key
    return key if key == "" or key.endswith("/") else key + "/"


def _list(s3: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", []) if not o["Key"].endswith("/")]
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchBucket":
            raise JobFailure(
                f"Invalid S3 input path. The bucket {bucket} does not exist."
            ) from None
        raise
    return sorted(keys)


@dataclass(frozen=True)
class Plan:
    """Which objects a job reads and where each answer goes."""

    source: S3Location
    destination: S3Location
    outputs: dict[str, str]  # input key -> output key


def plan_objects(s3: Any, input_path: str, output_path: str) -> Plan:
    """Input objects and output keys, or :class:`JobFailure` in the service's words.

    S3 paths are prefixes (live guide ``creating-batch-inference-job``): every object whose key
    starts with the input path is input, except that a path naming one object means that object
    only ([Inf]: it keeps earlier ``.out`` files next to it out). Each answer is
    ``<output folder><input name>.out``, the name taken below the input's folder.
    """
    source = S3Location.parse(input_path, "S3 input path")
    destination = S3Location.parse(output_path, "S3 output path")
    folder = _folder(destination)
    keys = _list(s3, source.bucket, source.key)
    single = source.key in keys
    if source.bucket == destination.bucket:
        if (destination.key == source.key) if single else (folder == _folder(source)):
            raise JobFailure(
                f"Invalid S3 output path: {output_path} is the input location. Write the "
                "output to another folder or bucket (troubleshooting: Invalid S3 output path)."
            )
        if folder and not single:
            keys = [k for k in keys if not k.startswith(folder)]  # earlier answers
    if single:
        keys = [source.key]
    if not keys:
        raise JobFailure(f"Invalid S3 input path. No objects found at {source}.")
    if len(keys) > MAX_INPUT_FILES:
        raise JobFailure(
            f"Invalid S3 input path. {len(keys)} input files were found at {source}; a job reads "
            f"at most {MAX_INPUT_FILES}."
        )
    base = source.key.rsplit("/", 1)[0] + "/" if "/" in source.key else ""
    outputs = {key: f"{folder}{key[len(base) :]}.out" for key in keys}
    return Plan(source, destination, outputs)


def authorise(clients: AwsClients, role_arn: str, plan: Plan, context: dict) -> None:
    """Read on the input, write on the output, for the role and in both bucket policies."""
    source, destination = plan.source, plan.destination
    reads = [("s3:ListBucket", source.bucket_arn)]
    reads += [("s3:GetObject", source.object_arn(key)) for key in plan.outputs]
    access.check(clients, role_arn, source.bucket, reads, context)
    writes = [("s3:PutObject", destination.object_arn(key)) for key in plan.outputs.values()]
    access.check(clients, role_arn, destination.bucket, writes, context)


def read_lines(payload: bytes, where: str) -> list[str]:
    """The non-blank lines of a JSON-lines object (LF or CRLF, an optional UTF-8 BOM)."""
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JobFailure(f"Invalid input data: {where} is not UTF-8 text.") from None
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def run(
    clients: AwsClients,
    role_arn: str,
    job_input: dict,
    job_output: dict,
    context: dict,
    answer: Callable[[str, list[str]], list[dict[str, Any]]],
) -> None:
    """Read every input object, answer its lines and write its ``.out`` object."""
    plan = plan_objects(
        clients.s3, job_input["s3DataSource"]["path"], job_output["s3DataDestination"]["path"]
    )
    authorise(clients, role_arn, plan, context)
    for key, out_key in plan.outputs.items():
        where = f"s3://{plan.source.bucket}/{key}"
        records = answer(
            where, read_lines(access.read_object(clients.s3, plan.source.bucket, key), where)
        )
        body = "".join(
            json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records
        )
        clients.s3.put_object(Bucket=plan.destination.bucket, Key=out_key, Body=body.encode())
