//! Hostile and broken input (issue 3): a corpus of broken or odd scope and
//! journal files, each with the message it must produce; big inputs generated
//! here; files over the size caps; and user text that must not escape into
//! the terminal or break a markdown table.
//!
//! For every case: the exit code, a first stderr line naming the file (with
//! line:col where known) and what is wrong, nothing written, and each run
//! done within 1 s and 100 MB (peak memory is measured with GNU time when
//! `/usr/bin/time` is installed).

use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The clock for every case: two days after the POC started.
const NOW: &str = "2026-11-25T12:00:00Z";
const WALL_LIMIT: Duration = Duration::from_secs(1);
const RSS_LIMIT_KIB: u64 = 100 * 1024;
const MIB: usize = 1024 * 1024;

const JOURNAL_HEADER: &str = "# poc journal: one entry per line, appended by poc and never rewritten. Record with poc commands; see `poc log`.\n";
const INIT_LINE: &str = "- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"init\",\"template\":\"standard@1\"}\n";

fn corpus_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind)
}

/// The scope every corpus case breaks one thing in.
fn base_scope() -> String {
    std::fs::read_to_string(corpus_dir("scope").join("00-ok-base.yaml")).unwrap()
}

fn base_journal() -> String {
    format!("{JOURNAL_HEADER}{INIT_LINE}")
}

/// What a case must produce from `poc validate`.
#[derive(Debug)]
struct Expect {
    exit: i32,
    /// The first line of stderr; empty means nothing on stderr.
    stderr: String,
    /// The first line of stdout, when given.
    stdout: Option<String>,
}

impl Expect {
    fn error(stderr: impl Into<String>) -> Expect {
        Expect {
            exit: 1,
            stderr: stderr.into(),
            stdout: None,
        }
    }

    fn ok() -> Expect {
        Expect {
            exit: 0,
            stderr: String::new(),
            stdout: Some("ok: poc.yaml and journal.yaml are valid (0 warnings)".into()),
        }
    }

    /// Parses a `.expect` file: `exit: N`, `stderr: LINE`, optional
    /// `stdout: LINE`; `#` lines are comments.
    fn parse(text: &str, file: &Path) -> Expect {
        let mut fields = BTreeMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (key, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("{}: bad line {line:?}", file.display()));
            fields.insert(key.trim(), value.strip_prefix(' ').unwrap_or(value));
        }
        let field = |k: &str| {
            fields
                .get(k)
                .map(|v| v.to_string())
                .unwrap_or_else(|| panic!("{}: no `{k}:` line", file.display()))
        };
        Expect {
            exit: field("exit").parse().unwrap(),
            stderr: field("stderr"),
            stdout: fields.get("stdout").map(|v| v.to_string()),
        }
    }
}

/// Runs `poc ARGS` inside the POC folder (so messages name `poc.yaml`),
/// asserting the time and memory guards.
fn guarded(env: &TestEnv, case: &str, args: &[&str]) -> Run {
    let m = env.run_measured(&env.poc(), args);
    assert!(
        m.wall < WALL_LIMIT,
        "{case}: `poc {}` took {:?}\n{:#?}",
        args.join(" "),
        m.wall,
        m.run
    );
    if let Some(kib) = m.max_rss_kib {
        assert!(
            kib < RSS_LIMIT_KIB,
            "{case}: `poc {}` peaked at {kib} KiB",
            args.join(" ")
        );
    }
    m.run
}

/// A POC in `acme/` holding exactly `scope` and `journal`.
fn set_files(env: &TestEnv, scope: &[u8], journal: &[u8]) {
    env.write("acme/poc.yaml", scope);
    env.write("acme/journal.yaml", journal);
}

