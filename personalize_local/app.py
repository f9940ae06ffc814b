"""The WSGI application that answers every request signed for Personalize."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from botocore.model import OperationModel

from .context import Context
from .errors import PersonalizeError
from .persistence import changes_state
from .protocol import routing, strict
from .protocol.body import read_json
from .protocol.dispatch import Handler, arguments, not_implemented
from .protocol.serialize import dumps, to_wire
from .protocol.signing import credential_scope
from .protocol.spec import all_operations, error_status
from .protocol.validate import validate
from .store.state import Emulator

log = logging.getLogger("personalize_local")

DEFAULT_REGION = "us-east-1"

StartResponse = Callable[..., Any]


class PersonalizeApp:
    """Route, validate, dispatch and serialise; handlers see only Python values."""

    def __init__(self, emulator: Emulator, handlers: dict[str, Handler]) -> None:
        self.emulator = emulator
        self.handlers = handlers
        #: Set by the gateway under ``--enforce-iam``: raises the service's error to refuse.
        self.authorize: Callable[[dict[str, Any], OperationModel, dict[str, Any]], None] | None
        self.authorize = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        operation: OperationModel | None = None
        try:
            operation = routing.resolve(
                environ.get("REQUEST_METHOD", "GET"),
                environ.get("PATH_INFO", "/"),
                environ.get("HTTP_X_AMZ_TARGET"),
            )
            handler = self.handlers.get(operation.name)
            if handler is None:
                raise not_implemented(operation.service_model.service_name, operation.name)
            params = self._read_json(environ)
            validate(params, operation.input_shape)
            if self.authorize is not None:
                self.authorize(environ, operation, params)
            result = self._call(operation, handler, params, environ)
            # An operation without output (PutEvents, Delete*) answers with an empty body.
            body = to_wire(result or {}, operation.output_shape) if operation.output_shape else None
            if self.emulator.settings.strict:
                self._check_strict(operation, body)
            return self._respond(start_response, operation, 200, body)
        except PersonalizeError as error:
            status = error_status(operation, error.code, error.status) if operation else 400
            body = {"__type": error.code, "message": error.message}
            return self._respond(start_response, operation, status, body, error.code)
        except Exception:
            log.exception("unexpected error in %s", operation.name if operation else "routing")
            body = {"__type": "InternalFailure", "message": "The request processing has failed."}
            return self._respond(start_response, operation, 500, body, "InternalFailure")

    def _read_json(self, environ: dict[str, Any]) -> dict[str, Any]:
        return read_json(environ, self.emulator.settings.max_body_bytes)

    def _call(
        self,
        operation: OperationModel,
        handler: Handler,
        params: dict[str, Any],
        environ: dict[str, Any],
    ) -> dict[str, Any] | None:
        scope = credential_scope(environ)
        region = scope.region if scope else DEFAULT_REGION
        kwargs = arguments(params, operation.input_shape.members if operation.input_shape else ())
        with self.emulator.lock:
            now = self.emulator.clock()
            state = self.emulator.region(region)
            state.sweep(now)
            if not getattr(handler, "lock_free", False):
                journal = self.emulator.journal
                if journal is None or not changes_state(operation.name):
                    return handler(Context(self.emulator, state, now), **kwargs)
                try:
                    with self.emulator.at(now):
                        return handler(Context(self.emulator, state, now), **kwargs)
                finally:
                    # Under the lock, so the journal's order is the order changes were made;
                    # failed calls too, as they may have drawn ids.
                    record = {"kind": "personalize", "t": now, "region": region}
                    journal.append({**record, "op": operation.name, "params": params})
        # Runtime handlers take the lock only for their lookups, so requests score in parallel.
        return handler(Context(self.emulator, state, now), **kwargs)

    def replay(self, record: dict[str, Any]) -> None:
        """Call a journaled operation again, at the time it was first called."""
        operation = all_operations()[record["op"]]
        handler = self.handlers[operation.name]
        shape = operation.input_shape
        kwargs = arguments(record["params"], shape.members if shape else ())
        with self.emulator.lock, self.emulator.at(record["t"]):
            now = record["t"]
            state = self.emulator.region(record["region"])
            state.sweep(now)
            with contextlib.suppress(PersonalizeError):  # it failed the first time too
                handler(Context(self.emulator, state, now), **kwargs)

    def _check_strict(self, operation: OperationModel, body: Any) -> None:
        found = strict.problems(json.loads(dumps(body)), operation.output_shape)
        if found:
            raise RuntimeError(f"{operation.name} response breaks its shape: {found}")

    def _respond(
        self,
        start_response: StartResponse,
        operation: OperationModel | None,
        status: int,
        body: Any,
        error_code: str | None = None,
    ) -> list[bytes]:
        protocol = operation.service_model.protocol if operation else "json"
        content_type = "application/x-amz-json-1.1" if protocol == "json" else "application/json"
        payload = dumps(body) if body is not None else b""
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(payload))),
            ("x-amzn-RequestId", self.emulator.ids.request_id()),
        ]
        if error_code:
            headers.append(("x-amzn-ErrorType", error_code))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [payload]


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    500: "Error",
}
