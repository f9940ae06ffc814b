"""Splits for GetSolutionMetrics (https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html).

Two separate choices, as in LensKit: *which users* are test users (`choose_test_users`: a
seeded 10% of the users) and *which of their interactions* are ground truth (`split_history`:
the last one, or the newest 10%). USER_SEGMENTATION splits every user 80/20 instead
(`split_per_user`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from personalize_local.models.data import InteractionData

LAST, FRACTION = "last", "fraction"


@dataclass
class UserHoldout:
    """A held-out-users split.

    Attributes
    ----------
    train : InteractionData
        All interactions of the non-test users (same index spaces as the input).
    test_users : np.ndarray
        User indexes of the test users.
    inputs, truths : list of np.ndarray
        Per test user, the item indexes of the input history (chronological) and of the ground
        truth.
    input_weights : list of np.ndarray
        Per test user, the event weights of the input history (``eventsConfig``).
    """

    train: InteractionData
    test_users: np.ndarray
    inputs: list[np.ndarray]
    truths: list[np.ndarray]
    input_weights: list[np.ndarray]


def rng_for(seed: int, purpose: str) -> np.random.Generator:
    """A generator for one purpose of one seed (independent streams, reproducible)."""
    tag = int.from_bytes(purpose.encode()[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng([int(seed) & 0xFFFFFFFFFFFF, tag])


def choose_test_users(
    data: InteractionData, seed: int, fraction: float = 0.1, min_events: int = 2
) -> np.ndarray:
    """A seeded ``fraction`` of the users (at least one), among users with ≥ ``min_events``.

    The count is ``round(fraction × users with interactions)``; only users with an input and a
    truth can be evaluated, so they are the ones drawn.
    """
    lengths = np.bincount(data.user_idx, minlength=data.n_users)
    active = np.flatnonzero(lengths > 0)
    eligible = np.flatnonzero(lengths >= min_events)
    n = min(len(eligible), max(1, round(fraction * len(active))))
    if n == 0:
        return np.zeros(0, np.int64)
    picked = rng_for(seed, "testuser").choice(eligible, size=n, replace=False)
    return np.sort(picked)


def split_history(
    items: np.ndarray, mode: str = LAST, fraction: float = 0.9
) -> tuple[np.ndarray, np.ndarray]:
    """(input, truth) of one chronological history.

    ``last``: the final interaction is the truth. ``fraction``: interactions whose rank / n
    exceeds ``fraction`` are the truth (the workshop's rule; at least the final one).
    """
    n = len(items)
    if mode == LAST:
        cut = n - 1
    elif mode == FRACTION:
        ranks = np.arange(1, n + 1) / n
        cut = int(np.searchsorted(ranks, fraction, side="right"))
        cut = min(cut, n - 1)
    else:
        raise ValueError(f"unknown holdout mode {mode!r}")
    return items[:cut], items[cut:]


def user_sequences(data: InteractionData) -> tuple[np.ndarray, np.ndarray]:
    """(chronological row order, CSR indptr per user) of the interactions."""
    order = data.chronological()
    counts = np.bincount(data.user_idx, minlength=data.n_users)
    return order, np.concatenate([[0], np.cumsum(counts)])


def dedupe_first(data: InteractionData) -> InteractionData:
    """Keep each (user, item) pair's first interaction (set-based recipes such as SIMS)."""
    order = data.chronological()
    key = data.user_idx[order].astype(np.int64) * data.n_items + data.item_idx[order]
    _, first = np.unique(key, return_index=True)
    mask = np.zeros(len(data), bool)
    mask[order[first]] = True
    return data.subset(mask)


def hold_out_users(
    data: InteractionData, seed: int, mode: str = LAST, fraction: float = 0.1
) -> UserHoldout:
    """Split ``data`` into training users and test users' (input, truth) histories."""
    test = choose_test_users(data, seed, fraction)
    is_test = np.zeros(data.n_users, bool)
    is_test[test] = True
    order, indptr = user_sequences(data)
    items, weights = data.item_idx[order], data.weight[order]
    inputs, truths, input_weights = [], [], []
    for u in test:
        inp, truth = split_history(items[indptr[u] : indptr[u + 1]], mode)
        inputs.append(inp.astype(np.int64))
        truths.append(truth.astype(np.int64))
        input_weights.append(weights[indptr[u] : indptr[u] + len(inp)])
    return UserHoldout(data.subset(~is_test[data.user_idx]), test, inputs, truths, input_weights)


def split_per_user(
    data: InteractionData,
    train_fraction: float = 0.8,
) -> tuple[InteractionData, InteractionData]:
    """USER_SEGMENTATION split: each user's oldest 80% train, the newest 20% test."""
    order, indptr = user_sequences(data)
    lengths = np.diff(indptr)
    pos = np.arange(len(order)) - np.repeat(indptr[:-1], lengths)
    pct = (pos + 1) / np.repeat(np.maximum(lengths, 1), lengths)
    is_test = np.zeros(len(data), bool)
    # A user's single interaction stays in training: there is nothing to learn from otherwise.
    is_test[order] = (pct > train_fraction) & (np.repeat(lengths, lengths) > 1)
    return data.subset(~is_test), data.subset(is_test)
