//! A small harness over the built `poc` binary: a temp folder, a fixed clock
//! (`POC_NOW`), and the exit code, stdout, stderr and files afterwards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_poc");

/// Taken by the tests that load the machine (hundreds of processes) or hold
/// runs to a time limit, so that in the one test binary they never run at
/// the same time and skew each other.
pub fn alone() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `poc init` of the POC most tests use: the standard template, starting
/// 2026-11-23, in `acme/`.
pub const INIT_ACME: &[&str] = &[
    "init",
    "acme",
    "--prospect",
    "Acme Corp",
    "--start",
    "2026-11-23",
];

/// `poc close --outcome OUTCOME --force --reason REASON`: a close that
/// needs no gate.
pub fn forced_close<'a>(outcome: &'a str, reason: &'a str) -> [&'a str; 6] {
    ["close", "--outcome", outcome, "--force", "--reason", reason]
}

/// The IDs of the bundled standard template: the eight setup items, then the
/// four success criteria.
pub const STANDARD_IDS: [&str; 12] = [
    "scope-approved",
    "criteria-measurable",
    "timeline-agreed",
    "comms-channel",
    "kickoff",
    "env-access",
    "artifacts-ready",
    "env-ready",
    "SC1",
    "SC2",
    "SC3",
    "SC4",
];

/// A temporary folder to run `poc` in.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub now: String,
    pub user: String,
}

/// What one run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, expected, "unexpected exit code\n{self:#?}");
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0)
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{self:#?}"
        );
        self
    }

    /// The first line of stderr.
    pub fn first_err_line(&self) -> &str {
        self.stderr.lines().next().unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON: {e}\n{self:#?}"))
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().unwrap(),
            now: "2026-11-23T09:00:00Z".into(),
            user: "dana".into(),
        }
    }

    /// A fresh POC from the standard template starting 2026-11-23, in `acme/`.
    pub fn with_poc() -> TestEnv {
        let env = TestEnv::new();
        env.run(INIT_ACME).ok();
        env
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The POC folder created by [`TestEnv::with_poc`].
    pub fn poc(&self) -> PathBuf {
        self.dir.path().join("acme")
    }

    /// Sets the clock for the next runs (RFC 3339 or YYYY-MM-DD).
    pub fn at(&mut self, now: &str) -> &mut Self {
        self.now = now.into();
        self
    }

    /// Closes the POC with `--force --reason REASON`, writes the debrief and
    /// returns it.
    pub fn close_and_debrief(&self, outcome: &str, reason: &str) -> String {
        self.poc_run(&["close", "--outcome", outcome, "--force", "--reason", reason])
            .ok();
        self.poc_run(&["debrief"]).ok();
        self.read("acme/debrief.md")
    }

    /// Runs `poc ARGS` in the test folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(self.dir.path(), args)
    }

    /// Runs `poc -C acme ARGS`.
    pub fn poc_run(&self, args: &[&str]) -> Run {
        let mut full = vec!["-C", "acme"];
        full.extend_from_slice(args);
        self.run(&full)
    }

    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let out = self.command(cwd, args).output().expect("poc runs");
        to_run(out)
    }

    pub fn command(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(cwd)
            .env("POC_NOW", &self.now)
            .env("POC_USER", &self.user)
            // Minted IDs' random suffixes, made repeatable (B1-…).
            .env("POC_ID_SEED", "test")
            // New POCs take the machine's zone: the same on every machine.
            .env("TZ", "UTC")
            // Tables fit COLUMNS when it is set: the tests' are 100 wide.
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR");
        hermetic(&mut cmd, &self.path().join(".home"));
        cmd
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }

    /// Every file and folder under the test folder with its bytes (a folder,
    /// a broken link or a special file such as a FIFO by a marker, never
    /// read; a link to a file by the file's bytes), to assert that a command
    /// changed nothing.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                // poc list's summary cache: rebuildable, never the user's
                // data; tests/cli/summary_cache.rs checks it on its own.
                if p.file_name().is_some_and(|n| n == ".poc-cache") {
                    continue;
                }
                let rel = p.strip_prefix(self.path()).unwrap().to_path_buf();
                let kind = std::fs::symlink_metadata(&p).unwrap().file_type();
                let target = std::fs::metadata(&p).map(|m| m.file_type());
                let contents = if kind.is_dir() {
                    stack.push(p);
                    b"<folder>".to_vec()
                } else if target.is_ok_and(|t| t.is_file()) {
                    std::fs::read(&p).unwrap()
                } else if kind.is_symlink() {
                    format!("<link to {}>", std::fs::read_link(&p).unwrap().display()).into_bytes()
                } else {
                    b"<special>".to_vec()
                };
                out.insert(rel, contents);
            }
        }
        out
    }
}

