"""Build the workshop's seven notebooks from their sources and run them headless, in order,
against a fresh personalize-local.

    .venv/bin/python scripts/run_workshop.py             # make workshop: build/workshop/*.ipynb
    .venv/bin/python scripts/run_workshop.py --lang en   # the English set: build/workshop/en/
    .venv/bin/python scripts/run_workshop.py --in-place  # make notebooks: refresh committed outputs
    .venv/bin/python scripts/run_workshop.py --in-place --prose-only  # markdown edits only
    .venv/bin/python scripts/run_workshop.py --lab       # make lab: JupyterLab on the endpoint
    .venv/bin/python scripts/run_workshop.py --lab --dry-run   # check make lab's wiring only

It starts personalize-local on a free loopback port (seeded, short status transitions), gives
the kernels ``AWS_ENDPOINT_URL``, fake credentials, a Region, ``MOVIELENS_DIR`` and an isolated
``IPYTHONDIR`` (so ``%store`` starts empty), and executes 00 → 06 with nbclient exactly as an
attendee would, one kernel per notebook.

The sources are jupytext percent files, ``notebooks/<lang>/<NAME>.py``; the Korean notebooks
live at the top level, the English ones in ``en/``, and each runs with its own folder as the
working directory (so ``workshop.lang`` picks its language). With ``--in-place`` the committed
notebooks of the chosen languages (default both) are rebuilt from the sources and their
outputs refreshed, each language against its own fresh, seeded endpoint.

``--lab --dry-run`` starts personalize-local, prints the command ``make lab`` would run and the
environment its kernels get, starts one Python kernel with that environment, checks from inside
it that boto3 reaches personalize-local, and stops both again. It needs no JupyterLab.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from personalize_local.config import Settings  # noqa: E402
from personalize_local.server import LocalServer  # noqa: E402

SEED = 42
REGION = "us-east-1"
TRANSITION_SECONDS = 0.1

#: The notebooks, in the order an attendee runs them (file names without ``.ipynb``).
NAMES = (
    "00_Setup",
    "01_Validating_and_Importing_User_Item_Interaction_Data",
    "02_Creating_and_Evaluating_Solutions",
    "03_Deploying_Campaigns_getRecommendation",
    "04_Create_EventTracker_and_view_Interactions",
    "05_Evaluation_with_Test_Dataset",
    "06_Clean_Up_Resources",
)
NOTEBOOKS = [f"{name}.ipynb" for name in NAMES]
LANGUAGES = ("ko", "en")
SOURCES = ROOT / "notebooks"
#: What the built notebooks declare: the kernel Jupyter starts for them.
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def source_path(name: str, lang: str) -> Path:
    """The jupytext source a maintainer edits."""
    return SOURCES / lang / f"{name}.py"


def notebook_folder(lang: str, root: Path = ROOT) -> Path:
    """Where a language's notebooks live (and run): Korean at ``root``, English in ``en/``."""
    return root if lang == "ko" else root / lang


def build(name: str, lang: str) -> nbformat.NotebookNode:
    """The notebook of ``name`` in ``lang``, built from its source, without outputs.

    Cell ids are their positions, so rebuilding an unchanged source changes nothing.
    """
    notebook = jupytext.read(source_path(name, lang))
    notebook.metadata = nbformat.from_dict(METADATA)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"
        cell.metadata = nbformat.from_dict({})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(notebook)
    return notebook


#: Variables of the caller that must not reach a kernel: they would point boto3 elsewhere.
FOREIGN = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")
#: Where ``make lab`` keeps its ``%store`` database and AWS config (the session's notebooks share
#: it; ``make workshop`` and the tests use a temporary folder instead).
LAB_SCRATCH = ROOT / "build" / "lab"


