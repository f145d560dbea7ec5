//! Property tests (issue 3): random scopes and random command sequences
//! through parse → derive → report → render.
//!
//! - Scopes are generated as valid `poc.yaml` text (random criteria, items,
//!   priorities, phases, day windows, flow or block style, CRLF, BOM), with
//!   user text full of `|`, newlines, unicode, control characters and ANSI
//!   escapes. Every one must parse, and give back the text it was given.
//! - Journals are generated two ways: as the CLI writes them (a model of the
//!   commands: advance only to the next phase, reopen only backwards, …), and
//!   hostile (any entry with any ID, phase and time, comments, CRLF, a torn
//!   last line).
//! - Checked: no panic anywhere; the journal reads back what was written;
//!   `derive` is the step-by-step `apply` of the entries in time order, and
//!   deriving a prefix gives the intermediate state; phases only move forward
//!   except by `reopen`; the report's counts add up; its JSON parses back with
//!   the documented fields; rendered markdown tables keep their column count
//!   on every row and user text never opens a heading or a list item.
//!
//! Cases per property default to 128 (`PROPTEST_CASES` overrides), so the
//! file runs in seconds; crank it up for a longer search.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use poc::journal::{Entry, Event, FileEvidence, Journal, Mark, Outcome, RunEvidence};
use poc::report::StatusReport;
use poc::scope::{Phase, Priority, Scope};
use poc::state::{Marked, PocState, Status};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};

/// The journal before anything happened.
static EMPTY: LazyLock<Journal> = LazyLock::new(Journal::default);

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        // Failures are turned into named regression tests below instead of
        // files written next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// User text
// ---------------------------------------------------------------------------

/// Characters that have broken text tools before: markdown and YAML syntax,
/// line breaks, control characters, escapes, bidi overrides, a BOM.
const SPICY: &[char] = &[
    '|', '\n', '\r', '\t', '\u{1b}', '\\', '`', '#', '<', '>', '*', '-', '+', '[', ']', '(', ')',
    '"', '\'', ':', '{', '}', ' ', ' ', 'é', '漢', '🦀', '\u{202e}', '\u{2066}', '\u{feff}',
    '\u{0}', '\u{7}', '\u{7f}', '\u{85}', '\u{9b}', '\u{2028}', '\u{fffd}', '&', '%', '!', '_',
    '.', '~', '=',
];

/// Whole phrases that mean something to markdown, HTML or a terminal.
const PHRASES: &[&str] = &[
    "# heading",
    "## Blockers",
    "- item",
    "* item",
    "+ item",
    "> quote",
    "1. list",
    "<script>alert(1)</script>",
    "<!-- comment",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;title\u{7}",
    "a | b | c",
    "|---|---|",
    "\\|",
    "line\nbreak",
    "crlf\r\nline",
    "```",
    "[link](http://x)",
    "---",
    "p95 < 200 ms",
    "",
    " ",
];

fn text() -> BoxedStrategy<String> {
    let chars = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(SPICY),
            3 => prop::char::range('a', 'z'),
            1 => any::<char>(),
        ],
        0..14,
    )
    .prop_map(|v| v.into_iter().collect::<String>());
    prop_oneof![
        5 => chars.clone(),
        1 => prop::sample::select(PHRASES).prop_map(String::from),
        2 => (prop::sample::select(PHRASES), chars).prop_map(|(p, c)| format!("{p}{c}")),
    ]
    .boxed()
}

/// Characters of the documented ID set (ASCII letters, digits, `-`, `_`,
/// `.`); `_` is left out so that `{prefix}{n}_{suffix}` IDs stay unique.
const ID_CHARS: &[char] = &['a', 'b', 'z', 'A', 'Z', '0', '9', '-', '.'];

fn id_suffix() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ID_CHARS), 0..4)
        .prop_map(|v| v.into_iter().collect::<String>())
}

fn unique_id(prefix: &str, n: usize, suffix: &str) -> String {
    if suffix.is_empty() {
        format!("{prefix}{n}")
    } else {
        format!("{prefix}{n}_{suffix}")
    }
}

/// A YAML double-quoted scalar for any string: printable characters as
/// they are, everything else as a `\u`/`\U` escape.
fn yq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if !c.is_control()
                && !c.is_whitespace()
                && !matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}') =>
            {
                out.push(c)
            }
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Text for a YAML comment: one line of printable characters.
fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control()
                || c.is_whitespace()
                || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct GenCriterion {
    suffix: String,
    title: String,
    target: Option<String>,
    priority: Option<Priority>,
    phase: Option<Phase>,
    owner: Option<String>,
}

#[derive(Debug, Clone)]
struct GenItem {
    suffix: String,
    title: String,
    required: Option<bool>,
}

#[derive(Debug, Clone)]
struct GenScope {
    name: String,
    prospect: String,
    owner: Option<String>,
    account_exec: Option<String>,
    industry: Option<String>,
    acv: Option<u64>,
    competitors: Vec<String>,
    out_of_scope: Vec<String>,
    stakeholders: Vec<(String, Option<String>, Option<String>)>,
    start: NaiveDate,
    criteria: Vec<GenCriterion>,
    /// Five (first day, last day, checklist).
    phases: Vec<(u32, u32, Vec<GenItem>)>,
    comment: String,
    flow: bool,
    crlf: bool,
    bom: bool,
}

fn priority() -> impl Strategy<Value = Option<Priority>> {
    prop::option::of(prop::sample::select(
        &[Priority::Must, Priority::Should, Priority::Nice][..],
    ))
}

fn phase() -> impl Strategy<Value = Phase> {
    prop::sample::select(&Phase::ALL[..])
}

fn criterion() -> impl Strategy<Value = GenCriterion> {
    (
        id_suffix(),
        text(),
        prop::option::of(text()),
        priority(),
        prop::option::of(phase()),
        prop::option::of(text()),
    )
        .prop_map(
            |(suffix, title, target, priority, phase, owner)| GenCriterion {
                suffix,
                title,
                target,
                priority,
                phase,
                owner,
            },
        )
}

fn item() -> impl Strategy<Value = GenItem> {
    (id_suffix(), text(), prop::option::of(any::<bool>())).prop_map(|(suffix, title, required)| {
        GenItem {
            suffix,
            title,
            required,
        }
    })
}

/// Five day windows that satisfy the scope's rules: 1 ≤ first ≤ last ≤ 366,
/// and each window starts and ends no earlier than the one before.
fn windows() -> impl Strategy<Value = Vec<(u32, u32)>> {
    (
        prop::collection::vec(1u32..=366, 5),
        prop::collection::vec(0u32..=40, 5),
    )
        .prop_map(|(mut starts, stretch)| {
            starts.sort_unstable();
            let mut out: Vec<(u32, u32)> = Vec::new();
            for (s, d) in starts.into_iter().zip(stretch) {
                let prev_end = out.last().map_or(0, |w| w.1);
                let end = (s + d).max(prev_end).min(366);
                out.push((s, end));
            }
            out
        })
}

fn start_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        9 => 0i64..20_000,
        1 => -700_000i64..2_900_000,
    ]
    .prop_map(|days| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days))
}

