//! The boundaries of what `poc` touches: it writes only inside the POC
//! folder and never through a link, writes `--out` only to a regular file or
//! a new path, finds its POC only where git would find a repository, never
//! waits on a FIFO or a device, never panics on text from a hand-edited
//! file, and keeps user text from driving a terminal or a markdown viewer.

use crate::common::*;

use std::path::Path;
use std::time::Duration;

/// Long enough for any run here; a run that hangs is stopped after it.
const LIMIT: Duration = Duration::from_secs(10);

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.unwrap().success(), "mkfifo {}", path.display());
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `poc ARGS` in the test folder, stopped (and failed) if it hangs.
fn run_limited(env: &TestEnv, cwd: &Path, args: &[&str]) -> Run {
    run_within(
        env.command(cwd, args),
        LIMIT,
        &format!("poc {}", args.join(" ")),
    )
}

/// Never a panic, whatever the input: exit 101 and "panicked" are bugs.
#[track_caller]
fn no_panic(run: &Run) {
    assert!(
        run.code != 101 && !run.stderr.contains("panicked"),
        "{run:#?}"
    );
}

/// A POC with SC1 met by an attached file; returns the stored path
/// (`evidence/<hash>-proof.txt`).
fn poc_with_attachment(env: &TestEnv) -> String {
    env.write("proof.txt", "12,400 events/s");
    env.poc_run(&["check", "SC1", "--attach", "proof.txt"]).ok();
    let entry = env.journal().into_iter().last().unwrap();
    entry["files"][0]["path"].as_str().unwrap().to_string()
}

// --- 1. Nothing lands outside the POC folder through a link. ---

#[test]
fn evidence_linked_outside_the_poc_is_refused_and_stays_empty() {
    let env = TestEnv::with_poc();
    let outside = env.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    symlink(&outside, env.poc().join("evidence"));
    env.write("proof.txt", "x");

    for args in [
        &["check", "SC1", "--attach", "proof.txt"][..],
        &["check", "SC1", "--run", "echo hi"],
    ] {
        let run = unchanged(&env, || env.poc_run(args));
        run.code(1)
            .stderr_has("acme/evidence: is a symbolic link to ")
            .stderr_has("never reads or writes them through a link");
    }
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}

#[test]
fn evidence_reached_through_a_link_is_never_ok() {
    let env = TestEnv::with_poc();
    let stored = poc_with_attachment(&env);
    // The same bytes, outside the POC, linked in place of the stored file.
    let outside = env.path().join("copy.txt");
    std::fs::copy(env.poc().join(&stored), &outside).unwrap();
    std::fs::remove_file(env.poc().join(&stored)).unwrap();
    symlink(&outside, env.poc().join(&stored));

    let run = env.poc_run(&["evidence", "--verify"]);
    run.code(1)
        .stdout_lacks("ok")
        .stderr_has("is reached through a symbolic link");
    let run = env.poc_run(&["validate"]);
    run.code(1).stdout_lacks("ok:").stderr_has("symbolic link");
    let json = env.poc_run(&["validate", "--format", "json"]).json();
    assert_eq!(json["errors"][0]["code"], "evidence-link", "{json:#}");
    let json = env.poc_run(&["evidence", "--verify", "--format", "json"]);
    assert_eq!(json.json()["problems"][0]["problem"], "link");

    // The whole folder linked in: the same.
    std::fs::remove_file(env.poc().join(&stored)).unwrap();
    let away = env.path().join("away");
    std::fs::rename(env.poc().join("evidence"), &away).unwrap();
    std::fs::copy(&outside, away.join(Path::new(&stored).file_name().unwrap())).unwrap();
    symlink(&away, env.poc().join("evidence"));
    env.poc_run(&["evidence", "--verify"])
        .code(1)
        .stdout_lacks("ok");
    env.poc_run(&["validate"]).code(1).stdout_lacks("ok:");
}

#[test]
fn a_debrief_linked_outside_is_neither_written_nor_backed_up() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-30T10:00:00Z");
    env.poc_run(&forced_close("loss", "x")).ok();
    let outside = env.path().join("secret.txt");
    std::fs::write(&outside, "not the POC's").unwrap();
    symlink(&outside, env.poc().join("debrief.md"));
    for force in [false, true] {
        let mut args = vec!["debrief"];
        if force {
            args.push("--force");
        }
        let run = unchanged(&env, || env.poc_run(&args));
        run.code(1)
            .stderr_has("error: acme/debrief.md: is a symbolic link to ")
            .stderr_has("secret.txt");
    }
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "not the POC's");
}

// --- 2. --out writes only a regular file or a new path. ---

