#!/usr/bin/env python3
"""The scale figures (issue #13): a 100,000-line account as light as a 10-line one.

    python3 bench/bench_scale.py --bin ./ctiboard --tools build/bench --work build/bench-data \
        [--only ingest,bound,console,memory,snapshot]

bench/bench.py runs these as figure 9 of `make bench`; `make bench-scale` runs them alone.
  ingest    parse+apply events/s, 2,000 queues and 100,000 lines against 20 queues and 10 lines
  bound     CPU of 100k events against a model holding 50,000 calls in progress
  console   idle CPU and key-press latency (p50, p99) of the console at 100,000 and 10 lines
  memory    peak RSS of a headless replay with 100,000 lines; growth per 1,000 lines
  snapshot  snapshot writes and their cost with 100,000 lines, while events trickle in
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench as B  # noqa: E402

BIG = dict(lines=100000, queues=2000)
SMALL = dict(lines=10, queues=20)


def scale_journal(work, events, lines, queues, seed=1):
    return B.journal(work, events, lines=lines, queues=queues, seed=seed)


def bound_journal(work, calls=50000, events=100000, ringing=False):
    """calls lines each with a call, then events that hang up, ring and answer again on random
    lines: the model holds `calls` calls in progress throughout. ringing: the calls ring until
    their line is picked again (seconds: every line past the ringing alert, `calls` alerts
    whose durations change every second), instead of being answered at once."""
    path = os.path.join(work, "bound-%d-%d%s.jsonl" % (calls, events, "-ringing" if ringing else ""))
    if os.path.exists(path):
        return path
    import random
    rng = random.Random(1)
    t0 = 1764151200 * 10**9
    fmt = ('{"Event":"%s","Token":"...CDAB","Service":"sip","Ressource":"%s","Timestamp":%d,'
           '"Data":{"CallId":"%s","Calling":"0033612%06d","Called":"%s","Ts":"%d.%03d"},'
           '"Details":{"Description":"Line %d","Type":"sipCirpack"}}\n')
    state = []  # per line: (call number, answered)
    n = 0
    with open(path + ".tmp", "w") as fp:
        def emit(kind, li, k):
            nonlocal n
            t = t0 + n * 1000000  # one event a millisecond: nothing expires
            num = "00339721%05d" % li
            fp.write(fmt % (kind, num, t, "c%d-%d" % (li, k), li % 999999, num, t // 10**9,
                            (t // 10**6) % 1000, li))
            n += 1
        for li in range(calls):
            emit("start_ringing", li, 0)
            state.append([0, False])
            if not ringing:
                emit("start_calling", li, 0)
                state[li][1] = True
        setup = n  # the events that bring the calls in, fed before the clock starts
        while n < setup + events:
            li = rng.randrange(calls)
            k, answered = state[li]
            if not answered:
                emit("start_calling", li, k)
                state[li][1] = True
            else:
                emit("end_calling", li, k)
                state[li] = [k + 1, False]
                emit("start_ringing", li, k + 1)  # at once: the count stays at the bound
                if not ringing:  # answered at once, as a call centre answers
                    emit("start_calling", li, k + 1)
                    state[li][1] = True
    os.rename(path + ".tmp", path)
    return path


def bound_setup(calls=50000, ringing=False):
    """How many events of bound_journal() bring its calls in."""
    return calls if ringing else 2 * calls


def run_tool(a, argv, timeout):
    """bench_ingest's figures, or None when it runs past timeout seconds."""
    try:
        out = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return B.kv(out.stdout)


def ingest(a):
    print("9. scale: ingest", flush=True)
    res = {}
    # both best of 3, by CPU time: a machine shared with other work slows the wall clock of
    # one run and not the other
    for name, shape, repeat in (("small", SMALL, "3"), ("big", BIG, "3")):
        day = scale_journal(a.work, a.events, **shape)
        # the lines' and queues' first events (registrations, counts) are fed before the
        # clock starts: the figure is the day's traffic against an account of that size
        first = shape["lines"] + shape["queues"]
        res[name] = run_tool(a, [a.tools + "/bench_ingest", "--mode", "nojournal", "--repeat",
                                 repeat, "--skip", str(first), "--max",
                                 str(first + a.scale_traffic), day], a.tool_timeout)
    if not res["small"]:
        return B.note(9, "ingest 20 queues, 10 lines", "over %d s" % a.tool_timeout)
    def per_cpu_s(r):
        return float(r["events"]) / max(float(r["cpu_s"]), 1e-6)
    small = per_cpu_s(res["small"])
    B.row(9, "ingest 20 queues, 10 lines, events/s", "%.0f" % small, "", None,
          "parse+apply of %d events of traffic, per CPU second, best of 3" % a.scale_traffic)
    if not res["big"]:
        return B.row(9, "ingest 2,000 queues, 100,000 lines, events/s",
                     "< %.0f" % (a.scale_traffic / a.tool_timeout), ">= 0.9x", False,
                     "%d events took over %d s" % (a.scale_traffic, a.tool_timeout))
    big = per_cpu_s(res["big"])
    ratio = big / small
    B.row(9, "ingest 2,000 queues, 100,000 lines, events/s", "%.0f" % big, ">= 0.9x",
          ratio >= 0.9, "x%.2f of the small account (lines %s, queues %s)"
          % (ratio, res["big"].get("lines"), res["big"].get("queues")))


