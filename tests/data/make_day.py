#!/usr/bin/env python3
"""Write tests/data/day.jsonl: a small call-centre morning (Europe/Paris, 2025-11-26) in the
journal format, whose figures can be checked by hand (see EXPECTED below and the README).

Run: python3 tests/data/make_day.py > tests/data/day.jsonl
"""
import json
import sys
from datetime import datetime, timedelta, timezone

PARIS = timezone(timedelta(hours=1))  # CET, no DST change on that day
TOKEN = "...CDAB"  # the journal keeps only the redacted token
BILLING = "77"


def at(hms):
    h, m, s = (int(x) for x in hms.split(":"))
    return datetime(2025, 11, 26, h, m, s, tzinfo=PARIS)


events = []


def line_event(kind, t, line, call_id, calling, called, desc, **extra):
    ts = int(t.timestamp())
    data = {"Billing": line, "Body": "", "CallId": call_id, "Called": called,
            "Calling": calling, "Cseq": "", "Dialed": called, "Event": kind,
            "Protocol": "sip", "RelevantInfo": "", "Ts": "%d.000" % ts,
            "TsGet": ts * 10**9 + 2_000_000}
    data.update(extra)
    events.append({"Event": kind, "Token": TOKEN, "Service": "sip", "Ressource": line,
                   "Timestamp": ts * 10**9 + 123456789,
                   "Date": t.strftime("%Y-%m-%dT%H:%M:%S.123456 (CET)"),
                   "Data": data,
                   "Details": {"Description": desc, "Id": "30" + line[-2:],
                               "IdBillingAccount": BILLING, "SimultaneousLine": "2",
                               "Type": "sipCirpack"}})


def queue_event(kind, t, queue, desc, member, caller, **data):
    ts = int(t.timestamp())
    d = {"Action": kind, "Calling": caller, "Protocol": "sip", "Queue": queue,
         "Ts": str(ts)}
    if member:
        d.update({"QueueMemberUUID": member, "QueueMemberSessionUUID": member + "-s",
                  "QueueMemberCIDName": caller, "QueueMemberCIDNumber": caller})
    d.update({k: str(v) for k, v in data.items()})
    events.append({"Event": kind, "Token": TOKEN, "Service": "queues", "Ressource": queue,
                   "Timestamp": ts * 10**9, "Date": t.strftime("%Y-%m-%dT%H:%M:%S.000000 (CET)"),
                   "Data": d,
                   "Details": {"Description": desc, "Id": "40" + queue[-2:],
                               "IdBillingAccount": BILLING, "SimultaneousLine": "0",
                               "Type": "easyHunting"}})


ACCUEIL, MARIE, PAUL, DIRECTION = ("0033972101010", "0033972101011", "0033972101012",
                                   "0033972101013")
SUPPORT, VENTES = "0033972200000", "0033972200001"
DESC = {ACCUEIL: "Accueil", MARIE: "Marie Dupont", PAUL: "Paul Martin", DIRECTION: "Direction"}


def secs(a, b):
    return int((at(b) - at(a)).total_seconds())


# registrations
for i, line in enumerate((ACCUEIL, MARIE, PAUL, DIRECTION)):
    line_event("registered", at("08:55:0%d" % i), line, "", line, line, DESC[line],
               Body="SIP/2.0 200 OK", Cseq="181 REGISTER")

# Accueil: answered inbound call (talk 180 s)
line_event("start_ringing", at("09:00:00"), ACCUEIL, "call-a", "0612121212", ACCUEIL, "Accueil")
line_event("end_ringing", at("09:00:05"), ACCUEIL, "call-a", "0612121212", ACCUEIL, "Accueil")
line_event("start_calling", at("09:00:05"), ACCUEIL, "call-a", "0612121212", ACCUEIL, "Accueil")
line_event("end_calling", at("09:03:05"), ACCUEIL, "call-a", "0612121212", ACCUEIL, "Accueil")
# Accueil: missed inbound call (rang 20 s, nobody picked up)
line_event("start_ringing", at("09:10:00"), ACCUEIL, "call-b", "0033655443322", ACCUEIL, "Accueil")
line_event("end_ringing", at("09:10:20"), ACCUEIL, "call-b", "0033655443322", ACCUEIL, "Accueil")
# Accueil: outbound call with no ringing event (talk 300 s)
line_event("start_calling", at("09:20:00"), ACCUEIL, "call-c", ACCUEIL, "0033144556677", "Accueil")
line_event("end_calling", at("09:25:00"), ACCUEIL, "call-c", ACCUEIL, "0033144556677", "Accueil")

