"""Test-kit benchmark: what personalize-local costs a user's test suite.

One run prints, beside moto's ``mock_aws`` as the baseline and the targets:

- start-up: ``personalize_local.mock()`` entered and left (the first time includes imports),
  and the pytest fixture's endpoint started on a free port;
- reset: the fixture's reset between tests (Personalize's and moto's state), with a dataset
  group, a bucket and a role made before each one; target ≤ 50 ms. Also the same reset of an
  endpoint started by hand as ``personalize-local serve`` starts it (AWS managed IAM policies
  on), which a user may reset the same way;
- one whole test, as examples/ writes it: 1,000 interactions put in S3, imported,
  user-personalization trained and deployed, a filter, then GetRecommendations; through the
  fixture's endpoint (reset first) and inside ``mock_aws()`` + ``personalize_local.mock()``;
  target ≤ 2 s on 2 cores.

Usage: ``python bench/testkit.py [--repeat 5]``. The 1-minute load average is printed beside
the figures, since other work on the machine moves them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

from personalize_setup import interactions_csv, train


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def row(name: str, seconds: list[float], target: str = "") -> None:
    ms = [s * 1000 for s in seconds]
    load = os.getloadavg()[0]
    print(
        f"| {name} | {statistics.median(ms):.1f} | {max(ms):.1f} | {len(ms)} | {target} "
        f"| {load:.1f} |"
    )


def whole_test(client: Callable[[str], object], csv: str) -> None:
    trained = train(client, csv)
    items = client("personalize-runtime").get_recommendations(
        campaignArn=trained.campaign_arn, userId=trained.users[0], numResults=10
    )["itemList"]
    assert len(items) == 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    os.environ.pop("AWS_ENDPOINT_URL", None)

    from moto import mock_aws

    import personalize_local
    from personalize_local.config import Settings
    from personalize_local.server import LocalServer
    from personalize_local.testing import PersonalizeEndpoint

    def mock_cycle() -> None:
        with personalize_local.mock():
            pass

    def moto_cycle() -> None:
        with mock_aws():
            pass

    print("| what | median ms | max ms | runs | target | load (1 min) |")
    print("|---|---|---|---|---|---|")
    row("personalize_local.mock(), first start (imports)", [timed(mock_cycle)])
    row("personalize_local.mock() start + stop", [timed(mock_cycle) for _ in range(20)])
    row("baseline: moto mock_aws() start + stop", [timed(moto_cycle) for _ in range(20)])

    def resets(endpoint: PersonalizeEndpoint, n: int = 30) -> list[float]:
        seconds = []
        for i in range(n):
            endpoint.client("personalize").create_dataset_group(name=f"g{i}")
            endpoint.client("s3").create_bucket(Bucket=f"bucket-{i}")
            endpoint.client("iam").create_role(RoleName=f"r{i}", AssumeRolePolicyDocument="{}")
            seconds.append(timed(endpoint.reset))
        return seconds[1:]

    started = time.perf_counter()
    endpoint = PersonalizeEndpoint.start(Settings(seed=0, transition_seconds=0.0))
    row("fixture endpoint start (free port)", [time.perf_counter() - started])
    row("fixture reset (Personalize + moto)", resets(endpoint), "≤ 50 ms")

    csv = interactions_csv(1000)
    through_fixture = []
    for _ in range(args.repeat):
        through_fixture.append(timed(lambda: (endpoint.reset(), whole_test(endpoint.client, csv))))
    row(
        "whole test via the fixture (reset, import 1,000, train UP, recommend)",
        through_fixture,
        "≤ 2000 ms",
    )
    endpoint.stop()

    def in_mock() -> None:
        with mock_aws(), personalize_local.mock():
            whole_test(lambda name: boto3.client(name, region_name="us-east-1"), csv)

    row(
        "whole test in mock_aws() + mock() (same steps, no socket)",
        [timed(in_mock) for _ in range(args.repeat)],
        "≤ 2000 ms",
    )

    # Last: a server started by hand sets MOTO_IAM_LOAD_MANAGED_POLICIES for the process.
    by_hand = PersonalizeEndpoint(LocalServer(settings=Settings(seed=0, transition_seconds=0.0)))
    by_hand.server.start()
    row("reset of a server started by hand (PersonalizeEndpoint.reset)", resets(by_hand), "≤ 50 ms")

    # As ``personalize-local serve`` users reset: POST /moto-api/reset, then moto builds IAM's
    # six partitions with the ~1,600 AWS managed policies on the next request that needs them.
    def raw_reset() -> None:
        urllib.request.urlopen(
            urllib.request.Request(f"{by_hand.url}/moto-api/reset", method="POST"), timeout=120
        ).read()

    raw, rebuilt = [], []
    for i in range(3):
        by_hand.client("iam").create_role(RoleName=f"r{i}", AssumeRolePolicyDocument="{}")
        raw.append(timed(raw_reset))
        rebuilt.append(timed(lambda: by_hand.client("iam").list_roles(MaxItems=1)))
    row("raw POST /moto-api/reset of that server", raw, "≤ 50 ms")
    row("  then its first IAM request (moto builds managed policies)", rebuilt)
    by_hand.stop()


if __name__ == "__main__":
    main()
