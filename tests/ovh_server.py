"""A small OVH-compatible event server for tests (protocols V1 and V2), with fault modes.

It listens on 127.0.0.1 on a free port and speaks just enough HTTP/1.1 (keep-alive, fixed
length or chunked bodies) to serve `GET /?token=T[&session=S]` like events.voip.ovh.net:

- the token is checked: an unknown token gets 401;
- a poll with no pending event is held up to `hold` seconds, and answered at once when an
  event is scripted meanwhile;
- events are kept per session: a session's cursor only moves when an answer was sent whole,
  so events scripted between two polls reach the next poll; a poll without a (known) session
  opens a new session at the start of the token's stream.

Protocol V2 (undocumented, as community clients use it): `POST /v2/session` -> {"id": ...};
`POST /v2/session/<id>/subscribe/<token>`; `GET /v2/session/<id>/events/poll` -> a bare array
of events with lower-case top-level keys, held like V1. A V2 poll or create request has no
token: its fault mode is the one set for every token (token=None). The V2 cursor is kept per
token across sessions, so a recreated session neither loses nor replays events.

Fault modes (per token, or for every token) replace the normal answer of the next `count`
requests (or of all requests until changed). Faulty answers carry "poison" events on line
POISON_LINE: a client that applies a body it should have rejected shows that line.

Run in a thread of the test process:

    srv = OvhServer(tokens=[TOKEN], hold=0.5)
    srv.start()
    srv.add_events(TOKEN, [...])
    srv.set_mode("status", count=2, status=503, retry_after=1)
    ...
    srv.stop()

Standalone, for manual runs: python3 tests/ovh_server.py TOKEN [--port N] [--hold S].
"""

import json
import select
import socket
import ssl
import struct
import threading
import time
import urllib.parse

POISON_LINE = "0033999999999"

MODES = {
    "normal": "answer like the service",
    "never": "read the request, never answer",
    "headers_stall": "send the headers of a 200, then nothing",
    "reset": "send part of the body, then reset the connection",
    "short": "announce a Content-Length longer than the body, then close",
    "bad_chunk": "chunked body with a malformed chunk",
    "html": "200 with an HTML page",
    "no_events": "200 with an envelope without Events",
    "status": "an HTTP status (401, 403, 429, 500, 502, 503, ...) with a JSON body",
    "nohold": "answer at once, even with nothing to send",
    "drip": "send the body one byte every drip_interval seconds",
    "big_length": "a body of big_size bytes, with Content-Length",
    "big_chunked": "a body of big_size bytes, chunked",
    "session_reset": "forget the client's session: a new one replays the stream",
    "v2_timeout": "V2 poll: answer 'Timeout, please reconnect' and drop the session",
    "v2_gone": "V2 poll: drop the session and answer 404",
}


class Request:
    """What the server saw of one request."""

    def __init__(self, t, conn, method, path, token, session, mode):
        self.t = t  # time.monotonic() at arrival
        self.conn = conn  # id of the TCP connection
        self.method = method
        self.path = path
        self.token = token
        self.session = session
        self.mode = mode
        self.status = None
        self.answered_session = None  # Session of the answer, if one was sent whole
        self.events_sent = 0
        self.done_t = None  # when the answer was sent, or the client went away
        self.client_closed = False  # the client went away before the answer


