"""The core through the real binary: replay, snapshot, command line and configuration."""
import json
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = os.environ.get("CTIBOARD_BIN", str(ROOT / "ctiboard"))
DAY = HERE / "data" / "day.jsonl"


def run(*args, env=None, timeout=30):
    e = dict(os.environ, TZ="Europe/Paris", XDG_CONFIG_HOME="/nonexistent",
             XDG_STATE_HOME="/nonexistent")
    e.pop("CTIBOARD_TOKEN", None)
    e.update(env or {})
    return subprocess.run([BIN, *args], env=e, capture_output=True, text=True,
                          timeout=timeout)


def replay(tmp_path, journal=DAY, *extra, env=None):
    out = tmp_path / "snapshot.json"
    r = run("--replay", str(journal), "--speed", "0", "--headless", "--snapshot", str(out),
            *extra, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text()), r


def by(items, key, value):
    return next(i for i in items if i[key] == value)


def test_sample_day_gives_the_figures_computed_by_hand(tmp_path):
    snap, _ = replay(tmp_path)
    assert snap["now_iso"].startswith("2025-11-26T11:00:00")
    assert snap["counters"]["events"] == 47
    assert snap["counters"]["duplicates"] == 1
    assert snap["counters"]["unknown"] == 1
    assert snap["counters"]["malformed"] == 0
    assert snap["counters"]["registered"] == 4

    support = by(snap["queues"], "description", "Support")
    # M1 waits 10 s, M2 40 s (answered); M3 abandons at 30 s, M4 at 3 s (short), M5 times
    # out; M6 is still waiting since 10:59:00
    assert support["waiting"] == 1
    assert support["longest_wait_s"] == 60
    t = support["today"]
    assert (t["offered"], t["answered"], t["abandoned"]) == (6, 2, 1)
    assert (t["short_abandoned"], t["timed_out"]) == (1, 1)
    assert t["abandon_rate"] == pytest.approx(1 / 3, abs=0.001)   # 1 / (2 + 1)
    assert t["service_level"] == pytest.approx(1 / 3, abs=0.001)  # M1 only, / (2 + 1)
    assert t["avg_wait_s"] == 25   # (10 + 40) / 2
    assert t["avg_talk_s"] == 210  # (300 + 120) / 2
    assert t["worst_wait_s"] == 300
    assert [m["state"] for m in support["members"]] == ["waiting"]

    ventes = by(snap["queues"], "description", "Ventes")
    t = ventes["today"]
    assert (t["offered"], t["answered"], t["abandoned"]) == (2, 1, 1)
    assert t["service_level"] == pytest.approx(0.5)
    assert (t["avg_wait_s"], t["avg_talk_s"]) == (15, 360)

    accueil = by(snap["lines"], "description", "Accueil")
    assert accueil["state"] == "ringing"
    assert accueil["today"] == {"calls_in": 3, "calls_out": 1, "answered": 1, "missed": 1,
                                "talk_s": 480}
    assert accueil["calls"][0]["direction"] == "in"
    direction = by(snap["lines"], "description", "Direction")
    assert direction["state"] == "in_call"
    assert direction["calls"][0]["duration_s"] == 120


def test_replay_is_the_same_in_a_decimal_comma_locale(tmp_path):
    locpath = ROOT / "build" / "locale"
    if not (locpath / "fr_FR.UTF-8").exists():
        pytest.fail("make check builds build/locale/fr_FR.UTF-8 first")
    plain, _ = replay(tmp_path)
    french, _ = replay(tmp_path, DAY, env={"LC_ALL": "fr_FR.UTF-8", "LOCPATH": str(locpath)})
    assert french["queues"] == plain["queues"]
    assert french["lines"] == plain["lines"]


def test_a_malformed_line_is_reported_with_its_number_and_skipped(tmp_path):
    lines = DAY.read_text().splitlines()
    lines.insert(2, '{"Event": "start_ringing", "Ressource": ')
    lines.insert(5, '{"Event": "start_calling", "Ressource": "0033972101010", "Data": "x"}')
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    snap, r = replay(tmp_path, bad)
    assert f"{bad}:3:" in r.stderr
    assert f"{bad}:6:" in r.stderr
    assert snap["counters"]["malformed"] == 2
    assert snap["counters"]["events"] == 47  # the rest of the day is all there


def test_help_version_and_bad_options():
    r = run("--help")
    assert r.returncode == 0 and "--replay FILE" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("ctiboard ")
    r = run("--frobnicate")
    assert r.returncode == 2
    assert "unknown option '--frobnicate'" in r.stderr and "--help" in r.stderr
    r = run("--set", "sl_target_s=soon", "--demo")
    assert r.returncode == 2 and "sl_target_s" in r.stderr
    r = run("--speed", "fast", "--replay", str(DAY))
    assert r.returncode == 2 and "--speed" in r.stderr


def test_a_token_is_never_taken_from_the_command_line():
    r = run("--token", "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB")
    assert r.returncode == 2
    assert "CDEFABCDEFAB" not in r.stderr
    assert "CTIBOARD_TOKEN" in r.stderr
    # nor through --set, which takes any configuration key
    r = run("--set", "token=ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB", "--demo", "--headless",
            "--demo-duration", "1")
    assert r.returncode == 2
    assert "CDEFABCDEFAB" not in r.stderr
    assert "CTIBOARD_TOKEN" in r.stderr
    r = run("--set", "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB")
    assert r.returncode == 2
    assert "CDEFABCDEFAB" not in r.stderr


def test_no_token_says_how_to_get_going():
    r = run("--headless")
    assert r.returncode == 1
    assert "no token" in r.stderr and "--demo" in r.stderr


def test_a_bad_configuration_names_file_and_line(tmp_path):
    conf = tmp_path / "config"
    conf.write_text("sl_target_s = 30\nservice_level = 80\n")
    r = run("--config", str(conf), "--demo")
    assert r.returncode == 1
    assert f"{conf}:2: unknown key 'service_level'" in r.stderr


def test_configuration_changes_the_figures(tmp_path):
    conf = tmp_path / "config"
    conf.write_text("sl_target_s = 45\nsl_formula = answered_only\n")
    snap, _ = replay(tmp_path, DAY, "--config", str(conf))
    t = by(snap["queues"], "description", "Support")["today"]
    assert t["service_level"] == pytest.approx(1.0)  # both answers within 45 s, / answered
    assert t["service_level_target_s"] == 45