/// `poc validate` gives the expected exit code and first lines. On an error,
/// reading (`status`) and writing (`note`, `check`) commands refuse with the
/// same first line. Either way nothing is written. A valid input then takes
/// a write, and validates clean afterwards.
fn check_case(env: &TestEnv, case: &str, expect: &Expect) {
    unchanged(env, || {
        let run = guarded(env, case, &["validate"]);
        assert_eq!(
            (run.code, run.first_err_line()),
            (expect.exit, expect.stderr.as_str()),
            "{case}: poc validate\n{run:#?}"
        );
        if let Some(stdout) = &expect.stdout {
            assert_eq!(
                run.stdout.lines().next().unwrap_or_default(),
                stdout,
                "{case}: poc validate\n{run:#?}"
            );
        }
        if expect.exit == 0 {
            guarded(env, case, &["status"]).ok();
            guarded(env, case, &["log"]).ok();
        } else {
            for args in [
                &["status"][..],
                &["note", "must not be written"],
                &["check", "SC1"],
            ] {
                let run = guarded(env, case, args);
                assert_eq!(
                    (run.code, run.first_err_line()),
                    (expect.exit, expect.stderr.as_str()),
                    "{case}: poc {}\n{run:#?}",
                    args.join(" ")
                );
            }
        }
    });
    if expect.exit == 0 {
        let entries = |env: &TestEnv| {
            guarded(env, case, &["log", "--format", "json"]).ok().json()["entries"]
                .as_array()
                .map_or(0, Vec::len)
        };
        let before = entries(env);
        guarded(env, case, &["note", "written after the case"]).ok();
        assert_eq!(entries(env), before + 1, "{case}: the write lost an entry");
        let run = guarded(env, case, &["validate"]);
        run.ok();
        assert!(
            !run.stderr.contains("torn"),
            "{case}: a torn line survived a write\n{run:#?}"
        );
    }
}

/// Runs every `NN-name.yaml` in `tests/corpus/KIND` against its
/// `NN-name.expect`, with the other file of the POC set to a valid one.
/// Returns how many cases ran.
fn run_corpus(kind: &str) -> usize {
    let dir = corpus_dir(kind);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let stem = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".expect"));
        let stem = stem.unwrap_or_else(|| panic!("{kind}/{name}: not a .yaml or .expect file"));
        for sibling in [format!("{stem}.yaml"), format!("{stem}.expect")] {
            assert!(dir.join(&sibling).is_file(), "{kind}/{sibling} is missing");
        }
    }
    let mut env = TestEnv::with_poc();
    env.at(NOW);
    let cases: Vec<&String> = names.iter().filter(|n| n.ends_with(".yaml")).collect();
    for name in &cases {
        let stem = name.strip_suffix(".yaml").unwrap();
        let input = std::fs::read(dir.join(name)).unwrap();
        let expect_file = dir.join(format!("{stem}.expect"));
        let expect = Expect::parse(
            &std::fs::read_to_string(&expect_file).unwrap(),
            &expect_file,
        );
        match kind {
            "scope" => set_files(&env, &input, base_journal().as_bytes()),
            _ => set_files(&env, base_scope().as_bytes(), &input),
        }
        check_case(&env, &format!("{kind}/{name}"), &expect);
    }
    cases.len()
}

#[test]
fn the_scope_corpus() {
    let _alone = alone();
    let n = run_corpus("scope");
    assert!(n >= 30, "only {n} scope cases");
}

#[test]
fn the_journal_corpus() {
    let _alone = alone();
    let n = run_corpus("journal");
    assert!(n >= 15, "only {n} journal cases");
}

