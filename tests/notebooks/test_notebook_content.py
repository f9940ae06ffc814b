"""Static checks of the committed Korean workshop notebooks: each of the original's bugs stays
absent. (tests/notebooks/test_sources.py checks both languages against their sources, and the
claims the prose makes.)

The notebooks are read as JSON (sources and saved outputs); nothing is executed here. The nbval
run (``make nbval``) re-executes them against personalize-local and compares the outputs.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from run_workshop import NOTEBOOKS  # noqa: E402

PATHS = {name: ROOT / name for name in NOTEBOOKS}


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(PATHS[name], as_version=4)


def sources(name: str) -> str:
    return "\n".join(c.source for c in read(name).cells if c.cell_type == "code")


def outputs_text(name: str) -> str:
    return json.dumps([c.get("outputs", []) for c in read(name).cells if c.cell_type == "code"])


def cell_output(name: str, needle: str) -> str:
    """Text output of the first code cell whose source contains ``needle``."""
    for cell in read(name).cells:
        if cell.cell_type == "code" and needle in cell.source:
            return "".join(
                o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs
            )
    raise AssertionError(f"{name}: no cell contains {needle!r}")


def test_the_seven_notebooks_exist_in_order():
    assert [p.name for p in sorted(ROOT.glob("0[0-6]_*.ipynb"))] == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_with_outputs_and_without_errors(name):
    code = [c for c in read(name).cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "nbval skips unexecuted cells"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_account_id_in_outputs(name):
    text = outputs_text(name)
    assert not re.search(r"(?<![0-9])[0-9]{12}(?![0-9])", text)
    assert not re.search(r"arn:aws:[a-z0-9-]*:[a-z0-9-]*:\d{12}:", text)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_emulator_specific_code(name):
    text = sources(name) + "\n".join(c.source for c in read(name).cells)
    for word in ("personalize_local", "personalize-local serve", "localhost", "127.0.0.1",
                 "4580", "moto-api", "moto"):  # fmt: skip
        assert word not in sources(name), f"{name} code mentions {word!r}"
    assert "123456789012" not in text


@pytest.mark.parametrize("name", NOTEBOOKS[1:])
def test_restores_and_checks_stored_variables(name):
    code = [c.source for c in read(name).cells if c.cell_type == "code"]
    assert "%store -r" in code
    check = code[code.index("%store -r") + 1]
    assert "missing" in check and "run " in check and ".ipynb first" in check


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_waits_only_through_workshop_wait(name):
    code = sources(name)
    assert "time.sleep" not in code and "while " not in code


def test_no_legacy_hrnn_recipe():
    for name in NOTEBOOKS:
        assert not re.search(r"recipe/aws-hrnn|\"aws-hrnn", sources(name)), name


def test_no_asfarray_anywhere():
    assert all("asfarray" not in sources(name) for name in NOTEBOOKS)
    assert "np.asfarray(" not in (ROOT / "workshop" / "metrics.py").read_text()


def test_each_import_job_has_its_own_arn():
    """The original stored the interactions job's ARN as the items job's."""
    name = NOTEBOOKS[1]
    shown = cell_output(name, "create_dataset_import_job")
    arns = re.findall(r"dataset-import-job/[\w-]+", shown)
    assert len(arns) == 2 and len(set(arns)) == 2
    assert "'INTERACTIONS': 'ACTIVE', 'ITEMS': 'ACTIVE'" in cell_output(name, "import jobs")


def test_batch_input_uses_real_user_ids():
    """The original wrote the row index 0…6039: a user "0" that does not exist."""
    name = NOTEBOOKS[3]
    code = sources(name)
    assert "batch_users = sorted(train_df.USER_ID.unique()" in code
    assert ".index.tolist()" not in code
    shown = cell_output(name, "batch_users = ")
    assert "first ['1', '2', '3'] last 610" in shown
    assert "0 errors" in cell_output(name, "users.json.out")


def test_stored_user_and_list_come_from_user_personalization():
    """The original stored the SIMS list and a user id overwritten by a loop."""
    code = sources(NOTEBOOKS[3])
    store = code[code.index("before_recs = ") :]
    assert "before_recs = recs()" in store  # recs() asks the user-personalization campaign
    assert 'campaignArn=campaign_arns["user-personalization"], userId=user_id' in code
    assert "for user_id in" not in code


def test_metric_columns_are_labelled_from_their_keys():
    """The original's "p@25" column held precision@10."""
    shown = cell_output(NOTEBOOKS[2], "internal_table = evaluate.metrics_table")
    header = shown.split("\n")[0].split()
    assert header[:6] == ["coverage", "mrr@25", "ndcg@5", "ndcg@10", "ndcg@25", "p@5"]
    for name in NOTEBOOKS:
        assert "p@25" not in sources(name) or "metrics_table" in sources(name)


