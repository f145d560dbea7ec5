//! `poc report`: the HTML page, where it is written and what it refuses,
//! what it holds, and (with headless Chromium, when installed) what a
//! browser makes of it: the timeline's bars where the plan and the journal
//! put them, user markup as text, and a screenshot of the bundled example.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::*;

/// What every report is: one page, nothing that runs, nothing fetched.
#[track_caller]
pub(crate) fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    let lower = html.to_lowercase();
    for banned in [
        "<script",
        "javascript:",
        "<iframe",
        "<object",
        "<embed",
        "<link",
        "@import",
    ] {
        assert!(
            !lower.contains(banned),
            "the report holds {banned:?}:\n{html}"
        );
    }
    // No URL at all: not even the SVG namespace, which HTML does not need.
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "{html}"
    );
    for tag in tags(html, "") {
        for (name, value) in &tag {
            assert!(!name.starts_with("on"), "an event handler {name}={value:?}");
            if name == "src" || name == "href" {
                assert!(
                    !value.contains(':') && !value.starts_with("//"),
                    "{name}={value:?} is not a relative link"
                );
            }
        }
    }
    assert!(
        !html.contains("&amp;lt;") && !html.contains("&amp;amp;"),
        "escaped twice:\n{html}"
    );
}

/// The attributes of every `<TAG …>` in `html` (every tag, for ""), as
/// written in the file or as Chromium serialises its DOM: double-quoted.
pub(crate) fn tags(html: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{tag}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        let name_ends = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/');
        if !tag.is_empty() && name_ends != Some(0) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        out.push(attributes(&rest[..end]));
    }
    out
}

fn attributes(mut inside: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    while let Some(eq) = inside.find("=\"") {
        let name = inside[..eq]
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("");
        let value_starts = eq + 2;
        let len = inside[value_starts..].find('"').unwrap_or(0);
        attrs.insert(
            name.to_lowercase(),
            inside[value_starts..value_starts + len].to_string(),
        );
        inside = &inside[value_starts + len + 1..];
    }
    attrs
}

/// The `<rect class="CLASS">`s in document order: (phase, [x, width,
/// data-from, data-to]).
fn bars(html: &str, class: &str) -> Vec<(String, [i64; 4])> {
    let num = |r: &BTreeMap<String, String>, k: &str| -> i64 {
        r[k].parse().unwrap_or_else(|_| panic!("{k} of {r:?}"))
    };
    tags(html, "rect")
        .into_iter()
        .filter(|r| r.get("class").is_some_and(|c| c == class))
        .map(|r| {
            let bar = [
                num(&r, "x"),
                num(&r, "width"),
                num(&r, "data-from"),
                num(&r, "data-to"),
            ];
            (r["data-phase"].clone(), bar)
        })
        .collect()
}

/// The timeline's scale: (left margin, units per day).
fn scale(html: &str) -> (i64, i64) {
    let svg = &tags(html, "svg")[0];
    (
        svg["data-left"].parse().unwrap(),
        svg["data-px-per-day"].parse().unwrap(),
    )
}

/// The standard template's planned windows.
const PLANNED: [(&str, (i64, i64)); 5] = [
    ("setup", (1, 2)),
    ("deployment", (2, 4)),
    ("validation", (4, 7)),
    ("integration", (7, 10)),
    ("signoff", (10, 12)),
];

/// The actual stretches of `poc_in_signoff` closed on day 12.
const CLOSED_DAY_12: [(&str, i64, i64); 5] = [
    ("setup", 1, 1),
    ("deployment", 1, 3),
    ("validation", 3, 6),
    ("integration", 6, 10),
    ("signoff", 10, 12),
];

/// Asserts the timeline in `html`: five planned bars on the standard
/// windows, and an actual bar for each stretch in `actual` as (phase,
/// first day, last day), in that order, where the geometry puts them.
#[track_caller]
fn assert_timeline(html: &str, actual: &[(&str, i64, i64)]) {
    let (left, per_day) = scale(html);
    let at = |phase: &str, from: i64, to: i64| {
        let bar = [
            left + (from - 1) * per_day,
            (to - from + 1) * per_day,
            from,
            to,
        ];
        (phase.to_string(), bar)
    };
    let planned: Vec<_> = PLANNED.iter().map(|(p, (f, t))| at(p, *f, *t)).collect();
    assert_eq!(bars(html, "planned"), planned, "planned");
    let expected: Vec<_> = actual.iter().map(|(p, f, t)| at(p, *f, *t)).collect();
    assert_eq!(bars(html, "actual"), expected, "actual");
}

