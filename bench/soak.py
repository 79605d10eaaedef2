#!/usr/bin/env python3
"""make soak: minutes of events at a high rate with reconnects every few seconds.

    python3 bench/soak.py [--seconds 180] [--rate 500] [--reconnect 3] ./ctiboard

ctiboard runs headless (with a snapshot and a journal, as in production) against two tokens
of tests/ovh_server.py. A feeder thread scripts calls on 200 lines and 20 queues at --rate
events per second; every --reconnect seconds the server drops every connection, and now and
then answers with an error. Every second the program's resident memory (VmRSS), open file
descriptors and threads are sampled. After a warm-up (the first quarter), it fails if the
descriptors or threads changed, or if resident memory grew by more than --rss-slack KiB
between the first and the last quarter of the run. It prints its figures either way.
"""
import argparse
import os
import random
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from feedlib import Ctiboard, counter  # noqa: E402
from ovh_server import OvhServer, line_event  # noqa: E402

TOKENS = ["ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCD0001", "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCD0002"]


def sample(pid):
    with open("/proc/%d/status" % pid) as fp:
        st = dict(l.split(":", 1) for l in fp if ":" in l)
    rss = int(st["VmRSS"].split()[0])
    threads = int(st["Threads"])
    fds = len(os.listdir("/proc/%d/fd" % pid))
    return rss, fds, threads


def feeder(server, rate, stop, counts):
    """Calls on random lines: ring, answer, hang up, each call's events spread over time."""
    rng = random.Random(1)
    open_calls = []
    serial = 0
    period = 0.05
    while not stop.is_set():
        t0 = time.monotonic()
        batch = {t: [] for t in TOKENS}
        for _ in range(max(1, int(rate * period))):
            if open_calls and (len(open_calls) > 40 or rng.random() < 0.5):
                tok, line, cid, caller, step = open_calls.pop(rng.randrange(len(open_calls)))
                kind = ("start_calling", "end_calling")[step]
                batch[tok].append(line_event(kind, line, cid, caller, tok))
                if step == 0:
                    open_calls.append((tok, line, cid, caller, 1))
            else:
                serial += 1
                tok = TOKENS[serial % 2]
                line = "00339721%05d" % rng.randrange(200)
                caller = "00336%08d" % rng.randrange(10**8)
                cid = "soak-%d" % serial
                batch[tok].append(line_event("start_ringing", line, cid, caller, tok))
                open_calls.append((tok, line, cid, caller, 0))
        for tok, evs in batch.items():
            if evs:
                server.add_events(tok, evs)
                counts[0] += len(evs)
        time.sleep(max(0.0, period - (time.monotonic() - t0)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--seconds", type=int, default=180)
    ap.add_argument("--rate", type=int, default=500)
    ap.add_argument("--reconnect", type=float, default=3.0)
    ap.add_argument("--rss-slack", type=int, default=1024)
    a = ap.parse_args()
    os.environ["CTIBOARD_BIN"] = os.path.abspath(a.binary)
    server = OvhServer(tokens=TOKENS, hold=0.5).start()
    work = tempfile.mkdtemp(prefix="ctiboard-soak-")
    run = Ctiboard(work, server.url, TOKENS, journal=True,
                   settings={"hold_s": 1, "body_cap_bytes": 8 << 20, "backoff_cap_ms": 200})
    stop = threading.Event()
    counts = [0]
    samples = []
    drops = errors = 0
    run.start()
    th = threading.Thread(target=feeder, args=(server, a.rate, stop, counts), daemon=True)
    th.start()
    try:
        t0 = time.monotonic()
        next_drop = t0 + a.reconnect
        while time.monotonic() - t0 < a.seconds:
            time.sleep(1)
            if run.proc.poll() is not None:
                raise SystemExit("soak: ctiboard exited (%s): %s"
                                 % (run.proc.returncode, run.read("stderr")[-2000:]))
            samples.append((time.monotonic() - t0,) + sample(run.proc.pid))
            if time.monotonic() >= next_drop:
                next_drop += a.reconnect
                drops += 1
                if drops % 5 == 0:
                    server.set_mode("status", count=1, status=503)
                    errors += 1
                else:
                    server.drop_connections()
        stop.set()
        th.join()
        snap = run.snap() or {}
        code = run.stop(timeout=10)
    finally:
        stop.set()
        run.kill()
        server.stop()
    q = max(1, len(samples) // 4)
    warm, last = samples[q:2 * q], samples[-q:]
    rss_warm = max(s[1] for s in warm)
    rss_last = max(s[1] for s in last)
    fds = sorted({s[2] for s in samples[q:]})
    threads = sorted({s[3] for s in samples[q:]})
    print("soak: %d s, %d events sent (%.0f/s), %d applied, %d connection drops, %d errors, "
          "%d accepts" % (a.seconds, counts[0], counts[0] / a.seconds, counter(snap, "events"),
                          drops - errors, errors, server.connections))
    print("soak: RSS after warm-up %d KiB, at the end %d KiB (growth %+d KiB, slack %d)"
          % (rss_warm, rss_last, rss_last - rss_warm, a.rss_slack))
    print("soak: open fds after warm-up %s, threads %s; exit status %s" % (fds, threads, code))
    print("soak: RSS by quarter (KiB): %s" % [max(s[1] for s in samples[i * q:(i + 1) * q])
                                              for i in range(4)])
    ok = (code == 0 and rss_last - rss_warm <= a.rss_slack and len(threads) == 1
          and max(fds) - min(fds) <= 2)
    print("soak: %s" % ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
