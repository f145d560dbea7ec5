//! What every command needs, resolved once from the arguments and the
//! environment: where the POC is, what time it is, who is acting, and how
//! to print. The domain never sees clap.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::clock::Now;
use crate::error::Error;
use crate::fsutil::display_in;
use crate::journal::{self, Entry, Event, Journal, Line, LockedJournal};
use crate::report::StatusReport;
use crate::scope::{MAX_SCOPE_BYTES, SCOPE_FILE, Scope};
use crate::state::PocState;

pub struct Context {
    /// `-C DIR`, when given.
    pub dir: Option<PathBuf>,
    /// `POC_NOW`, or the clock when the command started.
    pub now: Now,
    /// Who is acting, recorded in the journal: `POC_USER`, else the login name.
    pub user: String,
    /// Colour on stdout: only for a terminal, and never with `NO_COLOR`.
    pub color: bool,
    /// The settings of the environment and the config files.
    pub config: crate::config::Config,
}

impl Context {
    pub fn from_env(dir: Option<PathBuf>) -> anyhow::Result<Context> {
        use std::io::IsTerminal;
        let config = crate::config::Config::load(dir.as_deref().unwrap_or(Path::new(".")))?;
        crate::render::use_template_dirs(
            config.template_dirs().into_iter().map(|d| d.dir).collect(),
        );
        Ok(Context {
            dir,
            now: Now::from_env()?,
            user: Context::user_of(&config),
            color: std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            config,
        })
    }

    /// Who is acting: `POC_USER`, else `user` in the config, else the
    /// login name.
    pub fn user_of(config: &crate::config::Config) -> String {
        (config.user.as_ref()).map_or_else(crate::config::login_name, |s| s.value.clone())
    }

    /// The POC folder: the nearest folder that holds `poc.yaml`, from the
    /// current folder (or `-C DIR`) upward, as git finds its repository, and
    /// with git's boundaries (see [`crate::locate`]): never above a
    /// repository root, across filesystems, or in or above a folder of
    /// `POC_CEILING_DIRECTORIES`; a `poc.yaml` another user owns is refused
    /// unless `-C` names its folder. Found elsewhere than the current
    /// folder without `-C`, it is named once on stderr.
    ///
    /// Any `poc.yaml` marks a POC, even one that is not a regular file or a
    /// broken link: loading it then says what is wrong, rather than "not
    /// inside a POC".
    pub fn poc_dir(&self) -> anyhow::Result<PathBuf> {
        use crate::locate;
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let ceilings = locate::ceilings_from_env();
        let Some(dir) = &self.dir else {
            let found = match locate::search(&cwd, &ceilings, locate::device) {
                Ok(found) => found,
                Err(stop) => crate::fail!(
                    "not inside a POC: no {SCOPE_FILE} here or in any parent folder{}; run `poc init` to start one, or pass -C DIR",
                    stop.describe()
                ),
            };
            let shown = relative_to(&found, &cwd);
            locate::ensure_trusted(&found, &shown.display().to_string())?;
            if found != cwd {
                locate::announce(&shown, &found);
            }
            return Ok(shown);
        };
        // As given, so messages name files the way the user does; named
        // with -C, it is trusted whoever owns it.
        if locate::holds_scope(dir) {
            return Ok(dir.clone());
        }
        let Ok(absolute) = cwd.join(dir).canonicalize() else {
            crate::fail!("-C {}: no such folder", dir.display());
        };
        if !absolute.is_dir() {
            crate::fail!("-C {}: not a folder", dir.display());
        }
        match locate::search(&absolute, &ceilings, locate::device) {
            Ok(found) => {
                let cwd = cwd.canonicalize().unwrap_or(cwd);
                let shown = relative_to(&found, &cwd);
                locate::ensure_trusted(&found, &shown.display().to_string())?;
                Ok(shown)
            }
            Err(stop) => crate::fail!(
                "no {SCOPE_FILE} in {} or any parent folder{}; run `poc init {}` to start a POC there",
                dir.display(),
                stop.describe(),
                dir.display()
            ),
        }
    }

