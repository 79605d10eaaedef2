"""A local OVH REST API (v1) for the tests: strict about signatures, clocks and access rules.

    api = OvhApiServer()             # one application, one validated consumer key
    api.start()
    env = api.environment()           # OVH_ENDPOINT=http://127.0.0.1:PORT/1.0 and the keys
    api.fail(429, retry_after=1)      # the next answer is a 429
    api.stop()

Every authenticated request is checked as OVH documents it: the four X-Ovh-* headers, the
timestamp against the server's own clock (which runs `skew` seconds away from the machine's, so
a client that does not ask GET /auth/time is refused), the signature recomputed from
"<scheme>://<Host><request-target>" and compared in constant time, the consumer key's state and
its access rules ('*' matches anything). Errors come in OVH's two shapes (legacy errorCode,
current class) or both at once. Every request is logged so tests can count them per minute.
"""

import hashlib
import hmac
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_KEY = "TDPKJdwZwAQPwKX2"
APP_SECRET = "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk"
CONSUMER_KEY = "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY"
BILLING = "ovhtel-12345678-1"
QUEUE_SN = "0033972200000"
PABX_SN = "0033972300000"

READ_RULES = [("GET", "/telephony"), ("GET", "/telephony/*"), ("GET", "/auth/*"),
              ("POST", "/telephony/*/eventToken"), ("DELETE", "/telephony/*/eventToken")]
ALL_RULES = [(m, "/*") for m in ("GET", "POST", "PUT", "DELETE")]

LEGACY_CODES = {400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
                409: "409 Conflict", 429: "429 Too Many Requests",
                500: "500 Internal Server Error", 503: "503 Service Unavailable"}
CLASSES = {400: "Client::BadRequest", 403: "Client::Forbidden", 404: "Client::NotFound",
           409: "Client::Conflict", 429: "Client::TooManyRequests",
           500: "Server::InternalServerError", 503: "Server::ServiceUnavailable"}


# telephony.OvhPabxHuntingAgent's writable fields (reference 6.1)
AGENT_WRITABLE = {"status", "breakStatus", "description", "number", "simultaneousLines",
                  "timeout", "wrapUpTime"}


def signature(secret, ck, method, url, body, ts):
    raw = "+".join([secret, ck, method, url, body, ts])
    return "$1$" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


WHISPER_MODES = ("Whisper to agent only", "Whisper to all participants")


def check_call_body(action, body):
    """eavesdrop: {"number"}; whisper: {"number", "whisperingMode"} (reference 6.2)."""
    try:
        req = json.loads(body)
    except ValueError:
        raise ApiError(400, "INVALID_BODY", "Invalid JSON body")
    want = {"number"} | ({"whisperingMode"} if action == "whisper" else set())
    if not isinstance(req, dict) or set(req) != want:
        raise ApiError(400, "INVALID_BODY", "Invalid body: expected %s" % sorted(want))
    if not re.match(r"^\+?\d+$", str(req["number"])):
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid value for number")
    if action == "whisper" and req["whisperingMode"] not in WHISPER_MODES:
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid value for whisperingMode")


def rule_matches(pattern, path):
    rx = "^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$"
    return re.match(rx, path) is not None


