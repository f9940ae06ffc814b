"""Recipe conformance and known-answer tests."""