def test_cleanup_deletes_every_solution_it_finds():
    """The original never deleted its popularity solution."""
    code = sources(NOTEBOOKS[6])
    assert 'listed("list_solutions", "solutions", datasetGroupArn=g)' in code
    assert 'resources.delete_all(personalize, "solution", solutions' in code
    created = len(re.findall(r'^\s+"[\w-]+": "aws-', sources(NOTEBOOKS[2]), flags=re.M))
    created += "RUN_HPO = True" in sources(NOTEBOOKS[2])  # the HPO solution
    table = cell_output(NOTEBOOKS[6], "LABELS[k]")
    assert re.search(rf"^솔루션\s+{created}$", table, flags=re.M), table
    assert "남은 내 데이터 세트 그룹: 0" in cell_output(NOTEBOOKS[6], "left = ")


def test_cleanup_order():
    code = sources(NOTEBOOKS[6])
    order = ['"campaign", campaigns', '"event_tracker", trackers', '"filter", filters',
             "stop_training(", '"solution", solutions', '"dataset", datasets',
             '"schema", schemas', '"dataset_group", groups', "delete_object_versions(",
             "remove_personalize_statements(", "delete_bucket_if_empty(",
             "delete_role("]  # fmt: skip
    positions = [code.index(call) for call in order]
    assert positions == sorted(positions)


def test_cleanup_finds_resources_by_listing_not_from_store():
    """So that it also cleans up after a partial run (tests/workshop/test_cleanup_rerun.py)."""
    restored = [c.source for c in read(NOTEBOOKS[6]).cells if "needed = [" in c.source]
    assert restored and "dataset_group_arn" not in restored[0]
    assert "campaign_arns" not in sources(NOTEBOOKS[6])


def test_every_create_call_reuses_on_a_rerun():
    """Re-running 01–04 must not fail with ResourceAlreadyExistsException: every create_* goes
    through workshop.resources.create_or_reuse (tests/workshop/test_cleanup_rerun.py runs them
    twice)."""
    calls = 0
    for name in NOTEBOOKS:
        code = sources(name)
        assert not re.search(r"personalize\.create_\w+\(", code), name
        calls += len(re.findall(r"create_or_reuse\(\s*personalize\.create_\w+,", code))
    assert calls >= 12


def test_cost_estimate_cites_the_pricing_page_and_says_it_is_an_estimate():
    name = NOTEBOOKS[3]
    notes = "\n".join(c.source for c in read(name).cells if c.cell_type == "markdown")
    assert "https://aws.amazon.com/personalize/pricing/" in notes
    assert "as quoted" not in notes and "추정" in notes
    code = sources(name)
    assert "https://aws.amazon.com/personalize/pricing/" in code
    assert all(unit in code for unit in ("training hour", "TPS-hour", "batch recommendations"))
    shown = cell_output(name, "UNIT_PRICE = ")
    total = float(re.search(r"\$([0-9.]+)", shown)[1])
    rows = re.findall(r"^(?:training hour|TPS-hour|1,000 batch recommendations)\s+.*\s([0-9.]+)$",
                      shown, flags=re.M)  # fmt: skip
    assert len(rows) == 3 and round(sum(map(float, rows)), 2) == total


def test_metrics_match_the_worked_examples():
    from workshop import metrics

    r = [0, 1, 0, 0, 1]
    assert metrics.reciprocal_rank(r) == 0.5
    assert metrics.precision_at_k(r, 5) == 0.4
    assert round(metrics.ndcg_at_k(r, n_relevant=2, k=5), 4) == 0.6241


def test_user_personalization_beats_popularity_as_02_says():
    """02's prose says user-personalization clears the popularity bar on ndcg@10 and mrr@25."""
    shown = cell_output(NOTEBOOKS[2], "internal_table = evaluate.metrics_table")
    lines = shown.split("\n\n")[0].split("\n")  # pandas wraps wide tables into blocks
    header = lines[0].split()
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:] if line.strip()}
    for metric in ("ndcg@10", "mrr@25"):
        column = header.index(metric)
        up, popularity = rows["user-personalization"][column], rows["popularity"][column]
        assert float(up) > float(popularity), metric


def test_the_recommendation_scores_have_the_service_shape():
    """03's User-Personalization-v2 answer: scores share out a subset of the catalogue (the
    guide: they sum to 1 over it), so the first is a few hundredths to a few tenths, and they
    fall strictly with no zero (how-recommendation-scoring-works)."""
    text = cell_output(
        "03_Deploying_Campaigns_getRecommendation.ipynb", '"user-personalization-v2"]'
    )
    # The table's text form wraps: the SCORE column is in the block under its header.
    block = text[text.index("SCORE") :].splitlines()
    scores = [float(line.split()[-1]) for line in block if re.match(r"^\d+\s", line)]
    assert len(scores) == 10
    assert 0.01 <= scores[0] <= 0.5
    assert all(a > b > 0 for a, b in itertools.pairwise(scores))


def test_v2_reasons_are_exploration_as_03_says():
    """03 says every v2 item with a reason came in through exploration, the cold items among
    them: the printed counts hold that on the committed output."""
    text = cell_output("03_Deploying_Campaigns_getRecommendation.ipynb", "with_reason = [")
    counts = r"이유가 붙은 항목 (\d+) \{'Exploration': (\d+)\}\n그중 콜드 항목 (\d+)"
    found = re.search(counts, text)
    assert found, text[:300]
    total, explored, cold = map(int, found.groups())
    assert total == explored > 0
    assert 0 < cold <= total
