"""Every user's current history in a dataset group: imported interactions plus recorded events.

Real-time personalisation needs nothing more: the next request scores the user's current
history, so an event recorded a moment ago shapes the answer without retraining.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

T = TypeVar("T")


@dataclass
class History:
    """One user's (or anonymous session's) interactions, in the order they happened."""

    items: list[str] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def add(self, item: str, time: int, event_type: str, value: float) -> None:
        # Events usually arrive in time order; keep the lists sorted when they do not.
        position = len(self.times)
        while position and self.times[position - 1] > time:
            position -= 1
        self.items.insert(position, item)
        self.times.insert(position, time)
        self.types.insert(position, event_type)
        self.values.insert(position, value)

    def newest_first(self) -> list[tuple[str, str]]:
        """(item, event type) pairs, newest first, as interaction filters read them."""
        return list(zip(reversed(self.items), reversed(self.types), strict=True))


_SERIALS = itertools.count(1)


class Histories:
    """Histories by user id, built once from the Interactions rows and then kept current.

    A user's history only grows (one event per `record`), so its length versions it within
    one `Histories`; ``serial`` tells instances apart (answers are cached on both).
    """

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.serial = next(_SERIALS)
        self._lock = threading.Lock()
        self._by_user: dict[str, History] = {}
        #: The newest interaction time seen: "now" for item ages (exploration cut-off).
        self.latest = 0
        if frame is None or len(frame) == 0:
            return
        users = frame["USER_ID"].astype(str).to_numpy()
        items = frame["ITEM_ID"].astype(str).to_numpy()
        times = pd.to_numeric(frame["TIMESTAMP"]).to_numpy(np.int64)
        types = (
            frame["EVENT_TYPE"].fillna("").astype(str).to_numpy()
            if "EVENT_TYPE" in frame
            else np.full(len(frame), "", dtype=object)
        )
        values = (
            pd.to_numeric(frame["EVENT_VALUE"], errors="coerce").to_numpy(np.float64)
            if "EVENT_VALUE" in frame
            else np.full(len(frame), np.nan)
        )
        # Stable sort by (user, time): file order breaks ties, as the service's does.
        self.latest = int(times.max())
        order = np.lexsort((times, users))
        users, items, times, types, values = (
            a[order] for a in (users, items, times, types, values)
        )
        starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
        ends = np.r_[starts[1:], len(users)]
        for start, end in zip(starts, ends, strict=True):
            self._by_user[users[start]] = History(
                items[start:end].tolist(),
                times[start:end].tolist(),
                types[start:end].tolist(),
                values[start:end].tolist(),
            )

    def get(self, user_id: str) -> History:
        """The user's history (empty for a user never seen)."""
        with self._lock:
            found = self._by_user.get(user_id)
            if found is None:
                return History()
            # A copy: a PutEvents on another thread must not change it under the reader.
            return History(
                list(found.items), list(found.times), list(found.types), list(found.values)
            )

    def record(self, user_id: str, item: str, time: int, event_type: str, value: float) -> None:
        with self._lock:
            self._by_user.setdefault(user_id, History()).add(item, time, event_type, value)
            self.latest = max(self.latest, time)

    def __len__(self) -> int:
        return len(self._by_user)


class IndexCache:
    """Each user's history as one model scores it (item indexes, event weights and what the
    model derives from them), per history version.

    Turning a history's item ids into indexes (a dict lookup per event), weighing its events
    and gathering its distinct items is a fifth of scoring a request, and a history changes
    only when an event is recorded. A history only grows, so its length versions it within
    one `Histories` (``serial``); entries of other serials are dropped. What is kept is
    read-only: scoring must not change it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serial = 0
        self._by_user: dict[str, tuple[int, Any]] = {}

    def get(
        self, serial: int, user_id: str, history: History, compute: Callable[[History], T]
    ) -> T:
        """``compute(history)``, from the cache when this version of the history was seen."""
        length = len(history.items)
        with self._lock:
            if serial != self._serial:
                self._serial, self._by_user = serial, {}
            found = self._by_user.get(user_id)
        if found is not None and found[0] == length:
            return cast(T, found[1])
        value = compute(history)
        with self._lock:
            if serial == self._serial:
                self._by_user[user_id] = (length, value)
        return value
