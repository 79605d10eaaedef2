"""The callers to call back through the real binary: the snapshot's `callbacks` array, and the
list rebuilt from the journal on restart, across midnight, within callback_window_h."""
import json
import os
import subprocess
import time
from pathlib import Path

from callgen import CAMILLE, MARIE, SUPPORT, VENTES, ACCUEIL, Journal, callbacks_day
from feedlib import Ctiboard, counter, new_token
from ovh_server import OvhServer

HERE = Path(__file__).resolve().parent
BIN = os.environ.get("CTIBOARD_BIN", str(HERE.parent / "ctiboard"))
FIELDS = ["caller", "display", "queue", "left_at", "wait_s", "outcome", "tries", "status",
          "closed_by", "closed_at"]


def replay(tmp_path, journal):
    path, out = tmp_path / "j.jsonl", tmp_path / "s.json"
    journal.write(path)
    env = dict(os.environ, TZ="Europe/Paris", XDG_CONFIG_HOME="/nonexistent")
    r = subprocess.run([BIN, "--replay", str(path), "--speed", "0", "--headless",
                        "--no-journal", "--snapshot", str(out)], env=env, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


def test_snapshot_lists_every_caller_to_call_back(tmp_path):
    snap = replay(tmp_path, callbacks_day())
    cbs = snap["callbacks"]
    for c in cbs:
        assert list(c) == FIELDS
    by = {c["caller"]: c for c in cbs}
    assert len(cbs) == 7  # the answered caller has no entry
    # open ones first, oldest first; then closed ones, the latest closed first
    assert [c["status"] for c in cbs] == ["open"] * 4 + ["called_in", "called_in", "called_back"]
    assert [c["left_at"] for c in cbs[:4]] == sorted(c["left_at"] for c in cbs[:4])
    jean = by["0033612345678"]
    assert jean == {"caller": "0033612345678", "display": "Jean Petit", "queue": SUPPORT,
                    "left_at": jean["left_at"], "wait_s": 70, "outcome": "abandoned",
                    "tries": 1, "status": "called_back", "closed_by": CAMILLE,
                    "closed_at": jean["left_at"] + 418}
    sophie = by["0033698765432"]  # a call back nobody answered leaves it open
    assert (sophie["outcome"], sophie["status"], sophie["closed_by"], sophie["closed_at"]) == \
        ("timed_out", "open", None, None)
    key = by["0033655500011"]
    assert (key["outcome"], key["tries"], key["queue"], key["display"]) == \
        ("left_by_key", 2, VENTES, "+33 6 55 50 00 11")
    assert by["0033677700077"]["outcome"] == "short_abandoned"
    assert (by["0033611223344"]["status"], by["0033611223344"]["closed_by"]) == \
        ("called_in", MARIE)
    assert (by["0033622334455"]["status"], by["0033622334455"]["closed_by"]) == \
        ("called_in", ACCUEIL)


def test_the_list_is_rebuilt_from_the_journal_on_restart(tmp_path):
    now = int(time.time())
    journal = tmp_path / "journal"
    journal.mkdir()
    token = new_token()
    # yesterday's file: one caller 20 h ago (inside the 24 h window), one 30 h ago (outside)
    old = Journal()
    old.abandoned(SUPPORT, "y1", "0611111111", "Dans la fenêtre", now - 20 * 3600,
                  now - 20 * 3600 + 50)
    old.abandoned(SUPPORT, "y2", "0622222222", "Trop ancien", now - 30 * 3600,
                  now - 30 * 3600 + 50)
    new = Journal()
    new.abandoned(VENTES, "t1", "0633333333", "", now - 600, now - 540)
    new.abandoned(VENTES, "t2", "0644444444", "", now - 500, now - 440)
    new.outbound(CAMILLE, "c1", "+33644444444", now - 300, answered=True, talk=30)
    # the files are named by local day; UTC keeps the test's arithmetic plain
    for j in (old, new):
        for ev in j.events:
            day = time.strftime("%Y-%m-%d.jsonl", time.gmtime(ev["Timestamp"] // 10**9))
            with open(journal / day, "a") as f:
                f.write(json.dumps(ev) + "\n")
    server = OvhServer([token], hold=0.3).start()
    server.refuse(True)  # nothing from the feed: the list comes from the journal alone
    run = Ctiboard(tmp_path, server.url, [token], journal=True, env={"TZ": "UTC"})
    try:
        run.start()
        total = len(old.events) + len(new.events)
        snap = run.wait(lambda s: counter(s, "events") == total, "the journal's %d events" % total)
        assert run.stop() == 0
    finally:
        run.kill()
        server.stop()
    by = {c["caller"]: c for c in snap["callbacks"]}
    assert set(by) == {"0033611111111", "0033633333333", "0033644444444"}
    assert by["0033611111111"]["status"] == "open"
    assert by["0033611111111"]["left_at"] == now - 20 * 3600 + 50
    assert by["0033633333333"]["status"] == "open"
    assert (by["0033644444444"]["status"], by["0033644444444"]["closed_by"]) == \
        ("called_back", CAMILLE)


def test_window_setting_shortens_the_list(tmp_path):
    j = callbacks_day()
    path, out = tmp_path / "j.jsonl", tmp_path / "s.json"
    j.write(path)
    # an event 2 h after the last one moves the replay clock past a 1 h window
    later = Journal()
    last = max(e["Timestamp"] for e in j.events) // 10**9
    later.line("registered", last + 7200, ACCUEIL, "", ACCUEIL, ACCUEIL)
    with open(path, "a") as f:
        f.write(later.text())
    env = dict(os.environ, TZ="Europe/Paris", XDG_CONFIG_HOME="/nonexistent")
    r = subprocess.run([BIN, "--replay", str(path), "--speed", "0", "--headless",
                        "--no-journal", "--set", "callback_window_h=1", "--snapshot",
                        str(out)], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["callbacks"] == []
