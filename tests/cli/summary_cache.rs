//! The summary cache behind `poc list`: kept in each POC's `.poc-cache/`,
//! used only while the files it summarises are unchanged, never needed.

use std::time::Duration;

use serde_json::Value;

use crate::common::TestEnv;

const NOW: &str = "2026-12-10T12:00:00Z";

/// Two POCs, one closed with its debrief written, old enough (by the
/// system clock) for their summaries to be kept.
fn settled_tree() -> TestEnv {
    let mut env = TestEnv::new();
    for (folder, prospect) in [("open", "Opal"), ("won", "Wonder")] {
        env.at("2026-11-14");
        env.run(&[
            "init",
            folder,
            "--prospect",
            prospect,
            "--start",
            "2026-11-16",
        ])
        .ok();
    }
    env.at("2026-11-20T10:00:00Z");
    env.run(&[
        "-C",
        "won",
        "close",
        "--outcome",
        "win",
        "--force",
        "--reason",
        "t",
    ])
    .ok();
    env.run(&["-C", "won", "debrief"]).ok();
    // Files younger than two seconds are never cached (their times could
    // miss a second write within the same tick).
    std::thread::sleep(Duration::from_millis(2100));
    env.at(NOW);
    env
}

fn listed(env: &TestEnv, args: &[&str]) -> Vec<Value> {
    let mut full = vec!["list", "--format", "json"];
    full.extend_from_slice(args);
    let run = env.run(&full);
    run.ok();
    assert_eq!(run.stderr, "", "{run:#?}");
    (run.stdout.lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn field<'a>(rows: &'a [Value], folder: &str, key: &str) -> &'a Value {
    &rows.iter().find(|r| r["folder"] == folder).unwrap()[key]
}

#[test]
fn a_cached_list_is_the_list_read_afresh_and_stays_out_of_git() {
    let env = settled_tree();
    let fresh = listed(&env, &["--no-cache"]);
    assert!(
        !env.path().join("open/.poc-cache").exists(),
        "--no-cache wrote a cache"
    );
    let first = listed(&env, &[]);
    assert_eq!(first, fresh);
    for folder in ["open", "won"] {
        let cache = env.path().join(folder).join(".poc-cache");
        assert!(
            cache.join("summary.json").is_file(),
            "{folder} has no cache"
        );
        let ignore = std::fs::read_to_string(cache.join(".gitignore")).unwrap();
        assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    }
    assert_eq!(listed(&env, &[]), fresh);
    assert_eq!(field(&fresh, "won", "debrief"), "written");
    if crate::common::have("git", crate::common::runs("git"), "the git-ignore check") {
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(args)
                .current_dir(env.path())
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        git(&["init", "-q"]);
        let status = git(&["status", "--porcelain", "--untracked-files=all"]);
        assert!(!status.contains(".poc-cache"), "{status}");
        assert!(status.contains("open/poc.yaml"), "{status}");
    }
}

#[test]
fn the_cache_is_used_until_a_file_it_summarises_changes() {
    let env = settled_tree();
    listed(&env, &[]);
    // Proof the cache is read: a summary edited by hand is what is listed…
    let path = "open/.poc-cache/summary.json";
    env.edit(
        path,
        "\"prospect\":\"Opal\"",
        "\"prospect\":\"From the cache\"",
    );
    assert_eq!(
        field(&listed(&env, &[]), "open", "prospect"),
        "From the cache"
    );
    // …but never with --no-cache,
    assert_eq!(
        field(&listed(&env, &["--no-cache"]), "open", "prospect"),
        "Opal"
    );
    // and not once poc.yaml changed.
    env.edit("open/poc.yaml", "prospect: \"Opal\"", "prospect: Opaline");
    assert_eq!(field(&listed(&env, &[]), "open", "prospect"), "Opaline");
}

