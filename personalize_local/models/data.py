"""The training input of every recipe: interactions plus optional item and user metadata.

`InteractionData` is a column store with integer indexes into two id tables. Row order is the
file order of the import, which is also the tie order for equal timestamps (the service sorts
each history by TIMESTAMP with a stable tie order; see metrics-and-anchors.md §2.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from personalize_local.errors import InvalidInputException

#: Interaction column names as the service spells them in schemas and CSV headers.
USER_ID, ITEM_ID, TIMESTAMP = "USER_ID", "ITEM_ID", "TIMESTAMP"
EVENT_TYPE, EVENT_VALUE, IMPRESSION = "EVENT_TYPE", "EVENT_VALUE", "IMPRESSION"
CREATION_TIMESTAMP = "CREATION_TIMESTAMP"
ACTION_ID = "ACTION_ID"


def _column(frame: pd.DataFrame, name: str) -> str | None:
    """The frame's column called ``name``, matched case-insensitively as the service does."""
    wanted = name.upper()
    return next((c for c in frame.columns if str(c).upper() == wanted), None)


def _metadata(frame: pd.DataFrame | None, key: str) -> pd.DataFrame | None:
    """Metadata indexed by the string id in ``key``, columns upper-cased, last row per id wins."""
    if frame is None:
        return None
    col = _column(frame, key)
    if col is None:
        raise InvalidInputException(f"Input CSV is missing the following columns: [{key}].")
    meta = frame.copy()
    meta.columns = [str(c).upper() for c in meta.columns]
    meta[key] = meta[key].astype(str)
    # INCREMENTAL imports replace records with the same id: keep the last one.
    meta = meta.drop_duplicates(subset=key, keep="last").set_index(key)
    return meta


