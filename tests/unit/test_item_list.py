"""GetRecommendations writes its itemList in wire form itself (`Wire`): the same bytes as
`to_wire` gives for the same items, whatever members an item carries."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from personalize_local.protocol.serialize import Wire, dumps, to_wire
from personalize_local.protocol.spec import all_operations
from personalize_local.runtime.api import _item_list
from personalize_local.runtime.scoring import Answer

SHAPE = all_operations()["GetRecommendations"].output_shape


def _through_to_wire(answer: Answer, metadata: list, v2: bool) -> dict[str, Any]:
    """The answer as a plain dict, members in any order, written by `to_wire`."""
    items: list[dict[str, Any]] = []
    for position, item in enumerate(answer.ids):
        row: dict[str, Any] = {"itemId": item}
        if metadata[position] is not None:
            row["metadata"] = metadata[position]
        reasons = []
        if position in answer.promoted:
            reasons.append("Promoted item")
            row["promotionName"] = answer.promotion
        if position in answer.explored:
            reasons.append("Exploration")
        if position in answer.placeholders:
            reasons.append("Popular item")
        elif answer.scores is not None:
            row["score"] = answer.scores[position]
        if reasons and v2:
            row["reason"] = reasons
        items.append(row)
    return to_wire({"recommendationId": "RID-1", "itemList": items}, SHAPE)


@pytest.mark.parametrize(
    ("scored", "promoted", "with_metadata", "v2", "marked"),
    list(itertools.product([True, False], repeat=5)),
)
def test_the_item_list_is_what_to_wire_writes(
    scored: bool, promoted: bool, with_metadata: bool, v2: bool, marked: bool
) -> None:
    """``marked``: v2's explored items and unscored placeholders (scored answers only)."""
    ids = ["i1", "i2", "i3"]
    answer = Answer(
        ids,
        [0.5, 0.25, 0.0 if marked else 1.2e-05] if scored else None,
        (0, 2) if promoted else (),
        "promo" if promoted else None,
        explored=(0, 1) if marked and scored else (),
        placeholders=(2,) if marked and scored else (),
    )
    metadata = [{"GENRE": "Comedy"}, {}, {"GENRE": ""}] if with_metadata else [None] * len(ids)

    ours = Wire(itemList=_item_list(answer, metadata, v2), recommendationId="RID-1")

    assert to_wire(ours, SHAPE) is ours
    assert dumps(ours) == dumps(_through_to_wire(answer, metadata, v2))
