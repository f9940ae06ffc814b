"""Serving benchmark: GetRecommendations and PutEvents over loopback, beside the HTTP floor.

One run prints a table:

- GetRecommendations (a User-Personalization campaign trained on ml-latest-small) with 1, 4 and
  8 concurrent connections: requests/s, p50 and p99 latency, measured by wrk with a pre-signed
  request (signatures are not checked on loopback by default, so one signed request can be
  replayed). Replaying one request measures the answer cache (`serving.answers`), so the same
  rows are measured again on a second server started with the cache off
  (``PERSONALIZE_LOCAL_ANSWER_CACHE=0``): one user replayed, and every user in turn;
- the same load on a trivial call of the same endpoint (DescribeDatasetGroup): the floor of the
  HTTP stack, validation and dispatch;
- PutEvents throughput (10 events per call, each with its own item and timestamp);
- batch inference for every ml-latest-small user, when the server serves batch jobs.

The server runs in its own process, as attendees run it; wrk runs on the same 2 cores, so the
load tool's CPU is included, as the targets demand; each table row ends with the 1-minute load
average, since other work on the machine moves the figures. Usage: ``python bench/serving.py
[--seconds 10] [--baseline CHECKOUT [--rounds 2] [--scored-only]]`` (needs ``wrk`` on PATH:
``apt-get install wrk``). ``--baseline`` first measures the scored row (cache off, users in turn)
of another checkout beside this one's, alternately, e.g. ``git worktree add /tmp/base land3``,
after checking that both servers' answers are byte-identical (every user, 50 users with 500
items, an unknown user; the ``recommendationId``, drawn per answer, left out).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import pandas as pd

from personalize_local.testing.schemas import INTERACTIONS

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MOVIELENS_DIR", REPO.parent / "shared" / "data"))
BUCKET = "bench-personalize"
ROLE = "BenchPersonalizeRole"
TARGETS = {"rps8": 1000.0, "p99_8_ms": 25.0, "p99_1_ms": 5.0, "events": 2000.0, "batch_s": 5.0}


def start_server(answer_cache: bool = True, repo: Path = REPO) -> tuple[subprocess.Popen, str]:
    """A server of the code in ``repo`` (another checkout: the baseline of `compare_scored`)."""
    env = dict(os.environ)
    if not answer_cache:
        env["PERSONALIZE_LOCAL_ANSWER_CACHE"] = "0"
    if repo != REPO:
        env["PYTHONPATH"] = os.pathsep.join([str(repo), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "personalize_local.cli",
            "serve",
            "--port",
            "0",
            "--seed",
            "1",
            "--transition-seconds",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=repo,
        env=env,
    )
    line = process.stdout.readline()
    return process, line.split()[3]


def clients(url: str) -> dict:
    session = boto3.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
    )
    return {
        name: session.client(name, endpoint_url=url)
        for name in ("personalize", "personalize-runtime", "personalize-events", "s3", "iam")
    }


def wait(describe, key: str) -> dict:
    while True:
        found = describe()[key]
        if found["status"] not in ("CREATE PENDING", "CREATE IN_PROGRESS"):
            assert found["status"] == "ACTIVE", found
            return found
        time.sleep(0.1)


def setup(c: dict) -> dict:
    """An ml-latest-small campaign, tracker and bucket, as the workshop builds them."""
    ratings = pd.read_csv(DATA / "ml-latest-small" / "ratings.csv")
    frame = pd.DataFrame(
        {
            "USER_ID": ratings.userId.astype(str),
            "ITEM_ID": ratings.movieId.astype(str),
            "EVENT_TYPE": "watch",
            "EVENT_VALUE": ratings.rating,
            "TIMESTAMP": ratings.timestamp,
        }
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "personalize.amazonaws.com"},
                "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
                "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            }
        ],
    }
    c["s3"].create_bucket(Bucket=BUCKET)
    c["s3"].put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "personalize.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = c["iam"].create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    c["iam"].put_role_policy(
        RoleName=ROLE,
        PolicyName="s3",
        PolicyDocument=json.dumps(
            {
                **policy,
                "Statement": [
                    {k: v for k, v in policy["Statement"][0].items() if k != "Principal"}
                ],
            }
        ),
    )
    role_arn = role["Role"]["Arn"]
    c["s3"].put_object(
        Bucket=BUCKET, Key="data/interactions.csv", Body=frame.to_csv(index=False).encode()
    )
    p = c["personalize"]
    schema = p.create_schema(name="bench", schema=json.dumps(INTERACTIONS))["schemaArn"]
    group = p.create_dataset_group(name="bench")["datasetGroupArn"]
    wait(lambda: p.describe_dataset_group(datasetGroupArn=group), "datasetGroup")
    dataset = p.create_dataset(
        name="bench", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    wait(lambda: p.describe_dataset(datasetArn=dataset), "dataset")
    job = p.create_dataset_import_job(
        jobName="bench",
        datasetArn=dataset,
        roleArn=role_arn,
        dataSource={"dataLocation": f"s3://{BUCKET}/data/interactions.csv"},
    )
    wait(
        lambda: p.describe_dataset_import_job(datasetImportJobArn=job["datasetImportJobArn"]),
        "datasetImportJob",
    )
    solution = p.create_solution(
        name="bench",
        datasetGroupArn=group,
        performAutoTraining=False,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
    )["solutionArn"]
    version = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    wait(lambda: p.describe_solution_version(solutionVersionArn=version), "solutionVersion")
    campaign = p.create_campaign(name="bench", solutionVersionArn=version)["campaignArn"]
    wait(lambda: p.describe_campaign(campaignArn=campaign), "campaign")
    tracker = p.create_event_tracker(name="bench", datasetGroupArn=group)
    wait(
        lambda: p.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]), "eventTracker"
    )
    users = sorted(frame.USER_ID.unique(), key=int)
    return {
        "group": group,
        "campaign": campaign,
        "tracking_id": tracker["trackingId"],
        "version": version,
        "role": role_arn,
        "users": users,
    }


def signed(client, operation: str, **params) -> dict:
    """The raw HTTP request botocore sends for one call (captured, then sent for real)."""
    captured: dict = {}

    def capture(request, **_):
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        captured.update(url=request.url, headers=headers, body=request.body)

    client.meta.events.register(f"before-send.*.{operation}", capture)
    getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())(**params)
    client.meta.events.unregister(f"before-send.*.{operation}", capture)
    body = captured["body"]
    captured["body"] = body.decode() if isinstance(body, bytes) else body
    return captured


EVENTS_LUA = r"""
counter = 0
request = function()
  counter = counter + 1
  local events = {}
  for i = 1, 10 do
    events[i] = string.format('{"eventType":"watch","itemId":"%d","sentAt":%d}',
      (counter * 10 + i) % 9000 + 1, 1700000000 + counter * 10 + i)
  end
  local body = '{"trackingId":"TRACKING_ID","sessionId":"s","userId":"u' .. (counter % 600) ..
    '","eventList":[' .. table.concat(events, ",") .. ']}'
  return wrk.format(nil, nil, nil, body)
