"""Answers to requests served at once equal, byte for byte, the same requests served one by one.

Scoring takes a lock while the top-k and softmax run outside it; this checks that overlapping
requests never see each other's arrays. The answer cache is off, so every request is scored.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from .training import campaign, imported_group, trained

USERS = [f"u{i}" for i in range(1, 13)]


def _calls(aws, arns: dict[str, str], genre_filter: str) -> list[tuple[str, dict]]:
    calls: list[tuple[str, dict]] = []
    for user in USERS:
        calls.append(("get_recommendations", {"campaignArn": arns["up"], "userId": user}))
        calls.append(
            (
                "get_recommendations",
                {
                    "campaignArn": arns["up"],
                    "userId": user,
                    "numResults": 7,
                    "filterArn": genre_filter,
                    "filterValues": {"GENRE": '"g1"'},
                },
            )
        )
        calls.append(("get_recommendations", {"campaignArn": arns["pop"], "userId": user}))
        calls.append(
            (
                "get_personalized_ranking",
                {"campaignArn": arns["rank"], "userId": user, "inputList": ["i1", "i5", "i9"]},
            )
        )
    for item in ("i1", "i2", "i3", "i4"):
        calls.append(("get_recommendations", {"campaignArn": arns["sims"], "itemId": item}))
    return calls


def _answer(aws, call: tuple[str, dict]) -> bytes:
    name, kwargs = call
    body = getattr(aws.runtime, name)(**kwargs)
    body.pop("ResponseMetadata")
    body.pop("recommendationId", None)  # drawn per answer, in arrival order
    return json.dumps(body, sort_keys=True).encode()


def test_concurrent_answers_equal_sequential_ones(aws, server, monkeypatch):
    monkeypatch.setattr(server.emulator.settings, "answer_cache_items", 0)
    group = imported_group(aws)
    arns = {}
    _, up = trained(aws, group, "aws-user-personalization")
    arns["up"] = campaign(
        aws,
        up,
        "up",
        campaignConfig={"itemExplorationConfig": {"explorationWeight": "0.5"}},
    )
    for key, recipe in (
        ("pop", "aws-popularity-count"),
        ("rank", "aws-personalized-ranking"),
        ("sims", "aws-sims"),
    ):
        _, version = trained(aws, group, recipe)
        arns[key] = campaign(aws, version, key)
    genre_filter = aws.personalize.create_filter(
        name="genre",
        datasetGroupArn=group,
        filterExpression="EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($GENRE)",
    )["filterArn"]
    calls = _calls(aws, arns, genre_filter)
    alone = [_answer(aws, call) for call in calls]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda call: _answer(aws, call), calls * 3))
    assert together == alone * 3
