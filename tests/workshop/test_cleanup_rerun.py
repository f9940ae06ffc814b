"""The notebooks, run headless as an attendee would: clean-up after a partial run, clean-up twice,
and 01–04 run twice without 06 in between.

Each test starts its own seeded personalize-local, as ``scripts/run_workshop.py`` does, and runs
every notebook in a fresh kernel whose ``IPYTHONDIR`` is a temporary folder, so that ``%store``
starts empty and is shared only by that test's notebooks. "Gone" is checked through the API,
not from the notebooks' own outputs.
"""

from __future__ import annotations

import re
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import boto3
import nbformat
import pytest
from botocore.exceptions import ClientError

from workshop import discovery

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_workshop  # noqa: E402

pytestmark = pytest.mark.slow

BY_NUMBER = {name[:2]: ROOT / name for name in run_workshop.NOTEBOOKS}
#: What 06 deletes after 00 and 01 only, and after the whole workshop.
AFTER_DATA = {
    "campaigns": 0,
    "event trackers": 0,
    "filters": 0,
    "solutions": 0,
    "datasets": 2,
    "schemas": 2,
    "dataset groups": 1,
    "S3 object versions": 2,
    "S3 buckets": 1,
    "IAM roles": 1,
}
AFTER_ALL = {
    **AFTER_DATA,
    "campaigns": 5,
    "event trackers": 1,
    "filters": 4,
    "solutions": 6,  # five recipes and the HPO solution
    # The bucket is versioned, and a re-run uploads again: interactions.csv, items.csv and the
    # batch input twice each, the batch output once (the re-run reuses the batch job).
    "S3 object versions": 7,
}


class Workshop(SimpleNamespace):
    """One attendee's session: an endpoint, the kernels' environment and boto3 clients."""

    def run(self, number: str) -> nbformat.NotebookNode:
        """Execute notebook ``number`` ("00" … "06") in a new kernel; fail on any cell error."""
        return run_workshop.run_notebook(BY_NUMBER[number], self.env, timeout=600)

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.url, region_name=run_workshop.REGION)


