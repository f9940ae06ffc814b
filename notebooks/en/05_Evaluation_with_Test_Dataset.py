# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 Evaluation with the held-out test data
#
# GetSolutionMetrics (notebook 02) scores a solution version on users Personalize set aside
# itself. Here we score every campaign the way your application meets it: through the runtime
# API, on data no model saw. Notebook 01 held out each user's latest 10% of interactions
# (the **holdout**) and kept a set of movies out of training altogether (the **cold**
# items).
#
# ## Outline
# 1. The metrics
# 2. Every campaign on the holdout
# 3. Without already-seen items
# 4. Cold start and exploration
# 5. Internal vs offline metrics
# 6. Store variables

# %% [markdown]
# Restore the variables that earlier notebooks stored with `%store`. `%store -r` does not
# complain when a variable is missing, so the next cell checks.

# %%
# %store -r

# %%
from workshop.lang import tr

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
        tr(
            f"{missing} 변수가 없습니다. "
            "03_Deploying_Campaigns_getRecommendation.ipynb를 먼저 실행하십시오.",
            f"Missing {missing}: run 03_Deploying_Campaigns_getRecommendation.ipynb first.",
        )
    )
print(tr("복원한 변수:", "Restored:"), ", ".join(needed))

# %%
import boto3
import pandas as pd

from workshop import display, evaluate, metrics

runtime = boto3.Session().client("personalize-runtime")

# %% [markdown]
# ## 1. The metrics
#
# Each user gets a list of K = 25 recommendations; the user's held-out items are the
# **relevant** ones. Every metric is computed per user, then averaged over users:
#
# * `hr@K`, **hit rate**: 1 if at least one relevant item is in the top K, else 0. Averaged,
#   it is the share of users with at least one hit.
# * `p@K`, **precision@K**: the relevant items in the top K, divided by K.
# * `mrr@25`, **mean reciprocal rank**: 1 / the rank of the *first* relevant item (0 without
#   one): 1 at rank 1, 0.5 at rank 2.
# * `ndcg@K`, **normalized discounted cumulative gain**: each hit weighted by
#   1 / log2(1 + rank), divided by the best score possible for that user; 1 means the top
#   positions are all hits.
# * `coverage`: not per user; the share of all items that appear in at least one list.
#
# These are the definitions of GetSolutionMetrics
# (https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html),
# plus the hit rate. `workshop.metrics` implements them in NumPy; a worked example:

# %%
r = [0, 1, 0, 0, 1]  # a list of five: hits at ranks 2 and 5; the user has two relevant items
print(
    "hr@5",
    metrics.hit_at_k(r, 5),
    " p@5",
    metrics.precision_at_k(r, 5),
    " mrr",
    metrics.reciprocal_rank(r),
    " ndcg@5",
    round(metrics.ndcg_at_k(r, 2, 5), 4),
)

# %% [markdown]
# ## 2. Every campaign on the holdout
#
# * Truth: each user's held-out items.
# * SIMS answers "items like this one": it is asked with each user's **last training item**.
# * Personalized-Ranking only reorders a list it is given: it ranks 100 candidates per user
#   (the held-out items plus random others). Its numbers are therefore much higher and **not
#   comparable** with the full-catalogue rows.
# * Baselines: every user gets the 25 most popular training items, or 25 random items (seeded).
#   A model is only useful if it beats them.

# %%
truth = evaluate.ground_truth(holdout_df)
seen = evaluate.ground_truth(train_df)
catalogue = set(items_df.ITEM_ID)
candidates = evaluate.ranking_candidates(
    truth, train_df.ITEM_ID.unique(), 100, seed=42, exclude_seen=seen
)
QUERIES = {
    "user-personalization-v2": {},
    "user-personalization": {},
    "sims": {"item_query": evaluate.last_items(train_df)},
    "ranking": {"candidates": candidates},
    "popularity": {},
}
POPULAR, RANDOM = tr("기준선: 인기", "baseline: popular"), tr("기준선: 무작위", "baseline: random")


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
    results[POPULAR] = evaluate.popularity_baseline(
        train_df, truth, exclude_seen=exclude, catalogue=catalogue
    )
    results[RANDOM] = evaluate.random_baseline(
        train_df.ITEM_ID, truth, seed=42, exclude_seen=exclude, catalogue=catalogue
    )
    return evaluate.metrics_table(results)


print(
    tr(
        f"사용자 {len(truth)}명, 보류된 상호 작용 {sum(map(len, truth.values()))}개",
        f"{len(truth)} users, {sum(map(len, truth.values()))} held-out interactions",
    )
)
holdout_table = evaluate_all(exclude=None)
holdout_table

