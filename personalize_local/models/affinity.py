"""User segmentation (Item-Affinity, Item-Attribute-Affinity): users ranked for items.

A user's affinity for a set of items J is the UP engine's score of those items given the user's
training history, computed for all users at once:

    a_u = Σ_{j ∈ J} ( cf_uj / max|cf_·J| + β · T[last_u, j] / max T[last_·, J] )

with cf = H B (EASE; H = recency-weighted histories) or U Yᵀ (ALS). Users with no history, and
users who already interacted with every queried item when the data never repeats, are ruled
out (−inf). Item-Attribute-Affinity sums over the items matching an attribute expression
(`attributes.matching_items`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from personalize_local.models.attributes import matching_items
from personalize_local.models.engine import UserPersonalizationModel
from personalize_local.models.sequences import history_matrix


def user_affinity(model: UserPersonalizationModel, items: np.ndarray) -> np.ndarray:
    """Affinity of every training user for the item indexes ``items`` (see module docstring)."""
    seqs = model.train_histories
    if seqs is None:
        raise NotImplementedError("train with keep_histories=True to score users")
    n_users = seqs.n_users
    if len(items) == 0:
        return np.full(n_users, -np.inf)
    weighted = history_matrix(seqs, len(model.item_ids), model.history_weights(seqs))
    if model.ease_b is not None:
        pos = np.searchsorted(model.ease_items, items)
        pos = np.minimum(pos, max(len(model.ease_items) - 1, 0))
        ok = len(model.ease_items) > 0
        ok = ok & (model.ease_items[pos] == items) if ok else np.zeros(len(items), bool)
        cf = np.zeros(n_users)
        if ok.any():
            column = model.ease_b[:, pos[ok]].sum(axis=1)
            cf = np.asarray(weighted[:, model.ease_items] @ column).ravel()
    else:
        if getattr(model, "user_factors", None) is None:
            model.user_factors = model.als.fold_in(weighted)
        cf = model.user_factors @ model.als.item_factors[items].sum(axis=0)
    peak = np.abs(cf).max()
    score = cf / peak if peak > 0 else cf.astype(np.float64)
    last = seqs.last_items()
    has = last >= 0
    trans = np.zeros(n_users)
    if has.any():
        trans[has] = np.asarray(model.transitions[last[has]][:, items].sum(axis=1)).ravel()
    if trans.max() > 0:
        score = score + model.settings.beta * trans / trans.max()
    if model.repeat < model.settings.repeat_floor:
        seen = history_matrix(seqs, len(model.item_ids), seqs.weights)
        all_seen = np.asarray((seen[:, items] > 0).sum(axis=1)).ravel() == len(items)
        score[all_seen] = -np.inf
    score[~has] = -np.inf
    return score


class AffinityModel(UserPersonalizationModel):
    """The UP engine kept with its training histories, for batch segment jobs."""

    def score_users_for_attributes(self, expression: str) -> np.ndarray:
        """Affinity of every user for the items matching ``ITEMS.<col> = "<value>" [AND …]``."""
        return user_affinity(self, self.items_matching(expression))

    def items_matching(self, expression: str) -> np.ndarray:
        """Model indexes of the items whose metadata satisfies the expression."""
        return matching_items(self.items_meta, self.item_ids, expression)

    def top_users(self, item_ids: Sequence[str] | None = None, expression: str | None = None,
                  n: int = 25) -> np.ndarray:
        """The ``n`` user ids with the highest affinity (ties by user order)."""
        scores = (self.score_users_for_attributes(expression) if expression is not None
                  else self.score_users_for_items(item_ids or []))
        finite = np.flatnonzero(np.isfinite(scores))
        order = finite[np.lexsort((finite, -scores[finite]))][:n]
        return self.user_ids[order]
