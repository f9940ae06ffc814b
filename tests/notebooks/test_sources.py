"""The notebook sources (``notebooks/{ko,en}/*.py``) and the notebooks built from them.

* every committed ``.ipynb`` (Korean at the top level, English in ``en/``) holds exactly the
  cells its jupytext source builds, with outputs;
* the Korean and English sources of one notebook share their code cells;
* ``%store`` survives the round trip (jupytext keeps magics as ``# %store`` comments);
* the English notebooks import ``workshop`` from ``en/``;
* the claims the prose of 01–03 makes hold on the committed outputs.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_workshop  # noqa: E402
from run_workshop import LANGUAGES, NAMES  # noqa: E402

PAIRS = [(name, lang) for lang in LANGUAGES for name in NAMES]
#: The display helpers that draw a chart; a cell calling one must hold a PNG.
PLOTTERS = re.compile(r"\bdisplay\.plot_\w+\(")


def committed(name: str, lang: str = "ko") -> nbformat.NotebookNode:
    path = run_workshop.notebook_folder(lang) / f"{name}.ipynb"
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if c.cell_type == "code"]


def output_of(name: str, needle: str, lang: str = "ko") -> str:
    """Text output of the first code cell whose source contains ``needle``."""
    for cell in code_cells(committed(name, lang)):
        if needle in cell.source:
            return "".join(
                o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs
            )
    raise AssertionError(f"{lang}/{name}: no cell contains {needle!r}")


# ------------------------------------------------------------------------------ sources ↔ notebooks
@pytest.mark.parametrize(("name", "lang"), PAIRS)
def test_committed_notebook_is_built_from_its_source(name, lang):
    built = [(c.cell_type, c.source) for c in run_workshop.build(name, lang).cells]
    assert [(c.cell_type, c.source) for c in committed(name, lang).cells] == built, (
        f"run `make notebooks` after editing notebooks/{lang}/{name}.py"
    )


@pytest.mark.parametrize(("name", "lang"), PAIRS)
def test_committed_notebook_is_executed_without_errors(name, lang):
    cells = code_cells(committed(name, lang))
    assert all(c.execution_count is not None for c in cells), "nbval skips unexecuted cells"
    assert [o for c in cells for o in c.outputs if o.output_type == "error"] == []


@pytest.mark.parametrize("name", NAMES)
def test_korean_and_english_sources_share_their_code(name):
    ko, en = (code_cells(run_workshop.build(name, lang)) for lang in LANGUAGES)
    assert [c.source for c in ko] == [c.source for c in en]
    markdown = {
        lang: [c.source for c in run_workshop.build(name, lang).cells if c.cell_type == "markdown"]
        for lang in LANGUAGES
    }
    assert len(markdown["ko"]) == len(markdown["en"])


@pytest.mark.parametrize("name", NAMES)
def test_korean_notebooks_speak_korean(name):
    notebook = run_workshop.build(name, "ko")
    prose = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert all(re.search(r"[가-힣]", text) for text in prose), "every Korean text cell is Korean"
    english = run_workshop.build(name, "en")
    assert not re.search(
        r"[가-힣]", "\n".join(c.source for c in english.cells if c.cell_type == "markdown")
    )


def test_store_magics_survive_the_round_trip():
    source = run_workshop.source_path("00_Setup", "ko").read_text()
    assert "\n# %store workshop_prefix\n" in source  # a comment, so ruff reads plain Python
    cell = code_cells(run_workshop.build("00_Setup", "ko"))[-1]
    assert "%store workshop_prefix" in cell.source.splitlines()
    again = jupytext.reads(jupytext.writes(run_workshop.build("00_Setup", "ko"), "py:percent"))
    assert [c.source for c in again.cells] == [
        c.source for c in run_workshop.build("00_Setup", "ko").cells
    ]


def test_built_notebooks_are_stable():
    first, second = (run_workshop.build("02_Creating_and_Evaluating_Solutions", "en") for _ in "ab")
    assert first == second
    assert [c.id for c in first.cells] == [f"cell-{i}" for i in range(len(first.cells))]


def test_english_notebooks_import_workshop_from_en():
    """``en/workshop`` is a symlink to the package, so an attendee's kernel (started in ``en/``,
    without this project installed) imports it; ``-S`` keeps the installed copy out of sight."""
    en = ROOT / "en"
    assert (en / "workshop").resolve() == ROOT / "workshop"
    assert (en / "static").resolve() == ROOT / "static"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "WORKSHOP_LANG")}
    done = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            "import workshop.lang as l; print(l.__file__, l.tr('k', 'e'))",
        ],
        cwd=en,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    path, said = done.stdout.split()
    assert Path(path).resolve() == ROOT / "workshop" / "lang.py" and said == "e"


# ------------------------------------------------------------------------------ outputs
@pytest.mark.parametrize(("name", "lang"), PAIRS)
def test_outputs_hold_no_account_id_or_placeholder(name, lang):
    text = json.dumps([c.outputs for c in code_cells(committed(name, lang))])
    assert not re.search(r"(?<![0-9])[0-9]{12}(?![0-9])", text)
    assert "<ACCOUNT_ID>" not in text
    assert "without encryption" not in text


PLOTTING = [
    (name, lang)
    for name, lang in PAIRS
    if PLOTTERS.search(run_workshop.source_path(name, lang).read_text())
]


@pytest.mark.parametrize(("name", "lang"), PLOTTING)
def test_every_plotting_cell_holds_a_png(name, lang):
    plotting = [c for c in code_cells(committed(name, lang)) if PLOTTERS.search(c.source)]
    for cell in plotting:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source


# ------------------------------------------------------------------------------ claims in the prose
@pytest.mark.parametrize("lang", LANGUAGES)
def test_00_masks_the_account_and_names_the_attendee(lang):
    shown = output_of("00_Setup", "discovery.attendee(session)", lang)
    assert re.search(r"\*{8}\d{4}", shown)
    prefix = re.search(r"personalize-workshop-([a-z0-9-]+)", shown)
    assert prefix and len(prefix[0]) <= 33


@pytest.mark.parametrize("lang", LANGUAGES)
def test_01_cold_items_are_the_newest_and_the_prose_says_how_many(lang):
    name = NAMES[1]
    shown = output_of(name, "newest_items_split", lang)
    count, since = re.search(r"([\d,]+)\D+(\d{4}-\d{2}-\d{2})", shown).groups()
    prose = "\n".join(c.source for c in committed(name, lang).cells if c.cell_type == "markdown")
    assert count in prose and since in prose


@pytest.mark.parametrize("lang", LANGUAGES)
def test_02_trains_v1_and_v2_and_the_hpo_version(lang):
    name = NAMES[2]
    trained = output_of(name, 'name="training"', lang)
    assert "'user-personalization-v2': 'ACTIVE'" in trained
    assert "'user-personalization': 'ACTIVE'" in trained
    code = "\n".join(c.source for c in code_cells(committed(name, lang)))
    assert "hpoObjective" not in code and "performHPO=True" in code
    assert "HPO ACTIVE" in output_of(name, "if RUN_HPO:", lang)
    assert "user-personalization-hpo" in output_of(name, "with_hpo = ", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_02_both_user_personalization_versions_beat_popularity(lang):
    """The prose says so, on NDCG@10 and coverage."""
    table = output_of(NAMES[2], "with_hpo = ", lang).splitlines()
    header = table[0].split()
    rows = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in table[2:] if line}
    for column in ("ndcg@10", "coverage"):
        at = header.index(column)
        for recipe in ("user-personalization", "user-personalization-v2"):
            assert rows[recipe][at] > rows["popularity"][at], (recipe, column)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_03_exploration_reaches_cold_items_as_the_prose_says(lang):
    """Prose: both User-Personalization campaigns give part, never half, of their top 50 to
    cold items; SIMS and popularity none."""
    counts = ast.literal_eval(output_of(NAMES[3], "cold_counts = {", lang))
    assert 0 < counts["user-personalization"] < 25
    assert 0 < counts["user-personalization-v2"] < 25
    assert counts["sims"] == counts["popularity"] == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_03_sims_starts_from_an_item_with_enough_interactions(lang):
    shown = output_of(NAMES[3], "sims_item = next(", lang)
    interactions = int(re.search(r"\((\d+)\)\s*\n", shown)[1])
    assert interactions >= 50


def test_refresh_prose_keeps_outputs_and_refuses_changed_code(tmp_path):
    name = NAMES[0]
    (tmp_path / "en").mkdir()
    for lang in LANGUAGES:
        target = run_workshop.notebook_folder(lang, tmp_path) / f"{name}.ipynb"
        target.write_text((run_workshop.notebook_folder(lang) / f"{name}.ipynb").read_text())
    stale = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    stale.cells[0].source = "# old heading"
    nbformat.write(stale, tmp_path / f"{name}.ipynb")
    assert run_workshop.refresh_prose(name, "ko", tmp_path)
    fresh = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    assert fresh.cells[0].source == run_workshop.build(name, "ko").cells[0].source
    assert [c.outputs for c in code_cells(fresh)] == [
        c.outputs for c in code_cells(committed(name, "ko"))
    ]
    changed = nbformat.read(tmp_path / "en" / f"{name}.ipynb", as_version=4)
    code_cells(changed)[0].source += "\nprint()"
    nbformat.write(changed, tmp_path / "en" / f"{name}.ipynb")
    assert not run_workshop.refresh_prose(name, "en", tmp_path)


def test_kernels_run_quietly_in_their_language_folder_and_stop():
    """run_workshop's kernels use IPC sockets (over TCP ipykernel warns on every start that the
    traffic is unencrypted), start in the notebook's folder, and are shut down after the run."""
    script = (
        "import sys, psutil, nbformat; sys.path.insert(0, 'scripts'); import run_workshop as rw\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("
        '\'from workshop.lang import tr; print(tr("ko", "en"))\')])\n'
        "rw.execute(nb, cwd=rw.notebook_folder('en'))\n"
        "print(nb.cells[0].outputs[0]['text'].strip())\n"
        "print(len(psutil.Process().children(recursive=True)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "WORKSHOP_LANG"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["en", "0"]
    assert "without encryption" not in done.stderr and "Parent appears" not in done.stderr
