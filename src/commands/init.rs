//! `poc init`: create a POC folder from a bundled template.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::init_ask;
use crate::catalog::{self, ScopeFields, Template};
use crate::cli::InitArgs;
use crate::config::{Config, DEFAULT_TEMPLATE};
use crate::context::Context;
use crate::error::{EXIT_OK, Error, did_you_mean};
use crate::fsutil;
use crate::fsutil::display_in;
use crate::journal::{Event, JOURNAL_FILE, LockedJournal};
use crate::scope::SCOPE_FILE;

const GITATTRIBUTES_LINE: &str = "journal.yaml merge=union";
const GITATTRIBUTES: &str = ".gitattributes";

pub fn run(args: InitArgs, ctx: &Context) -> anyhow::Result<u8> {
    let dir = target_dir(args.folder.as_deref(), ctx.dir.as_deref())?;
    // The team config is the one above the new POC, which need not be
    // above the current folder.
    let config = match &args.folder {
        Some(_) => Config::load(&dir)?,
        None => ctx.config.clone(),
    };
    if args.template.is_none() {
        config.check_template()?;
    }
    let default_template = (args.template.as_deref())
        .or(config.template.as_ref().map(|s| s.value.as_str()))
        .unwrap_or(DEFAULT_TEMPLATE)
        .to_string();
    let zone = zone_of(&args, &config)?;
    let args = match &args.prospect {
        Some(_) => args,
        // Only at a terminal (see `Cli::parse_from_args`).
        None => ask(args, ctx, &config, &dir, (&default_template, zone))?,
    };
    let template = find_template(
        &config,
        args.template.as_deref().unwrap_or(&default_template),
    )?;
    let now = ctx.now.resolve(zone);
    let user = Context::user_of(&config);
    let (fields, start) = scope_fields(&args, &template, zone, now, &user)?;
    ensure_free(&dir)?;
    let text = crate::schema::with_modeline(&template.render_scope(&fields)?);
    let mut entry = ctx.entry_in(
        zone,
        now,
        Event::Init {
            template: template.id(),
        },
    );
    entry.by = user.as_str().into();
    create(&dir, &text, entry)?;
    announce(&dir, &template.id(), start, zone);
    if let Some(line) = super::similar::init_hint(&dir, ctx, &dash_c(&dir)) {
        crate::say!("\n{line}");
    }
    Ok(EXIT_OK)
}

/// The new POC's zone: `--timezone`, else the configured one, else this
/// machine's.
fn zone_of(args: &InitArgs, config: &Config) -> Result<chrono_tz::Tz, Error> {
    match (&args.timezone, &config.timezone) {
        (Some(name), _) => crate::clock::parse_zone(name).ok_or_else(|| {
            Error::usage(format!(
                "--timezone: `{}` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC",
                crate::text::terminal_safe(name)
            ))
        }),
        (None, Some(configured)) => Ok(configured.value),
        (None, None) => Ok(crate::clock::machine_zone()),
    }
}

/// What the template writes into poc.yaml, each flag checked, and day 1.
fn scope_fields(
    args: &InitArgs,
    template: &Template,
    zone: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
    user: &str,
) -> Result<(ScopeFields, chrono::NaiveDate), Error> {
    let start = match &args.start {
        Some(s) => crate::clock::parse_date(s).map_err(|problem| {
            Error::usage(format!(
                "--start: `{s}` {problem} (expected YYYY-MM-DD, such as 2026-11-23)"
            ))
        })?,
        None => crate::clock::local_date(now, zone),
    };
    let prospect = super::non_empty(args.prospect.as_deref().unwrap_or_default(), "--prospect")?;
    let name = match &args.name {
        Some(n) => super::non_empty(n, "--name")?,
        None => format!("{prospect} POC"),
    };
    let owner = match &args.owner {
        Some(o) => super::non_empty(o, "--owner")?,
        None => user.to_string(),
    };
    let industry = (args.industry.as_deref())
        .map(|i| one_line(i, "--industry"))
        .transpose()?;
    let competitors = (args.competitor.iter())
        .map(|c| one_line(c, "--competitor"))
        .collect::<Result<Vec<_>, _>>()?;
    let fields = ScopeFields {
        template_id: template.id(),
        name,
        prospect,
        owner,
        start: start.format("%Y-%m-%d").to_string(),
        timezone: zone.name().to_string(),
        industry,
        acv: args.acv,
        competitors,
    };
    Ok((fields, start))
}