/// Keeps the developer's own configuration out of a run: HOME and
/// XDG_CONFIG_HOME point into `home` (which need not exist), and the
/// settings' environment variables are cleared. POC_USER is the test's.
pub fn hermetic(cmd: &mut Command, home: &Path) {
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("POC_TEMPLATE")
        .env_remove("POC_TIMEZONE")
        .env_remove("POC_STALE_DAYS")
        .env_remove("POC_TEMPLATES");
}

pub fn to_run(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts that `f` leaves every file in `env` as it was.
#[track_caller]
pub fn unchanged<T>(env: &TestEnv, f: impl FnOnce() -> T) -> T {
    let before = env.snapshot();
    let result = f();
    let after = env.snapshot();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files were added or removed"
    );
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "{} changed", path.display());
    }
    result
}

// --- Added for the tests by command and tests/bad_input.rs. ---

impl Run {
    #[track_caller]
    pub fn stdout_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}\n{self:#?}"
        );
        self
    }

    /// Asserts the exact first line of stderr.
    #[track_caller]
    pub fn first_err_is(&self, expected: &str) -> &Self {
        assert_eq!(self.first_err_line(), expected, "\n{self:#?}");
        self
    }
}

impl TestEnv {
    /// Replaces the first `from` in the file `rel` with `to`, as a person
    /// editing it by hand would; panics when `from` is not there.
    #[track_caller]
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} lacks {from:?}:\n{text}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Runs `poc ARGS` in the folder `rel` under the test folder.
    pub fn run_at(&self, rel: &str, args: &[&str]) -> Run {
        self.run_in(&self.path().join(rel), args)
    }

    /// The entries of `acme/journal.yaml` (lines starting `- `), as JSON.
    pub fn journal(&self) -> Vec<serde_json::Value> {
        self.read("acme/journal.yaml")
            .lines()
            .filter_map(|l| l.strip_prefix("- "))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// One run with its wall time and, where GNU time is installed, its peak
/// memory.
#[derive(Debug)]
pub struct Measured {
    pub run: Run,
    pub wall: std::time::Duration,
    /// Peak resident set size in KiB (`/usr/bin/time -f %M`); `None` when
    /// GNU time is not installed (Debian: `apt-get install time`).
    pub max_rss_kib: Option<u64>,
}

/// Whether a tool a test needs is here. When it is not, the test skips with
/// a printed note; with `POC_TEST_REQUIRE_TOOLS` set (as `.ci/run` sets it,
/// after installing them) it fails instead, so CI never skips in silence.
pub fn have(tool: &str, found: bool, for_what: &str) -> bool {
    if found {
        return true;
    }
    if std::env::var_os("POC_TEST_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty()) {
        panic!("{tool} is missing and POC_TEST_REQUIRE_TOOLS is set: {for_what} cannot run");
    }
    eprintln!("note: {tool} is missing; skipping {for_what}");
    false
}

/// Whether `program --version` runs.
pub fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

/// `/usr/bin/time` if it is GNU time (it understands `-f %M -o FILE`).
pub fn gnu_time() -> Option<&'static Path> {
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let path = Path::new("/usr/bin/time");
    let found = *FOUND.get_or_init(|| {
        let Ok(report) = tempfile::NamedTempFile::new() else {
            return false;
        };
        Command::new(path)
            .args(["-f", "%M", "-o"])
            .arg(report.path())
            .arg("true")
            .output()
            .is_ok_and(|o| o.status.success())
            && peak_kib(report.path()).is_some()
    });
    have("GNU time (/usr/bin/time)", found, "the peak-memory checks").then_some(path)
}

