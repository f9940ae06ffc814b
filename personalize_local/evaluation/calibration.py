"""Temperature scaling of User-Personalization's scores, fitted on GetSolutionMetrics' split.

The service's scores are probabilities over the catalogue
(https://docs.aws.amazon.com/personalize/latest/dg/how-recommendation-scoring-works.html), and
on MovieLens-sized catalogues the top one is a few hundredths (a real HRNN batch line on ml-1m
starts 0.0775, 0.0633, 0.0583, …): about as likely as a calibrated next-item model makes it.
`models.base.probabilities_of`'s scale-free logits alone put the top item near 0.25 (0.71
for one workshop user). Temperature scaling (Guo et al., "On Calibration of Modern Neural
Networks", ICML 2017, https://arxiv.org/abs/1706.04599) divides those logits by the one
temperature that makes the held-out test users' truth most likely; it keeps every ranking and
only changes how sure the scores look. bench/score_calibration.py measures it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

from personalize_local.models.base import catalogue_logits

#: The search range; a temperature at either end means the split told us little.
BOUNDS = (0.25, 4.0)


def fit_temperature(rows: Iterable[tuple[np.ndarray, np.ndarray]]) -> float:
    """The temperature minimising the mean negative log-likelihood of held-out items.

    ``rows``: per test user, the model's scores over the catalogue and the indexes of the
    user's held-out items. Users with no held-out item the model can score are left out; with
    none left, the temperature is 1.
    """
    kept_logits, kept_truths = [], []
    for scores, truth in rows:
        z = catalogue_logits(scores)
        truth = np.asarray(truth, np.int64)
        truth = truth[(truth >= 0) & (truth < len(z))]
        if len(truth) and np.isfinite(z[truth]).all():
            kept_logits.append(z)
            kept_truths.append(truth)
    if not kept_logits:
        return 1.0
    z = np.array(kept_logits)
    users = np.repeat(np.arange(len(kept_truths)), [len(t) for t in kept_truths])
    items = np.concatenate(kept_truths)
    weights = np.repeat([1.0 / len(t) for t in kept_truths], [len(t) for t in kept_truths])

    def nll(temperature: float) -> float:
        scaled = z / temperature
        log_norm = logsumexp(scaled, axis=1)
        return -float(np.sum(weights * (scaled[users, items] - log_norm[users])))

    found = minimize_scalar(nll, bounds=BOUNDS, method="bounded", options={"xatol": 1e-4})
    return round(float(found.x), 4)
