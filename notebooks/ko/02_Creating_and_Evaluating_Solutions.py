# %% [markdown]
# # 02 솔루션 만들기와 평가
#
# ## 순서
# 1. 레시피 고르기 (v2 레시피와 도메인 추천기)
# 2. 솔루션과 솔루션 버전 (동시에 학습)
# 3. 오프라인 지표
# 4. Personalize가 지표를 계산하는 방법, 예제 하나
# 5. 하이퍼파라미터 최적화(HPO)
# 6. 변수 저장

# %% [markdown]
# 이전 노트북에서 저장한 변수를 불러오고, 모두 있는지 확인합니다.

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
# ## 1. 레시피 고르기
#
# 레시피(recipe)는 알고리즘과 그 특성 가공(feature transformation)을 묶은 것입니다. 도메인이 아닌 사용자 지정(custom) 레시피 목록입니다.

# %%
recipes = [
    r
    for page in personalize.get_paginator("list_recipes").paginate()
    for r in page["recipes"]
    if "domain" not in r
]
sorted(r["recipeArn"].rsplit("/", 1)[-1] for r in recipes)

# %% [markdown]
# 사용 사례마다 하나씩, 다섯 개를 학습합니다.
#
# | 이름 | 레시피 | 사용 사례 |
# |---|---|---|
# | `user-personalization-v2` | `aws-user-personalization-v2` | "당신을 위한 추천": AWS 문서가 지금 권장하는 레시피 |
# | `user-personalization` | `aws-user-personalization` | 같은 사용 사례의 이전 버전: v2와 나란히 비교합니다 |
# | `sims` | `aws-sims` | "이 영화와 비슷한 영화": 함께 본 기록(co-occurrence) 기반 |
# | `ranking` | `aws-personalized-ranking` | 주어진 목록(검색 결과, 진열대)을 사용자에 맞게 다시 정렬 |
# | `popularity` | `aws-popularity-count` | 가장 인기 있는 항목: 기준선(baseline) |
#
# **v2와 v1 중 무엇을 쓸까요?** [User-Personalization 레시피 문서](https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-new-item-USER_PERSONALIZATION.html)는 User-Personalization-v2를 권장합니다. v2는 최대 500만 개 항목을 고려하고, 더 빨리 학습하며, 더 관련성 높은 추천을 더 낮은 지연 시간으로 만듭니다. 추천마다 이유(탐색, 프로모션 등)도 알려 줍니다. 새 프로젝트는 v2로 시작하세요. v1은 이미 v1으로 운영 중인 서비스와 비교할 때나, 필요한 기능이 v2 문서의 기능 목록에 없을 때 씁니다. 두 페이지의 "레시피 기능" 목록을 비교해 결정하세요.
#
# **가장 빠른 길: 도메인 추천기.** 스타트업이 가장 빨리 시작하는 방법은 도메인 데이터 세트 그룹(예: `VIDEO_ON_DEMAND`)과 추천기(recommender)입니다. "Top picks for you", "More like X" 같은 사용 사례를 고르면 Personalize가 레시피 선택, 학습, 재학습, 배포를 맡습니다. 이 워크숍은 각 단계를 직접 보기 위해 사용자 지정 레시피를 씁니다.
#
# `performAutoTraining=False`: AWS에서 새 솔루션은 기본적으로 7일마다 다시 학습하고 그만큼 비용이 듭니다. 워크숍에서는 끕니다.

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
# ## 2. 솔루션 버전
#
# 솔루션 버전(solution version)은 학습된 모델 하나입니다. 다섯 개가 **동시에** 학습되고, 진행 상황 하나가 준비된 수를 보여 줍니다. AWS에서는 20–60분쯤 걸립니다. 노트북을 다시 실행하면 ACTIVE이거나 학습 중인 버전을 재사용하므로 학습 비용을 두 번 내지 않습니다.

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
# ## 3. 오프라인 지표
#
# `GetSolutionMetrics`는 Personalize가 학습하면서 계산한 지표를 돌려줍니다. 표의 각 열 이름은 지표 자체의 키에서 만들어집니다(`precision_at_25` → `p@25`).

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
# 지표 읽는 법:
#
# * **커버리지(coverage)**: 추천에 한 번이라도 등장한 항목이 카탈로그에서 차지하는 비율입니다. 모두에게 같은 목록을 보여 주는 popularity는 아주 낮습니다.
# * **MRR@25(mean reciprocal rank)**: 상위 25개 중 첫 번째 정답이 몇 번째에 있는지의 역수를 평균한 값입니다. 첫 정답이 맨 위에 있을수록 1에 가깝습니다.
# * **NDCG@K(normalized discounted cumulative gain)**: 상위 K개 안의 정답에, 아래로 갈수록 작아지는 가중치를 주어 합한 뒤, 가능한 최댓값으로 나눈 값입니다.
# * **정밀도@K(precision@K)**: 상위 K개 중 정답의 비율입니다.
#
# 이 표에서 두 User-Personalization 버전은 모두 NDCG@10과 커버리지에서 popularity보다 높습니다. v1과 v2 중 어느 쪽이 높은지는 이 작은 데이터 세트와 시드에 따라 달라집니다. 문서가 v2를 권하는 이유는 규모, 학습 속도, 지연 시간이므로, 실제 데이터로 직접 비교하세요.
#
# popularity는 넘어야 할 기준선입니다. 개인화 레시피는 이 표에서 popularity보다 나을 때 비용을 들일 가치가 있습니다. sims는 사용자가 아니라 항목 하나에 대한 질문("비슷한 영화")에 답하므로, 사용자 기준 지표로는 조심해서 비교합니다. ranking은 실제로는 주어진 목록만 다시 정렬하므로 역시 조심해서 비교합니다.
#
# 이 지표는 학습된 모델 자체를 평가합니다. 03에서 볼 탐색(exploration)은 캠페인 설정이라 이 숫자에 영향을 주지 않습니다.

