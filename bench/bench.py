#!/usr/bin/env python3
"""make bench: every figure of issue #6 with its target and, where one exists, its peer.

    python3 bench/bench.py --bin ./ctiboard --tools build/bench --work build/bench-data [--only N,..]

Figures (docs/bench.md records a run):
  1 ingest       events/s and instructions/event of parse+apply+journal vs jq -c . and cJSON
  2 start-up     replay of the 1M-event journal (headless, and to the final screen in tmux)
  3 latency      server sends an event -> the cell changes on the tmux screen (p50, p99)
  4 terminal     bytes per 1 s tick with 10 active calls, when nothing changes, full repaint
  5 idle CPU     over BENCH_IDLE_S seconds (default 120) with the feed idle
  6 memory       peak RSS with 5,000 lines, 500 queues and the 1M journal; growth / 1,000 lines
  7 shutdown     SIGTERM during a held poll, p99 over 20 runs
  8 connections  accepts at the server per token across polls
  9 scale        a 100,000-line account against a 10-line one (bench/bench_scale.py)
  10 metrics     the 1M-event replay while /metrics is scraped every 100 ms, against no scrape
  11 report      `ctiboard report` of the 1M-event day: by queue as CSV, by interval with its chart

Timings depend on the machine; instruction counts (callgrind) do not. Every journal is made by
bench/gen_day.py with a fixed seed, so a run can be repeated figure for figure.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))

from ovh_server import OvhServer, line_event  # noqa: E402

TOKEN = "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEF01"
ROWS = []  # (number, figure, measured, target, ok, peer)


def row(num, figure, measured, target="", ok=None, peer=""):
    ROWS.append((num, figure, measured, target, ok, peer))
    mark = "" if ok is None else ("  ok" if ok else "  MISSED")
    print("  [%s] %-46s %-22s %-14s%s %s" % (num, figure, measured, target, mark, peer),
          flush=True)


def note(num, figure, why):
    ROWS.append((num, figure, "not measured", "", None, why))
    print("  [%s] %-46s not measured: %s" % (num, figure, why), flush=True)


# ---- helpers ---------------------------------------------------------------------------------

def journal(work, events, lines=200, queues=20, seed=1):
    """Path of a generated day journal, made once and kept in the work directory."""
    path = os.path.join(work, "day-%d-%dl-%dq-s%d.jsonl" % (events, lines, queues, seed))
    if not os.path.exists(path):
        tmp = path + ".tmp"
        with open(tmp, "w") as fp:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_day.py"), "--events",
                            str(events), "--lines", str(lines), "--queues", str(queues),
                            "--seed", str(seed)], stdout=fp, check=True)
        os.rename(tmp, path)
    return path


def head(path, n, work):
    out = os.path.join(work, os.path.basename(path) + ".head%d" % n)
    if not os.path.exists(out):
        with open(path) as src, open(out, "w") as dst:
            for i, line in enumerate(src):
                if i >= n:
                    break
                dst.write(line)
    return out


def kv(text):
    return dict(re.findall(r"(\w+)=([0-9.]+)", text))


def run_tool(argv):
    return kv(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)


def callgrind_ir(argv, toggle="bench_run"):
    """Instructions executed inside the function `toggle`, counted by callgrind."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out]
        if toggle:
            cmd += ["--collect-atstart=no", "--toggle-collect=" + toggle]
        subprocess.run(cmd + argv, check=True, capture_output=True)
        with open(out) as fp:
            for line in fp:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    raise RuntimeError("no callgrind total")


