"""Soak benchmark: 8 clients mixing recommendations, events and control calls, with memory.

personalize-local runs in its own process (so its memory is its own), set up as the workshop
leaves it: ml-latest-small interactions and items imported, User-Personalization, SIMS and
Personalized-Ranking trained and deployed, an event tracker and two filters. Then ``--clients``
client processes, each with its own boto3 clients and no retries (an error is an error), run
for ``--duration`` seconds a weighted mix of:

- GetRecommendations on the User-Personalization campaign, without and with a filter (exclude
  what the user watched; a genre filter with filterValues), for known and brand-new users;
- GetRecommendations on the SIMS campaign; GetPersonalizedRanking of 25 items;
- PutEvents of 1–5 events for a random user, one in five a new user, half with an eventId;
- Describe*/List* control calls; now and then CreateFilter, a request with it, DeleteFilter.

Meanwhile the server's RSS is sampled every ``--sample-seconds``. One table per operation
(count, errors, req/s, p50/p99 ms) and one for memory: RSS at start (after setup), after the
warm-up, peak and end, and the least-squares slope of RSS over the second half in MB/min,
beside the events recorded per minute (stored events are kept, as the service keeps them, so
memory may grow with them and no faster). Exits non-zero on any error or server log error.

Usage: ``python bench/soak.py [--duration 600] [--clients 8] [--no-events] [--durable]``
(``--durable`` serves with a fresh ``--data-dir``, so every change is journaled). MovieLens is
read from ``$MOVIELENS_DIR`` (default ``<repo>/../shared/data``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pandas as pd
import psutil
from botocore.config import Config
from botocore.exceptions import ClientError

from personalize_local.testing.schemas import INTERACTIONS, ITEMS

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MOVIELENS_DIR", REPO.parent / "shared" / "data"))
BUCKET = "soak-personalize"
ROLE = "SoakPersonalizeRole"
RECIPE = "arn:aws:personalize:::recipe/{}"
MB = 1024 * 1024

#: Operation → relative weight in the mix.
MIX: dict[str, int] = {
    "GetRecommendations (UP)": 25,
    "GetRecommendations (UP, filter)": 12,
    "GetRecommendations (SIMS)": 10,
    "GetPersonalizedRanking": 10,
    "PutEvents": 25,
    "Describe*/List*": 16,
    "CreateFilter+use+DeleteFilter": 2,
}

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
]


# --- the server ---------------------------------------------------------------------------


def _drain(stream: Any) -> None:
    for _ in stream:
        pass


def start_server(log: Path, data_dir: Path | None) -> tuple[subprocess.Popen, str]:
    """personalize-local in its own process; its log goes to ``log`` (read at the end)."""
    command = [
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
    ]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    # The shell's own settings must not change what is measured (or refuse unsigned clients).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PERSONALIZE_LOCAL_DATA_DIR", "PERSONALIZE_LOCAL_VERIFY_SIGNATURES")
    }
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        cwd=REPO,
        env=env,
    )
    lines = []
    for line in process.stdout if process.stdout else ():
        lines.append(line)  # e.g. what --data-dir restored, before the ready line
        found = re.search(r"http://[^\s)]+", line)
        if found:
            # Keep reading what it prints, so a full pipe never blocks the server mid-run.
            threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
            return process, found.group(0)
    process.kill()
    raise SystemExit(f"personalize-local did not start: {''.join(lines)}\n{log.read_text()}")


def session_clients(url: str, retries: bool = True) -> dict[str, Any]:
    # Without retries a 5xx or a throttle is counted, not hidden; timeouts turn a hang into one.
    config = Config(
        retries={"total_max_attempts": 3 if retries else 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=120,
        max_pool_connections=2,
    )
    session = boto3.Session(
        aws_access_key_id="soak", aws_secret_access_key="soak", region_name="us-east-1"
    )
    return {
        name: session.client(name, endpoint_url=url, config=config)
        for name in ("personalize", "personalize-runtime", "personalize-events", "s3", "iam")
    }


def wait(describe: Callable[[], dict], key: str, timeout: float = 300.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = describe()[key]
        if found["status"] not in ("CREATE PENDING", "CREATE IN_PROGRESS"):
            if found["status"] != "ACTIVE":
                raise RuntimeError(f"{key} ended {found['status']}: {found.get('failureReason')}")
            return found
        time.sleep(0.1)
    raise RuntimeError(f"{key} did not become ACTIVE in {timeout:.0f} s")


def wait_gone(describe: Callable[[], Any], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            describe()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return
            raise
        time.sleep(0.05)
    raise RuntimeError("a deleted resource did not go away")


def bucket_and_role(c: dict[str, Any]) -> str:
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
    statement = {k: v for k, v in policy["Statement"][0].items() if k != "Principal"}
    c["iam"].put_role_policy(
        RoleName=ROLE,
        PolicyName="s3",
        PolicyDocument=json.dumps({**policy, "Statement": [statement]}),
    )
    return role["Role"]["Arn"]


def setup(c: dict[str, Any]) -> dict[str, Any]:
    """The trained, deployed state the clients use; returns what they need to know."""
    ratings = pd.read_csv(DATA / "ml-latest-small" / "ratings.csv")
    movies = pd.read_csv(DATA / "ml-latest-small" / "movies.csv")
    interactions = pd.DataFrame(
        {
            "USER_ID": ratings.userId.astype(str),
            "ITEM_ID": ratings.movieId.astype(str),
            "EVENT_TYPE": "watch",
            "EVENT_VALUE": ratings.rating,
            "TIMESTAMP": ratings.timestamp,
        }
    )
    year = pd.to_numeric(movies.title.str.extract(r"\((\d{4})\)\s*$")[0], errors="coerce")
    items = pd.DataFrame(
        {
            "ITEM_ID": movies.movieId.astype(str),
            "GENRES": movies.genres.where(movies.genres != "(no genres listed)"),
            "YEAR": year.astype("Int64"),
        }
    )
    role = bucket_and_role(c)
    p = c["personalize"]
    group = p.create_dataset_group(name="soak")["datasetGroupArn"]
    wait(lambda: p.describe_dataset_group(datasetGroupArn=group), "datasetGroup")
    jobs = []
    for kind, body, frame in (
        ("Interactions", INTERACTIONS, interactions),
        ("Items", ITEMS, items),
    ):
        key = f"data/{kind.lower()}.csv"
        c["s3"].put_object(Bucket=BUCKET, Key=key, Body=frame.to_csv(index=False).encode())
        schema = p.create_schema(name=f"soak-{kind.lower()}", schema=json.dumps(body))
        dataset = p.create_dataset(
            name=f"soak-{kind.lower()}",
            schemaArn=schema["schemaArn"],
            datasetGroupArn=group,
            datasetType=kind,
        )["datasetArn"]
        wait(lambda dataset=dataset: p.describe_dataset(datasetArn=dataset), "dataset")
        jobs.append(
            p.create_dataset_import_job(
                jobName=f"soak-{kind.lower()}",
                datasetArn=dataset,
                roleArn=role,
                dataSource={"dataLocation": f"s3://{BUCKET}/{key}"},
            )["datasetImportJobArn"]
        )
    for job in jobs:
        wait(
            lambda job=job: p.describe_dataset_import_job(datasetImportJobArn=job),
            "datasetImportJob",
        )
    versions = {}
    for name, recipe in (
        ("up", "aws-user-personalization"),
        ("sims", "aws-sims"),
        ("ranking", "aws-personalized-ranking"),
    ):
        solution = p.create_solution(
            name=f"soak-{name}",
            datasetGroupArn=group,
            recipeArn=RECIPE.format(recipe),
            performAutoTraining=False,
        )["solutionArn"]
        versions[name] = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    campaigns = {}
    for name, version in versions.items():
        wait(
            lambda version=version: p.describe_solution_version(solutionVersionArn=version),
            "solutionVersion",
            timeout=900,
        )
        campaigns[name] = p.create_campaign(name=f"soak-{name}", solutionVersionArn=version)[
            "campaignArn"
        ]
    for arn in campaigns.values():
        wait(lambda arn=arn: p.describe_campaign(campaignArn=arn), "campaign")
    tracker = p.create_event_tracker(name="soak", datasetGroupArn=group)
    wait(
        lambda: p.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]), "eventTracker"
    )
    filters = {}
    for name, expression in (
        ("unseen", 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")'),
        ("genre", "INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)"),
    ):
        arn = p.create_filter(
            name=f"soak-{name}", datasetGroupArn=group, filterExpression=expression
        )["filterArn"]
        wait(lambda arn=arn: p.describe_filter(filterArn=arn), "filter")
        filters[name] = arn
    popular = interactions.ITEM_ID.value_counts()
    return {
        "group": group,
        "campaigns": campaigns,
        "versions": versions,
        "filters": filters,
        "tracking_id": tracker["trackingId"],
        "event_tracker": tracker["eventTrackerArn"],
        "users": sorted(interactions.USER_ID.unique(), key=int),
        # Events and rankings draw from the 2,000 most watched movies, as real traffic would.
        "items": popular.index[:2000].tolist(),
    }


# --- the clients --------------------------------------------------------------------------


class Client:
    """One client process's loop: a weighted mix of calls, each timed."""

    def __init__(self, index: int, url: str, plan: dict[str, Any], seed: int) -> None:
        self.index = index
        self.plan = plan
        self.rng = random.Random(seed)
        c = session_clients(url, retries=False)
        self.p, self.runtime, self.events = (
            c["personalize"],
            c["personalize-runtime"],
            c["personalize-events"],
        )
        self.new_users: list[str] = []
        self.clock = int(time.time())
        self.filters_made = 0
        self.events_sent = 0
        ops: dict[str, Callable[[], None]] = {
            "GetRecommendations (UP)": self.recommend,
            "GetRecommendations (UP, filter)": self.recommend_filtered,
            "GetRecommendations (SIMS)": self.similar,
            "GetPersonalizedRanking": self.rank,
            "PutEvents": self.put_events,
            "Describe*/List*": self.control,
            "CreateFilter+use+DeleteFilter": self.filter_round_trip,
        }
        self.names = list(MIX)
        self.calls = [ops[name] for name in self.names]
        self.weights = [MIX[name] for name in self.names]

    def user(self) -> str:
        if self.new_users and self.rng.random() < 0.2:
            return self.rng.choice(self.new_users[-50:])
        return self.rng.choice(self.plan["users"])

    def recommend(self) -> None:
        self.runtime.get_recommendations(
            campaignArn=self.plan["campaigns"]["up"], userId=self.user(), numResults=25
        )

    def recommend_filtered(self) -> None:
        if self.rng.random() < 0.5:
            self.runtime.get_recommendations(
                campaignArn=self.plan["campaigns"]["up"],
                userId=self.user(),
                numResults=25,
                filterArn=self.plan["filters"]["unseen"],
            )
        else:
            genres = self.rng.sample(GENRES, 2)
            self.runtime.get_recommendations(
                campaignArn=self.plan["campaigns"]["up"],
                userId=self.user(),
                numResults=25,
                filterArn=self.plan["filters"]["genre"],
                filterValues={"GENRES": ",".join(f'"{g}"' for g in genres)},
            )

    def similar(self) -> None:
        self.runtime.get_recommendations(
            campaignArn=self.plan["campaigns"]["sims"],
            itemId=self.rng.choice(self.plan["items"]),
            numResults=25,
        )

    def rank(self) -> None:
        self.runtime.get_personalized_ranking(
            campaignArn=self.plan["campaigns"]["ranking"],
            userId=self.user(),
            inputList=self.rng.sample(self.plan["items"], 25),
        )

    def put_events(self) -> None:
        if self.rng.random() < 0.2:
            user = f"soak-{self.index}-{len(self.new_users)}"
            self.new_users.append(user)
        else:
            user = self.user()
        events = []
        for _ in range(self.rng.randint(1, 5)):
            self.clock += self.rng.randint(1, 30)
            event = {
                "eventType": "watch",
                "itemId": self.rng.choice(self.plan["items"]),
                "eventValue": float(self.rng.randint(1, 5)),
                "sentAt": self.clock,
            }
            if self.rng.random() < 0.5:
                event["eventId"] = str(uuid.uuid4())
            events.append(event)
        self.events.put_events(
            trackingId=self.plan["tracking_id"],
            userId=user,
            sessionId=f"session-{user}",
            eventList=events,
        )
        self.events_sent += len(events)

    def control(self) -> None:
        plan, p = self.plan, self.p
        calls: list[Callable[[], Any]] = [
            lambda: p.describe_campaign(campaignArn=plan["campaigns"]["up"]),
            lambda: p.list_campaigns(),
            lambda: p.describe_solution_version(solutionVersionArn=plan["versions"]["up"]),
            lambda: p.list_solution_versions(),
            lambda: p.describe_dataset_group(datasetGroupArn=plan["group"]),
            lambda: p.list_datasets(datasetGroupArn=plan["group"]),
            lambda: p.list_filters(datasetGroupArn=plan["group"]),
            lambda: p.describe_filter(filterArn=plan["filters"]["genre"]),
            lambda: p.describe_event_tracker(eventTrackerArn=plan["event_tracker"]),
            lambda: p.list_dataset_import_jobs(),
            lambda: p.list_recipes(),
        ]
        self.rng.choice(calls)()

    def filter_round_trip(self) -> None:
        self.filters_made += 1
        arn = self.p.create_filter(
            name=f"soak-{self.index}-{self.filters_made}",
            datasetGroupArn=self.plan["group"],
            filterExpression=f"EXCLUDE ItemID WHERE Items.YEAR < {1930 + self.filters_made % 80}",
        )["filterArn"]
        wait(lambda: self.p.describe_filter(filterArn=arn), "filter", timeout=30)
        # A fresh filter is compiled on first use: this exercises the serving caches' bounds.
        self.runtime.get_recommendations(
            campaignArn=self.plan["campaigns"]["up"], userId=self.user(), filterArn=arn
        )
        self.p.delete_filter(filterArn=arn)
        wait_gone(lambda: self.p.describe_filter(filterArn=arn))

    def run(self, until: float) -> dict[str, Any]:
        latencies: dict[str, list[float]] = {name: [] for name in self.names}
        errors: dict[str, int] = dict.fromkeys(self.names, 0)
        messages: list[str] = []
        while time.time() < until:
            [which] = self.rng.choices(range(len(self.calls)), weights=self.weights)
            name = self.names[which]
            started = time.perf_counter()
            try:
                self.calls[which]()
            except Exception as error:  # every failure counts, whatever raised it
                errors[name] += 1
                if len(messages) < 5:
                    messages.append(f"{name}: {error}")
                continue
            latencies[name].append((time.perf_counter() - started) * 1000.0)
        return {
            "latencies": latencies,
            "errors": errors,
            "messages": messages,
            "events": self.events_sent,
        }