/// Cases generated here: line endings and encodings that an editor might
/// save, and inputs too big to commit.
#[test]
fn generated_scopes() {
    let _alone = alone();
    let base = base_scope();
    let crlf = base.replace('\n', "\r\n");
    let bom = |text: &str| [b"\xef\xbb\xbf", text.as_bytes()].concat();
    let big_name = "x".repeat(MIB);
    let over_cap = base.replace("name: Acme POC", &format!("name: {big_name}"));
    let just_under = base.replace(
        "name: Acme POC",
        &format!("name: {}", "x".repeat(MIB - base.len() - 64)),
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let lol = (1..10).fold(
        String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"),
        |mut acc, i| {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            acc.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
            acc
        },
    );
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("UTF-8 byte-order mark", bom(&base), Expect::ok()),
        ("CRLF line endings", crlf.clone().into_bytes(), Expect::ok()),
        ("byte-order mark and CRLF", bom(&crlf), Expect::ok()),
        (
            "saved as Latin-1",
            // Latin-1 spells é as the single byte 0xE9.
            base.replace("Acme Corp", "Soci@t@")
                .bytes()
                .map(|b| if b == b'@' { 0xe9 } else { b })
                .collect(),
            Expect::error("error: poc.yaml:4:15: not valid UTF-8 text"),
        ),
        (
            "a 1 MiB string (over the 1 MiB cap)",
            over_cap.clone().into_bytes(),
            Expect::error(format!(
                "error: poc.yaml: the file is {} bytes, over the 1 MiB limit; refusing to read it",
                over_cap.len()
            )),
        ),
        (
            "a string just under the cap",
            just_under.into_bytes(),
            Expect::ok(),
        ),
        (
            "a value nested 10,000 deep",
            base.replace("name: Acme POC", &format!("name: {deep}"))
                .into_bytes(),
            Expect::error("error: poc.yaml:3:7: expected text, not a list or mapping"),
        ),
        (
            "a value nested 10,000 deep, never closed",
            base.replace("name: Acme POC", &format!("name: {}", "[".repeat(10_000)))
                .into_bytes(),
            Expect::error("error: poc.yaml:3:7: expected text, not a list or mapping"),
        ),
        (
            "a document nested 10,000 deep",
            deep.clone().into_bytes(),
            Expect::error("error: poc.yaml:1:256: recursion limit exceeded"),
        ),
        (
            "an alias bomb (billion laughs)",
            format!("{lol}{base}").into_bytes(),
            Expect::error(
                "error: poc.yaml:1:1: unknown field `a0`; did you mean `acv`?; valid fields: version, template, name, prospect, owner, account_exec, industry, acv, competitors, start, timezone, stakeholders, success_criteria, phases, out_of_scope, signoffs, risks, metrics",
            ),
        ),
    ];
    let mut env = TestEnv::with_poc();
    env.at(NOW);
    for (case, scope, expect) in &cases {
        set_files(&env, scope, base_journal().as_bytes());
        check_case(&env, case, expect);
    }
}

#[test]
fn generated_journals() {
    let _alone = alone();
    let base = base_journal();
    let note = |text: &str| {
        format!(
            "- {{\"at\":\"2026-11-24T10:00:00Z\",\"by\":\"dana\",\"kind\":\"note\",\"text\":\"{text}\"}}\n"
        )
    };
    let deep_line = format!(
        "- {{at: 2026-11-24T10:00:00Z, by: dana, kind: note, text: x, deep: {}{}}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "CRLF line endings",
            format!("{base}{}", note("from Windows"))
                .replace('\n', "\r\n")
                .into_bytes(),
            Expect::ok(),
        ),
        (
            "UTF-8 byte-order mark",
            format!("\u{feff}{base}{}", note("with a BOM")).into_bytes(),
            Expect::ok(),
        ),
        (
            "a hand-edited line nested 10,000 deep",
            format!("{base}{deep_line}").into_bytes(),
            Expect::error("error: journal.yaml:3:321: recursion limit exceeded"),
        ),
    ];
    let mut env = TestEnv::with_poc();
    env.at(NOW);
    for (case, journal, expect) in &cases {
        set_files(&env, base_scope().as_bytes(), journal);
        check_case(&env, case, expect);
    }
}