fn gen_scope() -> impl Strategy<Value = GenScope> {
    let people = (
        text(),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(prop_oneof![any::<u64>(), 0u64..200_000]),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(
            (text(), prop::option::of(text()), prop::option::of(text())),
            0..3,
        ),
    );
    let plan = (
        start_date(),
        prop::collection::vec(criterion(), 0..8),
        windows(),
        prop::collection::vec(prop::collection::vec(item(), 0..5), 5),
        text(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.1),
    );
    (people, plan).prop_map(
        |(
            (
                name,
                prospect,
                owner,
                account_exec,
                industry,
                acv,
                competitors,
                out_of_scope,
                stakeholders,
            ),
            (start, criteria, windows, checklists, comment, flow, crlf, bom),
        )| GenScope {
            name,
            prospect,
            owner,
            account_exec,
            industry,
            acv,
            competitors,
            out_of_scope,
            stakeholders,
            start,
            criteria,
            phases: windows
                .into_iter()
                .zip(checklists)
                .map(|((a, b), items)| (a, b, items))
                .collect(),
            comment,
            flow,
            crlf,
            bom,
        },
    )
}

impl GenScope {
    fn criterion_id(&self, i: usize) -> String {
        unique_id("SC", i + 1, &self.criteria[i].suffix)
    }

    fn item_id(&self, p: usize, j: usize) -> String {
        unique_id(&format!("i{p}x"), j + 1, &self.phases[p].2[j].suffix)
    }

    fn ids(&self) -> Vec<String> {
        let mut out: Vec<String> = (0..self.criteria.len())
            .map(|i| self.criterion_id(i))
            .collect();
        for p in 0..5 {
            for j in 0..self.phases[p].2.len() {
                out.push(self.item_id(p, j));
            }
        }
        out
    }

    /// The scope as `poc.yaml` text.
    fn yaml(&self) -> String {
        let mut y = String::new();
        y.push_str(&format!("# {}\n", comment_safe(&self.comment)));
        y.push_str("version: 1\n");
        y.push_str(&format!("name: {}\n", yq(&self.name)));
        y.push_str(&format!("prospect: {}\n", yq(&self.prospect)));
        for (key, value) in [
            ("owner", &self.owner),
            ("account_exec", &self.account_exec),
            ("industry", &self.industry),
        ] {
            if let Some(v) = value {
                y.push_str(&format!("{key}: {}\n", yq(v)));
            }
        }
        if let Some(acv) = self.acv {
            y.push_str(&format!("acv: {acv}\n"));
        }
        let list = |v: &[String]| v.iter().map(|s| yq(s)).collect::<Vec<_>>().join(", ");
        y.push_str(&format!("competitors: [{}]\n", list(&self.competitors)));
        y.push_str(&format!("start: {}\n", self.start.format("%Y-%m-%d")));
        if !self.stakeholders.is_empty() {
            y.push_str("stakeholders:\n");
            for (name, role, email) in &self.stakeholders {
                y.push_str(&format!("  - name: {}\n", yq(name)));
                if let Some(r) = role {
                    y.push_str(&format!("    role: {}\n", yq(r)));
                }
                if let Some(e) = email {
                    y.push_str(&format!("    email: {}\n", yq(e)));
                }
            }
        }
        if self.criteria.is_empty() {
            y.push_str("success_criteria: []\n");
        } else {
            y.push_str("success_criteria:\n");
        }
        for (i, c) in self.criteria.iter().enumerate() {
            let mut fields = vec![("id", yq(&self.criterion_id(i))), ("title", yq(&c.title))];
            if let Some(t) = &c.target {
                fields.push(("target", yq(t)));
            }
            if let Some(p) = c.priority {
                fields.push(("priority", p.id().to_string()));
            }
            if let Some(p) = c.phase {
                fields.push(("phase", p.id().to_string()));
            }
            if let Some(o) = &c.owner {
                fields.push(("owner", yq(o)));
            }
            y.push_str(&self.mapping_item("  ", &fields));
        }
        y.push_str("phases:\n");
        for (p, (first, last, items)) in self.phases.iter().enumerate() {
            y.push_str(&format!("  {}:\n", Phase::ALL[p].id()));
            y.push_str(&format!("    days: [{first}, {last}]\n"));
            if items.is_empty() {
                continue;
            }
            y.push_str("    checklist:\n");
            for (j, item) in items.iter().enumerate() {
                let mut fields = vec![("id", yq(&self.item_id(p, j))), ("title", yq(&item.title))];
                if let Some(r) = item.required {
                    fields.push(("required", r.to_string()));
                }
                y.push_str(&self.mapping_item("      ", &fields));
            }
        }
        y.push_str(&format!("out_of_scope: [{}]\n", list(&self.out_of_scope)));
        if self.crlf {
            y = y.replace('\n', "\r\n");
        }
        if self.bom {
            y.insert(0, '\u{feff}');
        }
        y
    }

    /// One sequence entry, `{a: 1, b: 2}` or in block style.
    fn mapping_item(&self, indent: &str, fields: &[(&str, String)]) -> String {
        if self.flow {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{indent}- {{{}}}\n", body.join(", "))
        } else {
            let mut out = String::new();
            for (n, (k, v)) in fields.iter().enumerate() {
                let lead = if n == 0 { "- " } else { "  " };
                out.push_str(&format!("{indent}{lead}{k}: {v}\n"));
            }
            out
        }
    }
}

/// Parses a generated scope, which must be valid and say what was written.
fn parse_scope(g: &GenScope) -> Result<Scope, TestCaseError> {
    let text = g.yaml();
    let scope = Scope::parse(&text, "poc.yaml")
        .map_err(|e| TestCaseError::fail(format!("valid scope refused: {e}\n{text}")))?;
    prop_assert_eq!(&scope.name, &g.name);
    prop_assert_eq!(&scope.prospect, &g.prospect);
    prop_assert_eq!(&scope.owner, &g.owner);
    prop_assert_eq!(scope.acv, g.acv);
    prop_assert_eq!(&scope.competitors, &g.competitors);
    prop_assert_eq!(&scope.out_of_scope, &g.out_of_scope);
    prop_assert_eq!(scope.start, g.start);
    prop_assert_eq!(scope.success_criteria.len(), g.criteria.len());
    for (i, (c, gc)) in scope.success_criteria.iter().zip(&g.criteria).enumerate() {
        prop_assert_eq!(&c.id, &g.criterion_id(i));
        prop_assert_eq!(&c.title, &gc.title);
        prop_assert_eq!(&c.target, &gc.target);
        prop_assert_eq!(&c.owner, &gc.owner);
        prop_assert_eq!(c.priority, gc.priority.unwrap_or(Priority::Must));
        prop_assert_eq!(c.phase, gc.phase.unwrap_or(Phase::Validation));
    }
    for (p, plan) in scope.phases.iter().enumerate() {
        prop_assert_eq!(plan.phase, Phase::ALL[p]);
        prop_assert_eq!(plan.days, (g.phases[p].0, g.phases[p].1));
        prop_assert_eq!(plan.checklist.len(), g.phases[p].2.len());
        for (j, (item, gi)) in plan.checklist.iter().zip(&g.phases[p].2).enumerate() {
            prop_assert_eq!(&item.id, &g.item_id(p, j));
            prop_assert_eq!(&item.title, &gi.title);
            prop_assert_eq!(item.required, gi.required.unwrap_or(true));
        }
    }
    for id in g.ids() {
        prop_assert!(scope.find(&id).is_some(), "ID {:?} not found", id);
    }
    Ok(scope)
}

// ---------------------------------------------------------------------------
// Journals
// ---------------------------------------------------------------------------

