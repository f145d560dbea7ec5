//! Command runs captured as evidence: `poc check ID --run CMD` runs the
//! command through the shell in the POC folder, shows its output live, and
//! keeps stdout and stderr with the command line, start time, duration and
//! exit code in a log under `evidence/`.
//!
//! How a run ends, whatever the command does:
//! - the shell exits, or the timeout passes, whichever is first. Output that
//!   is still coming is read for [`DRAIN_GRACE`] more, then whatever is left
//!   in the command's process group is killed and the pipes are no longer
//!   read: a child left behind (`sleep 60 &`, `nohup`, even `setsid`) never
//!   holds the run open;
//! - the command gets no terminal: stdin is `/dev/null` and it runs in a new
//!   session, so a prompt (a password, `read x`, ssh's host key) fails at
//!   once instead of stopping the command until the timeout. `--interactive`
//!   gives it the terminal instead;
//! - SIGINT, SIGTERM, SIGHUP or SIGQUIT to `poc` kill the command's process group,
//!   end the log, and record nothing ([`RunEnd::Interrupted`]);
//! - on every way out of [`run_command`], early errors included, a drop guard
//!   ([`Running`]) kills the process group and restores the signal handlers.

use std::collections::VecDeque;
#[cfg(unix)]
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::evidence::{EVIDENCE_DIR, hash_file, safe_file_name};
use crate::journal::RunEvidence;
use crate::text::thousands;

/// How long `--run` lets a command run by default.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The most of a command's output a run log keeps (16 MiB). Past it, the log
/// keeps the first and the last half and says, on one marked line, how much
/// was left out in between. The terminal still shows all of it.
pub const MAX_RUN_LOG_BYTES: u64 = 16 * 1024 * 1024;

/// How long output is still read once the shell has exited (or was killed):
/// what is in the pipes arrives, a child left holding them does not keep the
/// run open.
pub const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// A line longer than this is kept as several log lines, the later ones
/// marked `[out+]` / `[err+]`, so one endless line cannot fill memory.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// A signal that stopped `poc` while it ran a command or stored evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (`kill`, a cancelled CI job).
    Terminate,
    /// SIGHUP (the terminal was closed).
    Hangup,
    /// SIGQUIT (Ctrl-\).
    Quit,
}

impl Stop {
    /// The exit code shells report for the signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        match self {
            Stop::Interrupt => 130,
            Stop::Terminate => 143,
            Stop::Hangup => 129,
            Stop::Quit => 131,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Stop::Interrupt => "Ctrl-C",
            Stop::Terminate => "SIGTERM",
            Stop::Hangup => "SIGHUP",
            Stop::Quit => "SIGQUIT",
        }
    }

    #[cfg(unix)]
    fn from_signal(signal: i32) -> Option<Stop> {
        match signal {
            libc::SIGINT => Some(Stop::Interrupt),
            libc::SIGTERM => Some(Stop::Terminate),
            libc::SIGHUP => Some(Stop::Hangup),
            libc::SIGQUIT => Some(Stop::Quit),
            _ => None,
        }
    }

    #[cfg(not(unix))]
    fn from_signal(_: i32) -> Option<Stop> {
        None
    }
}

/// The error for work cut short by a [`Stop`]: nothing was recorded.
#[derive(Debug, Clone, Copy)]
pub struct Stopped(pub Stop);

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stopped by {}: nothing was recorded", self.0.name())
    }
}

impl std::error::Error for Stopped {}

/// How a captured run ended.
#[derive(Debug)]
pub enum RunEnd {
    /// The command finished (met when exit code 0, failed otherwise).
    Finished(RunEvidence),
    /// `poc` got SIGINT, SIGTERM, SIGHUP or SIGQUIT: the command was stopped; nothing
    /// is recorded, the partial log is kept at `log`.
    Interrupted { log: String, stop: Stop },
}

/// The first stopping signal received while a [`SignalGuard`] was installed
/// (0 for none). `poc` does one thing and exits, so it is never reset.
static STOP_SIGNAL: AtomicI32 = AtomicI32::new(0);

