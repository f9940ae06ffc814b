"""Run the workshop's seven notebooks headless against a fresh personalize-local, in order.

    .venv/bin/python scripts/run_workshop.py             # make workshop: build/workshop/*.ipynb
    .venv/bin/python scripts/run_workshop.py --in-place  # make notebooks: refresh committed outputs

It starts personalize-local on a free loopback port (seeded, short status transitions), gives
the kernels ``AWS_ENDPOINT_URL``, fake credentials, a Region, ``MOVIELENS_DIR`` and an isolated
``IPYTHONDIR`` (so ``%store`` starts empty), and executes 00 → 06 with nbclient exactly as an
attendee would, one kernel per notebook. With ``--in-place`` the sources are rebuilt first
(``scripts/build_notebooks.py``) and the account id is masked in the outputs that get committed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_notebooks import NOTEBOOKS  # noqa: E402

from personalize_local.config import Settings  # noqa: E402
from personalize_local.server import LocalServer  # noqa: E402

SEED = 42
REGION = "us-east-1"
TRANSITION_SECONDS = 0.1
#: What committed outputs show instead of the (fake) 12-digit account id; the nbval sanitizer
#: turns the live id into the same text.
ACCOUNT_MASK = "<ACCOUNT_ID>"
_ACCOUNT = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


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
    data = os.environ.get("MOVIELENS_DIR") or str(ROOT.parent / "shared" / "data")
    if Path(data).is_dir():
        env["MOVIELENS_DIR"] = data
    return env


def start_server(seed: int = SEED) -> LocalServer:
    server = LocalServer(settings=Settings(seed=seed, transition_seconds=TRANSITION_SECONDS))
    server.start()
    # Seed moto too (bucket suffixes, ids), so the outputs reproduce.
    request = urllib.request.Request(f"{server.url}/moto-api/seed?a={seed}", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    return server


def mask_account(notebook: nbformat.NotebookNode) -> None:
    """Replace 12-digit account ids in every output with :data:`ACCOUNT_MASK`."""

    def scrub(value):
        if isinstance(value, str):
            return _ACCOUNT.sub(ACCOUNT_MASK, value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(scrub(dict(o))) for o in cell.outputs]


def run(notebooks: list[Path], out_dir: Path, *, in_place: bool, timeout: int) -> list[float]:
    times = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT)}},
        )
        try:
            client.execute()
        finally:
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            target = path if in_place else out_dir / path.name
            if in_place:
                mask_account(notebook)
            nbformat.write(notebook, target)
        print(f"  {path.name:66} {elapsed:6.1f} s", flush=True)
    return times


def lab(seed: int) -> int:
    """JupyterLab in the repository, its kernels wired to a personalize-local for the session.

    ``%store`` lives in ``build/ipython`` for the session's notebooks to share.
    """
    import subprocess

    server = start_server(seed)
    scratch = ROOT / "build" / "lab"
    scratch.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **workshop_environment(server.url, scratch)}
    env.pop("MPLBACKEND")
    print(f"personalize-local at {server.url}; JupyterLab kernels use it (Ctrl-C stops both)")
    try:
        return subprocess.call(
            [sys.executable, "-m", "jupyterlab", "--notebook-dir", str(ROOT)], env=env
        )
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-place", action="store_true", help="refresh the committed notebooks")
    parser.add_argument("--out", default=str(ROOT / "build" / "workshop"), help="output folder")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--lab", action="store_true", help="open JupyterLab on the endpoint")
    args = parser.parse_args(argv)
    if args.lab:
        return lab(args.seed)

    if args.in_place:
        import build_notebooks

        build_notebooks.main()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [ROOT / name for name in NOTEBOOKS]

    started = time.perf_counter()
    server = start_server(args.seed)
    saved = dict(os.environ)
    try:
        with tempfile.TemporaryDirectory(prefix="workshop-") as scratch:
            os.environ.update(workshop_environment(server.url, Path(scratch)))
            for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
                os.environ.pop(name, None)
            print(f"personalize-local at {server.url}; running {len(paths)} notebooks", flush=True)
            run(paths, out_dir, in_place=args.in_place, timeout=args.timeout)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()
    where = ROOT if args.in_place else out_dir
    print(f"Executed notebooks in {where} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
