//! `poc check`: today's list, or record items done and criteria met/failed.

use crate::cli::CheckArgs;
use crate::context::{Context, Poc};
use crate::error::{EXIT_OK, UserError};
use crate::journal::{Event, Mark};
use crate::scope::Target;
use crate::state::{Status, day_of};
use crate::text::terminal_safe;

pub fn run(args: CheckArgs, ctx: &Context) -> anyhow::Result<u8> {
    if args.ids.is_empty() {
        if args.fail || args.undo || args.evidence.is_some() || args.note.is_some() {
            return Err(UserError::usage(
                "name the IDs to record, e.g. `poc check SC1 --evidence TEXT`; run `poc check` alone for today's list",
            )
            .into());
        }
        let poc = ctx.load()?;
        poc.ensure_open("show today's checklist")?;
        crate::out(&todays_list(&poc, ctx))?;
        return Ok(EXIT_OK);
    }

    let (poc, mut journal) = ctx.load_for_write()?;
    poc.ensure_open("record checks")?;
    let mut ids: Vec<&str> = Vec::new();
    for id in &args.ids {
        if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    // Resolve every ID before recording any, so one typo records nothing.
    let mut targets = Vec::new();
    for id in &ids {
        let target = poc.scope.find(id).ok_or_else(|| poc.scope.unknown_id(id))?;
        if args.fail && matches!(target, Target::Item(..)) {
            crate::fail!(
                "`{id}` is a checklist item; --fail is for success criteria (nothing was recorded)"
            );
        }
        targets.push(target);
    }
    let evidence = args
        .evidence
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let entries: Vec<_> = ids
        .iter()
        .map(|id| {
            let mark = Mark {
                id: id.to_string(),
                evidence: evidence.map(String::from),
                note: note.map(String::from),
                ..Mark::default()
            };
            ctx.entry(if args.undo {
                Event::Undo {
                    id: id.to_string(),
                    note: note.map(String::from),
                }
            } else if args.fail {
                Event::Fail(mark)
            } else {
                Event::Check(mark)
            })
        })
        .collect();
    journal.append(&entries)?;

    for target in &targets {
        let (id, title, what) = match target {
            Target::Item(phase, item) => (
                &item.id,
                &item.title,
                match (args.undo, *phase) {
                    (true, _) => format!("Reopened item ({phase})"),
                    (false, _) => format!("Done ({phase})"),
                },
            ),
            Target::Criterion(c) => (
                &c.id,
                &c.title,
                if args.undo {
                    "Back to pending".to_string()
                } else if args.fail {
                    "Failed".to_string()
                } else {
                    "Met".to_string()
                },
            ),
        };
        eprintln!("{what}: {id} {}", terminal_safe(title));
    }
    let after = crate::state::PocState::derive(&poc.scope, &journal.journal);
    let phase = after.phase;
    if after.gate(&poc.scope, phase).is_empty() {
        match phase.next() {
            Some(next) => {
                eprintln!("The {phase} phase is complete: run `poc advance` to move to {next}.")
            }
            None => {
                eprintln!("Signoff is complete: run `poc close --outcome win|loss|inconclusive`.")
            }
        }
    }
    Ok(EXIT_OK)
}

fn todays_list(poc: &Poc, ctx: &Context) -> String {
    let phase = poc.state.phase;
    let plan = poc.scope.plan(phase);
    let day = day_of(&poc.scope, ctx.now);
    let mut out = format!(
        "Day {day} of {} · phase {phase} (planned days {}–{})\n",
        poc.scope.total_days(),
        plan.days.0,
        plan.days.1
    );
    let open: Vec<_> = plan
        .checklist
        .iter()
        .filter(|i| poc.state.status_of(&i.id) != Status::Met)
        .collect();
    if open.is_empty() {
        out.push_str("\nNo open items in this phase.\n");
    } else {
        out.push_str("\nOpen items:\n");
        for i in open {
            let optional = if i.required { "" } else { " (optional)" };
            out.push_str(&format!(
                "  [ ] {}  {}{optional}\n",
                i.id,
                terminal_safe(&i.title)
            ));
        }
    }
    let pending: Vec<_> = poc
        .scope
        .success_criteria
        .iter()
        .filter(|c| poc.state.status_of(&c.id) == Status::Pending)
        .collect();
    if !pending.is_empty() {
        out.push_str("\nPending criteria:\n");
        for c in pending {
            let target = c
                .target
                .as_deref()
                .map(|t| format!(" — target: {}", terminal_safe(t)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  [ ] {}  {} [{}, {}]{target}\n",
                c.id,
                terminal_safe(&c.title),
                c.priority.id(),
                c.phase
            ));
        }
    }
    let blockers: Vec<_> = poc.state.open_blockers().collect();
    if !blockers.is_empty() {
        out.push_str("\nOpen blockers:\n");
        for b in blockers {
            out.push_str(&format!("  {}  {}\n", b.id, terminal_safe(&b.text)));
        }
    }
    out
}
