use crate::common::*;

#[test]
fn init_then_status_shows_day_one_in_setup() {
    let env = TestEnv::with_poc();
    env.poc_run(&["status"])
        .ok()
        .stdout_has("day 1 of 12 · phase setup");
}

/// Every command's help shows its examples one per line, as typed.
#[test]
fn help_examples_are_one_command_per_line() {
    let env = TestEnv::new();
    let commands = [
        "init",
        "templates",
        "config",
        "validate",
        "status",
        "check",
        "note",
        "park",
        "blocker",
        "log",
        "checklist",
        "advance",
        "reopen",
        "close",
        "debrief",
        "evidence",
    ];
    let mut with_examples = 0;
    for command in commands {
        let run = env.run(&[command, "--help"]);
        run.ok();
        for line in run.stdout.lines() {
            assert!(
                line.matches(&format!("poc {command}")).count() <= 1,
                "`poc {command} --help` runs examples together: {line}"
            );
        }
        let mut lines = run.stdout.lines();
        if let Some(at) = lines.position(|l| l.starts_with("Example")) {
            with_examples += 1;
            let heading = run.stdout.lines().nth(at).unwrap();
            if heading == "Examples:" {
                let examples: Vec<&str> = lines.take_while(|l| !l.is_empty()).collect();
                assert!(examples.len() >= 2, "{command}: {examples:?}");
                for e in examples {
                    assert!(e.starts_with("  poc "), "{command}: {e}");
                }
            } else {
                assert!(heading.starts_with("Example: poc "), "{command}: {heading}");
            }
        }
    }
    assert_eq!(with_examples, commands.len());
}

/// The README's Quick start shows `status` on the bundled example on
/// 2026-11-22: its summary and phase table are what that run prints (the
/// criteria table after them is wrapped to 100 columns there, and is left
/// to the terminal here).
#[test]
fn the_readme_quick_start_output_is_what_the_example_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("On 2026-11-22, in a 100-column terminal");
    let block = &readme[start.expect("the Quick start output block")..];
    let block = &block[block.find("```text\n").unwrap() + "```text\n".len()..];
    let block = &block[..block.find("```").unwrap()];
    // The summary and the phase table: everything before the criteria table.
    let shown: Vec<&str> = block
        .lines()
        .take_while(|l| !l.contains("criterion"))
        .collect();
    let shown = &shown[..shown.len() - 1];
    assert!(
        shown.len() >= 14,
        "the summary and the phase table: {shown:?}"
    );

    let env = TestEnv::new();
    let mut cmd = env.command(root, &["-C", "examples/acme-observability", "status"]);
    cmd.env("POC_NOW", "2026-11-22T12:00:00Z");
    let run = to_run(cmd.output().unwrap());
    run.ok();
    let printed: Vec<&str> = run.stdout.lines().take(shown.len()).collect();
    assert_eq!(printed, shown);
}
