//! The integration tests: one binary over the built `poc`, one module per
//! area. `common` is the harness they share.

mod common;

mod bad_input;
mod concurrency;
mod crash;
mod evidence;
mod hostile;
mod lifecycle;
mod properties;
mod runs;
mod smoke;
