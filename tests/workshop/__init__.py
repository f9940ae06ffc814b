"""Tests of the workshop package the notebooks import."""
