//! Progress on stderr for a scan of many POCs: shown once the scan has
//! run half a second, only when stderr is a terminal, and cleared when
//! done, so piped output and quick runs never see it.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a scan runs before it shows progress.
const AFTER: Duration = Duration::from_millis(500);

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// A bar for `len` steps of `what` ("reading POCs").
    pub fn bar(len: usize, what: &'static str) -> Progress {
        let style = ProgressStyle::with_template("{msg} {wide_bar} {human_pos}/{human_len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        Progress::with(
            ProgressBar::with_draw_target(Some(len as u64), hidden()),
            style,
            what,
        )
    }

    /// A counter of steps whose number is not known ahead ("searching").
    pub fn counter(what: &'static str) -> Progress {
        let style = ProgressStyle::with_template("{spinner} {msg}: {human_pos} POCs found")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        Progress::with(ProgressBar::with_draw_target(None, hidden()), style, what)
    }

    fn with(bar: ProgressBar, style: ProgressStyle, what: &'static str) -> Progress {
        bar.set_style(style);
        bar.set_message(what);
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// One more step done.
    pub fn step(&self) {
        self.bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
            && std::io::stderr().is_terminal()
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            // Keeps a walk through folders without POCs visibly alive.
            self.bar.enable_steady_tick(Duration::from_millis(100));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

fn hidden() -> ProgressDrawTarget {
    ProgressDrawTarget::hidden()
}
