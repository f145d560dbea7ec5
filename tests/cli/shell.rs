//! Completions and the man page (issue 14): `poc completions SHELL` prints
//! the script that makes the shell ask `poc` for candidates, which come
//! from the POC at hand (and are none, quietly, outside one); `poc man`
//! prints a roff page generated from the same definitions as `--help`.

use crate::common::*;

use std::path::Path;

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

/// What the shell gets back for `WORDS` (the last being completed), with
/// fish's protocol: one `value<TAB>help` line per candidate.
fn candidates(env: &TestEnv, cwd: &Path, words: &[&str]) -> Run {
    let mut args = vec!["--", "poc"];
    args.extend_from_slice(words);
    let out = env
        .command(cwd, &args)
        .env("COMPLETE", "fish")
        .output()
        .unwrap();
    to_run(out)
}

/// The values offered, without flags.
fn values(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .filter(|v| !v.starts_with('-'))
        .collect()
}

/// Every ID the example's scope defines under `section`, in file order.
fn example_ids(env: &TestEnv, pointer: &str) -> Vec<String> {
    let scope: serde_json::Value = serde_saphyr::from_str(&env.read("acme/poc.yaml")).unwrap();
    let found = scope.pointer(pointer).unwrap().as_array().unwrap();
    found
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

fn example_items(env: &TestEnv) -> Vec<String> {
    let mut ids = vec![];
    for phase in [
        "setup",
        "deployment",
        "validation",
        "integration",
        "signoff",
    ] {
        ids.extend(example_ids(env, &format!("/phases/{phase}/checklist")));
    }
    ids
}

#[test]
fn completions_print_a_registration_script_for_each_shell() {
    let env = TestEnv::new();
    for shell in SHELLS {
        let run = env.run(&["completions", shell]);
        run.ok();
        assert_eq!(run.stderr, "", "{shell}");
        assert!(run.stdout.contains("poc"), "{shell}: {}", run.stdout);
        // The script calls poc back with COMPLETE set: the same script as
        // clap_complete's own `COMPLETE=SHELL poc`.
        assert!(run.stdout.contains("COMPLETE"), "{shell}: {}", run.stdout);
        let out = env
            .command(env.path(), &[])
            .env("COMPLETE", shell)
            .output()
            .unwrap();
        assert_eq!(to_run(out).stdout, run.stdout, "{shell}");
    }
    env.run(&["completions", "tcsh"])
        .code(2)
        .stderr_has("invalid value 'tcsh'");
}

#[test]
fn ids_complete_from_the_poc_at_hand() {
    let env = TestEnv::with_example();
    let poc = env.poc();

    let mut expected = example_ids(&env, "/success_criteria");
    expected.extend(example_items(&env));
    let run = candidates(&env, &poc, &["check", ""]);
    run.ok();
    assert_eq!(run.stderr, "");
    assert_eq!(values(&run), expected);
    // With its title as the help beside it.
    assert!(
        run.stdout.lines().any(|l| l.starts_with("SC1\t")),
        "{run:#?}"
    );

    // Only the open blockers, by their full ID.
    let status = env.poc_run(&["status", "--format", "json"]).json();
    let open: Vec<String> = status["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["open"] == true)
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!open.is_empty());
    assert_eq!(
        values(&candidates(&env, &poc, &["blocker", "--resolve", ""])),
        open
    );
    env.poc_run(&["blocker", "--resolve", &open[0], "--note", "done"])
        .ok();
    let left = values(&candidates(&env, &poc, &["blocker", "--resolve", ""]));
    assert_eq!(left, open[1..].to_vec());

    // The plan's sign-offs, risks and metrics, each where it goes.
    let signoffs = example_ids(&env, "/signoffs");
    assert_eq!(values(&candidates(&env, &poc, &["signoff", ""])), signoffs);
    let metrics = example_ids(&env, "/metrics");
    assert_eq!(values(&candidates(&env, &poc, &["measure", ""])), metrics);
    let risks = values(&candidates(&env, &poc, &["risk", "R"]));
    assert_eq!(risks, example_ids(&env, "/risks"));
    // A prefix narrows the list; phases need no POC.
    assert_eq!(
        values(&candidates(&env, &poc, &["check", "SC"])),
        expected[..4]
    );
    assert_eq!(
        values(&candidates(&env, env.path(), &["reopen", "v"])),
        ["validation"]
    );
}

#[test]
fn a_gap_resolves_from_the_open_gaps() {
    let env = TestEnv::with_poc();
    env.poc_run(&["gap", "No SAML", "--severity", "challenge"])
        .ok();
    let gaps = values(&candidates(&env, &env.poc(), &["gap", "--resolve", ""]));
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0].starts_with("G1-"), "{gaps:?}");
}

