# %% [markdown]
# # 03 Deploying campaigns and getting recommendations
#
# ## Outline
# 1. Campaigns and exploration
# 2. Capacity planning and a cost-per-attendee estimate
# 3. Recommendations for a user, similar items, personalized ranking
# 4. Cold items reached through exploration
# 5. Filters
# 6. Batch inference
# 7. Real-time or batch?
# 8. Store variables
#
# If something fails, see the "Troubleshooting" section of notebook 01.

# %% [markdown]
# Restore the variables the earlier notebooks stored, and check they are all there.

# %%
# %store -r

# %%
needed = [
    "solution_version_arns",
    "train_df",
    "items_df",
    "cold_items",
    "bucket",
    "role_arn",
    "attendee",
    "dataset_group_arn",
    "workshop_prefix",
]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(f"Missing {missing}: run 02_Creating_and_Evaluating_Solutions.ipynb first.")
print("Restored:", ", ".join(needed))

# %%
from functools import partial

import boto3
import pandas as pd

from workshop import data, display, wait
from workshop.lang import tr
from workshop.resources import create_or_reuse  # a re-run reuses what exists (see notebook 01)

session = boto3.Session()
personalize = session.client("personalize")
runtime = session.client("personalize-runtime")
s3 = session.client("s3")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)
pd.set_option("display.max_rows", 12)
movies = data.load_movies("ml-latest-small")

# %% [markdown]
# ## 1. Campaigns and exploration
#
# A campaign serves one solution version in real time. We create one campaign per solution version.
#
# **Exploration is a campaign setting.** Campaigns of the User-Personalization recipes (v1 and v2) use `campaignConfig.itemExplorationConfig` to give part of each list to new items with few interactions. `explorationWeight` (0–1) is how much to explore, `explorationItemAgeCutOff` how many days back from the latest interaction an item counts as new. The same solution version can be served with different settings in different campaigns, and none of it changes 02's offline metrics.

# %%
exploration = {
    "itemExplorationConfig": {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}
}
campaign_arns = {
    name: create_or_reuse(
        personalize.create_campaign,
        name=f"{workshop_prefix}-{name}",
        solutionVersionArn=arn,
        minProvisionedTPS=1,
        **({"campaignConfig": exploration} if name.startswith("user-personalization") else {}),
    )["campaignArn"]
    for name, arn in solution_version_arns.items()
}

# %%
campaigns = wait.wait_all(
    {n: partial(personalize.describe_campaign, campaignArn=a) for n, a in campaign_arns.items()},
    poll=POLL,
    name="campaigns",
)
{name: c["campaign"]["status"] for name, c in campaigns.items()}

# %% [markdown]
# ## 2. Capacity planning and a cost-per-attendee estimate
#
# * `minProvisionedTPS` is the throughput (transactions per second) you always pay for. Above it the campaign **auto-scales**, and you pay for the higher of the provisioned and the actual TPS. Start at 1 and raise it from the CloudWatch metrics only when traffic needs it.
# * A campaign costs money while it exists, even without traffic. Notebook 06 deletes them all.
#
# The [pricing page](https://aws.amazon.com/personalize/pricing/) splits the cost of custom recipes into **training hours**, **TPS-hours** of real-time recommendations (one TPS for one hour) and the **number of batch recommendations**. The cell below **estimates** one attendee's workshop cost with that structure. The unit prices are example values: replace them with the current ones for your Region from the pricing page before you plan. Training hours depend on the data size, so they are an assumption too.

# %%
# Example unit prices (USD): replace them with the current ones for your Region from
# https://aws.amazon.com/personalize/pricing/
UNIT_PRICE = {"training hour": 0.24, "TPS-hour": 0.20, "1,000 batch recommendations": 0.067}
HOURS_PER_TRAINING = 1.0  # assumption: ~100k interactions train in about an hour each
WORKSHOP_HOURS = 3.0  # campaigns live from this notebook until 06 deletes them

trainings = len(solution_version_arns) + 3  # + the three HPO training jobs of notebook 02
usage = {
    "training hour": trainings * HOURS_PER_TRAINING,
    "TPS-hour": len(campaign_arns) * 1 * WORKSHOP_HOURS,  # minProvisionedTPS=1 each
    "1,000 batch recommendations": train_df.USER_ID.nunique() * 10 / 1000,
}
estimate = pd.DataFrame(
    {
        tr("사용량", "usage"): usage,
        tr("예시 단가 (USD)", "example unit price (USD)"): UNIT_PRICE,
    }
)
estimate[tr("추정 비용 (USD)", "estimated cost (USD)")] = (
    estimate.iloc[:, 0] * estimate.iloc[:, 1]
).round(2)
print(
    tr("참가자 1명 추정 합계:", "Estimated total per attendee:"),
    f"${estimate.iloc[:, 2].sum():.2f}",
)
estimate

