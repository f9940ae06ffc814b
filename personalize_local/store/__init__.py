"""Resource state: lifecycles, the per-region store, pagination and tags."""
