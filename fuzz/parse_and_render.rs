// The body of the `parse_and_render` fuzz target, kept apart so that
// `cargo test` runs it too (tests/cli/properties.rs, over fuzz/seeds):
// a harness that drifts from the code fails there, not after an hour of
// fuzzing. Included with `include!`, so it names crates by path.

/// Scope + journal parsing and every rendering of the status, on any input.
///
/// The input is `poc.yaml` text, a NUL byte, then `journal.yaml` bytes (no
/// NUL: all scope, empty journal). Nothing here may panic: a bad file is an
/// error, and a good one derives, reports and renders.
pub fn parse_and_render(data: &[u8]) {
    use chrono::{DateTime, Duration, Utc};
    use poc::journal::Journal;
    use poc::report::StatusReport;
    use poc::scope::{Phase, Scope};
    use poc::state::PocState;

    let (scope_bytes, journal_bytes) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };

    // The journal is read on its own first, scope or not.
    let journal = Journal::parse(journal_bytes, "journal.yaml");
    if let Ok(j) = &journal {
        let _ = j.in_time_order();
        let _ = j.latest();
    }

    let Ok(text) = std::str::from_utf8(scope_bytes) else {
        return;
    };
    let Ok(scope) = Scope::parse(text, "poc.yaml") else {
        return;
    };
    let _ = scope.warnings();
    let _ = scope.deal_size_tier();
    let _ = scope.ids().count();
    let journal = journal.unwrap_or_default();
    let state = PocState::derive(&scope, &journal);
    for phase in Phase::ALL {
        let _ = state.gate(&scope, phase);
    }
    let _ = state.unmet_musts(&scope);

    // Now: somewhere from before the start to well after the end, picked by
    // the input, and the two ends of time a journal can hold.
    let start = scope
        .start
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default();
    let offset = (data.len() as i64 * 7_919) % (500 * 86_400) - 50 * 86_400;
    let nows = [
        start
            .checked_add_signed(Duration::seconds(offset))
            .unwrap_or(start),
        DateTime::<Utc>::from_timestamp(-62_167_219_200, 0).unwrap(),
        DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap(),
    ];
    for now in nows {
        let report = StatusReport::build(&scope, &state, now);
        let _ = report.duration_days();
        if let Some(d) = &report.debrief {
            let _ = poc::report::describe_due(d, scope.zone);
        }
        let json = poc::render::json(&report).expect("the report serialises");
        let back: serde_json::Value = serde_json::from_str(&json).expect("status JSON parses back");
        assert_eq!(back["schema_version"], poc::report::JSON_SCHEMA_VERSION);
        // Rendering may refuse (an error), never panic.
        let _ = poc::render::document("status.md", &report, &scope.timezone);
        let _ = poc::render::document("checklist.md", &report, &scope.timezone);
        let update = poc::update::UpdateReport::build(&scope, &journal, &state, now, None);
        let _ = poc::update::text(&update);
        let _ = poc::update::markdown(&update).unwrap();
        let _ = poc::update::html(&update).unwrap();
        poc::render::json(&update).expect("the update serialises");
    }
}
