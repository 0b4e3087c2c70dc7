"""The shape of the house: no import cycles, no reaching into another package's private modules, no huge modules.

The graph is read from the source (AST), so imports under `if TYPE_CHECKING:` and inside functions
count like any other: a cycle hidden from the interpreter is still a cycle for the reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("bot", "handlers")
#: A module longer than this needs splitting (or a reason written beside this number).
MAX_MODULE_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every project module `name` imports, resolved to the most specific module that exists."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(GRAPH[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or around a loop (TYPE_CHECKING imports included)."""
    assert _cycles() == []


def test_private_modules_stay_private() -> None:
    """A `_private` module is imported only from inside its own package."""
    offenders = []
    for name, targets in GRAPH.items():
        for target in targets:
            parts = target.split(".")
            for depth, part in enumerate(parts):
                if part.startswith("_") and not part.startswith("__"):
                    owner = ".".join(parts[:depth])
                    if not (name == owner or name.startswith(owner + ".")):
                        offenders.append(f"{name} -> {target}")
    assert offenders == []


def test_handlers_do_not_import_each_other() -> None:
    """Each handler module talks to the core and the Slack views, never to another handler."""
    crossing = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name.startswith("handlers.")
        for target in targets
        if target.startswith("handlers")
    ]
    assert crossing == []


def test_only_the_runtime_imports_handlers() -> None:
    """The composition root (`bot.runtime`) registers the listeners; the core never reaches up into them."""
    reaching = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name.startswith("bot.") and not name.startswith("bot.runtime") and name != "bot.cli"
        for target in targets
        if target.startswith("handlers")
    ]
    assert reaching == []


def test_only_slack_views_write_mrkdwn_and_only_text_writes_terminal_text() -> None:
    """The core does not import the Slack kit or the terminal renderers; only views and handlers do."""
    presenters = ("bot.slack", "bot.text", "bot.runtime", "bot.cli", "handlers")
    leaking = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if not name.startswith(presenters)
        for target in targets
        if target.startswith(("bot.slack", "bot.text"))
    ]
    assert leaking == []


def test_packages_name_their_public_surface() -> None:
    """Every package of the core says what it offers in `__all__`."""
    missing = [
        name
        for name, path in MODULES.items()
        if path.name == "__init__.py" and name.count(".") == 1 and "__all__" not in path.read_text()
    ]
    assert missing == []


def test_no_module_is_too_long() -> None:
    """Modules stay readable in one sitting."""
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}
