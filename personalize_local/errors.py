"""The service's modelled errors, one class per AWS error code.

Raise them anywhere below the edge; the edge turns them into the JSON error body botocore
maps to ``ClientError`` with the right ``Error.Code`` and HTTP status.
"""

from __future__ import annotations


class PersonalizeError(Exception):
    """An error the service answers with ``{"__type": code, "message": message}``."""

    code = "InternalFailure"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputException(PersonalizeError):
    code = "InvalidInputException"


class ResourceNotFoundException(PersonalizeError):
    # 400 on the control plane; the runtime and events models say 404 (see edge).
    code = "ResourceNotFoundException"


class ResourceAlreadyExistsException(PersonalizeError):
    code = "ResourceAlreadyExistsException"


class ResourceInUseException(PersonalizeError):
    # 400 on the control plane; 409 on the events API.
    code = "ResourceInUseException"


class LimitExceededException(PersonalizeError):
    code = "LimitExceededException"


class InvalidNextTokenException(PersonalizeError):
    code = "InvalidNextTokenException"


class TooManyTagsException(PersonalizeError):
    code = "TooManyTagsException"


class TooManyTagKeysException(PersonalizeError):
    code = "TooManyTagKeysException"


class UnknownOperationException(PersonalizeError):
    """An operation of the model that personalize-local does not serve (yet)."""

    code = "UnknownOperationException"


class SerializationException(PersonalizeError):
    """The request body is not a JSON object."""

    code = "SerializationException"


class RequestTooLargeException(PersonalizeError):
    """The request is larger than the endpoint accepts; 413 as AWS's front end answers."""

    code = "RequestEntityTooLargeException"
    status = 413
