"""Recommendation models of personalize-local: one real, trained model per recipe.

The server's entry points:

* `InteractionData.from_frames` builds the training input from the imported datasets;
* `train` fits a recipe's model (a `TrainedModel`) on it;
* `TrainedModel.score_*` return full score vectors the serving layer filters and ranks;
* `to_probabilities` and `explore` turn scores into the service's action scores and exploration
  (item scores: `base.probabilities_of`).
"""

from personalize_local.models.base import TrainedModel, to_probabilities, top_k
from personalize_local.models.data import InteractionData
from personalize_local.models.exploration import explore
from personalize_local.models.registry import resolve, train

__all__ = [
    "InteractionData",
    "TrainedModel",
    "explore",
    "resolve",
    "to_probabilities",
    "top_k",
    "train",
]
