"""Batch inference: each line answered as GetRecommendations or GetPersonalizedRanking would.

The answers come from the runtime's own ranking (`runtime.scoring`), so a batch line answers as
a real-time request would for the same history, filter and config.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ...filters.grammar import Filter
from ...runtime import scoring
from ...serving.deployment import Deployment
from ...serving.histories import History
from .lines import Line, answered, error_line, read

#: The members each recipe type reads from a line (batch-data-upload).
INFERENCE_MEMBERS = {
    "USER_PERSONALIZATION": ("userId",),
    "POPULAR_ITEMS": ("userId",),
    "PERSONALIZED_RANKING": ("userId", "itemList"),
    "RELATED_ITEMS": ("itemId",),
}


@dataclass
class Inference:
    """Answers the lines of one batch inference job."""

    dep: Deployment
    parsed_filter: Filter | None
    n: int

    @property
    def kind(self) -> str:
        return self.dep.recipe.recipe_type

    def answer(self, where: str, texts: list[str]) -> list[dict[str, Any]]:
        lines = [read(text, INFERENCE_MEMBERS[self.kind]) for text in texts]
        if self.kind in ("USER_PERSONALIZATION", "PERSONALIZED_RANKING"):
            return self._personal(lines)
        return [answered(line, partial(self._general, line)) for line in lines]

    def _mask(self, line: Line, history: History) -> np.ndarray | None:
        if self.parsed_filter is None:
            return None  # per-line filterValues without a job filter are ignored (inferred)
        return scoring.filter_mask(
            self.dep, self.parsed_filter, line.filter_values, line.user_id, history, line.item_id
        )

    def _personal(self, lines: list[Line]) -> list[dict[str, Any]]:
        """User-personalization and ranking lines: the users' histories scored in blocks."""
        histories = [self.dep.histories.get(line.user_id or "") for line in lines if not line.error]
        typed = self.kind == "USER_PERSONALIZATION"
        answer = self._recommend if typed else self._rank
        # Rows come in the order of the answerable lines, a block of users per model call.
        rows = zip(
            histories, scoring.history_scores(self.dep.model, histories, typed=typed), strict=True
        )
        out = []
        for line in lines:
            if line.error is not None:
                out.append(error_line(line, line.error))
                continue
            history, scores = next(rows)
            out.append(answered(line, partial(answer, line, history, scores)))
        return out

    def _recommend(self, line: Line, history: History, scores: np.ndarray) -> dict[str, Any]:
        explored = scoring.explored(self.dep, scores, history, line.user_id or "")
        mask = self._mask(line, history)
        return _items(scoring.top_items(self.dep, explored, mask, self.n, scores))

    def _rank(self, line: Line, history: History, scores: np.ndarray) -> dict[str, Any]:
        ranked = scoring.rank(self.dep, scores, line.item_list, self._mask(line, history))
        # Unknown items come last (inferred), as in GetPersonalizedRanking, with score 0 (the live
        # guide's value for items that were not in training): the lists stay aligned.
        return {
            "recommendedItems": ranked.ids + ranked.unknown,
            "scores": ranked.scores + [0.0] * len(ranked.unknown),
        }

    def _general(self, line: Line) -> dict[str, Any]:
        """Related items (by itemId) and popular items (the same list for every userId)."""
        history = self.dep.histories.get(line.user_id) if line.user_id else History()
        scores = scoring.request_scores(self.dep, history, line.user_id, line.item_id)
        return _items(scoring.top_items(self.dep, scores, self._mask(line, history), self.n))


def _items(answer: scoring.Answer) -> dict[str, Any]:
    # A v2 placeholder has no score; its 0.0 keeps the two lists aligned (inferred, as for
    # ranking items that were not in training).
    out: dict[str, Any] = {"recommendedItems": answer.ids}
    if answer.scores is not None:
        out["scores"] = answer.scores
    return out
