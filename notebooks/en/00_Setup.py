# %% [markdown]
# # 00 Setup: versions, Region, account, attendee name, bucket and role
#
# This workshop builds a movie recommender with **Amazon Personalize** on MovieLens. You run seven notebooks in order; each stores what the next one needs with `%store`.
#
# | Notebook | What you do |
# |---|---|
# | 00 Setup | check the environment, find the S3 bucket and the Personalize role |
# | 01 Data | explore MovieLens, import interactions and items |
# | 02 Solutions | train one solution per recipe and read the offline metrics |
# | 03 Campaigns | deploy campaigns; recommendations, filters, batch inference, cost |
# | 04 Events | send live events with an event tracker and watch recommendations change |
# | 05 Evaluation | evaluate every solution on held-out test data |
# | 06 Clean up | delete everything the workshop created |

# %% [markdown]
# ## How data flows
#
# ![Amazon Personalize data flow](../static/personalize-flow-en.png)
#
# 1. **S3**: you upload the prepared CSV files to an S3 bucket.
# 2. **Dataset group**: import jobs read the files into the interactions and items datasets.
# 3. **Solution and solution version**: a solution is a recipe and its settings; a solution version is one model trained with them.
# 4. **Campaign / batch inference**: a campaign serves the model through a real-time API; a batch inference job writes recommendations for many users to S3 at once.
# 5. **Application**: your app or website asks the campaign for recommendations and shows them.
# 6. **Event tracker**: what users view and click goes back through `PutEvents`; the next recommendation uses it at once, and the next training learns from it.

# %% [markdown]
# ## 1. Versions
#
# The workshop needs Python 3.11 or newer and boto3 1.35 or newer. An older boto3 lacks recent Personalize parameters such as `performAutoTraining`, and later notebooks would fail with `ParamValidationError`. On a SageMaker notebook instance, run `%pip install -r requirements.txt` once and restart the kernel.

# %%
import sys

import boto3

from workshop.lang import tr

MIN_PYTHON, MIN_BOTO3 = (3, 11), (1, 35)
print("Python", sys.version.split()[0])
print("boto3", boto3.__version__)
if sys.version_info < MIN_PYTHON:
    raise RuntimeError(tr("Python 3.11 이상이 필요합니다.", "Python 3.11 or newer is needed."))
if tuple(int(part) for part in boto3.__version__.split(".")[:2]) < MIN_BOTO3:
    raise RuntimeError(
        tr(
            "boto3 1.35 이상이 필요합니다: %pip install -U boto3 후 커널을 다시 시작하세요.",
            "boto3 1.35 or newer is needed: %pip install -U boto3, then restart the kernel.",
        )
    )
print(tr("버전 확인 완료", "Versions OK"))

# %% [markdown]
# ## 2. Region, account and attendee name
#
# boto3 finds the Region and credentials the usual way: environment variables, `~/.aws/config`, the notebook instance's role. The account id is printed with only its last four digits, so it does not end up in shared notebooks.
#
# Several attendees sharing one account could collide on resource names. So each attendee gets a short name (`attendee`), and every Personalize resource name starts with `workshop_prefix` (`personalize-workshop-<attendee>`): the environment variable `WORKSHOP_ATTENDEE` if set, the notebook instance's name on SageMaker, otherwise six characters of a hash of the caller's ARN. Notebook 06 deletes only resources under its own prefix.

# %%
import os

from workshop import discovery

session = boto3.Session()
region = session.region_name
account_id = session.client("sts").get_caller_identity()["Account"]
attendee = discovery.attendee(session)
workshop_prefix = discovery.workshop_prefix(attendee)
print(tr("리전:", "Region:"), region)
print(tr("계정:", "Account:"), discovery.mask_account(account_id))
print(tr("참가자:", "Attendee:"), attendee)
print(tr("리소스 이름 접두사:", "Resource name prefix:"), workshop_prefix)

# %% [markdown]
# If the environment variable `AWS_ENDPOINT_URL` is set, requests go to that endpoint instead of AWS.

# %%
endpoint = os.environ.get("AWS_ENDPOINT_URL")
print(tr("요청 대상:", "Requests go to:"), "AWS_ENDPOINT_URL" if endpoint else "AWS")

# %% [markdown]
# ## 3. The stack, the bucket and the Personalize role
#
# Personalize reads training data from S3 and writes batch output there, through an IAM role it assumes. The bucket and the role come from the stack built with the CloudFormation template `cloudformation/PersonalizePOC.yaml`. `discovery.discover` looks for them in this order:
#
# 1. The stack's name: the environment variable `WORKSHOP_STACK_NAME`, else `/home/ec2-user/SageMaker/.personalize-workshop.json` written by the notebook instance's lifecycle configuration, else `PersonalizePOC`.
# 2. That stack's outputs `BucketName` and `PersonalizeRoleArn`.
# 3. Otherwise the SSM parameters the stack writes, `/personalize-workshop/<stack name>/bucket-name` and `/personalize-workshop/<stack name>/personalize-role-arn`.
# 4. Otherwise it creates an encrypted bucket with public access blocked, and a role scoped to that bucket.
#
# The Personalize statements are **merged** into the bucket policy by `Sid`; whatever policy was there stays.

# %%
stack_name = discovery.find_stack_name()
found = discovery.discover(session, stack_name)
bucket, role_arn, resources_source = found.bucket, found.role_arn, found.source


def masked(text):
    """Text as notebooks print it: the account id reduced to its last four digits."""
    return text.replace(account_id, discovery.mask_account(account_id))


print(tr("스택:", "Stack:"), stack_name)
print(tr("찾은 곳:", "Found in:"), resources_source)
print(tr("버킷:", "Bucket:"), masked(bucket))
print(tr("역할:", "Role:"), masked(role_arn))

# %% [markdown]
# The `Sid`s of the statements in the bucket policy:

# %%
policy = discovery.read_bucket_policy(session.client("s3"), bucket)
[statement.get("Sid") for statement in policy["Statement"]]

# %% [markdown]
# ## 4. Store variables
#
# The next notebooks read these back with `%store -r`.

# %%
# %store region
# %store account_id
# %store attendee
# %store workshop_prefix
# %store stack_name
# %store bucket
# %store role_arn
# %store resources_source