#[test]
fn report_is_written_in_the_poc_folder_and_written_over_next_time() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-24T10:00:00Z");
    let run = env.poc_run(&["report"]);
    run.ok().first_err_is(
        "Wrote acme/report.html: Day 2 of 12 · Environment setup (planned days 1–2) · on time. Open it in a browser, or print it to PDF to send.",
    );
    assert_eq!(run.stdout, "");
    let first = env.read("acme/report.html");
    assert_self_contained(&first);
    assert_timeline(&first, &[("setup", 1, 2)]);
    assert!(first.contains("<h1>Acme Corp POC</h1>"), "{first}");

    // Generated, so the next report replaces it.
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&["note", "Kickoff moved to Thursday"]).ok();
    env.run_at("acme", &["report"])
        .ok()
        .first_err_is("Wrote report.html: Day 3 of 12 · Environment setup (planned days 1–2) · 1 day late. Open it in a browser, or print it to PDF to send.");
    let second = env.read("acme/report.html");
    assert!(second.contains("Kickoff moved to Thursday"), "{second}");
    assert_timeline(&second, &[("setup", 1, 3)]);
    assert!(second.contains(">current · 1 day late</text>"), "{second}");
}

#[test]
fn report_to_stdout_writes_nothing() {
    let env = TestEnv::with_poc();
    let run = unchanged(&env, || env.poc_run(&["report", "--out", "-"]));
    run.ok();
    assert_eq!(run.stderr, "");
    assert_self_contained(&run.stdout);
    assert!(run.stdout.trim_end().ends_with("</html>"));
}

/// `--out` never names the POC's own files, a folder or a link; nothing is
/// written then.
#[cfg(unix)]
#[test]
fn report_out_refuses_the_poc_files_folders_and_links() {
    let mut env = TestEnv::with_poc();
    std::fs::create_dir_all(env.poc().join("evidence")).unwrap();
    env.write("acme/evidence/x.html", "kept");
    env.write("acme/debrief.md", "# my debrief");
    env.write("notes.html", "<p>my notes</p>");
    std::os::unix::fs::symlink("debrief.md", env.poc().join("link.html")).unwrap();
    std::fs::hard_link(env.poc().join("journal.yaml"), env.path().join("jl.html")).unwrap();
    env.write("other/poc.yaml", "another POC's scope");
    std::fs::create_dir_all(env.path().join("other/evidence")).unwrap();
    let refusal = |file: &str| {
        format!("{file} is a POC file, not a report; refusing to write it (nothing was changed)")
    };
    for (cwd, out, expected) in [
        ("acme", "poc.yaml", format!("error: --out poc.yaml: {}", refusal("poc.yaml"))),
        ("acme", "journal.yaml", format!("error: --out journal.yaml: {}", refusal("journal.yaml"))),
        ("acme", "debrief.md", format!("error: --out debrief.md: {}", refusal("debrief.md"))),
        (".", "acme/poc.yaml", format!("error: --out acme/poc.yaml: {}", refusal("poc.yaml"))),
        // A case-insensitive file system would find the journal by this name.
        ("acme", "Journal.YAML", format!("error: --out Journal.YAML: {}", refusal("journal.yaml"))),
        // Another POC's evidence.
        (
            ".",
            "other/evidence/x.html",
            "error: --out other/evidence/x.html: is inside a POC's evidence folder, which poc keeps; refusing to write it (nothing was changed)".into(),
        ),
        // The journal itself, under another name.
        (".", "jl.html", format!("error: --out jl.html: {}", refusal("journal.yaml"))),
        (
            ".",
            "notes.html",
            "error: --out notes.html: is there and is not a report poc wrote; refusing to replace it (nothing was changed). Name another file, or remove it first".into(),
        ),
        (
            "acme",
            "evidence/x.html",
            "error: --out evidence/x.html: is inside a POC's evidence folder, which poc keeps; refusing to write it (nothing was changed)".into(),
        ),
        (
            ".",
            "acme",
            "error: --out acme: is a folder; name the file to write, such as acme/report.html (nothing was changed)".into(),
        ),
        (
            "acme",
            "link.html",
            "error: --out link.html: is a symbolic link, not a regular file; poc writes only to a regular file or a new path (`-` for stdout) (nothing was changed)".into(),
        ),
    ] {
        let mut args = if cwd == "." { vec!["-C", "acme"] } else { vec![] };
        args.extend(["report", "--out", out]);
        let run = unchanged(&env, || env.run_at(cwd, &args));
        run.code(1);
        assert_eq!(run.first_err_line(), expected, "from {cwd}: {args:?}");
    }
    // A report it wrote is replaced.
    env.poc_run(&["report", "--out", "mine.html"]).ok();
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["report", "--out", "mine.html"]).ok();
    assert!(env.read("mine.html").contains("Day 2 of 12"));
}

