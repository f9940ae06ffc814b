"""Tables and charts for the notebooks.

Tables turn item ids into titles and genres (a title is a string, never a one-element list, so
column headers stay readable). Each plot function returns a :class:`matplotlib.figure.Figure`
made without pyplot: a notebook shows it once, as the cell's value, and a test can render it
with any backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

UNKNOWN_TITLE = "(unknown item)"


# ------------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------------


def _lookup(movies: pd.DataFrame) -> pd.DataFrame:
    """``movies`` (from ``load_movies``) indexed by the item id as a string."""
    table = pd.DataFrame(
        {
            "TITLE": movies["title"].astype(str).to_numpy(),
            "GENRES": movies["genres"].astype(str).to_numpy(),
        },
        index=pd.Index(movies["movieId"].astype(str).to_numpy(), name="ITEM_ID"),
    )
    return table[~table.index.duplicated()]


def title(item_id: Any, movies: pd.DataFrame) -> str:
    """The title of one item (a string), or ``"(unknown item)"``."""
    lookup = _lookup(movies)
    key = str(item_id)
    return str(lookup.at[key, "TITLE"]) if key in lookup.index else UNKNOWN_TITLE


def recommendation_table(
    item_ids: Sequence[Any],
    movies: pd.DataFrame,
    scores: Sequence[float] | None = None,
) -> pd.DataFrame:
    """A ranked list as a table: rank (index, from 1), ``ITEM_ID``, ``TITLE``, ``GENRES``, score.

    Parameters
    ----------
    item_ids : sequence
        Item ids in rank order.
    movies : pandas.DataFrame
        From :func:`workshop.data.load_movies`.
    scores : sequence of float, optional
        Added as a ``SCORE`` column.
    """
    lookup = _lookup(movies)
    ids = [str(item) for item in item_ids]
    known = lookup.reindex(ids)
    table = pd.DataFrame(
        {
            "ITEM_ID": ids,
            "TITLE": known["TITLE"].fillna(UNKNOWN_TITLE).to_numpy(),
            "GENRES": known["GENRES"].fillna("").to_numpy(),
        },
        index=pd.RangeIndex(1, len(ids) + 1, name="rank"),
    )
    if scores is not None:
        table["SCORE"] = np.asarray(scores, dtype=np.float64)
    return table


def response_table(response: Mapping[str, Any], movies: pd.DataFrame) -> pd.DataFrame:
    """:func:`recommendation_table` of a ``get_recommendations`` or ``get_personalized_ranking``
    response (its ``itemList`` or ``personalizedRanking``, with scores when present)."""
    entries = response.get("itemList", response.get("personalizedRanking", []))
    ids = [entry["itemId"] for entry in entries]
    has_scores = bool(entries) and all("score" in entry for entry in entries)
    scores = [entry["score"] for entry in entries] if has_scores else None
    return recommendation_table(ids, movies, scores)


def side_by_side(lists: Mapping[str, Sequence[Any]], movies: pd.DataFrame) -> pd.DataFrame:
    """Several ranked lists as title columns, e.g. ``{"before": [...], "after click": [...]}``.

    Shorter lists are padded with empty cells; the index is the rank, from 1.
    """
    lookup = _lookup(movies)
    length = max((len(items) for items in lists.values()), default=0)
    columns = {}
    for label, items in lists.items():
        titles = lookup["TITLE"].reindex([str(i) for i in items]).fillna(UNKNOWN_TITLE).tolist()
        columns[str(label)] = titles + [""] * (length - len(titles))
    return pd.DataFrame(columns, index=pd.RangeIndex(1, length + 1, name="rank"))


def history_table(
    interactions: pd.DataFrame, user_id: Any, movies: pd.DataFrame, n: int = 10
) -> pd.DataFrame:
    """A user's latest ``n`` interactions, newest last, with titles, genres and event columns."""
    mine = interactions[interactions["USER_ID"].astype(str) == str(user_id)]
    latest = mine.sort_values("TIMESTAMP", kind="stable").tail(n)
    table = recommendation_table(latest["ITEM_ID"].tolist(), movies)
    for column in ("EVENT_TYPE", "EVENT_VALUE"):
        if column in latest:
            table[column] = latest[column].to_numpy()
    table["TIME"] = pd.to_datetime(latest["TIMESTAMP"].to_numpy(), unit="s")
    return table.reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Exploration plots
# ------------------------------------------------------------------------------------------------


