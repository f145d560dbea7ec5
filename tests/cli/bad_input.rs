//! Bad input gets a clear error whose first line says what and where, the
//! right exit code, and nothing is lost: no file changes.

use crate::common::*;

/// A scope written by hand, so that line and column numbers below are stable.
const SCOPE: &str = "version: 1
name: Acme POC
prospect: Acme Corp
owner: Dana Smith
start: 2026-11-23
success_criteria:
  - id: SC1
    title: Ingest production logs
    target: \">= 10,000 events/s for 1 hour\"
    priority: must
    phase: deployment
phases:
  setup:
    days: [1, 2]
    checklist:
      - {id: env-access, title: Environment access granted}
      - {id: kickoff, title: Kickoff call held, required: false}
  deployment:
    days: [2, 4]
    checklist:
      - {id: deployed, title: Solution deployed}
  validation: {days: [4, 7]}
  integration: {days: [7, 10]}
  signoff: {days: [10, 12]}
";

/// A POC in `acme/` with [`SCOPE`] as its `poc.yaml`, known to be valid.
fn poc() -> TestEnv {
    let env = TestEnv::with_poc();
    env.write("acme/poc.yaml", SCOPE);
    env.poc_run(&["validate"])
        .ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid (0 warnings)");
    env
}

/// A POC whose `poc.yaml` had `from` replaced by `to`.
fn scope_with(from: &str, to: &str) -> TestEnv {
    let env = poc();
    env.edit("acme/poc.yaml", from, to);
    env
}

/// Every kind of command (reading, writing, validating) refuses with
/// `expected` as the first line of stderr, exit 1, and changes no file.
#[track_caller]
fn refused_everywhere(env: &TestEnv, expected: &str) {
    for args in [
        &["status"][..],
        &["check", "kickoff"],
        &["note", "x"],
        &["advance"],
        &["validate"],
    ] {
        let run = unchanged(env, || env.poc_run(args));
        assert_eq!(run.code, 1, "{args:?}\n{run:#?}");
        assert_eq!(run.first_err_line(), expected, "{args:?}\n{run:#?}");
    }
}

// --- Malformed YAML ---

#[test]
fn trailing_content_after_a_value() {
    let env = scope_with("owner: Dana Smith", "owner: \"Dana Smith\" extra: x");
    refused_everywhere(
        &env,
        "error: acme/poc.yaml:4:21: invalid trailing content after double-quoted scalar",
    );
    // The offending line follows, with a caret under the column.
    env.poc_run(&["status"])
        .code(1)
        .stderr_has("\n 4 | owner: \"Dana Smith\" extra: x\n   |                     ^");
}

#[test]
fn bad_indentation() {
    let env = scope_with("owner: Dana Smith", "  owner: Dana Smith");
    refused_everywhere(
        &env,
        "error: acme/poc.yaml:4:8: mapping values are not allowed in this context (a value holding `: ` needs quotes; otherwise check this line's indentation)",
    );
}

/// With no journal yet (say, a fresh clone that ignores it), a bad scope
/// makes writing commands refuse without creating one.
#[test]
fn a_bad_scope_beside_no_journal_creates_none() {
    let env = scope_with("name: Acme POC", "name: Acme POC\nname: Again");
    std::fs::remove_file(env.poc().join("journal.yaml")).unwrap();
    refused_everywhere(&env, "error: acme/poc.yaml:3:1: duplicate key `name`");
    assert!(!env.poc().join("journal.yaml").exists());
}

#[test]
fn a_duplicate_key() {
    let env = scope_with("name: Acme POC", "name: Acme POC\nname: Again");
    refused_everywhere(&env, "error: acme/poc.yaml:3:1: duplicate key `name`");
}

#[test]
fn an_empty_scope() {
    let env = poc();
    env.write("acme/poc.yaml", "");
    refused_everywhere(
        &env,
        "error: acme/poc.yaml:1:1: the file is empty; expected a YAML mapping",
    );
}

#[test]
fn a_scope_that_is_not_utf8() {
    let env = poc();
    env.write("acme/poc.yaml", b"version: 1\nname: \xff\n");
    refused_everywhere(&env, "error: acme/poc.yaml:2:7: not valid UTF-8 text");
}

// --- Wrong types ---

#[test]
fn a_word_where_a_number_belongs() {
    refused_everywhere(
        &scope_with("version: 1", "version: one"),
        "error: acme/poc.yaml:1:10: expected a whole number, 0 or more",
    );
    refused_everywhere(
        &scope_with("days: [2, 4]", "days: [two, 4]"),
        "error: acme/poc.yaml:19:12: expected a whole number, 0 or more",
    );
    refused_everywhere(
        &scope_with("owner: Dana Smith", "acv: lots"),
        "error: acme/poc.yaml:4:6: expected a whole number, 0 or more",
    );
}