    /// Loads the POC for reading.
    pub fn load(&self) -> anyhow::Result<Poc> {
        Poc::open(&self.poc_dir()?, self.now)
    }

    /// Loads the POC holding the journal's lock, for a command that writes:
    /// what it reads stays true until it has appended.
    pub fn load_for_write(&self) -> anyhow::Result<(Poc, LockedJournal)> {
        let dir = self.poc_dir()?;
        // The scope loads first, so a bad poc.yaml leaves the folder as it
        // was: no journal is created beside it.
        let scope = load_scope(&dir)?;
        let (locked, journal) = match LockedJournal::open_existing(&dir)? {
            Some(opened) => opened,
            None => LockedJournal::open(&dir)?,
        };
        Ok((Poc::new(dir, scope, journal, self.now), locked))
    }

    /// A journal entry by the current user, now.
    ///
    /// The clock is read again here, once the journal's lock is held: a run
    /// that waited for the lock, or for a `--run` command, must not append
    /// an entry older than those appended meanwhile.
    pub fn entry(&self, poc: &Poc, event: Event) -> Entry {
        self.entry_in(poc.scope.zone, poc.now, event)
    }

    /// A journal entry by the current user, now in `zone`, and not before
    /// `floor` (when the command started).
    pub fn entry_in(&self, zone: chrono_tz::Tz, floor: DateTime<Utc>, event: Event) -> Entry {
        let now = Now::from_env().map_or(floor, |now| now.resolve(zone).max(floor));
        Entry {
            at: now,
            by: self.user.as_str().into(),
            event,
        }
    }
}

/// A POC folder, loaded: plain owned data.
pub struct Poc {
    pub dir: PathBuf,
    pub scope: Scope,
    pub journal: Journal,
    pub state: PocState,
    /// Now, in the POC's terms (`POC_NOW=YYYY-MM-DD` is that day's start
    /// in the POC's zone).
    pub now: DateTime<Utc>,
}

impl Poc {
    /// Appends `entries` to the journal, all or none, and takes them into
    /// the state as replay would: what the command says next (and `status`
    /// shows) is the POC with them.
    pub fn record(&mut self, journal: &mut LockedJournal, entries: &[Entry]) -> anyhow::Result<()> {
        journal.append(entries)?;
        take_in(&mut self.state, &self.scope, &self.journal, entries);
        Ok(())
    }

    /// Loads the POC in `dir`.
    pub fn open(dir: &Path, now: Now) -> anyhow::Result<Poc> {
        // A year-long journal takes a while to read: the scope parses on the
        // second core meanwhile. A small POC spawns no thread.
        let large = std::fs::metadata(dir.join(journal::JOURNAL_FILE))
            .is_ok_and(|m| m.len() >= journal::PARALLEL_PARSE_BYTES as u64);
        let (scope, journal) = if large {
            std::thread::scope(|s| {
                let scope = s.spawn(|| load_scope(dir));
                let journal = journal::read(dir);
                let scope = scope.join().unwrap_or_else(|_| {
                    Err(Error::new(format!("{}: the parser stopped", SCOPE_FILE)).into())
                });
                (scope, journal)
            })
        } else {
            (load_scope(dir), journal::read(dir))
        };
        Ok(Poc::new(dir.to_path_buf(), scope?, journal?, now))
    }

    fn new(dir: PathBuf, scope: Scope, journal: Journal, now: Now) -> Poc {
        let state = PocState::derive(&scope, &journal);
        let now = now.resolve(scope.zone);
        Poc {
            dir,
            scope,
            journal,
            state,
            now,
        }
    }

    /// The status report now, with what only the folder can tell.
    pub fn status(&self, state: &PocState) -> StatusReport {
        self.status_at(state, self.now)
    }

    /// The status report at `now`.
    pub fn status_at(&self, state: &PocState, now: DateTime<Utc>) -> StatusReport {
        let mut report = StatusReport::build(&self.scope, state, now);
        if let (Some(debrief), Some(closed)) = (&mut report.debrief, report.closed_at) {
            debrief.written = self.debrief_written_for(closed);
        }
        report
    }

