"""``make lab`` without JupyterLab: ``scripts/run_workshop.py --lab --dry-run`` starts
personalize-local, prints the command and the kernels' environment, checks from inside a real
kernel that boto3 reaches the endpoint, and stops everything again.

JupyterLab passes its own environment on to every kernel it starts, so a kernel started with the
environment ``make lab`` gives JupyterLab sees what a notebook in the lab sees.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "run_workshop.py"
sys.path.insert(0, str(ROOT / "scripts"))

import run_workshop  # noqa: E402


def test_lab_environment_is_the_workshop_wiring_without_foreign_credentials(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "secret")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = run_workshop.lab_environment("http://127.0.0.1:4999", Path("/tmp/lab"))
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4999"
    assert env["AWS_ACCESS_KEY_ID"] == env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["AWS_DEFAULT_REGION"] == run_workshop.REGION
    assert env["IPYTHONDIR"] == "/tmp/lab/ipython"  # %store of the lab session, nobody else's
    assert env["AWS_CONFIG_FILE"].startswith("/tmp/lab/")
    assert env["AWS_SHARED_CREDENTIALS_FILE"].startswith("/tmp/lab/")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MPLBACKEND"):
        assert name not in env
    assert env["PATH"]  # the rest of the caller's environment is kept
    assert run_workshop.lab_command()[:5] == [
        sys.executable,
        "-m",
        "jupyterlab",
        "--notebook-dir",
        str(ROOT),
    ]


def test_lab_allows_root_only_as_root(monkeypatch):
    # JupyterLab refuses to run as root (containers) without --allow-root.
    monkeypatch.setattr(run_workshop.os, "geteuid", lambda: 0)
    assert run_workshop.lab_command()[-1] == "--allow-root"
    monkeypatch.setattr(run_workshop.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in run_workshop.lab_command()


def test_make_lab_runs_the_script_with_lab():
    done = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "scripts/run_workshop.py --lab" in done.stdout


@pytest.mark.slow
def test_lab_dry_run_wires_a_kernel_to_personalize_local_and_stops_it():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--lab", "--dry-run", "--seed", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed, _, rest = done.stdout.partition("kernel sees:")
    config = json.loads(printed)
    seen = json.loads(rest.splitlines()[0])

    endpoint = config["endpoint"]
    assert urlparse(endpoint).hostname == "127.0.0.1"
    assert config["command"][1:5] == ["-m", "jupyterlab", "--notebook-dir", str(ROOT)]
    env = config["env"]
    assert env["AWS_ENDPOINT_URL"] == endpoint
    assert env["IPYTHONDIR"] == str(ROOT / "build" / "lab" / "ipython")
    assert "MPLBACKEND" not in env

    # From inside the kernel: the endpoint, the isolated %store, the Region, and a real answer.
    assert seen["AWS_ENDPOINT_URL"] == endpoint
    assert seen["IPYTHONDIR"] == env["IPYTHONDIR"]
    assert seen["region"] == run_workshop.REGION
    assert seen["recipes"] > 0

    # Stopped cleanly: the script said so, and nothing listens on the port any more.
    assert rest.rstrip().endswith("personalize-local stopped")
    with socket.socket() as probe:
        probe.settimeout(2)
        assert probe.connect_ex(("127.0.0.1", urlparse(endpoint).port)) != 0


def test_dry_run_needs_lab():
    with pytest.raises(SystemExit):
        run_workshop.main(["--dry-run"])
