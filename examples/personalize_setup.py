"""What a test sets up before it calls the application: data in S3, a role, a trained campaign.

It takes a ``client(service_name)`` callable, so the same steps run against the pytest
fixture's endpoint and inside ``personalize_local.mock()`` with moto's ``mock_aws()``.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BUCKET = "recommendations-test-data"
ROLE = "PersonalizeTestRole"
WATCH_AGAIN = 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")'

SCHEMA = {
    "type": "record",
    "name": "Interactions",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
    ],
    "version": "1.0",
}
ALLOW_PERSONALIZE = {
    "Effect": "Allow",
    "Principal": {"Service": "personalize.amazonaws.com"},
}


@dataclass
class Trained:
    campaign_arn: str
    filter_arn: str
    tracking_id: str
    users: list[str]


def interactions_csv(n: int = 1000, users: int = 50, items: int = 100, seed: int = 0) -> str:
    """``n`` seeded "watch" events; low item numbers are watched most (a popularity skew)."""
    rng = random.Random(seed)
    rows = ["USER_ID,ITEM_ID,EVENT_TYPE,TIMESTAMP"]
    for i in range(n):
        item = min(int(rng.expovariate(1 / 15)), items - 1)
        rows.append(f"u{rng.randrange(users)},i{item},watch,{1_700_000_000 + i * 60}")
    return "\n".join(rows) + "\n"


def wait(describe: Callable[[], dict[str, Any]], timeout: float = 60) -> dict[str, Any]:
    """Poll until ACTIVE (or fail on CREATE FAILED), as an application would."""
    deadline = time.monotonic() + timeout
    while True:
        resource = describe()
        status = resource["status"]
        if status == "ACTIVE":
            return resource
        if "FAILED" in status:
            raise AssertionError(f"{status}: {resource.get('failureReason')}")
        if time.monotonic() > deadline:
            raise TimeoutError(status)
        time.sleep(0.02)


def upload_data_and_role(client: Callable[[str], Any], csv: str) -> str:
    """The bucket with the CSV, readable by Personalize, and its role; the role's ARN."""
    s3, iam = client("s3"), client("iam")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="interactions.csv", Body=csv.encode())
    resources = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    read = {"Action": ["s3:GetObject", "s3:ListBucket"], "Resource": resources}
    bucket_policy = {"Version": "2012-10-17", "Statement": [{**ALLOW_PERSONALIZE, **read}]}
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy))
    trust = {
        "Version": "2012-10-17",
        "Statement": [{**ALLOW_PERSONALIZE, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    reading = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **read}]}
    iam.put_role_policy(RoleName=ROLE, PolicyName="read-data", PolicyDocument=json.dumps(reading))
    return role["Arn"]


def train(client: Callable[[str], Any], csv: str) -> Trained:
    """Import ``csv``, train user-personalization, deploy it, and make the filter and tracker."""
    role_arn = upload_data_and_role(client, csv)
    personalize = client("personalize")
    group = personalize.create_dataset_group(name="recommendations")["datasetGroupArn"]
    wait(lambda: personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"])
    schema = personalize.create_schema(name="interactions", schema=json.dumps(SCHEMA))
    dataset = personalize.create_dataset(
        name="interactions",
        schemaArn=schema["schemaArn"],
        datasetGroupArn=group,
        datasetType="Interactions",
    )["datasetArn"]
    job = personalize.create_dataset_import_job(
        jobName="interactions",
        datasetArn=dataset,
        dataSource={"dataLocation": f"s3://{BUCKET}/interactions.csv"},
        roleArn=role_arn,
    )["datasetImportJobArn"]
    wait(
        lambda: personalize.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]
    )
    solution = personalize.create_solution(
        name="for-you",
        datasetGroupArn=group,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
    )["solutionArn"]
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    wait(
        lambda: personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"]
    )
    campaign = personalize.create_campaign(
        name="for-you", solutionVersionArn=version, minProvisionedTPS=1
    )["campaignArn"]
    wait(lambda: personalize.describe_campaign(campaignArn=campaign)["campaign"])
    filter_arn = personalize.create_filter(
        name="watch-again", datasetGroupArn=group, filterExpression=WATCH_AGAIN
    )["filterArn"]
    wait(lambda: personalize.describe_filter(filterArn=filter_arn)["filter"])
    tracker = personalize.create_event_tracker(name="player", datasetGroupArn=group)
    wait(
        lambda: personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])[
            "eventTracker"
        ]
    )
    users = sorted({line.split(",")[0] for line in csv.splitlines()[1:]})
    return Trained(campaign, filter_arn, tracker["trackingId"], users)
