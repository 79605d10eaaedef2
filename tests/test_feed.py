"""The live feed against a local OVH-compatible server, over real loopback HTTP.

Each test runs the real binary headless with a snapshot file and asserts on what the
snapshot shows (feed state, counters) and on what the server saw (requests, their spacing,
connections). Faulty answers carry poison events on POISON_LINE and a poison Session: neither
may ever show up.
"""

import os
import shutil
import signal
import subprocess
import time

import pytest

from feedlib import Ctiboard, counter, feed, new_token, wait_until
from ovh_server import POISON_LINE, OvhServer, scripted_calls

LINE_A = "0033972101010"
LINE_B = "0033972101011"
POISON_DIGITS = POISON_LINE[-9:]


@pytest.fixture
def server():
    srv = OvhServer(hold=0.3).start()
    yield srv
    srv.stop()


@pytest.fixture
def runs():
    started = []
    yield started
    for r in started:
        r.kill()


def start(runs, tmp_path, server, tokens, **kw):
    for t in tokens:
        server.add_token(t)
    r = Ctiboard(tmp_path, server.url, tokens, **kw).start()
    runs.append(r)
    return r


def applied(n):
    return lambda s: counter(s, "events") >= n


def no_poison(run, server):
    text = run.read("s.json")
    assert POISON_DIGITS not in text, "a rejected body was applied"
    assert all(r.session != "poison" for r in server.requests), "a rejected Session was echoed"


def intervals(reqs):
    return [b.t - a.t for a, b in zip(reqs, reqs[1:])]


# ---- the normal path -----------------------------------------------------------------------

def test_scripted_calls_applied_once_on_one_connection(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 2) + scripted_calls(tok, LINE_B, 2))
    run = start(runs, tmp_path, server, [tok], journal=True)
    run.wait(applied(12), "12 scripted events")
    server.add_events(tok, scripted_calls(tok, LINE_A, 1, first=10))
    s = run.wait(lambda s: counter(s, "events") >= 15 and feed(s, tok)["polls"] >= 4,
                 "15 events over 4 polls")
    assert feed(s, tok)["state"] == "live"
    assert run.stop() == 0
    s = run.snap()
    assert counter(s, "events") == 15
    assert counter(s, "duplicates") == 0
    f = feed(s, tok)
    assert f["events"] == 15 and f["errors"] == 0
    assert f["token"] == "..." + tok[-4:]
    # One TCP connection, reused by every poll.
    reqs = server.requests_of(tok)
    assert server.connections == 1 and {r.conn for r in reqs} == {1}
    # Every poll after the first echoes the Session of the answer before it.
    answered = [r for r in reqs if r.answered_session]
    assert reqs[0].session is None
    for prev, nxt in zip(answered, reqs[1:]):
        assert nxt.session == prev.answered_session
    run.assert_no_token_written()
    assert any("journal" in p for p in run.written_files()), "the journal was not written"


def test_two_tokens_poll_side_by_side_and_overlap_is_deduplicated(tmp_path, server, runs):
    t1, t2 = new_token(), new_token()
    shared = scripted_calls(t1, LINE_B, 1, first=50)
    server.add_events(t1, scripted_calls(t1, LINE_A, 2) + shared)
    # The same events reach the second token, each echoing the token that polled it.
    server.add_events(t2, [dict(e, Token=t2) for e in shared])
    run = start(runs, tmp_path, server, [t1, t2])
    s = run.wait(lambda s: counter(s, "events") + counter(s, "duplicates") >= 12
                 and all(feed(s, t)["polls"] >= 3 for t in (t1, t2)), "both feeds polled")
    assert counter(s, "events") == 9 and counter(s, "duplicates") == 3
    assert feed(s, t1)["state"] == feed(s, t2)["state"] == "live"
    assert run.stop() == 0
    # One connection per token kept across polls (libcurl's pool may hand a token's next
    # poll the other token's idle connection: the count is what matters).
    assert len(server.requests) >= 6
    assert server.connections == 2
    run.assert_no_token_written()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_shutdown_during_a_hold_exits_with_the_signal_status(tmp_path, runs, sig):
    srv = OvhServer(hold=30).start()
    try:
        tok = new_token()
        srv.add_events(tok, scripted_calls(tok, LINE_A, 1))
        run = start(runs, tmp_path, srv, [tok], settings={"hold_s": 30})
        run.wait(applied(3), "first answer")
        deadline = time.monotonic() + 10
        while not (len(srv.requests) >= 2 and srv.requests[-1].done_t is None):
            assert time.monotonic() < deadline, "no second poll held"
            time.sleep(0.02)
        t0 = time.monotonic()
        rc = run.stop(sig, timeout=3)
        assert rc == 0, "exit status %r (None: still running after 3 s)" % rc
        assert run.status == 128 + sig  # 143 after SIGTERM, 130 after SIGINT
        assert time.monotonic() - t0 < 3
        assert counter(run.snap(), "events") == 3
    finally:
        srv.stop()


