"""HPO: a real, seeded random search over botocore-shaped ranges."""

from __future__ import annotations

import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.evaluation import tune
from tests.recipes.synthetic import clustered

HPO = {
    "hpoResourceConfig": {"maxNumberOfTrainingJobs": "4"},
    "algorithmHyperParameterRanges": {
        "continuousHyperParameterRanges": [
            {"name": "popularity_discount_factor", "minValue": 0.0, "maxValue": 1.0}
        ],
        "integerHyperParameterRanges": [
            {"name": "min_cointeraction_count", "minValue": 1, "maxValue": 10}
        ],
    },
}


@pytest.fixture(scope="module")
def data():
    return clustered(users_per_cluster=40)


def test_search_is_seeded_and_returns_the_best_trial(data):
    best, trials = tune("aws-sims", data, HPO, None, {}, {}, seed=1)
    again, _ = tune("aws-sims", data, HPO, None, {}, {}, seed=1)
    assert best == again
    assert 2 <= len(trials) <= 4
    assert trials[0].hyperparameters == {}  # the base configuration is trial 0
    top = max(t.objective for t in trials)
    assert next(t.hyperparameters for t in trials if t.objective == top) == best
    for t in trials[1:]:
        assert 0.0 <= float(t.hyperparameters["popularity_discount_factor"]) <= 1.0
        assert 1 <= int(t.hyperparameters["min_cointeraction_count"]) <= 10


def test_default_space_and_objective(data):
    best, trials = tune(
        "aws-user-personalization",
        data,
        {"hpoResourceConfig": {"maxNumberOfTrainingJobs": "3"}},
        None,
        {},
        {},
        0,
    )
    assert all("normalized_discounted_cumulative_gain_at_25" in t.metrics for t in trials)
    assert set(best) <= {"hidden_dimension", "bptt", "recency_mask"}


def test_minimize_picks_the_lowest(data):
    objective = {"type": "Minimize", "metricName": "coverage"}
    best, trials = tune("aws-sims", data, HPO, objective, {}, {}, seed=1)
    low = min(t.objective for t in trials)
    assert next(t.hyperparameters for t in trials if t.objective == low) == best


def test_unknown_range_name_is_rejected(data):
    bad = {
        "algorithmHyperParameterRanges": {
            "integerHyperParameterRanges": [{"name": "depth", "minValue": 1, "maxValue": 2}]
        }
    }
    with pytest.raises(InvalidInputException, match="depth"):
        tune("aws-sims", data, bad, None, {}, {}, seed=0)
