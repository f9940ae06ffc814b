"""The data → import → train → wait → evaluate flow of the notebooks, on personalize-local.

A slice of the real ml-latest-small (the most active users and the most rated movies) goes
through workshop.data's frames and schemas, the real import path, training of
User-Personalization and SIMS, workshop.wait and workshop.evaluate's runtime calls.
"""

from __future__ import annotations

import json
from functools import partial

import pytest

from tests.wire.s3data import ROLE_ARN, put, workshop_bucket
from workshop import data, evaluate, wait

RECIPE = "arn:aws:personalize:::recipe/{}"


@pytest.fixture
def small_slice(movielens_small):
    frame = data.interactions(data.load_ratings())
    top_items = frame.ITEM_ID.value_counts().index[:400]
    frame = frame[frame.ITEM_ID.isin(top_items)]
    top_users = frame.USER_ID.value_counts().index[:120]
    frame = frame[frame.USER_ID.isin(top_users)].reset_index(drop=True)
    warm, cold = data.warm_cold_split(frame.ITEM_ID, cold_fraction=0.1, seed=1)
    train, holdout = data.temporal_holdout(frame[frame.ITEM_ID.isin(warm)])
    item_frame = data.items(data.load_movies(), train, item_ids=frame.ITEM_ID.unique())
    return train, holdout, item_frame, cold


def test_notebook_flow(aws, small_slice):
    train, holdout, item_frame, _ = small_slice
    personalize = aws.personalize
    workshop_bucket(aws)
    group = personalize.create_dataset_group(name="flow")["datasetGroupArn"]
    wait.wait_until_active(
        partial(personalize.describe_dataset_group, datasetGroupArn=group), progress=False
    )
    jobs = {}
    for kind, frame, schema in (
        ("INTERACTIONS", train, data.interactions_schema()),
        ("ITEMS", item_frame, data.items_schema()),
    ):
        schema_arn = personalize.create_schema(name=f"flow-{kind}", schema=json.dumps(schema))[
            "schemaArn"
        ]
        dataset = personalize.create_dataset(
            name=f"flow-{kind}", datasetType=kind, datasetGroupArn=group, schemaArn=schema_arn
        )["datasetArn"]
        location = put(aws, f"data/{kind.lower()}.csv", frame.to_csv(index=False).encode())
        job = personalize.create_dataset_import_job(
            jobName=f"flow-{kind}",
            datasetArn=dataset,
            dataSource={"dataLocation": location},
            roleArn=ROLE_ARN,
        )["datasetImportJobArn"]
        jobs[kind] = partial(personalize.describe_dataset_import_job, datasetImportJobArn=job)
    imported = wait.wait_all(jobs, poll=0.1, progress=False)
    assert all(d["datasetImportJob"]["status"] == "ACTIVE" for d in imported.values())

    versions = {}
    for recipe in ("aws-user-personalization", "aws-sims"):
        solution = personalize.create_solution(
            name=recipe,
            datasetGroupArn=group,
            recipeArn=RECIPE.format(recipe),
            performAutoTraining=False,
        )["solutionArn"]
        wait.wait_until_active(
            partial(personalize.describe_solution, solutionArn=solution), poll=0.1, progress=False
        )
        version = personalize.create_solution_version(solutionArn=solution, trainingMode="FULL")
        versions[recipe] = version["solutionVersionArn"]
    wait.wait_all(
        {
            name: partial(personalize.describe_solution_version, solutionVersionArn=arn)
            for name, arn in versions.items()
        },
        poll=0.2,
        timeout=120,
        progress=False,
    )
    campaigns = {
        name: personalize.create_campaign(name=name, solutionVersionArn=arn, minProvisionedTPS=1)[
            "campaignArn"
        ]
        for name, arn in versions.items()
    }
    wait.wait_all(
        {n: partial(personalize.describe_campaign, campaignArn=a) for n, a in campaigns.items()},
        poll=0.1,
        progress=False,
    )

    truth, seen = evaluate.ground_truth(holdout), evaluate.ground_truth(train)
    catalogue = set(item_frame.ITEM_ID) | set(train.ITEM_ID)
    results = {
        "user-personalization": evaluate.evaluate_campaign(
            aws.runtime,
            campaigns["aws-user-personalization"],
            truth,
            exclude_seen=seen,
            catalogue=catalogue,
            progress=False,
        ),
        "sims": evaluate.evaluate_campaign(
            aws.runtime,
            campaigns["aws-sims"],
            truth,
            exclude_seen=seen,
            item_query=evaluate.last_items(train),
            catalogue=catalogue,
            progress=False,
        ),
        "popularity": evaluate.popularity_baseline(
            train, truth, exclude_seen=seen, catalogue=catalogue
        ),
        "random": evaluate.random_baseline(
            train.ITEM_ID, truth, seed=0, exclude_seen=seen, catalogue=catalogue
        ),
    }
    table = evaluate.metrics_table(results)
    assert table.loc["user-personalization", "ndcg@10"] > table.loc["random", "ndcg@10"]
    assert table.loc["sims", "mrr@25"] > table.loc["random", "mrr@25"]
    assert table.loc["user-personalization", "coverage"] > table.loc["popularity", "coverage"]
