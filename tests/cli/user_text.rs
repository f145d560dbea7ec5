//! Whatever the user types (pipes, newlines, `#`, escape sequences) never
//! breaks a table or a document, and never reaches the terminal raw.

use crate::common::*;

#[test]
fn user_text_does_not_break_tables_or_documents() {
    let mut env = TestEnv::new();
    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Zoë | Ærø\nCorp",
        "--start",
        "2026-11-23",
    ])
    .ok();
    env.poc_run(&["validate"]).ok();
    env.at("2026-11-24T10:00:00Z");
    check(&env, &["SC1", "--evidence", "A|B\nsecond line"]);
    env.poc_run(&["park", "# not a heading | with a pipe"]).ok();
    env.poc_run(&["blocker", "proxy |\nfirewall"]).ok();

    let status = env.poc_run(&["status", "--format", "markdown"]);
    status.ok();
    let md = &status.stdout;
    assert!(md.starts_with("# Zoë \\| Ærø Corp POC\n"), "{md}");
    assert!(md.contains("| **Prospect** | Zoë \\| Ærø Corp |\n"), "{md}");
    assert!(
        md.contains("| met | A\\|B second line | 2026-11-24 |\n"),
        "{md}"
    );
    assert!(
        md.contains("| B1-JJG | proxy \\| firewall | 2026-11-24 |"),
        "{md}"
    );
    assert!(md.contains("- \\# not a heading \\| with a pipe ("), "{md}");
    assert_tables_are_whole(md);

    let checklist = env.poc_run(&["checklist"]);
    checklist.ok();
    assert!(
        checklist
            .stdout
            .starts_with("# Checklist: Zoë \\| Ærø Corp POC\n\n**Prospect:** Zoë \\| Ærø Corp ·"),
        "{}",
        checklist.stdout
    );
    checklist.stdout_has("met 2026-11-24: A\\|B second line\n");

    let doc = env.close_and_debrief("loss", "a|b\nc");
    assert!(
        doc.starts_with("---\nprospect: \"Zoë | Ærø\\nCorp\"\n"),
        "{doc}"
    );
    assert!(doc.contains("\n# Debrief: Zoë \\| Ærø Corp POC\n"), "{doc}");
    assert!(
        doc.contains("| **Prospect** | Zoë \\| Ærø Corp |\n"),
        "{doc}"
    );
    assert!(
        doc.contains("| **Outcome** | Technical Loss: a\\|b c |\n"),
        "{doc}"
    );
    assert!(doc.contains("met 2026-11-24: A\\|B second line\n"), "{doc}");
    assert_tables_are_whole(&doc);

    // The terminal table keeps the name on its lines too.
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Zoë | Ærø Corp POC\n")
        .stdout_lacks("Ærø\nCorp");
}

#[test]
fn an_escape_sequence_in_a_note_never_reaches_the_terminal_raw() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["note", "\u{1b}[31mred\u{1b}[0m alert\u{7}"])
        .ok();
    env.poc_run(&["blocker", "\u{1b}]0;pwned\u{7}title"]).ok();
    check(&env, &["SC1", "--evidence", "\u{1b}[2Jcleared"]);
    for args in [&["log"][..], &["status"], &["check"]] {
        let run = env.poc_run(args);
        run.ok();
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
            "{args:?} printed a raw escape:\n{run:#?}"
        );
    }
    env.poc_run(&["log"])
        .ok()
        .stdout_has("[31mred")
        .stdout_has("alert");
    // The journal keeps the text as written (JSON-escaped).
    assert_eq!(
        env.journal()[1]["text"],
        "\u{1b}[31mred\u{1b}[0m alert\u{7}"
    );
}