/// When an entry happened.
#[derive(Debug, Clone, Copy)]
enum When {
    /// Seconds after the scope's start (may be negative).
    Rel(i64),
    /// Any instant chrono can represent, seconds since the epoch.
    Abs(i64),
}

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: RFC 3339 has four-digit
/// years, so these are the first and last instants a journal can hold.
const FIRST_INSTANT: i64 = -62_167_219_200;
const LAST_INSTANT: i64 = 253_402_300_799;

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        12 => (-5 * 86_400i64..400 * 86_400).prop_map(When::Rel),
        1 => (FIRST_INSTANT..=LAST_INSTANT).prop_map(When::Abs),
        1 => prop::sample::select(vec![FIRST_INSTANT, LAST_INSTANT, LAST_INSTANT - 86_400, 0])
            .prop_map(When::Abs),
    ]
}

fn resolve_when(w: When, start: NaiveDate) -> DateTime<Utc> {
    let midnight = start.and_hms_opt(0, 0, 0).unwrap().and_utc();
    match w {
        When::Rel(s) => midnight
            .checked_add_signed(chrono::Duration::seconds(s))
            .unwrap_or(midnight),
        When::Abs(s) => DateTime::from_timestamp(s, 0).unwrap_or(midnight),
    }
}

/// Which ID a command names.
#[derive(Debug, Clone)]
enum Pick {
    /// One the scope defines (the index wraps around).
    Known(Index),
    /// Anything at all: an ID since removed from the scope, a typo.
    Unknown(String),
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        4 => any::<Index>().prop_map(Pick::Known),
        1 => prop_oneof![
            id_suffix().prop_map(|s| format!("gone-{s}")),
            text(),
        ]
        .prop_map(Pick::Unknown),
    ]
}

fn resolve_pick(pick: &Pick, ids: &[String]) -> String {
    match pick {
        Pick::Known(i) if !ids.is_empty() => ids[i.index(ids.len())].clone(),
        Pick::Known(_) => "SC1".to_string(),
        Pick::Unknown(s) => s.clone(),
    }
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop::sample::select(&[Outcome::Win, Outcome::Loss, Outcome::Inconclusive][..])
}

fn file_evidence() -> impl Strategy<Value = FileEvidence> {
    (text(), text(), any::<u64>(), text()).prop_map(|(path, sha256, size, name)| FileEvidence {
        path,
        sha256,
        size,
        name,
    })
}

