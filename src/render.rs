//! Rendering: documents from the bundled templates under `templates/`
//! (minijinja), tables through comfy-table, JSON through serde_json.

use std::sync::OnceLock;

use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets};
use minijinja::{AutoEscape, Environment, State, Value};
use serde::Serialize;

use crate::text;

/// A bundled document template: its name, its source and its file name.
macro_rules! document {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../templates/", $name, ".j2")),
            concat!($name, ".j2"),
        )
    };
}

/// The document templates bundled into the binary: (name, source, file).
const DOCUMENTS: &[(&str, &str, &str)] = &[
    document!("status.md"),
    document!("checklist.md"),
    document!("debrief.md"),
    document!("evidence.md"),
    document!("similar.md"),
    document!("report.html"),
    document!("update.md"),
    document!("update.html"),
    document!("insights.md"),
    document!("insights.html"),
    document!("signoff-sheet.md"),
    document!("signoff-sheet.html"),
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

/// The folders whose document templates override the bundled ones
/// (`status.md.j2`, …), nearest first: set once, before the first render,
/// from the configuration (see [`crate::catalog`]).
static OVERRIDES: OnceLock<Vec<std::path::PathBuf>> = OnceLock::new();

/// Takes document templates from `dirs` (nearest first) before the
/// bundled ones, for the rest of the process. Only the first call counts.
pub fn use_template_dirs(dirs: Vec<std::path::PathBuf>) {
    let _ = OVERRIDES.set(dirs);
}

/// The file names of the bundled document templates (`status.md.j2`, …).
pub fn document_files() -> impl Iterator<Item = &'static str> {
    const FILES: [&str; DOCUMENTS.len()] = {
        let mut files = [""; DOCUMENTS.len()];
        let mut i = 0;
        while i < DOCUMENTS.len() {
            files[i] = DOCUMENTS[i].2;
            i += 1;
        }
        files
    };
    FILES.into_iter()
}

/// The bundled template whose file (`status.md.j2`) or scope name
/// (`standard`) is `name`: its file name and source.
pub fn bundled(name: &str) -> Option<(String, &'static str)> {
    let scope = SCOPE_TEMPLATES.iter().find(|t| t.name == name);
    let scope = scope.map(|t| (format!("{}.yaml.j2", t.name), t.source));
    let stem = name.strip_suffix(".j2").unwrap_or(name);
    let document = (DOCUMENTS.iter()).find(|(n, _, _)| *n == stem);
    scope.or_else(|| document.map(|(_, source, file)| (file.to_string(), *source)))
}

/// The template environment, built once per process: parsing every
/// template again for each render was most of what a small `status` cost.
/// Templates load when first used: an override from disk, else the
/// bundled one.
fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_fuel(Some(MAX_STEPS));
        let dirs = OVERRIDES.get().cloned().unwrap_or_default();
        env.set_loader(move |name| load_template(&dirs, name));
        add_filters(&mut env);
        env.set_formatter(html_formatter);
        env
    })
}

/// The most steps one render may take: the bundled templates need far
/// fewer for the largest POC poc reads; a team's template from a
/// repository someone else controls must not hang `poc`.
const MAX_STEPS: u64 = 20_000_000;
/// The most one render may write, for the same reason.
const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// Renders `template` within [`MAX_STEPS`] and [`MAX_OUTPUT_BYTES`].
fn render_bounded(
    template: &minijinja::Template<'_, '_>,
    context: Value,
) -> Result<String, minijinja::Error> {
    struct Capped(Vec<u8>);
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + buf.len() > MAX_OUTPUT_BYTES {
                return Err(std::io::Error::other(TOO_LONG));
            }
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Capped(Vec::new());
    template.render_captured_to(context, &mut out)?;
    // minijinja writes only `str`s.
    Ok(String::from_utf8_lossy(&out.0).into_owned())
}

/// What a render stopped by [`MAX_OUTPUT_BYTES`] says.
const TOO_LONG: &str = "the template writes more than 64 MiB; is it looping without end?";

/// The source of the template `name`: its override, else the bundled one.
fn load_template(
    dirs: &[std::path::PathBuf],
    name: &str,
) -> Result<Option<String>, minijinja::Error> {
    let is_document = DOCUMENTS.iter().any(|(n, _, _)| *n == name);
    if is_document && let Some(path) = crate::catalog::document_override(dirs, name) {
        return crate::catalog::read(&path).map(Some).map_err(|e| {
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("{e:#}"))
        });
    }
    let scopes = SCOPE_TEMPLATES.iter().map(|t| (t.path, t.source));
    let bundled = DOCUMENTS.iter().map(|(n, s, _)| (*n, *s)).chain(scopes);
    Ok(bundled
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.to_string()))
}

