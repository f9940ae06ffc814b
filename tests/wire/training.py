"""Builders for tests that train: a dataset group with imported clustered data."""

from __future__ import annotations

from types import SimpleNamespace

from .builders import dataset, dataset_group, settle
from .s3data import ROLE_ARN, interactions_csv, put, workshop_bucket

RECIPE = "arn:aws:personalize:::recipe/{}"


def imported_group(aws: SimpleNamespace, payload: bytes | None = None, items: bytes | None = None):
    """A dataset group whose Interactions (and optionally Items) are imported and ACTIVE."""
    workshop_bucket(aws)
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    jobs = [(interactions, put(aws, "data/interactions.csv", payload or interactions_csv()))]
    if items is not None:
        jobs.append((dataset(aws, group, "Items"), put(aws, "data/items.csv", items)))
    for index, (dataset_arn, location) in enumerate(jobs):
        arn = aws.personalize.create_dataset_import_job(
            jobName=f"import-{index}",
            datasetArn=dataset_arn,
            dataSource={"dataLocation": location},
            roleArn=ROLE_ARN,
        )["datasetImportJobArn"]
        job = settle(
            lambda arn=arn: aws.personalize.describe_dataset_import_job(datasetImportJobArn=arn),
            "datasetImportJob",
        )
        assert job["status"] == "ACTIVE", job.get("failureReason")
    return group


def trained(aws: SimpleNamespace, group: str, recipe: str, name: str | None = None, **kwargs):
    """Create a solution of ``recipe`` and train a version; return (solution, version) ARNs."""
    solution = aws.personalize.create_solution(
        name=name or recipe,
        datasetGroupArn=group,
        recipeArn=RECIPE.format(recipe),
        performAutoTraining=False,
        **kwargs,
    )["solutionArn"]
    version = aws.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    described = settle(
        lambda: aws.personalize.describe_solution_version(solutionVersionArn=version),
        "solutionVersion",
        timeout=120,
    )
    assert described["status"] == "ACTIVE", described.get("failureReason")
    return solution, version


def campaign(aws: SimpleNamespace, version: str, name: str = "campaign", **kwargs) -> str:
    arn = aws.personalize.create_campaign(name=name, solutionVersionArn=version, **kwargs)[
        "campaignArn"
    ]
    settle(lambda: aws.personalize.describe_campaign(campaignArn=arn), "campaign")
    return arn


def items_csv(items: int = 60, clusters: int = 2) -> bytes:
    genres = ["Animation|Children", "Thriller|Crime"]
    lines = ["ITEM_ID,GENRES,YEAR,CREATION_TIMESTAMP"]
    for item in range(items):
        lines.append(f"i{item},{genres[item % clusters]},{1970 + item},{1_500_000_000 + item}")
    return ("\n".join(lines) + "\n").encode()
