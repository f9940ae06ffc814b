"""A small application on Amazon Personalize: the code the example tests test.

``recommended_for_you`` is a home-page row; ``send_watch_event`` is what a player sends when a
video is watched (PutEvents), so the next recommendations know about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any


def recommended_for_you(
    runtime: Any,
    campaign_arn: str,
    user_id: str,
    *,
    filter_arn: str,
    popular: Sequence[str],
    count: int = 10,
) -> list[str]:
    """Up to ``count`` items for ``user_id`` through ``filter_arn``; for a cold user, for whom
    the filter leaves nothing, the ``popular`` items instead."""
    answer = runtime.get_recommendations(
        campaignArn=campaign_arn, userId=user_id, numResults=count, filterArn=filter_arn
    )
    items = [item["itemId"] for item in answer["itemList"]]
    return items or list(popular[:count])


def send_watch_event(
    events: Any, tracking_id: str, user_id: str, session_id: str, item_id: str, when: datetime
) -> None:
    """Record that ``user_id`` watched ``item_id`` (PutEvents, through the event tracker)."""
    events.put_events(
        trackingId=tracking_id,
        userId=user_id,
        sessionId=session_id,
        eventList=[{"eventType": "watch", "itemId": item_id, "sentAt": when}],
    )