    /// Places a phase change after every entry in the journal: replayed
    /// in time order it must come last, or `status` would not show what the
    /// command announced. A later entry from a clock a few minutes ahead
    /// (two laptops) moves it to just after that entry; one further ahead
    /// (a clock set wrong, or `POC_NOW` in the past) refuses.
    pub fn place_last(&self, entry: &mut Entry, doing: &str) -> Result<(), Error> {
        let skew = chrono::Duration::minutes(5);
        let later = self
            .journal
            .latest()
            .filter(|l| l.entry.order_key() > entry.order_key());
        match later {
            None => Ok(()),
            Some(l) if l.entry.at - entry.at <= skew => {
                entry.place_after(l.entry.at);
                Ok(())
            }
            Some(Line {
                number,
                entry: later,
            }) => Err(Error::new(format!(
                "cannot {doing} as of {}: {}:{number} is dated later ({}), and phase changes are recorded in order (nothing was changed). If that date is wrong, fix the clock of whoever wrote it or the entry's time",
                self.scope.show(entry.at),
                display_in(&self.dir, journal::JOURNAL_FILE),
                self.scope.show(later.at),
            ))),
        }
    }

    /// Whether `debrief.md` is the debrief of the close at `closed`.
    fn debrief_written_for(&self, closed: DateTime<Utc>) -> bool {
        crate::debrief_doc::DebriefDoc::read(&self.dir)
            .is_some_and(|d| d.is_for(closed, self.scope.zone))
    }

    /// Refuses when the POC is closed, naming `reopen`.
    pub fn ensure_open(&self, doing: &str) -> Result<(), Error> {
        match &self.state.closure {
            Some(c) => Err(Error::Closed {
                outcome: c.outcome,
                doing: doing.to_string(),
            }),
            None => Ok(()),
        }
    }
}

/// Takes `entries`, just appended to `journal`, into `state`, each in its
/// place in time: what `status` will show next.
pub fn take_in(state: &mut PocState, scope: &Scope, journal: &Journal, entries: &[Entry]) {
    let latest = journal.latest().map(|l| l.entry.order_key());
    let next = journal.lines.last().map_or(0, |l| l.number) + 1;
    let numbered = entries.iter().enumerate().map(|(i, e)| (next + i, e));
    if entries
        .iter()
        .all(|e| latest.is_none_or(|t| e.order_key() >= t))
    {
        // The usual case: they come after everything else.
        for (line, entry) in numbered {
            state.apply(scope, line, entry);
        }
        return;
    }
    let mut all: Vec<(usize, &Entry)> = (journal.lines.iter())
        .map(|l| (l.number, &l.entry))
        .chain(numbered)
        .collect();
    all.sort_by(|(_, a), (_, b)| a.order_key().cmp(&b.order_key()));
    *state = PocState::replay(scope, all.into_iter());
}

/// `dir` as the user would write it from `cwd`: ".", "acme", "../..", or
/// absolute when it is neither above nor below.
fn relative_to(dir: &Path, cwd: &Path) -> PathBuf {
    if dir == cwd {
        return PathBuf::from(".");
    }
    if let Ok(below) = dir.strip_prefix(cwd) {
        return below.to_path_buf();
    }
    match cwd.strip_prefix(dir) {
        Ok(rest) => rest.components().map(|_| "..").collect(),
        Err(_) => dir.to_path_buf(),
    }
}

/// Reads and validates `poc.yaml` in `dir`.
pub fn load_scope(dir: &Path) -> anyhow::Result<Scope> {
    let path = dir.join(SCOPE_FILE);
    let name = display_in(dir, SCOPE_FILE);
    crate::fsutil::regular_file_exists(&path, &name)?;
    let file = std::fs::File::open(&path).with_context(|| format!("cannot open {name}"))?;
    let bytes = crate::fsutil::read_capped(&file, Path::new(&name), MAX_SCOPE_BYTES)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let at = crate::text::BadUtf8::locate(&bytes, &e);
        Error::invalid(
            crate::error::Location::at(&name, at.line, at.column),
            "not valid UTF-8 text",
        )
    })?;
    Ok(Scope::parse(text, &name)?)
}