#[test]
fn a_new_journal_entry_or_debrief_is_seen_at_once() {
    let env = settled_tree();
    let before = listed(&env, &[]);
    assert_eq!(
        field(&before, "open", "last_activity"),
        "2026-11-14T00:00:00Z"
    );
    env.run(&["-C", "open", "note", "spoke to the CISO"]).ok();
    let after = listed(&env, &[]);
    assert_eq!(
        field(&after, "open", "last_activity"),
        "2026-12-10T12:00:00Z"
    );
    std::fs::remove_file(env.path().join("won/debrief.md")).unwrap();
    assert_eq!(field(&listed(&env, &[]), "won", "debrief"), "overdue");
}

#[test]
fn a_corrupt_or_linked_cache_is_read_past_and_never_written_through() {
    let env = settled_tree();
    let fresh = listed(&env, &["--no-cache"]);
    env.write("open/.poc-cache/summary.json", "{ not json");
    // A cache folder that is a link (committed to a repository, say) is
    // neither read nor written through.
    let elsewhere = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(elsewhere.path(), env.path().join("won/.poc-cache")).unwrap();
    assert_eq!(listed(&env, &[]), fresh);
    assert_eq!(listed(&env, &[]), fresh);
    let written: Vec<_> = std::fs::read_dir(elsewhere.path()).unwrap().collect();
    assert!(written.is_empty(), "wrote through the link: {written:?}");
}

/// Sets `rel`'s modification time back to what it was before `edit`.
fn keeping_mtime(env: &TestEnv, rel: &str, edit: impl FnOnce()) {
    let path = env.path().join(rel);
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    edit();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(before).unwrap();
}

#[test]
fn a_same_size_edit_with_its_old_time_restored_is_still_seen() {
    let env = settled_tree();
    listed(&env, &[]);
    keeping_mtime(&env, "open/poc.yaml", || {
        env.edit("open/poc.yaml", "prospect: \"Opal\"", "prospect: \"Opel\"");
    });
    assert_eq!(field(&listed(&env, &[]), "open", "prospect"), "Opel");
}

#[test]
fn a_summary_from_another_build_or_of_fresh_files_is_not_used() {
    let env = settled_tree();
    listed(&env, &[]);
    let path = "open/.poc-cache/summary.json";
    env.edit(
        path,
        "\"prospect\":\"Opal\"",
        "\"prospect\":\"From the cache\"",
    );
    env.edit(path, "\"build\":\"", "\"build\":\"another-");
    assert_eq!(field(&listed(&env, &[]), "open", "prospect"), "Opal");
    // A POC made a moment ago is read, not cached: its files could still
    // change within the same timestamp tick.
    env.run(&[
        "init",
        "fresh",
        "--prospect",
        "Fresh",
        "--start",
        "2026-11-16",
    ])
    .ok();
    listed(&env, &[]);
    assert!(!env.path().join("fresh/.poc-cache").exists());
}

#[cfg(unix)]
#[test]
fn a_poc_whose_scope_is_a_link_is_always_read_afresh() {
    let env = settled_tree();
    std::fs::rename(
        env.path().join("open/poc.yaml"),
        env.path().join("shared.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../shared.yaml", env.path().join("open/poc.yaml")).unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(field(&listed(&env, &[]), "open", "prospect"), "Opal");
    env.edit("shared.yaml", "prospect: \"Opal\"", "prospect: \"Opel\"");
    assert_eq!(field(&listed(&env, &[]), "open", "prospect"), "Opel");
    assert!(!env.path().join("open/.poc-cache/summary.json").exists());
}

#[test]
fn a_debrief_written_after_the_summary_is_seen() {
    let env = settled_tree();
    std::fs::remove_file(env.path().join("won/debrief.md")).unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(field(&listed(&env, &[]), "won", "debrief"), "overdue");
    assert!(env.path().join("won/.poc-cache/summary.json").exists());
    env.run(&["-C", "won", "debrief"]).ok();
    assert_eq!(field(&listed(&env, &[]), "won", "debrief"), "written");
}
