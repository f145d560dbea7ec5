//! `poc init`: create a POC folder from a bundled template.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::cli::InitArgs;
use crate::context::Context;
use crate::error::{EXIT_OK, Error, did_you_mean};
use crate::fsutil::display_in;
use crate::journal::{Event, JOURNAL_FILE, LockedJournal};
use crate::render::{SCOPE_TEMPLATES, ScopeTemplate};
use crate::scope::{SCOPE_FILE, Scope};
use crate::{fsutil, render};

const GITATTRIBUTES_LINE: &str = "journal.yaml merge=union";
const GITATTRIBUTES: &str = ".gitattributes";

#[derive(Serialize)]
struct ScopeContext {
    template_id: String,
    name: String,
    prospect: String,
    owner: String,
    start: String,
    timezone: String,
    /// Deal details known at kickoff; none leaves the template's example
    /// commented out.
    industry: Option<String>,
    acv: Option<u64>,
    competitors: Vec<String>,
}

pub fn run(args: InitArgs, ctx: &Context) -> anyhow::Result<u8> {
    let dir = target_dir(args.folder.as_deref(), ctx.dir.as_deref())?;
    let template = find_template(&args.template)?;
    let zone = match &args.timezone {
        Some(name) => crate::clock::parse_zone(name).ok_or_else(|| {
            Error::usage(format!(
                "--timezone: `{}` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC",
                crate::text::terminal_safe(name)
            ))
        })?,
        None => crate::clock::machine_zone(),
    };
    let now = ctx.now.resolve(zone);
    let start = match &args.start {
        Some(s) => crate::clock::parse_date(s).map_err(|problem| {
            Error::usage(format!(
                "--start: `{s}` {problem} (expected YYYY-MM-DD, such as 2026-11-23)"
            ))
        })?,
        None => crate::clock::local_date(now, zone),
    };
    let prospect = super::non_empty(&args.prospect, "--prospect")?;
    let name = match &args.name {
        Some(n) => super::non_empty(n, "--name")?,
        None => format!("{prospect} POC"),
    };
    let owner = match &args.owner {
        Some(o) => super::non_empty(o, "--owner")?,
        None => ctx.user.clone(),
    };
    let industry = (args.industry.as_deref())
        .map(|i| one_line(i, "--industry"))
        .transpose()?;
    let competitors = (args.competitor.iter())
        .map(|c| one_line(c, "--competitor"))
        .collect::<Result<Vec<_>, _>>()?;
    ensure_free(&dir)?;

    let text = render::scope_template(
        template.path,
        &ScopeContext {
            template_id: template.id(),
            name,
            prospect,
            owner,
            start: start.format("%Y-%m-%d").to_string(),
            timezone: zone.name().to_string(),
            industry,
            acv: args.acv,
            competitors,
        },
    )?;
    // The bundled template must give a valid scope for any input.
    Scope::parse(&text, SCOPE_FILE).context("the bundled template rendered an invalid scope")?;
    let gitattributes = gitattributes_text(&dir)?;

    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fsutil::write_atomic(&dir.join(SCOPE_FILE), text.as_bytes(), false)?;
    let (mut journal, _) = LockedJournal::open(&dir)?;
    let init = Event::Init {
        template: template.id(),
    };
    journal.append(&[ctx.entry_in(zone, now, init)])?;
    if let Some(text) = gitattributes {
        fsutil::write_atomic(&dir.join(GITATTRIBUTES), text.as_bytes(), true)?;
    }
    announce(&dir, template, start, zone);
    // The hint reads the new POC back: the journal's lock must be free.
    drop(journal);
    if let Some(line) = super::similar::init_hint(&dir, ctx, &dash_c(&dir)) {
        crate::say!("\n{line}");
    }
    Ok(EXIT_OK)
}

/// A deal detail from a flag: trimmed, not empty, and one line (it is a
/// name, matched against other POCs').
fn one_line(text: &str, flag: &str) -> Result<String, Error> {
    let text = super::non_empty(text, flag)?;
    if text.chars().any(char::is_control) {
        return Err(Error::usage(format!(
            "{flag} must be one line of text, without control characters"
        )));
    }
    Ok(text)
}

/// The folder to create the POC in: init's own argument or `-C`, which
/// must not name two places.
fn target_dir(folder: Option<&Path>, dash_c: Option<&Path>) -> Result<PathBuf, Error> {
    match (folder, dash_c) {
        (Some(folder), Some(dir)) if !same_place(folder, dir) => Err(Error::usage(format!(
            "-C {} and init's folder {} name two places; give one of them",
            dir.display(),
            folder.display()
        ))),
        (Some(folder), _) => Ok(folder.to_path_buf()),
        (None, Some(dir)) => Ok(dir.to_path_buf()),
        (None, None) => Ok(PathBuf::from(".")),
    }
}

