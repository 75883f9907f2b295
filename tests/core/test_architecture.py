"""The layers hold: no core module imports another in a loop, not even from inside a function (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
# A loop still open, with its reason; remove the entry when it is gone (the test then keeps it gone).
KNOWN_LOOPS: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def core_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(CORE.rglob("*.py"))}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every core module this file imports, at the top or inside a function (a local import hides a loop)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                elif base in modules:
                    found.add(base)
    found.discard(me)
    # A package's submodule importing a sibling loads the package first; that is not a loop back to it.
    return {m for m in found if not me.startswith(m + ".")}


def loops(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_loops_finds_a_two_module_loop_and_ignores_a_chain():
    assert loops({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [{"a", "b"}]
    assert loops({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_core_module_imports_another_in_a_loop_even_from_inside_a_function():
    modules = core_modules()
    graph = {m: imports_of(p, modules) for m, p in modules.items()}

    found = [group for group in loops(graph) if frozenset(group) not in KNOWN_LOOPS]

    assert found == []


def test_every_core_module_imports_on_its_own_in_a_fresh_interpreter():
    # Each module first, with no other core module loaded: an import loop at the top of a module fails here.
    names = sorted(m for m in core_modules() if m != "core.__main__")  # __main__ runs the command line
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'core' or m.startswith('core.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
        "print('imported', len(" + repr(names) + "))\n"
    )

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(names)}"


def test_core_never_imports_streamlit_pages_or_app():
    offenders = []
    for name, path in core_modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [(name, t) for t in targets if t.split(".")[0] in ("streamlit", "pages", "app")]

    assert offenders == []
