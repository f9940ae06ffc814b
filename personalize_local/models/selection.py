"""Training-data selection per solution: event type, value thresholds, weights, percentiles.

Applied by `registry.train` and by the evaluation before any split, so the model and its
metrics see the same data: CreateSolution's ``eventType`` and ``solutionConfig``
(https://docs.aws.amazon.com/personalize/latest/dg/API_CreateSolution.html) and the recipes'
featurization parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from personalize_local.errors import InvalidInputException
from personalize_local.models.data import InteractionData


@dataclass(frozen=True)
class EventParameters:
    """One ``eventsConfig.eventParametersList`` entry."""

    event_type: str
    threshold: float | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Selection:
    """Which interactions train a solution, and with what weight.

    Attributes
    ----------
    event_type : str or None
        CreateSolution ``eventType``: train on that type only.
    event_value_threshold : float or None
        ``solutionConfig.eventValueThreshold``: keep events with EVENT_VALUE >= it.
    event_parameters : tuple of EventParameters
        ``solutionConfig.eventsConfig.eventParametersList``. When present, only the listed types
        train ("the event types to be considered"), each with its own threshold and weight.
    user_percentiles, item_percentiles : (float, float) or None
        Featurization filters: keep users whose history length (items whose interaction count)
        lies between these percentiles of the distribution.
    """

    event_type: str | None = None
    event_value_threshold: float | None = None
    event_parameters: tuple[EventParameters, ...] = field(default_factory=tuple)
    user_percentiles: tuple[float, float] | None = None
    item_percentiles: tuple[float, float] | None = None
    case_insensitive_types: bool = False


def _float(value: object, name: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInputException(f"{name} must be a number, got {value!r}.") from None


def parse_selection(
    solution_config: Mapping | None,
    user_percentiles: tuple[float, float] | None = None,
    item_percentiles: tuple[float, float] | None = None,
    *,
    event_type: str | None = None,
    case_insensitive_types: bool = False,
) -> Selection:
    """Read the training-data selection out of a solution config.

    ``solution_config`` is CreateSolution's ``solutionConfig`` (camelCase keys); the solution's
    top-level ``eventType`` may be passed inside it as ``"eventType"`` or as ``event_type``.
    """
    cfg = dict(solution_config or {})
    event_type = cfg.get("eventType") or event_type
    threshold = cfg.get("eventValueThreshold")
    params = []
    for entry in (cfg.get("eventsConfig") or {}).get("eventParametersList") or []:
        weight = _float(entry.get("weight", 1.0), "eventParametersList.weight")
        if not 0.0 <= weight <= 1.0:
            raise InvalidInputException(
                f"eventParametersList.weight must be between 0 and 1, got {weight}."
            )
        thr = entry.get("eventValueThreshold")
        params.append(
            EventParameters(
                str(entry.get("eventType", "")),
                None if thr is None else _float(thr, "eventParametersList.eventValueThreshold"),
                weight,
            )
        )
    return Selection(
        event_type=event_type,
        event_value_threshold=None
        if threshold is None
        else _float(threshold, "eventValueThreshold"),
        event_parameters=tuple(params),
        user_percentiles=user_percentiles,
        item_percentiles=item_percentiles,
        case_insensitive_types=case_insensitive_types,
    )


def _same(a: str, b: str, fold: bool) -> bool:
    return a.lower() == b.lower() if fold else a == b


def type_weight(selection: Selection, event_type: str | None) -> float:
    """Training weight of one event type under the selection (0 = the type does not train)."""
    fold = selection.case_insensitive_types
    name = "" if event_type is None else str(event_type)
    weight = 1.0
    if selection.event_type:
        weight = 1.0 if _same(selection.event_type, name, fold) else 0.0
    if selection.event_parameters:
        listed = max(
            (p.weight for p in selection.event_parameters if _same(p.event_type, name, fold)),
            default=0.0,
        )
        weight = min(weight, listed)
    return weight


def _type_codes(data: InteractionData, name: str, fold: bool) -> np.ndarray:
    types = data.event_types
    match = [i for i, t in enumerate(types) if (t.lower() == name.lower() if fold else t == name)]
    return np.asarray(match, dtype=np.int64)


def _percentile_mask(counts: np.ndarray, keys: np.ndarray, bounds: tuple[float, float]):
    """Mask of rows whose key's count lies within the [lo, hi] percentiles of the counts."""
    present = counts[counts > 0]
    if len(present) == 0:
        return np.ones(len(keys), bool)
    lo, hi = np.quantile(present, bounds)
    ok = (counts >= lo) & (counts <= hi)
    return ok[keys]


def event_weights(selection: Selection, data: InteractionData) -> np.ndarray:
    """Per event-type code weight (0 = not used) implied by the selection's event settings."""
    return np.array([type_weight(selection, t) for t in data.event_types], np.float32)


def select(data: InteractionData, selection: Selection) -> InteractionData:
    """The interactions that train, with ``weight`` set from ``eventsConfig``.

    Order of rules: event type and thresholds first, then the user-history percentile filter,
    then the item-count percentile filter (each computed on what the previous rule kept).
    """
    fold = selection.case_insensitive_types
    type_w = event_weights(selection, data)
    keep = type_w[data.event_type_codes] > 0
    if selection.event_value_threshold is not None:
        # A NaN value cannot satisfy "value >= threshold".
        keep &= data.event_value >= selection.event_value_threshold
    for p in selection.event_parameters:
        if p.threshold is not None:
            rows = np.isin(data.event_type_codes, _type_codes(data, p.event_type, fold))
            keep &= ~rows | (data.event_value >= p.threshold)
    out = data.subset(keep)
    out.weight = (out.weight * type_w[out.event_type_codes]).astype(np.float32)
    if selection.user_percentiles is not None and len(out):
        lengths = np.bincount(out.user_idx, minlength=out.n_users)
        out = out.subset(_percentile_mask(lengths, out.user_idx, selection.user_percentiles))
    if selection.item_percentiles is not None and len(out):
        counts = np.bincount(out.item_idx, minlength=out.n_items)
        out = out.subset(_percentile_mask(counts, out.item_idx, selection.item_percentiles))
    return out