fn find_template(name: &str) -> Result<&'static ScopeTemplate, Error> {
    let names = || SCOPE_TEMPLATES.iter().map(|t| t.name);
    SCOPE_TEMPLATES
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| {
            Error::usage(format!(
                "unknown template `{name}`{}; bundled templates: {}",
                did_you_mean(name, names()),
                names().collect::<Vec<_>>().join(", ")
            ))
        })
}

/// Checks everything init will write before anything is: a broken link is
/// "there" too (writing through it would create its target), and a
/// half-made POC would make the retry refuse.
fn ensure_free(dir: &Path) -> anyhow::Result<()> {
    for file in [SCOPE_FILE, JOURNAL_FILE] {
        if let Ok(meta) = std::fs::symlink_metadata(dir.join(file)) {
            let what = if meta.file_type().is_symlink() {
                " (as a symbolic link)"
            } else {
                ""
            };
            crate::fail!(
                "{} already exists{what}; refusing to overwrite a POC (nothing was changed)",
                display_in(dir, file)
            );
        }
    }
    if let Ok(meta) = std::fs::symlink_metadata(dir.join(GITATTRIBUTES))
        && !meta.is_file()
    {
        crate::fail!(
            "{}: is {}, not a regular file; init adds a line to it, so make it a regular file or remove it (nothing was changed)",
            display_in(dir, GITATTRIBUTES),
            fsutil::kind_name(&meta.file_type())
        );
    }
    if let Ok(meta) = std::fs::metadata(dir)
        && !meta.is_dir()
    {
        crate::fail!(
            "{}: is {}, not a folder (nothing was changed)",
            dir.display(),
            fsutil::kind_name(&meta.file_type())
        );
    }
    Ok(())
}

/// "Created … (day 1 is …, ZONE)." and the next steps, with `-C DIR` when
/// the POC is not the current folder.
fn announce(dir: &Path, template: &ScopeTemplate, start: chrono::NaiveDate, zone: chrono_tz::Tz) {
    // The folder is as typed, and may hold anything.
    let safe = |p: String| crate::text::terminal_safe(&p);
    let dash_c = dash_c(dir);
    let scope = safe(display_in(dir, SCOPE_FILE));
    crate::say!(
        "Created {scope} from template {} (day 1 is {start}, {}).\n\nNext steps:\n  1. Edit {scope} with the customer: success criteria with measurable targets, stakeholders, day windows.\n  2. poc {dash_c}validate\n  3. poc {dash_c}check            # today's list; tick items with `poc check ID`\n  4. poc {dash_c}status",
        template.id(),
        zone.name(),
    );
}

/// `-C DIR ` for the commands init suggests, when the POC is not the
/// current folder.
fn dash_c(dir: &Path) -> String {
    let shown = display_in(dir, "");
    match shown.is_empty() {
        true => String::new(),
        false => format!(
            "-C {} ",
            crate::text::terminal_safe(shown.trim_end_matches('/'))
        ),
    }
}

/// What `.gitattributes` becomes with `journal.yaml merge=union` (so two
/// SEs' appends merge cleanly), or None when it has the line already. Read
/// before init writes anything, so a file it cannot use changes nothing.
fn gitattributes_text(dir: &std::path::Path) -> anyhow::Result<Option<String>> {
    let path = dir.join(GITATTRIBUTES);
    let name = display_in(dir, GITATTRIBUTES);
    let existing = match fsutil::open_regular(&path) {
        Ok(file) => {
            let bytes = fsutil::read_capped(&file, std::path::Path::new(&name), 1024 * 1024)?;
            String::from_utf8(bytes).map_err(|_| {
                Error::new(format!(
                    "{name}: not UTF-8 text; add the line `{GITATTRIBUTES_LINE}` to it yourself, or fix its encoding (nothing was changed)"
                ))
            })?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {name}")),
    };
    if existing.lines().any(|l| l.trim() == GITATTRIBUTES_LINE) {
        return Ok(None);
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(GITATTRIBUTES_LINE);
    text.push('\n');
    Ok(Some(text))
}

/// Whether two paths as typed name one folder (`eps`, `./eps`, `eps/`),
/// before it exists.
fn same_place(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::path::Component;
    let plain = |p| std::path::Path::components(p).filter(|c| *c != Component::CurDir);
    plain(a).eq(plain(b))
}