fn run_evidence() -> impl Strategy<Value = RunEvidence> {
    (
        text(),
        text(),
        any::<u64>(),
        when(),
        any::<u64>(),
        prop::option::of(any::<i32>()),
        any::<bool>(),
    )
        .prop_map(
            |(command, log, size, started, duration_ms, exit_code, timed_out)| RunEvidence {
                command,
                log,
                sha256: "0".repeat(64),
                size,
                started: resolve_when(started, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
                duration_ms,
                exit_code,
                timed_out,
            },
        )
}

/// A check or failure's payload, with the ID left to resolve.
#[derive(Debug, Clone)]
struct GenMark {
    pick: Pick,
    evidence: Option<String>,
    note: Option<String>,
    files: Vec<FileEvidence>,
    run: Option<RunEvidence>,
}

fn gen_mark() -> impl Strategy<Value = GenMark> {
    (
        pick(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::collection::vec(file_evidence(), 0..2),
        prop::option::weighted(0.2, run_evidence()),
    )
        .prop_map(|(pick, evidence, note, files, run)| GenMark {
            pick,
            evidence,
            note,
            files,
            run,
        })
}

/// An optional generated text as journal text.
fn text_of(text: &Option<String>) -> Option<String> {
    text.clone()
}

impl GenMark {
    fn mark(&self, ids: &[String]) -> Mark {
        Mark {
            id: resolve_pick(&self.pick, ids),
            evidence: text_of(&self.evidence),
            note: text_of(&self.note),
            files: self.files.clone(),
            run: self.run.clone().map(Box::new),
        }
    }
}

/// One command, as a person would type it (the model fills in what the CLI
/// would: the phase to advance from, the next blocker ID, …).
#[derive(Debug, Clone)]
enum Cmd {
    Check(GenMark),
    Fail(GenMark),
    Undo(Pick, Option<String>),
    Note(String),
    Park(String),
    Blocker(String),
    /// Resolve the n-th blocker (wrapping), or an unknown one.
    Resolve(Option<Index>, Option<String>),
    Advance(Option<String>),
    /// Back to an earlier phase (wrapping over the phases so far).
    Reopen(Index, String),
    Close(Outcome, Option<String>),
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        6 => gen_mark().prop_map(Cmd::Check),
        2 => gen_mark().prop_map(Cmd::Fail),
        2 => (pick(), prop::option::of(text())).prop_map(|(p, n)| Cmd::Undo(p, n)),
        2 => text().prop_map(Cmd::Note),
        1 => text().prop_map(Cmd::Park),
        2 => text().prop_map(Cmd::Blocker),
        2 => (prop::option::of(any::<Index>()), prop::option::of(text()))
            .prop_map(|(i, n)| Cmd::Resolve(i, n)),
        3 => prop::option::of(text()).prop_map(Cmd::Advance),
        1 => (any::<Index>(), text()).prop_map(|(i, r)| Cmd::Reopen(i, r)),
        1 => (outcome(), prop::option::of(text())).prop_map(|(o, r)| Cmd::Close(o, r)),
    ]
}

/// Turns commands into the entries the CLI would append: IDs that exist,
/// advance from the current phase to the next (forced when the gate is not
/// met), close and reopen only when they make sense, time never going back.
fn cli_entries(scope: &Scope, ids: &[String], cmds: &[(Cmd, u32, String)]) -> Vec<Entry> {
    let mut at = scope.start.and_hms_opt(8, 0, 0).unwrap().and_utc();
    let mut out = Vec::new();
    let mut blockers = 0usize;
    for (cmd, step, by) in cmds {
        at += chrono::Duration::seconds(i64::from(*step));
        // The state so far (the state borrows the entries, so it is
        // replayed afresh each step; the sequences are short).
        let mut state = PocState::derive(scope, &EMPTY);
        for (i, e) in out.iter().enumerate() {
            state.apply(scope, i + 1, e);
        }
        let closed = state.is_closed();
        let event = match cmd {
            _ if ids.is_empty() && matches!(cmd, Cmd::Check(_) | Cmd::Fail(_) | Cmd::Undo(..)) => {
                continue;
            }
            Cmd::Check(m) | Cmd::Fail(m) if !closed => {
                let mut mark = m.mark(ids);
                if matches!(m.pick, Pick::Unknown(_)) {
                    mark.id = ids[mark.id.len() % ids.len()].clone();
                }
                if matches!(cmd, Cmd::Check(_)) {
                    Event::Check(mark.into())
                } else {
                    Event::Fail(mark.into())
                }
            }
            Cmd::Undo(p, note) if !closed => {
                let id = match p {
                    Pick::Known(i) => ids[i.index(ids.len())].clone(),
                    Pick::Unknown(s) => ids[s.len() % ids.len()].clone(),
                };
                Event::Undo {
                    id,
                    note: text_of(note),
                }
            }
            Cmd::Note(text) => Event::Note {
                text: text.as_str().into(),
            },
            Cmd::Park(text) => Event::Park { text: text.clone() },
            Cmd::Blocker(text) if !closed => {
                blockers += 1;
                Event::blocker(format!("B{blockers}"), text.clone())
            }
            Cmd::Resolve(Some(i), note) if blockers > 0 && !closed => Event::Resolve {
                opened: None,
                id: format!("B{}", i.index(blockers) + 1),
                note: text_of(note),
            },
            Cmd::Advance(reason) if !closed => {
                let Some(to) = state.phase.next() else {
                    continue;
                };
                let forced = !state.gate(scope, state.phase).is_empty();
                Event::Advance {
                    from: state.phase,
                    to,
                    forced,
                    reason: if forced { text_of(reason) } else { None },
                }
            }
            Cmd::Reopen(i, reason) if closed || state.phase > Phase::Setup => {
                let upto = if closed {
                    state.phase.index() + 1
                } else {
                    state.phase.index()
                };
                Event::Reopen {
                    to: Phase::ALL[i.index(upto)],
                    reason: reason.clone(),
                    closed: state.closure.as_ref().map(|c| c.outcome),
                }
            }
            Cmd::Close(outcome, reason) if !closed => Event::Close {
                from: None,
                outcome: *outcome,
                reason: text_of(reason),
                forced: state.phase != Phase::Signoff,
            },
            _ => continue,
        };
        let entry = Entry {
            at,
            by: by.as_str().into(),
            event,
        };
        out.push(entry);
    }
    out
}

/// Any entry at all: any ID, any phases, any time.
fn hostile_entry() -> impl Strategy<Value = (When, String, HostileEvent)> {
    (when(), text(), hostile_event())
}

#[derive(Debug, Clone)]
enum HostileEvent {
    Cmd(Cmd),
    Blocker(String, String),
    Resolve(String, Option<String>),
    Advance(Phase, Phase, bool, Option<String>),
    Reopen(Phase, String),
    Close(Outcome, Option<String>, bool),
    Init(String),
    /// A customer update sent, covering from then.
    Update(When),
}

fn blocker_id() -> BoxedStrategy<String> {
    let plain = id_suffix().prop_map(|s| {
        format!(
            "B{}",
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        )
    });
    prop_oneof![plain, id_suffix().prop_map(|s| format!("B{s}")), text()].boxed()
}

fn hostile_event() -> impl Strategy<Value = HostileEvent> {
    prop_oneof![
        8 => cmd().prop_map(HostileEvent::Cmd),
        1 => (blocker_id(), text()).prop_map(|(i, t)| HostileEvent::Blocker(i, t)),
        1 => (prop_oneof![id_suffix().prop_map(|s| format!("B{s}")), text()], prop::option::of(text()))
            .prop_map(|(i, n)| HostileEvent::Resolve(i, n)),
        2 => (phase(), phase(), any::<bool>(), prop::option::of(text()))
            .prop_map(|(f, t, forced, r)| HostileEvent::Advance(f, t, forced, r)),
        1 => (phase(), text()).prop_map(|(p, r)| HostileEvent::Reopen(p, r)),
        1 => (outcome(), prop::option::of(text()), any::<bool>())
            .prop_map(|(o, r, f)| HostileEvent::Close(o, r, f)),
        1 => text().prop_map(HostileEvent::Init),
        1 => when().prop_map(HostileEvent::Update),
    ]
}

fn hostile_entries(
    scope: &Scope,
    ids: &[String],
    raw: &[(When, String, HostileEvent)],
) -> Vec<Entry> {
    raw.iter()
        .map(|(w, by, ev)| {
            let event = match ev {
                HostileEvent::Cmd(c) => match c {
                    Cmd::Check(m) => Event::Check(m.mark(ids).into()),
                    Cmd::Fail(m) => Event::Fail(m.mark(ids).into()),
                    Cmd::Undo(p, note) => Event::Undo {
                        id: resolve_pick(p, ids),
                        note: text_of(note),
                    },
                    Cmd::Note(t) => Event::Note {
                        text: t.as_str().into(),
                    },
                    Cmd::Park(t) => Event::Park { text: t.clone() },
                    Cmd::Blocker(t) => Event::blocker("B1", t.clone()),
                    Cmd::Resolve(i, note) => Event::Resolve {
                        opened: None,
                        id: format!("B{}", i.as_ref().map_or(9, |i| i.index(3) + 1)),
                        note: text_of(note),
                    },
                    Cmd::Advance(reason) => Event::Advance {
                        from: Phase::Setup,
                        to: Phase::Deployment,
                        forced: reason.is_some(),
                        reason: text_of(reason),
                    },
                    Cmd::Reopen(i, reason) => Event::Reopen {
                        to: Phase::ALL[i.index(5)],
                        reason: reason.clone(),
                        closed: None,
                    },
                    Cmd::Close(o, reason) => Event::Close {
                        from: None,
                        outcome: *o,
                        reason: text_of(reason),
                        forced: false,
                    },
                },
                HostileEvent::Blocker(id, text) => Event::blocker(id.clone(), text.clone()),
                HostileEvent::Resolve(id, note) => Event::Resolve {
                    opened: None,
                    id: id.clone(),
                    note: text_of(note),
                },
                HostileEvent::Advance(from, to, forced, reason) => Event::Advance {
                    from: *from,
                    to: *to,
                    forced: *forced,
                    reason: text_of(reason),
                },
                HostileEvent::Reopen(to, reason) => Event::Reopen {
                    to: *to,
                    reason: reason.clone(),
                    closed: None,
                },
                HostileEvent::Close(outcome, reason, forced) => Event::Close {
                    from: None,
                    outcome: *outcome,
                    reason: text_of(reason),
                    forced: *forced,
                },
                HostileEvent::Init(template) => Event::Init {
                    template: template.clone(),
                },
                HostileEvent::Update(since) => Event::Update {
                    since: resolve_when(*since, scope.start),
                    seen: Default::default(),
                },
            };
            Entry {
                at: resolve_when(*w, scope.start),
                by: by.as_str().into(),
                event,
            }
        })
        .collect()
}

/// How the journal file is laid out around its entries.
#[derive(Debug, Clone)]
struct Layout {
    header: bool,
    crlf: bool,
    bom: bool,
    /// Comment or blank lines inserted before entry n (wrapping).
    extras: Vec<(Index, String)>,
    /// A torn last line: this many bytes of one more entry, no newline.
    torn: Option<Index>,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop::collection::vec(
            (
                any::<Index>(),
                prop_oneof![
                    Just(String::new()),
                    Just("   ".to_string()),
                    text().prop_map(|t| format!("# {}", t.replace(['\n', '\r'], " "))),
                ],
            ),
            0..3,
        ),
        prop::option::weighted(0.2, any::<Index>()),
    )
        .prop_map(|(header, crlf, bom, extras, torn)| Layout {
            header,
            crlf,
            bom,
            extras,
            torn,
        })
}

