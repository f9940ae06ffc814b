# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 이벤트 트래커와 실시간 상호 작용
#
# 어젯밤에 훈련한 모델은 사용자가 지금 무엇을 하는지 모릅니다. **이벤트 트래커(event tracker)**가
# 이 문제를 해결합니다. 애플리케이션이 클릭이나 시청을 `PutEvents`로 보내면, User-Personalization
# 캠페인은 다음 `GetRecommendations` 호출부터 새 이벤트를 반영합니다. 재훈련은 필요 없습니다.
#
# 이 노트북에서는 추천 목록에 가족 영화(애니메이션 또는 어린이 장르)가 하나도 없는 사용자를
# 고르고, 그 사용자의 가족 영화 시청 이벤트를 짧게 연달아 보낸 뒤, 상위 10개 추천이 얼마나
# 바뀌는지 측정합니다.
#
# ## 목차
# 1. 이벤트 트래커 만들기
# 2. 데모 사용자 고르기
# 3. `PutEvents`로 세션 보내기
# 4. 세션 이후의 추천과 측정
# 5. 변수 저장

# %% [markdown]
# 앞 노트북이 `%store`로 저장한 변수를 복원합니다. `%store -r`은 변수가 없어도 오류를 내지
# 않으므로, 다음 셀에서 확인합니다.

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
# ## 1. 이벤트 트래커 만들기
#
# 데이터 세트 그룹 하나에는 이벤트 트래커를 하나만 만들 수 있습니다. 모든 `PutEvents` 호출에는
# 트래커의 `trackingId`가 들어갑니다. 트래커가 받은 이벤트는 그룹의 항목 상호 작용 데이터
# 세트(Interactions dataset)에도 추가되므로, 다음 훈련에 포함됩니다.

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
# ## 2. 데모 사용자 고르기
#
# 효과가 분명히 보이려면, 처음 목록에 가족 영화(장르에 Animation이나 Children이 들어 있는 영화)가
# **하나도** 없어야 합니다. 03 노트북의 사용자부터 시작해, 가족 영화를 평가한 적이 없는 사용자들을
# 차례로 확인하면서 상위 10개에 가족 영화가 없는 사용자를 고릅니다.

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
# 표는 이 사용자의 최근 훈련 상호 작용 다섯 개입니다. 이 사용자의 추천 10개에는 가족 영화가 하나도
# 없습니다(위의 0%).
#
# ## 3. `PutEvents`로 세션 보내기
#
# 이제 이 사용자가 아직 평가하지 않은 가족 영화 중 가장 인기 있는 10편을 1분 간격으로 시청합니다.
# `PutEvents` 호출 한 번에 `eventList`로 이벤트를 최대 10개까지 보낼 수 있습니다.
#
# * `trackingId`: 이벤트 트래커, `userId`: 행동한 사용자, `sessionId`: 방문 단위입니다. 익명
#   방문자는 `userId` 없이 `sessionId`만 있습니다. 로그인하면 Personalize가 그 세션의 이벤트를
#   사용자와 연결합니다.
# * 이벤트마다: `eventType`(훈련 데이터와 같은 `watch`), `itemId`, `eventValue`(여기서는 평점),
#   `sentAt`(일어난 시각, datetime), 그리고 `recommendationId`와 `impression`입니다. 마지막 두
#   필드는 사용자가 본 추천 목록을 알려 주므로, Personalize는 사용자가 고르지 않은 항목도
#   학습합니다.
#
# MovieLens 데이터는 2018년에 끝나므로, 세션은 데이터의 시간선을 이어서 마지막 훈련 상호 작용 1분
# 뒤에 시작합니다.

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
# ## 4. 세션 이후의 추천
#
# 같은 캠페인, 같은 사용자, 같은 솔루션 버전입니다. 새로 생긴 것은 이벤트뿐입니다.

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
# **무엇이 바뀌었나.** 세션 전에는 데모 사용자의 상위 10개에 가족 영화가 하나도 없었습니다. 가족
# 영화 이벤트 10개를 보낸 뒤에는 가족 영화(★)가 목록에 들어왔습니다. 위에 출력한 비율이 0%에서
# 올라갔고, 10개 항목 중 과반이 바뀌었습니다(위의 개수). 재훈련은 하지 않았습니다. 캠페인은 여전히
# 같은 솔루션 버전을 사용합니다. User-Personalization은 요청할 때마다 이벤트 트래커에서 사용자의
# 최신 이벤트를 읽고, 이제는 그 이벤트가 예전 기록보다 더 큰 영향을 줍니다.
#
# ## 5. 변수 저장

# %%
# %store event_tracker_arn