#[test]
fn report_out_elsewhere_links_the_evidence_from_there() {
    let env = TestEnv::with_poc();
    env.write("shots/dash board.png", b"PNG bytes");
    check(
        &env,
        &[
            "SC1",
            "--attach",
            "shots/dash board.png",
            "--evidence",
            "3 of 3 clusters",
        ],
    );
    std::fs::create_dir_all(env.path().join("reports")).unwrap();
    env.poc_run(&["report", "--out", "reports/acme.html"])
        .ok()
        .stderr_has("Wrote reports/acme.html: ");
    let html = env.read("reports/acme.html");
    assert_self_contained(&html);
    let stored = env.journal().last().unwrap()["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let links: Vec<String> = (tags(&html, "a").into_iter())
        .filter_map(|a| a.get("href").cloned())
        .collect();
    let expected = format!("../acme/{}", stored.replace(' ', "%20"));
    assert_eq!(links, [expected]);
    // The link, decoded, opens the stored file from where the report is.
    let linked = env.path().join("reports").join(format!("../acme/{stored}"));
    assert!(linked.exists(), "{}", linked.display());
    assert!(html.contains(">dash board.png</a>"), "{html}");

    // Written in the POC folder, the link starts there.
    env.poc_run(&["report"]).ok();
    let html = env.read("acme/report.html");
    assert!(
        html.contains(&format!("href=\"{}\"", stored.replace(' ', "%20"))),
        "{html}"
    );
}

/// The prospect, the scope and the journal hold markup, quotes, control and
/// bidirectional characters: all of it shows as text, escaped once.
#[test]
fn markup_in_user_text_is_text() {
    let env = poc_of_prospect("<script>alert(1)</script>");
    env.edit(
        "acme/poc.yaml",
        "stakeholders: []",
        "stakeholders:\n  - {name: \"Ann \\\"<b>\\\" O'Neil\", role: \"CTO & buyer\", side: vendor}",
    );
    env.poc_run(&[
        "note",
        "<img src=x onerror=alert(2)> a\u{202e}b \u{1b}[31m & x",
    ])
    .ok();
    env.poc_run(&["park", "</li></ul><h1>pwned</h1>"]).ok();
    env.poc_run(&["report"]).ok();
    let html = env.read("acme/report.html");
    assert_self_contained(&html);
    assert!(
        html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; POC</h1>"),
        "{html}"
    );
    assert!(
        !html.contains("<img") && !html.contains("<h1>pwned"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(2)&gt; a\u{fffd}b \u{fffd}[31m &amp; x"),
        "{html}"
    );
    assert!(
        html.contains(
            "<td>Ann &quot;&lt;b&gt;&quot; O&#39;Neil</td><td>CTO &amp; buyer</td><td>vendor</td>"
        ),
        "{html}"
    );
    assert!(!html.contains('\u{202e}') && !html.contains('\u{1b}'));
}

#[test]
fn a_closed_poc_shows_the_outcome_and_when_the_debrief_is_due() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&[
        "close",
        "--outcome",
        "win",
        "--reason",
        "Marcus approved the purchase",
    ])
    .ok();
    env.at("2026-12-05T10:00:00Z");
    env.poc_run(&["report"]).ok().first_err_is(
        "Wrote acme/report.html: Closed: Technical Win on 2026-12-04, in signoff, after 12 days. Open it in a browser, or print it to PDF to send.",
    );
    let html = env.read("acme/report.html");
    assert_self_contained(&html);
    assert!(html.contains("<p class=\"standing win\">Closed: Technical Win on 2026-12-04, in signoff, after 12 days</p>"), "{html}");
    assert!(
        html.contains("<p>Marcus approved the purchase</p>"),
        "{html}"
    );
    assert!(
        html.contains("<dd class=\"debrief\">due in 24 h (2026-12-06 10:00 UTC)</dd>"),
        "{html}"
    );
    // The close is marked; today is not, and every phase ran to its end.
    assert!(
        html.contains("<line class=\"closed\" data-day=\"12\""),
        "{html}"
    );
    assert!(!html.contains("class=\"today\""), "{html}");
    assert_timeline(&html, &CLOSED_DAY_12);

    env.poc_run(&["debrief"]).ok();
    env.poc_run(&["report"]).ok();
    assert!(
        env.read("acme/report.html")
            .contains("<dd class=\"debrief\">written (debrief.md, due 2026-12-06 10:00 UTC)</dd>")
    );
}

#[test]
fn a_poc_cut_short_and_forced_says_so_in_words() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["advance", "--force", "--reason", "access came late"])
        .ok();
    env.at("2026-11-27T16:00:00Z");
    env.poc_run(&forced_close("loss", "prospect chose Vendor X"))
        .ok();
    let html = env.poc_run(&["report", "--out", "-"]).ok().stdout.clone();
    assert!(
        html.contains("class=\"label forced\"") && html.contains(">forced</text>"),
        "{html}"
    );
    assert!(html.contains("class=\"label cut-short\""), "{html}");
    assert!(html.contains(">cut short · 1 day late</text>"), "{html}");
    assert!(html.contains("data-state=\"cut short\""), "{html}");
    assert_timeline(&html, &[("setup", 1, 2), ("deployment", 2, 5)]);
}

