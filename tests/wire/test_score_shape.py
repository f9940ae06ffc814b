"""User-Personalization scores have the service's shape in real time and in batch output.

The service scores every item of the catalogue so that all scores sum to 1
(https://docs.aws.amazon.com/personalize/latest/dg/how-recommendation-scoring-works.html): the
returned ones are small, distinct and decreasing, never the degenerate [1.0, 0.0, 0.0, …].
"""

from __future__ import annotations

import itertools

from .s3data import put
from .test_batch_jobs import inference, jsonl, output
from .training import campaign, imported_group, trained


def assert_service_shape(scores: list[float]) -> None:
    assert all(s > 0 for s in scores), scores  # no exact zeros
    assert all(a > b for a, b in itertools.pairwise(scores)), scores  # strictly down
    assert 0.01 <= scores[0] <= 0.7, scores  # a share of the catalogue, not 1.0
    assert sum(scores) < 1.0 + 1e-6  # part of a distribution over the whole catalogue


def test_recommendation_and_batch_scores_have_the_service_shape(aws):
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-user-personalization")
    arn = campaign(aws, version)
    real_time = {}
    for user in ("u0", "u1", "u2"):
        answer = aws.runtime.get_recommendations(campaignArn=arn, userId=user, numResults=10)
        real_time[user] = [i["score"] for i in answer["itemList"]]
        assert_service_shape(real_time[user])
    source = put(aws, "shape/users.json", jsonl([{"userId": u} for u in real_time]))
    job = inference(aws, version, source, output="shape/", numResults=10)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    for row in output(aws, "shape/users.json.out"):
        scores = row["output"]["scores"]
        assert_service_shape(scores)
        assert scores == real_time[row["input"]["userId"]]  # the same scoring path


def test_ranking_scores_still_sum_to_one(aws):
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-personalized-ranking")
    arn = campaign(aws, version)
    ranking = aws.runtime.get_personalized_ranking(
        campaignArn=arn, userId="u1", inputList=[f"i{i}" for i in range(20, 40)]
    )["personalizedRanking"]
    assert abs(sum(r["score"] for r in ranking) - 1) < 1e-3
