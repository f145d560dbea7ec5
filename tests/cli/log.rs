//! `poc log`: filtered by time, ID and kind, as a table that fits the
//! width, JSON, or one tab-separated line per entry.

use crate::common::*;

/// A POC with entries over three days: a note, a check, a blocker and its
/// resolution, a park.
fn poc_with_history() -> TestEnv {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["note", "kickoff held\twith Priya\nand Marcus"])
        .ok();
    env.poc_run(&["blocker", "VPN access not granted"]).ok();
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["check", "kickoff", "--evidence", "agenda sent"])
        .ok();
    env.poc_run(&["park", "Custom reporting"]).ok();
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&["blocker", "--resolve", "B1", "--note", "granted"])
        .ok();
    env.poc_run(&["note", "SC2 rerun booked"]).ok();
    env
}

/// The tsv lines as (kind, id) pairs.
fn kinds_and_ids(run: &Run) -> Vec<(String, String)> {
    run.stdout
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "{l:?}");
            (f[2].to_string(), f[3].to_string())
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, i)| (k.to_string(), i.to_string()))
        .collect()
}

#[test]
fn tsv_is_one_line_of_five_fields_per_entry() {
    let env = poc_with_history();
    let run = env.poc_run(&["log", "--format", "tsv"]);
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), env.journal().len(), "{}", run.stdout);
    // The note's tab and line break are spaces: one line, five fields.
    assert_eq!(
        lines[1],
        "2026-11-23T10:00:00Z\tdana\tnote\t\tkickoff held with Priya and Marcus"
    );
    assert!(lines[2].starts_with("2026-11-23T10:00:00Z\tdana\tblocker\tB1-"));
    assert_eq!(
        lines[3],
        "2026-11-24T10:00:00Z\tdana\tcheck\tkickoff\tagenda sent"
    );
}

#[test]
fn since_until_kind_id_and_limit_narrow_the_log() {
    let env = poc_with_history();
    let tsv = |extra: &[&str]| {
        let mut args = vec!["log", "--format", "tsv"];
        args.extend_from_slice(extra);
        let run = env.poc_run(&args);
        run.ok();
        kinds_and_ids(&run)
    };
    // --since a date is from the start of that day, --until to its end.
    assert_eq!(
        tsv(&["--since", "2026-11-24", "--until", "2026-11-24"]),
        pairs(&[("check", "kickoff"), ("park", "")])
    );
    assert_eq!(
        tsv(&["--since", "2026-11-25T10:00:00Z"]),
        pairs(&[("resolve", "B1-JJG"), ("note", "")])
    );
    assert_eq!(
        tsv(&["--kind", "note", "--kind", "park"]),
        pairs(&[("note", ""), ("park", ""), ("note", "")])
    );
    // A blocker by its short form; an item by its exact ID only.
    assert_eq!(
        tsv(&["--id", "b1"]),
        pairs(&[("blocker", "B1-JJG"), ("resolve", "B1-JJG")])
    );
    assert_eq!(tsv(&["--id", "kickoff"]), pairs(&[("check", "kickoff")]));
    assert_eq!(tsv(&["--id", "kick"]), pairs(&[]));
    // The last N of those that match.
    assert_eq!(
        tsv(&["--limit", "2"]),
        pairs(&[("resolve", "B1-JJG"), ("note", "")])
    );
    assert_eq!(
        tsv(&["--kind", "note", "--limit", "1"]),
        pairs(&[("note", "")])
    );
    let json = env
        .poc_run(&["log", "--kind", "check", "--format", "json"])
        .json();
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["id"], "kickoff");
    assert_eq!(entries[0]["line"], 5);
    env.poc_run(&["log", "--kind", "close"])
        .ok()
        .stdout_has("No entries match.");
}

#[test]
fn bad_filters_are_usage_errors_that_name_the_flag() {
    let env = poc_with_history();
    unchanged(&env, || env.poc_run(&["log", "--kind", "nope"]))
        .code(2)
        .first_err_is("error: invalid value 'nope' for '--kind <KIND>'")
        .stderr_has("[possible values: init, check, fail, undo, note, park, blocker, resolve, advance, reopen, close, update, signoff, unsignoff, risk, risk_status, measure, gap, gap_resolve]")
        .stderr_has("tip: a similar value exists: 'note'");
    unchanged(&env, || env.poc_run(&["log", "--since", "11/23/2026"]))
        .code(2)
        .first_err_is("error: --since: `11/23/2026` is not a YYYY-MM-DD date or an RFC 3339 timestamp (2026-11-23T14:05:00Z)");
    unchanged(&env, || env.poc_run(&["log", "--until", "2026-02-30"]))
        .code(2)
        .stderr_has("error: --until: `2026-02-30` is not");
}

/// The longest line of a table, in characters.
fn widest(table: &str) -> usize {
    table.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn tables_fit_columns_else_100_and_wrap_between_words() {
    let env = poc_with_history();
    let words = "the load generator in prod-eu needs an allowlisted egress address \
                 before Thursday's latency test can start";
    env.poc_run(&["note", words]).ok();
    let piped = env.poc_run(&["log"]);
    piped.ok();
    assert!(widest(&piped.stdout) <= 100, "{}", piped.stdout);
    assert!(
        widest(&piped.stdout) >= 90,
        "uses the width: {}",
        piped.stdout
    );
    let mut cmd = env.command(&env.poc(), &["log"]);
    let narrow = to_run(cmd.env("COLUMNS", "70").output().unwrap());
    narrow.ok();
    assert!(widest(&narrow.stdout) <= 70, "{}", narrow.stdout);
    // Every word whole on one line of the table.
    let cells: String = narrow
        .stdout
        .lines()
        .map(|l| {
            l.rsplit('┆')
                .next()
                .unwrap_or_default()
                .trim_end_matches(['│', ' '])
        })
        .collect::<Vec<_>>()
        .join(" ");
    for word in words.split(' ') {
        assert!(
            cells.split_whitespace().any(|w| w == word),
            "`{word}` was split:\n{}",
            narrow.stdout
        );
    }
}

#[test]
fn a_terminal_of_size_zero_gets_100_columns() {
    let found = std::path::Path::new("/usr/bin/script").exists();
    if !have("script", found, "the 0×0 terminal test") {
        return;
    }
    let env = poc_with_history();
    // Long enough to fill 100 columns.
    env.poc_run(&[
        "note",
        &"the firewall change waits on the network team ".repeat(4),
    ])
    .ok();
    let bin = env!("CARGO_BIN_EXE_poc");
    // `script` runs poc on a new pty; stty makes it report 0×0.
    let shell = format!("stty cols 0 rows 0; {bin} -C acme log");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &shell, "/dev/null"])
        .current_dir(env.path())
        .env("POC_NOW", "2026-11-26T09:00:00Z")
        .env("POC_USER", "dana")
        .env_remove("COLUMNS");
    crate::common::hermetic(&mut cmd, &env.path().join(".home"));
    let run = to_run(cmd.output().unwrap());
    run.ok();
    let table: String = run.stdout.replace('\r', "");
    assert!(table.contains("kickoff held"), "{table}");
    assert!((95..=100).contains(&widest(&table)), "{table}");
}
