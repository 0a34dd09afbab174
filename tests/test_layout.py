"""The package's shape: no import cycles between its modules (imports inside functions included), no
module past the size one job takes, and an installed copy that works from any folder."""
import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "summarize"
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The package's modules that ``path`` imports anywhere in its code (TYPE_CHECKING blocks aside:
    they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known}
    return found - {name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return result


def package_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    # A package's __init__ is what "from summarize.x import y" runs first: importing a submodule
    # imports its package, but that is Python's doing, not an edge the code chose.
    return {name: imports_of(path, name, known) for name, path in found.items()}


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_the_packages_modules():
    graph = package_graph()
    assert len(graph) > 30 and "summarize.pipeline" in graph and "summarize.clean" in graph["summarize.pipeline"]
    assert cycles(graph) == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_the_size_of_one_job(name):
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def test_developer_tools_are_not_in_the_product_package():
    assert not {"summarize.bench", "summarize.bench_cache", "summarize.screenshot"} & set(modules())


def test_an_installed_copy_works_from_any_folder(tmp_path):
    target, elsewhere, source = tmp_path / "site", tmp_path / "elsewhere", tmp_path / "source"
    elsewhere.mkdir()
    # A copy of what the package is built from, so the build leaves nothing in the checkout.
    shutil.copytree(ROOT / "summarize", source / "summarize", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                              "--disable-pip-version-check", "--target", str(target), str(source)],
                             capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert install.returncode == 0, install.stderr[-2000:]
    env = {**os.environ, "PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    script = target / "bin" / "summarize"
    assert script.is_file()
    helped = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, cwd=elsewhere, env=env)
    assert helped.returncode == 0 and "digest" in helped.stdout, helped.stderr
    listed = subprocess.run([str(script), "models", "list"], capture_output=True, text=True, timeout=60,
                            cwd=elsewhere, env=env)
    assert listed.returncode == 0 and "opus-mt-ar-en" in listed.stdout, listed.stderr
    # The copy that ran is the installed one, with its catalogue and templates inside it.
    where = subprocess.run([sys.executable, "-c", "import summarize.models as m, summarize.render.html as h; "
                            "print(m.CATALOGUE_PATH.is_file(), h.TEMPLATES.is_dir(), m.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=elsewhere, env=env)
    assert where.stdout.split()[:2] == ["True", "True"] and where.stdout.split()[2].startswith(str(target))