/// Every file's length and, for files small enough to hold, its bytes: a
/// snapshot that does not read a sparse 1 GiB file into memory.
fn fingerprint(env: &TestEnv) -> BTreeMap<PathBuf, (u64, Option<Vec<u8>>)> {
    let mut out = BTreeMap::new();
    for entry in walk(env.path()) {
        let len = std::fs::metadata(&entry).unwrap().len();
        let bytes = (len <= 64 * MIB as u64).then(|| std::fs::read(&entry).unwrap());
        out.insert(entry, (len, bytes));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Files over the caps (poc.yaml 1 MiB, journal.yaml 32 MiB) are refused
/// with a clear message before they are read: a sparse 1 GiB file is refused
/// within the time and memory guards. A file of exactly the cap is read.
#[test]
fn files_over_the_size_caps_are_refused_before_they_are_read() {
    let _alone = alone();
    const GIB: u64 = 1024 * 1024 * 1024;
    let mut env = TestEnv::with_poc();
    env.at(NOW);
    let refused = |env: &TestEnv, case: &str, expected: &str| {
        let before = fingerprint(env);
        for args in [&["validate"][..], &["status"], &["note", "not written"]] {
            let run = guarded(env, case, args);
            assert_eq!(
                (run.code, run.first_err_line()),
                (1, expected),
                "{case}: poc {}\n{run:#?}",
                args.join(" ")
            );
        }
        assert!(fingerprint(env) == before, "{case}: a file changed");
    };

    set_files(&env, base_scope().as_bytes(), base_journal().as_bytes());
    let scope = std::fs::OpenOptions::new()
        .write(true)
        .open(env.poc().join("poc.yaml"))
        .unwrap();
    scope.set_len(GIB).unwrap();
    refused(
        &env,
        "a 1 GiB scope",
        "error: poc.yaml: the file is 1073741824 bytes, over the 1 MiB limit; refusing to read it",
    );

    set_files(&env, base_scope().as_bytes(), base_journal().as_bytes());
    let journal = std::fs::OpenOptions::new()
        .write(true)
        .open(env.poc().join("journal.yaml"))
        .unwrap();
    journal.set_len(GIB).unwrap();
    refused(
        &env,
        "a 1 GiB journal",
        "error: journal.yaml: the file is 1073741824 bytes, over the 32 MiB limit; refusing to read it",
    );

    // The boundaries: a scope of exactly 1 MiB is read, one byte more is not.
    let padded = |text: String, size: usize| {
        let pad = size - text.len() - "# \n".len();
        format!("{text}# {}\n", "x".repeat(pad))
    };
    let at_cap = padded(base_scope(), MIB);
    assert_eq!(at_cap.len(), MIB);
    set_files(&env, at_cap.as_bytes(), base_journal().as_bytes());
    check_case(&env, "a scope of exactly 1 MiB", &Expect::ok());
    let over = padded(base_scope(), MIB + 1);
    set_files(&env, over.as_bytes(), base_journal().as_bytes());
    check_case(
        &env,
        "a scope of 1 MiB + 1 byte",
        &Expect::error(
            "error: poc.yaml: the file is 1048577 bytes, over the 1 MiB limit; refusing to read it",
        ),
    );
    let over = padded(base_journal(), 32 * MIB + 1);
    set_files(&env, base_scope().as_bytes(), over.as_bytes());
    check_case(
        &env,
        "a journal of 32 MiB + 1 byte",
        &Expect::error(
            "error: journal.yaml: the file is 33554433 bytes, over the 32 MiB limit; refusing to read it",
        ),
    );
}

/// A FIFO, a folder or a broken link where a POC file belongs is refused at
/// once, before anything opens it (opening a FIFO would wait forever for a
/// writer), and nothing is created in its place or at the link's far end.
#[cfg(unix)]
#[test]
fn special_files_in_place_of_the_poc_files_are_refused() {
    let _alone = alone();
    for (file, kind) in [
        ("journal.yaml", "fifo"),
        ("journal.yaml", "folder"),
        ("journal.yaml", "broken link"),
        ("poc.yaml", "fifo"),
        ("poc.yaml", "folder"),
        ("poc.yaml", "broken link"),
    ] {
        let env = TestEnv::with_poc();
        let path = env.poc().join(file);
        std::fs::remove_file(&path).unwrap();
        let expected = match kind {
            "fifo" => {
                let made = std::process::Command::new("mkfifo").arg(&path).status();
                assert!(made.unwrap().success(), "mkfifo");
                format!("error: {file}: is a special file, not a regular file; refusing to read it")
            }
            "folder" => {
                std::fs::create_dir(&path).unwrap();
                format!("error: {file}: is a folder, not a regular file; refusing to read it")
            }
            _ => {
                std::os::unix::fs::symlink("moved-away.yaml", &path).unwrap();
                if file == "journal.yaml" {
                    // poc's own files are never read or written through a link.
                    format!(
                        "error: {file}: is a symbolic link to moved-away.yaml; poc keeps its own files inside the POC folder and never reads or writes them through a link. Replace the link with the file or folder itself"
                    )
                } else {
                    format!("error: {file}: is a symbolic link to a file that does not exist")
                }
            }
        };
        for args in [
            &["status"][..],
            &["validate"],
            &["note", "x"],
            &["check", "SC1", "--run", "true"],
        ] {
            let case = format!("{file} as a {kind}: poc {}", args.join(" "));
            let run = unchanged(&env, || {
                run_within(
                    env.command(&env.poc(), args),
                    Duration::from_secs(10),
                    &case,
                )
            });
            assert_eq!(
                (run.code, run.first_err_line()),
                (1, expected.as_str()),
                "{case}\n{run:#?}"
            );
        }
    }
}

// --- Terminal and markdown safety ---

/// Text a user (or a pasted log) might smuggle in: ANSI colour and screen
/// escapes, an OSC window title, BEL, a carriage return, a backspace and a
/// right-to-left override.
const HOSTILE: &str =
    "\u{1b}[31mred\u{1b}[0m \u{1b}[2J \u{1b}]0;owned\u{7} bell\u{7} cr\rback\u{8} \u{202e}rtl";

/// Characters that must never reach a terminal raw: every control character
/// except the newline, and the bidi overrides.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn escapes_and_control_characters_never_reach_the_terminal() {
    let env = TestEnv::with_poc();
    // From the file: YAML double-quoted strings can spell any control
    // character.
    let scope = env.read("acme/poc.yaml").replace(
        "title: Solution deployed in the customer environment",
        "title: \"Deployed \\e[31min red\\e[0m \\a\\b\\r\"",
    );
    env.write("acme/poc.yaml", scope);
    // From the command line.
    env.poc_run(&["note", HOSTILE]).ok();
    env.poc_run(&["blocker", HOSTILE]).ok();
    env.poc_run(&["park", HOSTILE]).ok();
    env.poc_run(&["check", "SC2", "--evidence", HOSTILE, "--note", HOSTILE])
        .ok();
    env.poc_run(&["check", "kickoff", "--note", HOSTILE]).ok();
    env.poc_run(&["check", "SC3", "--fail", "--note", HOSTILE])
        .ok();
    for args in [
        &["log"][..],
        &["status"],
        &["check"],
        &["validate"],
        &["evidence"],
        &["checklist"],
        &["status", "--format", "markdown"],
    ] {
        let run = env.poc_run(args);
        run.ok();
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                raw_controls(text).is_empty(),
                "poc {}: raw {:?} on {stream}\n{text}",
                args.join(" "),
                raw_controls(text)
            );
        }
    }
    // The text is still shown, neutralised rather than dropped.
    env.poc_run(&["log"]).stdout_has("red").stdout_has("rtl");
    env.poc_run(&["status"]).stdout_has("rtl");
}

