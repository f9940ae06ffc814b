"""Operation name → handler function, found by botocore's ``xform_name`` of each operation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from botocore import xform_name

from ..errors import UnknownOperationException
from .spec import all_operations

Handler = Callable[..., dict[str, Any] | None]


def handlers_from(modules: Iterable[ModuleType]) -> dict[str, Handler]:
    """Every function in ``modules`` named like an operation (``create_schema`` …)."""
    by_method = {xform_name(name): name for name in all_operations()}
    table: dict[str, Handler] = {}
    for module in modules:
        for attr, value in vars(module).items():
            if attr in by_method and callable(value) and value.__module__ == module.__name__:
                if by_method[attr] in table:
                    raise RuntimeError(f"two handlers for {by_method[attr]}")
                table[by_method[attr]] = value
    return table


def lock_free(handler: Handler) -> Handler:
    """Mark a handler that takes the emulator lock itself, only around its lookups."""
    handler.lock_free = True  # type: ignore[attr-defined]
    return handler


def not_implemented(service: str, operation: str) -> UnknownOperationException:
    return UnknownOperationException(
        f"personalize-local does not implement {service}.{operation} yet."
    )


def arguments(params: dict[str, Any], members: Iterable[str]) -> dict[str, Any]:
    """Top-level request members as snake_case keyword arguments (nested dicts stay on the wire)."""
    known = set(members)
    return {xform_name(key): value for key, value in params.items() if key in known}
