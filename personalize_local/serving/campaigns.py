"""What a campaign serves: its solution version and config, with the recipe's defaults.

Control uses the same rules when a campaign is created or updated, and batch inference jobs
score with a campaign's config for the solution version they name.
"""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..errors import InvalidInputException, ResourceNotFoundException
from ..recipes import catalogue
from ..store.state import Resource
from .payloads import CampaignPayload

KIND = "campaign"
LATEST = "$LATEST"
EXPLORATION_DEFAULTS = {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}


def version_for(ctx: Context, solution_version_arn: str, sync: bool) -> Resource:
    """The version an ARN names now; ``<solution>/$LATEST`` is the newest ACTIVE one."""
    if solution_version_arn.endswith("/" + LATEST):
        solution_arn = solution_version_arn.rsplit("/", 1)[0]
        ctx.state.get("solution", solution_arn)
        for version in ctx.state.of_kind("solution-version", parent=solution_arn):
            if version.status(ctx.now) == "ACTIVE":
                return version
        raise InvalidInputException(f"The solution {solution_arn} has no ACTIVE solution version.")
    if sync:
        raise InvalidInputException(
            "syncWithLatestSolutionVersion needs solutionVersionArn in the form "
            "<solutionArn>/$LATEST."
        )
    version = ctx.state.get("solution-version", solution_version_arn)
    if version.status(ctx.now) != "ACTIVE":
        raise InvalidInputException(
            f"The given solution version must be in the ACTIVE state: {solution_version_arn}"
        )
    return version


def serving_config(version: Resource, config: dict[str, Any] | None) -> dict[str, Any]:
    """The campaign config with the service's defaults for the version's recipe."""
    out = dict(config or {})
    recipe = catalogue.recipe_by_arn(version.attrs.get("recipeArn") or "")
    exploring = recipe is not None and recipe.recipe_type == "USER_PERSONALIZATION"
    if "itemExplorationConfig" in out and not exploring:
        raise InvalidInputException(
            "itemExplorationConfig is only supported for USER_PERSONALIZATION recipes."
        )
    if exploring and recipe is not None and recipe.explores:
        out["itemExplorationConfig"] = {
            **EXPLORATION_DEFAULTS,
            **(out.get("itemExplorationConfig") or {}),
        }
        _check_exploration(out["itemExplorationConfig"])
    return out


def _check_exploration(settings: dict[str, str]) -> None:
    try:
        weight = float(settings["explorationWeight"])
        cutoff = float(settings["explorationItemAgeCutOff"])
    except (KeyError, ValueError):
        raise InvalidInputException(
            "itemExplorationConfig explorationWeight and explorationItemAgeCutOff must be numbers."
        ) from None
    if not 0.0 <= weight <= 1.0 or cutoff <= 0:
        raise InvalidInputException(
            "explorationWeight must be between 0 and 1 and explorationItemAgeCutOff positive."
        )


def serving(ctx: Context, campaign: Resource) -> tuple[Resource, dict[str, Any]]:
    """The solution version and config answering requests now.

    During an update the old version and config keep serving until the update is ACTIVE.
    """
    update = campaign.attrs.get("latestCampaignUpdate")
    source = campaign.attrs
    # UpdateCampaign keeps what served before it beside the update it starts.
    previous = CampaignPayload.of(campaign).previous
    if update is not None and update.lifecycle.status(ctx.now) != "ACTIVE" and previous:
        source = previous
    config = source.get("campaignConfig") or {}
    version = version_for(
        ctx, source["solutionVersionArn"], bool(config.get("syncWithLatestSolutionVersion"))
    )
    return version, config


def active_campaign(ctx: Context, campaign_arn: str) -> Resource:
    """A campaign that can answer requests (runtime: 404 otherwise)."""
    campaign = ctx.state.find(KIND, campaign_arn)
    if campaign is None or campaign.status(ctx.now) != "ACTIVE":
        raise ResourceNotFoundException(f"The given campaign does not exist: {campaign_arn}")
    return campaign
