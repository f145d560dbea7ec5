mod common;
use common::*;

#[test]
fn init_then_status_shows_day_one_in_setup() {
    let env = TestEnv::with_poc();
    env.poc_run(&["status"])
        .ok()
        .stdout_has("day 1 of 12 · phase setup");
}