#[test]
fn a_poc_before_day_1_says_when_it_starts() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-20T09:00:00Z");
    env.poc_run(&["report"])
        .ok()
        .first_err_is("Wrote acme/report.html: Starts 2026-11-23, in 3 days. Open it in a browser, or print it to PDF to send.");
    let html = env.read("acme/report.html");
    assert_self_contained(&html);
    assert!(
        html.contains("<p class=\"standing\">Starts 2026-11-23, in 3 days</p>"),
        "{html}"
    );
    assert_eq!(bars(&html, "planned").len(), 5);
    assert!(bars(&html, "actual").is_empty(), "{html}");
    assert!(!html.contains("class=\"today\""), "{html}");
    // No criteria met, no stakeholders, blockers, parked requests or notes.
    for empty in [
        "None open.",
        "No stakeholders in the scope yet.",
        "No notes yet.",
    ] {
        assert!(html.contains(empty), "{empty}: {html}");
    }
}

// --- In a real browser. ---

/// The target folder, where the screenshot goes.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Runs headless Chromium on the page `file` with `args`, killed after a
/// minute so that a hung browser fails the test; None (after a note) when
/// Chromium is not installed, unless POC_TEST_REQUIRE_TOOLS says it must be.
pub(crate) fn chromium(args: &[&str], file: &Path) -> Option<Run> {
    if !have(
        "chromium",
        runs("chromium"),
        "the browser checks of the HTML pages",
    ) {
        return None;
    }
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!(
        "--user-data-dir={}",
        home.path().join("profile").display()
    ))
    .args(args)
    .arg(format!("file://{}", file.canonicalize().unwrap().display()))
    .env("HOME", home.path());
    let run = run_within(cmd, Duration::from_secs(60), "chromium");
    run.ok();
    Some(run)
}

/// A new POC in `acme/` for `prospect`, from day 1 on 2026-11-23.
fn poc_of_prospect(prospect: &str) -> TestEnv {
    let env = TestEnv::new();
    env.run(&[
        "init",
        "acme",
        "--prospect",
        prospect,
        "--start",
        "2026-11-23",
    ])
    .ok();
    env
}

