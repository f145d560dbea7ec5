//! Crashes (issue 3): `poc check`, `poc note` and `poc advance` killed with
//! SIGKILL at random moments lose nothing that was acknowledged, leave at
//! most a torn last line that the next write drops, and no temporary files.

use crate::common::*;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A small deterministic PRNG (splitmix64), seeded per worker.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The lines of the journal that end with a newline, and whether a partial
/// line follows them.
fn complete_lines(journal: &[u8]) -> (Vec<String>, bool) {
    let text = String::from_utf8_lossy(journal);
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    let partial = lines.last().is_some_and(|l| !l.ends_with('\n'));
    if partial {
        lines.pop();
    }
    (lines, partial)
}

/// Every complete line is the header, or `- ` and one JSON object.
#[track_caller]
fn assert_lines_valid(lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        if i == 0 && line.starts_with("# ") {
            continue;
        }
        let json = line
            .strip_prefix("- ")
            .unwrap_or_else(|| panic!("line {}: {line:?}", i + 1));
        let value: serde_json::Value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("line {}: {e}: {line:?}", i + 1));
        assert!(value["kind"].is_string(), "line {}: {line:?}", i + 1);
    }
}

/// The unique text each command carries (note text, check note, advance or
/// reopen reason), from every complete entry.
fn tokens(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            ["text", "note", "reason"]
                .iter()
                .find_map(|k| v[*k].as_str().map(String::from))
        })
        .collect()
}

fn journal_bytes(env: &TestEnv) -> Vec<u8> {
    std::fs::read(env.poc().join("journal.yaml")).unwrap()
}

/// What a worker saw.
#[derive(Default)]
struct Tally {
    /// Tokens of the commands that exited 0.
    acknowledged: Vec<String>,
    killed: usize,
    completed: usize,
}

/// How long an unkilled `poc note` takes here, to spread the kills over a
/// command's whole life on a fast or a slow machine.
fn typical_run(env: &TestEnv) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|i| {
            let start = Instant::now();
            env.poc_run(&["note", &format!("calibration {i}")]).ok();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

/// Runs `iterations` commands on the POC in `env`, killing each after a
/// random delay of up to `max_delay`, and checks after each one that no
/// complete line was lost or changed.
fn worker(env: &TestEnv, seed: u64, iterations: usize, max_delay: Duration) -> Tally {
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    let mut seen = complete_lines(&journal_bytes(env)).0;
    for i in 0..iterations {
        let token = format!("w{seed}-i{i}");
        let args: Vec<String> = match rng.below(10) {
            0..=3 => vec!["note".into(), token.clone()],
            4..=7 => vec![
                "check".into(),
                STANDARD_IDS[rng.below(STANDARD_IDS.len() as u64) as usize].into(),
                "--note".into(),
                token.clone(),
            ],
            _ => vec![
                "advance".into(),
                "--force".into(),
                "--reason".into(),
                token.clone(),
            ],
        };
        let mut full = vec!["-C", "acme"];
        full.extend(args.iter().map(String::as_str));
        let mut child = env
            .command(env.path(), &full)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let delay = Duration::from_micros(rng.below(max_delay.as_micros() as u64 + 1));
        let deadline = Instant::now() + delay;
        while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => {
                tally.completed += 1;
                tally.acknowledged.push(token.clone());
            }
            Some(code) => {
                tally.completed += 1;
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    code == 1 && stderr.contains("signoff is the last phase"),
                    "poc {}: exit {code}\n{stderr}",
                    args.join(" ")
                );
                // Start the phases over, unkilled, so advance keeps moving.
                let reason = format!("{token}-reopen");
                let run = env.poc_run(&["reopen", "setup", "--reason", &reason]);
                if run.code == 0 {
                    tally.acknowledged.push(reason);
                }
            }
            None => tally.killed += 1,
        }
        let (now, _) = complete_lines(&journal_bytes(env));
        assert!(
            now.len() >= seen.len() && now[..seen.len()] == seen[..],
            "a complete line was lost or changed after `poc {}`",
            args.join(" ")
        );
        assert_lines_valid(&now);
        seen = now;
    }
    tally
}

