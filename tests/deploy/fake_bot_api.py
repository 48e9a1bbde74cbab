"""The end-to-end tests' fake Bot API server (tests/bot/telegram/e2e/fake_api.py) as a container's process.

`python -m tests.deploy.fake_bot_api --port 8081` serves the Bot API on every address of the container
(the bots reach it as http://fakeapi:8081/bot on the stack's network) and, for the test on the host
(through a port published on 127.0.0.1), a few read-only routes under /_test/:

    GET /_test/messages?chat=ID   the messages of a chat as Telegram would show them, oldest first
    GET /_test/calls?method=NAME  the parameters of every call of that Bot API method
    GET /_test/webhook            what the last setWebhook set

Standard library only: it runs on a bare python:3.11-slim with the tests folder mounted read-only.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.bot.telegram.e2e.fake_api import FakeBotApi


class ServedFakeBotApi(FakeBotApi):
    def __init__(self, host: str, port: int) -> None:
        super().__init__()
        self.server.server_close()  # the parent's listens on 127.0.0.1 only
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def report(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        with self.changed:
            if path == "/_test/messages":
                return 200, self.sent_to(int(query["chat"][0]))
            if path == "/_test/calls":
                return 200, [p for name, p in self.calls if name == query["method"][0]]
            if path == "/_test/webhook":
                return 200, self.webhook
        return 404, {"error": f"no such route: {path}"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bot_api = super()._handler()
        api = self

        class Handler(bot_api):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                url = urlsplit(self.path)
                if not url.path.startswith("/_test/"):
                    bot_api.do_POST(self)
                    return
                status, result = api.report(url.path, parse_qs(url.query))
                data = json.dumps(result, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    api = ServedFakeBotApi(args.host, args.port)
    print(f"fake Bot API on {args.host}:{args.port}", flush=True)
    api.server.serve_forever()


if __name__ == "__main__":
    main()
