"""Metrics of the non-list families: USER_SEGMENTATION and Trending-Now.

USER_SEGMENTATION (Item-Affinity, Item-Attribute-Affinity): every user's oldest 80% of
interactions train, the newest 20% test. Up to 500 queries with test interactions are asked
(seeded sample); for each, the model ranks all users and its top K = ⌈1% of users⌉ are compared
with the users who interacted with the queried items in the test part:

    hits_at_1_percent = mean over queries of |top K ∩ truth| / K,
    recall_at_1_percent = mean over queries of |top K ∩ truth| / |truth|,
    coverage = |users appearing in any top-K list| / |users|.

A query is what the recipe's batch segment job takes: one item for Item-Affinity; for
Item-Attribute-Affinity one attribute value, ``ITEMS.<column> = "<value>"`` over the Items
dataset's non-reserved, non-textual columns (values at least two items share), whose truth is
every test user of any item carrying it. The guide names the metrics and the 80/20 split
(https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html) but not
which attribute queries the service asks: querying every shared value is a guess.

Trending-Now ("trend prediction accuracy"): with W the trend window and t_max the latest
event, the model is trained on events up to t₀ = t_max − W and predicts the top 25 trending
items at t₀. Each item's actual increase in the next window is
Δ_j = count(t₀, t_max] − count(t₀ − W, t₀]; the metric is Σ_{recommended} Δ_j divided by the
Σ of the 25 largest Δ_j, clipped to [0, 1] (0 when nothing trended).

The service defines it as "the rate of increase in popularity of the recommended items divided
by that of the top 25 actually trending items in the test data"
(https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html) and
says no more. Guessed here: the test data is the last trend window (the recipe discovers trends
once per window, https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-trending-now.html),
not the 10% of users the list recipes hold out; the "rate of increase" is the change in event
count from one window to the next (the recipe's own criterion); the value is clipped to [0, 1].
On MovieLens the last windows hold one to three events in all, so nothing measurably trends and
the value is 0.0; on data whose items keep gaining events window after window it is well above
0 (tests/recipes/test_popular_items.py).
"""

from __future__ import annotations

import numpy as np

from personalize_local.evaluation import metrics as M
from personalize_local.evaluation.holdout import rng_for, split_per_user
from personalize_local.models.affinity import affinity_columns, attribute_affinity_columns
from personalize_local.models.attributes import attribute_values
from personalize_local.models.data import CREATION_TIMESTAMP
from personalize_local.models.registry import Prepared, fit_prepared
from personalize_local.recipes.parameters import parse_trend_frequency

MAX_QUERIES = 500
USER_FRACTION = 0.01


def _queries(prep: Prepared, model, test_items: np.ndarray) -> list[np.ndarray]:
    """Each query's item indexes in model space (see the module docstring)."""
    to_model = model.item_index(list(prep.data.items))
    if not prep.recipe.segments_by_attributes:
        return [np.array([to_model[j]]) for j in test_items]
    skip = frozenset({CREATION_TIMESTAMP, *prep.data.item_text_columns})
    tested = np.zeros(len(model.item_ids), bool)
    tested[to_model[test_items]] = True
    return [
        rows
        for _, rows in attribute_values(prep.data.items_meta, model.item_ids, skip)
        if tested[rows].any()
    ]


def segmentation_metrics(prep: Prepared, seed: int) -> dict[str, float]:
    """coverage, hits_at_1_percent, recall_at_1_percent (unrounded)."""
    train, test = split_per_user(prep.data)
    model = fit_prepared(prep, seed, data=train)
    to_model = model.item_index(list(prep.data.items))
    test_items = np.unique(test.item_idx)
    test_items = test_items[to_model[test_items] >= 0]
    queries = _queries(prep, model, test_items)
    rng = rng_for(seed, "segquery")
    if len(queries) > MAX_QUERIES:
        chosen = np.sort(rng.choice(len(queries), MAX_QUERIES, replace=False))
        queries = [queries[q] for q in chosen]
    score = attribute_affinity_columns if prep.recipe.segments_by_attributes else affinity_columns
    n_users = int((np.bincount(train.user_idx, minlength=train.n_users) > 0).sum())
    k = max(1, int(np.ceil(USER_FRACTION * n_users)))
    # Test users per model item, to build each query's truth.
    model_item = to_model[test.item_idx]
    known = model_item >= 0
    pairs = np.unique(np.stack([model_item[known], test.user_idx[known]]), axis=1)
    starts = np.searchsorted(pairs[0], np.arange(len(model.item_ids) + 1))
    ranked, truths = [], []
    for start in range(0, len(queries), 100):
        chunk = queries[start : start + 100]
        scores = score(model, chunk)
        for q, items in enumerate(chunk):
            col = scores[:, q]
            finite = np.flatnonzero(np.isfinite(col))
            ranked.append(finite[np.lexsort((finite, -col[finite]))][:k])
            users = [pairs[1, starts[j] : starts[j + 1]] for j in items]
            truths.append(np.unique(np.concatenate(users)) if users else np.zeros(0, np.int64))
    hits, recall = M.hits_and_recall_at_fraction(ranked, truths)
    covered = len(np.unique(np.concatenate(ranked))) if ranked else 0
    return {
        "coverage": covered / max(n_users, 1),
        "hits_at_1_percent": hits,
        "recall_at_1_percent": recall,
    }


def trending_metrics(prep: Prepared, seed: int) -> dict[str, float]:
    """trend_prediction_accuracy (unrounded)."""
    data = prep.data
    window = parse_trend_frequency(prep.config.trend_discovery_frequency)
    t_max = int(data.timestamp.max())
    t0 = t_max - window
    train = data.subset(data.timestamp <= t0)
    if len(train) == 0:
        return {"trend_prediction_accuracy": 0.0}
    model = fit_prepared(prep, seed, data=train)
    top = np.argsort(-model.score_trending(t0), kind="stable")[:25]
    recommended = model.item_index(list(model.item_ids[top]))  # model space
    after = (data.timestamp > t0) & (data.timestamp <= t_max)
    before = (data.timestamp > t0 - window) & (data.timestamp <= t0)
    delta = (
        np.bincount(data.item_idx[after], minlength=data.n_items)
        - np.bincount(data.item_idx[before], minlength=data.n_items)
    ).astype(np.float64)
    rec_data = np.flatnonzero(np.isin(data.items, model.item_ids[recommended]))
    best = np.sort(delta)[::-1][:25]
    denominator = best[best > 0].sum()
    if denominator <= 0:
        return {"trend_prediction_accuracy": 0.0}
    value = delta[rec_data].sum() / denominator
    return {"trend_prediction_accuracy": float(np.clip(value, 0.0, 1.0))}