fn leftover_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "poc.yaml" | "poc.schema.json" | "journal.yaml" | ".gitattributes"
            )
        })
        .collect();
    names.sort();
    names
}

#[test]
fn commands_killed_at_random_moments_lose_nothing_acknowledged() {
    let _alone = alone();
    // Two POCs with two workers each: kills land while another process
    // holds or waits for the journal lock too.
    const WORKERS_PER_POC: u64 = 2;
    const ITERATIONS: usize = 60;
    let envs = [TestEnv::with_poc(), TestEnv::with_poc()];
    let max_delay = typical_run(&envs[0]) * 3;
    let started = Instant::now();
    let tallies: Vec<(usize, Tally)> = std::thread::scope(|s| {
        let handles: Vec<_> = envs
            .iter()
            .enumerate()
            .flat_map(|(p, env)| {
                (0..WORKERS_PER_POC).map(move |w| {
                    let seed = p as u64 * WORKERS_PER_POC + w + 1;
                    (p, s.spawn(move || worker(env, seed, ITERATIONS, max_delay)))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|(p, h)| (p, h.join().unwrap()))
            .collect()
    });
    let killed: usize = tallies.iter().map(|(_, t)| t.killed).sum();
    let completed: usize = tallies.iter().map(|(_, t)| t.completed).sum();
    eprintln!(
        "{} runs in {:?}: {killed} killed, {completed} completed (kill delays up to {max_delay:?})",
        killed + completed,
        started.elapsed()
    );
    assert!(killed + completed >= 200);
    assert!(
        killed >= 10 && completed >= 10,
        "kills should land both before and after commands finish"
    );

    for (p, env) in envs.iter().enumerate() {
        let bytes = journal_bytes(env);
        let (lines, torn) = complete_lines(&bytes);
        let found = tokens(&lines);
        let unique: BTreeSet<&String> = found.iter().collect();
        assert_eq!(unique.len(), found.len(), "an entry was written twice");
        for (_, tally) in tallies.iter().filter(|(q, _)| *q == p) {
            for token in &tally.acknowledged {
                assert!(
                    unique.contains(token),
                    "`{token}` exited 0 but is not in the journal"
                );
            }
        }

        // At most one torn last line, and no other problem.
        let run = env.poc_run(&["validate"]);
        run.ok();
        let warnings: Vec<&str> = run.stderr.lines().collect();
        if torn {
            assert_eq!(
                warnings,
                [format!(
                    "warning: acme/journal.yaml:{}: torn last line left by an interrupted write; it is ignored and the next write drops it",
                    lines.len() + 1
                )],
                "{run:#?}"
            );
        } else {
            assert!(warnings.is_empty(), "{run:#?}");
        }

        // The next write drops the torn line and keeps everything before.
        env.poc_run(&["note", "after the crashes"]).ok();
        let (after, partial) = complete_lines(&journal_bytes(env));
        assert!(!partial);
        assert_eq!(after[..lines.len()], lines[..]);
        assert_eq!(after.len(), lines.len() + 1);
        assert!(after[lines.len()].contains("after the crashes"));
        env.poc_run(&["validate"]).ok().stdout_has("(0 warnings)");

        assert_eq!(leftover_files(&env.poc()), Vec::<String>::new());
    }
}

const TORN: &str =
    "- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"note\",\"text\":\"sec";

/// A torn line made on purpose: reported by `validate`, ignored by readers,
/// dropped by the next write with every earlier entry kept. Also on a
/// journal long enough (over 1 MiB) to be parsed in two halves.
#[test]
fn a_torn_last_line_is_reported_ignored_and_dropped_by_the_next_write() {
    for (case, tail, padding) in [
        ("cut mid-entry", TORN.as_bytes().to_vec(), 0),
        // Cut inside a two-byte character: not even valid UTF-8.
        (
            "cut mid-character",
            [TORN.as_bytes(), b"Zo\xc3"].concat(),
            0,
        ),
        ("long journal", TORN.as_bytes().to_vec(), 12_000),
        (
            "long journal cut mid-character",
            [TORN.as_bytes(), b"Zo\xc3"].concat(),
            12_000,
        ),
    ] {
        let env = TestEnv::with_poc();
        env.poc_run(&["note", "first"]).ok();
        env.poc_run(&["check", "SC1", "--evidence", "12,400 events/s"])
            .ok();
        let mut intact = journal_bytes(&env);
        // Notes with an escape and non-ASCII text, as an SE writes them.
        let note = |i: usize| format!("call {i}: \"p95\" ≤ 200 ms on the Zoë cluster");
        for i in 0..padding {
            let entry = serde_json::json!({
                "at": "2026-11-23T09:00:00Z", "by": "lee", "kind": "note", "text": note(i),
            });
            intact.extend_from_slice(format!("- {entry}\n").as_bytes());
        }
        assert!(padding == 0 || intact.len() > 1024 * 1024, "{case}");
        let torn_line = 5 + padding;
        let mut torn = intact.clone();
        torn.extend_from_slice(&tail);
        env.write("acme/journal.yaml", &torn);

        let run = unchanged(&env, || env.poc_run(&["validate"]));
        run.ok().stdout_has("are valid (1 warning)");
        assert_eq!(
            run.stderr,
            format!(
                "warning: acme/journal.yaml:{torn_line}: torn last line left by an interrupted write; it is ignored and the next write drops it\n"
            ),
            "{case}"
        );
        // Readers ignore it, and read every other entry whole.
        let log = unchanged(&env, || env.poc_run(&["log", "--format", "json"]));
        let entries = log.ok().json()["entries"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 3 + padding, "{case}");
        for i in (0..padding).step_by(997) {
            assert_eq!(entries[3 + i]["text"], note(i), "{case}");
        }
        unchanged(&env, || env.poc_run(&["status"]))
            .ok()
            .stdout_has("1 met");

        env.poc_run(&["note", "third"]).ok().stderr_has(&format!(
            "warning: acme/journal.yaml:{torn_line}: dropped a torn last line left by an interrupted write"
        ));
        let after = journal_bytes(&env);
        assert!(
            after.starts_with(&intact),
            "{case}: an earlier entry changed"
        );
        let (lines, partial) = complete_lines(&after[intact.len()..]);
        assert!(!partial, "{case}");
        assert_eq!(lines.len(), 1, "{case}: {lines:?}");
        assert!(lines[0].contains("\"text\":\"third\""), "{case}");
        env.poc_run(&["validate"]).ok().stdout_has("(0 warnings)");
        assert_eq!(
            env.poc_run(&["log", "--format", "json"]).json()["entries"]
                .as_array()
                .unwrap()
                .len(),
            4 + padding
        );
    }
}

/// A complete last entry without its newline (a person's edit) is kept, and
/// the next write adds the newline before its own entry.
#[test]
fn a_complete_last_line_without_newline_is_kept_and_repaired() {
    let env = TestEnv::with_poc();
    env.poc_run(&["note", "first"]).ok();
    let mut bytes = journal_bytes(&env);
    assert_eq!(bytes.pop(), Some(b'\n'));
    env.write("acme/journal.yaml", &bytes);
    unchanged(&env, || env.poc_run(&["validate"]))
        .ok()
        .stdout_has("(0 warnings)");
    env.poc_run(&["note", "second"]).ok();
    let after = journal_bytes(&env);
    assert!(after.starts_with(&bytes));
    assert_eq!(after[bytes.len()], b'\n');
    let (lines, partial) = complete_lines(&after);
    assert!(!partial);
    assert_lines_valid(&lines);
    assert_eq!(tokens(&lines), ["first", "second"]);
}