def client_main(
    index: int,
    url: str,
    plan: dict[str, Any],
    mix: dict[str, int],
    ready: Any,
    go: Any,
    start: Any,
    seconds: float,
    results: Any,
) -> None:
    MIX.update(mix)  # a spawned process starts from the module's defaults
    try:
        client = Client(index, url, plan, seed=1000 + index)
    except Exception as error:  # reported as this client's only result
        ready.put(index)
        results.put(
            (
                index,
                {
                    "latencies": {n: [] for n in MIX},
                    "errors": {n: 0 for n in MIX},
                    "messages": [f"client {index} did not start: {error}"],
                    "events": 0,
                },
            )
        )
        return
    ready.put(index)
    go.wait()
    results.put((index, client.run(start.value + seconds)))


# --- measuring and reporting --------------------------------------------------------------


def slope_mb_per_min(samples: list[tuple[float, float]], since: float) -> float:
    """Least-squares slope of RSS (MB) against time (minutes) over the samples after ``since``."""
    tail = [(t, rss) for t, rss in samples if t >= since]
    if len(tail) < 3:
        return float("nan")
    t, rss = np.array(tail).T
    return float(np.polyfit(t / 60.0, rss / MB, 1)[0])


def rss_at(samples: list[tuple[float, float]], when: float) -> float:
    return min(samples, key=lambda s: abs(s[0] - when))[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=8, help="client processes")
    parser.add_argument("--sample-seconds", type=float, default=2.0, help="RSS sampling period")
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="seconds counted as warm-up (default 10%% of --duration, 5–60 s)",
    )
    parser.add_argument(
        "--no-events",
        action="store_true",
        help="leave PutEvents out: without stored events, RSS should level off",
    )
    parser.add_argument(
        "--durable",
        action="store_true",
        help="serve with --data-dir (a fresh temporary one): the journal's cost",
    )
    args = parser.parse_args()
    if args.no_events:
        MIX["PutEvents"] = 0
    warmup = args.warmup if args.warmup is not None else min(60.0, max(5.0, args.duration / 10))

    scratch = Path(tempfile.mkdtemp(prefix="soak-"))
    log = scratch / "server.log"
    data_dir = scratch / "data" if args.durable else None
    server, url = start_server(log, data_dir)
    process = psutil.Process(server.pid)
    failed = False
    try:
        began = time.perf_counter()
        plan = setup(session_clients(url))
        print(
            f"setup (2 imports, 3 trainings, 3 campaigns on ml-latest-small): "
            f"{time.perf_counter() - began:.1f} s; {args.clients} clients for "
            f"{args.duration:.0f} s",
            file=sys.stderr,
        )

        spawn = mp.get_context("spawn")  # clean client processes, as separate programs are
        ready, results, go = spawn.Queue(), spawn.Queue(), spawn.Event()
        start = spawn.Value("d", 0.0)
        workers = [
            spawn.Process(
                target=client_main,
                args=(i, url, plan, dict(MIX), ready, go, start, args.duration, results),
            )
            for i in range(args.clients)
        ]
        for worker in workers:
            worker.start()
        for _ in workers:
            ready.get(timeout=120)

        cpu_before = sum(process.cpu_times()[:2])
        before = {
            "rss": process.memory_info().rss,
            "threads": process.num_threads(),
            "fds": process.num_fds() if hasattr(process, "num_fds") else -1,
        }
        start.value = time.time()
        go.set()
        samples: list[tuple[float, float]] = [(0.0, float(before["rss"]))]
        finished: dict[int, dict[str, Any]] = {}
        next_report = 60.0
        while len(finished) < len(workers):
            time.sleep(args.sample_seconds)
            elapsed = time.time() - start.value
            if server.poll() is not None:
                raise RuntimeError(f"personalize-local exited with {server.returncode}")
            if elapsed <= args.duration + args.sample_seconds:
                samples.append((elapsed, float(process.memory_info().rss)))
            if elapsed >= next_report:
                print(f"  {elapsed:4.0f} s  RSS {samples[-1][1] / MB:7.1f} MB", file=sys.stderr)
                next_report += 60.0
            while not results.empty():
                index, result = results.get()
                finished[index] = result
            if elapsed > args.duration + 300:
                raise RuntimeError("clients did not finish within 5 minutes of the end")
        for worker in workers:
            worker.join(timeout=30)
        wall = time.time() - start.value
        cpu = sum(process.cpu_times()[:2]) - cpu_before
        after = {
            "rss": process.memory_info().rss,
            "threads": process.num_threads(),
            "fds": process.num_fds() if hasattr(process, "num_fds") else -1,
        }
        load = os.getloadavg()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    print(
        f"\n{args.clients} clients, {args.duration:.0f} s, load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min), "
        f"{os.cpu_count()} cores; server CPU {cpu / wall * 100:.0f}% of one core\n"
    )
    print("| operation | count | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    total, total_errors = 0, 0
    for name in MIX:
        times = np.concatenate([np.asarray(r["latencies"][name]) for r in finished.values()])
        errors = sum(r["errors"][name] for r in finished.values())
        total += len(times)
        total_errors += errors
        p50, p99 = np.percentile(times, [50, 99]) if len(times) else (float("nan"),) * 2
        print(
            f"| {name} | {len(times)} | {errors} | {len(times) / args.duration:.1f} "
            f"| {p50:.1f} | {p99:.1f} |"
        )
    print(f"| **all** | {total} | {total_errors} | {total / args.duration:.1f} | | |")

    events = sum(r["events"] for r in finished.values())
    half = args.duration / 2
    slope = slope_mb_per_min(samples, half)
    per_min = events / (args.duration / 60)
    peak = max(rss for _, rss in samples)
    print("\n| memory (server RSS) | MB |\n|---|---|")
    print(f"| start (after setup) | {samples[0][1] / MB:.1f} |")
    print(f"| after warm-up ({warmup:.0f} s) | {rss_at(samples, warmup) / MB:.1f} |")
    print(f"| peak | {peak / MB:.1f} |")
    print(f"| end | {samples[-1][1] / MB:.1f} |")
    print(f"| slope over the second half | {slope:+.2f} MB/min |")
    print(
        f"\n{events} events recorded ({per_min:.0f}/min): the second half's slope is "
        f"{slope * MB / per_min if per_min else float('nan'):.0f} bytes per recorded event; "
        f"threads {before['threads']} → {after['threads']}, open files "
        f"{before['fds']} → {after['fds']}; {len(samples)} RSS samples."
    )

    if data_dir is not None:
        size = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file())
        print(f"--durable: the data directory held {size / MB:.1f} MB at the end.")
    logged = log.read_text()
    problems = [m for r in finished.values() for m in r["messages"]]
    if total_errors or problems:
        failed = True
        print("\nerrors:\n  " + "\n  ".join(problems), file=sys.stderr)
    if re.search(r"^(ERROR|CRITICAL)|Traceback", logged, re.MULTILINE):
        failed = True
        print(f"\nthe server logged errors ({log}):\n{logged[-3000:]}", file=sys.stderr)
    if not failed:
        shutil.rmtree(scratch, ignore_errors=True)  # kept when something failed, to look at
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