#[test]
fn debrief_out_refuses_links_fifos_sockets_and_devices() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-30T10:00:00Z");
    env.poc_run(&forced_close("loss", "x")).ok();
    std::fs::write(env.path().join("target.md"), "keep me").unwrap();
    symlink("target.md", env.path().join("link.md"));
    mkfifo(&env.path().join("fifo.md"));
    let _socket = std::os::unix::net::UnixListener::bind(env.path().join("socket.md")).unwrap();
    let mut cases = vec![
        ("link.md", "a symbolic link"),
        ("fifo.md", "a FIFO"),
        ("socket.md", "a socket"),
    ];
    if is_root() {
        // A device of the test's own, never the system's /dev: without the
        // fix this node, not /dev/null, is what would be replaced.
        let made = std::process::Command::new("mknod")
            .args(["device.md", "c", "1", "3"])
            .current_dir(env.path())
            .status();
        assert!(made.unwrap().success(), "mknod");
        cases.push(("device.md", "a character device"));
    }
    for (out, kind) in cases {
        for force in [false, true] {
            let mut args = vec!["-C", "acme", "debrief", "--out", out];
            if force {
                args.push("--force");
            }
            let run = unchanged(&env, || run_limited(&env, env.path(), &args));
            run.code(1).first_err_is(&format!(
                "error: --out {out}: is {kind}, not a regular file; poc writes only to a regular file or a new path (`-` for stdout) (nothing was changed)"
            ));
        }
    }
    // `-` is stdout; a regular file is replaced with --force, and kept.
    env.poc_run(&["debrief", "--out", "-"])
        .ok()
        .stdout_has("# Debrief: Acme Corp POC");
    env.poc_run(&["debrief", "--out", "target.md", "--force"])
        .ok();
    assert!(env.read("target.md").contains("# Debrief:"));
    let backups: Vec<_> = std::fs::read_dir(env.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read_to_string(backups[0].path()).unwrap(),
        "keep me"
    );
}

// --- 3. The search for poc.yaml stops where git's does. ---

/// A POC in `shared/` (standing for /tmp) with folders below it.
fn shared_poc() -> TestEnv {
    let env = TestEnv::new();
    env.run(&["init", "shared", "--prospect", "Planted"]).ok();
    for dir in ["shared/repo/.git", "shared/repo/src", "shared/a/b/c"] {
        std::fs::create_dir_all(env.path().join(dir)).unwrap();
    }
    env
}

#[test]
fn the_search_stops_at_a_repository_root() {
    let env = shared_poc();
    let run = unchanged(&env, || env.run_at("shared/repo/src", &["note", "x"]));
    run.code(1).first_err_is(&format!(
        "error: not inside a POC: no poc.yaml here or in any parent folder (the search stops at the repository root {}); run `poc init` to start one, or pass -C DIR",
        std::fs::canonicalize(env.path().join("shared/repo"))
            .unwrap()
            .display()
    ));
    // -C searches with the same boundary.
    let run = unchanged(&env, || env.run(&["-C", "shared/repo/src", "note", "x"]));
    run.code(1)
        .stderr_has("the search stops at the repository root");
    // A POC at the repository root is found.
    env.run(&["init", "shared/repo", "--prospect", "Mine"]).ok();
    env.run_at("shared/repo/src", &["note", "x"]).ok();
}

#[test]
fn the_search_never_looks_in_or_above_a_ceiling() {
    let env = shared_poc();
    let shared = std::fs::canonicalize(env.path().join("shared")).unwrap();
    let with_ceiling = |ceilings: String, cwd: &str, args: &[&str]| {
        let mut cmd = env.command(&env.path().join(cwd), args);
        cmd.env("POC_CEILING_DIRECTORIES", ceilings);
        to_run(cmd.output().unwrap())
    };
    for ceilings in [
        shared.display().to_string(),
        shared.join("a").display().to_string(),
        format!("relative/ignored:{}:/elsewhere", shared.join("a").display()),
    ] {
        let run = unchanged(&env, || {
            with_ceiling(ceilings.clone(), "shared/a/b", &["note", "x"])
        });
        run.code(1)
            .stderr_has("not inside a POC")
            .stderr_has("POC_CEILING_DIRECTORIES");
        let run = unchanged(&env, || {
            with_ceiling(ceilings.clone(), ".", &["-C", "shared/a/b", "note", "x"])
        });
        run.code(1).stderr_has("no poc.yaml in shared/a/b");
    }
    // Started at a ceiling, nothing above it is looked in.
    let a = shared.join("a").display().to_string();
    let run = unchanged(&env, || with_ceiling(a.clone(), "shared/a", &["note", "x"]));
    run.code(1).stderr_has("not inside a POC");
    // The starting folder is always looked in; a ceiling elsewhere or
    // above the POC changes nothing.
    with_ceiling(shared.display().to_string(), "shared", &["status"]).ok();
    with_ceiling(env.path().display().to_string(), "shared/a/b", &["status"]).ok();
}

