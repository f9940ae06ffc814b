# %% [markdown]
# # 01 Validating and importing user-item interaction data
#
# ## Outline
# 1. Load MovieLens (checksum-verified)
# 2. Explore: ratings, users, items, time
# 3. Interactions and items in Personalize's format
# 4. Cold-start items and a held-out test set
# 5. Upload to S3
# 6. Schemas, dataset group and datasets
# 7. The bucket policy
# 8. Import jobs
# 9. Troubleshooting
# 10. Store variables
#
# Personalize needs at least 1,000 interactions from at least 25 users with 2 interactions each. ml-latest-small has 100,836 ratings from 610 users, enough for every recipe in this workshop.

# %% [markdown]
# Restore the variables 00 stored with `%store`, and check they are all there: `%store -r` does not complain about a missing one.

# %%
# %store -r

# %%
needed = ["bucket", "role_arn", "region", "account_id", "attendee", "workshop_prefix"]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(f"Missing {missing}: run 00_Setup.ipynb first.")
print("Restored:", ", ".join(needed))

# %%
from functools import partial

import boto3

from workshop import wait
from workshop.lang import tr
from workshop.resources import create_or_reuse  # a re-run reuses what exists (section 6)

session = boto3.Session()
personalize = session.client("personalize")
s3 = session.client("s3")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)

# %% [markdown]
# ## 1. Load MovieLens
#
# `workshop.data.movielens_dir()` downloads ml-latest-small from GroupLens on first use, or reads the folder named by the environment variable `MOVIELENS_DIR`. Every file is checked against a pinned SHA-256 digest, so every attendee works on exactly the same data.

# %%
import pandas as pd

from workshop import data, display

pd.set_option("display.max_rows", 10)
DATASET = "ml-latest-small"
print(tr("검증 완료:", "verified:"), data.movielens_dir(DATASET).name)
ratings, movies = data.load_ratings(DATASET), data.load_movies(DATASET)
print(
    tr(
        f"평점 {len(ratings):,}개, 사용자 {ratings.userId.nunique():,}명, 영화 {len(movies):,}편",
        f"{len(ratings):,} ratings, {ratings.userId.nunique():,} users, {len(movies):,} movies",
    )
)

# %%
ratings.head()

# %% [markdown]
# ## 2. Explore
#
# Ratings go from 0.5 to 5 in half steps. In this workshop a rating of 4 or more is a `watch` (the user liked it) and anything lower a `click` (the user tried it).

# %%
display.plot_rating_distribution(ratings)

# %% [markdown]
# Activity per user is very uneven: most users rated a few dozen movies, a few rated thousands. Personalize learns most about the active ones.

# %%
interactions = data.interactions(ratings)
display.plot_interactions_per_user(interactions)

# %% [markdown]
# Popularity has a long tail: a few movies collect most of the ratings. A recommender that only ever shows the head has low *coverage*; notebooks 02 and 05 measure it.

# %%
display.plot_item_popularity(interactions)

# %% [markdown]
# When the ratings were given. They run until September 2018, so the movies first rated last are this catalogue's "new" movies.

# %%
display.plot_activity_over_time(interactions)

# %% [markdown]
# ## 3. Interactions and items
#
# The Interactions dataset has one row per rating: `USER_ID`, `ITEM_ID`, `EVENT_TYPE` (`watch`/`click`), `EVENT_VALUE` (the rating) and `TIMESTAMP`.

# %%
interactions.head()

# %%
interactions.EVENT_TYPE.value_counts()

# %% [markdown]
# ## 4. Cold-start items and a held-out test set
#
# * **Cold items.** In a real catalogue the items without interactions are mostly the new ones. So the 10% of movies first rated last are kept out of the training interactions. They still go into the Items dataset, so Personalize knows they exist; notebooks 03 and 05 check whether it can recommend them.
# * **Holdout.** From the other interactions, each user's latest 10% are held out for notebook 05's evaluation; Personalize never sees them.

# %%
warm_items, cold_items, cold_since = data.newest_items_split(interactions, cold_fraction=0.1)
warm = interactions[interactions.ITEM_ID.isin(warm_items)]
cold_df = interactions[interactions.ITEM_ID.isin(cold_items)].reset_index(drop=True)
train_df, holdout_df = data.temporal_holdout(warm, fraction=0.1)
print(
    tr(
        f"콜드 항목 {len(cold_items):,}편: {cold_since:%Y-%m-%d} 이후 처음 평가된 영화",
        f"cold items {len(cold_items):,}: movies first rated on or after {cold_since:%Y-%m-%d}",
    )
)
print(
    tr(
        f"학습 {len(train_df):,}행, 보류 {len(holdout_df):,}행, 콜드 항목의 상호 작용 {len(cold_df):,}행",
        f"training {len(train_df):,} rows, holdout {len(holdout_df):,}, cold-item rows {len(cold_df):,}",
    )
)

# %% [markdown]
# As the output shows, there are 972 cold items, all first rated on or after 2017-08-08. Classics rated from the start, such as *Toy Story*, stay in the training data.
#
# Items: `GENRES` is categorical (`Action|Comedy` means both), `YEAR` comes from the title, and `CREATION_TIMESTAMP` is the movie's first interaction in the training data. Cold items get the latest training time, so Personalize sees them as *new*.

# %%
items_df = data.items(movies, train_df, item_ids=interactions.ITEM_ID.unique())
items_df.head()

# %% [markdown]
# ## 5. Upload to S3
#
# The files go under `data/`, the prefix the Personalize role may read, in a folder of their own per attendee, so attendees sharing a bucket never overwrite each other's files.

