"""`import kit` stays fast: the heavy libraries load only when a feature needs them."""

import subprocess
import sys

HEAVY = ("pandas", "matplotlib", "openai", "pint", "cn2an", "pypinyin")


def test_import_kit_does_not_load_heavy_libraries() -> None:
    code = f"import sys, kit; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importtime_report_names_no_heavy_library() -> None:
    """The same check through `python -X importtime`, as the issue asks."""
    report = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kit"], capture_output=True, text=True).stderr
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in report.splitlines() if "|" in line}
    assert "kit" in imported
    assert not imported & set(HEAVY)


def test_a_conversation_still_needs_no_pandas_matplotlib_or_openai() -> None:
    code = (
        "import sys, kit; t = kit.converse(kit.Agent('You are a customer service bot.'), 'typo_auntie');"
        f"kit.grade(t); print([m for m in ('pandas', 'matplotlib', 'openai') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
