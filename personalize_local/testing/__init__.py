"""personalize-local in your own test suites: an in-process mock and a pytest plugin.

``personalize_local.mock()`` answers the three Personalize clients in the same process, with no
socket; the pytest plugin (:mod:`.pytest_plugin`, registered through the ``pytest11`` entry
point) serves a real endpoint on a free loopback port for a test session.
"""

from __future__ import annotations

from typing import Any

from .mock import MockError, PersonalizeMock, mock

__all__ = ["MockError", "PersonalizeEndpoint", "PersonalizeMock", "mock"]


def __getattr__(name: str) -> Any:
    # The endpoint imports the HTTP server: only when asked for, so `import personalize_local`
    # stays light.
    if name == "PersonalizeEndpoint":
        from .endpoint import PersonalizeEndpoint

        return PersonalizeEndpoint
    raise AttributeError(name)
