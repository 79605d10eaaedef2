#!/usr/bin/env python3
"""Write a large day journal (JSON lines, the journal's format) for the benchmarks.

    python3 bench/gen_day.py --events 1000000 --lines 200 --queues 20 --seed 1 > day.jsonl

Deterministic for given arguments. Every line and queue shows up first (a registration, a
count), then calls of a realistic shape are interleaved, about `--concurrent` at a time, over
one day (Europe/Paris, 2025-11-26): answered and missed line calls, queue callers answered
after an offer or abandoned, and re-registrations. Events carry the redacted token and the
"Received" time, like the journal that ctiboard writes.
"""
import argparse
import random
import sys

DAY0 = 1764111600  # 2025-11-26 00:00:00 CET
TOKEN = "...CDAB"

LINE = ('{"Event":"%(k)s","Token":"' + TOKEN + '","Service":"sip","Ressource":"%(line)s",'
        '"Timestamp":%(ns)d,"Date":"%(date)s (CET)","Data":{"Billing":"%(line)s",'
        '"Body":"%(body)s","CallId":"%(cid)s","Called":"%(called)s","Calling":"%(calling)s",'
        '"Cseq":"%(cseq)s","Dialed":"%(called)s","Event":"%(k)s","Protocol":"sip",'
        '"RelevantInfo":"","Ts":"%(ts)d.%(ms)03d","TsGet":%(ns2)d},"Details":{"Description":'
        '"%(desc)s","Id":"%(id)d","IdBillingAccount":"77","SimultaneousLine":"2",'
        '"Type":"sipCirpack"},"Received":%(rx)d}')
QUEUE = ('{"Event":"%(k)s","Token":"' + TOKEN + '","Service":"queues","Ressource":"%(q)s",'
         '"Timestamp":%(ns)d,"Date":"%(date)s (CET)","Data":{"Action":"%(k)s",'
         '"Calling":"%(caller)s","Protocol":"sip","Queue":"%(q)s","Ts":"%(ts)d"%(extra)s},'
         '"Details":{"Description":"%(desc)s","Id":"%(id)d","IdBillingAccount":"77",'
         '"SimultaneousLine":"0","Type":"easyHunting"},"Received":%(rx)d}')
FIRST = ["Marie", "Paul", "Léa", "Hugo", "Chloé", "Lucas", "Inès", "Nathan", "Zoë", "Jean"]
AGENTS = 8  # agents per queue
LAST = ["Dupont", "Martin", "Bernard", "Moreau", "Lefèvre", "Roux", "Laurent", "Simon"]


def line_number(i):
    return "00339721%05d" % i


def queue_number(i):
    return "00339722%05d" % i