def bound(a):
    print("9. scale: at the calls bound", flush=True)
    path = bound_journal(a.work)
    out = run_tool(a, [a.tools + "/bench_ingest", "--mode", "nojournal", "--skip",
                       str(bound_setup()), path], a.tool_timeout)
    if not out:
        return B.row(9, "100k events at 50,000 calls, CPU", "> %d s" % a.tool_timeout, "< 1 s",
                     False, "stopped after %d s" % a.tool_timeout)
    cpu = float(out["cpu_s"])
    B.row(9, "100k events at 50,000 calls, CPU", "%.3f s" % cpu, "< 1 s", cpu < 1.0,
          "%s calls in progress at the end, %s events timed" % (out.get("calls"), out["events"]))
    # the same with every call left ringing: 50,000 ringing alerts, each redone every second
    path = bound_journal(a.work, ringing=True)
    out = run_tool(a, [a.tools + "/bench_ingest", "--mode", "nojournal", "--skip",
                       str(bound_setup(ringing=True)), path], a.tool_timeout)
    if out:
        B.row(9, "the same, every call ringing past the alert threshold, CPU",
              "%.3f s" % float(out["cpu_s"]), "", None,
              "information: the alert list holds ~50,000 ringing alerts whose durations change "
              "every second")


def console_at(a, day, label, expect_lines):
    """Idle CPU and key latency of the console showing the replayed day, frozen (speed 0)."""
    term = B.Tmux("exec %s --replay %s --speed 0 --no-journal" % (
        shlex.quote(a.bin), shlex.quote(day)), 200, 60)
    try:
        if not term.wait_for(lambda s: "Lines (%d)" % expect_lines in s, 120, 0.05):
            return B.note(9, "console, %s" % label, "the Lines panel never showed %d lines"
                          % expect_lines)
        # the replay is over when the screen stops changing (the clock is frozen at speed 0)
        last, t0 = None, time.monotonic()
        while time.monotonic() - t0 < 120:
            now = term.screen()
            if now == last:
                break
            last = now
            time.sleep(2)
        pid = term.pid()
        hz = os.sysconf("SC_CLK_TCK")
        c0, t0 = B.proc_cpu_ticks(pid), time.monotonic()
        time.sleep(a.idle_seconds)
        c1, t1 = B.proc_cpu_ticks(pid), time.monotonic()
        pct = 100.0 * (c1 - c0) / hz / (t1 - t0)
        B.row(9, "console idle CPU, %s" % label, "%.2f %%" % pct, "< 0.5 %", pct < 0.5,
              "%d ticks of 1/%d s over %d s" % (c1 - c0, hz, a.idle_seconds))
        # key presses: focus the Lines panel, then move its selection down and up
        for _ in range(3):
            term.t("send-keys", "Tab")
        time.sleep(0.5)
        out = os.path.join(a.work, "scale-keys.out")
        open(out, "w").close()
        term.pipe(out)
        time.sleep(0.5)
        lat = []
        for i in range(a.key_samples):
            size = os.path.getsize(out)
            t0 = time.monotonic()
            term.t("send-keys", "Down" if i % 2 == 0 else "Up")
            t1 = None
            while time.monotonic() - t0 < 5:
                if os.path.getsize(out) > size:
                    t1 = time.monotonic()
                    break
                time.sleep(0.0005)
            if t1 is None:
                return B.note(9, "key press, %s" % label, "nothing was redrawn")
            lat.append((t1 - t0) * 1000)
            time.sleep(0.05)
        lat.sort()
        p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
        B.row(9, "key press -> screen p50, %s" % label, "%.1f ms" % statistics.median(lat))
        B.row(9, "key press -> screen p99, %s" % label, "%.1f ms" % p99, "< 20 ms", p99 < 20,
              "%d presses: tmux send-keys to the first byte out" % len(lat))
    finally:
        term.kill()


