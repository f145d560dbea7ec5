#!/usr/bin/env python3
"""Generates a portfolio of POC folders for the `poc list` benchmark (issue
13): ROOT/<region>/<year>/<prospect>-<n>/ with poc.yaml (scope version 2:
about 40 checklist items over the five phases, 6 success criteria,
stakeholders, deal details), journal.yaml (about 100 entries as `poc` writes
them: one JSON object per line) and, for most closed POCs, a filled
debrief.md whose `closed:` tag names the close's day, with tags (`tags:`) and a lessons
section for `poc insights`; product gaps (`poc gap`) by feature. 80 % of the POCs are
closed (wins, losses, inconclusive); the open ones started in the last weeks,
some of them stale or late. Deterministic: the same seed gives the same tree.

usage: gen_tree.py ROOT --pocs 1000 [--seed 1]
Prints the RFC 3339 time to use as POC_NOW.
"""

import argparse
import datetime as dt
import json
import os
import random
import zoneinfo

PHASES = ["setup", "deployment", "validation", "integration", "signoff"]
# Planned day windows, inclusive, as `poc init`'s standard template has them.
WINDOWS = [(1, 3), (3, 8), (8, 16), (16, 22), (22, 25)]
ITEMS_PER_PHASE = 8
CRITERIA = 6
ENTRIES = 100
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
HEADER = ("# poc journal: one entry per line, appended by poc and never rewritten. "
          "Record with poc commands; see `poc log`.\n")

REGIONS = ["emea", "amer-east", "amer-west", "apac", "latam", "dach"]
INDUSTRIES = ["Healthcare", "Financial services", "Manufacturing", "Retail",
              "Public sector", "Telecommunications", "Energy", "Logistics"]
COMPETITORS = ["Vendor X", "Vendor Y", "Vendor Z", "Northwind Analytics", "Contoso Cloud"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
         "Asia/Singapore", "Europe/London"]
SES = ["Dana Smith", "Ravi Patel", "Mia Chen", "Tom Okafor", "Sara Lind", "Jon Alvarez"]
AES = ["Lee Park", "Nora Brandt", "Ken Ito", "Ana Souza"]
PROSPECTS = ["Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell",
             "Cyberdyne", "Soylent", "Wonka", "Aperture", "Massive Dynamic", "Vandelay",
             "Gringotts", "Oscorp", "Pied Piper", "Dunder Mifflin", "Acme"]
TASKS = {
    "setup": ["Scope documented and approved by customer", "Success criteria agreed and measurable",
              "Timeline and milestones agreed", "Shared communication channel set up",
              "Kickoff call held with the customer team", "Environment access granted and tested",
              "Artifacts available (images, charts, docs)", "Networking verified"],
    "deployment": ["Base components deployed", "Deviations from expected setup documented",
                   "Solution deployed in customer environment", "Configured for the use case",
                   "Initial smoke tests passing", "Basic functionality validated",
                   "Early feedback collected from customer", "Collectors rolled out to staging"],
    "validation": ["Core use cases from scope executed", "Results measured against criteria",
                   "Results and screenshots documented", "Issues logged and blockers escalated",
                   "Customer kept informed with regular updates", "Out-of-scope requests parked",
                   "Load test run at peak volume", "Retention policy verified"],
    "integration": ["Connected to customer systems", "End-to-end workflows tested",
                    "Performance requirements validated", "Security and compliance checks completed",
                    "Customer tested and validated hands-on", "SSO wired to the customer IdP",
                    "Alert routing to the on-call tool", "Ticketing integration tested"],
    "signoff": ["Success criteria reviewed with customer", "Results demoed to stakeholders",
                "Open questions and concerns addressed", "Sign-off received or next steps decided",
                "POC results and outcomes documented", "Findings shared with the internal team",
                "CRM or deal tracking updated", "Follow-up call scheduled"],
}
CRITERION_TITLES = [
    ("Collectors running on the production clusters", "3 of 3 clusters shipping logs within 5 min"),
    ("Ingest production logs at peak volume", ">= 10,000 events/s sustained for 1 hour"),
    ("Sensitive data masked before it is stored", "0 unmasked identifiers in 1,000,000 events"),
    ("Fast search over 30 days of logs", "p95 query latency < 2 s at 20 users"),
    ("Alerts reach the on-call engineer", "95 % of alerts paged within 60 s"),
    ("Dashboards rebuilt from the current tool", "12 of 12 key dashboards rebuilt"),
]

