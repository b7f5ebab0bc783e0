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


def pytest_configure(config: pytest.Config) -> None:
    """Notebook kernels talk over Unix sockets in a folder of this run's own, not over TCP ports.

    jupyter_client picks a kernel's TCP ports by binding free ones and letting them go; with two pytest workers
    starting kernels at once, another process can take a port before the kernel binds it, and the kernel dies
    before it answers ("Kernel died before replying to kernel_info": seen once in a clean-clone run). Sockets in
    a private folder cannot be taken, nor reached by other users of a shared machine."""
    if os.name != "posix" or not (config.getoption("nbval", False) or config.getoption("nbval_lax", False)):
        return
    import shutil

    import nbval.kernel
    from jupyter_client import KernelManager

    folder = tempfile.mkdtemp(prefix="kit-kernels-")  # mode 0700
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))

    class SocketKernelManager(KernelManager):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(transport="ipc", ip=os.path.join(folder, "kernel"), **kwargs)

    nbval.kernel.KernelManager = SocketKernelManager
