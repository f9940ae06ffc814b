"""Small synthetic datasets whose right answers are known.

`clustered` builds users in ``n_clusters`` groups; each group interacts only with its own
block of items, in random order over time. A recommender that learns anything must keep a
user inside their cluster; SIMS-like models must return an item's own cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from personalize_local.models import InteractionData

DAY = 86_400
T0 = 1_600_000_000


def item_id(cluster: int, k: int) -> str:
    return f"i{cluster}_{k}"


def user_id(cluster: int, k: int) -> str:
    return f"u{cluster}_{k}"


def clustered_frames(
    n_clusters: int = 4,
    users_per_cluster: int = 30,
    items_per_cluster: int = 12,
    events_per_user: int = 8,
    seed: int = 0,
    event_types: tuple[str, ...] = ("click",),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(interactions, items) frames of the clustered world; items carry GENRES and a year."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_clusters):
        for k in range(users_per_cluster):
            items = rng.choice(items_per_cluster, size=events_per_user, replace=False)
            start = T0 + int(rng.integers(0, 30 * DAY))
            for step, i in enumerate(items):
                rows.append(
                    (
                        user_id(c, k),
                        item_id(c, int(i)),
                        start + step * 3600,
                        event_types[int(rng.integers(len(event_types)))],
                    )
                )
    inter = pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])
    items = pd.DataFrame(
        [
            (item_id(c, k), f"genre{c}|common", 1990 + c, T0 - 400 * DAY)
            for c in range(n_clusters)
            for k in range(items_per_cluster)
        ],
        columns=["ITEM_ID", "GENRES", "YEAR", "CREATION_TIMESTAMP"],
    )
    return inter, items


def clustered(**kwargs) -> InteractionData:
    inter, items = clustered_frames(**kwargs)
    return InteractionData.from_frames(inter, items)


def cluster_of(item: str) -> int:
    return int(str(item)[1:].split("_")[0])


def with_cold_items(n_clusters: int = 4, per_cluster: int = 3, **kwargs) -> InteractionData:
    """The clustered world plus metadata-only items (no interactions), created recently."""
    inter, items = clustered_frames(n_clusters=n_clusters, **kwargs)
    latest = int(inter["TIMESTAMP"].max())
    cold = pd.DataFrame(
        [
            (f"cold{c}_{k}", f"genre{c}|common", 1990 + c, latest - DAY)
            for c in range(n_clusters)
            for k in range(per_cluster)
        ],
        columns=list(items.columns),
    )
    return InteractionData.from_frames(inter, pd.concat([items, cold], ignore_index=True))


def trending_frames(seed: int = 0) -> pd.DataFrame:
    """Steady background traffic on 20 items; "rocket" doubles its events every hour for the
    last 8 hours (1, 2, 4, …, 128 per hour); "fading" was busy 4–5 hours ago, quiet since."""
    rng = np.random.default_rng(seed)
    end = T0 + 10 * DAY
    rows = []
    for n in range(3000):
        rows.append((f"u{n % 300}", f"steady{int(rng.integers(20))}", int(rng.integers(T0, end))))
    for hour in range(8):  # hour 0 is the last hour before `end`
        for n in range(2 ** (7 - hour)):
            rows.append((f"r{hour}_{n}", "rocket", end - hour * 3600 - int(rng.integers(1, 3600))))
    for n in range(40):
        rows.append((f"u{n}", "fading", end - 4 * 3600 - int(rng.integers(0, 3600))))
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])


def repeat_frames(
    n_users: int = 60, n_items: int = 30, length: int = 12, seed: int = 0
) -> pd.DataFrame:
    """Every event is followed by a second event on the same item (click, then watch)."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_users):
        t = T0 + u
        for _ in range(length):
            item = f"i{int(rng.integers(n_items))}"
            rows.append((f"u{u}", item, t, "click"))
            rows.append((f"u{u}", item, t + 1, "watch"))
            t += 100
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])


def growing_frames(seed: int = 0, risers: int = 6, hours: int = 8) -> pd.DataFrame:
    """40 items with steady traffic over 10 days, and ``risers`` items whose hourly events
    grow linearly over the last ``hours`` hours: riser k has (k + 1)·(hours − h) events in hour
    h before the end (h = 0 the last), so every window brings each riser more than the last."""
    rng = np.random.default_rng(seed)
    end = T0 + 10 * DAY
    rows = [
        (f"u{n % 400}", f"steady{int(rng.integers(40))}", int(rng.integers(T0, end)))
        for n in range(6000)
    ]
    for k in range(risers):
        for hour in range(hours):
            for n in range((k + 1) * (hours - hour)):
                when = end - hour * 3600 - int(rng.integers(1, 3600))
                rows.append((f"r{k}_{hour}_{n}", f"riser{k}", when))
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