def _figure(width: float = 9.0, height: float = 4.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def plot_rating_distribution(ratings: pd.DataFrame, watch_threshold: float | None = 4.0) -> Figure:
    """Bar chart of how many ratings have each value.

    Parameters
    ----------
    ratings : pandas.DataFrame
        With a ``rating`` column (raw ratings) or ``EVENT_VALUE`` (interactions).
    watch_threshold : float, optional
        Draw the line between ``click`` and ``watch`` events here (None: no line).
    """
    column = "rating" if "rating" in ratings else "EVENT_VALUE"
    counts = ratings[column].value_counts().sort_index()
    values = counts.index.to_numpy(dtype=np.float64)
    step = float(np.min(np.diff(values))) if len(values) > 1 else 1.0
    fig = _figure(8, 4)
    ax = fig.add_subplot()
    ax.bar(values, counts.to_numpy(), width=0.8 * step, color="tab:blue")
    if watch_threshold is not None:
        ax.axvline(watch_threshold - step / 2, color="tab:red", linestyle="--")
        ax.text(
            watch_threshold - step / 2,
            ax.get_ylim()[1] * 0.95,
            "  click | watch",
            color="tab:red",
            va="top",
            ha="center",
        )
    ax.set_xticks(values)
    ax.set_xlabel("rating")
    ax.set_ylabel("number of ratings")
    ax.set_title(f"Rating distribution ({len(ratings):,} ratings)")
    return fig


def plot_interactions_per_user(interactions: pd.DataFrame) -> Figure:
    """Histogram (log-spaced bins) of the number of interactions per user, with the median
    and the 90th percentile marked."""
    per_user = interactions.groupby("USER_ID").size().to_numpy()
    fig = _figure(8, 4)
    ax = fig.add_subplot()
    low, high = max(per_user.min(), 1), max(per_user.max(), 2)
    bins = np.unique(np.geomspace(low, high + 1, 40).round())
    ax.hist(per_user, bins=bins, color="tab:blue")
    ax.set_xscale("log")
    for q, style in ((50, "-"), (90, "--")):
        value = np.percentile(per_user, q)
        ax.axvline(value, color="tab:red", linestyle=style, label=f"{q}th percentile: {value:g}")
    ax.legend()
    ax.set_xlabel("interactions per user (log scale)")
    ax.set_ylabel("number of users")
    ax.set_title(f"Interactions per user ({len(per_user):,} users)")
    return fig


def plot_item_popularity(interactions: pd.DataFrame, head: float = 0.2) -> Figure:
    """The long tail: interactions per item, most popular first (log scale), with the
    cumulative share of all interactions on a second axis.

    Parameters
    ----------
    interactions : pandas.DataFrame
        With ``ITEM_ID``.
    head : float
        Mark the share of interactions that goes to this fraction of the most popular items.
    """
    counts = np.sort(interactions.groupby("ITEM_ID").size().to_numpy())[::-1]
    ranks = np.arange(1, len(counts) + 1)
    share = np.cumsum(counts) / counts.sum()
    fig = _figure(9, 4)
    ax = fig.add_subplot()
    ax.plot(ranks, counts, color="tab:blue")
    ax.set_yscale("log")
    ax.set_xlabel("items, most popular first")
    ax.set_ylabel("interactions per item (log scale)", color="tab:blue")
    twin = ax.twinx()
    twin.plot(ranks, share, color="tab:orange")
    twin.set_ylim(0, 1.02)
    twin.yaxis.set_major_formatter(PercentFormatter(1.0))
    twin.set_ylabel("cumulative share of interactions", color="tab:orange")
    cut = max(1, round(len(counts) * head))
    twin.axvline(cut, color="grey", linestyle="--")
    twin.annotate(
        f"top {head:.0%} of items: {share[cut - 1]:.0%} of interactions",
        xy=(cut, share[cut - 1]),
        xytext=(8, -18),
        textcoords="offset points",
    )
    ax.set_title(f"Item popularity: the long tail ({len(counts):,} items)")
    return fig


def plot_activity_over_time(interactions: pd.DataFrame, freq: str = "MS") -> Figure:
    """Interactions and active users per period (default per month), from ``TIMESTAMP``."""
    when = pd.to_datetime(interactions["TIMESTAMP"].to_numpy(), unit="s")
    frame = pd.DataFrame({"USER_ID": interactions["USER_ID"].to_numpy()}, index=when)
    grouped = frame.groupby(pd.Grouper(freq=freq))["USER_ID"]
    events, users = grouped.size(), grouped.nunique()
    fig = _figure(9, 5)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(events.index, events.to_numpy(), color="tab:blue")
    top.set_ylabel("interactions")
    top.set_title("Activity over time")
    bottom.plot(users.index, users.to_numpy(), color="tab:green")
    bottom.set_ylabel("active users")
    bottom.set_xlabel("time")
    return fig


# ------------------------------------------------------------------------------------------------
# Metrics
# ------------------------------------------------------------------------------------------------


def plot_metrics(
    table: pd.DataFrame, columns: Iterable[str] | None = None, title: str = "Metrics"
) -> Figure:
    """Grouped bar chart of a metrics table (rows = models, columns = metrics).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`workshop.evaluate.metrics_table`.
    columns : iterable of str, optional
        The metrics to show (default every column).
    title : str
        Chart title.
    """
    chosen = list(columns) if columns is not None else list(table.columns)
    data = table[chosen].astype(float)
    n_models = max(len(data.index), 1)
    width = 0.8 / n_models
    x = np.arange(len(chosen))
    fig = _figure(max(6.0, 1.1 * len(chosen) + 2), 4)
    ax = fig.add_subplot()
    for i, (model, row) in enumerate(data.iterrows()):
        ax.bar(x + (i - (n_models - 1) / 2) * width, row.fillna(0).to_numpy(), width, label=model)
    ax.set_xticks(x)
    ax.set_xticklabels(chosen)
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return fig
