"""The figures the re-roof is judged by, for core/ and pages/ (and app.py): print them, change nothing.

    python scripts/code_figures.py

- the largest modules, by lines;
- the ten longest functions, by lines (decorators and docstring included);
- the functions radon rates D or worse (cyclomatic complexity over 20), when radon is installed
  (`pip install radon`: a measuring tool, not a dependency of the app or the tests);
- blocks of six or more alike lines repeated, when the workplace's `duplicates` command is on PATH.

Import loops are not counted here: tests/core/test_architecture.py fails on any.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("core", "pages")


def sources() -> list[Path]:
    return [*sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")), ROOT / "app.py"]


def functions(path: Path) -> list[tuple[int, str]]:
    """(lines, qualified name) of every function and method in a file."""
    found = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found.append((child.end_lineno - first + 1, f"{prefix}{child.name}"))
                walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")

    walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def radon_d_or_worse(paths: list[Path]) -> list[str] | None:
    try:
        from radon.complexity import cc_rank, cc_visit
    except ImportError:
        return None
    worse = []
    for path in paths:
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if cc_rank(block.complexity) in "DEF":
                worse.append(f"{path.relative_to(ROOT)}:{block.lineno} {block.fullname} "
                             f"{cc_rank(block.complexity)} ({block.complexity})")
    return worse


def repeats() -> list[str] | None:
    if not shutil.which("duplicates"):
        return None
    rows = []
    for folder in FOLDERS:
        out = subprocess.run(["duplicates", "--repo", str(ROOT / folder), "--most", "200"], capture_output=True,
                             text=True, check=False).stdout
        rows += [f"{folder}/{line}" for line in out.splitlines() if line.startswith("D")]
    return rows


def main() -> None:
    paths = sources()
    sizes = sorted(((len(p.read_text(encoding="utf-8").splitlines()), p) for p in paths), reverse=True)
    print("Largest modules:")
    for lines, path in sizes[:5]:
        print(f"  {lines:5} {path.relative_to(ROOT)}")
    longest = sorted(((n, f"{p.relative_to(ROOT)}:{name}") for p in paths for n, name in functions(p)), reverse=True)
    print("Ten longest functions:")
    for lines, name in longest[:10]:
        print(f"  {lines:5} {name}")
    worse = radon_d_or_worse(paths)
    print("Radon D or worse: " + ("radon is not installed" if worse is None else str(len(worse))))
    for line in worse or []:
        print(f"  {line}")
    found = repeats()
    print("Repeated blocks of 6+ lines: " + ("`duplicates` is not on PATH" if found is None else str(len(found))))
    for line in found or []:
        print(f"  {line}")


if __name__ == "__main__":
    sys.exit(main())
