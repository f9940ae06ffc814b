"""Hyperparameter optimisation (``performHPO``): a seeded random search.

The search space is ``hpoConfig.algorithmHyperParameterRanges`` in botocore's HPOConfig shape
(``integerHyperParameterRanges`` / ``continuousHyperParameterRanges`` with ``minValue`` /
``maxValue``, ``categoricalHyperParameterRanges`` with ``values``); without it, the recipe's
HPO-tunable hyperparameters over their documented ranges. ``hpoResourceConfig.
maxNumberOfTrainingJobs`` trials are run (default 10): the first uses the base hyperparameters,
the others are drawn uniformly (log-uniformly for ``scalingType: Logarithmic``) with an RNG
seeded from ``seed``. Each trial is trained and scored on a validation split carved out of the
training users only: the users `solution_metrics` holds out for the same seed never take part,
so tuning does not leak into the reported metrics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from personalize_local.errors import InvalidInputException
from personalize_local.evaluation.holdout import hold_out_users, rng_for, split_per_user
from personalize_local.evaluation.segmentation import segmentation_metrics
from personalize_local.evaluation.solution_metrics import (
    default_holdout,
    evaluate_split,
    user_split,
)
from personalize_local.models.data import InteractionData
from personalize_local.models.registry import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
    USER_SEGMENTATION,
    Prepared,
    prepare,
)
from personalize_local.recipes import parameters as C

#: The metric each family tunes for when hpoObjective does not name one.
DEFAULT_OBJECTIVE = {
    USER_PERSONALIZATION: "normalized_discounted_cumulative_gain_at_25",
    PERSONALIZED_RANKING: "normalized_discounted_cumulative_gain_at_25",
    PERSONALIZED_ACTIONS: "normalized_discounted_cumulative_gain_at_25",
    RELATED_ITEMS: "mean_reciprocal_rank_at_25",
    USER_SEGMENTATION: "hits_at_1_percent",
}
DEFAULT_TRIALS = 10


@dataclass
class Trial:
    """One HPO training job: its hyperparameters (strings) and validation metrics."""

    hyperparameters: dict[str, str]
    metrics: dict[str, float]
    objective: float


def _ranges(hpo_config: Mapping, prep: Prepared) -> list[tuple[str, str, Any]]:
    """(name, kind, spec) for every searched hyperparameter."""
    ranges = hpo_config.get("algorithmHyperParameterRanges")
    fields = C.config_fields(prep.recipe.training.config, C.HYPER)
    out: list[tuple[str, str, Any]] = []
    if not ranges:
        for name, f in fields.items():
            if not f.metadata["tunable"]:
                continue
            typ = f.type if isinstance(f.type, str) else f.type.__name__
            if typ == "bool":
                out.append((name, "categorical", ["true", "false"]))
            else:
                kind = "integer" if typ == "int" else "continuous"
                out.append((name, kind, (f.metadata["lo"], f.metadata["hi"], "Auto")))
        return out
    for kind, key in (
        ("integer", "integerHyperParameterRanges"),
        ("continuous", "continuousHyperParameterRanges"),
    ):
        for r in ranges.get(key) or []:
            name = r["name"]
            if name not in fields:
                raise InvalidInputException(f"Unknown hyperparameter {name} in hpoConfig.")
            lo, hi = float(r["minValue"]), float(r["maxValue"])
            if lo > hi:
                raise InvalidInputException(f"minValue exceeds maxValue for {name}.")
            out.append((name, kind, (lo, hi, r.get("scalingType", "Auto"))))
    for r in ranges.get("categoricalHyperParameterRanges") or []:
        if r["name"] not in fields:
            raise InvalidInputException(f"Unknown hyperparameter {r['name']} in hpoConfig.")
        out.append((r["name"], "categorical", [str(v) for v in r["values"]]))
    return out


def _draw(kind: str, spec: Any, rng: np.random.Generator) -> str:
    if kind == "categorical":
        return str(spec[int(rng.integers(len(spec)))])
    lo, hi, scaling = spec
    if scaling == "Logarithmic" and lo > 0:
        value = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    else:
        value = rng.uniform(lo, hi)
    if kind == "integer":
        return str(int(min(hi, max(lo, round(value)))))
    return f"{value:.6g}"


def _validation_metrics(prep: Prepared, seed: int) -> dict[str, float]:
    """Metrics of ``prep`` on the validation users (never the reported test users)."""
    if prep.recipe.recipe_type == USER_SEGMENTATION:
        # Segmentation holds out interactions, not users: validate on the 80% part only.
        inner = Prepared(
            prep.recipe, prep.config, prep.selection, _drop_latest(prep.data), prep.solution_config
        )
        return segmentation_metrics(inner, seed)
    outer = user_split(prep, seed)
    inner = hold_out_users(
        outer.train, int(rng_for(seed, "validate").integers(2**31)), default_holdout(prep)
    )
    return evaluate_split(prep, inner, seed, prep.data.n_items)


def _drop_latest(data: InteractionData) -> InteractionData:
    """Each user's oldest 80%: the part segmentation metrics never test on."""
    return split_per_user(data)[0]