#[cfg(unix)]
extern "C" fn on_stop_signal(signal: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    let _ = STOP_SIGNAL.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
}

/// For unit tests: acts as if `signal` had arrived (0 for none).
#[cfg(test)]
pub(crate) fn pretend_signal(signal: i32) {
    STOP_SIGNAL.store(signal, Ordering::SeqCst);
}

/// The signal that asked `poc` to stop, if one came while a [`SignalGuard`]
/// was installed.
pub fn stop_requested() -> Option<Stop> {
    Stop::from_signal(STOP_SIGNAL.load(Ordering::SeqCst))
}

/// While alive, SIGINT, SIGTERM, SIGHUP and SIGQUIT only note that `poc` should stop
/// ([`stop_requested`]), so the work in progress can clean up (kill the
/// command, remove a temporary file) and exit. Dropping it restores the
/// handlers there were before. A signal that was ignored (`nohup poc …`)
/// stays ignored.
pub struct SignalGuard {
    #[cfg(unix)]
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl SignalGuard {
    #[cfg(unix)]
    pub fn install() -> SignalGuard {
        let mut previous = Vec::new();
        let stop = on_stop_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        for (signal, handler) in [
            (libc::SIGINT, stop),
            (libc::SIGTERM, stop),
            (libc::SIGHUP, stop),
            (libc::SIGQUIT, stop),
            // Inherited as ignored, SIGCHLD would have the kernel reap the
            // command behind our back, and waiting for it fail.
            (libc::SIGCHLD, libc::SIG_DFL),
        ] {
            // SAFETY: sigaction with zeroed, then filled, plain-data structs;
            // the handler only stores to an atomic.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut old) != 0 {
                    continue;
                }
                let ignored = old.sa_sigaction == libc::SIG_IGN;
                // An ignored stop signal (`nohup poc …`) stays ignored.
                if ignored == (handler != libc::SIG_DFL) {
                    continue;
                }
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = handler;
                new.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut new.sa_mask);
                if libc::sigaction(signal, &new, &mut old) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        SignalGuard { previous }
    }

    #[cfg(not(unix))]
    pub fn install() -> SignalGuard {
        SignalGuard {}
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (signal, old) in self.previous.iter().rev() {
            // SAFETY: restores the disposition saved by `install`.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
    }
}

/// The running command: owns the child (and so its process group) and the
/// signal handlers. Dropping it, on any way out, kills the group if the
/// shell has not been reaped yet, gives the terminal back if the command
/// had it, and restores the handlers.
struct Running {
    child: Child,
    /// Set once the shell is reaped; until then its pid (and process group
    /// ID) cannot be reused, so killing the group is safe.
    status: Option<ExitStatus>,
    /// `--interactive` made the command's group the foreground of this
    /// terminal (`/dev/tty`), to be given back to `poc` at the end.
    #[cfg(unix)]
    terminal: Option<File>,
    // Dropped after `drop` has killed the group and taken the terminal back.
    #[cfg(unix)]
    _background_writes: IgnoreTtou,
    _signals: SignalGuard,
}

/// While the command has the terminal, `poc` is in the background and
/// still copies its output to the terminal: with `stty tostop`, SIGTTOU
/// would stop `poc` for it. Ignored until dropped (the command gets the
/// disposition back before exec).
#[cfg(unix)]
struct IgnoreTtou(Option<libc::sighandler_t>);

#[cfg(unix)]
impl IgnoreTtou {
    fn new(active: bool) -> IgnoreTtou {
        // SAFETY: plain syscall.
        IgnoreTtou(active.then(|| unsafe { libc::signal(libc::SIGTTOU, libc::SIG_IGN) }))
    }
}

#[cfg(unix)]
impl Drop for IgnoreTtou {
    fn drop(&mut self) {
        if let Some(old) = self.0 {
            // SAFETY: restores the saved disposition.
            unsafe {
                libc::signal(libc::SIGTTOU, old);
            }
        }
    }
}

impl Running {
    /// Whether the shell has exited, without reaping it where the platform
    /// allows (Linux), so its process group ID stays reserved.
    fn exited(&mut self) -> io::Result<bool> {
        if self.status.is_some() {
            return Ok(true);
        }
        #[cfg(target_os = "linux")]
        {
            // SAFETY: waitid fills a zeroed siginfo_t; WNOWAIT leaves the
            // child waitable.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            let r = unsafe {
                libc::waitid(
                    libc::P_PID,
                    self.child.id() as libc::id_t,
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
                )
            };
            if r != 0 {
                let e = io::Error::last_os_error();
                return match e.kind() {
                    io::ErrorKind::Interrupted => Ok(false),
                    _ => Err(e),
                };
            }
            // SAFETY: si_pid is valid for a SIGCHLD-style siginfo; zero when
            // no child has changed state.
            Ok(unsafe { info.si_pid() } != 0)
        }
        #[cfg(not(target_os = "linux"))]
        {
            self.status = self.child.try_wait()?;
            Ok(self.status.is_some())
        }
    }

