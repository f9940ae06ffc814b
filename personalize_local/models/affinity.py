"""User segmentation (Item-Affinity, Item-Attribute-Affinity): users ranked for items.

A user's affinity for a set of items J is the UP engine's score of those items given the user's
training history, computed for all users at once:

    a_u = Σ_{j ∈ J} ( cf_uj / max|cf_·J| + β · T[last_u, j] / max T[last_·, J] )

with cf = H B (EASE; H = recency-weighted histories) or U Yᵀ (ALS). Users with no history, and
users who already interacted with every queried item when the data never repeats, are ruled
out (−inf).

Item-Attribute-Affinity asks for "the users most likely to interact with items with the
particular attribute" (https://docs.aws.amazon.com/personalize/latest/dg/item-attribute-affinity-recipe.html).
For the items J carrying the queried attribute values it adds to the collaborative part above
the user's own taste for the attribute, the share of the user's (recency-weighted) history that
has it:

    a_u = cf-and-transition part over J + s_u / max s_·J,   s_u = Σ_{j ∈ J} H_uj / Σ_j H_uj

and, unlike Item-Affinity, keeps users who already interacted with items of the attribute: they
are the attribute's most likely audience, not users to leave out. How the service weighs the two
parts is not documented: the equal weighting is a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from personalize_local.models.attributes import matching_items
from personalize_local.models.engine import UserPersonalizationModel
from personalize_local.models.sequences import history_matrix


def _history_state(model: UserPersonalizationModel):
    """(weighted history, seen matrix, last item per user), computed once per model."""
    cached = getattr(model, "_cache_affinity", None)
    if cached is None:
        seqs = model.train_histories
        if seqs is None:
            raise NotImplementedError("train with keep_histories=True to score users")
        n = len(model.item_ids)
        cached = (
            history_matrix(seqs, n, model.history_weights(seqs)).tocsr(),
            history_matrix(seqs, n, seqs.weights).tocsc(),
            seqs.last_items(),
        )
        model._cache_affinity = cached
    return cached


def _pick(n_items: int, columns: list[np.ndarray]) -> sp.csr_matrix:
    """items × queries indicator, so every query is one column of a sparse product."""
    rows = np.concatenate(columns) if columns else np.zeros(0, np.int64)
    cols = np.repeat(np.arange(len(columns)), [len(c) for c in columns])
    return sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(n_items, len(columns))
    )


def attribute_affinity_columns(
    model: UserPersonalizationModel, columns: list[np.ndarray]
) -> np.ndarray:
    """Item-Attribute-Affinity of every user for each item set of ``columns`` (module doc)."""
    weighted, _, last = _history_state(model)
    score = affinity_columns(model, columns, leave_out_seen=False)
    pick = _pick(len(model.item_ids), columns)
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    inside = np.asarray((weighted @ pick).todense(), dtype=np.float64)
    share = np.divide(inside, totals[:, None], out=np.zeros_like(inside), where=totals[:, None] > 0)
    peak = share.max(axis=0) if len(share) else np.zeros(len(columns))
    score += np.divide(share, peak, out=np.zeros_like(share), where=peak > 0)
    score[last < 0] = -np.inf
    return score


def affinity_columns(
    model: UserPersonalizationModel, columns: list[np.ndarray], leave_out_seen: bool = True
) -> np.ndarray:
    """Affinity of every user for each item set of ``columns`` (users × len(columns)).

    Column q is Σ_{j ∈ columns[q]} of the collaborative and transition scores, each part
    scaled by its largest absolute value over users (see the module docstring).
    ``leave_out_seen``: rule out users who had every queried item when the data never repeats.
    """
    weighted, seen, last = _history_state(model)
    pick = _pick(len(model.item_ids), columns)
    if model.ease_b is not None:
        sub = pick[model.ease_items]
        cf = np.asarray(weighted[:, model.ease_items] @ (model.ease_b @ sub.toarray()))
    else:
        if getattr(model, "user_factors", None) is None:
            model.user_factors = model.als.fold_in(weighted)
        cf = model.user_factors @ (pick.T @ model.als.item_factors).T
    cf = cf.astype(np.float64)
    peak = np.abs(cf).max(axis=0)
    score = np.divide(cf, peak, out=np.zeros_like(cf), where=peak > 0)
    has = last >= 0
    trans = np.zeros_like(score)
    if has.any():
        trans[has] = (model.transitions[last[has]] @ pick).toarray()
    tpeak = trans.max(axis=0)
    score += model.settings.beta * np.divide(
        trans, tpeak, out=np.zeros_like(trans), where=tpeak > 0
    )
    if leave_out_seen and model.repeat < model.settings.repeat_floor:
        hits = (seen > 0).astype(np.float32) @ pick
        sizes = np.asarray(pick.sum(axis=0)).ravel()
        score[np.asarray(hits.toarray() == sizes[np.newaxis, :])] = -np.inf
    score[~has] = -np.inf
    return score


def user_affinity(model: UserPersonalizationModel, items: np.ndarray) -> np.ndarray:
    """Affinity of every training user for the item indexes ``items`` (see module docstring)."""
    n_users = model.train_histories.n_users if model.train_histories is not None else 0
    if len(items) == 0:
        return np.full(n_users, -np.inf)
    return affinity_columns(model, [np.asarray(items, np.int64)])[:, 0]


class AffinityModel(UserPersonalizationModel):
    """The UP engine kept with its training histories, for batch segment jobs.

    ``by_attributes``: queries are item attributes (Item-Attribute-Affinity), set from the
    recipe's record when it is trained.
    """

    by_attributes: bool = False

    def score_users_for_items(self, item_ids: Sequence[str]) -> np.ndarray:
        """Affinity of every training user (``user_ids``) for the items (by attribute for
        attribute queries)."""
        idx = self.item_index(list(item_ids))
        idx = idx[idx >= 0]
        if not self.by_attributes or len(idx) == 0:
            return user_affinity(self, idx)
        return attribute_affinity_columns(self, [idx.astype(np.int64)])[:, 0]

    def score_users_for_attributes(self, expression: str) -> np.ndarray:
        """Affinity of every user for the items matching ``ITEMS.<col> = "<value>" [AND …]``."""
        return self.score_users_for_items(list(self.item_ids[self.items_matching(expression)]))

    def items_matching(self, expression: str) -> np.ndarray:
        """Model indexes of the items whose metadata satisfies the expression."""
        return matching_items(self.items_meta, self.item_ids, expression)

    def top_users(
        self, item_ids: Sequence[str] | None = None, expression: str | None = None, n: int = 25
    ) -> np.ndarray:
        """The ``n`` user ids with the highest affinity (ties by user order)."""
        scores = (
            self.score_users_for_attributes(expression)
            if expression is not None
            else self.score_users_for_items(item_ids or [])
        )
        finite = np.flatnonzero(np.isfinite(scores))
        order = finite[np.lexsort((finite, -scores[finite]))][:n]
        return self.user_ids[order]
