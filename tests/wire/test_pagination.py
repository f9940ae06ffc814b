"""Every List operation pages with maxResults and a nextToken bound to its request."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .builders import INTERACTIONS, UP_RECIPE, dataset, dataset_group, error_code, schema


def _three_of_everything(aws) -> str:
    """Three schemas, dataset groups (one with 3 datasets, solutions, filters) and trackers."""
    groups = [dataset_group(aws, f"g{i}") for i in range(3)]
    main = groups[0]
    for kind in ("Interactions", "Items", "Users"):
        dataset(aws, main, kind)
    for index in range(3):
        aws.personalize.create_solution(name=f"s{index}", datasetGroupArn=main, recipeArn=UP_RECIPE)
        aws.personalize.create_filter(
            name=f"f{index}",
            datasetGroupArn=main,
            filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
        )
    for index, group in enumerate(groups):
        aws.personalize.create_event_tracker(name=f"t{index}", datasetGroupArn=group)
    return main


LISTS = [
    ("list_schemas", "schemas", False),
    ("list_dataset_groups", "datasetGroups", False),
    ("list_datasets", "datasets", True),
    ("list_solutions", "solutions", True),
    ("list_filters", "Filters", True),
    ("list_event_trackers", "eventTrackers", False),
    ("list_recipes", "recipes", False),
]


@pytest.mark.parametrize(("method", "key", "per_group"), LISTS)
def test_pages_cover_everything_once(aws, method, key, per_group):
    group = _three_of_everything(aws)
    call = getattr(aws.personalize, method)
    kwargs = {"datasetGroupArn": group} if per_group else {}
    everything = call(**kwargs)[key]
    assert len(everything) >= 3
    seen, token = [], None
    while True:
        page = call(maxResults=2, **kwargs, **({"nextToken": token} if token else {}))
        assert len(page[key]) <= 2
        seen += page[key]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == everything


def test_boto3_paginator(aws):
    for index in range(5):
        schema(aws, f"s{index}", INTERACTIONS)
    pages = aws.personalize.get_paginator("list_schemas").paginate(PaginationConfig={"PageSize": 2})
    assert [len(p["schemas"]) for p in pages] == [2, 2, 1]


def test_bad_and_mismatched_tokens(aws):
    main = _three_of_everything(aws)
    with pytest.raises(ClientError) as info:
        aws.personalize.list_dataset_groups(nextToken="garbage")
    assert error_code(info) == "InvalidNextTokenException"
    token = aws.personalize.list_datasets(datasetGroupArn=main, maxResults=1)["nextToken"]
    other = "arn:aws:personalize:us-east-1:123456789012:dataset-group/g1"
    with pytest.raises(ClientError) as info:
        aws.personalize.list_datasets(datasetGroupArn=other, nextToken=token)
    assert error_code(info) == "InvalidNextTokenException"


def test_lists_are_newest_first(aws):
    for index in range(3):
        schema(aws, f"s{index}", INTERACTIONS)
    names = [s["name"] for s in aws.personalize.list_schemas()["schemas"]]
    assert names == ["s2", "s1", "s0"]
