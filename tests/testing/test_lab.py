"""The README's first command, `make lab`, really starts JupyterLab on the lessons."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wait_for_server(runtime: Path, process: subprocess.Popen, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make lab exited early:\n{process.stdout.read()}")
        for info in runtime.glob("jpserver-*.json"):
            return json.loads(info.read_text())
        time.sleep(0.2)
    raise AssertionError("JupyterLab did not start within a minute")


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "jupyter").exists(), reason="needs the .venv that make creates")
def test_make_lab_serves_the_lessons(tmp_path: Path) -> None:
    token = secrets.token_hex(16)
    env = {**os.environ, **{name: str(tmp_path / name) for name in
           ("JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR")}}
    args = f"--no-browser --ip=127.0.0.1 --port=0 --IdentityProvider.token={token}"
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        info = wait_for_server(tmp_path / "JUPYTER_RUNTIME_DIR", process)
        base = f"http://127.0.0.1:{info['port']}"
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=5) as response:
            names = {item["name"] for item in json.load(response)["content"]}
        assert {"notebooks", "docs", "progress"} & names >= {"notebooks", "docs"}  # the course folder, lessons inside
        with urllib.request.urlopen(f"{base}/api/contents/notebooks?token={token}", timeout=5) as response:
            lessons = {item["name"] for item in json.load(response)["content"]}
        assert {"00_setup.ipynb", "01_first_prompt.ipynb", "09_instructor.ipynb"} <= lessons
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as response:  # opens at lesson 00
            assert response.geturl().split("?")[0].endswith("/lab/tree/notebooks/00_setup.ipynb"), response.geturl()
        overrides = json.loads((ROOT / ".venv/share/jupyter/lab/settings/overrides.json").read_text())
        assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"  # no pop-up
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as response:
            assert "JupyterLab" in response.read().decode()
        request = urllib.request.Request(f"{base}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(request, timeout=5)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
