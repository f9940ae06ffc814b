# %% [markdown]
# # 03 캠페인 배포와 추천 받기
#
# ## 순서
# 1. 캠페인과 탐색
# 2. 용량 계획과 참가자당 비용 추정
# 3. 사용자 추천, 비슷한 항목, 개인화 순위
# 4. 탐색으로 추천되는 콜드 항목
# 5. 필터
# 6. 배치 추론
# 7. 실시간과 배치 중 무엇을 쓸까
# 8. 변수 저장
#
# 문제가 생기면 01의 "문제 해결" 절을 보세요.

# %% [markdown]
# 이전 노트북에서 저장한 변수를 불러오고, 모두 있는지 확인합니다.

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
# ## 1. 캠페인과 탐색
#
# 캠페인(campaign)은 솔루션 버전 하나를 실시간으로 제공합니다. 솔루션 버전마다 캠페인을 하나씩 만듭니다.
#
# **탐색(exploration)은 캠페인 설정입니다.** User-Personalization 계열(v1, v2)의 캠페인은 `campaignConfig.itemExplorationConfig`로 추천 목록의 일부를 상호 작용이 거의 없는 새 항목에 씁니다. `explorationWeight`(0–1)는 얼마나 탐색할지, `explorationItemAgeCutOff`는 마지막 상호 작용 기준 며칠 안에 생긴 항목을 탐색 대상으로 볼지 정합니다. 같은 솔루션 버전이라도 캠페인마다 다르게 설정할 수 있고, 02의 오프라인 지표에는 영향을 주지 않습니다.

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
# ## 2. 용량 계획과 참가자당 비용 추정
#
# * `minProvisionedTPS`는 항상 비용을 내는 처리량(초당 트랜잭션 수)입니다. 트래픽이 그보다 많으면 캠페인이 **자동으로 확장**되고, 제공한 TPS와 실제 TPS 중 큰 쪽에 대해 비용을 냅니다. 1로 시작하고, CloudWatch 지표를 보며 필요할 때만 올리세요.
# * 캠페인은 트래픽이 없어도 존재하는 동안 비용이 듭니다. 06이 모두 삭제합니다.
#
# [요금 페이지](https://aws.amazon.com/personalize/pricing/)는 사용자 지정 레시피의 비용을 **학습 시간**(training hour), 실시간 추천의 **TPS-시간**(TPS-hour: 1 TPS를 한 시간), **배치 추천 수**로 나눕니다. 아래 셀은 이 구조로 참가자 한 명의 워크숍 비용을 **추정**합니다. 단가는 예시 값이므로, 계획하기 전에 요금 페이지에서 사용하는 리전의 현재 단가로 바꾸세요. 학습 시간은 데이터 크기에 따라 달라지므로 역시 가정값입니다.

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
# ## 3. 추천 받기
#
# 기록이 평균 정도인 사용자를 골라 최근에 본 영화를 봅니다.

