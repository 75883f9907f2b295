"""The code keeps the shape the re-roof gave it: lint clean, no function too long or too tangled to read.

A function over MAX_LINES lines or over MAX_COMPLEXITY (radon's cyclomatic complexity: D or worse) is
split into named steps, not allowed in here; `python scripts/code_figures.py` prints the figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from radon.complexity import cc_visit

from scripts.code_figures import functions, sources

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 80
MAX_COMPLEXITY = 20  # radon's C; D starts at 21


def test_ruff_finds_nothing_anywhere_in_the_repository():
    found = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                           cwd=ROOT, capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stdout + found.stderr


def test_no_function_in_core_pages_or_app_is_longer_than_the_limit():
    assert [(f"{path.relative_to(ROOT)}:{name}", n) for path in sources() for n, name in functions(path) if n > MAX_LINES] == []


def test_no_function_in_core_pages_or_app_is_rated_d_or_worse_by_radon():
    tangled = [(f"{path.relative_to(ROOT)}:{block.fullname}", block.complexity) for path in sources()
               for block in cc_visit(path.read_text(encoding="utf-8")) if block.complexity > MAX_COMPLEXITY]
    assert tangled == []


def test_the_measures_see_a_long_and_tangled_function(tmp_path):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(MAX_COMPLEXITY + 5))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def tangled(x):\n{branches}    return -1\n", encoding="utf-8")
    (block,) = cc_visit(sample.read_text(encoding="utf-8"))
    assert block.complexity > MAX_COMPLEXITY
    assert functions(sample) == [(2 * (MAX_COMPLEXITY + 5) + 2, "tangled")]