/// A render error as the user can act on it: in a template file from
/// disk, `FILE:LINE:COL: what` (the column from minijinja's span); in a
/// bundled one, minijinja's own words. `top` is the template rendered,
/// for an error that names none (output over the limit).
fn template_error(
    error: minijinja::Error,
    file: Option<&std::path::Path>,
    top: &str,
) -> anyhow::Error {
    let dirs = OVERRIDES.get().map(Vec::as_slice).unwrap_or_default();
    let file = file.map(std::path::Path::to_path_buf).or_else(|| {
        let name = error.name().unwrap_or(top);
        crate::catalog::document_override(dirs, name)
    });
    let Some(file) = file else {
        return error.into();
    };
    let name = file.display().to_string();
    let what = what_went_wrong(&error);
    let Some(line) = error.line() else {
        return crate::error::Error::invalid(crate::error::Location::file(&name), what).into();
    };
    let column = error.range().and_then(|range| {
        let text = std::fs::read_to_string(&file).ok()?;
        let before = text.get(..range.start)?;
        Some(before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1)
    });
    let at = crate::error::Location::at(&name, line, column.unwrap_or(1));
    crate::error::Error::invalid(at, what).into()
}

/// The error in words: its own, and the first cause, which an include
/// or a stopped render holds.
fn what_went_wrong(error: &minijinja::Error) -> String {
    use std::error::Error as _;
    let mut what = match error.kind() {
        minijinja::ErrorKind::OutOfFuel => {
            return format!(
                "the template runs too long (more than {MAX_STEPS} steps); is it looping without end?"
            );
        }
        minijinja::ErrorKind::WriteFailure => return TOO_LONG.to_string(),
        kind => match error.detail() {
            Some(detail) => format!("{kind}: {detail}"),
            None => kind.to_string(),
        },
    };
    let mut cause = error.source();
    while let Some(inner) = cause {
        match inner.downcast_ref::<minijinja::Error>() {
            Some(e) if e.kind() == minijinja::ErrorKind::BadInclude => {}
            Some(e) => {
                what.push_str(": ");
                what.push_str(&what_went_wrong(e));
                break;
            }
            None => {}
        }
        cause = inner.source();
    }
    what
}

/// Writes a value into a document. In an HTML template (`.html`, which
/// minijinja escapes) user text goes through [`crate::html::escape`], which
/// also replaces control and bidirectional characters; everything else is
/// written as minijinja would.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            Ok(out.write_str(&crate::html::escape(s))?)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
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
    // An ID as a code span when it is in the ID set (`SC1`), else as
    // escaped text: a backtick in it could otherwise end the span early.
    env.add_filter("id", |v: Value| -> String {
        let s = if v.is_none() || v.is_undefined() {
            String::new()
        } else {
            v.to_string()
        };
        match text::valid_id(&s) {
            Ok(()) => format!("`{s}`"),
            Err(_) => text::markdown_inline(&s),
        }
    });
    // Text as a code span, which markdown shows as it is (no image or link
    // inside one is live): one line, no backtick to end the span, `|`
    // escaped for tables. Text that holds what looks like a tag is escaped
    // text instead, so no `<img` reaches the document even inside a span.
    env.add_filter("code", |v: Value| -> String {
        if v.is_none() || v.is_undefined() {
            return String::new();
        }
        let s = v.to_string();
        let markup = text::markdown_inline(&s);
        if markup.contains("&lt;") {
            return markup;
        }
        let span = text::terminal_safe(&s)
            .replace('\u{fffd}', "")
            .replace('`', "'")
            .replace('|', "\\|");
        format!("`{span}`")
    });
    env.add_filter("yaml_str", |v: String| -> String { yaml_str(&v) });
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
        poc_link(&prefix, &v)
    });
    env.add_filter("plural", |n: i64, noun: String| -> String {
        text::plural(n, &noun)
    });
    env.add_filter("thousands", |n: u64| -> String { text::thousands(n) });
    env.add_filter("percent", |share: f64| -> String { text::percent(share) });
    env.add_filter("span", |hours: i64| -> String { text::span(hours) });
    env.add_filter("truncate", |v: String, max: usize| -> String {
        text::truncate(&v, max)
    });
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
    let context = template_context(context, timezone, poc_dir);
    let template = (environment().get_template(name)).map_err(|e| template_error(e, None, name))?;
    render_bounded(&template, Value::from_serialize(&context))
        .map_err(|e| template_error(e, None, name))
}

