"""Helpers the workshop notebooks import."""
