"""Training-data selection: event type, thresholds, weights and percentile filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.models import InteractionData
from personalize_local.models.selection import parse_selection, select, type_weight


@pytest.fixture
def data() -> InteractionData:
    rows = [
        ("u1", "a", 1, "click", 1.0),
        ("u1", "b", 2, "buy", 5.0),
        ("u2", "a", 3, "click", 0.2),
        ("u2", "c", 4, "buy", np.nan),
        ("u3", "c", 5, "view", 3.0),
    ]
    return InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE"])
    )


def test_event_type(data):
    out = select(data, parse_selection({"eventType": "buy"}))
    assert sorted(out.timestamp) == [2, 4]


def test_event_value_threshold_drops_missing_values(data):
    out = select(data, parse_selection({"eventValueThreshold": "1.0"}))
    assert sorted(out.timestamp) == [1, 2, 5]


def test_event_parameters_list_types_thresholds_and_weights(data):
    cfg = {
        "eventsConfig": {
            "eventParametersList": [
                {"eventType": "click", "eventValueThreshold": 0.5, "weight": 0.3},
                {"eventType": "buy", "weight": 1.0},
            ]
        }
    }
    selection = parse_selection(cfg)
    out = select(data, selection)
    assert sorted(out.timestamp) == [1, 2, 4]  # view unlisted; click 0.2 under its threshold
    assert dict(zip(out.timestamp.tolist(), out.weight.tolist(), strict=True))[1] == pytest.approx(
        0.3
    )
    assert type_weight(selection, "view") == 0.0
    assert type_weight(selection, "click") == pytest.approx(0.3)


def test_weight_outside_0_1_is_rejected():
    with pytest.raises(InvalidInputException, match="weight"):
        parse_selection(
            {"eventsConfig": {"eventParametersList": [{"eventType": "x", "weight": 2}]}}
        )


def test_user_history_percentiles():
    rows = [(f"u{u}", f"i{t}", t) for u in range(100) for t in range(u % 10 + 1)]
    rows += [("heavy", f"i{t}", t) for t in range(500)]
    data = InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
    )
    out = select(data, parse_selection(None, user_percentiles=(0.0, 0.99)))
    kept = set(out.users[np.unique(out.user_idx)])
    assert "heavy" not in kept and len(kept) == 100


def test_item_count_percentiles_drop_the_most_popular():
    rows = [(f"u{u}", f"i{i}", i) for i in range(20) for u in range(i + 1)]
    data = InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
    )
    out = select(data, parse_selection(None, item_percentiles=(0.0, 0.9)))
    assert set(out.items[np.unique(out.item_idx)]) == {f"i{i}" for i in range(18)}


def test_domain_types_match_case_insensitively(data):
    out = select(data, parse_selection(None, event_type="BUY", case_insensitive_types=True))
    assert len(out) == 2
