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
# # 05 보류 데이터로 평가하기
#
# GetSolutionMetrics(02 노트북)는 Personalize가 직접 떼어 둔 사용자로 솔루션 버전을 평가합니다.
# 여기서는 애플리케이션이 실제로 만나는 방식, 즉 런타임 API로 모든 캠페인을 평가합니다. 데이터는
# 어떤 모델도 보지 못한 것입니다. 01 노트북은 사용자마다 가장 최근 상호 작용 10%를 떼어
# 두었고(**보류 데이터**, holdout), 일부 영화는 훈련에서 아예 제외했습니다(**콜드 항목**, cold
# items).
#
# ## 목차
# 1. 지표
# 2. 보류 데이터로 모든 캠페인 평가하기
# 3. 이미 본 항목 제외하기
# 4. 콜드 스타트와 탐색
# 5. 내부 지표와 오프라인 지표
# 6. 변수 저장

# %% [markdown]
# 앞 노트북이 `%store`로 저장한 변수를 복원합니다. `%store -r`은 변수가 없어도 오류를 내지
# 않으므로, 다음 셀에서 확인합니다.

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
# ## 1. 지표 (metrics)
#
# 사용자마다 추천 K = 25개를 받습니다. 그 사용자의 보류 항목이 **정답(relevant)**입니다. 모든
# 지표는 사용자별로 계산한 뒤 사용자 평균을 냅니다.
#
# * `hr@K`, **적중률(hit rate)**: 상위 K개에 정답이 하나라도 있으면 1, 없으면 0입니다. 평균하면 한
#   번이라도 맞힌 사용자의 비율입니다.
# * `p@K`, **정밀도(precision@K)**: 상위 K개 중 정답 수를 K로 나눈 값입니다.
# * `mrr@25`, **평균 역순위(mean reciprocal rank)**: *첫* 정답 순위의 역수입니다(없으면 0). 1위면
#   1, 2위면 0.5입니다.
# * `ndcg@K`, **NDCG(normalized discounted cumulative gain)**: 정답마다 1 / log2(1 + 순위)로
#   가중한 합을, 그 사용자가 얻을 수 있는 최고 점수로 나눈 값입니다. 상위 자리가 모두 정답이면
#   1입니다.
# * `coverage`, **커버리지**: 사용자별 값이 아닙니다. 한 번이라도 추천된 항목이 전체 카탈로그에서
#   차지하는 비율입니다.
#
# 정의는 GetSolutionMetrics와 같고, 적중률만 더했습니다. `workshop.metrics`가 NumPy로 구현합니다.
# 참고: https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html
#
# 계산 예시입니다.

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
# ## 2. 보류 데이터로 모든 캠페인 평가하기
#
# * 정답: 사용자마다 보류한 항목입니다.
# * SIMS는 "이 항목과 비슷한 항목"을 답하므로, 사용자의 **마지막 훈련 항목**으로 질의합니다.
# * Personalized-Ranking은 받은 목록의 순서만 바꿉니다. 그래서 사용자마다 후보 100개(보류 항목과
#   무작위 항목)를 순위화합니다. 이 숫자는 훨씬 높게 나오며, 전체 카탈로그에서 추천하는 다른 행과
#   **비교할 수 없습니다**.
# * 기준선(baseline): 모든 사용자에게 훈련 데이터에서 가장 인기 있는 25개, 또는 무작위 25개(시드
#   고정)를 추천합니다. 모델은 기준선을 이길 때만 쓸모가 있습니다.

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
# 행별로 읽는 법입니다.
#
# * **user-personalization**과 **user-personalization-v2**는 인기도 기준선보다 훨씬 많은 사용자에게
#   상위 25개 안에서 보류 영화를 하나 이상 찾아 줍니다(`hr@25`). "인기 있는 것" 이상을 학습했다는
#   뜻입니다.
# * 두 버전을 비교하면, 이 작은 데이터에서는 v1이 정확도(`hr@25`, `mrr@25`)에서 조금 앞서고 v2가
#   카탈로그의 더 많은 부분을 추천합니다(`coverage`). v2는 더 빨리 훈련하고 항목 500만 개까지
#   다루므로 AWS가 새 프로젝트에 권장하는 레시피입니다. 차이는 데이터마다 다르니, 자신의 데이터로
#   이 표를 만들어 보고 고르십시오.
# * **popularity**(캠페인)와 **기준선: 인기**(여기서 훈련 데이터로 계산)는 같은 것, 즉 항목별
#   사용자 수를 셉니다. 그래서 두 행이 거의 같습니다. 런타임 API와 우리 지표 계산이 서로 맞는다는
#   확인이기도 합니다.
# * 모든 캠페인이 **기준선: 무작위**보다 훨씬 높습니다. 영화가 수천 편이라 무작위 목록은 거의
#   맞히지 못합니다. 무작위의 장점은 높은 `coverage`뿐이고, 모두에게 같은 25개를 주는 인기도는
#   coverage가 매우 낮습니다.
# * **ranking**은 비교할 수 없습니다(후보 100개, 위 참고).

