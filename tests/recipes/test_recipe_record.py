"""One record per recipe: the catalogue declares each recipe, its capabilities and how it trains
once, the registry maps each model kind to its builder once, and no other module decides
anything from a recipe's name or model kind."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

import personalize_local
from personalize_local.models import registry
from personalize_local.recipes import catalogue
from personalize_local.recipes.catalogue import ModelKind

RETIRED = [catalogue.trainable_recipe(n) for n in catalogue.RETIRED_RECIPES]
NAMES = [r.name for r in catalogue.RECIPES] + list(catalogue.RETIRED_RECIPES)
PACKAGE = Path(personalize_local.__file__).parent
#: The record's files: the catalogue declares every recipe, the registry builds every model kind.
OWNERS = {PACKAGE / "recipes" / "catalogue.py", PACKAGE / "models" / "registry.py"}


def test_every_recipe_has_exactly_one_record_and_a_builder():
    assert [n for n, c in Counter(NAMES).items() if c > 1] == []
    for info in catalogue.RECIPES:
        assert catalogue.recipe_by_name(info.name) is info
        assert catalogue.recipe_by_arn(info.arn) is info
        assert registry.resolve(info.arn) is registry.resolve(info.name) is info
        assert not info.retired
    for info in RETIRED:
        assert info is not None and info.retired
        assert registry.resolve(info.arn) is info
        assert catalogue.recipe_by_arn(info.arn) is None  # not listed, not creatable
    assert set(registry.BUILDERS) == set(ModelKind)


def test_domain_recipes_train_like_their_custom_analogue():
    for info in catalogue.RECIPES:
        if info.domain:
            analogue = catalogue.recipe_by_name(info.custom_analogue or "")
            assert analogue is not None and analogue.domain is None
            assert info.training.model == analogue.training.model
            assert info.training.config is analogue.training.config
            assert not info.training.strict


def test_capabilities_come_from_the_record():
    by_name = {r.name: r for r in catalogue.RECIPES}
    assert {n for n, r in by_name.items() if r.v2} == {
        "aws-user-personalization-v2",
        "aws-personalized-ranking-v2",
    }
    assert {n for n, r in by_name.items() if r.trending} == {
        "aws-trending-now",
        "aws-vod-trending-now",
    }
    assert {n for n, r in by_name.items() if r.updatable} == {"aws-user-personalization"}
    assert {n for n, r in by_name.items() if not r.batchable} == {
        "aws-trending-now",
        "aws-next-best-action",
    }
    assert all((r.use_case is not None) == bool(r.domain) for r in catalogue.RECIPES)
    # Every domain use case takes a promotion but VOD Trending now (promoting-items-domain-dsg).
    assert {n for n, r in by_name.items() if r.domain and not r.promotable} == {
        "aws-vod-trending-now"
    }
    assert {n for n, r in by_name.items() if r.segments_by_attributes} == {
        "aws-item-attribute-affinity"
    }
    assert {n for n, r in by_name.items() if r.training.positive_event_type} == {
        "aws-next-best-action"
    }


def _looks_like_a_recipe_name(value: object) -> bool:
    """A literal recipe name, or a piece of one used to classify recipes ("-v2", "trending-now")."""
    text = value if isinstance(value, str) else ""
    return len(text) >= 3 and "-" in text and any(text in name for name in NAMES)


def _identifier(node: ast.AST | None) -> str | None:
    """The name a Name, an attribute access or an imported alias spells."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.name if isinstance(node, ast.alias) else None


def _recipe_decisions(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module tests a recipe's name or model kind.

    Recipe-name literals compared, matched (``endswith``/``startswith``), collected, or bound to
    a module constant; and any use of `ModelKind` or of a record's ``training.model``.
    """
    found = []
    constants = [n.value for n in getattr(tree, "body", []) if isinstance(n, ast.Assign)]
    for node in ast.walk(tree):
        literals: list[ast.expr] = []
        if isinstance(node, ast.Compare):
            literals = [node.left, *node.comparators]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("endswith", "startswith"):
                literals = list(node.args)
        elif isinstance(node, (ast.Set, ast.Tuple, ast.List)):
            literals = list(node.elts)
        elif any(node is value for value in constants):
            literals = [node]  # type: ignore[list-item]
        for lit in literals:
            if isinstance(lit, (ast.Set, ast.Tuple, ast.List)):
                literals.extend(lit.elts)
            elif isinstance(lit, ast.Constant) and _looks_like_a_recipe_name(lit.value):
                found.append((lit.lineno, repr(lit.value)))
        named = _identifier(node)
        if named == "ModelKind":
            found.append((getattr(node, "lineno", 0), "ModelKind"))
        elif named == "model" and _identifier(getattr(node, "value", None)) == "training":
            found.append((getattr(node, "lineno", 0), "training.model"))
    return found


@pytest.mark.parametrize(
    "source",
    [
        'if recipe.name.endswith("-v2"):\n    pass',
        'if "trending-now" in arn:\n    pass',
        'ATTRIBUTE_RECIPE = "aws-item-attribute-affinity"',
        'LEGACY = frozenset({"aws-hrnn", "aws-hrnn-metadata"})',
        "if prep.recipe.training.model == kinds.SIMS:\n    pass",
        "from personalize_local.recipes.catalogue import ModelKind",
        "x = catalogue.ModelKind.SIMS",
    ],
)
def test_the_check_sees_a_decision_on_a_recipe_name_or_kind(source):
    assert _recipe_decisions(ast.parse(source)) != []


def test_the_check_lets_records_and_capabilities_through():
    source = (
        'def fit(data, recipe: str = "aws-sims"):\n'
        "    if recipe_info.v2 or recipe_info.segments_by_attributes:\n"
        '        raise ValueError(f"{recipe_info.name} is not aws-sims")\n'
    )
    assert _recipe_decisions(ast.parse(source)) == []


def test_no_module_outside_the_record_tests_recipe_names_or_kinds():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in OWNERS:
            continue
        for line, text in _recipe_decisions(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(PACKAGE)}:{line} {text}")
    assert offenders == []
