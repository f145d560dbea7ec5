//! `poc calendar`: the plan as an iCalendar file, read back with an
//! independent parser (the `icalendar` crate, which unfolds lines and
//! unescapes text), and checked byte by byte for the format's rules.

use std::str::FromStr as _;

use icalendar::{Component as _, DatePerhapsTime};

use crate::common::{SIGNOFF, TestEnv, check, forced_close, poc_in_signoff, unchanged};

/// One event as a calendar reads it.
#[derive(Debug, Clone, PartialEq)]
struct Ev {
    uid: String,
    summary: String,
    description: String,
    start: DatePerhapsTime,
    end: DatePerhapsTime,
    sequence: u32,
    stamp: String,
    cancelled: bool,
}

/// The events of an iCalendar file, after checking the rules every line
/// follows: CRLF endings, no bare LF or CR, at most 75 octets, valid UTF-8.
#[track_caller]
fn read(bytes: &[u8]) -> Vec<Ev> {
    let text = std::str::from_utf8(bytes).expect("the calendar is UTF-8");
    assert!(text.ends_with("\r\n"), "no final CRLF");
    let lines: Vec<&str> = text.strip_suffix("\r\n").unwrap().split("\r\n").collect();
    for line in &lines {
        assert!(
            !line.contains(['\n', '\r']),
            "a bare line break in {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    for required in ["VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"] {
        assert!(lines.contains(&required), "lacks {required}");
    }
    assert!(lines.iter().any(|l| l.starts_with("PRODID:-//poc//")));
    let calendar = icalendar::Calendar::from_str(text).expect("an independent parser reads it");
    calendar
        .events()
        .map(|e| Ev {
            uid: e.get_uid().expect("UID").to_string(),
            summary: e.get_summary().expect("SUMMARY").to_string(),
            description: e.get_description().expect("DESCRIPTION").to_string(),
            start: e.get_start().expect("DTSTART"),
            end: e.get_end().expect("DTEND"),
            sequence: e.get_sequence().expect("SEQUENCE"),
            stamp: e.property_value("DTSTAMP").expect("DTSTAMP").to_string(),
            cancelled: e.property_value("STATUS") == Some("CANCELLED"),
        })
        .collect()
}

fn date(ymd: &str) -> DatePerhapsTime {
    DatePerhapsTime::Date(chrono::NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap())
}

fn utc(t: &str) -> DatePerhapsTime {
    DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t.parse().unwrap()))
}

/// The bundled example (start 2026-11-16, mid-validation) in `acme/`.
fn example() -> TestEnv {
    let mut env = TestEnv::with_example();
    env.at("2026-11-21T10:00:00Z");
    env
}

/// `poc -C acme calendar`, which must succeed; the events it wrote.
#[track_caller]
fn calendar(env: &TestEnv) -> Vec<Ev> {
    env.poc_run(&["calendar"]).ok();
    read(&std::fs::read(env.poc().join("calendar.ics")).unwrap())
}

fn uids(events: &[Ev]) -> Vec<String> {
    events.iter().map(|e| e.uid.clone()).collect()
}

