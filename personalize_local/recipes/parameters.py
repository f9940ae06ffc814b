"""Recipe configurations: documented hyperparameters, their defaults, ranges and parsing.

Each recipe's record (`catalogue.Training.config`) names a frozen dataclass whose field defaults
equal the documented defaults
(the recipe pages of https://docs.aws.amazon.com/personalize/latest/dg/working-with-predefined-recipes.html).
Field metadata says whether a field is an algorithm hyperparameter
(``solutionConfig.algorithmHyperParameters``) or a featurization parameter
(``featureTransformationParameters``), its range, and whether HPO may tune it. Values arrive
as strings; `parse_config` validates them and raises `InvalidInputException` naming the
parameter.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from personalize_local.errors import InvalidInputException

HYPER, FEATURE = "hyper", "feature"


def _param(
    default: Any,
    kind: str = HYPER,
    lo: float | None = None,
    hi: float | None = None,
    choices: tuple[str, ...] | None = None,
    tunable: bool = False,
) -> Any:
    meta = {"kind": kind, "lo": lo, "hi": hi, "choices": choices, "tunable": tunable}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class UserPersonalizationConfig:
    """aws-user-personalization (and -v2, hrnn*, ranking, next-best-action): the UP engine."""

    hidden_dimension: int = _param(149, lo=32, hi=256, tunable=True)
    bptt: int = _param(32, lo=2, hi=32, tunable=True)
    recency_mask: bool = _param(True, tunable=True)
    min_user_history_length_percentile: float = _param(0.0, FEATURE, 0.0, 1.0)
    max_user_history_length_percentile: float = _param(0.99, FEATURE, 0.0, 1.0)


@dataclass(frozen=True)
class UserPersonalizationV2Config(UserPersonalizationConfig):
    """aws-user-personalization-v2 / aws-personalized-ranking-v2 (tables unpublished)."""

    apply_recency_bias: bool = _param(True, tunable=True)


@dataclass(frozen=True)
class HrnnConfig(UserPersonalizationConfig):
    """Legacy aws-hrnn / aws-hrnn-metadata: hidden_dimension defaults to 43."""

    hidden_dimension: int = _param(43, lo=32, hi=256, tunable=True)


@dataclass(frozen=True)
class HrnnColdstartConfig(UserPersonalizationConfig):
    """Legacy aws-hrnn-coldstart: the UP engine plus a cold-item pool."""

    cold_start_max_interactions: int = _param(15, FEATURE, 1, None)
    cold_start_max_duration: float = _param(5.0, FEATURE, 0.0, None)
    cold_start_relative_from: str = _param(
        "latestItem", FEATURE, choices=("latestItem", "currentTime")
    )


@dataclass(frozen=True)
class SimsConfig:
    """aws-sims: item-to-item co-occurrence."""

    popularity_discount_factor: float = _param(0.5, lo=0.0, hi=1.0, tunable=True)
    min_cointeraction_count: int = _param(3, lo=0, hi=10, tunable=True)
    min_user_history_length_percentile: float = _param(0.005, FEATURE, 0.0, 1.0)
    max_user_history_length_percentile: float = _param(0.995, FEATURE, 0.0, 1.0)
    min_item_interaction_count_percentile: float = _param(0.01, FEATURE, 0.0, 1.0)
    max_item_interaction_count_percentile: float = _param(0.9, FEATURE, 0.0, 1.0)


@dataclass(frozen=True)
class SimilarItemsConfig:
    """aws-similar-items: co-occurrence blended with item-metadata similarity.

    ``popularity_discount_factor`` is the co-occurrence discount exponent as in SIMS; its
    default is the live guide's 0.0 (what DescribeRecipe reports); 0.5 measured better on
    MovieLens (bench/RESULTS.md), so pass it to get that.
    """

    popularity_discount_factor: float = _param(0.0, lo=0.0, hi=1.0)
    item_id_hidden_dim: int = _param(100, lo=30, hi=200, tunable=True)
    item_metadata_hidden_dim: int = _param(100, lo=30, hi=200, tunable=True)


@dataclass(frozen=True)
class PopularityConfig:
    """aws-popularity-count: no hyperparameters."""


@dataclass(frozen=True)
class TrendingConfig:
    """aws-trending-now: the trend window is a featurization parameter."""

    # The live guide's default (the 2023 guide said 3 hours).
    trend_discovery_frequency: str = _param("2 hours", FEATURE)

    def __post_init__(self) -> None:
        parse_trend_frequency(self.trend_discovery_frequency)  # one of the documented windows


@dataclass(frozen=True)
class AffinityConfig:
    """aws-item-affinity / aws-item-attribute-affinity (user segmentation)."""

    hidden_dimension: int = _param(149, lo=32, hi=256)


@dataclass(frozen=True)
class NextBestActionConfig:
    """aws-next-best-action: no published hyperparameters."""


_BOOLS = {"true": True, "false": False}


def _convert(name: str, raw: object, f: dataclasses.Field) -> Any:
    meta, text = f.metadata, str(raw).strip()
    typ = f.type if isinstance(f.type, str) else f.type.__name__
    try:
        if typ == "bool":
            if text.lower() not in _BOOLS:
                raise ValueError
            return _BOOLS[text.lower()]
        if typ == "int":
            value: Any = int(text)
        elif typ == "float":
            value = float(text)
        else:
            value = text
    except ValueError:
        raise InvalidInputException(
            f"Invalid value for hyperparameter {name}: {raw!r} is not a valid {typ}."
        ) from None
    if meta["choices"] and value not in meta["choices"]:
        raise InvalidInputException(
            f"Invalid value for hyperparameter {name}: {raw!r}; expected one of "
            f"{list(meta['choices'])}."
        )
    lo, hi = meta["lo"], meta["hi"]
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"[{lo}, {hi if hi is not None else 'inf'}]"
        raise InvalidInputException(
            f"Invalid value for hyperparameter {name}: {raw!r} is outside the range {bounds}."
        )
    return value


def config_fields(cls: type, kind: str | None = None) -> dict[str, dataclasses.Field]:
    """The config class's fields, optionally only hyperparameters or featurization ones."""
    return {
        f.name: f for f in dataclasses.fields(cls) if kind is None or f.metadata.get("kind") == kind
    }


