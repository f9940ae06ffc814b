"""README.md and README.ko.md say the same things: the same sections, make targets, command-line
options and notebooks, and every make target they name exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EN = (ROOT / "README.md").read_text(encoding="utf-8")
KO = (ROOT / "README.ko.md").read_text(encoding="utf-8")
NOTEBOOKS = sorted(p.stem for p in ROOT.glob("0[0-6]_*.ipynb"))


def headings(text: str, level: str) -> list[str]:
    return re.findall(rf"^{level} (.+)$", text, flags=re.MULTILINE)


def make_targets(text: str) -> set[str]:
    return set(re.findall(r"`?make ([a-z]+)", text))


def options(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))


def notebooks(text: str) -> list[str]:
    found = re.findall(r"`(0[0-6]_[A-Za-z_]+)(?:\.ipynb)?`", text)
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("level", ["##", "###"])
def test_same_number_of_sections(level):
    assert len(headings(EN, level)) == len(headings(KO, level))


def test_same_make_targets_and_they_exist():
    assert make_targets(EN) == make_targets(KO)
    makefile = (ROOT / "Makefile").read_text()
    defined = set(re.findall(r"^([a-z]+):", makefile, flags=re.MULTILINE))
    assert {"workshop", "test", "lab"} <= make_targets(EN) <= defined


def test_same_command_line_options():
    assert options(EN) == options(KO)
    assert {"--data-dir", "--verify-signatures", "--allow-root"} <= options(EN)


def test_same_notebooks_in_course_order():
    assert notebooks(EN) == notebooks(KO)
    assert sorted(notebooks(EN)) == NOTEBOOKS
    assert notebooks(EN)[0] == "00_Setup"


def test_the_quick_start_is_two_commands():
    for text in (EN, KO):
        assert "make workshop" in text and "make test" in text and "MOVIELENS_DIR" in text


def test_both_show_the_flow_and_the_routing_figures():
    assert "static/personalize-flow-en.png" in EN
    assert "static/personalize-flow-ko.png" in KO
    for text in (EN, KO):
        assert "static/architecture.png" in text
    for name in ("personalize-flow-en.png", "personalize-flow-ko.png", "architecture.png"):
        assert (ROOT / "static" / name).is_file()