/// Writes the POC: its schema, `poc.yaml` (`scope`), the journal with its
/// `init` entry, and the `.gitattributes` line, each file crash-safe.
fn create(dir: &Path, scope: &str, init: crate::journal::Entry) -> anyhow::Result<()> {
    let gitattributes = gitattributes_text(dir)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_schema(dir)?;
    fsutil::write_atomic(&dir.join(SCOPE_FILE), scope.as_bytes(), false)?;
    // Dropped at the end: the hint after reads the new POC back, and
    // must find the journal's lock free.
    let (mut journal, _) = LockedJournal::open(dir)?;
    journal.append(&[init])?;
    if let Some(text) = gitattributes {
        fsutil::write_atomic(&dir.join(GITATTRIBUTES), text.as_bytes(), true)?;
    }
    Ok(())
}

/// Writes `poc.schema.json`, which the modeline on top of `poc.yaml` points
/// at, so editors validate and complete the scope offline. One already
/// there (a re-run after an interrupted init, the SE's own) is kept.
fn write_schema(dir: &Path) -> anyhow::Result<()> {
    use crate::schema::SCHEMA_FILE;
    let path = dir.join(SCHEMA_FILE);
    let schema = crate::schema::text();
    if std::fs::symlink_metadata(&path).is_err() {
        return fsutil::write_atomic(&path, schema.as_bytes(), false);
    }
    if std::fs::read(&path).ok().as_deref() != Some(schema.as_bytes()) {
        crate::say!(
            "{} already exists and differs from this poc's schema; left as is (`poc schema > {SCHEMA_FILE}` in the POC folder refreshes it).",
            crate::text::terminal_safe(&display_in(dir, SCHEMA_FILE))
        );
    }
    Ok(())
}

/// `args` completed at the terminal, offering `template` and today in
/// `zone`; refuses first what no answer can fix (a folder that already
/// holds a POC).
fn ask(
    args: InitArgs,
    ctx: &Context,
    config: &Config,
    dir: &Path,
    (template, zone): (&str, chrono_tz::Tz),
) -> anyhow::Result<InitArgs> {
    ensure_free(dir)?;
    let templates = catalog::scope_names(&config.template_dirs());
    let today = crate::clock::local_date(ctx.now.resolve(zone), zone).to_string();
    let owner = Context::user_of(config);
    let defaults = init_ask::Defaults {
        templates: &templates,
        template,
        owner: &owner,
        today: &today,
    };
    init_ask::ask(args, &defaults)
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

/// The nearest scope template called `name`: the team's, the config
/// folder's, the user's, else the bundled one.
fn find_template(config: &Config, name: &str) -> Result<Template, Error> {
    let dirs = config.template_dirs();
    catalog::scope(&dirs, name).ok_or_else(|| {
        let names = catalog::scope_names(&dirs);
        Error::usage(format!(
            "unknown template `{}`{}; templates: {} (see `poc templates`)",
            crate::text::terminal_safe(name),
            did_you_mean(name, names.iter().map(String::as_str)),
            names.join(", ")
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
fn announce(dir: &Path, template: &str, start: chrono::NaiveDate, zone: chrono_tz::Tz) {
    // The folder is as typed, and may hold anything.
    let safe = |p: String| crate::text::terminal_safe(&p);
    let dash_c = dash_c(dir);
    let scope = safe(display_in(dir, SCOPE_FILE));
    crate::say!(
        "Created {scope} from template {} (day 1 is {start}, {}).\n\nNext steps:\n  1. Edit {scope} with the customer: success criteria with measurable targets, stakeholders, day windows.\n  2. poc {dash_c}validate\n  3. poc {dash_c}check            # today's list; tick items with `poc check ID`\n  4. poc {dash_c}status",
        crate::text::terminal_safe(template),
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
