"""Metric attributions: validation, lifecycle, and the S3 reports of attributed events."""

from __future__ import annotations

import csv
import io
import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from personalize_local.testing.schemas import field, record

from .builders import dataset_group, error_code, error_message, schema, settle, wait_gone
from .s3data import BUCKET, ROLE_ARN, put, workshop_bucket

INTERACTIONS = record(
    "Interactions",
    [
        field("USER_ID", "string"),
        field("ITEM_ID", "string"),
        field("EVENT_TYPE", "string"),
        field("TIMESTAMP", "long"),
        field("EVENT_ATTRIBUTION_SOURCE", ["null", "string"]),
    ],
)
ITEMS = record(
    "Items",
    [
        field("ITEM_ID", "string"),
        field("PRICE", "float"),
        field("CATEGORY", "string", categorical=True),
    ],
)
PRICES = {"i1": 10.0, "i2": 20.0, "i3": 5.5}
PATH = f"s3://{BUCKET}/metrics/"
OUTPUT = {"roleArn": ROLE_ARN, "s3DataDestination": {"path": PATH}}
METRICS = [
    {"eventType": "Purchase", "metricName": "PURCHASES", "expression": "SAMPLECOUNT()"},
    {"eventType": "Purchase", "metricName": "REVENUE", "expression": "SUM(ITEMS.PRICE)"},
    {"eventType": "Click", "metricName": "CLICKS", "expression": "SAMPLECOUNT()"},
]
#: A 15-minute window boundary, and a second window.
T0 = 1_700_000_100 - 1_700_000_100 % 900
T1 = T0 + 900


def shop(aws: SimpleNamespace) -> tuple[str, str]:
    """A custom group with Interactions (empty) and imported Items; (group, interactions)."""
    workshop_bucket(aws)
    group = dataset_group(aws, "shop")
    arns = {}
    for kind, body in (("Interactions", INTERACTIONS), ("Items", ITEMS)):
        arns[kind] = aws.personalize.create_dataset(
            name=kind.lower(),
            schemaArn=schema(aws, kind.lower(), body),
            datasetGroupArn=group,
            datasetType=kind,
        )["datasetArn"]
    rows = "ITEM_ID,PRICE,CATEGORY\n" + "".join(f"{i},{p},x\n" for i, p in PRICES.items())
    job = aws.personalize.create_dataset_import_job(
        jobName="items",
        datasetArn=arns["Items"],
        dataSource={"dataLocation": put(aws, "shop/items.csv", rows.encode())},
        roleArn=ROLE_ARN,
    )["datasetImportJobArn"]
    done = settle(
        lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=job),
        "datasetImportJob",
    )
    assert done["status"] == "ACTIVE", done.get("failureReason")
    return group, arns["Interactions"]


def describe(aws: SimpleNamespace, arn: str) -> dict:
    return aws.personalize.describe_metric_attribution(metricAttributionArn=arn)


def report_keys(aws: SimpleNamespace) -> list[str]:
    found = aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="metrics/").get("Contents", [])
    return sorted(o["Key"] for o in found)