@dataclass
class InteractionData:
    """Interactions of one dataset group, in file order, with optional metadata.

    Attributes
    ----------
    users, items : np.ndarray of str
        Id tables: ``users[u]`` is the USER_ID of user index ``u``. ``items`` lists the items
        with interactions first (in order of first appearance), then items that only appear in
        the Items dataset ("cold" items).
    user_idx, item_idx : np.ndarray of int32
        Per interaction, indexes into ``users`` and ``items``.
    timestamp : np.ndarray of int64
        Per interaction, epoch seconds.
    event_type_codes : np.ndarray of int16
        Per interaction, an index into ``event_types`` (``""`` when the dataset has no
        EVENT_TYPE column).
    event_types : np.ndarray of str
        The distinct event types.
    event_value : np.ndarray of float64
        Per interaction, EVENT_VALUE or NaN when absent.
    weight : np.ndarray of float32
        Per interaction training weight (1 unless ``eventsConfig`` weights were applied).
    impressions : np.ndarray of object or None
        Per interaction, the ``|``-separated IMPRESSION string (or ``None``).
    items_meta, users_meta : pd.DataFrame or None
        Metadata indexed by ITEM_ID / USER_ID (string), upper-case column names.
    item_text_columns : tuple of str
        Columns of ``items_meta`` that hold free text (the schema's ``textual`` fields).
    """

    users: np.ndarray
    items: np.ndarray
    user_idx: np.ndarray
    item_idx: np.ndarray
    timestamp: np.ndarray
    event_type_codes: np.ndarray
    event_types: np.ndarray
    event_value: np.ndarray
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    impressions: np.ndarray | None = None
    items_meta: pd.DataFrame | None = None
    users_meta: pd.DataFrame | None = None
    item_text_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.user_idx)
        if len(self.weight) != n:
            self.weight = np.ones(n, np.float32)
        for name in ("item_idx", "timestamp", "event_type_codes", "event_value"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"InteractionData.{name} has {len(getattr(self, name))} rows, expected {n}"
                )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        interactions: pd.DataFrame,
        items: pd.DataFrame | None = None,
        users: pd.DataFrame | None = None,
        *,
        item_text_columns: Sequence[str] | None = None,
        item_key: str = ITEM_ID,
    ) -> InteractionData:
        """Build from the imported CSV frames (column names as in the schemas).

        Parameters
        ----------
        interactions : DataFrame
            USER_ID, ITEM_ID, TIMESTAMP required; EVENT_TYPE, EVENT_VALUE, IMPRESSION optional.
            Column names match case-insensitively; other columns (context) are ignored.
        items, users : DataFrame, optional
            Items / Users datasets: ITEM_ID / USER_ID plus metadata columns. Categorical
            values are ``|``-separated strings.
        item_text_columns : sequence of str, optional
            Textual Items columns. Default: columns named like ``*DESCRIPTION*``.
        item_key : str
            The item id column (``ACTION_ID`` for Action_Interactions).
        """
        missing = [c for c in (USER_ID, item_key, TIMESTAMP) if _column(interactions, c) is None]
        if missing:
            raise InvalidInputException(
                f"Input CSV is missing the following columns: [{', '.join(missing)}]."
            )
        frame = interactions
        u_codes, u_uniques = pd.factorize(frame[_column(frame, USER_ID)], sort=False)
        i_codes, i_uniques = pd.factorize(frame[_column(frame, item_key)], sort=False)
        user_ids = np.asarray(pd.Index(u_uniques).astype(str), dtype=object)
        item_ids = np.asarray(pd.Index(i_uniques).astype(str), dtype=object)
        items_meta = _metadata(items, item_key)
        if items_meta is not None:
            # Items known only from metadata are cold: append them after the warm items.
            extra = items_meta.index.difference(pd.Index(item_ids), sort=False)
            item_ids = np.concatenate([item_ids, np.asarray(extra, dtype=object)])
        ts = pd.to_numeric(frame[_column(frame, TIMESTAMP)], errors="raise")
        et_col = _column(frame, EVENT_TYPE)
        if et_col is not None:
            et_codes, et_uniques = pd.factorize(frame[et_col].astype(str), sort=True)
            event_types = np.asarray(et_uniques, dtype=object)
        else:
            et_codes, event_types = np.zeros(len(frame), np.int64), np.array([""], dtype=object)
        ev_col = _column(frame, EVENT_VALUE)
        values = (
            pd.to_numeric(frame[ev_col], errors="coerce").to_numpy(np.float64)
            if ev_col is not None
            else np.full(len(frame), np.nan)
        )
        imp_col = _column(frame, IMPRESSION)
        impressions = frame[imp_col].to_numpy(object) if imp_col is not None else None
        if item_text_columns is None:
            item_text_columns = (
                [c for c in items_meta.columns if "DESCRIPTION" in c]
                if items_meta is not None
                else []
            )
        return cls(
            users=user_ids,
            items=item_ids,
            user_idx=u_codes.astype(np.int32),
            item_idx=i_codes.astype(np.int32),
            timestamp=ts.to_numpy(np.int64),
            event_type_codes=np.asarray(et_codes, np.int16),
            event_types=event_types,
            event_value=values,
            impressions=impressions,
            items_meta=items_meta,
            users_meta=_metadata(users, USER_ID),
            item_text_columns=tuple(c.upper() for c in item_text_columns),
        )

    @classmethod
    def from_action_frames(
        cls,
        action_interactions: pd.DataFrame,
        actions: pd.DataFrame | None = None,
        users: pd.DataFrame | None = None,
    ) -> InteractionData:
        """Build from Action_Interactions / Actions (Next-Best-Action): actions play items."""
        return cls.from_frames(action_interactions, actions, users, item_key=ACTION_ID)

    # ------------------------------------------------------------------ views
    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    def __len__(self) -> int:
        return len(self.user_idx)

    @property
    def event_type(self) -> np.ndarray:
        """Per interaction EVENT_TYPE strings (decoded from the codes)."""
        return self.event_types[self.event_type_codes]

    def subset(self, mask: np.ndarray) -> InteractionData:
        """The interactions where ``mask`` holds (index spaces unchanged)."""
        imp = self.impressions[mask] if self.impressions is not None else None
        return replace(
            self,
            user_idx=self.user_idx[mask],
            item_idx=self.item_idx[mask],
            timestamp=self.timestamp[mask],
            event_type_codes=self.event_type_codes[mask],
            event_value=self.event_value[mask],
            weight=self.weight[mask],
            impressions=imp,
        )

    def chronological(self) -> np.ndarray:
        """Row order sorting by (user, timestamp) with file order breaking ties."""
        return np.lexsort((np.arange(len(self)), self.timestamp, self.user_idx))

    def collapse_simultaneous(self) -> InteractionData:
        """One event per (user, item, timestamp): the first in file order, with the group's
        largest weight.

        Data prepared as several event types per action (the aws-samples POC writes a
        ``click`` and a ``watch`` with the same timestamp for one rating) records one moment
        of the user's sequence several times. [Inf] The service's sequence models and its
        held-out split see one interaction there: the real POC metrics are far below what a
        model scores when the held-out event is the copy of the last input event.
        """
        if len(self) == 0:
            return self
        order = np.lexsort((np.arange(len(self)), self.timestamp, self.item_idx, self.user_idx))
        u, i, t = self.user_idx[order], self.item_idx[order], self.timestamp[order]
        starts = np.concatenate([[True], (u[1:] != u[:-1]) | (i[1:] != i[:-1]) | (t[1:] != t[:-1])])
        if starts.all():
            return self
        group = np.cumsum(starts) - 1
        weight = np.zeros(int(group[-1]) + 1, np.float64)
        np.maximum.at(weight, group, self.weight[order].astype(np.float64))
        keep = np.zeros(len(self), bool)
        keep[order[starts]] = True
        # subset keeps file order; group g starts at row first[g].
        first = order[starts]
        out = self.subset(keep)
        return replace(out, weight=weight[np.argsort(first)].astype(self.weight.dtype))

    def item_counts(self) -> np.ndarray:
        """Distinct users per item (the popularity the service uses), over ``items``."""
        pairs = np.unique(self.user_idx.astype(np.int64) * self.n_items + self.item_idx)
        return np.bincount(pairs % self.n_items, minlength=self.n_items).astype(np.float64)

    def user_lengths(self) -> np.ndarray:
        """Interactions per user, over ``users``."""
        return np.bincount(self.user_idx, minlength=self.n_users)

    def creation_times(self) -> np.ndarray:
        """CREATION_TIMESTAMP per item (float epoch seconds, NaN when unknown)."""
        out = np.full(self.n_items, np.nan)
        if self.items_meta is not None and CREATION_TIMESTAMP in self.items_meta.columns:
            col = pd.to_numeric(self.items_meta[CREATION_TIMESTAMP], errors="coerce")
            out[:] = col.reindex(pd.Index(self.items)).to_numpy(np.float64)
        return out