# Product gaps (`poc gap`): which feature, how often by outcome (losses hit
# dashboard migration more), so the ACV ranking has a pattern to show.
GAP_FEATURES = ["SSO", "Alert routing", "Dashboard migration", "Data masking", "Multi-region"]
GAP_TEXTS = {"SSO": "No SCIM provisioning for the customer IdP",
             "Alert routing": "Webhook payload cannot be customised for the on-call tool",
             "Dashboard migration": "No importer for the incumbent's dashboards",
             "Data masking": "Masking rules cannot use the customer's regexes",
             "Multi-region": "No cross-region replication"}
GAP_WEIGHTS = {None: [3, 3, 2, 2, 1], "win": [3, 3, 1, 2, 1], "loss": [2, 2, 6, 1, 2],
               "inconclusive": [2, 2, 2, 2, 2]}
# The SE's own labels in a debrief's `tags:`, by outcome.
TAGS = {"win": ["fast deployment", "strong champion", "security review", "sso"],
        "loss": ["pricing", "dashboard migration", "champion left", "security review"],
        "inconclusive": ["no decision", "reorg", "pricing"]}


def stamp(t):
    # As poc writes them on a real clock: nanoseconds, from chrono.
    t = t.astimezone(dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (t.microsecond * 1000 + 417)


def q(text):
    return json.dumps(text, ensure_ascii=False)


def item_ids():
    return [[f"{ph[:3]}-{n}" for n in range(1, ITEMS_PER_PHASE + 1)] for ph in PHASES]


def criterion_phase(n):
    return PHASES[1 + n % 3]  # deployment, validation, integration


def scope_yaml(p):
    out = [
        "# poc.yaml - the scope and plan for this proof of concept.",
        "version: 2",
        "template: standard@1",
        f"name: {q(p['prospect'] + ' observability POC')}",
        f"prospect: {q(p['prospect'])}",
        f"owner: {q(p['owner'])}",
        f"account_exec: {p['ae']}",
        f"industry: {p['industry']}",
        f"acv: {p['acv']}",
        f"competitors: [{', '.join(p['competitors'])}]",
        f"timezone: {p['zone']}",
        f"start: {p['start'].isoformat()}",
        "stakeholders:",
        f"  - {{name: Priya Raman, role: Champion, email: priya@{p['slug']}.example}}",
        "  - {name: Marcus Webb, role: Economic buyer}",
        "  - {name: Jordan Ellis, role: Security reviewer}",
        f"  - {{name: {p['owner']}, role: Sales engineer, side: vendor}}",
        "success_criteria:",
    ]
    for n, (title, target) in enumerate(CRITERION_TITLES, 1):
        priority = "must" if n <= 3 else ("should" if n <= 5 else "nice")
        out += [f"  - id: SC{n}", f"    title: {title}", f"    target: {q(target)}",
                f"    priority: {priority}", f"    phase: {criterion_phase(n)}",
                "    owner: Priya Raman"]
    out.append("phases:")
    for p_i, phase in enumerate(PHASES):
        out += [f"  {phase}:", f"    days: [{WINDOWS[p_i][0]}, {WINDOWS[p_i][1]}]", "    checklist:"]
        for n, (iid, title) in enumerate(zip(item_ids()[p_i], TASKS[phase]), 1):
            optional = ", required: false" if n == ITEMS_PER_PHASE else ""
            out.append(f"      - {{id: {iid}, title: {q(title)}{optional}}}")
    out += ["signoffs:",
            "  - {id: SO1, role: Champion, name: Priya Raman, covers: scope}",
            "  - {id: SO2, role: Economic buyer, name: Marcus Webb, covers: final}",
            "out_of_scope:", "  - Multi-region failover", "  - Migrating existing dashboards"]
    return "\n".join(out) + "\n"


def journal(p, rng):
    """The entries, and the close's time (None while open)."""
    items = item_ids()
    t = dt.datetime.combine(p["start"], dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo(p["zone"]))
    end = p["end"]
    step = (end - t) / ENTRIES
    people = [p["owner"], p["ae"]]
    lines = [{"at": stamp(t), "by": people[0], "kind": "init", "template": "standard@1"}]
    phase, blockers, gaps, open_blockers = 0, 0, 0, []
    last_phase = p["reach"]
    for n in range(1, ENTRIES - (1 if p["closed"] else 0)):
        t += step
        by = people[n % 3 == 0]
        if phase < last_phase and n >= (phase + 1) * ENTRIES * 0.18:
            lines.append({"at": stamp(t), "by": by, "kind": "advance", "from": PHASES[phase],
                          "to": PHASES[phase + 1], "forced": True,
                          "reason": "customer asked to move on"})
            phase += 1
            continue
        r = rng.random()
        crit = [f"SC{c}" for c in range(1, CRITERIA + 1) if PHASES.index(criterion_phase(c)) <= phase]
        if r < 0.40:
            lines.append({"at": stamp(t), "by": by, "kind": "check", "id": rng.choice(items[phase]),
                          "evidence": f"verified with {rng.choice(['Priya', 'Marcus', 'Jordan'])}, "
                                      f"screenshot in the shared drive ({n})"})
        elif r < 0.52 and crit:
            lines.append({"at": stamp(t), "by": by, "kind": "check", "id": rng.choice(crit),
                          "evidence": f"{9000 + n * 37} events/s sustained for 1 h, dashboard link"})
        elif r < 0.57 and crit:
            lines.append({"at": stamp(t), "by": by, "kind": "fail", "id": rng.choice(crit),
                          "note": f"p95 was {2000 + n * 13} ms"})
        elif r < 0.62:
            lines.append({"at": stamp(t), "by": by, "kind": "undo", "id": rng.choice(items[phase])})
        elif r < 0.635:
            gaps += 1
            feature = rng.choices(GAP_FEATURES, GAP_WEIGHTS[p["outcome"]])[0]
            lines.append({"at": stamp(t), "by": by, "kind": "gap", "id": f"G{gaps}",
                          "text": GAP_TEXTS[feature],
                          "severity": rng.choice(["deal-breaker", "challenge", "challenge", "nice-to-have"]),
                          "feature": feature})
        elif r < 0.84:
            lines.append({"at": stamp(t), "by": by, "kind": "note",
                          "text": f"Daily sync {n}: customer team happy with progress | next: load test"})
        elif r < 0.90:
            lines.append({"at": stamp(t), "by": by, "kind": "park",
                          "text": f"Request {n}: SSO with the customer's second IdP"})
        elif r < 0.95 or not open_blockers:
            blockers += 1
            open_blockers.append(f"B{blockers}")
            lines.append({"at": stamp(t), "by": by, "kind": "blocker", "id": f"B{blockers}",
                          "text": f"Firewall change CHG-{4000 + n} pending with the network team"})
        else:
            lines.append({"at": stamp(t), "by": by, "kind": "resolve", "id": open_blockers.pop(0),
                          "note": "change window done"})
    if not p["closed"]:
        return lines, None
    t += step
    close = {"at": stamp(t), "by": people[0], "kind": "close", "outcome": p["outcome"]}
    if p["outcome"] != "win":
        close["reason"] = rng.choice(["SSO integration gap", "lost on price to " + p["competitors"][0],
                                      "customer reorganised, no decision"])
    close["forced"] = True
    close["from"] = PHASES[phase]
    lines.append(close)
    return lines, t


def debrief_md(p, closed_at, rng):
    day = closed_at.astimezone(zoneinfo.ZoneInfo(p["zone"])).date()
    duration = (day - p["start"]).days + 1
    tier = "Enterprise" if p["acv"] >= 100000 else "Mid-market"
    lessons = "\n".join(
        f"- {rng.choice(['Start the firewall change at kickoff', 'Agree the load profile in writing', 'Bring the security reviewer in on day 1', 'Demo the dashboards before the load test', 'Keep the musts to three'])}."
        for _ in range(4))
    outcome_title = {"win": "Technical Win", "loss": "Technical Loss",
                     "inconclusive": "Inconclusive"}[p["outcome"]]
    return f"""---
prospect: {q(p['prospect'])}
industry: {q(p['industry'])}
deal_size_tier: {q(tier)}
outcome: {p['outcome']}
competitors: [{', '.join(q(c) for c in p['competitors'])}]
tags: [{', '.join(q(t) for t in rng.sample(TAGS[p['outcome']], rng.randint(1, 3)))}]
duration_days: {duration}
closed: {day.isoformat()}
---

# Debrief: {p['prospect']} observability POC

Held within 48 hours of the close with the SE, the AE and the SE manager.

## 1. Outcome summary

| Item | Detail |
|---|---|
| **Prospect** | {p['prospect']} |
| **Team** | SE {p['owner']}; account executive {p['ae']} |
| **Deal size (ACV)** | ${p['acv']:,} ({tier}) |
| **POC duration** | {duration} days (planned 25) |
| **Outcome** | {outcome_title} |
| **Competitor(s)** | {', '.join(p['competitors'])} |

## 2. What worked

- **SC1** Collectors running on the production clusters, confirmed by Priya Raman.
- **SC2** Ingest at peak volume: 10,400 events/s sustained for 1 h.

The champion liked the query speed and the masking rules; the load test on
day 12 settled the ingest question for the economic buyer.

## 3. What did not work

- **SC5** Alert routing: the on-call tool's webhook needed a custom payload.
- Two blockers waited on the network team for a week each.

## 4. Competitive landscape

{p['competitors'][0]} was the incumbent; the customer compared dashboards
side by side and asked for a migration estimate we did not have.

## 5. Lessons learned

{lessons}

## 6. Follow-up

- Send the migration estimate to Marcus Webb.
- File the webhook payload gap with product.
"""


def poc(n, rng):
    prospect = f"{rng.choice(PROSPECTS)} {rng.choice(['Corp', 'Inc', 'Group', 'Health', 'Bank', 'Labs'])}"
    closed = rng.random() < 0.8
    if closed:
        # Started any time in the last three years; ran 12 to 40 days.
        start = (NOW - dt.timedelta(days=rng.randint(45, 3 * 365))).date()
        length = dt.timedelta(days=rng.randint(12, 40), hours=rng.randint(0, 8))
    else:
        # Started in the last five weeks; the last entry up to two weeks ago.
        start = (NOW - dt.timedelta(days=rng.randint(1, 35))).date()
        length = None
    zone = rng.choice(ZONES)
    start_t = dt.datetime.combine(start, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo(zone))
    if closed:
        end = start_t + length
    else:
        end = max(start_t + dt.timedelta(hours=6), NOW - dt.timedelta(days=rng.choice([0, 0, 1, 2, 9, 14]), hours=2))
    elapsed = (end - start_t).days + 1
    reach = 4 if closed else max(i for i, w in enumerate(WINDOWS) if w[0] <= max(elapsed, 1) or i == 0)
    p = {
        "prospect": prospect, "slug": prospect.lower().replace(" ", "-"),
        "owner": rng.choice(SES), "ae": rng.choice(AES), "industry": rng.choice(INDUSTRIES),
        "acv": rng.choice([45000, 80000, 120000, 250000, 400000]),
        "competitors": rng.sample(COMPETITORS, rng.randint(1, 2)), "zone": zone,
        "start": start, "end": end, "closed": closed, "reach": reach,
        "outcome": rng.choices(["win", "loss", "inconclusive"], [6, 3, 1])[0] if closed else None,
    }
    p["reach"] = rng.randint(2, 4) if closed and p["outcome"] != "win" else p["reach"]
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("--pocs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for n in range(1, args.pocs + 1):
        p = poc(n, rng)
        year = p["start"].year
        folder = os.path.join(args.root, REGIONS[n % len(REGIONS)], str(year), f"{p['slug']}-{n}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "poc.yaml"), "w", encoding="utf-8") as f:
            f.write(scope_yaml(p))
        lines, closed_at = journal(p, rng)
        with open(os.path.join(folder, "journal.yaml"), "w", encoding="utf-8") as f:
            f.write(HEADER)
            for entry in lines:
                f.write("- " + json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n")
        # Most closed POCs have their debrief; the rest are overdue.
        if closed_at is not None and rng.random() < 0.9:
            with open(os.path.join(folder, "debrief.md"), "w", encoding="utf-8") as f:
                f.write(debrief_md(p, closed_at, rng))
    print(NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))


if __name__ == "__main__":
    main()
