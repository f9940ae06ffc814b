# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 Event tracker and real-time interactions
#
# A model trained last night knows nothing about what a user does right now. An **event
# tracker** fixes that: your application sends each click or view with `PutEvents`, and a
# User-Personalization campaign takes the new events into account at the next
# `GetRecommendations` call, without retraining.
#
# In this notebook we pick a user whose recommendations hold no family film (animation or
# children's), send a short burst of family-film events for them, and measure how their top 10
# changes.
#
# ## Outline
# 1. Create the event tracker
# 2. Choose the demo user and look at their list
# 3. Send a session with `PutEvents`
# 4. Recommendations after the session, measured
# 5. Store variables

# %% [markdown]
# Restore the variables that earlier notebooks stored with `%store`. `%store -r` does not
# complain when a variable is missing, so the next cell checks.

# %%
# %store -r

# %%
from workshop.lang import tr

needed = ["dataset_group_arn", "campaign_arns", "user_id", "train_df", "workshop_prefix"]
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
import datetime
import json
from functools import partial

import boto3
import pandas as pd

from workshop import data, display, wait
from workshop.resources import create_or_reuse  # a re-run reuses what exists (see notebook 01)

session = boto3.Session()
personalize = session.client("personalize")
runtime = session.client("personalize-runtime")
events = session.client("personalize-events")
POLL = 10  # seconds between status polls
movies = data.load_movies("ml-latest-small")

# %% [markdown]
# ## 1. Create the event tracker
#
# A dataset group has at most one event tracker. Its `trackingId` goes into every `PutEvents`
# call; the events it receives are also added to the group's Interactions dataset, so the next
# training includes them.

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
# ## 2. Choose the demo user
#
# For the effect to be plain, the user should start with a list that holds **no** family film
# (a movie whose genres include Animation or Children). We start from the user of notebook 03
# and move on to users who never rated a family film, until one's top 10 has none.

# %%
campaign_arn = campaign_arns["user-personalization"]
campaign = personalize.describe_campaign(campaignArn=campaign_arn)["campaign"]
serving_version = campaign["solutionVersionArn"]  # to compare after the session
family = set(movies[movies.genres.str.contains("Animation|Children")].movieId.astype(str))


def top10(user):
    response = runtime.get_recommendations(campaignArn=campaign_arn, userId=user, numResults=10)
    return response["recommendationId"], [item["itemId"] for item in response["itemList"]]


def family_share(items):
    return sum(item in family for item in items) / len(items)


history = train_df.groupby("USER_ID").ITEM_ID.apply(set)
no_family = [u for u in history.index if not history[u] & family]
for demo_user in [user_id, *no_family]:
    recommendation_id, before = top10(demo_user)
    if family_share(before) == 0:
        break
print(tr("데모 사용자:", "demo user:"), demo_user)
print(
    tr("상위 10개 중 가족 영화 비율:", "share of family films in the top 10:"),
    f"{family_share(before):.0%}",
)
display.history_table(train_df, demo_user, movies, n=5)

# %% [markdown]
# The table shows the user's five most recent training interactions. None of their ten
# recommendations is a family film (0% above).
#
# ## 3. A session with `PutEvents`
#
# The user now watches the ten most popular family films they have not rated, one minute
# apart. One `PutEvents` call carries up to ten events in `eventList`:
#
# * `trackingId`: the event tracker; `userId`: who acted; `sessionId`: the visit. An anonymous
#   visitor has a `sessionId` but no `userId` yet; once they sign in, Personalize links the
#   session's events to the user.
# * per event: `eventType` (`watch`, as in the training data), `itemId`, `eventValue` (here the
#   rating), `sentAt` (when it happened, a datetime), and `recommendationId` and `impression`:
#   the list the user was shown, so Personalize also learns what they did not pick.
#
# MovieLens ends in 2018, so the session continues the data's own timeline and starts a minute
# after the last training interaction.

# %%
seen = history[demo_user]
popular = train_df.ITEM_ID.value_counts().index
session_items = [i for i in popular if i in family and i not in seen][:10]
start = datetime.datetime.fromtimestamp(int(train_df.TIMESTAMP.max()) + 60, datetime.UTC)
event_list = [
    {
        "eventId": f"{demo_user}-{n}",
        "eventType": "watch",
        "itemId": item,
        "eventValue": 5.0,
        "sentAt": start + datetime.timedelta(minutes=n),
        "recommendationId": recommendation_id,
        "impression": before,
    }
    for n, item in enumerate(session_items)
]
print(json.dumps(event_list[0], indent=1, default=str))
display.recommendation_table(session_items, movies)

# %%
events.put_events(
    trackingId=tracking_id, userId=demo_user, sessionId=f"session-{demo_user}", eventList=event_list
)
print(tr(f"이벤트 {len(event_list)}개를 보냈습니다.", f"{len(event_list)} events sent."))

# %% [markdown]
# ## 4. Recommendations after the session
#
# Same campaign, same user, same solution version: only the events are new.

# %%
_, after = top10(demo_user)
title = movies.assign(movieId=movies.movieId.astype(str)).set_index("movieId").title


def labelled(items):
    return [("★ " if item in family else "") + title[item] for item in items]


pd.DataFrame(
    {tr("세션 이전", "before"): labelled(before), tr("세션 이후", "after"): labelled(after)},
    index=pd.RangeIndex(1, 11, name=tr("순위", "rank")),
)

# %%
changed = len(set(after) - set(before))
print(
    tr("가족 영화(★) 비율, 상위 10개:", "share of family films (★) in the top 10:"),
    f"{family_share(before):.0%} → {family_share(after):.0%}",
)
print(tr("새로 들어온 항목:", "new items in the top 10:"), f"{changed}/10")
campaign = personalize.describe_campaign(campaignArn=campaign_arn)["campaign"]
print(
    tr("세션 전과 같은 솔루션 버전:", "same solution version as before the session:"),
    campaign["solutionVersionArn"] == serving_version,
)

# %% [markdown]
# **What changed.** Before the session the demo user's top 10 held no family film. After ten
# family-film events, family films (★) appear in it: the share printed above rose from 0%, and
# most of the ten items were replaced (the count above). Nothing was retrained: the campaign
# still serves the same solution version. User-Personalization reads the user's latest events
# from the event tracker at each request, and they now weigh more than the older history.
#
# ## 5. Store variables

# %%
# %store event_tracker_arn