/// From a subfolder, or from anywhere with -C, as commands find the POC.
#[test]
fn ids_complete_from_where_commands_would_look() {
    let env = TestEnv::with_poc();
    std::fs::create_dir(env.poc().join("notes")).unwrap();
    let from_below = values(&candidates(
        &env,
        &env.poc().join("notes"),
        &["check", "SC"],
    ));
    assert_eq!(from_below, ["SC1", "SC2", "SC3", "SC4"]);
    let with_c = values(&candidates(
        &env,
        env.path(),
        &["-C", "acme", "check", "SC"],
    ));
    assert_eq!(with_c, ["SC1", "SC2", "SC3", "SC4"]);
}

/// Outside a POC, or with a poc.yaml that does not parse: no IDs, no
/// message, no failure; the flags still complete.
#[test]
fn no_ids_and_no_noise_outside_a_poc_or_with_a_broken_scope() {
    let env = TestEnv::new();
    let run = candidates(&env, env.path(), &["check", ""]);
    run.ok();
    assert_eq!(run.stderr, "");
    assert_eq!(values(&run), Vec::<String>::new());
    assert!(run.stdout.contains("--evidence"), "{run:#?}");

    let env = TestEnv::with_poc();
    env.write("acme/poc.yaml", "version: 2\nname: [unclosed\n");
    let before = env.snapshot();
    let run = candidates(&env, &env.poc(), &["check", ""]);
    run.ok();
    assert_eq!(run.stderr, "");
    assert_eq!(values(&run), Vec::<String>::new());
    assert_eq!(env.snapshot(), before, "completion wrote something");
}

/// The real thing, where bash is here: the script, sourced, fills
/// COMPREPLY from the POC.
#[test]
fn bash_completes_ids_with_the_printed_script() {
    if !have("bash", runs("bash"), "the bash completion test") {
        return;
    }
    let env = TestEnv::with_example();
    let script = env.run(&["completions", "bash"]).stdout;
    env.write("poc.bash", script);
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            r#"source ../poc.bash
               COMP_WORDS=(poc blocker --resolve ""); COMP_CWORD=3; COMP_TYPE=9
               _clap_complete_poc; printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .current_dir(env.poc())
        .env("POC_NOW", &env.now)
        .output()
        .unwrap();
    let run = to_run(out);
    run.ok();
    assert_eq!(run.stdout, "B2\n", "{run:#?}");
}

/// The subcommand names `poc help` lists.
fn subcommands(env: &TestEnv) -> Vec<String> {
    let help = env.run(&["help"]).stdout;
    let listed = help.split("Commands:\n").nth(1).unwrap();
    listed
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_man_page_is_roff_and_names_every_command() {
    let env = TestEnv::new();
    let run = env.run(&["man"]);
    run.ok();
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.starts_with(".TH poc 1 "),
        "{}",
        &run.stdout[..80]
    );
    assert!(run.stdout.contains("\n.SH SUBCOMMANDS\n"));
    let names = subcommands(&env);
    assert!(names.len() >= 25, "{names:?}");
    for name in &names {
        let entry = format!("\npoc\\-{}(1)\n", name.replace('-', "\\-"));
        assert!(run.stdout.contains(&entry), "the page lacks {name}");
    }
    // Exit codes and the long help are in it.
    assert!(run.stdout.contains("Exit codes: 0 success"));
}

#[test]
fn each_command_has_its_own_page() {
    let env = TestEnv::new();
    let run = env.run(&["man", "check"]);
    run.ok();
    assert!(
        run.stdout.starts_with(".TH poc-check 1 "),
        "{}",
        &run.stdout[..80]
    );
    assert!(run.stdout.contains("\\-\\-evidence"));
    assert!(run.stdout.contains("poc check SC1 \\-\\-evidence"));
    env.run(&["man", "chek"]).code(2).first_err_is(
        "error: no command `chek`; did you mean `check`?; the commands are init, templates, config, validate, status, check, note, park, blocker, signoff, risk, measure, gap, log, update, report, calendar, checklist, advance, reopen, close, debrief, evidence, list, insights, similar, completions, man, schema, help",
    );
}

/// Where man is here, it renders the page.
#[test]
fn man_reads_the_page() {
    if !have("man", runs("man"), "the man rendering test") {
        return;
    }
    let env = TestEnv::new();
    env.write("poc.1", env.run(&["man"]).stdout);
    let out = std::process::Command::new("man")
        .args(["-l", "poc.1"])
        .current_dir(env.path())
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .unwrap();
    let run = to_run(out);
    run.ok()
        .stdout_has("poc - Run a sales proof of concept from the terminal");
}