#[test]
fn a_word_where_true_or_false_belongs() {
    refused_everywhere(
        &scope_with("required: false", "required: maybe"),
        "error: acme/poc.yaml:17:59: expected true or false",
    );
}

#[test]
fn a_value_outside_its_choices() {
    refused_everywhere(
        &scope_with("priority: must", "priority: high"),
        "error: acme/poc.yaml:10:15: unknown value `high`; expected one of must, should, nice",
    );
    refused_everywhere(
        &scope_with("phase: deployment", "phase: deploy"),
        "error: acme/poc.yaml:11:12: unknown value `deploy`; expected one of setup, deployment, validation, integration, signoff",
    );
    refused_everywhere(
        &scope_with("phase: deployment", "phase: deploymnet"),
        "error: acme/poc.yaml:11:12: unknown value `deploymnet`; did you mean `deployment`?; expected one of setup, deployment, validation, integration, signoff",
    );
}

#[test]
fn a_single_value_where_a_list_belongs() {
    refused_everywhere(
        &scope_with("owner: Dana Smith", "competitors: Vendor X"),
        "error: acme/poc.yaml:4:14: expected sequence start",
    );
    refused_everywhere(
        &scope_with("days: [2, 4]", "days: [2]"),
        "error: acme/poc.yaml:19:11: `deployment.days` must be two day numbers, like [1, 2]",
    );
}

#[test]
fn an_unsupported_version() {
    refused_everywhere(
        &scope_with("version: 1", "version: 3"),
        "error: acme/poc.yaml:1:10: this file is version 3; this poc reads up to version 2; upgrade poc to read it",
    );
}

// --- Unknown fields, with the nearest valid one suggested ---

#[test]
fn unknown_fields_suggest_the_nearest() {
    refused_everywhere(
        &scope_with("prospect:", "prospekt:"),
        "error: acme/poc.yaml:3:1: unknown field `prospekt`; did you mean `prospect`?; valid fields: version, template, name, prospect, owner, account_exec, industry, acv, competitors, start, timezone, stakeholders, success_criteria, phases, out_of_scope, signoffs, risks, metrics",
    );
    refused_everywhere(
        &scope_with("    priority: must", "    priorty: must"),
        "error: acme/poc.yaml:10:5: unknown field `priorty`; did you mean `priority`?; valid fields: id, title, target, priority, phase, owner, metric",
    );
    refused_everywhere(
        &scope_with("    days: [2, 4]", "    day: [2, 4]"),
        "error: acme/poc.yaml:19:5: unknown field `day`; did you mean `days`?; valid fields: days, checklist",
    );
    refused_everywhere(
        &scope_with("required: false", "requird: false"),
        "error: acme/poc.yaml:17:49: unknown field `requird`; did you mean `required`?; valid fields: id, title, required",
    );
    refused_everywhere(
        &scope_with(
            "owner: Dana Smith",
            "stakeholders: [{name: Sam, rol: Champion}]",
        ),
        "error: acme/poc.yaml:4:28: unknown field `rol`; did you mean `role`?; valid fields: name, role, side, email",
    );
}

#[test]
fn unknown_misordered_and_missing_phases() {
    refused_everywhere(
        &scope_with("  setup:", "  stup:"),
        "error: acme/poc.yaml:13:3: unknown phase `stup`; did you mean `setup`?; the phases are setup, deployment, validation, integration, signoff",
    );
    refused_everywhere(
        &scope_with("  validation: {days: [4, 7]}\n", ""),
        "error: acme/poc.yaml:22:3: phase `integration` is out of place: expected `validation` here; the phases are setup, deployment, validation, integration, signoff, in that order",
    );
    refused_everywhere(
        &scope_with("  signoff: {days: [10, 12]}\n", ""),
        "error: acme/poc.yaml:13:3: `phases` is missing `signoff`; all five phases are required",
    );
}

// --- Duplicate and malformed IDs ---

#[test]
fn duplicate_ids_name_both_lines() {
    refused_everywhere(
        &scope_with("{id: deployed,", "{id: kickoff,"),
        "error: acme/poc.yaml:21:14: duplicate ID `kickoff`, first used at line 17; IDs must be unique across criteria, checklist items, sign-offs, risks and metrics",
    );
    // Across criteria and checklist items too.
    refused_everywhere(
        &scope_with("{id: deployed,", "{id: SC1,"),
        "error: acme/poc.yaml:21:14: duplicate ID `SC1`, first used at line 7; IDs must be unique across criteria, checklist items, sign-offs, risks and metrics",
    );
}

