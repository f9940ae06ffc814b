"""workshop.display: title tables, and every plot renders with the Agg backend."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure

from workshop import data, display, evaluate

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"

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
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.tell() > 1000
    return buffer.getvalue()


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
def test_every_plot_renders_on_a_small_frame():
    interactions = data.interactions(RATINGS)
    figures = [
        display.plot_rating_distribution(RATINGS),
        display.plot_rating_distribution(interactions, watch_threshold=None),
        display.plot_interactions_per_user(interactions),
        display.plot_item_popularity(interactions),
        display.plot_activity_over_time(interactions),
        display.plot_activity_over_time(interactions, freq="YS"),
    ]
    for fig in figures:
        rendered(fig)


def test_metrics_chart():
    table = evaluate.metrics_table(
        {
            "user-personalization": {"precision_at_10": 0.05, "mean_reciprocal_rank_at_25": 0.2},
            "popularity": {"precision_at_10": 0.02},
        }
    )
    fig = display.plot_metrics(table, title="Offline metrics")
    rendered(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mrr@25", "p@10"]
    assert ax.get_title() == "Offline metrics"
    assert len(ax.patches) == 4  # 2 models × 2 metrics; the missing value is drawn as 0
    rendered(display.plot_metrics(table, columns=["p@10"]))


@pytest.mark.skipif(
    not (SHARED / "ml-latest-small" / "ratings.csv").exists(), reason="ml-latest-small not found"
)
def test_plots_of_the_real_data(monkeypatch):
    monkeypatch.setenv(data.ENV_DIR, str(SHARED))
    ratings = data.load_ratings()
    interactions = data.interactions(ratings)
    for fig in (
        display.plot_rating_distribution(ratings),
        display.plot_interactions_per_user(interactions),
        display.plot_item_popularity(interactions),
        display.plot_activity_over_time(interactions),
    ):
        rendered(fig)
    fig = display.plot_item_popularity(interactions)
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(note.startswith("top 20% of items:") for note in notes)