def workshop_environment(endpoint_url: str, scratch: Path) -> dict[str, str]:
    """The variables a kernel needs to talk to the local endpoint and nothing else."""
    env = {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(scratch / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(scratch / "aws-credentials"),
        "IPYTHONDIR": str(scratch / "ipython"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONHASHSEED": "0",
    }
    if os.environ.get("MOVIELENS_DIR"):
        env["MOVIELENS_DIR"] = os.environ["MOVIELENS_DIR"]
    return env


def start_server(seed: int = SEED) -> LocalServer:
    server = LocalServer(settings=Settings(seed=seed, transition_seconds=TRANSITION_SECONDS))
    server.start()
    # Seed moto too (bucket suffixes, ids), so the outputs reproduce.
    request = urllib.request.Request(f"{server.url}/moto-api/seed?a={seed}", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    return server


def kernel_environment(
    endpoint_url: str, scratch: Path, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The full environment of a kernel: ``base`` (default ``os.environ``) without the caller's
    AWS profile or session token, plus :func:`workshop_environment`."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in FOREIGN}
    env.update(workshop_environment(endpoint_url, scratch))
    return env


def execute(
    notebook: nbformat.NotebookNode,
    env: Mapping[str, str] | None = None,
    *,
    timeout: int = 600,
    cwd: Path = ROOT,
) -> None:
    """Execute ``notebook`` in place in a fresh python3 kernel started with ``env`` (default
    ``os.environ``), in ``cwd`` (the notebook's folder) as an attendee's Jupyter would.

    The kernel talks over IPC sockets in a private temporary folder: over TCP ipykernel warns
    on every start that the traffic is unencrypted.

    Raises ``nbclient.exceptions.CellExecutionError`` when a cell fails; the cells run until
    then keep their outputs.
    """
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        # nbclient makes (and shuts down) the kernel manager; the config sets its transport.
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}})
        client = NotebookClient(
            notebook,
            config=ipc,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd)}},
            # Timestamps in every cell's metadata would make each rerun a diff of all cells.
            record_timing=False,
        )
        client.execute(**({"env": dict(env)} if env is not None else {}))


def run_notebook(
    path: Path, env: Mapping[str, str] | None = None, *, timeout: int = 600
) -> nbformat.NotebookNode:
    """Read the notebook at ``path``, :func:`execute` it in its folder and return it."""
    notebook = nbformat.read(path, as_version=4)
    execute(notebook, env, timeout=timeout, cwd=path.parent)
    return notebook


