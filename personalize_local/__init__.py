"""personalize-local: a local, offline Amazon Personalize served beside moto."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .testing.mock import mock

__version__ = "0.1.0"
__all__ = ["mock"]


def __getattr__(name: str) -> Any:
    # Imported when first used: importing the package neither loads botocore nor registers
    # anything in its event system.
    if name == "mock":
        from .testing.mock import mock

        return mock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