/// The last line of a GNU time report: the `%M` figure.
fn peak_kib(report: &Path) -> Option<u64> {
    std::fs::read_to_string(report)
        .ok()?
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

impl TestEnv {
    /// Like [`TestEnv::run_in`], measuring wall time and (under GNU time)
    /// peak memory. The time report goes to a file outside the test folder.
    pub fn run_measured(&self, cwd: &Path, args: &[&str]) -> Measured {
        let inner = self.command(cwd, args);
        let report = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = match gnu_time() {
            Some(time) => {
                let mut cmd = Command::new(time);
                cmd.args(["-f", "%M", "-o"])
                    .arg(report.path())
                    .arg(inner.get_program())
                    .args(inner.get_args());
                for (key, value) in inner.get_envs() {
                    match value {
                        Some(value) => cmd.env(key, value),
                        None => cmd.env_remove(key),
                    };
                }
                cmd.current_dir(cwd);
                cmd
            }
            None => inner,
        };
        let start = std::time::Instant::now();
        let out = cmd.output().expect("poc runs");
        let wall = start.elapsed();
        Measured {
            run: to_run(out),
            wall,
            max_rss_kib: gnu_time().and_then(|_| peak_kib(report.path())),
        }
    }
}

/// Runs `cmd` to the end, failing the test (after killing it) if it takes
/// longer than `limit`: for the runs that used to hang. Its output is read
/// as it comes, so a long one cannot block it.
#[track_caller]
pub fn run_within(mut cmd: Command, limit: std::time::Duration, what: &str) -> Run {
    use std::io::Read as _;
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("poc runs");
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).ok();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poc runs") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    to_run(Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    })
}

// --- A POC's lifecycle: the standard template's phases and helpers over
// them, shared by the test files by command. ---

/// The standard template's deployment items.
pub const DEPLOYMENT: &[&str] = &[
    "base-components",
    "deviations-logged",
    "solution-deployed",
    "use-case-config",
    "smoke-tests",
    "basic-function",
    "early-feedback",
];
/// The standard template's required validation items.
pub const VALIDATION: &[&str] = &[
    "use-cases-run",
    "criteria-measured",
    "evidence-captured",
    "issues-tracked",
    "status-updates",
];
/// The standard template's required integration items.
pub const INTEGRATION: &[&str] = &["e2e-workflows", "security-review", "customer-testing"];
/// The standard template's required signoff items.
pub const SIGNOFF: &[&str] = &[
    "criteria-walkthrough",
    "stakeholder-demo",
    "concerns-addressed",
    "next-steps",
    "results-documented",
    "findings-shared",
    "crm-updated",
];

/// `poc -C acme check IDS...`, which must succeed.
#[track_caller]
pub fn check(env: &TestEnv, ids: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(ids);
    let run = env.poc_run(&args);
    run.ok();
    run
}

/// Fills in the optional deal details, as the SE does after `init`.
pub fn add_deal_details(env: &TestEnv) {
    env.edit(
        "acme/poc.yaml",
        "# industry: Healthcare",
        "industry: Healthcare",
    );
    env.edit("acme/poc.yaml", "# acv: 120000", "acv: 120000");
    env.edit(
        "acme/poc.yaml",
        "# competitors: [Vendor X, Vendor Y]",
        "competitors: [Vendor X, Vendor Y]",
    );
}

/// Takes a fresh POC to signoff on day 10 with every gate met (SC1–SC4 met).
pub fn poc_in_signoff() -> TestEnv {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    check(&env, &STANDARD_IDS[..8]);
    env.poc_run(&["advance"]).ok();
    env.at("2026-11-25T10:00:00Z");
    check(&env, DEPLOYMENT);
    check(&env, &["SC1"]);
    env.poc_run(&["advance"]).ok();
    env.at("2026-11-28T10:00:00Z");
    check(&env, VALIDATION);
    check(&env, &["SC2", "SC3"]);
    env.poc_run(&["advance"]).ok();
    env.at("2026-12-02T10:00:00Z");
    check(&env, INTEGRATION);
    check(&env, &["SC4"]);
    env.poc_run(&["advance"]).ok();
    env
}

/// `poc -C acme status --format json`, which must succeed.
#[track_caller]
pub fn status_json(env: &TestEnv) -> serde_json::Value {
    let run = env.poc_run(&["status", "--format", "json"]);
    run.ok();
    run.json()
}

/// The criterion `id` in a status report.
#[track_caller]
pub fn criterion<'a>(status: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    status["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no criterion {id} in {status:#}"))
}

/// Position of `needle` in `haystack`, which must hold it.
#[track_caller]
pub fn pos(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("lacks {needle:?}:\n{haystack}"))
}

/// The text between the headings `from` and `to`.
#[track_caller]
pub fn section<'a>(doc: &'a str, from: &str, to: &str) -> &'a str {
    let start = pos(doc, from);
    let end = start + pos(&doc[start..], to);
    &doc[start..end]
}

