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
# # 06 리소스 정리 (Clean up)
#
# 캠페인(campaign)은 호출이 없어도 존재하는 동안 시간 단위로 요금이 부과됩니다. 이 노트북은
# **내가** 만든 워크숍 리소스를 삭제하고, 각 리소스가 완전히 사라질 때까지 기다립니다.
#
# 한 AWS 계정을 여러 참가자가 함께 쓸 수 있습니다. 내가 만든 리소스의 이름은
# `workshop_prefix`(데이터 세트 그룹)이거나 `workshop_prefix + "-"`로 시작하며,
# `workshop_prefix`에는 00 노트북이 정한 나만의 접미사가 들어 있습니다. 이 노트북은 그 이름만
# 삭제하므로, 같은 계정에 있는 다른 참가자의 리소스는 그대로 남습니다.
#
# 리소스는 `%store`만 믿지 않고 목록을 조회해서 찾습니다. 그래서 중간에 멈춘 실행 뒤에도 정리할 수
# 있습니다. 다시 실행해도 안전합니다. 이미 사라진 리소스는 건너뜁니다.
#
# ## 목차
# 1. 내 데이터 세트 그룹 찾기
# 2. 캠페인
# 3. 이벤트 트래커와 필터
# 4. 솔루션
# 5. 데이터 세트, 스키마, 데이터 세트 그룹
# 6. S3 객체와 버킷
# 7. IAM 역할
# 8. 삭제 결과

# %% [markdown]
# 앞 노트북이 `%store`로 저장한 변수를 복원합니다. `%store -r`은 변수가 없어도 오류를 내지
# 않으므로, 다음 셀에서 확인합니다.

# %%
# %store -r

# %%
from workshop.lang import tr

needed = ["bucket", "role_arn", "resources_source", "workshop_prefix"]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(
        tr(
            f"{missing} 변수가 없습니다. 00_Setup.ipynb를 먼저 실행하십시오.",
            f"Missing {missing}: run 00_Setup.ipynb first.",
        )
    )
print(tr("복원한 변수:", "Restored:"), ", ".join(needed))

# %%
import boto3

from workshop import cleanup, discovery, resources

session = boto3.Session()
personalize = session.client("personalize")
s3 = session.client("s3")
POLL = 10  # seconds between status polls (deletions take minutes on AWS; polls are cheap)

# %% [markdown]
# `resources.delete_all(personalize, kind, arns)`는 ARN마다 `delete_<kind>`를 호출하고, 서비스가
# `ResourceNotFoundException`을 응답할 때까지 `describe_<kind>`로 상태를 확인합니다. 아직 생성
# 중인 리소스(또는 가져오기나 훈련이 진행 중인 리소스)는 바로 삭제할 수 없습니다. 이때 서비스는
# `ResourceInUseException`을 응답하고, `delete_all`은 다음 확인 때 삭제를 다시 시도합니다.
# 반환값은 호출 시점에 아직 존재하던 리소스 수입니다.
#
# ## 1. 내 데이터 세트 그룹 찾기
#
# 이름으로 찾으므로 `dataset_group_arn`이 저장되지 않았어도 동작합니다.
# `cleanup.owned_by(workshop_prefix)`는 정확히 내 이름만 골라냅니다.

# %%
mine = cleanup.owned_by(workshop_prefix)


def listed(operation, key, **kwargs):
    return resources.list_all(personalize, operation, key, **kwargs)


groups = [
    g["datasetGroupArn"] for g in listed("list_dataset_groups", "datasetGroups") if mine(g["name"])
]
others = cleanup.others_in_account(personalize, workshop_prefix)
deleted = {}
print(tr("내 접두사:", "my prefix:"), workshop_prefix)
print(tr("내 데이터 세트 그룹:", "my dataset groups:"), len(groups))
print(
    tr(
        "다른 참가자의 데이터 세트 그룹(건드리지 않음):",
        "other attendees' dataset groups (left alone):",
    ),
    len(others),
)

