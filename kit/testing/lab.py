"""A real JupyterLab for tests: 127.0.0.1, a random token, temporary settings, and always stopped.

    with running_lab(folder) as lab:
        page.goto(lab.url("lab/tree/01_first_prompt.ipynb"))

The server runs on the offline practice model with no API keys in its environment, writes
nothing in the home folder, and is stopped on the way out even when the body raised or the
server hangs: first politely (POST /api/shutdown, which also stops its kernels), then by
killing the server, its process group and every process it started. On Linux the server also
gets SIGTERM when the test process itself dies without cleaning up.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

SECRET_VARIABLES = ("KIT_API_KEY", "OPENAI_API_KEY", "DASHSCOPE_API_KEY", "KIT_BASE_URL", "KIT_PROVIDER")
TEMP_FOLDERS = (
    "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR",
    "IPYTHONDIR", "MPLCONFIGDIR", "KIT_DATA_DIR", "KIT_CACHE_DIR",
)
SETTINGS = {  # JupyterLab user settings: no news pop-up over the page, every cell kept in the page
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


@dataclass
class Lab:
    """A running JupyterLab: where it listens, its token, its process and its log file."""

    base: str
    token: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str]

    @property
    def data_dir(self) -> Path:
        """The kit's progress folder for this server's kernels (KIT_DATA_DIR): the tracker writes here."""
        return Path(self.env["KIT_DATA_DIR"])

    def url(self, path: str = "lab") -> str:
        """The address of `path` on this server, logged in with the token."""
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET", timeout_s: float = 10) -> object:
        """Call the server's REST API (e.g. `api("api/kernels", "POST")`) and return the decoded JSON."""
        request = urllib.request.Request(
            f"{self.base}/{path.lstrip('/')}", method=method, data=b"{}" if method != "GET" else None,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed, for error messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def lab_environment(scratch: Path) -> dict[str, str]:
    """The server's environment: practice model, no cache, no API keys, every Jupyter folder under `scratch`."""
    env = {name: value for name, value in os.environ.items() if name not in SECRET_VARIABLES}
    for name in TEMP_FOLDERS:
        folder = scratch / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.update(KIT_MODEL="practice", KIT_CACHE="off", PYTHONUNBUFFERED="1")
    for plugin, values in SETTINGS.items():
        file = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / f"{plugin}.jupyterlab-settings"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values))
    return env


@contextmanager
def running_lab(root_dir: Path, *, start_timeout_s: float = 60, stop_timeout_s: float = 10) -> Iterator[Lab]:
    """Start JupyterLab serving `root_dir` on 127.0.0.1 with a random token; stop it and its kernels on exit."""
    with tempfile.TemporaryDirectory(prefix="kit-lab-") as scratch_name:
        scratch = Path(scratch_name)
        env = lab_environment(scratch)
        token = secrets.token_hex(24)
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", "--port=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        log = scratch / "server.log"
        with log.open("w") as log_file:
            process = subprocess.Popen(command, cwd=root_dir, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True,
                                       preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        lab = Lab(base="", token=token, process=process, log=log, env=env)
        try:
            lab.base = _wait_until_ready(lab, Path(env["JUPYTER_RUNTIME_DIR"]), start_timeout_s)
            yield lab
        finally:
            stop_lab(lab, stop_timeout_s)


def stop_lab(lab: Lab, timeout_s: float = 10) -> None:
    """Stop the server: ask it to shut down, then kill it, its process group and its kernels if it lingers."""
    family = _family(lab.process.pid)
    if lab.base and lab.process.poll() is None:
        try:
            lab.api("api/shutdown", "POST", timeout_s=timeout_s / 4)
            lab.process.wait(timeout=timeout_s)
        except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            pass  # not answering or not stopping: killed below
    family += [child for child in _family(lab.process.pid) if child not in family]
    _kill(lab.process, family, timeout_s)


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if the test process itself is killed before it can clean up."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait_until_ready(lab: Lab, runtime: Path, timeout_s: float) -> str:
    """Wait for the server's runtime file (it names the port) and for /api/status to answer; return the base URL."""
    deadline = time.monotonic() + timeout_s
    info_file = runtime / f"jpserver-{lab.process.pid}.json"
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {lab.process.returncode} before it was ready:\n{lab.log_tail()}")
        if info_file.exists():
            try:
                base = f"http://127.0.0.1:{json.loads(info_file.read_text())['port']}"
                urllib.request.urlopen(f"{base}/api/status?token={lab.token}", timeout=5).close()
                return base
            except (OSError, ValueError, KeyError):
                pass  # file half-written or server not listening yet
        time.sleep(0.1)
    raise RuntimeError(f"JupyterLab was not ready within {timeout_s:.0f} s:\n{lab.log_tail()}")


def _family(pid: int) -> list[psutil.Process]:
    """The process and everything it started (kernels run in their own sessions, so a group kill misses them)."""
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return []


def _kill(process: subprocess.Popen, family: list[psutil.Process], timeout_s: float) -> None:
    """Terminate, then kill, whatever is left of the server's group and family; reap the server."""
    with _suppress_gone():
        os.killpg(process.pid, signal.SIGTERM)
        os.killpg(process.pid, signal.SIGCONT)  # a stopped server cannot act on SIGTERM
    for member in family:
        with _suppress_gone():
            member.terminate()
            member.resume()
    _, alive = psutil.wait_procs(family, timeout=timeout_s / 2)
    with _suppress_gone():
        os.killpg(process.pid, signal.SIGKILL)
    for member in alive:
        with _suppress_gone():
            member.kill()
    psutil.wait_procs(alive, timeout=timeout_s / 2)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _suppress_gone() -> Iterator[None]:
    """Ignore 'no such process': it is already gone, which is what we want."""
    try:
        yield
    except (ProcessLookupError, PermissionError, psutil.NoSuchProcess, psutil.AccessDenied):
        pass
