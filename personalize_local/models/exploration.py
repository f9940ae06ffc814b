"""Item exploration for User-Personalization campaigns (``itemExplorationConfig``).

The service mixes young items into recommendations: ``explorationWeight`` w ∈ [0, 1] sets how
much, ``explorationItemAgeCutOff`` (days) which items are young enough, measured from the
latest interaction. Fewer interactions and impressions mean a larger bonus, so new items get
shown until they have gathered feedback
(https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-new-item-USER_PERSONALIZATION.html).
"""

from __future__ import annotations

import numpy as np


def _unit(scores: np.ndarray) -> np.ndarray:
    """Min-max scale the finite scores to [0, 1]; -inf stays -inf."""
    s = np.asarray(scores, np.float64)
    finite = np.isfinite(s)
    out = np.full_like(s, -np.inf)
    if finite.any():
        lo, hi = s[finite].min(), s[finite].max()
        out[finite] = (s[finite] - lo) / (hi - lo) if hi > lo else 1.0
    return out


def item_age_days(creation_times: np.ndarray, now: float) -> np.ndarray:
    """Age in days of every item at ``now`` (NaN when CREATION_TIMESTAMP is unknown)."""
    return (float(now) - np.asarray(creation_times, np.float64)) / 86400.0


def explore(
    scores: np.ndarray,
    relevance: np.ndarray,
    age_days: np.ndarray,
    interactions: np.ndarray,
    weight: float,
    age_cutoff_days: float,
    rng: np.random.Generator,
    impressions: np.ndarray | None = None,
    noise: float = 0.05,
) -> np.ndarray:
    """Blend exploitation scores with an exploration bonus for young items.

    final_j = (1 − w) · u_j + w · e_j, where u = min-max scaled ``scores`` and, for eligible
    items (0 ≤ age_j ≤ cutoff),

        e_j = (0.5 + 0.5 · relevance_j) / (1 + interactions_j + impressions_j) + noise · U(0, 1),

    and e_j = 0 otherwise. ``relevance`` is the metadata similarity of item j to the user's
    history in [0, 1] (`TrainedModel.cold_item_scores`); the noise is drawn from ``rng`` so a
    seeded campaign reproduces. Items the model ruled out (``-inf``) stay ruled out.

    Parameters
    ----------
    scores : array
        The model's scores over its catalogue.
    relevance : array
        Content relevance of each item for this user, in [0, 1].
    age_days : array
        Item age in days (NaN = unknown, never eligible).
    interactions, impressions : array
        Per item counts of interactions and of impressions that were not clicked.
    weight : float
        ``explorationWeight``; 0 returns the scaled scores unchanged in order.
    age_cutoff_days : float
        ``explorationItemAgeCutOff``.
    rng : numpy Generator
        Source of the tie-breaking noise.
    """
    u = _unit(scores)
    if weight <= 0:
        return u
    ages = np.asarray(age_days, np.float64)
    eligible = np.isfinite(ages) & (ages >= 0) & (ages <= age_cutoff_days) & np.isfinite(u)
    seen = np.asarray(interactions, np.float64)
    if impressions is not None:
        seen = seen + np.asarray(impressions, np.float64)
    rel = np.clip(np.nan_to_num(np.asarray(relevance, np.float64)), 0.0, 1.0)
    bonus = (0.5 + 0.5 * rel) / (1.0 + seen) + noise * rng.random(len(u))
    out = (1.0 - weight) * u
    out[eligible] += weight * bonus[eligible]
    return out
