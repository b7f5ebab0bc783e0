"""In a real browser: JupyterLab opens lesson 01, runs every cell, and the prompt playground scores a prompt.

A person's path through the lesson, in Chromium driven by Playwright: wait for the kernel,
Run All, type a system prompt into the playground, run it with Enter and with the Run button,
and see a scorecard and a learning curve that moves. Screenshots of the playground are saved
under test-output/browser/. Debian's `chromium` is installed by the session fixture when it is
missing (KIT_CHROMIUM=/path/to/chrome picks another browser; KIT_SKIP_BROWSER=1 skips, with a reason).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
import pytest

from kit.testing.lab import Lab, running_lab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "notebooks" / "01_first_prompt.ipynb"
SHOTS = ROOT / "test-output" / "browser"
FONTS = {"fonts-wqy-zenhei": ":lang=zh", "fonts-noto-color-emoji": ":charset=2705"}  # 17 MB: 错别字 and ✅ in pictures
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
WAIT_MS = 60_000  # generous: a cold kernel on a busy 2-core machine

WEAK_PROMPT = "You are a customer service bot."
BETTER_PROMPT = """You are the customer service of a clothing shop.
Ask for the customer's height and weight before recommending a size; ask only what you need.
Customers weigh themselves in 斤: 1 斤 = 0.5 kg.
Acknowledge the customer's feelings first when they are worried or upset.
Use plain words and avoid jargon.
Explain how to order in numbered steps.
Keep replies short."""  # lesson 01's third prompt
CONTROLS = (
    "input:not([type=hidden]), textarea, select, button, [contenteditable=true], "
    "[role=button], [role=slider], [role=combobox], [role=listbox], [role=checkbox], [role=radio], [role=tab]"
)


def say(config: pytest.Config, text: str) -> None:
    """Show a line on the terminal even while pytest captures output (timings, screenshot paths)."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        print(text, flush=True)


# --- Chromium ------------------------------------------------------------------------------------

