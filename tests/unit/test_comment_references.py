"""Comments and docs cite what a reader can open: public documentation URLs or files in this
repository. Never private notes (``personalize-api.md §6``), issue numbers, or source tags
(``[Inf]``, ``[Obs]``) that nothing in the repository defines."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROOTS = ("personalize_local", "tests", "bench", "workshop", "scripts")
SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".sh", ".yaml", ".yml"}

FORBIDDEN = {
    "a reference note outside the repository": re.compile(
        r"\b(?:personalize-api|metrics-and-anchors|emulation-notes|workshop-content|"
        r"korean-terms|style-examples)(?:\.md)?\b"
    ),
    "a section of a document outside the repository": re.compile(r"§\s*\d"),
    "an issue number": re.compile(r"\b[Ii]ssues?\s+#?\d+\b|(?<![\w&/#])#\d{1,4}\b(?![\w-])"),
    "an undefined source tag": re.compile(r"\[(?:Inf|Obs)\]"),
}


def _files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *ROOTS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    this = Path(__file__).resolve().relative_to(REPO).as_posix()
    return sorted(
        name
        for name in listed
        if Path(name).suffix in SUFFIXES and name != this and (REPO / name).is_file()
    )


def offences(name: str) -> list[str]:
    found = []
    text = (REPO / name).read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        for what, pattern in FORBIDDEN.items():
            if pattern.search(line):
                found.append(f"{name}:{number}: {what}: {line.strip()}")
    return found


def test_comments_cite_only_what_a_reader_can_open():
    found = [line for name in _files() for line in offences(name)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "# see personalize-api.md §6.3",
        "(metrics-and-anchors.md §2.3)",
        "# [Inf] the guide is silent",
        "# [Obs] sorted by name",
        "# as issue 7 asks",
        "# fixed in #12",
    ],
)
def test_each_kind_of_reference_is_caught(line):
    assert any(pattern.search(line) for pattern in FORBIDDEN.values())


@pytest.mark.parametrize(
    "line",
    [
        "# https://docs.aws.amazon.com/personalize/latest/dg/limits.html#limits-table",
        'color="#1f77b4"',
        "# %% [markdown]",
        "# bench/RESULTS.md names the runs",
    ],
)
def test_ordinary_lines_pass(line):
    assert not any(pattern.search(line) for pattern in FORBIDDEN.values())