# %%
interactions_key = f"data/{attendee}/interactions.csv"
items_key = f"data/{attendee}/items.csv"
for key, frame in ((interactions_key, train_df), (items_key, items_df)):
    s3.put_object(Bucket=bucket, Key=key, Body=frame.to_csv(index=False).encode())
    print(f"{key}: {len(frame):,} rows")

# %% [markdown]
# ## 6. Schemas, dataset group and datasets
#
# Schemas are Avro records. `GENRES` is `categorical`, so filters and the models treat each `|`-separated value as its own category.
#
# **Running a notebook again.** Names are unique in an account and Region, so a second `create_schema` with the same name fails with `ResourceAlreadyExistsException`. Every `create_*` call in the workshop therefore goes through `create_or_reuse` (from `workshop.resources`): when a resource of that name already exists it returns *that* resource's ARN (a solution version, which has no name, is reused while it is ACTIVE or still training). It does not compare settings: to start over with other data or settings, run `06_Clean_Up_Resources` first.

# %%
import json

interactions_schema_arn = create_or_reuse(
    personalize.create_schema,
    name=f"{workshop_prefix}-interactions",
    schema=json.dumps(data.interactions_schema()),
)["schemaArn"]
items_schema_arn = create_or_reuse(
    personalize.create_schema,
    name=f"{workshop_prefix}-items",
    schema=json.dumps(data.items_schema()),
)["schemaArn"]
print(json.dumps(data.items_schema()["fields"], indent=1))

# %% [markdown]
# A dataset group holds the datasets and everything trained on them.

# %%
dataset_group_arn = create_or_reuse(personalize.create_dataset_group, name=workshop_prefix)[
    "datasetGroupArn"
]
group = wait.wait_until_active(
    partial(personalize.describe_dataset_group, datasetGroupArn=dataset_group_arn), poll=POLL
)
print(group["datasetGroup"]["name"], group["datasetGroup"]["status"])

# %%
dataset_arns = {}
for kind, schema_arn in (("INTERACTIONS", interactions_schema_arn), ("ITEMS", items_schema_arn)):
    dataset_arns[kind] = create_or_reuse(
        personalize.create_dataset,
        name=f"{workshop_prefix}-{kind.lower()}",
        datasetType=kind,
        datasetGroupArn=dataset_group_arn,
        schemaArn=schema_arn,
    )["datasetArn"]
ready = wait.wait_all(
    {k: partial(personalize.describe_dataset, datasetArn=a) for k, a in dataset_arns.items()},
    poll=POLL,
    name="datasets",
)

# %% [markdown]
# ## 7. The bucket policy
#
# Personalize reads S3 as the service principal `personalize.amazonaws.com`. The policy below is **merged** into the bucket's existing policy by statement `Sid`: other statements stay, running it twice changes nothing, and notebook 06 removes exactly these statements again. Each one is held to this account with `aws:SourceAccount`.

# %%
from workshop import discovery

policy = discovery.add_personalize_statements(s3, bucket, account_id)
[(s.get("Sid"), s["Effect"], s["Action"]) for s in policy["Statement"]]

# %% [markdown]
# ## 8. Import jobs
#
# One dataset import job per dataset, each with its **own** ARN. Both run in parallel behind one progress display.

# %%
import_job_arns = {}
for kind, key in (("INTERACTIONS", interactions_key), ("ITEMS", items_key)):
    import_job_arns[kind] = create_or_reuse(
        personalize.create_dataset_import_job,
        jobName=f"{workshop_prefix}-{kind.lower()}-import",
        datasetArn=dataset_arns[kind],
        dataSource={"dataLocation": f"s3://{bucket}/{key}"},
        roleArn=role_arn,
        importMode="FULL",
    )["datasetImportJobArn"]
{kind: arn.split(":", 5)[-1] for kind, arn in import_job_arns.items()}

# %%
jobs = wait.wait_all(
    {
        kind: partial(personalize.describe_dataset_import_job, datasetImportJobArn=arn)
        for kind, arn in import_job_arns.items()
    },
    poll=POLL,
    name="import jobs",
)
{kind: job["datasetImportJob"]["status"] for kind, job in jobs.items()}

# %% [markdown]
# ## 9. Troubleshooting
#
# When a job ends in `CREATE FAILED`, read `failureReason` in the `describe_*` response first: it says why. The common cases in this workshop (notebooks 03 and 06 refer back here):
#
# | Symptom | Cause and fix |
# |---|---|
# | An import job fails with `Access Denied` | The bucket policy lacks the `personalize.amazonaws.com` statements (run section 7 again), or the role (`role_arn`) may not read the `data/` prefix. |
# | Any other `CREATE FAILED` | Fix what `failureReason` says, e.g. CSV columns that differ from the schema, too few interactions. |
# | `ResourceInUseException` while deleting | Something still uses the resource, or it is still being created. Delete campaigns → filters and trackers → solutions → datasets → the group, and retry after a while (notebook 06 does). |
# | `ParamValidationError: Unknown parameter` | boto3 is too old: `%pip install -U boto3`, then restart the kernel (00's version check). |

# %%
{kind: job["datasetImportJob"].get("failureReason", "-") for kind, job in jobs.items()}

# %% [markdown]
# ## 10. Store variables

# %%
interactions_dataset_arn, items_dataset_arn = dataset_arns["INTERACTIONS"], dataset_arns["ITEMS"]
# %store dataset_group_arn
# %store interactions_dataset_arn
# %store items_dataset_arn
# %store interactions_schema_arn
# %store items_schema_arn
# %store import_job_arns
# %store train_df
# %store holdout_df
# %store cold_df
# %store items_df
# %store warm_items
# %store cold_items
