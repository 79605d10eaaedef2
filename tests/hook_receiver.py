"""A local HTTP receiver standing in for a CRM or a chat room, for the hooks' tests.

It listens on 127.0.0.1 on a free port and records every request (method, path, decoded query,
headers, body). Behaviour per path prefix: answer a status, or hang (never answer until
stopped), or fail the first N requests and then answer 200.

    rx = HookReceiver().start()
    rx.behave("/down", status=500)
    rx.behave("/slow", hang=True)
    ...
    rx.wait_for(2)
    rx.stop()
"""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Request:
    def __init__(self, method, target, headers, body):
        self.t = time.monotonic()
        self.method = method
        self.target = target
        parts = urllib.parse.urlsplit(target)
        self.path = parts.path
        self.raw_query = parts.query
        self.query = {k: v[0] for k, v in urllib.parse.parse_qs(
            parts.query, keep_blank_values=True).items()}
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class HookReceiver:
    def __init__(self):
        self.requests = []
        self.rules = []  # (prefix, dict)
        self.cond = threading.Condition()
        self.released = threading.Event()
        rx = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                req = Request(self.command, self.path, dict(self.headers), body)
                rule = rx._rule(req.path)
                with rx.cond:
                    rx.requests.append(req)
                    seen = sum(1 for r in rx.requests if r.path.startswith(rule.get("prefix", "")))
                    rx.cond.notify_all()
                if rule.get("hang"):
                    rx.released.wait(60)
                    return
                status = rule.get("status", 200)
                if seen <= rule.get("fail_first", 0):
                    status = 500
                out = b'{"ok":true}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def _rule(self, path):
        for prefix, rule in self.rules:
            if path.startswith(prefix):
                return dict(rule, prefix=prefix)
        return {}

    def behave(self, prefix, **rule):
        """status=N, hang=True, or fail_first=N (500 for the first N, then 200)."""
        self.rules.insert(0, (prefix, rule))

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def of(self, prefix):
        with self.cond:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def wait_for(self, n, prefix="", timeout=15.0):
        """Wait until n requests to prefix arrived; return them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = [r for r in self.requests if r.path.startswith(prefix)]
                if len(got) >= n:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("%d request(s) to %s, expected %d: %r" % (
                        len(got), prefix, n, [r.target for r in self.requests]))
                self.cond.wait(left)