def wait_for_report(aws: SimpleNamespace, arn: str, count: int) -> list[str]:
    """Describe (which publishes) until ``count`` reports exist; their keys, oldest first."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        describe(aws, arn)
        keys = report_keys(aws)
        if len(keys) >= count:
            return keys
        time.sleep(0.05)
    raise AssertionError(f"only {report_keys(aws)} written; {describe(aws, arn)}")


def report(aws: SimpleNamespace, key: str) -> list[dict]:
    body = aws.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return list(csv.DictReader(io.StringIO(body)))


def event(kind: str, item: str, at: int, source: str | None = None) -> dict:
    out = {"eventType": kind, "itemId": item, "sentAt": at}
    if source:
        out["metricAttribution"] = {"eventAttributionSource": source}
    return out


def test_reports_of_attributed_events(aws):
    group, interactions = shop(aws)
    arn = aws.personalize.create_metric_attribution(
        name="impact", datasetGroupArn=group, metrics=METRICS, metricsOutputConfig=OUTPUT
    )["metricAttributionArn"]
    created = settle(lambda: describe(aws, arn), "metricAttribution")
    assert created["status"] == "ACTIVE", created.get("failureReason")
    assert created["metricsOutputConfig"] == OUTPUT and created["datasetGroupArn"] == group
    with pytest.raises(ClientError) as info:
        aws.personalize.create_metric_attribution(
            name="again", datasetGroupArn=group, metrics=METRICS, metricsOutputConfig=OUTPUT
        )
    assert error_code(info) == "ResourceAlreadyExistsException"

    tracker = aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    aws.events.put_events(
        trackingId=tracker["trackingId"],
        userId="u1",
        sessionId="s1",
        eventList=[
            event("Purchase", "i1", T0 + 10, "campaign-a"),
            event("Purchase", "i2", T0 + 20, "campaign-a"),
            event("Purchase", "i3", T0 + 30, "campaign-b"),
            event("Click", "i1", T0 + 40),
            event("Purchase", "i2", T1 + 5, "campaign-a"),
            event("Watch", "i2", T1 + 6, "campaign-a"),  # no metric reports Watch
        ],
    )
    [key] = wait_for_report(aws, arn, 1)
    assert key.startswith("metrics/AggregatedAttributionMetrics-PUT_EVENTS-")
    rows = {
        (r["METRIC_NAME"], r["EVENT_ATTRIBUTION_SOURCE"], int(r["TIMESTAMP"])): r
        for r in report(aws, key)
    }
    expected = {
        ("PURCHASES", "campaign-a", T0): 2.0,
        ("PURCHASES", "campaign-b", T0): 1.0,
        ("PURCHASES", "campaign-a", T1): 1.0,
        ("REVENUE", "campaign-a", T0): 30.0,
        ("REVENUE", "campaign-b", T0): 5.5,
        ("REVENUE", "campaign-a", T1): 20.0,
        ("CLICKS", "SOURCE_NAME_UNDEFINED", T0): 1.0,
    }
    assert {k: float(r["VALUE"]) for k, r in rows.items()} == expected
    assert rows[("REVENUE", "campaign-b", T0)]["MATH_FUNCTION"] == "sum"
    assert rows[("CLICKS", "SOURCE_NAME_UNDEFINED", T0)]["MATH_FUNCTION"] == "samplecount"
    assert rows[("CLICKS", "SOURCE_NAME_UNDEFINED", T0)]["EVENT_TYPE"] == "Click"

    # Nothing new, nothing written; list and list-metrics read the same attribution.
    listed = aws.personalize.list_metric_attributions(datasetGroupArn=group)
    assert [m["metricAttributionArn"] for m in listed["metricAttributions"]] == [arn]
    assert listed["metricAttributions"][0]["status"] == "ACTIVE"
    metrics = aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn)
    assert metrics["metrics"] == METRICS
    page = aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn, maxResults=2)
    assert len(page["metrics"]) == 2 and page["nextToken"]
    assert report_keys(aws) == [key]

    # Update: redefine the metrics; later events are reported with the new ones only.
    aws.personalize.update_metric_attribution(
        metricAttributionArn=arn,
        removeMetrics=["CLICKS", "REVENUE"],
        addMetrics=[{"eventType": "Watch", "metricName": "WATCHES", "expression": "samplecount()"}],
    )
    names = [
        m["metricName"]
        for m in aws.personalize.list_metric_attribution_metrics(metricAttributionArn=arn)[
            "metrics"
        ]
    ]
    assert names == ["PURCHASES", "WATCHES"]
    aws.events.put_events(
        trackingId=tracker["trackingId"],
        userId="u2",
        sessionId="s2",
        eventList=[event("Watch", "i3", T1 + 60, "campaign-b"), event("Click", "i3", T1 + 61)],
    )
    [newer] = set(wait_for_report(aws, arn, 2)) - {key}
    assert [
        (r["METRIC_NAME"], r["EVENT_ATTRIBUTION_SOURCE"], r["VALUE"]) for r in report(aws, newer)
    ] == [("WATCHES", "campaign-b", "1.0")]

    # Bulk data: an import job that publishes gets its own report, named by its import mode.
    lines = ["USER_ID,ITEM_ID,EVENT_TYPE,TIMESTAMP,EVENT_ATTRIBUTION_SOURCE"]
    lines += [f"u{n % 50},i{1 + n % 3},Purchase,{T0 + n},third-party" for n in range(1200)]
    job = aws.personalize.create_dataset_import_job(
        jobName="bulk",
        datasetArn=interactions,
        dataSource={"dataLocation": put(aws, "shop/bulk.csv", ("\n".join(lines) + "\n").encode())},
        roleArn=ROLE_ARN,
        publishAttributionMetricsToS3=True,
    )["datasetImportJobArn"]
    imported = settle(
        lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=job),
        "datasetImportJob",
    )
    assert imported["status"] == "ACTIVE", imported.get("failureReason")
    bulk = [k for k in wait_for_report(aws, arn, 3) if "-FULL-" in k]
    assert len(bulk) == 1
    counts = {(r["TIMESTAMP"], r["VALUE"]) for r in report(aws, bulk[0])}
    assert counts == {(str(T0), "900.0"), (str(T1), "300.0")}

    # Delete: the dataset group waits for it.
    with pytest.raises(ClientError) as info:
        aws.personalize.delete_dataset_group(datasetGroupArn=group)
    assert error_code(info) == "ResourceInUseException"
    aws.personalize.delete_metric_attribution(metricAttributionArn=arn)
    wait_gone(lambda: describe(aws, arn))
    assert (
        aws.personalize.list_metric_attributions(datasetGroupArn=group)["metricAttributions"] == []
    )


def test_metric_attribution_validation(aws):
    group, _ = shop(aws)

    def create(metrics=METRICS, output=OUTPUT, name="m", group_arn=group):
        return aws.personalize.create_metric_attribution(
            name=name, datasetGroupArn=group_arn, metrics=metrics, metricsOutputConfig=output
        )["metricAttributionArn"]

    bad = [
        ([{"eventType": "Purchase", "metricName": "X", "expression": "COUNT()"}], "SAMPLECOUNT"),
        ([{"eventType": "Purchase", "metricName": "X", "expression": "SUM(ITEMS.NOPE)"}], "NOPE"),
        (
            [{"eventType": "Purchase", "metricName": "X", "expression": "SUM(ITEMS.CATEGORY)"}],
            "numeric",
        ),
        ([{"eventType": "Purchase", "metricName": "X", "expression": "SUM(USERS.AGE)"}], "Items"),
        ([METRICS[0], dict(METRICS[1], metricName="PURCHASES")], "more than once"),
        ([], "from 1 to 10"),
    ]
    for metrics, text in bad:
        with pytest.raises(ClientError) as info:
            create(metrics)
        assert error_code(info) == "InvalidInputException" and text in error_message(info)
    with pytest.raises(ClientError) as info:
        create(metrics=METRICS * 4)
    assert error_code(info) == "InvalidInputException"  # more than 10, refused by the model
    with pytest.raises(ClientError) as info:
        create(output={"roleArn": ROLE_ARN, "s3DataDestination": {"path": "https://x/y"}})
    assert error_code(info) == "InvalidInputException"

    arn = create()
    assert settle(lambda: describe(aws, arn), "metricAttribution")["status"] == "ACTIVE"
    updates = [
        ({"removeMetrics": ["NOPE"]}, "InvalidInputException"),
        ({"addMetrics": [METRICS[0]]}, "ResourceAlreadyExistsException"),
        ({"removeMetrics": [m["metricName"] for m in METRICS]}, "InvalidInputException"),
        ({}, "InvalidInputException"),
    ]
    for change, code in updates:
        with pytest.raises(ClientError) as info:
            aws.personalize.update_metric_attribution(metricAttributionArn=arn, **change)
        assert error_code(info) == code, change
    aws.personalize.update_metric_attribution(
        metricAttributionArn=arn, metricsOutputConfig={"roleArn": ROLE_ARN}
    )
    assert describe(aws, arn)["metricAttribution"]["metricsOutputConfig"] == {"roleArn": ROLE_ARN}
    with pytest.raises(ClientError) as info:
        aws.personalize.list_metric_attribution_metrics(
            metricAttributionArn=arn.replace(":metric-attribution/m", ":metric-attribution/x")
        )
    assert error_code(info) == "InvalidInputException"

    # The role must be able to write under the output path: a missing bucket fails creation.
    other = dataset_group(aws, "other")
    failed_arn = create(
        metrics=METRICS[:1],
        output={"roleArn": ROLE_ARN, "s3DataDestination": {"path": "s3://no-such-bucket/m/"}},
        name="elsewhere",
        group_arn=other,
    )
    failed = settle(lambda: describe(aws, failed_arn), "metricAttribution")
    assert failed["status"] == "CREATE FAILED" and "no-such-bucket" in failed["failureReason"]
    with pytest.raises(ClientError) as info:
        aws.personalize.update_metric_attribution(metricAttributionArn=failed_arn, removeMetrics=[])
    assert error_code(info) == "ResourceInUseException"
    aws.personalize.delete_metric_attribution(metricAttributionArn=failed_arn)