class OvhServer:
    def __init__(self, tokens=(), hold=0.5, tls=None):
        """tls: (certfile, keyfile) to speak HTTPS."""
        self.tokens = set(tokens)
        self.tls = None
        if tls:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(*tls)
        self.tls_failures = 0  # handshakes the client broke off
        self.hold = hold
        self.cond = threading.Condition()
        self.streams = {}  # token -> list of events scripted for it
        self.sessions = {}  # session id -> [token, cursor]
        self.modes = {}  # token or None (every token) -> [mode, count or None, options]
        self.requests = []
        self.connections = 0
        self.port = None
        self._listener = None
        self._accept_thread = None
        self._socks = set()
        self._stopping = False
        self._next_session = 1
        self._poison = 0
        self.v2_sessions = {}  # V2 session id -> list of subscribed tokens
        self.v2_created = 0
        self.v2_cursor = {}  # token -> events of its stream delivered over V2

    # ---- control -------------------------------------------------------------------------

    def start(self, port=0):
        self._listen(port)
        return self

    @property
    def url(self):
        return "%s://127.0.0.1:%d/" % ("https" if self.tls else "http", self.port)

    def stop(self):
        with self.cond:
            self._stopping = True
            self.cond.notify_all()
        self._close_listener()
        self.drop_connections()

    def refuse(self, on):
        """An outage: close the port and drop every open connection; or listen again on the
        same port."""
        if on:
            self._close_listener()
            self.drop_connections()
        else:
            self._listen(self.port)

    def drop_connections(self):
        with self.cond:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def add_token(self, token):
        with self.cond:
            self.tokens.add(token)

    def remove_token(self, token):
        with self.cond:
            self.tokens.discard(token)

    def add_events(self, token, events):
        with self.cond:
            self.streams.setdefault(token, []).extend(events)
            self.cond.notify_all()

    def set_mode(self, mode, count=None, token=None, **options):
        """Answer the next `count` requests (all if None) of `token` (every token if None)
        in `mode`. Options: status, retry_after, drip_interval, big_size, body."""
        assert mode in MODES, mode
        with self.cond:
            if mode == "normal" and count is None:
                self.modes.pop(token, None)
            else:
                self.modes[token] = [mode, count, options]
            self.cond.notify_all()

    def requests_of(self, token=None):
        with self.cond:
            return [r for r in self.requests if token is None or r.token == token]

    def delivered(self, token):
        """Events of the stream sent whole, in order, across sessions (duplicates included)."""
        with self.cond:
            return sum(r.events_sent for r in self.requests if r.token == token)

    # ---- sockets -------------------------------------------------------------------------

    def _listen(self, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(64)
        self.port = s.getsockname()[1]
        self._listener = s
        self._accept_thread = threading.Thread(target=self._accept_loop, args=(s,), daemon=True)
        self._accept_thread.start()

    def _close_listener(self):
        s, self._listener = self._listener, None
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        if self._accept_thread is not None:
            self._accept_thread.join(2)
            self._accept_thread = None

    def _accept_loop(self, listener):
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            with self.cond:
                if self._stopping:
                    sock.close()
                    return
                self.connections += 1
                cid = self.connections
                self._socks.add(sock)
            threading.Thread(target=self._serve_conn, args=(sock, cid), daemon=True).start()

    def _serve_conn(self, sock, cid):
        if self.tls:
            try:
                raw, sock = sock, self.tls.wrap_socket(sock, server_side=True)
                with self.cond:
                    self._socks.discard(raw)
                    self._socks.add(sock)
            except (OSError, ssl.SSLError):
                with self.cond:
                    self.tls_failures += 1
                    self._socks.discard(sock)
                sock.close()
                return
        f = sock.makefile("rb")
        try:
            while not self._stopping:
                line = f.readline(65536)
                if not line:
                    break
                parts = line.decode("latin-1").split()
                if len(parts) != 3:
                    break
                method, target, _ = parts
                headers = {}
                while True:
                    h = f.readline(65536)
                    if not h or h in (b"\r\n", b"\n"):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length", "0") or 0)
                if n:
                    f.read(n)
                if not self._handle(sock, cid, method, target):
                    break
        except (OSError, ValueError):
            pass
        finally:
            with self.cond:
                self._socks.discard(sock)
            try:
                f.close()
                sock.close()
            except OSError:
                pass

    # ---- answers -------------------------------------------------------------------------

    def _take_mode(self, token, v2_poll):
        """The mode of this request (lock held). The v2_* modes wait for a V2 poll."""
        key = token if token in self.modes else None
        if key not in self.modes:
            return "normal", {}
        entry = self.modes[key]
        mode, count, options = entry
        if mode.startswith("v2_") and not v2_poll:
            return "normal", {}
        if count is not None:
            entry[1] = count - 1
            if entry[1] <= 0:
                del self.modes[key]
        return mode, options

    def _poison_envelope(self, token, pad=0):
        """A well-formed envelope whose events must never be applied."""
        with self.cond:
            self._poison += 1
            n = self._poison
        ev = line_event("start_ringing", POISON_LINE, "poison-%d" % n, "0033600000000", token or "")
        env = {"Session": "poison", "Message": "x" * pad, "Events": [ev]}
        return json.dumps(env).encode()

    def _handle(self, sock, cid, method, target):
        """Answer one request; False closes the connection."""
        url = urllib.parse.urlsplit(target)
        q = urllib.parse.parse_qs(url.query)
        token = q.get("token", [None])[0]
        session = q.get("session", [None])[0]
        parts = url.path.strip("/").split("/")
        v2_poll = False
        if parts[0] == "v2":
            session = parts[2] if len(parts) > 2 else None
            token = parts[4] if len(parts) == 5 and parts[3] == "subscribe" else None
            v2_poll = parts[3:] == ["events", "poll"]
        with self.cond:
            mode, opt = self._take_mode(token, v2_poll)
            req = Request(time.monotonic(), cid, method, url.path, token, session, mode)
            self.requests.append(req)
        try:
            keep = self._answer(sock, req, mode, opt)
        except OSError:
            keep = False
            req.client_closed = True
        if req.done_t is None:
            req.done_t = time.monotonic()
        return keep

    def _send(self, sock, status, body, ctype="application/json", extra=()):
        reason = {200: "OK", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                  429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                  503: "Service Unavailable"}.get(status, "Status")
        head = ["HTTP/1.1 %d %s" % (status, reason), "Content-Type: " + ctype,
                "Content-Length: %d" % len(body)] + list(extra)
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def _wait_closed(self, sock, req):
        """Say nothing until the client goes away (or the server stops)."""
        while not self._stopping:
            r, _, _ = select.select([sock], [], [], 0.05)
            if r:
                try:
                    data = sock.recv(4096, socket.MSG_PEEK)
                except OSError:
                    data = b""
                if not data:
                    break
                time.sleep(0.05)
        req.client_closed = True
        req.done_t = time.monotonic()
        return False

    def _answer(self, sock, req, mode, opt):
        if req.path.startswith("/v2/"):
            return self._answer_v2(sock, req, mode, opt)
        if req.method != "GET" or req.path != "/":
            self._send(sock, 404, b'{"message":"not found"}')
            req.status = 404
            return True
        with self.cond:
            known = req.token in self.tokens
        if not known:
            self._send(sock, 401, b'{"message":"Invalid token"}')
            req.status = 401
            return True

        if mode == "never":
            return self._wait_closed(sock, req)
        if mode == "headers_stall":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000\r\n\r\n")
            return self._wait_closed(sock, req)
        if mode == "status":
            status = opt.get("status", 500)
            extra = []
            if opt.get("retry_after") is not None:
                extra.append("Retry-After: %s" % opt["retry_after"])
            self._send(sock, status, opt.get("body", self._poison_envelope(req.token)), extra=extra)
            req.status = status
            return True
        if mode == "html":
            self._send(sock, 200, b"<html><body><h1>Service temporarily unavailable</h1>"
                       b"</body></html>", ctype="text/html")
            req.status = 200
            return True
        if mode in ("reset", "short"):
            body = self._poison_envelope(req.token)
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % (len(body) + 100) + body)
            req.status = 200
            if mode == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            else:
                sock.shutdown(socket.SHUT_WR)
            return False
        if mode == "bad_chunk":
            body = self._poison_envelope(req.token)
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" +
                         b"%x\r\n" % len(body) + body + b"\r\nzz-not-hex\r\n\r\n")
            req.status = 200
            time.sleep(0.05)
            sock.shutdown(socket.SHUT_WR)
            return False
        if mode == "drip":
            body = self._poison_envelope(req.token)
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body))
            req.status = 200
            interval = opt.get("drip_interval", 1.0)
            for i in range(len(body)):
                sock.sendall(body[i:i + 1])
                r, _, _ = select.select([sock], [], [], interval)
                if self._stopping:
                    return False
                if r and not sock.recv(1, socket.MSG_PEEK):
                    req.client_closed = True
                    req.done_t = time.monotonic()
                    return False
            return True
        if mode in ("big_length", "big_chunked"):
            body = self._poison_envelope(req.token, pad=opt.get("big_size", 10 << 20))
            req.status = 200
            if mode == "big_length":
                self._send(sock, 200, body)
            else:
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n")
                step = 65536
                for i in range(0, len(body), step):
                    part = body[i:i + step]
                    sock.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            return True
        return self._answer_events(sock, req, mode)

    def _answer_events(self, sock, req, mode):
        """The normal answer (and no_events, nohold, session_reset): hold, then send."""
        with self.cond:
            s = self.sessions.get(req.session) if mode != "session_reset" else None
            if s is None or s[0] != req.token:
                sid = "S%04d-%x" % (self._next_session, id(req) & 0xffff)
                self._next_session += 1
                s = self.sessions[sid] = [req.token, 0]
            else:
                sid = req.session
            stream = self.streams.setdefault(req.token, [])
            if mode not in ("nohold", "no_events"):
                deadline = time.monotonic() + self.hold
                while len(stream) <= s[1] and not self._stopping:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self.cond.wait(left)
            events = [] if mode == "no_events" else stream[s[1]:]
            cursor = s[1] + len(events)
        if mode == "no_events":
            env = {"Session": sid, "Message": ""}
        else:
            env = {"Session": sid, "Message": "", "Events": events}
        self._send(sock, 200, json.dumps(env).encode())
        with self.cond:
            if s[1] < cursor:
                s[1] = cursor
            req.status = 200
            req.answered_session = sid
            req.events_sent = len(events)
        return True


    def _answer_v2(self, sock, req, mode, opt):
        """Protocol V2: create, subscribe, poll."""
        parts = req.path.strip("/").split("/")
        if mode == "status":
            status = opt.get("status", 500)
            extra = ["Retry-After: %s" % opt["retry_after"]] if "retry_after" in opt else []
            self._send(sock, status, b'{"message":"error"}', extra=extra)
            req.status = status
            return True
        if req.method == "POST" and parts == ["v2", "session"]:
            with self.cond:
                self.v2_created += 1
                sid = "v2s%d" % self.v2_created
                self.v2_sessions[sid] = []
            self._send(sock, 200, json.dumps({"id": sid}).encode())
            req.status = 200
            return True
        with self.cond:
            subs = self.v2_sessions.get(req.session)
        if subs is None:
            self._send(sock, 404, b'{"message":"session not found"}')
            req.status = 404
            return True
        if req.method == "POST" and len(parts) == 5 and parts[3] == "subscribe":
            with self.cond:
                known = req.token in self.tokens
                if known and req.token not in subs:
                    subs.append(req.token)
            status = 200 if known else 401
            self._send(sock, status, b"{}" if known else b'{"message":"Invalid token"}')
            req.status = status
            return True
        if req.method != "GET" or parts[3:] != ["events", "poll"]:
            self._send(sock, 404, b'{"message":"not found"}')
            req.status = 404
            return True
        if mode in ("v2_timeout", "v2_gone"):
            with self.cond:
                self.v2_sessions.pop(req.session, None)
            if mode == "v2_gone":
                self._send(sock, 404, b'{"message":"session not found"}')
                req.status = 404
            else:
                self._send(sock, 200, b"Timeout, please reconnect", ctype="text/plain")
                req.status = 200
            return True

        def pending():
            return [(t, self.streams.get(t, [])[self.v2_cursor.get(t, 0):]) for t in subs]

        with self.cond:
            deadline = time.monotonic() + self.hold
            while not any(evs for _, evs in pending()) and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            batch = pending()
        events = [{k.lower(): v for k, v in e.items()} for _, evs in batch for e in evs]
        self._send(sock, 200, json.dumps(events).encode())
        with self.cond:
            for t, evs in batch:
                self.v2_cursor[t] = self.v2_cursor.get(t, 0) + len(evs)
            req.status = 200
            req.events_sent = len(events)
        return True


