"""Test-run settings that must also reach notebook kernels (nbval starts them with this environment).

Every test and notebook runs on the offline practice model and writes progress into a
temporary folder, whatever model or .env the developer has configured.
"""

import os
import tempfile

os.environ["KIT_MODEL"] = "practice"
os.environ["KIT_CACHE"] = "off"
os.environ["KIT_DATA_DIR"] = tempfile.mkdtemp(prefix="kit-test-data-")
for name in ("KIT_BASE_URL", "KIT_API_KEY", "OPENAI_API_KEY", "KIT_PROVIDER", "DASHSCOPE_API_KEY"):
    os.environ.pop(name, None)
