"""The rows a dataset holds: bulk imports and individually recorded records, kept apart.

The service keeps them apart too: a FULL import replaces the bulk rows but keeps what
PutEvents, PutItems and PutUsers recorded; an export chooses BULK, PUT or ALL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: The id column of each dataset type whose later records replace earlier ones with the same id.
ID_COLUMN = {"Items": "ITEM_ID", "Users": "USER_ID", "Actions": "ACTION_ID"}


@dataclass
class Contents:
    dataset_type: str
    bulk: pd.DataFrame | None = None
    streamed: list[dict[str, Any]] = field(default_factory=list)
    #: Bumped by every change except recorded rows, which readers add to their caches.
    version: int = 0

    def import_rows(self, rows: pd.DataFrame, mode: str) -> None:
        """Apply a bulk import: FULL replaces the bulk rows, INCREMENTAL adds to them."""
        self.version += 1
        if mode == "FULL" or self.bulk is None:
            self.bulk = rows.reset_index(drop=True)
        else:
            self.bulk = pd.concat([self.bulk, rows], ignore_index=True)

    def record(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Add individually recorded rows (PutEvents, PutItems, PutUsers)."""
        self.streamed.extend(dict(row) for row in rows)

    @property
    def has_bulk(self) -> bool:
        return self.bulk is not None

    def frame(self, ingestion: str = "ALL") -> pd.DataFrame | None:
        """The dataset's rows: ``BULK``, ``PUT`` or ``ALL`` (bulk first, then recorded)."""
        parts = []
        if ingestion in ("BULK", "ALL") and self.bulk is not None:
            parts.append(self.bulk)
        if ingestion in ("PUT", "ALL") and self.streamed:
            parts.append(pd.DataFrame(self.streamed))
        if not parts:
            return None
        rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        key = ID_COLUMN.get(self.dataset_type)
        if key and key in rows.columns:
            # A later record with the same id replaces the earlier one.
            rows = rows.drop_duplicates(subset=key, keep="last").reset_index(drop=True)
        return rows

    def __len__(self) -> int:
        return (0 if self.bulk is None else len(self.bulk)) + len(self.streamed)

    def delete_users(self, user_ids: set[str]) -> int:
        """Remove every row of these users; the number of rows removed."""
        if self.dataset_type not in ("Interactions", "Users", "Action_Interactions"):
            return 0
        self.version += 1
        removed = 0
        if self.bulk is not None:
            keep = ~self.bulk["USER_ID"].isin(user_ids)
            removed += int((~keep).sum())
            self.bulk = self.bulk[keep].reset_index(drop=True)
        before = len(self.streamed)
        self.streamed = [r for r in self.streamed if r.get("USER_ID") not in user_ids]
        return removed + before - len(self.streamed)
