"""The resources one account holds in one region, and the emulator that owns all regions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any, Self

from ..config import Settings
from ..errors import ResourceAlreadyExistsException, ResourceNotFoundException
from ..ids import IdSource
from .jobs import Jobs
from .journal import Journal
from .lifecycle import GONE, Clock, Lifecycle, endings

#: The metadata of a payload field that serving fills and rebuilds on demand (keyed by this
#: process's object ids): a pickled payload (a checkpoint) leaves it out, and it starts empty.
CACHE = {"cache": True}


@dataclass
class Payload:
    """What a resource holds that is not on the wire; each kind has its own subclass
    (``serving.payloads``), so a misspelt member is a type error, not a ``KeyError``."""

    @classmethod
    def of(cls, resource: Resource) -> Self:
        """``resource``'s payload, which must be of this class (a kind holds one class)."""
        data = resource.data
        if not isinstance(data, cls):
            raise TypeError(
                f"{resource.kind} {resource.arn} holds {type(data).__name__}, not {cls.__name__}"
            )
        return data

    def __getstate__(self) -> dict[str, Any]:
        caches = {f.name for f in fields(self) if f.metadata == CACHE}
        return {k: v for k, v in self.__dict__.items() if k not in caches}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for f in fields(self):
            factory = f.default_factory
            if f.metadata == CACHE and callable(factory):
                setattr(self, f.name, factory())


@dataclass
class Resource:
    """One Personalize resource: its wire members, its status timeline and its tags.

    ``attrs`` holds the members of the resource's Describe shape except ``status`` and the
    two timestamps, which are read off the lifecycle; ``data`` holds what is not on the wire
    (a parsed schema, imported rows, a trained model), typed per kind (:class:`Payload`).
    """

    kind: str
    arn: str
    attrs: dict[str, Any]
    created: float
    lifecycle: Lifecycle | None = None
    parent: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    data: Payload = field(default_factory=Payload)
    #: StopSolutionVersionCreation asked the job creating it to end CREATE STOPPED.
    stop_requested: bool = False
    #: Position in creation order (timestamps can tie), set by the store.
    order: int = 0

    def status(self, now: float | None = None) -> str | None:
        return self.lifecycle.status(now) if self.lifecycle else None

    @property
    def owner(self) -> str:
        """The ARN of the resource this one belongs to (a dataset's or tracker's group, …)."""
        if self.parent is None:
            raise TypeError(f"{self.kind} {self.arn} belongs to no other resource")
        return self.parent

    @property
    def timeline(self) -> Lifecycle:
        """The lifecycle of a resource whose kind has a status (all but schemas and stand-ins)."""
        if self.lifecycle is None:
            raise TypeError(f"{self.kind} {self.arn} has no status lifecycle")
        return self.lifecycle

    def describe(self, now: float | None = None) -> dict[str, Any]:
        """The resource as its Describe operation shows it now."""
        out = {
            key: value.describe(now) if isinstance(value, Update) else value
            for key, value in self.attrs.items()
        }
        out["creationDateTime"] = self.created
        if self.lifecycle is None:
            out["lastUpdatedDateTime"] = self.attrs.get("lastUpdatedDateTime", self.created)
        else:
            out["status"] = self.lifecycle.status(now)
            out["lastUpdatedDateTime"] = max(self.created, self.lifecycle.last_change(now))
        return out


@dataclass
class Update:
    """A nested status record such as ``latestDatasetUpdate`` or ``latestCampaignUpdate``."""

    attrs: dict[str, Any]
    created: float
    lifecycle: Lifecycle

    def describe(self, now: float | None = None) -> dict[str, Any]:
        return {
            **self.attrs,
            "status": self.lifecycle.status(now),
            "creationDateTime": self.created,
            "lastUpdatedDateTime": max(self.created, self.lifecycle.last_change(now)),
        }


