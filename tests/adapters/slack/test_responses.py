"""response_url posts share kept-alive connections, with Bolt's message shape and WebhookResponse."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.slack.answers import respond_with
from adapters.slack.responses import Responses
from core.results import Reply


class KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps the connection open between requests, as Slack's hooks do

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((self.client_address, self.path, self.headers["Content-Type"], body))
        answer = b'{"ok":true}' if "expired" not in self.path else b"expired_url"
        self.send_response(200 if "expired" not in self.path else 404)
        self.send_header("Content-Type", "application/json" if "expired" not in self.path else "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def hooks():
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_posts_to_response_urls_reuse_one_connection(hooks):
    server, url = hooks
    responses = Responses()
    try:
        for n in range(3):
            respond = responses.respond_to({"response_url": f"{url}/commands/T1/{n}"}, None)
            answer = respond(text=f"answer {n}", blocks=[{"type": "divider"}], response_type="ephemeral",
                             replace_original=False)
            assert (answer.status_code, answer.body) == (200, '{"ok":true}')
    finally:
        responses.close()

    assert len({client for client, *_ in server.seen}) == 1, "one connection, kept alive"
    assert [body for *_, body in server.seen][0] == {
        "text": "answer 0", "blocks": [{"type": "divider"}], "response_type": "ephemeral", "replace_original": False,
    }
    assert all(content_type == "application/json;charset=utf-8" for _, _, content_type, _ in server.seen)


def test_without_a_response_url_bolts_own_respond_is_kept():
    responses = Responses()
    bolt = object()

    assert responses.respond_to({"event": {}}, bolt) is bolt
    assert responses.respond_to({"response_url": ""}, bolt) is bolt
    responses.close()


def test_a_refused_post_is_read_as_slack_says_it(hooks, caplog):
    server, url = hooks
    responses = Responses()
    told_elsewhere = []
    respond = responses.respond_to({"response_url": f"{url}/expired"}, None)

    respond_with(respond, Reply("hello"), elsewhere=told_elsewhere.extend, command="/pin")

    assert told_elsewhere and "hello" in told_elsewhere[0].text, "what the url would not carry goes to the DM"
    responses.close()


def test_an_unreachable_response_url_is_a_network_refusal_not_a_crash():
    responses = Responses(timeout=0.5)
    told_elsewhere = []
    respond = responses.respond_to({"response_url": "http://127.0.0.1:9/nothing-listens"}, None)

    respond_with(respond, Reply("hello"), elsewhere=told_elsewhere.extend, command="/pin")

    assert told_elsewhere, "the answer still reaches the person"
    responses.close()
