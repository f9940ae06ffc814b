# %% [markdown]
# # 01 상호 작용 데이터 검증과 가져오기
#
# ## 순서
# 1. MovieLens 불러오기 (체크섬 검증)
# 2. 탐색: 평점, 사용자, 항목, 시간
# 3. Personalize 형식의 상호 작용과 항목
# 4. 콜드 스타트 항목과 평가용 보류 데이터
# 5. S3에 올리기
# 6. 스키마, 데이터 세트 그룹, 데이터 세트
# 7. 버킷 정책
# 8. 가져오기 작업
# 9. 문제 해결
# 10. 변수 저장
#
# Personalize는 사용자 25명 이상, 사용자마다 상호 작용 2개 이상, 모두 1,000개 이상의 상호 작용이 있어야 학습합니다. ml-latest-small에는 사용자 610명의 평점 100,836개가 있어 이 워크숍의 모든 레시피에 충분합니다.

# %% [markdown]
# 00에서 `%store`로 저장한 변수를 불러오고, 모두 있는지 확인합니다. `%store -r`은 빠진 변수가 있어도 알려 주지 않기 때문입니다.

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
# ## 1. MovieLens 불러오기
#
# `workshop.data.movielens_dir()`는 처음 쓸 때 GroupLens에서 ml-latest-small을 내려받거나, 환경 변수 `MOVIELENS_DIR`가 가리키는 폴더를 읽습니다. 모든 파일을 고정된 SHA-256 값과 비교하므로 모든 참가자가 똑같은 데이터로 실습합니다.

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
# ## 2. 탐색
#
# 평점은 0.5부터 5까지 0.5 단위입니다. 이 워크숍에서는 4 이상을 `watch`(좋아서 끝까지 봄), 그보다 낮은 평점을 `click`(시도해 봄)으로 부릅니다.

# %%
display.plot_rating_distribution(ratings)

# %% [markdown]
# 사용자마다 활동량이 크게 다릅니다. 대부분은 수십 편에 평점을 남겼고, 몇몇은 수천 편에 남겼습니다. Personalize는 활동이 많은 사용자에 대해 가장 많이 배웁니다.

# %%
interactions = data.interactions(ratings)
display.plot_interactions_per_user(interactions)

# %% [markdown]
# 인기도에는 긴 꼬리(long tail)가 있습니다. 적은 수의 영화가 평점 대부분을 받습니다. 머리 부분만 보여 주는 추천기는 커버리지(coverage)가 낮습니다. 02와 05에서 이를 측정합니다.

# %%
display.plot_item_popularity(interactions)

# %% [markdown]
# 평점이 남겨진 시기입니다. 2018년 9월까지 이어지므로, 가장 늦게 처음 평가된 영화가 이 카탈로그의 "새 영화"입니다.

# %%
display.plot_activity_over_time(interactions)

# %% [markdown]
# ## 3. 상호 작용과 항목
#
# 상호 작용 데이터 세트(Interactions dataset)는 평점 하나에 한 행입니다: `USER_ID`, `ITEM_ID`, `EVENT_TYPE`(`watch`/`click`), `EVENT_VALUE`(평점), `TIMESTAMP`.

# %%
interactions.head()

# %%
interactions.EVENT_TYPE.value_counts()

# %% [markdown]
# ## 4. 콜드 스타트 항목과 평가용 보류 데이터
#
# * **콜드 스타트 항목(cold item).** 실제 서비스에서 상호 작용이 없는 항목은 대개 새로 들어온 항목입니다. 그래서 처음 평가된 시점이 가장 늦은 영화 10%를 학습 상호 작용에서 뺍니다. 이 영화들은 항목 데이터 세트에는 들어가므로 Personalize는 존재를 압니다. 03과 05에서 Personalize가 이 영화들을 추천할 수 있는지 봅니다.
# * **보류 데이터(holdout).** 나머지 상호 작용에서 사용자마다 가장 최근 10%를 05의 평가용으로 떼어 둡니다. Personalize는 이 데이터를 보지 않습니다.

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
# 출력에서 보듯 콜드 항목은 972편이며, 모두 2017-08-08 이후 처음 평가된 영화입니다. *토이 스토리*처럼 처음부터 평가된 고전은 학습 데이터에 그대로 남습니다.
#
# 항목 데이터 세트(Items dataset): `GENRES`는 범주형(categorical) 필드입니다(`Action|Comedy`는 둘 다를 뜻함). `YEAR`는 제목에서 가져오고, `CREATION_TIMESTAMP`는 학습 데이터에서 영화의 첫 상호 작용 시각입니다. 콜드 항목은 학습 데이터의 마지막 시각으로 정해지므로, Personalize에게는 *새* 항목입니다.

