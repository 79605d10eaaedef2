"""Prometheus metrics through the real binary: the exposition is read back, checked against the
figures computed by hand for tests/data/day.jsonl and against a live feed, and validated with
`promtool check metrics` (Debian's prometheus package)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from feedlib import Ctiboard, binary, counter, new_token
from ovh_server import OvhServer, line_event

HERE = Path(__file__).resolve().parent
DAY = HERE / "data" / "day.jsonl"
SUPPORT = "0033972200000"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def scrape(port, path="/metrics"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
        return r.headers.get("Content-Type"), r.read().decode("utf-8")


def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), v)


def parse(text):
    """{(name, frozenset(labels)): value}; checks every line is a comment or a sample."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert line.startswith("# HELP ") or line.startswith("# TYPE "), line
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample: %r" % line
        labels = frozenset((k, unescape(v)) for k, v in LABEL.findall(m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def value(samples, metric, **labels):
    want = set(labels.items())
    hits = [v for (n, ls), v in samples.items() if n == metric and want <= set(ls)]
    assert len(hits) == 1, "%s%r: %d samples" % (metric, labels, len(hits))
    return hits[0]


def promtool_check(text):
    """Validate with promtool; skip (saying why) only when it is not installed."""
    tool = shutil.which("promtool")
    if not tool:
        pytest.skip("promtool not installed (Debian package prometheus, in make deps): "
                    "exposition not validated")
    r = subprocess.run([tool, "check", "metrics"], input=text, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "" and r.stderr.strip() == "", r.stdout + r.stderr


def listening_addresses(port):
    """Local addresses listening on port, from /proc/net/tcp{,6}."""
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                found.append(addr)
    return found


@pytest.fixture
def procs():
    started = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait()


def start_replay(tmp_path, procs, *extra):
    """The sample day replayed very fast; the program stays up serving its figures."""
    port = free_port()
    snap = tmp_path / "s.json"
    env = dict(os.environ, TZ="Europe/Paris", XDG_CONFIG_HOME="/nonexistent",
               XDG_STATE_HOME="/nonexistent")
    p = subprocess.Popen([binary(), "--replay", str(DAY), "--speed", "1000000", "--headless",
                          "--snapshot", str(snap), "--metrics", str(port), *extra], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    procs.append(p)
    lines = sum(1 for _ in open(DAY))
    deadline = time.monotonic() + 20
    while True:
        try:
            s = json.loads(snap.read_text())
            if counter(s, "events") + counter(s, "duplicates") + \
                    counter(s, "malformed") >= lines - 5 and s["counters"]["events"] > 0:
                break
        except (OSError, ValueError):
            pass
        assert p.poll() is None, p.stderr.read()
        assert time.monotonic() < deadline, "replay did not finish"
        time.sleep(0.05)
    time.sleep(0.3)  # the last events of the file
    return p, port


def test_the_sample_day_reads_back_with_the_figures_computed_by_hand(tmp_path, procs):
    p, port = start_replay(tmp_path, procs)
    ctype, text = scrape(port)
    assert ctype == "text/plain; version=0.0.4; charset=utf-8"
    m = parse(text)
    q = {"queue": SUPPORT}
    assert value(m, "ctiboard_queue_calls_today", outcome="offered", **q) == 6
    assert value(m, "ctiboard_queue_calls_today", outcome="answered", **q) == 2
    assert value(m, "ctiboard_queue_calls_today", outcome="abandoned", **q) == 1
    assert value(m, "ctiboard_queue_calls_today", outcome="short_abandoned", **q) == 1
    assert value(m, "ctiboard_queue_calls_today", outcome="timed_out", **q) == 1
    assert value(m, "ctiboard_queue_service_level_ratio", **q) == pytest.approx(1 / 3, abs=1e-3)
    assert value(m, "ctiboard_queue_average_wait_seconds", **q) == 25
    assert value(m, "ctiboard_queue_average_talk_seconds", **q) == 210
    names = {dict(ls).get("name") for (n, ls) in m if n == "ctiboard_queue_callers_waiting"}
    assert "Support" in names
    # every kind applied is counted; the sum is the snapshot's events counter
    snap = json.loads((tmp_path / "s.json").read_text())
    kinds = [v for (n, ls), v in m.items() if n == "ctiboard_events_total"]
    assert sum(kinds) == snap["counters"]["events"]
    assert value(m, "ctiboard_events_total", kind="start_ringing") > 0
    assert sum(v for (n, ls), v in m.items() if n == "ctiboard_lines") == len(snap["lines"])
    assert value(m, "ctiboard_build_info") == 1
    # the alert engine's one list, counted by level as the snapshot shows it
    for level in ("warning", "critical"):
        assert value(m, "ctiboard_alerts", level=level) == sum(
            1 for a in snap["alerts"] if a["level"] == level)
    # a replay measures no feed latency: the histogram is empty but present
    assert value(m, "ctiboard_feed_latency_seconds_count") == 0
    promtool_check(text)


def test_only_get_metrics_is_served_and_only_on_loopback_by_default(tmp_path, procs):
    p, port = start_replay(tmp_path, procs)
    assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, nothing else
    for path, code in (("/", 404), ("/metrics/x", 404)):
        with pytest.raises(urllib.error.HTTPError) as e:
            scrape(port, path)
        assert e.value.code == code
    req = urllib.request.Request("http://127.0.0.1:%d/metrics" % port, data=b"x",
                                 method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 405


def test_a_port_in_use_or_a_bad_address_is_a_clear_error(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        r = subprocess.run([binary(), "--demo", "--headless", "--demo-duration", "5",
                            "--metrics", "127.0.0.1:%d" % port], capture_output=True,
                           text=True, timeout=30)
    finally:
        s.close()
    assert r.returncode == 1 and "--metrics" in r.stderr and "cannot listen" in r.stderr
    r = subprocess.run([binary(), "--demo", "--metrics", "localhost:99999"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--metrics" in r.stderr


@pytest.fixture
def server():
    srv = OvhServer(hold=0.3).start()
    yield srv
    srv.stop()


def queue_event(kind, token, ts_ns, description):
    return {"Event": kind, "Token": token, "Service": "queues", "Ressource": SUPPORT,
            "Timestamp": ts_ns, "Date": "2025-11-26T11:00:00.000000 (CET)",
            "Data": {"Action": kind, "Calling": "0611223344", "Queue": SUPPORT,
                     "QueueMemberUUID": "m1", "QueueMemberCIDNumber": "0611223344",
                     "QueueMemberCIDName": "x", "Count": "1", "Ts": str(ts_ns // 10**9)},
            "Details": {"Description": description, "Id": "4001", "IdBillingAccount": "77",
                        "SimultaneousLine": "0", "Type": "easyHunting"}}


def test_a_live_feed_shows_its_state_latency_and_escaped_names(tmp_path, server):
    token = new_token()
    server.add_token(token)
    port = free_port()
    run = Ctiboard(tmp_path, server.url, [token], args=["--metrics", "127.0.0.1:%d" % port])
    run.start()
    try:
        hostile = 'Sup"port \\ desk'
        now = time.time_ns()
        # stamped 2 s before they are sent: that is the latency the feed shows
        events = [line_event("start_ringing", "0033972101010", "c%d" % i, "0033612345678",
                             token, now - 2 * 10**9 + i) for i in range(5)]
        events.append(queue_event("member-queue-start", token, now - 2 * 10**9, hostile))
        server.add_events(token, events)
        snap = run.wait(lambda s: counter(s, "events") == 6, "events applied")
        # 2 s, plus however long a loaded machine (or a sanitizer) takes to deliver them;
        # the figures are bucket edges 25 % apart
        assert 1500 <= snap["feed_latency"]["median_ms"] <= 6000
        assert 1500 <= snap["feed_latency"]["p95_ms"] <= 6000
        _, text = scrape(port)
        m = parse(text)
        feed = "..." + token[-4:]
        assert value(m, "ctiboard_feed_up", feed=feed) == 1
        assert value(m, "ctiboard_feed_latency_seconds_count") == 6
        assert value(m, "ctiboard_feed_latency_seconds_bucket", le="1") == 0
        assert value(m, "ctiboard_feed_latency_seconds_bucket", le="1") == 0
        assert value(m, "ctiboard_feed_latency_seconds_bucket", le="5") == 6
        assert value(m, "ctiboard_feed_latency_seconds_bucket", le="+Inf") == 6
        assert 10 <= value(m, "ctiboard_feed_latency_seconds_sum") <= 30
        assert value(m, "ctiboard_events_total", kind="start_ringing") == 5
        assert value(m, "ctiboard_queue_callers_waiting", queue=SUPPORT, name=hostile) == 1
        assert 'name="Sup\\"port \\\\ desk"' in text
        assert value(m, "ctiboard_line_calls", line="0033972101010", state="ringing") == 5
        assert value(m, "ctiboard_lines", state="ringing") == 1
        assert token[:13] not in text and token[-12:-4] not in text
        promtool_check(text)
        assert run.stop() == 0
    finally:
        run.kill()


def test_the_docs_scrape_config_is_valid_and_the_dashboard_asks_only_for_exported_metrics(
        tmp_path, procs):
    root = HERE.parent
    p, port = start_replay(tmp_path, procs)
    _, text = scrape(port)
    exported = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            exported |= {name + x for x in ("_bucket", "_sum", "_count")} \
                if kind == "histogram" else {name}
    dash = json.loads((root / "docs" / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dash["panels"] for t in panel["targets"]]
    assert exprs
    for e in exprs:
        for name in re.findall(r"\b(ctiboard_[a-z_]+)", e):
            assert name in exported, "%s (in %r) is not exported" % (name, e)
    assert "ctiboard_queue_callers_waiting" in " ".join(exprs)
    tool = shutil.which("promtool")
    if not tool:
        pytest.skip("promtool not installed (Debian package prometheus, in make deps): "
                    "docs/prometheus.yml not validated")
    r = subprocess.run([tool, "check", "config", str(root / "docs" / "prometheus.yml")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_demo_agents_are_counted_as_the_wallboard_counts_them(tmp_path, procs):
    """The demo's simulated agents have live statuses: the metrics count those (as the wallboard
    tiles do, tests/test_api_roster.py), never "unknown"."""
    port = free_port()
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    p = subprocess.Popen([binary(), "--demo", "--seed", "3", "--headless", "--no-journal",
                          "--metrics", str(port)], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    procs.append(p)
    deadline = time.monotonic() + 20
    while True:
        try:
            samples = parse(scrape(port)[1])
            agents = {k: v for k, v in samples.items() if k[0] == "ctiboard_queue_agents"}
            if len({dict(ls)["queue"] for _, ls in agents}) == 3:
                break
        except (OSError, urllib.error.URLError):
            pass
        assert p.poll() is None, p.stderr.read()
        assert time.monotonic() < deadline, "no agents in the metrics"
        time.sleep(0.1)
    assert {dict(ls)["status"] for _, ls in agents} == {"available", "on_call", "on_break",
                                                        "logged_out"}
    by_queue = {}
    for (_, ls), v in agents.items():
        by_queue[dict(ls)["name"]] = by_queue.get(dict(ls)["name"], 0) + v
    # Sales has 3 agents, Support 4, Billing 3 (Lucas answers two queues)
    assert by_queue == {"Sales": 3, "Support": 4, "Billing": 3}
