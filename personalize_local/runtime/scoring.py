"""From a model's scores to an answer: shared by the runtime API and batch inference jobs.

A request is answered in three steps: the model's scores for it, the filter's mask, and the
top-k (or the ranking of an input list) with the service's scores. GetRecommendations,
GetPersonalizedRanking and every line of a batch inference job go through these functions, so a
batch line answers as a real-time request would for the same model, history and filter. Models
with a single-history path (the UP engine on EASE) score one history at a time in both; others
score batch jobs a block of histories per model call (`history_scores`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
from scipy.special import logsumexp

from ..filters import grammar
from ..filters.evaluate import UserView, item_mask
from ..filters.grammar import Filter
from ..models.base import (
    TrainedModel,
    catalogue_logits,
    probabilities_of,
    top_k,
)
from ..models.engine import PreparedHistory, UserPersonalizationModel
from ..models.exploration import explore, item_age_days
from ..serving.deployment import Deployment
from ..serving.histories import History

#: Recipes whose answers carry no scores (observed on the service, real time and batch alike).
UNSCORED = ("RELATED_ITEMS", "POPULAR_ITEMS")
#: User-Personalization-v2 "generates scores for a subset of your items" whose total is 1
#: (https://docs.aws.amazon.com/personalize/latest/dg/how-recommendation-scoring-works.html).
#: The subset's size is not published; inferred: the largest answer GetRecommendations gives
#: (numResults ≤ 500), its best items by the model, so every item an answer can hold is scored.
V2_CANDIDATES = 500
#: Score-matrix cells per model call in `history_scores`: a few MB, where measured throughput
#: on ml-latest-small was best (larger blocks are slower: the dense steps leave the cache).
_BLOCK_CELLS = 1_000_000
_BLOCK_ROWS = 64
#: Real-time requests score one at a time. numpy and scipy drop the GIL around every
#: operation, and request threads scoring at once keep handing it over: on 2 cores with 8
#: connections, serialising scoring gave ~7% more requests/s and a quarter lower p99
#: (measured; at 4 connections ~10% fewer requests/s). Meanwhile the other threads parse,
#: route and serialise.
SCORING = threading.Lock()


class _Waiting:
    """One request's history in the combiner's queue, and its scores once a block is made."""

    __slots__ = ("error", "history", "model", "scores")

    def __init__(self, model: UserPersonalizationModel, history: PreparedHistory) -> None:
        self.model, self.history = model, history
        self.scores: np.ndarray | None = None
        self.error: BaseException | None = None


class _Combiner:
    """Scores concurrent requests for one model as one block (`score_prepared_block`).

    Each request queues its history, then takes `SCORING`; whoever holds it scores every
    history queued by then, its own among them, so the requests that queued meanwhile find
    their scores ready when their turn comes. A block reads S once for all its histories and
    pays the per-call costs once; the scores are those of a single history, bit for bit.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []

    def score(self, model: UserPersonalizationModel, history: PreparedHistory) -> np.ndarray:
        mine = _Waiting(model, history)
        with self._lock:
            self._queue.append(mine)
        with SCORING:
            if mine.scores is None and mine.error is None:
                with self._lock:
                    queued, self._queue = self._queue, []
                self._score(queued)
        if mine.error is not None:
            raise mine.error
        assert mine.scores is not None
        return mine.scores

    @staticmethod
    def _score(queued: list[_Waiting]) -> None:
        by_model: dict[int, list[_Waiting]] = {}
        for waiting in queued:
            by_model.setdefault(id(waiting.model), []).append(waiting)
        for block in by_model.values():
            try:
                scores = block[0].model.score_prepared_block([b.history for b in block])
            except Exception:
                # One history's failure is its request's alone: score each on its own.
                for waiting in block:
                    try:
                        waiting.scores = waiting.model.score_prepared_block([waiting.history])[0]
                    except Exception as error:
                        waiting.error = error
                continue
            for waiting, row in zip(block, scores, strict=True):
                waiting.scores = row


_COMBINER = _Combiner()


