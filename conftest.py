"""Test-run settings that must also reach notebook kernels (nbval starts them with this environment).

Every test and notebook runs on the offline practice model and writes progress into a
temporary folder, whatever model or .env the developer has configured.
"""

import os
import tempfile

import pytest

os.environ["KIT_MODEL"] = "practice"
os.environ["KIT_CACHE"] = "off"
os.environ["KIT_DATA_DIR"] = tempfile.mkdtemp(prefix="kit-test-data-")
for name in ("KIT_BASE_URL", "KIT_API_KEY", "OPENAI_API_KEY", "KIT_PROVIDER", "DASHSCOPE_API_KEY"):
    os.environ.pop(name, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give each notebook a fresh progress folder before its kernel starts, as `make notebooks` does,
    so its learning curve starts at attempt 1 like the committed outputs."""
    notebook = item.parent
    if type(notebook).__name__ == "IPyNbFile" and not hasattr(notebook, "kit_data_dir"):
        notebook.kit_data_dir = tempfile.mkdtemp(prefix=f"kit-{notebook.path.stem}-")
        os.environ["KIT_DATA_DIR"] = notebook.kit_data_dir