#[test]
fn a_poc_found_above_is_named_once_on_stderr_only() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T12:00:00Z");
    std::fs::create_dir_all(env.poc().join("notes/day1")).unwrap();
    let run = env.run_at("acme/notes/day1", &["validate"]);
    run.ok()
        .stdout_has("ok: ../../poc.yaml and ../../journal.yaml are valid");
    assert_eq!(run.stderr, "poc: using the POC in ../.. (acme)\n");
    let run = env.run_at("acme/notes", &["status", "--format", "json"]);
    run.ok();
    assert_eq!(run.stderr, "poc: using the POC in .. (acme)\n");
    run.json();
    // Not from the POC folder itself, and not with -C.
    assert_eq!(env.run_at("acme", &["status"]).ok().stderr, "");
    assert_eq!(
        env.run_at("acme/notes", &["-C", ".", "status"]).ok().stderr,
        ""
    );
}

#[test]
fn a_poc_owned_by_another_user_is_refused_unless_named() {
    if !is_root() {
        eprintln!("skipped: needs root to give a file to another user");
        return;
    }
    let env = shared_poc();
    std::os::unix::fs::chown(env.path().join("shared/poc.yaml"), Some(4242), None).unwrap();
    for cwd in ["shared/a/b", "shared"] {
        let run = unchanged(&env, || env.run_at(cwd, &["note", "x"]));
        run.code(1)
            .stderr_has("poc.yaml is owned by another user (uid 4242), not by you (uid 0)")
            .stderr_has("name it: poc -C ");
        assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
    }
    let run = unchanged(&env, || env.run(&["-C", "shared/a", "note", "x"]));
    run.code(1).stderr_has("uid 4242");
    // Named with -C, it is trusted.
    env.run(&["-C", "shared", "note", "x"]).ok();
    env.run_at("shared/a/b", &["-C", "../..", "status"]).ok();
}

// --- 4. Special files never hang a run. ---

#[test]
fn special_files_as_evidence_or_debrief_never_hang() {
    let mut env = TestEnv::with_poc();
    let stored = poc_with_attachment(&env);
    std::fs::remove_file(env.poc().join(&stored)).unwrap();
    mkfifo(&env.poc().join(&stored));
    let poc = env.poc();
    let run = run_limited(&env, &poc, &["evidence", "--verify"]);
    run.code(1)
        .stdout_lacks("ok")
        .stderr_has("is not a regular file; it was not read");
    let run = run_limited(&env, &poc, &["validate", "--format", "json"]);
    run.code(1);
    assert_eq!(run.json()["errors"][0]["code"], "evidence-not-a-file");
    run_limited(&env, &poc, &["validate"])
        .code(1)
        .stdout_lacks("ok:");
    for args in [&["status"][..], &["checklist"], &["evidence"]] {
        run_limited(&env, &poc, args).ok();
    }

    // A FIFO as debrief.md.
    env.at("2026-11-30T10:00:00Z");
    env.poc_run(&forced_close("loss", "x")).ok();
    mkfifo(&env.poc().join("debrief.md"));
    for args in [
        &["status"][..],
        &["checklist"],
        &["status", "--format", "json"],
    ] {
        run_limited(&env, &poc, args).ok();
    }
    run_limited(&env, &poc, &["debrief", "--force"])
        .code(1)
        .first_err_is("error: debrief.md: is a FIFO, not a regular file; poc writes only to a regular file or a new path (`-` for stdout) (nothing was changed)");
}

#[test]
fn a_fifo_or_device_attached_is_refused_without_waiting() {
    let env = TestEnv::with_poc();
    mkfifo(&env.path().join("pipe"));
    symlink("/dev/zero", env.path().join("zero"));
    for file in ["pipe", "zero"] {
        let run = unchanged(&env, || {
            run_limited(
                &env,
                env.path(),
                &["-C", "acme", "check", "SC1", "--attach", file],
            )
        });
        run.code(1).stderr_has("not a regular file");
    }
}

// --- 5. Text from a hand-edited journal never panics a command. ---

