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