def run(
    lang: str,
    out_dir: Path,
    *,
    timeout: int,
    env: Mapping[str, str] | None = None,
    names: tuple[str, ...] = NAMES,
) -> list[float]:
    """Build each notebook of ``lang`` from its source and execute it in the language's folder
    of the repository, in order, one kernel each; write each (even a failed one) to the
    language's folder under ``out_dir``."""
    target_dir = notebook_folder(lang, out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    times = []
    for name in names:
        notebook = build(name, lang)
        started = time.perf_counter()
        try:
            execute(notebook, env, timeout=timeout, cwd=notebook_folder(lang))
        finally:
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            # The kernel writes its Python version into language_info: keep it out of the repo.
            notebook.metadata = nbformat.from_dict(METADATA)
            nbformat.write(notebook, target_dir / f"{name}.ipynb")
        print(f"  {lang}/{name + '.ipynb':66} {elapsed:6.1f} s", flush=True)
    return times


def refresh_prose(name: str, lang: str, root: Path = ROOT) -> bool:
    """Rebuild the committed notebook from its source keeping its outputs, when only markdown
    changed (the code cells are the same, in the same order). Returns whether it could."""
    path = notebook_folder(lang, root) / f"{name}.ipynb"
    old = nbformat.read(path, as_version=4)
    new = build(name, lang)
    old_code = [c for c in old.cells if c.cell_type == "code"]
    new_code = [c for c in new.cells if c.cell_type == "code"]
    if [c.source for c in old_code] != [c.source for c in new_code]:
        return False
    for before, after in zip(old_code, new_code, strict=True):
        after.outputs, after.execution_count = before.outputs, before.execution_count
    nbformat.write(new, path)
    return True


def lab_command(notebook_dir: Path = ROOT) -> list[str]:
    """What ``make lab`` runs, with the environment of :func:`lab_environment`."""
    command = [sys.executable, "-m", "jupyterlab", "--notebook-dir", str(notebook_dir)]
    # JupyterLab refuses to run as root (containers) unless told to.
    return [*command, "--allow-root"] if os.geteuid() == 0 else command


def lab_environment(endpoint_url: str, scratch: Path = LAB_SCRATCH) -> dict[str, str]:
    """JupyterLab's environment, which every kernel it starts inherits.

    Matplotlib keeps JupyterLab's own inline backend (no ``MPLBACKEND``).
    """
    env = kernel_environment(endpoint_url, scratch)
    env.pop("MPLBACKEND", None)
    return env


#: Run inside a kernel by ``--lab --dry-run``: what a notebook in ``make lab`` would see.
PROBE = """
import json, os, boto3
recipes = boto3.client("personalize").list_recipes()["recipes"]
print(json.dumps({"AWS_ENDPOINT_URL": os.environ.get("AWS_ENDPOINT_URL"),
                  "IPYTHONDIR": os.environ.get("IPYTHONDIR"),
                  "region": boto3.Session().region_name, "recipes": len(recipes)}))
"""


def probe_kernel(env: Mapping[str, str], timeout: int = 120) -> dict[str, Any]:
    """Start a python3 kernel with ``env``, run :data:`PROBE` in it, shut it down; its answer."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    execute(notebook, env, timeout=timeout)
    text = "".join(
        o.get("text", "") for o in notebook.cells[0].outputs if o.output_type == "stream"
    )
    return json.loads(text.strip().splitlines()[-1])


def lab(seed: int, *, dry_run: bool = False) -> int:
    """JupyterLab in the repository, its kernels wired to a personalize-local for the session.

    ``%store`` lives in ``build/lab/ipython`` for the session's notebooks to share. With
    ``dry_run`` JupyterLab is not started: the wiring is printed and checked from a kernel.
    """
    server = start_server(seed)
    try:
        LAB_SCRATCH.mkdir(parents=True, exist_ok=True)
        env = lab_environment(server.url)
        wiring = {
            name: env[name]
            for name in sorted(workshop_environment(server.url, LAB_SCRATCH))
            if name in env
        }
        if dry_run:
            print(
                json.dumps(
                    {"command": lab_command(), "endpoint": server.url, "env": wiring}, indent=1
                )
            )
            answer = probe_kernel(env)
            print("kernel sees:", json.dumps(answer))
            ok = answer.get("AWS_ENDPOINT_URL") == server.url and answer.get("recipes", 0) > 0
            return 0 if ok else 1
        print(f"personalize-local at {server.url}; JupyterLab kernels use it (Ctrl-C stops both)")
        try:
            return subprocess.call(lab_command(), env=env)
        except KeyboardInterrupt:
            return 0
    finally:
        server.stop()
        print("personalize-local stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-place", action="store_true", help="refresh the committed notebooks")
    parser.add_argument(
        "--lang",
        choices=(*LANGUAGES, "all"),
        default=None,
        help="which notebooks: ko (Korean, the default), en, or all (default with --in-place)",
    )
    parser.add_argument("--out", default=str(ROOT / "build" / "workshop"), help="output folder")
    parser.add_argument(
        "--prose-only",
        action="store_true",
        help="with --in-place: rebuild the markdown of notebooks whose code is unchanged, "
        "keeping their outputs (nothing runs)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--lab", action="store_true", help="open JupyterLab on the endpoint")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --lab: print and check the kernels' wiring, then stop (no JupyterLab needed)",
    )
    args = parser.parse_args(argv)
    if args.dry_run and not args.lab:
        parser.error("--dry-run goes with --lab")
    if args.lab:
        return lab(args.seed, dry_run=args.dry_run)

    import preflight  # before anything is written: missing data is one clear line, not a traceback

    if problem := preflight.check():
        print(problem, file=sys.stderr)
        return 2
    chosen = args.lang or ("all" if args.in_place else "ko")
    languages = LANGUAGES if chosen == "all" else (chosen,)
    if args.prose_only:
        if not args.in_place:
            parser.error("--prose-only goes with --in-place")
        stale = [f"{lang}/{name}" for lang in languages for name in NAMES
                 if not refresh_prose(name, lang)]  # fmt: skip
        if stale:
            print("code changed, run `make notebooks`:", ", ".join(stale))
        return 1 if stale else 0
    out_dir = ROOT if args.in_place else Path(args.out)
    for lang in languages:
        started = time.perf_counter()
        # Each language gets its own fresh, seeded endpoint, as nbval gives it.
        server = start_server(args.seed)
        try:
            with tempfile.TemporaryDirectory(prefix="workshop-") as scratch:
                env = kernel_environment(server.url, Path(scratch))
                print(f"personalize-local at {server.url}; running {lang} notebooks", flush=True)
                run(lang, out_dir, timeout=args.timeout, env=env)
        finally:
            server.stop()
        where = notebook_folder(lang, out_dir)
        print(f"Executed notebooks in {where} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
