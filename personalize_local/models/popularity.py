"""Popularity-Count and Trending-Now: the two non-personalised recipes.

* Popularity-Count scores item j by the number of distinct users who interacted with it
  (after the solution's event-type and value filtering); everyone gets the same list.
* Trending-Now compares the last two windows of length W = ``trend_discovery_frequency``
  before ``now`` (default: the latest event): c₁(j) = events in (now − W, now], c₀(j) = events
  in (now − 2W, now − W]. Items rank by the increase Δ = c₁ − c₀, ties by the relative growth
  Δ / (c₀ + 1), then by c₁. With no events at all in the two windows the service recommends
  popular items instead, and so does the model. Events recorded after training can be passed
  in, so trends move without retraining (the service re-evaluates trends on a schedule).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from personalize_local.models.base import TrainedModel
from personalize_local.models.data import InteractionData
from personalize_local.models.selection import Selection


class PopularityModel(TrainedModel):
    """aws-popularity-count: distinct users per item, the same for every user."""

    @classmethod
    def fit(
        cls,
        data: InteractionData,
        *,
        recipe: str = "aws-popularity-count",
        selection: Selection | None = None,
    ) -> PopularityModel:
        counts = data.item_counts()
        present = np.flatnonzero(counts > 0)
        return cls(recipe, data.items[present], data.users, counts[present], selection)


def trend_scores(
    item_idx: np.ndarray, times: np.ndarray, n_items: int, now: float, window: float
) -> np.ndarray:
    """Rank scores in (0, 1] (1 = most trending) from events (item, time); see module doc."""
    recent = (times > now - window) & (times <= now)
    before = (times > now - 2 * window) & (times <= now - window)
    c1 = np.bincount(item_idx[recent], minlength=n_items).astype(np.float64)
    c0 = np.bincount(item_idx[before], minlength=n_items).astype(np.float64)
    if c1.sum() + c0.sum() == 0:
        # Nothing happened lately: rank by all-time event counts (popular items).
        c1 = np.bincount(item_idx[times <= now], minlength=n_items).astype(np.float64)
    delta = c1 - c0
    growth = delta / (c0 + 1.0)
    order = np.lexsort((np.arange(n_items), -c1, -growth, -delta))
    scores = np.empty(n_items)
    scores[order] = np.arange(n_items, 0, -1) / n_items
    return scores


class TrendingModel(TrainedModel):
    """aws-trending-now: keeps the event log and scores trends lazily at request time."""

    window: int
    event_items: np.ndarray
    event_times: np.ndarray

    @classmethod
    def fit(
        cls,
        data: InteractionData,
        window_seconds: int,
        *,
        recipe: str = "aws-trending-now",
        selection: Selection | None = None,
    ) -> TrendingModel:
        counts = data.item_counts()
        present = np.flatnonzero(counts > 0)
        remap = np.full(data.n_items, -1, np.int64)
        remap[present] = np.arange(len(present))
        model = cls(recipe, data.items[present], data.users, counts[present], selection)
        model.window = int(window_seconds)
        model.event_items = remap[data.item_idx].astype(np.int32)
        model.event_times = data.timestamp.astype(np.int64)
        return model

    @property
    def latest(self) -> int:
        return int(self.event_times.max()) if len(self.event_times) else 0

    def score_trending(
        self,
        now: int | None = None,
        recent_item_ids: Sequence[str] | None = None,
        recent_times: Sequence[int] | None = None,
    ) -> np.ndarray:
        """Trend scores at ``now``, optionally including events recorded after training."""
        items, times = self.event_items, self.event_times
        if recent_item_ids is not None and recent_times is not None and len(recent_item_ids):
            extra = self.item_index(list(recent_item_ids))
            known = extra >= 0
            items = np.concatenate([items, extra[known].astype(np.int32)])
            times = np.concatenate([times, np.asarray(recent_times, np.int64)[known]])
        if now is None:
            now = int(times.max()) if len(times) else 0
        return trend_scores(items, times, len(self.item_ids), float(now), float(self.window))

    def score_histories(self, histories, weights=None) -> np.ndarray:
        """Trending items are the same for every user."""
        return np.tile(self.score_trending(), (len(histories), 1))
