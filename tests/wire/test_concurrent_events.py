"""PutEvents under concurrency and repetition: every acknowledged event is stored, once.

Checked on the wire only: a PUT-mode dataset export writes the recorded events to S3 and the
test counts the rows.
"""

from __future__ import annotations

import datetime
import threading
from types import SimpleNamespace

import pandas as pd
import pytest

from .builders import dataset, dataset_group, settle
from .s3data import exported, workshop_bucket

THREADS = 8
CALLS = 50
EVENTS_PER_CALL = 3
BASE = 1_700_000_000


@pytest.fixture
def tracked(aws: SimpleNamespace) -> SimpleNamespace:
    """An Interactions dataset (no import: events alone) with an ACTIVE event tracker."""
    workshop_bucket(aws)
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    tracker = aws.personalize.create_event_tracker(name="events", datasetGroupArn=group)
    settle(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]),
        "eventTracker",
    )
    return SimpleNamespace(dataset=interactions, tracking_id=tracker["trackingId"])


def exported_events(aws: SimpleNamespace, dataset_arn: str, name: str) -> pd.DataFrame:
    rows = exported(aws, dataset_arn, mode="PUT", name=name)
    assert rows is not None, "the PUT export failed"
    return rows


def test_concurrent_put_events_for_one_user_lose_nothing(aws, tracked):
    sent: list[tuple[str, str]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def client(thread: int) -> None:
        try:
            start.wait()  # all threads hit the endpoint at once
            for call in range(CALLS):
                events = []
                for event in range(EVENTS_PER_CALL):
                    # Timestamps interleave across threads, so arrivals are out of time order.
                    at = BASE + (call * EVENTS_PER_CALL + event) * THREADS + thread
                    events.append(
                        {
                            "eventType": "watch",
                            "itemId": f"t{thread}-c{call}-e{event}",
                            "sentAt": at,
                        }
                    )
                aws.events.put_events(
                    trackingId=tracked.tracking_id,
                    userId="same-user",
                    sessionId="same-session",
                    eventList=events,
                )
                sent.extend((e["itemId"], str(e["sentAt"])) for e in events)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    workers = [threading.Thread(target=client, args=(t,)) for t in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not failures, failures[:3]
    assert len(sent) == THREADS * CALLS * EVENTS_PER_CALL

    rows = exported_events(aws, tracked.dataset, "concurrent")
    assert len(rows) == len(sent)
    assert set(rows.USER_ID) == {"same-user"}
    assert sorted(zip(rows.ITEM_ID, rows.TIMESTAMP, strict=True)) == sorted(sent)


def test_identical_events_without_event_id_are_all_kept(aws, tracked):
    # The service gives every event without an eventId a unique id of its own, so two
    # clicks on one item in the same second are two events.
    at = datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.UTC)
    event = {"eventType": "click", "itemId": "i1", "sentAt": at}
    for _ in range(2):
        aws.events.put_events(
            trackingId=tracked.tracking_id, userId="u1", sessionId="s1", eventList=[event]
        )
    # The same second, a few milliseconds apart (TIMESTAMP keeps whole seconds).
    aws.events.put_events(
        trackingId=tracked.tracking_id,
        userId="u1",
        sessionId="s1",
        eventList=[{**event, "sentAt": at + datetime.timedelta(milliseconds=300)}],
    )
    rows = exported_events(aws, tracked.dataset, "identical")
    assert len(rows) == 3
    assert set(rows.TIMESTAMP) == {str(int(at.timestamp()))}


def test_a_repeated_event_id_is_recorded_once(aws, tracked):
    # "Any subsequent events after the first with the same event ID are not used".
    def put(event_id: str, item: str, at: int) -> None:
        aws.events.put_events(
            trackingId=tracked.tracking_id,
            userId="u1",
            sessionId="s1",
            eventList=[{"eventId": event_id, "eventType": "click", "itemId": item, "sentAt": at}],
        )

    put("e-1", "i1", BASE)
    put("e-1", "i1", BASE)  # a client's retry
    put("e-1", "i2", BASE + 5)  # same id, other content: still the same event
    put("e-2", "i1", BASE)  # same content, another id: another event

    # Eight threads retrying one event at once: stored once.
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def retry() -> None:
        try:
            start.wait()
            put("e-3", "i3", BASE + 9)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    workers = [threading.Thread(target=retry) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not failures, failures[:3]

    rows = exported_events(aws, tracked.dataset, "event-ids")
    assert sorted(zip(rows.ITEM_ID, rows.TIMESTAMP, strict=True)) == [
        ("i1", str(BASE)),
        ("i1", str(BASE)),
        ("i3", str(BASE + 9)),
    ]
