"""InteractionData.from_frames: columns, id tables and metadata."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.models import InteractionData


def test_columns_match_case_insensitively_and_ids_become_strings():
    frame = pd.DataFrame(
        {
            "user_id": [1, 2, 1],
            "Item_Id": [10, 10, 11],
            "timestamp": [5, 6, 7],
            "EVENT_value": [1.0, None, 2.0],
        }
    )
    data = InteractionData.from_frames(frame)
    assert list(data.users) == ["1", "2"] and list(data.items) == ["10", "11"]
    assert data.user_idx.dtype == np.int32 and data.timestamp.dtype == np.int64
    assert np.isnan(data.event_value[1])
    assert list(data.event_type) == ["", "", ""]


def test_missing_required_column():
    with pytest.raises(InvalidInputException, match="TIMESTAMP"):
        InteractionData.from_frames(pd.DataFrame({"USER_ID": [1], "ITEM_ID": [2]}))


def test_metadata_only_items_are_appended_as_cold_items():
    inter = pd.DataFrame({"USER_ID": ["u"], "ITEM_ID": ["a"], "TIMESTAMP": [1]})
    items = pd.DataFrame(
        {"ITEM_ID": ["a", "z", "z"], "GENRES": ["x", "y", "w"], "CREATION_TIMESTAMP": [0, 100, 200]}
    )
    data = InteractionData.from_frames(inter, items)
    assert list(data.items) == ["a", "z"]
    assert data.items_meta.loc["z", "GENRES"] == "w"  # the last record of an id wins
    np.testing.assert_array_equal(data.creation_times(), [0.0, 200.0])
    np.testing.assert_array_equal(data.item_counts(), [1.0, 0.0])


def test_actions_play_items():
    frame = pd.DataFrame(
        {
            "USER_ID": ["u", "v"],
            "ACTION_ID": ["join", "join"],
            "TIMESTAMP": [1, 2],
            "EVENT_TYPE": ["TAKEN", "VIEWED"],
        }
    )
    data = InteractionData.from_action_frames(frame)
    assert list(data.items) == ["join"]
    assert sorted(data.event_types) == ["TAKEN", "VIEWED"]


def test_item_counts_are_distinct_users():
    frame = pd.DataFrame(
        {"USER_ID": ["u", "u", "v"], "ITEM_ID": ["a", "a", "a"], "TIMESTAMP": [1, 2, 3]}
    )
    assert InteractionData.from_frames(frame).item_counts().tolist() == [2.0]
