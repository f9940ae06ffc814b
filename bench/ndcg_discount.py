"""Which NDCG discount did the real service use? The real GetSolutionMetrics answers, tested.

For each real run (the aws-samples notebooks, https://github.com/aws-samples/amazon-personalize-samples;
rows as in bench/quality.py), is there any set of per-user hit ranks that gives all seven
published metrics (MRR@25, NDCG@5/10/25, P@5/10/25, rounded to 4 decimals) under

* ``standard``: the guide's discount 1 / log2(1 + i)
  (https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html);
* ``original``: Järvelin and Kekäläinen's original one, rel_1 + Σ_{i≥2} rel_i / log2(i)
  (`personalize_local.evaluation.metrics.ORIGINAL`)?

1. **One held-out item per user** (the HRNN runs, scored on the last item): an integer
   program over the number of users with a hit at each rank 1–25, for every test-user count
   20–1,300 (``scipy.optimize.milp``).
2. **Several held-out items per user** (the 2020 POC runs, newest 10%): a linear program over
   per-user hit patterns (up to 4 hits in the top 25; NDCG's ideal = the retrieved hits
   sorted), at the smallest test-user count the rounded precisions allow. Infeasible even as a
   linear program means no list fits.

Also checks the one run published with unrounded values (a 2018 HRNN answer, 91 users) by
exhaustive search. Usage: ``python bench/ndcg_discount.py`` (≈ 2 CPU minutes;
5.5 minutes at load 7).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import REAL_ML100K, REAL_POC

RANKS = np.arange(1, 26)
DISCOUNTS = {
    "standard": 1.0 / np.log2(RANKS + 1),
    "original": 1.0 / np.log2(np.maximum(RANKS, 2)),
}
#: ml-1m HRNN runs (aws-samples personalize_temporal_holdout.ipynb @ 3bf16f9 and cd542a2).
REAL_ML1M = {
    "ml-1m aws-hrnn 2019-06": [0.5541, 0.0937, 0.1111, 0.1361, 0.1744, 0.0285, 0.0216, 0.0148],
    "ml-1m aws-hrnn 2019-10": [0.5685, 0.0799, 0.0841, 0.1142, 0.1509, 0.0227, 0.0202, 0.014],
}
#: A 2018 HRNN answer on ml-100k with unrounded values and 91 evaluation users (aws-samples
#: personalize_sample_notebook.ipynb @ 9abd6cb): MRR, NDCG@5/10/25, P@5/10/25.
PREVIEW = (
    91,
    [0.019587187573612913, 0.016483516483516484, 0.027472527472527472, 0.055378468279180526],
    [0.004395604395604396, 0.005494505494505495, 0.006593406593406594],
)
HALF = 0.00005  # half a unit of the fourth decimal


def one_item_fits(run: list[float], users: int, disc: np.ndarray) -> bool:
    """Counts of users with their hit at each rank 1–25 giving all seven rounded metrics."""
    rows, lo, hi = [], [], []
    for k, p in zip((5, 10, 25), run[5:8], strict=True):
        rows.append((k >= RANKS).astype(float))
        lo.append((p - HALF) * k * users)
        hi.append((p + HALF) * k * users)
    for k, n in zip((5, 10, 25), run[2:5], strict=True):
        rows.append(np.where(k >= RANKS, disc, 0.0))
        lo.append((n - HALF) * users)
        hi.append((n + HALF) * users)
    rows.append(1.0 / RANKS)
    lo.append((run[1] - HALF) * users)
    hi.append((run[1] + HALF) * users)
    res = milp(
        np.zeros(25),
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.ones(25),
        bounds=Bounds(0, users),
    )
    return res.status == 0


def smallest_user_count(run: list[float], upto: int = 1300) -> int:
    """The smallest test-user count whose integer hit counts round to the three precisions."""
    for users in range(20, upto):
        if all(
            any(round(h / (k * users), 4) == p for h in range(int(p * k * users) + 3))
            for k, p in zip((5, 10, 25), run[5:8], strict=True)
        ):
            return users
    raise ValueError("no user count fits")


def patterns(max_hits: int = 4):
    yield ()
    for h in range(1, max_hits + 1):
        yield from itertools.combinations(range(1, 26), h)


def pattern_metrics(pattern: tuple[int, ...], disc: np.ndarray) -> list[float]:
    out = [float(sum(r <= k for r in pattern)) for k in (5, 10, 25)]
    for k in (5, 10, 25):
        found = [r for r in pattern if r <= k]
        out.append(disc[[r - 1 for r in found]].sum() / disc[: len(found)].sum() if found else 0.0)
    out.append(1.0 / pattern[0] if pattern else 0.0)
    return out


def several_items_fit(run: list[float], users: int, table: np.ndarray) -> bool:
    """A linear program over per-user hit patterns (a relaxation: infeasible = no list fits)."""
    lo, hi = [], []
    for k, p in zip((5, 10, 25), run[5:8], strict=True):
        lo.append((p - HALF) * k * users)
        hi.append((p + HALF) * k * users)
    for n in (*run[2:5], run[1]):
        lo.append((n - HALF) * users)
        hi.append((n + HALF) * users)
    a = np.vstack([table, np.ones(table.shape[1])])
    res = milp(
        np.zeros(table.shape[1]),
        constraints=LinearConstraint(a, [*lo, users], [*hi, users]),
        integrality=np.zeros(table.shape[1]),
        bounds=Bounds(0, users),
    )
    return res.status == 0


def preview_ranks(disc: np.ndarray) -> list[tuple[int, ...]]:
    """Every list of hit ranks (one per user) giving the unrounded 2018 answer exactly."""
    users, (mrr, *ndcg), precision = PREVIEW
    hits = [round(p * k * users) for p, k in zip(precision, (5, 10, 25), strict=True)]
    found = []
    segments = [range(1, 6), range(6, 11), range(11, 26)]
    counts = [hits[0], hits[1] - hits[0], hits[2] - hits[1]]
    parts = [
        list(itertools.combinations_with_replacement(seg, n))
        for seg, n in zip(segments, counts, strict=True)
    ]
    for a in parts[0]:
        if abs(disc[[r - 1 for r in a]].sum() - ndcg[0] * users) > 1e-9:
            continue
        for b in parts[1]:
            if abs(disc[[r - 1 for r in a + b]].sum() - ndcg[1] * users) > 1e-9:
                continue
            for c in parts[2]:
                ranks = a + b + c
                if (
                    abs(disc[[r - 1 for r in ranks]].sum() - ndcg[2] * users) < 1e-9
                    and abs(sum(1 / r for r in ranks) - mrr * users) < 1e-9
                ):
                    found.append(ranks)
    return found


def main() -> None:
    print("## Which NDCG discount fits the real GetSolutionMetrics (bench/ndcg_discount.py)\n")
    print("2018 HRNN answer, unrounded, 91 users — hit-rank lists that reproduce it exactly:\n")
    for name, disc in DISCOUNTS.items():
        print(f"- {name}: {preview_ranks(disc) or 'none'}")
    print("\n### One held-out item per user (HRNN runs): test-user counts 20–1,299 that fit\n")
    print("| run | standard | original |\n|---|---|---|")
    for name, run in {**REAL_ML100K, **REAL_ML1M}.items():
        cells = []
        for disc in DISCOUNTS.values():
            fits = [u for u in range(20, 1300) if one_item_fits(run, u, disc)]
            cells.append(f"{fits[:4]}{' …' if len(fits) > 4 else ''}" if fits else "none")
        print(f"| {name} | {' | '.join(cells)} |")
    print("\n### Several held-out items per user (2020 POC runs, up to 4 hits per user)\n")
    print("| run | test users | standard | original |\n|---|---|---|---|")
    tables = {
        name: np.array([pattern_metrics(p, disc) for p in patterns()]).T
        for name, disc in DISCOUNTS.items()
    }
    for recipe, runs in REAL_POC.items():
        for i, run in enumerate(runs, 1):
            users = smallest_user_count(run)
            cells = [
                "fits" if several_items_fit(run, users, t) else "**no list fits**"
                for t in tables.values()
            ]
            print(f"| {recipe} (run {i}) | {users} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