# %%
per_user = train_df.USER_ID.value_counts()
user_id = str(per_user.index[len(per_user) // 2])
print(
    tr("사용자", "user"), user_id, tr("학습 상호 작용", "training interactions"), per_user[user_id]
)
display.history_table(train_df, user_id, movies, n=5)

# %% [markdown]
# **User-Personalization-v2**: `userId`로 `get_recommendations`를 부릅니다.

# %%
response = runtime.get_recommendations(
    campaignArn=campaign_arns["user-personalization-v2"], userId=user_id, numResults=10
)
display.response_table(response, movies)

# %% [markdown]
# **SIMS**: `itemId`로 비슷한 항목을 받습니다. SIMS는 함께 본 기록으로 비슷함을 배우므로, 상호 작용이 너무 적은 항목에는 인기 항목으로 목록을 채웁니다. 그래서 이 사용자가 최근 본 영화 중 학습 상호 작용이 50개 이상인 영화를 기준으로 고릅니다(괄호 안의 수). 결과는 그 영화를 본 사람들이 함께 본 영화들입니다.

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
# **개인화 순위(Personalized-Ranking)**: 가장 인기 있는 영화 100편 중 10편(시드로 고정)을 이 사용자에 맞게 다시 정렬합니다.

# %%
import numpy as np

popular = item_counts.index[:100]
candidates = [str(i) for i in np.random.default_rng(7).choice(popular, 10, replace=False)]
response = runtime.get_personalized_ranking(
    campaignArn=campaign_arns["ranking"], userId=user_id, inputList=candidates
)
display.response_table(response, movies)

# %% [markdown]
# ## 4. 탐색으로 추천되는 콜드 항목
#
# 콜드 항목은 학습 상호 작용이 전혀 없습니다. 항목 데이터 세트가 이들을 새 항목(`CREATION_TIMESTAMP`)으로 표시하므로, 탐색을 켠 User-Personalization 캠페인은 목록 일부를 이들로 채울 수 있습니다. SIMS와 popularity는 상호 작용이 있는 항목만 압니다. 각 캠페인의 상위 50개 중 콜드 항목 수를 셉니다.

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
# 위 출력에서 두 User-Personalization 캠페인은 상위 50개 중 일부를 콜드 항목에 주지만 절반은 넘지 않습니다. 나머지는 사용자의 기록에 맞춘 추천입니다. SIMS와 popularity의 목록에는 콜드 항목이 하나도 없습니다. 탐색을 켠 캠페인만 새 항목을 사용자 앞에 내놓을 수 있습니다. 아래는 v1 캠페인이 이 사용자에게 보여 준 콜드 항목입니다.

# %%
response = runtime.get_recommendations(
    campaignArn=campaign_arns["user-personalization"], userId=user_id, numResults=50
)
cold_recs = [i["itemId"] for i in response["itemList"] if i["itemId"] in cold]
display.recommendation_table(cold_recs[:5], movies)

# %% [markdown]
# **v2는 추천한 이유도 알려 줍니다.** User-Personalization-v2 응답의 항목에는 `reason`이 붙을 수 있습니다. 탐색으로 들어온 항목은 `Exploration`, 프로모션 항목은 `Promoted item`, 필터가 목록을 비워 채워 넣은 인기 항목은 `Popular item`입니다([PredictedItem](https://docs.aws.amazon.com/personalize/latest/dg/API_RS_PredictedItem.html)). v2 캠페인의 상위 50개에서 이유가 붙은 항목만 봅니다.

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
# 위 출력에서 이유가 붙은 항목은 모두 탐색(`Exploration`)으로 들어온 항목입니다. 콜드 항목(위의 개수)이 그중에 있고, 나머지도 탐색 대상이 될 만큼 새로운 항목, 즉 상호 작용 데이터에 처음 나타난 지 `explorationItemAgeCutOff`(기본 30일)가 지나지 않은 항목입니다. 이 요청에는 프로모션도 필터도 없으므로 다른 이유는 없습니다. `explorationWeight`(기본 0.3)는 목록에서 탐색 항목이 차지하는 비율이 아닙니다. 문서는 이 값을 "얼마나 탐색할지"로 설명하며, 1에 가까울수록 더 많이 탐색합니다.

# %% [markdown]
# ## 5. 필터
#
# 필터(filter)는 다시 학습하지 않고 요청할 때 비즈니스 규칙을 적용합니다.
#
# | 필터 | 표현식 |
# |---|---|
# | drama | 드라마만 (정적 메타데이터 필터) |
# | unwatched | 사용자가 이미 `watch`한 항목 제외 (상호 작용 필터) |
# | genre | **동적** 필터: 장르를 요청마다 `$GENRE` 파라미터로 받음 |
# | 1990s | 1990년대 영화만 (숫자 메타데이터 필터) |

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
# 같은 사용자의 상위 8개를 필터별로 봅니다(동적 필터는 다큐멘터리를 요청). `unwatched` 열이 필터 없는 열과 같다면 모델이 이미 본 영화를 피한 것이고, 필터는 그것을 보장으로 바꿉니다.


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
# ## 6. 배치 추론
#
# 많은 사용자의 추천을 한꺼번에 만들 때는 배치 추론 작업(batch inference job)을 씁니다. S3에 있는 `{"userId": …}` JSON Lines 파일을 읽어, 출력 경로에 `<파일 이름>.out`을 씁니다. 입력에는 데이터의 실제 사용자 ID를 씁니다.

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
# 출력은 입력 한 줄마다 JSON 한 줄입니다. 제목 표로 보여 줍니다.

# %%
body = s3.get_object(Bucket=bucket, Key=f"{output_prefix}users.json.out")["Body"].read()
lines = [json.loads(line) for line in body.decode().splitlines() if line]
batch_df = pd.DataFrame(
    {line["input"]["userId"]: line["output"]["recommendedItems"] for line in lines}
)
print(len(lines), "lines,", sum(line["error"] is not None for line in lines), "errors")
display.side_by_side({f"user {u}": batch_df[u] for u in batch_df.columns[:4]}, movies).head(5)

# %% [markdown]
# ## 7. 실시간과 배치 중 무엇을 쓸까
#
# | | 실시간 (캠페인) | 배치 추론 작업 |
# |---|---|---|
# | 지연 시간 | 요청당 밀리초 | 작업당 몇 분에서 몇 시간 |
# | 새 이벤트 반영 | 즉시 (04) | 아니요: 한 시점의 결과 |
# | 비용 | TPS-시간, 캠페인이 있는 동안 | 작업당, 상시 비용 없음 |
# | 알맞은 곳 | 앱과 웹사이트 | 이메일, 미리 계산한 진열대, 분석 |

# %% [markdown]
# ## 8. 변수 저장

# %%
before_recs = recs()  # the User-Personalization list that notebook 04 compares with
# %store campaign_arns
# %store filter_arns
# %store batch_job_arn
# %store user_id
# %store before_recs