def find_chromium() -> str | None:
    """A Chromium-family browser on this machine: KIT_CHROMIUM, else chromium on the PATH, else None."""
    if configured := os.environ.get("KIT_CHROMIUM"):
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def apt_install(packages: str) -> tuple[bool, str]:
    """`apt-get install` as root or through password-less sudo: (it worked, what went wrong)."""
    if not shutil.which("apt-get"):
        return False, "this system has no apt-get"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        return False, "installing needs root and there is no sudo"
    script = f"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {packages}"
    try:
        done = subprocess.run([*sudo, "sh", "-c", script], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return False, "apt-get took more than 15 minutes"
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return done.returncode == 0, f"apt-get exited with {done.returncode}:\n{tail}"


def install_chromium(config: pytest.Config) -> str:
    """Install Debian's chromium (and a Chinese font for the screenshots); fail saying what to do."""
    started = time.monotonic()
    worked, problem = apt_install(" ".join(["chromium", *FONTS]))
    if not worked or not (found := find_chromium()):
        pytest.fail(
            f"Chromium is missing and could not be installed ({problem}). Install it yourself (Debian/Ubuntu: "
            "`sudo apt-get install chromium`), point KIT_CHROMIUM at a Chrome or Chromium binary, or skip the "
            "browser tests with KIT_SKIP_BROWSER=1.", pytrace=False,
        )
    say(config, f"\ninstalled {found} in {time.monotonic() - started:.1f} s")
    return found


def ensure_fonts(config: pytest.Config) -> None:
    """Chinese and emoji fonts, or the screenshots show boxes. Best effort: a missing font is no failure."""
    if not shutil.which("fc-list"):
        return
    missing = [package for package, pattern in FONTS.items()
               if not subprocess.run(["fc-list", pattern], capture_output=True, text=True).stdout.strip()]
    if missing and not (result := apt_install(" ".join(missing)))[0]:
        say(config, f"\nscreenshots without {', '.join(missing)} ({result[1].splitlines()[0]})")


@pytest.fixture(scope="session")
def chromium(pytestconfig: pytest.Config) -> str:
    """The browser binary Playwright drives (its own browser download is not assumed to be reachable)."""
    if os.environ.get("KIT_SKIP_BROWSER") == "1":
        pytest.skip("KIT_SKIP_BROWSER=1: the real-browser test of the playground is skipped")
    with open(Path(tempfile.gettempdir()) / "kit-browser-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel workers (pytest -n) take turns: apt-get runs once
        found = find_chromium() or install_chromium(pytestconfig)
        ensure_fonts(pytestconfig)
    return found


# --- The lesson, served by a real JupyterLab --------------------------------------------------------

def clean_copy(notebook: Path, folder: Path) -> Path:
    """Copy a notebook without outputs or saved widget state, so the browser shows only what runs now
    and autosave can never touch the committed file."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    copy = folder / notebook.name
    nbformat.write(nb, copy)
    return copy


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Lab]:
    """JupyterLab serving clean copies of lesson 01 and its Chinese edition; checked to be gone (with its kernels)
    afterwards."""
    folder = tmp_path_factory.mktemp("lesson")
    clean_copy(LESSON, folder)
    (folder / "zh").mkdir()
    clean_copy(ROOT / "notebooks" / "zh" / "01_first_prompt.ipynb", folder / "zh")
    started = time.monotonic()
    with running_lab(folder) as server:
        say(pytestconfig, f"\nJupyterLab ready in {time.monotonic() - started:.1f} s")
        yield server
    assert server.process.poll() is not None, "the JupyterLab server is still running after the test"


# --- Helpers for the page ------------------------------------------------------------------------

def tracked_attempts(lab: Lab) -> int:
    """How many attempts the kernels have logged to the tracker (every playground run adds one)."""
    return sum(len(f.read_text(encoding="utf-8").splitlines()) for f in lab.data_dir.glob("*.jsonl"))


def wait_for_attempts(lab: Lab, expected: int) -> int:
    """Wait until the tracker holds `expected` attempts (or the wait runs out); return the count seen."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while tracked_attempts(lab) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # one more look: an extra run would show up here
    return tracked_attempts(lab)


def run_all_cells(page, expected_cells: int) -> None:  # noqa: ANN001 (playwright Page)
    """Wait for the kernel, Run All, and wait until every code cell has an execution count."""
    from playwright.sync_api import expect

    expect(page.locator(".jp-Notebook")).to_be_visible()
    # The toolbar says idle while the kernel is still connecting; Run All then gets dropped. The status bar is right.
    expect(page.locator(".jp-StatusBar-TextItem", has_text="ipykernel")).to_contain_text("| Idle")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        """n => {
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            const failed = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] .ansi-red-fg, .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]');
            return failed || (prompts.length === n && prompts.every(p => /\\[\\d+\\]:/.test(p.textContent)));
        }""",
        arg=expected_cells, timeout=4 * WAIT_MS,
    )
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
    tracebacks = [text for text in errors if "Traceback" in text or "Error" in text]
    assert not tracebacks, "a lesson cell failed in the browser:\n" + "\n".join(tracebacks)[-3000:]
    expect(page.locator(".jp-StatusBar-TextItem", has_text="ipykernel")).to_contain_text("| Idle")


def unlabelled_controls(playground) -> tuple[int, list[str]]:  # noqa: ANN001 (playwright Locator)
    """How many visible controls the playground has, and those without a label (as short HTML snippets)."""
    missing, visible = [], [control for control in playground.locator(CONTROLS).all() if control.is_visible()]
    for control in visible:
        named = control.evaluate(
            """el => {
                const text = s => (s || '').trim();
                if (text(el.getAttribute('aria-label'))) return true;
                const ids = text(el.getAttribute('aria-labelledby')).split(/\\s+/).filter(Boolean);
                if (ids.some(id => text(document.getElementById(id)?.textContent))) return true;
                if ([...(el.labels || [])].some(l => text(l.textContent))) return true;
                if (el.closest('label') && text(el.closest('label').textContent)) return true;
                if ((el.tagName === 'BUTTON' || el.getAttribute('role') === 'button') && text(el.textContent)) return true;
                // ipywidgets: the description is a .widget-label in the same widget box
                const box = el.closest('.widget-inline-hbox, .widget-inline-vbox, .jupyter-widgets');
                const label = box && box.querySelector(':scope > .widget-label');
                return Boolean(label && text(label.textContent));
            }"""
        )
        if not named:
            missing.append(control.evaluate("el => el.outerHTML.slice(0, 160)"))
    return len(visible), missing


def shoot(page, playground, name: str) -> list[Path]:  # noqa: ANN001 (playwright Page, Locator)
    """Scroll the playground to the top of the notebook, save the window and the playground's visible part."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    playground.evaluate("el => el.scrollIntoView({block: 'start'})")
    page_shot, element_shot = SHOTS / f"{name}-page.png", SHOTS / f"{name}-playground.png"
    page.screenshot(path=page_shot)
    box, window = playground.bounding_box(), page.viewport_size
    top = max(box["y"], 0)
    page.screenshot(path=element_shot, clip={"x": box["x"], "y": top, "width": box["width"],
                                             "height": min(box["y"] + box["height"], window["height"]) - top})
    return [page_shot, element_shot]


# --- Tests ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    """Chromium, headless, driven by Playwright (one browser for the module)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)  # page.set_default_timeout does not reach expect()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_the_playground_scores_a_prompt_in_a_real_browser(browser, lab: Lab, pytestconfig: pytest.Config) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    lesson = nbformat.read(LESSON, as_version=4)
    code_cells = sum(cell.cell_type == "code" for cell in lesson.cells)
    shots: list[Path] = []
    for old in SHOTS.glob("*.png"):
        old.unlink()  # only this run's pictures
    started = time.monotonic()
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(lab.url(f"lab/tree/{LESSON.name}"))
        run_all_cells(page, code_cells)
        ran_all = time.monotonic()
        before_runs = tracked_attempts(lab)

        playground = page.locator(".kit-playground").last
        expect(playground).to_be_visible()
        prompt = playground.locator("textarea.kit-prompt, .kit-prompt textarea").first
        run = playground.locator("button.kit-run, .kit-run button").first
        expect(prompt).to_have_attribute("aria-label", "System prompt")
        expect(run).to_have_text(re.compile(r"\bRun\b"))
        controls, missing = unlabelled_controls(playground)
        assert controls >= 5, f"expected the prompt, customer, model, seeds and Run controls, found {controls}"
        assert not missing, f"playground controls without a label: {missing}"

        cell = page.locator(".jp-CodeCell", has=page.locator(".kit-playground")).last
        count_before = cell.locator(".jp-InputPrompt").inner_text()
        prompt.fill(WEAK_PROMPT)
        prompt.press("Shift+Enter")  # a new line in the prompt, not a run (of the playground or of the cell)
        expect(prompt).to_have_value(WEAK_PROMPT + "\n")
        expect(cell.locator(".jp-InputPrompt")).to_have_text(count_before)
        shots += shoot(page, playground, "before-run")

        curve = playground.locator(".kit-curve img").last
        scorecard = playground.locator(".kit-scorecard").last
        curve_before = curve.get_attribute("src") if curve.count() else None  # earlier cells may have logged
        prompt.press("Enter")  # the keyboard path: Enter in the prompt box runs it
        expect(scorecard).to_contain_text("Total")
        expect(curve).to_be_visible()
        if curve_before:
            expect(curve).not_to_have_attribute("src", curve_before)
        assert wait_for_attempts(lab, before_runs + 1) == before_runs + 1, "Enter should log exactly one run"
        curve_after_enter, card_after_enter = curve.get_attribute("src"), scorecard.inner_text()
        shots += shoot(page, playground, "after-enter")

        prompt.fill(BETTER_PROMPT)
        run.click()  # the mouse path
        expect(curve).not_to_have_attribute("src", curve_after_enter or "")
        expect(scorecard).not_to_have_text(card_after_enter)  # a better prompt, another scorecard
        expect(scorecard).to_contain_text("Total")
        assert wait_for_attempts(lab, before_runs + 2) == before_runs + 2, "Run should log exactly one more run"
        expect(cell.locator(".jp-InputPrompt")).to_have_text(count_before)  # the widget ran, not the cell
        shots += shoot(page, playground, "after-click")
        say(pytestconfig, f"\nrun all {ran_all - started:.1f} s, playground {time.monotonic() - ran_all:.1f} s")
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=SHOTS / "failure-page.png")
            shots.append(SHOTS / "failure-page.png")
        except Exception as error:  # noqa: BLE001 (the test's own failure matters more)
            print(f"no failure screenshot: {error}")
        print(f"server log:\n{lab.log_tail()}")
        raise
    finally:
        page.close()
        say(pytestconfig, "screenshots of the playground:" if shots else "no screenshots")
        for shot in shots:
            say(pytestconfig, f"  {shot.relative_to(ROOT)}")


