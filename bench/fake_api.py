"""A minimal Bot API on 127.0.0.1 for the dispatch benchmark, in its own process (so it does not share
the benchmark's interpreter lock): getMe and sendMessage answer ok; every sendMessage is kept as
(arrival time, chat, text). GET /sent returns them as JSON. `python -m bench.fake_api PORT`."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT = {"id": 4242, "is_bot": True, "first_name": "Cocrea", "username": "cocrea_bench_bot"}
SENT: list[tuple[float, int, str]] = []
LOCK = threading.Lock()
IDS = iter(range(1, 10**9))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
        # delayed ACK add ~40 ms to every call on a kept-alive connection.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        method = self.path.rstrip("/").rsplit("/", 1)[-1]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if method == "sent":
            with LOCK:
                self.reply(json.dumps(SENT).encode())
                SENT.clear()
            return
        params: dict[str, Any] = dict(parse_qsl(raw.decode(), keep_blank_values=True)) if raw else {}
        if self.headers.get("Content-Type", "").startswith("application/json") and raw:
            params = json.loads(raw)
        result: Any = True
        if method == "getMe":
            result = BOT
        elif method == "sendMessage":
            chat = int(params.get("chat_id", 0))
            with LOCK:
                SENT.append((time.time(), chat, str(params.get("text", ""))))
                message_id = next(IDS)
            result = {"message_id": message_id, "date": 1_760_000_000, "from": BOT,
                      "chat": {"id": chat, "type": "private"}, "text": str(params.get("text", ""))}
        self.reply(json.dumps({"ok": True, "result": result}).encode())

    do_GET = do_POST  # noqa: N815

    def reply(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