def default_roster():
    """One billing account: lines, an easyHunting queue service and an ovhPabx one."""
    lines = {
        "0033972101010": "Accueil",
        "0033972101011": "Alice",
        "0033972101012": "Bob",
        "0033972101013": "Chloé",
    }
    services = {sn: {"serviceName": sn, "description": d, "featureType": "sip",
                     "serviceType": "line"} for sn, d in lines.items()}
    services[QUEUE_SN] = {"serviceName": QUEUE_SN, "description": "Support",
                          "featureType": "contactCenterSolution", "serviceType": "alias"}
    services[PABX_SN] = {"serviceName": PABX_SN, "description": "Ventes",
                         "featureType": "cloudHunting", "serviceType": "alias"}

    def hunting(queues, agents):
        return {"queues": queues, "agents": agents,
                "customStatus": {3: {"id": 3, "name": "Lunch", "description": "Lunch break",
                                     "color": "#ff0000"},
                                 4: {"id": 4, "name": "Training", "description": None,
                                     "color": None}}}
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    easy = hunting(
        {7: {"queueId": 7, "description": "Support N1", "strategy": "longestIdleAgent",
             "maxMember": 10, "maxWaitTime": 300, "agents": [42, 43]}},
        {42: {"agentId": 42, "number": "0033972101011", "description": "Alice",
              "status": "available", "breakStatus": None, "simultaneousLines": 1,
              "timeout": 20, "wrapUpTime": 0, "type": "internal",
              "live": {"status": "waiting", "lastStatusChange": now, "answeredCalls": 3,
                       "totalCallDuration": 420}},
         43: {"agentId": 43, "number": "0033972101012", "description": "Bob",
              "status": "onBreak", "breakStatus": 3, "simultaneousLines": 1,
              "timeout": 20, "wrapUpTime": 0, "type": "internal",
              "live": {"status": "onBreak", "lastStatusChange": now, "answeredCalls": 1,
                       "totalCallDuration": 95}}})
    pabx = hunting(
        {9: {"queueId": 9, "description": "Ventes", "strategy": "ringAll",
             "maxMember": 5, "maxWaitTime": 120, "agents": [51]}},
        {51: {"agentId": 51, "number": "0033972101013", "description": "Chloé",
              "status": "loggedOut", "breakStatus": None, "simultaneousLines": 1,
              "timeout": 20, "wrapUpTime": 0, "type": "internal",
              "live": {"status": "loggedOut", "lastStatusChange": now, "answeredCalls": 0,
                       "totalCallDuration": 0}}})
    return {BILLING: {
        "billingAccount": BILLING, "description": "Centre d'appels", "status": "enabled",
        "services": services, "lines": list(lines),
        "easyHunting": {QUEUE_SN: {"serviceName": QUEUE_SN, "description": "Support",
                                   "featureType": "contactCenterSolution", "isCCS": True,
                                   "serviceType": "alias", "hunting": easy}},
        "ovhPabx": {PABX_SN: {"serviceName": PABX_SN, "description": "Ventes",
                              "featureType": "cloudHunting", "isCCS": False,
                              "serviceType": "alias", "hunting": pabx}},
        "tokens": {},  # "" for the billing account, a service name for a service
        "stats": {7: {"callsAnswered": 12, "callsLost": 2, "callsTotal": 14,
                      "totalCallDuration": 3600, "totalWaitingDuration": 300},
                  9: {"callsAnswered": 4, "callsLost": 1, "callsTotal": 5,
                      "totalCallDuration": 900, "totalWaitingDuration": 80}},
        "liveCalls": {7: {}, 9: {}},
    }}


