"""Journal lines of queue callers and calls back, for the callback list, the reports and their
screens. Every event is a V1 event in the journal's format (redacted token, "Received").

    from callgen import Journal
    j = Journal()
    j.abandoned(SUPPORT, "u1", "0611111111", "Jean Petit", t, t + 40)
    j.outbound(CAMILLE, "c1", "+33611111111", t + 600, answered=True)
    j.write(path)
"""
import json
import time

TOKEN = "...CDAB"
SUPPORT, VENTES = "0033972200000", "0033972200001"
ACCUEIL, CAMILLE, MARIE = "0033972101010", "0033972101011", "0033972101012"
DESC = {SUPPORT: "Support", VENTES: "Ventes", ACCUEIL: "Accueil", CAMILLE: "Camille Roux",
        MARIE: "Marie Dupont"}


class Journal:
    def __init__(self):
        self.events = []

    def _add(self, ev, t):
        ns = int(t * 10**9)
        ev.update({"Token": TOKEN, "Timestamp": ns, "Received": ns + 40_000_000,
                   "Date": time.strftime("%Y-%m-%dT%H:%M:%S.000000 (UTC)", time.gmtime(t))})
        self.events.append(ev)

    def line(self, kind, t, line, call_id, calling, called):
        self._add({"Event": kind, "Service": "sip", "Ressource": line,
                   "Data": {"Billing": line, "CallId": call_id, "Called": called,
                            "Calling": calling, "Dialed": called, "Event": kind,
                            "Protocol": "sip", "Ts": "%d.000" % t},
                   "Details": {"Description": DESC.get(line, ""), "Type": "sipCirpack",
                               "SimultaneousLine": "2"}}, t)

    def queue(self, kind, t, queue, uuid, number, name, **data):
        d = {"Action": kind, "Calling": number, "Queue": queue, "Ts": str(int(t)),
             "QueueMemberUUID": uuid, "QueueMemberCIDNumber": number,
             "QueueMemberCIDName": name}
        d.update({k: str(v) for k, v in data.items()})
        self._add({"Event": kind, "Service": "queues", "Ressource": queue, "Data": d,
                   "Details": {"Description": DESC.get(queue, ""), "Type": "easyHunting"}}, t)

    def abandoned(self, queue, uuid, number, name, joined, left, reason="BREAK_OUT"):
        self.queue("member-queue-start", joined, queue, uuid, number, name)
        self.queue("member-queue-end", left, queue, uuid, number, name, QueueCause="Cancel",
                   QueueCancelReason=reason, QueueMemberJoinedTime=joined,
                   QueueMemberLeavingTime=left)

    def answered(self, queue, uuid, number, name, joined, answered, ended, agent):
        self.queue("member-queue-start", joined, queue, uuid, number, name)
        self.queue("agent-offering", answered - 2, queue, uuid, number, name, Agent=agent)
        self.queue("bridge-agent-start", answered, queue, uuid, number, name, Agent=agent,
                   QueueAgentAnsweredTime=answered, QueueMemberJoinedTime=joined)
        self.queue("bridge-agent-end", ended, queue, uuid, number, name, Agent=agent,
                   QueueAgentAnsweredTime=answered, QueueBridgeTerminatedTime=ended,
                   QueueMemberJoinedTime=joined)
        self.queue("member-queue-end", ended, queue, uuid, number, name,
                   QueueCause="Terminated", Agent=agent, QueueMemberJoinedTime=joined,
                   QueueAgentAnsweredTime=answered, QueueMemberLeavingTime=ended)

    def outbound(self, line, call_id, number, t, answered, talk=120):
        self.line("start_ringing", t, line, call_id, line, number)
        if answered:
            self.line("start_calling", t + 8, line, call_id, line, number)
            self.line("end_calling", t + 8 + talk, line, call_id, line, number)
        else:
            self.line("end_calling", t + 30, line, call_id, line, number)

    def inbound(self, line, call_id, number, t, answered, talk=90):
        self.line("start_ringing", t, line, call_id, number, line)
        if answered:
            self.line("start_calling", t + 6, line, call_id, number, line)
            self.line("end_calling", t + 6 + talk, line, call_id, number, line)
        else:
            self.line("end_calling", t + 25, line, call_id, number, line)

    def text(self):
        evs = sorted(self.events, key=lambda e: e["Timestamp"])
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in evs)

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text())


def paris(y, mo, d, h, mi, s=0):
    """Epoch seconds of a Europe/Paris wall time in winter (UTC+1)."""
    import calendar
    return calendar.timegm((y, mo, d, h, mi, s)) - 3600


def callbacks_day(day=(2025, 11, 26)):
    """A morning with every way of entering and leaving the callback list."""
    j = Journal()
    at = lambda h, m, s=0: paris(*day, h, m, s)  # noqa: E731
    j.answered(SUPPORT, "a1", "0033611000001", "Luc Blanc", at(9, 0), at(9, 0, 12), at(9, 4),
               CAMILLE)
    # abandoned, called back at once by Camille
    j.abandoned(SUPPORT, "b1", "0612345678", "Jean Petit", at(9, 2), at(9, 3, 10))
    j.outbound(CAMILLE, "cb1", "+33612345678", at(9, 10), answered=True)
    # timed out, a call back that nobody answers, still open
    j.abandoned(SUPPORT, "b2", "+33698765432", "Sophie Noir", at(9, 5), at(9, 10), "TIMEOUT")
    j.outbound(MARIE, "cb2", "0698765432", at(9, 20), answered=False)
    # left by key twice (two tries), open
    j.abandoned(VENTES, "b3", "0033655500011", "", at(9, 12), at(9, 13), "EXIT_WITH_KEY")
    j.abandoned(VENTES, "b4", "0655500011", "", at(9, 30), at(9, 31, 30))
    # a short abandon, hidden by default
    j.abandoned(SUPPORT, "b5", "0677700077", "", at(9, 15), at(9, 15, 3))
    # abandoned, then calls again and is answered by an agent: called in
    j.abandoned(VENTES, "b6", "0611223344", "Anne Vert", at(9, 16), at(9, 17, 30))
    j.answered(VENTES, "b7", "0611223344", "Anne Vert", at(9, 40), at(9, 40, 50), at(9, 45),
               MARIE)
    # abandoned, calls the reception line directly and is answered there: called in
    j.abandoned(SUPPORT, "b8", "0622334455", "Paul Gris", at(9, 25), at(9, 26, 45))
    j.inbound(ACCUEIL, "in1", "0622334455", at(9, 50), answered=True)
    # abandoned late, still open
    j.abandoned(SUPPORT, "b9", "0644556677", "Lina Rose", at(9, 55), at(9, 57))
    return j