def env_for(work):
    env = dict(os.environ)
    env.update(HOME=work, XDG_CONFIG_HOME=os.path.join(work, "config"),
               XDG_STATE_HOME=os.path.join(work, "state"), TERM="xterm-256color",
               LANG="C.UTF-8")
    for k in ("CTIBOARD_TOKEN", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(k, None)
    return env


def peak_rss_kib(argv, env=None):
    """Run to completion under GNU time: the program's peak resident set (KiB) and seconds.
    (Not wait4's ru_maxrss: Linux carries the forking Python's high-water mark across exec.)"""
    with tempfile.NamedTemporaryFile("r") as out:
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
        dt = time.monotonic() - t0
        if p.returncode != 0:
            raise RuntimeError("%s exited %d: %s" % (argv[0], p.returncode, p.stderr[-500:]))
        return int(out.read().split()[-1]), dt


def proc_cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as fp:
        f = fp.read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])  # utime + stime (fields 14, 15)


class Tmux:
    """A detached tmux server of our own, one pane running the program."""

    count = 0

    def __init__(self, cmd, cols=200, rows=60):
        Tmux.count += 1  # a server per instance: a killed one may still hold its socket
        self.sock = "ctiboard-bench-%d-%d" % (os.getpid(), Tmux.count)
        self.t("new-session", "-d", "-x", str(cols), "-y", str(rows), cmd)

    def t(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                              capture_output=True, text=True, check=check)

    def screen(self):
        return self.t("capture-pane", "-p", check=False).stdout

    def pid(self):
        return int(self.t("display-message", "-p", "#{pane_pid}").stdout.strip())

    def pipe(self, path):
        self.t("pipe-pane", "-o", "cat >> %s" % shlex.quote(path))

    def wait_for(self, pred, timeout=30.0, step=0.002):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            s = self.screen()
            if pred(s):
                return time.monotonic()
            time.sleep(step)
        return None

    def kill(self):
        self.t("kill-server", check=False)


def feed_cmd(binary, server, token_file, extra=""):
    sets = "--set hold_s=30 --set min_poll_interval_ms=0 --set backoff_base_ms=50"
    return "exec %s --url %s --token-file %s --no-journal %s %s" % (
        shlex.quote(binary), server.url, shlex.quote(token_file), sets, extra)


def token_file(work, tokens):
    path = os.path.join(work, "tokens")
    with open(path, "w") as fp:
        fp.write("".join(t + "\n" for t in tokens))
    os.chmod(path, 0o600)
    return path


def display(number):
    """phone_display of a French 0033 number: '+33 6 12 34 56 78'."""
    d = number[4:]
    return "+33 %s %s %s %s %s" % (d[0], d[1:3], d[3:5], d[5:7], d[7:9])


# ---- the figures -----------------------------------------------------------------------------

def bench_ingest(a, day):
    print("1. ingest over %s" % os.path.basename(day), flush=True)
    full = run_tool([a.tools + "/bench_ingest", "--mode", "full", day])
    nojournal = run_tool([a.tools + "/bench_ingest", "--mode", "nojournal", day])
    parse = run_tool([a.tools + "/bench_ingest", "--mode", "parse", day])
    cjson = run_tool([a.tools + "/bench_cjson", day])
    cjson_arena = run_tool([a.tools + "/bench_cjson", "--arena", day])
    t0 = time.monotonic()
    with open(day, "rb") as src:
        subprocess.run(["jq", "-c", "."], stdin=src, stdout=subprocess.DEVNULL, check=True)
    jq_s = time.monotonic() - t0
    n = float(full["events"])
    eps = float(full["events_per_s"])
    jq_eps = n / jq_s
    # issue #13: the floor is the chosen JSON library's parse; jq's pace is information only
    row(1, "ingest parse+apply+journal, events/s", "%.0f" % eps, "", None,
        "jq -c .: %.0f/s (x%.1f, information)" % (jq_eps, eps / jq_eps))
    ratio = float(full["seconds"]) / float(cjson["seconds"])
    row(1, "  time vs cJSON parse alone", "x%.2f" % ratio, "<= x1.3", ratio <= 1.3,
        "cJSON: %.0f/s" % float(cjson["events_per_s"]))
    row(1, "  time vs cJSON parse alone, in ingest's arena", "x%.2f" % (
        float(full["seconds"]) / float(cjson_arena["seconds"])), "", None,
        "cJSON in the arena: %.0f/s" % float(cjson_arena["events_per_s"]))
    row(1, "  parse+apply (no journal), events/s", nojournal["events_per_s"], "", None,
        "x%.2f cJSON" % (float(nojournal["seconds"]) / float(cjson["seconds"])))
    row(1, "  ingest parse alone, events/s", parse["events_per_s"], "", None,
        "x%.2f cJSON" % (float(parse["seconds"]) / float(cjson["seconds"])))
    # instructions: callgrind on the first N events (the per-event cost does not depend on N)
    sample = head(day, a.callgrind_events, a.work)
    ir = {m: callgrind_ir([a.tools + "/bench_ingest", "--mode", m, sample])
          for m in ("full", "nojournal")}
    ir_cjson = callgrind_ir([a.tools + "/bench_cjson", sample])
    jq_ir = callgrind_ir(["jq", "-c", ".", sample], toggle=None)
    per = {k: v / a.callgrind_events for k, v in ir.items()}
    row(1, "instructions/event parse+apply+journal", "%.0f" % per["full"], "< 60000",
        per["full"] < 60000, "cJSON %.0f, jq %.0f" % (ir_cjson / a.callgrind_events,
                                                      jq_ir / a.callgrind_events))
    row(1, "  instructions/event parse+apply", "%.0f" % per["nojournal"], "", None,
        "x%.2f cJSON" % (ir["nojournal"] / ir_cjson))


