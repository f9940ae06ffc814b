"""HRNN-Coldstart (legacy aws-hrnn-coldstart): recommend only from a pool of cold items.

Cold items are those with at most ``cold_start_max_interactions`` interactions whose
CREATION_TIMESTAMP lies within ``cold_start_max_duration`` days of the reference time (the
latest interaction, ``latestItem``, or the training time, ``currentTime``). The service fails
the solution version outside 100–80,000 cold items. A cold item j is scored for a history by

    s_j = ½ · u_j + ½ · cos(f_j, profile(history)),

where u is the UP engine's score min-max scaled over the pool (cold items have few
interactions, so metadata carries most of the signal). Every other item scores −inf.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from personalize_local.errors import InvalidInputException
from personalize_local.models.engine import EngineSettings, UserPersonalizationModel
from personalize_local.models.metadata import profile_similarity
from personalize_local.models.sequences import Sequences

MIN_COLD_ITEMS, MAX_COLD_ITEMS = 100, 80_000


class ColdstartModel(UserPersonalizationModel):
    """The UP engine restricted to a cold-item pool."""

    cold_mask: np.ndarray
    #: The cold pool re-scales the engine's batch scores: one path for every caller.
    scores_one_directly = False

    @classmethod
    def fit_coldstart(
        cls,
        data,
        settings: EngineSettings,
        seed: int,
        *,
        max_interactions: int,
        max_duration_days: float,
        relative_from: str,
        **kwargs,
    ) -> ColdstartModel:
        model = cls.fit(data, settings, seed, **kwargs)
        created = model.creation_times
        reference = float(data.timestamp.max()) if relative_from == "latestItem" else time.time()
        young = np.isfinite(created) & (reference - created <= max_duration_days * 86400.0)
        model.cold_mask = young & (
            np.bincount(data.item_idx, minlength=data.n_items) <= max_interactions
        )
        n_cold = int(model.cold_mask.sum())
        if not MIN_COLD_ITEMS <= n_cold <= MAX_COLD_ITEMS:
            raise InvalidInputException(
                f"The number of cold items ({n_cold}) must be between {MIN_COLD_ITEMS} and "
                f"{MAX_COLD_ITEMS}; adjust cold_start_max_interactions or "
                "cold_start_max_duration."
            )
        return model

    def score_histories(
        self, histories: Sequence[np.ndarray], weights: Sequence[np.ndarray] | None = None
    ) -> np.ndarray:
        base = super().score_histories(histories, weights)
        out = np.full_like(base, -np.inf)
        pool = np.flatnonzero(self.cold_mask)
        seqs = Sequences.from_lists(list(histories), None if weights is None else list(weights))
        rw = self.history_weights(seqs)
        for r in range(base.shape[0]):
            lo, hi = seqs.indptr[r], seqs.indptr[r + 1]
            u = base[r, pool]
            finite = np.isfinite(u)
            span = (u[finite].max() - u[finite].min()) if finite.any() else 0.0
            u = np.where(
                finite,
                (u - (u[finite].min() if finite.any() else 0.0)) / (span if span > 0 else 1.0),
                0.0,
            )
            content = profile_similarity(self.features, seqs.items[lo:hi], rw[lo:hi])[pool]
            out[r, pool] = 0.5 * u + 0.5 * np.clip(content, 0.0, 1.0)
        return out