@dataclass(frozen=True)
class Answer:
    """Item ids, best first, and their scores as the service writes them (None: unscored).

    With a promotion, ``promoted`` holds the positions of the promoted items in ``ids``.
    User-Personalization-v2 also says why an item is there (PredictedItem ``reason``):
    ``explored`` holds the positions exploration brought in, ``placeholders`` those of the
    popular items that fill a filtered list; placeholders have no score for the user
    (``scores`` holds 0.0 there so the list stays aligned; the wire leaves it out).
    """

    ids: list[str]
    scores: list[float] | None
    promoted: tuple[int, ...] = ()
    promotion: str | None = None
    explored: tuple[int, ...] = ()
    placeholders: tuple[int, ...] = ()


def history_scores(
    model: TrainedModel, histories: Sequence[History], *, typed: bool = True
) -> Iterator[np.ndarray]:
    """The score vector of each history in turn, as ``model.score_user`` computes it.

    Histories are scored a block at a time with ``score_histories``, which costs about as
    much for a block as for one history. ``typed`` passes event types and values, as
    GetRecommendations does; rankings (GetPersonalizedRanking, batch ranking lines) pass items
    and times only.
    """

    def indexes(history: History) -> tuple[np.ndarray, np.ndarray]:
        return model.history_indexes(
            history.items,
            history.times,
            history.types if typed else None,
            history.values if typed else None,
        )

    rows = max(1, min(_BLOCK_ROWS, _BLOCK_CELLS // max(len(model.item_ids), 1)))
    if model.scores_one_directly:
        # Its block path gives every history exactly the scores a real-time request for the
        # same history gets, whatever else is in the block.
        for start in range(0, len(histories), rows):
            block = [indexes(history) for history in histories[start : start + rows]]
            for scores in model.score_history_block(block):
                yield np.asarray(scores, np.float64)
        return
    for start in range(0, len(histories), rows):
        pairs = [indexes(history) for history in histories[start : start + rows]]
        yield from np.asarray(
            model.score_histories([p[0] for p in pairs], [p[1] for p in pairs]), np.float64
        )


def _prepared(model: UserPersonalizationModel) -> Callable[[History], PreparedHistory]:
    """A history as `history_scores` (``typed=True``) hands it to the model, prepared."""

    def prepare(history: History) -> PreparedHistory:
        idx, w = model.history_indexes(history.items, history.times, history.types, history.values)
        return model.prepare_history(idx, w)

    return prepare


def explored(dep: Deployment, scores: np.ndarray, history: History, user_id: str) -> np.ndarray:
    """User-Personalization scores with the deployment's item exploration mixed in."""
    settings = dep.config.get("itemExplorationConfig") or {}
    weight = float(settings.get("explorationWeight", 0) or 0)
    if weight <= 0 or dep.item_created is None:
        return scores
    ages = item_age_days(dep.item_created, dep.histories.latest)
    relevance = dep.model.cold_item_scores(history.items, history.times)
    return explore(
        scores,
        relevance,
        ages,
        np.asarray(dep.model.popularity, np.float64),
        weight,
        float(settings.get("explorationItemAgeCutOff", 30)),
        dep.rng(user_id, len(history.items)),
    )


def request_scores(
    dep: Deployment, history: History, user_id: str | None, item_id: str | None
) -> np.ndarray:
    """The model's scores for one GetRecommendations request (before exploration and filters).

    Takes `SCORING` itself: call it without holding it.
    """
    model = dep.model
    kind = dep.recipe.recipe_type
    if kind == "USER_PERSONALIZATION":
        if isinstance(model, UserPersonalizationModel) and model.scores_one_directly:
            # `history_scores` of one history, prepared once per history version, scored in
            # one block with the requests waiting meanwhile.
            prepare = _prepared(model)
            prepared = (
                dep.indexes.get(dep.histories.serial, user_id, history, prepare)
                if user_id
                else prepare(history)
            )
            scores = np.asarray(_COMBINER.score(model, prepared), np.float64)
        else:
            with SCORING:
                scores = next(history_scores(model, [history]))
        return scores
    with SCORING:
        if kind == "RELATED_ITEMS":
            return np.asarray(model.score_related(item_id or ""), np.float64)  # required
        if dep.recipe.trending:
            return np.asarray(model.score_trending(dep.histories.latest), np.float64)
        return np.asarray(model.score_popular(), np.float64)


def filter_mask(
    dep: Deployment,
    parsed: Filter,
    filter_values: Mapping[str, str] | None,
    user_id: str | None,
    history: History,
    item_id: str | None,
) -> np.ndarray:
    """Which items the filter lets through for this user (and current item)."""
    values = grammar.parse_filter_values(filter_values or {})
    metadata = None
    if user_id and dep.users_meta is not None and user_id in dep.users_meta.index:
        metadata = cast("Mapping[str, object]", dep.users_meta.loc[user_id].to_dict())
    user = UserView(interactions=history.newest_first(), metadata=metadata, current_item=item_id)
    return item_mask(parsed, values, dep.catalog, user)


def top_items(
    dep: Deployment,
    scores: np.ndarray,
    mask: np.ndarray | None,
    n: int,
    exploit: np.ndarray | None = None,
) -> Answer:
    """The ``n`` best items the mask allows, with softmax scores unless the recipe has none.

    v1 normalises over every item the mask allows, v2 over its `answer_pool` (see `filled` for
    a list its filter leaves short). ``exploit`` is the scores before exploration
    (`explored`): v2 says which items exploration brought in.
    """
    scores = np.asarray(scores, np.float64)
    pool = answer_pool(dep, scores, mask)
    chosen = top_k(_within(scores, pool), n)
    answer = _answer(dep, scores, chosen, pool)
    if not dep.recipe.v2:
        return answer
    explored_at = _explored_positions(chosen, chosen, scores, exploit, pool)
    return filled(dep, replace(answer, explored=explored_at), chosen, scores, mask, n)


def answer_pool(dep: Deployment, scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
    """The items an answer is picked from and normalised over (None: the whole catalogue).

    v1: what the mask allows. v2 scores only its `V2_CANDIDATES` best items, chosen before the
    filter, as a model that retrieves candidates and then filters them would.
    """
    if not dep.recipe.v2:
        return mask
    subset = np.zeros(len(scores), bool)
    subset[top_k(scores, V2_CANDIDATES)] = True
    return subset if mask is None else subset & mask


def filled(
    dep: Deployment,
    answer: Answer,
    taken: np.ndarray,
    scores: np.ndarray,
    mask: np.ndarray | None,
    n: int,
) -> Answer:
    """A v2 answer its filter left short of ``n``, topped up with placeholders: "popular items,
    based on interactions data, that satisfy your filter criteria. They don't have a relevance
    score for the user" (botocore's PredictedItem.reason; how-recommendation-scoring-works).
    Items the model rules out (``-inf``, e.g. already seen) are no placeholders either."""
    missing = n - len(answer.ids)
    if missing <= 0 or mask is None:
        return answer
    popular = np.where(mask & np.isfinite(scores), dep.model.popularity, -np.inf)
    filler = top_k(popular, missing, exclude=taken)
    assert answer.scores is not None
    return replace(
        answer,
        ids=answer.ids + [str(i) for i in dep.model.item_ids[filler]],
        scores=answer.scores + [0.0] * len(filler),
        placeholders=tuple(range(len(answer.ids), len(answer.ids) + len(filler))),
    )


def _within(scores: np.ndarray, pool: np.ndarray | None) -> np.ndarray:
    return scores if pool is None else np.where(pool, scores, -np.inf)


def _explored_positions(
    order: np.ndarray,
    rest: np.ndarray,
    scores: np.ndarray,
    exploit: np.ndarray | None,
    pool: np.ndarray | None,
    promoted: np.ndarray | None = None,
) -> tuple[int, ...]:
    """Positions in ``order`` of the items exploration brought in: ``rest`` (the unpromoted
    picks, by the explored ``scores``) less the best the model's own scores (``exploit``) pick
    from the same pool. Exploration only lifts items, so these are the ones it lifted in."""
    if exploit is None or exploit is scores:
        return ()
    plain = top_k(_within(exploit, pool), len(rest), exclude=promoted)
    fresh = rest[~np.isin(rest, plain)]
    return tuple(int(p) for p in np.flatnonzero(np.isin(order, fresh)))


def promoted_items(
    dep: Deployment,
    scores: np.ndarray,
    mask: np.ndarray | None,
    promotion_mask: np.ndarray,
    n: int,
    percent: int,
    name: str,
    rng: np.random.Generator,
    exploit: np.ndarray | None = None,
) -> Answer:
    """``n`` items of which ``percent`` % (rounded up) are promoted (promoting-items).

    The promoted items are the best-scored items the promotion's filter allows, and the
    request filter (``mask``) applies only to the others. Promoted items take random
    positions among the others but keep their own order; when too few items pass the
    promotion filter, as many as pass are promoted and the others fill the list. Scores are
    the model's for every item, normalised over what the request may return (either filter;
    v2: its `answer_pool` and the promoted items).
    """
    scores = np.asarray(scores, np.float64)
    # The guide gives a percentage of the recommended items; rounding up (inferred) makes any
    # percentage promote at least one item.
    wanted = min(n, math.ceil(n * percent / 100))
    promoted = top_k(np.where(promotion_mask, scores, -np.inf), wanted)
    pool = answer_pool(dep, scores, mask)
    rest = top_k(_within(scores, pool), n - len(promoted), exclude=promoted)
    total = len(promoted) + len(rest)
    slots = np.sort(rng.choice(total, size=len(promoted), replace=False))
    is_promoted = np.zeros(total, bool)
    is_promoted[slots] = True
    order = np.empty(total, np.int64)
    order[is_promoted] = promoted
    order[~is_promoted] = rest
    reach = None
    if pool is not None:
        reach = pool.copy() if dep.recipe.v2 else pool | promotion_mask
        reach[promoted] = True
    answer = _answer(dep, scores, order, reach, tuple(int(i) for i in slots), name)
    if not dep.recipe.v2:
        return answer
    explored_at = _explored_positions(order, rest, scores, exploit, pool, promoted)
    return filled(dep, replace(answer, explored=explored_at), order, scores, mask, n)


def _answer(
    dep: Deployment,
    scores: np.ndarray,
    chosen: np.ndarray,
    pool: np.ndarray | None,
    promoted: tuple[int, ...] = (),
    promotion: str | None = None,
) -> Answer:
    """The chosen items and their scores: the model's logits (over its whole catalogue)
    shared out among the ``pool`` (None: every item)."""
    ids = [str(i) for i in dep.model.item_ids[chosen]]
    if dep.recipe.recipe_type in UNSCORED:
        return Answer(ids, None, promoted, promotion)
    temperature = dep.model.score_temperature
    picked = probabilities_of(scores, chosen, temperature=temperature, within=pool)
    return Answer(ids, [float(p) for p in picked], promoted, promotion)


@dataclass(frozen=True)
class Ranking:
    """An input list ordered by score; ids the model does not know follow, in input order."""

    ids: list[str]
    scores: list[float]
    unknown: list[str]


def rank(
    dep: Deployment, scores: np.ndarray, input_list: Sequence[str], mask: np.ndarray | None
) -> Ranking:
    """GetPersonalizedRanking from the user's score vector: softmax over the ranked items.

    Repeated ids count once; the mask drops known items only. Items the model rules out
    (``-inf``, e.g. already seen) still belong in a ranking of an explicit list: they go last
    among the known items, below the lowest finite score.
    """
    model = dep.model
    candidates = list(dict.fromkeys(str(i) for i in input_list))
    index = model.item_index(candidates)
    if mask is not None:
        keep = (index < 0) | mask[np.maximum(index, 0)]
        candidates = [c for c, k in zip(candidates, keep, strict=True) if k]
        index = index[keep]
    known = np.flatnonzero(index >= 0)
    # GetRecommendations' logits, restricted to the input items, for v1 and v2 alike
    # (rankings.html).
    s = catalogue_logits(scores, model.score_temperature)[index[known]]
    finite_min = s[np.isfinite(s)].min(initial=0.0)
    s = np.where(np.isfinite(s), s, finite_min - 1.0)
    order = np.lexsort((known, -s))
    probabilities = np.round(np.exp(s[order] - logsumexp(s[order])), 7)
    return Ranking(
        ids=[candidates[i] for i in known[order]],
        scores=[float(p) for p in probabilities],
        unknown=[candidates[i] for i in np.flatnonzero(index < 0)],
    )