/// The journal file for `entries`, laid out as `layout` says.
fn journal_bytes(entries: &[Entry], layout: &Layout) -> Vec<u8> {
    let eol = if layout.crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if layout.bom {
        out.push('\u{feff}');
    }
    if layout.header {
        out.push_str(poc::journal::JOURNAL_HEADER.trim_end());
        out.push_str(eol);
    }
    for (n, entry) in entries.iter().enumerate() {
        for (i, extra) in &layout.extras {
            if i.index(entries.len().max(1)) == n {
                out.push_str(extra);
                out.push_str(eol);
            }
        }
        out.push_str("- ");
        out.push_str(&serde_json::to_string(entry).unwrap());
        out.push_str(eol);
    }
    let mut bytes = out.into_bytes();
    if let (Some(cut), Some(last)) = (&layout.torn, entries.last()) {
        let line = format!("- {}", serde_json::to_string(last).unwrap());
        // At least one byte, strictly shorter than the whole line (which
        // would parse).
        let n = 1 + cut.index(line.len() - 1);
        bytes.extend_from_slice(&line.as_bytes()[..n]);
    }
    bytes
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

fn touches_an_id(event: &Event) -> bool {
    matches!(event, Event::Check(_) | Event::Fail(_) | Event::Undo { .. })
}

/// `derive` as a fold: the state before anything happened, then `apply` of
/// each entry in time order, skipping IDs the scope does not define. Returns
/// the states after each step, with the entry applied.
#[allow(clippy::type_complexity)]
fn replay<'j>(scope: &Scope, journal: &'j Journal) -> (PocState, Vec<(&'j Entry, PocState)>) {
    let initial = PocState::derive(scope, &EMPTY);
    let mut state = initial.clone();
    let mut steps = Vec::new();
    for line in journal.in_time_order() {
        let event = &line.entry.event;
        if touches_an_id(event) && scope.find(event.subject().unwrap_or_default()).is_none() {
            continue;
        }
        state.apply(scope, line.number, &line.entry);
        steps.push((&line.entry, state.clone()));
    }
    (initial, steps)
}

/// A state as a value to compare (less `unknown_ids`: the fold above skips
/// unknown IDs without recording them).
fn state_value(s: &PocState) -> Value {
    let marked = |m: &Marked| json!({"status": m.status, "at": m.at, "by": m.by, "mark": m.mark()});
    let failed = |f: &poc::state::Failure| json!({"at": f.at, "by": f.by, "mark": f.mark});
    let marks: BTreeMap<&str, Value> = (s.marks.iter())
        .map(|(k, m)| (k.as_str(), marked(m)))
        .collect();
    let failures: BTreeMap<&str, Vec<Value>> = s
        .failures
        .iter()
        .map(|(k, v)| (k.as_str(), v.iter().map(failed).collect()))
        .collect();
    json!({
        "phase": s.phase,
        "closure": s.closure,
        "times": s.times,
        "marks": marks,
        "failures": failures,
        "blockers": s.blockers,
        "parked": s.parked,
        "notes": s.notes,
        "overrides": s.overrides,
    })
}

fn same_state(a: &PocState, b: &PocState) -> Result<(), TestCaseError> {
    prop_assert_eq!(state_value(a), state_value(b));
    Ok(())
}

/// `derive` equals the step-by-step fold, and each journal prefix derives
/// the intermediate state.
fn check_derive(scope: &Scope, journal: &Journal) -> Result<PocState, TestCaseError> {
    let derived = PocState::derive(scope, journal);
    let (initial, steps) = replay(scope, journal);
    same_state(&derived, steps.last().map_or(&initial, |(_, s)| s))?;

    let expected_unknown: Vec<(usize, String)> = journal
        .in_time_order()
        .into_iter()
        .filter(|l| touches_an_id(&l.entry.event))
        .filter_map(|l| {
            let id = l.entry.event.subject()?;
            scope.find(id).is_none().then(|| (l.number, id.to_string()))
        })
        .collect();
    prop_assert_eq!(&derived.unknown_ids, &expected_unknown);

    // Prefixes, in time order (the entries sorted and written out again).
    let ordered: Vec<&Entry> = journal.in_time_order().iter().map(|l| &l.entry).collect();
    let mut known = 0;
    for k in 0..=ordered.len() {
        if k > 0 {
            let e = ordered[k - 1];
            if touches_an_id(&e.event) && scope.find(e.event.subject().unwrap()).is_none() {
                continue;
            }
            known += 1;
        }
        // Every few steps, plus the end, to keep this linear-ish.
        if k % 4 != 0 && k != ordered.len() {
            continue;
        }
        let prefix = journal_bytes(
            &ordered[..k]
                .iter()
                .map(|e| (*e).clone())
                .collect::<Vec<_>>(),
            &Layout {
                header: true,
                crlf: false,
                bom: false,
                extras: vec![],
                torn: None,
            },
        );
        let pj = Journal::parse(&prefix, "journal.yaml").unwrap();
        let expected = if known == 0 {
            &initial
        } else {
            &steps[known - 1].1
        };
        same_state(&PocState::derive(scope, &pj), expected)?;
    }
    Ok(derived)
}

/// The report's numbers agree with the scope, the state and each other.
fn check_report(
    scope: &Scope,
    state: &PocState,
    entries: &[&Entry],
    r: &StatusReport,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(r.phases.len(), 5);
    let closed = state.is_closed();
    let mut current = 0;
    for (p, row) in r.phases.iter().enumerate() {
        let plan = &scope.phases[p];
        prop_assert_eq!(row.id, Phase::ALL[p]);
        prop_assert_eq!(row.total, plan.checklist.len());
        prop_assert!(row.done <= row.total, "{} done of {}", row.done, row.total);
        let done = plan
            .checklist
            .iter()
            .filter(|i| state.status_of(&i.id) == Status::Met)
            .count();
        prop_assert_eq!(row.done, done);
        prop_assert_eq!(row.items.iter().filter(|i| i.done).count(), row.done);
        prop_assert!(row.days_late >= 0);
        let forced_close =
            state.closure.as_ref().is_some_and(|c| c.forced) && state.phase != Phase::Signoff;
        let expected = match (Phase::ALL[p].cmp(&state.phase), closed) {
            (std::cmp::Ordering::Less, _) if state.times[p].forced => "forced",
            (std::cmp::Ordering::Equal, true) if forced_close => "cut short",
            (std::cmp::Ordering::Less, _) | (std::cmp::Ordering::Equal, true) => "done",
            (std::cmp::Ordering::Equal, false) => "current",
            (std::cmp::Ordering::Greater, true) => "skipped",
            (std::cmp::Ordering::Greater, false) => "upcoming",
        };
        prop_assert_eq!(row.state.id(), expected);
        current += usize::from(row.state.id() == "current");

        // The gate lists exactly the required items not done and the phase's
        // criteria not yet evaluated.
        let gate = state.gate(scope, Phase::ALL[p]);
        let blocking_items = row.items.iter().filter(|i| i.required && !i.done).count();
        let pending_criteria = r
            .criteria
            .iter()
            .filter(|c| c.phase == Phase::ALL[p] && c.status == Status::Pending)
            .count();
        prop_assert_eq!(gate.len(), blocking_items + pending_criteria);
    }
    prop_assert_eq!(current, usize::from(!closed));

    let s = &r.criteria_summary;
    prop_assert_eq!(s.total, scope.success_criteria.len());
    prop_assert_eq!(s.met + s.failed + s.pending, s.total);
    prop_assert!(s.must_met <= s.must_total && s.must_total <= s.total);
    prop_assert!(s.must_met <= s.met);
    prop_assert_eq!(
        s.must_total,
        scope
            .success_criteria
            .iter()
            .filter(|c| c.priority == Priority::Must)
            .count()
    );
    prop_assert_eq!(
        s.total - s.must_met,
        state.unmet_musts(scope).len() + (s.total - s.must_total)
    );

    let count = |f: fn(&Event) -> bool| entries.iter().filter(|e| f(&e.event)).count();
    prop_assert_eq!(r.notes.len(), count(|e| matches!(e, Event::Note { .. })));
    prop_assert_eq!(r.parked.len(), count(|e| matches!(e, Event::Park { .. })));
    prop_assert_eq!(
        r.blockers.len(),
        count(|e| matches!(e, Event::Blocker { .. }))
    );
    prop_assert_eq!(
        r.open_blockers,
        r.blockers.iter().filter(|b| b.open).count()
    );
    prop_assert_eq!(r.open_blockers, state.open_blockers().count());
    prop_assert!(r.blockers.iter().all(|b| b.days_open >= 0));

    prop_assert_eq!(r.phase.id() == "closed", closed);
    prop_assert_eq!(r.outcome.is_some(), closed);
    prop_assert_eq!(r.debrief.is_some(), closed);
    prop_assert_eq!(r.last_phase, state.phase);
    if !closed {
        prop_assert_eq!(r.phase.id(), state.phase.id());
    }
    if let Some(d) = &r.debrief {
        prop_assert!(d.overdue_hours >= 0 && d.hours_left >= 0);
        prop_assert!(d.overdue_hours == 0 || d.hours_left == 0);
    }
    prop_assert!(r.days_late >= 0);
    prop_assert!(r.total_days >= 1 && r.total_days <= 366);
    Ok(())
}

/// The JSON status parses back, with the documented fields and the user's
/// text intact.
fn check_json(r: &StatusReport) -> Result<(), TestCaseError> {
    let text = poc::render::json(r).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(text.ends_with('\n'));
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| TestCaseError::fail(format!("status JSON does not parse: {e}")))?;
    for field in [
        "schema_version",
        "name",
        "prospect",
        "owner",
        "start",
        "now",
        "day",
        "total_days",
        "phase",
        "last_phase",
        "phase_window",
        "days_late",
        "criteria_summary",
        "open_blockers",
        "blockers",
        "parked",
        "notes",
        "overrides",
        "outcome",
        "closed_at",
        "debrief",
        "phases",
        "criteria",
    ] {
        prop_assert!(v.get(field).is_some(), "status JSON lacks `{}`", field);
    }
    prop_assert_eq!(
        v["schema_version"].as_u64(),
        Some(u64::from(poc::report::JSON_SCHEMA_VERSION))
    );
    prop_assert_eq!(v["name"].as_str(), Some(r.name.as_str()));
    prop_assert_eq!(v["prospect"].as_str(), Some(r.prospect.as_str()));
    prop_assert_eq!(v["phase"].as_str(), Some(r.phase.id()));
    prop_assert_eq!(v["open_blockers"].as_u64(), Some(r.open_blockers as u64));
    for key in [
        "total",
        "met",
        "failed",
        "pending",
        "must_total",
        "must_met",
    ] {
        prop_assert!(
            v["criteria_summary"][key].is_u64(),
            "criteria_summary.{}",
            key
        );
    }
    let phases = v["phases"].as_array().unwrap();
    prop_assert_eq!(phases.len(), 5);
    for (pv, row) in phases.iter().zip(&r.phases) {
        for key in ["id", "title", "days", "state", "done", "total", "items"] {
            prop_assert!(pv.get(key).is_some(), "phases[].{}", key);
        }
        prop_assert_eq!(pv["done"].as_u64(), Some(row.done as u64));
        prop_assert_eq!(pv["items"].as_array().unwrap().len(), row.items.len());
        for (iv, item) in pv["items"].as_array().unwrap().iter().zip(&row.items) {
            prop_assert_eq!(iv["id"].as_str(), Some(item.id.as_str()));
            prop_assert_eq!(iv["title"].as_str(), Some(item.title.as_str()));
        }
    }
    let criteria = v["criteria"].as_array().unwrap();
    prop_assert_eq!(criteria.len(), r.criteria.len());
    for (cv, c) in criteria.iter().zip(&r.criteria) {
        for key in ["id", "title", "target", "priority", "phase", "status"] {
            prop_assert!(cv.get(key).is_some(), "criteria[].{}", key);
        }
        prop_assert_eq!(cv["title"].as_str(), Some(c.title.as_str()));
        prop_assert_eq!(cv["status"].as_str(), Some(c.status.id()));
    }
    Ok(())
}

