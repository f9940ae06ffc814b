"""workshop.wait: the one polling loop, driven by fake describe callables (no real sleeping)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from workshop import wait


class FakeClock:
    """A clock that only moves when the loop sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def describing(member: str, statuses: list[str], **extra: Any) -> Callable[[], dict[str, Any]]:
    """A describe callable returning ``statuses`` one poll at a time (the last one repeats)."""
    calls = {"n": 0}

    def describe() -> dict[str, Any]:
        status = statuses[min(calls["n"], len(statuses) - 1)]
        calls["n"] += 1
        return {
            member: {"arn": f"arn:{member}", "status": status, **extra},
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }

    describe.calls = calls  # type: ignore[attr-defined]
    return describe


def not_found(operation: str = "DescribeCampaign") -> ClientError:
    return ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, operation
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def fast(clock: FakeClock) -> dict[str, Any]:
    return {"sleep": clock.sleep, "clock": clock, "progress": False}


# ------------------------------------------------------------------------------ one resource
def test_active_after_n_polls(clock):
    describe = describing("solutionVersion", ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"])
    result = wait.wait_until_active(describe, **fast(clock))
    assert result["solutionVersion"]["status"] == "ACTIVE"
    assert describe.calls["n"] == 3
    assert clock.sleeps == [0.25, 0.5]  # backs off from a quarter second


def test_backoff_is_capped_by_poll(clock):
    describe = describing("campaign", ["CREATE IN_PROGRESS"] * 8 + ["ACTIVE"])
    wait.wait_until_active(describe, poll=5, **fast(clock))
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    instant = FakeClock()
    wait.wait_until_active(
        describing("campaign", ["CREATE PENDING", "ACTIVE"]), poll=0, **fast(instant)
    )
    assert instant.sleeps == [0.0]


def test_create_failed_raises_with_the_reason(clock):
    describe = describing(
        "datasetImportJob",
        ["CREATE PENDING", "CREATE FAILED"],
        failureReason="Input CSV is missing the header row.",
    )
    with pytest.raises(wait.ResourceFailed, match="Input CSV is missing the header row") as info:
        wait.wait_until_active(describe, name="interactions import", **fast(clock))
    assert info.value.status == "CREATE FAILED"
    assert info.value.name == "interactions import"
    assert info.value.reason == "Input CSV is missing the header row."
    assert "interactions import is CREATE FAILED" in str(info.value)


@pytest.mark.parametrize("status", ["CREATE STOPPED", "DELETE PENDING", "SOMETHING FAILED"])
def test_other_dead_ends_raise(clock, status):
    with pytest.raises(wait.ResourceFailed, match="no failureReason"):
        wait.wait_until_active(describing("solutionVersion", [status]), **fast(clock))


def test_timeout(clock):
    describe = describing("campaign", ["CREATE IN_PROGRESS"])
    with pytest.raises(TimeoutError, match=r"campaign \(CREATE IN_PROGRESS\)"):
        wait.wait_until_active(describe, timeout=60, poll=10, name="campaign", **fast(clock))
    assert clock.now == 60  # the last sleep is cut to the time left


def test_status_location(clock):
    update = {
        "campaign": {
            "status": "ACTIVE",
            "latestCampaignUpdate": {"status": "CREATE IN_PROGRESS"},
        }
    }
    done = {"campaign": {"status": "ACTIVE", "latestCampaignUpdate": {"status": "ACTIVE"}}}
    responses = iter([update, done])
    result = wait.wait_until_active(
        lambda: next(responses), ("campaign", "latestCampaignUpdate", "status"), **fast(clock)
    )
    assert result is not update and result == done
    # A top-level member by name.
    two = {"batchInferenceJob": {"status": "ACTIVE"}, "other": {"status": "CREATE FAILED"}}
    assert wait.wait_until_active(lambda: two, "batchInferenceJob", **fast(clock)) == two
    with pytest.raises(ValueError, match="pass key="):
        wait.wait_until_active(lambda: two, **fast(clock))
    with pytest.raises(ValueError, match="no status"):
        wait.wait_until_active(lambda: two, ("other", "nothing", "status"), **fast(clock))


def test_ready_statuses_are_configurable(clock):
    describe = describing("dataDeletionJob", ["PENDING", "IN_PROGRESS", "COMPLETED"])
    result = wait.wait_until_active(describe, ready=("COMPLETED",), **fast(clock))
    assert result["dataDeletionJob"]["status"] == "COMPLETED"


def describe_solution_version(solutionVersionArn: str) -> dict[str, Any]:
    return {"solutionVersion": {"solutionVersionArn": solutionVersionArn, "status": "ACTIVE"}}


def test_progress_display_and_label(clock, capsys):
    describe = functools.partial(describe_solution_version, solutionVersionArn="arn:sv")
    result = wait.wait_until_active(describe, sleep=clock.sleep, clock=clock)
    assert result["solutionVersion"]["solutionVersionArn"] == "arn:sv"
    shown = capsys.readouterr().err
    assert "solution version: 1/1 ready" in shown
    assert "ACTIVE" in shown


# ------------------------------------------------------------------------------ several
def test_wait_all_returns_every_description_in_order(clock, capsys):
    describes = {
        "user-personalization": describing("solutionVersion", ["CREATE PENDING"] * 4 + ["ACTIVE"]),
        "sims": describing("solutionVersion", ["CREATE IN_PROGRESS", "ACTIVE"]),
        "popularity": describing("solutionVersion", ["ACTIVE"]),
    }
    result = wait.wait_all(describes, name="training", sleep=clock.sleep, clock=clock)
    assert list(result) == ["user-personalization", "sims", "popularity"]
    assert all(r["solutionVersion"]["status"] == "ACTIVE" for r in result.values())
    # Finished resources are not polled again.
    assert [d.calls["n"] for d in describes.values()] == [5, 2, 1]
    shown = capsys.readouterr().err
    assert "training: 3/3 ready" in shown
    assert "CREATE PENDING 1" in shown  # one display, with the count per status


def test_wait_all_stops_at_the_first_failure(clock):
    describes = {
        "slow": describing("solutionVersion", ["CREATE IN_PROGRESS"]),
        "broken": describing(
            "solutionVersion",
            ["CREATE IN_PROGRESS", "CREATE FAILED"],
            failureReason="Too few users",
        ),
    }
    with pytest.raises(wait.ResourceFailed, match="broken is CREATE FAILED: Too few users"):
        wait.wait_all(describes, **fast(clock))


def test_wait_all_timeout_lists_what_is_pending(clock):
    describes = {
        "a": describing("campaign", ["ACTIVE"]),
        "b": describing("campaign", ["CREATE PENDING"]),
    }
    with pytest.raises(TimeoutError) as info:
        wait.wait_all(describes, timeout=10, **fast(clock))
    assert "b (CREATE PENDING)" in str(info.value) and "a (" not in str(info.value)


def test_wait_all_of_nothing():
    assert wait.wait_all({}, progress=False) == {}


# ------------------------------------------------------------------------------ deletion
def test_deleted_when_not_found(clock):
    state = {"polls": 0}

    def describe() -> dict[str, Any]:
        state["polls"] += 1
        if state["polls"] > 2:
            raise not_found()
        return {"campaign": {"status": "DELETE IN_PROGRESS"}}

    assert wait.wait_until_deleted(describe, **fast(clock)) is None
    assert state["polls"] == 3


def test_deleted_resources_without_status(clock):
    responses = iter([{"schema": {"name": "s"}}])

    def describe() -> dict[str, Any]:
        try:
            return next(responses)
        except StopIteration:
            raise not_found("DescribeSchema") from None

    wait.wait_until_deleted(describe, **fast(clock))


def test_deleting_several_and_other_errors(clock):
    def gone() -> dict[str, Any]:
        raise not_found()

    def denied() -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "AccessDeniedException"}}, "DescribeSolution")

    wait.wait_until_deleted({"a": gone, "b": gone}, **fast(clock))
    with pytest.raises(ClientError, match="AccessDenied"):
        wait.wait_until_deleted({"a": gone, "b": denied}, **fast(clock))
    with pytest.raises(TimeoutError):
        wait.wait_until_deleted(
            describing("campaign", ["ACTIVE"]), timeout=5, name="campaign", **fast(clock)
        )


