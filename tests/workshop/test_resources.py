"""workshop.resources on personalize-local: create-or-reuse on a re-run, and the clean-up helpers.

The notebooks call ``create_or_reuse(personalize.create_x, ...)`` for every named resource, so
that running 01–04 a second time reuses what the first run made; 06 deletes with
``delete_all``, which must cope with resources that are gone, being deleted, or still being
created. tests/workshop/test_notebook_reruns.py runs the notebooks themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from botocore.exceptions import ClientError

from tests.wire.builders import INTERACTIONS, ITEMS, dataset_group, settle, wait_until
from tests.wire.s3data import BUCKET, ROLE_ARN, interactions_csv, put, workshop_bucket
from tests.wire.training import RECIPE, imported_group
from workshop import discovery, resources, wait
from workshop.resources import create_or_reuse

STEP = 0.2


@contextmanager
def slowly(server) -> Iterator[None]:
    """Status transitions long enough to catch resources still being created or deleted."""
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, STEP
    try:
        yield
    finally:
        settings.transition_seconds = before


@pytest.fixture
def slow(server, aws):
    with slowly(server):
        yield aws


def names(items: list[dict], key: str = "name") -> list[str]:
    return sorted(item[key] for item in items)


# ------------------------------------------------------------------------------------------------
# create_or_reuse
# ------------------------------------------------------------------------------------------------


def test_a_second_create_reuses_the_resource_of_that_name(aws, capsys, monkeypatch):
    monkeypatch.delenv("WORKSHOP_LANG", raising=False)  # the Korean message, as at the top level
    p = aws.personalize
    first = create_or_reuse(p.create_schema, name="s", schema=json.dumps(INTERACTIONS))
    assert capsys.readouterr().out == ""  # a first run prints nothing extra
    again = create_or_reuse(p.create_schema, name="s", schema=json.dumps(INTERACTIONS))
    assert again == {"schemaArn": first["schemaArn"]}
    assert "이전 실행의 스키마 's'(EXISTS)을(를) 재사용합니다." in capsys.readouterr().out
    assert names(p.list_schemas()["schemas"]) == ["s"]

    group = create_or_reuse(p.create_dataset_group, name="g")["datasetGroupArn"]
    assert create_or_reuse(p.create_dataset_group, name="g")["datasetGroupArn"] == group
    assert len(p.list_dataset_groups()["datasetGroups"]) == 1


def test_the_plain_call_still_fails_so_the_helper_is_needed(aws):
    aws.personalize.create_dataset_group(name="g")
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset_group(name="g")
    assert info.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"


def test_datasets_trackers_filters_and_import_jobs_are_reused(aws):
    p = aws.personalize
    workshop_bucket(aws)
    group = dataset_group(aws)
    settle(partial(p.describe_dataset_group, datasetGroupArn=group), "datasetGroup")
    schema = p.create_schema(name="i", schema=json.dumps(INTERACTIONS))["schemaArn"]
    create = partial(
        create_or_reuse,
        p.create_dataset,
        datasetGroupArn=group,
        datasetType="Interactions",
        schemaArn=schema,
    )
    dataset = create(name="interactions")["datasetArn"]
    assert create(name="interactions")["datasetArn"] == dataset
    # One dataset per type and group: another name still finds it.
    assert create(name="renamed")["datasetArn"] == dataset

    location = put(aws, "data/interactions.csv", interactions_csv())
    job = partial(
        create_or_reuse,
        p.create_dataset_import_job,
        jobName="import",
        datasetArn=dataset,
        dataSource={"dataLocation": location},
        roleArn=ROLE_ARN,
    )
    job_arn = job()["datasetImportJobArn"]
    assert job()["datasetImportJobArn"] == job_arn
    imported = wait.wait_until_active(
        partial(p.describe_dataset_import_job, datasetImportJobArn=job_arn),
        poll=0.05,
        progress=False,
    )
    assert imported["datasetImportJob"]["status"] == "ACTIVE"

    tracker = create_or_reuse(p.create_event_tracker, name="t", datasetGroupArn=group)
    assert tracker["trackingId"]  # a real create answers with the tracking id too
    again = create_or_reuse(p.create_event_tracker, name="t", datasetGroupArn=group)
    assert again == {"eventTrackerArn": tracker["eventTrackerArn"]}
    # One tracker per group: another name finds it as well.
    other = create_or_reuse(p.create_event_tracker, name="t2", datasetGroupArn=group)
    assert other == again

    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")'
    make_filter = partial(
        create_or_reuse,
        p.create_filter,
        name="f",
        datasetGroupArn=group,
        filterExpression=expression,
    )
    filter_arn = make_filter()["filterArn"]
    assert make_filter() == {"filterArn": filter_arn}
    assert names(p.list_filters(datasetGroupArn=group)["Filters"]) == ["f"]


def test_solutions_versions_and_campaigns_are_reused_without_training_again(aws, capsys):
    p = aws.personalize
    group = imported_group(aws)
    solution = partial(
        create_or_reuse,
        p.create_solution,
        name="up",
        datasetGroupArn=group,
        recipeArn=RECIPE.format("aws-user-personalization"),
        performAutoTraining=False,
    )
    solution_arn = solution()["solutionArn"]
    assert solution()["solutionArn"] == solution_arn
    settle(partial(p.describe_solution, solutionArn=solution_arn), "solution")

    version = partial(
        create_or_reuse, p.create_solution_version, solutionArn=solution_arn, trainingMode="FULL"
    )
    first = version()["solutionVersionArn"]
    # Still training, or ACTIVE: either way the re-run does not train a second version.
    assert version()["solutionVersionArn"] == first
    assert "이전 실행의 솔루션 버전" in capsys.readouterr().out
    settle(partial(p.describe_solution_version, solutionVersionArn=first), "solutionVersion")
    assert version()["solutionVersionArn"] == first
    listed = p.list_solution_versions(solutionArn=solution_arn)["solutionVersions"]
    assert len(listed) == 1

    campaign = partial(
        create_or_reuse, p.create_campaign, name="c", solutionVersionArn=first, minProvisionedTPS=1
    )
    campaign_arn = campaign()["campaignArn"]
    assert campaign()["campaignArn"] == campaign_arn


def test_a_stopped_version_is_not_reused(server, aws):
    p = aws.personalize
    group = imported_group(aws)
    with slowly(server):
        stopped_and_fresh(p, group)


def stopped_and_fresh(p, group: str) -> None:
    solution = p.create_solution(
        name="pop",
        datasetGroupArn=group,
        recipeArn=RECIPE.format("aws-popularity-count"),
        performAutoTraining=False,
    )["solutionArn"]
    settle(partial(p.describe_solution, solutionArn=solution), "solution")
    stopped = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    assert resources.stop_training(p, [solution]) == [stopped]
    status = settle(
        partial(p.describe_solution_version, solutionVersionArn=stopped), "solutionVersion"
    )
    assert status["status"] == "CREATE STOPPED"
    fresh = create_or_reuse(p.create_solution_version, solutionArn=solution)["solutionVersionArn"]
    assert fresh != stopped
    settle(partial(p.describe_solution_version, solutionVersionArn=fresh), "solutionVersion")


def test_a_resource_being_deleted_is_not_reused(slow, monkeypatch):
    monkeypatch.setenv("WORKSHOP_LANG", "en")
    p = slow.personalize
    group = dataset_group(slow, name="g")
    wait_until(partial(p.describe_dataset_group, datasetGroupArn=group), "datasetGroup")
    p.delete_dataset_group(datasetGroupArn=group)
    with pytest.raises(RuntimeError, match="being deleted"):
        create_or_reuse(p.create_dataset_group, name="g")


def test_other_errors_and_other_operations_pass_through(aws):
    with pytest.raises(ClientError) as info:
        create_or_reuse(aws.personalize.create_schema, name="bad", schema="{not json")
    assert info.value.response["Error"]["Code"] == "InvalidInputException"
    with pytest.raises(TypeError):
        create_or_reuse(lambda **kw: kw, name="x")


# ------------------------------------------------------------------------------------------------
# delete_all and stop_training
# ------------------------------------------------------------------------------------------------


def test_arn_parameter_names():
    assert resources.arn_parameter("campaign") == "campaignArn"
    assert resources.arn_parameter("event_tracker") == "eventTrackerArn"
    assert resources.arn_parameter("dataset_group") == "datasetGroupArn"


def test_delete_all_waits_until_gone_and_a_second_call_finds_nothing(aws):
    p = aws.personalize
    schemas = [
        p.create_schema(name=n, schema=json.dumps(body))["schemaArn"]
        for n, body in (("i", INTERACTIONS), ("t", ITEMS))
    ]
    groups = [dataset_group(aws, name=n) for n in ("a", "b")]
    assert resources.delete_all(p, "dataset_group", groups + groups, poll=0.05, progress=False) == 2
    assert resources.delete_all(p, "schema", schemas, poll=0.05, progress=False) == 2
    assert p.list_dataset_groups()["datasetGroups"] == []
    assert p.list_schemas()["schemas"] == []
    # Again: everything is gone already, and that is not an error.
    assert resources.delete_all(p, "dataset_group", groups, poll=0.05, progress=False) == 0
    assert resources.delete_all(p, "schema", schemas, poll=0.05, progress=False) == 0
    assert resources.delete_all(p, "filter", [], progress=False) == 0


def test_delete_all_waits_for_a_resource_still_being_created(slow):
    p = slow.personalize
    group = dataset_group(slow)
    status = p.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"]
    assert status == "CREATE PENDING"
    with pytest.raises(ClientError):  # what a plain delete answers now
        p.delete_dataset_group(datasetGroupArn=group)
    assert resources.delete_all(p, "dataset_group", [group], poll=0.05, progress=False) == 1
    assert p.list_dataset_groups()["datasetGroups"] == []


def test_delete_all_joins_a_deletion_already_under_way(slow):
    p = slow.personalize
    group = dataset_group(slow)
    wait_until(partial(p.describe_dataset_group, datasetGroupArn=group), "datasetGroup")
    p.delete_dataset_group(datasetGroupArn=group)  # an interrupted clean-up, run again
    assert resources.delete_all(p, "dataset_group", [group], poll=0.05, progress=False) == 1


def test_delete_all_times_out_with_the_reason(aws):
    p = aws.personalize
    group = dataset_group(aws)
    p.create_schema(name="i", schema=json.dumps(INTERACTIONS))
    p.create_dataset(
        name="d",
        schemaArn=p.list_schemas()["schemas"][0]["schemaArn"],
        datasetGroupArn=group,
        datasetType="Interactions",
    )
    with pytest.raises(TimeoutError, match="dataset"):  # the group still holds a dataset
        resources.delete_all(p, "dataset_group", [group], poll=0.05, timeout=0.3, progress=False)


def test_stop_training_lets_the_solution_be_deleted(server, aws):
    p = aws.personalize
    group = imported_group(aws)
    with slowly(server):
        stop_and_delete(p, group)


def stop_and_delete(p, group: str) -> None:
    solution = p.create_solution(
        name="up",
        datasetGroupArn=group,
        recipeArn=RECIPE.format("aws-user-personalization"),
        performAutoTraining=False,
    )["solutionArn"]
    settle(partial(p.describe_solution, solutionArn=solution), "solution")
    version = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    assert resources.stop_training(p, [solution]) == [version]
    assert resources.stop_training(p, [solution]) == []  # nothing is training any more
    assert resources.delete_all(p, "solution", [solution], poll=0.05, progress=False) == 1
    assert p.list_solutions()["solutions"] == []


# ------------------------------------------------------------------------------------------------
# The bucket
# ------------------------------------------------------------------------------------------------


def test_bucket_clean_up_keeps_other_data_and_the_bucket_that_holds_it(aws):
    s3 = aws.s3
    account = aws.sts.get_caller_identity()["Account"]
    workshop_bucket(aws)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    discovery.add_personalize_statements(s3, BUCKET, account)
    for key in ("data/interactions.csv", "data/interactions.csv", "batch/output/x.out"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    s3.delete_object(Bucket=BUCKET, Key="data/interactions.csv")  # a delete marker
    s3.put_object(Bucket=BUCKET, Key="notes/mine.txt", Body=b"keep me")

    assert discovery.delete_object_versions(s3, BUCKET) == 4
    assert discovery.delete_object_versions(s3, BUCKET) == 0
    remaining = discovery.remove_personalize_statements(s3, BUCKET)
    assert [s.get("Sid") for s in remaining["Statement"]] == ["PersonalizeS3BucketAccessPolicy"]
    assert discovery.delete_bucket_if_empty(s3, BUCKET) is False
    assert s3.get_object(Bucket=BUCKET, Key="notes/mine.txt")["Body"].read() == b"keep me"

    s3.delete_objects(
        Bucket=BUCKET,
        Delete={
            "Objects": [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in s3.list_object_versions(Bucket=BUCKET)["Versions"]
            ]
        },
    )
    assert discovery.delete_bucket_if_empty(s3, BUCKET) is True
    assert not discovery.bucket_exists(s3, BUCKET)
    # Run again after the bucket is gone: nothing to do, no error.
    assert discovery.delete_object_versions(s3, BUCKET) == 0
    assert discovery.delete_bucket_if_empty(s3, BUCKET) is True
