//! Value metrics (issue 12): `poc measure` by value and by `--run` with the
//! metric's `capture:`, the criteria a metric decides, the metrics in every
//! view (status, markdown, JSON, checklist, debrief, the customer update,
//! the HTML report), the scope's validation of them at file:line:col, and
//! `init` writing version 2.

use crate::common::*;

/// Two metrics for the standard template's POC: M1 decides SC3 and reads
/// its value from a run's output; M2 has no `capture:`.
const METRICS: &str = "metrics:
  - id: M1
    title: Time to find an incident's logs
    stream: time
    unit: min
    baseline: 25
    target: 2
    better: lower
    capture: 'found in ([0-9.]+) min'
  - id: M2
    title: Peak ingest without dropped events
    stream: risk
    unit: events/s
    baseline: 6000
    target: 10000
    better: higher
";

const SC3_TARGET: &str =
    "    target: \"p95 response time < 2 s at 50 concurrent users for 1 hour\"\n";

/// A fresh POC (standard template, day 1 is 2026-11-23) with [`METRICS`],
/// SC3 tied to M1.
fn with_metrics() -> TestEnv {
    let env = TestEnv::with_poc();
    env.edit("acme/poc.yaml", "metrics: []\n", METRICS);
    env.edit(
        "acme/poc.yaml",
        SC3_TARGET,
        &format!("{SC3_TARGET}    metric: M1\n"),
    );
    env.poc_run(&["validate"]).ok();
    env
}

/// A script in the POC folder that prints what a drill tool would: a
/// warm-up figure first, the final one last.
fn drill_script(env: &TestEnv, last: &str) {
    env.write(
        "acme/drill.sh",
        format!("echo 'warm-up: found in 9.5 min'\necho 'searching...' >&2\necho '{last}'\n"),
    );
}

#[test]
fn a_value_measured_decides_the_tied_criterion_and_a_worse_one_fails_it() {
    let mut env = with_metrics();
    env.poc_run(&[
        "measure",
        "M1",
        "1.8",
        "--evidence",
        "Incident drill, 5 searches",
    ])
    .ok()
    .stderr_has("M1: 1.8 min (baseline 25 min, target ≤ 2 min): met, 92.8% better than baseline\n")
    .stderr_has("Met: SC3 Meets the customer's performance bar (via M1)\n");
    let entry = env.journal().pop().unwrap();
    assert_eq!(entry["kind"], "measure");
    assert_eq!(entry["id"], "M1");
    assert_eq!(entry["value"], 1.8);
    assert_eq!(entry["evidence"], "Incident drill, 5 searches");
    let status = status_json(&env);
    let sc3 = criterion(&status, "SC3");
    assert_eq!(sc3["status"], "met");
    assert_eq!(sc3["metric"], "M1");
    assert_eq!(
        sc3["evidence"],
        "M1 measured 1.8 min: target ≤ 2 min met (Incident drill, 5 searches)"
    );

    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["measure", "M1", "3"])
        .ok()
        .stderr_has(
            "M1: 3 min (baseline 25 min, target ≤ 2 min): not met, 88% better than baseline\n",
        )
        .stderr_has("Failed: SC3 Meets the customer's performance bar (via M1)\n");
    let status = status_json(&env);
    assert_eq!(criterion(&status, "SC3")["status"], "failed");
    let m1 = &status["metrics"][0];
    assert_eq!(m1["latest"]["value"], 3.0);
    assert_eq!(m1["met"], false);
    assert_eq!(m1["verdict"], "not met");
    assert_eq!(m1["measurements"], 2);

    // A value recorded as of earlier does not replace the latest.
    env.at("2026-11-23T12:00:00Z");
    env.poc_run(&["measure", "M1", "1.5"])
        .ok()
        .stderr_has("Recorded as of 2026-11-23 12:00 UTC, but a value measured later (3 min, 2026-11-24 10:00 UTC) is the latest\n")
        .stderr_has("Failed: SC3");
}

#[test]
fn a_run_s_last_figure_is_the_value_and_its_log_the_proof() {
    let mut env = with_metrics();
    drill_script(&env, "found in 1.8 min");
    let log = "evidence/run-20261123T090000Z-M1.log";
    env.poc_run(&[
        "measure",
        "M1",
        "--run",
        "sh drill.sh",
        "--evidence",
        "Drill tool",
    ])
    .ok()
    .stdout_has("found in 1.8 min")
    .stderr_has("Running `sh drill.sh` in acme …\n")
    .stderr_has("M1: 1.8 min (baseline 25 min, target ≤ 2 min): met, 92.8% better than baseline\n")
    .stderr_has("Met: SC3 Meets the customer's performance bar (via M1)\n")
    .stderr_has(&format!("The run passed (exit code 0); its log is {log}\n"));
    let entry = env.journal().pop().unwrap();
    assert_eq!(entry["value"], 1.8);
    assert_eq!(entry["run"]["log"], log);
    assert_eq!(entry["run"]["command"], "sh drill.sh");
    assert_eq!(entry["run"]["exit_code"], 0);
    let kept = env.read(&format!("acme/{log}"));
    assert!(kept.contains("[out] warm-up: found in 9.5 min\n"), "{kept}");
    assert!(kept.contains("[out] found in 1.8 min\n"), "{kept}");
    env.poc_run(&["evidence", "--verify"]).ok();

    let sc3 = criterion(&status_json(&env), "SC3").clone();
    assert_eq!(sc3["status"], "met");
    assert_eq!(sc3["run"]["log"], log);
    let md = env
        .poc_run(&["status", "--format", "markdown"])
        .stdout
        .clone();
    assert!(
        md.contains(&format!("[`sh drill.sh`]({log}) exit 0")),
        "the metric and the criterion link the run's log:\n{md}"
    );

    // A run whose value misses the target records it, and exits 1 as a
    // failed `check --run` does.
    env.at("2026-11-23T10:00:00Z");
    drill_script(&env, "found in 4 min");
    env.poc_run(&["measure", "M1", "--run", "sh drill.sh"])
        .code(1)
        .stderr_has(
            "M1: 4 min (baseline 25 min, target ≤ 2 min): not met, 84% better than baseline\n",
        )
        .stderr_has("Failed: SC3");
    assert_eq!(env.journal().pop().unwrap()["value"], 4.0);
}

#[test]
fn numbers_are_finite_and_written_without_separators() {
    let env = with_metrics();
    for (value, problem) in [
        (
            "12,400",
            "write it without separators, as in `12400`, with a point for decimals, as in `1.8`",
        ),
        (
            "1_000",
            "write it without separators, as in `12400`, with a point for decimals, as in `1.8`",
        ),
        (
            "fast",
            "give a number, such as `1.8`, `12400`, `-3` or `1e3`",
        ),
        ("inf", "give a finite number, such as `1.8` or `-3`"),
        ("NaN", "give a finite number, such as `1.8` or `-3`"),
    ] {
        unchanged(&env, || {
            env.poc_run(&["measure", "M2", value])
                .code(2)
                .first_err_is(&format!(
                    "error: VALUE `{value}` is not a number: {problem} (nothing was recorded)"
                ));
        });
    }
    env.poc_run(&["measure", "M2", "1e4"]).ok();
    env.poc_run(&["measure", "M1", "-3"]).ok();
    env.poc_run(&["measure", "M2", "12400"]).ok();
    let values: Vec<f64> = (env.journal().iter())
        .filter(|e| e["kind"] == "measure")
        .map(|e| e["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [10000.0, -3.0, 12400.0]);
    // VALUE and --run are one or the other.
    unchanged(&env, || {
        env.poc_run(&["measure", "M1"]).code(2);
        env.poc_run(&["measure", "M1", "2", "--run", "true"])
            .code(2);
    });
}

#[test]
fn an_unknown_metric_is_named_with_the_metrics_there_are() {
    let env = with_metrics();
    unchanged(&env, || {
        env.poc_run(&["measure", "M3", "5"]).code(1).first_err_is(
            "error: unknown ID `M3`: no metric in poc.yaml has it; did you mean `M1`? (metrics: M1, M2; nothing was recorded)",
        );
        // A criterion decided by a metric points to it.
        env.poc_run(&["measure", "SC3", "5"]).code(1).first_err_is(
            "error: unknown ID `SC3`: no metric in poc.yaml has it; did you mean `M1`? (metrics: M1, M2; nothing was recorded)",
        );
    });
    let plain = TestEnv::with_poc();
    unchanged(&plain, || {
        plain.poc_run(&["measure", "M1", "5"]).code(1).first_err_is(
            "error: unknown ID `M1`: no metric in poc.yaml has it (poc.yaml has no `metrics:` yet; add one with its baseline and target, see `poc measure --help`; nothing was recorded)",
        );
    });
}

#[test]
fn a_metric_without_capture_cannot_be_run() {
    let env = with_metrics();
    unchanged(&env, || {
        env.poc_run(&["measure", "M2", "--run", "touch ran"]).code(2).first_err_is(
            "error: metric M2 has no `capture:` in poc.yaml, so --run cannot read its value from the output; add one, as in `capture: 'p95=([0-9.]+) ms'`, or give the VALUE measured (nothing was run)",
        );
    });
}

#[test]
fn a_run_that_fails_or_prints_no_value_records_nothing_and_keeps_its_log() {
    let env = with_metrics();
    let entries = env.journal().len();
    let log = |n: &str| format!("evidence/run-20261123T090000Z-M1{n}.log");

    env.poc_run(&["measure", "M1", "--run", "echo all good"])
        .code(1)
        .stderr_has(&format!(
            "\nerror: the run passed, but nothing in its output matches `capture: found in ([0-9.]+) min`, so nothing was recorded for M1; its log is kept at {}",
            log("")
        ));
    assert!(
        env.read(&format!("acme/{}", log("")))
            .contains("[out] all good")
    );

    env.poc_run(&["measure", "M1", "--run", "echo found in 1.5 min; exit 3"])
        .code(1)
        .stderr_has(&format!(
            "\nerror: the run failed (exit code 3), so nothing was recorded for M1; its log is kept at {0}; it printed 1.5 min: to record that value anyway, `poc measure M1 1.5 --attach {0}`",
            log("-1")
        ));

    env.poc_run(&["measure", "M1", "--run", "sleep 5", "--timeout", "1"])
        .code(1)
        .stderr_has(&format!(
            "\nerror: the run failed (timed out after 1 s), so nothing was recorded for M1; its log is kept at {}",
            log("-2")
        ));

    // What the group caught must be a number too.
    env.edit(
        "acme/poc.yaml",
        "\n    capture: 'found in ([0-9.]+) min'",
        "\n    capture: 'found in (\\S+) min'",
    );
    env.poc_run(&["measure", "M1", "--run", "echo found in 1,8 min"])
        .code(1)
        .stderr_has(&format!(
            "\nerror: the run passed, but `capture` caught `1,8`, which is not a number (write it without separators, as in `12400`, with a point for decimals, as in `1.8`), so nothing was recorded for M1; its log is kept at {}",
            log("-3")
        ));

    assert_eq!(env.journal().len(), entries, "nothing was recorded");
    assert_eq!(criterion(&status_json(&env), "SC3")["status"], "pending");
}

#[test]
fn attached_files_are_stored_as_check_stores_them() {
    let env = with_metrics();
    env.write("loadtest.csv", "rate\n12400\n");
    let run = env.poc_run(&["measure", "M2", "12400", "--attach", "loadtest.csv"]);
    run.ok().stderr_has("Attached loadtest.csv as evidence/");
    let entry = env.journal().pop().unwrap();
    let stored = entry["files"][0]["path"].as_str().unwrap().to_string();
    assert!(stored.starts_with("evidence/") && stored.ends_with("-loadtest.csv"));
    assert_eq!(env.read(&format!("acme/{stored}")), "rate\n12400\n");
    // A missing file records nothing.
    unchanged(&env, || {
        env.poc_run(&["measure", "M2", "1", "--attach", "gone.csv"])
            .code(1)
            .first_err_is("error: --attach gone.csv: no such file (nothing was recorded)");
    });
}

#[test]
fn a_closed_poc_takes_no_measurement() {
    let env = with_metrics();
    env.poc_run(&forced_close("loss", "budget moved")).ok();
    unchanged(&env, || {
        env.poc_run(&["measure", "M1", "1"]).code(1);
    });
}

/// M1 measured 1.8 with evidence on day 1; M2 never.
fn measured_once() -> TestEnv {
    let env = with_metrics();
    env.poc_run(&["measure", "M1", "1.8", "--evidence", "Incident drill"])
        .ok();
    env
}

#[test]
fn status_shows_baseline_latest_and_target_with_the_improvement() {
    let env = measured_once();
    let table = env.poc_run(&["status"]).stdout.clone();
    let after_criteria = &table[pos(&table, "SC4")..];
    for cell in [
        "│ M1 ┆ Time to find an incident's",
        "25 min → 1.8 min → ≤ 2 min",
        "92.8% better",
        "┆ met",
        "not measured",
    ] {
        assert!(after_criteria.contains(cell), "{cell:?} in\n{table}");
    }
    assert!(table.contains("(via M1)"), "{table}");

    let md = env
        .poc_run(&["status", "--format", "markdown"])
        .stdout
        .clone();
    assert_tables_are_whole(&md);
    let metrics = &md[pos(&md, "## Value metrics")..];
    assert!(pos(&md, "## Success criteria") < pos(&md, "## Value metrics"));
    assert!(metrics.contains(
        "| M1 | Time to find an incident's logs (decides SC3) | time | 25 min → 1.8 min → ≤ 2 min | 92.8% better | met | 2026-11-23: Incident drill |"
    ), "{metrics}");
    assert!(metrics.contains(
        "| M2 | Peak ingest without dropped events | risk | 6000 events/s → not measured → ≥ 10000 events/s |  | not measured |  |"
    ), "{metrics}");
    assert!(md.contains("| SC3 | Meets the customer's performance bar (via M1) |"));

    let json = status_json(&env);
    let m1 = &json["metrics"][0];
    assert_eq!(m1["progress"], "25 min → 1.8 min → ≤ 2 min");
    assert_eq!(m1["improvement"], "92.8% better");
    assert!((m1["improvement_percent"].as_f64().unwrap() - 92.8).abs() < 1e-9);
    assert_eq!(m1["criteria"], serde_json::json!(["SC3"]));
    assert_eq!(json["metrics"][1]["latest"], serde_json::Value::Null);
    assert_eq!(json["metrics"][1]["verdict"], "not measured");
}

#[test]
fn the_checklist_and_the_debrief_show_the_value_delivered() {
    let env = measured_once();
    let checklist = env.poc_run(&["checklist"]).stdout.clone();
    assert!(pos(&checklist, "## Success criteria") < pos(&checklist, "## Value metrics"));
    assert!(checklist.contains(
        "- [x] **M1** Time to find an incident's logs (time; decides SC3): 25 min → 1.8 min → ≤ 2 min, 92.8% better — met 2026-11-23: Incident drill\n"
    ), "{checklist}");
    assert!(checklist.contains(
        "- [ ] **M2** Peak ingest without dropped events (risk): 6000 events/s → not measured → ≥ 10000 events/s — not measured yet\n"
    ), "{checklist}");
    assert!(checklist.contains("(should, via M1)"), "{checklist}");

    let debrief = env.close_and_debrief("win", "the musts were shown on day 1");
    let summary = section(&debrief, "## 1. Outcome summary", "## 2. What worked");
    assert!(summary.contains("Value delivered, by stream (baseline → actual → target):"));
    assert!(summary.contains(
        "- **Time**: **M1** Time to find an incident's logs: 25 min → 1.8 min → ≤ 2 min: met, 92.8% better than baseline; decides SC3\n"
    ), "{summary}");
    assert!(summary.contains(
        "- **Risk**: **M2** Peak ingest without dropped events: baseline 6000 events/s, target ≥ 10000 events/s: never measured\n"
    ), "{summary}");
    assert!(pos(summary, "**Time**") < pos(summary, "**Risk**"));
}

#[test]
fn the_update_reports_the_values_measured_in_its_period() {
    let mut env = measured_once();
    let text = env.poc_run(&["update"]).stdout.clone();
    let measured = section(&text, "VALUE MEASURED", "NEXT");
    assert!(pos(&text, "SUCCESS CRITERIA MET") < pos(&text, "VALUE MEASURED"));
    for line in [
        "- M1 Time to find an incident's logs (measured 2026-11-23)\n",
        "  Result: 25 min → 1.8 min → ≤ 2 min: met, 92.8% better than baseline\n",
        "  Decides: SC3\n",
        "  Evidence: Incident drill\n",
    ] {
        assert!(measured.contains(line), "{line:?} in\n{text}");
    }
    let met = section(&text, "SUCCESS CRITERIA MET", "VALUE MEASURED");
    assert!(
        met.contains("- SC3 Meets the customer's performance bar"),
        "{text}"
    );
    assert!(met.contains("Evidence: M1 measured 1.8 min: target ≤ 2 min met (Incident drill)"));

    let json = env.poc_run(&["update", "--format", "json"]).json();
    assert_eq!(json["metrics_measured"][0]["id"], "M1");
    assert_eq!(json["metrics_measured"][0]["value"], 1.8);
    assert_eq!(json["metrics_measured"][0]["met"], true);

    // A worse value later is news: the metric and the failed criterion.
    env.poc_run(&["update", "--record"]).ok();
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["measure", "M1", "3"]).ok();
    let text = env.poc_run(&["update"]).stdout.clone();
    assert!(
        text.contains("  Result: 25 min → 3 min → ≤ 2 min: not met, 88% better than baseline\n"),
        "{text}"
    );
    let failed = section(&text, "FAILED, AND WHAT IS BEING DONE", "NEXT");
    assert!(
        failed.contains("- SC3 Meets the customer's performance bar (failed 2026-11-24)"),
        "{text}"
    );

    // Nothing measured since: no section.
    env.poc_run(&["update", "--record"]).ok();
    env.at("2026-11-25T09:00:00Z");
    let text = env.poc_run(&["update"]).stdout.clone();
    assert!(!text.contains("VALUE MEASURED"), "{text}");
}

#[test]
fn the_html_report_has_a_value_metrics_section_after_the_criteria() {
    let env = measured_once();
    let page = env.poc_run(&["report", "--out", "-"]).stdout.clone();
    assert!(pos(&page, "<section id=\"criteria\">") < pos(&page, "<section id=\"metrics\">"));
    let metrics = section(&page, "<section id=\"metrics\">", "</section>");
    assert!(metrics.contains("<tr class=\"metric\" data-id=\"M1\" data-status=\"met\">"));
    assert!(metrics.contains("<td>25 min → 1.8 min → ≤ 2 min</td>"));
    assert!(metrics.contains("92.8% better"));
    assert!(metrics.contains("<tr class=\"metric\" data-id=\"M2\" data-status=\"pending\">"));
    assert!(page.contains("Measured by M1"));
    // No metrics, no section.
    let plain = TestEnv::with_poc();
    let page = plain.poc_run(&["report", "--out", "-"]).stdout.clone();
    assert!(!page.contains("id=\"metrics\""));
}

/// Line and column of the first `needle` in `text`, 1-based.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = pos(text, needle);
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn validate_points_at_metrics_that_cannot_work() {
    let env = with_metrics();
    let scope = env.read("acme/poc.yaml");

    // A version 1 file using metrics is told to say version 2.
    let v1 = (scope.replacen("version: 2\n", "version: 1\n", 1))
        .replacen("\nsignoffs: []\n", "\n", 1)
        .replacen("\nrisks: []\n", "\n", 1);
    env.write("acme/poc.yaml", &v1);
    // At the section's first entry.
    let (line, _) = line_col(&v1, "\n  - id: M1");
    env.poc_run(&["validate"]).code(1).stderr_has(&format!(
        "poc.yaml:{}:3: `metrics` is new in version 2; set `version: 2` at the top of the file",
        line + 1
    ));

    // `better` that contradicts baseline and target.
    let contradicting = scope.replacen("    better: lower\n", "    better: higher\n", 1);
    env.write("acme/poc.yaml", &contradicting);
    let (line, col) = line_col(&contradicting, "    better: higher");
    env.poc_run(&["validate"]).code(1).stderr_has(&format!(
        "poc.yaml:{line}:{}: `better: higher` but the target (2) is not above the baseline (25); fix the target or `better`",
        col + "    better: ".len()
    ));

    // A capture that does not compile, or has no group.
    for (capture, problem) in [
        (
            "'found in ([0-9.]+ min'",
            "`capture` is not a valid regular expression: unclosed group",
        ),
        (
            "'found in [0-9.]+ min'",
            "`capture` has no group: put the number in parentheses, as in `p95=([0-9.]+) ms`",
        ),
    ] {
        let bad = scope.replacen(
            "\n    capture: 'found in ([0-9.]+) min'",
            &format!("\n    capture: {capture}"),
            1,
        );
        env.write("acme/poc.yaml", &bad);
        let (line, col) = line_col(&bad, capture);
        env.poc_run(&["validate"])
            .code(1)
            .stderr_has(&format!("poc.yaml:{line}:{col}: {problem}\n"));
    }

    // A criterion naming a metric that is not there.
    let unknown = scope.replacen("    metric: M1\n", "    metric: M9\n", 1);
    env.write("acme/poc.yaml", &unknown);
    let (line, col) = line_col(&unknown, "M9");
    env.poc_run(&["validate"]).code(1).stderr_has(&format!(
        "poc.yaml:{line}:{col}: criterion SC3 names the unknown metric `M9`; did you mean `M1`?"
    ));
}

/// The commented example of `section` in a scope written by `init`,
/// uncommented.
fn example_of(scope: &str, section: &str) -> String {
    let mut lines = scope
        .lines()
        .skip_while(|l| *l != format!("#   {section}:"));
    let mut out = String::new();
    if let Some(first) = lines.next() {
        out.push_str(&first[4..]);
        out.push('\n');
    }
    for l in lines.take_while(|l| l.starts_with("#     ")) {
        out.push_str(&l[4..]);
        out.push('\n');
    }
    assert!(
        out.lines().count() > 1,
        "no example of `{section}`:\n{scope}"
    );
    out
}

#[test]
fn init_writes_version_2_with_examples_of_each_new_section() {
    let env = TestEnv::new();
    for (template, tied) in [("standard", "SC3"), ("kubernetes", "SC1")] {
        env.run(&[
            "init",
            template,
            "--prospect",
            "Acme",
            "--template",
            template,
        ])
        .ok();
        env.run(&["-C", template, "validate"])
            .ok()
            .stdout_has("(0 warnings)");
        let file = format!("{template}/poc.yaml");
        let scope = env.read(&file);
        assert!(scope.contains("\nversion: 2\n"), "{scope}");
        for section in ["metrics", "signoffs", "risks"] {
            assert!(scope.contains(&format!("\n{section}: []\n")), "{scope}");
        }
        assert!(
            scope.contains("#   metric: "),
            "a criterion's `metric` is explained"
        );

        // Each example, uncommented, is a valid scope, with the criterion
        // it names tied to the example metric.
        let mut filled = scope.clone();
        for section in ["metrics", "signoffs", "risks"] {
            filled = filled.replacen(
                &format!("\n{section}: []\n"),
                &format!("\n{}", example_of(&scope, section)),
                1,
            );
        }
        let id = format!("  - id: {tied}\n");
        filled = filled.replacen(&id, &format!("{id}    metric: M1\n"), 1);
        env.write(&file, &filled);
        let run = env.run(&["-C", template, "validate"]);
        run.ok().stdout_has("(0 warnings)");
        let status = env
            .run(&["-C", template, "status", "--format", "json"])
            .json();
        assert_eq!(status["metrics"][0]["id"], "M1");
        assert_eq!(status["signoffs"].as_array().unwrap().len(), 3);
        assert_eq!(status["risks"][0]["id"], "R1");
        assert_eq!(criterion(&status, tied)["metric"], "M1");
    }
}

#[test]
fn the_bundled_example_measures_both_metrics() {
    let mut env = TestEnv::with_example();
    env.at("2026-11-24T15:00:00Z");
    env.poc_run(&["validate"]).ok().stdout_has("(0 warnings)");
    let status = status_json(&env);
    let progress: Vec<&str> = (status["metrics"].as_array().unwrap().iter())
        .map(|m| m["progress"].as_str().unwrap())
        .collect();
    assert_eq!(
        progress,
        [
            "25 min → 1.8 min → ≤ 2 min",
            "6000 events/s → 12400 events/s → ≥ 10000 events/s"
        ]
    );
    let sc2 = criterion(&status, "SC2");
    assert_eq!(sc2["status"], "met");
    assert_eq!(sc2["metric"], "M2");
}

#[test]
fn a_target_edited_afterwards_rewrites_no_result_and_validate_says_so() {
    let env = with_metrics();
    env.poc_run(&["measure", "M1", "1.8"]).ok();
    let entry = env.journal().pop().unwrap();
    assert_eq!(entry["target"], 2.0);
    assert_eq!(entry["better"], "lower");
    // Tightened afterwards: SC3 keeps the verdict it was measured with.
    env.edit("acme/poc.yaml", "    target: 2\n", "    target: 1\n");
    let status = status_json(&env);
    let sc3 = criterion(&status, "SC3");
    assert_eq!(sc3["status"], "met");
    assert_eq!(sc3["evidence"], "M1 measured 1.8 min: target ≤ 2 min met");
    env.poc_run(&["validate"]).ok().stderr_has(
        "journal.yaml:3: M1 was measured against the target ≤ 2 min, but poc.yaml now says ≤ 1 min; its criteria keep the verdict of then: measure again to judge it by the new target",
    );
    let json = env.poc_run(&["validate", "--format", "json"]).ok().json();
    assert_eq!(json["warnings"][0]["code"], "metric-target-changed");
    // An entry from before targets were recorded is judged by the scope's.
    let text = env.read("acme/journal.yaml");
    env.write(
        "acme/journal.yaml",
        text.replace(",\"target\":2.0,\"better\":\"lower\"", "")
            .replace(",\"target\":2,\"better\":\"lower\"", ""),
    );
    assert!(!env.read("acme/journal.yaml").contains("target"));
    assert_eq!(criterion(&status_json(&env), "SC3")["status"], "failed");
    let quiet = env.poc_run(&["validate"]);
    assert!(
        !quiet.ok().stderr.contains("measured against"),
        "{quiet:#?}"
    );
}

#[test]
fn a_criterion_a_metric_decides_is_measured_not_checked() {
    let env = with_metrics();
    unchanged(&env, || {
        env.poc_run(&["check", "SC3"]).code(1).first_err_is(
            "error: SC3 is decided by M1 (not measured yet): record a value with `poc measure M1 VALUE` (nothing was recorded)",
        );
    });
    env.poc_run(&["measure", "M1", "3"]).ok();
    unchanged(&env, || {
        for args in [&["check", "SC3"][..], &["check", "SC1", "SC3", "--fail"]] {
            env.poc_run(args).code(1).first_err_is(
                "error: SC3 is decided by M1 (latest 3 min, not met): record a value with `poc measure M1 VALUE` (nothing was recorded)",
            );
        }
    });
    // Undoing stays allowed.
    env.poc_run(&["check", "SC3", "--undo"])
        .ok()
        .stderr_has("Back to pending: SC3");
    // Where what is left is listed, it says how to decide it.
    env.poc_run(&["check"])
        .ok()
        .stdout_has("— `poc measure M1 VALUE`\n");
}

#[test]
fn capture_anchors_at_lines_and_says_why_it_read_nothing() {
    let env = with_metrics();
    env.edit(
        "acme/poc.yaml",
        "\n    capture: 'found in ([0-9.]+) min'",
        "\n    capture: '^p95=([0-9.]+)?$'",
    );
    // `^` and `$` anchor at each line of the output.
    env.poc_run(&[
        "measure",
        "M1",
        "--run",
        "echo start; echo p95=1.5; echo end",
    ])
    .ok()
    .stderr_has("M1: 1.5 min");
    // Matched, but the group caught nothing: said as such.
    env.poc_run(&["measure", "M1", "--run", "echo p95="])
        .code(1)
        .stderr_has("error: the run passed, but the last match of `capture: ^p95=([0-9.]+)?$` in its output caught nothing in its first group, so nothing was recorded for M1");
    // A log over the cap may have lost the value in its middle.
    let _alone = alone();
    let middle = "yes filler | head -n 1500000; echo p95=1.2; yes filler | head -n 1500000";
    env.poc_run(&["measure", "M1", "--run", middle])
        .code(1)
        .stderr_has("nothing in its output matches `capture: ^p95=([0-9.]+)?$` (the output was over the log's 16 MiB cap and its middle was left out: the value may have been in the part cut), so nothing was recorded");
}

#[test]
fn a_value_that_misses_the_target_never_reads_as_meeting_it() {
    let env = with_metrics();
    env.edit(
        "acme/poc.yaml",
        "    baseline: 25\n",
        "    baseline: 2.0001\n",
    );
    env.poc_run(&["measure", "M1", "2.0004"])
        .ok()
        .stderr_has("M1: 2.0004 min (baseline 2.0001 min, target ≤ 2 min): not met, 0.01% worse than baseline\n")
        .stderr_has("Failed: SC3");
    let status = status_json(&env);
    assert_eq!(
        criterion(&status, "SC3")["evidence"],
        "M1 measured 2.0004 min: target ≤ 2 min not met"
    );
    // Not met, and not said "100% better" either.
    env.edit(
        "acme/poc.yaml",
        "    baseline: 2.0001\n",
        "    baseline: 25\n",
    );
    env.edit("acme/poc.yaml", "    target: 2\n", "    target: 0\n");
    env.poc_run(&["measure", "M1", "0.001"]).ok().stderr_has(
        "M1: 0.001 min (baseline 25 min, target ≤ 0 min): not met, 99.996% better than baseline\n",
    );
    assert_eq!(
        status_json(&env)["metrics"][0]["improvement"],
        "99.996% better"
    );
}