def bench_startup(a, day):
    print("2. start-up", flush=True)
    argv = [a.bin, "--replay", day, "--speed", "0", "--headless", "--no-journal", "--snapshot",
            os.path.join(a.work, "startup.json")]
    times = []
    for _ in range(3):
        t0 = time.monotonic()
        subprocess.run(argv, check=True, env=env_for(a.work))
        times.append(time.monotonic() - t0)
    best = min(times)
    row(2, "replay 1M events, headless (best of 3)", "%.2f s" % best, "< 3 s", best < 3)
    with open(os.path.join(a.work, "startup.json")) as fp:
        snap = json.load(fp)
    offered = sum(q["today"]["offered"] for q in snap["queues"])
    # the console: time to the first screen, and to the screen that shows the whole day
    term = Tmux("exec %s --replay %s --speed 0 --no-journal" % (
        shlex.quote(a.bin), shlex.quote(day)), 200, 60)
    t0 = time.monotonic()
    try:
        first = term.wait_for(lambda s: "ctiboard" in s, 30)
        whole = term.wait_for(lambda s: re.search(r"All queues\s+\d+\s+\S+\s+%d\b" % offered, s),
                              60, 0.01)
    finally:
        term.kill()
    if first:
        row(2, "  console: first screen", "%.3f s" % (first - t0))
    if whole:
        row(2, "  console: screen shows the whole day", "%.2f s" % (whole - t0), "< 3 s",
            whole - t0 < 3)
    else:
        note(2, "  console: screen shows the whole day", "total offered %d never seen" % offered)