# Support: M1 answered in 10 s by Marie, talk 300 s
queue_event("member-queue-start", at("09:30:00"), SUPPORT, "Support", "m1", "0611111111",
            Count=1, QueueMemberJoinedTime=int(at("09:30:00").timestamp()))
queue_event("members-count", at("09:30:00"), SUPPORT, "Support", None, "0611111111", Count=1)
queue_event("agent-offering", at("09:30:02"), SUPPORT, "Support", "m1", "0611111111",
            Agent=MARIE, QueueAgent="agent_%s_12" % MARIE)
bridge_m1 = dict(Agent=MARIE, QueueAgent="agent_%s_12" % MARIE,
                 QueueAgentAnsweredTime=int(at("09:30:10").timestamp()),
                 QueueMemberJoinedTime=int(at("09:30:00").timestamp()))
queue_event("bridge-agent-start", at("09:30:10"), SUPPORT, "Support", "m1", "0611111111",
            **bridge_m1)
queue_event("bridge-agent-start", at("09:30:10"), SUPPORT, "Support", "m1", "0611111111",
            **bridge_m1)  # the same event again (overlapping tokens): a duplicate
queue_event("members-count", at("09:30:10"), SUPPORT, "Support", None, "0611111111", Count=0)
queue_event("bridge-agent-end", at("09:35:10"), SUPPORT, "Support", "m1", "0611111111",
            Agent=MARIE, QueueHangupCause="NORMAL_CLEARING",
            QueueAgentAnsweredTime=int(at("09:30:10").timestamp()),
            QueueBridgeTerminatedTime=int(at("09:35:10").timestamp()))
queue_event("member-queue-end", at("09:35:10"), SUPPORT, "Support", "m1", "0611111111",
            QueueCause="Terminated", QueueMemberJoinedTime=int(at("09:30:00").timestamp()),
            QueueMemberLeavingTime=int(at("09:35:10").timestamp()))

# Support: M2 offered to Paul who fails, answered by Marie after 40 s, talk 120 s
queue_event("member-queue-start", at("09:40:00"), SUPPORT, "Support", "m2", "+33622222222",
            Count=1, QueueMemberJoinedTime=int(at("09:40:00").timestamp()))
queue_event("agent-offering", at("09:40:05"), SUPPORT, "Support", "m2", "+33622222222",
            Agent=PAUL, QueueAgent="agent_%s_12" % PAUL)
queue_event("bridge-agent-fail", at("09:40:20"), SUPPORT, "Support", "m2", "+33622222222",
            Agent=PAUL, QueueHangupCause="NO_ANSWER",
            QueueMemberJoinedTime=int(at("09:40:00").timestamp()))
queue_event("agent-offering", at("09:40:25"), SUPPORT, "Support", "m2", "+33622222222",
            Agent=MARIE, QueueAgent="agent_%s_12" % MARIE)
queue_event("bridge-agent-start", at("09:40:40"), SUPPORT, "Support", "m2", "+33622222222",
            Agent=MARIE, QueueAgentAnsweredTime=int(at("09:40:40").timestamp()),
            QueueMemberJoinedTime=int(at("09:40:00").timestamp()))
queue_event("bridge-agent-end", at("09:42:40"), SUPPORT, "Support", "m2", "+33622222222",
            Agent=MARIE, QueueAgentAnsweredTime=int(at("09:40:40").timestamp()),
            QueueBridgeTerminatedTime=int(at("09:42:40").timestamp()))