def line_event(kind, line, call_id, calling, token, ts_ns=None):
    """A V1 line event of the shape of protocol.md section 7."""
    ts_ns = ts_ns if ts_ns is not None else time.time_ns()
    return {
        "Event": kind, "Token": token, "Service": "sip", "Ressource": line,
        "Timestamp": ts_ns, "Date": time.strftime("%Y-%m-%dT%H:%M:%S.000000 (UTC)",
                                                  time.gmtime(ts_ns // 10**9)),
        "Data": {"Billing": line, "Body": "SIP/2.0 180 Ringing", "CallId": call_id,
                 "Called": line, "Calling": calling, "Cseq": "102 INVITE", "Dialed": line,
                 "Event": kind, "Protocol": "sip", "RelevantInfo": "",
                 "Ts": "%d.%03d" % (ts_ns // 10**9, ts_ns // 10**6 % 1000), "TsGet": ts_ns},
        "Details": {"Description": "Line " + line[-4:], "Id": line[-4:], "IdBillingAccount": "77",
                    "SimultaneousLine": "2", "Type": "sipCirpack"},
    }


def scripted_calls(token, line, n, first=0):
    """n answered inbound calls on line: start_ringing, start_calling, end_calling each."""
    out = []
    base = time.time_ns()
    for i in range(first, first + n):
        cid = "call-%s-%d" % (line[-4:], i)
        caller = "00336%08d" % (12000000 + i)
        for k, kind in enumerate(("start_ringing", "start_calling", "end_calling")):
            out.append(line_event(kind, line, cid, caller, token, base + i * 1000 + k))
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("token", nargs="+")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--hold", type=float, default=20)
    ap.add_argument("--calls", type=int, default=3, help="scripted calls per token")
    a = ap.parse_args()
    srv = OvhServer(a.token, hold=a.hold).start(a.port)
    for i, t in enumerate(a.token):
        srv.add_events(t, scripted_calls(t, "00339721010%02d" % i, a.calls))
    print("listening on", srv.url, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        srv.stop()