# %% [markdown]
# 삭제하기 전에, 내 작업(job)이 읽거나 쓴 S3 객체를 기록해 둡니다. 가져오기 작업의 CSV 파일과 배치
# 추론 작업(batch inference job)의 입력과 출력입니다. 작업 자체에서 경로를 찾는데, 작업 목록은
# 데이터 세트와 솔루션이 남아 있을 때만 조회할 수 있습니다. 내 워크숍 버킷 안, 워크숍 폴더 아래에
# 있는 키만 남깁니다.

# %%
datasets = [
    d["datasetArn"] for g in groups for d in listed("list_datasets", "datasets", datasetGroupArn=g)
]
solutions = [
    s["solutionArn"]
    for g in groups
    for s in listed("list_solutions", "solutions", datasetGroupArn=g)
]
s3_paths = cleanup.job_locations(personalize, datasets, solutions)
keys = cleanup.keys_in_bucket(s3_paths, bucket, discovery.WORKSHOP_PREFIXES)
keys

# %% [markdown]
# ## 2. 캠페인
#
# 내 그룹에 있는 모든 솔루션의 모든 캠페인입니다. 캠페인이 사용 중인 솔루션은 삭제할 수 없으므로
# 캠페인을 먼저 삭제합니다.

# %%
campaigns = [
    c["campaignArn"]
    for s in solutions
    for c in listed("list_campaigns", "campaigns", solutionArn=s)
]
deleted["campaigns"] = resources.delete_all(personalize, "campaign", campaigns, poll=POLL)

# %% [markdown]
# ## 3. 이벤트 트래커(event tracker)와 필터(filter)

# %%
trackers = [
    t["eventTrackerArn"]
    for g in groups
    for t in listed("list_event_trackers", "eventTrackers", datasetGroupArn=g)
]
filters = [
    f["filterArn"] for g in groups for f in listed("list_filters", "Filters", datasetGroupArn=g)
]
deleted["event trackers"] = resources.delete_all(personalize, "event_tracker", trackers, poll=POLL)
deleted["filters"] = resources.delete_all(personalize, "filter", filters, poll=POLL)

# %% [markdown]
# ## 4. 솔루션(solution)
#
# 인기도와 HPO 솔루션을 포함해 그룹의 모든 솔루션을 삭제합니다. 아직 훈련 중인 솔루션 버전(중간에
# 멈춘 02 노트북 실행)은 먼저 중지합니다. 훈련은 끝날 때까지 요금이 부과되고, 그 전에는 솔루션을
# 삭제할 수 없기 때문입니다. 솔루션을 삭제하면 그 버전도 함께 삭제됩니다. 배치 추론 작업은 삭제할
# 수 없으며, 그 출력은 아래에서 S3 객체와 함께 삭제합니다.

# %%
stopped = resources.stop_training(personalize, solutions)
print(tr("중지한 훈련:", "trainings stopped:"), len(stopped))
deleted["solutions"] = resources.delete_all(personalize, "solution", solutions, poll=POLL)

# %% [markdown]
# ## 5. 데이터 세트(dataset), 스키마(schema), 데이터 세트 그룹(dataset group)
#
# 스키마는 데이터 세트 그룹에 속하지 않으므로 이름으로 찾습니다. 내 스키마의 이름은
# `workshop_prefix + "-"`로 시작합니다.

# %%
deleted["datasets"] = resources.delete_all(personalize, "dataset", datasets, poll=POLL)
schemas = [s["schemaArn"] for s in listed("list_schemas", "schemas") if mine(s["name"])]
deleted["schemas"] = resources.delete_all(personalize, "schema", schemas, poll=POLL)
deleted["dataset groups"] = resources.delete_all(personalize, "dataset_group", groups, poll=POLL)

