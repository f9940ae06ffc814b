"""workshop.display: title tables; every plot helper shows exactly one PNG (captured from
IPython's display, and from a real kernel), with Korean labels drawn without missing glyphs."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from workshop import data, display, evaluate

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_workshop  # noqa: E402

MOVIES = pd.DataFrame(
    {
        "movieId": [1, 2, 3],
        "title": ["Toy Story (1995)", "Jumanji (1995)", "Heat (1995)"],
        "genres": ["Animation|Comedy", "Adventure", "Action|Crime"],
    }
)
RATINGS = pd.DataFrame(
    {
        "userId": [1, 1, 1, 2, 2, 3],
        "movieId": [1, 2, 3, 1, 3, 1],
        "rating": [4.0, 3.5, 5.0, 1.0, 4.5, 0.5],
        "timestamp": [964982703, 964981247, 1100000000, 1200000000, 1300000000, 1400000000],
    }
)


def rendered(fig: Figure) -> bytes:
    assert isinstance(fig, Figure)
    png = display.render_png(fig)
    assert len(png) > 1000
    return png


# ------------------------------------------------------------------------------ tables
def test_titles_are_strings():
    assert display.title(2, MOVIES) == "Jumanji (1995)"
    assert display.title("3", MOVIES) == "Heat (1995)"
    assert display.title("999", MOVIES) == display.UNKNOWN_TITLE


def test_recommendation_table():
    table = display.recommendation_table(["3", 1, "404"], MOVIES, scores=[0.5, 0.3, 0.2])
    assert list(table.columns) == ["ITEM_ID", "TITLE", "GENRES", "SCORE"]
    assert table.index.tolist() == [1, 2, 3] and table.index.name == "rank"
    assert table.TITLE.tolist() == ["Heat (1995)", "Toy Story (1995)", display.UNKNOWN_TITLE]
    assert table.GENRES.tolist() == ["Action|Crime", "Animation|Comedy", ""]
    assert "SCORE" not in display.recommendation_table(["1"], MOVIES)


def test_response_tables_for_both_runtime_calls():
    recs = {"itemList": [{"itemId": "2"}, {"itemId": "1"}], "recommendationId": "r"}
    table = display.response_table(recs, MOVIES)
    assert table.TITLE.tolist() == ["Jumanji (1995)", "Toy Story (1995)"]
    assert "SCORE" not in table
    ranked = [{"itemId": "3", "score": 0.9}, {"itemId": "1", "score": 0.1}]
    ranking = {"personalizedRanking": ranked}
    table = display.response_table(ranking, MOVIES)
    assert table.SCORE.tolist() == [0.9, 0.1]
    assert display.response_table({"itemList": []}, MOVIES).empty
    assert "REASON" not in table


def test_v2_reasons_and_placeholders_show():
    """User-Personalization-v2 says why an item is there; a placeholder has no score."""
    items = [
        {"itemId": "3", "score": 0.4},
        {"itemId": "2", "score": 0.1, "reason": ["Exploration"]},
        {"itemId": "1", "reason": ["Popular item"]},
    ]
    table = display.response_table({"itemList": items}, MOVIES)
    assert table.SCORE.tolist()[:2] == [0.4, 0.1] and np.isnan(table.SCORE.iloc[2])
    assert table.REASON.tolist() == ["", "Exploration", "Popular item"]


def test_side_by_side_headers_are_plain_strings():
    table = display.side_by_side({"before": ["1", "2", "3"], "after click on Heat": ["3"]}, MOVIES)
    assert list(table.columns) == ["before", "after click on Heat"]
    assert table["after click on Heat"].tolist() == ["Heat (1995)", "", ""]
    assert all(isinstance(v, str) for v in table["before"])


def test_history_table_is_newest_last():
    interactions = data.interactions(RATINGS)
    table = display.history_table(interactions, 1, MOVIES, n=2)
    assert table.TITLE.tolist() == ["Toy Story (1995)", "Heat (1995)"]
    assert table.EVENT_TYPE.tolist() == ["watch", "watch"]
    assert table.TIME.iloc[-1] == pd.Timestamp("2004-11-09 11:33:20")


# ------------------------------------------------------------------------------ plots
SMALL = data.interactions(RATINGS)
METRIC_ROWS = {
    "user-personalization": {"precision_at_10": 0.05, "mean_reciprocal_rank_at_25": 0.2},
    "popularity": {"precision_at_10": 0.02},
}
METRICS = evaluate.metrics_table(METRIC_ROWS)
#: Every plot helper with arguments, as a notebook cell calls it.
CALLS = {
    "rating_distribution": (display.plot_rating_distribution, (RATINGS,), {}),
    "rating_distribution_no_line": (
        display.plot_rating_distribution,
        (SMALL,),
        {"watch_threshold": None},
    ),
    "interactions_per_user": (display.plot_interactions_per_user, (SMALL,), {}),
    "item_popularity": (display.plot_item_popularity, (SMALL,), {}),
    "activity_over_time": (display.plot_activity_over_time, (SMALL,), {}),
    "activity_over_time_yearly": (display.plot_activity_over_time, (SMALL,), {"freq": "YS"}),
    "metrics": (display.plot_metrics, (METRICS,), {}),
}


@pytest.fixture
def shell():
    """An IPython shell, so that ``display`` publishes rich outputs a test can capture."""
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


@pytest.mark.parametrize("name", CALLS)
def test_each_plot_shows_one_png_and_returns_nothing(name, shell):
    from IPython.utils.capture import capture_output

    helper, args, kwargs = CALLS[name]
    with capture_output() as captured:
        result = helper(*args, **kwargs)
    assert result is None  # so a cell's last line adds no <Figure …> text
    assert [list(output.data) for output in captured.outputs] == [["image/png"]]
    png = captured.outputs[0].data["image/png"]
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert captured.stdout == ""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_labels_speak_the_language_without_missing_glyphs(lang, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_LANG", lang)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, (helper, args, kwargs) in CALLS.items():
            fig = helper.figure(*args, **kwargs)
            (tmp_path / f"{name}-{lang}.png").write_bytes(display.render_png(fig))
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert glyphs == []
    fig = display.plot_rating_distribution.figure(RATINGS)
    title = fig.axes[0].get_title()
    assert title.startswith("평점 분포" if lang == "ko" else "Rating distribution")
    assert fig.axes[0].title.get_fontfamily()[0] == display.KOREAN_FONT


def test_the_korean_font_is_nanum_gothic():
    display.render_png(display.plot_metrics.figure(METRICS))  # registers the font
    path = font_manager.findfont(
        FontProperties(family=display.KOREAN_FONT), fallback_to_default=False
    )
    assert Path(path).name == "NanumGothic.ttf"


def test_a_real_kernel_gets_one_png_per_cell_whatever_the_backend():
    """Each helper as the last line of a cell, in a python3 kernel whose matplotlib backend is
    Agg (no inline backend to lean on): one image/png output per cell and no text result."""
    setup = (
        "import pandas as pd\n"
        "from workshop import data, display, evaluate\n"
        f"RATINGS = pd.DataFrame({RATINGS.to_dict(orient='list')!r})\n"
        "SMALL = data.interactions(RATINGS)\n"
        f"METRICS = evaluate.metrics_table({METRIC_ROWS!r})\n"
    )
    cells = [
        "display.plot_rating_distribution(RATINGS)",
        "display.plot_interactions_per_user(SMALL)",
        "display.plot_item_popularity(SMALL)",
        "display.plot_activity_over_time(SMALL)",
        "display.plot_metrics(METRICS)",
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(setup)] + [nbformat.v4.new_code_cell(c) for c in cells]
    )
    run_workshop.execute(notebook, {**os.environ, "MPLBACKEND": "Agg"}, timeout=120)
    for cell in notebook.cells[1:]:
        kinds = [(o.output_type, sorted(o.get("data", {}))) for o in cell.outputs]
        assert kinds == [("display_data", ["image/png"])], (cell.source, cell.outputs)


def test_metrics_chart():
    fig = display.plot_metrics.figure(METRICS, title="Offline metrics")
    rendered(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mrr@25", "p@10"]
    assert ax.get_title() == "Offline metrics"
    assert len(ax.patches) == 4  # 2 models × 2 metrics; the missing value is drawn as 0
    legend = ax.get_legend().get_window_extent()
    assert not legend.overlaps(ax.get_window_extent())  # no bar hidden behind it
    rendered(display.plot_metrics.figure(METRICS, columns=["p@10"]))


def test_real_data_plots(movielens_small, shell):
    from IPython.utils.capture import capture_output

    ratings = data.load_ratings()
    interactions = data.interactions(ratings)
    with capture_output() as captured:
        display.plot_rating_distribution(ratings)
        display.plot_interactions_per_user(interactions)
        display.plot_item_popularity(interactions)
        display.plot_activity_over_time(interactions)
    assert [list(output.data) for output in captured.outputs] == [["image/png"]] * 4
    fig = display.plot_item_popularity.figure(interactions)
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(note.startswith(("top 20% of items:", "상위 20% 아이템:")) for note in notes)
