"""Build the seven workshop notebooks (sources only) from the cells below.

    .venv/bin/python scripts/build_notebooks.py      # writes 00_…06_*.ipynb at the repo root

The committed notebooks also carry the outputs of a seeded personalize-local run: after
editing this file run ``make notebooks`` (``scripts/run_workshop.py --in-place``), which
rebuilds the sources and executes them. Cells are kept short; the explanation lives in the
markdown cells between them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = [
    "00_Setup.ipynb",
    "01_Validating_and_Importing_User_Item_Interaction_Data.ipynb",
    "02_Creating_and_Evaluating_Solutions.ipynb",
    "03_Deploying_Campaigns_getRecommendation.ipynb",
    "04_Create_EventTracker_and_view_Interactions.ipynb",
    "05_Evaluation_with_Test_Dataset.ipynb",
    "06_Clean_Up_Resources.ipynb",
]


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


def restore(names: list[str], producer: str):
    """The ``%store -r`` cell and the check that says which notebook to run."""
    listed = ", ".join(f'"{n}"' for n in names)
    return [
        md(
            "Restore the variables the earlier notebooks stored with `%store`, and check that "
            "they are all there: `%store -r` does not complain about a missing one."
        ),
        code("%store -r"),
        code(
            f"""
needed = [{listed}]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(f"Missing {{missing}}: run {producer} first.")
print("Restored:", ", ".join(needed))
"""
        ),
    ]


CLIENTS = """
import boto3
from functools import partial
from workshop import wait
from workshop.resources import create_or_reuse  # a re-run reuses what exists (see notebook 01)

session = boto3.Session()
personalize = session.client("personalize")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)
"""

# ------------------------------------------------------------------------------------------------
# 00 Setup
# ------------------------------------------------------------------------------------------------

NB00 = [
    md(
        """
# 00 Setup: versions, Region, identity, bucket and role

This workshop builds a movie recommender with **Amazon Personalize** on MovieLens, in seven
notebooks run in order. Each one stores what the next needs with `%store`.

| Notebook | What you do |
|---|---|
| 00 Setup | check the environment, find (or create) the S3 bucket and the Personalize role |
| 01 Data | explore MovieLens, prepare interactions and items, import them |
| 02 Solutions | train four recipes in parallel, read their offline metrics |
| 03 Campaigns | deploy, plan capacity, get recommendations, filters, batch inference |
| 04 Events | stream events with an event tracker and watch recommendations change |
| 05 Evaluation | evaluate every solution on a held-out test set against baselines |
| 06 Clean up | delete everything the workshop created |

## Outline
1. Versions
2. Region, identity and endpoint
3. The bucket and the Personalize role
4. Store variables

![architecture](static/architecture.png)
"""
    ),
    md(
        """
## 1. Versions

The notebooks need Python ≥ 3.10 and boto3 ≥ 1.35 (older releases lack recent Personalize
parameters such as `performAutoTraining`). On a SageMaker notebook instance run
`%pip install -r requirements.txt` once.
"""
    ),
    code(
        """
import sys
import boto3, numpy, pandas

print("Python", sys.version.split()[0])
for module in (boto3, numpy, pandas):
    print(f"{module.__name__:8} {module.__version__}")
assert sys.version_info >= (3, 10), "Python 3.10 or newer is needed"
"""
    ),
    md(
        """
## 2. Region, identity and endpoint

boto3 finds the Region and credentials the usual way (environment, `~/.aws/config`, the
notebook instance's role). We print the account masked: account ids do not belong in shared
notebooks.
"""
    ),
    code(
        """
session = boto3.Session()
region = session.region_name
identity = session.client("sts").get_caller_identity()
account_id = identity["Account"]
print("Region: ", region)
print("Account:", "********" + account_id[-4:])
"""
    ),
    md(
        """
**Running offline.** Every AWS call goes through boto3, and boto3 (≥ 1.28) sends all requests
to the URL in the environment variable `AWS_ENDPOINT_URL` when it is set. Point it at a
*personalize-local* server (`make lab` or `make workshop` in this repository do it for you) and
the same notebooks run on a laptop, with real training and no AWS account; unset it and they
run on AWS. The notebooks contain no code specific to either.
"""
    ),
    code(
        """
import os

where = "a custom endpoint (AWS_ENDPOINT_URL)" if os.environ.get("AWS_ENDPOINT_URL") else "AWS"
print("Requests go to", where)
"""
    ),
    md(
        """
## 3. The bucket and the Personalize role

Personalize reads the training data from S3 and writes batch output there, acting through an
IAM role it assumes. `workshop.discovery.discover` looks for them in this order:

1. the outputs of the CloudFormation stack `PersonalizePOC`
   (`cloudformation/PersonalizePOC.yaml`);
2. the SSM parameters `/personalize-workshop/bucket-name` and
   `/personalize-workshop/personalize-role-arn`;
3. otherwise it **creates** an encrypted, private, versioned bucket and a role scoped to it.

Either way the bucket policy gets the Personalize statements *merged* in, never replacing the
policy that is there.
"""
    ),
    code(
        """
from workshop import discovery

found = discovery.discover(session)
bucket, role_arn, resources_source = found.bucket, found.role_arn, found.source
print("Bucket:", bucket)
print("Role:  ", role_arn)
print("Found: ", resources_source)
"""
    ),
    md("The bucket policy's statements (their `Sid`s):"),
    code(
        """
policy = discovery.read_bucket_policy(session.client("s3"), bucket)
[statement.get("Sid") for statement in policy["Statement"]]
"""
    ),
    md(
        """
## 4. Store variables

Names of every resource the workshop creates start with `personalize-workshop`, so they are
easy to find in the console and to clean up.
"""
    ),
    code(
        """
workshop_prefix = "personalize-workshop"
%store region
%store account_id
%store bucket
%store role_arn
%store resources_source
%store workshop_prefix
"""
    ),
]

# ------------------------------------------------------------------------------------------------
# 01 Data
# ------------------------------------------------------------------------------------------------

NB01 = [
    md(
        """
# 01 Validating and importing user-item interaction data

## Outline
1. Load MovieLens (checksum-verified)
2. Explore: ratings, users, items, time
3. Interactions and items in Personalize's format
4. A warm/cold item split and a temporal holdout
5. Upload to S3
6. Schemas, dataset group and datasets
7. The bucket policy
8. Import jobs
9. Store variables

Personalize needs at least 1,000 interactions from 25 users with 2 interactions each;
ml-latest-small has 100,836 ratings from 610 users, enough for every recipe here.
"""
    ),
    *restore(["bucket", "role_arn", "region", "account_id", "workshop_prefix"], "00_Setup.ipynb"),
    code(CLIENTS + 's3 = session.client("s3")'),
    md(
        """
## 1. Load MovieLens

`workshop.data.movielens_dir()` downloads ml-latest-small from GroupLens on first use, or reads
the folder named by the environment variable `MOVIELENS_DIR`, and checks every file against
pinned SHA-256 digests, so everyone works on exactly the same data.
"""
    ),
    code(
        """
import pandas as pd
from workshop import data, display

pd.set_option("display.max_rows", 10)
DATASET = "ml-latest-small"
print("verified:", data.movielens_dir(DATASET).name)
ratings, movies = data.load_ratings(DATASET), data.load_movies(DATASET)
print(f"{len(ratings):,} ratings, {ratings.userId.nunique():,} users, {len(movies):,} movies")
"""
    ),
    code("ratings.head()"),
    md(
        """
## 2. Explore

Ratings go from 0.5 to 5 in half steps. We will call a rating of 4 or more a `watch` (the user
liked it) and anything lower a `click` (the user tried it).
"""
    ),
    code("display.plot_rating_distribution(ratings)"),
    md(
        """
Activity per user is very uneven: most users rated a few dozen movies, a few rated
thousands. Personalize learns most about the active ones.
"""
    ),
    code(
        """
interactions = data.interactions(ratings)
display.plot_interactions_per_user(interactions)
"""
    ),
    md(
        """
Popularity has a long tail: a fifth of the movies collect most of the ratings. A recommender
that only ever shows the head has low *coverage*; module 5 measures it.
"""
    ),
    code("display.plot_item_popularity(interactions)"),
    code("display.plot_activity_over_time(interactions)"),
    md(
        """
## 3. Interactions and items

The Interactions dataset has one row per rating: `USER_ID`, `ITEM_ID`, `EVENT_TYPE`
(`watch`/`click`), `EVENT_VALUE` (the rating) and `TIMESTAMP`.
"""
    ),
    code(
        """
interactions.head()
"""
    ),
    code("interactions.EVENT_TYPE.value_counts()"),
    md(
        """
## 4. A warm/cold item split and a temporal holdout

* **Cold items.** A seeded random half of the rated movies is kept out of the training
  interactions. They still go into the Items dataset (with their genres, year and a recent
  `CREATION_TIMESTAMP`), so Personalize knows they exist: the cold-start lesson of modules 3
  and 5 is whether it can recommend them.
* **Holdout.** From the warm interactions, each user's latest 10% are held out for module 5's
  evaluation; Personalize never sees them.
"""
    ),
    code(
        """
warm_items, cold_items = data.warm_cold_split(interactions.ITEM_ID, cold_fraction=0.5, seed=42)
warm = interactions[interactions.ITEM_ID.isin(warm_items)]
cold_df = interactions[interactions.ITEM_ID.isin(cold_items)].reset_index(drop=True)
train_df, holdout_df = data.temporal_holdout(warm, fraction=0.1)
print(f"warm items {len(warm_items):,}, cold items {len(cold_items):,}")
print(f"training {len(train_df):,} rows, holdout {len(holdout_df):,}, cold {len(cold_df):,}")
"""
    ),
    md(
        """
Items: `GENRES` is categorical (`Action|Comedy` means both), `YEAR` comes from the title, and
`CREATION_TIMESTAMP` is the first interaction with the movie, or the latest training time for
a cold movie, which makes it *new* for User-Personalization's exploration.
"""
    ),
    code(
        """
items_df = data.items(movies, train_df, item_ids=interactions.ITEM_ID.unique())
items_df.head()
"""
    ),
    md(
        """
## 5. Upload to S3

The files go under `data/`, the prefix the Personalize role may read.
"""
    ),
    code(
        """
interactions_key, items_key = "data/interactions.csv", "data/items.csv"
for key, frame in ((interactions_key, train_df), (items_key, items_df)):
    s3.put_object(Bucket=bucket, Key=key, Body=frame.to_csv(index=False).encode())
    print(f"s3://{bucket}/{key}: {len(frame):,} rows")
"""
    ),
    md(
        """
## 6. Schemas, dataset group and datasets

Schemas are Avro records. `GENRES` is `categorical`, so filters and the models treat each
`|`-separated value as its own category.

**Running a notebook again.** Names are unique in an account and Region, so a second
`create_schema` with the same name fails with `ResourceAlreadyExistsException`. Every `create_*`
call in the workshop therefore goes through `create_or_reuse` (from `workshop.resources`): it
makes the call and, when a resource of that name already exists, returns *that* resource's ARN
instead (a solution version, which has no name, is reused while it is ACTIVE or still
training). The waits that follow work either way. It does not compare settings: to start over
with other data or settings, run `06_Clean_Up_Resources` first.
"""
    ),
    code(
        """
import json

interactions_schema_arn = create_or_reuse(
    personalize.create_schema,
    name=f"{workshop_prefix}-interactions", schema=json.dumps(data.interactions_schema()),
)["schemaArn"]
items_schema_arn = create_or_reuse(
    personalize.create_schema,
    name=f"{workshop_prefix}-items", schema=json.dumps(data.items_schema()),
)["schemaArn"]
print(json.dumps(data.items_schema()["fields"], indent=1))
"""
    ),
    md("A dataset group holds the datasets and everything trained on them."),
    code(
        """
dataset_group_arn = create_or_reuse(personalize.create_dataset_group, name=workshop_prefix)[
    "datasetGroupArn"]
group = wait.wait_until_active(
    partial(personalize.describe_dataset_group, datasetGroupArn=dataset_group_arn), poll=POLL
)
print(group["datasetGroup"]["name"], group["datasetGroup"]["status"])
"""
    ),
    code(
        """
dataset_arns = {}
for kind, schema_arn in (("INTERACTIONS", interactions_schema_arn), ("ITEMS", items_schema_arn)):
    dataset_arns[kind] = create_or_reuse(
        personalize.create_dataset, name=f"{workshop_prefix}-{kind.lower()}", datasetType=kind,
        datasetGroupArn=dataset_group_arn, schemaArn=schema_arn,
    )["datasetArn"]
ready = wait.wait_all({k: partial(personalize.describe_dataset, datasetArn=a)
    for k, a in dataset_arns.items()}, poll=POLL, name="datasets")
"""
    ),
    md(
        """
## 7. The bucket policy

Personalize reads S3 as the service principal `personalize.amazonaws.com`. The policy below is
**merged** into the bucket's existing policy by statement `Sid`: other statements stay, running
it twice changes nothing, and notebook 06 removes exactly these statements again. Each one is
held to this account with `aws:SourceAccount`.
"""
    ),
    code(
        """
from workshop import discovery

policy = discovery.add_personalize_statements(s3, bucket, account_id)
[(s.get("Sid"), s["Effect"], s["Action"]) for s in policy["Statement"]]
"""
    ),
    md(
        """
## 8. Import jobs

One import job per dataset, each with its **own** ARN (the original workshop stored the
interactions job's ARN for both and waited on the same job twice). Both run in parallel behind
one progress display.
"""
    ),
    code(
        """
import_job_arns = {}
for kind, key in (("INTERACTIONS", interactions_key), ("ITEMS", items_key)):
    import_job_arns[kind] = create_or_reuse(
        personalize.create_dataset_import_job,
        jobName=f"{workshop_prefix}-{kind.lower()}-import", datasetArn=dataset_arns[kind],
        dataSource={"dataLocation": f"s3://{bucket}/{key}"}, roleArn=role_arn, importMode="FULL",
    )["datasetImportJobArn"]
import_job_arns
"""
    ),
    code(
        """
jobs = wait.wait_all(
    {kind: partial(personalize.describe_dataset_import_job, datasetImportJobArn=arn)
     for kind, arn in import_job_arns.items()},
    poll=POLL, name="import jobs",
)
{kind: job["datasetImportJob"]["status"] for kind, job in jobs.items()}
"""
    ),
    md(
        """
## 9. Store variables
"""
    ),
    code(
        """
interactions_dataset_arn, items_dataset_arn = dataset_arns["INTERACTIONS"], dataset_arns["ITEMS"]
%store dataset_group_arn
%store interactions_dataset_arn
%store items_dataset_arn
%store interactions_schema_arn
%store items_schema_arn
%store import_job_arns
%store train_df
%store holdout_df
%store cold_df
%store items_df
%store warm_items
%store cold_items
"""
    ),
]

# ------------------------------------------------------------------------------------------------
# 02 Solutions
# ------------------------------------------------------------------------------------------------

NB02 = [
    md(
        """
# 02 Creating and evaluating solutions

## Outline
1. Recipes
2. Solutions and solution versions (trained in parallel)
3. Offline metrics
4. How Personalize computes the metrics, with a worked example
5. Optional: hyperparameter optimisation
6. Store variables
"""
    ),
    *restore(
        ["dataset_group_arn", "workshop_prefix"],
        "01_Validating_and_Importing_User_Item_Interaction_Data.ipynb",
    ),
    code(CLIENTS),
    md(
        """
## 1. Recipes

A recipe is an algorithm plus its feature engineering. The custom (non-domain) ones:
"""
    ),
    code(
        """
import pandas as pd

recipes = [r for page in personalize.get_paginator("list_recipes").paginate()
           for r in page["recipes"] if "domain" not in r]
recipe_names = sorted(r["recipeArn"].rsplit("/", 1)[-1] for r in recipes)
recipe_names
"""
    ),
    md(
        """
We train four, one per use case:

| Name | Recipe | Use case |
|---|---|---|
| `user-personalization` | `aws-user-personalization` | "for you"; explores new (cold) items |
| `sims` | `aws-sims` | "more like this" from co-occurrence |
| `ranking` | `aws-personalized-ranking` | re-rank a given list (search results, a shelf) |
| `popularity` | `aws-popularity-count` | the most popular items: a baseline |

The legacy HRNN recipes of the original workshop no longer exist; User-Personalization replaces
both HRNN and HRNN-Coldstart (cold items come in through exploration and
`CREATION_TIMESTAMP`). `aws-trending-now` needs steady fresh events, which MovieLens's
historic ratings do not have, so we leave it out.

`performAutoTraining=False`: on AWS new solutions otherwise retrain (and bill) every 7 days.
"""
    ),
    code(
        """
RECIPES = {
    "user-personalization": "aws-user-personalization",
    "sims": "aws-sims",
    "ranking": "aws-personalized-ranking",
    "popularity": "aws-popularity-count",
}
"""
    ),
    code(
        """
solution_arns = {
    name: create_or_reuse(
        personalize.create_solution, name=f"{workshop_prefix}-{name}",
        datasetGroupArn=dataset_group_arn,
        recipeArn=f"arn:aws:personalize:::recipe/{recipe}", performAutoTraining=False,
    )["solutionArn"]
    for name, recipe in RECIPES.items()
}
ready = wait.wait_all({n: partial(personalize.describe_solution, solutionArn=a)
    for n, a in solution_arns.items()}, poll=POLL, name="solutions")
"""
    ),
    md(
        """
## 2. Solution versions

A solution version is one trained model. All four train **in parallel**; one progress display
shows how many are ready. On AWS this takes 20–60 minutes. Running the notebook again reuses a
version that is ACTIVE or still training instead of paying for another training.
"""
    ),
    code(
        """
solution_version_arns = {
    name: create_or_reuse(personalize.create_solution_version, solutionArn=arn,
                          trainingMode="FULL")["solutionVersionArn"]
    for name, arn in solution_arns.items()
}
versions = wait.wait_all(
    {n: partial(personalize.describe_solution_version, solutionVersionArn=a)
     for n, a in solution_version_arns.items()}, poll=POLL, name="training",
)
{name: v["solutionVersion"]["status"] for name, v in versions.items()}
"""
    ),
    md(
        """
## 3. Offline metrics

`GetSolutionMetrics` returns the metrics Personalize computed while training. The table labels
each column from its metric's own key (`precision_at_25` → `p@25`), so no column can show
another cut-off's numbers.
"""
    ),
    code(
        """
from workshop import evaluate, display

solution_metrics = {
    name: personalize.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    for name, arn in solution_version_arns.items()
}
internal_table = evaluate.metrics_table(solution_metrics)
internal_table
"""
    ),
    code(
        """
display.plot_metrics(internal_table, ["coverage", "mrr@25", "ndcg@10", "p@10"],
                     title="GetSolutionMetrics")
"""
    ),
    md(
        """
Read it as a lesson, not a leaderboard:

* **popularity** is the bar to clear: it shows everyone the same items, so its coverage is tiny;
  a personalized recipe is only worth its cost where it beats it.
* **user-personalization** clears that bar on ndcg@10 and mrr@25: it learns each user's taste
  from their history. Exploration of new items is a *campaign* setting (module 3); it does not
  enter these offline metrics.
* **ranking** only reorders a list it is given; Personalize scores it on a fixed list of
  candidates, so its numbers say how well it orders, not what it would find. Compare it with
  care.
* **sims** answers a different question (items like one item) and is scored here as if it
  recommended for users.
"""
    ),
    md(
        """
## 4. How Personalize computes the metrics

Personalize splits the *users*: 90% train the model; for the other 10%, the oldest 90% of each
user's interactions are the input and the latest 10% are what the model should recommend. It
then compares its top-K list with those held-out items:

* **precision@K** = hits in the top K / K;
* **MRR@25** = mean of 1 / rank of the **first** hit (0 without a hit);
* **NDCG@K** = DCG / ideal DCG, with DCG = Σ rel_i / log2(1 + i) and the ideal list holding
  min(R, K) hits for R relevant items;
* **coverage** = share of the catalogue that appears in some recommendation.

Worked example: a top-5 list with hits at positions 2 and 5, two relevant items.
"""
    ),
    code(
        """
from workshop import metrics

r = [0, 1, 0, 0, 1]
print("reciprocal rank:", metrics.reciprocal_rank(r))        # 1/2
print("precision@5:   ", metrics.precision_at_k(r, 5))       # 2/5
print("NDCG@5:        ", round(metrics.ndcg_at_k(r, n_relevant=2, k=5), 4))
"""
    ),
    md(
        """
NDCG@5 = (1/log2(3) + 1/log2(6)) / (1/log2(2) + 1/log2(3)) = (0.6309 + 0.3869) / 1.6309 = 0.6241.
"""
    ),
    md(
        """
## 5. Optional: hyperparameter optimisation

With `performHPO=True` Personalize trains several models and keeps the best by the objective.
It multiplies training cost, so the cell only runs when you set `RUN_HPO = True`.
"""
    ),
    code(
        """
RUN_HPO = False
hpo_config = {
    "hpoObjective": {"type": "Maximize",
                     "metricName": "normalized_discounted_cumulative_gain_at_25"},
    "hpoResourceConfig": {"maxNumberOfTrainingJobs": "4", "maxParallelTrainingJobs": "2"},
}
"""
    ),
    code(
        """
if RUN_HPO:
    hpo_arn = create_or_reuse(
        personalize.create_solution, name=f"{workshop_prefix}-sims-hpo",
        datasetGroupArn=dataset_group_arn,
        recipeArn="arn:aws:personalize:::recipe/aws-sims", performHPO=True,
        performAutoTraining=False, solutionConfig={"hpoConfig": hpo_config},
    )["solutionArn"]
    solution_arns["sims-hpo"] = hpo_arn  # so that 06 deletes it too
else:
    print("HPO skipped (set RUN_HPO = True to try it)")
"""
    ),
    md("## 6. Store variables"),
    code(
        """
%store solution_arns
%store solution_version_arns
%store solution_metrics
"""
    ),
]

# ------------------------------------------------------------------------------------------------
# 03 Campaigns
# ------------------------------------------------------------------------------------------------

NB03 = [
    md(
        """
# 03 Deploying campaigns and getting recommendations

## Outline
1. Campaigns
2. Capacity planning and cost
3. Recommendations for a user, for an item, and a ranking
4. Cold items through exploration
5. Filters
6. Batch inference
7. Real-time or batch?
8. Store variables
"""
    ),
    *restore(
        [
            "solution_version_arns",
            "train_df",
            "items_df",
            "cold_items",
            "bucket",
            "role_arn",
            "dataset_group_arn",
            "workshop_prefix",
        ],
        "02_Creating_and_Evaluating_Solutions.ipynb",
    ),
    code(CLIENTS + 'runtime = session.client("personalize-runtime")\ns3 = session.client("s3")'),
    code(
        """
import pandas as pd
from workshop import data, display

pd.set_option("display.max_rows", 12)
movies = data.load_movies("ml-latest-small")
"""
    ),
    md(
        """
## 1. Campaigns

A campaign serves one solution version in real time. User-Personalization's campaign gets an
**exploration** setting: `explorationWeight` (0–1) is how much it tries young items with few
interactions, `explorationItemAgeCutOff` how many days back an item counts as young.
"""
    ),
    code(
        """
exploration = {"itemExplorationConfig": {"explorationWeight": "0.3",
                                         "explorationItemAgeCutOff": "30"}}
campaign_arns = {
    name: create_or_reuse(
        personalize.create_campaign, name=f"{workshop_prefix}-{name}", solutionVersionArn=arn,
        minProvisionedTPS=1,
        **({"campaignConfig": exploration} if name == "user-personalization" else {}),
    )["campaignArn"]
    for name, arn in solution_version_arns.items()
}
"""
    ),
    code(
        """
campaigns = wait.wait_all({n: partial(personalize.describe_campaign, campaignArn=a)
                           for n, a in campaign_arns.items()}, poll=POLL, name="campaigns")
{name: c["campaign"]["status"] for name, c in campaigns.items()}
"""
    ),
    md(
        """
## 2. Capacity planning and cost

* `minProvisionedTPS` is the throughput (transactions per second) you always pay for. Above
  it the campaign **auto-scales**; you pay for the higher of the provisioned and the actual
  TPS, averaged over 5-minute windows. Start at 1 and raise it from the CloudWatch metric
  `GetRecommendations` only when traffic needs it.
* Billing is per **TPS-hour**: one transaction per second for one hour, i.e. 3,600 requests.
  The list price of real-time recommendations in us-east-1 is tiered by the TPS-hours of the
  month: **$0.20** per TPS-hour for the first 20,000, **$0.10** for the next 180,000 and
  **$0.05** above 200,000 (source: <https://aws.amazon.com/personalize/pricing/>, as quoted on
  2026-11-29; prices differ by Region and change: check the page before you plan).
* A campaign costs money while it exists, even without traffic: the four campaigns of this
  notebook, at 1 TPS each, cost about 4 × $0.20 = $0.80 an hour together. Notebook 06 deletes
  them.
"""
    ),
    code(
        """
TIERS = [(20_000, 0.20), (180_000, 0.10), (float("inf"), 0.05)]  # TPS-hours a month, $/TPS-hour
PRICES = "us-east-1 list prices, https://aws.amazon.com/personalize/pricing/, as quoted 2026-11-29"

def monthly_cost(tps, hours=730):
    left, cost = tps * hours, 0.0
    for size, price in TIERS:
        used = min(left, size); cost += used * price; left -= used
    return cost

print(PRICES)
pd.DataFrame({"min TPS": t, "TPS-hours / month": t * 730, "USD / month": round(monthly_cost(t), 2)}
             for t in (1, 5, 10, 50, 100)).set_index("min TPS")
"""
    ),
    md(
        """
## 3. Recommendations

We pick a user with an average amount of history and look at what they watched last.
"""
    ),
    code(
        """
per_user = train_df.USER_ID.value_counts()
user_id = str(per_user.index[len(per_user) // 2])
print("user", user_id, "with", per_user[user_id], "training interactions")
display.history_table(train_df, user_id, movies, n=5)
"""
    ),
    md("**User-Personalization**: `get_recommendations` with a `userId`."),
    code(
        """
response = runtime.get_recommendations(
    campaignArn=campaign_arns["user-personalization"], userId=user_id, numResults=10
)
display.response_table(response, movies)
"""
    ),
    md("**SIMS**: similar items to the user's latest movie, with an `itemId`."),
    code(
        """
last_item = str(train_df[train_df.USER_ID == user_id].sort_values("TIMESTAMP").ITEM_ID.iloc[-1])
print("similar to:", display.title(last_item, movies))
response = runtime.get_recommendations(campaignArn=campaign_arns["sims"], itemId=last_item,
                                       numResults=10)
display.response_table(response, movies)
"""
    ),
    md(
        """
**Personalized ranking**: reorder a list for the user, e.g. 10 of the 100 most popular movies
(a seeded choice). The scores sum to about 1 over the list.
"""
    ),
    code(
        """
import numpy as np

popular = train_df.ITEM_ID.value_counts().index[:100]
candidates = [str(i) for i in np.random.default_rng(7).choice(popular, 10, replace=False)]
response = runtime.get_personalized_ranking(
    campaignArn=campaign_arns["ranking"], userId=user_id, inputList=candidates
)
display.response_table(response, movies)
"""
    ),
    md(
        """
## 4. Cold items through exploration

The cold movies have no training interactions at all. Because the Items dataset marks them as
new (`CREATION_TIMESTAMP`), User-Personalization mixes some into its lists (exploration).
SIMS and popularity cannot: they only know items with interactions.
"""
    ),
    code(
        """
cold = set(map(str, cold_items))
def cold_share(name, **query):
    items = runtime.get_recommendations(campaignArn=campaign_arns[name], numResults=50,
                                        **query)["itemList"]
    return sum(i["itemId"] in cold for i in items)

{"user-personalization": cold_share("user-personalization", userId=user_id),
 "sims": cold_share("sims", itemId=last_item),
 "popularity": cold_share("popularity", userId=user_id)}
"""
    ),
    code(
        """
response = runtime.get_recommendations(campaignArn=campaign_arns["user-personalization"],
                                       userId=user_id, numResults=50)
cold_recs = [i["itemId"] for i in response["itemList"] if i["itemId"] in cold]
display.recommendation_table(cold_recs[:5], movies)
"""
    ),
    md(
        """
## 5. Filters

Filters apply business rules at request time, without retraining:

| Filter | Expression |
|---|---|
| drama | only dramas (a static metadata filter) |
| unwatched | drop what the user already `watch`ed (an interaction filter) |
| genre | a **dynamic** filter: the genre is a `$GENRE` parameter of each request |
| 1990s | only movies from the 1990s (a numeric metadata filter) |
"""
    ),
    code(
        """
FILTERS = {
    "drama": 'INCLUDE ItemID WHERE Items.GENRES IN ("Drama")',
    "unwatched": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
    "genre": "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)",
    "1990s": "INCLUDE ItemID WHERE Items.YEAR >= 1990 AND Items.YEAR < 2000",
}
filter_arns = {
    name: create_or_reuse(personalize.create_filter, name=f"{workshop_prefix}-{name}",
                          datasetGroupArn=dataset_group_arn,
                          filterExpression=expression)["filterArn"]
    for name, expression in FILTERS.items()
}
ready = wait.wait_all({n: partial(personalize.describe_filter, filterArn=a)
    for n, a in filter_arns.items()}, poll=POLL, name="filters")
"""
    ),
    md(
        """
The same user's top 8 under each filter (the dynamic one asked for documentaries). When the
`unwatched` column equals the unfiltered one, the model already avoided what this user
watched; the filter turns that into a guarantee.
"""
    ),
    code(
        """
def recs(**extra):
    response = runtime.get_recommendations(
        campaignArn=campaign_arns["user-personalization"], userId=user_id, numResults=8, **extra)
    return [i["itemId"] for i in response["itemList"]]

shelves = {"no filter": recs()}
for name in ("drama", "unwatched", "1990s"):
    shelves[name] = recs(filterArn=filter_arns[name])
shelves["genre=Documentary"] = recs(filterArn=filter_arns["genre"],
                                    filterValues={"GENRE": '"Documentary"'})
display.side_by_side(shelves, movies)
"""
    ),
    md(
        """
## 6. Batch inference

For many users at once, a batch inference job reads a JSON-lines file of `{"userId": …}` from
S3 and writes `<file>.out` next to the output path. The input uses the **real user ids** from
the data (the original workshop wrote the DataFrame's row index 0…6039, so it asked for a
user "0" that does not exist and skipped the last one).
"""
    ),
    code(
        """
import json

batch_users = sorted(train_df.USER_ID.unique(), key=int)
input_key = "batch/input/users.json"
s3.put_object(Bucket=bucket, Key=input_key,
              Body="\\n".join(json.dumps({"userId": u}) for u in batch_users).encode())
print(len(batch_users), "users, first", batch_users[:3], "last", batch_users[-1])
"""
    ),
    code(
        """
batch_job_arn = create_or_reuse(
    personalize.create_batch_inference_job,
    jobName=f"{workshop_prefix}-batch", roleArn=role_arn, numResults=10,
    solutionVersionArn=solution_version_arns["user-personalization"],
    jobInput={"s3DataSource": {"path": f"s3://{bucket}/{input_key}"}},
    jobOutput={"s3DataDestination": {"path": f"s3://{bucket}/batch/output/"}},
)["batchInferenceJobArn"]
job = wait.wait_until_active(partial(personalize.describe_batch_inference_job,
                                     batchInferenceJobArn=batch_job_arn), poll=POLL)
print(job["batchInferenceJob"]["status"])
"""
    ),
    md("The output is one JSON line per input line; we show it as a table of titles."),
    code(
        """
body = s3.get_object(Bucket=bucket, Key="batch/output/users.json.out")["Body"].read()
lines = [json.loads(line) for line in body.decode().splitlines() if line]
batch_df = pd.DataFrame({line["input"]["userId"]: line["output"]["recommendedItems"]
                         for line in lines})
print(len(lines), "lines,", sum(line["error"] is not None for line in lines), "errors")
display.side_by_side({f"user {u}": batch_df[u] for u in batch_df.columns[:4]}, movies).head(5)
"""
    ),
    md(
        """
## 7. Real-time or batch?

| | Real-time (campaign) | Batch inference job |
|---|---|---|
| latency | milliseconds per request | minutes to hours per job |
| reacts to new events | yes, immediately (module 4) | no: a snapshot |
| cost | per TPS-hour, while the campaign exists | per job, no standing cost |
| good for | apps and websites | e-mails, pre-computed shelves, analytics |
"""
    ),
    md("## 8. Store variables"),
    code(
        """
before_recs = recs()  # the User-Personalization list that module 4 compares with
%store campaign_arns
%store filter_arns
%store batch_job_arn
%store user_id
%store before_recs
"""
    ),
]

# ------------------------------------------------------------------------------------------------
# 04 Events
# ------------------------------------------------------------------------------------------------

NB04 = [
    md(
        """
# 04 Event tracker and real-time interactions

Recommendations should react to what a user does *now*. An **event tracker** receives events
through `PutEvents`; User-Personalization uses them at the next request, without retraining.

## Outline
1. The event tracker
2. Recommendations before
3. A simulated session
4. Recommendations after, and why they changed
5. Store variables
"""
    ),
    *restore(
        ["dataset_group_arn", "campaign_arns", "user_id", "train_df", "workshop_prefix"],
        "03_Deploying_Campaigns_getRecommendation.ipynb",
    ),
    code(
        CLIENTS
        + 'runtime = session.client("personalize-runtime")\n'
        + 'events = session.client("personalize-events")'
    ),
    code(
        """
import pandas as pd
from workshop import data, display

movies = data.load_movies("ml-latest-small")
"""
    ),
    md(
        """
## 1. The event tracker

One tracker per dataset group. Its `trackingId` goes into every `PutEvents` call. We wait for
it to be ACTIVE before sending events.
"""
    ),
    code(
        """
event_tracker_arn = create_or_reuse(
    personalize.create_event_tracker,
    name=f"{workshop_prefix}-tracker", datasetGroupArn=dataset_group_arn,
)["eventTrackerArn"]
tracker = wait.wait_until_active(
    partial(personalize.describe_event_tracker, eventTrackerArn=event_tracker_arn), poll=POLL
)["eventTracker"]
tracking_id = tracker["trackingId"]
print(tracker["name"], tracker["status"])
"""
    ),
    md("## 2. Recommendations before"),
    code(
        """
def recommend(n=10):
    return runtime.get_recommendations(campaignArn=campaign_arns["user-personalization"],
                                       userId=user_id, numResults=n)

before = recommend()
before_ids = [i["itemId"] for i in before["itemList"]]
display.history_table(train_df, user_id, movies, n=5)
"""
    ),
    md(
        """
## 3. A simulated session

The user now watches five animated movies in a row (the five most popular ones they have
not rated). Each event uses the current `PutEvents` shape: `itemId` and `eventValue` at the top
level, `sentAt` as a datetime, and the `recommendationId` and `impression` of the list the user
was shown, so Personalize knows what they saw and did not pick.

MovieLens ends in 2018, so the session continues the data's timeline: it starts a minute after
the last training interaction. Sending today's date instead would make every movie look years
old, and exploration (which favours items younger than `explorationItemAgeCutOff` days, counted
back from the newest interaction) would stop finding new items.
"""
    ),
    code(
        """
seen = set(train_df[train_df.USER_ID == user_id].ITEM_ID)
animation = set(movies[movies.genres.str.contains("Animation")].movieId.astype(str))
popular = train_df.ITEM_ID.value_counts().index
session_items = [i for i in popular if i in animation and i not in seen][:5]
display.recommendation_table(session_items, movies)
"""
    ),
    code(
        """
import datetime

start = datetime.datetime.fromtimestamp(int(train_df.TIMESTAMP.max()) + 60, datetime.timezone.utc)
for n, item in enumerate(session_items):
    events.put_events(trackingId=tracking_id, userId=user_id, sessionId=f"session-{user_id}",
        eventList=[{"eventId": f"event-{n}", "eventType": "watch", "itemId": item,
                    "eventValue": 5.0, "sentAt": start + datetime.timedelta(minutes=n),
                    "recommendationId": before["recommendationId"], "impression": before_ids}])
print(len(session_items), "events sent")
"""
    ),
    md("## 4. Recommendations after"),
    code(
        """
after_ids = [i["itemId"] for i in recommend()["itemList"]]
print("still in the top 10:", len(set(before_ids) & set(after_ids)))
display.side_by_side({"before": before_ids, "after 5 animated movies": after_ids}, movies)
"""
    ),
    code(
        """
fans = set(train_df[train_df.ITEM_ID.isin(session_items)].USER_ID)
def fan_share(items):  # per movie: share of its viewers who also watched a session movie
    return [train_df[train_df.ITEM_ID == i].USER_ID.isin(fans).mean() for i in items]

pd.DataFrame({"before": fan_share(before_ids), "after": fan_share(after_ids)}).describe().round(2)
"""
    ),
    md(
        """
**Why they changed.** User-Personalization scores items from the user's *recent* history, and
the five new events are now the most recent part of it. The table measures, for each
recommended movie, the share of its viewers who also watched one of the session's movies: the
"after" list is made of movies watched by the same people as the session's movies.
No model was retrained: the events are also stored in the Interactions dataset, so the next
training includes them.
"""
    ),
    md("## 5. Store variables"),
    code(
        """
%store event_tracker_arn
"""
    ),
]

# ------------------------------------------------------------------------------------------------
# 05 Evaluation
# ------------------------------------------------------------------------------------------------

NB05 = [
    md(
        """
# 05 Evaluation with the held-out test data

GetSolutionMetrics (module 2) evaluates on users Personalize picked itself. Here we evaluate
every solution the way an application sees it: through the **runtime API**, on each user's
latest 10% of interactions that notebook 01 held out, against simple baselines.

## Outline
1. The metrics, checked on worked examples
2. Evaluate every campaign on the holdout
3. Without already-seen items
4. Cold start
5. Internal vs offline metrics
6. Store variables
"""
    ),
    *restore(
        [
            "campaign_arns",
            "train_df",
            "holdout_df",
            "cold_df",
            "items_df",
            "cold_items",
            "solution_metrics",
        ],
        "03_Deploying_Campaigns_getRecommendation.ipynb",
    ),
    code(CLIENTS + 'runtime = session.client("personalize-runtime")'),
    md(
        """
## 1. The metrics

`workshop.metrics` implements the documented definitions (first-hit MRR, standard NDCG with
min(R, K) ideal hits, precision over K) in plain NumPy (the original `metrics.py` used
`np.asfarray`, which NumPy 2 removed). Two worked examples:
"""
    ),
    code(
        """
from workshop import metrics

r = [0, 1, 0, 0, 1]                      # hits at ranks 2 and 5, two relevant items
assert metrics.reciprocal_rank(r) == 0.5
assert metrics.precision_at_k(r, 5) == 0.4
assert round(metrics.ndcg_at_k(r, n_relevant=2, k=5), 4) == 0.6241
r = [0, 1, 0, 1]                         # the aws-samples example
print(round(metrics.ndcg_at_k(r, n_relevant=2, k=4), 4), metrics.reciprocal_rank(r))
"""
    ),
    md(
        """
## 2. Every campaign on the holdout

* ground truth: each user's held-out items;
* SIMS is asked for items similar to each user's **last training item**;
* ranking re-ranks 100 candidates per user (the held-out items plus random others), so its
  numbers are not comparable with full-catalogue ones;
* baselines: the 25 most popular training items, and 25 random items (seeded).
"""
    ),
    code(
        """
from workshop import evaluate

truth = evaluate.ground_truth(holdout_df)
seen = evaluate.ground_truth(train_df)
catalogue = set(items_df.ITEM_ID)
last = evaluate.last_items(train_df)
candidates = evaluate.ranking_candidates(truth, train_df.ITEM_ID.unique(), 100, seed=42,
                                         exclude_seen=seen)
print(len(truth), "users,", sum(map(len, truth.values())), "held-out interactions")
"""
    ),
    code(
        """
QUERIES = {"user-personalization": {}, "sims": {"item_query": last},
           "ranking": {"candidates": candidates}, "popularity": {}}

def evaluate_all(exclude):
    results = {name: evaluate.evaluate_campaign(runtime, campaign_arns[name], truth,
                       exclude_seen=exclude, catalogue=catalogue, progress=False, **query)
               for name, query in QUERIES.items()}
    results["baseline: popular"] = evaluate.popularity_baseline(
        train_df, truth, exclude_seen=exclude, catalogue=catalogue)
    results["baseline: random"] = evaluate.random_baseline(
        train_df.ITEM_ID, truth, seed=42, exclude_seen=exclude, catalogue=catalogue)
    return evaluate.metrics_table(results)
"""
    ),
    code(
        """
holdout_table = evaluate_all(exclude=None)
holdout_table
"""
    ),
    md(
        """
## 3. Without already-seen items

Campaigns may recommend what the user already rated, and an already-rated movie can never be
a held-out hit. Dropping them (and topping the list up to 25) is what an application would do
with an "unwatched" filter.
"""
    ),
    code(
        """
from workshop import display

dedup_table = evaluate_all(exclude=seen)
dedup_table
"""
    ),
    code(
        """
display.plot_metrics(dedup_table, ["coverage", "mrr@25", "ndcg@25", "p@10", "hr@25"],
                     title="Holdout, already-seen items removed")
"""
    ),
    md(
        """
## 4. Cold start

The truth is now each user's interactions with the **cold** movies, which no model saw in
training. Only User-Personalization can recommend them (exploration). We keep the cold items of
its top 500 and compare with picking 25 cold movies at random.
"""
    ),
    code(
        """
cold = set(map(str, cold_items))
cold_truth = evaluate.ground_truth(cold_df)
lists = evaluate.recommend_all(runtime, campaign_arns["user-personalization"], list(cold_truth),
                               k=500, progress=False)
cold_lists = {u: [i for i in items if i in cold][:25] for u, items in lists.items()}
cold_results = {
    "user-personalization (cold items)": metrics.score(cold_lists, cold_truth, catalogue=cold),
    "baseline: random cold": evaluate.random_baseline(cold, cold_truth, seed=42, catalogue=cold),
}
cold_table = evaluate.metrics_table(cold_results)
cold_table
"""
    ),
    md(
        """
## 5. Internal vs offline metrics

GetSolutionMetrics and our holdout use different users, different truth (the last 10% of
*every* user here) and different candidate sets, so the numbers differ. What should agree is
the **ordering**: a recipe that is better internally should also be better offline. The real
test is an A/B test on live traffic.
"""
    ),
    code(
        """
import pandas as pd

internal = evaluate.metrics_table(solution_metrics)
pd.concat({"internal": internal[["ndcg@25", "p@25"]],
           "offline": dedup_table.loc[internal.index, ["ndcg@25", "p@25"]]}, axis=1)
"""
    ),
    md("## 6. Store variables"),
    code(
        """
%store holdout_table
%store dedup_table
%store cold_table
"""
    ),
]

# ------------------------------------------------------------------------------------------------
# 06 Clean up
# ------------------------------------------------------------------------------------------------

NB06 = [
    md(
        """
# 06 Clean up resources

Campaigns cost money while they exist. This notebook deletes **everything** the workshop
created, in dependency order, and waits until each resource is gone. It finds the resources by
listing them (not only from `%store`), so it also cleans up after a partial run: a resource
still being created is deleted as soon as the service allows, a training still running is
stopped first. Running it again is harmless: what is already gone is skipped.

## Outline
1. Find the dataset group
2. Campaigns
3. Event trackers and filters
4. Solutions
5. Datasets, schemas and the dataset group
6. S3 objects, the bucket policy statements and the bucket
7. IAM (only what 00 created)
"""
    ),
    *restore(["bucket", "role_arn", "resources_source", "workshop_prefix"], "00_Setup.ipynb"),
    code(CLIENTS + 's3 = session.client("s3")\nfrom workshop import discovery, resources'),
    md(
        """
`resources.delete_all(personalize, kind, arns)` calls `delete_<kind>` for each ARN and polls
`describe_<kind>` until it answers `ResourceNotFoundException`. While the service answers
`ResourceInUseException` (the resource, or an import or training it holds, is still being
created), it tries the delete again at the next poll. It returns how many of them still existed.

## 1. Find the dataset group

By name, so the notebook works even if `dataset_group_arn` was never stored.
"""
    ),
    code(
        """
def listed(operation, key, **kwargs):
    return resources.list_all(personalize, operation, key, **kwargs)

groups = [g["datasetGroupArn"] for g in listed("list_dataset_groups", "datasetGroups")
          if g["name"] == workshop_prefix]
deleted = {}
print("dataset groups found:", len(groups))
"""
    ),
    md(
        """
## 2. Campaigns

Every campaign of every solution in the group.
"""
    ),
    code(
        """
solutions = [s["solutionArn"] for g in groups
             for s in listed("list_solutions", "solutions", datasetGroupArn=g)]
campaigns = [c["campaignArn"] for s in solutions
             for c in listed("list_campaigns", "campaigns", solutionArn=s)]
deleted["campaigns"] = resources.delete_all(personalize, "campaign", campaigns, poll=POLL)
"""
    ),
    md("## 3. Event trackers and filters"),
    code(
        """
trackers = [t["eventTrackerArn"] for g in groups
            for t in listed("list_event_trackers", "eventTrackers", datasetGroupArn=g)]
filters = [f["filterArn"] for g in groups
           for f in listed("list_filters", "Filters", datasetGroupArn=g)]
deleted["event trackers"] = resources.delete_all(personalize, "event_tracker", trackers, poll=POLL)
deleted["filters"] = resources.delete_all(personalize, "filter", filters, poll=POLL)
"""
    ),
    md(
        """
## 4. Solutions

**All** solutions in the group: popularity and an HPO solution too (the original workshop
never deleted its popularity solution). A solution version still training (a run interrupted
in module 2) is stopped first: it bills training hours until it ends, and its solution cannot be
deleted before. Deleting a solution deletes its versions. Batch inference jobs cannot be
deleted; their output is removed with the S3 objects below.
"""
    ),
    code(
        """
stopped = resources.stop_training(personalize, solutions)
print("trainings stopped:", len(stopped))
deleted["solutions"] = resources.delete_all(personalize, "solution", solutions, poll=POLL)
"""
    ),
    md(
        """
## 5. Datasets, schemas and the dataset group

Schemas do not belong to a dataset group: they are found by their name's prefix.
"""
    ),
    code(
        """
datasets = [d["datasetArn"] for g in groups
            for d in listed("list_datasets", "datasets", datasetGroupArn=g)]
deleted["datasets"] = resources.delete_all(personalize, "dataset", datasets, poll=POLL)
"""
    ),
    code(
        """
schemas = [s["schemaArn"] for s in listed("list_schemas", "schemas")
           if s["name"].startswith(workshop_prefix + "-")]
deleted["schemas"] = resources.delete_all(personalize, "schema", schemas, poll=POLL)
deleted["dataset groups"] = resources.delete_all(personalize, "dataset_group", groups, poll=POLL)
"""
    ),
    md(
        """
## 6. S3 objects, the bucket policy statements and the bucket

The workshop's objects under `data/`, `batch/` and `export/`, every version (the bucket is
versioned, so deleting only the current objects would keep the data). For the bucket that
notebook 00 created, the Personalize statements come out of its policy by `Sid` (other
statements stay) and the bucket itself is deleted, unless it holds objects the workshop did not
put there. The bucket of the CloudFormation stack and its policy stay: deleting the stack
removes them.
"""
    ),
    code(
        """
exists = discovery.bucket_exists(s3, bucket)
deleted["S3 object versions"] = discovery.delete_object_versions(s3, bucket)
deleted["S3 buckets"] = 0
if exists and resources_source == "created":
    discovery.remove_personalize_statements(s3, bucket)
    deleted["S3 buckets"] = int(discovery.delete_bucket_if_empty(s3, bucket))
    print("bucket", "deleted" if deleted["S3 buckets"] else "kept: it holds other objects")
elif exists:
    print("bucket from the", resources_source, "- it and its policy belong to the stack")
else:
    print("bucket already deleted")
"""
    ),
    md(
        """
## 7. IAM

Only a role that notebook 00 created (not the stack's) is deleted: first its inline policies,
then the role.
"""
    ),
    code(
        """
iam = session.client("iam")
role_name = role_arn.rsplit("/", 1)[-1]
deleted["IAM roles"] = 0
if resources_source == "created":
    try:
        for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)
        iam.delete_role(RoleName=role_name)
        deleted["IAM roles"] = 1
    except iam.exceptions.NoSuchEntityException:
        pass  # deleted by an earlier run
"""
    ),
    md("What was deleted (all zeros on a second run):"),
    code(
        """
import pandas as pd

pd.Series(deleted, name="deleted").to_frame()
"""
    ),
    code(
        """
left = [g for g in listed("list_dataset_groups", "datasetGroups") if g["name"] == workshop_prefix]
print("workshop dataset groups left:", len(left))
"""
    ),
]

CONTENT = dict(zip(NOTEBOOKS, [NB00, NB01, NB02, NB03, NB04, NB05, NB06], strict=True))


def build(name: str):
    notebook = new_notebook(cells=CONTENT[name])
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def main() -> int:
    for name in NOTEBOOKS:
        nbformat.write(build(name), ROOT / name)
        print("wrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
