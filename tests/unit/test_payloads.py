"""What a resource holds off the wire: one payload class per kind, caches left out of pickles."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from personalize_local.models.base import TrainedModel
from personalize_local.serving.histories import Histories
from personalize_local.serving.payloads import (
    DatasetGroupPayload,
    DatasetPayload,
    SchemaPayload,
    SolutionVersionPayload,
)
from personalize_local.store.state import Payload, Resource


def _model() -> TrainedModel:
    return TrainedModel("aws-sims", np.array(["a", "b"]), np.array(["u"]), np.array([1.0, 2.0]))


def test_a_pickled_payload_leaves_its_caches_out_and_starts_them_empty() -> None:
    data = SolutionVersionPayload(_model(), metrics={"coverage": 0.5})
    version = Resource("solution-version", "arn:version", {}, 0.0, data=data)
    # Unpicklable on purpose: pickling fails if the cache is not left out.
    data.serving_cache["answers"] = lambda: None

    restored = SolutionVersionPayload.of(pickle.loads(pickle.dumps(version)))

    assert restored.serving_cache == {}
    assert restored.metrics == {"coverage": 0.5}
    assert list(restored.model.item_ids) == ["a", "b"]
    assert "answers" in data.serving_cache  # the live payload keeps its cache


def test_a_groups_histories_are_a_cache() -> None:
    data = DatasetGroupPayload()
    data.histories["Interactions"] = ((1, 2), Histories(None))
    group = Resource("dataset-group", "arn:group", {"name": "g"}, 0.0, data=data)

    copy = pickle.loads(pickle.dumps(group))

    assert DatasetGroupPayload.of(copy).histories == {}
    assert copy.attrs == {"name": "g"}


def test_a_dataset_holds_its_rows_from_the_start() -> None:
    data = DatasetPayload("Items")
    assert data.contents.dataset_type == "Items"
    assert len(data.contents) == 0
    assert data.event_ids == set()


def test_reading_another_kinds_payload_is_a_type_error_naming_both() -> None:
    dataset = Resource("dataset", "arn:dataset", {}, 0.0, data=DatasetPayload("Users"))
    with pytest.raises(TypeError, match="DatasetPayload, not SchemaPayload"):
        SchemaPayload.of(dataset)


def test_a_resource_holds_the_empty_payload_by_default() -> None:
    resource = Resource("event-tracker", "arn:tracker", {}, 0.0)
    assert type(resource.data) is Payload
    assert resource.stop_requested is False
