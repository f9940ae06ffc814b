"""The contract every trained recipe model fulfils (the server's only view of a model).

A `TrainedModel` is what a solution version holds. It is a plain picklable object (numpy and
scipy arrays, no open handles), so the server can keep it in memory and persist it.

Scores
------
Every ``score_*`` method returns a **full score vector over** ``item_ids`` (or over ``user_ids``
for segmentation): larger is better, the scale is the model's own. ``-inf`` marks items the
model will not recommend for this query (the query item of a related-items request, items the
user has already seen when the training data never repeats an item). The serving layer applies
filters, promotions, exploration and top-k itself; `probabilities_of` turns scores into the
service's softmax scores (`runtime.scoring` does all of that, for requests and batch jobs).

Which methods a recipe answers
------------------------------
================================  ==========================================================
USER_PERSONALIZATION, ranking     `score_user`, `cold_item_scores` (exploration relevance)
(UP engine models)
RELATED_ITEMS (SIMS, Similar)     `score_related`
POPULAR_ITEMS                     `score_popular` (Popularity-Count), `score_trending`
                                  (Trending-Now, optionally with events since training)
USER_SEGMENTATION                 `score_users_for_items` over ``user_ids``; affinity models
                                  add ``score_users_for_attributes`` and ``top_users``
every model                       `score_popular`, `score_histories` (batch, item indexes)
================================  ==========================================================

Methods a recipe does not support raise `NotImplementedError` (e.g. trending on SIMS) or, for
`score_related` on user recipes, answer with popularity.

Histories
---------
User-facing methods take the user's **current** history: the training interactions plus events
recorded after training (PutEvents), as item id strings with optional timestamps, event types and
event values. Unknown item ids are ignored; events the solution's training-data selection would
have excluded (another ``eventType``, a value below the threshold) are ignored too, and
``eventsConfig`` weights apply. An empty history gives popularity scores, as the service answers
unknown users with popular items.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np

from personalize_local.models.selection import Selection, type_weight


def to_probabilities(scores: np.ndarray, temperature: float = 1.0, decimals: int = 7) -> np.ndarray:
    """Softmax of standardised scores, rounded like the service's scores.

    p_j = exp(z_j / T) / Σ_k exp(z_k / T) with z = (s − mean(s)) / std(s) over the finite
    scores; ``-inf`` scores get probability 0. Next-Best-Action's action scores use it; item
    scores are `probabilities_of` (calibrated logits over the catalogue).
    """
    s = np.asarray(scores, np.float64)
    finite = np.isfinite(s)
    out = np.zeros_like(s)
    if not finite.any():
        return out
    vals = s[finite]
    std = vals.std()
    z = (vals - vals.mean()) / (std if std > 0 else 1.0) / temperature
    e = np.exp(z - z.max())
    out[finite] = e / e.sum()
    return np.round(out, decimals)


def round_significant(p: np.ndarray, digits: int = 4) -> np.ndarray:
    """Round to ``digits`` significant digits (the service writes 0.0775, 8.1e-05: small
    scores keep their digits instead of rounding to an exact 0)."""
    p = np.asarray(p, np.float64)
    out = p.copy()
    pos = p > 0
    if pos.any():
        exponent = np.floor(np.log10(p[pos]))
        scale = 10.0 ** (digits - 1 - exponent)
        out[pos] = np.round(p[pos] * scale) / scale
    return out


def _median(values: np.ndarray) -> float:
    """``np.median`` of finite float64 values, bit for bit, with one partition instead of three.

    np.median partitions at both middle positions and the last one (its NaN check), then takes
    the mean of the middle two, i.e. ``(0.0 + a + b) / 2``; the largest value below the upper
    middle is the lower middle. A quarter of the cost on a 10k-item catalogue.
    """
    n = len(values)
    half = n // 2
    part = np.partition(values, half)
    if n % 2:
        return 0.0 + part[half]
    return (0.0 + part[:half].max() + part[half]) / 2


def logit_scale(values: np.ndarray) -> tuple[float, float]:
    """(peak, slope) of the scale-free logits ``slope · (s − peak)`` of finite scores: the
    median item ``1/n`` as likely as the best (`probabilities_of`)."""
    peak = float(values.max())
    spread = peak - _median(values)
    tau = np.log(max(len(values), 2))
    return peak, float(tau / spread) if spread > 0 else 1.0


def catalogue_logits(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The logits `probabilities_of` takes a softmax of (``-inf`` stays ``-inf``)."""
    s = np.asarray(scores, np.float64)
    finite = np.isfinite(s)
    if not finite.any():
        return s
    peak, slope = logit_scale(s[finite])
    return np.where(finite, (s - peak) * (slope / temperature), -np.inf)


