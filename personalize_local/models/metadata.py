"""Item metadata as sparse feature vectors, for cold items and content similarity.

Every Items column becomes a block of TF-IDF-weighted tokens:

* categorical strings: each ``|``-separated value is a token (``GENRES=comedy``);
* textual columns: lower-cased word tokens with sublinear TF (1 + log tf);
* numeric columns: the column's quintile (``YEAR=q3``), so nearby values match.

Each block is L2-normalised (every column weighs the same), blocks are concatenated and the
row is normalised again, so cosine similarity is a dot product. CREATION_TIMESTAMP is not a
feature: an item's age says nothing about its content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from personalize_local.models.data import CREATION_TIMESTAMP

_WORD = re.compile(r"[a-z0-9]{2,}")
_SKIP = {CREATION_TIMESTAMP}


def _normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ m)


def _tfidf(tokens: list[list[str]], min_df: int = 1, sublinear: bool = False) -> sp.csr_matrix:
    """Rows of TF-IDF weights, idf = log((1 + n) / (1 + df)) + 1."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, toks in enumerate(tokens):
        if not toks:
            continue
        uniq, counts = np.unique(np.asarray(toks, dtype=object), return_counts=True)
        for tok, c in zip(uniq, counts, strict=True):
            rows.append(r)
            cols.append(vocab.setdefault(tok, len(vocab)))
            vals.append(1.0 + np.log(c) if sublinear else float(c))
    m = sp.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=(len(tokens), len(vocab)))
    df = np.bincount(m.indices, minlength=m.shape[1])
    keep = np.flatnonzero(df >= min_df)
    m = m[:, keep]
    idf = np.log((1.0 + len(tokens)) / (1.0 + df[keep])) + 1.0
    return _normalise_rows(sp.csr_matrix(m @ sp.diags(idf.astype(np.float32))))


def _is_text(series: pd.Series) -> bool:
    sample = series.dropna().astype(str).head(200)
    return len(sample) > 0 and sample.str.count(" ").mean() >= 3


def item_features(
    items_meta: pd.DataFrame | None,
    item_ids: Sequence[str] | np.ndarray,
    text_columns: Sequence[str] = (),
) -> sp.csr_matrix:
    """Feature matrix aligned with ``item_ids`` (zero rows for items without metadata)."""
    n = len(item_ids)
    if items_meta is None or items_meta.empty:
        return sp.csr_matrix((n, 0), dtype=np.float32)  # type: ignore[arg-type]  # scipy-stubs lack (shape, dtype=)
    meta = items_meta.reindex(pd.Index([str(i) for i in item_ids]))
    blocks = []
    for col in meta.columns:
        if col in _SKIP:
            continue
        series = meta[col]
        if series.notna().sum() == 0:
            continue
        numeric = pd.to_numeric(series, errors="coerce")
        if numeric.notna().sum() == series.notna().sum():
            ranks = numeric.rank(pct=True)
            bins = np.ceil(ranks.fillna(0) * 5).astype(int)  # no value: bin 0, no token
            tokens = [[f"q{b}"] if b > 0 else [] for b in bins]
            blocks.append(_tfidf(tokens))
        elif col in text_columns or _is_text(series):
            tokens = [_WORD.findall(str(v).lower()) if isinstance(v, str) else [] for v in series]
            blocks.append(_tfidf(tokens, min_df=2, sublinear=True))
        else:
            tokens = [
                [p.strip().lower() for p in str(v).split("|") if p.strip()]
                if isinstance(v, str)
                else []
                for v in series
            ]
            blocks.append(_tfidf(tokens))
    if not blocks:
        return sp.csr_matrix((n, 0), dtype=np.float32)  # type: ignore[arg-type]  # scipy-stubs lack (shape, dtype=)
    return _normalise_rows(sp.hstack(blocks, format="csr").astype(np.float32))


def profile_similarity(
    features: sp.csr_matrix, items: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """Cosine similarity of every item to the weighted mean feature vector of ``items``."""
    if features.shape[1] == 0 or len(items) == 0:
        return np.zeros(features.shape[0])
    w = np.ones(len(items), np.float32) if weights is None else np.asarray(weights, np.float32)
    profile = np.asarray(features[items].T @ w).ravel()
    norm = np.linalg.norm(profile)
    if norm == 0:
        return np.zeros(features.shape[0])
    return np.asarray(features @ (profile / norm)).ravel().astype(np.float64)