    /// SIGKILL to the command's whole process group.
    fn kill_group(&mut self) {
        #[cfg(unix)]
        if self.status.is_none() || cfg!(not(target_os = "linux")) {
            // SAFETY: plain syscall; a negative pid names the process group,
            // which is the shell's pid (new session or group at spawn).
            unsafe {
                libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL);
            }
        }
        if self.status.is_none() {
            let _ = self.child.kill();
        }
    }

    /// Reaps the shell, waiting at most `limit` (a process stuck in the
    /// kernel may not die at once; `poc` does not hang on it).
    fn reap(&mut self, limit: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + limit;
        while self.status.is_none() {
            match self.child.try_wait() {
                Ok(Some(status)) => self.status = Some(status),
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
                _ => break,
            }
        }
        self.status
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.status.is_none() {
            self.kill_group();
            self.reap(Duration::from_secs(2));
        }
        #[cfg(unix)]
        if let Some(tty) = &self.terminal {
            use std::os::fd::AsRawFd;
            // SAFETY: plain syscall. SIGTTOU is ignored (`IgnoreTtou`), as
            // shells do, since poc is in the background at that moment.
            unsafe {
                libc::tcsetpgrp(tty.as_raw_fd(), libc::getpgrp());
            }
        }
    }
}

/// `poc`'s controlling terminal, when `poc` is in its foreground (run from
/// a shell, not in the background): the terminal an interactive command is
/// given. Whatever stdin is, a prompt reads `/dev/tty`.
#[cfg(unix)]
fn foreground_terminal() -> Option<File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open("/dev/tty")
        .ok()?;
    // SAFETY: plain syscalls on an open descriptor.
    let ours = unsafe { libc::tcgetpgrp(tty.as_raw_fd()) == libc::getpgrp() };
    ours.then_some(tty)
}

/// What `check --run` asks to run, and how.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest<'a> {
    /// The POC folder: where the command runs, and `evidence/` for its log.
    pub poc_dir: &'a Path,
    pub command: &'a str,
    /// The IDs the run is evidence for (they name the log).
    pub ids: &'a [String],
    pub timeout: Duration,
    pub interactive: bool,
    /// When the run starts, as recorded.
    pub now: DateTime<Utc>,
}

