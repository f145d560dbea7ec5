#!/usr/bin/env python3
"""Generates a large POC folder for the benchmark: poc.yaml with ITEMS
checklist items spread over the five phases and CRITERIA success criteria,
and journal.yaml with ENTRIES entries as `poc` writes them (one JSON object
per line), over 300 days: checks with evidence, failures, undos, notes,
parked requests, blockers and their resolution, and forced advances. The POC
stays open (it ends in signoff) so `poc check` still records.

usage: gen.py DIR --items 1000 --criteria 200 --entries 50000 [--seed 1]
Prints the RFC 3339 time one hour after the last entry (use it as POC_NOW).
"""

import argparse
import datetime as dt
import json
import os
import random

PHASES = ["setup", "deployment", "validation", "integration", "signoff"]
WINDOWS = [(1, 30), (25, 90), (85, 180), (175, 260), (255, 300)]
HEADER = ("# poc journal: one entry per line, appended by poc and never rewritten. "
          "Record with poc commands; see `poc log`.\n")


def scope_yaml(items, criteria, start):
    out = [
        "version: 1",
        "template: standard@1",
        'name: "Benchmark POC"',
        'prospect: "Globex Corporation"',
        'owner: "Dana Smith"',
        "account_exec: Lee Park",
        "industry: Manufacturing",
        "acv: 250000",
        "competitors: [Vendor X, Vendor Y]",
        f"start: {start.isoformat()}",
        "stakeholders:",
        "  - {name: Priya Raman, role: Champion, email: priya@globex.example}",
        "  - {name: Marcus Webb, role: Economic buyer}",
        "success_criteria:",
    ]
    for n in range(1, criteria + 1):
        priority = "must" if n <= 5 else ("should" if n % 3 else "nice")
        phase = PHASES[1 + n % 4]
        out.append(
            f'  - {{id: SC{n}, title: "Criterion {n}: ingest and query at load", '
            f'target: "p95 < {100 + n} ms at {n * 10} events/s", priority: {priority}, '
            f"phase: {phase}, owner: Priya Raman}}"
        )
    out.append("phases:")
    per_phase = [items // 5 + (1 if i < items % 5 else 0) for i in range(5)]
    for p, phase in enumerate(PHASES):
        first, last = WINDOWS[p]
        out.append(f"  {phase}:")
        out.append(f"    days: [{first}, {last}]")
        if per_phase[p]:
            out.append("    checklist:")
        for n in range(1, per_phase[p] + 1):
            optional = ", required: false" if n % 7 == 0 else ""
            out.append(
                f"      - {{id: {phase}-{n}, title: \"{phase.capitalize()} task {n}: "
                f"configure, verify and document\"{optional}}}"
            )
    out.append("out_of_scope:")
    out.append("  - Multi-region failover")
    return "\n".join(out) + "\n"


def ids_by_phase(items, criteria):
    per_phase = [items // 5 + (1 if i < items % 5 else 0) for i in range(5)]
    items_of = [[f"{ph}-{n}" for n in range(1, per_phase[p] + 1)] for p, ph in enumerate(PHASES)]
    criteria_of = [[] for _ in PHASES]
    for n in range(1, criteria + 1):
        criteria_of[1 + n % 4].append(f"SC{n}")
    return items_of, criteria_of


def stamp(t):
    # As poc writes them on a real clock: nanoseconds, from chrono.
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (t.microsecond * 1000 + 417)


def journal_lines(items, criteria, entries, start, rng):
    items_of, criteria_of = ids_by_phase(items, criteria)
    t = dt.datetime.combine(start, dt.time(9, 0), tzinfo=dt.timezone.utc)
    step = dt.timedelta(days=300) / max(entries, 1)
    people = ["Dana Smith", "Lee Park"]
    phase = 0
    blockers, open_blockers = 0, []
    lines = [{"at": stamp(t), "by": people[0], "kind": "init", "template": "standard@1"}]
    for n in range(1, entries):
        t += step
        by = people[n % 2]
        # Advance at even intervals so the POC reaches signoff at 90%.
        if phase < 4 and n >= (phase + 1) * entries * 0.18:
            lines.append({"at": stamp(t), "by": by, "kind": "advance", "from": PHASES[phase],
                          "to": PHASES[phase + 1], "forced": True,
                          "reason": "customer asked to move on"})
            phase += 1
            continue
        r = rng.random()
        pool_items = items_of[phase] or sum(items_of, [])
        pool_criteria = criteria_of[phase] or sum(criteria_of, []) or pool_items
        if r < 0.45:
            lines.append({"at": stamp(t), "by": by, "kind": "check", "id": rng.choice(pool_items),
                          "evidence": f"verified on cluster {n % 3}, screenshot in the shared drive"})
        elif r < 0.60:
            lines.append({"at": stamp(t), "by": by, "kind": "check", "id": rng.choice(pool_criteria),
                          "evidence": f"{10000 + n} events/s sustained for 1 h, dashboard link"})
        elif r < 0.67:
            lines.append({"at": stamp(t), "by": by, "kind": "fail", "id": rng.choice(pool_criteria),
                          "note": f"p95 was {200 + n % 300} ms"})
        elif r < 0.75:
            lines.append({"at": stamp(t), "by": by, "kind": "undo",
                          "id": rng.choice(pool_items + pool_criteria)})
        elif r < 0.90:
            lines.append({"at": stamp(t), "by": by, "kind": "note",
                          "text": f"Daily sync {n}: customer team happy with progress | next: load test"})
        elif r < 0.94:
            lines.append({"at": stamp(t), "by": by, "kind": "park",
                          "text": f"Request {n}: SSO with the customer's second IdP"})
        elif r < 0.97 or not open_blockers:
            blockers += 1
            open_blockers.append(f"B{blockers}")
            lines.append({"at": stamp(t), "by": by, "kind": "blocker", "id": f"B{blockers}",
                          "text": f"Firewall change {n} pending with the customer's network team"})
        else:
            lines.append({"at": stamp(t), "by": by, "kind": "resolve", "id": open_blockers.pop(0),
                          "note": "change window done"})
    return lines, t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--criteria", type=int, default=200)
    ap.add_argument("--entries", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = dt.date(2026, 1, 5)
    os.makedirs(args.dir, exist_ok=True)
    with open(os.path.join(args.dir, "poc.yaml"), "w", encoding="utf-8") as f:
        f.write(scope_yaml(args.items, args.criteria, start))
    lines, last = journal_lines(args.items, args.criteria, args.entries, start, rng)
    with open(os.path.join(args.dir, "journal.yaml"), "w", encoding="utf-8") as f:
        f.write(HEADER)
        for entry in lines:
            f.write("- " + json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(stamp(last + dt.timedelta(hours=1)))


if __name__ == "__main__":
    main()