#[test]
fn the_plan_lands_on_the_scopes_dates_with_exclusive_ends() {
    let env = example();
    env.poc_run(&["calendar"])
        .ok()
        .first_err_is("Wrote acme/calendar.ics: the 5 phases (2026-11-16 to 2026-11-27) and the last day. Import it into your calendar; importing a newer one moves the events rather than adding copies.");
    let events = read(&std::fs::read(env.poc().join("calendar.ics")).unwrap());
    let got: Vec<(&str, DatePerhapsTime, DatePerhapsTime)> = events
        .iter()
        .map(|e| (e.summary.as_str(), e.start.clone(), e.end.clone()))
        .collect();
    // Day 1 is 2026-11-16; each end is the day after the window's last day.
    assert_eq!(
        got,
        vec![
            (
                "Acme Corp POC: Environment setup (days 1–2)",
                date("2026-11-16"),
                date("2026-11-18")
            ),
            (
                "Acme Corp POC: Core deployment (days 2–4)",
                date("2026-11-17"),
                date("2026-11-20")
            ),
            (
                "Acme Corp POC: Use-case validation (days 4–7)",
                date("2026-11-19"),
                date("2026-11-23")
            ),
            (
                "Acme Corp POC: Integration & testing (days 7–10)",
                date("2026-11-22"),
                date("2026-11-26")
            ),
            (
                "Acme Corp POC: Validation & sign-off (days 10–12)",
                date("2026-11-25"),
                date("2026-11-28")
            ),
            (
                "Acme Corp POC: last day (day 12)",
                date("2026-11-27"),
                date("2026-11-28")
            ),
        ]
    );
    let validation = &events[2].description;
    assert!(validation.starts_with("Planned: days 4–7, 2026-11-19 to 2026-11-22.\nChecklist:\n- Core use cases from scope executed\n"), "{validation}");
    assert!(validation.contains("\n- Out-of-scope requests parked for later (optional)\n"));
    assert!(validation.contains("\nSuccess criteria proven in this phase:\n- SC2 (must) Ingest production logs at peak volume: >= 10,000 events/s sustained for 1 hour, 0 dropped events\n"), "{validation}");
    assert!(
        validation.ends_with("\nSo far: current since 2026-11-19."),
        "{validation}"
    );
    assert!(
        events[0]
            .description
            .ends_with("So far: done, 2026-11-16 to 2026-11-17.")
    );
    assert!(events[3].description.ends_with("So far: not started."));
    // Open: no debrief deadline, nothing cancelled.
    assert!(
        events
            .iter()
            .all(|e| !e.summary.contains("debrief") && !e.cancelled)
    );
    assert!(events.iter().all(|e| e.stamp == "20261121T100000Z"));
    let raw = env.read("acme/calendar.ics");
    assert!(raw.contains("\r\nX-WR-CALNAME:Acme Corp observability POC\r\n"));
    // All-day events leave the SE free.
    assert_eq!(raw.matches("\r\nTRANSP:TRANSPARENT\r\n").count(), 6);
}

#[test]
fn uids_stay_put_when_the_clock_the_start_or_the_prospect_changes() {
    let mut env = example();
    let first = calendar(&env);
    let unique: std::collections::HashSet<String> = uids(&first).into_iter().collect();
    assert_eq!(unique.len(), 6, "one UID per event");
    assert!(first.iter().all(|e| e.uid.ends_with("@poc")));
    // The same run again: the same file.
    let before = env.read("acme/calendar.ics");
    env.poc_run(&["calendar"]).ok();
    assert_eq!(env.read("acme/calendar.ics"), before);

    // Later: the same UIDs, a higher revision, so a re-import updates.
    env.at("2026-11-22T08:00:00Z");
    let later = calendar(&env);
    assert_eq!(uids(&later), uids(&first));
    assert!(later.iter().all(|e| e.sequence > first[0].sequence));
    assert!(later.iter().all(|e| e.stamp == "20261122T080000Z"));

    // The start moves a week, the prospect's spelling is fixed: the events
    // move, they are not new ones.
    env.edit("acme/poc.yaml", "start: 2026-11-16", "start: 2026-11-23");
    env.edit(
        "acme/poc.yaml",
        "prospect: \"Acme Corp\"",
        "prospect: \"ACME Corporation\"",
    );
    env.at("2026-11-22T08:00:01Z");
    let moved = calendar(&env);
    assert_eq!(uids(&moved), uids(&first));
    assert_eq!(moved[0].start, date("2026-11-23"));
    assert_eq!(
        moved[0].summary,
        "ACME Corporation POC: Environment setup (days 1–2)"
    );
    assert!(moved[0].sequence > later[0].sequence);

    // Another POC has other UIDs.
    let other = TestEnv::with_poc();
    let theirs = calendar(&other);
    assert!(uids(&theirs).iter().all(|u| !uids(&first).contains(u)));
}

