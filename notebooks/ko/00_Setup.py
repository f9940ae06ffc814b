# %% [markdown]
# # 00 준비: 버전, 리전, 계정, 참가자 이름, 버킷과 역할
#
# 이 워크숍에서는 **Amazon Personalize**로 MovieLens 영화 추천 시스템을 만듭니다. 노트북 7개를 순서대로 실행하며, 각 노트북은 다음 노트북에 필요한 값을 `%store`로 저장합니다.
#
# | 노트북 | 하는 일 |
# |---|---|
# | 00 준비 | 환경을 확인하고 S3 버킷과 Personalize 역할을 찾습니다 |
# | 01 데이터 | MovieLens를 살펴보고 상호 작용(interactions)과 항목(items)을 가져옵니다 |
# | 02 솔루션 | 레시피(recipe)별로 솔루션을 학습하고 오프라인 지표를 읽습니다 |
# | 03 캠페인 | 캠페인을 배포하고 추천, 필터, 배치 추론, 비용을 다룹니다 |
# | 04 이벤트 | 이벤트 트래커로 실시간 이벤트를 보내고 추천이 바뀌는 것을 봅니다 |
# | 05 평가 | 보류해 둔 테스트 데이터로 모든 솔루션을 평가합니다 |
# | 06 정리 | 워크숍에서 만든 리소스를 모두 삭제합니다 |

# %% [markdown]
# ## 데이터가 흐르는 길
#
# ![Amazon Personalize 데이터 흐름](static/personalize-flow-ko.png)
#
# 1. **S3**: 준비한 CSV 파일을 S3 버킷에 올립니다.
# 2. **데이터 세트 그룹(dataset group)**: 가져오기 작업(import job)이 S3의 파일을 상호 작용·항목 데이터 세트로 읽어 들입니다.
# 3. **솔루션(solution)과 솔루션 버전(solution version)**: 솔루션은 레시피와 설정이고, 솔루션 버전은 그 설정으로 학습한 모델 하나입니다.
# 4. **캠페인(campaign) / 배치 추론(batch inference)**: 캠페인은 모델을 실시간 API로 제공하고, 배치 추론 작업은 많은 사용자의 추천을 한 번에 S3에 씁니다.
# 5. **애플리케이션**: 앱이나 웹사이트가 캠페인에 추천을 요청해 화면에 보여 줍니다.
# 6. **이벤트 트래커(event tracker)**: 사용자가 보고 누른 것을 `PutEvents`로 돌려보내면, 다음 추천에 곧바로 반영되고 다음 학습의 데이터가 됩니다.

# %% [markdown]
# ## 1. 버전 확인
#
# 이 워크숍에는 Python 3.11 이상과 boto3 1.35 이상이 필요합니다. 오래된 boto3에는 `performAutoTraining` 같은 최근 Personalize 파라미터가 없어서, 이후 노트북에서 `ParamValidationError`가 납니다. SageMaker 노트북 인스턴스에서는 처음에 한 번 `%pip install -r requirements.txt`를 실행하고 커널을 다시 시작하세요.

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
# ## 2. 리전, 계정, 참가자 이름
#
# boto3는 평소처럼 환경 변수, `~/.aws/config`, 노트북 인스턴스의 역할에서 리전과 자격 증명을 찾습니다. 계정 ID는 공유되는 노트북에 남기지 않도록 마지막 네 자리만 출력합니다.
#
# 한 계정을 여러 참가자가 함께 쓰면 리소스 이름이 겹칠 수 있습니다. 그래서 참가자마다 짧은 이름(`attendee`)을 정하고, 모든 Personalize 리소스 이름을 `workshop_prefix`(`personalize-workshop-<attendee>`)로 시작하게 합니다. 환경 변수 `WORKSHOP_ATTENDEE`가 있으면 그 값을, SageMaker 노트북 인스턴스에서는 인스턴스 이름을, 그 밖에는 호출자 ARN의 해시 여섯 글자를 씁니다. 06 정리 노트북은 자기 접두사의 리소스만 삭제합니다.

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
# 환경 변수 `AWS_ENDPOINT_URL`이 설정되어 있으면 요청은 AWS 대신 그 엔드포인트로 갑니다.

# %%
endpoint = os.environ.get("AWS_ENDPOINT_URL")
print(tr("요청 대상:", "Requests go to:"), "AWS_ENDPOINT_URL" if endpoint else "AWS")

# %% [markdown]
# ## 3. 스택, 버킷, Personalize 역할
#
# Personalize는 S3에서 학습 데이터를 읽고 배치 결과를 S3에 씁니다. 이때 Personalize가 맡는(assume) IAM 역할을 거칩니다. 버킷과 역할은 CloudFormation 템플릿 `cloudformation/PersonalizePOC.yaml`로 만든 스택이 준비합니다. `discovery.discover`는 다음 순서로 찾습니다.
#
# 1. 스택 이름: 환경 변수 `WORKSHOP_STACK_NAME`, 없으면 노트북 인스턴스의 수명 주기 구성이 쓴 `/home/ec2-user/SageMaker/.personalize-workshop.json`, 없으면 `PersonalizePOC`입니다.
# 2. 그 스택의 출력 `BucketName`과 `PersonalizeRoleArn`을 읽습니다.
# 3. 없으면 스택이 쓴 SSM 파라미터 `/personalize-workshop/<스택 이름>/bucket-name`과 `/personalize-workshop/<스택 이름>/personalize-role-arn`을 읽습니다.
# 4. 둘 다 없으면 암호화되고 공개 접근이 막힌 버킷과, 그 버킷으로만 범위를 좁힌 역할을 만듭니다.
#
# 버킷 정책에는 Personalize 문(statement)이 `Sid` 단위로 **병합**됩니다. 이미 있던 정책은 그대로 남습니다.

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
# 버킷 정책에 들어 있는 문의 `Sid`입니다.

# %%
policy = discovery.read_bucket_policy(session.client("s3"), bucket)
[statement.get("Sid") for statement in policy["Statement"]]

# %% [markdown]
# ## 4. 변수 저장
#
# 다음 노트북들이 `%store -r`로 이 값들을 다시 읽습니다.

# %%
# %store region
# %store account_id
# %store attendee
# %store workshop_prefix
# %store stack_name
# %store bucket
# %store role_arn
# %store resources_source