#[test]
fn an_id_with_a_space() {
    refused_everywhere(
        &scope_with("{id: deployed,", "{id: \"two words\","),
        "error: acme/poc.yaml:21:14: ID `two words` has a character outside the ID set; an ID is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `-`",
    );
}

// --- Impossible dates and windows ---

#[test]
fn an_impossible_start_date() {
    refused_everywhere(
        &scope_with("2026-11-23", "2026-02-30"),
        "error: acme/poc.yaml:5:8: `start` is not a real date: `2026-02-30` (expected YYYY-MM-DD, such as 2026-11-23)",
    );
    refused_everywhere(
        &scope_with("2026-11-23", "2026-13-01"),
        "error: acme/poc.yaml:5:8: `start` is not a real date: `2026-13-01` (expected YYYY-MM-DD, such as 2026-11-23)",
    );
    // A date in another form is named as such, not as impossible.
    refused_everywhere(
        &scope_with("2026-11-23", "11/23/2026"),
        "error: acme/poc.yaml:5:8: `start` is not a date in the form YYYY-MM-DD: `11/23/2026` (expected YYYY-MM-DD, such as 2026-11-23)",
    );
}

#[test]
fn an_impossible_date_on_the_command_line_or_clock() {
    let env = TestEnv::new();
    for (start, problem) in [
        ("2026-02-30", "is not a real date"),
        ("23/11/2026", "is not a date in the form YYYY-MM-DD"),
    ] {
        let run = unchanged(&env, || {
            env.run(&["init", "acme", "--prospect", "Acme", "--start", start])
        });
        run.code(2).first_err_is(&format!(
            "error: --start: `{start}` {problem} (expected YYYY-MM-DD, such as 2026-11-23)"
        ));
    }

    let mut env = poc();
    env.at("2026-02-30");
    let run = unchanged(&env, || env.poc_run(&["note", "x"]));
    run.code(1).first_err_is(
        "error: POC_NOW: `2026-02-30` is not an RFC 3339 timestamp or a YYYY-MM-DD date between the years 1 and 9999",
    );
}

#[test]
fn a_phase_window_that_ends_before_it_starts() {
    refused_everywhere(
        &scope_with("days: [2, 4]", "days: [4, 2]"),
        "error: acme/poc.yaml:19:11: `deployment.days` [4, 2] ends before it starts",
    );
}

#[test]
fn phase_windows_out_of_order_or_range() {
    refused_everywhere(
        &scope_with("days: [4, 7]", "days: [1, 3]"),
        "error: acme/poc.yaml:22:22: `validation.days` [1, 3] starts or ends before `deployment` [2, 4]; phase windows must run in order",
    );
    refused_everywhere(
        &scope_with("days: [10, 12]", "days: [10, 400]"),
        "error: acme/poc.yaml:24:19: `signoff.days` [10, 400] is out of range: POC days run from 1 to 366",
    );
    refused_everywhere(
        &scope_with("days: [1, 2]", "days: [0, 2]"),
        "error: acme/poc.yaml:14:11: `setup.days` [0, 2] is out of range: POC days run from 1 to 366",
    );
}

// --- Unknown IDs ---

#[test]
fn unknown_ids_record_nothing() {
    let env = poc();
    let run = unchanged(&env, || env.poc_run(&["check", "kickoff", "deploy", "SC1"]));
    run.code(1).first_err_is(
        "error: unknown ID `deploy`: no success criterion or checklist item in poc.yaml has it; did you mean `deployed`? (nothing was recorded)",
    );
    let run = unchanged(&env, || env.poc_run(&["check", "SC2", "--fail"]));
    run.code(1).first_err_is(
        "error: unknown ID `SC2`: no success criterion or checklist item in poc.yaml has it; did you mean `SC1`? (nothing was recorded)",
    );
    let run = unchanged(&env, || env.poc_run(&["check", "zzzzzzzz"]));
    run.code(1).first_err_is(
        "error: unknown ID `zzzzzzzz`: no success criterion or checklist item in poc.yaml has it (nothing was recorded)",
    );
    let run = unchanged(&env, || env.poc_run(&["blocker", "--resolve", "B1"]));
    run.code(1)
        .first_err_is("error: unknown ID `B1`: no blocker has it; none has been opened");
    let run = unchanged(&env, || env.poc_run(&["reopen", "setpu", "--reason", "x"]));
    run.code(2).first_err_is(
        "error: unknown phase `setpu`; did you mean `setup`?; the phases are setup, deployment, validation, integration, signoff",
    );
}

