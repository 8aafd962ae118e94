"""Run any WSGI app on a local port in a background thread (for tests and the sandbox)."""

from __future__ import annotations

import threading
from typing import Any, Callable

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

WSGIApp = Callable[..., Any]


class QuietHandler(WSGIRequestHandler):
    """No access log line per request: benchmarks send thousands."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class ServedStandin:
    """A WSGI app served by a threaded werkzeug server on a background thread."""

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind the server immediately (port 0 picks a free port) and start serving."""
        self.app = app
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        self.host = host
        self.port: int = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            # A short poll interval keeps stop() quick; the default 0.5s adds up in test suites.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"standin-{self.port}",
            daemon=True,
        )
        self._stopped = False
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Shut the server down, close its socket and join the serving thread."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the serving thread is still alive."""
        return self._thread.is_alive()

    def __enter__(self) -> "ServedStandin":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> ServedStandin:
    """Serve `app` in a background thread; returns a handle with .url, .port and .stop()."""
    return ServedStandin(app, host=host, port=port)
