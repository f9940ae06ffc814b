"""Filters, the recipe catalogue and tags through boto3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .builders import dataset, dataset_group, error_code, error_message

GENRE = "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)"
UNWATCHED = 'EXCLUDE ItemID WHERE Interactions.event_type IN ("watch")'


@pytest.fixture
def movies(aws):
    group = dataset_group(aws)
    dataset(aws, group, "Interactions")
    dataset(aws, group, "Items")
    return group


def test_filter_round_trip(aws, movies):
    arn = aws.personalize.create_filter(
        name="genre", datasetGroupArn=movies, filterExpression=GENRE
    )["filterArn"]
    assert arn == "arn:aws:personalize:us-east-1:123456789012:filter/genre"
    described = aws.personalize.describe_filter(filterArn=arn)["filter"]
    assert described["filterExpression"] == GENRE
    assert described["status"] == "ACTIVE"
    listed = aws.personalize.list_filters(datasetGroupArn=movies)["Filters"]
    assert [f["filterArn"] for f in listed] == [arn]
    aws.personalize.delete_filter(filterArn=arn)
    with pytest.raises(ClientError) as info:
        aws.personalize.describe_filter(filterArn=arn)
    assert error_code(info) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "expression",
    [
        "INCLUDE ItemID WHERE",
        'INCLUDE ItemID WHERE Items.COLOUR IN ("red")',
        'INCLUDE ItemID WHERE Users.GENDER IN ("f")',
        "INCLUDE ItemID WHERE Items.GENRES > 3",
        'EXCLUDE ItemID WHERE Items.GENRES IN ("Drama") AND Interactions.EVENT_TYPE IN ("x")',
    ],
)
def test_bad_filter_expressions(aws, movies, expression):
    with pytest.raises(ClientError) as info:
        aws.personalize.create_filter(name="f", datasetGroupArn=movies, filterExpression=expression)
    assert error_code(info) == "InvalidInputException"


def test_filter_quota(aws, movies):
    for index in range(30):
        aws.personalize.create_filter(
            name=f"f{index}", datasetGroupArn=movies, filterExpression=UNWATCHED
        )
    with pytest.raises(ClientError) as info:
        aws.personalize.create_filter(
            name="f30", datasetGroupArn=movies, filterExpression=UNWATCHED
        )
    assert error_code(info) == "LimitExceededException"


def test_list_recipes_and_domain_filter(aws):
    recipes = aws.personalize.list_recipes()["recipes"]
    arns = {r["recipeArn"] for r in recipes}
    assert "arn:aws:personalize:::recipe/aws-user-personalization" in arns
    assert "arn:aws:personalize:::recipe/aws-sims" in arns
    assert not any("hrnn" in arn for arn in arns)
    vod = aws.personalize.list_recipes(domain="VIDEO_ON_DEMAND")["recipes"]
    assert vod and all(r["domain"] == "VIDEO_ON_DEMAND" for r in vod)
    assert all(r["status"] == "ACTIVE" for r in recipes)


def test_describe_recipe_algorithm_and_transformation(aws):
    recipe = aws.personalize.describe_recipe(recipeArn="arn:aws:personalize:::recipe/aws-sims")[
        "recipe"
    ]
    assert recipe["recipeType"] == "RELATED_ITEMS"
    algorithm = aws.personalize.describe_algorithm(algorithmArn=recipe["algorithmArn"])["algorithm"]
    assert algorithm["algorithmArn"] == recipe["algorithmArn"]
    assert "popularity_discount_factor" in algorithm["defaultHyperParameters"]
    transformation = aws.personalize.describe_feature_transformation(
        featureTransformationArn=recipe["featureTransformationArn"]
    )["featureTransformation"]
    assert transformation["featureTransformationArn"] == recipe["featureTransformationArn"]


def test_retired_and_unknown_recipes(aws):
    with pytest.raises(ClientError) as info:
        aws.personalize.describe_recipe(recipeArn="arn:aws:personalize:::recipe/aws-hrnn")
    assert error_code(info) == "ResourceNotFoundException"
    assert "aws-hrnn" in error_message(info)
    for call, key in (
        (aws.personalize.describe_algorithm, "algorithmArn"),
        (aws.personalize.describe_feature_transformation, "featureTransformationArn"),
    ):
        with pytest.raises(ClientError) as info:
            call(**{key: "arn:aws:personalize:::algorithm/nothing"})
        assert error_code(info) == "ResourceNotFoundException"


def test_tags_at_creation_and_after(aws):
    group = aws.personalize.create_dataset_group(
        name="tagged", tags=[{"tagKey": "team", "tagValue": "ml"}]
    )["datasetGroupArn"]
    listed = aws.personalize.list_tags_for_resource(resourceArn=group)["tags"]
    assert listed == [{"tagKey": "team", "tagValue": "ml"}]
    aws.personalize.tag_resource(
        resourceArn=group,
        tags=[{"tagKey": "cost", "tagValue": "workshop"}, {"tagKey": "team", "tagValue": "ds"}],
    )
    listed = aws.personalize.list_tags_for_resource(resourceArn=group)["tags"]
    assert {t["tagKey"]: t["tagValue"] for t in listed} == {"team": "ds", "cost": "workshop"}
    aws.personalize.untag_resource(resourceArn=group, tagKeys=["team", "absent"])
    listed = aws.personalize.list_tags_for_resource(resourceArn=group)["tags"]
    assert listed == [{"tagKey": "cost", "tagValue": "workshop"}]


def test_tag_limits(aws):
    group = dataset_group(aws)
    many = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    with pytest.raises(ClientError) as info:
        aws.personalize.tag_resource(resourceArn=group, tags=many)
    assert error_code(info) == "TooManyTagsException"
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset_group(name="too-many", tags=many)
    assert error_code(info) == "TooManyTagsException"
    with pytest.raises(ClientError) as info:
        aws.personalize.untag_resource(resourceArn=group, tagKeys=[f"k{i}" for i in range(51)])
    assert error_code(info) == "TooManyTagKeysException"
    with pytest.raises(ClientError) as info:
        aws.personalize.tag_resource(resourceArn=group, tags=[{"tagKey": "aws:x", "tagValue": "v"}])
    assert error_code(info) == "InvalidInputException"


def test_tags_on_a_missing_resource(aws):
    arn = "arn:aws:personalize:us-east-1:123456789012:dataset-group/none"
    with pytest.raises(ClientError) as info:
        aws.personalize.list_tags_for_resource(resourceArn=arn)
    assert error_code(info) == "ResourceNotFoundException"
