"""Training-time benchmark: seconds and peak memory per solution version.

A solution version costs `evaluate_solution` (train on 90% of the users, score the rest) plus
`train` (the served model, on everything). Each measurement runs in a fresh child process,
which reports its own wall time and peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``),
so runs do not share caches or memory. Tables are printed in Markdown beside the real
service's times (`REAL_TIMES`) and the library anchors.

``--large`` adds User-Personalization on a synthetic 25M-interaction dataset
(≈162k users × 62k items, power-law item popularity, topical sessions), generated seeded
inside the child; the targets are ≤ 10 min and ≤ 12 GB peak RSS. It takes several minutes.

Usage: ``python bench/training.py [--large] [--large-only] [--events 25000095]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

# Real service times for comparison, observed in public notebooks: the 2020 workshop
# (https://github.com/jihys/startup-personalize-workshop), the aws-samples notebooks
# (https://github.com/aws-samples/amazon-personalize-samples) and their PersonalizeCheatSheet2.0.md.
REAL_TIMES = [
    ("HRNN solution version, ml-100k 4–5 stars", "46–58 min"),
    (
        "User-Personalization, ml-latest-small POC (notebook estimate)",
        "≈ 90 min (SIMS, ranking ≈ 35 min)",
    ),
    ("4 solution versions in parallel, ML-1M warm half", "37–43 min"),
    ("User-Personalization, MovieLens 25M (CheatSheet)", "≈ 6 h (53.9 billed hours)"),
]


# ------------------------------------------------------------------------ synthetic data
def synthetic_frame(
    n_users: int = 162_541,
    n_items: int = 62_423,
    n_events: int = 25_000_095,
    seed: int = 0,
    topics: int = 100,
) -> pd.DataFrame:
    """A seeded ml-25m-sized interaction log with realistic structure.

    * item popularity follows a power law (weight ∝ 1 / (rank + 10)^1.1, ids shuffled);
    * every item belongs to one of ``topics`` topics; each user prefers five topics, drawn
      by topic popularity;
    * users have log-normal history lengths (at least 20 events, like MovieLens);
    * histories are sessions (mean 8 events, 30–300 s apart; days apart between sessions);
      a session draws its items by popularity from one preferred topic (70%) or from the
      whole catalogue (30%);
    * each (user, item) pair is kept once, as in a ratings log; further draws scale the
      history lengths until about ``n_events`` unique pairs remain, and extra rows are
      dropped at random.
    """
    factor = 1.15
    frame = _draw_log(n_users, n_items, n_events, seed, topics, factor)
    for _ in range(3):
        if len(frame) >= 0.995 * n_events:
            break
        factor *= n_events / len(frame) * 1.02
        frame = _draw_log(n_users, n_items, n_events, seed, topics, factor)
    return frame


def _draw_log(
    n_users: int, n_items: int, n_events: int, seed: int, topics: int, factor: float
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weight = 1.0 / (np.arange(n_items) + 10.0) ** 1.1
    weight = weight[rng.permutation(n_items)]
    item_topic = rng.integers(topics, size=n_items)
    by_topic = np.argsort(item_topic, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(weight[by_topic])])
    bounds = np.searchsorted(item_topic[by_topic], np.arange(topics + 1))
    # topic `topics` stands for the whole catalogue
    start = np.concatenate([cum[bounds[:-1]], [0.0]])
    mass = np.concatenate([cum[bounds[1:]] - cum[bounds[:-1]], [cum[-1]]])

    lengths = np.maximum(20, rng.lognormal(4.0, 1.0, n_users))
    lengths = np.maximum(20, lengths * (factor * n_events / lengths.sum())).astype(np.int64)
    total = int(lengths.sum())
    user = np.repeat(np.arange(n_users, dtype=np.int32), lengths)
    pos = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    new_session = (pos == 0) | (rng.random(total) < 1 / 8)
    session = np.cumsum(new_session) - 1
    n_sessions = int(session[-1]) + 1
    prefs = rng.choice(topics, size=(n_users, 5), p=mass[:topics] / mass[:topics].sum())
    s_user = user[new_session]
    s_topic = np.where(
        rng.random(n_sessions) < 0.7, prefs[s_user, rng.integers(5, size=n_sessions)], topics
    )
    topic = s_topic[session]
    draw = start[topic] + rng.random(total) * mass[topic]
    slot = np.clip(np.searchsorted(cum, draw, side="right") - 1, 0, n_items - 1)
    item = by_topic[slot].astype(np.int32)

    first = rng.integers(1_300_000_000, 1_450_000_000, size=n_users)
    gaps = np.where(
        new_session, rng.exponential(3 * 86400, total), rng.integers(30, 300, total)
    ).astype(np.int64)
    gaps[pos == 0] = 0
    csum = np.cumsum(gaps)
    ts = np.repeat(first, lengths) + csum - np.repeat(csum[np.cumsum(lengths) - lengths], lengths)

    key = user.astype(np.int64) * n_items + item
    _, keep = np.unique(key, return_index=True)
    if len(keep) > n_events:
        keep = rng.choice(keep, size=n_events, replace=False)
    keep.sort()
    return pd.DataFrame({"USER_ID": user[keep], "ITEM_ID": item[keep], "TIMESTAMP": ts[keep]})


# ------------------------------------------------------------------------ child tasks
def load(dataset: str):
    """The InteractionData of a named dataset (inside the child)."""
    import quality

    from personalize_local.models import InteractionData

    if dataset == "ml-100k":
        return quality.ml100k_positive()
    if dataset == "poc":
        return quality.poc()
    if dataset == "ml-latest-small":
        r = pd.read_csv(quality.data_dir() / "ml-latest-small" / "ratings.csv")
        r.columns = ["USER_ID", "ITEM_ID", "RATING", "TIMESTAMP"]
        return InteractionData.from_frames(r)
    if dataset.startswith("synthetic"):
        n = int(dataset.split(":")[1]) if ":" in dataset else 25_000_095
        scale = n / 25_000_095
        frame = synthetic_frame(
            max(1000, int(162_541 * scale)), max(500, int(62_423 * scale**0.5)), n
        )
        return InteractionData.from_frames(frame)
    raise ValueError(dataset)


def child(dataset: str, recipe: str) -> dict:
    """Load, evaluate and train one solution version; report times and peak RSS."""
    from personalize_local.evaluation.solution_metrics import evaluate_solution
    from personalize_local.models import train

    t0 = time.perf_counter()
    data = load(dataset)
    t1 = time.perf_counter()
    # As training does: the metrics and the served scores' temperature, from one split.
    metrics = evaluate_solution(recipe, data, {}, {}, seed=0).metrics
    t2 = time.perf_counter()
    model = train(recipe, data, {}, {}, seed=0)
    t3 = time.perf_counter()
    path = (
        "ALS"
        if getattr(model, "als", None) is not None
        else ("EASE" if getattr(model, "ease_b", None) is not None else "-")
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "load": t1 - t0,
        "metrics": t2 - t1,
        "train": t3 - t2,
        "cpu": usage.ru_utime + usage.ru_stime,
        "load_avg": os.getloadavg()[0],
        "rss_gb": usage.ru_maxrss / 1024**2,
        "interactions": len(data),
        "users": data.n_users,
        "items": data.n_items,
        "path": path,
        "ndcg10": metrics.get("normalized_discounted_cumulative_gain_at_10", float("nan")),
    }


def measure(dataset: str, recipe: str) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    out = subprocess.run(
        [sys.executable, __file__, "--child", dataset, recipe],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{dataset}/{recipe} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def row(dataset: str, recipe: str) -> str:
    r = measure(dataset, recipe)
    total = r["metrics"] + r["train"]
    ndcg = "—" if np.isnan(r["ndcg10"]) else f"{r['ndcg10']:.4f}"
    return (
        f"| {dataset} | {recipe} | {r['interactions']:,} | {r['items']:,} | {r['path']} | "
        f"{r['load']:.1f} | {r['metrics']:.2f} | {r['train']:.2f} | **{total:.2f}** | "
        f"{r['cpu']:.0f} | {r['rss_gb']:.2f} | {r['load_avg']:.1f} | {ndcg} |"
    )


HEADER = (
    "| Data | Recipe | Interactions | Items | B | load s | metrics s | train s | "
    "**version s** | CPU s (whole child) | peak RSS GB | load avg | N@10 |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="add the synthetic 25M run")
    parser.add_argument("--large-only", action="store_true", help="only the synthetic run")
    parser.add_argument(
        "--events",
        type=int,
        default=25_000_095,
        help="size of the synthetic set (default 25,000,095)",
    )
    parser.add_argument("--child", nargs=2, metavar=("DATASET", "RECIPE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    print("## Training time (bench/training.py)\n")
    print(
        "One solution version = GetSolutionMetrics (fit on 90% of users + scoring) + the "
        "served model (fit on all data). Each row is a fresh process; peak RSS and CPU "
        "seconds include loading (or generating) the data; the 1-minute load average at the "
        "end of the row shows how busy the 2 cores were.\n"
    )
    print(HEADER)
    if not args.large_only:
        for dataset in ("ml-100k", "poc", "ml-latest-small"):
            for recipe in (
                "aws-user-personalization",
                "aws-personalized-ranking",
                "aws-sims",
                "aws-similar-items",
                "aws-popularity-count",
                "aws-item-affinity",
            ):
                print(row(dataset, recipe), flush=True)
    if args.large or args.large_only:
        print(row(f"synthetic:{args.events}", "aws-user-personalization"), flush=True)
    print("\nReal service, for comparison:\n\n| Job | Time |\n|---|---|")
    for job, t in REAL_TIMES:
        print(f"| {job} | {t} |")


if __name__ == "__main__":
    main()
