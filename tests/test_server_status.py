"""The server's status page: kernels with a page, in the pool, without a page; memory; the data served."""

from __future__ import annotations

import asyncio
import os
from types import SimpleNamespace

import pytest

from coopmap import paths
from coopmap.server.status import server_status, status_html


class FakeKernels:
    """What the status reads of Jupyter's kernel manager and Voila's pool."""

    def __init__(self, connections: dict[str, int], pooled: list[str], starting: int) -> None:
        self._kernel_connections = connections
        loop = asyncio.new_event_loop()
        tasks = []
        for kernel_id in pooled:
            done = loop.create_future()
            done.set_result({"kernel_id": kernel_id})
            tasks.append(done)
        tasks += [loop.create_future() for _ in range(starting)]
        self._pools = {"longling.ipynb": tasks}
        loop.close()

    def list_kernel_ids(self) -> list[str]:
        pooled = [t.result()["kernel_id"] for t in getattr(self, "_pools", {}).get("longling.ipynb", []) if t.done()]
        return [*self._kernel_connections, *pooled]

    def get_kernel(self, kernel_id: str) -> SimpleNamespace:
        return SimpleNamespace(provisioner=SimpleNamespace(pid=os.getpid()))


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(tmp_path))
    monkeypatch.delenv("COOPMAP_REGISTRY", raising=False)


def test_kernels_are_told_apart_and_their_memory_counted() -> None:
    kernels = FakeKernels({"a": 1, "b": 2, "c": 0}, pooled=["p1", "p2"], starting=1)
    status = server_status(kernels, pool_size=3, idle_timeout=600)
    assert status["kernels"] == {"total": 5, "with_page": 2, "pool_ready": 2, "pool_starting": 1,
                                 "without_page": 1, "pool_size": 3, "idle_timeout": 600}
    per_kernel = status["memory_mb"]["per_kernel"]
    assert set(per_kernel) == {"a", "b", "c", "p1", "p2"} and all(v > 10 for v in per_kernel.values())
    assert status["memory_mb"]["kernels"] == pytest.approx(sum(per_kernel.values()), abs=0.5)


def test_the_data_a_new_page_shows_is_named() -> None:
    data = server_status(FakeKernels({}, [], 0))["data"]
    assert data["version_id"] == "base" and data["shipped_sample"]
    assert data["registry_file"] == str(paths.SAMPLE_XLSX) and data["boundaries"] == "schematic"


def test_without_voilas_pool_the_pool_is_unknown_not_zero() -> None:
    kernels = FakeKernels({"a": 1}, [], 0)
    del kernels._pools
    status = server_status(kernels)["kernels"]
    assert status["pool_ready"] is None and status["with_page"] == 1


@pytest.mark.parametrize("lang, words", [
    ("zh", ["服务器状态", "正在使用的内核（有页面打开）", "2 / 3（1 个正在启动）", "示例数据", "示意边界", "MB"]),
    ("en", ["Server status", "Kernels in use (a page open)", "2 / 3 (1 starting)", "illustrative data", "schematic"]),
])
def test_the_page_reads_in_the_officials_language(lang: str, words: list[str]) -> None:
    page = status_html(server_status(FakeKernels({"a": 1, "b": 1}, ["p1", "p2"], 1), pool_size=3, idle_timeout=600), lang)
    for word in words:
        assert word in page, word
    assert 'http-equiv="refresh"' in page  # an IT person leaves it open