class RegionState:
    """Resources by ARN, for one account in one region."""

    def __init__(self, region: str, emulator: Emulator) -> None:
        self.region = region
        self.emulator = emulator
        self.resources: dict[str, Resource] = {}
        self._created = 0
        #: `endings()` when a sweep last left no deletion pending (None: unknown).
        self._settled: int | None = None

    def __setstate__(self, state: dict[str, Any]) -> None:
        # The mark counts this process's deletions: a restored state sweeps before trusting one.
        self.__dict__.update(state)
        self._settled = None

    @property
    def account(self) -> str:
        return self.emulator.settings.account_id

    def add(self, resource: Resource) -> Resource:
        if resource.arn in self.resources:
            raise ResourceAlreadyExistsException(
                f"Another resource with Arn {resource.arn} already exists."
            )
        self._created += 1
        resource.order = self._created
        self.resources[resource.arn] = resource
        return resource

    def find(self, kind: str, arn: str) -> Resource | None:
        resource = self.resources.get(arn)
        if resource is None or resource.kind != kind or resource.status() == GONE:
            return None
        return resource

    def get(self, kind: str, arn: str) -> Resource:
        """The resource, or ``ResourceNotFoundException`` in the service's words."""
        resource = self.find(kind, arn)
        if resource is None:
            noun = kind.replace("-", " ")
            raise ResourceNotFoundException(f"The given {noun} does not exist: {arn}")
        return resource

    def of_kind(self, kind: str, parent: str | None = None) -> list[Resource]:
        """Live resources of a kind (optionally under one parent), newest first."""
        found = [
            r
            for r in self.resources.values()
            if r.kind == kind and (parent is None or r.parent == parent) and r.status() != GONE
        ]
        return sorted(found, key=lambda r: r.order, reverse=True)

    def sweep(self, now: float) -> None:
        """Forget resources whose deletion has completed, and what they owned.

        Every request sweeps first; while no deletion has been scheduled since a sweep left
        none pending, there is nothing to look at (a runtime request then skips the scan).
        """
        mark = endings()
        if mark == self._settled:
            return
        gone = {arn for arn, r in self.resources.items() if r.status(now) == GONE}
        while gone:
            for arn in gone:
                self.resources.pop(arn, None)
            gone = {arn for arn, r in self.resources.items() if r.parent in gone}
        pending = any(
            r.lifecycle is not None and r.lifecycle.ends() for r in self.resources.values()
        )
        self._settled = None if pending else mark

    def __iter__(self) -> Iterator[Resource]:
        return iter(list(self.resources.values()))


class Emulator:
    """Everything one endpoint holds: settings, seeded ids, and a state per region."""

    def __init__(self, settings: Settings | None = None, clock: Clock = time.time) -> None:
        self.settings = settings or Settings()
        self._base_clock = clock
        self._pinned = threading.local()
        self.lock = threading.RLock()
        self.ids = IdSource(self.settings.seed)
        self.regions: dict[str, RegionState] = {}
        self._reset_hooks: list[Callable[[], None]] = []
        #: Bumped by every reset, so a job started before it does not write into the new state.
        self.generation = 0
        #: The endpoint's own URL, once it is served: jobs reach S3 and IAM through it.
        self.endpoint_url: str | None = None
        #: The write-ahead journal under ``--data-dir`` (None: state lives in memory only).
        self.journal: Journal | None = None
        self.jobs = Jobs(self)

    def clock(self) -> float:
        """Now: the wall clock, or the time this thread is pinned to."""
        pinned = getattr(self._pinned, "time", None)
        return self._base_clock() if pinned is None else pinned

    @contextmanager
    def at(self, moment: float) -> Iterator[None]:
        """Make ``clock()`` answer ``moment`` in this thread: a change made under it happens at
        one instant, which a journal replay can reproduce exactly."""
        previous = getattr(self._pinned, "time", None)
        self._pinned.time = moment
        try:
            yield
        finally:
            self._pinned.time = previous

    def region(self, name: str) -> RegionState:
        with self.lock:
            state = self.regions.get(name)
            if state is None:
                state = self.regions[name] = RegionState(name, self)
            return state

    def reset(self) -> None:
        """Forget every resource and restart the id sequence (``/moto-api/reset``)."""
        with self.lock:
            self.regions.clear()
            self.generation += 1
            self.ids.reseed(self.settings.seed)
            if self.journal is not None:
                self.journal.restart(self.settings.seed)
            for hook in self._reset_hooks:
                hook()

    def reseed(self, seed: int) -> None:
        """Use ``seed`` from now on (``/moto-api/seed``)."""
        with self.lock:
            self.settings.seed = seed
            self.ids.reseed(seed)

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)
