//! The integration tests: one binary over the built `poc`, one module per
//! command (init, check, advance, notes_and_blockers, close, debrief,
//! status, usage), a twelve-day story through all of them, and one per
//! area of robustness. `common` is the harness they share; long output is
//! compared with reviewed snapshots in `snapshots/`.

mod common;

// By command.
mod advance;
mod calendar;
mod check;
mod close;
mod config;
mod debrief;
mod gaps;
mod init;
mod insights;
mod log;
mod metrics;
mod notes_and_blockers;
mod plan_twelve_days;
mod portfolio;
#[cfg(unix)]
mod readme;
mod report;
mod risks;
mod schema;
mod shell;
mod signoffs;
mod similar;
mod status;
mod templates;
mod twelve_days;
mod update;
mod usage;
mod user_text;

// By area.
mod bad_input;
#[cfg(unix)]
mod boundaries;
mod concurrency;
mod crash;
mod evidence;
mod hostile;
mod init_ask;
mod loading;
mod lost_entries;
mod merge_property;
mod plan_review;
mod properties;
mod review_fixes;
mod runs;
mod smoke;
mod summary_cache;
mod teams;
mod time_zones;
