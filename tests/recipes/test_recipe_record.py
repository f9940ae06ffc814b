"""One record per recipe: the catalogue declares each recipe and its capabilities once, and no
runtime or control module decides anything from a recipe's name."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import personalize_local
from personalize_local.models import registry
from personalize_local.recipes import catalogue

NAMES = [r.name for r in catalogue.RECIPES]
PACKAGE = Path(personalize_local.__file__).parent
#: Where recipe names may appear: the record itself and the model builders it maps to.
OWNERS = {PACKAGE / "recipes", PACKAGE / "models"}


def test_every_listed_recipe_has_exactly_one_record_and_one_model():
    assert [n for n, c in Counter(NAMES).items() if c > 1] == []
    for info in catalogue.RECIPES:
        assert catalogue.recipe_by_name(info.name) is info
        assert catalogue.recipe_by_arn(info.arn) is info
        spec = registry.resolve(info.arn)
        assert spec.name == info.name
        assert spec.family == info.recipe_type


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


def _looks_like_a_recipe_name(text: str) -> bool:
    """A literal recipe name, or a piece of one used to classify recipes ("-v2", "trending-now")."""
    return len(text) >= 3 and "-" in text and any(text in name for name in NAMES)


def _name_tests(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        literals: list[ast.expr] = []
        if isinstance(node, ast.Compare):
            literals = [node.left, *node.comparators]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("endswith", "startswith"):
                literals = list(node.args)
        elif isinstance(node, (ast.Set, ast.Tuple, ast.List)):
            literals = list(node.elts)
        for lit in literals:
            if isinstance(lit, (ast.Set, ast.Tuple, ast.List)):
                literals.extend(lit.elts)
            elif isinstance(lit, ast.Constant) and _looks_like_a_recipe_name(str(lit.value)):
                found.append((lit.lineno, lit.value))
    return found


def test_no_module_outside_the_record_tests_recipe_names():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(owner in path.parents for owner in OWNERS):
            continue
        for line, text in _name_tests(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(PACKAGE)}:{line} {text!r}")
    assert offenders == []
