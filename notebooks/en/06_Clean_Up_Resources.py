# %% [markdown]
# # 06 Clean up resources
#
# Campaigns cost money while they exist. This notebook deletes **everything** the workshop
# created, in dependency order, and waits until each resource is gone. It finds the resources by
# listing them (not only from `%store`), so it also cleans up after a partial run: a resource
# still being created is deleted as soon as the service allows, a training still running is
# stopped first. Running it again is harmless: what is already gone is skipped.
#
# ## Outline
# 1. Find the dataset group
# 2. Campaigns
# 3. Event trackers and filters
# 4. Solutions
# 5. Datasets, schemas and the dataset group
# 6. S3 objects, the bucket policy statements and the bucket
# 7. IAM (only what 00 created)

# %% [markdown]
# Restore the variables the earlier notebooks stored with `%store`, and check that they are all there: `%store -r` does not complain about a missing one.

# %%
# %store -r

# %%
needed = ["bucket", "role_arn", "resources_source", "workshop_prefix"]
missing = [name for name in needed if name not in globals()]
if missing:
    raise RuntimeError(f"Missing {missing}: run 00_Setup.ipynb first.")
print("Restored:", ", ".join(needed))

# %%

import boto3

session = boto3.Session()
personalize = session.client("personalize")
POLL = 10  # seconds between status polls (the service takes minutes; polls are cheap)
s3 = session.client("s3")
from workshop import discovery, resources

# %% [markdown]
# `resources.delete_all(personalize, kind, arns)` calls `delete_<kind>` for each ARN and polls
# `describe_<kind>` until it answers `ResourceNotFoundException`. While the service answers
# `ResourceInUseException` (the resource, or an import or training it holds, is still being
# created), it tries the delete again at the next poll. It returns how many of them still existed.
#
# ## 1. Find the dataset group
#
# By name, so the notebook works even if `dataset_group_arn` was never stored.


# %%
def listed(operation, key, **kwargs):
    return resources.list_all(personalize, operation, key, **kwargs)


groups = [
    g["datasetGroupArn"]
    for g in listed("list_dataset_groups", "datasetGroups")
    if g["name"] == workshop_prefix
]
deleted = {}
print("dataset groups found:", len(groups))

# %% [markdown]
# ## 2. Campaigns
#
# Every campaign of every solution in the group.

# %%
solutions = [
    s["solutionArn"]
    for g in groups
    for s in listed("list_solutions", "solutions", datasetGroupArn=g)
]
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
# **All** solutions in the group: popularity and an HPO solution too (the original workshop
# never deleted its popularity solution). A solution version still training (a run interrupted
# in module 2) is stopped first: it bills training hours until it ends, and its solution cannot be
# deleted before. Deleting a solution deletes its versions. Batch inference jobs cannot be
# deleted; their output is removed with the S3 objects below.

# %%
stopped = resources.stop_training(personalize, solutions)
print("trainings stopped:", len(stopped))
deleted["solutions"] = resources.delete_all(personalize, "solution", solutions, poll=POLL)

# %% [markdown]
# ## 5. Datasets, schemas and the dataset group
#
# Schemas do not belong to a dataset group: they are found by their name's prefix.

# %%
datasets = [
    d["datasetArn"] for g in groups for d in listed("list_datasets", "datasets", datasetGroupArn=g)
]
deleted["datasets"] = resources.delete_all(personalize, "dataset", datasets, poll=POLL)

# %%
schemas = [
    s["schemaArn"]
    for s in listed("list_schemas", "schemas")
    if s["name"].startswith(workshop_prefix + "-")
]
deleted["schemas"] = resources.delete_all(personalize, "schema", schemas, poll=POLL)
deleted["dataset groups"] = resources.delete_all(personalize, "dataset_group", groups, poll=POLL)

# %% [markdown]
# ## 6. S3 objects, the bucket policy statements and the bucket
#
# The workshop's objects under `data/`, `batch/` and `export/`, every version (the bucket is
# versioned, so deleting only the current objects would keep the data). For the bucket that
# notebook 00 created, the Personalize statements come out of its policy by `Sid` (other
# statements stay) and the bucket itself is deleted, unless it holds objects the workshop did not
# put there. The bucket of the CloudFormation stack and its policy stay: deleting the stack
# removes them.

# %%
exists = discovery.bucket_exists(s3, bucket)
deleted["S3 object versions"] = discovery.delete_object_versions(s3, bucket)
deleted["S3 buckets"] = 0
if exists and resources_source == "created":
    discovery.remove_personalize_statements(s3, bucket)
    deleted["S3 buckets"] = int(discovery.delete_bucket_if_empty(s3, bucket))
    print("bucket", "deleted" if deleted["S3 buckets"] else "kept: it holds other objects")
elif exists:
    print("bucket from the", resources_source, "- it and its policy belong to the stack")
else:
    print("bucket already deleted")

# %% [markdown]
# ## 7. IAM
#
# Only a role that notebook 00 created (not the stack's) is deleted: first its inline policies,
# then the role.

# %%
iam = session.client("iam")
role_name = role_arn.rsplit("/", 1)[-1]
deleted["IAM roles"] = 0
if resources_source == "created":
    try:
        for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)
        iam.delete_role(RoleName=role_name)
        deleted["IAM roles"] = 1
    except iam.exceptions.NoSuchEntityException:
        pass  # deleted by an earlier run

# %% [markdown]
# What was deleted (all zeros on a second run):

# %%
import pandas as pd

pd.Series(deleted, name="deleted").to_frame()

# %%
left = [g for g in listed("list_dataset_groups", "datasetGroups") if g["name"] == workshop_prefix]
print("workshop dataset groups left:", len(left))
