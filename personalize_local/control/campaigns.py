"""Campaigns: deploy a solution version for real-time recommendations; update and delete."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..errors import InvalidInputException, ResourceInUseException, ResourceNotFoundException
from ..recipes import catalogue
from ..store.state import Resource, Update
from .common import IN_FLIGHT, check_quota, live, register, require_status, summaries

KIND = "campaign"
LATEST = "$LATEST"
#: Active campaigns per dataset group (adjustable on the service).
MAX_CAMPAIGNS = 5
EXPLORATION_DEFAULTS = {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}


def _version_for(ctx: Context, solution_version_arn: str, sync: bool) -> Resource:
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


def _config(version: Resource, config: dict[str, Any] | None) -> dict[str, Any]:
    """The campaign config with the service's defaults for the version's recipe."""
    out = dict(config or {})
    recipe = catalogue.recipe_by_arn(version.attrs.get("recipeArn") or "")
    exploring = recipe is not None and recipe.recipe_type == "USER_PERSONALIZATION"
    if "itemExplorationConfig" in out and not exploring:
        raise InvalidInputException(
            "itemExplorationConfig is only supported for USER_PERSONALIZATION recipes."
        )
    if exploring and recipe.name.startswith("aws-user-personalization"):
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


def create_campaign(
    ctx: Context,
    name: str,
    solution_version_arn: str,
    min_provisioned_tps: int | None = None,
    campaign_config: dict[str, Any] | None = None,
    tags: list | None = None,
) -> dict:
    sync = bool((campaign_config or {}).get("syncWithLatestSolutionVersion"))
    version = _version_for(ctx, solution_version_arn, sync)
    group = version.attrs["datasetGroupArn"]
    deployed = [
        c for c in live(ctx.state.of_kind(KIND), ctx.now) if c.data["datasetGroupArn"] == group
    ]
    check_quota(
        len(deployed),
        MAX_CAMPAIGNS,
        f"Cannot create a campaign. More than {MAX_CAMPAIGNS} resources in ACTIVE state. "
        "Please delete some and try again.",
    )
    arn = ctx.arn(KIND, name)
    attrs = {
        "name": name,
        "campaignArn": arn,
        "solutionVersionArn": solution_version_arn,
        "minProvisionedTPS": min_provisioned_tps or 1,
        "campaignConfig": _config(version, campaign_config),
    }
    campaign = register(ctx, KIND, arn, attrs, ctx.creating(), version.attrs["solutionArn"], tags)
    campaign.data["datasetGroupArn"] = group
    return {"campaignArn": arn}


def serving(ctx: Context, campaign: Resource) -> tuple[Resource, dict[str, Any]]:
    """The solution version and config answering requests now.

    During an update the old version and config keep serving until the update is ACTIVE.
    """
    update = campaign.attrs.get("latestCampaignUpdate")
    source = campaign.attrs
    if update is not None and update.lifecycle.status(ctx.now) != "ACTIVE":
        source = campaign.data["previous"]
    config = source.get("campaignConfig") or {}
    version = _version_for(
        ctx, source["solutionVersionArn"], bool(config.get("syncWithLatestSolutionVersion"))
    )
    return version, config


def describe_campaign(ctx: Context, campaign_arn: str) -> dict:
    return {"campaign": ctx.state.get(KIND, campaign_arn).describe(ctx.now)}


def list_campaigns(
    ctx: Context,
    solution_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=solution_arn),
        "CampaignSummary",
        max_results,
        next_token,
        {"solutionArn": solution_arn},
    )
    return {"campaigns": rows, "nextToken": token}


def update_campaign(
    ctx: Context,
    campaign_arn: str,
    solution_version_arn: str | None = None,
    min_provisioned_tps: int | None = None,
    campaign_config: dict[str, Any] | None = None,
) -> dict:
    campaign = ctx.state.get(KIND, campaign_arn)
    require_status(campaign, ("ACTIVE", "CREATE FAILED"), "campaign", ctx.now)
    update = campaign.attrs.get("latestCampaignUpdate")
    if update is not None and update.lifecycle.status(ctx.now) in IN_FLIGHT:
        raise ResourceInUseException(f"An update of campaign {campaign_arn} is in progress.")
    target = solution_version_arn or campaign.attrs["solutionVersionArn"]
    config = campaign_config if campaign_config is not None else campaign.attrs["campaignConfig"]
    version = _version_for(ctx, target, bool((config or {}).get("syncWithLatestSolutionVersion")))
    if version.attrs["datasetGroupArn"] != campaign.data["datasetGroupArn"]:
        raise InvalidInputException("The new solution version belongs to another dataset group.")
    campaign.data["previous"] = {
        "solutionVersionArn": campaign.attrs["solutionVersionArn"],
        "campaignConfig": campaign.attrs["campaignConfig"],
    }
    values = {
        "solutionVersionArn": target,
        "minProvisionedTPS": min_provisioned_tps or campaign.attrs["minProvisionedTPS"],
        "campaignConfig": _config(version, config),
    }
    campaign.attrs.update(values)
    campaign.attrs["latestCampaignUpdate"] = Update(dict(values), ctx.now, ctx.creating())
    return {"campaignArn": campaign_arn}


def delete_campaign(ctx: Context, campaign_arn: str) -> None:
    campaign = ctx.state.get(KIND, campaign_arn)
    require_status(campaign, ("ACTIVE", "CREATE FAILED"), "campaign", ctx.now)
    # The solution stays and can be deployed again.
    ctx.delete(campaign.lifecycle, "DELETE PENDING", "DELETE IN_PROGRESS")


def active_campaign(ctx: Context, campaign_arn: str) -> Resource:
    """A campaign that can answer requests (runtime: 404 otherwise)."""
    campaign = ctx.state.find(KIND, campaign_arn)
    if campaign is None or campaign.status(ctx.now) != "ACTIVE":
        raise ResourceNotFoundException(f"The given campaign does not exist: {campaign_arn}")
    return campaign
