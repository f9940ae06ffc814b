"""Tables and charts for the notebooks.

Tables turn item ids into titles and genres (a title is a string, never a one-element list, so
column headers stay readable).

Each ``plot_*`` function draws a :class:`matplotlib.figure.Figure` without pyplot, renders it to
PNG itself and shows that with IPython's ``display``: one ``image/png`` output, whatever
matplotlib backend the kernel has (SageMaker's conda_python3, JupyterLab, nbclient), and no
``<Figure …>`` text. It returns None. ``plot_x.figure(...)`` returns the figure undrawn, for
tests. Labels speak the notebook's language (:func:`workshop.lang.tr`); Korean is drawn with
NanumGothic, the font the ``koreanize-matplotlib`` package ships.
"""

from __future__ import annotations

import functools
import importlib.util
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from workshop.lang import tr

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
    response (its ``itemList`` or ``personalizedRanking``), with scores when present (an item
    without one, such as a User-Personalization-v2 placeholder, shows NaN) and a ``REASON``
    column when any item says why it is there (v2's ``reason``)."""
    entries = response.get("itemList", response.get("personalizedRanking", []))
    ids = [entry["itemId"] for entry in entries]
    scored = any("score" in entry for entry in entries)
    scores = [entry.get("score", np.nan) for entry in entries] if scored else None
    table = recommendation_table(ids, movies, scores)
    if any("reason" in entry for entry in entries):
        table["REASON"] = [", ".join(entry.get("reason", [])) for entry in entries]
    return table


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
# Showing a chart
# ------------------------------------------------------------------------------------------------

#: The Korean font (it has Latin letters too); DejaVu Sans, matplotlib's own, draws any glyph
#: NanumGothic lacks.
KOREAN_FONT = "NanumGothic"
_STYLE = {
    "font.family": [KOREAN_FONT, "DejaVu Sans"],
    # NanumGothic has no U+2212 MINUS SIGN: negative tick labels use the ASCII hyphen instead.
    "axes.unicode_minus": False,
}
_P = ParamSpec("_P")


@functools.cache
def _register_korean_font() -> None:
    """Add koreanize-matplotlib's NanumGothic files to matplotlib's font list (once). The
    package is found, not imported: importing it would change matplotlib's global settings."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("koreanize-matplotlib is needed: pip install -r requirements.txt")
    for folder in spec.submodule_search_locations:
        for font in sorted(Path(folder, "fonts").glob("*.ttf")):
            font_manager.fontManager.addfont(str(font))


def render_png(fig: Figure, dpi: int = 100) -> bytes:
    """``fig`` as PNG bytes, drawn with the Korean font."""
    _register_korean_font()
    buffer = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def show(fig: Figure) -> None:
    """Show ``fig`` as one ``image/png`` output (raw, so no text repr goes with it)."""
    from IPython.display import display

    display({"image/png": render_png(fig)}, raw=True)


def _shown(draw: Callable[_P, Figure]) -> Callable[_P, None]:
    """``draw`` made into a plot helper that shows its figure; ``.figure`` keeps ``draw``."""

    @functools.wraps(draw)
    def plot(*args: _P.args, **kwargs: _P.kwargs) -> None:
        show(_drawn(draw, *args, **kwargs))

    plot.figure = functools.partial(_drawn, draw)  # type: ignore[attr-defined]
    return plot


def _drawn(draw: Callable[..., Figure], *args: Any, **kwargs: Any) -> Figure:
    # Fonts are chosen when text is created, so the style applies while drawing too.
    _register_korean_font()
    with matplotlib.rc_context(_STYLE):
        return draw(*args, **kwargs)


def _figure(width: float = 9.0, height: float = 4.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


# ------------------------------------------------------------------------------------------------
# Exploration plots
# ------------------------------------------------------------------------------------------------


@_shown
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
    ax.set_xlabel(tr("평점", "rating"))
    ax.set_ylabel(tr("평점 수", "number of ratings"))
    ax.set_title(
        tr(
            f"평점 분포 (평점 {len(ratings):,}개)",
            f"Rating distribution ({len(ratings):,} ratings)",
        )
    )
    return fig


@_shown
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
        label = tr(f"{q} 백분위수: {value:g}", f"{q}th percentile: {value:g}")
        ax.axvline(value, color="tab:red", linestyle=style, label=label)
    ax.legend()
    ax.set_xlabel(tr("사용자당 상호 작용 수 (로그 척도)", "interactions per user (log scale)"))
    ax.set_ylabel(tr("사용자 수", "number of users"))
    ax.set_title(
        tr(
            f"사용자당 상호 작용 (사용자 {len(per_user):,}명)",
            f"Interactions per user ({len(per_user):,} users)",
        )
    )
    return fig


@_shown
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
    ax.set_xlabel(tr("아이템 (인기순)", "items, most popular first"))
    ax.set_ylabel(
        tr("아이템당 상호 작용 수 (로그 척도)", "interactions per item (log scale)"),
        color="tab:blue",
    )
    twin = ax.twinx()
    twin.plot(ranks, share, color="tab:orange")
    twin.set_ylim(0, 1.02)
    twin.yaxis.set_major_formatter(PercentFormatter(1.0))
    twin.set_ylabel(
        tr("상호 작용 누적 비율", "cumulative share of interactions"), color="tab:orange"
    )
    cut = max(1, round(len(counts) * head))
    twin.axvline(cut, color="grey", linestyle="--")
    twin.annotate(
        tr(
            f"상위 {head:.0%} 아이템: 상호 작용의 {share[cut - 1]:.0%}",
            f"top {head:.0%} of items: {share[cut - 1]:.0%} of interactions",
        ),
        xy=(cut, share[cut - 1]),
        xytext=(8, -18),
        textcoords="offset points",
    )
    ax.set_title(
        tr(
            f"아이템 인기도: 롱테일 (아이템 {len(counts):,}개)",
            f"Item popularity: the long tail ({len(counts):,} items)",
        )
    )
    return fig


@_shown
def plot_activity_over_time(interactions: pd.DataFrame, freq: str = "MS") -> Figure:
    """Interactions and active users per period (default per month), from ``TIMESTAMP``."""
    when = pd.to_datetime(interactions["TIMESTAMP"].to_numpy(), unit="s")
    frame = pd.DataFrame({"USER_ID": interactions["USER_ID"].to_numpy()}, index=when)
    grouped = frame.groupby(pd.Grouper(freq=freq))["USER_ID"]
    events, users = grouped.size(), grouped.nunique()
    fig = _figure(9, 5)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(events.index, events.to_numpy(), color="tab:blue")
    top.set_ylabel(tr("상호 작용 수", "interactions"))
    top.set_title(tr("시간에 따른 활동", "Activity over time"))
    bottom.plot(users.index, users.to_numpy(), color="tab:green")
    bottom.set_ylabel(tr("활성 사용자 수", "active users"))
    bottom.set_xlabel(tr("시간", "time"))
    return fig


# ------------------------------------------------------------------------------------------------
# Metrics
# ------------------------------------------------------------------------------------------------


@_shown
def plot_metrics(
    table: pd.DataFrame, columns: Iterable[str] | None = None, title: str | None = None
) -> Figure:
    """Grouped bar chart of a metrics table (rows = models, columns = metrics).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`workshop.evaluate.metrics_table`.
    columns : iterable of str, optional
        The metrics to show (default every column).
    title : str, optional
        Chart title (default "지표" / "Metrics").
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
    ax.set_ylabel(tr("값", "value"))
    ax.set_title(title if title is not None else tr("지표", "Metrics"))
    # Beside the plot, not over it: inside, it hides the tallest bars (a 1.0 hit rate).
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig
