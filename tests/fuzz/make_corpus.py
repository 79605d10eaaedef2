#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Seeds come from the sample day (tests/data/day.jsonl), the shapes of protocol.md section 7,
the V2 array, and hand-written edge cases for each parser. Deterministic: run it again and the
files are the same. Files whose names start with "crash-" are regressions found by fuzzing and
are never touched here.

Run: python3 tests/fuzz/make_corpus.py
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DAY = os.path.join(REPO, "tests", "data", "day.jsonl")

TOKEN = "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB"
RINGING = {"Event": "start_ringing", "Token": TOKEN, "Service": "sip",
           "Ressource": "0033972101010", "Timestamp": 1764151200123456789,
           "Date": "2025-11-26T11:00:00.123456 (CET)",
           "Data": {"Billing": "0033972101010", "Body": "SIP/2.0 180 Ringing",
                    "CallId": "a84c1e-77-sip4.ovh.fr", "Called": "0033972101010",
                    "Calling": "0033612121212", "Cseq": "102 INVITE",
                    "Dialed": "0033972101010", "Event": "start_ringing", "Protocol": "sip",
                    "RelevantInfo": "", "Ts": "1764151200.123", "TsGet": 1764151200125000000},
           "Details": {"Description": "Accueil", "Id": "3001", "IdBillingAccount": "77",
                       "SimultaneousLine": "2", "Type": "sipCirpack"}}
BRIDGE = {"Event": "bridge-agent-start", "Token": TOKEN, "Service": "queues",
          "Ressource": "0033972200000", "Timestamp": 1764151260000000000,
          "Date": "2025-11-26T11:01:00.000000 (CET)",
          "Data": {"Action": "bridge-agent-start", "Agent": "0033972101011",
                   "Calling": "0033655443322", "Protocol": "sip", "Queue": "0033972200000",
                   "QueueAgent": "agent_0033972101011_12", "QueueAgentSystem": "single_box",
                   "QueueAgentUUID": "6f1c...", "QueueAgentCalledTime": "1764151255",
                   "QueueAgentAnsweredTime": "1764151260",
                   "QueueMemberJoinedTime": "1764151231", "QueueMemberUUID": "0b2e...",
                   "QueueMemberSessionUUID": "91aa...", "QueueMemberCIDName": "+33655443322",
                   "QueueMemberCIDNumber": "0655443322", "QueueMemberDNIS": "",
                   "Ts": "1764151260"},
          "Details": {"Description": "Support", "Id": "4001", "IdBillingAccount": "77",
                      "SimultaneousLine": "0", "Type": "easyHunting"}}


def lower_keys(ev):
    """The V2 spelling: lower-case top-level keys."""
    return {k.lower(): v for k, v in ev.items()}


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as fp:
        fp.write(data)


def clean(target):
    d = os.path.join(HERE, "corpus", target)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if not f.startswith("crash-"):
                os.unlink(os.path.join(d, f))


def envelope(events, session="k3j4"):
    return json.dumps({"Session": session, "Message": "", "Events": events},
                      separators=(",", ":"))


def ingest_seeds(day):
    out = {}
    # every line of the sample day alone, and the whole day as a sequence of bodies
    for i, line in enumerate(day):
        out["day-%02d" % i] = line
    out["day-all"] = "\n".join(day)
    out["v1-ringing"] = envelope([RINGING])
    out["v1-bridge"] = envelope([BRIDGE])
    out["v1-two"] = envelope([RINGING, BRIDGE], "k3j5")
    out["v1-empty"] = envelope([])
    out["v1-no-events"] = '{"Session":"s","Message":""}'
    out["v1-null-events"] = '{"Session":"s","Message":"","Events":null}'
    out["v2-array"] = json.dumps([lower_keys(RINGING), lower_keys(BRIDGE)])
    out["bare-event"] = json.dumps(RINGING)
    ts_number = json.loads(json.dumps(RINGING))
    ts_number["Data"]["Ts"] = 1764151200.123
    out["ts-number"] = json.dumps(ts_number)
    # a call's whole life on one line, then one in a queue
    call = []
    for k, kind in enumerate(("start_ringing", "end_ringing", "start_calling", "start_hold",
                              "end_hold", "end_calling")):
        ev = json.loads(json.dumps(RINGING))
        ev["Event"] = ev["Data"]["Event"] = kind
        ev["Timestamp"] += k * 10**9
        call.append(envelope([ev], "c%d" % k))
    out["call-life"] = "\n".join(call)
    out["html"] = "<html><body>502 Bad Gateway</body></html>"
    out["v2-timeout"] = "Timeout, please reconnect"
    out["big-timestamp"] = json.dumps(RINGING).replace("1764151200123456789",
                                                        "99999999999999999999999")
    ts_edge = json.loads(json.dumps(RINGING))
    ts_edge["Data"]["Ts"] = "9223372036.999999999"
    out["ts-int64-edge"] = json.dumps(ts_edge)
    out["control-chars"] = json.dumps(RINGING).replace(
        '"Accueil"', '"\\u001b[31mAcc\\u0000ueil\\u202e\\ud83d\\ude00"')
    out["truncated"] = envelope([RINGING])[:150]
    out["unknown-kind"] = envelope([dict(RINGING, Event="agent-status-change")])
    return out