class OvhApiServer:
    def __init__(self, skew=3600, drift_window=30, error_style="both", roster=None,
                 app_key=APP_KEY, app_secret=APP_SECRET, consumer_key=CONSUMER_KEY,
                 rules=None):
        self.skew = skew  # the server's clock minus the machine's, seconds
        self.drift_window = drift_window
        self.error_style = error_style  # "legacy", "class" or "both"
        self.apps = {app_key: app_secret}
        self.app_key, self.app_secret = app_key, app_secret
        self.consumers = {}
        if consumer_key:
            self.consumers[consumer_key] = {"state": "validated", "app": app_key,
                                            "rules": list(rules or ALL_RULES)}
        self.consumer_key = consumer_key
        self.accounts = roster if roster is not None else default_roster()
        self.lock = threading.Lock()
        self.faults = []   # [{"status", "retry_after", "path", "delay", "style", "count"}]
        self.log = []      # [{"t", "method", "path", "status", "signed", "headers"}]
        self.credential_requests = []  # bodies of POST /auth/credential
        self.actions = []  # (method, path, body) of every write
        self.server = None
        self.thread = None
        self.next_ck = 0
        self.next_task = 1000

    # ---- life ----
    def start(self, port=0):
        owner = self

        class Handler(_Handler):
            api = owner
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self):
        return "http://127.0.0.1:%d/1.0" % self.server.server_address[1]

    def environment(self, consumer_key=True):
        env = {"OVH_ENDPOINT": self.url, "OVH_APPLICATION_KEY": self.app_key,
               "OVH_APPLICATION_SECRET": self.app_secret}
        if consumer_key and self.consumer_key:
            env["OVH_CONSUMER_KEY"] = self.consumer_key
        return env

    def now(self):
        return int(time.time()) + self.skew

    # ---- controls for the tests ----
    def fail(self, status, count=1, retry_after=None, path=None, delay=0.0, style=None,
             message=None, code="FAULT"):
        """The next count answers (to paths containing path) are errors, or slow (delay)."""
        with self.lock:
            self.faults.append({"status": status, "count": count, "retry_after": retry_after,
                                "path": path, "delay": delay, "style": style,
                                "message": message, "code": code})

    def slow(self, seconds, count=1, path=None):
        self.fail(None, count=count, delay=seconds, path=path)

    def validate(self, ck, state="validated"):
        with self.lock:
            self.consumers[ck]["state"] = state

    def pending_consumer_keys(self):
        with self.lock:
            return [k for k, v in self.consumers.items() if v["state"] == "pendingValidation"]

    def requests(self, path=None):
        with self.lock:
            return [r for r in self.log if path is None or path in r["path"]]

    def max_per_minute(self):
        """Most requests in any 60-second window (of the server's log)."""
        with self.lock:
            times = sorted(r["t"] for r in self.log)
        best, j = 0, 0
        for i, t in enumerate(times):
            while times[j] < t - 60:
                j += 1
            best = max(best, i - j + 1)
        return best

    def set_live_calls(self, queue_id, calls):
        """The live calls of a queue: {id: telephony.OvhPabxHuntingQueueLiveCalls}."""
        with self.lock:
            for acct in self.accounts.values():
                acct["liveCalls"][queue_id] = dict(calls)

    def set_live_status(self, agent_id, status, **fields):
        for acct in self.accounts.values():
            for kind in ("easyHunting", "ovhPabx"):
                for svc in acct[kind].values():
                    agent = svc["hunting"]["agents"].get(agent_id)
                    if agent:
                        with self.lock:
                            agent["live"]["status"] = status
                            agent["live"]["lastStatusChange"] = time.strftime(
                                "%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
                            agent["live"].update(fields)
                        return
        raise KeyError(agent_id)

    # ---- answers ----
    def error_body(self, status, code, message, style=None):
        style = style or self.error_style
        body = {"message": message}
        if style in ("legacy", "both"):
            body["errorCode"] = code
            body["httpCode"] = LEGACY_CODES.get(status, "%d Error" % status)
        if style in ("class", "both"):
            body["class"] = CLASSES.get(status, "Server::Error")
        return body

    def take_fault(self, path):
        with self.lock:
            for f in self.faults:
                if f["count"] > 0 and (f["path"] is None or f["path"] in path):
                    f["count"] -= 1
                    if f["count"] == 0:
                        self.faults.remove(f)
                    return dict(f)
        return None


class ApiError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api = None  # set by OvhApiServer.start

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.serve("GET")

    def do_POST(self):
        self.serve("POST")

    def do_PUT(self):
        self.serve("PUT")

    def do_DELETE(self):
        self.serve("DELETE")

    def send(self, status, body, headers=None):
        data = b"" if body is None and status == 204 else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Ovh-Queryid", "EU.ext-3.test.%d" % len(self.api.log))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def serve(self, method):
        api = self.api
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8") if n else ""
        target = self.path
        path = target.split("?", 1)[0]
        entry = {"t": time.monotonic(), "method": method, "path": target, "status": None,
                 "signed": "X-Ovh-Signature" in self.headers,
                 "content_type": self.headers.get("Content-Type"), "body": body}
        with api.lock:
            api.log.append(entry)
        fault = api.take_fault(target)
        if fault and fault["delay"]:
            time.sleep(fault["delay"])
        try:
            if fault and fault["status"]:
                hdrs = {}
                if fault["retry_after"] is not None:
                    hdrs["Retry-After"] = str(fault["retry_after"])
                msg = fault["message"] or {429: "Too many requests"}.get(
                    fault["status"], "Service is temporarily unavailable")
                raise ApiError(fault["status"], fault["code"], msg, hdrs)
            if not path.startswith("/1.0/"):
                raise ApiError(404, "NOT_FOUND", "Got an invalid (or empty) URL")
            rel = path[len("/1.0"):]
            status, answer = self.route(method, rel, target, body)
        except ApiError as e:
            entry["status"] = e.status
            self.send(e.status, api.error_body(e.status, e.code, e.message,
                                               fault["style"] if fault else None), e.headers)
            return
        entry["status"] = status
        self.send(status, answer)

    # ---- authentication ----
    def check_auth(self, method, rel, target, body):
        api = self.api
        ak = self.headers.get("X-Ovh-Application")
        if ak not in api.apps:
            raise ApiError(403, "INVALID_KEY", "Invalid application key")
        ck = self.headers.get("X-Ovh-Consumer")
        ts = self.headers.get("X-Ovh-Timestamp")
        sig = self.headers.get("X-Ovh-Signature")
        if not ck or not ts or not sig:
            raise ApiError(401, "NOT_AUTHENTICATED", "You must login first")
        if not ts.isdigit() or abs(int(ts) - api.now()) > api.drift_window:
            raise ApiError(400, "QUERY_TIME_OUT", "Query out of time")
        url = "http://%s%s" % (self.headers.get("Host"), target)
        expected = signature(api.apps[ak], ck, method, url, body, ts)
        if not hmac.compare_digest(expected, sig):
            raise ApiError(400, "INVALID_SIGNATURE", "Invalid signature")
        with api.lock:
            cons = api.consumers.get(ck)
        if not cons or cons["app"] != ak:
            raise ApiError(403, "NOT_CREDENTIAL", "This credential does not exist")
        if cons["state"] != "validated":
            raise ApiError(403, "INVALID_CREDENTIAL", "This credential is not valid")
        if not any(m == method and rule_matches(p, rel) for m, p in cons["rules"]):
            raise ApiError(403, "NOT_GRANTED_CALL", "This call has not been granted")
        return cons

    # ---- routes ----
    def route(self, method, rel, target, body):
        api = self.api
        if rel == "/auth/time" and method == "GET":
            return 200, api.now()
        if rel == "/auth/credential" and method == "POST":
            if self.headers.get("X-Ovh-Application") not in api.apps:
                raise ApiError(403, "INVALID_KEY", "Invalid application key")
            req = json.loads(body or "{}")
            rules = [(r["method"], r["path"]) for r in req.get("accessRules", [])]
            if not rules:
                raise ApiError(400, "INVALID_RULES", "accessRules is required")
            with api.lock:
                api.next_ck += 1
                ck = "NewConsumerKey%018d" % api.next_ck
                api.consumers[ck] = {"state": "pendingValidation", "rules": rules,
                                     "app": self.headers.get("X-Ovh-Application")}
                api.credential_requests.append(req)
            return 200, {"validationUrl": "https://eu.api.ovh.com/auth/?credentialToken=tok%d"
                         % api.next_ck, "consumerKey": ck, "state": "pendingValidation"}
        cons = self.check_auth(method, rel, target, body)
        if rel == "/auth/currentCredential" and method == "GET":
            return 200, {"status": cons["state"], "rules": [
                {"method": m, "path": p} for m, p in cons["rules"]], "credentialId": 1,
                "applicationId": 1, "creation": "2025-01-01T00:00:00+01:00",
                "expiration": None, "lastUse": None, "ovhSupport": False, "allowedIPs": None}
        parts = rel.strip("/").split("/")
        if parts[0] != "telephony":
            raise ApiError(404, "NOT_FOUND", "Got an invalid (or empty) URL")
        if len(parts) == 1:
            return 200, sorted(api.accounts)
        acct = api.accounts.get(parts[1])
        if not acct:
            raise ApiError(404, "NOT_FOUND", "This service does not exist")
        rest = parts[2:]
        if not rest:
            return 200, {k: acct[k] for k in ("billingAccount", "description", "status")}
        if rest == ["eventToken"]:
            return self.event_token(method, acct, "", body)
        if rest[0] == "service":
            if len(rest) == 1:
                return 200, sorted(acct["services"])
            svc = acct["services"].get(rest[1])
            if not svc:
                raise ApiError(404, "NOT_FOUND", "This service does not exist")
            if len(rest) == 2:
                return 200, svc
            if rest[2:] == ["eventToken"]:
                return self.event_token(method, acct, rest[1], body)
        if rest[0] == "line":
            if len(rest) == 1:
                return 200, list(acct["lines"])
            if len(rest) == 2 and rest[1] in acct["lines"]:
                svc = acct["services"][rest[1]]
                return 200, {"serviceName": rest[1], "description": svc["description"],
                             "serviceType": "line", "simultaneousLines": 2}
        if rest[0] in ("easyHunting", "ovhPabx"):
            return self.hunting(method, acct, rest[0], rest[1:], body)
        raise ApiError(404, "NOT_FOUND", "Got an invalid (or empty) URL")

    def event_token(self, method, acct, service, body):
        api = self.api
        with api.lock:
            tok = acct["tokens"].get(service)
            if method == "GET":
                if not tok:
                    raise ApiError(404, "NOT_FOUND",
                                   "The requested object (eventToken) does not exist")
                return 200, {"token": tok}
            if method == "POST":
                req = json.loads(body or "{}")
                if req.get("expiration") not in ("5 minutes", "1 hour", "1 day", "30 days",
                                                 "unlimited"):
                    raise ApiError(400, "INVALID_ARGUMENT",
                                   "Invalid value for expiration")
                import uuid
                tok = str(uuid.uuid4()).upper()
                acct["tokens"][service] = tok
                api.actions.append(("POST", service, body))
                return 200, tok
            if method == "DELETE":
                if not tok:
                    raise ApiError(404, "NOT_FOUND",
                                   "The requested object (eventToken) does not exist")
                del acct["tokens"][service]
                api.actions.append(("DELETE", service, body))
                return 200, None
        raise ApiError(404, "NOT_FOUND", "Got an invalid (or empty) URL")

    def hunting(self, method, acct, kind, rest, body):
        api = self.api
        services = acct[kind]
        if not rest:
            return 200, sorted(services)
        svc = services.get(rest[0])
        if not svc:
            raise ApiError(404, "NOT_FOUND", "This service does not exist")
        if len(rest) == 1:
            return 200, {k: v for k, v in svc.items() if k != "hunting"}
        h = svc["hunting"]
        r = rest[2:] if rest[1] == "hunting" else None
        if r is None:
            raise ApiError(404, "NOT_FOUND", "Got an invalid (or empty) URL")
        with api.lock:
            if r == ["queue"]:
                return 200, sorted(h["queues"])
            if r == ["agent"]:
                return 200, sorted(h["agents"])
            if r == ["customStatus"]:
                return 200, sorted(h["customStatus"])
            if len(r) == 2 and r[0] == "customStatus" and int(r[1]) in h["customStatus"]:
                return 200, h["customStatus"][int(r[1])]
            if len(r) >= 2 and r[0] == "queue" and r[1].isdigit() and int(r[1]) in h["queues"]:
                q = h["queues"][int(r[1])]
                qid = q["queueId"]
                if len(r) == 2:
                    return 200, {k: v for k, v in q.items() if k != "agents"}
                if r[2:] == ["liveStatistics"]:
                    st = dict(acct["stats"][qid])
                    st["lastReset"] = time.strftime("%Y-%m-%dT00:00:00+00:00", time.gmtime())
                    return 200, st
                if r[2:] == ["agent"]:
                    return 200, list(q["agents"])
                if r[2:] == ["liveCalls"]:
                    return 200, sorted(acct["liveCalls"][qid])
                if len(r) >= 4 and r[2] == "liveCalls" and r[3].isdigit():
                    call = acct["liveCalls"][qid].get(int(r[3]))
                    if not call:
                        raise ApiError(404, "NOT_FOUND", "This call does not exist")
                    if len(r) == 4 and method == "GET":
                        return 200, call
                    if len(r) == 5 and method == "POST" and r[4] in ("eavesdrop", "whisper",
                                                                      "hangup"):
                        if r[4] == "hangup" and body not in ("", "{}"):
                            raise ApiError(400, "INVALID_BODY", "You provided an input body "
                                           "while none was expected")
                        if r[4] != "hangup":
                            check_call_body(r[4], body)
                        api.actions.append(("POST", "/".join(r), body))
                        api.next_task += 1
                        return 200, {"taskId": api.next_task, "action": r[4],
                                     "serviceType": kind, "status": "todo", "message": None,
                                     "objectCreated": None}
            if len(r) >= 2 and r[0] == "agent" and r[1].isdigit() and int(r[1]) in h["agents"]:
                a = h["agents"][int(r[1])]
                if len(r) == 2 and method == "GET":
                    return 200, {k: v for k, v in a.items() if k != "live"}
                if len(r) == 2 and method == "PUT":
                    change = json.loads(body or "{}")
                    if not isinstance(change, dict) or set(change) - AGENT_WRITABLE:
                        raise ApiError(400, "INVALID_BODY", "Invalid body: read-only or "
                                       "unknown field")
                    if change.get("status", "available") not in (
                            "available", "loggedOut", "onBreak"):
                        raise ApiError(400, "INVALID_ARGUMENT", "Invalid value for status")
                    if "breakStatus" in change and change["breakStatus"] not in \
                            h["customStatus"]:
                        raise ApiError(400, "INVALID_ARGUMENT",
                                       "Invalid value for breakStatus")
                    for k in ("status", "breakStatus"):
                        if k in change:
                            a[k] = change[k]
                    live = {"available": "waiting", "onBreak": "onBreak",
                            "loggedOut": "loggedOut"}.get(change.get("status"))
                    if live:
                        a["live"]["status"] = live
                    api.actions.append(("PUT", "/".join(r), body))
                    return 200, None
                if r[2:] == ["liveStatus"]:
                    return 200, dict(a["live"])
                if r[2:] == ["queue"]:
                    return 200, sorted(q for q, v in h["queues"].items()
                                       if a["agentId"] in v["agents"])
        raise ApiError(404, "NOT_FOUND", "Got an invalid (or empty) URL")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--skew", type=int, default=3600)
    args = ap.parse_args()
    srv = OvhApiServer(skew=args.skew).start(args.port)
    print("OVH_ENDPOINT=%s OVH_APPLICATION_KEY=%s (secret and consumer key: see the source)"
          % (srv.url, APP_KEY))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
