"""What answers a runtime request: the model, its recipe, config and the group's live data.

Gathered under the emulator lock in a few dictionary lookups; the scoring that follows runs
without it.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..context import Context
from ..filters.evaluate import ItemCatalog
from ..models.base import TrainedModel
from ..recipes import catalogue
from ..recipes.catalogue import RecipeInfo
from ..store.state import Resource
from . import campaigns, recommenders
from .answers import AnswerCache
from .datasets import contents, datasets_of
from .histories import Histories, IndexCache
from .payloads import DatasetGroupPayload, ModelPayload

#: Users metadata versions (unique in the process, unlike ids of freed objects).
_USERS_VERSIONS = itertools.count(1)


@dataclass
class Deployment:
    arn: str
    version: Resource
    recipe: RecipeInfo
    config: dict[str, Any]
    model: TrainedModel
    histories: Histories
    items_meta: pd.DataFrame | None
    users_meta: pd.DataFrame | None
    catalog: ItemCatalog
    seed: int
    #: Answers of this model (GetRecommendations), see `answers`.
    answers: AnswerCache = field(default_factory=lambda: AnswerCache(0))
    #: Versions of the Items and Users metadata the answers depend on.
    data_key: tuple[int, int] = (0, 0)
    #: CREATION_TIMESTAMP of each of the model's items (NaN: unknown; None: no such column).
    item_created: np.ndarray | None = None
    #: Users' histories as this model's item indexes, per history version.
    indexes: IndexCache = field(default_factory=IndexCache)

    def rng(self, *parts: str | int) -> np.random.Generator:
        """A generator seeded by the endpoint seed, this deployment and ``parts``."""
        keys = [self.seed, zlib.crc32(self.arn.encode())]
        keys += [p if isinstance(p, int) else zlib.crc32(str(p).encode()) for p in parts]
        return np.random.default_rng(keys)


def _metadata(frame: pd.DataFrame | None, key: str) -> pd.DataFrame | None:
    if frame is None or len(frame) == 0:
        return None
    meta = frame.copy()
    meta.columns = [str(c).upper() for c in meta.columns]
    meta[key] = meta[key].astype(str)
    return meta.drop_duplicates(subset=key, keep="last").set_index(key)


def histories(
    ctx: Context,
    group_arn: str,
    kind: str = "Interactions",
    of_group: dict[str, Resource] | None = None,
) -> Histories:
    """The group's user histories, rebuilt only when the rows were replaced.

    ``kind`` is Interactions, or Action_Interactions for Next-Best-Action (actions as items);
    ``of_group`` is the group's datasets, when the caller has them already.
    """
    group = ctx.state.get("dataset-group", group_arn)
    if of_group is None:
        of_group = datasets_of(ctx, group_arn)
    dataset = of_group.get(kind)
    rows = contents(dataset) if dataset is not None else None
    version = (id(rows), rows.version) if rows is not None else None
    built = DatasetGroupPayload.of(group).histories
    cached = built.get(kind)
    if cached is None or cached[0] != version:
        frame = rows.frame("ALL") if rows is not None else None
        if frame is not None and kind == "Action_Interactions":
            frame = frame.rename(columns={"ACTION_ID": "ITEM_ID"})
        cached = (version, Histories(frame))
        built[kind] = cached
    return cached[1]


def _group_metadata(dataset: Resource | None):
    if dataset is None:
        return None, None
    rows = contents(dataset)
    return (id(rows), rows.version, len(rows.streamed)), rows


def deployment(ctx: Context, version: Resource, arn: str, config: dict[str, Any]) -> Deployment:
    """Everything needed to answer for ``version`` (call under the emulator lock)."""
    group_arn = version.attrs["datasetGroupArn"]
    held = ModelPayload.of(version)
    model = held.model
    recipe = catalogue.recipe_by_arn(version.attrs["recipeArn"])
    assert recipe is not None, version.arn  # trained, so its recipe is in the catalogue
    # One scan of the store for the group's datasets serves every lookup below.
    of_group = datasets_of(ctx, group_arn)
    items_key, items_rows = _group_metadata(of_group.get("Items"))
    users_key, users_rows = _group_metadata(of_group.get("Users"))
    cache = held.serving_cache
    if cache.get("items_key") != items_key or "catalog" not in cache:
        items_meta = _metadata(items_rows.frame("ALL") if items_rows else None, "ITEM_ID")
        created = None
        if items_meta is not None and "CREATION_TIMESTAMP" in items_meta:
            # Aligned once per Items version: exploration reads it on every request.
            created = pd.to_numeric(
                items_meta["CREATION_TIMESTAMP"].reindex(model.item_ids), errors="coerce"
            ).to_numpy(np.float64)
        cache.update(
            items_key=items_key,
            items_meta=items_meta,
            catalog=ItemCatalog(np.asarray(model.item_ids, dtype=object), items_meta),
            item_created=created,
        )
    if cache.get("users_key") != users_key or "users_meta" not in cache:
        frame = users_rows.frame("ALL") if users_rows else None
        cache.update(
            users_key=users_key,
            users_meta=_metadata(frame, "USER_ID"),
            users_version=next(_USERS_VERSIONS),
        )
    answers = cache.get("answers")
    if answers is None:
        answers = cache["answers"] = AnswerCache(ctx.settings.answer_cache_items)
    indexes = cache.get("indexes")
    if indexes is None:
        indexes = cache["indexes"] = IndexCache()
    return Deployment(
        arn=arn,
        version=version,
        recipe=recipe,
        config=config,
        model=model,
        histories=histories(
            ctx,
            group_arn,
            "Action_Interactions"
            if recipe.recipe_type == "PERSONALIZED_ACTIONS"
            else "Interactions",
            of_group,
        ),
        items_meta=cache["items_meta"],
        users_meta=cache["users_meta"],
        catalog=cache["catalog"],
        seed=ctx.settings.seed or 0,
        answers=answers,
        data_key=(cache["catalog"].version, cache["users_version"]),
        item_created=cache.get("item_created"),
        indexes=indexes,
    )


def for_campaign(ctx: Context, campaign_arn: str) -> Deployment:
    campaign = campaigns.active_campaign(ctx, campaign_arn)
    version, config = campaigns.serving(ctx, campaign)
    return deployment(ctx, version, campaign_arn, config)


def for_recommender(ctx: Context, recommender_arn: str) -> Deployment:
    """An ACTIVE recommender's model and config (the previous ones while an update runs)."""
    recommender = recommenders.active_recommender(ctx, recommender_arn)
    model, config = recommenders.serving(ctx, recommender)
    return deployment(ctx, model, recommender_arn, config)