#[test]
fn a_long_non_ascii_prospect_folds_at_75_octets_without_splitting_a_character() {
    let env = TestEnv::with_poc();
    let prospect = "Ōkami Ünïcode Société Générale 日本語 😀 ".repeat(6);
    let prospect = prospect.trim();
    env.edit(
        "acme/poc.yaml",
        "prospect: \"Acme Corp\"",
        &format!("prospect: \"{prospect}\""),
    );
    env.poc_run(&["calendar"]).ok();
    let bytes = std::fs::read(env.poc().join("calendar.ics")).unwrap();
    // `read` checks every physical line is at most 75 octets and the whole
    // is UTF-8; here, that the summary was folded and unfolds whole.
    let events = read(&bytes);
    assert_eq!(
        events[0].summary,
        format!("{prospect} POC: Environment setup (days 1–2)")
    );
    let text = String::from_utf8(bytes).unwrap();
    let summary = text
        .lines()
        .position(|l| l.starts_with("SUMMARY:"))
        .unwrap();
    assert!(
        text.lines().nth(summary + 1).unwrap().starts_with(' '),
        "not folded"
    );
    assert!(text.replace("\r\n ", "").contains(&format!(
        "\r\nSUMMARY:{prospect} POC: Environment setup (days 1–2)\r\n"
    )));
}

#[test]
fn user_text_with_separators_line_breaks_and_controls_round_trips() {
    let env = TestEnv::with_poc();
    env.edit(
        "acme/poc.yaml",
        "prospect: \"Acme Corp\"",
        r#"prospect: "Acme, Inc.; R\\D""#,
    );
    env.edit(
        "acme/poc.yaml",
        "{id: kickoff, title: Kickoff call held with the customer team}",
        r#"{id: kickoff, title: "Kickoff, day one; C:\\share\nsecond line \e[31mred\u202e"}"#,
    );
    env.poc_run(&["validate"]).ok();
    let events = calendar(&env);
    assert_eq!(
        events[0].summary,
        r"Acme, Inc.; R\D POC: Environment setup (days 1–2)"
    );
    assert!(
        events[0]
            .description
            .contains("\n- Kickoff, day one; C:\\share\nsecond line \u{fffd}[31mred\u{fffd}\n"),
        "{:?}",
        events[0].description
    );
    let raw = env.read("acme/calendar.ics");
    assert!(raw.contains(r"SUMMARY:Acme\, Inc.\; R\\D POC"), "{raw}");
    assert!(!raw.bytes().any(|b| b < 0x20 && b != b'\r' && b != b'\n'));
}

#[test]
fn a_closed_poc_has_the_debrief_deadline_and_keeps_its_phases() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T16:00:00Z");
    check(&env, SIGNOFF);
    env.poc_run(&["close", "--outcome", "win"]).ok();
    env.at("2026-12-05T09:00:00Z");
    let run = env.poc_run(&["calendar"]);
    run.ok().stderr_has(
        "the 5 phases (2026-11-23 to 2026-12-04), the last day and the debrief deadline.",
    );
    let events = read(&std::fs::read(env.poc().join("calendar.ics")).unwrap());
    assert_eq!(events.len(), 7);
    assert!(events.iter().all(|e| !e.cancelled));
    assert_eq!(
        events[5].description.lines().last(),
        Some("Closed 2026-12-04 16:00 UTC: Technical Win.")
    );
    let debrief = &events[6];
    assert_eq!(debrief.summary, "Acme Corp POC: debrief due");
    // Due 48 hours after the close: the half hour that ends then.
    assert_eq!(debrief.start, utc("2026-12-06T15:30:00Z"));
    assert_eq!(debrief.end, utc("2026-12-06T16:00:00Z"));
    assert!(debrief.description.starts_with("The debrief is due 2026-12-06 16:00 UTC, 48 hours after the close (2026-12-04 16:00 UTC, Technical Win)."));

    // Reopened, there is no deadline; the UIDs of the rest are unchanged.
    let closed = uids(&events);
    env.poc_run(&["reopen", "signoff", "--reason", "One more demo"])
        .ok();
    let reopened = calendar(&env);
    assert_eq!(uids(&reopened), closed[..6]);
}

#[test]
fn a_cancelled_pocs_phases_it_never_reached_are_cancelled() {
    let mut env = TestEnv::with_poc();
    check(&env, &["scope-approved"]);
    env.at("2026-11-24T15:00:00Z");
    env.poc_run(&forced_close("loss", "Budget frozen")).ok();
    let events = calendar(&env);
    let cancelled: Vec<bool> = events.iter().map(|e| e.cancelled).collect();
    assert_eq!(cancelled, [false, true, true, true, true, false, false]);
    assert_eq!(
        events[1].summary,
        "Acme Corp POC: Core deployment (days 2–4, skipped)"
    );
    assert!(
        events[0]
            .description
            .ends_with("So far: cut short, 2026-11-23 to 2026-11-24."),
        "{}",
        events[0].description
    );
    assert_eq!(events[6].end, utc("2026-11-26T15:00:00Z"));
}