def probabilities_of(
    scores: np.ndarray,
    chosen: np.ndarray,
    digits: int = 4,
    temperature: float = 1.0,
    within: np.ndarray | None = None,
) -> np.ndarray:
    """User-Personalization (v1) scores of the ``chosen`` items: a softmax over the catalogue.

    The service's scores are probabilities over every item ("the scores of all items sum to
    1", https://docs.aws.amazon.com/personalize/latest/dg/how-recommendation-scoring-works.html)
    and the top one is a few hundredths to a few tenths on MovieLens-sized catalogues (a real
    HRNN batch line on ml-1m: 0.0775, 0.0633, 0.0583, …). The model's scores have no such
    scale, so (inferred) the logits are scale-free: ``τ · (s − max) / (max − median)`` with
    ``τ = ln(n)`` over the n finite scores, i.e. the median item is ``1/n`` as likely as the
    best one, divided by the model's ``temperature`` (fitted on held-out users,
    `personalize_local.evaluation.calibration`). One vectorised pass (logsumexp) over the
    catalogue; ``-inf`` items get 0 and are left out of the sum. ``within`` (a mask) restricts
    the sum, not the logits: a filter or v2's candidate subset shares out the whole score
    among fewer items. Rounded to 4 significant digits, so no returned score is 0.
    """
    s = np.asarray(scores, np.float64)
    chosen = np.asarray(chosen, np.int64)
    finite = np.isfinite(s)
    every = bool(finite.all())
    vals = s if every else s[finite]
    if not len(vals):
        return np.zeros(len(chosen))
    peak, slope = logit_scale(vals)
    slope /= temperature
    if within is not None:
        keep = finite & within
        every, finite = False, keep
        vals = s[keep]
        if not len(vals):
            return np.zeros(len(chosen))
    logits = np.subtract(vals, peak)
    logits *= slope  # in place: one catalogue-sized temporary fewer, the same numbers
    log_total = np.log(np.exp(logits).sum())
    out = np.exp((s[chosen] - peak) * slope - log_total)
    if not every:
        out = np.where(finite[chosen], out, 0.0)
    return round_significant(out, digits)