/// Runs `command` through the shell in `poc_dir`, showing its output live and
/// keeping stdout and stderr, with the command line, start time, duration and
/// exit code, in a log under `evidence/`. With `interactive`, the command
/// gets the terminal (stdin, and the foreground); without, stdin is
/// `/dev/null` and it has no controlling terminal.
pub fn run_command(run: &RunRequest) -> anyhow::Result<RunEnd> {
    let RunRequest {
        poc_dir, ids, now, ..
    } = *run;
    crate::fsutil::refuse_links(poc_dir, EVIDENCE_DIR)?;
    let dir = poc_dir.join(EVIDENCE_DIR);
    let shown_dir = crate::fsutil::display_in(poc_dir, EVIDENCE_DIR);
    let cannot_create = |e: io::Error| {
        crate::error::Error::new(format!(
            "cannot create a run log in {shown_dir}: {e} (nothing was recorded)"
        ))
    };
    std::fs::create_dir_all(&dir).map_err(cannot_create)?;
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let label = safe_file_name(&ids.join("-"));
    let mut created = None;
    for n in 0u32.. {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let name = format!("run-{stamp}-{label}{suffix}.log");
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.join(&name));
        match file {
            Ok(f) => {
                created = Some((f, format!("{EVIDENCE_DIR}/{name}")));
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 10_000 => {}
            Err(e) => return Err(cannot_create(e).into()),
        }
    }
    let Some((log_file, rel)) = created else {
        crate::fail!("cannot create a run log in {shown_dir} (nothing was recorded)");
    };
    let path = poc_dir.join(&rel);
    let shown = crate::fsutil::display_in(poc_dir, &rel);
    let log = (BufWriter::new(log_file), rel);
    run_logged(run, log).map_err(|e| {
        // Nothing refers to the log, so none is left half-written: a full
        // disk leaves no empty or partial log behind.
        let _ = std::fs::remove_file(&path);
        // In `run_logged` every other error carries its own context: a
        // bare I/O error is one of writing the log.
        match e.downcast_ref::<io::Error>() {
            Some(io) if e.chain().count() == 1 => crate::error::Error::new(format!(
                "cannot write the run log {shown}: {io} (removed it; nothing was recorded)"
            ))
            .into(),
            _ => e,
        }
    })
}

