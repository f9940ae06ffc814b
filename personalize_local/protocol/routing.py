"""Find the operation a request calls: ``X-Amz-Target`` for JSON, method and URI for rest-json."""

from __future__ import annotations

from functools import cache

from botocore.model import OperationModel

from ..errors import UnknownOperationException
from .spec import SERVICE_NAMES, service_model


@cache
def _json_targets() -> dict[str, OperationModel]:
    targets = {}
    for name in SERVICE_NAMES:
        model = service_model(name)
        if model.protocol != "json":
            continue
        prefix = model.metadata["targetPrefix"]
        for op in model.operation_names:
            targets[f"{prefix}.{op}"] = model.operation_model(op)
    return targets


@cache
def _rest_routes() -> dict[tuple[str, str], OperationModel]:
    routes = {}
    for name in SERVICE_NAMES:
        model = service_model(name)
        if model.protocol != "rest-json":
            continue
        for op in model.operation_names:
            operation = model.operation_model(op)
            routes[(operation.http["method"], operation.http["requestUri"])] = operation
    return routes


def resolve(method: str, path: str, target: str | None) -> OperationModel:
    """The operation a request names, or ``UnknownOperationException``."""
    if target:
        operation = _json_targets().get(target)
        if operation is None:
            raise UnknownOperationException(f"Unknown operation {target}")
        return operation
    # Every runtime and events member travels in the body, so the URI has no labels.
    operation = _rest_routes().get((method.upper(), path.rstrip("/") or "/"))
    if operation is None:
        raise UnknownOperationException(f"No Personalize operation at {method} {path}")
    return operation