def top_k(scores: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """Indexes of the k best finite scores, best first; ties keep index order.

    Ties at the cut-off go to the lowest indexes too. The candidates are the scores at least
    as high as the k-th best of every 8th score, which is at most the k-th best overall, so
    they hold the answer: a catalogue-sized request partitions a few hundred values, not the
    catalogue (a full partition was a tenth of a GetRecommendations request).
    """
    s = np.asarray(scores, np.float64)
    if exclude is not None and len(exclude):
        s = s.copy()
        s[exclude] = -np.inf
    if k <= 0:
        return np.zeros(0, np.int64)
    sample = s[::8]
    sample = sample[np.isfinite(sample)]
    if len(sample) > k:
        floor = np.partition(sample, len(sample) - k)[len(sample) - k]
        pool = np.flatnonzero(s >= floor)
        pool = pool[np.isfinite(s[pool])]
    else:
        pool = np.flatnonzero(np.isfinite(s))
    if len(pool) > k:
        values = s[pool]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        above = pool[values > kth]
        pool = np.concatenate([above, pool[values == kth][: k - len(above)]])
    return pool[np.lexsort((pool, -s[pool]))]


def top_k_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Row-wise `top_k` of a 2-D score matrix (vectorised); rows are padded with -1."""
    n_rows, n_cols = scores.shape
    k_eff = min(k, n_cols)
    out = np.full((n_rows, k), -1, np.int64)
    if n_rows == 0 or k_eff == 0:
        return out
    s = np.where(np.isnan(scores), -np.inf, scores)
    if k_eff < n_cols:
        # Row by row: numpy's 2-D argpartition along axis 1 is slower than this loop.
        part = np.empty((n_rows, k_eff), np.int64)
        for r in range(n_rows):
            part[r] = np.argpartition(-s[r], k_eff - 1)[:k_eff]
    else:
        part = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols)).copy()
    vals = np.take_along_axis(s, part, axis=1)
    # argpartition may pick any of several tied items at the boundary; re-rank exactly
    # (descending score, then index) among the candidates, then fix boundary ties below.
    order = np.lexsort((part, -vals), axis=1)
    part = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    kth = vals[:, -1]
    boundary = np.flatnonzero((s == kth[:, None]).sum(axis=1) > (vals == kth[:, None]).sum(axis=1))
    for row in boundary:  # rare: ties straddle the cut-off; resolve by index like top_k
        idx = top_k(scores[row], k)
        out[row] = -1
        out[row, : len(idx)] = idx
    finite = np.isfinite(vals)
    rest = np.setdiff1d(np.arange(n_rows), boundary)
    out[rest, :k_eff] = np.where(finite[rest], part[rest], -1)
    return out


class TrainedModel:
    """Base class of all recipe models.

    Attributes
    ----------
    recipe : str
        The recipe name the model was trained for.
    item_ids : np.ndarray of str
        The model's catalogue; score vectors are aligned with it.
    user_ids : np.ndarray of str
        Users known from training (segmentation scores are aligned with it).
    popularity : np.ndarray of float
        Distinct training users per item (the service's popularity).
    selection : Selection
        The training-data selection, re-applied to histories at scoring time.
    score_temperature : float
        Temperature of the served scores (`probabilities_of`), fitted when training.
    """

    recipe: str = ""
    #: Divides the logits of `probabilities_of` (1: as the scale-free rule gives them).
    score_temperature: float = 1.0
    item_ids: np.ndarray
    user_ids: np.ndarray
    popularity: np.ndarray
    selection: Selection

    def __init__(
        self,
        recipe: str,
        item_ids: np.ndarray,
        user_ids: np.ndarray,
        popularity: np.ndarray,
        selection: Selection | None = None,
    ) -> None:
        self.recipe = recipe
        self.item_ids = np.asarray(item_ids, dtype=object)
        self.user_ids = np.asarray(user_ids, dtype=object)
        self.popularity = np.asarray(popularity, np.float64)
        self.selection = selection or Selection()
        self._index: dict[str, int] | None = None

    # ------------------------------------------------------------------ id handling
    def __getstate__(self) -> dict:
        # Lookup tables and caches are rebuilt lazily; keeps pickles small.
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_cache")}
        state["_index"] = None
        return state

    def item_index(self, ids: Sequence[str]) -> np.ndarray:
        """Model indexes of item ids (-1 for ids the model does not know)."""
        if self._index is None:
            self._index = {str(v): i for i, v in enumerate(self.item_ids)}
        # map() over the dict's own get: no Python frame per id (histories run to hundreds).
        return np.fromiter(map(self._index.get, map(str, ids), repeat(-1)), np.int64, len(ids))

    def history_indexes(
        self,
        history_items: Sequence[str],
        history_times: Sequence[int] | None = None,
        history_types: Sequence[str] | None = None,
        history_values: Sequence[float] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Known, selected history items in chronological order, with their event weights."""
        idx = self.item_index(history_items)
        w = np.ones(len(idx), np.float32)
        if history_types is not None:
            # A history has few distinct event types: weigh each type once.
            by_type = {t: self.event_weight(t) for t in set(history_types)}
            w = np.fromiter(map(by_type.__getitem__, history_types), np.float32, len(idx))
        if history_values is not None and self.selection.event_value_threshold is not None:
            vals = np.asarray(history_values, np.float64)
            w[~(vals >= self.selection.event_value_threshold)] = 0.0
        if history_times is not None:
            order = np.argsort(np.asarray(history_times, np.int64), kind="stable")
            idx, w = idx[order], w[order]
        keep = (idx >= 0) & (w > 0)
        return idx[keep], w[keep]

    def event_weight(self, event_type: str | None) -> float:
        """Weight of an event type under the solution's selection (1 when types do not matter)."""
        return type_weight(self.selection, event_type)

    # ------------------------------------------------------------------ scoring contract
    def score_histories(
        self, histories: Sequence[np.ndarray], weights: Sequence[np.ndarray] | None = None
    ) -> np.ndarray:
        """Scores for a batch of histories given as model item indexes (chronological).

        Returns an (n_histories × n_items) float array. The default scores popularity.
        """
        return np.tile(self.score_popular(), (len(histories), 1))

    def score_user(
        self,
        history_items: Sequence[str],
        history_times: Sequence[int] | None = None,
        history_types: Sequence[str] | None = None,
        history_values: Sequence[float] | None = None,
    ) -> np.ndarray:
        """Scores over ``item_ids`` from the user's current history (see the module docstring)."""
        idx, w = self.history_indexes(history_items, history_times, history_types, history_values)
        return self.score_history(idx, w)

    @property
    def scores_one_directly(self) -> bool:
        """Whether `score_history` is cheaper than a batch of one (serving scores one at a
        time)."""
        return False

    def score_history(self, idx: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        """Scores of one history (model item indexes, chronological): a batch of one."""
        return self.score_histories([idx], None if w is None else [w])[0]

    def score_history_block(
        self, histories: Sequence[tuple[np.ndarray, np.ndarray | None]]
    ) -> list[np.ndarray]:
        """`score_history` of each (indexes, weights) pair; models may share work across them."""
        return [self.score_history(idx, w) for idx, w in histories]

    def score_popular(self) -> np.ndarray:
        """Popularity scores: distinct training users per item."""
        return self.popularity.astype(np.float64).copy()

    def score_related(self, item_id: str) -> np.ndarray:
        """RELATED_ITEMS scores for a query item; unknown items get popularity."""
        return self.score_popular()

    def score_related_indexes(self, queries: np.ndarray) -> np.ndarray:
        """RELATED_ITEMS score rows for model item indexes (-1: unknown); only the
        related-items recipes implement it."""
        raise NotImplementedError(f"{self.recipe} does not score related items in batches")

    def score_trending(self, now: int | None = None) -> np.ndarray:
        """POPULAR_ITEMS trending scores at time ``now``; only Trending-Now implements it."""
        raise NotImplementedError(f"{self.recipe} does not score trending items")

    def score_users_for_items(self, item_ids: Sequence[str]) -> np.ndarray:
        """USER_SEGMENTATION: affinity of every user in ``user_ids`` for the items."""
        raise NotImplementedError(f"{self.recipe} does not score users")

    def cold_item_scores(
        self, history_items: Sequence[str], history_times: Sequence[int] | None = None
    ) -> np.ndarray:
        """Metadata similarity of every item to the history (0 when there is no metadata)."""
        return np.zeros(len(self.item_ids))
