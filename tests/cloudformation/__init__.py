"""Shared helpers: read PersonalizePOC.yaml, resolve its intrinsics, judge policy scope."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "cloudformation" / "PersonalizePOC.yaml"
README = ROOT / "cloudformation" / "README.md"


class CloudFormationLoader(yaml.SafeLoader):
    """PyYAML loader that turns short-form tags (!Ref, !Sub, !GetAtt …) into long form."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CloudFormationLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=CloudFormationLoader)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resolve(value: Any, names: Mapping[str, str]) -> Any:
    """Replace Ref, Fn::GetAtt, Fn::Sub, Fn::Select and Fn::Split with ``names``
    (``"Bucket"``, ``"Role.Arn"``, …).

    Enough for the template's policies; an unknown name raises KeyError, so nothing slips by
    unresolved.
    """
    if isinstance(value, list):
        return [resolve(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return names[value["Ref"]]
    if set(value) == {"Fn::GetAtt"}:
        return names[".".join(value["Fn::GetAtt"])]
    if set(value) == {"Fn::Sub"}:
        # "text", or ["text", {variable: value}] whose variables shadow the names.
        text, local = value["Fn::Sub"], {}
        if isinstance(text, list):
            text, local = text[0], {k: resolve(v, names) for k, v in text[1].items()}
        scope = {**names, **local}
        return re.sub(r"\$\{([^}!]+)\}", lambda m: scope[m.group(1)], text)
    if set(value) == {"Fn::Split"}:
        separator, text = value["Fn::Split"]
        return resolve(text, names).split(separator)
    if set(value) == {"Fn::Select"}:
        index, items = value["Fn::Select"]
        return resolve(items, names)[int(index)]
    return {key: resolve(item, names) for key, item in value.items()}


def policy_documents(template: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(logical id, kind, document) for every policy in the template.

    kind is ``"identity"`` (what a role may do), ``"trust"`` (who may assume it) or
    ``"resource"`` (a bucket policy).
    """
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::IAM::Role":
            yield logical_id, "trust", properties["AssumeRolePolicyDocument"]
            for policy in properties.get("Policies", []):
                yield logical_id, "identity", policy["PolicyDocument"]
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield logical_id, "identity", properties["PolicyDocument"]
        elif kind == "AWS::S3::BucketPolicy":
            yield logical_id, "resource", properties["PolicyDocument"]


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return as_list(document.get("Statement"))


def scope_problems(
    document: Mapping[str, Any], bucket: str, personalize_role_arn: str
) -> list[str]:
    """What makes an identity policy (resolved to plain strings) broader than the workshop needs.

    - no ``*`` (or ``service:*``) action on ``*`` resources, and no ``*`` action at all;
    - every S3 action only on the workshop bucket or its objects;
    - ``iam:PassRole`` only of the Personalize role, only to personalize.amazonaws.com, and no
      other IAM action.
    """
    problems = []
    bucket_arn = f"arn:aws:s3:::{bucket}"
    for statement in statements(document):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", "?")
        actions = as_list(statement.get("Action"))
        resources = as_list(statement.get("Resource"))
        if "NotAction" in statement or "NotResource" in statement:
            problems.append(f"{sid}: NotAction/NotResource grants everything else")
        if "*" in actions:
            problems.append(f"{sid}: Action '*'")
        if "*" in resources and any("*" in action for action in actions):
            problems.append(f"{sid}: wildcard action on Resource '*'")
        if any(action.startswith("s3:") for action in actions):
            for resource in resources:
                if resource != bucket_arn and not resource.startswith(bucket_arn + "/"):
                    problems.append(f"{sid}: S3 action on {resource}")
        for action in actions:
            if action.lower().startswith("iam:") and action != "iam:PassRole":
                problems.append(f"{sid}: IAM action {action}")
        if "iam:PassRole" in actions:
            if resources != [personalize_role_arn]:
                problems.append(f"{sid}: PassRole of {resources}")
            passed_to = statement.get("Condition", {}).get("StringEquals", {})
            if as_list(passed_to.get("iam:PassedToService")) != ["personalize.amazonaws.com"]:
                problems.append(f"{sid}: PassRole without iam:PassedToService personalize")
    return problems
