"""The application's tests: against the pytest plugin's endpoint, and inside the mock.

Installing personalize-local is all it takes: its pytest plugin gives the ``personalize``
fixture (an endpoint emptied before each test), and ``personalize_local.mock()`` answers
Personalize in-process beside moto's ``mock_aws()``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
from moto import mock_aws
from personalize_setup import interactions_csv, train
from recommendations import recommended_for_you, send_watch_event

import personalize_local

POPULAR = ["i0", "i1", "i2"]


def client(service_name):
    return boto3.client(service_name, region_name="us-east-1")


def test_warm_user_gets_items_from_their_history(personalize):
    trained = train(personalize.client, interactions_csv())
    runtime = personalize.client("personalize-runtime")
    user = trained.users[0]

    items = recommended_for_you(
        runtime, trained.campaign_arn, user, filter_arn=trained.filter_arn, popular=POPULAR
    )

    watched = {
        row.split(",")[1] for row in interactions_csv().splitlines() if row.startswith(f"{user},")
    }
    assert items and set(items) <= watched  # the filter keeps what they watched


def test_cold_user_falls_back_to_popular_items(personalize):
    trained = train(personalize.client, interactions_csv())
    runtime = personalize.client("personalize-runtime")

    items = recommended_for_you(
        runtime, trained.campaign_arn, "new-user", filter_arn=trained.filter_arn, popular=POPULAR
    )

    assert items == POPULAR


def test_a_watch_event_warms_a_cold_user(personalize):
    trained = train(personalize.client, interactions_csv())
    runtime = personalize.client("personalize-runtime")
    events = personalize.client("personalize-events")

    send_watch_event(events, trained.tracking_id, "new-user", "s1", "i42", datetime.now(UTC))

    items = recommended_for_you(
        runtime, trained.campaign_arn, "new-user", filter_arn=trained.filter_arn, popular=POPULAR
    )
    assert items == ["i42"]


@mock_aws
@personalize_local.mock
def test_the_same_inside_the_mock_with_no_server():
    # boto3's own clients: moto answers S3 and IAM, personalize-local answers Personalize.
    trained = train(client, interactions_csv())

    items = recommended_for_you(
        client("personalize-runtime"),
        trained.campaign_arn,
        "new-user",
        filter_arn=trained.filter_arn,
        popular=POPULAR,
    )

    assert items == POPULAR