/// Cells of a GFM table row: a `|` is a cell border unless a backslash
/// comes right before it (cmark-gfm's rule), and the outer pipes are borders.
fn columns(row: &str) -> usize {
    let mut borders = 0usize;
    let mut prev = ' ';
    for c in row.chars() {
        if c == '|' && prev != '\\' {
            borders += 1;
        }
        prev = c;
    }
    borders.saturating_sub(1)
}

/// Every table keeps its column count on every row, runs to a blank line,
/// and no line breaks out of one; returns the number of data rows per table.
fn check_tables(md: &str) -> Result<Vec<usize>, TestCaseError> {
    let lines: Vec<&str> = md.split('\n').collect();
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let is_delimiter = |l: &str| l.starts_with("|---") && l.trim_end().ends_with('|');
        if i + 1 < lines.len() && lines[i].starts_with('|') && is_delimiter(lines[i + 1]) {
            let width = columns(lines[i]);
            prop_assert!(width > 0, "header row without cells: {:?}", lines[i]);
            prop_assert_eq!(columns(lines[i + 1]), width);
            let mut j = i + 2;
            while j < lines.len() && !lines[j].trim().is_empty() {
                prop_assert!(
                    lines[j].starts_with('|') && lines[j].ends_with('|'),
                    "line {} breaks out of its table: {:?}\n{}",
                    j + 1,
                    lines[j],
                    md
                );
                prop_assert_eq!(
                    columns(lines[j]),
                    width,
                    "line {} has another column count: {:?}\n{}",
                    j + 1,
                    lines[j],
                    md
                );
                j += 1;
            }
            tables.push(j - i - 2);
            i = j;
        } else {
            prop_assert!(
                !lines[i].starts_with('|'),
                "a stray table row outside a table, line {}: {:?}\n{}",
                i + 1,
                lines[i],
                md
            );
            i += 1;
        }
    }
    Ok(tables)
}

const ESC: char = '\u{1b}';

/// Lines of `md` that start a heading.
fn headings(md: &str) -> Vec<&str> {
    md.lines().filter(|l| l.starts_with('#')).collect()
}

fn check_status_md(r: &StatusReport) -> Result<(), TestCaseError> {
    let md = poc::render::document("status.md", r, &r.timezone)
        .map_err(|e| TestCaseError::fail(format!("status.md: {e:#}")))?;
    let tables = check_tables(&md)?;
    // Summary, stakeholders (if any), phases, criteria (if any), blockers
    // (if any).
    let mut expected = vec![tables.first().copied().unwrap_or(0)];
    if !r.stakeholders.is_empty() {
        expected.push(r.stakeholders.len());
    }
    expected.push(5);
    if !r.criteria.is_empty() {
        expected.push(r.criteria.len());
    }
    if !r.blockers.is_empty() {
        expected.push(r.blockers.len());
    }
    prop_assert_eq!(&tables, &expected, "{}", md);
    let mut allowed: BTreeSet<&str> = ["## Phases", "## Success criteria", "## Blockers"].into();
    allowed.insert("## Stakeholders");
    allowed.insert("## Notes");
    allowed.insert("## Parked for after the POC");
    let heads = headings(&md);
    prop_assert!(heads.first().is_some_and(|h| h.starts_with("# ")));
    for h in &heads[1..] {
        prop_assert!(
            allowed.contains(h),
            "user text made a heading: {:?}\n{}",
            h,
            md
        );
    }
    let items = md.lines().filter(|l| l.starts_with("- ")).count();
    prop_assert_eq!(items, r.parked.len() + r.notes.len(), "{}", md);
    prop_assert!(
        !md.contains(ESC) && !md.contains('\r'),
        "raw control characters\n{}",
        md
    );
    Ok(())
}