/// The run itself, once its log is created: the command's output goes to
/// `log` (`rel` in the POC folder). A bare I/O error is one of writing the
/// log; every other error says what it is about.
fn run_logged(
    run: &RunRequest,
    (mut log, rel): (BufWriter<File>, String),
) -> anyhow::Result<RunEnd> {
    let RunRequest {
        poc_dir,
        command,
        ids,
        timeout,
        interactive,
        now,
    } = *run;
    writeln!(log, "# poc run evidence for {}", ids.join(", "))?;
    writeln!(log, "# command: {}", command.replace('\n', "\n#          "))?;
    writeln!(log, "# folder: the POC folder")?;
    writeln!(log, "# started: {}", now.to_rfc3339())?;
    if interactive {
        writeln!(log, "# stdin: the terminal (--interactive)")?;
    } else {
        writeln!(
            log,
            "# stdin: none (/dev/null), no terminal; run with --interactive to answer prompts"
        )?;
    }
    writeln!(
        log,
        "# output: [out] lines from stdout, [err] lines from stderr; each stream in order; a line over {} KiB goes on over lines marked [out+] or [err+]",
        MAX_LINE_BYTES / 1024
    )?;
    log.flush()?;

    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(poc_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    let terminal = if interactive {
        foreground_terminal()
    } else {
        None
    };
    #[cfg(unix)]
    let tty_fd = terminal.as_ref().map(|t| {
        use std::os::fd::AsRawFd;
        t.as_raw_fd()
    });
    #[cfg(unix)]
    let background_writes = IgnoreTtou::new(terminal.is_some());
    #[cfg(unix)]
    let ttou = background_writes.0.unwrap_or(libc::SIG_DFL);
    #[cfg(target_os = "linux")]
    let parent = std::process::id() as libc::pid_t;
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if interactive {
                    // Its own process group, so a timeout or a signal stops
                    // everything it started; the terminal's foreground, so
                    // it can read from it.
                    if libc::setpgid(0, 0) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                    if let Some(fd) = tty_fd {
                        // SIGTTOU is ignored here (inherited), so this works
                        // from the background; then the command gets poc's
                        // own disposition back.
                        libc::tcsetpgrp(fd, libc::getpid());
                        libc::signal(libc::SIGTTOU, ttou);
                    }
                } else if libc::setsid() == -1 {
                    // A new session: a process group of its own, and no
                    // controlling terminal to read a prompt's answer from.
                    return Err(io::Error::last_os_error());
                }
                // Even if poc is killed outright (SIGKILL), the shell goes.
                #[cfg(target_os = "linux")]
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == 0
                    && libc::getppid() != parent
                {
                    libc::_exit(137);
                }
                Ok(())
            });
        }
    }
    cmd.stdin(if interactive {
        Stdio::inherit()
    } else {
        Stdio::null()
    });

    // Installed before the spawn: a signal from now on stops the command.
    let signals = SignalGuard::install();
    let started = Instant::now();
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot run `{command}` through sh"))?;
    let mut running = Running {
        child,
        status: None,
        #[cfg(unix)]
        terminal,
        #[cfg(unix)]
        _background_writes: background_writes,
        _signals: signals,
    };

    // The readers copy to the terminal as output arrives and hand it over;
    // they are never waited for, so a pipe held open by a process left
    // behind cannot hold up the end.
    let done = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::sync_channel::<Chunk>(16);
    read_into(running.child.stdout.take(), 0, tx.clone(), &done);
    read_into(running.child.stderr.take(), 1, tx, &done);

    let mut capture = Capture::new(log, MAX_RUN_LOG_BYTES);
    let mut open: usize = 2;
    let mut timed_out = false;
    let mut stop = None;
    let mut ended: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(10)) {
            Ok(chunk) => {
                take(chunk, &mut capture, &mut open)?;
                // A bounded batch, so a flood of output cannot starve the
                // checks below.
                for _ in 0..64 {
                    match rx.try_recv() {
                        Ok(chunk) => take(chunk, &mut capture, &mut open)?,
                        Err(_) => break,
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => open = 0,
        }
        capture.flush()?;
        if let Some(s) = stop_requested() {
            stop = Some(s);
            running.kill_group();
            ended.get_or_insert_with(Instant::now);
            break;
        }
        if ended.is_none() {
            if running
                .exited()
                .with_context(|| format!("cannot wait for `{command}`"))?
            {
                ended = Some(Instant::now());
            } else if started.elapsed() >= timeout {
                timed_out = true;
                running.kill_group();
                ended = Some(Instant::now());
            }
        }
        if let Some(at) = ended
            && (open == 0 || at.elapsed() >= DRAIN_GRACE)
        {
            break;
        }
    }
    // Whatever is left of the command's process group goes; the readers stop
    // at their next read, and the pipes are not read again.
    done.store(true, Ordering::SeqCst);
    drop(rx);
    running.kill_group();
    let status = running.reap(Duration::from_secs(5));
    let duration = ended.unwrap_or_else(Instant::now) - started;
    #[cfg(unix)]
    if stop.is_none() && interactive {
        // With the terminal, Ctrl-C reaches the command, not poc: a command
        // that died of it was interrupted, not failed.
        use std::os::unix::process::ExitStatusExt;
        if status.and_then(|s| s.signal()) == Some(libc::SIGINT) {
            stop = Some(Stop::Interrupt);
        }
    }
    let exit_code = if timed_out {
        None
    } else {
        status.and_then(|s| s.code())
    };

    let mut log = capture.finish()?;
    writeln!(log, "# duration: {:.3} s", duration.as_secs_f64())?;
    if open > 0 && stop.is_none() {
        writeln!(
            log,
            "# output still open {:.1} s after the shell ended: stopped reading; what was left of its process group was killed",
            DRAIN_GRACE.as_secs_f64()
        )?;
    }
    if let Some(stop) = stop {
        writeln!(
            log,
            "# interrupted ({}): stopped, nothing recorded",
            stop.name()
        )?;
    } else if timed_out {
        writeln!(log, "# timed out after {} s: killed", timeout.as_secs())?;
    } else {
        match exit_code {
            Some(code) => writeln!(log, "# exit code: {code}")?,
            None => writeln!(log, "# killed by a signal")?,
        }
    }
    let log_file = log.into_inner().map_err(|e| e.into_error())?;
    log_file.sync_all()?;
    drop(log_file);
    drop(running);
    if let Some(stop) = stop {
        return Ok(RunEnd::Interrupted { log: rel, stop });
    }
    let (sha256, size) = hash_file(&poc_dir.join(&rel))
        .with_context(|| format!("cannot read back the run log {rel}"))?;
    Ok(RunEnd::Finished(RunEvidence {
        command: command.to_string(),
        log: rel,
        sha256,
        size,
        started: now,
        duration_ms: duration.as_millis() as u64,
        exit_code,
        timed_out,
    }))
}

/// What a reader hands over: bytes of stream 0 (stdout) or 1 (stderr), or
/// the end of one stream.
enum Chunk {
    Data(usize, Vec<u8>),
    End,
}

/// Takes one chunk from a reader into the log.
fn take<W: Write>(chunk: Chunk, capture: &mut Capture<W>, open: &mut usize) -> io::Result<()> {
    match chunk {
        Chunk::Data(stream, bytes) => capture.feed(stream, &bytes),
        Chunk::End => {
            *open = open.saturating_sub(1);
            Ok(())
        }
    }
}

/// Copies a stream to the terminal as it arrives and hands it to the run
/// loop, on a thread of its own that nobody waits for.
fn read_into(
    stream: Option<impl Read + Send + 'static>,
    index: usize,
    tx: mpsc::SyncSender<Chunk>,
    done: &Arc<AtomicBool>,
) {
    let done = Arc::clone(done);
    std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            let _ = tx.send(Chunk::End);
            return;
        };
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if done.load(Ordering::SeqCst) {
                return;
            }
            if index == 0 {
                let mut out = io::stdout().lock();
                let _ = out.write_all(&buf[..n]).and_then(|_| out.flush());
            } else {
                let _ = io::stderr().write_all(&buf[..n]);
            }
            if tx.send(Chunk::Data(index, buf[..n].to_vec())).is_err() {
                return;
            }
        }
        let _ = tx.send(Chunk::End);
    });
}