def bench_restart(a, day):
    """A live start on a journal that holds the day: the model ready (the start-up replay's
    replay_ms in the snapshot) without a checkpoint, then with the one the first start left."""
    journal = os.path.join(a.work, "restart-journal")
    shutil.rmtree(journal, ignore_errors=True)
    os.makedirs(journal)
    os.symlink(os.path.abspath(day), os.path.join(journal, time.strftime("%Y-%m-%d.jsonl")))
    tokens = token_file(a.work, ["11111111-2222-3333-4444-555555555555"])
    snap_path = os.path.join(a.work, "restart.json")

    def start():
        if os.path.exists(snap_path):
            os.unlink(snap_path)
        p = subprocess.Popen([a.bin, "--headless", "--url", "http://127.0.0.1:9/",
                              "--token-file", tokens, "--journal", journal, "--snapshot",
                              snap_path], env=env_for(a.work), stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline:
                try:
                    with open(snap_path) as fp:
                        ms = json.load(fp)["startup"].get("replay_ms")
                    if ms is not None:
                        return ms / 1000.0
                except (OSError, ValueError, KeyError):
                    pass
                time.sleep(0.05)
            raise RuntimeError("the start-up replay never ended")
        finally:
            p.terminate()
            p.wait()

    cold = start()
    row(2, "live restart, 1M-event journal, no checkpoint", "%.2f s" % cold, "< 3 s", cold < 3)
    warm = min(start() for _ in range(3))
    row(2, "live restart with the checkpoint (best of 3)", "%.3f s" % warm, "< 0.5 s",
        warm < 0.5)


def bench_report(a, day):
    print("11. report", flush=True)
    for what, args in (("by queue, CSV", ["--format", "csv"]),
                       ("by interval, text and chart", ["--by", "interval"])):
        argv = [a.bin, "report", *args, day]
        times, cpus = [], []
        for _ in range(3):
            r0, t0 = os.times(), time.monotonic()
            subprocess.run(argv, check=True, env=env_for(a.work), stdout=subprocess.DEVNULL)
            times.append(time.monotonic() - t0)
            r1 = os.times()
            cpus.append(r1.children_user + r1.children_system - r0.children_user -
                        r0.children_system)
        best = min(times)
        row(11, "report of 1M events, %s (best of 3)" % what, "%.2f s" % best, "< 3 s", best < 3,
            "CPU %.2f s (its lines parsed on two threads)" % cpus[times.index(best)])
    # instructions do not depend on the machine's load: the marginal cost of an event
    n = a.callgrind_events
    small, large = head(day, n, a.work), head(day, 2 * n, a.work)
    ir = [callgrind_ir([a.bin, "report", "--format", "csv", f], toggle=None)
          for f in (small, large)]
    row(11, "  instructions/event of a report", "{:,}".format((ir[1] - ir[0]) // n), "", None,
        "figure 1's parse+apply: the same ingest and model")


def start_server_and_ui(a, hold=30.0, cols=200, rows=60, extra=""):
    server = OvhServer(tokens=[TOKEN], hold=hold).start()
    tf = token_file(a.work, [TOKEN])
    term = Tmux(feed_cmd(a.bin, server, tf, extra), cols, rows)
    return server, term


def wait_live(server, n=1, timeout=10):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if len(server.requests_of(TOKEN)) >= n:
            return True
        time.sleep(0.01)
    return False


def bench_latency(a):
    print("3. latency", flush=True)
    server, term = start_server_and_ui(a)
    lat = []
    try:
        if not wait_live(server) or not term.wait_for(lambda s: "ctiboard" in s, 10):
            return note(3, "event -> screen latency", "the console did not come up")
        time.sleep(1)
        line = "0033972101099"
        for i in range(a.latency_samples):
            caller = "00336120%05d" % (i * 7 + 11)
            want = display(caller)
            cid = "lat-%d" % i
            ev = line_event("start_ringing", line, cid, caller, TOKEN)
            t0 = time.monotonic()
            server.add_events(TOKEN, [ev])
            t1 = term.wait_for(lambda s: want in s, 5, 0.001)
            if t1 is None:
                return note(3, "event -> screen latency", "caller %s never shown" % want)
            lat.append((t1 - t0) * 1000)
            server.add_events(TOKEN, [line_event("end_ringing", line, cid, caller, TOKEN)])
            term.wait_for(lambda s: want not in s, 5, 0.005)
            time.sleep(0.05)
    finally:
        term.kill()
        server.stop()
    lat.sort()
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
    row(3, "event -> cell on screen p50 (%d samples)" % len(lat), "%.1f ms" % p50)
    row(3, "event -> cell on screen p99", "%.1f ms" % p99, "< 50 ms", p99 < 50,
        "includes tmux capture polling (~1-3 ms)")


def bench_terminal(a):
    print("4. terminal bytes", flush=True)
    out = os.path.join(a.work, "pane.bytes")
    # a: 10 active calls on a live feed, 1 s ticks
    server, term = start_server_and_ui(a, cols=200, rows=60)
    try:
        open(out, "w").close()
        if not wait_live(server):
            return note(4, "bytes per tick", "feed did not come up")
        evs = []
        for i in range(10):
            line = "00339721011%02d" % i
            caller = "00336130%05d" % i
            evs += [line_event("start_ringing", line, "t%d" % i, caller, TOKEN),
                    line_event("start_calling", line, "t%d" % i, caller, TOKEN)]
        server.add_events(TOKEN, evs)
        term.wait_for(lambda s: display("0033613000009") in s, 10)
        time.sleep(2)
        term.pipe(out)
        time.sleep(a.tick_seconds)
        term.t("pipe-pane")  # stop
        size = os.path.getsize(out)
        per = size / a.tick_seconds
        row(4, "bytes per 1 s tick, 10 active calls", "%.0f B" % per, "<= 300", per <= 300,
            "%d B over %d s" % (size, a.tick_seconds))
    finally:
        term.kill()
        server.stop()
    # b: nothing changes: a replay at speed 0 freezes the model clock
    day = os.path.join(REPO, "tests", "data", "day.jsonl")
    term = Tmux("exec %s --replay %s --speed 0 --no-journal" % (shlex.quote(a.bin), day), 200, 60)
    try:
        open(out, "w").close()
        term.wait_for(lambda s: "ctiboard" in s, 10)
        time.sleep(2)
        term.pipe(out)
        time.sleep(5)
        term.t("pipe-pane")
        idle = os.path.getsize(out)
        row(4, "bytes over 5 s when nothing changes", "%d B" % idle, "0", idle == 0,
            "replay at speed 0: frozen clock")
        # c: a full repaint: the screen resized to 200x60 from smaller
        term.t("resize-window", "-x", "120", "-y", "40")
        time.sleep(1)
        open(out, "w").close()
        term.pipe(out)
        term.t("resize-window", "-x", "200", "-y", "60")
        time.sleep(1.5)
        term.t("pipe-pane")
        full = os.path.getsize(out)
        row(4, "full repaint at 200x60 (resize)", "%d B" % full, "< 30 KB", full < 30 * 1024)
    finally:
        term.kill()


def bench_idle(a):
    print("5. idle CPU over %d s" % a.idle_seconds, flush=True)
    server, term = start_server_and_ui(a, hold=3600.0)
    try:
        if not wait_live(server) or not term.wait_for(lambda s: "ctiboard" in s, 10):
            return note(5, "idle CPU", "the console did not come up")
        time.sleep(2)
        pid = term.pid()
        hz = os.sysconf("SC_CLK_TCK")
        c0, t0 = proc_cpu_ticks(pid), time.monotonic()
        time.sleep(a.idle_seconds)
        c1, t1 = proc_cpu_ticks(pid), time.monotonic()
    finally:
        term.kill()
        server.stop()
    pct = 100.0 * (c1 - c0) / hz / (t1 - t0)
    row(5, "idle CPU, console + idle feed, %d s" % a.idle_seconds, "%.2f %%" % pct, "< 0.5 %",
        pct < 0.5, "%d ticks of 1/%d s" % (c1 - c0, hz))


def bench_memory(a):
    print("6. memory", flush=True)
    big = journal(a.work, a.events, lines=5000, queues=500)
    env = env_for(a.work)
    base = [a.bin, "--speed", "0", "--headless", "--no-journal"]
    rss, dt = peak_rss_kib(base + ["--replay", big], env)
    row(6, "peak RSS, 5,000 lines, 500 queues, 1M events", "%.1f MB" % (rss / 1024.0),
        "< 20 MB", rss < 20 * 1024, "replay in %.1f s" % dt)
    snap = os.path.join(a.work, "memory.json")
    rss_snap, _ = peak_rss_kib(base + ["--replay", big, "--snapshot", snap], env)
    row(6, "  the same with --snapshot", "%.1f MB" % (rss_snap / 1024.0), "< 20 MB",
        rss_snap < 20 * 1024, "snapshot JSON of 5,000 lines: %d KB" % (os.path.getsize(snap) // 1024))
    n = 60000
    r = {}
    for lines in (1000, 5000):
        r[lines], _ = peak_rss_kib(base + ["--replay", journal(a.work, n, lines, 50)], env)
    growth = (r[5000] - r[1000]) / 4.0
    row(6, "  RSS growth per 1,000 lines", "%.0f KB" % growth, "", None,
        "%d KB at 1,000, %d KB at 5,000 lines" % (r[1000], r[5000]))


def bench_shutdown(a):
    print("7. shutdown during a hold", flush=True)
    tf = token_file(a.work, [TOKEN])
    server = OvhServer(tokens=[TOKEN], hold=60.0).start()
    times = []
    try:
        for _ in range(a.shutdown_runs):
            before = len(server.requests_of(TOKEN))
            p = subprocess.Popen(shlex.split(feed_cmd(a.bin, server, tf, "--headless")[5:]),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=env_for(a.work))
            if not wait_live(server, before + 1):
                p.kill()
                return note(7, "shutdown during a hold", "no poll reached the server")
            time.sleep(0.2)  # the poll is being held
            t0 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            p.wait(10)
            times.append(time.monotonic() - t0)
    finally:
        server.stop()
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    row(7, "SIGTERM during a hold -> exit, p99 of %d" % len(times), "%.3f s" % p99, "< 0.5 s",
        p99 < 0.5, "median %.3f s" % statistics.median(times))


def bench_connections(a):
    print("8. connections", flush=True)
    for tokens in ([TOKEN], [TOKEN, "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEF02"]):
        tf = token_file(a.work, tokens)
        server = OvhServer(tokens=tokens, hold=0.2).start()
        p = subprocess.Popen(shlex.split(feed_cmd(a.bin, server, tf, "--headless")[5:]),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env_for(a.work))
        try:
            t0 = time.monotonic()
            while (time.monotonic() - t0 < 15
                   and min(len(server.requests_of(t)) for t in tokens) < 10):
                time.sleep(0.05)
            polls = [len(server.requests_of(t)) for t in tokens]
            conns = server.connections
            per_token = [len({r.conn for r in server.requests_of(t)}) for t in tokens]
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(10)
            server.stop()
        row(8, "TCP accepts, %d token(s), %s polls" % (len(tokens), "+".join(map(str, polls))),
            "%d" % conns, "%d" % len(tokens), conns == len(tokens),
            "connections seen by each token's polls: %s%s" % (
                per_token, " (libcurl's pool may swap idle connections between tokens)"
                if len(tokens) > 1 else ""))


def bench_metrics(a, day, interval=0.1, runs=3):
    """Ingest at full speed with and without a scraper: a scrape copies the model under its
    lock, then renders outside it, so the flood should not notice."""
    import socket
    import threading
    import urllib.request
    print("10. metrics scraped during a flood", flush=True)

    def free_port():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port

    def one(scrape, path="/metrics"):
        port = free_port()
        argv = [a.bin, "--replay", day, "--speed", "0", "--headless", "--no-journal",
                "--metrics", str(port)]
        took = []
        t0 = time.monotonic()
        p = subprocess.Popen(argv, env=env_for(a.work))

        def scraper():
            url = "http://127.0.0.1:%d%s" % (port, path)
            while p.poll() is None:
                s0 = time.monotonic()
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        r.read()
                    took.append(time.monotonic() - s0)
                except urllib.error.HTTPError:
                    took.append(time.monotonic() - s0)  # the control's 404
                except OSError:
                    pass
                time.sleep(interval)

        th = threading.Thread(target=scraper) if scrape else None
        if th:
            th.start()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - t0
        if th:
            th.join()
        if p.returncode != 0:
            raise RuntimeError("replay exited %d" % p.returncode)
        # CPU time of every thread of the program (the scrapes' own included): on a shared
        # machine it moves far less than the wall clock
        return elapsed, usage.ru_utime + usage.ru_stime, took

    import urllib.error
    plain, scraped, control, scrapes = [], [], [], []
    for _ in range(runs):  # alternate, so that a drift of the machine touches all three
        plain.append(one(False)[:2])
        w, cpu, took = one(True)
        scraped.append((w, cpu))
        scrapes += took
        # the same requests to a path that is not served: what the scraping client and HTTP
        # cost the machine (2 cores) by themselves, without the model's lock
        control.append(one(True, "/none")[:2])
    cpu_ratio = min(c for _, c in scraped) / min(c for _, c in plain)
    row(10, "replay 1M events, /metrics every %d ms: CPU" % (interval * 1000),
        "x%.3f" % cpu_ratio, "<= x1.05", cpu_ratio <= 1.05,
        "best of %d: %.2f s vs %.2f s unscraped; %d scrapes, p50 %.1f ms, max %.1f ms" % (
            runs, min(c for _, c in scraped), min(c for _, c in plain), len(scrapes),
            1000 * statistics.median(scrapes) if scrapes else 0,
            1000 * max(scrapes) if scrapes else 0))
    row(10, "  wall clock", "x%.3f" % (min(w for w, _ in scraped) / min(w for w, _ in plain)),
        "", None, "best of %d: %.2f s vs %.2f s; 404 control x%.3f" % (
            runs, min(w for w, _ in scraped), min(w for w, _ in plain),
            min(w for w, _ in control) / min(w for w, _ in plain)))


def write_table(a, name="bench.md"):
    lines = ["| # | figure | measured | target | met | peer / note |",
             "|---|---|---|---|---|---|"]
    for num, fig, measured, target, ok, peer in ROWS:
        met = "" if ok is None else ("yes" if ok else "**no**")
        lines.append("| %s | %s | %s | %s | %s | %s |" % (num, fig.strip(), measured, target,
                                                          met, peer))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.work, name), "w") as fp:
        fp.write(text)
    print("\n" + text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", default="1,2,3,4,5,6,7,8,9,10,11")
    ap.add_argument("--events", type=int, default=1000000)
    ap.add_argument("--callgrind-events", type=int, default=20000)
    ap.add_argument("--idle-seconds", type=int, default=int(os.environ.get("BENCH_IDLE_S", 120)))
    ap.add_argument("--latency-samples", type=int, default=50)
    ap.add_argument("--tick-seconds", type=int, default=10)
    ap.add_argument("--shutdown-runs", type=int, default=20)
    bench_scale.add_args(ap)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    a.tools = os.path.abspath(a.tools)
    os.makedirs(a.work, exist_ok=True)
    a.work = os.path.abspath(a.work)
    only = set(a.only.split(","))
    print("ctiboard benchmarks (%d events; journals in %s)" % (a.events, a.work), flush=True)
    day = journal(a.work, a.events)
    steps = [("1", lambda: bench_ingest(a, day)), ("2", lambda: (bench_startup(a, day), bench_restart(a, day))),
             ("3", lambda: bench_latency(a)), ("4", lambda: bench_terminal(a)),
             ("5", lambda: bench_idle(a)), ("6", lambda: bench_memory(a)),
             ("7", lambda: bench_shutdown(a)), ("8", lambda: bench_connections(a)),
             ("9", lambda: bench_scale.run(a)),
             ("10", lambda: bench_metrics(a, day)),
             ("11", lambda: bench_report(a, day))]
    for num, fn in steps:
        if num in only:
            try:
                fn()
            except Exception as e:  # a figure that cannot be had is said, not hidden
                note(num, "(figure %s)" % num, "%s: %s" % (type(e).__name__, e))
    write_table(a)


if __name__ == "__main__":
    sys.modules["bench"] = sys.modules["__main__"]  # bench_scale's rows go in this table
    import bench_scale  # noqa: E402
    main()
