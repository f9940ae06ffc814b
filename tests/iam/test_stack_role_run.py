"""The workshop as the stack's notebook role, with IAM enforced: least privilege, measured.

``scripts/stack_role.py`` (``make workshop-as-stack-role``) deploys ``PersonalizePOC.yaml``,
assumes its notebook role and runs notebooks 00 → 06 with only those credentials on an endpoint
started with ``--enforce-iam --auth-log``. Here it is part of ``make test``: no call may be
denied, and every action the role grants must have been used or be listed, with its reason, in
``cloudformation/unused-grants.yaml``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import stack_role  # noqa: E402

DENIED = {"action": "s3:PutObject", "resource": "arn:aws:s3:::b/x", "decision": "denied"}


def _used(*actions: str) -> list[dict[str, str]]:
    return [{"action": a, "resource": "*", "decision": "allowed"} for a in actions]


def test_privilege_table_names_every_kind_of_problem() -> None:
    granted = {"personalize:ListRecipes", "s3:GetObject", "logs:PutLogEvents", "ssm:GetParameters"}
    listed = {
        "logs:PutLogEvents": "the instance's own logs",
        "s3:GetObject": "stale: it is used",
        "sts:AssumeRole": "stale: not granted",
    }
    decisions = [*_used("personalize:ListRecipes", "s3:GetObject", "iam:PassRole"), DENIED]
    table, problems = stack_role.privilege_table(granted, decisions, listed)
    assert problems == [
        "denied: s3:PutObject on arn:aws:s3:::b/x",
        "used but not granted: iam:PassRole",
        "granted, never used, not in unused-grants.yaml: ssm:GetParameters",
        "listed in unused-grants.yaml but used: s3:GetObject",
        "listed in unused-grants.yaml but not granted: sts:AssumeRole",
    ]
    assert "logs:PutLogEvents" in table and "unused (listed: the instance's own logs)" in table
    assert stack_role.privilege_table(granted, _used(*granted), {})[1] == []


def test_attendee_is_the_stacks_id_as_the_template_computes_it() -> None:
    stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/PersonalizePOC/90d41edb-8c77"
    assert stack_role.attendee_of(stack_id) == "90d41edb"


@pytest.mark.slow
def test_notebooks_run_as_the_stack_role_with_least_privilege(
    movielens_small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = stack_role.run(seed=42, timeout=600, out_dir=tmp_path)
    with capsys.disabled():
        print(f"\n{outcome.table}\nstack-role run 00-06: {outcome.seconds:.0f} s")
    assert outcome.denied is None, f"AccessDenied: {outcome.denied}"
    assert outcome.problems == []
    executed = sorted(path.name[:2] for path in tmp_path.glob("0*.ipynb"))
    assert executed == ["00", "01", "02", "03", "04", "05", "06"]
