"""The event tracker a PutEvents or PutActionInteractions request names by its tracking id."""

from __future__ import annotations

from ..context import Context
from ..store.state import Resource

KIND = "event-tracker"


def tracker_by_tracking_id(ctx: Context, tracking_id: str) -> Resource | None:
    """The tracker whose trackingId this is, or None."""
    return next((t for t in ctx.state.of_kind(KIND) if t.attrs["trackingId"] == tracking_id), None)
