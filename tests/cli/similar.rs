//! `poc similar` and `poc init`'s hint: a team's repository of hand-made
//! POCs (built by running `poc`) against Vendor X, in Retail and in
//! Mid-Market deals, with debriefs whose lessons were filled in, and the
//! POCs that must be left out (open, in conflict, the POC itself, one
//! outside the repository, one that shares nothing, one that cannot be
//! read).

use serde_json::Value;

use crate::common::{Run, TestEnv};

/// When `similar` is run: 2026-12-10 12:00 UTC.
const NOW: &str = "2026-12-10T12:00:00Z";

/// A past POC: its folder, deal details, the criteria it failed, how and
/// when it closed, and its debrief's lessons and tags (none: not written).
struct Past<'a> {
    folder: &'a str,
    deal: &'a [&'a str],
    failed: &'a [&'a str],
    outcome: &'a str,
    closed: &'a str,
    debrief: Option<(&'a str, &'a str)>,
}

fn make(env: &mut TestEnv, past: &Past) {
    let prospect = past.folder.rsplit('/').next().unwrap();
    env.at("2026-08-01T09:00:00Z");
    let mut init = vec!["init", past.folder, "--prospect", prospect];
    init.extend(["--start", "2026-08-03"]);
    init.extend_from_slice(past.deal);
    env.run(&init).ok();
    env.at("2026-08-05T09:00:00Z");
    for id in past.failed {
        env.run(&["-C", past.folder, "check", id, "--fail", "--note", "no"])
            .ok();
    }
    env.at(past.closed);
    let close = ["close", "--outcome", past.outcome, "--force"];
    let mut close: Vec<&str> = std::iter::once("-C")
        .chain([past.folder])
        .chain(close)
        .collect();
    close.extend(["--reason", "decided"]);
    env.run(&close).ok();
    if let Some((lessons, tags)) = past.debrief {
        env.run(&["-C", past.folder, "debrief"]).ok();
        let path = format!("{}/debrief.md", past.folder);
        let text = env.read(&path);
        let prompt =
            "- What should be done differently in the next POC for a similar customer profile?\n";
        assert!(text.contains(prompt), "{text}");
        let text = text
            .replacen(prompt, &format!("{prompt}{lessons}\n"), 1)
            .replacen("\ntags: []\n", &format!("\ntags: [{tags}]\n"), 1);
        env.write(&path, text);
    }
}

const VENDOR_X: &[&str] = &["--competitor", "Vendor X"];

