"""What a handler sees of one request: the region's state, the clock, settings and ids."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .ids import IdSource
from .ids import arn as build_arn
from .store import lifecycle
from .store.lifecycle import Lifecycle
from .store.state import Emulator, RegionState


@dataclass
class Context:
    emulator: Emulator
    state: RegionState
    now: float

    @property
    def settings(self) -> Settings:
        return self.emulator.settings

    @property
    def ids(self) -> IdSource:
        return self.emulator.ids

    @property
    def region(self) -> str:
        return self.state.region

    @property
    def account(self) -> str:
        return self.state.account

    def arn(self, kind: str, *path: str) -> str:
        return build_arn(self.region, self.account, kind, *path)

    def creating(self, final: str = "ACTIVE") -> Lifecycle:
        """A lifecycle walking CREATE PENDING → CREATE IN_PROGRESS → ``final``."""
        return lifecycle.create(self.emulator.clock, self.settings.transition_seconds, final)

    def pending(self) -> Lifecycle:
        """A lifecycle held in CREATE PENDING → CREATE IN_PROGRESS until work finishes it."""
        timeline = Lifecycle("CREATE PENDING", self.emulator.clock)
        timeline.walk("CREATE PENDING", "CREATE IN_PROGRESS", step=self.settings.transition_seconds)
        return timeline

    def delete(self, timeline: Lifecycle, *steps: str) -> None:
        """Walk ``steps`` (DELETE PENDING, …) and then forget the resource."""
        timeline.walk(*steps, lifecycle.GONE, step=self.settings.transition_seconds)