#[test]
fn a_non_ascii_sha256_never_panics() {
    let env = TestEnv::with_poc();
    let stored = poc_with_attachment(&env);
    // A second file, so its hand-edited hash is the first one checked.
    std::fs::copy(
        env.poc().join(&stored),
        env.poc().join("evidence/other.txt"),
    )
    .unwrap();
    let stored = "evidence/other.txt";
    let line = format!(
        "- {{\"at\":\"2026-11-23T10:00:00Z\",\"by\":\"lee\",\"kind\":\"check\",\"id\":\"SC2\",\"files\":[{{\"path\":\"{stored}\",\"sha256\":\"ééééééééééééééé\",\"size\":15,\"name\":\"x\"}},{{\"path\":\"evidence/gone\",\"sha256\":\"\\u001b[2Jéééééééééééééé\",\"size\":1,\"name\":\"y\"}}]}}\n"
    );
    let mut journal = env.read("acme/journal.yaml");
    journal.push_str(&line);
    env.write("acme/journal.yaml", journal);
    for args in [
        &["evidence"][..],
        &["evidence", "--verify"],
        &["evidence", "SC2"],
        &["status"],
        &["status", "--format", "markdown"],
        &["checklist"],
        &["validate"],
        &["log"],
    ] {
        let run = env.poc_run(args);
        no_panic(&run);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'),
            "{args:?}: {run:#?}"
        );
    }
    env.poc_run(&["evidence"]).ok().stdout_has("éééééééééééé");
    env.poc_run(&["evidence", "--verify"])
        .code(1)
        .stderr_has("expected ééééééééééééééé");
    env.poc_run(&["validate"])
        .ok()
        .stderr_has("warning: acme/journal.yaml:");
}

// --- 6. Markdown: no tag, image or link from user text comes alive. ---

const TAG: &str = "<img/src=x/onerror=alert(1)>";
const TRACKER: &str = "![x](https://tracker.example/p.png)";
const JS_LINK: &str = "[click](javascript:alert(1))";

/// No live tag, image or link in a markdown document (the only link poc
/// makes here is to a run's log; any other `](` not escaped is user text).
#[track_caller]
fn inert(doc: &str) {
    for live in ["<img", "<javascript:", "<https:"] {
        assert!(!doc.contains(live), "{live:?} is live in:\n{doc}");
    }
    for (at, _) in doc.match_indices("](") {
        if doc[at..].starts_with("](evidence/run-") {
            continue;
        }
        assert!(
            doc[..at].ends_with('\\'),
            "a live link at byte {at} in:\n{doc}"
        );
    }
    assert!(!doc.contains("!["), "a live image in:\n{doc}");
}

#[test]
fn markdown_documents_neutralise_tags_images_and_links() {
    let mut env = TestEnv::with_poc();
    env.edit(
        "acme/poc.yaml",
        "{id: kickoff, title: Kickoff call held with the customer team}",
        &format!("{{id: kickoff, title: \"Kickoff {TAG} {TRACKER}\"}}"),
    );
    env.edit(
        "acme/poc.yaml",
        "title: Solution deployed in the customer environment",
        &format!("title: \"{JS_LINK} <javascript:alert(1)>\""),
    );
    env.edit(
        "acme/poc.yaml",
        "owner: \"dana\"",
        &format!("owner: \"{TRACKER}\""),
    );
    env.poc_run(&["validate"]).ok();
    env.poc_run(&["check", "kickoff", "--evidence", TRACKER, "--note", JS_LINK])
        .ok();
    env.poc_run(&["check", "SC1", "--evidence", &format!("{JS_LINK} {TAG}")])
        .ok();
    env.poc_run(&[
        "blocker",
        &format!("{TRACKER} {JS_LINK} <javascript:alert(1)>"),
    ])
    .ok();
    env.poc_run(&["park", JS_LINK]).ok();
    env.poc_run(&[
        "check",
        "SC2",
        "--run",
        &format!("echo '{TAG} {JS_LINK}' `true`"),
    ])
    .ok();
    env.poc_run(&["note", TRACKER]).ok();

    let checklist = env.poc_run(&["checklist"]).ok().stdout.clone();
    inert(&checklist);
    assert!(
        checklist.contains("&lt;img/src=x/onerror=alert(1)>"),
        "{checklist}"
    );
    inert(&env.poc_run(&["status", "--format", "markdown"]).ok().stdout);
    env.at("2026-11-30T10:00:00Z");
    let debrief = env.close_and_debrief("loss", &format!("{JS_LINK} {TRACKER} {TAG}"));
    inert(&debrief);
    assert!(
        debrief.contains("\\[click\\](javascript:alert(1))"),
        "{debrief}"
    );
    // Ordinary text stays readable.
    assert!(checklist.contains("`scope-approved`"), "{checklist}");
}

// --- 7. Terminal: no escape or reordering control from a file. ---