end
"""


ROTATE_LUA = r"""
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[counter % #bodies + 1])
end
"""


def lua_for(
    request: dict, events_tracking_id: str | None = None, bodies: list[str] | None = None
) -> str:
    headers = "\n".join(
        f'wrk.headers["{k}"] = {json.dumps(v)}'
        for k, v in request["headers"].items()
        if k.lower() not in ("content-length", "host")
    )
    script = f'wrk.method = "POST"\n{headers}\nwrk.body = {json.dumps(request["body"])}\n'
    if events_tracking_id:
        # A fresh sentAt per call, so no event is a duplicate of another.
        script += EVENTS_LUA.replace("TRACKING_ID", events_tracking_id)
    if bodies:
        # One body after the other (the same signed headers: signatures are not checked).
        script += "bodies = {" + ", ".join(json.dumps(b) for b in bodies) + "}\n" + ROTATE_LUA
    return script


def wrk(url: str, script: str, connections: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    threads = 1 if connections == 1 else 2
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            handle.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(handle.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "load": os.getloadavg()[0],
    }


def row(label: str, result: dict) -> str:
    return (
        f"| {label} | {result['rps']:.0f} | {result['p50']:.2f} | {result['p99']:.2f} "
        f"| {result['errors']} | {result['load']:.1f} |"
    )


def batch_seconds(c: dict, made: dict) -> float:
    """Create-to-ACTIVE time of a batch inference job over every user."""
    lines = "\n".join(json.dumps({"userId": user}) for user in made["users"]) + "\n"
    c["s3"].put_object(Bucket=BUCKET, Key="batch/input/users.json", Body=lines.encode())
    p = c["personalize"]
    started = time.perf_counter()
    arn = p.create_batch_inference_job(
        jobName="bench",
        solutionVersionArn=made["version"],
        roleArn=made["role"],
        jobInput={"s3DataSource": {"path": f"s3://{BUCKET}/batch/input/users.json"}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/batch/output/"}},
    )["batchInferenceJobArn"]
    wait(lambda: p.describe_batch_inference_job(batchInferenceJobArn=arn), "batchInferenceJob")
    return time.perf_counter() - started


def measure(seconds: int, answer_cache: bool) -> dict:
    """Every row one server answers: the cache-on server also gives the floor, PutEvents and
    batch inference; the cache-off one also gives every user in turn."""
    process, url = start_server(answer_cache)
    try:
        c = clients(url)
        started = time.perf_counter()
        made = setup(c)
        print(
            f"setup (import + train + deploy on ml-latest-small, answer cache "
            f"{'on' if answer_cache else 'off'}): {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        recommend = signed(
            c["personalize-runtime"], "GetRecommendations", campaignArn=made["campaign"], userId="1"
        )
        cache = "on" if answer_cache else "off"
        rows: list[tuple[str, int, dict]] = []
        for connections in (1, 4, 8):
            rows.append(
                (
                    f"GetRecommendations, user 1 replayed (answer cache {cache})",
                    connections,
                    wrk(recommend["url"], lua_for(recommend), connections, seconds),
                )
            )
        out: dict = {"rows": rows, "users": made["users"]}
        if not answer_cache:
            bodies = [
                json.dumps({"campaignArn": made["campaign"], "userId": u}) for u in made["users"]
            ]
            script = lua_for(recommend, bodies=bodies)
            for connections in (1, 4, 8):
                rows.append(
                    (
                        f"GetRecommendations, the {len(bodies)} users in turn (answer cache off)",
                        connections,
                        wrk(recommend["url"], script, connections, seconds),
                    )
                )
            return out
        floor = signed(c["personalize"], "DescribeDatasetGroup", datasetGroupArn=made["group"])
        for connections in (1, 4, 8):
            rows.append(
                (
                    "floor: DescribeDatasetGroup",
                    connections,
                    wrk(floor["url"], lua_for(floor), connections, seconds),
                )
            )
        events = signed(
            c["personalize-events"],
            "PutEvents",
            trackingId=made["tracking_id"],
            sessionId="s",
            userId="1",
            eventList=[{"eventType": "watch", "itemId": "1", "sentAt": 1}],
        )
        out["put"] = wrk(events["url"], lua_for(events, made["tracking_id"]), 8, seconds)
        out["batch"] = batch_seconds(c, made)
        return out
    finally:
        process.terminate()
        process.wait(timeout=30)


def answers(request: dict, bodies: list[str]) -> list[bytes]:
    """The raw answer to each body (sent with ``request``'s headers), without its
    ``recommendationId``, which is drawn per answer."""
    headers = {
        k: v for k, v in request["headers"].items() if k.lower() not in ("content-length", "host")
    }
    out = []
    for body in bodies:
        sent = urllib.request.Request(request["url"], body.encode(), headers, method="POST")
        with urllib.request.urlopen(sent) as answer:
            out.append(re.sub(rb'"recommendationId":"[^"]*"', b"", answer.read()))
    return out


def compare_scored(seconds: int, baseline: Path, rounds: int) -> None:
    """The scored row (cache off, every user in turn) of this code beside ``baseline``'s.

    Both servers run at once, set up alike; each row is measured on one, then the other,
    ``rounds`` times, so a change in the machine's load falls on both. First, both answer
    every user (25 items), 50 users with 500 items and an unknown user, and their answers are
    compared byte for byte.
    """
    servers = {"baseline": start_server(False, baseline), "this code": start_server(False)}
    try:
        scripts = {}
        checked: dict[str, list[bytes]] = {}
        for name, (_, url) in servers.items():
            c = clients(url)
            made = setup(c)
            recommend = signed(
                c["personalize-runtime"],
                "GetRecommendations",
                campaignArn=made["campaign"],
                userId="1",
            )
            bodies = [
                json.dumps({"campaignArn": made["campaign"], "userId": u}) for u in made["users"]
            ]
            scripts[name] = (recommend["url"], lua_for(recommend, bodies=bodies))
            more = [
                json.dumps({"campaignArn": made["campaign"], "userId": u, "numResults": 500})
                for u in made["users"][:50]
            ]
            more.append(json.dumps({"campaignArn": made["campaign"], "userId": "no-such-user"}))
            checked[name] = answers(recommend, bodies + more)
        differ = sum(a != b for a, b in zip(*checked.values(), strict=True))
        print(
            f"\nAnswers of both servers (every user, 50 users x 500 items, an unknown user): "
            f"{len(checked['baseline'])} compared, {differ} differ"
            + (" (byte-identical)" if not differ else "")
        )
        print(f"\nScored path (answer cache off, users in turn), baseline = {baseline}")
        print("| code | connections | req/s | p50 ms | p99 ms | errors | load avg |")
        print("|---|---|---|---|---|---|---|")
        for _ in range(rounds):
            for connections in (1, 8):
                for name, (url, script) in scripts.items():
                    print(row(f"{name} | {connections}", wrk(url, script, connections, seconds)))
                    sys.stdout.flush()
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. a git worktree of the previous commit): its scored row "
        "is measured beside this code's, alternately",
    )
    parser.add_argument("--rounds", type=int, default=2, help="alternations with --baseline")
    parser.add_argument(
        "--scored-only", action="store_true", help="with --baseline: only that comparison"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if args.baseline is not None:
        compare_scored(args.seconds, args.baseline.resolve(), args.rounds)
        if args.scored_only:
            return 0
    cached = measure(args.seconds, answer_cache=True)
    uncached = measure(args.seconds, answer_cache=False)
    print("\n| request | connections | req/s | p50 ms | p99 ms | errors | load avg |")
    print("|---|---|---|---|---|---|---|")
    for label, connections, result in cached["rows"] + uncached["rows"]:
        print(row(f"{label} | {connections}", result))
    put = cached["put"]
    print(
        f"\nPutEvents, 8 connections: {put['rps']:.0f} calls/s = "
        f"{put['rps'] * 10:.0f} events/s (p99 {put['p99']:.2f} ms, errors {put['errors']})"
    )

    def pick(rows: list, prefix: str, connections: int) -> dict:
        return next(r for label, n, r in rows if label.startswith(prefix) and n == connections)

    one = "GetRecommendations, user 1"
    turn = "GetRecommendations, the"
    print(
        "\n| target | goal | replayed request (cache on) | cache off | users in turn, cache off |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| GetRecommendations, 8 connections | ≥ {TARGETS['rps8']:.0f} req/s | "
        f"{pick(cached['rows'], one, 8)['rps']:.0f} | {pick(uncached['rows'], one, 8)['rps']:.0f}"
        f" | {pick(uncached['rows'], turn, 8)['rps']:.0f} |"
    )
    print(
        f"| p99 at that load | ≤ {TARGETS['p99_8_ms']} ms | "
        f"{pick(cached['rows'], one, 8)['p99']:.2f} ms | "
        f"{pick(uncached['rows'], one, 8)['p99']:.2f} ms | "
        f"{pick(uncached['rows'], turn, 8)['p99']:.2f} ms |"
    )
    print(
        f"| p99, 1 connection | ≤ {TARGETS['p99_1_ms']} ms | "
        f"{pick(cached['rows'], one, 1)['p99']:.2f} ms | "
        f"{pick(uncached['rows'], one, 1)['p99']:.2f} ms | "
        f"{pick(uncached['rows'], turn, 1)['p99']:.2f} ms |"
    )
    print(f"| PutEvents | ≥ {TARGETS['events']:.0f} events/s | {put['rps'] * 10:.0f} | | |")
    print(
        f"| batch inference, all {len(cached['users'])} users | ≤ {TARGETS['batch_s']:.0f} s | "
        f"{cached['batch']:.2f} s | | |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
