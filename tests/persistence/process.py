"""personalize-local as a separate process, so a test can kill it with SIGKILL and restart it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import boto3
from botocore.config import Config

REGION = "us-east-1"
SERVICES = {
    "personalize": "personalize",
    "runtime": "personalize-runtime",
    "events": "personalize-events",
    "s3": "s3",
    "iam": "iam",
}


class ServerProcess:
    """``personalize-local serve --data-dir DIR`` on a free loopback port."""

    def __init__(self, data_dir: Path, seed: int = 5, transition_seconds: float = 0.0) -> None:
        self.data_dir = data_dir
        self.args = [
            sys.executable,
            "-m",
            "personalize_local.cli",
            "serve",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--transition-seconds",
            str(transition_seconds),
            "--data-dir",
            str(data_dir),
        ]
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.restored = ""

    def start(self) -> SimpleNamespace:
        """Start, wait for the ready line, and return boto3 clients on the endpoint."""
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self.process.stdout is not None
        seen = []
        for line in self.process.stdout:
            seen.append(line)
            if "restored" in line:
                self.restored = line.strip()
            if "ready at" in line:
                self.url = line.split("ready at", 1)[1].split()[0]
                break
        else:
            raise AssertionError(f"personalize-local did not start: {''.join(seen)}")
        # Keep reading its output, so a full pipe never blocks the server.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return self.clients()

    def clients(self) -> SimpleNamespace:
        session = boto3.Session(region_name=REGION)
        config = Config(retries={"mode": "standard", "max_attempts": 1})
        made = {
            attr: session.client(name, endpoint_url=self.url, config=config)
            for attr, name in SERVICES.items()
        }
        return SimpleNamespace(**made, url=self.url)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