/// Every markdown table row has as many unescaped `|` as its header row.
#[track_caller]
pub fn assert_tables_are_whole(md: &str) {
    let pipes = |l: &str| l.replace("\\|", "").matches('|').count();
    let mut expected = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = pipes(line);
            match expected {
                None => expected = Some(n),
                Some(e) => assert_eq!(n, e, "broken table row {line:?} in:\n{md}"),
            }
        } else {
            expected = None;
        }
    }
}

// --- Snapshots. ---

/// Asserts long output (a status table, a markdown document, the debrief,
/// a log) against the reviewed file `tests/cli/snapshots/cli__<module>__<name>.snap`.
///
/// The clock is fixed (`POC_NOW`), so dates and durations are part of the
/// snapshot; what varies from run to run, the test folder's path, is
/// redacted as `[TEST]`. A missing or differing snapshot fails the test and
/// never updates the file (`.config/insta.yaml`); see the README's
/// Development section to review and accept a change.
macro_rules! snapshot {
    ($env:expr, $name:expr, $value:expr $(,)?) => {{
        let value = ::std::string::ToString::to_string(&$value);
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        for (regex, replacement) in $env.redactions() {
            settings.add_filter(&regex, replacement);
        }
        settings.bind(|| insta::assert_snapshot!($name, value));
    }};
}
pub(crate) use snapshot;

impl TestEnv {
    /// What varies from run to run in `poc`'s output: the test folder's
    /// path (as given and as the system resolves it), as regexes for insta.
    pub fn redactions(&self) -> Vec<(String, &'static str)> {
        // The resolved path first: the other may be part of it.
        let mut paths: Vec<String> = self
            .path()
            .canonicalize()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        paths.push(self.path().display().to_string());
        paths
            .into_iter()
            .map(|p| (regex_escape(&p), "[TEST]"))
            .collect()
    }
}

/// `text` as a regex matching exactly it.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl TestEnv {
    /// A copy of the bundled example (`examples/acme-observability`) in
    /// `acme/`, so commands that write leave the repository alone.
    pub fn with_example() -> TestEnv {
        let env = TestEnv::new();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-observability");
        std::fs::create_dir(env.poc()).unwrap();
        for file in ["poc.yaml", "journal.yaml", ".gitattributes"] {
            if from.join(file).exists() {
                std::fs::copy(from.join(file), env.poc().join(file)).unwrap();
            }
        }
        env
    }
}

impl TestEnv {
    /// Turns the standard init's `acme/poc.yaml` (version 2) into a version 1
    /// scope: the same plan without the plan sections.
    pub fn as_version_1(&self) {
        let text = self.read("acme/poc.yaml");
        let mut text = text.replacen("\nversion: 2\n", "\nversion: 1\n", 1);
        for empty in ["\nmetrics: []\n", "\nsignoffs: []\n", "\nrisks: []\n"] {
            text = text.replacen(empty, "\n", 1);
        }
        assert!(text.contains("\nversion: 1\n"), "{text}");
        self.write("acme/poc.yaml", text);
    }

    /// Replaces the standard init's empty `NAME: []` plan section of
    /// `acme/poc.yaml` with `section` (YAML text starting `NAME:`).
    pub fn set_section(&self, name: &str, section: &str) {
        let text = self.read("acme/poc.yaml");
        let empty = format!("\n{name}: []\n");
        assert!(text.contains(&empty), "{text}");
        self.write(
            "acme/poc.yaml",
            text.replacen(&empty, &format!("\n{section}"), 1),
        );
    }
}

/// A pseudo-terminal: the master side, and the path of the slave.
#[cfg(target_os = "linux")]
pub fn pty() -> (std::fs::File, std::path::PathBuf) {
    use std::os::fd::FromRawFd;
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_string_lossy()
            .into_owned();
        (std::fs::File::from_raw_fd(master), path.into())
    }
}

/// `cmd` run with the terminal `slave` as its controlling terminal, as in a
/// shell; stdin is the terminal too, or with `stdin_null` /dev/null.
#[cfg(target_os = "linux")]
pub fn spawn_on_terminal(
    mut cmd: std::process::Command,
    slave: &std::path::Path,
    stdin_null: bool,
) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(slave)
        .unwrap();
    cmd.stdin(tty)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let null = c"/dev/null";
    unsafe {
        cmd.pre_exec(move || {
            if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            if stdin_null {
                let fd = libc::open(null.as_ptr(), libc::O_RDONLY);
                if fd < 0 || libc::dup2(fd, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(fd);
            }
            Ok(())
        });
    }
    cmd.spawn().unwrap()
}
