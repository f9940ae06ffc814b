"""DescribeRecipe's defaults are what training uses: one source of truth, checked."""

from __future__ import annotations

import dataclasses

import pytest

from personalize_local.recipes.catalogue import RECIPES
from personalize_local.recipes.parameters import FEATURE, HYPER, config_fields


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(published: str, trained) -> bool:
    try:
        return float(published) == float(trained)
    except (TypeError, ValueError):
        return published.lower() == _as_text(trained).lower()


@pytest.mark.parametrize("recipe", [r for r in RECIPES if r.domain is None], ids=lambda r: r.name)
def test_published_defaults_are_the_trained_defaults(recipe):
    config = recipe.training.config
    defaults = {f.name: f.default for f in dataclasses.fields(config)}
    for kind, published in (
        (HYPER, recipe.default_hyperparameters),
        (FEATURE, recipe.default_feature_params),
    ):
        fields = config_fields(config, kind)
        for name, value in published.items():
            if name in fields:
                assert _same(value, defaults[name]), (recipe.name, name, value, defaults[name])
