# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 Clean up resources
#
# Campaigns are billed for every hour they exist, whether anyone calls them or not. This
# notebook deletes **your** workshop resources and waits until each one is gone.
#
# Several attendees may share one AWS account. Every resource you created is named
# `workshop_prefix` (your dataset group) or starts with `workshop_prefix + "-"`, and
# `workshop_prefix` carries your own suffix from notebook 00. The notebook deletes only those
# names, so another attendee's resources in the same account stay untouched.
#
# It finds the resources by listing them, not only from `%store`, so it also cleans up after a
# partial run. Running it again is harmless: what is already gone is skipped.
#
# ## Outline
# 1. Find your dataset group
# 2. Campaigns
# 3. Event trackers and filters
# 4. Solutions
# 5. Datasets, schemas and the dataset group
# 6. S3 objects and the bucket
# 7. IAM role
# 8. What was deleted

# %% [markdown]
# Restore the variables that earlier notebooks stored with `%store`. `%store -r` does not
# complain when a variable is missing, so the next cell checks.

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
# `resources.delete_all(personalize, kind, arns)` calls `delete_<kind>` for each ARN, then
# polls `describe_<kind>` until the service answers `ResourceNotFoundException`. A resource
# that is still being created (or holds an import or a training in progress) cannot be deleted
# yet: the service answers `ResourceInUseException`, and `delete_all` simply tries again at the
# next poll. It returns how many of the resources still existed.
#
# ## 1. Find your dataset group
#
# By name, so the notebook works even when `dataset_group_arn` was never stored.
# `cleanup.owned_by(workshop_prefix)` accepts exactly your names.

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
# Before anything is deleted, note which S3 objects your jobs read or wrote: the import jobs'
# CSV files, the batch job's input and output. They are found from the jobs themselves, which
# can only be listed while their datasets and solutions exist. Only keys in your workshop bucket
# and under the workshop's folders are kept.

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
# ## 2. Campaigns
#
# Every campaign of every solution in your group. They go first: a solution cannot be deleted
# while a campaign serves it.

# %%
campaigns = [
    c["campaignArn"]
    for s in solutions
    for c in listed("list_campaigns", "campaigns", solutionArn=s)
]
deleted["campaigns"] = resources.delete_all(personalize, "campaign", campaigns, poll=POLL)

# %% [markdown]
# ## 3. Event trackers and filters

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
# ## 4. Solutions
#
# All solutions in the group, popularity and HPO included. A solution version that is still
# training (a run of notebook 02 that was interrupted) is stopped first: it is billed until it
# ends, and its solution cannot be deleted before. Deleting a solution deletes its versions.
# Batch inference jobs cannot be deleted; their output goes with the S3 objects below.

# %%
stopped = resources.stop_training(personalize, solutions)
print(tr("중지한 훈련:", "trainings stopped:"), len(stopped))
deleted["solutions"] = resources.delete_all(personalize, "solution", solutions, poll=POLL)

# %% [markdown]
# ## 5. Datasets, schemas and the dataset group
#
# Schemas do not belong to a dataset group, so they are found by name: yours start with
# `workshop_prefix + "-"`.

# %%
deleted["datasets"] = resources.delete_all(personalize, "dataset", datasets, poll=POLL)
schemas = [s["schemaArn"] for s in listed("list_schemas", "schemas") if mine(s["name"])]
deleted["schemas"] = resources.delete_all(personalize, "schema", schemas, poll=POLL)
deleted["dataset groups"] = resources.delete_all(personalize, "dataset_group", groups, poll=POLL)

# %% [markdown]
# ## 6. S3 objects and the bucket
#
# Only the objects your jobs used, and only under the workshop's folders (`data/`, `batch/`,
# `export/`). The bucket is versioned, so every version of each object is deleted; deleting only
# the current version would keep the data.
#
# The bucket itself is deleted only when notebook 00 created it (not the CloudFormation stack,
# whose bucket goes when the stack is deleted), no other attendee's workshop is left in the
# account, and it holds no object the workshop did not put there. Then the Personalize
# statements come out of its bucket policy by `Sid` (other statements stay) and the bucket is
# deleted.

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
# ## 7. IAM role
#
# The role is deleted under the same conditions as the bucket: notebook 00 created it (not the
# stack) and no other attendee's workshop still needs it. Its inline policies go first, then
# the role.

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
# ## 8. What was deleted
#
# On a second run every count is zero: nothing of yours is left to delete.

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
