"""Item metadata features and attribute expressions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.models.attributes import matching_items, parse_expression
from personalize_local.models.metadata import item_features, profile_similarity

META = pd.DataFrame(
    {
        "GENRES": ["Comedy|Drama", "Comedy", "Horror", None],
        "YEAR": [1990, 1991, 2020, 2021],
        "DESCRIPTION": [
            "a funny family film about dogs",
            "funny dogs and cats in a family home",
            "a dark haunted house at night",
            "space ships fight at night",
        ],
        "CREATION_TIMESTAMP": [0, 0, 0, 0],
    },
    index=pd.Index(["a", "b", "c", "d"], name="ITEM_ID"),
)


def test_similar_items_share_features():
    f = item_features(META, ["a", "b", "c", "d", "unknown"], text_columns=("DESCRIPTION",))
    sim = (f @ f.T).toarray()
    np.testing.assert_allclose(np.diag(sim)[:4], 1.0, rtol=1e-5)
    assert sim[0, 1] > sim[0, 2]
    assert sim[4].sum() == 0  # no metadata, no features


def test_profile_similarity_prefers_the_profile():
    f = item_features(META, ["a", "b", "c", "d"])
    s = profile_similarity(f, np.array([0]))
    assert s[1] > s[2]


def test_expressions_parse_and_match():
    assert parse_expression('ITEMS.GENRES = "Comedy" AND ITEMS.YEAR = "1991"') == [
        [("GENRES", "Comedy"), ("YEAR", "1991")]
    ]
    ids = np.array(["a", "b", "c", "d"])
    assert list(matching_items(META, ids, 'ITEMS.genres = "comedy"')) == [0, 1]
    assert list(matching_items(META, ids, 'ITEMS.GENRES = "Horror" OR ITEMS.YEAR = "2021"')) == [
        2,
        3,
    ]


@pytest.mark.parametrize(
    "text", ['GENRES = "x"', 'ITEMS.GENRES = "x" XOR ITEMS.A = "y"', 'ITEMS.NOPE = "x"']
)
def test_bad_expressions(text):
    with pytest.raises(InvalidInputException):
        matching_items(META, np.array(["a"]), text)
