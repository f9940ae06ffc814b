# %% [markdown]
# # 05 Evaluation with the held-out test data
#
# GetSolutionMetrics (module 2) evaluates on users Personalize picked itself. Here we evaluate
# every solution the way an application sees it: through the **runtime API**, on each user's
# latest 10% of interactions that notebook 01 held out, against simple baselines.
#
# ## Outline
# 1. The metrics, checked on worked examples
# 2. Evaluate every campaign on the holdout
# 3. Without already-seen items
# 4. Cold start
# 5. Internal vs offline metrics
# 6. Store variables

# %% [markdown]
# Restore the variables the earlier notebooks stored with `%store`, and check that they are all there: `%store -r` does not complain about a missing one.

# %%
# %store -r

# %%
needed = [
    "campaign_arns",
    "train_df",
    "holdout_df",
    "cold_df",
    "items_df",
    "cold_items",
    "solution_metrics",
]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(
        f"Missing {missing}: run 03_Deploying_Campaigns_getRecommendation.ipynb first."
    )
print("Restored:", ", ".join(needed))

# %%

import boto3

session = boto3.Session()
personalize = session.client("personalize")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)
runtime = session.client("personalize-runtime")

# %% [markdown]
# ## 1. The metrics
#
# `workshop.metrics` implements the documented definitions (first-hit MRR, standard NDCG with
# min(R, K) ideal hits, precision over K) in plain NumPy (the original `metrics.py` used
# `np.asfarray`, which NumPy 2 removed). Two worked examples:

# %%
from workshop import metrics

r = [0, 1, 0, 0, 1]  # hits at ranks 2 and 5, two relevant items
assert metrics.reciprocal_rank(r) == 0.5
assert metrics.precision_at_k(r, 5) == 0.4
assert round(metrics.ndcg_at_k(r, n_relevant=2, k=5), 4) == 0.6241
r = [0, 1, 0, 1]  # the aws-samples example
print(round(metrics.ndcg_at_k(r, n_relevant=2, k=4), 4), metrics.reciprocal_rank(r))

# %% [markdown]
# ## 2. Every campaign on the holdout
#
# * ground truth: each user's held-out items;
# * SIMS is asked for items similar to each user's **last training item**;
# * ranking re-ranks 100 candidates per user (the held-out items plus random others), so its
#   numbers are not comparable with full-catalogue ones;
# * baselines: the 25 most popular training items, and 25 random items (seeded).

# %%
from workshop import evaluate

truth = evaluate.ground_truth(holdout_df)
seen = evaluate.ground_truth(train_df)
catalogue = set(items_df.ITEM_ID)
last = evaluate.last_items(train_df)
candidates = evaluate.ranking_candidates(
    truth, train_df.ITEM_ID.unique(), 100, seed=42, exclude_seen=seen
)
print(len(truth), "users,", sum(map(len, truth.values())), "held-out interactions")

# %%
QUERIES = {
    "user-personalization-v2": {},
    "user-personalization": {},
    "sims": {"item_query": last},
    "ranking": {"candidates": candidates},
    "popularity": {},
}


def evaluate_all(exclude):
    results = {
        name: evaluate.evaluate_campaign(
            runtime,
            campaign_arns[name],
            truth,
            exclude_seen=exclude,
            catalogue=catalogue,
            progress=False,
            **query,
        )
        for name, query in QUERIES.items()
    }
    results["baseline: popular"] = evaluate.popularity_baseline(
        train_df, truth, exclude_seen=exclude, catalogue=catalogue
    )
    results["baseline: random"] = evaluate.random_baseline(
        train_df.ITEM_ID, truth, seed=42, exclude_seen=exclude, catalogue=catalogue
    )
    return evaluate.metrics_table(results)


# %%
holdout_table = evaluate_all(exclude=None)
holdout_table

# %% [markdown]
# ## 3. Without already-seen items
#
# Campaigns may recommend what the user already rated, and an already-rated movie can never be
# a held-out hit. Dropping them (and topping the list up to 25) is what an application would do
# with an "unwatched" filter.

# %%
from workshop import display

dedup_table = evaluate_all(exclude=seen)
dedup_table

# %%
display.plot_metrics(
    dedup_table,
    ["coverage", "mrr@25", "ndcg@25", "p@10", "hr@25"],
    title="Holdout, already-seen items removed",
)

# %% [markdown]
# ## 4. Cold start
#
# The truth is now each user's interactions with the **cold** movies, which no model saw in
# training. Only User-Personalization can recommend them (exploration). We keep the cold items of
# its top 500 and compare with picking 25 cold movies at random.

# %%
cold = set(map(str, cold_items))
cold_truth = evaluate.ground_truth(cold_df)
lists = evaluate.recommend_all(
    runtime, campaign_arns["user-personalization"], list(cold_truth), k=500, progress=False
)
cold_lists = {u: [i for i in items if i in cold][:25] for u, items in lists.items()}
cold_results = {
    "user-personalization (cold items)": metrics.score(cold_lists, cold_truth, catalogue=cold),
    "baseline: random cold": evaluate.random_baseline(cold, cold_truth, seed=42, catalogue=cold),
}
cold_table = evaluate.metrics_table(cold_results)
cold_table

# %% [markdown]
# ## 5. Internal vs offline metrics
#
# GetSolutionMetrics and our holdout use different users, different truth (the last 10% of
# *every* user here) and different candidate sets, so the numbers differ. What should agree is
# the **ordering**: a recipe that is better internally should also be better offline. The real
# test is an A/B test on live traffic.

# %%
import pandas as pd

internal = evaluate.metrics_table(solution_metrics)
pd.concat(
    {
        "internal": internal[["ndcg@25", "p@25"]],
        "offline": dedup_table.loc[internal.index, ["ndcg@25", "p@25"]],
    },
    axis=1,
)

# %% [markdown]
# ## 6. Store variables

# %%
# %store holdout_table
# %store dedup_table
# %store cold_table