# ---- answers that must change nothing --------------------------------------------------------

BAD_BODIES = ["reset", "short", "bad_chunk", "html", "big_length", "big_chunked"]


@pytest.mark.parametrize("mode", BAD_BODIES)
def test_bad_body_changes_nothing(tmp_path, server, runs, mode):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    run = start(runs, tmp_path, server, [tok], settings={"body_cap_bytes": 256 << 10})
    run.wait(applied(3), "first events")
    hwm0 = run.vm_hwm_kib()
    server.set_mode(mode, count=2, token=tok)
    s = run.wait(lambda s: feed(s, tok)["errors"] >= 2, "two bad answers counted as errors")
    assert counter(s, "events") == 3
    assert feed(s, tok)["last_error"]
    server.add_events(tok, scripted_calls(tok, LINE_B, 1))
    run.wait(lambda s: counter(s, "events") >= 6 and feed(s, tok)["state"] == "live",
             "recovery")
    if mode.startswith("big"):
        # A 10 MiB answer against a 256 KiB cap: the peak memory does not grow by the body.
        assert run.vm_hwm_kib() - hwm0 < 4 * 1024
    assert run.stop() == 0
    s = run.snap()
    assert counter(s, "events") == 6 and counter(s, "duplicates") == 0
    assert feed(s, tok)["errors"] == 2
    no_poison(run, server)
    run.assert_no_token_written()