#[test]
fn a_journal_entry_for_an_id_no_longer_in_the_scope_is_a_warning() {
    let env = poc();
    let mut journal = env.read("acme/journal.yaml");
    journal.push_str(r#"- {"at":"2026-11-23T09:00:00Z","by":"dana","kind":"check","id":"gone"}"#);
    journal.push('\n');
    env.write("acme/journal.yaml", &journal);
    let run = unchanged(&env, || env.poc_run(&["validate"]));
    run.ok()
        .first_err_is(
            "warning: acme/journal.yaml:3: `gone` is no longer in poc.yaml; this entry is ignored",
        )
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid (1 warning)");
    // status says so once, on stderr, and points at validate.
    let run = unchanged(&env, || env.poc_run(&["status"]));
    run.ok();
    assert_eq!(
        run.stderr,
        "warning: acme/journal.yaml:3: `gone` is no longer in poc.yaml; its entries are ignored. Run `poc validate` for the details\n"
    );
    journal.push_str(r#"- {"at":"2026-11-23T09:05:00Z","by":"dana","kind":"check","id":"gone2"}"#);
    journal.push('\n');
    env.write("acme/journal.yaml", &journal);
    unchanged(&env, || env.poc_run(&["status"])).ok().first_err_is(
        "warning: acme/journal.yaml:3: `gone` is no longer in poc.yaml (and 1 more like it); its entries are ignored. Run `poc validate` for the details",
    );
}

// --- A journal that is not valid YAML: reported, never written over ---

/// The journal of [`poc`] with `lines` appended.
fn journal_with(lines: &[&str]) -> TestEnv {
    let env = poc();
    let mut text = env.read("acme/journal.yaml");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    env.write("acme/journal.yaml", &text);
    env
}

#[test]
fn a_broken_journal_line_is_reported_and_never_written_over() {
    let env = journal_with(&[
        r#"- {"at":"2026-11-23T10:00:00Z","by":"dana","kind":"note","text":"hi"}"#,
        "- [unclosed",
        r#"- {"at":"2026-11-23T11:00:00Z","by":"dana","kind":"note","text":"later"}"#,
    ]);
    let before = std::fs::read(env.poc().join("journal.yaml")).unwrap();
    let run = unchanged(&env, || env.poc_run(&["note", "x"]));
    run.code(1)
        .first_err_is("error: acme/journal.yaml:4:3: unclosed bracket '['")
        .stderr_has("\n 4 | - [unclosed\n");
    assert_eq!(
        std::fs::read(env.poc().join("journal.yaml")).unwrap(),
        before
    );
    refused_everywhere(&env, "error: acme/journal.yaml:4:3: unclosed bracket '['");
    for args in [
        &["blocker", "x"][..],
        &["park", "x"],
        &["check", "SC1", "--evidence", "x"],
        &forced_close("loss", "x"),
        &["log"],
    ] {
        unchanged(&env, || env.poc_run(args)).code(1);
    }
}

#[test]
fn a_journal_line_that_is_not_an_entry() {
    let env = journal_with(&["hello: world"]);
    refused_everywhere(
        &env,
        "error: acme/journal.yaml:3:1: expected a journal entry line starting with `- `",
    );
    let env =
        journal_with(&[r#"- {"at":"2026-11-23T10:00:00Z","by":"dana","kind":"nope","text":"hi"}"#]);
    // The wording of this one is being reworked in src/journal.rs; hold it
    // to what and where: the file, the line, the bad kind.
    for args in [&["status"][..], &["note", "x"], &["validate"]] {
        let run = unchanged(&env, || env.poc_run(args));
        run.code(1);
        let first = run.first_err_line();
        assert!(
            first.starts_with("error: acme/journal.yaml:3:") && first.contains("`nope`"),
            "{args:?}\n{run:#?}"
        );
    }
}

#[test]
fn a_torn_last_line_is_reported_ignored_and_dropped_by_the_next_write() {
    let env = poc();
    let good = env.read("acme/journal.yaml");
    env.write(
        "acme/journal.yaml",
        format!("{good}- {{\"at\":\"2026-11-23T10:00:00Z\",\"by\":\"da"),
    );
    unchanged(&env, || env.poc_run(&["validate"]))
        .ok()
        .first_err_is("warning: acme/journal.yaml:3: torn last line left by an interrupted write; it is ignored and the next write drops it");
    unchanged(&env, || env.poc_run(&["status"])).ok();
    env.poc_run(&["note", "after the crash"])
        .ok()
        .stderr_has("dropped a torn last line left by an interrupted write");
    let text = env.read("acme/journal.yaml");
    assert!(text.starts_with(&good), "{text}");
    assert_eq!(
        &text[good.len()..],
        "- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"note\",\"text\":\"after the crash\"}\n"
    );
}

// --- What validate reports to scripts and editors ---

#[test]
fn validate_json_locates_each_error_and_names_each_kind_of_problem() {
    let env = scope_with("    priority: must", "    priorty: must");
    env.edit(
        "acme/journal.yaml",
        "\"kind\":\"init\"",
        "\"kind\":\"innit\"",
    );
    let run = unchanged(&env, || env.poc_run(&["validate", "--format", "json"]));
    run.code(1);
    let report = run.json();
    assert_eq!(report["schema_version"], 5);
    assert_eq!(report["valid"], false);
    assert_eq!(
        report["errors"],
        serde_json::json!([
            {
                "file": "acme/poc.yaml", "line": 10, "column": 5, "code": "invalid",
                "message": "unknown field `priorty`; did you mean `priority`?; valid fields: id, title, target, priority, phase, owner, metric\n 10 |     priorty: must\n    |     ^",
            },
            {
                "file": "acme/journal.yaml", "line": 2, "column": 3, "code": "invalid",
                "message": "unknown entry kind `innit`; did you mean `init`?; this poc knows init, check, fail, undo, note, park, blocker, resolve, advance, reopen, close, update, signoff, unsignoff, risk, risk_status, measure, gap, gap_resolve; an entry from a newer poc needs an upgrade\n 2 | - {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"innit\",\"template\":\"standard@1\"}\n   |   ^",
            },
        ])
    );
    assert_eq!(report["warnings"], serde_json::json!([]));

    // A file refused as a whole has no line.
    let env = poc();
    env.write("acme/journal.yaml", vec![b'#'; 33 * 1024 * 1024]);
    let report = env.poc_run(&["validate", "--format", "json"]).json();
    let error = &report["errors"][0];
    assert_eq!(
        (&error["file"], &error["line"], &error["column"]),
        (
            &"acme/journal.yaml".into(),
            &serde_json::Value::Null,
            &serde_json::Value::Null
        )
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("the file is 34603008 bytes"),
        "{error}"
    );
}

#[test]
fn thousands_of_alike_warnings_are_counted_not_printed() {
    let env = poc();
    env.edit(
        "acme/poc.yaml",
        "target: \">= 10,000 events/s for 1 hour\"",
        "target: fast",
    );
    let mut journal = env.read("acme/journal.yaml");
    for _ in 0..1200 {
        journal.push_str(r#"- {"at":"2027-01-01T09:00:00Z","by":"lee","kind":"note","text":"x"}"#);
        journal.push('\n');
    }
    journal.push_str(r#"- {"at":"2026-11-23T09:00:00Z","by":"lee","kind":"check","id":"gone"}"#);
    journal.push('\n');
    env.write("acme/journal.yaml", &journal);

    let run = unchanged(&env, || env.poc_run(&["validate"]));
    run.ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid (1,202 warnings)");
    let future =
        "entry is dated in the future (2027-01-01 09:00 UTC); check the clock of whoever wrote it";
    let mut expected = vec![
        "warning: acme/poc.yaml:7: criterion SC1 target has no number, so it is hard to prove: fast".to_string(),
    ];
    expected.extend((3..8).map(|line| format!("warning: acme/journal.yaml:{line}: {future}")));
    expected.push("warning: acme/journal.yaml: 1,195 more like the above (future-entry) (lines 8–1202); `poc validate --format json` lists them all".into());
    // Entries out of file order are what a merge looks like: no warning.
    expected.push(
        "warning: acme/journal.yaml:1203: `gone` is no longer in poc.yaml; this entry is ignored"
            .into(),
    );
    assert_eq!(run.stderr.lines().collect::<Vec<_>>(), expected);

    let report = env.poc_run(&["validate", "--format", "json"]).json();
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1202);
    let count = |code: &str| warnings.iter().filter(|w| w["code"] == code).count();
    assert_eq!(
        [
            count("target-without-number"),
            count("future-entry"),
            count("out-of-order"),
            count("unknown-id")
        ],
        [1, 1200, 0, 1]
    );
}
