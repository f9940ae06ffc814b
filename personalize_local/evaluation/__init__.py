"""Offline evaluation: metrics, holdout splits, GetSolutionMetrics and HPO."""

from personalize_local.evaluation.hpo import Trial, tune
from personalize_local.evaluation.solution_metrics import solution_metrics

__all__ = ["Trial", "solution_metrics", "tune"]
