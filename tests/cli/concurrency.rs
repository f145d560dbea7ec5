//! Concurrent runs (issue 3): 8 processes × 50 `poc note`/`poc check` on one
//! POC at the same time lose nothing, interleave nothing, and derive the
//! state a serial run of the same commands gives.

use crate::common::*;

use std::collections::BTreeMap;

const PROCESSES: usize = 8;
const COMMANDS: usize = 50;

/// Command `i` of process `p`: notes carry a unique text; checks are
/// idempotent, so their order does not change the derived state.
fn command(p: usize, i: usize) -> Vec<String> {
    if i.is_multiple_of(2) {
        vec!["note".into(), format!("p{p}-n{i}")]
    } else {
        vec![
            "check".into(),
            STANDARD_IDS[(p * 7 + i) % STANDARD_IDS.len()].into(),
        ]
    }
}

fn run(env: &TestEnv, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.poc_run(&args).ok();
}

/// The derived state, with any list of notes sorted: notes only differ in
/// the order the processes happened to append them, all at the same instant.
fn derived_state(env: &TestEnv) -> serde_json::Value {
    let mut status = env.poc_run(&["status", "--format", "json"]).ok().json();
    if let Some(notes) = status["notes"].as_array_mut() {
        notes.sort_by_key(|n| n["text"].as_str().unwrap_or_default().to_string());
    }
    status
}

#[test]
fn eight_processes_appending_at_once_lose_nothing() {
    let _alone = alone();
    let concurrent = TestEnv::with_poc();
    let serial = TestEnv::with_poc();
    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        // The serial run, on its own POC, alongside.
        s.spawn(|| {
            for p in 0..PROCESSES {
                for i in 0..COMMANDS {
                    run(&serial, &command(p, i));
                }
            }
        });
        for p in 0..PROCESSES {
            let env = &concurrent;
            s.spawn(move || {
                for i in 0..COMMANDS {
                    run(env, &command(p, i));
                }
            });
        }
    });
    eprintln!(
        "{} commands ({} concurrent, {} serial) in {:?}",
        2 * PROCESSES * COMMANDS,
        PROCESSES * COMMANDS,
        PROCESSES * COMMANDS,
        start.elapsed()
    );

    // Every line whole: the header, then one JSON entry per line.
    let journal = concurrent.read("acme/journal.yaml");
    assert!(journal.ends_with('\n'));
    let mut lines = journal.lines();
    assert!(lines.next().unwrap().starts_with("# poc journal"));
    let entries: Vec<serde_json::Value> = lines
        .map(|line| {
            let json = line
                .strip_prefix("- ")
                .unwrap_or_else(|| panic!("not an entry line: {line:?}"));
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {line:?}"))
        })
        .collect();
    assert_eq!(entries.len(), 1 + PROCESSES * COMMANDS);
    assert_eq!(entries[0]["kind"], "init");

    // Exactly the commands that ran, each once.
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for p in 0..PROCESSES {
        for i in 0..COMMANDS {
            let c = command(p, i);
            *expected.entry((c[0].clone(), c[1].clone())).or_default() += 1;
        }
    }
    let mut found: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in &entries[1..] {
        let kind = e["kind"].as_str().unwrap().to_string();
        let key = match kind.as_str() {
            "note" => e["text"].as_str(),
            "check" => e["id"].as_str(),
            other => panic!("unexpected entry kind {other}: {e}"),
        };
        *found.entry((kind, key.unwrap().into())).or_default() += 1;
    }
    assert_eq!(found, expected);

    concurrent
        .poc_run(&["validate"])
        .ok()
        .stdout_has("(0 warnings)");
    assert_eq!(derived_state(&concurrent), derived_state(&serial));
}

/// A reading command lets go of the journal once it has read it: a command
/// run by `check --run` can itself record to the same POC, and the check is
/// recorded after it. On a journal over 1 MiB too, where reading differs.
#[test]
fn a_command_run_by_check_can_record_to_the_same_poc() {
    let _alone = alone();
    for padding in [0, 12_000] {
        let env = TestEnv::with_poc();
        let mut journal = env.read("acme/journal.yaml");
        for i in 0..padding {
            journal.push_str(&format!(
                "- {{\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"lee\",\"kind\":\"note\",\"text\":\"padding note number {i} of a long POC, long enough\"}}\n"
            ));
        }
        assert!(padding == 0 || journal.len() > 1024 * 1024);
        env.write("acme/journal.yaml", &journal);

        let inner = format!("'{BIN}' note 'from inside the run'");
        let run = run_within(
            env.command(&env.poc(), &["check", "SC1", "--run", &inner]),
            std::time::Duration::from_secs(30),
            &format!("check --run, {padding} padding entries"),
        );
        run.ok();

        let entries = env.journal();
        assert_eq!(entries.len(), 2 + padding + 1, "padding {padding}");
        let inner_note = &entries[1 + padding];
        assert_eq!(inner_note["kind"], "note");
        assert_eq!(inner_note["text"], "from inside the run");
        let check = &entries[2 + padding];
        assert_eq!(check["kind"], "check");
        assert_eq!(check["id"], "SC1");
    }
}

/// With the real clock (no `POC_NOW`), runs that waited for the lock still
/// append in time order: each entry's time is read once the lock is held.
#[test]
fn concurrent_runs_on_the_real_clock_append_in_time_order() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    std::thread::scope(|s| {
        for p in 0..PROCESSES {
            let env = &env;
            s.spawn(move || {
                for i in 0..10 {
                    let mut cmd = env.command(&env.poc(), &["note", &format!("p{p}-n{i}")]);
                    cmd.env_remove("POC_NOW");
                    to_run(cmd.output().unwrap()).ok();
                }
            });
        }
    });
    let times: Vec<String> = env.journal()[1..]
        .iter()
        .map(|e| e["at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(times.len(), PROCESSES * 10);
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "entries out of time order");
    let mut validate = env.command(&env.poc(), &["validate"]);
    validate.env_remove("POC_NOW");
    to_run(validate.output().unwrap())
        .ok()
        .stdout_has("(0 warnings)");
}

/// git checkout and pull replace journal.yaml with a new file. A run that
/// was waiting for the lock on the old one appends to the new one, so its
/// entry is not lost with the old file.
#[cfg(unix)]
#[test]
fn a_run_waiting_while_git_replaces_the_journal_writes_to_the_new_one() {
    let env = TestEnv::with_poc();
    let path = env.poc().join("journal.yaml");
    let old = std::fs::File::open(&path).unwrap();
    old.lock().unwrap();
    let waiting = env
        .command(&env.poc(), &["note", "written while waiting"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for the run to be blocked on the lock.
    std::thread::sleep(std::time::Duration::from_millis(500));
    // What a pull does: a new file with the teammate's entry, renamed over.
    let mut pulled = env.read("acme/journal.yaml");
    pulled.push_str(
        "- {\"at\":\"2026-11-23T08:00:00Z\",\"by\":\"lee\",\"kind\":\"note\",\"text\":\"from the teammate\"}\n",
    );
    let incoming = env.poc().join(".journal.yaml.incoming");
    std::fs::write(&incoming, &pulled).unwrap();
    std::fs::rename(&incoming, &path).unwrap();
    drop(old);

    to_run(waiting.wait_with_output().unwrap()).ok();
    let texts: Vec<String> = env
        .journal()
        .iter()
        .filter_map(|e| e["text"].as_str().map(String::from))
        .collect();
    assert_eq!(texts, ["from the teammate", "written while waiting"]);
}
