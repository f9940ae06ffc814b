"""A real browser: JupyterLab started as ``make lab`` starts it (kernels wired to a
personalize-local, token auth), driven by headless Debian chromium through selenium far enough
to open 00_Setup.ipynb, run every cell and read its output in the page.

The notebook is a copy in a temporary folder (with the `workshop` helpers and `static`
images beside it, as in the repository), so JupyterLab's autosave never touches the committed
one. A screenshot goes to build/browser/ when the test fails.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import movielens

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_workshop  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "build" / "browser"
NOTEBOOK = "00_Setup.ipynb"

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    message = (
        "chromium and chromium-driver not installed (apt-get install chromium chromium-driver)"
    )
    if movielens.in_ci():
        raise RuntimeError(message)  # CI installs them (.ci/run): their absence is a failure
    pytest.skip(message, allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, deadline: float) -> None:
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab on a free port over a copy of 00_Setup.ipynb; yields its URL with the token."""
    workdir = tmp_path / "notebooks"
    workdir.mkdir()
    shutil.copy(ROOT / NOTEBOOK, workdir / NOTEBOOK)
    # Copies, not symlinks: the server refuses files that resolve outside its root (403 for the
    # notebook's figure), and the kernel imports `workshop` from its working folder.
    for folder in ("static", "workshop"):
        shutil.copytree(
            ROOT / folder, workdir / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    server = run_workshop.start_server(run_workshop.SEED)
    token, port = secrets.token_hex(16), free_port()
    command = [
        *run_workshop.lab_command(workdir),
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        # window.jupyterapp, so the test runs JupyterLab's own commands instead of clicking menus
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    env = run_workshop.lab_environment(server.url, tmp_path / "scratch")
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "jupyter-runtime")
    log = (tmp_path / "jupyterlab.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/api/status?token={token}", time.monotonic() + 120)
        yield f"{base}/lab/tree/{NOTEBOOK}?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        server.stop()


@pytest.fixture
def browser(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    if getattr(request.node, "failed", False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"{request.node.name}.png"))
    driver.quit()


#: JavaScript run in the page: the notebook panel JupyterLab shows, and facts about it.
PANEL = "const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
KERNEL_IDLE = PANEL + (
    "return !!(w && w.sessionContext && w.sessionContext.session"
    " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle');"
)
ALL_RUN = PANEL + (
    "return !!w && w.content.widgets.every("
    "c => c.model.type !== 'code'"
    " || (c.model.executionCount !== null && c.model.executionCount > 0))"
    " && w.sessionContext.session.kernel.status === 'idle';"
)
ERRORS = PANEL + (
    "return w.content.widgets.filter(c => c.model.type === 'code').flatMap("
    "c => c.model.outputs.toJSON()).filter(o => o.output_type === 'error')"
    ".map(o => o.ename + ': ' + o.evalue);"
)


def test_00_setup_runs_in_jupyterlab(lab, browser):
    browser.get(lab)
    # The notebook opens and its kernel (started with make lab's environment) becomes idle.
    WebDriverWait(browser, 120, poll_frequency=0.5).until(lambda d: d.execute_script(KERNEL_IDLE))
    browser.execute_script(PANEL + "window.jupyterapp.commands.execute('notebook:run-all-cells');")
    WebDriverWait(browser, 240, poll_frequency=0.5).until(lambda d: d.execute_script(ALL_RUN))
    assert browser.execute_script(ERRORS) == []
    # What 00 printed is on the page: the Region the kernel was given.
    outputs = browser.find_elements("css selector", ".jp-OutputArea-output")
    text = "\n".join(o.text for o in outputs)
    assert run_workshop.REGION in text, text[:2000]