class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.n = 0
        self.out = sys.stdout
        self.step_ns = 86400 * 10**9 // max(a.events, 1)
        self.t_ns = DAY0 * 10**9 + 123456789
        self.serial = 0

    def tick(self):
        self.t_ns += self.step_ns

    def fields(self):
        ts = self.t_ns // 10**9
        hh, rem = divmod(ts - DAY0, 3600)
        return ts, "2025-11-26T%02d:%02d:%02d.%06d" % (hh % 24, rem // 60, rem % 60,
                                                      self.t_ns // 1000 % 10**6)

    def line_event(self, k, li, cid, calling, called, body="", cseq=""):
        ts, date = self.fields()
        line = line_number(li)
        self.out.write(LINE % dict(k=k, line=line, ns=self.t_ns, date=date, body=body,
                                   cid=cid, called=called, calling=calling, cseq=cseq,
                                   ts=ts, ms=self.t_ns // 10**6 % 1000,
                                   ns2=self.t_ns + 2000000, desc=self.desc(li), id=3000 + li,
                                   rx=self.t_ns + 40000000))
        self.out.write("\n")
        self.n += 1
        self.tick()

    def queue_event(self, k, qi, caller, **data):
        ts, date = self.fields()
        q = queue_number(qi)
        extra = "".join(',"%s":"%s"' % kv for kv in data.items())
        self.out.write(QUEUE % dict(k=k, q=q, ns=self.t_ns, date=date, caller=caller, ts=ts,
                                    extra=extra, desc="Queue %d" % qi, id=4000 + qi,
                                    rx=self.t_ns + 40000000))
        self.out.write("\n")
        self.n += 1
        self.tick()

    def desc(self, li):
        return "%s %s" % (FIRST[li % len(FIRST)], LAST[li // len(FIRST) % len(LAST)])

    def caller(self):
        return "00336%08d" % self.rng.randrange(10**8)

    def now_s(self):
        return self.t_ns // 10**9

    # ---- stories: generators that yield after each event -------------------------------

    def line_call(self, li, answered):
        self.serial += 1
        cid, caller, line = "c%d-%d" % (li, self.serial), self.caller(), line_number(li)
        self.line_event("start_ringing", li, cid, caller, line, "SIP/2.0 180 Ringing")
        yield
        self.line_event("end_ringing", li, cid, caller, line)
        yield
        if answered:
            self.line_event("start_calling", li, cid, caller, line)
            yield
            self.line_event("end_calling", li, cid, caller, line)

    def registration(self, li):
        line = line_number(li)
        self.line_event("registered", li, "", line, line, "SIP/2.0 200 OK", "181 REGISTER")
        yield

    def queue_call(self, qi, answered):
        self.serial += 1
        uuid, caller = "m%d-%d" % (qi, self.serial), self.caller()
        member = dict(QueueMemberUUID=uuid, QueueMemberSessionUUID=uuid + "-s",
                      QueueMemberCIDName=caller, QueueMemberCIDNumber=caller)
        joined = self.now_s()
        self.queue_event("member-queue-start", qi, caller, Count=1, QueueMemberJoinedTime=joined,
                         **member)
        yield
        self.queue_event("members-count", qi, caller, Count=1)
        yield
        if answered:
            # each queue has its own team of agents, as a real call centre does
            agent = line_number((qi * AGENTS + self.rng.randrange(AGENTS)) % self.a.lines)
            qa = "agent_%s_12" % agent
            self.queue_event("agent-offering", qi, caller, Agent=agent, QueueAgent=qa, **member)
            yield
            ans = self.now_s()
            self.queue_event("bridge-agent-start", qi, caller, Agent=agent, QueueAgent=qa,
                             QueueAgentAnsweredTime=ans, QueueMemberJoinedTime=joined,
                             **member)
            yield
            self.queue_event("members-count", qi, caller, Count=0)
            yield
            self.queue_event("bridge-agent-end", qi, caller, Agent=agent, QueueAgent=qa,
                             QueueHangupCause="NORMAL_CLEARING", QueueAgentAnsweredTime=ans,
                             QueueBridgeTerminatedTime=self.now_s(), **member)
            yield
            self.queue_event("member-queue-end", qi, caller, QueueCause="Terminated",
                             QueueMemberJoinedTime=joined, QueueMemberLeavingTime=self.now_s(),
                             **member)
        else:
            self.queue_event("member-queue-end", qi, caller, QueueCause="Cancel",
                             QueueCancelReason="NONE", QueueMemberJoinedTime=joined,
                             QueueMemberLeavingTime=self.now_s(), **member)
            yield
            self.queue_event("members-count", qi, caller, Count=0)

    def new_story(self):
        r = self.rng.random()
        if r < 0.45:
            return self.line_call(self.rng.randrange(self.a.lines), r < 0.38)
        if r < 0.50:
            return self.registration(self.rng.randrange(self.a.lines))
        return self.queue_call(self.rng.randrange(self.a.queues), r < 0.93)

    def run(self):
        a = self.a
        for li in range(a.lines):
            if self.n < a.events:
                next(self.registration(li), None)
        for qi in range(a.queues):
            if self.n < a.events:
                self.queue_event("members-count", qi, "", Count=0)
        live = [self.new_story() for _ in range(a.concurrent)]
        while self.n < a.events:
            i = self.rng.randrange(len(live))
            try:
                next(live[i])
            except StopIteration:
                live[i] = self.new_story()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=1000000)
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--queues", type=int, default=20)
    ap.add_argument("--concurrent", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    Gen(ap.parse_args()).run()


if __name__ == "__main__":
    main()