#[test]
fn bidi_controls_and_escapes_never_reach_the_terminal() {
    let env = TestEnv::with_poc();
    let hostile = "Ac\u{200e}me\u{200f} \u{61c}Corp\u{202e}\u{2066}\u{1b}[2J\u{9b}31m";
    let escaped = hostile.replace('\u{1b}', "\\e").replace('\u{9b}', "\\x9b");
    env.edit(
        "acme/poc.yaml",
        "name: \"Acme Corp POC\"",
        &format!("name: \"{escaped}\""),
    );
    env.poc_run(&["validate"]).ok();
    env.poc_run(&["blocker", hostile]).ok();
    env.poc_run(&["note", hostile]).ok();
    for args in [
        &["status"][..],
        &["status", "--format", "json"],
        &["status", "--format", "markdown"],
        &["log"],
        &["log", "--format", "json"],
        &["checklist"],
        &["evidence"],
        &["validate"],
        &["advance"],
        &["blocker", "--resolve", "b1", "--note", "done"],
    ] {
        let run = env.poc_run(args);
        no_panic(&run);
        for c in [
            '\u{200e}', '\u{200f}', '\u{61c}', '\u{202e}', '\u{2066}', '\u{1b}', '\u{9b}',
        ] {
            assert!(
                !run.stdout.contains(c) && !run.stderr.contains(c),
                "{args:?} printed {c:?}: {run:#?}"
            );
        }
    }
}

// --- 9. The debrief's front matter is valid YAML for any prospect. ---

#[test]
fn the_debrief_front_matter_reads_back_whatever_the_prospect() {
    let mut env = TestEnv::new();
    let prospect = "Acme\u{7f}\u{80}\u{85}\u{9f} \u{2028}\u{2029}\u{feff}\"Corp\"\\ é";
    env.run(&[
        "init",
        "acme",
        "--prospect",
        prospect,
        "--start",
        "2026-11-23",
    ])
    .ok();
    env.at("2026-11-30T10:00:00Z");
    let debrief = env.close_and_debrief("loss", "x");
    let front = debrief
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(front, _)| front)
        .unwrap_or_else(|| panic!("no front matter:\n{debrief}"));
    let tags: std::collections::BTreeMap<String, serde_json::Value> =
        serde_saphyr::from_str(front).unwrap_or_else(|e| panic!("{e}\n{front:?}"));
    assert_eq!(tags["prospect"], prospect, "{front:?}");
}

// --- 10. init checks everything before it writes anything. ---

#[test]
fn init_over_a_broken_journal_link_writes_nothing_and_a_retry_works() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("acme")).unwrap();
    symlink("elsewhere.yaml", env.path().join("acme/journal.yaml"));
    let run = unchanged(&env, || {
        env.run(&["init", "acme", "--prospect", "Acme Corp"])
    });
    run.code(1).first_err_is(
        "error: acme/journal.yaml already exists (as a symbolic link); refusing to overwrite a POC (nothing was changed)",
    );
    assert!(!env.path().join("acme/elsewhere.yaml").exists());

    // A .gitattributes init cannot add to is found before writing too.
    std::fs::remove_file(env.path().join("acme/journal.yaml")).unwrap();
    mkfifo(&env.path().join("acme/.gitattributes"));
    let run = unchanged(&env, || {
        run_limited(
            &env,
            env.path(),
            &["init", "acme", "--prospect", "Acme Corp"],
        )
    });
    run.code(1).first_err_is(
        "error: acme/.gitattributes: is a FIFO, not a regular file; init adds a line to it, so make it a regular file or remove it (nothing was changed)",
    );
    std::fs::remove_file(env.path().join("acme/.gitattributes")).unwrap();
    env.run(&["init", "acme", "--prospect", "Acme Corp"]).ok();
    env.run(&["-C", "acme", "validate"]).ok();
}

#[test]
fn evidence_grown_huge_is_read_no_further_than_its_recorded_size() {
    let env = TestEnv::with_poc();
    let stored = poc_with_attachment(&env);
    // 16 GiB, sparse: hashing it all would take minutes.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(env.poc().join(&stored))
        .unwrap();
    file.set_len(16 << 30).unwrap();
    let poc = env.poc();
    run_limited(&env, &poc, &["evidence", "--verify"])
        .code(1)
        .stderr_has("changed since it was recorded: it is larger than the size recorded");
    run_limited(&env, &poc, &["validate"])
        .ok()
        .stderr_has("larger than the size recorded");
    let json = run_limited(&env, &poc, &["validate", "--format", "json"]).json();
    assert_eq!(json["warnings"][0]["code"], "evidence-changed", "{json:#}");
}