# %% [markdown]
# How to read it, row by row:
#
# * **user-personalization** and **user-personalization-v2** find a held-out movie in the top 25
#   for a much larger share of users (`hr@25`) than the popularity baseline does: they learned
#   something beyond "what is popular".
# * Between the two versions, on this small data set v1 is slightly ahead on accuracy (`hr@25`,
#   `mrr@25`) while v2 recommends more of the catalogue (`coverage`). v2 trains faster and handles
#   up to 5 million items, which is why AWS recommends it for new work. The difference depends on
#   the data: build this table on your own data before you choose.
# * **popularity** (the campaign) and **baseline: popular** (computed here from the training
#   data) count the same thing, users per item, so their rows nearly coincide. That is a check
#   that the runtime API and our metrics agree.
# * Every campaign is far above **baseline: random**: with thousands of movies, a random list
#   almost never hits. Random's high `coverage` is its only strength; popularity's tiny coverage
#   (the same 25 items for everyone) is its weakness.
# * **ranking** is not comparable (100 candidates, see above).

# %% [markdown]
# ## 3. Without already-seen items
#
# A campaign may recommend a movie the user already rated, and such a movie can never be a
# held-out hit. An application would hide them with a filter (notebook 03's `unwatched`).
# Here we ask for more items, drop the seen ones and keep 25.

# %%
dedup_table = evaluate_all(exclude=seen)
dedup_table

# %%
title = tr("보류 데이터, 이미 본 항목 제외", "Holdout, already-seen items removed")
display.plot_metrics(dedup_table, ["coverage", "mrr@25", "ndcg@25", "p@10", "hr@25"], title=title)

# %% [markdown]
# SIMS and popularity gain the most (compare `hr@25` with the table above): their lists held
# movies the user had already rated. For an application this is the lesson: filter out what the
# user has already consumed.

# %% [markdown]
# ## 4. Cold start and exploration
#
# The cold items are the movies notebook 01 kept out of training: no model saw an interaction
# with them, but they are in the Items dataset. Only User-Personalization can recommend them,
# through **exploration** (a campaign setting: notebook 03 set `explorationWeight` 0.3, and
# `explorationItemAgeCutOff` limits it to recent items). Exploration acts when the campaign
# answers, never in GetSolutionMetrics.
#
# First, how much of the campaign's top 25 is exploration's doing:

# %%
cold = set(map(str, cold_items))
cold_truth = evaluate.ground_truth(cold_df)
lists = evaluate.recommend_all(
    runtime, campaign_arns["user-personalization"], list(cold_truth), k=500, progress=False
)
cold_share = sum(sum(i in cold for i in items[:25]) for items in lists.values()) / (25 * len(lists))
print(
    tr(
        "user-personalization 상위 25개 중 콜드 항목 비율:",
        "share of cold items in user-personalization's top 25:",
    ),
    f"{cold_share:.1%}",
)

# %% [markdown]
# In section 2 these cold items could only be misses (the holdout holds warm items only), so
# exploration lowers the campaign's holdout numbers. It pays off here: the truth is now
# each user's interactions with cold movies. We keep the cold items of the campaign's top 500
# and compare with 25 cold movies picked at random.

# %%
cold_lists = {u: [i for i in items if i in cold][:25] for u, items in lists.items()}
cold_results = {
    tr("user-personalization (콜드 항목)", "user-personalization (cold items)"): metrics.score(
        cold_lists, cold_truth, catalogue=cold
    ),
    tr("기준선: 무작위 콜드", "baseline: random cold"): evaluate.random_baseline(
        cold, cold_truth, seed=42, catalogue=cold
    ),
}
cold_table = evaluate.metrics_table(cold_results)
cold_table

# %% [markdown]
# User-Personalization's cold picks beat random cold picks on `hr@25`: even without a single
# training interaction, it places new movies in front of users more likely to watch them,
# from their metadata (genres, year) and from what the users watched.

# %% [markdown]
# ## 5. Internal vs offline metrics
#
# The same metric names, side by side: GetSolutionMetrics from notebook 02 ("internal") and
# this notebook's holdout without seen items ("offline").

# %%
internal = evaluate.metrics_table(solution_metrics)
columns = ["ndcg@25", "p@25", "mrr@25"]
pd.concat(
    {
        tr("내부", "internal"): internal[columns],
        tr("오프라인", "offline"): dedup_table.loc[internal.index, columns],
    },
    axis=1,
)

# %% [markdown]
# The two evaluations do not measure the same thing, so the numbers differ, and even the
# order of the recipes may differ between the columns:
#
# * **Different truth.** GetSolutionMetrics trains without 10% of the users, then predicts the
#   newest part of those users' histories. Our holdout is each user's latest 10%, for every user,
#   against a model that trained on everybody's earlier interactions.
# * **Seen items.** Here the already-rated movies were removed from the lists; the internal
#   evaluation does not know our filter.
# * **Exploration.** The internal metrics score the model; the offline ones score the campaign,
#   whose user-personalization lists include exploration's cold items (section 4).
# * **Ranking** is scored on its 100 candidates here, not on the whole catalogue.
#
# Use GetSolutionMetrics to compare solution versions trained on the same data, and an offline
# holdout like this one to check what the application will serve. The final word belongs to an
# A/B test on live traffic.

# %% [markdown]
# ## 6. Store variables

# %%
# %store holdout_table
# %store dedup_table
# %store cold_table
