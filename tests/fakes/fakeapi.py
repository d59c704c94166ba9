# SPDX-License-Identifier: AGPL-3.0-or-later
"""fakeapi: the common base of Tend's fake provider APIs (tests only, 127.0.0.1 only).

A fake (fake-graph.py, fake-google.py) subclasses Handler, implements api(), and calls serve():

    import fakeapi

    class Handler(fakeapi.Handler):
        def api(self, method, path, query, body):
            # path: the URL path ("/v1.0/me"); query: dict name -> list of values (parse_qs);
            # body: the request body as bytes (b"" for GET). self.server.state is the object
            # given to serve(); take self.server.lock around anything that changes it.
            return 200, {"value": []}           # or (status, obj_or_bytes, {header: value})

        def control(self, op, request):         # optional: the fake's own /_control ops
            return None                          # None = unknown op (400)

    fakeapi.serve(Handler, state, token=None)

serve() listens on 127.0.0.1, port 0 (the kernel picks one), prints ONE line on stdout,
    {"url": "http://127.0.0.1:PORT", "pid": N}
and serves until stdin reaches end of file (so a test that dies takes its fake with it) or
SIGTERM. Spawn it with a pipe on stdin and keep the pipe open while the test runs.

Every API request must carry "Authorization: Bearer <token>". With token=None any non-empty
token is accepted, except the ones refused by "expire_token". A refused request gets
    401  {"error": {"code": "InvalidAuthenticationToken",
                    "message": "Access token has expired or is not yet valid."}}
(a fake may override unauthorized_body()). Faults apply after the token check.

POST /_control with a JSON object {"op": ..., ...}; answers {"ok": true} or the op's result:
    {"op": "fail", "count": N, "status": 429, "retry_after": "0"}
        the next N API requests get `status`, with a Retry-After header when retry_after is
        given (a string: delta-seconds or an HTTP-date); "body" may give the JSON error body.
        A 429 storm: status 429 + retry_after "0" or "1"; 503 without retry_after.
    {"op": "malformed", "count": 1}
        the next N API requests get 200 with a body that is not JSON.
    {"op": "expire_token"}
        the token of the last accepted request is refused (401) from now on: the client
        must present a DIFFERENT token. {"op": "expire_token", "token": "t"} names it.
    {"op": "reset_stats"}
        zeroes the counters and the log.
GET /_stats answers
    {"requests": N,             API requests (control and stats not counted)
     "by_status": {"200": n},   how many got each status
     "by_path": {"/v1.0/me": n},
     "tokens": n,               distinct bearer tokens seen
     "log": [{"method": "GET", "path": "/v1.0/me", "status": 200}, ...]}  (the last 1000)
Tokens themselves are never logged nor returned.
"""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOG_LIMIT = 1000


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, state, token):
        super().__init__(("127.0.0.1", 0), handler)
        self.state = state
        self.lock = threading.RLock()
        self.token = token
        self.refused = set()
        self.last_token = None
        self.seen_tokens = set()
        self.faults = []  # list of dicts, consumed in order
        self.reset_stats()

    def reset_stats(self):
        self.requests = 0
        self.by_status = {}
        self.by_path = {}
        self.log = []

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (40 ms a request on Linux).
    disable_nagle_algorithm = True
    server_version = "fakeapi/1"

    # --- what a fake implements ---------------------------------------------------------
    def api(self, method, path, query, body):
        return 404, {"error": {"code": "NotFound", "message": "No such resource."}}

    def control(self, op, request):
        return None

    def unauthorized_body(self):
        return {"error": {"code": "InvalidAuthenticationToken",
                          "message": "Access token has expired or is not yet valid."}}

    # --- plumbing ---------------------------------------------------------------------
    def log_message(self, format, *args):
        pass  # keep the test output clean; /_stats has the log

    def base_url(self):
        return self.server.url

    def send(self, status, payload, headers=None):
        if isinstance(payload, (bytes, bytearray)):
            data = bytes(payload)
            ctype = "application/octet-stream"
        else:
            data = json.dumps(payload, separators=(",", ":")).encode()
            ctype = "application/json"
        self.send_response(status)
        sent = {k.lower() for k in (headers or {})}
        if "content-type" not in sent:
            self.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def record(self, path, status):
        srv = self.server
        with srv.lock:
            srv.requests += 1
            key = str(status)
            srv.by_status[key] = srv.by_status.get(key, 0) + 1
            srv.by_path[path] = srv.by_path.get(path, 0) + 1
            srv.log.append({"method": self.command, "path": path, "status": status})
            del srv.log[:-LOG_LIMIT]

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        body = self.read_body()
        if path == "/_control" and self.command == "POST":
            return self.handle_control(body)
        if path == "/_stats" and self.command == "GET":
            return self.handle_stats()

        status, payload, headers = self.check(path, query, body)
        self.record(path, status)
        self.send(status, payload, headers)

    def check(self, path, query, body):
        srv = self.server
        auth = self.headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else ""
        with srv.lock:
            if token:
                srv.seen_tokens.add(token)
            valid = bool(token) and token not in srv.refused and (
                srv.token is None or token == srv.token)
            if not valid:
                return 401, self.unauthorized_body(), {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            srv.last_token = token
            fault = None
            if srv.faults:
                fault = srv.faults[0]
                fault["count"] -= 1
                if fault["count"] <= 0:
                    srv.faults.pop(0)
        if fault is not None:
            if fault["op"] == "malformed":
                return 200, b'{"value": [{"id": "truncated', {"Content-Type": "application/json"}
            headers = {}
            if fault.get("retry_after") is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            default = {"error": {"code": "TooManyRequests" if fault["status"] == 429
                                 else "ServiceUnavailable", "message": "Injected fault."}}
            return fault["status"], fault.get("body") or default, headers
        result = self.api(self.command, path, query, body)
        if len(result) == 2:
            return result[0], result[1], {}
        return result

    def handle_control(self, body):
        srv = self.server
        try:
            request = json.loads(body or b"{}")
            op = request["op"]
        except (ValueError, KeyError, TypeError):
            return self.send(400, {"error": "expected a JSON object with an op"})
        with srv.lock:
            if op == "fail":
                srv.faults.append({"op": "fail", "count": int(request.get("count", 1)),
                                   "status": int(request.get("status", 429)),
                                   "retry_after": request.get("retry_after"),
                                   "body": request.get("body")})
                result = {"ok": True}
            elif op == "malformed":
                srv.faults.append({"op": "malformed", "count": int(request.get("count", 1))})
                result = {"ok": True}
            elif op == "expire_token":
                token = request.get("token") or srv.last_token
                if token:
                    srv.refused.add(token)
                result = {"ok": token is not None}
            elif op == "reset_stats":
                srv.reset_stats()
                result = {"ok": True}
            else:
                result = self.control(op, request)
        if result is None:
            return self.send(400, {"error": "unknown op %r" % op})
        self.send(200, result)

    def handle_stats(self):
        srv = self.server
        with srv.lock:
            stats = {"requests": srv.requests, "by_status": dict(srv.by_status),
                     "by_path": dict(srv.by_path), "tokens": len(srv.seen_tokens),
                     "log": list(srv.log)}
        self.send(200, stats)


def _exit_on_stdin_eof():
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except OSError:
        pass
    os._exit(0)


def serve(handler, state=None, token=None):
    """Serves until stdin is closed or SIGTERM; prints the ready line first."""
    server = Server(handler, state, token)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()
    sys.stdout.write(json.dumps({"url": server.url, "pid": os.getpid()}) + "\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    # Alone, fakeapi serves only GET /echo (answers {"ok": true}): enough to test a client.
    class EchoHandler(Handler):
        def api(self, method, path, query, body):
            if path == "/echo":
                return 200, {"ok": True, "query": query}
            return super().api(method, path, query, body)

    serve(EchoHandler)