queue_event("member-queue-end", at("09:42:40"), SUPPORT, "Support", "m2", "+33622222222",
            QueueCause="Terminated", QueueMemberJoinedTime=int(at("09:40:00").timestamp()),
            QueueMemberLeavingTime=int(at("09:42:40").timestamp()))

# Support: M3 abandons after 30 s, M4 after 3 s (short), M5 removed after 300 s (timeout)
for member, caller, joined, left, reason in (("m3", "0633333333", "09:50:00", "09:50:30", ""),
                                             ("m4", "0644444444", "10:00:00", "10:00:03", ""),
                                             ("m5", "0655555555", "10:10:00", "10:15:00",
                                              "TIMEOUT")):
    queue_event("member-queue-start", at(joined), SUPPORT, "Support", member, caller, Count=1,
                QueueMemberJoinedTime=int(at(joined).timestamp()))
    extra = {"QueueCancelReason": reason} if reason else {}
    queue_event("member-queue-end", at(left), SUPPORT, "Support", member, caller,
                QueueCause="Cancel", QueueMemberJoinedTime=int(at(joined).timestamp()),
                QueueMemberLeavingTime=int(at(left).timestamp()), **extra)
    queue_event("members-count", at(left), SUPPORT, "Support", None, caller, Count=0)

# Ventes: V1 answered by Paul in 15 s, talk 360 s; V2 abandons after 60 s
queue_event("member-queue-start", at("10:20:00"), VENTES, "Ventes", "v1", "0677777777", Count=1,
            QueueMemberJoinedTime=int(at("10:20:00").timestamp()))
queue_event("bridge-agent-start", at("10:20:15"), VENTES, "Ventes", "v1", "0677777777",
            Agent=PAUL, QueueAgentAnsweredTime=int(at("10:20:15").timestamp()),
            QueueMemberJoinedTime=int(at("10:20:00").timestamp()))
queue_event("bridge-agent-end", at("10:26:15"), VENTES, "Ventes", "v1", "0677777777",
            Agent=PAUL, QueueAgentAnsweredTime=int(at("10:20:15").timestamp()),
            QueueBridgeTerminatedTime=int(at("10:26:15").timestamp()))
queue_event("member-queue-end", at("10:26:15"), VENTES, "Ventes", "v1", "0677777777",
            QueueCause="Terminated", QueueMemberJoinedTime=int(at("10:20:00").timestamp()),
            QueueMemberLeavingTime=int(at("10:26:15").timestamp()))
queue_event("member-queue-start", at("10:30:00"), VENTES, "Ventes", "v2", "0688888888", Count=1,
            QueueMemberJoinedTime=int(at("10:30:00").timestamp()))
queue_event("member-queue-end", at("10:31:00"), VENTES, "Ventes", "v2", "0688888888",
            QueueCause="Cancel", QueueMemberJoinedTime=int(at("10:30:00").timestamp()),
            QueueMemberLeavingTime=int(at("10:31:00").timestamp()))
queue_event("members-count", at("10:31:00"), VENTES, "Ventes", None, "0688888888", Count=0)

# an event kind nobody documented: kept, counted as unknown
queue_event("agent-max-no-answer", at("10:40:00"), SUPPORT, "Support", None, "", Agent=PAUL)

# still in progress at 11:00:00: Direction talking, Accueil ringing, M6 waiting in Support
line_event("start_calling", at("10:58:00"), DIRECTION, "call-e", "0698765432", DIRECTION,
           "Direction")
queue_event("member-queue-start", at("10:59:00"), SUPPORT, "Support", "m6", "0699999999",
            Count=1, QueueMemberJoinedTime=int(at("10:59:00").timestamp()))
line_event("start_ringing", at("10:59:50"), ACCUEIL, "call-d", "0611223344", ACCUEIL, "Accueil")
queue_event("members-count", at("11:00:00"), SUPPORT, "Support", None, "0699999999", Count=1)

events.sort(key=lambda e: e["Timestamp"])
for e in events:
    e["Received"] = e["Timestamp"] + 40_000_000
    sys.stdout.write(json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "\n")