def tune(
    recipe: str,
    data: InteractionData,
    hpo_config: Mapping | None,
    objective: Mapping | None,
    base_hyperparameters: Mapping[str, str] | None,
    feature_params: Mapping[str, str] | None,
    seed: int,
    solution_config: Mapping | None = None,
) -> tuple[dict[str, str], list[Trial]]:
    """Random-search the hyperparameters; returns (best hyperparameters, all trials).

    Parameters
    ----------
    recipe, data, feature_params, seed, solution_config
        As for `personalize_local.models.train`.
    hpo_config : mapping
        ``solutionConfig.hpoConfig`` (botocore shape).
    objective : mapping, optional
        ``hpoObjective`` (``{"type": "Maximize"|"Minimize", "metricName": …}``); defaults to
        ``hpo_config["hpoObjective"]``, then to the family's main metric.
    base_hyperparameters : mapping
        Fixed ``algorithmHyperParameters``; searched names override them per trial.
    """
    hpo_config = dict(hpo_config or {})
    objective = dict(objective or hpo_config.get("hpoObjective") or {})
    base = {k: str(v) for k, v in (base_hyperparameters or {}).items()}
    prep = prepare(recipe, data, base, feature_params, solution_config)
    metric = objective.get("metricName") or DEFAULT_OBJECTIVE.get(prep.recipe.recipe_type)
    if metric is None:
        raise InvalidInputException(f"HPO is not supported for {prep.recipe.name}.")
    sign = -1.0 if str(objective.get("type", "Maximize")).lower() == "minimize" else 1.0
    resources = hpo_config.get("hpoResourceConfig") or {}
    n_trials = int(resources.get("maxNumberOfTrainingJobs", DEFAULT_TRIALS))
    if n_trials < 1:
        raise InvalidInputException("maxNumberOfTrainingJobs must be at least 1.")
    space = _ranges(hpo_config, prep)
    rng = rng_for(seed, "hpo")
    trials: list[Trial] = []
    tried: set[tuple] = set()
    for t in range(n_trials):
        params = dict(base)
        if t > 0 or not space:
            for name, kind, spec in space:
                params[name] = _draw(kind, spec, rng)
        key = tuple(sorted(params.items()))
        if key in tried and t > 0:
            continue  # a duplicate draw would only repeat a job
        tried.add(key)
        trial_prep = prepare(recipe, data, params, feature_params, solution_config)
        values = _validation_metrics(trial_prep, seed)
        if metric not in values:
            raise InvalidInputException(f"Unknown HPO objective metric {metric}.")
        trials.append(Trial(params, values, float(values[metric])))
    best = max(trials, key=lambda tr: sign * tr.objective)
    return dict(best.hyperparameters), trials