def test_error_code():
    assert wait.error_code(not_found()) == "ResourceNotFoundException"
    assert wait.error_code(ValueError("x")) is None


# ------------------------------------------------------------------------------ a real endpoint
def test_with_the_local_endpoint(aws):
    """The same calls a notebook makes, against personalize-local's status lifecycle."""
    personalize = aws.personalize
    arn = personalize.create_dataset_group(name="wait-test")["datasetGroupArn"]
    describe = functools.partial(personalize.describe_dataset_group, datasetGroupArn=arn)
    result = wait.wait_until_active(describe, poll=0.05, progress=False)
    assert result["datasetGroup"]["status"] == "ACTIVE"
    personalize.delete_dataset_group(datasetGroupArn=arn)
    wait.wait_until_deleted(describe, poll=0.05, timeout=30, progress=False)


# ------------------------------------------------------------------------------ progress display
def test_progress_line_ends_on_the_final_state(clock, monkeypatch):
    """The last line published reads n/n ready with the final statuses, and is marked final."""
    lines: list[tuple[str, bool]] = []
    bar = wait.Progress("campaigns", 2, publish=lambda text, final: lines.append((text, final)))
    describes = {
        "a": describing("campaign", ["CREATE PENDING", "ACTIVE"]),
        "b": describing("campaign", ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]),
    }
    monkeypatch.setattr(wait, "_progress", lambda *args: bar)
    wait.wait_all(describes, sleep=clock.sleep, clock=clock)
    assert lines[0] == ("campaigns: 0/2 ready [00:00]", False)
    assert lines[-1][1] is True and all(not final for _, final in lines[:-1])
    assert lines[-1][0].startswith("campaigns: 2/2 ready [")
    assert lines[-1][0].endswith(", ACTIVE 2]")


def test_progress_elapsed_time_follows_the_clock(clock):
    lines: list[str] = []
    bar = wait.Progress("x", 1, publish=lambda text, final: lines.append(text), clock=clock)
    clock.sleep(75)
    bar.update(1)
    bar.set_postfix_str("ACTIVE")
    assert lines == ["x: 1/1 ready [01:15, ACTIVE]"]


CELL = """
from workshop import wait
calls = {"n": 0}
def describe():
    calls["n"] += 1
    return {"campaign": {"status": "ACTIVE" if calls["n"] > 2 else "CREATE IN_PROGRESS"}}
wait.wait_until_active(describe, poll=0.01, name="campaign")["campaign"]["status"]
"""


def test_a_notebook_saves_the_final_state_of_the_progress_line():
    """Executed by nbclient as the workshop runs notebooks: the saved outputs show the final line
    (1/1 ready, ACTIVE), never the first frame (0/1 ready). The live display is saved empty, which
    is also its first content: a re-run that ignores display updates (nbval) sees the same."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    root = str(Path(__file__).resolve().parents[2])
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": root}}
    ).execute()
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data", "stream", "execute_result"]
    assert outputs[0].data["text/plain"] == ""
    assert outputs[1].text.startswith("campaign: 1/1 ready [00:0")
    assert outputs[1].text.endswith(", ACTIVE]\n")
    assert outputs[2].data["text/plain"] == "'ACTIVE'"
