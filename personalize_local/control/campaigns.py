"""Campaigns: deploy a solution version for real-time recommendations; update and delete."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..errors import InvalidInputException, ResourceInUseException
from ..serving.campaigns import KIND, serving_config, version_for
from ..serving.payloads import CampaignPayload
from ..store.state import Update
from .common import IN_FLIGHT, check_quota, live, register, require_status, summaries

#: Active campaigns per dataset group (adjustable on the service).
MAX_CAMPAIGNS = 5


def create_campaign(
    ctx: Context,
    name: str,
    solution_version_arn: str,
    min_provisioned_tps: int | None = None,
    campaign_config: dict[str, Any] | None = None,
    tags: list | None = None,
) -> dict:
    sync = bool((campaign_config or {}).get("syncWithLatestSolutionVersion"))
    version = version_for(ctx, solution_version_arn, sync)
    group = version.attrs["datasetGroupArn"]
    deployed = [
        c
        for c in live(ctx.state.of_kind(KIND), ctx.now)
        if CampaignPayload.of(c).dataset_group_arn == group
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
        "campaignConfig": serving_config(version, campaign_config),
    }
    parent = version.attrs["solutionArn"]
    register(ctx, KIND, arn, attrs, ctx.creating(), parent, tags, CampaignPayload(group))
    return {"campaignArn": arn}


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
    version = version_for(ctx, target, bool((config or {}).get("syncWithLatestSolutionVersion")))
    data = CampaignPayload.of(campaign)
    if version.attrs["datasetGroupArn"] != data.dataset_group_arn:
        raise InvalidInputException("The new solution version belongs to another dataset group.")
    data.previous = {
        "solutionVersionArn": campaign.attrs["solutionVersionArn"],
        "campaignConfig": campaign.attrs["campaignConfig"],
    }
    values = {
        "solutionVersionArn": target,
        "minProvisionedTPS": min_provisioned_tps or campaign.attrs["minProvisionedTPS"],
        "campaignConfig": serving_config(version, config),
    }
    campaign.attrs.update(values)
    campaign.attrs["latestCampaignUpdate"] = Update(dict(values), ctx.now, ctx.creating())
    return {"campaignArn": campaign_arn}


def delete_campaign(ctx: Context, campaign_arn: str) -> None:
    campaign = ctx.state.get(KIND, campaign_arn)
    require_status(campaign, ("ACTIVE", "CREATE FAILED"), "campaign", ctx.now)
    # The solution stays and can be deployed again.
    ctx.delete(campaign.timeline, "DELETE PENDING", "DELETE IN_PROGRESS")
