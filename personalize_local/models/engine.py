"""The "UP engine": an item-item scorer over a user's current history.

Used by User-Personalization (v1, v2, HRNN variants), Personalized-Ranking, the affinity
recipes and Next-Best-Action (its accuracy beside the real runs: bench/RESULTS.md). For a
history i_1 … i_n (oldest first) with event weights v_t and recency weights
w_t = 0.5^(age_t / h) (age 0 = the latest event, zero beyond the history window):

    x     = Σ_t v_t w_t · e_{i_t}                         (weighted history)
    cf    = x B                                            (collaborative part)
    seq   = (diag(P) ⊙ (x − x B)) S                        (sequential part)
    trans = T[i_n, :]                                      (what follows the latest item)
    s     = cf / max|cf| + γ · seq / max|seq| + β · trans / max(trans)
            + ε · log(1 + popularity) / max

B is EASE (items with ≥ ``min_item_support`` users, at most ``max_ease_items``) or, for larger
catalogues, ALS item factors with the user folded in from the same weighted history. The
sequential part is a next-item regression in the style of SLIST's SLIT (Choi et al., WWW 2021):
with recency-weighted prefixes X and next items Y, B_seq = (XᵀX + λI)⁻¹ XᵀY. It reuses EASE's
P = (G + λI)⁻¹ for the prefix Gram's inverse, so x B_seq ≈ (x P) S with S = XᵀY
(`sequences.successor_matrix`), and x P comes from B and diag(P) without a second inverse.
S keeps each item's 50 largest successors (``successor_top_k``): x P is dense, so a request
reads all of S; pruned, S is ~8× smaller on MovieLens at equal accuracy (bench/RESULTS.md).

Repeats follow the data. With the repeat rate ρ (share of training events that repeat an
earlier item of the same user) below ``repeat_floor``, already-seen items are ruled out (−inf).
Otherwise s ← (1 − a) · s / max(s) + a · r / max(r), where r_j = Σ_{t: i_t = j} q(age_t + 1),
q is the training data's distribution of repeat lags, and the mix a is chosen on the training
users' own last events (`_calibrate_repeat_mix`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Self

import numpy as np
import scipy.sparse as sp

from personalize_local.config import training_threads
from personalize_local.models.als import AlsFactors, fit_als
from personalize_local.models.base import TrainedModel
from personalize_local.models.data import InteractionData
from personalize_local.models.ease import fit_ease
from personalize_local.models.metadata import item_features, profile_similarity
from personalize_local.models.selection import Selection
from personalize_local.models.sequences import (
    Sequences,
    binary_matrix,
    history_matrix,
    recency_weights,
    repeat_lag_profile,
    repeat_rate,
    row_top_k,
    successor_matrix,
    transition_matrix,
)

#: Candidate repeat mixes tried by the calibration (0 = repeats get no bonus).
REPEAT_MIXES = (0.0, 0.25, 0.5, 0.7, 0.85, 0.95, 0.99)


@dataclass(frozen=True)
class EngineSettings:
    """Internal knobs of the UP engine (derived from a recipe config by the registry).

    Attributes
    ----------
    lam : float
        EASE L2 penalty λ.
    half_life : float or None
        Recency half-life in events; None = all events in the window weigh the same.
    window : int
        Only the latest ``window`` events of a history count.
    gamma : float
        Weight γ of the sequential (next-item regression) term.
    seq_max_lag, seq_half_life : int, float
        S counts successors up to this lag, decayed with this half-life (events).
    successor_top_k : int or None
        S keeps the ``successor_top_k`` largest successors of each item (None: all of them);
        the sequential term's cost per request is proportional to what S keeps.
    beta : float
        Weight β of the transition term; T counts successors within ``transition_window``.
    max_ease_items, min_item_support : int
        EASE covers items with at least ``min_item_support`` distinct users; when more than
        ``max_ease_items`` qualify the engine uses ALS (EASE needs an items² dense matrix).
    factors, als_iterations, als_regularization, als_alpha
        ALS settings for large catalogues.
    repeat_floor : float
        Below this repeat rate, seen items are ruled out (when ``rule_out_seen``).
    rule_out_seen : bool
        False for Personalized-Ranking: a ranking orders every input item by the model's
        score, seen or not (the service has no "already seen" rule of its own).
    one_step_per_moment : bool
        Several events of one user, item and timestamp (a ``click`` and a ``watch`` written
        for one rating) train as one step (`InteractionData.collapse_simultaneous`). False
        for the HRNN-based recipes, which read every event as a step and so learn from such
        pairs that items repeat (`RecipeInfo.hrnn_based`).
    calibrate_repeats : bool
        Choose the repeat mix on training users (otherwise the mix is the repeat rate ρ).
    popularity_prior : float
        ε: weight of log-popularity (breaks ties, shapes very short histories).
    """

    lam: float = 300.0
    half_life: float | None = 5.0
    window: int = 128
    gamma: float = 0.5
    seq_max_lag: int = 40
    seq_half_life: float = 5.0
    successor_top_k: int | None = 50
    beta: float = 0.3
    transition_window: int = 3
    max_ease_items: int = 20_000
    min_item_support: int = 3
    factors: int = 149
    als_iterations: int = 8
    als_regularization: float = 0.05
    als_alpha: float = 10.0
    repeat_floor: float = 0.01
    rule_out_seen: bool = True
    one_step_per_moment: bool = True
    repeat_lags: int = 32
    calibrate_repeats: bool = True
    popularity_prior: float = 0.01
    threads: int = field(default_factory=training_threads)


def _scale(v: np.ndarray) -> np.ndarray:
    """`row_max_scale` of one vector, in place."""
    peak = np.abs(v).max(initial=0.0)
    if peak > 0:
        v /= peak
    return v


def row_max_scale(m: np.ndarray) -> np.ndarray:
    """Divide each row by its largest absolute value, in place (zero rows stay zero)."""
    peak = np.abs(m).max(axis=1, keepdims=True)
    np.divide(m, peak, out=m, where=peak > 0)
    return m


class PreparedHistory(NamedTuple):
    """One history's indexes and weights, with what scoring derives from them alone: event
    ages, and the recency-weighted weights ``x`` of its distinct ``items`` (``inverse``: each
    event's position among them)."""

    idx: np.ndarray
    w: np.ndarray
    ages: np.ndarray
    items: np.ndarray
    inverse: np.ndarray
    x: np.ndarray


class UserPersonalizationModel(TrainedModel):
    """A trained UP engine (see the module docstring for the scoring formula).

    Attributes
    ----------
    ease_items, ease_b, ease_diag : arrays or None
        Items covered by EASE, B over them, and diag(P) (EASE path).
    successors : csr_matrix or None
        S restricted to ``ease_items`` rows (EASE path, γ > 0).
    als : AlsFactors or None
        Item factors (ALS path).
    transitions : csr_matrix
        T, items × items.
    repeat, repeat_mix, lag_profile
        Training repeat rate ρ, the calibrated mix a, and q (repeat lags 1 …).
    features, creation_times, latest_time
        Item metadata vectors, CREATION_TIMESTAMP and the latest training event (exploration
        inputs).
    train_histories : Sequences or None
        Training users' histories (kept for user segmentation).
    """

    settings: EngineSettings
    ease_items: np.ndarray | None
    ease_b: np.ndarray | None
    ease_diag: np.ndarray | None
    successors: sp.csr_matrix | None
    successors_t: sp.csr_matrix | None = None
    als: AlsFactors | None
    transitions: sp.csr_matrix
    repeat: float
    repeat_mix: float
    lag_profile: np.ndarray
    features: sp.csr_matrix
    creation_times: np.ndarray
    latest_time: float
    train_histories: Sequences | None
    #: The optimisation objective: per-item reward in [0, 1] and its weight (see `fit`).
    rewards: np.ndarray | None
    reward_weight: float
    #: ALS user factors, folded in once for user segmentation (`affinity`).
    user_factors: np.ndarray | None
    #: User segmentation's weighted histories, seen matrix and last items (`affinity`).
    _cache_affinity: tuple[sp.csr_matrix, sp.csc_matrix, np.ndarray]

    @classmethod
    def fit(
        cls,
        data: InteractionData,
        settings: EngineSettings,
        seed: int,
        *,
        recipe: str = "aws-user-personalization",
        selection: Selection | None = None,
        rewards: np.ndarray | None = None,
        reward_weight: float = 0.0,
        keep_histories: bool = False,
    ) -> Self:
        """Train on already-selected interactions.

        Parameters
        ----------
        data : InteractionData
            Selected training interactions; the model's catalogue is ``data.items``.
        settings : EngineSettings
        seed : int
            Seeds ALS initialisation and the repeat calibration sample.
        selection
            The solution's training-data selection, re-applied to histories when scoring.
        rewards, reward_weight : array, float
            Optimisation objective: per-item reward in [0, 1] and its weight in the score.
        keep_histories : bool
            Keep the training users' histories (needed for user segmentation).
        """
        # Several event types of one action (same item, same timestamp) are one step of the
        # sequence, not a repeat (see `InteractionData.collapse_simultaneous`).
        if settings.one_step_per_moment:
            data = data.collapse_simultaneous()
        seqs = Sequences.from_data(data)
        x = binary_matrix(seqs, data.n_items)
        support = np.diff(x.tocsc().indptr).astype(np.float64)
        model = cls(recipe, data.items, data.users, support, selection)
        model.settings = settings
        model.repeat = repeat_rate(seqs)
        model.lag_profile = repeat_lag_profile(seqs, settings.repeat_lags)
        model.transitions = transition_matrix(seqs, data.n_items, settings.transition_window)
        model.rewards, model.reward_weight = rewards, reward_weight
        model.ease_items = model.ease_b = model.ease_diag = model.successors = None
        model.als = None
        eligible = np.flatnonzero(support >= max(settings.min_item_support, 1))
        if len(eligible) <= settings.max_ease_items:
            model.ease_items = eligible
            model.ease_b, model.ease_diag = fit_ease(x[:, eligible], settings.lam, settings.threads)
            if settings.gamma > 0:
                succ = successor_matrix(
                    seqs, data.n_items, settings.seq_max_lag, settings.seq_half_life
                )
                model.successors = succ[eligible].tocsr()
                if settings.successor_top_k:
                    model.successors = row_top_k(model.successors, settings.successor_top_k)
                # Scoring multiplies by Sᵀ: row-major Sᵀ gathers instead of scattering (faster).
                model.successors_t = model.successors.T.tocsr()
        else:
            model.als = fit_als(
                x,
                settings.factors,
                seed,
                settings.als_regularization,
                settings.als_alpha,
                settings.als_iterations,
                threads=settings.threads,
            )
        model.features = item_features(data.items_meta, data.items, data.item_text_columns)
        model.creation_times = data.creation_times()
        model.latest_time = float(data.timestamp.max()) if len(data) else 0.0
        model.train_histories = seqs if keep_histories else None
        model.repeat_mix = model.repeat
        if model.repeat >= settings.repeat_floor and settings.calibrate_repeats:
            model.repeat_mix = model._calibrate_repeat_mix(seqs, seed)
        return model

    # ------------------------------------------------------------------ scoring parts
    def history_weights(self, seqs: Sequences) -> np.ndarray:
        """Per position v_t · w_t (event weight times recency weight)."""
        st = self.settings
        return recency_weights(seqs.ages(), st.half_life, st.window) * seqs.weights

    def ease(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The EASE path's items, B and diag(P), which `fit` sets together."""
        items, b, diag = self.ease_items, self.ease_b, self.ease_diag
        assert items is not None and b is not None and diag is not None, "the ALS path"
        return items, b, diag

    def _collaborative(self, weighted: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray | None]:
        """(cf, seq) score matrices; seq is None when the engine has no sequential part."""
        if self.als is not None:
            return self.als.scores(weighted).astype(np.float32, copy=False), None
        ease_items, ease_b, ease_diag = self.ease()
        # float32 throughout: half the memory traffic of float64 on big score matrices.
        cf = np.zeros((weighted.shape[0], len(self.item_ids)), np.float32)
        if not len(ease_items):
            return cf, None
        x = weighted[:, ease_items]
        xb = np.asarray(x @ ease_b, np.float32)
        cf[:, ease_items] = xb
        if self.successors_t is None:
            return cf, None
        # x P = diag(P) ⊙ (x − x B), see ease.fit_ease.
        xp = (x.toarray() - xb) * ease_diag[np.newaxis, :]
        seq = self.successors_t @ xp.astype(np.float32).T
        return cf, np.asarray(seq.T, np.float32)

    def _base_scores(self, seqs: Sequences) -> np.ndarray:
        """s before the repeat rule; rows with no history hold popularity."""
        st = self.settings
        weighted = history_matrix(seqs, len(self.item_ids), self.history_weights(seqs))
        cf, seq = self._collaborative(weighted)
        s = row_max_scale(cf)
        if seq is not None and st.gamma > 0:
            s += st.gamma * row_max_scale(seq)
        last = seqs.last_items()
        has = last >= 0
        if st.beta > 0 and has.any():
            trans = np.zeros_like(s)
            trans[has] = self.transitions[last[has]].toarray()
            s += st.beta * row_max_scale(trans)
        pop = np.log1p(self.popularity)
        if pop.max() > 0:
            s += (st.popularity_prior * pop / pop.max()).astype(np.float32)
        if self.rewards is not None and self.reward_weight > 0:
            s += (self.reward_weight * self.rewards).astype(np.float32)
        s[~has] = self.popularity  # no usable history: popular items, like an unknown user
        return s

    def _repeat_scores(self, seqs: Sequences) -> np.ndarray:
        """r_j = Σ_{t: i_t = j} q(age_t + 1), row-max scaled."""
        lags = self.lag_profile
        ages = np.minimum(seqs.ages().astype(np.int64), len(lags) - 1)
        r = history_matrix(seqs, len(self.item_ids), lags[ages].astype(np.float32) + 1e-6)
        return row_max_scale(r.toarray().astype(np.float32))

    def _apply_repeats(
        self, s: np.ndarray, seqs: Sequences, mix: float, r: np.ndarray | None = None
    ) -> np.ndarray:
        has = np.diff(seqs.indptr) > 0
        if not has.any():
            return s
        if self.repeat < self.settings.repeat_floor:
            if not getattr(self.settings, "rule_out_seen", True):
                return s
            seen = history_matrix(seqs, len(self.item_ids), seqs.weights)
            rows, cols = seen.nonzero()
            keep = has[rows]
            s[rows[keep], cols[keep]] = -np.inf
            return s
        r = self._repeat_scores(seqs) if r is None else r
        s[has] = (1.0 - mix) * row_max_scale(s[has]) + mix * r[has]
        return s

    def _calibrate_repeat_mix(self, seqs: Sequences, seed: int, n_users: int = 300) -> float:
        """The mix a (from `REPEAT_MIXES`) with the best MRR@25 on training users' last events.

        The model has seen those events, which inflates the collaborative scores of the held-out
        item; the bias favours a smaller mix, so the choice errs towards personalisation.
        """
        lengths = np.diff(seqs.indptr)
        users = np.flatnonzero(lengths >= 2)
        rng = np.random.default_rng([seed, 7])
        users = rng.choice(users, size=min(n_users, len(users)), replace=False)
        prefixes = [seqs.items[seqs.indptr[u] : seqs.indptr[u + 1] - 1] for u in users]
        weights = [seqs.weights[seqs.indptr[u] : seqs.indptr[u + 1] - 1] for u in users]
        targets = seqs.items[seqs.indptr[users + 1] - 1]
        query = Sequences.from_lists(prefixes, weights)
        base = self._base_scores(query)
        r = self._repeat_scores(query)
        best, best_mrr = self.repeat, -1.0
        for mix in REPEAT_MIXES:
            s = self._apply_repeats(base.copy(), query, mix, r)
            target_score = s[np.arange(len(targets)), targets]
            rank = 1 + (s > target_score[:, None]).sum(axis=1)
            mrr = float(np.mean(np.where(rank <= 25, 1.0 / rank, 0.0)))
            if mrr > best_mrr + 1e-9:
                best, best_mrr = mix, mrr
        return best

    def score_histories(
        self, histories: Sequence[np.ndarray], weights: Sequence[np.ndarray] | None = None
    ) -> np.ndarray:
        """Batch scores (n_histories × n_items); see the module docstring."""
        seqs = Sequences.from_lists(list(histories), None if weights is None else list(weights))
        return self._apply_repeats(self._base_scores(seqs), seqs, self.repeat_mix)

    # ------------------------------------------------------------------ one history (serving)
    @property
    def scores_one_directly(self) -> bool:
        """Whether `score_history` has its own single-history path (the EASE engine's)."""
        return self.ease_b is not None

    def score_history(self, idx: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        """`score_histories` of one history, without sparse matrices (the request path).

        The same formula, in the same order and dtype (float32) as the batch path; only sums
        over an item's repeated events may round differently in the last bit. A request costs
        one gather of B's history rows, one pass over S and a few catalogue-sized vector ops.
        """
        if not self.scores_one_directly:
            return super().score_history(idx, w)
        return self.score_history_block([(idx, w)])[0]

    def score_history_block(
        self, histories: Sequence[tuple[np.ndarray, np.ndarray | None]]
    ) -> list[np.ndarray]:
        """`score_history` of each (indexes, weights) pair, bit for bit, in fewer model calls.

        The two catalogue-wide products (x B and S xp) are made once for the whole block: one
        sparse-times-dense call reads S once for all of them and accumulates every output in
        the order a single history's call does (each row of x B and each column of S XP is
        the same sequence of float32 operations). The rest is the single-history path, row by
        row. Concurrent requests are scored as one block (`runtime.scoring`).
        """
        return self.score_prepared_block([self.prepare_history(idx, w) for idx, w in histories])

    def prepare_history(self, idx: np.ndarray, w: np.ndarray | None = None) -> PreparedHistory:
        """What scoring needs of one history alone: kept per history version by the runtime
        (`serving.histories.IndexCache`), so a request for an unchanged history skips it."""
        idx = np.array(idx, np.int64)  # copies: the arrays below are made read-only
        st = self.settings
        w = np.ones(len(idx), np.float32) if w is None else np.array(w, np.float32)
        ages = np.arange(len(idx) - 1, -1, -1, dtype=np.float32)
        if not len(idx):  # scored as popularity
            return PreparedHistory(idx, w, ages, idx, idx, ages)
        weights = recency_weights(ages, st.half_life, st.window) * w
        items, inverse = np.unique(idx, return_inverse=True)
        x = np.bincount(inverse, weights=weights, minlength=len(items)).astype(np.float32)
        prepared = PreparedHistory(idx, w, ages, items, inverse, x)
        for array in (idx, w, ages, items, inverse, x):
            array.setflags(write=False)  # shared by every request for this history version
        return prepared

    def score_prepared_block(self, histories: Sequence[PreparedHistory]) -> list[np.ndarray]:
        """`score_history_block` of histories already prepared (`prepare_history`)."""
        out: list[np.ndarray] = []
        prepared = []
        for position, history in enumerate(histories):
            out.append(self.popularity.astype(np.float32))  # as `_base_scores` answers none
            if len(history.idx):
                prepared.append((position, history))
        collaborative = self._collaborative_block([(h.items, h.x) for _, h in prepared])
        for (position, h), s in zip(prepared, collaborative, strict=True):
            out[position] = self._finish_history(s, h.idx, h.w, h.ages, h.items, h.inverse)
        return out

    def _finish_history(
        self,
        s: np.ndarray,
        idx: np.ndarray,
        w: np.ndarray,
        ages: np.ndarray,
        items: np.ndarray,
        inverse: np.ndarray,
    ) -> np.ndarray:
        """The transition, prior and repeat terms of one history on its collaborative scores."""
        st = self.settings
        if st.beta > 0:
            t = self.transitions
            lo, hi = t.indptr[idx[-1]], t.indptr[idx[-1] + 1]
            data = t.data[lo:hi]
            peak = np.abs(data).max(initial=0.0)
            if peak > 0:
                s[t.indices[lo:hi]] += st.beta * (data / peak)
        for term in self._prior_terms():
            s += term
        if self.repeat < st.repeat_floor:
            if not getattr(st, "rule_out_seen", True):
                return s
            seen = np.bincount(inverse, weights=w, minlength=len(items))
            s[items[seen != 0]] = -np.inf
            return s
        lags = self.lag_profile
        lagged = lags[np.minimum(ages.astype(np.int64), len(lags) - 1)].astype(np.float32) + 1e-6
        r = np.bincount(inverse, weights=lagged, minlength=len(items)).astype(np.float32)
        _scale(s)
        s *= 1.0 - self.repeat_mix
        s[items] += self.repeat_mix * _scale(r)
        return s

    def _collaborative_block(self, histories: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """cf / max|cf| + γ · seq / max|seq| of each (items, x), one float32 row per history."""
        scores = np.zeros((len(histories), len(self.item_ids)), np.float32)
        ease_items, ease_b, ease_diag = self.ease()
        if not histories or not len(ease_items):
            return scores
        positions = self._ease_positions()
        rows, values = [], []
        for items, x in histories:
            at = positions[items]
            inside = (at >= 0) & (x != 0)
            rows.append(at[inside])
            values.append(x[inside])
        # x B reads only the histories' rows of B (at most `window` each). A sparse product,
        # not `values @ B[rows]`: multi-threaded BLAS gemv spins for milliseconds when the
        # cores are busy with other requests.
        m = len(ease_items)
        indptr = np.zeros(len(histories) + 1, np.int32)
        np.cumsum([len(r) for r in rows], out=indptr[1:])
        x_rows = sp.csr_array(
            (np.concatenate(values), np.concatenate(rows).astype(np.int32), indptr),
            shape=(len(histories), m),
        )
        xb = np.asarray(x_rows @ ease_b, np.float32).reshape(len(histories), m)
        for s, row in zip(scores, xb, strict=True):
            s[ease_items] = row
            _scale(s)
        if self.successors_t is None or self.settings.gamma <= 0:
            return scores
        xp = -xb  # x P = diag(P) ⊙ (x − x B), see ease.fit_ease
        for row, at, value in zip(xp, rows, values, strict=True):
            row[at] += value
        xp *= ease_diag
        seq = np.asarray(self.successors_t @ np.ascontiguousarray(xp.T), np.float32)
        for s, column in zip(scores, seq.T, strict=True):
            s += self.settings.gamma * _scale(column)
        return scores

    def _ease_positions(self) -> np.ndarray:
        """Item index → row of B (−1 outside EASE), built once per loaded model."""
        positions = self.__dict__.get("_cache_ease_positions")
        if positions is None:
            ease_items = self.ease()[0]
            positions = np.full(len(self.item_ids), -1, np.int64)
            positions[ease_items] = np.arange(len(ease_items))
            self._cache_ease_positions = positions
        return positions

    def _prior_terms(self) -> list[np.ndarray]:
        """The popularity prior and the objective's reward term, as `_base_scores` adds them."""
        terms = self.__dict__.get("_cache_prior_terms")
        if terms is None:
            terms = []
            pop = np.log1p(self.popularity)
            if pop.max(initial=0.0) > 0:
                terms.append((self.settings.popularity_prior * pop / pop.max()).astype(np.float32))
            if self.rewards is not None and self.reward_weight > 0:
                terms.append((self.reward_weight * self.rewards).astype(np.float32))
            self._cache_prior_terms = terms
        return terms

    # ------------------------------------------------------------------ cold items
    def cold_item_scores(
        self, history_items: Sequence[str], history_times: Sequence[int] | None = None
    ) -> np.ndarray:
        """Cosine similarity (clipped to [0, 1]) of each item's metadata to the history."""
        idx, w = self.history_indexes(history_items, history_times)
        seqs = Sequences.from_lists([idx], [w])
        return np.clip(profile_similarity(self.features, idx, self.history_weights(seqs)), 0.0, 1.0)