#[test]
fn out_prints_to_stdout_or_writes_where_named() {
    let env = example();
    unchanged(&env, || {
        let run = env.poc_run(&["calendar", "--out", "-"]);
        run.ok()
            .first_err_is("Printed the 5 phases (2026-11-16 to 2026-11-27) and the last day.");
        assert_eq!(read(run.stdout.as_bytes()).len(), 6);
    });
    std::fs::create_dir(env.path().join("plans")).unwrap();
    env.poc_run(&["calendar", "--out", "plans/acme.ics"])
        .ok()
        .stderr_has("Wrote plans/acme.ics: the 5 phases");
    assert_eq!(read(env.read("plans/acme.ics").as_bytes()).len(), 6);
    assert!(!env.poc().join("calendar.ics").exists());
    // A calendar it wrote is replaced; so is an empty file.
    env.poc_run(&["calendar", "--out", "plans/acme.ics"]).ok();
    env.write("plans/empty.ics", "");
    env.poc_run(&["calendar", "--out", "plans/empty.ics"]).ok();
    assert_eq!(read(env.read("plans/empty.ics").as_bytes()).len(), 6);
}

/// `--out` never writes over the POC's own files, into a folder, through a
/// link, or over a file that is not a calendar.
#[test]
fn out_refuses_the_poc_files_folders_links_and_other_files() {
    let env = example();
    env.write("acme/debrief.md", "# my notes\n");
    env.write("acme/evidence/shot.png", "png");
    env.write("notes.md", "# not a calendar\n");
    env.write(
        "mine.ics",
        "BEGIN:VCALENDAR\r\nPRODID:-//Apple Inc.//macOS 15//EN\r\n",
    );
    for (cwd, out, expected) in [
        (
            "acme",
            "poc.yaml",
            "error: --out poc.yaml: poc.yaml is a POC file, not a calendar; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "journal.yaml",
            "error: --out journal.yaml: journal.yaml is a POC file, not a calendar; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "debrief.md",
            "error: --out debrief.md: debrief.md is a POC file, not a calendar; refusing to write it (nothing was changed)",
        ),
        (
            ".",
            "acme/poc.yaml",
            "error: --out acme/poc.yaml: poc.yaml is a POC file, not a calendar; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "evidence/plan.ics",
            "error: --out evidence/plan.ics: is inside a POC's evidence folder, which poc keeps; refusing to write it (nothing was changed)",
        ),
        (
            ".",
            "acme",
            "error: --out acme: is a folder; name the file to write, such as acme/calendar.ics (nothing was changed)",
        ),
        (
            ".",
            "notes.md",
            "error: --out notes.md: is there and is not a calendar poc wrote; refusing to replace it (nothing was changed). Name another file, or remove it first",
        ),
        (
            ".",
            "mine.ics",
            "error: --out mine.ics: is there and is not a calendar poc wrote; refusing to replace it (nothing was changed). Name another file, or remove it first",
        ),
    ] {
        unchanged(&env, || {
            let mut args = if cwd == "." {
                vec!["-C", "acme"]
            } else {
                vec![]
            };
            args.extend(["calendar", "--out", out]);
            env.run_at(cwd, &args).code(1).first_err_is(expected);
        });
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../notes.md", env.poc().join("calendar.ics")).unwrap();
        std::os::unix::fs::symlink("notes.md", env.path().join("link.ics")).unwrap();
        unchanged(&env, || {
            env.poc_run(&["calendar"]).code(1).first_err_is(
                "error: acme/calendar.ics: is a symbolic link to ../notes.md; poc keeps its own files inside the POC folder and never reads or writes them through a link. Replace the link with the file or folder itself",
            );
            env.run(&["-C", "acme", "calendar", "--out", "link.ics"])
                .code(1)
                .first_err_is("error: --out link.ics: is a symbolic link, not a regular file; poc writes only to a regular file or a new path (`-` for stdout) (nothing was changed)");
        });
    }
}
