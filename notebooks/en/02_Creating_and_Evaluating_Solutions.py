# %% [markdown]
# # 02 Creating and evaluating solutions
#
# ## Outline
# 1. Choosing recipes (v2 recipes and domain recommenders)
# 2. Solutions and solution versions (trained in parallel)
# 3. Offline metrics
# 4. How Personalize computes the metrics, with a worked example
# 5. Hyperparameter optimisation (HPO)
# 6. Store variables

# %% [markdown]
# Restore the variables the earlier notebooks stored, and check they are all there.

# %%
# %store -r

# %%
needed = ["dataset_group_arn", "workshop_prefix"]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(
        f"Missing {missing}: run 01_Validating_and_Importing_User_Item_Interaction_Data.ipynb first."
    )
print("Restored:", ", ".join(needed))

# %%
from functools import partial

import boto3

from workshop import wait
from workshop.lang import tr
from workshop.resources import create_or_reuse  # a re-run reuses what exists (see notebook 01)

session = boto3.Session()
personalize = session.client("personalize")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)

# %% [markdown]
# ## 1. Choosing recipes
#
# A recipe is an algorithm plus its feature transformation. The custom (non-domain) recipes:

# %%
recipes = [
    r
    for page in personalize.get_paginator("list_recipes").paginate()
    for r in page["recipes"]
    if "domain" not in r
]
sorted(r["recipeArn"].rsplit("/", 1)[-1] for r in recipes)

# %% [markdown]
# We train five, one per use case:
#
# | Name | Recipe | Use case |
# |---|---|---|
# | `user-personalization-v2` | `aws-user-personalization-v2` | "for you": the recipe the AWS docs recommend now |
# | `user-personalization` | `aws-user-personalization` | the previous version of the same use case, compared side by side |
# | `sims` | `aws-sims` | "more like this", from co-occurrence |
# | `ranking` | `aws-personalized-ranking` | re-rank a given list (search results, a shelf) for the user |
# | `popularity` | `aws-popularity-count` | the most popular items: a baseline |
#
# **v2 or v1?** The [User-Personalization recipe page](https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-new-item-USER_PERSONALIZATION.html) recommends User-Personalization-v2: it considers up to 5 million items, trains faster, and makes more relevant recommendations with lower latency; it also returns the reason for each recommendation (exploration, promotion, …). Start new projects on v2. Use v1 to compare with a service already running on v1, or when a feature you need is missing from v2's feature list: compare the "recipe features" lists of the two pages.
#
# **The fastest path: domain recommenders.** The quickest start for a startup is a domain dataset group (e.g. `VIDEO_ON_DEMAND`) with recommenders: pick a use case such as "Top picks for you" or "More like X", and Personalize chooses the recipe, trains, retrains and serves. This workshop uses custom recipes to show every step.
#
# `performAutoTraining=False`: on AWS a new solution otherwise retrains (and bills) every 7 days. The workshop turns it off.

# %%
RECIPES = {
    "user-personalization-v2": "aws-user-personalization-v2",
    "user-personalization": "aws-user-personalization",
    "sims": "aws-sims",
    "ranking": "aws-personalized-ranking",
    "popularity": "aws-popularity-count",
}
solution_arns = {
    name: create_or_reuse(
        personalize.create_solution,
        name=f"{workshop_prefix}-{name}",
        datasetGroupArn=dataset_group_arn,
        recipeArn=f"arn:aws:personalize:::recipe/{recipe}",
        performAutoTraining=False,
    )["solutionArn"]
    for name, recipe in RECIPES.items()
}
ready = wait.wait_all(
    {n: partial(personalize.describe_solution, solutionArn=a) for n, a in solution_arns.items()},
    poll=POLL,
    name="solutions",
)

# %% [markdown]
# ## 2. Solution versions
#
# A solution version is one trained model. All five train **in parallel**; one progress display shows how many are ready. On AWS this takes 20–60 minutes. Running the notebook again reuses a version that is ACTIVE or still training instead of paying for another training.

# %%
solution_version_arns = {
    name: create_or_reuse(
        personalize.create_solution_version, solutionArn=arn, trainingMode="FULL"
    )["solutionVersionArn"]
    for name, arn in solution_arns.items()
}
versions = wait.wait_all(
    {
        n: partial(personalize.describe_solution_version, solutionVersionArn=a)
        for n, a in solution_version_arns.items()
    },
    poll=POLL,
    name="training",
)
{name: v["solutionVersion"]["status"] for name, v in versions.items()}

# %% [markdown]
# ## 3. Offline metrics
#
# `GetSolutionMetrics` returns the metrics Personalize computed while training. Each column is labelled from its metric's own key (`precision_at_25` → `p@25`).

# %%
from workshop import display, evaluate

solution_metrics = {
    name: personalize.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    for name, arn in solution_version_arns.items()
}
internal_table = evaluate.metrics_table(solution_metrics)
internal_table

# %%
display.plot_metrics(
    internal_table, ["coverage", "mrr@25", "ndcg@10", "p@10"], title="GetSolutionMetrics"
)