/// The log's body: output split into prefixed lines, in time linear in its
/// size and memory bounded by the cap. The first half of the cap goes
/// straight to the log; past it, the most recent lines are kept in a ring of
/// the other half, and [`Capture::finish`] writes a marker saying how many
/// bytes of output were left out, then the ring.
struct Capture<W: Write> {
    out: W,
    head_cap: u64,
    tail_cap: usize,
    head: u64,
    head_full: bool,
    /// The last lines, formatted, and per line its length in the ring and
    /// in the command's output.
    tail: VecDeque<u8>,
    tail_lines: VecDeque<(u32, u32)>,
    /// Bytes of the command's output left out.
    left_out: u64,
    /// Per stream: the line so far, and whether it continues a long one.
    lines: [(Vec<u8>, bool); 2],
    formatted: Vec<u8>,
}

const PREFIXES: [(&[u8], &[u8]); 2] = [(b"[out] ", b"[out+] "), (b"[err] ", b"[err+] ")];

/// Whether the log left part of the output out (it was over the cap).
pub fn log_was_cut(log: &str) -> bool {
    (log.lines())
        .any(|l| l.starts_with("[poc] … ") && l.contains(" bytes of output left out here "))
}

/// The command's output as a run log keeps it: stdout and stderr lines in
/// the order the log has them, without their `[out]`/`[err]` prefix, a long
/// line split in the log joined again; the log's own lines (its header and
/// footer, a marker of output left out) are not output.
pub fn logged_output(log: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    // Per stream: the index in `lines` of its latest line.
    let mut last: [Option<usize>; 2] = [None, None];
    for line in log.lines() {
        for (stream, (first, more)) in PREFIXES.iter().enumerate() {
            let bytes = line.as_bytes();
            let (continued, text) = if bytes.starts_with(first) {
                (false, &line[first.len()..])
            } else if bytes.starts_with(more) {
                (true, &line[more.len()..])
            } else {
                continue;
            };
            match last[stream] {
                Some(i) if continued => lines[i].push_str(text),
                _ => {
                    lines.push(text.to_string());
                    last[stream] = Some(lines.len() - 1);
                }
            }
        }
    }
    lines.join("\n")
}