/// The team's repository (`team/`, holding `.git`), and a POC outside it.
fn tree() -> TestEnv {
    let mut env = TestEnv::new();
    std::fs::create_dir_all(env.path().join("team/.git")).unwrap();
    let pasts = [
        // Competitor, industry and tier: the most similar, though oldest.
        Past {
            folder: "team/x-loss",
            deal: &[
                "--competitor",
                "Vendor X",
                "--competitor",
                "Vendor Y",
                "--industry",
                "Retail",
                "--acv",
                "50000",
            ],
            failed: &["SC3", "SC1"],
            outcome: "loss",
            closed: "2026-08-10T12:00:00Z",
            debrief: Some(("- Bring the SSO team in on day 1.", "sso, pricing")),
        },
        // The competitor alone, in another case: the later close first.
        Past {
            folder: "team/x-win",
            deal: &["--competitor", "vendor x", "--industry", "Healthcare"],
            failed: &[],
            outcome: "win",
            closed: "2026-11-20T12:00:00Z",
            debrief: Some((
                "- Load their real data on day 2.\n- Demo to the CISO early.",
                "data",
            )),
        },
        Past {
            folder: "team/x-unsure",
            deal: VENDOR_X,
            failed: &["SC2"],
            outcome: "inconclusive",
            closed: "2026-09-01T12:00:00Z",
            debrief: None,
        },
        // No deal details in poc.yaml; its debrief was tagged afterwards.
        Past {
            folder: "team/tagged",
            deal: &[],
            failed: &[],
            outcome: "win",
            closed: "2026-10-20T12:00:00Z",
            debrief: Some(("- Tagged after the fact.", "")),
        },
        // The industry and the tier, then the industry alone, then the tier.
        Past {
            folder: "team/retail-win",
            deal: &["--industry", "Retail", "--acv", "40000"],
            failed: &[],
            outcome: "win",
            closed: "2026-10-01T12:00:00Z",
            debrief: None,
        },
        Past {
            folder: "team/retail-loss",
            deal: &["--industry", "retail "],
            failed: &["SC4"],
            outcome: "loss",
            closed: "2026-11-25T12:00:00Z",
            debrief: Some(("- Price it per site, not per seat.", "")),
        },
        Past {
            folder: "team/tier-win",
            deal: &["--acv", "99999"],
            failed: &[],
            outcome: "win",
            closed: "2026-12-01T12:00:00Z",
            debrief: None,
        },
        // Shares nothing; and one outside the repository that would match.
        Past {
            folder: "team/other",
            deal: &["--competitor", "Vendor Z", "--industry", "Finance"],
            failed: &[],
            outcome: "loss",
            closed: "2026-12-01T12:00:00Z",
            debrief: None,
        },
        Past {
            folder: "elsewhere/x",
            deal: VENDOR_X,
            failed: &[],
            outcome: "loss",
            closed: "2026-12-01T12:00:00Z",
            debrief: None,
        },
    ];
    for past in &pasts {
        make(&mut env, past);
    }
    let debrief = env.read("team/tagged/debrief.md");
    assert!(debrief.contains("\ncompetitors: []\n"), "{debrief}");
    env.write(
        "team/tagged/debrief.md",
        debrief.replace("\ncompetitors: []\n", "\ncompetitors: [VENDOR X]\n"),
    );
    // Cannot be read: counted, never the end of the run.
    env.write("team/broken/poc.yaml", "name: [\n");
    // Open against Vendor X: not a past POC yet.
    env.at("2026-12-01T09:00:00Z");
    (env.run(&[
        "init",
        "team/x-open",
        "--prospect",
        "Open",
        "--competitor",
        "Vendor X",
    ]))
    .ok();
    // Two clones closed it differently: its outcome is not settled.
    (env.run(&[
        "init",
        "team/x-conflict",
        "--prospect",
        "Torn",
        "--competitor",
        "Vendor X",
    ]))
    .ok();
    let journal = env.read("team/x-conflict/journal.yaml");
    env.write(
        "team/x-conflict/journal.yaml",
        format!(
            "{journal}{}\n{}\n",
            r#"- {"at":"2026-12-02T10:00:00Z","by":"dana","kind":"close","outcome":"win","forced":true,"reason":"w","from":"setup"}"#,
            r#"- {"at":"2026-12-02T11:00:00Z","by":"lee","kind":"close","outcome":"loss","forced":true,"reason":"l","from":"setup"}"#
        ),
    );
    env.at(NOW);
    env
}

/// The new POC: against Vendor X, in Retail, a Mid-Market deal.
const NEW: &[&str] = &[
    "init",
    "team/new",
    "--prospect",
    "Newco",
    "--start",
    "2026-12-14",
    "--competitor",
    "Vendor X",
    "--industry",
    "Retail",
    "--acv",
    "60000",
];

const HEADLINE: &str =
    "7 past POCs against Vendor X, in Retail or in Mid-Market deals: 4 won, 2 lost, 1 inconclusive";

/// The order, most similar first.
const ORDER: [&str; 7] = [
    "team/x-loss",
    "team/x-win",
    "team/tagged",
    "team/x-unsure",
    "team/retail-win",
    "team/retail-loss",
    "team/tier-win",
];

fn similar(env: &TestEnv, folder: &str, args: &[&str]) -> Run {
    let mut full = vec!["-C", folder, "similar"];
    full.extend_from_slice(args);
    env.run(&full)
}

fn folders(report: &Value) -> Vec<&str> {
    (report["matches"].as_array().unwrap().iter())
        .map(|m| m["folder"].as_str().unwrap())
        .collect()
}

