"""workshop.evaluate: the runtime-API evaluation against a fake client, baselines and tables."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workshop import evaluate


def ranked_with_hits_at(hit: str, *ranks: int, length: int = 30) -> list[str]:
    return [hit if i in ranks else f"filler{i}" for i in range(1, length + 1)]


class FakeRuntime:
    """Answers like personalize-runtime: fixed lists per user, per query item, or by ranking."""

    def __init__(
        self,
        by_user: dict[str, list[str]] | None = None,
        by_item: dict[str, list[str]] | None = None,
        ranking_order: list[str] | None = None,
    ) -> None:
        self.by_user = by_user or {}
        self.by_item = by_item or {}
        self.ranking_order = ranking_order or []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_recommendations(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("get_recommendations", request))
        if "itemId" in request:
            items = self.by_item.get(request["itemId"], [])
        else:
            items = self.by_user.get(request["userId"], ["popular1", "popular2"])
        n = request.get("numResults", 25)
        return {"itemList": [{"itemId": i} for i in items[:n]], "recommendationId": "RID-1"}

    def get_personalized_ranking(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("get_personalized_ranking", request))
        given = request["inputList"]
        order = [i for i in self.ranking_order if i in given] + [
            i for i in given if i not in self.ranking_order
        ]
        return {"personalizedRanking": [{"itemId": i, "score": 0.1} for i in order]}


# ------------------------------------------------------------------------------ campaigns
def test_evaluate_campaign_reproduces_the_last_item_example():
    runtime = FakeRuntime(
        {"A": ranked_with_hits_at("a-next", 3), "B": ranked_with_hits_at("b-next", 12)}
    )
    truth = {"A": {"a-next"}, "B": {"b-next"}, "C": set()}
    result = evaluate.evaluate_campaign(runtime, "arn:campaign/up", truth, progress=False)
    assert round(result["mean_reciprocal_rank_at_25"], 4) == 0.2083
    assert result["normalized_discounted_cumulative_gain_at_5"] == pytest.approx(0.25)
    assert round(result["normalized_discounted_cumulative_gain_at_25"], 4) == 0.3851
    assert result["precision_at_25"] == pytest.approx(0.04)
    # One call per user with truth; the user without truth is not asked.
    assert [c[1] for c in runtime.calls] == [
        {"campaignArn": "arn:campaign/up", "numResults": 25, "userId": "A"},
        {"campaignArn": "arn:campaign/up", "numResults": 25, "userId": "B"},
    ]


def test_exclude_seen_asks_for_more_and_refills():
    listed = ["seen1", "x1", "seen2", "hit", "x2", "x3"]
    runtime = FakeRuntime({"u": listed})
    seen = {"u": {"seen1", "seen2", "never-recommended"}}
    lists = evaluate.recommend_all(runtime, "arn:c", ["u"], k=3, exclude_seen=seen, progress=False)
    assert lists == {"u": ["x1", "hit", "x2"]}
    assert runtime.calls[0][1]["numResults"] == 6  # k + len(seen)
    with_seen = evaluate.evaluate_campaign(runtime, "arn:c", {"u": {"hit"}}, k=3, progress=False)
    without = evaluate.evaluate_campaign(
        runtime, "arn:c", {"u": {"hit"}}, k=3, exclude_seen=seen, progress=False
    )
    assert with_seen["hit_rate_at_3"] == 0.0 and without["hit_rate_at_3"] == 1.0
    assert without["mean_reciprocal_rank_at_3"] == 0.5


def test_num_results_is_capped_at_500():
    runtime = FakeRuntime({"u": ["a"]})
    seen = {"u": {f"s{i}" for i in range(1000)}}
    evaluate.recommend_all(runtime, "arn:c", ["u"], exclude_seen=seen, progress=False)
    assert runtime.calls[0][1]["numResults"] == 500


def test_sims_is_queried_with_the_last_training_item():
    train = pd.DataFrame(
        {
            "USER_ID": ["u", "u", "u", "v"],
            "ITEM_ID": ["old", "tie-first", "tie-last", "only"],
            "TIMESTAMP": [1, 5, 5, 3],
        }
    )
    queries = evaluate.last_items(train)
    assert queries == {"u": "tie-last", "v": "only"}  # ties: the later row, like the holdout
    runtime = FakeRuntime(by_item={"tie-last": ["x", "next"], "only": ["next-v"]})
    truth = {"u": {"next"}, "v": {"next-v"}, "w": {"z"}}
    result = evaluate.evaluate_campaign(
        runtime, "arn:sims", truth, k=5, item_query=queries, progress=False
    )
    asked = [c[1] for c in runtime.calls]
    assert asked == [
        {"campaignArn": "arn:sims", "numResults": 5, "itemId": "tie-last"},
        {"campaignArn": "arn:sims", "numResults": 5, "itemId": "only"},
    ]  # "w" has no training item: not asked, scored as a miss
    assert result["mean_reciprocal_rank_at_5"] == pytest.approx((1 / 2 + 1 + 0) / 3)


def test_ranking_campaigns_rank_candidates():
    runtime = FakeRuntime(ranking_order=["b", "hit", "a"])
    candidates = {"u": ["a", "b", "c", "hit", "seen"]}
    lists = evaluate.recommend_all(
        runtime,
        "arn:rank",
        ["u", "nobody"],
        k=2,
        candidates=candidates,
        exclude_seen={"u": {"seen"}},
        progress=False,
    )
    assert lists == {"u": ["b", "hit"], "nobody": []}
    assert runtime.calls == [
        (
            "get_personalized_ranking",
            {"campaignArn": "arn:rank", "userId": "u", "inputList": ["a", "b", "c", "hit"]},
        )
    ]
    with pytest.raises(ValueError, match="not both"):
        evaluate.recommend_all(runtime, "arn", ["u"], item_query={}, candidates={})


def test_ranking_candidates_hold_the_truth_and_are_seeded():
    truth = {"u": {"t1", "t2"}, "v": {"t3"}}
    items = [f"i{n}" for n in range(50)] + ["t1", "t2", "t3"]
    first = evaluate.ranking_candidates(truth, items, n_candidates=10, seed=3)
    assert first == evaluate.ranking_candidates(truth, items, n_candidates=10, seed=3)
    assert first != evaluate.ranking_candidates(truth, items, n_candidates=10, seed=4)
    assert {"t1", "t2"} <= set(first["u"]) and len(first["u"]) == len(set(first["u"])) == 10
    seen = {"u": {f"i{n}" for n in range(45)}}
    limited = evaluate.ranking_candidates(truth, items, n_candidates=10, exclude_seen=seen)
    assert not set(limited["u"]) & seen["u"]
    with pytest.raises(ValueError):
        evaluate.ranking_candidates(truth, items, n_candidates=501)


def test_coverage_with_a_catalogue_and_progress(capsys):
    runtime = FakeRuntime({"A": ["x", "y"], "B": ["y", "z"]})
    result = evaluate.evaluate_campaign(
        runtime,
        "arn:aws:personalize:us-east-1:000000000000:campaign/demo-up",
        {"A": {"x"}, "B": {"q"}},
        catalogue=[f"i{n}" for n in range(7)] + ["x", "y", "z"],
    )
    assert result["coverage"] == pytest.approx(0.3)
    assert "demo-up" in capsys.readouterr().err  # the progress bar is labelled by campaign


# ------------------------------------------------------------------------------ baselines
TRAIN = pd.DataFrame(
    {
        "USER_ID": ["1", "1", "2", "2", "3", "3", "3", "4"],
        "ITEM_ID": ["a", "b", "a", "c", "a", "b", "b", "d"],
        "TIMESTAMP": range(8),
    }
)


def test_popularity_counts_distinct_users_and_breaks_ties_by_id():
    # a: 3 users; b: 2 users (3 rows); c, d: 1 user each.
    assert evaluate.popularity_ranking(TRAIN) == ["a", "b", "c", "d"]
    truth = {"1": {"c"}, "4": {"a"}}
    result = evaluate.popularity_baseline(TRAIN, truth, k=3, catalogue=["a", "b", "c", "d", "e"])
    assert result["mean_reciprocal_rank_at_3"] == pytest.approx((1 / 3 + 1) / 2)
    assert result["coverage"] == pytest.approx(3 / 5)
    deduped = evaluate.popularity_baseline(
        TRAIN, truth, k=3, exclude_seen=evaluate.ground_truth(TRAIN)
    )
    # User 1 has seen a and b, so c comes first; user 4 has seen d only.
    assert deduped["mean_reciprocal_rank_at_3"] == pytest.approx(1.0)


def test_random_baseline_is_seeded_and_respects_seen_items():
    items = [f"cold{n}" for n in range(200)]
    truth = {f"u{n}": {f"cold{n}", f"cold{n + 1}"} for n in range(50)}
    first = evaluate.random_baseline(items, truth, seed=5)
    reordered = dict(reversed(truth.items()))
    assert first == pytest.approx(evaluate.random_baseline(items, reordered, seed=5), abs=1e-15)
    assert first != evaluate.random_baseline(items, truth, seed=6)
    # Expected hit rate of 25 random picks out of 200 with 2 relevant: about 23%.
    assert 0.05 < first["hit_rate_at_25"] < 0.5
    everything_but_truth = {u: set(items) - t for u, t in truth.items()}
    perfect = evaluate.random_baseline(items, truth, seed=5, exclude_seen=everything_but_truth)
    assert perfect["hit_rate_at_5"] == 1.0
    assert perfect["precision_at_25"] == pytest.approx(2 / 25)


def test_ground_truth_sets():
    truth = evaluate.ground_truth(TRAIN)
    assert truth == {"1": {"a", "b"}, "2": {"a", "c"}, "3": {"a", "b"}, "4": {"d"}}
    numbers = pd.DataFrame({"USER_ID": [1, 1], "ITEM_ID": [10, 11]})
    assert evaluate.ground_truth(numbers) == {"1": {"10", "11"}}


# ------------------------------------------------------------------------------ tables
def test_metrics_table_labels_each_column_from_its_own_key():
    offline = {
        "coverage": 0.5,
        "mean_reciprocal_rank_at_25": 0.2,
        "normalized_discounted_cumulative_gain_at_25": 0.3,
        "normalized_discounted_cumulative_gain_at_5": 0.1,
        "precision_at_10": 0.09,
        "precision_at_25": 0.025,
        "precision_at_5": 0.11,
        "hit_rate_at_25": 0.6,
    }
    internal = {
        "solutionVersionArn": "arn:sv",
        "metrics": {"coverage": 0.61, "precision_at_25": 0.0631, "average_rewards_at_k": 0.5},
        "ResponseMetadata": {},
    }
    table = evaluate.metrics_table({"offline": offline, "internal": internal})
    assert list(table.columns) == [
        "coverage", "mrr@25", "ndcg@5", "ndcg@25", "p@5", "p@10", "p@25", "hr@25",
    ]  # fmt: skip
    assert table.loc["offline", "p@25"] == 0.025  # the original NB5 showed p@10 here
    assert table.loc["offline", "p@10"] == 0.09
    assert table.loc["internal", "p@25"] == 0.0631
    assert math.isnan(table.loc["internal", "mrr@25"])
    assert table.index.name == "model"
    rounded = evaluate.metrics_table({"m": {"precision_at_5": 0.123456}})
    assert rounded.loc["m", "p@5"] == 0.1235
    raw = evaluate.metrics_table({"m": {"precision_at_5": 0.123456}}, digits=None)
    assert raw.loc["m", "p@5"] == 0.123456


def test_short_names():
    assert evaluate.short_name("normalized_discounted_cumulative_gain_at_10") == "ndcg@10"
    assert evaluate.short_name("mean_reciprocal_rank_at_25") == "mrr@25"
    assert evaluate.short_name("hit_rate_at_5") == "hr@5"
    assert evaluate.short_name("average_rewards_at_k") is None


def test_end_to_end_on_a_toy_holdout():
    """Campaign answers = popularity: the campaign and the baseline must agree exactly."""
    ranking = evaluate.popularity_ranking(TRAIN)
    runtime = FakeRuntime({u: ranking for u in ["1", "2", "3", "4"]})
    truth = {"1": {"c"}, "2": {"b"}, "3": {"d"}, "4": {"a"}}
    seen = evaluate.ground_truth(TRAIN)
    for exclude in (None, seen):
        campaign = evaluate.evaluate_campaign(
            runtime, "arn:c", truth, k=3, exclude_seen=exclude, progress=False
        )
        baseline = evaluate.popularity_baseline(TRAIN, truth, k=3, exclude_seen=exclude)
        assert campaign == baseline
    table = evaluate.metrics_table({"x": campaign}, digits=None)
    assert np.isclose(table.loc["x"].sum(), sum(campaign.values()))
