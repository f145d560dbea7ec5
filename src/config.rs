//! Configuration: the settings a team or a user keeps so flags need not be
//! typed each time. Each setting is taken from the first of: the
//! command-line flag (applied by the command), a `POC_*` environment
//! variable, the team config (`.poc/config.yaml`, found upward from the POC
//! folder), the user config (`config.yaml` in the user's config folder),
//! and the command's default. Each value remembers where it came from, for
//! `poc config --show-origin`.
//!
//! A config that cannot be read, or holds an unknown key or a bad value,
//! stops every command, as git does with a broken config: a setting
//! silently ignored would record the wrong user or count the wrong days.
//! The one exception is a `template` that names no template: only `init`
//! and `poc config` check it (see [`Config::check_template`]).

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::catalog::{self, Source, TemplateDir};
use crate::error::{Error, Location};

/// The config file's name, in the user's config folder and in `.poc/`.
pub const CONFIG_FILE: &str = "config.yaml";
/// The team's folder at its repository's root: `config.yaml`, `templates/`.
pub const TEAM_DIR: &str = ".poc";
/// The folder of templates beside a config file.
pub const TEMPLATES_DIR: &str = "templates";
/// The scope template `init` starts from when nothing says otherwise.
pub const DEFAULT_TEMPLATE: &str = "standard";
/// The largest config file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The environment variable of each setting.
pub const ENV_USER: &str = "POC_USER";
pub const ENV_TEMPLATE: &str = "POC_TEMPLATE";
pub const ENV_TIMEZONE: &str = "POC_TIMEZONE";
pub const ENV_STALE_DAYS: &str = "POC_STALE_DAYS";
pub const ENV_TEMPLATES: &str = "POC_TEMPLATES";

/// One resolved setting and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An environment variable.
    Env(&'static str),
    /// A line of a config file.
    File {
        scope: FileScope,
        path: PathBuf,
        line: usize,
    },
    /// Nothing set it: the command's default.
    Default,
}

/// Which config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileScope {
    Team,
    User,
}

impl FileScope {
    pub fn name(self) -> &'static str {
        match self {
            FileScope::Team => "team",
            FileScope::User => "user",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::File { scope, path, line } => {
                write!(f, "{} config {}:{line}", scope.name(), home_relative(path))
            }
            Origin::Default => f.write_str("default"),
        }
    }
}

/// `path` with the home folder written `~`, as people say it.
pub fn home_relative(path: &Path) -> String {
    let home = dirs::home_dir().filter(|h| !h.as_os_str().is_empty());
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// The settings, as configured: `None` where neither the environment nor
/// a config file says, and the command's default applies.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Who is acting, recorded in the journal.
    pub user: Option<Setting<String>>,
    /// The scope template `init` starts from.
    pub template: Option<Setting<String>>,
    /// The zone `init` writes into a new POC.
    pub timezone: Option<Setting<chrono_tz::Tz>>,
    /// The idle days after which `list` counts a POC stale.
    pub stale_days: Option<Setting<u32>>,
    /// An extra folder of templates.
    pub templates: Option<Setting<PathBuf>>,
    /// The team's `.poc` folder, when one was found.
    pub team_dir: Option<PathBuf>,
    /// The user's config folder (it may not exist).
    pub user_dir: Option<PathBuf>,
    /// Where the file that set `template` says it, for errors.
    template_at: Option<Location>,
}

/// A config file as written: every key optional, none other allowed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    user: Option<Spanned<String>>,
    template: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    stale_days: Option<Spanned<i64>>,
    templates: Option<Spanned<String>>,
}

/// One config file, read and checked.
struct FileConfig {
    user: Option<Setting<String>>,
    template: Option<(Setting<String>, Location)>,
    timezone: Option<Setting<chrono_tz::Tz>>,
    stale_days: Option<Setting<u32>>,
    templates: Option<Setting<PathBuf>>,
}

