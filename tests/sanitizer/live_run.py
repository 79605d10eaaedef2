#!/usr/bin/env python3
"""A short live run of ctiboard under a checker (valgrind memcheck), against the local server.

    VALGRIND="valgrind --error-exitcode=99 ..." python3 tests/sanitizer/live_run.py ./ctiboard

Two tokens poll tests/ovh_server.py over loopback; the run sees scripted calls, a bad body,
an HTTP error with backoff, a dropped connection and its reconnect, a journal being written,
then SIGTERM during a hold. It fails unless the program exits with 0, which under valgrind
with --error-exitcode means no invalid access and no leak.
"""
import os
import shlex
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from feedlib import Ctiboard, counter, feed, new_token  # noqa: E402
from ovh_server import OvhServer, scripted_calls  # noqa: E402

LINE_A, LINE_B = "0033972101010", "0033972101011"


class Checked(Ctiboard):
    """The program started under the command in $VALGRIND."""

    def argv(self):
        return shlex.split(os.environ.get("VALGRIND", "")) + super().argv()


def main():
    os.environ["CTIBOARD_BIN"] = os.path.abspath(sys.argv[1])
    t1, t2 = new_token(), new_token()
    server = OvhServer(tokens=[t1, t2], hold=0.5).start()
    work = tempfile.mkdtemp(prefix="ctiboard-live-")
    run = Checked(work, server.url, [t1, t2], journal=True,
                  settings={"hold_s": 1, "backoff_cap_ms": 300})
    try:
        server.add_events(t1, scripted_calls(t1, LINE_A, 3))
        server.add_events(t2, scripted_calls(t2, LINE_B, 2))
        run.start()
        slow = 120.0  # valgrind runs the program some 20 to 50 times slower
        run.wait(lambda s: counter(s, "events") >= 15, "first calls", slow)
        server.set_mode("html", count=1, token=t1)
        server.set_mode("status", count=1, token=t2, status=503)
        server.add_events(t1, scripted_calls(t1, LINE_A, 2, first=10))
        run.wait(lambda s: counter(s, "events") >= 21, "calls after errors", slow)
        server.drop_connections()
        server.add_events(t2, scripted_calls(t2, LINE_B, 2, first=10))
        s = run.wait(lambda s: counter(s, "events") >= 27 and
                     feed(s, t2)["state"] == "live", "calls after a reconnect", slow)
        code = run.stop(timeout=60)
    finally:
        run.kill()
        server.stop()
    err = run.read("stderr")
    sys.stdout.write(err)
    ok = code == 0
    print("live_run: %s: %d events, %d polls; exit status %s" % (
        "ok" if ok else "FAILED", counter(s, "events"),
        sum(f["polls"] for f in s["feeds"]), code))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