/// The number of unescaped `|` in a markdown table row.
fn cells(row: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}

/// Every table keeps the shape of its header row, and no injected line
/// starts a heading, a list item or a table row of its own.
#[track_caller]
fn assert_markdown_intact(doc: &str) {
    let mut header: Option<usize> = None;
    for line in doc.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            match header {
                None => header = Some(n),
                Some(h) => assert_eq!(n, h, "row breaks its table: {line:?}\n{doc}"),
            }
        } else {
            header = None;
        }
        let trimmed = line.trim_start();
        for injected in ["# Injected", "## Injected", "- injected", "| fake"] {
            assert!(
                !trimmed.starts_with(injected),
                "injected markdown escaped its cell: {line:?}\n{doc}"
            );
        }
    }
}

#[test]
fn pipes_and_newlines_never_break_a_markdown_table() {
    let env = TestEnv::new();
    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Pipe|Corp\n# Injected heading",
        "--name",
        "A|B POC\n| fake | row |",
        "--start",
        "2026-11-23",
    ])
    .ok();
    let scope = env
        .read("acme/poc.yaml")
        .replace(
            "title: Solution deployed in the customer environment",
            "title: \"Deployed | everywhere\\n| fake | row |\"",
        )
        .replace(
            "target: \">= 95% of the agreed test scenarios pass on real data\"",
            "target: \">= 95% | of tests\\n## Injected heading\"",
        )
        .replace(
            "title: Kickoff call held with the customer team",
            "title: \"Kickoff | call\\n- injected bullet\"",
        );
    env.write("acme/poc.yaml", scope);
    let text = "a|b\n| fake | row |\n# Injected heading\n- injected bullet";
    env.poc_run(&["check", "SC1", "--evidence", text]).ok();
    env.poc_run(&["check", "SC2", "--fail", "--evidence", text])
        .ok();
    env.poc_run(&["check", "kickoff"]).ok();
    env.poc_run(&["blocker", text]).ok();
    env.poc_run(&["blocker", text]).ok();
    env.poc_run(&["blocker", "--resolve", "B2", "--note", text])
        .ok();
    env.poc_run(&["park", text]).ok();
    env.poc_run(&["note", text]).ok();

    let status = env
        .poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout
        .clone();
    assert_markdown_intact(&status);
    assert!(status.contains("a\\|b"), "{status}");
    assert!(status.lines().filter(|l| l.starts_with('|')).count() > 10);

    let checklist = env.poc_run(&["checklist"]).ok().stdout.clone();
    assert_markdown_intact(&checklist);
    assert!(checklist.contains("Kickoff \\| call"), "{checklist}");
}