impl Config {
    /// The configuration for work in `start` (absolute or relative to the
    /// current folder): the team config is searched from the POC holding
    /// `start`, else from `start` itself (or its nearest existing folder,
    /// for a POC `init` is about to create).
    pub fn load(start: &Path) -> anyhow::Result<Config> {
        let team_dir = team_dir(start)?;
        let user_dir = user_dir();
        let team = match &team_dir {
            Some(dir) => read_file(&dir.join(CONFIG_FILE), FileScope::Team)?,
            None => None,
        };
        let user = match &user_dir {
            Some(dir) => read_file(&dir.join(CONFIG_FILE), FileScope::User)?,
            None => None,
        };
        let files: Vec<FileConfig> = team.into_iter().chain(user).collect();
        let (template, template_at) = match env_text(ENV_TEMPLATE) {
            Some(v) => (Some(env_setting(ENV_TEMPLATE, v)), None),
            None => match files.iter().find_map(|f| f.template.clone()) {
                Some((setting, at)) => (Some(setting), Some(at)),
                None => (None, None),
            },
        };
        let config = Config {
            user: env_text(ENV_USER)
                .map(|v| env_setting(ENV_USER, v))
                .or_else(|| files.iter().find_map(|f| f.user.clone())),
            template,
            template_at,
            timezone: match env_text(ENV_TIMEZONE) {
                Some(v) => Some(env_setting(ENV_TIMEZONE, env_zone(&v)?)),
                None => files.iter().find_map(|f| f.timezone.clone()),
            },
            stale_days: match env_text(ENV_STALE_DAYS) {
                Some(v) => Some(env_setting(ENV_STALE_DAYS, env_days(&v)?)),
                None => files.iter().find_map(|f| f.stale_days.clone()),
            },
            templates: match env_text(ENV_TEMPLATES) {
                Some(v) => Some(env_setting(ENV_TEMPLATES, env_folder(&v)?)),
                None => files.iter().find_map(|f| f.templates.clone()),
            },
            team_dir,
            user_dir,
        };
        Ok(config)
    }

    /// The configured `stale_days`, if any (the default is the list's).
    pub fn stale_days(&self) -> Option<u32> {
        self.stale_days.as_ref().map(|s| s.value)
    }

    /// The template folders, nearest first: the team's, the config's, the
    /// user's. Only those that exist.
    pub fn template_dirs(&self) -> Vec<TemplateDir> {
        let team = (self.team_dir.as_ref()).map(|d| (Source::Team, d.join(TEMPLATES_DIR)));
        let config = (self.templates.as_ref()).map(|s| (Source::Config, s.value.clone()));
        let user = (self.user_dir.as_ref()).map(|d| (Source::User, d.join(TEMPLATES_DIR)));
        [team, config, user]
            .into_iter()
            .flatten()
            .filter(|(_, dir)| dir.is_dir())
            .map(|(source, dir)| TemplateDir { source, dir })
            .collect()
    }

    /// The `template` in effect must name a template there is: an error
    /// at the variable, or at the file, line and column that set it. Only
    /// `init` (which uses it) and `poc config` check it, so a template
    /// removed from the team's folder stops no other command, and
    /// `poc templates --export` can still make it again.
    pub fn check_template(&self) -> anyhow::Result<()> {
        let Some(setting) = &self.template else {
            return Ok(());
        };
        let dirs = self.template_dirs();
        let known = catalog::scope_names(&dirs);
        if known.contains(&setting.value) {
            return Ok(());
        }
        let problem = format!(
            "unknown template `{}`{}; templates: {} (to make it, `poc templates --export standard .poc/templates`, then rename the file {}.yaml.j2)",
            crate::text::terminal_safe(&setting.value),
            crate::error::did_you_mean(&setting.value, known.iter().map(String::as_str)),
            known.join(", "),
            crate::text::terminal_safe(&setting.value),
        );
        match (&setting.origin, &self.template_at) {
            (Origin::Env(var), _) => crate::fail!("{var}: {problem}"),
            (_, Some(at)) => Err(Error::invalid(at.clone(), problem).into()),
            _ => crate::fail!("{problem}"),
        }
    }
}

/// The login name: the default user when nothing configures one. From the
/// environment, else (a container, cron, a stripped `env -i`) the
/// account's own name, so entries are not signed "unknown" for no reason.
pub fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".to_string())
}

/// The name of the account running `poc`, from the user database.
#[cfg(unix)]
fn account_name() -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into `pwd` and `buf`, both sized as
    // passed, and sets `found` to `&pwd` or null; `pw_name` then points
    // into `buf`, which outlives its use here.
    let name = unsafe {
        let uid = libc::geteuid();
        if libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) != 0
            || found.is_null()
            || pwd.pw_name.is_null()
        {
            return None;
        }
        std::ffi::CStr::from_ptr(pwd.pw_name)
            .to_string_lossy()
            .into_owned()
    };
    Some(name).filter(|n| !n.trim().is_empty())
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

