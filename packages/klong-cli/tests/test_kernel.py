"""The Klong Jupyter kernel, installed into a temporary prefix and driven by
jupyter_client as a notebook front end drives it: execute, errors, interrupt,
completion, help."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ipykernel")
jupyter_client = pytest.importorskip("jupyter_client")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

from klong_cli.kernel import KlongKernel, main  # noqa: E402

TIMEOUT = 120  # seconds: a guard against a hung kernel, never a measurement


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prefix = tmp_path_factory.mktemp("jupyter")
    assert main(["install", "--prefix", str(prefix), "--backend", "numpy"]) == 0
    return prefix / "share" / "jupyter" / "kernels"


@pytest.fixture(scope="module")
def kc(kernels: Path) -> Any:
    km = KernelManager(kernel_name="klong", kernel_spec_manager=KernelSpecManager(
        kernel_dirs=[str(kernels)]))
    km.start_kernel()
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        client.km = km
        yield client
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc: Any, code: str) -> tuple[dict, list[dict]]:
    """Execute ``code`` as a notebook cell: the reply and the iopub messages it caused."""
    seen: list[dict] = []
    reply = kc.execute_interactive(code, output_hook=seen.append, timeout=TIMEOUT)
    return reply["content"], seen


def of(messages: list[dict], kind: str) -> list[dict]:
    return [m["content"] for m in messages if m["msg_type"] == kind]


def test_the_spec_starts_this_python(kernels: Path) -> None:
    spec = json.loads((kernels / "klong" / "kernel.json").read_text())
    assert spec["argv"][1:] == ["-m", "klong_cli.kernel", "-f", "{connection_file}"]
    assert spec["language"] == "klong" and spec["env"] == {"KLONG_BACKEND": "numpy"}


def test_info(kc: Any) -> None:
    kc.kernel_info()
    info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert info["language_info"]["name"] == "klong" and info["implementation"] == "klong"


def test_execute_shows_values_and_output(kc: Any) -> None:
    reply, msgs = run(kc, 'm::[2 3]:^!6; .p("hello"); m')
    assert reply["status"] == "ok"
    assert "".join(s["text"] for s in of(msgs, "stream")) == "hello\n"
    [result] = of(msgs, "execute_result")
    assert result["data"]["text/plain"] == "[[0 1 2]\n [3 4 5]]"
    assert result["data"]["text/html"].count("<tr>") == 2
    reply, msgs = run(kc, "+/,/m")
    assert of(msgs, "execute_result")[0]["data"]["text/plain"] == "15"


def test_an_error_is_shown_as_the_repl_shows_it(kc: Any) -> None:
    reply, msgs = run(kc, "1+:a")
    assert reply["status"] == "error" and reply["ename"] == "KlongError"
    [error] = of(msgs, "error")
    assert error["traceback"] == ["error: +: type error: integer and symbol", "  1+:a", "   ^"]
    assert run(kc, "1+1")[0]["status"] == "ok"  # and the kernel goes on


def test_quit_does_not_end_the_kernel(kc: Any) -> None:
    assert run(kc, "]q")[0]["status"] == "error"
    assert run(kc, "2+2")[0]["status"] == "ok"


def test_interrupt_stops_a_cell_and_keeps_the_variables(kc: Any) -> None:
    run(kc, "kept::42")
    msg_id = kc.execute('.p("running");{1}{x+1}:~0')  # never ends by itself
    while True:  # wait until Klong runs it: its output arrives (execute_input comes earlier)
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            assert msg["content"]["text"] == "running\n"
            break
    kc.km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["traceback"][0] == "error: interrupted"
    assert kc.km.is_alive()
    reply, msgs = run(kc, "kept+1")
    assert reply["status"] == "ok", (reply, msgs)
    assert of(msgs, "execute_result")[0]["data"]["text/plain"] == "43"


def test_an_interrupt_before_the_cell_runs_ends_it_with_a_reply() -> None:
    """Jupyter's interrupt can land after ``execute_input`` went out and before the
    cell's Klong starts; the cell then ends as interrupted (ipykernel would
    swallow a KeyboardInterrupt raised there and never reply)."""
    kernel = KlongKernel()
    kernel.pre_handler_hook()   # what ipykernel does around each request
    try:
        signal.raise_signal(signal.SIGINT)
        reply = asyncio.run(kernel.do_execute("1+1", silent=True))
    finally:
        kernel.post_handler_hook()
    assert (reply["status"], reply["traceback"]) == ("error", ["error: interrupted"])
    kernel.pre_handler_hook()   # the next request starts afresh
    try:
        assert asyncio.run(kernel.do_execute("1+1", silent=True))["status"] == "ok"
    finally:
        kernel.post_handler_hook()


def test_completion_uses_the_repl_completer(kc: Any) -> None:
    run(kc, "square::{x*x}")
    reply = kc.complete("1+squ", 5, reply=True, timeout=TIMEOUT)["content"]
    assert reply["matches"] == ["square"] and reply["cursor_start"] == 2
    reply = kc.complete("]ti", 3, reply=True, timeout=TIMEOUT)["content"]
    assert "]time" in reply["matches"]


def test_help_comes_from_the_help_texts(kc: Any) -> None:
    reply = kc.inspect("[1 2]+3", 6, reply=True, timeout=TIMEOUT)["content"]
    assert reply["found"] and "Plus (dyad)" in reply["data"]["text/plain"]
    reply = kc.inspect("nothing", 3, reply=True, timeout=TIMEOUT)["content"]
    assert not reply["found"]


def test_is_complete(kc: Any) -> None:
    def status(code: str) -> str:
        msg_id = kc.is_complete(code)
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id
        return reply["content"]["status"]

    assert status("{x+") == "incomplete" and status("1+2") == "complete"
