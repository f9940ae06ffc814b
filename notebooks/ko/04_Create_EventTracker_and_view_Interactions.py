# %% [markdown]
# # 04 Event tracker and real-time interactions
#
# Recommendations should react to what a user does *now*. An **event tracker** receives events
# through `PutEvents`; User-Personalization uses them at the next request, without retraining.
#
# ## Outline
# 1. The event tracker
# 2. Recommendations before
# 3. A simulated session
# 4. Recommendations after, and why they changed
# 5. Store variables

# %% [markdown]
# Restore the variables the earlier notebooks stored with `%store`, and check that they are all there: `%store -r` does not complain about a missing one.

# %%
# %store -r

# %%
needed = ["dataset_group_arn", "campaign_arns", "user_id", "train_df", "workshop_prefix"]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(
        f"Missing {missing}: run 03_Deploying_Campaigns_getRecommendation.ipynb first."
    )
print("Restored:", ", ".join(needed))

# %%
from functools import partial

import boto3

from workshop import wait
from workshop.resources import create_or_reuse  # a re-run reuses what exists (see notebook 01)

session = boto3.Session()
personalize = session.client("personalize")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)
runtime = session.client("personalize-runtime")
events = session.client("personalize-events")

# %%
import pandas as pd

from workshop import data, display

movies = data.load_movies("ml-latest-small")

# %% [markdown]
# ## 1. The event tracker
#
# One tracker per dataset group. Its `trackingId` goes into every `PutEvents` call. We wait for
# it to be ACTIVE before sending events.

# %%
event_tracker_arn = create_or_reuse(
    personalize.create_event_tracker,
    name=f"{workshop_prefix}-tracker",
    datasetGroupArn=dataset_group_arn,
)["eventTrackerArn"]
tracker = wait.wait_until_active(
    partial(personalize.describe_event_tracker, eventTrackerArn=event_tracker_arn), poll=POLL
)["eventTracker"]
tracking_id = tracker["trackingId"]
print(tracker["name"], tracker["status"])


# %% [markdown]
# ## 2. Recommendations before


# %%
def recommend(n=10):
    return runtime.get_recommendations(
        campaignArn=campaign_arns["user-personalization"], userId=user_id, numResults=n
    )


before = recommend()
before_ids = [i["itemId"] for i in before["itemList"]]
display.history_table(train_df, user_id, movies, n=5)

# %% [markdown]
# ## 3. A simulated session
#
# The user now watches five animated movies in a row (the five most popular ones they have
# not rated). Each event uses the current `PutEvents` shape: `itemId` and `eventValue` at the top
# level, `sentAt` as a datetime, and the `recommendationId` and `impression` of the list the user
# was shown, so Personalize knows what they saw and did not pick.
#
# MovieLens ends in 2018, so the session continues the data's timeline: it starts a minute after
# the last training interaction. Sending today's date instead would make every movie look years
# old, and exploration (which favours items younger than `explorationItemAgeCutOff` days, counted
# back from the newest interaction) would stop finding new items.

# %%
seen = set(train_df[user_id == train_df.USER_ID].ITEM_ID)
animation = set(movies[movies.genres.str.contains("Animation")].movieId.astype(str))
popular = train_df.ITEM_ID.value_counts().index
session_items = [i for i in popular if i in animation and i not in seen][:5]
display.recommendation_table(session_items, movies)

# %%
import datetime

start = datetime.datetime.fromtimestamp(int(train_df.TIMESTAMP.max()) + 60, datetime.UTC)
for n, item in enumerate(session_items):
    events.put_events(
        trackingId=tracking_id,
        userId=user_id,
        sessionId=f"session-{user_id}",
        eventList=[
            {
                "eventId": f"event-{n}",
                "eventType": "watch",
                "itemId": item,
                "eventValue": 5.0,
                "sentAt": start + datetime.timedelta(minutes=n),
                "recommendationId": before["recommendationId"],
                "impression": before_ids,
            }
        ],
    )
print(len(session_items), "events sent")

# %% [markdown]
# ## 4. Recommendations after

# %%
after_ids = [i["itemId"] for i in recommend()["itemList"]]
print("still in the top 10:", len(set(before_ids) & set(after_ids)))
display.side_by_side({"before": before_ids, "after 5 animated movies": after_ids}, movies)

# %%
fans = set(train_df[train_df.ITEM_ID.isin(session_items)].USER_ID)


def fan_share(items):  # per movie: share of its viewers who also watched a session movie
    return [train_df[i == train_df.ITEM_ID].USER_ID.isin(fans).mean() for i in items]


pd.DataFrame({"before": fan_share(before_ids), "after": fan_share(after_ids)}).describe().round(2)

# %% [markdown]
# **Why they changed.** User-Personalization scores items from the user's *recent* history, and
# the five new events are now the most recent part of it. The table measures, for each
# recommended movie, the share of its viewers who also watched one of the session's movies: the
# "after" list is made of movies watched by the same people as the session's movies.
# No model was retrained: the events are also stored in the Interactions dataset, so the next
# training includes them.

# %% [markdown]
# ## 5. Store variables

# %%
# %store event_tracker_arn
