"""Import layering (STYLE.md §2c): features import downwards only, core imports no feature.

    layer 3   marketplace
    layer 2   disputes      agencies
    layer 1   ledger
    layer 0   core

Every `import` / `from ... import` in the five packages is read with `ast` (imports under
`if TYPE_CHECKING:` and inside functions count too), as are `import_module("...")` calls
with a literal name. Only `core/app.py` may name features: it loads them in create_app().
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package -> the packages it may import (besides itself)
ALLOWED: dict[str, frozenset[str]] = {
    "marketplace": frozenset({"disputes", "agencies", "ledger", "core"}),
    "disputes": frozenset({"ledger", "core"}),
    "agencies": frozenset({"core"}),
    "ledger": frozenset({"core"}),
    "core": frozenset(),
}
PACKAGES = frozenset(ALLOWED)

#: the factory is the one module that knows every feature (it imports them by name)
EXEMPT = frozenset({Path("core/app.py")})


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Reading source files needs no app or database (overrides the conftest fixture)."""
    yield


def imported_packages(tree: ast.AST) -> Iterator[tuple[int, str, str]]:
    """Yield (line, top-level package, statement as written) for every absolute import."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0], f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = ", ".join(a.name for a in node.names)
            yield node.lineno, node.module.split(".")[0], f"from {node.module} import {names}"
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            name = node.args[0].value
            yield node.lineno, name.split(".")[0], f"import_module({name!r})"


def source_files() -> list[Path]:
    files = sorted(p for pkg in sorted(PACKAGES) for p in (ROOT / pkg).rglob("*.py"))
    assert files, "no source files found: is ROOT right?"
    return files


def test_packages_import_only_lower_layers() -> None:
    violations = []
    for path in source_files():
        rel = path.relative_to(ROOT)
        if rel in EXEMPT:
            continue
        owner = rel.parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
        for line, target, statement in imported_packages(tree):
            if target in PACKAGES and target != owner and target not in ALLOWED[owner]:
                violations.append(f"{rel}:{line}: {statement}  ({owner} -> {target})")
    allowed = "; ".join(f"{k} -> {', '.join(sorted(v)) or 'nothing'}" for k, v in ALLOWED.items())
    assert not violations, (
        "imports against the layering of STYLE.md §2c (allowed: "
        + allowed
        + "); write the fact downward or register a hook in core/hooks.py instead:\n"
        + "\n".join(violations)
    )


def test_core_package_init_has_no_code() -> None:
    """Importing `core` must have no side effects: its __init__ holds a docstring at most."""
    init = ROOT / "core" / "__init__.py"
    body = ast.parse(init.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    assert not body, f"core/__init__.py must stay empty; line {body[0].lineno} has code"


def test_the_checker_sees_every_kind_of_import() -> None:
    """Guard the guard: plain, from, nested, TYPE_CHECKING and import_module forms."""
    source = (
        "import ledger.models\n"
        "from disputes.services import open_dispute\n"
        "from . import sibling\n"
        "if TYPE_CHECKING:\n    from agencies.models import Agency\n"
        "def f():\n    import marketplace\n    return importlib.import_module('ledger.jobs')\n"
    )
    found = {(line, pkg) for line, pkg, _ in imported_packages(ast.parse(source))}
    expected = {(1, "ledger"), (2, "disputes"), (5, "agencies"), (7, "marketplace"), (8, "ledger")}
    assert found == expected