def parse_config(
    cls: type,
    hyperparameters: Mapping[str, str] | None,
    feature_params: Mapping[str, str] | None,
    *,
    strict: bool = True,
) -> Any:
    """Validate string parameters and build the recipe's config.

    Parameters
    ----------
    cls : type
        The recipe's config dataclass.
    hyperparameters, feature_params : mapping of str to str
        ``algorithmHyperParameters`` and ``featureTransformationParameters``.
    strict : bool
        Reject unknown hyperparameter names (recipes with a published table). Unknown
        featurization parameters are always ignored: the service passes recipe-specific
        ones (e.g. ``cold_start_*``) through the same map.
    """
    values: dict[str, Any] = {}
    hyper = config_fields(cls, HYPER)
    for name, raw in (hyperparameters or {}).items():
        if name in hyper:
            values[name] = _convert(name, raw, hyper[name])
        elif strict:
            known = ", ".join(sorted(hyper)) or "none"
            raise InvalidInputException(
                f"Unknown hyperparameter {name} for this recipe (accepted: {known})."
            )
    feats = config_fields(cls, FEATURE)
    for name, raw in (feature_params or {}).items():
        if name in feats:
            values[name] = _convert(name, raw, feats[name])
    cfg = cls(**values)
    for lo_name, hi_name in (
        ("min_user_history_length_percentile", "max_user_history_length_percentile"),
        ("min_item_interaction_count_percentile", "max_item_interaction_count_percentile"),
    ):
        lo, hi = getattr(cfg, lo_name, 0.0), getattr(cfg, hi_name, 1.0)
        if lo > hi:
            raise InvalidInputException(f"{lo_name} ({lo}) must not exceed {hi_name} ({hi}).")
    return cfg


def config_to_strings(cfg: Any, kind: str = HYPER) -> dict[str, str]:
    """The config's hyperparameters as the strings DescribeSolution reports."""
    out = {}
    for name in config_fields(type(cfg), kind):
        value = getattr(cfg, name)
        out[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")
_UNITS = {
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}
#: trend_discovery_frequency values in seconds: the guide's four plus "2 hours", which the
#: service's recipe catalogue also lists.
TREND_WINDOWS = (1800, 3600, 2 * 3600, 3 * 3600, 86400)


def parse_trend_frequency(text: str) -> int:
    """``"30 minutes"`` / ``"1 hour"`` / ``"3h"`` / ``"1 day"`` → seconds (documented ones only)."""
    match = _DURATION.match(str(text))
    unit = _UNITS.get(match.group(2).lower()) if match else None
    seconds = int(float(match.group(1)) * unit) if match and unit else None
    if seconds not in TREND_WINDOWS:
        raise InvalidInputException(
            f"Invalid value for trend_discovery_frequency: {text!r}; expected one of "
            "'30 minutes', '1 hour', '2 hours', '3 hours', '1 day'."
        )
    return seconds
