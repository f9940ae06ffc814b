"""A workshop bucket, role and CSV data on the endpoint, for import and training tests."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .builders import settle

BUCKET = "personalize-workshop-data"
ROLE = "PersonalizeWorkshopRole"
ROLE_ARN = f"arn:aws:iam::123456789012:role/{ROLE}"

BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PersonalizeS3BucketAccessPolicy",
            "Effect": "Allow",
            "Principal": {"Service": "personalize.amazonaws.com"},
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        }
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "personalize.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        }
    ],
}


def workshop_bucket(
    aws: SimpleNamespace,
    bucket_policy: dict | None = BUCKET_POLICY,
    trust: dict = TRUST,
    role_policy: dict | None = ROLE_POLICY,
) -> str:
    """Create the bucket and the Personalize role as the workshop's setup does."""
    aws.s3.create_bucket(Bucket=BUCKET)
    if bucket_policy:
        aws.s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy))
    aws.iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    if role_policy:
        aws.iam.put_role_policy(
            RoleName=ROLE, PolicyName="s3", PolicyDocument=json.dumps(role_policy)
        )
    return ROLE_ARN


def interactions_csv(
    users: int = 60, items: int = 60, per_user: int = 20, seed: int = 0, clusters: int = 2
) -> bytes:
    """Clustered interactions: user u mostly watches items of cluster u % clusters."""
    rng = np.random.default_rng(seed)
    lines = ["USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP"]
    t = 1_600_000_000
    for user in range(users):
        cluster = user % clusters
        own = [i for i in range(items) if i % clusters == cluster]
        chosen = rng.choice(own, size=min(per_user, len(own)), replace=False)
        for item in chosen:
            t += int(rng.integers(1, 100))
            lines.append(f"u{user},i{item},watch,{rng.integers(1, 6)}.0,{t}")
    return ("\n".join(lines) + "\n").encode()


def put(aws: SimpleNamespace, key: str, body: bytes) -> str:
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    return f"s3://{BUCKET}/{key}"


def run_import(
    aws: SimpleNamespace, dataset_arn: str, location, role=ROLE_ARN, name="import", **kwargs
) -> dict:
    """Import ``location`` into the dataset and wait for the job to settle."""
    arn = aws.personalize.create_dataset_import_job(
        jobName=name,
        datasetArn=dataset_arn,
        dataSource={"dataLocation": location},
        roleArn=role,
        **kwargs,
    )["datasetImportJobArn"]
    return settle(
        lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=arn),
        "datasetImportJob",
    )


def exported(
    aws: SimpleNamespace, dataset_arn: str, mode="BULK", name="export"
) -> pd.DataFrame | None:
    """The dataset exported to S3 (None when the export job fails)."""
    arn = aws.personalize.create_dataset_export_job(
        jobName=name,
        datasetArn=dataset_arn,
        ingestionMode=mode,
        roleArn=ROLE_ARN,
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/export/"}},
    )["datasetExportJobArn"]
    job = settle(
        lambda: aws.personalize.describe_dataset_export_job(datasetExportJobArn=arn),
        "datasetExportJob",
    )
    if job["status"] != "ACTIVE":
        return None
    key = f"export/{name}/INTERACTIONS_part_00000.csv"
    body = aws.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return pd.read_csv(io.BytesIO(body), dtype=str)
