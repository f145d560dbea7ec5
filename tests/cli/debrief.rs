//! `poc debrief`: the document after the close, never over the user's own
//! files, to a file, to stdout or as JSON.

use crate::common::*;

use serde_json::Value;

#[test]
fn debrief_never_overwrites_without_force_and_keeps_a_backup() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();
    env.poc_run(&["debrief"]).ok();
    let generated = env.read("acme/debrief.md");
    let mine = format!("{generated}\n## Notes from the call\nThe champion loved the dashboards.\n");
    env.write("acme/debrief.md", &mine);

    env.at("2026-12-05T10:00:00Z");
    let run = unchanged(&env, || env.poc_run(&["debrief"]));
    run.code(1).first_err_is(
        "error: acme/debrief.md already exists and may hold your notes; refusing to overwrite it (nothing was changed). Use --force to replace it; the old file is kept as a backup",
    );
    assert_eq!(env.read("acme/debrief.md"), mine);

    env.poc_run(&["debrief", "--force"])
        .ok()
        .stderr_has("Kept the previous debrief as acme/debrief.md.20261205T100000Z.bak");
    assert_eq!(env.read("acme/debrief.md.20261205T100000Z.bak"), mine);
    assert_eq!(env.read("acme/debrief.md"), generated);
}

/// `--out` never writes over the POC's own files or into a folder, with
/// --force or without, from inside the POC or outside it.
#[test]
fn debrief_out_refuses_the_poc_files_and_folders() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();
    std::fs::create_dir_all(env.poc().join("evidence")).unwrap();
    for (cwd, out, expected) in [
        (
            "acme",
            "poc.yaml",
            "error: --out poc.yaml: poc.yaml is a POC file, not a debrief; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "journal.yaml",
            "error: --out journal.yaml: journal.yaml is a POC file, not a debrief; refusing to write it (nothing was changed)",
        ),
        (
            ".",
            "acme/poc.yaml",
            "error: --out acme/poc.yaml: poc.yaml is a POC file, not a debrief; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "evidence/debrief.md",
            "error: --out evidence/debrief.md: is inside a POC's evidence folder, which poc keeps; refusing to write it (nothing was changed)",
        ),
        (
            ".",
            "acme",
            "error: --out acme: is a folder; name the file to write, such as acme/debrief.md (nothing was changed)",
        ),
    ] {
        for force in [false, true] {
            let mut args = if cwd == "." {
                vec!["-C", "acme"]
            } else {
                vec![]
            };
            args.extend(["debrief", "--out", out]);
            if force {
                args.push("--force");
            }
            let run = unchanged(&env, || env.run_in(&env.path().join(cwd), &args));
            run.code(1);
            assert_eq!(run.first_err_line(), expected, "from {cwd}: {args:?}");
        }
    }
}

#[test]
fn debrief_out_file_json_and_due_or_overdue() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();

    // --out FILE, relative to where poc runs (here: inside the POC).
    env.run_at("acme", &["debrief", "--out", "review.md"])
        .ok()
        .stderr_has("Wrote review.md. Debrief due in 48 h (2026-12-06 10:00 UTC)");
    assert!(
        env.read("acme/review.md")
            .contains("# Debrief: Acme Corp POC")
    );
    assert!(!env.poc().join("debrief.md").exists());

    // --format json prints and writes nothing.
    env.at("2026-12-08T13:00:00Z");
    let json = unchanged(&env, || env.poc_run(&["debrief", "--format", "json"]));
    json.ok();
    let d = json.json();
    assert_eq!(d["tags"]["outcome"], "win");
    assert_eq!(d["tags"]["duration_days"], 12);
    assert_eq!(d["tags"]["industry"], Value::Null);
    assert_eq!(d["due"]["due"], "2026-12-06T10:00:00Z");
    assert_eq!(d["due"]["overdue_hours"], 51);
    let worked: Vec<_> = d["worked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(worked, ["SC1", "SC2", "SC3", "SC4"]);

    // Overdue, when written late.
    env.poc_run(&["debrief"])
        .ok()
        .stderr_has("Debrief overdue by 2 days 3 h (was due 2026-12-06 10:00 UTC)");
    env.poc_run(&["debrief", "--out", "-"])
        .ok()
        .stdout_has("# Debrief: Acme Corp POC");
}

#[test]
fn a_json_debrief_is_not_written_to_a_file() {
    let env = TestEnv::with_poc();
    env.poc_run(&forced_close("loss", "x")).ok();
    unchanged(&env, || {
        env.poc_run(&["debrief", "--format", "json", "--out", "d.json"])
    })
    .code(2);
}

#[test]
fn a_cancelled_poc_debrief_lists_what_was_never_evaluated() {
    let mut env = TestEnv::with_poc();
    env.edit("acme/poc.yaml", "# acv: 120000", "acv: 60000");
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["park", "Custom reporting"]).ok();
    env.poc_run(&["blocker", "No production-like data"]).ok();
    env.at("2026-11-27T16:00:00Z");
    // Tagged Mid-Market, no industry or competitors; no criterion met, all
    // four never evaluated; setup 3 days late; the forced close with its
    // reason; the blocker still open; the parked request.
    let doc = env.close_and_debrief("loss", "prospect chose Vendor X");
    snapshot!(env, "cancelled_in_setup", doc);
}

#[test]
fn debrief_lists_are_separated_from_the_paragraph_after_them() {
    let mut env = TestEnv::with_poc();
    env.poc_run(&["check", "SC1", "--fail", "--note", "not deployed"])
        .ok();
    env.poc_run(&["blocker", "No VPN"]).ok();
    env.poc_run(&["park", "A dashboard for finance"]).ok();
    env.at("2026-11-27T09:00:00Z");
    env.poc_run(&forced_close("loss", "budget")).ok();
    let doc = env.poc_run(&["debrief", "--out", "-"]).ok().stdout.clone();
    for heading in [
        "Criteria failed or not met:",
        "Phases that ran late:",
        "Forced transitions and reopens:",
        "Blockers:",
        "Scope creep, parked for after the POC:",
        "Questions for the team:",
    ] {
        let at = doc
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading}\n{doc}"));
        assert!(
            doc[..at].ends_with("\n\n"),
            "no blank line before {heading}\n{doc}"
        );
        assert!(doc[at..].starts_with(&format!("{heading}\n\n")), "{doc}");
    }
}
