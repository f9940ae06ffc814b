"""The workshop under the stack's notebook role, with IAM enforced, and least privilege measured.

    .venv/bin/python scripts/stack_role.py   # make workshop-as-stack-role

1. An administrator deploys ``cloudformation/PersonalizePOC.yaml`` through a plain endpoint of
   this process (moto's state is per process, so both endpoints see one account). moto's
   CloudFormation ignores ``AWS::S3::BucketPolicy`` and cannot run the bucket janitor, so the
   administrator plays both as CloudFormation would: the template's own janitor code answers the
   custom resource, and the bucket gets the statements the template declares (discovery writes
   the same ones; tests/cloudformation/test_template.py keeps them equal).
2. STS gives the notebook role's session credentials, as SageMaker does for a notebook instance,
   and the kernels get what the lifecycle configuration writes to the instance's
   ``.personalize-workshop.json``: the stack's name and the attendee id (the first 8 hex digits
   of the stack id) that the role's Personalize permissions are scoped to.
3. The notebooks 00 → 06 run against a second endpoint started with ``--enforce-iam`` and
   ``--auth-log``, with only those credentials. The first AccessDenied stops the run, naming
   the action and the resource.
4. From the authorization log: no call was denied, every action used was granted, and every
   action the notebook role grants was used at least once or is listed, with its reason, in
   ``cloudformation/unused-grants.yaml`` (whose entries must be unused and granted). The table
   is printed; any problem fails the run.

``make test`` runs it too: tests/iam/test_stack_role_run.py calls :func:`run`.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "cloudformation" / "PersonalizePOC.yaml"
UNUSED_GRANTS = ROOT / "cloudformation" / "unused-grants.yaml"
REGION = "us-east-1"
STACK = "PersonalizePOC"
REPOSITORY = "https://github.com/example/startup-personalize-workshop.git"
#: The administrator of the run: the enforcing endpoint's configured pair (the account's root).
ADMIN = ("workshop-admin", "workshop-admin-secret")


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub …) as plain values."""


_Loader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_scalar(node)
        if isinstance(node, yaml.ScalarNode)
        else loader.construct_sequence(node, deep=True)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True)
    ),
)


def load_template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_Loader)


def granted_actions(template: Mapping[str, Any], role: str = "NotebookRole") -> set[str]:
    """Every action the role's identity policies allow (the template names no wildcards)."""
    actions: set[str] = set()
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Allow":
                listed = statement["Action"]
                actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def read_log(path: Path, principal_prefix: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["principal"].startswith(principal_prefix)]


def first_denial(decisions: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((d for d in decisions if d["decision"] == "denied"), None)


def privilege_table(
    granted: set[str], decisions: list[dict[str, Any]], allowed_unused: Mapping[str, str]
) -> tuple[str, list[str]]:
    """The granted / used / unused table, and the problems: denials, actions used but not
    granted, unused grants the allow-list does not name, and allow-list entries that are stale
    (used after all, or no longer granted)."""
    used = {d["action"] for d in decisions if d["decision"] == "allowed"}
    refused = [d for d in decisions if d["decision"] == "denied"]
    denied = sorted({f"{d['action']} on {d['resource']}" for d in refused})
    rows = []
    problems = [f"denied: {entry}" for entry in denied]
    for action in sorted(granted | used):
        if action in used and action in granted:
            state = "used"
        elif action in used:
            state = "used, NOT GRANTED"
            problems.append(f"used but not granted: {action}")
        elif action in allowed_unused:
            state = f"unused (listed: {allowed_unused[action]})"
        else:
            state = "UNUSED, NOT LISTED"
            problems.append(f"granted, never used, not in {UNUSED_GRANTS.name}: {action}")
        rows.append(f"  {action:48} {state}")
    for action in sorted(set(allowed_unused) & used):
        problems.append(f"listed in {UNUSED_GRANTS.name} but used: {action}")
    for action in sorted(set(allowed_unused) - granted):
        problems.append(f"listed in {UNUSED_GRANTS.name} but not granted: {action}")
    header = f"  {'granted action':48} used by notebooks 00-06?"
    return "\n".join([header, *rows]), problems


def _play_janitor(url: str, stack_id: str, bucket: str) -> None:
    """Answer the custom resource's Create with the template's own inline Lambda code."""
    code = load_template()["Resources"]["EmptyBucketFunction"]["Properties"]["Code"]["ZipFile"]
    module = types.ModuleType("index")
    exec(compile(code, "index.py", "exec"), module.__dict__)
    event = {
        "RequestType": "Create",
        "ResponseURL": f"{url}/cloudformation_{REGION}/cfnresponse?stack={stack_id}",
        "StackId": stack_id,
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "EmptyDataBucketOnDelete",
        "ResourceType": "Custom::EmptyBucket",
        "ResourceProperties": {"ServiceToken": "janitor", "BucketName": bucket},
    }
    module.handler(event, types.SimpleNamespace(log_stream_name="stack-role-run"))


def _store_policies_as_json(iam: Any, role: str) -> None:
    """Write the role's inline policies again, as the JSON documents AWS stores.

    moto's CloudFormation keeps a stack role's inline policies as Python dicts, and GetRolePolicy
    then answers with their repr, which no reader of the policy (the import job's check of the
    Personalize role, aws/access.py) can parse.
    """
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            document = ast.literal_eval(document)
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(document))