/// The bundled example in `acme/`, on day 9.
fn example() -> TestEnv {
    let mut env = TestEnv::with_example();
    env.at("2026-11-24T15:00:00Z");
    env
}

#[test]
fn in_a_browser_the_timeline_matches_the_plan_and_the_journal() {
    let env = example();
    env.poc_run(&["report"]).ok();
    let page = env.poc().join("report.html");
    let Some(dom) = chromium(&["--dump-dom"], &page) else {
        return;
    };
    let dom = dom.stdout;
    assert!(dom.contains("<svg"), "{dom}");
    // Day 9 of 12: setup done, deployment forced, validation current and
    // 2 days late, the rest ahead.
    assert_timeline(
        &dom,
        &[("setup", 1, 2), ("deployment", 2, 4), ("validation", 4, 9)],
    );
    let (left, per_day) = scale(&dom);
    let today = &tags(&dom, "line")
        .into_iter()
        .find(|l| l.get("class").is_some_and(|c| c == "today"))
        .expect("a line for today");
    assert_eq!(today["x1"], (left + 8 * per_day + per_day / 2).to_string());
    assert!(
        dom.contains(">forced</text>") && dom.contains(">current · 2 days late</text>"),
        "{dom}"
    );
    // A criterion row each, with its status; the stakeholders.
    let rows: Vec<(String, String)> = (tags(&dom, "tr").into_iter())
        .filter(|r| r.get("class").is_some_and(|c| c == "criterion"))
        .map(|r| (r["data-id"].clone(), r["data-status"].clone()))
        .collect();
    let expected = [
        ("SC1", "met"),
        ("SC2", "met"),
        ("SC3", "met"),
        ("SC4", "pending"),
    ];
    assert_eq!(
        rows,
        expected.map(|(id, s)| (id.to_string(), s.to_string()))
    );
    for person in [
        "<td>Priya Raman</td><td>Champion (Director of Platform Engineering)</td><td>customer</td>",
        "<td>Marcus Webb</td><td>Economic buyer (VP Infrastructure)</td><td>customer</td>",
        "<td>Jordan Ellis</td><td>Security reviewer (HIPAA compliance)</td><td>customer</td>",
    ] {
        assert!(dom.contains(person), "{person}: {dom}");
    }
    assert!(dom.contains("Firewall change CHG-4411 pending"), "{dom}");
}

#[test]
fn in_a_browser_markup_in_the_prospect_stays_text() {
    let env = poc_of_prospect("<script>alert(1)</script>");
    env.poc_run(&["report"]).ok();
    let Some(dom) = chromium(&["--dump-dom"], &env.poc().join("report.html")) else {
        return;
    };
    // No script element; the text node holds the markup, which the browser
    // serialises escaped.
    assert!(
        !dom.stdout.to_lowercase().contains("<script"),
        "{}",
        dom.stdout
    );
    assert!(
        dom.stdout
            .contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; POC</h1>"),
        "{}",
        dom.stdout
    );
}

/// The README's screenshot: the example mid-POC. Written under the target
/// folder; `POC_UPDATE_SCREENSHOT=1` copies it to `docs/report.png` too, so
/// that a test run never changes a committed file by itself.
#[test]
fn in_a_browser_the_example_report_renders_as_a_picture() {
    let env = example();
    env.poc_run(&["report"]).ok();
    let page = env.poc().join("report.html");
    let target = target_dir();
    std::fs::create_dir_all(&target).unwrap();
    let shot = target.join("report-example.png");
    let _ = std::fs::remove_file(&shot);
    let flag = format!("--screenshot={}", shot.display());
    if chromium(&[&flag, "--window-size=1000,1400"], &page).is_none() {
        return;
    }
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // 1000 × 1400 pixels, and mostly white: far from empty, and small.
    assert_eq!(&png[16..24], &[0, 0, 3, 0xe8, 0, 0, 5, 0x78]);
    assert!(
        (20_000..600_000).contains(&png.len()),
        "{} bytes",
        png.len()
    );
    if std::env::var_os("POC_UPDATE_SCREENSHOT").is_some_and(|v| v == "1") {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot, docs.join("report.png")).unwrap();
    }
}