def console(a):
    print("9. scale: console idle and keys", flush=True)
    console_at(a, scale_journal(a.work, a.events, **SMALL), "10 lines", 10)
    console_at(a, scale_journal(a.work, a.events, **BIG), "100,000 lines, 2,000 queues", 100000)


def memory(a):
    print("9. scale: memory", flush=True)
    env = B.env_for(a.work)
    base = [a.bin, "--speed", "0", "--headless", "--no-journal"]
    rss = {}
    for lines in (10000, 100000):
        day = scale_journal(a.work, a.events, lines, 2000 if lines == 100000 else 200)
        rss[lines], _ = B.peak_rss_kib(base + ["--replay", day], env)
    B.row(9, "peak RSS, 100,000 lines, 2,000 queues", "%.1f MB" % (rss[100000] / 1024.0),
          "< 64 MB", rss[100000] < 64 * 1024)
    B.row(9, "  RSS growth per 1,000 lines", "%.0f KB" % ((rss[100000] - rss[10000]) / 90.0),
          "", None, "%d KB at 10,000, %d KB at 100,000 lines" % (rss[10000], rss[100000]))


def count_writes(path, seconds):
    """Times path was replaced (a new inode: written atomically) over seconds."""
    last, writes, t0 = os.stat(path).st_ino, 0, time.monotonic()
    while time.monotonic() - t0 < seconds:
        ino = os.stat(path).st_ino
        if ino != last:
            writes, last = writes + 1, ino
        time.sleep(0.01)
    return writes


def snapshot(a):
    print("9. scale: snapshot", flush=True)
    day = scale_journal(a.work, a.events, **BIG)
    snap = os.path.join(a.work, "scale-snapshot.json")
    out = B.run_tool([a.tools + "/bench_ingest", "--mode", "nojournal", "--snapshot", snap, day])
    B.row(9, "snapshot write, 100,000 lines", "%s ms" % out["snapshot_ms"], "", None,
          "%d KB" % (int(out["snapshot_bytes"]) // 1024))
    # while events pour in (the day at 2,000 times real time: its 100,000 lines are there after
    # 15 s), then when nothing moves
    for speed, seconds, target, ok in (("2000", 10, "<= 11", lambda n: n <= 11),
                                       ("0", 9, "0", lambda n: n == 0)):
        if os.path.exists(snap):
            os.unlink(snap)
        argv = [a.bin, "--replay", day, "--speed", speed, "--headless", "--no-journal",
                "--snapshot", snap]
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=B.env_for(a.work))
        try:
            t0 = time.monotonic()
            while not os.path.exists(snap) and time.monotonic() - t0 < 60:
                time.sleep(0.05)
            if speed == "0":  # frozen once the replay is over: until then it moves
                size = -1
                while os.path.getsize(snap) != size:
                    size = os.path.getsize(snap)
                    time.sleep(1.5)
            else:
                while os.path.getsize(snap) < 20 * 1024 * 1024 and time.monotonic() - t0 < 120:
                    time.sleep(0.1)
            writes = count_writes(snap, seconds)
        finally:
            p.terminate()
            p.wait()
        what = "events pouring in" if speed != "0" else "nothing changing"
        B.row(9, "snapshot writes in %d s, %s" % (seconds, what), "%d" % writes, target,
              ok(writes), "100,000 lines")


STEPS = {"ingest": ingest, "bound": bound, "console": console, "memory": memory,
         "snapshot": snapshot}


def add_args(ap):
    ap.add_argument("--scale-events", dest="scale_events", type=int, default=300000)
    ap.add_argument("--key-samples", type=int, default=50)
    ap.add_argument("--scale-traffic", dest="scale_traffic", type=int, default=20000)
    ap.add_argument("--tool-timeout", dest="tool_timeout", type=int, default=120)


def run(a, only=None):
    a = argparse.Namespace(**vars(a))
    a.events = a.scale_events
    a.idle_seconds = min(a.idle_seconds, 60)
    for name, fn in STEPS.items():
        if only and name not in only:
            continue
        try:
            fn(a)
        except Exception as e:  # a figure that cannot be had is said, not hidden
            B.note(9, "(scale: %s)" % name, "%s: %s" % (type(e).__name__, e))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", default=",".join(STEPS))
    ap.add_argument("--idle-seconds", type=int, default=int(os.environ.get("BENCH_IDLE_S", 30)))
    add_args(ap)
    a = ap.parse_args()
    a.bin, a.tools = os.path.abspath(a.bin), os.path.abspath(a.tools)
    os.makedirs(a.work, exist_ok=True)
    a.work = os.path.abspath(a.work)
    run(a, set(a.only.split(",")))
    B.write_table(a, "bench-scale.md")


if __name__ == "__main__":
    main()