# %% [markdown]
# How to read them:
#
# * **coverage**: the share of the catalogue that appears in some recommendation. popularity, which shows everyone the same list, has very little.
# * **MRR@25** (mean reciprocal rank): the mean of 1 / the rank of the first hit in the top 25; the closer the first hit is to the top, the closer to 1.
# * **NDCG@K** (normalized discounted cumulative gain): hits in the top K, weighted less the lower they sit, divided by the best possible value.
# * **precision@K**: the share of hits in the top K.
#
# In this table both User-Personalization versions score above popularity on NDCG@10 and coverage. Which of v1 and v2 scores higher depends on this small data set and its seed; the docs' case for v2 is scale, training speed and latency, so compare them on your own data.
#
# popularity is the baseline to clear: a personalized recipe is worth its cost where it beats it in this table. sims answers a question about one item ("similar movies"), not about a user, so compare it with care on these user metrics; ranking in use only reorders the lists it is given, so the same care applies.
#
# These numbers judge the trained model itself. Exploration, which notebook 03 shows, is a campaign setting and does not affect them.

# %% [markdown]
# ## 4. How Personalize computes the metrics
#
# Personalize splits the *users*: 90% train the model; for the other 10%, each user's oldest 90% of interactions are the input and the latest 10% are what the model should recommend. It then compares its top-K list with those held-out items:
#
# * **precision@K** = hits in the top K / K;
# * **MRR@25** = mean of 1 / rank of the **first** hit (0 without a hit);
# * **NDCG@K** = DCG / ideal DCG, with DCG = Σ rel_i / log2(1 + i) and the ideal list holding min(R, K) hits on top for R relevant items.
#
# Fitted to the real service's published answers, the HRNN-based recipes (the legacy HRNN recipes and Personalized-Ranking v1) appear to compute NDCG with Järvelin and Kekäläinen's original discount, which weighs ranks 1 and 2 both 1; the ranking row in the table above is computed that way. The evidence is in [bench/RESULTS.md](../bench/RESULTS.md).
#
# Worked example: a top-5 list with hits at positions 2 and 5, two relevant items.

# %%
from workshop import metrics

r = [0, 1, 0, 0, 1]
print("reciprocal rank:", metrics.reciprocal_rank(r))  # 1/2
print("precision@5:   ", metrics.precision_at_k(r, 5))  # 2/5
print("NDCG@5:        ", round(metrics.ndcg_at_k(r, n_relevant=2, k=5), 4))

# %% [markdown]
# By hand, NDCG@5 = (1/log2(3) + 1/log2(6)) / (1/log2(2) + 1/log2(3)) = (0.6309 + 0.3869) / 1.6309 = 0.6241, as printed above.

# %% [markdown]
# ## 5. Hyperparameter optimisation (HPO)
#
# A solution created with `performHPO=True` trains models with several hyperparameter combinations when a version is trained, and keeps the best. `hpoConfig` gives the ranges to search (`algorithmHyperParameterRanges`) and the number of training jobs (`hpoResourceConfig`). The objective (`hpoObjective`) is left out: the [API reference](https://docs.aws.amazon.com/personalize/latest/dg/API_HPOConfig.html) says it is not supported.
#
# HPO multiplies training cost by the number of training jobs. Set `RUN_HPO = False` to skip it.

# %%
RUN_HPO = True
hpo_config = {
    "hpoResourceConfig": {"maxNumberOfTrainingJobs": "3", "maxParallelTrainingJobs": "3"},
    "algorithmHyperParameterRanges": {
        "integerHyperParameterRanges": [
            {"name": "hidden_dimension", "minValue": 32, "maxValue": 256},
            {"name": "bptt", "minValue": 2, "maxValue": 32},
        ]
    },
}

# %%
hpo_solution_version_arn = None
if RUN_HPO:
    solution_arns["user-personalization-hpo"] = create_or_reuse(
        personalize.create_solution,
        name=f"{workshop_prefix}-user-personalization-hpo",
        datasetGroupArn=dataset_group_arn,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
        performHPO=True,
        performAutoTraining=False,
        solutionConfig={"hpoConfig": hpo_config},
    )["solutionArn"]
    wait.wait_until_active(
        partial(
            personalize.describe_solution, solutionArn=solution_arns["user-personalization-hpo"]
        ),
        poll=POLL,
    )
    hpo_solution_version_arn = create_or_reuse(
        personalize.create_solution_version,
        solutionArn=solution_arns["user-personalization-hpo"],
        trainingMode="FULL",
    )["solutionVersionArn"]
    hpo_version = wait.wait_until_active(
        partial(personalize.describe_solution_version, solutionVersionArn=hpo_solution_version_arn),
        poll=POLL,
    )["solutionVersion"]
    print("HPO", hpo_version["status"])
    tuned = hpo_version.get("tunedHPOParams", {}).get("algorithmHyperParameters") or {}
    print(
        tr("고른 하이퍼파라미터:", "chosen hyperparameters:"), tuned or tr("기본값", "the defaults")
    )
else:
    print(
        tr("HPO를 건너뛰었습니다 (RUN_HPO = True로 켭니다)", "HPO skipped (RUN_HPO = True runs it)")
    )

# %% [markdown]
# The HPO solution version is trained too (ACTIVE). Its metrics beside the others, in the last row. HPO picks among its candidates on a validation split of the training users, so its pick is not guaranteed to score highest in this table: use the table to judge whether HPO is worth its cost.

# %%
with_hpo = dict(solution_metrics)
if hpo_solution_version_arn:
    with_hpo["user-personalization-hpo"] = personalize.get_solution_metrics(
        solutionVersionArn=hpo_solution_version_arn
    )["metrics"]
evaluate.metrics_table(with_hpo)[["coverage", "mrr@25", "ndcg@10", "p@10"]]

# %% [markdown]
# ## 6. Store variables

# %%
# %store solution_arns
# %store solution_version_arns
# %store hpo_solution_version_arn
# %store solution_metrics