# %%
items_df = data.items(movies, train_df, item_ids=interactions.ITEM_ID.unique())
items_df.head()

# %% [markdown]
# ## 5. S3에 올리기
#
# 파일은 Personalize 역할이 읽을 수 있는 `data/` 아래, 참가자별 폴더에 올립니다. 같은 버킷을 쓰는 다른 참가자의 파일을 덮어쓰지 않기 위해서입니다.

# %%
interactions_key = f"data/{attendee}/interactions.csv"
items_key = f"data/{attendee}/items.csv"
for key, frame in ((interactions_key, train_df), (items_key, items_df)):
    s3.put_object(Bucket=bucket, Key=key, Body=frame.to_csv(index=False).encode())
    print(f"{key}: {len(frame):,} rows")

# %% [markdown]
# ## 6. 스키마, 데이터 세트 그룹, 데이터 세트
#
# 스키마(schema)는 Avro 레코드입니다. `GENRES`가 `categorical`이므로 필터와 모델은 `|`로 나뉜 값을 각각 하나의 범주로 다룹니다.
#
# **노트북을 다시 실행할 때.** 이름은 계정과 리전 안에서 고유하므로, 같은 이름으로 `create_schema`를 두 번 부르면 `ResourceAlreadyExistsException`이 납니다. 그래서 이 워크숍의 모든 `create_*` 호출은 `workshop.resources`의 `create_or_reuse`를 거칩니다. 같은 이름의 리소스가 이미 있으면 그 ARN을 돌려줍니다(이름이 없는 솔루션 버전은 ACTIVE이거나 학습 중이면 재사용합니다). 설정은 비교하지 않으므로, 다른 데이터나 설정으로 처음부터 하려면 먼저 `06_Clean_Up_Resources`를 실행하세요.

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
# 데이터 세트 그룹은 데이터 세트와, 그 데이터로 학습한 모든 것을 담습니다.

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
# ## 7. 버킷 정책
#
# Personalize는 서비스 보안 주체 `personalize.amazonaws.com`으로 S3를 읽습니다. 아래 정책은 버킷의 기존 정책에 문 `Sid` 단위로 **병합**됩니다. 다른 문은 그대로 남고, 두 번 실행해도 달라지지 않으며, 06이 정확히 이 문들만 다시 제거합니다. 각 문은 `aws:SourceAccount`로 이 계정에만 허용됩니다.

# %%
from workshop import discovery

policy = discovery.add_personalize_statements(s3, bucket, account_id)
[(s.get("Sid"), s["Effect"], s["Action"]) for s in policy["Statement"]]

# %% [markdown]
# ## 8. 가져오기 작업
#
# 데이터 세트마다 가져오기 작업(dataset import job)을 하나씩 만들고, 각 작업은 **자기** ARN을 가집니다. 두 작업은 동시에 실행되며 진행 상황을 한 화면에 보여 줍니다.

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
# ## 9. 문제 해결
#
# 작업이 `CREATE FAILED`가 되면 먼저 `describe_*` 응답의 `failureReason`을 읽으세요. 원인이 거기 적혀 있습니다. 이 워크숍에서 자주 만나는 경우는 다음과 같습니다. 03과 06에서도 이 표를 참고합니다.
#
# | 증상 | 원인과 해결 |
# |---|---|
# | 가져오기 작업이 `Access Denied`로 실패 | 버킷 정책에 `personalize.amazonaws.com` 문이 없거나(7절을 다시 실행), 역할(`role_arn`)의 정책이 `data/` 접두사를 읽지 못합니다. |
# | 그 밖의 `CREATE FAILED` | `failureReason`에 적힌 대로 고칩니다. 예: CSV 열이 스키마와 다름, 상호 작용 수 부족 |
# | 삭제 중 `ResourceInUseException` | 그 리소스를 쓰는 것이 아직 있거나 만드는 중입니다. 캠페인 → 필터·트래커 → 솔루션 → 데이터 세트 → 그룹 순으로, 잠시 뒤 다시 삭제합니다(06이 그렇게 합니다). |
# | `ParamValidationError: Unknown parameter` | boto3가 오래되었습니다. `%pip install -U boto3` 후 커널을 다시 시작합니다(00의 버전 확인). |

# %%
{kind: job["datasetImportJob"].get("failureReason", "-") for kind, job in jobs.items()}

# %% [markdown]
# ## 10. 변수 저장

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