#[test]
fn what_the_user_typed_is_never_echoed_raw_in_an_error() {
    let env = TestEnv::with_poc();
    for args in [
        vec!["check", "SC\u{1b}[31m1"],
        vec!["blocker", "--resolve", "B\u{1b}[31m1"],
        vec!["reopen", "set\u{1b}[2Jup", "--reason", "x"],
    ] {
        let run = unchanged(&env, || env.poc_run(&args));
        run.code(if args[0] == "reopen" { 2 } else { 1 });
        assert!(!run.stderr.contains('\u{1b}'), "{args:?}: {run:?}");
        assert!(
            run.stderr.contains('\u{fffd}'),
            "the escape is shown as a placeholder: {run:?}"
        );
    }
    let run = env.run(&["-C", "acme\u{1b}[31m", "status"]);
    run.code(1);
    assert!(!run.stderr.contains('\u{1b}'), "{run:?}");
}

#[test]
fn a_very_long_note_is_cut_in_the_log_table_and_whole_in_json() {
    let env = TestEnv::with_poc();
    let note = "x".repeat(5_000);
    env.poc_run(&["note", &note]).ok();
    let table = env.poc_run(&["log"]).ok().stdout.clone();
    assert!(table.contains('…'), "{table}");
    assert!(!table.contains(&"x".repeat(600)), "the cell was not cut");
    let json = env.poc_run(&["log", "--format", "json"]).ok().json();
    assert_eq!(json["entries"][1]["text"], note.as_str());
}