@pytest.fixture
def workshop(tmp_path: Path) -> Iterator[Workshop]:
    data = run_workshop.workshop_environment("http://unused", tmp_path).get("MOVIELENS_DIR")
    if not data or not (Path(data) / "ml-latest-small" / "ratings.csv").exists():
        pytest.skip("ml-latest-small not found (set MOVIELENS_DIR)")
    server = run_workshop.start_server(run_workshop.SEED)
    try:
        # A fresh endpoint: moto keeps its state per process, so clear what other tests left.
        reset = urllib.request.Request(f"{server.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=120).close()  # moto rebuilds IAM: seconds
        env = run_workshop.kernel_environment(server.url, tmp_path)
        yield Workshop(url=server.url, env=env)
    finally:
        server.stop()


def output_text(notebook: nbformat.NotebookNode, needle: str) -> str:
    """Text output of the first code cell whose source contains ``needle``."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and needle in cell.source:
            return "".join(
                o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs
            )
    raise AssertionError(f"no cell contains {needle!r}")


def all_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.outputs
    )


#: 06's row labels in the Korean notebooks (the top level) → the keys above.
KOREAN_LABELS = {
    "캠페인": "campaigns",
    "이벤트 트래커": "event trackers",
    "필터": "filters",
    "솔루션": "solutions",
    "데이터 세트": "datasets",
    "스키마": "schemas",
    "데이터 세트 그룹": "dataset groups",
    "S3 객체 버전": "S3 object versions",
    "S3 버킷": "S3 buckets",
    "IAM 역할": "IAM roles",
}


def deleted_table(notebook: nbformat.NotebookNode) -> dict[str, int]:
    """06's "what was deleted" table, as a dict keyed in English."""
    text = output_text(notebook, "pd.Series({LABELS[k]: v")
    rows = {
        match[1].strip(): int(match[2])
        for match in re.finditer(r"^(\S.*?)\s+(\d+)$", text, flags=re.M)
    }
    return {KOREAN_LABELS.get(label, label): count for label, count in rows.items()}


def assert_nothing_left(workshop: Workshop) -> None:
    """Nothing the workshop creates is left: asked through the API."""
    personalize = workshop.client("personalize")
    assert personalize.list_dataset_groups()["datasetGroups"] == []
    assert personalize.list_schemas()["schemas"] == []
    assert personalize.list_datasets()["datasets"] == []
    assert personalize.list_solutions()["solutions"] == []
    assert personalize.list_campaigns()["campaigns"] == []
    assert personalize.list_filters()["Filters"] == []
    assert personalize.list_event_trackers()["eventTrackers"] == []

    account = workshop.client("sts").get_caller_identity()["Account"]
    bucket, role = discovery.default_names(account, run_workshop.REGION)
    s3 = workshop.client("s3")
    # The bucket 00 created is gone, and with it every object and the Personalize statements.
    assert not discovery.bucket_exists(s3, bucket)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == []
    with pytest.raises(ClientError) as info:
        workshop.client("iam").get_role(RoleName=role)
    assert info.value.response["Error"]["Code"] == "NoSuchEntity"


def test_cleanup_after_setup_and_data_only(workshop: Workshop) -> None:
    """A partial run (00 and 01), then 06: no error, and everything 00 and 01 made is gone."""
    workshop.run("00")
    workshop.run("01")
    personalize = workshop.client("personalize")
    assert len(personalize.list_dataset_groups()["datasetGroups"]) == 1
    assert len(personalize.list_schemas()["schemas"]) == 2

    cleanup = workshop.run("06")
    assert deleted_table(cleanup) == AFTER_DATA
    assert "남은 내 데이터 세트 그룹: 0" in output_text(cleanup, "left = ")
    assert_nothing_left(workshop)


def test_rerunning_01_to_04_reuses_and_cleanup_runs_twice(workshop: Workshop) -> None:
    """The whole workshop with 01–04 each run twice (no ResourceAlreadyExistsException, no
    second copy of anything, no second training), then 06, then 06 again."""
    personalize = workshop.client("personalize")
    workshop.run("00")
    workshop.run("01")
    again = workshop.run("01")
    assert "이전 실행의 데이터 세트 그룹 'personalize-workshop-" in all_text(again)
    assert len(personalize.list_dataset_groups()["datasetGroups"]) == 1
    assert len(personalize.list_schemas()["schemas"]) == 2
    assert len(personalize.list_datasets()["datasets"]) == 2
    assert len(personalize.list_dataset_import_jobs()["datasetImportJobs"]) == 2

    workshop.run("02")
    again = workshop.run("02")
    assert all_text(again).count("이전 실행의 솔루션 버전") == 6  # five and the HPO version
    solutions = personalize.list_solutions()["solutions"]
    assert len(solutions) == 6
    for solution in solutions:
        versions = personalize.list_solution_versions(solutionArn=solution["solutionArn"])
        assert len(versions["solutionVersions"]) == 1, "a re-run must not train again"

    workshop.run("03")
    again = workshop.run("03")
    assert "이전 실행의 캠페인" in all_text(again)
    assert len(personalize.list_campaigns()["campaigns"]) == 5
    assert len(personalize.list_filters()["Filters"]) == 4
    assert len(personalize.list_batch_inference_jobs()["batchInferenceJobs"]) == 1

    workshop.run("04")
    again = workshop.run("04")
    assert "이전 실행의 이벤트 트래커" in all_text(again)
    assert len(personalize.list_event_trackers()["eventTrackers"]) == 1

    workshop.run("05")
    first = workshop.run("06")
    assert deleted_table(first) == AFTER_ALL
    assert_nothing_left(workshop)

    second = workshop.run("06")
    assert deleted_table(second) == dict.fromkeys(AFTER_ALL, 0)
    assert "버킷은 이미 삭제되었습니다." in output_text(second, "discovery.bucket_exists")
    assert_nothing_left(workshop)


def set_prefix(workshop: Workshop, env: dict[str, str], prefix: str) -> None:
    """Store another ``workshop_prefix`` in the ``%store`` of ``env``'s kernels, as 00 does for
    each attendee (whatever suffix 00 itself computes)."""
    cell = nbformat.v4.new_code_cell(f'workshop_prefix = "{prefix}"\n%store workshop_prefix')
    run_workshop.execute(nbformat.v4.new_notebook(cells=[cell]), env)


def test_cleanup_of_one_attendee_leaves_another_attendees_resources(
    workshop: Workshop, tmp_path: Path
) -> None:
    """Two attendees in one account (one endpoint, two %store folders, two prefixes): 06 for A
    deletes A's resources only; B's dataset group, datasets, schemas, import jobs, the shared
    bucket and role stay. Then 06 for B deletes the rest, bucket and role included."""
    (tmp_path / "b").mkdir()  # Bob's own %store folder
    alice = ("personalize-workshop-a1a1a1", workshop.env)
    bob = (
        "personalize-workshop-b2b2b2",
        run_workshop.kernel_environment(workshop.url, tmp_path / "b"),
    )
    for prefix, env in (alice, bob):
        run_workshop.run_notebook(BY_NUMBER["00"], env, timeout=600)
        set_prefix(workshop, env, prefix)
        run_workshop.run_notebook(BY_NUMBER["01"], env, timeout=600)
    personalize = workshop.client("personalize")

    def names(operation: str, key: str) -> list[str]:
        return sorted(item["name"] for item in getattr(personalize, operation)()[key])

    assert names("list_dataset_groups", "datasetGroups") == [alice[0], bob[0]]

    cleanup = run_workshop.run_notebook(BY_NUMBER["06"], alice[1], timeout=600)
    table = deleted_table(cleanup)
    assert {k: table[k] for k in ("datasets", "schemas", "dataset groups")} == {
        "datasets": 2,
        "schemas": 2,
        "dataset groups": 1,
    }
    assert table["S3 buckets"] == 0 and table["IAM roles"] == 0
    assert "다른 참가자가 버킷을 사용 중이므로 남겨 둡니다." in all_text(cleanup)

    # Bob's resources are all there and usable.
    assert names("list_dataset_groups", "datasetGroups") == [bob[0]]
    assert names("list_schemas", "schemas") == [f"{bob[0]}-interactions", f"{bob[0]}-items"]
    datasets = personalize.list_datasets()["datasets"]
    assert sorted(d["name"] for d in datasets) == [f"{bob[0]}-interactions", f"{bob[0]}-items"]
    assert all(d["status"] == "ACTIVE" for d in datasets)
    jobs = personalize.list_dataset_import_jobs()["datasetImportJobs"]
    assert sorted(j["jobName"] for j in jobs) == [
        f"{bob[0]}-interactions-import",
        f"{bob[0]}-items-import",
    ]
    account = workshop.client("sts").get_caller_identity()["Account"]
    bucket, role = discovery.default_names(account, run_workshop.REGION)
    assert discovery.bucket_exists(workshop.client("s3"), bucket)
    assert workshop.client("iam").get_role(RoleName=role)["Role"]["RoleName"] == role

    second = run_workshop.run_notebook(BY_NUMBER["06"], bob[1], timeout=600)
    assert deleted_table(second)["S3 buckets"] == 1
    assert deleted_table(second)["IAM roles"] == 1
    assert_nothing_left(workshop)
