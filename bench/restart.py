"""Restart time under --data-dir: the whole journal replayed vs a checkpoint plus its tail.

    .venv/bin/python bench/restart.py

Runs a workshop-sized flow through boto3 against personalize-local with a fresh --data-dir (the
setup of bench/soak.py: ml-latest-small interactions and items from $MOVIELENS_DIR, a bucket and
role, User-Personalization, SIMS and Personalized-Ranking trained and deployed, an event
tracker, two filters; plus Popularity-Count and a batch inference job, as notebooks 02 and 03
do), stops the server (a clean shutdown writes a checkpoint), copies the data dir, and times
a restart until the ready line (the server answers from then on) three ways: the whole
journal with checkpoints off (``PERSONALIZE_LOCAL_CHECKPOINT=0``), the checkpoint alone, and
the checkpoint after a kill -9 that left a tail of PutEvents. Prints one Markdown table.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak  # bench/ is not a package: found through sys.path above


def start(data_dir: Path, checkpoint: bool) -> tuple[subprocess.Popen, str, float, str]:
    """Start on ``data_dir``; (process, url, seconds until ready, what it restored)."""
    env = dict(os.environ, PERSONALIZE_LOCAL_CHECKPOINT="1" if checkpoint else "0")
    command = [sys.executable, "-m", "personalize_local.cli", "serve", "--port", "0"]
    command += ["--seed", "1", "--transition-seconds", "0", "--data-dir", str(data_dir)]
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=soak.REPO, env=env
    )
    restored = ""
    for line in process.stdout or ():
        if "restored" in line:
            restored = line.split(": ", 1)[-1].strip()
        if "ready at" in line:
            url = line.split("ready at", 1)[1].split()[0]
            return process, url, time.perf_counter() - began, restored
    raise SystemExit(f"personalize-local did not start on {data_dir}")


def stop(process: subprocess.Popen, kill: bool = False) -> None:
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    process.wait(timeout=120)


def workshop(url: str) -> dict:
    clients = soak.session_clients(url)
    plan = soak.setup(clients)
    p = clients["personalize"]
    solution = p.create_solution(
        name="restart-popular",
        datasetGroupArn=plan["group"],
        recipeArn=soak.RECIPE.format("aws-popularity-count"),
    )["solutionArn"]
    version = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    soak.wait(lambda: p.describe_solution_version(solutionVersionArn=version), "solutionVersion")
    users = "".join(json.dumps({"userId": u}) + "\n" for u in plan["users"][:50])
    clients["s3"].put_object(Bucket=soak.BUCKET, Key="batch/users.json", Body=users.encode())
    job = p.create_batch_inference_job(
        jobName="restart-batch",
        solutionVersionArn=plan["versions"]["up"],
        jobInput={"s3DataSource": {"path": f"s3://{soak.BUCKET}/batch/users.json"}},
        jobOutput={"s3DataDestination": {"path": f"s3://{soak.BUCKET}/batch/out/"}},
        roleArn=f"arn:aws:iam::123456789012:role/{soak.ROLE}",
    )["batchInferenceJobArn"]
    soak.wait(lambda: p.describe_batch_inference_job(batchInferenceJobArn=job), "batchInferenceJob")
    return plan


def first_answer(url: str, plan: dict) -> list[str]:
    runtime = soak.session_clients(url)["personalize-runtime"]
    answer = runtime.get_recommendations(campaignArn=plan["campaigns"]["up"], userId="1")
    return [item["itemId"] for item in answer["itemList"]]


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="restart-bench-"))
    try:
        process, url, _, _ = start(root / "state", checkpoint=True)
        began = time.perf_counter()
        plan = workshop(url)
        flow = time.perf_counter() - began
        expected = first_answer(url, plan)
        stop(process)
        journal = (root / "state" / "journal.jsonl").stat().st_size
        checkpoint = (root / "state" / "checkpoint.bin").stat().st_size
        shutil.copytree(root / "state", root / "full")
        rows = []
        for label, directory, use in (
            ("whole journal replayed (checkpoints off)", root / "full", False),
            ("checkpoint", root / "state", True),
        ):
            process, url, seconds, restored = start(directory, checkpoint=use)
            same = first_answer(url, plan) == expected
            rows.append((label, seconds, restored, same))
            if use:  # a tail after the checkpoint, then a crash
                events = soak.session_clients(url)["personalize-events"]
                for n in range(200):
                    events.put_events(
                        trackingId=plan["tracking_id"],
                        userId="1",
                        sessionId="bench",
                        eventList=[{"eventType": "watch", "itemId": "1", "sentAt": 1e9 + n}],
                    )
            stop(process, kill=use)
        process, url, seconds, restored = start(root / "state", checkpoint=True)
        rows.append(("checkpoint + 200-record tail after kill -9", seconds, restored, True))
        stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"Workshop flow {flow:.0f} s; journal {journal / 2**20:.1f} MiB, ", end="")
    print(f"checkpoint {checkpoint / 2**20:.1f} MiB. Machine: {load}\n")
    print("| restart | ready after (s) | restored | same first answer |")
    print("|---|---:|---|---|")
    for label, seconds, restored, same in rows:
        print(f"| {label} | {seconds:.1f} | {restored} | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
