//! `poc list`: a tree of hand-made POCs with known answers (a win, a loss
//! whose debrief is due, a late one, a stale one, one whose debrief is
//! overdue, two that cannot be read), and the folders it must not search
//! (git-ignored, `target/`, `.git/`, a POC's own `evidence/`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::{Run, TestEnv};

/// When the tree is listed: 2026-12-10 12:00 UTC.
const NOW: &str = "2026-12-10T12:00:00Z";

/// Runs `poc ARGS` in the tree's `folder` at `now`.
fn at(env: &mut TestEnv, now: &str, folder: &str, args: &[&str]) {
    env.at(now);
    let mut full = vec!["-C", folder];
    full.extend_from_slice(args);
    env.run(&full).ok();
}

fn init(env: &mut TestEnv, now: &str, folder: &str, prospect: &str, owner: &str, start: &str) {
    env.at(now);
    env.run(&[
        "init",
        folder,
        "--prospect",
        prospect,
        "--owner",
        owner,
        "--start",
        start,
    ])
    .ok();
}

fn close(outcome: &str) -> [&str; 6] {
    ["close", "--outcome", outcome, "--force", "--reason", "test"]
}

fn tree() -> TestEnv {
    let mut env = TestEnv::new();
    // Won on 2026-11-20, debrief written.
    init(
        &mut env,
        "2026-11-14",
        "won",
        "Wonder",
        "dana",
        "2026-11-16",
    );
    at(&mut env, "2026-11-20T10:00:00Z", "won", &close("win"));
    at(&mut env, "2026-11-20T11:00:00Z", "won", &["debrief"]);
    // Lost yesterday: the debrief is due tomorrow noon. The prospect's name
    // is one a spreadsheet would run.
    init(
        &mut env,
        "2026-11-14",
        "lost",
        "@Lossco, Inc.",
        "sam",
        "2026-11-16",
    );
    at(&mut env, "2026-12-09T12:00:00Z", "lost", &close("loss"));
    // Still in setup on day 18 (planned days 1-2): 16 days late; a
    // blocker open five days, SC1 (a must) met yesterday.
    init(
        &mut env,
        "2026-11-20",
        "late",
        "Latency",
        "dana",
        "2026-11-23",
    );
    at(
        &mut env,
        "2026-12-05T12:00:00Z",
        "late",
        &["blocker", "VPN access"],
    );
    at(&mut env, "2026-12-09T12:00:00Z", "late", &["check", "SC1"]);
    // Day 1 today, and nothing recorded since 2026-11-25: stale.
    init(
        &mut env,
        "2026-11-25",
        "east/stale",
        "Stillwater",
        "Dana",
        "2026-12-10",
    );
    // Closed on 2026-12-01; the debrief was due on the 3rd.
    init(
        &mut env,
        "2026-11-14",
        "overdue",
        "Overdue Ltd",
        "sam",
        "2026-11-16",
    );
    at(
        &mut env,
        "2026-12-01T12:00:00Z",
        "overdue",
        &close("inconclusive"),
    );
    // Cannot be read: a bad poc.yaml, a corrupt journal.
    env.write("broken/poc.yaml", "name: [\n");
    init(&mut env, "2026-11-14", "torn", "Torn", "sam", "2026-11-16");
    let journal = env.read("torn/journal.yaml");
    env.write(
        "torn/journal.yaml",
        format!("{journal}not an entry\n- {{}}\n"),
    );
    // Never searched: git-ignored, target/, .git/, a POC's evidence/.
    env.write(".gitignore", "scratch/\n");
    init(
        &mut env,
        "2026-11-14",
        "scratch/draft",
        "Draft",
        "dana",
        "2026-11-16",
    );
    let scope = env.read("won/poc.yaml");
    for copy in ["target/x", ".git/x", "won/evidence/copied"] {
        env.write(&format!("{copy}/poc.yaml"), &scope);
    }
    env.at(NOW);
    env
}

fn list(env: &TestEnv, args: &[&str]) -> Run {
    let mut full = vec!["list"];
    full.extend_from_slice(args);
    env.run(&full)
}

/// The JSON Lines rows by folder; each line is one object.
fn rows(run: &Run) -> BTreeMap<String, Value> {
    run.stdout
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON object: {e}\n{line}"));
            (row["folder"].as_str().unwrap().to_string(), row)
        })
        .collect()
}

fn folders(run: &Run) -> Vec<String> {
    rows(run).into_keys().collect()
}

const ALL: [&str; 7] = [
    "broken",
    "east/stale",
    "late",
    "lost",
    "overdue",
    "torn",
    "won",
];