# %% [markdown]
# ## 6. S3 객체와 버킷
#
# 내 작업이 사용한 객체만, 그리고 워크숍 폴더(`data/`, `batch/`, `export/`) 아래에 있는 것만
# 삭제합니다. 버킷에는 버전 관리가 켜져 있으므로 각 객체의 모든 버전을 삭제합니다. 현재 버전만
# 지우면 데이터가 이전 버전으로 남습니다.
#
# 버킷 자체는 세 조건을 모두 만족할 때만 삭제합니다. 00 노트북이 만든 버킷이어야
# 하고(CloudFormation 스택의 버킷은 스택을 삭제할 때 함께 삭제됩니다), 계정에 다른 참가자의
# 워크숍이 남아 있지 않아야 하며, 워크숍이 넣지 않은 객체가 없어야 합니다. 이때 버킷 정책에서
# Personalize 문(statement)을 `Sid`로 골라 빼고(다른 문은 남깁니다) 버킷을 삭제합니다.

# %%
exists = discovery.bucket_exists(s3, bucket)
deleted["S3 object versions"] = discovery.delete_object_versions(s3, bucket, keys) if keys else 0
deleted["S3 buckets"] = 0
if not exists:
    print(tr("버킷은 이미 삭제되었습니다.", "The bucket was already deleted."))
elif resources_source != "created":
    print(
        tr(
            f"버킷은 {resources_source}의 것이므로 남겨 둡니다.",
            f"The bucket belongs to the {resources_source}: it stays.",
        )
    )
elif others:
    print(
        tr(
            "다른 참가자가 버킷을 사용 중이므로 남겨 둡니다.",
            "Other attendees still use the bucket: it stays.",
        )
    )
else:
    discovery.remove_personalize_statements(s3, bucket)  # other statements stay
    deleted["S3 buckets"] = int(discovery.delete_bucket_if_empty(s3, bucket))
    print(
        tr("버킷을 삭제했습니다.", "Bucket deleted.")
        if deleted["S3 buckets"]
        else tr(
            "워크숍 외의 객체가 있어 버킷을 남겨 둡니다.",
            "The bucket holds other objects: it stays.",
        )
    )

# %% [markdown]
# ## 7. IAM 역할
#
# 역할도 버킷과 같은 조건에서만 삭제합니다. 00 노트북이 만든 역할이어야 하고(스택의 역할이
# 아니어야 하고), 다른 참가자의 워크숍이 더 이상 필요로 하지 않아야 합니다. 인라인 정책을 먼저
# 삭제한 뒤 역할을 삭제합니다.

# %%
iam = session.client("iam")
role_name = role_arn.rsplit("/", 1)[-1]
deleted["IAM roles"] = 0
if resources_source == "created" and not others:
    try:
        for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)
        iam.delete_role(RoleName=role_name)
        deleted["IAM roles"] = 1
    except iam.exceptions.NoSuchEntityException:
        pass  # deleted by an earlier run
print(
    tr("역할:", "role:"),
    role_name,
    "-",
    tr("삭제함", "deleted") if deleted["IAM roles"] else tr("남겨 둠", "kept"),
)

# %% [markdown]
# ## 8. 삭제 결과
#
# 두 번째로 실행하면 모든 수가 0입니다. 더 삭제할 내 리소스가 없다는 뜻입니다.

# %%
import pandas as pd

LABELS = {
    "campaigns": tr("캠페인", "campaigns"),
    "event trackers": tr("이벤트 트래커", "event trackers"),
    "filters": tr("필터", "filters"),
    "solutions": tr("솔루션", "solutions"),
    "datasets": tr("데이터 세트", "datasets"),
    "schemas": tr("스키마", "schemas"),
    "dataset groups": tr("데이터 세트 그룹", "dataset groups"),
    "S3 object versions": tr("S3 객체 버전", "S3 object versions"),
    "S3 buckets": tr("S3 버킷", "S3 buckets"),
    "IAM roles": tr("IAM 역할", "IAM roles"),
}
pd.Series({LABELS[k]: v for k, v in deleted.items()}, name=tr("삭제 수", "deleted")).to_frame()

# %%
left = [g["name"] for g in listed("list_dataset_groups", "datasetGroups") if mine(g["name"])]
print(tr("남은 내 데이터 세트 그룹:", "my dataset groups left:"), len(left))
print(
    tr("다른 참가자의 데이터 세트 그룹:", "other attendees' dataset groups:"),
    len(cleanup.others_in_account(personalize, workshop_prefix)),
)