# %% [markdown]
# ## 4. Personalize가 지표를 계산하는 방법
#
# Personalize는 *사용자*를 나눕니다. 90%로 모델을 학습하고, 나머지 10% 사용자에 대해서는 각자의 오래된 90% 상호 작용을 입력으로, 최근 10%를 정답으로 씁니다. 모델의 상위 K개 목록을 정답과 비교합니다.
#
# * **정밀도@K** = 상위 K개 중 정답 수 / K
# * **MRR@25** = **첫** 정답 순위의 역수 평균 (정답이 없으면 0)
# * **NDCG@K** = DCG / 이상적 DCG, 여기서 DCG = Σ rel_i / log2(1 + i)이고, 정답이 R개일 때 이상적 목록은 min(R, K)개의 정답을 맨 위에 둡니다.
#
# 공개된 실제 결과에 맞춰 보면, HRNN 기반 레시피(레거시 HRNN 레시피와 Personalized-Ranking v1)는 NDCG를 1위와 2위에 똑같이 가중치 1을 주는 원래 정의(Järvelin–Kekäläinen)로 계산하는 것으로 보입니다. 위 표의 ranking 행도 그렇게 계산했습니다. 근거는 [bench/RESULTS.md](bench/RESULTS.md)에 있습니다.
#
# 예제: 상위 5개 목록에서 2번째와 5번째가 정답이고, 정답은 모두 2개입니다.

# %%
from workshop import metrics

r = [0, 1, 0, 0, 1]
print("reciprocal rank:", metrics.reciprocal_rank(r))  # 1/2
print("precision@5:   ", metrics.precision_at_k(r, 5))  # 2/5
print("NDCG@5:        ", round(metrics.ndcg_at_k(r, n_relevant=2, k=5), 4))

# %% [markdown]
# 손으로 계산하면 NDCG@5 = (1/log2(3) + 1/log2(6)) / (1/log2(2) + 1/log2(3)) = (0.6309 + 0.3869) / 1.6309 = 0.6241로, 위 출력과 같습니다.

# %% [markdown]
# ## 5. 하이퍼파라미터 최적화(HPO)
#
# `performHPO=True`로 만든 솔루션은 버전을 학습할 때 여러 하이퍼파라미터 조합으로 모델을 학습하고 가장 좋은 것을 남깁니다. `hpoConfig`에는 탐색 범위(`algorithmHyperParameterRanges`)와 학습 작업 수(`hpoResourceConfig`)를 줍니다. 목표 지표(`hpoObjective`)는 [API 참조](https://docs.aws.amazon.com/personalize/latest/dg/API_HPOConfig.html)에 따르면 지원되지 않으므로 넣지 않습니다.
#
# HPO는 학습 작업 수만큼 학습 비용이 늘어납니다. 건너뛰려면 `RUN_HPO = False`로 바꾸세요.

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
# HPO 솔루션 버전도 학습되었습니다(ACTIVE). 그 지표를 다른 버전들과 나란히 봅니다. 마지막 행이 HPO 버전입니다. HPO는 학습 사용자 안에서 떼어 낸 검증 데이터로 후보를 고르므로, 고른 모델이 이 표에서 가장 높다는 보장은 없습니다. HPO의 비용이 값어치를 하는지 이 표로 판단하세요.

# %%
with_hpo = dict(solution_metrics)
if hpo_solution_version_arn:
    with_hpo["user-personalization-hpo"] = personalize.get_solution_metrics(
        solutionVersionArn=hpo_solution_version_arn
    )["metrics"]
evaluate.metrics_table(with_hpo)[["coverage", "mrr@25", "ndcg@10", "p@10"]]

# %% [markdown]
# ## 6. 변수 저장

# %%
# %store solution_arns
# %store solution_version_arns
# %store hpo_solution_version_arn
# %store solution_metrics