/// What a document template receives: the report's fields, and the POC's
/// zone and folder the filters use. `--context` prints this as JSON.
#[derive(Serialize)]
pub struct TemplateContext<'a, S: Serialize> {
    #[serde(flatten)]
    pub report: &'a S,
    pub _poc_timezone: &'a str,
    pub _poc_dir: &'a str,
}

/// The context [`document_at`] gives its template.
pub fn template_context<'a, S: Serialize>(
    report: &'a S,
    timezone: &'a str,
    poc_dir: &'a str,
) -> TemplateContext<'a, S> {
    TemplateContext {
        report,
        _poc_timezone: timezone,
        _poc_dir: poc_dir,
    }
}

/// Renders a bundled scope template (`poc init`).
pub(crate) fn scope_template<S: Serialize>(name: &str, context: &S) -> anyhow::Result<String> {
    let template = environment().get_template(name)?;
    Ok(template.render(Value::from_serialize(context))?)
}

/// Renders a scope template read from `file` (`poc init`); errors name it.
pub(crate) fn scope_file<S: Serialize>(
    file: &std::path::Path,
    source: &str,
    context: &S,
) -> anyhow::Result<String> {
    let name = file.display().to_string();
    let env = environment();
    let template = (env.template_from_named_str(&name, source))
        .map_err(|e| template_error(e, Some(file), &name))?;
    render_bounded(&template, Value::from_serialize(context))
        .map_err(|e| template_error(e, Some(file), &name))
}

/// `text` as a double-quoted YAML scalar that reads back as exactly `text`,
/// whatever it holds. JSON's escaping is not enough: YAML forbids DEL, the
/// C1 controls and other non-printable characters raw in a document, and
/// folds raw line breaks (`\u{85}`, `\u{2028}`, `\u{2029}` among them).
pub fn yaml_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Printable to YAML, but they reorder a terminal's text.
            c if text::is_bidi_control(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            // YAML 1.2's printable set, less the line breaks and the BOM.
            ' '..='~' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' => out.push(c),
            '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}' | '\u{10000}'.. => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// The link to `path` in the POC folder, seen through `prefix` (the POC
/// folder from the document's). Always a path: a journal entry edited to
/// name `//host/x` (which a browser reads as another host) or `/etc/x`
/// gets `.` in front and stays a path in the document's folder.
pub fn poc_link(prefix: &str, path: &str) -> String {
    let target = format!("{prefix}{path}");
    let target = match target.starts_with('/') && prefix.is_empty() {
        true => format!(".{target}"),
        false => target,
    };
    url_path(&target)
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

/// Pretty JSON with a trailing newline. Besides what JSON escapes itself,
/// DEL, the C1 controls and the characters that reorder text
/// ([`text::is_bidi_control`]) are written as `\uXXXX` escapes: the same
/// data for a parser, nothing that drives a terminal when it is printed.
pub fn json<S: Serialize>(value: &S) -> anyhow::Result<String> {
    Ok(terminal_safe_json(&serde_json::to_string_pretty(value)?))
}

/// One JSON Lines line: compact JSON, escaped as [`json`] escapes it, and a
/// newline.
pub fn json_line<S: Serialize>(value: &S) -> anyhow::Result<String> {
    Ok(terminal_safe_json(&serde_json::to_string(value)?))
}

fn terminal_safe_json(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len() + 1);
    for c in raw.chars() {
        // Outside strings serde_json writes only ASCII, so any such
        // character is inside a string, where an escape means the same.
        if ('\u{7f}'..='\u{9f}').contains(&c) || text::is_bidi_control(c) {
            s.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            s.push(c);
        }
    }
    s.push('\n');
    s
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

/// The table as text, fitted to the output's width (see [`output_width`]),
/// with a newline. Each column is kept at least as wide as its longest word
/// when all of them fit, so cells wrap at spaces and never mid-word.
pub fn shown(mut table: Table) -> String {
    let width = output_width(table.width());
    table.set_width(width);
    let words = longest_words(&table);
    // UTF8_FULL_CONDENSED: one border per column and one more, and a space
    // of padding on each side of every cell.
    let frame = 3 * words.len() + 1;
    // When every column can hold its longest word, each does; else the
    // columns whose words are short (a status, a phase, a header) still
    // do, and only the columns of long words (a path, a URL) split one.
    let fits = |limit: u16| {
        let kept = (words.iter()).map(|w| usize::from(if *w <= limit { *w } else { SHORT_WORD }));
        kept.sum::<usize>() + frame <= usize::from(width)
    };
    if let Some(limit) = [u16::MAX, SHORT_WORD].into_iter().find(|l| fits(*l)) {
        for (column, word) in table.column_iter_mut().zip(&words) {
            if *word <= limit {
                column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(word + 2)));
            }
        }
    }
    format!("{table}\n")
}