def test_missing_events_is_an_idle_answer(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    run = start(runs, tmp_path, server, [tok])
    s0 = run.wait(applied(3), "first events")
    server.set_mode("no_events", count=3, token=tok)
    polls = feed(s0, tok)["polls"]
    s = run.wait(lambda s: feed(s, tok)["polls"] >= polls + 3, "three answers without Events")
    f = feed(s, tok)
    assert f["errors"] == 0 and f["state"] == "live"
    server.add_events(tok, scripted_calls(tok, LINE_B, 1))
    run.wait(applied(6), "events after")
    assert run.stop() == 0
    assert counter(run.snap(), "events") == 6


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_back_off_then_recover(tmp_path, server, runs, status):
    tok = new_token()
    server.set_mode("status", count=3, token=tok, status=status)
    server.add_events(tok, scripted_calls(tok, LINE_A, 2))
    run = start(runs, tmp_path, server, [tok])
    s = run.wait(lambda s: counter(s, "events") >= 6 and feed(s, tok)["state"] == "live",
                 "recovery after three errors")
    f = feed(s, tok)
    assert f["errors"] == 3
    assert str(status) in f["last_error"]
    assert run.stop() == 0
    assert counter(run.snap(), "events") == 6
    no_poison(run, server)


def test_backoff_is_exponential_with_full_jitter(tmp_path, server, runs):
    tok = new_token()
    base, cap = 0.05, 0.4
    server.set_mode("status", token=tok, status=500)
    run = start(runs, tmp_path, server, [tok],
                settings={"backoff_base_ms": int(base * 1000), "backoff_cap_ms": int(cap * 1000)})
    # between two failures the feed is in backoff; a snapshot may also catch a retry under way
    # ("connecting"), never "live"
    run.wait(lambda s: feed(s, tok)["errors"] >= 16 and feed(s, tok)["state"] == "backoff",
             "16 failed polls, in backoff", timeout=20)
    assert run.stop() == 0
    gaps = intervals(server.requests_of(tok)[:16])
    # Never two retries closer than the base: a retry is sent at least base after the failure
    # that came after the previous request, whatever the load. The cap: a loaded machine (or a
    # sanitizer) can stall one retry, not most of them, so the middle one is held to the cap
    # with room for scheduling, the slowest only to a bound that uncapped doubling (0.05 s
    # << 15) would pass many times over.
    assert min(gaps) >= base, gaps
    late = sorted(gaps[4:])
    assert late[len(late) // 2] <= cap + 0.15, gaps
    assert max(gaps) <= cap + 2.0, gaps
    # Exponential: later retries wait well beyond the base. Jittered: they are not all equal
    # (twelve draws from at least [0.05, 0.4] s: delays equal within 20 ms never happen).
    assert late[-1] > 2 * base, gaps
    assert late[-1] - late[0] > 0.02, gaps


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(tmp_path, server, runs, status):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    server.set_mode("status", count=1, token=tok, status=status, retry_after=2)
    run = start(runs, tmp_path, server, [tok], settings={"backoff_cap_ms": 5000})
    s = run.wait(lambda s: feed(s, tok)["state"] == "backoff", "backoff after %d" % status)
    assert feed(s, tok)["retry_in_s"] is not None
    run.wait(applied(3), "events after the pause")
    assert run.stop() == 0
    first, second = server.requests_of(tok)[:2]
    assert first.status == status
    assert second.t - first.done_t >= 2.0
    no_poison(run, server)


# ---- rejected tokens ---------------------------------------------------------------------------

def test_unknown_token_is_auth_failed_and_retried_slowly(tmp_path, server, runs):
    tok = new_token()
    run = Ctiboard(tmp_path, server.url, [tok]).start()  # the server does not know it: 401
    runs.append(run)
    s = run.wait(lambda s: feed(s, tok)["state"] == "auth_failed", "auth_failed")
    assert "rejected" in feed(s, tok)["last_error"]
    run.wait(lambda s: feed(s, tok)["errors"] >= 3, "three refusals")
    reqs = server.requests_of(tok)
    assert all(r.status == 401 for r in reqs)
    assert min(intervals(reqs)) >= 1.0  # auth_retry_s, not the backoff base
    # The token becomes valid: the feed recovers on its own.
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    server.add_token(tok)
    s = run.wait(lambda s: counter(s, "events") >= 3 and feed(s, tok)["state"] == "live",
                 "recovery")
    assert run.stop() == 0
    run.assert_no_token_written()


def test_forbidden_is_auth_failed(tmp_path, server, runs):
    tok = new_token()
    server.set_mode("status", count=2, token=tok, status=403)
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    run = start(runs, tmp_path, server, [tok])
    s = run.wait(lambda s: feed(s, tok)["state"] == "auth_failed", "auth_failed")
    assert "403" in feed(s, tok)["last_error"]
    run.wait(applied(3), "recovery")
    assert run.stop() == 0
    reqs = server.requests_of(tok)
    assert [r.status for r in reqs[:3]] == [403, 403, 200]
    assert min(intervals(reqs[:3])) >= 1.0
    no_poison(run, server)


# ---- pace ---------------------------------------------------------------------------------------

def test_instant_answers_are_rate_limited(tmp_path, server, runs):
    tok = new_token()
    server.set_mode("nohold", token=tok)
    run = start(runs, tmp_path, server, [tok], settings={"min_poll_interval_ms": 200})
    run.wait(lambda s: feed(s, tok)["polls"] >= 8, "eight polls")
    assert run.stop() == 0
    gaps = intervals(server.requests_of(tok))
    # Allow for the difference of network latency between two requests, a few ms at most.
    assert min(gaps) >= 0.19, gaps
    assert feed(run.snap(), tok)["errors"] == 0


# ---- sessions and outages -------------------------------------------------------------------------

def test_new_session_replaying_events_is_deduplicated(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 2) + scripted_calls(tok, LINE_B, 1))
    run = start(runs, tmp_path, server, [tok])
    run.wait(applied(9), "first events")
    # The service forgets the session: the new one replays all nine events.
    server.set_mode("session_reset", count=1, token=tok)
    run.wait(lambda s: counter(s, "duplicates") >= 9, "the replay")
    server.add_events(tok, scripted_calls(tok, LINE_A, 1, first=20))
    run.wait(applied(12), "events after the replay")
    assert run.stop() == 0
    s = run.snap()
    assert counter(s, "events") == 12 and counter(s, "duplicates") == 9
    assert feed(s, tok)["events"] == 21
    # The client adopts the new session at once.
    reqs = server.requests_of(tok)
    reset = [r for r in reqs if r.mode == "session_reset"][0]
    after = reqs[reqs.index(reset) + 1]
    assert after.session == reset.answered_session != reset.session


def test_long_outage_then_recovery_loses_nothing(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    run = start(runs, tmp_path, server, [tok])
    run.wait(applied(3), "first events")
    session = [r for r in server.requests_of(tok) if r.answered_session][-1].answered_session
    server.refuse(True)
    server.add_events(tok, scripted_calls(tok, LINE_B, 2))  # happen during the outage
    s = run.wait(lambda s: feed(s, tok)["errors"] >= 4, "four failed attempts")
    assert feed(s, tok)["state"] in ("backoff", "connecting")
    assert counter(s, "events") == 3
    n = len(server.requests_of(tok))
    server.refuse(False)
    s = run.wait(lambda s: counter(s, "events") >= 9 and feed(s, tok)["state"] == "live",
                 "recovery")
    assert run.stop() == 0
    assert counter(run.snap(), "events") == 9 and counter(run.snap(), "duplicates") == 0
    # The session survived the outage: the server kept the events for it.
    assert server.requests_of(tok)[n].session == session


def test_stalled_answers_go_stale_and_are_abandoned(tmp_path, server, runs):
    """never answering, headers then nothing, and a 1 byte/s drip, each on its own token,
    beside a healthy token that must not be held up by them."""
    stalls = {"never": new_token(), "headers_stall": new_token(), "drip": new_token()}
    good = new_token()
    for mode, tok in stalls.items():
        server.set_mode(mode, count=1, token=tok, drip_interval=1.0)
        server.add_events(tok, scripted_calls(tok, LINE_A, 1, first=len(mode)))
    server.add_events(good, scripted_calls(good, LINE_B, 1))
    tokens = list(stalls.values()) + [good]
    run = start(runs, tmp_path, server, tokens, settings={"watchdog_s": 1})
    s = run.wait(lambda s: all(feed(s, t)["state"] == "stale" for t in stalls.values()),
                 "stalled feeds stale")
    assert feed(s, good)["state"] == "live" and counter(s, "events") == 3
    # The low-speed guard (hold_s + 5 s) ends each stalled request; the retry is served.
    s = run.wait(lambda s: counter(s, "events") >= 12 and
                 all(feed(s, t)["state"] == "live" for t in tokens), "recovery", timeout=25)
    assert run.stop() == 0
    for tok in stalls.values():
        first = server.requests_of(tok)[0]
        assert first.client_closed
        f = feed(run.snap(), tok)
        assert f["errors"] == 1
        # Ended by the low-speed guard, not by the later whole-request timeout.
        assert "slow" in f["last_error"].lower(), f["last_error"]
    assert counter(run.snap(), "events") == 12
    no_poison(run, server)


# ---- the network around ---------------------------------------------------------------------------

def test_proxy_from_the_environment(tmp_path, server, runs):
    """http_proxy is honoured (the proxy here is a second server that answers itself), and
    NO_PROXY bypasses it."""
    proxy = OvhServer(hold=0.3).start()
    try:
        tok = new_token()
        proxy.add_token(tok)
        proxy.add_events(tok, scripted_calls(tok, LINE_A, 1))
        dead = "http://127.0.0.1:%d/" % server.port
        server.refuse(True)
        run = Ctiboard(tmp_path, dead, [tok], env={"http_proxy": proxy.url}).start()
        runs.append(run)
        run.wait(applied(3), "events through the proxy")
        assert run.stop() == 0
        assert proxy.requests and proxy.requests[0].token == tok

        server.refuse(False)
        server.add_events(tok, scripted_calls(tok, LINE_B, 1))
        server.add_token(tok)
        n = len(proxy.requests)
        run2 = Ctiboard(tmp_path / "bypass", server.url, [tok],
                        env={"http_proxy": proxy.url, "NO_PROXY": "127.0.0.1"})
        os.makedirs(run2.dir)
        run2.start()
        runs.append(run2)
        run2.wait(applied(3), "events without the proxy")
        assert run2.stop() == 0
        assert len(proxy.requests) == n and server.requests_of(tok)
    finally:
        proxy.stop()


def test_tls_certificate_is_verified(tmp_path, runs):
    if not shutil.which("openssl"):
        pytest.skip("no openssl to make a self-signed certificate")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    srv = OvhServer(hold=0.3, tls=(cert, key)).start()
    try:
        tok = new_token()
        srv.add_token(tok)
        srv.add_events(tok, scripted_calls(tok, LINE_A, 1))
        run = Ctiboard(tmp_path, srv.url, [tok]).start()
        runs.append(run)
        s = run.wait(lambda s: feed(s, tok)["errors"] >= 2, "refused handshakes")
        assert "certificate" in feed(s, tok)["last_error"].lower()
        assert run.stop() == 0
        assert counter(run.snap(), "events") == 0
        assert not srv.requests and srv.tls_failures >= 2
    finally:
        srv.stop()


# ---- protocol v2 ----------------------------------------------------------------------------------

V2 = ["--protocol", "v2"]


def test_v2_one_session_for_every_token(tmp_path, server, runs):
    t1, t2 = new_token(), new_token()
    server.add_events(t1, scripted_calls(t1, LINE_A, 1))
    server.add_events(t2, scripted_calls(t2, LINE_B, 1))
    run = start(runs, tmp_path, server, [t1, t2], args=V2)
    run.wait(lambda s: counter(s, "events") >= 6 and
             all(feed(s, t)["state"] == "live" for t in (t1, t2)), "both tokens live")
    server.add_events(t2, scripted_calls(t2, LINE_B, 1, first=5))
    run.wait(applied(9), "events after")
    assert run.stop() == 0
    assert counter(run.snap(), "events") == 9
    paths = [r.path for r in server.requests]
    assert server.v2_created == 1
    assert sorted(p for p in paths if "/subscribe/" in p) == sorted(
        ["/v2/session/v2s1/subscribe/" + t for t in (t1, t2)])
    assert paths.count("/v2/session/v2s1/events/poll") >= 2
    assert all(p.startswith("/v2/") for p in paths)
    assert server.connections == 1
    run.assert_no_token_written()


def test_v2_session_recreated_after_timeout_and_404(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    run = start(runs, tmp_path, server, [tok], args=V2)
    run.wait(applied(3), "first events")
    server.set_mode("v2_timeout", count=1)
    wait_until(lambda: server.v2_created >= 2, "a new session after the timeout")
    server.set_mode("v2_gone", count=1)
    wait_until(lambda: server.v2_created >= 3, "a new session after the 404")
    server.add_events(tok, scripted_calls(tok, LINE_B, 1))
    s = run.wait(lambda s: counter(s, "events") >= 6 and feed(s, tok)["state"] == "live",
                 "events on the third session")
    assert run.stop() == 0
    s = run.snap()
    assert counter(s, "events") == 6 and counter(s, "duplicates") == 0
    assert feed(s, tok)["errors"] == 1  # the 404; the timeout is an idle answer


def test_v2_refused_token_beside_an_accepted_one(tmp_path, server, runs):
    good, bad = new_token(), new_token()
    server.add_events(good, scripted_calls(good, LINE_A, 1))
    server.add_token(good)
    run = Ctiboard(tmp_path, server.url, [good, bad], args=V2).start()
    runs.append(run)
    s = run.wait(lambda s: counter(s, "events") >= 3 and feed(s, bad)["state"] == "auth_failed"
                 and feed(s, good)["state"] == "live", "one live, one refused")
    # The refused token is offered again after auth_retry_s, on the same session.
    server.add_token(bad)
    server.add_events(bad, scripted_calls(bad, LINE_B, 1))
    run.wait(lambda s: counter(s, "events") >= 6 and feed(s, bad)["state"] == "live",
             "the token accepted later")
    assert run.stop() == 0
    assert server.v2_created == 1
    subs = [r for r in server.requests if r.token == bad]
    assert [r.status for r in subs][-1] == 200 and subs[0].status == 401
    assert subs[1].t - subs[0].t >= 1.0


# ---- start-up refusals -----------------------------------------------------------------------------

def test_plain_http_to_a_remote_host_is_refused(tmp_path, runs):
    run = Ctiboard(tmp_path, "http://events.voip.ovh.net/", [new_token()]).start()
    runs.append(run)
    assert run.proc.wait(10) != 0
    run.stop()
    assert "https" in run.read("stderr")
    run.assert_no_token_written()


def test_bad_token_file_is_named_not_shown(tmp_path, server, runs):
    good, bad = new_token(), new_token()[:-1] + "Z"
    run = Ctiboard(tmp_path, server.url, [good, bad]).start()
    runs.append(run)
    assert run.proc.wait(10) != 0
    run.stop()
    err = run.read("stderr")
    assert "line 3" in err and run.token_path in err
    assert bad[:13] not in err and bad[-6:] not in err


def test_token_file_readable_by_others_is_warned(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE_A, 1))
    run = start(runs, tmp_path, server, [tok], file_mode=0o644)
    run.wait(applied(3), "events")
    assert run.stop() == 0
    err = run.read("stderr")
    assert "warning" in err and run.token_path in err