def replay_seeds(day):
    body = "\n".join(day) + "\n"
    out = {"day": body,
           "day-crlf": body.replace("\n", "\r\n"),
           "day-blank-lines": "\n\n" + "\n\n".join(day) + "\n   \n",
           "day-bad-line": "\n".join(day[:5] + ["{not json"] + day[5:10]) + "\n",
           "day-no-final-newline": "\n".join(day[:6]),
           "envelopes": envelope([RINGING]) + "\n" + envelope([BRIDGE]) + "\n",
           "no-received": json.dumps(RINGING) + "\n" + json.dumps(BRIDGE) + "\n",
           "received-first": '{"Received":1764151200000000000,"Event":"registered"}\n',
           "received-string": '{"Event":"registered","Received":"12"}\n',
           "long-line": '{"Event":"x","Data":{"Body":"' + "A" * 70000 + '"}}\n',
           "empty": ""}
    return out


CONFIG = [
    "# supervisor settings\nsl_target_s = 30\n  sl_formula=answered_only  \n\n"
    "shift_start = 06:30\nnames_file = \"/etc/ctiboard/names.csv\"\ncolor = no\n"
    "token = abcdefab-cdef-abcd-efab-cdefabcdefab\nkiosk = locked\n",
    "sl_target_s = 30\ncolour = yes\n",
    "sl_target_s = 30\n\nsl_target_s = soon\n",
    "sl_target_s = 30\nshift_start = 25:00\n",
    "just words\n",
    "bell = maybe\n",
    "hold_s = 2\nbody_cap_bytes = 1048576\nbackoff_base_ms = 50\nbackoff_cap_ms = 400\n"
    "url = http://127.0.0.1:8080/\nprotocol = v2\ntoken_file = /run/secrets/ovh\n",
    "max_lines = 5000\nmax_queues = 500\nalert_sl_warn = 80\nalert_sl_crit = 60\n"
    "journal = false\njournal_dir = \"/var/lib/ctiboard\"\nrotate_s = 10\nwallboard = yes\n",
    "sl_target_s = 99999999999999999999\n",
    "names_file = \"unterminated\n",
]
NAMES = [
    "\xef\xbb\xbfnumber,name\n# the reception desk\n\n0033972101010,Accueil\n"
    "+33 9 72 10 10 11 , \"Doe, Jane\"\r\n06 12 12 12 12,\"Say \"\"hi\"\"\"\n"
    "   # indented comment\n0033972101012,Old name\n0033972101012,New name\n"
    "0033972101013,Zo\u00eb \u00dcnicode\n",
    "0033972101010,\"unterminated\n",
    "no comma here\n",
    ",empty number\n",
    "0033972101010,\x1b[31mred\x07\n",
]


def config_seeds():
    out = {}
    for i, text in enumerate(CONFIG):
        out["config-%02d" % i] = b"\x00" + text.encode()
    for i, text in enumerate(NAMES):
        out["names-%02d" % i] = b"\x01" + text.encode()
    return out


def main():
    with open(DAY) as fp:
        day = [l.rstrip("\n") for l in fp if l.strip()]
    for target, seeds in (("fuzz_ingest", ingest_seeds(day)),
                          ("fuzz_replay", replay_seeds(day)),
                          ("fuzz_config", config_seeds())):
        clean(target)
        for name, data in seeds.items():
            write(target, name, data)
        print("%s: %d seeds" % (target, len(seeds)))


if __name__ == "__main__":
    main()
