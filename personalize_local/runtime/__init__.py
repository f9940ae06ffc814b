"""Serving: user histories, deployed models and the runtime operations."""