impl<W: Write> Capture<W> {
    fn new(out: W, cap: u64) -> Self {
        let head_cap = cap / 2;
        Capture {
            out,
            head_cap,
            tail_cap: usize::try_from(cap - head_cap).unwrap_or(usize::MAX),
            head: 0,
            head_full: false,
            tail: VecDeque::new(),
            tail_lines: VecDeque::new(),
            left_out: 0,
            lines: [(Vec::new(), false), (Vec::new(), false)],
            formatted: Vec::new(),
        }
    }

    /// Output of stream 0 (stdout) or 1 (stderr), as it came.
    fn feed(&mut self, stream: usize, mut data: &[u8]) -> io::Result<()> {
        loop {
            match data.iter().position(|b| *b == b'\n') {
                Some(i) => {
                    self.append(stream, &data[..i])?;
                    self.end_line(stream, true)?;
                    data = &data[i + 1..];
                }
                None => return self.append(stream, data),
            }
        }
    }

    fn append(&mut self, stream: usize, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let line = &mut self.lines[stream].0;
            let take = (MAX_LINE_BYTES - line.len()).min(data.len());
            line.extend_from_slice(&data[..take]);
            data = &data[take..];
            if line.len() >= MAX_LINE_BYTES {
                self.end_line(stream, false)?;
                self.lines[stream].1 = true;
            }
        }
        Ok(())
    }

    /// Ends the stream's line; `newline` when the output had one there.
    fn end_line(&mut self, stream: usize, newline: bool) -> io::Result<()> {
        let (line, continued) = &mut self.lines[stream];
        let raw = line.len() + usize::from(newline);
        if line.is_empty() && *continued {
            // A long line that ended exactly at a split.
            *continued = false;
            return self.note_left_out_newline(raw);
        }
        let prefix = if *continued {
            PREFIXES[stream].1
        } else {
            PREFIXES[stream].0
        };
        self.formatted.clear();
        self.formatted.extend_from_slice(prefix);
        self.formatted.extend_from_slice(line);
        self.formatted.push(b'\n');
        line.clear();
        *continued = false;
        self.write_formatted(raw)
    }

    /// The newline after a split long line: one byte of output, no line.
    fn note_left_out_newline(&mut self, raw: usize) -> io::Result<()> {
        if let Some(last) = self.tail_lines.back_mut() {
            last.1 = last.1.saturating_add(raw as u32);
        }
        Ok(())
    }

    fn write_formatted(&mut self, raw: usize) -> io::Result<()> {
        let len = self.formatted.len();
        if !self.head_full && self.head + len as u64 <= self.head_cap {
            self.head += len as u64;
            return self.out.write_all(&self.formatted);
        }
        self.head_full = true;
        self.tail.extend(self.formatted.iter());
        // A line is at most MAX_LINE_BYTES and a prefix: it fits.
        self.tail_lines.push_back((len as u32, raw as u32));
        while self.tail.len() > self.tail_cap {
            let Some((len, raw)) = self.tail_lines.pop_front() else {
                break;
            };
            self.tail.drain(..(len as usize).min(self.tail.len()));
            self.left_out += raw as u64;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends unfinished lines, writes the kept tail (after a marker when
    /// something was left out) and hands the writer back.
    fn finish(mut self) -> io::Result<W> {
        for stream in 0..2 {
            if !self.lines[stream].0.is_empty() {
                self.end_line(stream, false)?;
            }
        }
        if self.left_out > 0 {
            let cap = self.head_cap + self.tail_cap as u64;
            let cap = if cap.is_multiple_of(1024 * 1024) {
                format!("{} MiB", cap / (1024 * 1024))
            } else {
                format!("{} bytes", thousands(cap))
            };
            writeln!(
                self.out,
                "[poc] … {} bytes of output left out here (log cap {cap}) …",
                thousands(self.left_out)
            )?;
        }
        let (a, b) = self.tail.as_slices();
        self.out.write_all(a)?;
        self.out.write_all(b)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(cap: u64, chunks: &[(usize, &[u8])]) -> String {
        let mut c = Capture::new(Vec::new(), cap);
        for (stream, data) in chunks {
            c.feed(*stream, data).unwrap();
        }
        String::from_utf8(c.finish().unwrap()).unwrap()
    }

    #[test]
    fn lines_are_prefixed_per_stream_and_a_last_partial_line_is_ended() {
        let log = captured(1024, &[(0, b"one\ntw"), (1, b"oops\n"), (0, b"o\n\nthree")]);
        assert_eq!(
            log,
            "[out] one\n[err] oops\n[out] two\n[out] \n[out] three\n"
        );
    }

    #[test]
    fn a_long_line_is_split_and_continued() {
        let long = vec![b'x'; MAX_LINE_BYTES * 2 + 5];
        let log = captured(u64::MAX / 4, &[(0, &long), (0, b"\nend\n")]);
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(
            lines.len(),
            4,
            "{:?}",
            lines.iter().map(|l| l.len()).collect::<Vec<_>>()
        );
        assert!(lines[0].starts_with("[out] x") && lines[0].len() == 6 + MAX_LINE_BYTES);
        assert!(lines[1].starts_with("[out+] x"));
        assert_eq!(lines[2], format!("[out+] {}", "x".repeat(5)));
        assert_eq!(lines[3], "[out] end");
        // Ending exactly at a split adds no empty line.
        let exact = vec![b'y'; MAX_LINE_BYTES];
        let log = captured(u64::MAX / 4, &[(1, &exact), (1, b"\n")]);
        assert_eq!(log.lines().count(), 1);
    }

    #[test]
    fn past_the_cap_the_head_and_tail_are_kept_with_one_marker_between() {
        let mut input = Vec::new();
        for i in 0..1000 {
            input.extend_from_slice(format!("line {i:04}\n").as_bytes());
        }
        // Each log line is "[out] line 0000\n": 16 bytes.
        let log = captured(320, &[(0, &input)]);
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines[0], "[out] line 0000");
        assert_eq!(lines[9], "[out] line 0009");
        assert_eq!(
            lines[10],
            "[poc] … 9,800 bytes of output left out here (log cap 320 bytes) …"
        );
        assert_eq!(lines[11], "[out] line 0990");
        assert_eq!(lines.last(), Some(&"[out] line 0999"));
        assert_eq!(lines.len(), 21);
        // The ring keeps whole lines only; the count is of output bytes, not log bytes.
        let log = captured(330, &[(0, &input)]);
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(
            lines[10],
            "[poc] … 9,800 bytes of output left out here (log cap 330 bytes) …"
        );
        assert_eq!(lines[11], "[out] line 0990");
        assert_eq!(lines.len(), 21);
        // Under the cap, nothing is left out and no marker is written.
        assert!(!captured(1 << 20, &[(0, &input)]).contains("[poc]"));
    }

    #[test]
    fn the_output_reads_back_from_the_log_without_its_prefixes() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let log = captured(
            1 << 20,
            &[
                (0, b"warm-up: 9.5 min\n"),
                (1, b"warning: slow\n"),
                (0, long.as_bytes()),
                (0, b"\nfound in 1.8 min"),
            ],
        );
        let log = format!("# poc run evidence for M1\n{log}# exit code: 0\n");
        assert_eq!(
            logged_output(&log),
            format!("warm-up: 9.5 min\nwarning: slow\n{long}\nfound in 1.8 min")
        );
    }

    #[test]
    fn stop_exit_codes_are_the_shells() {
        assert_eq!(Stop::Interrupt.exit_code(), 130);
        assert_eq!(Stop::Terminate.exit_code(), 143);
        assert_eq!(Stop::Hangup.exit_code(), 129);
        assert_eq!(Stop::Quit.exit_code(), 131);
    }
}