# %% [markdown]
# ## 3. Recommendations
#
# We pick a user with an average amount of history and look at what they watched last.

# %%
per_user = train_df.USER_ID.value_counts()
user_id = str(per_user.index[len(per_user) // 2])
print(
    tr("사용자", "user"), user_id, tr("학습 상호 작용", "training interactions"), per_user[user_id]
)
display.history_table(train_df, user_id, movies, n=5)

# %% [markdown]
# **User-Personalization-v2**: `get_recommendations` with a `userId`.

# %%
response = runtime.get_recommendations(
    campaignArn=campaign_arns["user-personalization-v2"], userId=user_id, numResults=10
)
display.response_table(response, movies)

# %% [markdown]
# **SIMS**: similar items for an `itemId`. SIMS learns similarity from what people watched together, so for an item with too few interactions it fills the list with popular items. We therefore start from the user's most recent movie that has at least 50 training interactions (the number in brackets). The result is the movies its audience also watched.

# %%
item_counts = train_df.ITEM_ID.value_counts()
history = train_df[train_df.USER_ID.eq(user_id)].sort_values("TIMESTAMP").ITEM_ID
sims_item = next(str(i) for i in reversed(history.tolist()) if item_counts[i] >= 50)
print(
    tr("기준 영화:", "similar to:"), display.title(sims_item, movies), f"({item_counts[sims_item]})"
)
response = runtime.get_recommendations(
    campaignArn=campaign_arns["sims"], itemId=sims_item, numResults=10
)
display.response_table(response, movies)

# %% [markdown]
# **Personalized ranking**: reorder, for the user, 10 of the 100 most popular movies (a seeded choice).

# %%
import numpy as np

popular = item_counts.index[:100]
candidates = [str(i) for i in np.random.default_rng(7).choice(popular, 10, replace=False)]
response = runtime.get_personalized_ranking(
    campaignArn=campaign_arns["ranking"], userId=user_id, inputList=candidates
)
display.response_table(response, movies)

# %% [markdown]
# ## 4. Cold items reached through exploration
#
# Cold items have no training interactions at all. The Items dataset marks them as new (`CREATION_TIMESTAMP`), so a User-Personalization campaign with exploration on can give part of its list to them. SIMS and popularity only know items with interactions. We count the cold items in each campaign's top 50.

# %%
cold = set(map(str, cold_items))


def cold_count(name, **query):
    items = runtime.get_recommendations(campaignArn=campaign_arns[name], numResults=50, **query)[
        "itemList"
    ]
    return sum(i["itemId"] in cold for i in items)


cold_counts = {
    "user-personalization-v2": cold_count("user-personalization-v2", userId=user_id),
    "user-personalization": cold_count("user-personalization", userId=user_id),
    "sims": cold_count("sims", itemId=sims_item),
    "popularity": cold_count("popularity", userId=user_id),
}
cold_counts

# %% [markdown]
# In the output above, both User-Personalization campaigns give part of their top 50 to cold items, but never half: the rest follows the user's history. The SIMS and popularity lists hold no cold item at all. Only a campaign with exploration on puts new items in front of users. Below, the cold items the v1 campaign showed this user.

# %%
response = runtime.get_recommendations(
    campaignArn=campaign_arns["user-personalization"], userId=user_id, numResults=50
)
cold_recs = [i["itemId"] for i in response["itemList"] if i["itemId"] in cold]
display.recommendation_table(cold_recs[:5], movies)

# %% [markdown]
# **v2 also says why.** Items in a User-Personalization-v2 answer can carry a `reason`: `Exploration` for an item exploration brought in, `Promoted item` for a promotion's item, `Popular item` for a popular item that fills a list a filter emptied ([PredictedItem](https://docs.aws.amazon.com/personalize/latest/dg/API_RS_PredictedItem.html)). Here are the items of the v2 campaign's top 50 that carry one.

# %%
from collections import Counter

response = runtime.get_recommendations(
    campaignArn=campaign_arns["user-personalization-v2"], userId=user_id, numResults=50
)
with_reason = [i for i in response["itemList"] if "reason" in i]
reasons = Counter(r for i in with_reason for r in i["reason"])
print(tr("이유가 붙은 항목", "items with a reason"), len(with_reason), dict(reasons))
print(tr("그중 콜드 항목", "of them cold"), sum(i["itemId"] in cold for i in with_reason))
display.response_table({"itemList": with_reason[:5]}, movies)

# %% [markdown]
# In the output above, every item with a reason came in through exploration (`Exploration`). The cold items (the count above) are among them; the others are new enough to explore too: items that first appeared in the interactions data less than `explorationItemAgeCutOff` (30 days by default) ago. This request has no promotion and no filter, so no other reason appears. `explorationWeight` (0.3 by default) is not the share of the list that explores: the docs describe it as how much to explore, more the closer it is to 1.

# %% [markdown]
# ## 5. Filters
#
# Filters apply business rules at request time, without retraining:
#
# | Filter | Expression |
# |---|---|
# | drama | only dramas (a static metadata filter) |
# | unwatched | drop what the user already `watch`ed (an interaction filter) |
# | genre | a **dynamic** filter: the genre is a `$GENRE` parameter of each request |
# | 1990s | only movies from the 1990s (a numeric metadata filter) |

# %%
FILTERS = {
    "drama": 'INCLUDE ItemID WHERE Items.GENRES IN ("Drama")',
    "unwatched": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
    "genre": "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)",
    "1990s": "INCLUDE ItemID WHERE Items.YEAR >= 1990 AND Items.YEAR < 2000",
}
filter_arns = {
    name: create_or_reuse(
        personalize.create_filter,
        name=f"{workshop_prefix}-{name}",
        datasetGroupArn=dataset_group_arn,
        filterExpression=expression,
    )["filterArn"]
    for name, expression in FILTERS.items()
}
ready = wait.wait_all(
    {n: partial(personalize.describe_filter, filterArn=a) for n, a in filter_arns.items()},
    poll=POLL,
    name="filters",
)

# %% [markdown]
# The same user's top 8 under each filter (the dynamic one asked for documentaries). When the `unwatched` column equals the unfiltered one, the model already avoided what this user watched; the filter turns that into a guarantee.


# %%
def recs(**extra):
    response = runtime.get_recommendations(
        campaignArn=campaign_arns["user-personalization"], userId=user_id, numResults=8, **extra
    )
    return [i["itemId"] for i in response["itemList"]]


shelves = {tr("필터 없음", "no filter"): recs()}
for name in ("drama", "unwatched", "1990s"):
    shelves[name] = recs(filterArn=filter_arns[name])
shelves["genre=Documentary"] = recs(
    filterArn=filter_arns["genre"], filterValues={"GENRE": '"Documentary"'}
)
display.side_by_side(shelves, movies)

# %% [markdown]
# ## 6. Batch inference
#
# For many users at once, a batch inference job reads a JSON Lines file of `{"userId": …}` from S3 and writes `<file>.out` to the output path. The input uses the real user ids from the data.

# %%
import json

batch_users = sorted(train_df.USER_ID.unique(), key=int)
input_key = f"batch/input/{attendee}/users.json"
output_prefix = f"batch/output/{attendee}/"
s3.put_object(
    Bucket=bucket,
    Key=input_key,
    Body="\n".join(json.dumps({"userId": u}) for u in batch_users).encode(),
)
print(len(batch_users), "users, first", batch_users[:3], "last", batch_users[-1])

# %%
batch_job_arn = create_or_reuse(
    personalize.create_batch_inference_job,
    jobName=f"{workshop_prefix}-batch",
    roleArn=role_arn,
    numResults=10,
    solutionVersionArn=solution_version_arns["user-personalization"],
    jobInput={"s3DataSource": {"path": f"s3://{bucket}/{input_key}"}},
    jobOutput={"s3DataDestination": {"path": f"s3://{bucket}/{output_prefix}"}},
)["batchInferenceJobArn"]
job = wait.wait_until_active(
    partial(personalize.describe_batch_inference_job, batchInferenceJobArn=batch_job_arn),
    poll=POLL,
)
print(job["batchInferenceJob"]["status"])

# %% [markdown]
# The output is one JSON line per input line; we show it as a table of titles.

# %%
body = s3.get_object(Bucket=bucket, Key=f"{output_prefix}users.json.out")["Body"].read()
lines = [json.loads(line) for line in body.decode().splitlines() if line]
batch_df = pd.DataFrame(
    {line["input"]["userId"]: line["output"]["recommendedItems"] for line in lines}
)
print(len(lines), "lines,", sum(line["error"] is not None for line in lines), "errors")
display.side_by_side({f"user {u}": batch_df[u] for u in batch_df.columns[:4]}, movies).head(5)

# %% [markdown]
# ## 7. Real-time or batch?
#
# | | Real-time (campaign) | Batch inference job |
# |---|---|---|
# | latency | milliseconds per request | minutes to hours per job |
# | reacts to new events | yes, immediately (notebook 04) | no: a snapshot |
# | cost | per TPS-hour, while the campaign exists | per job, no standing cost |
# | good for | apps and websites | e-mails, pre-computed shelves, analytics |

# %% [markdown]
# ## 8. Store variables

# %%
before_recs = recs()  # the User-Personalization list that notebook 04 compares with
# %store campaign_arns
# %store filter_arns
# %store batch_job_arn
# %store user_id
# %store before_recs
