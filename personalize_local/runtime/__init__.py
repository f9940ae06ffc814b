"""The personalize-runtime operations and the ranking every answer goes through."""
