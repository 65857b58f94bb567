"""docs/backends.md, the page for backend authors, is tested: its Python blocks
run (in order, as one module), its pyproject snippet is valid, it names every
hook, protocol method and BackendInfo field, and its minimal backend runs the
whole conformance suite."""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import tomllib
import types
from pathlib import Path

import pytest

from klong import KlongInterpreter, hookspecs
from klong.backend import Backend, BackendInfo
from klong.conformance.runner import check, load_cases

PAGE = Path(__file__).resolve().parents[3] / "docs" / "backends.md"
TEXT = PAGE.read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", TEXT, flags=re.S | re.M)


@pytest.fixture(scope="module")
def page_module() -> types.ModuleType:
    """The page's Python blocks, executed in order as one module."""
    pytest.importorskip("numpy")
    mod = types.ModuleType("docs_backends_page")
    sys.modules[mod.__name__] = mod
    try:
        for i, code in enumerate(blocks("python")):
            exec(compile(code, f"{PAGE}:python block {i + 1}", "exec"), mod.__dict__)
        yield mod
    finally:
        del sys.modules[mod.__name__]


def test_python_blocks_run(page_module: types.ModuleType) -> None:
    assert len(blocks("python")) >= 4
    assert page_module.k.backend.name == "tiny" and page_module.info.name == "tiny"


def test_pyproject_snippet() -> None:
    (toml,) = blocks("toml")
    eps = tomllib.loads(toml)["project"]["entry-points"]["klong.backends"]
    assert eps == {"tiny": "klong_tiny.plugin"}
    from klong.plugins import GROUP
    assert GROUP == "klong.backends"


def test_every_hook_method_and_field_is_documented() -> None:
    hooks = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("klong_")]
    assert len(hooks) >= 6
    methods = [n for n, _ in inspect.getmembers(Backend, inspect.isfunction) if not n.startswith("_")]
    fields = [f.name for f in dataclasses.fields(BackendInfo)]
    for name in hooks:
        params = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert f"`{name}({params})`" in TEXT, f"hook {name}({params}) is not documented"
    for name in methods:
        assert f"`{name}(" in TEXT, f"Backend.{name} is not documented"
    for name in fields + list(Backend.__annotations__):
        assert f"`{name}`" in TEXT, f"{name} is not documented"


def test_documented_required_methods_are_the_required_ones() -> None:
    required = {n for n, f in inspect.getmembers(Backend, inspect.isfunction)
                if "raise NotImplementedError" in inspect.getsource(f)}
    rows = re.findall(r"^\| `(\w+)\(.*\| (required|default[^|]*) \|$", TEXT, flags=re.M)
    documented = {name for name, how in rows if how == "required"}
    assert documented == required


def test_the_minimal_backend_runs_the_whole_suite(page_module: types.ModuleType) -> None:
    failures = []
    for case in load_cases():
        try:
            check(lambda: KlongInterpreter(backend=page_module.TinyBackend()), case)
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, f"{len(failures)} cases fail on TinyBackend:\n" + "\n".join(failures[:5])