/// The longest word kept whole in a table too narrow to keep every word.
const SHORT_WORD: u16 = 10;

/// The width tables are fitted to: `COLUMNS` when set, else the terminal's
/// when it reports one (a pty of size 0×0, under `script`, reports none),
/// else 100 (piped, redirected).
pub fn output_width(terminal: Option<u16>) -> u16 {
    let columns = std::env::var("COLUMNS").ok();
    // Wider than a u16 (COLUMNS=99999) is as wide as a table gets.
    let columns = columns
        .and_then(|c| c.trim().parse::<u64>().ok())
        .map(|c| u16::try_from(c).unwrap_or(u16::MAX));
    columns
        .filter(|w| *w > 0)
        .or(terminal.filter(|w| *w > 0))
        .unwrap_or(100)
        .max(20)
}

/// The widest word of each column, header included, in screen columns.
fn longest_words(table: &Table) -> Vec<u16> {
    let header = table.header().into_iter();
    let mut widest = vec![0u16; table.column_iter().count()];
    for row in header.chain(table.row_iter()) {
        for (i, cell) in row.cell_iter().enumerate() {
            let content = cell.content();
            let word = content.split_whitespace().map(text::columns);
            let longest = u16::try_from(word.max().unwrap_or(0)).unwrap_or(u16::MAX);
            if let Some(w) = widest.get_mut(i) {
                *w = (*w).max(longest);
            }
        }
    }
    widest
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

/// CSV text of one cell: a cell a spreadsheet would run as a formula
/// (`= + - @`, or a tab or carriage return first) gets a leading `'`;
/// one with a comma, quote or line break is quoted.
pub fn csv_cell(text: &str) -> String {
    let text = match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_neutralised_and_quoted() {
        assert_eq!(csv_cell("Acme"), "Acme");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn yaml_str_reads_back_as_what_was_written() {
        let nasty: String = (0u32..0x300)
            .chain(0x2000..0x2070)
            .chain([0xd7ff, 0xe000, 0xfeff, 0xfffe, 0xffff, 0x1f600, 0x10ffff])
            .filter_map(char::from_u32)
            .collect();
        for text in [
            nasty.as_str(),
            "",
            "plain",
            "a \"quoted\" \\ path",
            "\u{7f}\u{85}\u{9f}",
        ] {
            let doc = format!("v: {}\n", yaml_str(text));
            let back: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&doc).unwrap_or_else(|e| panic!("{e}\n{doc:?}"));
            assert_eq!(back["v"], text, "{doc:?}");
        }
        assert_eq!(yaml_str("Acme \u{7f}\u{85}"), "\"Acme \\x7f\\x85\"");
        assert_eq!(yaml_str("a\u{202e}b"), "\"a\\u202eb\"");
    }

    #[test]
    fn a_link_never_leaves_for_another_host() {
        assert_eq!(poc_link("", "evidence/a b.png"), "evidence/a%20b.png");
        assert_eq!(poc_link("", "//evil.example/y"), ".//evil.example/y");
        assert_eq!(poc_link("", "/etc/passwd"), "./etc/passwd");
        assert_eq!(
            poc_link("", "javascript:alert(1)"),
            "javascript%3Aalert%281%29"
        );
        assert_eq!(poc_link("../acme/", "evidence/x"), "../acme/evidence/x");
        assert_eq!(
            poc_link("/home/dana/acme/", "evidence/x"),
            "/home/dana/acme/evidence/x"
        );
    }

    #[test]
    fn json_escapes_what_drives_a_terminal_and_means_the_same() {
        let text = "a\u{7f}\u{9b}[2J\u{202e}\u{200f}\u{1b} é";
        let out = json(&serde_json::json!({ "t": text })).unwrap();
        assert!(
            out.is_ascii() || !out.chars().any(|c| c.is_control() && c != '\n'),
            "{out}"
        );
        assert!(
            !out.contains('\u{202e}') && !out.contains('\u{9b}'),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["t"], text);
    }
}