def deploy(admin: boto3.Session, url: str, stack_name: str = STACK) -> dict[str, str]:
    """Create the stack as the administrator; its outputs."""
    sys.path.insert(0, str(ROOT))
    from workshop import discovery

    cloudformation = admin.client("cloudformation", endpoint_url=url)
    stack_id = cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=TEMPLATE.read_text(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": "WorkshopRepositoryUrl", "ParameterValue": REPOSITORY}],
    )["StackId"]
    stack = cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    _play_janitor(url, stack_id, outputs["BucketName"])
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName=stack_id, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    iam = admin.client("iam", endpoint_url=url)
    for output in ("PersonalizeRoleArn", "NotebookRoleArn"):
        _store_policies_as_json(iam, outputs[output].rsplit("/", 1)[-1])
    account = admin.client("sts", endpoint_url=url).get_caller_identity()["Account"]
    discovery.add_personalize_statements(
        admin.client("s3", endpoint_url=url), outputs["BucketName"], account
    )
    return {**outputs, "StackId": stack_id}


def notebook_credentials(admin: boto3.Session, url: str, role_arn: str) -> dict[str, str]:
    """Session credentials of the notebook role, as SageMaker hands them to the instance."""
    sts = admin.client("sts", endpoint_url=url)
    found = sts.assume_role(RoleArn=role_arn, RoleSessionName="SageMaker")["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": found["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": found["SecretAccessKey"],
        "AWS_SESSION_TOKEN": found["SessionToken"],
    }


def attendee_of(stack_id: str) -> str:
    """The attendee id the stack gives its notebooks (the lifecycle file's ``attendee``): the
    first 8 hex digits of the stack's UUID, as the template's
    ``!Select [0, !Split ["-", !Select [2, !Split ["/", !Ref AWS::StackId]]]]``."""
    return stack_id.split("/")[2].split("-")[0]


@dataclass
class Outcome:
    """What a stack-role run found."""

    table: str
    #: Denials and least-privilege problems; empty when the run proved least privilege.
    problems: list[str]
    #: The first AccessDenied, "action on resource", when a notebook stopped on it.
    denied: str | None
    seconds: float


def run(seed: int, timeout: int, out_dir: Path) -> Outcome:
    """Deploy, assume the notebook role, run 00 → 06 on an enforcing endpoint, measure."""
    import run_workshop
    from nbclient.exceptions import CellExecutionError

    from personalize_local.config import Settings
    from personalize_local.server import LocalServer

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    auth_log = out_dir / "auth-log.jsonl"
    auth_log.unlink(missing_ok=True)
    admin = boto3.Session(
        aws_access_key_id=ADMIN[0], aws_secret_access_key=ADMIN[1], region_name=REGION
    )
    plain = run_workshop.start_server(seed)
    enforcing = LocalServer(
        settings=Settings(
            seed=seed,
            transition_seconds=run_workshop.TRANSITION_SECONDS,
            enforce_iam=True,
            auth_log=str(auth_log),
            access_key_id=ADMIN[0],
            secret_access_key=ADMIN[1],
        )
    )
    enforcing.start()
    denied = None
    try:
        outputs = deploy(admin, plain.url)
        credentials = notebook_credentials(admin, plain.url, outputs["NotebookRoleArn"])
        role_name = outputs["NotebookRoleArn"].rsplit("/", 1)[-1]
        principal = f"arn:aws:sts::{Settings().account_id}:assumed-role/{role_name}/"
        # What the lifecycle configuration writes to .personalize-workshop.json on the instance.
        stack_id = outputs["StackId"]
        lifecycle = {"WORKSHOP_STACK_NAME": STACK, "WORKSHOP_ATTENDEE": attendee_of(stack_id)}
        print(f"stack {STACK} deployed; notebooks run as {principal}SageMaker", flush=True)
        with tempfile.TemporaryDirectory(prefix="workshop-stack-role-") as scratch:
            env = run_workshop.kernel_environment(enforcing.url, Path(scratch))
            env.update(credentials, **lifecycle)
            try:
                run_workshop.run("ko", out_dir, timeout=timeout, env=env)
            except CellExecutionError:
                first = first_denial(read_log(auth_log, principal))
                if first is None:
                    raise
                denied = f"{first['action']} on {first['resource']}"
    finally:
        enforcing.stop()
        plain.stop()

    listed = yaml.safe_load(UNUSED_GRANTS.read_text()) or {}
    table, problems = privilege_table(
        granted_actions(load_template()), read_log(auth_log, principal), listed
    )
    return Outcome(table, problems, denied, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    import run_workshop

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=run_workshop.SEED)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument(
        "--out", default=str(run_workshop.ROOT / "build" / "workshop" / "stack-role")
    )
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    outcome = run(args.seed, args.timeout, out_dir)
    if outcome.denied is not None:
        print(f"AccessDenied: {outcome.denied} (notebook role; see {out_dir})", file=sys.stderr)
        return 1
    print(outcome.table)
    for problem in outcome.problems:
        print(f"least privilege: {problem}", file=sys.stderr)
    print(f"stack-role run: {outcome.seconds:.0f} s", flush=True)
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
