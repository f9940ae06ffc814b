"""Similar-Items (aws-similar-items): co-occurrence blended with item-metadata similarity.

For a query item i with n_i interacting users,

    score(j | i) = α_i · c_ij / max_j c_ij + (1 − α_i) · cos(f_i, f_j),
    α_i = α_max · min(1, n_i / 5),

where c_ij = C_ij / n_j^p is the SIMS co-occurrence score (every co-occurrence counts; p is
``popularity_discount_factor``, 0.5 by default) and f are
the TF-IDF metadata vectors of `metadata.item_features`. Items with fewer than five
interactions, including cold items that only exist in the Items dataset, lean on metadata, so
they can be queried and recommended. Without metadata the model is pure co-occurrence.

``item_id_hidden_dim`` and ``item_metadata_hidden_dim`` are accepted for HPO compatibility; the
model has no embedding to size, so they do not change it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from personalize_local.models.base import TrainedModel
from personalize_local.models.data import InteractionData
from personalize_local.models.metadata import item_features
from personalize_local.models.selection import Selection
from personalize_local.models.sequences import Sequences, binary_matrix
from personalize_local.models.sims import cooccurrence_neighbours

#: Interactions from which an item's own co-occurrence is fully trusted.
TRUSTED_INTERACTIONS = 5


class SimilarItemsModel(TrainedModel):
    """Co-occurrence neighbours plus metadata features over all known items."""

    neighbours: sp.csr_matrix
    features: sp.csr_matrix
    #: Per item, the weight of co-occurrence against metadata similarity.
    alpha: np.ndarray

    @classmethod
    def fit(
        cls,
        data: InteractionData,
        *,
        recipe: str = "aws-similar-items",
        selection: Selection | None = None,
        popularity_discount_factor: float = 0.5,
        alpha_max: float = 0.8,
        max_neighbours: int = 200,
    ) -> SimilarItemsModel:
        """Train on selected interactions; the catalogue also holds metadata-only items."""
        x = binary_matrix(Sequences.from_data(data), data.n_items)
        popularity = np.diff(x.tocsc().indptr).astype(np.float64)
        model = cls(recipe, data.items, data.users, popularity, selection)
        model.neighbours = cooccurrence_neighbours(x, 1, popularity_discount_factor, max_neighbours)
        model.features = item_features(data.items_meta, data.items, data.item_text_columns)
        has_meta = model.features.shape[1] > 0
        trust = np.minimum(1.0, popularity / TRUSTED_INTERACTIONS)
        model.alpha = alpha_max * trust if has_meta else np.ones(len(popularity))
        return model

    def _related(self, query: int) -> np.ndarray:
        n = len(self.item_ids)
        cooc = np.zeros(n)
        lo, hi = self.neighbours.indptr[query], self.neighbours.indptr[query + 1]
        if hi > lo:
            vals = self.neighbours.data[lo:hi].astype(np.float64)
            cooc[self.neighbours.indices[lo:hi]] = vals / vals.max()
        content = np.zeros(n)
        if self.features.shape[1]:
            content = np.asarray(self.features @ self.features[query].T.toarray()).ravel()
        a = self.alpha[query]
        scores = a * cooc + (1.0 - a) * content
        # Popularity breaks ties (e.g. items with neither co-occurrence nor shared metadata).
        pop = self.popularity
        scores += 1e-6 * pop / (pop.max() + 1.0)
        scores[query] = -np.inf
        return scores

    def score_related(self, item_id: str) -> np.ndarray:
        """Related-item scores; an unknown item gets popularity."""
        idx = int(self.item_index([item_id])[0])
        return self.score_popular() if idx < 0 else self._related(idx)

    def score_related_indexes(self, queries: np.ndarray) -> np.ndarray:
        """Batch of related-item score rows for model item indexes (-1 = unknown)."""
        return np.vstack(
            [self._related(int(q)) if q >= 0 else self.score_popular() for q in queries]
        )
