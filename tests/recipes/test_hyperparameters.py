"""Hyperparameter validation and recipe resolution."""

from __future__ import annotations

import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.models import resolve, train
from personalize_local.recipes.catalogue import ModelKind
from personalize_local.recipes.parameters import (
    SimsConfig,
    UserPersonalizationConfig,
    config_to_strings,
    parse_config,
    parse_trend_frequency,
)
from tests.recipes.synthetic import clustered


@pytest.fixture(scope="module")
def data():
    return clustered(n_clusters=2, users_per_cluster=10)


@pytest.mark.parametrize(
    ("recipe", "params", "message"),
    [
        ("aws-user-personalization", {"hidden_dimension": "16"}, "hidden_dimension"),
        ("aws-user-personalization", {"hidden_dimension": "abc"}, "hidden_dimension"),
        ("aws-user-personalization", {"bptt": "33"}, "bptt"),
        ("aws-user-personalization", {"recency_mask": "maybe"}, "recency_mask"),
        ("aws-user-personalization", {"learning_rate": "0.1"}, "learning_rate"),
        ("aws-sims", {"popularity_discount_factor": "1.5"}, "popularity_discount_factor"),
        ("aws-sims", {"min_cointeraction_count": "11"}, "min_cointeraction_count"),
        ("aws-popularity-count", {"anything": "1"}, "anything"),
        ("aws-similar-items", {"item_id_hidden_dim": "10"}, "item_id_hidden_dim"),
    ],
)
def test_invalid_hyperparameters_name_the_parameter(data, recipe, params, message):
    with pytest.raises(InvalidInputException, match=message):
        train(recipe, data, params, {}, seed=0)


def test_defaults_are_the_documented_ones():
    assert config_to_strings(parse_config(UserPersonalizationConfig, {}, {})) == {
        "hidden_dimension": "149",
        "bptt": "32",
        "recency_mask": "true",
    }
    sims = parse_config(SimsConfig, {}, {})
    assert (sims.popularity_discount_factor, sims.min_cointeraction_count) == (0.5, 3)
    assert (
        sims.min_item_interaction_count_percentile,
        sims.max_item_interaction_count_percentile,
    ) == (0.01, 0.9)
    assert parse_config(resolve("aws-hrnn").training.config, {}, {}).hidden_dimension == 43


def test_values_arrive_as_strings_and_are_converted():
    cfg = parse_config(
        UserPersonalizationConfig,
        {"bptt": " 8 ", "recency_mask": "False"},
        {"max_user_history_length_percentile": "0.5"},
    )
    assert (cfg.bptt, cfg.recency_mask, cfg.max_user_history_length_percentile) == (8, False, 0.5)


def test_percentile_bounds_must_be_ordered():
    with pytest.raises(InvalidInputException, match="min_user_history_length_percentile"):
        parse_config(
            UserPersonalizationConfig,
            {},
            {
                "min_user_history_length_percentile": "0.8",
                "max_user_history_length_percentile": "0.2",
            },
        )


def test_v2_recipes_accept_unpublished_hyperparameters(data):
    model = train("aws-user-personalization-v2", data, {"some_future_knob": "1"}, {}, seed=0)
    assert model.recipe == "aws-user-personalization-v2"


def test_recipes_resolve_by_name_or_arn():
    assert resolve("arn:aws:personalize:::recipe/aws-sims").training.model == ModelKind.SIMS
    assert resolve("aws-vod-top-picks").training.model == ModelKind.USER_PERSONALIZATION
    assert resolve("aws-ecomm-frequently-bought-together").required_event_type == "Purchase"
    assert resolve("aws-hrnn-coldstart").retired
    with pytest.raises(InvalidInputException, match="aws-nope"):
        resolve("aws-nope")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30 minutes", 1800),
        ("1 hour", 3600),
        ("3 hours", 10800),
        ("1 day", 86400),
        ("3h", 10800),
        ("30 min", 1800),
    ],
)
def test_trend_frequencies(text, seconds):
    assert parse_trend_frequency(text) == seconds


def test_domain_recipe_trains_on_its_event_type():
    data = clustered(n_clusters=2, users_per_cluster=10, event_types=("Watch", "click"))
    model = train("aws-vod-most-popular", data, {}, {}, seed=0)
    watch_only = data.subset(data.event_type == "Watch")
    assert model.popularity.sum() == watch_only.item_counts().sum()


def test_no_data_left_is_an_error(data):
    with pytest.raises(InvalidInputException, match="no interactions left"):
        train(
            "aws-user-personalization",
            data,
            {},
            {},
            seed=0,
            solution_config={"eventType": "purchase"},
        )
