//! Rendering: documents from the bundled templates under `templates/`
//! (minijinja), tables through comfy-table, JSON through serde_json.

use std::sync::OnceLock;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use minijinja::{Environment, State, Value, context};
use serde::Serialize;

use crate::text;

/// The document templates bundled into the binary: (name, source).
const DOCUMENTS: &[(&str, &str)] = &[
    ("status.md", include_str!("../templates/status.md.j2")),
    ("checklist.md", include_str!("../templates/checklist.md.j2")),
    ("debrief.md", include_str!("../templates/debrief.md.j2")),
    ("evidence.md", include_str!("../templates/evidence.md.j2")),
];

/// A bundled scope template: what `poc init --template NAME` starts from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ScopeTemplate {
    pub name: &'static str,
    pub version: u32,
    pub description: &'static str,
    /// The template's name in the environment.
    #[serde(skip)]
    pub path: &'static str,
    #[serde(skip)]
    source: &'static str,
}

impl ScopeTemplate {
    /// "standard@1", as written into `poc.yaml`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

pub const SCOPE_TEMPLATES: &[ScopeTemplate] = &[
    ScopeTemplate {
        name: "standard",
        version: 1,
        description: "Five phases over 12 days with the pre-execution checklist in setup and the post-POC checklist in signoff",
        path: "scopes/standard.yaml",
        source: include_str!("../templates/scopes/standard.yaml.j2"),
    },
    ScopeTemplate {
        name: "kubernetes",
        version: 1,
        description: "A POC on the customer's Kubernetes: cluster access, networking, storage, ingress and DNS, image transfer, Helm values, runbooks and handoff",
        path: "scopes/kubernetes.yaml",
        source: include_str!("../templates/scopes/kubernetes.yaml.j2"),
    },
];

/// The template environment, built once per process: parsing every
/// template again for each render was most of what a small `status` cost.
fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let scopes = SCOPE_TEMPLATES.iter().map(|t| (t.path, t.source));
        for (name, source) in DOCUMENTS.iter().copied().chain(scopes) {
            // A bundled template that does not parse fails its render with
            // minijinja's error, and `cargo test` renders every one.
            let _ = env.add_template(name, source);
        }
        add_filters(&mut env);
        env
    })
}

/// The context variable holding the POC's time zone.
const ZONE_VAR: &str = "_poc_timezone";
/// The context variable holding the POC folder as seen from the document.
const POC_DIR_VAR: &str = "_poc_dir";

fn add_filters(env: &mut Environment<'static>) {
    env.add_filter("md", |v: Value| -> String {
        if v.is_none() || v.is_undefined() {
            String::new()
        } else {
            text::markdown_inline(&v.to_string())
        }
    });
    env.add_filter("yaml_str", |v: String| -> String {
        serde_json::to_string(&v).unwrap_or_default()
    });
    // RFC 3339 in, "2026-11-23 14:05 PST" out, in the POC's zone; dates
    // pass through.
    env.add_filter("when", |state: &State, v: Value| -> String {
        if v.is_none() || v.is_undefined() {
            return String::new();
        }
        let s = v.to_string();
        match chrono::DateTime::parse_from_rfc3339(&s) {
            Ok(t) => crate::clock::show(t.to_utc(), zone(state)),
            Err(_) => s,
        }
    });
    // The calendar day, in the POC's zone.
    env.add_filter("date", |state: &State, v: Value| -> String {
        let s = v.to_string();
        match chrono::DateTime::parse_from_rfc3339(&s) {
            Ok(t) => crate::clock::local_date(t.to_utc(), zone(state)).to_string(),
            Err(_) => s.get(..10).unwrap_or(&s).to_string(),
        }
    });
    // A link to a file in the POC folder (evidence), from where the
    // document is.
    env.add_filter("poc_link", |state: &State, v: String| -> String {
        let prefix = state
            .lookup(POC_DIR_VAR)
            .map(|p| p.to_string())
            .unwrap_or_default();
        url_path(&format!("{prefix}{v}"))
    });
    env.add_filter("plural", |n: i64, noun: String| -> String {
        text::plural(n, &noun)
    });
    env.add_filter("thousands", |n: u64| -> String { text::thousands(n) });
}

fn zone(state: &State) -> chrono_tz::Tz {
    state
        .lookup(ZONE_VAR)
        .and_then(|z| crate::clock::parse_zone(&z.to_string()))
        .unwrap_or(chrono_tz::Tz::UTC)
}

/// Renders the bundled template `name` with `context`, for a document read
/// from the POC folder: links to evidence are relative to it; times are in
/// the POC's zone.
pub fn document<S: Serialize>(name: &str, context: &S, timezone: &str) -> anyhow::Result<String> {
    document_at(name, context, timezone, "")
}

/// As [`document`], for a document that lives elsewhere: `poc_dir` is the
/// POC folder as seen from the document's folder, with a trailing slash
/// (`../acme/`), and prefixes every link into the POC folder.
pub fn document_at<S: Serialize>(
    name: &str,
    context: &S,
    timezone: &str,
    poc_dir: &str,
) -> anyhow::Result<String> {
    let template = environment().get_template(name)?;
    Ok(template.render(context! {
        _poc_timezone => timezone,
        _poc_dir => poc_dir,
        ..Value::from_serialize(context)
    })?)
}

/// Renders a bundled scope template (`poc init`).
pub(crate) fn scope_template<S: Serialize>(name: &str, context: &S) -> anyhow::Result<String> {
    let template = environment().get_template(name)?;
    Ok(template.render(Value::from_serialize(context))?)
}

/// A relative link target for a markdown link: spaces and parentheses escaped.
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Pretty JSON with a trailing newline.
pub fn json<S: Serialize>(value: &S) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

/// A table, fitted to the terminal's width when stdout is one. Colour is
/// only ever added by [`status_cell`], and only when colour is on.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(|h| Cell::new(*h)));
    t
}

/// A cell of user text.
pub fn cell(text: impl AsRef<str>) -> Cell {
    Cell::new(text::terminal_safe(text.as_ref()))
}

/// What a status cell says, and so its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Open,
    Plain,
}

/// A status cell, coloured by its tone when colour is on.
pub fn status_cell(text: &str, tone: Tone, color: bool) -> Cell {
    let c = Cell::new(text);
    if !color {
        return c;
    }
    match tone {
        Tone::Good => c.fg(Color::Green),
        Tone::Bad => c.fg(Color::Red),
        Tone::Open => c.fg(Color::Yellow),
        Tone::Plain => c,
    }
}

impl From<crate::state::Status> for Tone {
    fn from(status: crate::state::Status) -> Tone {
        match status {
            crate::state::Status::Met => Tone::Good,
            crate::state::Status::Failed => Tone::Bad,
            crate::state::Status::Pending => Tone::Open,
        }
    }
}

impl From<crate::report::PhaseState> for Tone {
    fn from(state: crate::report::PhaseState) -> Tone {
        use crate::report::PhaseState::*;
        match state {
            Done => Tone::Good,
            Current => Tone::Open,
            Forced | CutShort | Upcoming | Skipped => Tone::Plain,
        }
    }
}
