//! The integration tests: one binary over the built `poc`, one module per
//! area. `common` is the harness they share.

mod common;

mod bad_input;
#[cfg(unix)]
mod boundaries;
mod concurrency;
mod crash;
mod evidence;
mod hostile;
mod lifecycle;
mod loading;
mod merge_property;
mod properties;
mod smoke;
mod teams;
mod time_zones;