def test_the_label_check_finds_unlabelled_controls(browser) -> None:  # noqa: ANN001
    page = browser.new_page()
    try:
        page.set_content(
            "<div class='kit-playground'>"
            "<textarea aria-label='System prompt'></textarea><label>Seeds <input type='number'></label>"
            "<div class='widget-inline-hbox'><label class='widget-label'>Customer</label><select></select></div>"
            "<button>Run</button>"
            "<input type='text' id='nameless'><button class='icon-only'></button><select></select>"
            "</div>"
        )
        controls, missing = unlabelled_controls(page.locator(".kit-playground"))
        assert controls == 7
        assert [html[:28] for html in missing] == ['<input type="text" id="namel', '<button class="icon-only"></', "<select></select>"]
    finally:
        page.close()


def test_the_lab_is_stopped_even_when_its_body_fails_and_the_server_hangs(tmp_path: Path) -> None:
    server_process, kernel_processes = None, []
    with pytest.raises(RuntimeError, match="the test body failed"):
        with running_lab(tmp_path, stop_timeout_s=4) as server:
            server_process = psutil.Process(server.process.pid)
            server.api("api/kernels", "POST")
            deadline = time.monotonic() + 30
            while not (kernel_processes := server_process.children(recursive=True)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert kernel_processes, "the server should have started a kernel process"
            server_process.suspend()  # a hung server: the polite shutdown cannot work, killing must
            raise RuntimeError("the test body failed")
    assert server.process.poll() is not None
    assert not server_process.is_running()
    assert not any(kernel.is_running() for kernel in kernel_processes), "a kernel outlived its server"


def test_lesson_01_runs_in_chinese_in_a_real_browser(browser, lab: Lab, pytestconfig: pytest.Config) -> None:  # noqa: ANN001
    """The Chinese edition, run from top to bottom in JupyterLab: the kit speaks Chinese and the prompts climb."""
    from playwright.sync_api import expect

    lesson = ROOT / "notebooks" / "zh" / "01_first_prompt.ipynb"
    code_cells = sum(cell.cell_type == "code" for cell in nbformat.read(lesson, as_version=4).cells)
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(WAIT_MS)
    shots: list[Path] = []
    try:
        page.goto(lab.url("lab/tree/zh/01_first_prompt.ipynb") + "&reset")  # a fresh workspace: only this notebook open
        run_all_cells(page, code_cells)
        expect(page.get_by_text(re.compile(r"第 \d+ 次尝试：21/100"))).to_be_visible()  # the English run logged first
        expect(page.locator(".jp-OutputArea-output", has_text="问题已解决").first).to_be_visible()
        playground = page.locator(".kit-playground").last
        expect(playground).to_be_visible()
        shots += shoot(page, playground, "zh-lesson01")
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "zh-failure-page.png")
        shots.append(SHOTS / "zh-failure-page.png")
        print(f"server log:\n{lab.log_tail()}")
        raise
    finally:
        page.close()
        for shot in shots:
            say(pytestconfig, f"  {shot.relative_to(ROOT)}")
