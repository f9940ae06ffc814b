"""How sure do User-Personalization's scores look? Temperature 1 beside the fitted temperature.

The service's scores are probabilities over the catalogue
(https://docs.aws.amazon.com/personalize/latest/dg/how-recommendation-scoring-works.html). A real
HRNN batch line on ml-1m (aws-samples, 3,706 items) starts 0.0775, 0.0633, 0.0583, 0.0529,
0.0472. Training fits a temperature for the served scores on GetSolutionMetrics' own split
(`personalize_local.evaluation.calibration`); this script shows, on that split (seed 0), the
held-out negative log-likelihood and the top-5 scores at temperature 1 (the scale-free rule
alone, as before) and at the fitted temperature. User-Personalization-v2 shares its scores
among its best `V2_CANDIDATES` items only ("a subset of your items"): its row shows that, at its
own fitted temperature.

Usage: ``python bench/score_calibration.py`` (about 20 s).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.special import logsumexp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality

from personalize_local.evaluation.solution_metrics import (
    _batched_scores,
    model_inputs,
    split_temperature,
    user_split,
)
from personalize_local.models.base import catalogue_logits
from personalize_local.models.registry import fit_prepared, prepare
from personalize_local.runtime.scoring import V2_CANDIDATES

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
UP_V2 = UP + "-v2"
REAL_HRNN_ML1M = (0.0775, 0.0633, 0.0583, 0.0529, 0.0472)


def held_out_logits(recipe: str, data) -> tuple[np.ndarray, list[np.ndarray], float]:
    """Catalogue logits of the seed-0 test users, their held-out items, the fitted temperature."""
    prep = prepare(recipe, data, {}, {})
    split = user_split(prep, 0)
    model = fit_prepared(prep, 0, data=split.train)
    to_model = model.item_index(list(prep.data.items))
    histories, weights = model_inputs(to_model, split)
    logits = np.array(
        [catalogue_logits(row) for _, rows in _batched_scores(model, histories, weights)
         for row in rows]
    )  # fmt: skip
    truths = [to_model[t] for t in split.truths]
    return logits, truths, split_temperature(model, prep, split)


def row(name: str, z: np.ndarray, truths: list[np.ndarray], temperature: float) -> str:
    log_p = z - logsumexp(z, axis=1, keepdims=True)
    held = [(u, t[t >= 0]) for u, t in enumerate(truths)]
    usable = [log_p[u, t].mean() for u, t in held if len(t)]
    nll = -np.mean([v for v in usable if np.isfinite(v)])
    top = -np.sort(-np.exp(log_p), axis=1)[:, :5]
    low, mid, high = np.percentile(top[:, 0], [10, 50, 90])
    five = ", ".join(f"{v:.4f}" for v in np.median(top, axis=0))
    return f"| {name} | {temperature:.4f} | {nll:.3f} | {mid:.4f} ({low:.4f}–{high:.4f}) | {five} |"


def main() -> None:
    print("| data | temperature | held-out NLL | top-1 median (10th–90th pct) | median top 5 |")
    print("|---|---|---|---|---|")
    for name, data in (
        ("workshop (01 as committed)", quality.workshop_data()),
        ("ml-100k 4–5★", quality.ml100k_positive()),
    ):
        logits, truths, fitted = held_out_logits(UP, data)
        for temperature in (1.0, fitted):
            print(row(name, logits / temperature, truths, temperature))
        logits, truths, fitted = held_out_logits(UP_V2, data)
        # v2: only each user's best V2_CANDIDATES items share the score (NLL: held-out items
        # outside them count as impossible and are left out, as in the rows above).
        last = V2_CANDIDATES - 1
        kth = -np.partition(-logits, last, axis=1)[:, last : last + 1]
        subset = np.where(logits >= kth, logits / fitted, -np.inf)
        print(row(f"{name}, v2 (best {V2_CANDIDATES})", subset, truths, fitted))
    real = ", ".join(f"{v:.4f}" for v in REAL_HRNN_ML1M)
    print(
        f"| ml-1m, the real service (HRNN batch line) | — | — | {REAL_HRNN_ML1M[0]:.4f} | {real} |"
    )


if __name__ == "__main__":
    main()