fn check_checklist_md(r: &StatusReport) -> Result<(), TestCaseError> {
    let md = poc::render::document("checklist.md", r, &r.timezone)
        .map_err(|e| TestCaseError::fail(format!("checklist.md: {e:#}")))?;
    check_tables(&md)?;
    let boxes = md
        .lines()
        .filter(|l| {
            ["- [ ] ", "- [x] ", "- [!] "]
                .iter()
                .any(|b| l.starts_with(b))
        })
        .count();
    let items: usize = r.phases.iter().map(|p| p.total).sum();
    prop_assert_eq!(boxes, items + r.criteria.len(), "{}", md);
    let list_lines = md.lines().filter(|l| l.starts_with("- ")).count();
    prop_assert_eq!(
        list_lines,
        boxes + r.notes.len(),
        "user text started a list item\n{}",
        md
    );
    let heads = headings(&md);
    prop_assert_eq!(heads.len(), 1 + 5 + 1, "user text made a heading\n{}", md);
    prop_assert!(
        !md.contains(ESC) && !md.contains('\r'),
        "raw control characters\n{}",
        md
    );
    Ok(())
}

/// Everything after the journal is read: derive, report, JSON, markdown.
fn check_all(scope: &Scope, journal: &Journal, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    let state = check_derive(scope, journal)?;
    let known: Vec<&Entry> = journal
        .lines
        .iter()
        .map(|l| &l.entry)
        .filter(|e| !touches_an_id(&e.event) || scope.find(e.event.subject().unwrap()).is_some())
        .collect();
    let report = StatusReport::build(scope, &state, now);
    check_report(scope, &state, &known, &report)?;
    check_json(&report)?;
    check_status_md(&report)?;
    check_checklist_md(&report)?;
    let _ = report.duration_days();
    if let Some(d) = &report.debrief {
        let _ = poc::report::describe_due(d, Default::default());
    }
    check_update(scope, journal, &state, now)
}

/// The customer update, from the last update sent and over the whole
/// journal: plain text within 72 columns with no raw control character,
/// HTML with every user text escaped, JSON that parses back.
fn check_update(
    scope: &Scope,
    journal: &Journal,
    state: &PocState,
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    use poc::update::{self, UpdateReport};
    let first = DateTime::from_timestamp(FIRST_INSTANT, 0).unwrap();
    for since in [None, Some(first)] {
        let r = UpdateReport::build(scope, journal, state, now, since);
        let text = update::text(&r);
        // Every line fits in 72 columns, or is one word longer than that
        // (kept whole), after its indent.
        for line in text.lines() {
            let one_word = !line.trim().contains(' ');
            let fits = unicode_width::UnicodeWidthStr::width(line) <= 72 || one_word;
            prop_assert!(fits, "{:?}\n{}", line, text);
        }
        prop_assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "raw control characters\n{}",
            text
        );
        let html = update::html(&r).unwrap();
        prop_assert!(!html.contains("<script"), "{}", html);
        let tags = html.matches('<').count();
        let known = [
            "<table ",
            "</table>",
            "<tr>",
            "</tr>",
            "<td ",
            "</td>",
            "<strong ",
            "</strong>",
            "<span ",
            "</span>",
            "<br>",
        ]
        .iter()
        .map(|t| html.matches(t).count())
        .sum::<usize>();
        prop_assert_eq!(tags, known, "user text opened a tag\n{}", html);
        let _ = update::markdown(&r).unwrap();
        let json = poc::render::json(&r).unwrap();
        let back: Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(
            &back["schema_version"],
            &json!(poc::report::JSON_SCHEMA_VERSION)
        );
    }
    Ok(())
}

/// Phases only move forward, one at a time, except by reopen; only close
/// closes and only reopen opens.
///
/// `serial`: one SE's journal, where every advance moves exactly one phase
/// on. A merge of two may hold the same advance twice, which moves nothing.
fn check_phase_moves(scope: &Scope, journal: &Journal, serial: bool) -> Result<(), TestCaseError> {
    // Phases only move forward, except by reopen; only close closes and
    // only reopen opens.
    let (_, steps) = replay(scope, journal);
    let mut before = PocState::derive(scope, &EMPTY);
    for (entry, after) in &steps {
        match &entry.event {
            Event::Reopen { to, .. } => {
                prop_assert!(!after.is_closed());
                prop_assert_eq!(after.phase, *to);
                if serial {
                    prop_assert!(*to < before.phase || before.is_closed());
                }
            }
            Event::Close { .. } => {
                prop_assert!(after.is_closed());
                prop_assert_eq!(after.phase, before.phase);
            }
            _ => {
                prop_assert!(
                    after.phase >= before.phase,
                    "{:?} moved the phase back from {} to {}",
                    entry.event,
                    before.phase,
                    after.phase
                );
                prop_assert_eq!(after.is_closed(), before.is_closed());
            }
        }
        if let Event::Advance { to, .. } = &entry.event {
            if serial {
                prop_assert_eq!(after.phase.index(), before.phase.index() + 1);
                prop_assert_eq!(after.phase, *to);
            }
            // A stale advance (after a merge) is skipped and enters nothing.
            if after.phase == *to {
                prop_assert!(after.times[to.index()].entered.is_some());
            }
        }
        before = after.clone();
    }
    Ok(())
}

