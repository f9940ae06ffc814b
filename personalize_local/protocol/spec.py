"""botocore's models of the three Personalize clients, loaded once."""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore.model import OperationModel, ServiceModel

#: The clients that all sign as ``personalize``: 71 + 3 + 5 = 79 operations.
SERVICE_NAMES = ("personalize", "personalize-runtime", "personalize-events")


@cache
def service_model(name: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(name)


@cache
def all_operations() -> dict[str, OperationModel]:
    """Every operation of the three models, by operation name (names do not collide)."""
    operations: dict[str, OperationModel] = {}
    for service in SERVICE_NAMES:
        model = service_model(service)
        for name in model.operation_names:
            operations[name] = model.operation_model(name)
    return operations


def error_status(operation: OperationModel, code: str, default: int = 400) -> int:
    """The HTTP status the operation's model gives an error code (404 and 409 on the data plane)."""
    for shape in operation.error_shapes:
        if shape.name == code:
            return int(shape.metadata.get("error", {}).get("httpStatusCode", default))
    return default