/// A reopen draws a second stretch: the earlier ones stay as they ran.
#[test]
fn after_a_reopen_each_stretch_has_its_bar() {
    let mut env = example();
    env.poc_run(&["reopen", "deployment", "--reason", "new cluster"])
        .ok();
    env.at("2026-11-25T15:00:00Z");
    let html = env.poc_run(&["report", "--out", "-"]).ok().stdout.clone();
    assert_timeline(
        &html,
        &[
            ("setup", 1, 2),
            ("deployment", 2, 4),
            ("deployment", 9, 10),
            ("validation", 4, 9),
        ],
    );
}

/// Days are the POC's: an advance at 06:00 UTC on Nov 19 is Nov 18, day 3,
/// in Los Angeles, in the timeline and in the calendar alike.
#[test]
fn the_timeline_and_the_calendar_count_days_in_the_poc_time_zone() {
    let mut env = TestEnv::new();
    env.at("2026-11-16T17:00:00Z");
    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme Corp",
        "--start",
        "2026-11-16",
        "--timezone",
        "America/Los_Angeles",
    ])
    .ok();
    env.at("2026-11-19T06:00:00Z");
    env.poc_run(&["advance", "--force", "--reason", "access came late"])
        .ok();
    env.at("2026-11-20T20:00:00Z");
    let html = env.poc_run(&["report", "--out", "-"]).ok().stdout.clone();
    assert_timeline(&html, &[("setup", 1, 3), ("deployment", 3, 5)]);
    assert!(html.contains(">Nov 18</text>"), "{html}");
    let ics = env.poc_run(&["calendar", "--out", "-"]).ok().stdout.clone();
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("So far: forced\\, 2026-11-16 to 2026-11-18\\, 1 day late."),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("So far: current since 2026-11-18"),
        "{unfolded}"
    );
}

/// The page prints on Letter (Chromium's default) and on A4 (the page's
/// `@page` rule set to A4 in a copy): two to five pages, each of the paper's
/// size.
#[test]
fn in_a_browser_the_report_prints_on_letter_and_a4() {
    let env = example();
    env.poc_run(&["report"]).ok();
    let page = env.poc().join("report.html");
    let html = env.read("acme/report.html");
    let a4 = env.poc().join("report-a4.html");
    std::fs::write(
        &a4,
        html.replace("</style>", "@page { size: A4; }\n</style>"),
    )
    .unwrap();
    // (paper, its size in points as Chromium writes it)
    for (file, media_box) in [(&page, "[0 0 612 792]"), (&a4, "[0 0 594.95996 841.91998]")] {
        let pdf = env.path().join("out.pdf");
        let print = format!("--print-to-pdf={}", pdf.display());
        if chromium(&["--no-pdf-header-footer", &print], file).is_none() {
            return;
        }
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{file:?}");
        let text = String::from_utf8_lossy(&bytes);
        let pages = text.matches(&format!("/MediaBox {media_box}")).count();
        assert!(
            (2..=5).contains(&pages),
            "{file:?}: {pages} pages of {media_box}"
        );
    }
}

/// The team's page has the deal, the risks and the SE's notes; the
/// customer's (`--customer`) has none of them, and the rest alike.
#[test]
fn the_customer_page_leaves_out_the_deal_the_risks_the_gaps_and_the_notes() {
    let env = example();
    env.poc_run(&["gap", "No per-tenant retention", "--severity", "challenge"])
        .ok();
    let team = env.poc_run(&["report", "--out", "-"]).ok().stdout.clone();
    let customer = (env.poc_run(&["report", "--customer", "--out", "-"]).ok())
        .stdout
        .clone();
    for internal in [
        "ACV $120,000",
        "<section id=\"risks\">",
        "<section id=\"gaps\">",
        "<section id=\"notes\">",
        "prod-west runs CRI-O",
    ] {
        assert!(team.contains(internal), "team page lacks {internal}");
        assert!(!customer.contains(internal), "customer page has {internal}");
    }
    for shared in [
        "<section id=\"timeline\">",
        "SC2",
        "Priya Raman",
        "Firewall change CHG-4411",
    ] {
        assert!(customer.contains(shared), "customer page lacks {shared}");
    }
}