#[test]
fn init_names_the_past_pocs_and_similar_tells_their_stories_in_order() {
    let env = tree();
    let init = env.run(NEW);
    init.ok()
        .stderr_has(&format!("\n\n{HEADLINE}; see `poc -C team/new similar`\n"));
    assert!(
        !init.stderr.contains("could not be read"),
        "{}",
        init.stderr
    );

    let run = similar(&env, "team/new", &["--format", "json"]);
    run.ok();
    assert_eq!(
        run.stderr,
        "warning: 1 POC under team could not be read; `poc list team` says why\n"
    );
    let report = run.json();
    assert_eq!(report["unreadable"], 1);
    assert_eq!(report["schema_version"], 5);
    assert_eq!(report["root"], "team");
    assert_eq!(report["headline"], HEADLINE);
    assert_eq!(report["hint"], Value::Null);
    assert_eq!(
        (
            &report["total"],
            &report["outcomes"]["win"],
            &report["outcomes"]["loss"],
            &report["outcomes"]["inconclusive"]
        ),
        (&7.into(), &4.into(), &2.into(), &1.into())
    );
    assert_eq!(report["in_conflict"], 1);
    assert_eq!(
        report["poc"]["competitors"],
        serde_json::json!(["Vendor X"])
    );
    assert_eq!(report["poc"]["tier"], "Mid-Market");
    assert_eq!(folders(&report), ORDER);

    let matches = report["matches"].as_array().unwrap();
    let first = &matches[0];
    assert_eq!(
        first["matched"],
        serde_json::json!([
            {"facet": "competitor", "value": "Vendor X"},
            {"facet": "industry", "value": "Retail"},
            {"facet": "tier", "value": "Mid-Market"},
        ])
    );
    assert_eq!(first["score"], 7);
    assert_eq!(first["outcome"], "loss");
    assert_eq!(first["closed_on"], "2026-08-10");
    assert_eq!(first["close_reason"], "decided");
    // Musts first: SC1 failed after SC3 but leads.
    let failed: Vec<(&str, &str)> = (first["failed"].as_array().unwrap().iter())
        .map(|c| (c["id"].as_str().unwrap(), c["priority"].as_str().unwrap()))
        .collect();
    assert_eq!(failed, [("SC1", "must"), ("SC3", "should")]);
    assert_eq!(first["lessons"], "- Bring the SSO team in on day 1.");
    assert_eq!(first["tags"], serde_json::json!(["sso", "pricing"]));

    let x_win = &matches[1];
    assert_eq!(x_win["matched"][0]["value"], "Vendor X");
    assert_eq!(x_win["score"], 4);
    assert_eq!(x_win["failed"], serde_json::json!([]));
    assert_eq!(
        x_win["lessons"],
        "- Load their real data on day 2.\n- Demo to the CISO early."
    );
    // Matched by its debrief's tag, any case, as this POC writes it.
    assert_eq!(matches[2]["matched"][0]["value"], "Vendor X");
    let unsure = &matches[3];
    assert_eq!(unsure["outcome"], "inconclusive");
    assert_eq!(unsure["lessons"], Value::Null);
    assert_eq!(unsure["debriefed"], false);
    assert_eq!(unsure["failed"][0]["id"], "SC2");
    // Below every competitor match: industry and tier (3), industry (2),
    // tier (1).
    let scores: Vec<i64> = matches
        .iter()
        .map(|m| m["score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, [7, 4, 4, 4, 3, 2, 1]);
    assert_eq!(matches[5]["lessons"], "- Price it per site, not per seat.");
}

#[test]
fn the_table_and_markdown_tell_the_same_story() {
    let env = tree();
    env.run(NEW).ok();
    let table = env
        .command(env.path(), &["-C", "team/new", "similar"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let table = crate::common::to_run(table);
    table.ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines[0], HEADLINE);
    let row = |folder: &str| {
        let prefix = format!("│ {folder} ");
        (lines.iter().position(|l| l.starts_with(&prefix)))
            .unwrap_or_else(|| panic!("no row for {folder}:\n{}", table.stdout))
    };
    let rows: Vec<usize> = ORDER.iter().map(|f| row(f)).collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "{}", table.stdout);
    let x_loss = lines[rows[0]];
    for cell in [
        "competitor Vendor X, industry Retail, tier Mid-Market",
        "loss, 2026-08-10",
        "SC1 Solution deployed in the customer environment (must); SC3",
    ] {
        assert!(x_loss.contains(cell), "{cell}\n{}", table.stdout);
    }
    table.stdout_has(
        "\nLessons from their debriefs:\n\n  team/x-loss (loss, 2026-08-10; tags: sso, pricing)\n    - Bring the SSO team in on day 1.\n\n  team/x-win (win, 2026-11-20; tags: data)\n    - Load their real data on day 2.\n    - Demo to the CISO early.\n\n  team/tagged (win, 2026-10-20)\n    - Tagged after the fact.\n\n  team/retail-loss (loss, 2026-11-25)\n    - Price it per site, not per seat.\n",
    );
    assert!(!table.stdout.contains("x-open") && !table.stdout.contains("x-conflict"));
    assert!(!table.stdout.contains("elsewhere") && !table.stdout.contains("team/other"));

    let md = similar(&env, "team/new", &["--format", "markdown"]);
    md.ok()
        .stdout_has(&format!("# Past POCs like Newco POC\n\n{HEADLINE}\n"))
        .stdout_has("\n## `team/x-loss`: x-loss, loss on 2026-08-10\n\n- **Matched:** competitor Vendor X, industry Retail, tier Mid-Market\n- **Reason:** decided\n- **Failed:** `SC1` Solution deployed in the customer environment (must); `SC3` Meets the customer's performance bar (should)\n- **Gaps hit:** none\n- **Tags:** sso, pricing\n\nLessons from its debrief:\n\n- Bring the SSO team in on day 1.\n")
        .stdout_has("\n## `team/x-unsure`: x-unsure, inconclusive on 2026-09-01\n")
        .stdout_has("\nNo debrief was written.\n");
    let order: Vec<usize> = (ORDER.iter())
        .map(|f| md.stdout.find(&format!("## `{f}`")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", md.stdout);

    // --limit shows the most similar; the headline still counts them all.
    let limited = similar(&env, "team/new", &["--limit", "2"]);
    limited
        .ok()
        .stderr_has("The 2 most similar of 7 shown; --limit N shows more.");
    assert!(limited.stdout.starts_with(HEADLINE));
    assert!(!limited.stdout.contains("x-unsure"));
}

#[test]
fn the_poc_itself_is_left_out_and_a_root_can_be_named() {
    let env = tree();
    // From a closed POC: its own story is not among the others.
    let run = similar(&env, "team/x-win", &["--format", "json"]);
    run.ok();
    let report = run.json();
    assert_eq!(
        folders(&report),
        ["team/tagged", "team/x-unsure", "team/x-loss"],
        "{}",
        run.stdout
    );
    assert_eq!(
        report["headline"],
        "3 past POCs against vendor x: 1 won, 1 lost, 1 inconclusive"
    );
    // --root widens the search to the folder outside the repository.
    let run = similar(&env, "team/x-win", &["--root", ".", "--format", "json"]);
    run.ok();
    assert_eq!(
        folders(&run.json()),
        ["elsewhere/x", "team/tagged", "team/x-unsure", "team/x-loss"]
    );
    similar(&env, "team/x-win", &["--root", "nowhere"])
        .code(2)
        .first_err_is("error: --root nowhere: no such folder");
}

#[test]
fn no_match_says_what_was_matched_on_and_init_stays_quiet() {
    let env = tree();
    let snapshot = env.snapshot();
    let quiet = env.run(&[
        "init",
        "team/q",
        "--prospect",
        "Q",
        "--competitor",
        "Vendor Q",
    ]);
    quiet.ok();
    assert!(!quiet.stderr.contains("past POC"), "{}", quiet.stderr);
    let run = similar(&env, "team/q", &[]);
    run.ok();
    assert_eq!(run.stdout, "");
    // The warning about team/broken, then the sentence.
    assert_eq!(
        run.stderr.lines().last().unwrap_or_default(),
        "No past POC under team against Vendor Q. (poc.yaml records no industry or acv: add `industry:` and `acv:` to match on more.)"
    );
    // Nothing recorded: nothing to match on, and init does not scan.
    let bare = env.run(&["init", "team/bare", "--prospect", "Bare"]);
    bare.ok();
    assert!(!bare.stderr.contains("past POC"), "{}", bare.stderr);
    // No scan either: no warning about team/broken.
    similar(&env, "team/bare", &[]).ok().first_err_is(
        "Nothing to match on: this POC records no competitor, industry or ACV. (poc.yaml records no competitors, industry or acv: add `competitors:`, `industry:` and `acv:` to match on them.)",
    );
    let json = similar(&env, "team/bare", &["--format", "json"]);
    json.ok();
    assert_eq!(json.json()["matches"], serde_json::json!([]));
    assert_eq!(json.json()["total"], 0);
    // Outside any POC: the usual error.
    let outside = env.run(&["similar"]);
    outside.code(1);
    assert!(
        outside
            .first_err_line()
            .starts_with("error: not inside a POC"),
        "{}",
        outside.stderr
    );
    // Only the new POCs (and the summary caches) were written.
    let after = env.snapshot();
    let added: Vec<String> = (after.keys())
        .filter(|p| !snapshot.contains_key(*p))
        .map(|p| {
            p.strip_prefix(env.path())
                .unwrap_or(p)
                .display()
                .to_string()
        })
        .filter(|p| !p.contains(".poc-cache"))
        .collect();
    assert!(
        added
            .iter()
            .all(|p| p.starts_with("team/q") || p.starts_with("team/bare")),
        "{added:?}"
    );
    for (path, bytes) in &snapshot {
        if !path.to_string_lossy().contains(".poc-cache") {
            assert_eq!(after.get(path), Some(bytes), "{}", path.display());
        }
    }
}

#[test]
fn init_writes_deal_details_as_valid_yaml_whatever_they_hold() {
    let env = TestEnv::new();
    let hostile = [
        r#"Vendor "X": #1"#,
        "a, [b], {c}",
        "- dash & *star ? 'q' \\ back",
    ];
    let flags: Vec<String> = hostile
        .iter()
        .map(|c| format!("--competitor={c}"))
        .collect();
    let mut args = vec![
        "init",
        "h",
        "--prospect",
        "H",
        "--industry",
        "Retail # food: fresh",
    ];
    args.extend(flags.iter().map(String::as_str));
    args.extend(["--acv", "120000"]);
    env.run(&args).ok();
    env.run(&["-C", "h", "validate"]).ok();
    let scope = env.read("h/poc.yaml");
    // The example lines are replaced; the comments around them are kept.
    assert!(
        scope.contains("# Uncomment and fill in what you know."),
        "{scope}"
    );
    assert!(scope.contains("# account_exec: Lee Park\nindustry: \"Retail # food: fresh\"\nacv: 120000\ncompetitors: [\"Vendor \\\"X\\\": #1\", \"a, [b], {c}\", \"- dash & *star ? 'q' \\\\ back\"]\n"), "{scope}");
    let report = similar(&env, "h", &["--format", "json"]).json();
    assert_eq!(report["poc"]["competitors"], serde_json::json!(hostile));
    assert_eq!(report["poc"]["industry"], "Retail # food: fresh");
    assert_eq!(report["poc"]["tier"], "Enterprise");

    // Without the flags, the examples stay commented out.
    env.run(&["init", "plain", "--prospect", "P"]).ok();
    let plain = env.read("plain/poc.yaml");
    assert!(
        plain.contains(
            "\n# industry: Healthcare\n# acv: 120000\n# competitors: [Vendor X, Vendor Y]\n"
        ),
        "{plain}"
    );
    // The kubernetes template takes them too.
    env.run(&[
        "init",
        "k",
        "--prospect",
        "K",
        "--template",
        "kubernetes",
        "--industry",
        "Retail",
    ])
    .ok();
    assert!(
        env.read("k/poc.yaml")
            .contains("\nindustry: \"Retail\"\n# acv: 120000\n")
    );

    // A line break, a control character or blank text is refused, and
    // nothing is created.
    for (flag, value, problem) in [
        (
            "--industry",
            "Retail\nfood",
            "--industry must be one line of text",
        ),
        (
            "--competitor",
            "X\u{1b}[31m",
            "--competitor must be one line of text",
        ),
        ("--competitor", "  ", "--competitor must not be empty"),
    ] {
        let run = env.run(&["init", "bad", "--prospect", "B", flag, value]);
        run.code(2);
        assert!(
            run.first_err_line()
                .starts_with(&format!("error: {problem}")),
            "{}",
            run.stderr
        );
        assert!(!env.path().join("bad").exists());
    }
    env.run(&["init", "bad", "--prospect", "B", "--acv", "-5"])
        .code(2);
    assert!(!env.path().join("bad").exists());
}

#[test]
fn without_a_repository_only_the_pocs_beside_it_are_read() {
    // No `.git` nor `.poc/` above: the parent folder may be /tmp, a home
    // folder or /, whose whole tree is not the team's. The POCs beside
    // this one count; one a folder deeper is neither read nor cached.
    let mut env = TestEnv::new();
    for folder in ["pocs/beside", "pocs/deeper/down"] {
        make(
            &mut env,
            &Past {
                folder,
                deal: VENDOR_X,
                failed: &[],
                outcome: "win",
                closed: "2026-08-10T12:00:00Z",
                debrief: None,
            },
        );
    }
    env.at(NOW);
    let mut init = NEW.to_vec();
    init[1] = "pocs/new";
    env.run(&init)
        .ok()
        .stderr_has("1 past POC against Vendor X: 1 won; see `poc -C pocs/new similar`");
    let run = similar(&env, "pocs/new", &["--format", "json"]);
    run.ok();
    assert_eq!(folders(&run.json()), ["pocs/beside"]);
    assert!(!env.path().join("pocs/deeper/down/.poc-cache").exists());
    // Named with --root, the whole tree under it is searched.
    let run = similar(&env, "pocs/new", &["--format", "json", "--root", "pocs"]);
    assert_eq!(folders(&run.json()), ["pocs/beside", "pocs/deeper/down"]);
}

#[test]
fn a_repository_in_the_home_folder_is_not_the_teams() {
    // `~/.git` (dotfiles): the POCs beside ~/new count, not everything
    // under the home folder.
    let mut env = TestEnv::new();
    std::fs::create_dir_all(env.path().join(".home/.git")).unwrap();
    for folder in [".home/beside", ".home/work/deep"] {
        make(
            &mut env,
            &Past {
                folder,
                deal: VENDOR_X,
                failed: &[],
                outcome: "loss",
                closed: "2026-08-10T12:00:00Z",
                debrief: None,
            },
        );
    }
    env.at(NOW);
    let mut init = NEW.to_vec();
    init[1] = ".home/new";
    env.run(&init).ok();
    let run = similar(&env, ".home/new", &["--format", "json"]);
    run.ok();
    assert_eq!(folders(&run.json()), [".home/beside"]);
    assert!(!env.path().join(".home/work/deep/.poc-cache").exists());
}

#[test]
fn a_gap_recorded_twice_in_a_past_poc_is_listed_once_at_its_worst() {
    let mut env = TestEnv::new();
    env.at("2026-08-01T09:00:00Z");
    env.run(&[
        "init",
        "pocs/old",
        "--prospect",
        "Old",
        "--competitor",
        "Vendor X",
    ])
    .ok();
    // The same gap twice, as two clones merged would record it.
    env.at("2026-08-05T09:00:00Z");
    for (text, severity) in [("No SAML", "challenge"), ("SAML missing", "deal-breaker")] {
        let gap = [
            "-C",
            "pocs/old",
            "gap",
            text,
            "--severity",
            severity,
            "--feature",
            "SSO",
        ];
        env.run(&gap).ok();
    }
    env.at("2026-08-10T12:00:00Z");
    env.run(&[
        "-C",
        "pocs/old",
        "close",
        "--outcome",
        "loss",
        "--force",
        "--reason",
        "t",
    ])
    .ok();
    env.at(NOW);
    let mut init = NEW.to_vec();
    init[1] = "pocs/new";
    env.run(&init).ok();
    let run = similar(&env, "pocs/new", &["--format", "json"]);
    let gaps = &run.ok().json()["matches"][0]["gaps"];
    let gaps = gaps.as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["severity"], "deal-breaker");
}