# %% [markdown]
# ## 3. 이미 본 항목 제외하기
#
# 캠페인은 사용자가 이미 평가한 영화를 추천할 수 있고, 그런 영화는 보류 데이터의 정답이 될 수
# 없습니다. 애플리케이션이라면 필터로 숨길 것입니다(03 노트북의 `unwatched`). 여기서는 더 많이
# 요청한 뒤 이미 본 항목을 빼고 25개를 남깁니다.

# %%
dedup_table = evaluate_all(exclude=seen)
dedup_table

# %%
title = tr("보류 데이터, 이미 본 항목 제외", "Holdout, already-seen items removed")
display.plot_metrics(dedup_table, ["coverage", "mrr@25", "ndcg@25", "p@10", "hr@25"], title=title)

# %% [markdown]
# SIMS와 인기도가 가장 많이 오릅니다(위 표의 `hr@25`와 비교해 보십시오). 이들의 목록에는 사용자가
# 이미 평가한 영화가 들어 있었습니다. 애플리케이션에 주는 교훈은 간단합니다. 사용자가 이미 소비한
# 항목은 필터로 제외하십시오.

# %% [markdown]
# ## 4. 콜드 스타트(cold start)와 탐색(exploration)
#
# 콜드 항목은 01 노트북이 훈련에서 제외한 영화입니다. 어떤 모델도 이 영화의 상호 작용을 보지
# 못했지만, 항목 데이터 세트(Items dataset)에는 들어 있습니다. 이 영화를 추천할 수 있는 것은
# User-Personalization뿐이며, **탐색** 덕분입니다. 탐색은 캠페인 설정입니다. 03 노트북에서
# `explorationWeight`를 0.3으로 정했고, `explorationItemAgeCutOff`가 탐색 대상을 최근 항목으로
# 제한합니다. 탐색은 캠페인이 응답할 때 작동하며, GetSolutionMetrics에는 전혀 영향을 주지
# 않습니다.
#
# 먼저 캠페인의 상위 25개 중 탐색이 넣은 항목이 얼마나 되는지 봅니다.

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
# 2절에서 이 콜드 항목은 모두 오답일 수밖에 없었습니다(보류 데이터에는 훈련된 항목만 있습니다).
# 그래서 탐색은 캠페인의 보류 데이터 점수를 낮춥니다. 그 대가는 여기서 돌아옵니다. 이번 정답은
# 사용자마다 콜드 영화와의 상호 작용입니다. 캠페인 상위 500개 중 콜드 항목만 남겨, 콜드 영화
# 25편을 무작위로 고른 것과 비교합니다.

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
# User-Personalization의 콜드 추천은 `hr@25`에서 무작위 콜드 추천을 이깁니다. 훈련 상호 작용이
# 하나도 없어도, 메타데이터(장르, 연도)와 사용자의 시청 기록을 바탕으로 새 영화를 볼 가능성이 더
# 높은 사용자에게 보여 줍니다.

# %% [markdown]
# ## 5. 내부 지표와 오프라인 지표
#
# 같은 이름의 지표를 나란히 놓습니다. 02 노트북의 GetSolutionMetrics("내부")와 이 노트북의 이미 본
# 항목을 뺀 보류 데이터 평가("오프라인")입니다.

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
# 두 평가는 같은 것을 재지 않으므로 숫자가 다르고, 레시피 순서가 열마다 다를 수도 있습니다.
#
# * **정답이 다릅니다.** GetSolutionMetrics는 사용자 10%를 빼고 훈련한 뒤, 그 사용자들 기록의 가장
#   최근 부분을 예측합니다. 우리 보류 데이터는 모든 사용자의 최근 10%이고, 모델은 모든 사용자의
#   이전 상호 작용으로 훈련했습니다.
# * **이미 본 항목.** 여기서는 이미 평가한 영화를 목록에서 뺐습니다. 내부 평가는 이 필터를
#   모릅니다.
# * **탐색.** 내부 지표는 모델을, 오프라인 지표는 캠페인을 평가합니다. 캠페인의
#   user-personalization 목록에는 탐색이 넣은 콜드 항목이 들어 있습니다(4절).
# * **ranking**은 여기서 전체 카탈로그가 아니라 후보 100개로 평가했습니다.
#
# 같은 데이터로 훈련한 솔루션 버전끼리 비교할 때는 GetSolutionMetrics를, 애플리케이션이 실제로
# 받을 결과를 확인할 때는 이런 오프라인 보류 평가를 쓰십시오. 최종 판단은 실제 트래픽에서 하는 A/B
# 테스트의 몫입니다.

# %% [markdown]
# ## 6. 변수 저장

# %%
# %store holdout_table
# %store dedup_table
# %store cold_table