/// The user's config folder: `$XDG_CONFIG_HOME/poc` when that is set (to
/// an absolute path, as the XDG spec asks), else `~/.config/poc` on every
/// Unix including macOS (as just does: a command-line tool's users look
/// there), else the platform's config folder (Windows: `%APPDATA%\poc`).
pub fn user_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    if let Some(xdg) = xdg {
        return Some(xdg.join("poc"));
    }
    if cfg!(unix) {
        dirs::home_dir().map(|h| h.join(".config").join("poc"))
    } else {
        dirs::config_dir().map(|c| c.join("poc"))
    }
}

/// The team's `.poc` folder: the nearest one from the POC holding `start`
/// (or from `start`) upward, within the boundaries of the POC search (a
/// repository's root, `POC_CEILING_DIRECTORIES`, a filesystem's edge, the
/// root). One another user owns is refused, as a POC is.
fn team_dir(start: &Path) -> anyhow::Result<Option<PathBuf>> {
    use crate::locate;
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let mut from = cwd.join(start);
    while !from.is_dir() {
        match from.parent() {
            Some(parent) => from = parent.to_path_buf(),
            None => return Ok(None),
        }
    }
    let from = from.canonicalize().unwrap_or(from);
    let ceilings = locate::ceilings_from_env();
    // From `from` itself: the walk up passes through its POC anyway.
    let holds_team = |dir: &Path| dir.join(TEAM_DIR).is_dir();
    let Ok(found) = locate::search_for(&from, &ceilings, locate::device, holds_team) else {
        return Ok(None);
    };
    let dir = found.join(TEAM_DIR);
    #[cfg(unix)]
    if let Some((owner, me)) = locate::foreign_owner(&dir) {
        crate::fail!(
            "{} is owned by another user (uid {owner}), not by you (uid {me}); poc does not use a team config someone else may have placed above your folder. Remove it, or set POC_CEILING_DIRECTORIES to stop the search below it",
            crate::text::terminal_safe(&dir.display().to_string())
        );
    }
    Ok(Some(dir))
}

/// Reads and checks the config file at `path`; none there is no config.
fn read_file(path: &Path, scope: FileScope) -> anyhow::Result<Option<FileConfig>> {
    let name = path.display().to_string();
    let file = match crate::fsutil::open_regular(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return crate::fsutil::open_regular_named(path, &name).map(|_| None),
    };
    let bytes = crate::fsutil::read_capped(&file, path, MAX_CONFIG_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = crate::text::BadUtf8::locate(e.as_bytes(), &e.utf8_error());
        Error::invalid(
            Location::at(&name, at.line, at.column),
            "not valid UTF-8 text",
        )
    })?;
    let raw: RawConfig = match crate::yaml::is_blank(&text) {
        true => RawConfig::default(),
        // One line, as every config error: the key and value are short.
        false => crate::yaml::parse(&text, &name).map_err(|e| match e {
            Error::Invalid { at, message, .. } => Error::invalid(at, message),
            other => other,
        })?,
    };
    FileConfig::check(raw, scope, path, &name).map(Some)
}

impl FileConfig {
    fn check(raw: RawConfig, scope: FileScope, path: &Path, name: &str) -> anyhow::Result<Self> {
        let file = Place { scope, path, name };
        // Who is acting is each person's own: a team file naming one person
        // would record every teammate's entries as that person's.
        if let (FileScope::Team, Some(user)) = (scope, &raw.user) {
            return Err(Error::invalid(
                file.at(&user.referenced),
                "`user` belongs in each person's own config (~/.config/poc/config.yaml, or POC_USER), not the team's: the team's would sign everyone's entries with one name".to_string(),
            )
            .into());
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let template = match raw.template {
            Some(v) => Some((
                file.at(&v.referenced),
                file.setting(v, |t| text("template", t))?,
            )),
            None => None,
        };
        Ok(FileConfig {
            user: raw
                .user
                .map(|v| file.setting(v, |t| text("user", t)))
                .transpose()?,
            template: template.map(|(at, setting)| (setting, at)),
            timezone: (raw.timezone).map(|v| file.setting(v, zone)).transpose()?,
            stale_days: (raw.stale_days)
                .map(|v| file.setting(v, days))
                .transpose()?,
            templates: (raw.templates)
                .map(|v| file.setting(v, |t| templates_folder(base, t)))
                .transpose()?,
        })
    }
}

/// The config file a setting is read from, for its origin and its errors.
struct Place<'a> {
    scope: FileScope,
    path: &'a Path,
    name: &'a str,
}

