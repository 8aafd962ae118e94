"""Slow clients cannot hold every connection: waitress's limits are set on purpose (and configurable)."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
from waitress import wasyncore

from bridge.app import create_app
from bridge.config import HttpConfig, from_dict
from bridge.server import web_server
from bridge.wiring import build


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """The real web role on waitress, with the shipped limits (a short idle timeout for the test)."""
    services = build(from_dict({"database_url": f"sqlite:///{tmp_path}/p.db"}), platforms=False)
    http = HttpConfig(port=_free_port(), channel_timeout_seconds=2)
    server = web_server(create_app(services=services), http)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.port}", http.port
    wasyncore.close_all(server._map)
    server.task_dispatcher.shutdown()
    thread.join(10)
    services.close()


def _slow_client(port: int) -> socket.socket:
    """A client that starts a request and never finishes its headers."""
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return client


def test_health_answers_while_120_slow_clients_hold_connections(served):
    url, port = served
    slow = [_slow_client(port) for _ in range(120)]
    try:
        response = httpx.get(url + "/healthz", timeout=10)  # a bound on waiting, not a speed check
        assert response.status_code == 200
    finally:
        for client in slow:
            client.close()


def test_a_client_that_stops_sending_is_disconnected(served):
    _, port = served
    client = _slow_client(port)
    client.settimeout(20)  # the server closes it after its 2 s idle timeout (checked every second)
    try:
        while client.recv(1024):  # whatever it says first, the server ends the connection
            pass
    finally:
        client.close()


def test_the_limits_are_configuration():
    config = from_dict({"http": {"connection_limit": 50, "channel_timeout_seconds": 5, "backlog": 64}})
    assert (config.http.connection_limit, config.http.channel_timeout_seconds, config.http.backlog) == (50, 5, 64)
