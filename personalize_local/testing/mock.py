"""``personalize_local.mock()``: Personalize answered in-process, in moto's style.

A botocore ``before-send`` handler, registered first among botocore's built-in handlers (moto's
own stubber is registered after it, see moto/core/models.py), hands each request of the three
Personalize clients to the same gateway WSGI application that ``personalize-local serve`` runs,
with no socket. Its jobs reach S3 and IAM through moto's in-memory backends, which are the ones
``moto.mock_aws`` serves: a CSV put in S3 inside ``mock_aws()`` is what an import job reads.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, overload
from unittest import mock as unittest_mock

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.handlers import BUILTIN_HANDLERS, REGISTER_FIRST

from . import bridge

F = TypeVar("F", bound=Callable[..., Any])

#: The botocore service ids (as in ``before-send.<id>.<Operation>``) of the three clients.
PERSONALIZE_SERVICES = frozenset({"personalize", "personalize-runtime", "personalize-events"})
#: Where the mocked endpoint's own jobs send their S3 and IAM calls. The handler answers every
#: request to it; were one ever to escape, port 1 on loopback refuses it at once.
INTERNAL_URL = "http://127.0.0.1:1"
_INTERNAL_NETLOC = "127.0.0.1:1"
_FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class MockError(RuntimeError):
    """personalize_local.mock() used in a way it cannot answer."""


def _moto_active() -> bool:
    """True while ``moto.mock_aws`` is started (its stubber is then enabled)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


class PersonalizeMock(contextlib.ContextDecorator):
    """A fresh in-process personalize-local while entered; one at a time."""

    _active: ClassVar[PersonalizeMock | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, *, seed: int | None = 0, transition_seconds: float = 0.0) -> None:
        install_handler()
        self.seed = seed
        self.transition_seconds = transition_seconds
        self.gateway: Any = None
        self.emulator: Any = None
        self._patches: list[Any] = []

    def start(self) -> PersonalizeMock:
        # Imported here: importing personalize_local stays light until a mock is started.
        from ..app import PersonalizeApp
        from ..config import Settings
        from ..gateway import Gateway
        from ..handlers import table
        from ..store.state import Emulator

        with PersonalizeMock._lock:
            if PersonalizeMock._active is not None:
                raise MockError(
                    "personalize_local.mock() is already active: it cannot be nested. Use one "
                    "mock for the whole test (its state is fresh each time it starts)."
                )
            settings = Settings(seed=self.seed, transition_seconds=self.transition_seconds)
            self.emulator = Emulator(settings)
            self.emulator.endpoint_url = INTERNAL_URL
            # moto's server application, left as the user configured moto (it serves the same
            # in-memory backends as mock_aws).
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            moto = DomainDispatcherApplication(create_backend_app)
            self.gateway = Gateway(self.emulator, PersonalizeApp(self.emulator, table()), moto)
            # As moto does: fake credentials (requests are signed before they are sent), and a
            # new default boto3 session, so clients made from now on carry the handler and
            # those credentials.
            self._patches = [
                unittest_mock.patch.dict(os.environ, _FAKE_CREDENTIALS),
                unittest_mock.patch("boto3.DEFAULT_SESSION", None),
            ]
            for patch in self._patches:
                patch.start()
            PersonalizeMock._active = self
        return self

    def stop(self) -> None:
        with PersonalizeMock._lock:
            if PersonalizeMock._active is not self:
                raise MockError("personalize_local.mock() was stopped without being started.")
            PersonalizeMock._active = None
            self.emulator.jobs.shutdown()
            for patch in reversed(self._patches):
                patch.stop()
            self._patches = []

    def __enter__(self) -> PersonalizeMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, event_name: str, request: AWSPreparedRequest) -> AWSResponse | None:
        service = event_name.split(".")[1] if event_name.count(".") >= 2 else ""
        if service in PERSONALIZE_SERVICES or _is_internal(request):
            if _is_internal(request) and not _moto_active():
                raise MockError(
                    "personalize_local.mock() reads S3 and IAM through moto: start "
                    "moto.mock_aws() around it (and create the bucket and role there)."
                )
            answer = bridge.call(self.gateway, request)
            # botocore calls every before-send handler and keeps the first answer
            # (botocore/endpoint.py), so moto's stubber would try this one too and fail on
            # operations moto lacks: an answered request points at the internal address,
            # which no moto backend matches.
            request.url = INTERNAL_URL + "/answered"
            return answer
        if _moto_active():
            return None  # moto's stubber, registered after this handler, answers it
        raise MockError(
            f"personalize_local.mock() answers Personalize only, not {service or request.url}: "
            "wrap the code in moto.mock_aws() as well to mock the other AWS services."
        )


def _is_internal(request: AWSPreparedRequest) -> bool:
    return request.url.split("/", 3)[2] == _INTERNAL_NETLOC


def _before_send(event_name: str, request: AWSPreparedRequest, **kwargs: Any) -> Any:
    active = PersonalizeMock._active
    return None if active is None else active.answer(event_name, request)


@overload
def mock(func: F, /) -> F: ...
@overload
def mock(*, seed: int | None = 0, transition_seconds: float = 0.0) -> PersonalizeMock: ...
def mock(
    func: Callable[..., Any] | None = None,
    /,
    *,
    seed: int | None = 0,
    transition_seconds: float = 0.0,
) -> Any:
    """Answer Personalize in-process: ``with mock():``, ``@mock`` or ``@mock(seed=…)``.

    Seeded (0) and without intermediate-status delays by default, so tests are fast and
    reproducible; each start is a fresh, empty Personalize.
    """
    patcher = PersonalizeMock(seed=seed, transition_seconds=transition_seconds)
    return patcher(func) if func is not None else patcher


def install_handler() -> None:
    """Put the mock's ``before-send`` handler among botocore's built-in ones (once).

    A botocore session copies the built-in handlers when it is made, so only sessions made
    after this carry it (moto's stubber has the same rule). It is called when a mock is made
    (``@mock`` runs it as the test module is imported) and by the pytest plugin as pytest
    starts; importing personalize_local alone leaves botocore untouched. While no mock is
    active the handler answers nothing.
    """
    if not any(spec[1] is _before_send for spec in BUILTIN_HANDLERS):
        BUILTIN_HANDLERS.append(("before-send", _before_send, REGISTER_FIRST))