fn now_for(scope: &Scope, w: When) -> DateTime<Utc> {
    resolve_when(w, scope.start)
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(128))]

    /// Every generated scope parses and says what it was written to say.
    #[test]
    fn valid_scopes_parse_and_keep_their_text(g in gen_scope()) {
        let scope = parse_scope(&g)?;
        let _ = scope.warnings();
        let _ = scope.deal_size_tier();
        let _ = scope.total_days();
    }

    /// Journals as the CLI writes them: read back exactly; derive is the fold
    /// of apply; phases only move forward except by reopen; reports add up
    /// and render.
    #[test]
    fn cli_command_sequences_keep_state_consistent(
        g in gen_scope(),
        cmds in prop::collection::vec((cmd(), 0u32..200_000, text()), 0..40),
        lay in layout(),
        now in when(),
    ) {
        let scope = parse_scope(&g)?;
        let ids = g.ids();
        let entries = cli_entries(&scope, &ids, &cmds);
        let lay = Layout { torn: None, ..lay };
        let bytes = journal_bytes(&entries, &lay);
        let journal = Journal::parse(&bytes, "journal.yaml")
            .map_err(|e| TestCaseError::fail(format!("journal refused: {e}")))?;
        prop_assert_eq!(journal.torn, None);
        let read: Vec<&Entry> = journal.lines.iter().map(|l| &l.entry).collect();
        prop_assert_eq!(read, entries.iter().collect::<Vec<_>>());

        check_phase_moves(&scope, &journal, true)?;
        check_all(&scope, &journal, now_for(&scope, now))?;
    }

    /// Anything a merge or an editor could leave: any ID, phase and time,
    /// comments, CRLF, a BOM, a torn last line. Read back what was written
    /// (less the torn line), and never panic.
    #[test]
    fn hostile_journals_never_panic_and_reports_add_up(
        g in gen_scope(),
        raw in prop::collection::vec(hostile_entry(), 0..30),
        lay in layout(),
        now in when(),
    ) {
        let scope = parse_scope(&g)?;
        let entries = hostile_entries(&scope, &g.ids(), &raw);
        let bytes = journal_bytes(&entries, &lay);
        let journal = Journal::parse(&bytes, "journal.yaml")
            .map_err(|e| TestCaseError::fail(format!("journal refused: {e}\n{}", String::from_utf8_lossy(&bytes))))?;
        prop_assert_eq!(journal.torn.is_some(), lay.torn.is_some() && !entries.is_empty());
        let read: Vec<&Entry> = journal.lines.iter().map(|l| &l.entry).collect();
        prop_assert_eq!(read, entries.iter().collect::<Vec<_>>());
        check_phase_moves(&scope, &journal, false)?;
        check_all(&scope, &journal, now_for(&scope, now))?;
    }

    /// Two SEs' journals merged line by line (git's union merge): still
    /// consistent, and still renders.
    #[test]
    fn merged_journals_stay_consistent(
        g in gen_scope(),
        a in prop::collection::vec((cmd(), 0u32..200_000, text()), 0..20),
        b in prop::collection::vec((cmd(), 0u32..200_000, text()), 0..20),
        now in when(),
    ) {
        let scope = parse_scope(&g)?;
        let ids = g.ids();
        let mut entries = cli_entries(&scope, &ids, &a);
        entries.extend(cli_entries(&scope, &ids, &b));
        let bytes = journal_bytes(&entries, &Layout { header: true, crlf: false, bom: false, extras: vec![], torn: None });
        let journal = Journal::parse(&bytes, "journal.yaml")
            .map_err(|e| TestCaseError::fail(format!("journal refused: {e}")))?;
        check_phase_moves(&scope, &journal, false)?;
        check_all(&scope, &journal, now_for(&scope, now))?;
    }

    /// Random edits of a valid scope: an error or a scope, never a panic.
    #[test]
    fn mutated_scopes_never_panic(
        g in gen_scope(),
        edits in prop::collection::vec((any::<Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut bytes = g.yaml().into_bytes();
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match Scope::parse(&text, "poc.yaml") {
            Ok(scope) => {
                let state = PocState::derive(&scope, &EMPTY);
                let report = StatusReport::build(&scope, &state, Utc::now());
                poc::render::document("status.md", &report, &report.timezone).unwrap();
                poc::render::document("checklist.md", &report, &report.timezone).unwrap();
                poc::render::json(&report).unwrap();
            }
            Err(e) => prop_assert!(
                e.to_string().starts_with("poc.yaml"),
                "error does not name the file: {}", e
            ),
        }
    }

    /// Random edits of a valid journal: an error naming the file and line,
    /// or a journal; never a panic.
    #[test]
    fn mutated_journals_never_panic(
        g in gen_scope(),
        raw in prop::collection::vec(hostile_entry(), 1..10),
        edits in prop::collection::vec((any::<Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let scope = parse_scope(&g)?;
        let entries = hostile_entries(&scope, &g.ids(), &raw);
        let mut bytes = journal_bytes(&entries, &Layout { header: true, crlf: false, bom: false, extras: vec![], torn: None });
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        match Journal::parse(&bytes, "journal.yaml") {
            Ok(journal) => {
                let state = PocState::derive(&scope, &journal);
                let report = StatusReport::build(&scope, &state, Utc::now());
                poc::render::document("status.md", &report, &report.timezone).unwrap();
                poc::render::document("checklist.md", &report, &report.timezone).unwrap();
                poc::render::json(&report).unwrap();
            }
            Err(e) => prop_assert!(
                e.to_string().starts_with("journal.yaml:"),
                "error does not name the file and line: {}", e
            ),
        }
    }

}

proptest! {
    #![proptest_config(config(24))]

    /// Through the real binary (slower, so fewer cases): `status` as JSON
    /// and markdown prints what the library builds, the table view lets no
    /// control character through, `checklist` and `validate` never panic.
    #[test]
    fn the_binary_agrees_with_the_library(
        g in gen_scope(),
        raw in prop::collection::vec(hostile_entry(), 0..12),
        now in when(),
    ) {
        let scope = parse_scope(&g)?;
        let entries = hostile_entries(&scope, &g.ids(), &raw);
        let bytes = journal_bytes(&entries, &Layout { header: true, crlf: false, bom: false, extras: vec![], torn: None });
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("poc.yaml"), g.yaml()).unwrap();
        std::fs::write(dir.path().join("journal.yaml"), &bytes).unwrap();
        let journal = Journal::parse(&bytes, "journal.yaml").unwrap();
        let state = PocState::derive(&scope, &journal);
        // POC_NOW takes the years 1 to 9999 (year 0 is refused).
        let year_1 = DateTime::from_timestamp(-62_135_596_800, 0).unwrap();
        let now = now_for(&scope, now).max(year_1);
        let report = StatusReport::build(&scope, &state, now);
        let run = |args: &[&str]| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_poc"));
            cmd.arg("-C")
                .arg(dir.path())
                .args(args)
                .env("POC_NOW", now.to_rfc3339())
                .env("POC_USER", "prop")
                .env("NO_COLOR", "1");
            crate::common::hermetic(&mut cmd, &dir.path().join(".home"));
            let out = cmd.output().unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (code, stdout, stderr) = run(&["status", "--format", "json"]);
        prop_assert_eq!(code, Some(0), "{}", stderr);
        let cli: Value = serde_json::from_str(&stdout).unwrap();
        let lib: Value = serde_json::from_str(&poc::render::json(&report).unwrap()).unwrap();
        prop_assert_eq!(cli, lib);
        let (code, stdout, stderr) = run(&["status", "--format", "markdown"]);
        prop_assert_eq!(code, Some(0), "{}", stderr);
        prop_assert_eq!(stdout, poc::render::document("status.md", &report, &report.timezone).unwrap());
        let (code, stdout, stderr) = run(&["status"]);
        prop_assert_eq!(code, Some(0), "{}", stderr);
        prop_assert!(
            !stdout.chars().any(|c| c != '\n' && c.is_control()),
            "a control character reaches the terminal: {:?}", stdout
        );
        for args in [&["checklist"][..], &["validate"][..], &["log"][..]] {
            let (code, stdout, stderr) = run(args);
            prop_assert!(code.is_some() && code != Some(101) && !stderr.contains("panicked"),
                "poc {:?} crashed: {:?}\n{}", args, code, stderr);
            prop_assert!(
                !stdout.chars().chain(stderr.chars()).any(|c| c != '\n' && c.is_control()),
                "poc {:?}: a control character reaches the terminal: {:?}{:?}", args, stdout, stderr
            );
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Arbitrary bytes as either file: an error, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Journal::parse(&bytes, "journal.yaml");
        let _ = Scope::parse(&String::from_utf8_lossy(&bytes), "poc.yaml");
    }
}

/// The fuzz target's body (`fuzz/parse_and_render.rs`), shared with it.
mod fuzz_harness {
    include!("../../fuzz/parse_and_render.rs");
}

/// The fuzz target passes every seed it starts from, so the harness cannot
/// drift from the code unnoticed: a status JSON schema bump once made every
/// valid input "crash" it.
#[test]
fn the_fuzz_target_passes_its_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut seeds = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let scope_end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        let scope = std::str::from_utf8(&bytes[..scope_end]).unwrap();
        assert!(
            Scope::parse(scope, "poc.yaml").is_ok(),
            "{}: a seed should be a valid scope, to reach the rendering",
            path.display()
        );
        fuzz_harness::parse_and_render(&bytes);
        seeds += 1;
    }
    assert!(seeds >= 6, "{seeds} seeds in {}", dir.display());
}