impl Place<'_> {
    fn at(&self, s: &serde_saphyr::Location) -> Location {
        Location::at(self.name, s.line() as usize, s.column() as usize)
    }

    /// The setting `v` holds, checked by `parse`, or an error at its place
    /// saying what `parse` found wrong.
    fn setting<V, T>(
        &self,
        v: Spanned<V>,
        parse: impl FnOnce(V) -> Result<T, String>,
    ) -> Result<Setting<T>, Error> {
        match parse(v.value) {
            Ok(value) => Ok(Setting {
                value,
                origin: Origin::File {
                    scope: self.scope,
                    path: self.path.to_path_buf(),
                    line: v.referenced.line() as usize,
                },
            }),
            Err(problem) => Err(Error::invalid(self.at(&v.referenced), problem)),
        }
    }
}

/// A text setting: trimmed, and not empty.
fn text(field: &str, value: String) -> Result<String, String> {
    match value.trim() {
        "" => Err(format!(
            "`{field}` is empty; remove the line or give a value"
        )),
        text => Ok(text.to_string()),
    }
}

fn zone(name: String) -> Result<chrono_tz::Tz, String> {
    crate::clock::parse_zone(&name).ok_or_else(|| format!("`timezone`: {}", zone_problem(&name)))
}

fn days(n: i64) -> Result<u32, String> {
    u32::try_from(n)
        .map_err(|_| format!("`stale_days` is {n}; expected a whole number of days, 0 or more"))
}

/// The templates folder a setting names, relative to the config file's
/// folder `base`.
fn templates_folder(base: &Path, value: String) -> Result<PathBuf, String> {
    let dir = base.join(text("templates", value)?);
    match folder_problem(&dir) {
        Some(problem) => Err(format!("`templates`: {} {problem}", dir.display())),
        None => Ok(dir),
    }
}

/// Why `dir` cannot be a templates folder, if it cannot.
fn folder_problem(dir: &Path) -> Option<String> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => None,
        Ok(meta) => Some(format!(
            "is {}, not a folder",
            crate::fsutil::kind_name(&meta.file_type())
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("does not exist".to_string()),
        Err(e) => Some(format!("cannot be read: {e}")),
    }
}

fn zone_problem(name: &str) -> String {
    format!(
        "`{}` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC",
        crate::text::terminal_safe(name)
    )
}

/// The variable's value, when set and not blank.
fn env_text(var: &str) -> Option<String> {
    std::env::var(var)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn env_setting<T>(var: &'static str, value: T) -> Setting<T> {
    Setting {
        value,
        origin: Origin::Env(var),
    }
}

fn env_zone(value: &str) -> Result<chrono_tz::Tz, Error> {
    crate::clock::parse_zone(value)
        .ok_or_else(|| Error::new(format!("{ENV_TIMEZONE}: {}", zone_problem(value))))
}

fn env_days(value: &str) -> Result<u32, Error> {
    value.parse::<u32>().map_err(|_| {
        Error::new(format!(
            "{ENV_STALE_DAYS}: `{}` is not a whole number of days, 0 or more",
            crate::text::terminal_safe(value)
        ))
    })
}

fn env_folder(value: &str) -> Result<PathBuf, Error> {
    let dir = PathBuf::from(value);
    match folder_problem(&dir) {
        Some(problem) => Err(Error::new(format!(
            "{ENV_TEMPLATES}: {} {problem}",
            crate::text::terminal_safe(value)
        ))),
        None => Ok(dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_read_as_git_shows_them() {
        assert_eq!(Origin::Env(ENV_USER).to_string(), "env POC_USER");
        let file = Origin::File {
            scope: FileScope::Team,
            path: PathBuf::from("/repo/.poc/config.yaml"),
            line: 3,
        };
        assert_eq!(file.to_string(), "team config /repo/.poc/config.yaml:3");
        assert_eq!(Origin::Default.to_string(), "default");
    }
}
