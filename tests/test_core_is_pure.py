"""core/ is pure Python: importing any of its modules never imports Streamlit (STYLE §1), so
core runs in benchmarks, notebooks and tests without a server."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, pkgutil, sys
import core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
for name in names:
    importlib.import_module(name)
print(len(names), "streamlit" in sys.modules)
"""


def _probe(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3",
                                                       "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_no_core_module_imports_streamlit():
    count, imported = _probe(PROBE)
    # Every module file, each package by its __init__ (core's own is the import root).
    expected = len(list((ROOT / "core").rglob("*.py"))) - 1
    assert int(count) == expected > 10
    assert imported == "False"


def test_the_probe_sees_streamlit_when_it_is_imported():
    _, imported = _probe("import streamlit\n" + PROBE)
    assert imported == "True"
