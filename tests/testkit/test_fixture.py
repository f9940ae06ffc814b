"""The pytest plugin's fixtures: the endpoint, its environment, resets and bad use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from personalize_local.config import Settings
from personalize_local.server import LocalServer
from personalize_local.testing import PersonalizeEndpoint


def test_the_endpoint_is_served_and_set_in_the_environment(personalize):
    assert os.environ["AWS_ENDPOINT_URL"] == personalize.url
    assert personalize.url.startswith("http://127.0.0.1:")
    # A client the application makes itself, with no endpoint argument, reaches it too.
    arn = boto3.client("personalize").create_dataset_group(name="env")["datasetGroupArn"]
    listed = personalize.client("personalize").list_dataset_groups()["datasetGroups"]
    assert [group["datasetGroupArn"] for group in listed] == [arn]


def test_each_test_starts_empty_and_seeded(personalize):
    personalize_api = personalize.client("personalize")
    s3 = personalize.client("s3")
    assert personalize_api.list_dataset_groups()["datasetGroups"] == []
    assert s3.list_buckets()["Buckets"] == []
    arn = personalize_api.create_dataset_group(name="env")["datasetGroupArn"]
    s3.create_bucket(Bucket="left-behind")
    # The same ARN as the first test's: the ids restart from the seed at each reset.
    assert arn.endswith("/env")


def test_the_reset_empties_moto_too(personalize):
    assert personalize.client("s3").list_buckets()["Buckets"] == []


def test_a_client_past_its_endpoint_fails_fast():
    server = LocalServer(settings=Settings(seed=0, transition_seconds=0.0))
    server.start()
    endpoint = PersonalizeEndpoint(server)
    client = endpoint.client("personalize")
    server.stop()
    started = time.monotonic()
    with pytest.raises(EndpointConnectionError):
        client.list_dataset_groups()
    assert time.monotonic() - started < 10


PLUGIN_TEST = """
import os, json, pathlib

def test_endpoint(personalize):
    group = personalize.client("personalize").create_dataset_group(name="g")
    status = personalize.client("personalize").describe_dataset_group(
        datasetGroupArn=group["datasetGroupArn"])["datasetGroup"]["status"]
    pathlib.Path(os.environ["OUT"], os.environ.get("PYTEST_XDIST_WORKER", "main")).write_text(
        json.dumps({"url": personalize.url, "status": status,
                    "env": os.environ["AWS_ENDPOINT_URL"]}))
"""


def _results(out) -> dict:
    return {path.name: json.loads(path.read_text()) for path in out.iterdir()}


@pytest.fixture
def outside_xdist(monkeypatch):
    """An in-process inner session is not an xdist worker, even when this one is."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


def test_the_environment_is_restored_after_the_session(
    pytester, monkeypatch, tmp_path, outside_xdist
):
    monkeypatch.setenv("OUT", str(tmp_path))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://before.invalid")
    pytester.makepyfile(PLUGIN_TEST)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    result = _results(tmp_path)["main"]
    assert result["env"] == result["url"] != "http://before.invalid"
    assert result["status"] == "ACTIVE"  # no intermediate status by default
    assert os.environ["AWS_ENDPOINT_URL"] == "http://before.invalid"


def test_transition_seconds_is_an_ini_option(pytester, monkeypatch, tmp_path, outside_xdist):
    monkeypatch.setenv("OUT", str(tmp_path))
    pytester.makepyfile(PLUGIN_TEST)
    pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-o", "personalize_transition_seconds=30"
    ).assert_outcomes(passed=1)
    assert _results(tmp_path)["main"]["status"] == "CREATE PENDING"


def test_each_xdist_worker_gets_its_own_endpoint(pytester, monkeypatch, tmp_path):
    pytest.importorskip("xdist")
    monkeypatch.setenv("OUT", str(tmp_path))
    pytester.makepyfile(
        test_one=PLUGIN_TEST,
        test_two=PLUGIN_TEST.replace("def test_endpoint", "def test_endpoint_two"),
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", timeout=300)
    result.assert_outcomes(passed=2)
    urls = {worker: found["url"] for worker, found in _results(tmp_path).items()}
    assert set(urls) == {"gw0", "gw1"}
    assert len(set(urls.values())) == 2


def test_the_fixture_builds_no_managed_policies_by_default(personalize):
    iam = personalize.client("iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")


def test_a_reset_leaves_the_process_setting_for_managed_policies_as_it_was(
    personalize, monkeypatch
):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    personalize.reset()
    assert os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] == "true"
    monkeypatch.delenv("MOTO_IAM_LOAD_MANAGED_POLICIES")
    personalize.reset()
    assert "MOTO_IAM_LOAD_MANAGED_POLICIES" not in os.environ


def test_a_client_outside_the_fixture_fails_fast_when_the_endpoint_is_nowhere(monkeypatch):
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    client = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("personalize")
    started = time.monotonic()
    with pytest.raises(EndpointConnectionError):
        client.list_dataset_groups()
    assert time.monotonic() - started < 30


def test_importing_the_package_leaves_botocore_alone():
    code = (
        "import sys, personalize_local\n"
        "assert 'botocore' not in sys.modules, 'botocore imported'\n"
        "from botocore.handlers import BUILTIN_HANDLERS\n"
        "mine = [h for h in BUILTIN_HANDLERS if 'personalize_local' in repr(h)]\n"
        "assert not mine, mine\n"
        "with personalize_local.mock():\n"
        "    import boto3\n"
        "    boto3.client('personalize', region_name='us-east-1').list_schemas()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


MOCK_WITH_EARLY_SESSION = """
import boto3
import personalize_local

SESSION = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")

def test_a_session_made_at_import_reaches_the_mock():
    with personalize_local.mock():
        assert SESSION.client("personalize").list_schemas()["schemas"] == []
"""


def test_the_plugin_installs_the_mock_handler_before_test_modules_import(pytester):
    pytester.makepyfile(MOCK_WITH_EARLY_SESSION)
    pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=300).assert_outcomes(passed=1)
