"""GetRecommendations promotions (promoting-items) and the answers' freshness after events."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from .builders import error_code, error_message, settle
from .s3data import interactions_csv
from .test_recommenders import recommender, settled, vod_group, watched, watches
from .training import campaign, imported_group, items_csv, trained

THRILLERS = "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)"


def parity(ids: list[str]) -> list[int]:
    return [int(i.lstrip("i")) % 2 for i in ids]


def ids(answer: dict) -> list[str]:
    return [i["itemId"] for i in answer["itemList"]]


def seen(user: str) -> set[str]:
    rows = [line.split(",") for line in interactions_csv().decode().splitlines()[1:]]
    return {r[1] for r in rows if r[0] == user}


def make_filter(aws, group: str, name: str, expression: str) -> str:
    arn = aws.personalize.create_filter(
        name=name, datasetGroupArn=group, filterExpression=expression
    )["filterArn"]
    settle(lambda: aws.personalize.describe_filter(filterArn=arn), "filter")
    return arn


def promotion(filter_arn: str, percent: int = 30, name: str = "thrillers", **values) -> dict:
    out = {"name": name, "percentPromotedItems": percent, "filterArn": filter_arn}
    if values:
        out["filterValues"] = {k: f'"{v}"' for k, v in values.items()}
    return out


def promoted_ids(answer: dict, name: str = "thrillers") -> list[str]:
    return [i["itemId"] for i in answer["itemList"] if i.get("promotionName") == name]


@pytest.fixture
def served(aws):
    """A user-personalization campaign on clustered data with genres: even items are
    Animation|Children, odd items Thriller|Crime; u0 prefers the even cluster."""
    group = imported_group(aws, items=items_csv())
    _, version = trained(aws, group, "aws-user-personalization")
    return group, campaign(aws, version)


def test_promoted_items_come_from_the_promotion_filter(aws, served):
    group, arn = served
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)
    plain = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=60)
    assert parity(ids(plain)[:10]).count(0) >= 8  # u0's own cluster leads
    request = {
        "campaignArn": arn,
        "userId": "u0",
        "numResults": 10,
        "promotions": [promotion(thrillers, 30, GENRE="Thriller")],
    }
    answer = aws.runtime.get_recommendations(**request)
    items = answer["itemList"]
    assert len(items) == 10 and len(set(ids(answer))) == 10
    promoted = promoted_ids(answer)
    assert len(promoted) == 3  # 30 % of 10
    # Promoted: the best-scored thrillers, in their own order, flagged; the others unflagged.
    best_thrillers = ids(
        aws.runtime.get_recommendations(
            campaignArn=arn,
            userId="u0",
            numResults=3,
            filterArn=thrillers,
            filterValues={"GENRE": '"Thriller"'},
        )
    )
    assert promoted == best_thrillers and parity(promoted) == [1, 1, 1]
    for item in items:
        expected = {"itemId", "score", "promotionName"} if item["itemId"] in promoted else None
        assert set(item) == (expected or {"itemId", "score"}), item
        assert item.get("promotionName", "thrillers") == "thrillers"
    # The rest: the campaign's own best items that are not promoted, in order.
    rest = [i for i in ids(answer) if i not in promoted]
    assert rest == [i for i in ids(plain) if i not in promoted][:7]
    # Scores are the model's (the same softmax over the catalogue as without the promotion).
    plain_scores = {i["itemId"]: i["score"] for i in plain["itemList"]}
    assert all(i["score"] == plain_scores[i["itemId"]] for i in items)
    assert not set(ids(answer)) & seen("u0")
    # Placed among the others, reproducibly: the same request, the same layout.
    again = aws.runtime.get_recommendations(**request)
    assert again["itemList"] == items and again["recommendationId"] != answer["recommendationId"]


def test_request_filter_applies_to_the_rest_only(aws, served):
    group, arn = served
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)
    animation = make_filter(
        aws, group, "animation", 'INCLUDE ItemID WHERE Items.GENRES IN ("Animation")'
    )
    answer = aws.runtime.get_recommendations(
        campaignArn=arn,
        userId="u1",  # the odd cluster: thrillers are what it would get anyway
        numResults=8,
        filterArn=animation,
        promotions=[promotion(thrillers, 50, name="spotlight", GENRE="Thriller")],
    )
    promoted = promoted_ids(answer, "spotlight")
    rest = [i for i in ids(answer) if i not in promoted]
    assert len(promoted) == 4 and parity(promoted) == [1] * 4
    assert len(rest) == 4 and parity(rest) == [0] * 4


def test_too_few_promotable_items_promote_what_there_is(aws, served):
    group, arn = served
    late = make_filter(aws, group, "late", "INCLUDE ItemID WHERE Items.YEAR >= 2027")
    expected = {"i57", "i58", "i59"} - seen("u0")  # YEAR is 1970 + the item's number
    answer = aws.runtime.get_recommendations(
        campaignArn=arn,
        userId="u0",
        numResults=10,
        promotions=[promotion(late, 100, name="late")],
    )
    assert len(answer["itemList"]) == 10
    assert set(promoted_ids(answer, "late")) == expected and expected
    others = [i for i in answer["itemList"] if "promotionName" not in i]
    assert len(others) == 10 - len(expected)


def test_rounding_up_and_a_promotion_for_every_slot(aws, served):
    group, arn = served
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)
    one = aws.runtime.get_recommendations(
        campaignArn=arn,
        userId="u0",
        numResults=5,
        promotions=[promotion(thrillers, 1, GENRE="Thriller")],
    )
    assert len(promoted_ids(one)) == 1  # 1 % of 5 rounds up to one item
    every = aws.runtime.get_recommendations(
        campaignArn=arn,
        userId="u0",
        numResults=5,
        promotions=[promotion(thrillers, 100, GENRE="Thriller")],
    )
    assert promoted_ids(every) == ids(every) and parity(ids(every)) == [1] * 5


def test_promotion_errors(aws, served):
    group, arn = served
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)

    def refused(code: str, **promoted) -> str:
        with pytest.raises(ClientError) as info:
            aws.runtime.get_recommendations(campaignArn=arn, userId="u0", **promoted)
        assert error_code(info) == code, error_message(info)
        return error_message(info)

    # An INCLUDE placeholder without a value.
    assert "GENRE" in refused("InvalidInputException", promotions=[promotion(thrillers)])
    # No such filter; a filter that is not ACTIVE answers the same way.
    missing = thrillers.replace("thrillers", "nothing")
    assert missing in refused("ResourceNotFoundException", promotions=[promotion(missing)])
    # At most one promotion, and 1–100 percent (the server's validation, as the service's).
    two = [promotion(thrillers, GENRE="x"), promotion(thrillers, name="b", GENRE="x")]
    assert "promotions" in refused("InvalidInputException", promotions=two)
    assert "percentPromotedItems" in refused(
        "InvalidInputException", promotions=[promotion(thrillers, 101, GENRE="x")]
    )
    # Every member a promotion needs.
    for member in ("name", "percentPromotedItems", "filterArn"):
        partial = {k: v for k, v in promotion(thrillers, GENRE="x").items() if k != member}
        assert member in refused("InvalidInputException", promotions=[partial])


def test_promotion_filter_of_another_group_and_unsupported_recipes(aws, served):
    group, arn = served
    second = aws.personalize.create_dataset_group(name="other")["datasetGroupArn"]
    settle(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=second), "datasetGroup")
    schema = next(
        s["schemaArn"]
        for s in aws.personalize.list_schemas()["schemas"]
        if s["name"] == "interactions-schema"
    )
    interactions = aws.personalize.create_dataset(
        name="other", schemaArn=schema, datasetGroupArn=second, datasetType="Interactions"
    )["datasetArn"]
    settle(lambda: aws.personalize.describe_dataset(datasetArn=interactions), "dataset")
    foreign = make_filter(
        aws, second, "foreign", 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")'
    )
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(
            campaignArn=arn, userId="u0", promotions=[promotion(foreign)]
        )
    assert error_code(info) == "InvalidInputException"
    assert "another dataset group" in error_message(info)
    # Semantic-Similarity is not among the recipes that take promotions; SIMS is.
    own = make_filter(aws, group, "seen", 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")')
    _, semantic = trained(aws, group, "aws-semantic-similarity")
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(
            campaignArn=campaign(aws, semantic, "semantic"),
            itemId="i4",
            promotions=[promotion(own)],
        )
    assert error_code(info) == "InvalidInputException"
    assert "aws-semantic-similarity" in error_message(info)
    _, sims = trained(aws, group, "aws-sims")
    related = aws.runtime.get_recommendations(
        campaignArn=campaign(aws, sims, "sims"),
        itemId="i4",
        numResults=6,
        promotions=[promotion(make_filter(aws, group, "odd", THRILLERS), 50, GENRE="Thriller")],
    )
    promoted = promoted_ids(related)
    assert len(promoted) == 3 and parity(promoted) == [1, 1, 1]
    for item in related["itemList"]:  # SIMS answers carry no scores, promoted or not
        assert set(item) == (
            {"itemId", "promotionName"} if item["itemId"] in promoted else {"itemId"}
        )


def test_recommender_promotions(aws):
    payload = watches()
    group = vod_group(aws, payload)
    top = recommender(aws, group, "aws-vod-top-picks", "top-picks")
    trending = recommender(aws, group, "aws-vod-trending-now", "trending")
    for arn in (top, trending):
        assert settled(aws, arn)["status"] == "ACTIVE"
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)
    answer = aws.runtime.get_recommendations(
        recommenderArn=top,
        userId="u0",
        numResults=10,
        promotions=[promotion(thrillers, 20, GENRE="Thriller")],
    )
    promoted = promoted_ids(answer)
    assert len(promoted) == 2 and parity(promoted) == [1, 1]
    # The use case's own rule (no watched videos) holds for promoted items too.
    assert not set(ids(answer)) & watched(payload, "u0")
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(
            recommenderArn=trending,
            userId="u0",
            promotions=[promotion(thrillers, 20, GENRE="Thriller")],
        )
    assert error_code(info) == "InvalidInputException"
    assert "aws-vod-trending-now" in error_message(info)


def test_answers_follow_events_and_item_metadata_at_once(aws):
    group = imported_group(aws, items=items_csv())
    _, version = trained(aws, group, "aws-user-personalization")
    # Without exploration nothing but the user's own history moves the answer (exploration
    # also follows the newest event of any user).
    arn = campaign(
        aws, version, campaignConfig={"itemExplorationConfig": {"explorationWeight": "0"}}
    )
    first = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=10)
    repeated = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=10)
    assert repeated["itemList"] == first["itemList"]
    assert repeated["recommendationId"] != first["recommendationId"]
    # A run of odd items turns the next answer towards them, without retraining.
    tracker = aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    settle(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]),
        "eventTracker",
    )
    now = int(time.time())
    odd = [f"i{i}" for i in range(1, 60, 2) if f"i{i}" not in seen("u0")][:12]
    aws.events.put_events(
        trackingId=tracker["trackingId"],
        userId="u0",
        sessionId="s0",
        eventList=[
            {"eventType": "watch", "itemId": item, "sentAt": now + n}
            for n, item in enumerate(odd[:10])
        ],
    )
    after = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=10)
    assert ids(after) != ids(first) and parity(ids(after)).count(1) >= 6
    assert not set(ids(after)) & set(odd[:10])  # now seen, so no longer recommended
    # PutItems: an item that turns into a thriller passes a thriller filter at once.
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)

    def thriller_ids() -> list[str]:
        return ids(
            aws.runtime.get_recommendations(
                campaignArn=arn,
                userId="u1",
                numResults=60,
                filterArn=thrillers,
                filterValues={"GENRE": '"Thriller"'},
            )
        )

    before = thriller_ids()
    candidate = next(f"i{i}" for i in range(0, 60, 2) if f"i{i}" not in seen("u1"))
    assert candidate not in before
    items = next(
        d["datasetArn"]
        for d in aws.personalize.list_datasets(datasetGroupArn=group)["datasets"]
        if d["datasetType"].upper() == "ITEMS"
    )
    aws.events.put_items(
        datasetArn=items,
        items=[
            {
                "itemId": candidate,
                "properties": '{"genres": "Thriller", "year": 2000, '
                '"creationTimestamp": 1500000000}',
            }
        ],
    )
    assert candidate in thriller_ids()
