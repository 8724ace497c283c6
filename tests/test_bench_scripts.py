"""The bench scripts still work: the README's figures come from them, and a refactor once broke peers.py unseen.

Running them in full is too slow for the suite (minutes each); loading each
one in a fresh process (under another module name, as ``python bench/X.py``
would not import it as ``X``) catches a renamed or moved library name at once.
The naive peer is a plain top-level script, so it is run on a small page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
LOAD = """
import importlib.util, sys
sys.path.insert(0, {bench!r})
spec = importlib.util.spec_from_file_location("bench_{name}", {path!r})
module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # dataclasses look it up
spec.loader.exec_module(module)
"""


@pytest.mark.parametrize("script", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "naive"))
def test_bench_script_loads(script):
    code = LOAD.format(bench=str(BENCH), name=script, path=str(BENCH / f"{script}.py"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=BENCH.parent)
    assert done.returncode == 0, done.stderr[-2000:]


def test_naive_peer_drops_folios_and_joins_hyphens(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("The anticapi-\ntalist rule\n\n22 A Book\n\nof self-\n\n7\n\ndetermination.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(BENCH / "naive.py"), str(page), str(tmp_path / "out.txt")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    paragraphs = (tmp_path / "out.txt").read_text(encoding="utf-8").split("\n\n")
    assert [p.strip() for p in paragraphs] == ["The anticapitalist rule", "of selfdetermination."]
