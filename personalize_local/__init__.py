"""personalize-local: a local, offline Amazon Personalize served beside moto."""

from .testing.mock import mock

__version__ = "0.1.0"
__all__ = ["mock"]
