"""The OVH API commands (ctiboard api login, ctiboard token ...) against tests/ovh_api_server.py.

The server checks every signature and refuses a timestamp that is not on its own clock, which
runs an hour away from the machine's: every passing command proves the signature and the
clock offset. Each test also proves that no secret reached stdout or stderr.
"""

import os
import re
import stat
import subprocess
import time

import pytest

from feedlib import binary, wait_until
from ovh_api_server import APP_SECRET, BILLING, CONSUMER_KEY, OvhApiServer, rule_matches

FAST = ["--set", "backoff_base_ms=50", "--set", "backoff_cap_ms=200"]


@pytest.fixture
def api():
    srv = OvhApiServer().start()
    yield srv
    srv.stop()


class Home:
    """A private HOME and XDG_CONFIG_HOME; runs the binary with the server's credentials."""

    def __init__(self, tmp_path, api):
        self.dir = str(tmp_path)
        self.api = api
        self.config = os.path.join(self.dir, "config")
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("OVH_") or k.lower().endswith("_proxy") or k == "CTIBOARD_TOKEN":
                del self.env[k]
        self.env.update(HOME=self.dir, XDG_CONFIG_HOME=self.config,
                        XDG_STATE_HOME=os.path.join(self.dir, "state"))
        self.env.update(api.environment())
        self.outputs = []
        # a generous budget keeps the suite quick; the budget's own test sets it back
        os.makedirs(os.path.join(self.config, "ctiboard"))
        with open(os.path.join(self.config, "ctiboard", "config"), "w") as fp:
            fp.write("api_max_per_min = 600\n")

    @property
    def tokens_path(self):
        return os.path.join(self.config, "ctiboard", "tokens")

    def run(self, *args, timeout=60):
        p = subprocess.run([binary(), *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout, cwd=self.dir)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def popen(self, *args):
        return subprocess.Popen([binary(), *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=self.dir)

    def assert_no_secret_shown(self, *extra):
        for out in self.outputs:
            for secret in (APP_SECRET, CONSUMER_KEY) + extra:
                assert secret not in out
                assert secret[:12] not in out


@pytest.fixture
def home(tmp_path, api):
    h = Home(tmp_path, api)
    yield h
    h.assert_no_secret_shown()


def file_tokens(path):
    with open(path) as fp:
        return [line.strip() for line in fp if line.strip() and not line.startswith("#")]


def test_token_create_list_revoke(home, api):
    p = home.run("token", "create")
    assert p.returncode == 0, p.stderr
    token = api.accounts[BILLING]["tokens"][""]
    # the whole token only in the file (0600), the last four characters on screen
    assert file_tokens(home.tokens_path) == [token]
    assert stat.S_IMODE(os.stat(home.tokens_path).st_mode) == 0o600
    assert "..." + token[-4:] in p.stdout
    assert token[:-4] not in p.stdout + p.stderr
    assert api.actions[-1] == ("POST", "", '{"expiration":"unlimited"}')

    p = home.run("token", "list")
    assert p.returncode == 0, p.stderr
    row = [line for line in p.stdout.splitlines() if line.startswith(BILLING)][0]
    assert "..." + token[-4:] in row and "in the token file" in row
    assert token[:-4] not in p.stdout
    assert len([line for line in p.stdout.splitlines() if " service " in line]) == 6

    p = home.run("token", "revoke")
    assert p.returncode == 0, p.stderr
    assert "" not in api.accounts[BILLING]["tokens"]
    assert file_tokens(home.tokens_path) == []
    assert "removed from" in p.stdout
    home.assert_no_secret_shown(token[:-4])


def test_token_for_a_service_with_an_expiration_appends(home, api):
    assert home.run("token", "create").returncode == 0
    p = home.run("token", "create", "--service", "0033972101010", "--expiration", "1d",
                 "--billing-account", BILLING)
    assert p.returncode == 0, p.stderr
    assert api.actions[-1] == ("POST", "0033972101010", '{"expiration":"1 day"}')
    assert file_tokens(home.tokens_path) == [api.accounts[BILLING]["tokens"][""],
                                             api.accounts[BILLING]["tokens"]["0033972101010"]]
    p = home.run("token", "create", "--expiration", "forever")
    assert p.returncode == 2 and "--expiration" in p.stderr
    # --service chooses the token revoke takes: that service's, the account's stays
    account = api.accounts[BILLING]["tokens"][""]
    p = home.run("token", "revoke", "--service", "0033972101010")
    assert p.returncode == 0, p.stderr
    assert "0033972101010" not in api.accounts[BILLING]["tokens"]
    assert api.accounts[BILLING]["tokens"][""] == account
    assert file_tokens(home.tokens_path) == [account]
    usage = home.run("token", "--help").stdout
    assert "revoke the billing account's token, or with --service NAME" in usage


def test_the_dashboard_reads_the_token_file_that_create_wrote(home, api):
    # without any token the dashboard says how to get one
    p = home.run("--headless", "--no-journal", "--url", "http://127.0.0.1:1/")
    assert p.returncode == 1 and "ctiboard token create" in p.stderr
    assert home.run("token", "create").returncode == 0
    token = api.accounts[BILLING]["tokens"][""]
    snap = os.path.join(home.dir, "s.json")
    proc = home.popen("--headless", "--no-journal", "--url", "http://127.0.0.1:1/",
                      "--snapshot", snap)
    try:
        wait_until(lambda: os.path.exists(snap) and token[-4:] in open(snap).read(),
                   "a feed for the token of the default file")
    finally:
        proc.terminate()
        proc.wait(5)


def test_api_login_stores_the_key_with_least_rights(home, api):
    home.env.pop("OVH_CONSUMER_KEY")
    proc = home.popen("api", "login")
    wait_until(lambda: api.pending_consumer_keys(), "a credential request")
    ck = api.pending_consumer_keys()[0]
    wait_until(lambda: api.requests("/auth/currentCredential"), "a look at the validation")
    api.validate(ck)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "https://eu.api.ovh.com/auth/?credentialToken=tok1" in out
    assert ck not in out + err and "..." + ck[-4:] in out
    conf = os.path.join(home.config, "ctiboard", "ovh.conf")
    assert open(conf).read() == "[%s]\nconsumer_key = %s\n" % (api.url, ck)
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o600
    rules = {(r["method"], r["path"]) for r in api.credential_requests[0]["accessRules"]}
    assert ("GET", "/telephony/*") in rules
    assert all(m == "GET" or p.endswith("/eventToken") for m, p in rules)
    # the stored key works: the next command signs with it
    p = home.run("token", "list")
    assert p.returncode == 0, p.stderr
    assert api.requests("/telephony")[-1]["signed"]


def test_api_login_with_actions_into_the_existing_ovh_conf(home, api):
    for k in ("OVH_CONSUMER_KEY", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET"):
        home.env.pop(k)
    conf = os.path.join(home.dir, ".ovh.conf")
    with open(conf, "w") as fp:
        fp.write("[default]\nendpoint = %s\n\n[%s]\napplication_key = %s\n"
                 "application_secret = %s\n" % (api.url, api.url, api.app_key, APP_SECRET))
    os.chmod(conf, 0o600)
    home.env.pop("OVH_ENDPOINT")
    proc = home.popen("api", "login", "--actions")
    wait_until(lambda: api.pending_consumer_keys(), "a credential request")
    ck = api.pending_consumer_keys()[0]
    api.validate(ck)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    text = open(conf).read()
    assert text.endswith("application_secret = %s\nconsumer_key = %s\n" % (APP_SECRET, ck))
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o600
    rules = {(r["method"], r["path"]) for r in api.credential_requests[0]["accessRules"]}
    assert ("PUT", "/telephony/*/hunting/agent/*") in rules
    assert ("POST", "/telephony/*/hunting/queue/*/liveCalls/*/whisper") in rules
    # every path the supervisor's actions use is granted, by the rules asked and no wider
    base = "/telephony/%s/easyHunting/0033972200000/hunting" % BILLING
    for method, path in [("PUT", base + "/agent/42"),
                         ("POST", base + "/queue/7/liveCalls/1234/eavesdrop"),
                         ("POST", base + "/queue/7/liveCalls/1234/whisper"),
                         ("POST", base + "/queue/7/liveCalls/1234/hangup"),
                         ("GET", base + "/queue/7/liveCalls/1234")]:
        assert any(m == method and rule_matches(p, path) for m, p in rules), (method, path)
    assert not any(m == "POST" and rule_matches(p, base + "/queue/7/liveCalls/1234/transfer")
                   for m, p in rules)
    home.assert_no_secret_shown(ck)


def test_api_login_refused_stores_nothing(home, api):
    # OVH answers 403 INVALID_CREDENTIAL to a key not validated (refused or not yet): the
    # command waits until --wait, then gives up without storing anything
    home.env.pop("OVH_CONSUMER_KEY")
    proc = home.popen("api", "login", "--wait", "3")
    wait_until(lambda: api.pending_consumer_keys(), "a credential request")
    api.validate(api.pending_consumer_keys()[0], state="refused")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "not validated after 3 s" in err
    assert not os.path.exists(os.path.join(home.config, "ctiboard", "ovh.conf"))


def test_without_an_application_the_message_says_what_to_do(home, api):
    for k in ("OVH_CONSUMER_KEY", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET"):
        home.env.pop(k)
    p = home.run("api", "login")
    assert p.returncode == 1
    assert "createApp" in p.stderr and "application_secret" in p.stderr
    home.env.update(api.environment(consumer_key=False))
    p = home.run("token", "list")
    assert p.returncode == 1 and "ctiboard api login" in p.stderr


def test_a_wrong_secret_is_an_invalid_signature(home, api):
    home.env["OVH_APPLICATION_SECRET"] = "WrongSecretWrongSecretWrongSecre"
    p = home.run("token", "list")
    assert p.returncode == 1
    assert "HTTP 400 INVALID_SIGNATURE: Invalid signature" in p.stderr
    assert "(query EU.ext-3.test." in p.stderr
    home.assert_no_secret_shown("WrongSecretWrongSecret")


def test_the_server_clock_is_measured_and_measured_again(home, api):
    api.skew = -7200
    assert home.run("token", "list").returncode == 0
    assert len(api.requests("/auth/time")) == 1
    # the clock moves: the next signed call is refused once, measured again, then passes
    api.fail(400, path="/telephony", message="Query out of time", code="QUERY_TIME_OUT")
    p = home.run("token", "create")
    assert p.returncode == 0, p.stderr
    assert len(api.requests("/auth/time")) == 3


@pytest.mark.parametrize("style,shown", [("legacy", "HTTP 403 NOT_GRANTED_CALL"),
                                         ("class", "HTTP 403 Client::Forbidden")])
def test_both_error_shapes(home, api, style, shown):
    api.fail(403, path="/eventToken", style=style, message="This call has not been granted",
             code="NOT_GRANTED_CALL")
    p = home.run("token", "create")
    assert p.returncode == 1
    assert shown + ": This call has not been granted" in p.stderr
    if style == "legacy":
        assert "ctiboard api login" in p.stderr  # the missing right, and how to get it


def test_a_secret_echoed_by_the_server_is_redacted(home, api):
    api.fail(403, path="/telephony", code="INVALID_CREDENTIAL",
             message="credential %s is not valid" % CONSUMER_KEY)
    p = home.run("token", "list")
    assert p.returncode == 1
    assert "*" * 8 + CONSUMER_KEY[-4:] in p.stderr
    assert "run 'ctiboard api login'" in p.stderr


def test_429_waits_for_retry_after_then_passes(home, api):
    api.fail(429, path="/telephony", retry_after=1)
    t0 = time.monotonic()
    p = home.run("token", "list", *FAST)
    assert p.returncode == 0, p.stderr
    assert [r["status"] for r in api.requests("/1.0/telephony")][:2] == [429, 200]
    assert time.monotonic() - t0 >= 1.0  # Retry-After was honoured


def test_429_without_retry_after_backs_off(home, api):
    api.fail(429, path="/telephony", count=2)
    p = home.run("token", "list", *FAST)
    assert p.returncode == 0, p.stderr
    assert [r["status"] for r in api.requests("/1.0/telephony")][:3] == [429, 429, 200]


def test_a_retry_after_too_long_is_an_error_at_once(home, api):
    api.fail(429, path="/telephony", retry_after=3600, message="Too many requests")
    p = home.run("token", "list", *FAST)
    assert p.returncode == 1
    assert "HTTP 429" in p.stderr and "Too many requests" in p.stderr
    assert len(api.requests("/1.0/telephony")) == 1


def test_5xx_is_retried_a_few_times_then_reported(home, api):
    api.fail(503, path="/telephony", count=2)
    assert home.run("token", "list", *FAST).returncode == 0
    api.log.clear()
    api.fail(503, path="/telephony", count=10)
    p = home.run("token", "list", *FAST)
    assert p.returncode == 1
    assert "HTTP 503" in p.stderr and "Service is temporarily unavailable" in p.stderr
    assert len(api.requests("/1.0/telephony")) == 4  # the attempts, then the error


def test_a_slow_answer_times_out(home, api):
    api.slow(2.5, path="/telephony", count=10)
    p = home.run("token", "list", "--set", "api_timeout_s=1", *FAST)
    assert p.returncode == 1
    assert "timed out" in p.stderr


def test_plain_http_to_a_remote_endpoint_is_refused(home, api):
    home.env["OVH_ENDPOINT"] = "http://api.example.com/1.0"
    p = home.run("token", "list")
    assert p.returncode == 1 and "use https" in p.stderr
    assert not api.log


def test_an_ovh_conf_others_can_read_gets_a_warning(home, api):
    for k in ("OVH_CONSUMER_KEY", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET"):
        home.env.pop(k)
    conf = os.path.join(home.dir, ".ovh.conf")
    with open(conf, "w") as fp:
        fp.write("[%s]\napplication_key = %s\napplication_secret = %s\nconsumer_key = %s\n"
                 % (api.url, api.app_key, APP_SECRET, CONSUMER_KEY))
    os.chmod(conf, 0o644)
    p = home.run("token", "list")
    assert p.returncode == 0, p.stderr
    assert re.search(r"warning: .*\.ovh\.conf holds OVH secrets and is readable by other users",
                     p.stderr)
    assert "chmod 600" in p.stderr


def test_a_bad_ovh_conf_is_named_with_its_line(home, api):
    conf = os.path.join(home.dir, ".ovh.conf")
    with open(conf, "w") as fp:
        fp.write("[default]\nendpoint ovh-eu\n")
    p = home.run("token", "list")
    assert p.returncode == 1
    assert ".ovh.conf:2: expected key = value" in p.stderr


def test_requests_are_spread_within_the_budget(home, api):
    # 50 a minute: a burst of 5, then one every 1.2 s at most
    p = home.run("token", "list", "--set", "api_max_per_min=50")
    assert p.returncode == 0, p.stderr
    times = [r["t"] for r in api.requests()]
    assert len(times) == 10
    # the server sees arrivals, which lag the client's sends by a connection's latency: half
    # a second of it is allowed for the first request
    for i in range(5, len(times)):
        assert times[i] - times[0] >= (i - 4) * 1.2 - 0.5


def test_every_request_is_signed_but_the_clock(home, api):
    assert home.run("token", "list").returncode == 0
    reqs = api.requests()
    assert all(r["signed"] for r in reqs if "/auth/" not in r["path"])
    assert not any(r["signed"] for r in api.requests("/auth/time"))
    assert all(r["content_type"] is None for r in reqs if r["method"] == "GET")
