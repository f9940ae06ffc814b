"""The personalize-events operations: recording events, items, users and actions."""
