"""User-Personalization-v2 answers: scores over a subset of the catalogue, placeholders that
fill a filtered list, and the reasons an item is there.

The guide: v2 "generates scores for a subset of your items", whose total is 1, and with a
filter "might add placeholder items ... popular items ... that satisfy your filter criteria.
They don't have a relevance score for the user"
(https://docs.aws.amazon.com/personalize/latest/dg/how-recommendation-scoring-works.html);
botocore's PredictedItem.reason names "Promoted item", "Exploration" and "Popular item".
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from personalize_local.runtime.scoring import V2_CANDIDATES

from .s3data import interactions_csv, put
from .test_batch_jobs import inference, jsonl, output
from .test_promotions import make_filter
from .training import campaign, imported_group, trained

ITEMS = 1200  # more than the v2 subset, so the subset is a real part of the catalogue
USERS = 240
COLD = 8  # items with metadata only, created at the newest interaction
THRILLERS = 'INCLUDE ItemID WHERE Items.GENRES IN ("Thriller")'
QUIET = {"itemExplorationConfig": {"explorationWeight": "0"}}


def _interactions() -> bytes:
    return interactions_csv(users=USERS, items=ITEMS, per_user=30)


def _items(latest: int) -> bytes:
    genres = ["Animation", "Thriller"]
    lines = ["ITEM_ID,GENRES,YEAR,CREATION_TIMESTAMP"]
    lines += [f"i{i},{genres[i % 2]},1990,{1_500_000_000 + i}" for i in range(ITEMS)]
    lines += [f"cold{c},{genres[c % 2]},2020,{latest}" for c in range(COLD)]
    return ("\n".join(lines) + "\n").encode()


def _thriller(item: str) -> bool:
    return int(item.removeprefix("cold").removeprefix("i")) % 2 == 1


def _popularity() -> Counter[str]:
    """Distinct users per item in the imported interactions (the service's popularity)."""
    rows = [line.split(",") for line in _interactions().decode().splitlines()[1:]]
    return Counter(item for _, item in {(r[0], r[1]) for r in rows})


@pytest.fixture
def group(aws):
    latest = max(int(line.rsplit(",", 1)[1]) for line in _interactions().decode().split()[1:])
    return imported_group(aws, _interactions(), _items(latest))


def test_v2_scores_its_best_items_and_they_sum_to_one(aws, group):
    _, version = trained(aws, group, "aws-user-personalization-v2")
    arn = campaign(aws, version)
    whole = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=500)
    scores = [i["score"] for i in whole["itemList"]]
    assert len(scores) == V2_CANDIDATES == 500
    assert all(s > 0 for s in scores)
    assert all(a >= b for a, b in itertools.pairwise(scores))
    assert 0.01 <= scores[0] <= 0.5, scores[:5]  # a share of the subset, not 1.0
    assert abs(sum(scores) - 1) < 2e-3  # the subset's scores make the whole (4 digits each)
    first = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=10)
    assert first["itemList"] == whole["itemList"][:10]  # numResults does not move the subset
    assert not any("reason" in i for i in whole["itemList"])


def test_a_filter_that_empties_the_subset_is_filled_with_popular_items(aws, group):
    """u0 leans to the even (Animation) items: its best 500 hold few thrillers, so a filter
    for thrillers leaves v2 short and popular thrillers fill the list, unscored; v1 scores
    the whole catalogue and needs no placeholder."""
    popularity = _popularity()
    thrillers = make_filter(aws, group, "thrillers", THRILLERS)
    _, v2 = trained(aws, group, "aws-user-personalization-v2")
    # Without exploration, so that real time and batch answer alike.
    v2_campaign = campaign(aws, v2, name="v2", campaignConfig=QUIET)
    answer = aws.runtime.get_recommendations(
        campaignArn=v2_campaign, userId="u0", numResults=100, filterArn=thrillers
    )["itemList"]
    assert len(answer) == 100
    assert all(_thriller(i["itemId"]) for i in answer)
    scored = [i for i in answer if "score" in i]
    placeholders = [i for i in answer if "score" not in i]
    assert placeholders and answer[len(scored) :] == placeholders  # scored first, then fill
    assert all(i["reason"] == ["Popular item"] for i in placeholders)
    assert not any("reason" in i for i in scored)
    counts = [popularity[i["itemId"]] for i in placeholders]
    assert counts == sorted(counts, reverse=True)  # the most popular thrillers first
    best_left = max(
        popularity[item]
        for item in popularity
        if _thriller(item) and item not in {i["itemId"] for i in answer}
    )
    assert best_left <= counts[-1]

    _, v1 = trained(aws, group, "aws-user-personalization", name="v1")
    plain = aws.runtime.get_recommendations(
        campaignArn=campaign(aws, v1, name="v1"), userId="u0", numResults=100, filterArn=thrillers
    )["itemList"]
    assert len(plain) == 100 and all("score" in i and "reason" not in i for i in plain)

    # Batch output keeps its two lists aligned: a placeholder's score is 0.0.
    source = put(aws, "v2/users.json", jsonl([{"userId": "u0"}]))
    job = inference(
        aws,
        v2,
        source,
        output="v2/",
        numResults=100,
        filterArn=thrillers,
        batchInferenceJobConfig=QUIET,
    )
    assert job["status"] == "ACTIVE", job.get("failureReason")
    (row,) = output(aws, "v2/users.json.out")
    assert row["output"]["recommendedItems"] == [i["itemId"] for i in answer]
    assert row["output"]["scores"] == [i.get("score", 0.0) for i in answer]


def test_v2_says_which_items_exploration_brought_in(aws, group):
    config = {"itemExplorationConfig": {"explorationWeight": "0.9"}}
    _, v2 = trained(aws, group, "aws-user-personalization-v2")
    explored = aws.runtime.get_recommendations(
        campaignArn=campaign(aws, v2, name="explore", campaignConfig=config),
        userId="u1",
        numResults=25,
    )["itemList"]
    brought = [i["itemId"] for i in explored if i.get("reason") == ["Exploration"]]
    assert brought and all(item.startswith("cold") for item in brought)
    assert all("score" in i for i in explored)  # explored items are scored like the rest
    quiet = aws.runtime.get_recommendations(
        campaignArn=campaign(aws, v2, name="quiet", campaignConfig=QUIET),
        userId="u1",
        numResults=25,
    )["itemList"]
    assert not any("reason" in i for i in quiet)
    assert not any(i["itemId"].startswith("cold") for i in quiet)