#[test]
fn every_poc_is_a_row_with_its_values_and_nothing_else_is() {
    let env = tree();
    let run = list(&env, &["--format", "json"]);
    run.ok().stderr_has(
        "warning: 2 POCs could not be read; their rows say why (`poc validate` in each says more)",
    );
    let rows = rows(&run);
    assert_eq!(rows.keys().collect::<Vec<_>>(), ALL, "{}", run.stdout);
    for row in rows.values() {
        assert_eq!(row["schema_version"], 5);
    }

    let won = &rows["won"];
    assert_eq!(won["name"], "Wonder POC");
    assert_eq!(won["prospect"], "Wonder");
    assert_eq!(won["owner"], "dana");
    assert_eq!(won["closed"], true);
    assert_eq!(won["outcome"], "win");
    assert_eq!(won["phase"], "setup");
    assert_eq!(won["day"], 5);
    assert_eq!(won["debrief"], "written");
    assert_eq!(won["days_late"], 0);
    assert_eq!(won["error"], Value::Null);

    let lost = &rows["lost"];
    assert_eq!(lost["outcome"], "loss");
    assert_eq!(lost["debrief"], "due");
    assert_eq!(lost["debrief_due"], "2026-12-11T12:00:00Z");
    assert_eq!(lost["debrief_distance"], "24 h");

    let late = &rows["late"];
    assert_eq!(late["closed"], false);
    assert_eq!(late["outcome"], Value::Null);
    assert_eq!(late["phase"], "setup");
    assert_eq!(
        (late["day"].clone(), late["total_days"].clone()),
        (18.into(), 12.into())
    );
    assert_eq!(late["days_late"], 16);
    assert_eq!(late["criteria_met"], 1);
    assert_eq!(late["criteria_total"], 4);
    assert_eq!(late["must_met"], 1);
    assert_eq!(late["must_total"], 2);
    assert_eq!(late["open_blockers"], 1);
    assert_eq!(late["oldest_blocker_days"], 5);
    assert_eq!(late["last_activity"], "2026-12-09T12:00:00Z");
    assert_eq!(late["idle_days"], 1);
    assert_eq!(late["debrief"], Value::Null);

    let stale = &rows["east/stale"];
    assert_eq!(stale["day"], 1);
    assert_eq!(stale["days_late"], 0);
    assert_eq!(stale["idle_days"], 15);
    assert_eq!(stale["last_activity"], "2026-11-25T00:00:00Z");

    let overdue = &rows["overdue"];
    assert_eq!(overdue["outcome"], "inconclusive");
    assert_eq!(overdue["debrief"], "overdue");
    assert_eq!(overdue["debrief_distance"], "7 days");

    let broken = &rows["broken"];
    assert_eq!(broken["name"], Value::Null);
    assert_eq!(broken["error"]["kind"], "invalid");
    assert_eq!(broken["error"]["file"], "broken/poc.yaml");
    assert_eq!(broken["error"]["line"], 1);
    let torn = &rows["torn"]["error"];
    assert_eq!(torn["kind"], "invalid");
    assert_eq!(torn["file"], "torn/journal.yaml");
    assert_eq!(torn["line"], 3, "{torn}");
}

