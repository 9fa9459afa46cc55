"""`coopmap serve` options: pool size, boundary coordinates, --public with a token.

Nothing here starts a server: the tests check the Voila settings, the environment
the kernels inherit and what is printed, as ``coopmap serve`` would build them.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from coopmap.app.data import AppData
from coopmap.app.state import AppState
from coopmap.cli import build_parser
from coopmap.errors import CoopmapError
from coopmap.server.cli import options
from coopmap.server.config import DEFAULT_IDLE_TIMEOUT, ServeConfig
from coopmap.server.launch import check_sources
from coopmap.server.voila import page_texts


def _config(*argv: str) -> ServeConfig:
    args = build_parser().parse_args(["serve", *argv])
    opts = options(args)
    opts.pop("open_browser")
    return ServeConfig.build(open_browser=False, **opts)


def _setting(argv: list[str], name: str) -> str | None:
    values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    return values[-1] if values else None


def test_default_listens_on_localhost_with_two_preheated_kernels_and_no_token():
    config = _config("--port", "9001")
    argv = config.argv()
    assert _setting(argv, "Voila.ip") == "127.0.0.1"
    assert _setting(argv, "Voila.port") == "9001"
    assert _setting(argv, "VoilaConfiguration.default_pool_size") == "2"
    assert _setting(argv, "VoilaConfiguration.preheat_kernel") == "True"
    assert _setting(argv, "Voila.token") is None
    assert config.urls() == ["http://127.0.0.1:9001/"]
    assert config.warnings() == []


def test_pool_size_reaches_voila_and_zero_turns_preheating_off():
    argv = _config("--pool-size", "3").argv()
    assert _setting(argv, "VoilaConfiguration.default_pool_size") == "3"
    argv = _config("--pool-size", "0").argv()
    assert _setting(argv, "VoilaConfiguration.preheat_kernel") == "False"


@pytest.mark.parametrize("size", ["-1", "17"])
def test_pool_size_out_of_range_is_refused(size):
    with pytest.raises(CoopmapError, match="--pool-size"):
        _config("--pool-size", size)


def test_public_binds_every_interface_and_requires_a_generated_token():
    config = _config("--public", "--port", "9002")
    argv = config.argv()
    assert _setting(argv, "Voila.ip") == "0.0.0.0"
    token = _setting(argv, "Voila.token")
    assert token and len(token) >= 32
    # Every start makes a new one.
    assert _setting(_config("--public").argv(), "Voila.token") != token
    urls = config.urls()
    assert urls[0] == f"http://127.0.0.1:9002/?token={token}"
    assert urls[1] == f"http://{socket.gethostname()}:9002/?token={token}"
    assert any(f"?token={token}" in line for line in config.banner())
    assert config.warnings() == []


def test_public_without_token_must_be_asked_for_and_warns():
    config = _config("--public", "--no-token")
    assert _setting(config.argv(), "Voila.ip") == "0.0.0.0"
    assert _setting(config.argv(), "Voila.token") is None
    assert "token" not in config.urls()[0]
    assert len(config.warnings()) == 1 and "no token" in config.warnings()[0]


def test_no_token_without_public_is_an_error():
    args = build_parser().parse_args(["serve", "--no-token"])
    with pytest.raises(CoopmapError, match="--public"):
        options(args)


def test_crs_is_passed_to_the_kernels_with_the_boundaries(tmp_path):
    geo = tmp_path / "towns.geojson"
    config = _config("--boundaries", str(geo), "--crs", "gcj02")
    env = config.environment()
    assert env["COOPMAP_BOUNDARIES"] == str(geo.resolve())
    assert env["COOPMAP_BOUNDARIES_CRS"] == "gcj02"
    # Without --crs the kernels get no coordinate option (the file's own CRS, else WGS84).
    assert "COOPMAP_BOUNDARIES_CRS" not in _config("--boundaries", str(geo)).environment()


def test_crs_needs_boundaries_and_a_known_name(capsys):
    with pytest.raises(CoopmapError, match="--boundaries"):
        _config("--crs", "bd09")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--crs", "mercator"])
    assert "invalid choice" in capsys.readouterr().err


def test_crs_is_applied_when_the_boundary_file_is_checked(monkeypatch, tmp_path):
    seen = {}

    def fake_load(path, crs=None):
        seen["crs"] = crs

    import coopmap.geo.official

    monkeypatch.setattr(coopmap.geo.official, "load_townships", fake_load)
    geo = tmp_path / "towns.geojson"
    geo.write_text("{}", encoding="utf-8")
    check_sources(None, geo, "bd09")
    assert seen["crs"] == "bd09"


def test_the_token_in_the_link_is_not_reported_as_an_unknown_parameter():
    state = AppState(AppData.load())
    state.apply_query("township=530523103&token=abc")
    assert state.notices == ()
    state.apply_query("township=530523103&color=red")
    assert len(state.notices) == 1


def test_kernels_use_unix_sockets_so_no_other_server_can_take_their_ports(tmp_path):
    """Two Jupyter servers starting kernels at once raced for TCP ports (a kernel died
    with "Address already in use" and the pool handed it to a visitor). With the IPC
    transport ``coopmap serve`` sets, a kernel started by that configuration opens no
    TCP port and still answers."""
    import jupyter_client
    from traitlets.config.loader import KVArgParseConfigLoader

    argv = _config().argv()
    config = KVArgParseConfigLoader([a for a in argv if a.startswith("--KernelManager.")]).load_config()
    manager = jupyter_client.KernelManager(config=config, connection_file=str(tmp_path / "kernel.json"))
    manager.start_kernel()
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        info = manager.get_connection_info()
        assert info["transport"] == "ipc"
        assert all(Path(f"{info['ip']}-{info[name]}").exists() for name in ("shell_port", "iopub_port", "control_port"))
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)


def test_kernels_of_pages_gone_without_closing_are_culled_but_never_a_connected_page():
    """Jupyter's culler shuts down kernels that have been idle and unconnected for the
    timeout (a page that went without its shutdown request: crashed browser, laptop
    asleep); connected pages and running cells are left alone."""
    argv = _config().argv()
    assert _setting(argv, "MappingKernelManager.cull_idle_timeout") == str(DEFAULT_IDLE_TIMEOUT) == "600"
    assert _setting(argv, "MappingKernelManager.cull_interval") == "60"
    assert _setting(argv, "MappingKernelManager.cull_connected") == "False"
    assert _setting(argv, "MappingKernelManager.cull_busy") == "False"
    argv = _config("--idle-timeout", "90").argv()
    assert _setting(argv, "MappingKernelManager.cull_idle_timeout") == "90"
    assert _setting(argv, "MappingKernelManager.cull_interval") == "18"
    assert _setting(_config("--idle-timeout", "0").argv(), "MappingKernelManager.cull_idle_timeout") == "0"


@pytest.mark.parametrize("seconds", ["-1", "30"])
def test_idle_timeout_out_of_range_is_refused(seconds):
    with pytest.raises(CoopmapError, match="--idle-timeout"):
        _config("--idle-timeout", seconds)


def test_the_meeting_server_culls_kernels_the_same_way():
    from coopmap.meeting import serve as meeting

    argv = meeting.voila_argv(9003)
    assert argv[-1] == str(meeting.NOTEBOOK)
    assert _setting(argv, "MappingKernelManager.cull_idle_timeout") == "600"
    assert _setting(argv, "MappingKernelManager.cull_connected") == "False"


def test_the_page_text_is_in_both_languages():
    texts = page_texts("page.")
    assert set(texts) == {"zh", "en"}
    assert texts["zh"].keys() == texts["en"].keys() >= {"page.title", "page.wait", "page.gone", "page.reload"}
    assert texts["zh"]["page.title"] == "龙陵县党组织领办合作社"
    assert "刷新" in texts["zh"]["page.gone"] and "reload" in texts["en"]["page.gone"]