#[test]
fn the_table_shows_each_row_and_names_what_cannot_be_read() {
    let env = tree();
    // Wide enough for one line per row (100 columns wraps some cells).
    let out = env
        .command(env.path(), &["list"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let run = crate::common::to_run(out);
    run.ok();
    let line = |folder: &str| {
        let prefix = format!("│ {folder} ");
        (run.stdout.lines())
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no row for {folder}\n{}", run.stdout))
            .to_string()
    };
    let late = line("late");
    for cell in ["setup", "18/12", " 16 ", "1/4 (1/2)", "1 (5 d)", " 1 d "] {
        assert!(late.contains(cell), "{cell:?} not in {late}");
    }
    assert!(line("won").contains(" win "), "{}", line("won"));
    assert!(line("won").contains("written"), "{}", line("won"));
    assert!(line("overdue").contains("inconclusive"));
    assert!(line("overdue").contains("overdue by 7 days"));
    assert!(line("lost").contains("due in 24 h"));
    assert!(line("east/stale").contains("15 d"));
    assert!(line("broken").contains("unreadable"));
    run.stdout_has(
        "broken: cannot be read (invalid): broken/poc.yaml:1:7: expected text, not a list or mapping\n",
    )
    .stdout_has("torn: cannot be read (invalid): torn/journal.yaml:3")
    .stdout_lacks("draft")
    .stdout_lacks("copied");
    // Rows in folder order.
    let order: Vec<usize> = ALL
        .iter()
        .map(|f| run.stdout.find(&format!("│ {f} ")).unwrap())
        .collect();
    assert!(order.is_sorted(), "{}", run.stdout);
}

#[test]
fn filters_pick_rows_and_unreadable_ones_always_show() {
    let env = tree();
    let picked = |args: &[&str]| {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        let run = list(&env, &full);
        run.ok();
        folders(&run)
    };
    fn with_broken(mut f: Vec<&str>) -> Vec<String> {
        f.extend(["broken", "torn"]);
        f.sort();
        f.into_iter().map(String::from).collect()
    }
    assert_eq!(
        picked(&["--owner", "sam"]),
        with_broken(vec!["lost", "overdue"])
    );
    // Any case: east/stale's owner is "Dana".
    assert_eq!(
        picked(&["--owner", "DANA"]),
        with_broken(vec!["east/stale", "late", "won"])
    );
    assert_eq!(picked(&["--open"]), with_broken(vec!["east/stale", "late"]));
    assert_eq!(
        picked(&["--closed"]),
        with_broken(vec!["lost", "overdue", "won"])
    );
    assert_eq!(
        picked(&["--phase", "setup"]),
        with_broken(vec!["east/stale", "late"])
    );
    assert_eq!(picked(&["--phase", "validation"]), with_broken(vec![]));
    assert_eq!(picked(&["--stale", "7"]), with_broken(vec!["east/stale"]));
    assert_eq!(
        picked(&["--stale", "1"]),
        with_broken(vec!["east/stale", "late"])
    );
    assert_eq!(picked(&["--stale", "30"]), with_broken(vec![]));
    // A root: only what is under it, named from the current folder.
    let run = list(&env, &["east", "--format", "json"]);
    assert_eq!(folders(run.ok()), ["east/stale"]);
    let run = env.run_at("east", &["list", "--format", "json"]);
    assert_eq!(folders(run.ok()), ["stale"]);
    let run = list(&env, &["--format", "json", "-C", "east"]);
    assert_eq!(folders(run.ok()), ["east/stale"]);
    list(&env, &["--open", "--closed"]).code(2);
    list(&env, &["missing"])
        .code(2)
        .first_err_is("error: missing: no such folder");
}

#[test]
fn sort_orders_by_the_column_asked_for() {
    let env = tree();
    let order = |column: &str| -> Vec<String> {
        let run = list(&env, &["--format", "json", "--sort", column]);
        run.ok();
        (run.stdout.lines())
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["folder"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let late = order("late");
    assert_eq!(late[0], "late");
    assert_eq!(late[5..], ["broken", "torn"]);
    assert_eq!(order("activity")[0], "won");
    assert_eq!(order("debrief")[..3], ["overdue", "lost", "won"]);
    assert_eq!(order("prospect")[..2], ["lost", "late"]);
    assert_eq!(order("folder"), ALL);
    list(&env, &["--sort", "nope"]).code(2);
}

#[test]
fn csv_has_a_header_and_neutralises_formulas() {
    let env = tree();
    let run = list(&env, &["--format", "csv", "--owner", "sam"]);
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "folder,name,prospect,owner,phase,closed,outcome,day,total_days,days_late,"
        ),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    let lost = lines.iter().find(|l| l.starts_with("lost,")).unwrap();
    assert!(
        lost.starts_with("lost,\"'@Lossco, Inc. POC\",\"'@Lossco, Inc.\",sam,setup,true,loss,"),
        "{lost}"
    );
    let broken = lines.iter().find(|l| l.starts_with("broken,")).unwrap();
    assert!(
        broken.ends_with(",invalid,broken/poc.yaml:1:7,\"expected text, not a list or mapping\",0"),
        "{broken}"
    );
}

#[test]
fn fail_on_exits_1_when_a_listed_poc_matches() {
    let env = tree();
    // Reading the portfolio writes nothing, anywhere.
    crate::common::unchanged(&env, || list(&env, &[]).ok().stdout.clone());
    for alarm in ["late", "overdue", "stale", "broken"] {
        list(&env, &["--fail-on", alarm])
            .code(1)
            .stdout_has("│ late ");
    }
    // Only the listed POCs count.
    list(
        &env,
        &["--owner", "sam", "--fail-on", "late", "--fail-on", "stale"],
    )
    .ok();
    list(&env, &["--open", "--fail-on", "overdue"]).ok();
    list(&env, &["--owner", "sam", "--fail-on", "overdue"]).code(1);
    // --stale DAYS sets what stale means: 15 idle days is not 30.
    list(&env, &["--fail-on", "stale", "--stale", "30"]).ok();
    list(&env, &["--owner", "dana", "--closed", "--fail-on", "stale"]).ok();
    list(&env, &["--fail-on", "sometimes"]).code(2);
}

#[test]
fn a_git_ignored_folder_is_skipped_in_a_repository_too() {
    let env = tree();
    std::fs::create_dir_all(env.path().join(".git")).unwrap();
    let run = list(&env, &["--format", "json"]);
    assert_eq!(folders(run.ok()), ALL);
    // Named as a root, the ignored folder is still read as the user asks.
    let run = list(&env, &["scratch", "--format", "json"]);
    assert_eq!(folders(run.ok()), ["scratch/draft"]);
}

#[test]
fn an_empty_tree_says_so() {
    let env = TestEnv::new();
    list(&env, &[])
        .ok()
        .stderr_has("No POC found (a POC is a folder holding poc.yaml).");
    assert_eq!(list(&env, &["--format", "json"]).ok().stdout, "");
}

#[cfg(unix)]
#[test]
fn a_poc_yaml_that_is_a_broken_link_is_a_row_with_its_error() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("gone")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", env.path().join("gone/poc.yaml")).unwrap();
    let run = list(&env, &["--format", "json"]);
    let rows = rows(run.ok());
    assert_eq!(rows.keys().collect::<Vec<_>>(), ["gone"]);
    assert_eq!(
        rows["gone"]["error"]["file"], "gone/poc.yaml",
        "{}",
        run.stdout
    );
    list(&env, &["--fail-on", "broken"])
        .code(1)
        .stdout_has("gone: cannot be read");
}

/// At the 100 columns a piped table gets, a folder name too long for its
/// column is split, but the short words of the other columns (the phase,
/// the headers) stay whole.
#[test]
fn a_long_folder_name_splits_but_short_words_stay_whole() {
    let mut env = TestEnv::with_example();
    env.at("2026-11-24T15:00:00Z");
    let long = "acme-observability-healthcare-2026";
    std::fs::rename(env.poc(), env.path().join(long)).unwrap();
    let run = env.run(&["list"]);
    run.ok();
    for word in ["validation", "prospect", "blockers", "debrief", "Smith"] {
        let whole = format!(" {word} ");
        assert!(
            run.stdout.contains(&whole),
            "`{word}` was split:\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains(long), "{}", run.stdout);
}

/// What an adversarial try found: roots that overlap list a POC once, a
/// root that is a link to a POC lists it, a file as a root is named as
/// one, filters that leave nothing say so, and two outcomes merged show as
/// a conflict that `--fail-on broken` catches.
#[test]
fn overlapping_and_linked_roots_conflicts_and_empty_filters() {
    let mut env = TestEnv::new();
    env.at("2026-11-20T09:00:00Z");
    env.run(&["init", "ok", "--prospect", "Okco", "--start", "2026-11-20"])
        .ok();
    let once = |args: &[&str]| {
        let mut full = vec!["list", "--format", "json"];
        full.extend_from_slice(args);
        let run = env.run(&full);
        run.ok();
        run.stdout.lines().count()
    };
    assert_eq!(once(&[".", "ok", "./ok"]), 1);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("ok", env.path().join("oklink")).unwrap();
        assert_eq!(once(&["oklink"]), 1);
    }
    env.run(&["list", "ok/poc.yaml"])
        .code(2)
        .first_err_is("error: ok/poc.yaml: not a folder; name the folder to search");
    env.run(&["list", "--owner", "nobody"])
        .ok()
        .first_err_is("No POC matches the filters (1 POC found).");
    env.run(&["list", "--fail-on", "broken"]).ok();
    // Two clones closed it differently; the merge holds both.
    let journal = env.read("ok/journal.yaml");
    env.write(
        "ok/journal.yaml",
        format!(
            "{journal}{}\n{}\n",
            r#"- {"at":"2026-11-20T10:00:00Z","by":"dana","kind":"close","outcome":"win","forced":true,"reason":"w","from":"setup"}"#,
            r#"- {"at":"2026-11-20T11:00:00Z","by":"lee","kind":"close","outcome":"loss","forced":true,"reason":"l","from":"setup"}"#
        ),
    );
    let run = env.run(&["list", "--format", "json"]);
    run.ok();
    assert_eq!(run.json()["conflicts"], 1, "{}", run.stdout);
    let mut wide = env.command(env.path(), &["list"]);
    let table = crate::common::to_run(wide.env("COLUMNS", "200").output().unwrap());
    table.ok().stdout_has(" win (in conflict) ");
    env.run(&["list", "--fail-on", "broken"]).code(1);
}

/// 300 copies of the example: a scan long enough (in a debug build) to
/// pass the half second after which progress shows.
fn many_pocs() -> TestEnv {
    let env = TestEnv::new();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-observability");
    for n in 0..300 {
        let to = env.path().join(format!("pocs/p{n:03}"));
        std::fs::create_dir_all(&to).unwrap();
        for file in ["poc.yaml", "journal.yaml"] {
            std::fs::copy(example.join(file), to.join(file)).unwrap();
        }
    }
    env
}

#[cfg(target_os = "linux")]
#[test]
fn a_slow_scan_shows_progress_on_a_terminal_and_nothing_in_a_pipe() {
    use std::io::Read as _;
    let env = many_pocs();
    let piped = list(&env, &["--no-cache", "--format", "json"]);
    piped.ok();
    assert_eq!(piped.stderr, "");
    let (mut master, slave) = crate::common::pty();
    let tty = std::fs::OpenOptions::new()
        .write(true)
        .open(&slave)
        .unwrap();
    let mut cmd = env.command(env.path(), &["list", "--no-cache", "--format", "json"]);
    let child = cmd
        .stderr(tty)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(cmd);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), piped.stdout);
    // Once every writer is gone, the terminal reads what was written, then fails.
    let mut shown = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = master.read(&mut buf) {
        if n == 0 {
            break;
        }
        shown.extend_from_slice(&buf[..n]);
    }
    let shown = String::from_utf8_lossy(&shown);
    assert!(shown.contains("reading POCs"), "{shown:?}");
    assert!(shown.contains("/300"), "{shown:?}");
}

#[test]
fn a_poc_with_no_journal_entry_is_stale_from_its_day_one() {
    // A poc.yaml copied in by hand: no journal, or an empty one. Nothing
    // recorded since its start on 2026-11-16 (day 25 on 2026-12-10).
    let mut env = TestEnv::new();
    init(
        &mut env,
        "2026-11-14",
        "copied",
        "Copy",
        "dana",
        "2026-11-16",
    );
    init(
        &mut env,
        "2026-11-14",
        "emptied",
        "Empty",
        "dana",
        "2026-11-16",
    );
    init(
        &mut env,
        "2026-11-14",
        "later",
        "Later",
        "dana",
        "2026-12-20",
    );
    std::fs::remove_file(env.path().join("copied/journal.yaml")).unwrap();
    env.write("emptied/journal.yaml", "");
    env.write("later/journal.yaml", "");
    env.at(NOW);
    let run = list(&env, &["--format", "json"]);
    assert_eq!(rows(&run)["copied"]["last_activity"], Value::Null);
    assert_eq!(
        folders(&list(&env, &["--stale", "24", "--format", "json"])),
        ["copied", "emptied"]
    );
    assert_eq!(
        folders(&list(&env, &["--stale", "25", "--format", "json"])),
        Vec::<String>::new()
    );
    list(&env, &["--fail-on", "stale"]).code(1);
    // One not started yet is not stale.
    assert_eq!(
        folders(&list(&env, &["--stale", "0", "--format", "json"])),
        ["copied", "emptied"]
    );
}

#[cfg(unix)]
#[test]
fn a_folder_whose_name_is_not_utf8_is_read_as_it_is() {
    use std::os::unix::ffi::OsStrExt as _;
    let mut env = TestEnv::new();
    init(&mut env, "2026-11-14", "ok", "Okco", "dana", "2026-11-16");
    let odd = env.path().join(std::ffi::OsStr::from_bytes(b"odd\xff"));
    std::fs::rename(env.path().join("ok"), &odd).unwrap();
    env.at(NOW);
    let run = list(&env, &["--format", "json"]);
    // Shown with a replacement character, read from its real name.
    let rows = rows(run.ok());
    let row = &rows["odd\u{fffd}"];
    assert_eq!(row["prospect"], "Okco", "{row}");
    assert_eq!(row["error"], Value::Null, "{row}");
}

#[test]
fn owner_matches_in_any_case_beyond_ascii() {
    let mut env = TestEnv::new();
    init(&mut env, "2026-11-14", "z", "Zco", "Zoë Ng", "2026-11-16");
    init(&mut env, "2026-11-14", "o", "Oco", "Other", "2026-11-16");
    env.at(NOW);
    let run = list(&env, &["--owner", "ZOË  NG", "--format", "json"]);
    assert_eq!(folders(&run), ["z"]);
}
