//! Team and user templates: `poc templates` lists each with where it comes
//! from and what it shadows, `init` and the documents use the nearest,
//! `--export` writes a bundled one without overwriting, `--context` shows
//! what a document template gets, and a broken template is an error at
//! its file, line and column.

use std::path::PathBuf;

use crate::common::{Run, TestEnv, to_run, unchanged};

const STANDARD: &str = include_str!("../../templates/scopes/standard.yaml.j2");
const STATUS: &str = include_str!("../../templates/status.md.j2");

/// A team repository `team/` (`.git`, `.poc/templates/`), a user config
/// folder `xdg/poc/` with `templates/`, and a shared folder `shared/` that
/// the user config names as its `templates`.
struct Setup {
    env: TestEnv,
    root: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let env = TestEnv::new();
        for dir in [
            "team/.git",
            "team/.poc/templates",
            "xdg/poc/templates",
            "shared",
        ] {
            std::fs::create_dir_all(env.path().join(dir)).unwrap();
        }
        env.write("xdg/poc/config.yaml", "templates: ../../shared\n");
        let root = env.path().canonicalize().unwrap();
        Setup { env, root }
    }

    fn run(&self, rel: &str, args: &[&str]) -> Run {
        let cwd = self.env.path().join("team").join(rel);
        let mut cmd = self.env.command(&cwd, args);
        cmd.env("XDG_CONFIG_HOME", self.env.path().join("xdg"));
        to_run(cmd.output().expect("poc runs"))
    }

    /// The standard template with `marker` as its first line.
    fn standard_marked(&self, rel: &str, marker: &str) {
        self.env.write(rel, format!("# {marker}\n{STANDARD}"));
    }

    fn init(&self, name: &str) -> Run {
        self.run(
            "",
            &["init", name, "--prospect", "Acme", "--start", "2026-11-23"],
        )
    }
}

const TEAM: &str = "team/.poc/templates";
const SHARED: &str = "shared";
const USER: &str = "xdg/poc/templates";

#[test]
fn templates_lists_every_one_with_its_origin_and_what_shadows_what() {
    let s = Setup::new();
    s.standard_marked(&format!("{TEAM}/standard.yaml.j2"), "team");
    s.standard_marked(&format!("{SHARED}/standard.yaml.j2"), "shared");
    s.standard_marked(&format!("{USER}/standard.yaml"), "user");
    s.standard_marked(&format!("{USER}/mine.yaml.j2"), "mine");
    s.env.write(&format!("{USER}/status.md.j2"), "{{ name }}\n");
    s.env.write(&format!("{USER}/notes.txt"), "not a template");
    let run = s.run("", &["templates", "--format", "json"]);
    let json = run.ok().json();
    let rows = json["templates"].as_array().unwrap();
    let of = |name: &str| -> Vec<(String, String, String)> {
        (rows.iter().filter(|r| r["name"] == name))
            .map(|r| {
                let note = match (&r["shadowed_by"], &r["shadows"]) {
                    (serde_json::Value::String(by), _) => format!("shadowed by {by}"),
                    (_, serde_json::Value::Array(s)) => format!("shadows {s:?}"),
                    _ => String::new(),
                };
                let file = r["file"].as_str().unwrap_or("").to_string();
                (r["source"].as_str().unwrap().to_string(), file, note)
            })
            .collect()
    };
    let team = s.root.join(TEAM).join("standard.yaml.j2");
    let shared = s.env.path().join("xdg/poc/../../shared/standard.yaml.j2");
    let user = s.env.path().join(USER).join("standard.yaml");
    assert_eq!(
        of("standard"),
        [
            (
                "team".into(),
                team.display().to_string(),
                r#"shadows [String("config"), String("user"), String("bundled")]"#.into()
            ),
            (
                "config".into(),
                shared.display().to_string(),
                "shadowed by team".into()
            ),
            (
                "user".into(),
                user.display().to_string(),
                "shadowed by team".into()
            ),
            ("bundled".into(), String::new(), "shadowed by team".into()),
        ]
    );
    assert_eq!(of("mine").len(), 1);
    assert_eq!(of("mine")[0].0, "user");
    assert_eq!(
        of("status.md.j2")
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>(),
        ["user", "bundled"]
    );
    assert!(of("notes.txt").is_empty() && of("notes").is_empty());
    // The table says the same in words.
    let table = s.run("", &["templates"]);
    table
        .ok()
        .stdout_has("shadows config, user, bundled")
        .stdout_has("shadowed by user")
        .stdout_has("kubernetes@1");
}

#[test]
fn init_uses_the_nearest_template_of_the_name() {
    let s = Setup::new();
    s.standard_marked(&format!("{TEAM}/standard.yaml.j2"), "from the team");
    s.standard_marked(
        &format!("{SHARED}/standard.yaml.j2"),
        "from the shared folder",
    );
    s.standard_marked(&format!("{USER}/standard.yaml.j2"), "from the user");
    // The line after the editor's modeline.
    let first = |name: &str| {
        let text = s.env.read(&format!("team/{name}/poc.yaml"));
        text.lines().nth(1).unwrap().to_string()
    };
    s.init("a").ok().stderr_has("from template standard (team)");
    assert_eq!(first("a"), "# from the team");
    let journal = s.env.read("team/a/journal.yaml");
    assert!(
        journal.contains(r#""template":"standard (team)""#),
        "{journal}"
    );
    std::fs::remove_file(s.env.path().join(TEAM).join("standard.yaml.j2")).unwrap();
    s.init("b").ok();
    assert_eq!(first("b"), "# from the shared folder");
    std::fs::remove_file(s.env.path().join(SHARED).join("standard.yaml.j2")).unwrap();
    s.init("c").ok();
    assert_eq!(first("c"), "# from the user");
    std::fs::remove_file(s.env.path().join(USER).join("standard.yaml.j2")).unwrap();
    s.init("d").ok();
    assert_eq!(first("d"), STANDARD.lines().next().unwrap());
    // The POC each made is a valid one.
    for name in ["a", "b", "c", "d"] {
        s.run(name, &["validate"]).ok();
    }
}

#[test]
fn a_plain_yaml_template_is_used_as_it_is_with_inits_fields_set() {
    let s = Setup::new();
    s.run(
        "",
        &[
            "init",
            "old",
            "--prospect",
            "Old Corp",
            "--start",
            "2026-01-05",
        ],
    )
    .ok();
    let old = s.env.read("team/old/poc.yaml");
    let plain = old.replace("timezone: UTC\n", "");
    s.env.write(&format!("{TEAM}/reuse.yaml"), &plain);
    s.run(
        "",
        &[
            "init",
            "new",
            "--prospect",
            "New Co",
            "--template",
            "reuse",
            "--start",
            "2026-12-01",
        ],
    )
    .ok();
    let made = s.env.read("team/new/poc.yaml");
    assert!(made.contains("\nprospect: \"New Co\"\n"), "{made}");
    assert!(made.contains("\nstart: \"2026-12-01\"\n"), "{made}");
    assert!(made.contains("\ntemplate: \"reuse (team)\"\n"), "{made}");
    assert!(
        made.ends_with("# Set by poc init.\ntimezone: \"UTC\"\n"),
        "{made}"
    );
    // Every other line is the file's.
    let others = |t: &str| {
        t.lines()
            .filter(|l| {
                ![
                    "prospect:",
                    "name:",
                    "start:",
                    "template:",
                    "owner:",
                    "timezone:",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .take(60)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(others(&made), others(&plain));
    s.run("new", &["validate"]).ok();
}

#[test]
fn a_document_template_override_takes_effect_nearest_first() {
    let s = Setup::new();
    s.init("acme").ok();
    s.env.write(
        &format!("{USER}/status.md.j2"),
        "user: {{ name }}, day {{ day }}\n",
    );
    let run = s.run("acme", &["status", "--format", "markdown"]);
    assert_eq!(run.ok().stdout, "user: Acme POC, day 1\n");
    s.env
        .write(&format!("{TEAM}/status.md.j2"), "team: {{ prospect }}\n");
    let run = s.run("acme", &["status", "--format", "markdown"]);
    assert_eq!(run.ok().stdout, "team: Acme\n");
    // A partial is overridden as well: the bundled checklist includes it.
    s.env
        .write(&format!("{TEAM}/evidence.md.j2"), "EVIDENCE[{{ c.id }}]");
    s.run("acme", &["check", "SC1", "--evidence", "it runs"])
        .ok();
    let run = s.run("acme", &["checklist"]);
    run.ok().stdout_has("EVIDENCE[SC1]");
    // Other documents keep the bundled template.
    let run = s.run("acme", &["checklist"]);
    run.stdout_has("## 1. Environment setup (`setup`, days 1–2)");
}

#[test]
fn context_prints_exactly_what_the_document_template_gets() {
    let s = Setup::new();
    s.init("acme").ok();
    s.run("acme", &["check", "SC1", "--evidence", "it runs"])
        .ok();
    let dump = "{{ name }}|{{ day }}|{{ phase }}|{{ criteria[0].id }}={{ criteria[0].status }}|{{ criteria[0].evidence }}|{{ blockers | length }}|{{ _poc_timezone }}|{{ _poc_dir }}\n";
    s.env.write(&format!("{TEAM}/status.md.j2"), dump);
    let rendered = s.run("acme", &["status", "--format", "markdown"]);
    let context = s.run("acme", &["status", "--context"]);
    let c = context.ok().json();
    let expected = format!(
        "{}|{}|{}|{}={}|{}|{}|{}|{}\n",
        c["name"].as_str().unwrap(),
        c["day"],
        c["phase"].as_str().unwrap(),
        c["criteria"][0]["id"].as_str().unwrap(),
        c["criteria"][0]["status"].as_str().unwrap(),
        c["criteria"][0]["evidence"].as_str().unwrap(),
        c["blockers"].as_array().unwrap().len(),
        c["_poc_timezone"].as_str().unwrap(),
        c["_poc_dir"].as_str().unwrap(),
    );
    assert_eq!(rendered.ok().stdout, expected);
    assert_eq!(expected, "Acme POC|1|setup|SC1=met|it runs|0|UTC|\n");
    // The context is the JSON report with the two variables the filters use.
    let json = s.run("acme", &["status", "--format", "json"]).json();
    let mut without = c.clone();
    let fields = without.as_object_mut().unwrap();
    assert!(fields.remove("_poc_timezone").is_some() && fields.remove("_poc_dir").is_some());
    assert_eq!(without, json);
    // The checklist and the debrief have theirs.
    let checklist = s.run("acme", &["checklist", "--context"]).json();
    assert_eq!(checklist["criteria"][0]["status"], "met");
    s.run(
        "acme",
        &[
            "close",
            "--outcome",
            "loss",
            "--force",
            "--reason",
            "budget",
        ],
    )
    .ok();
    let debrief = unchanged(&s.env, || s.run("acme", &["debrief", "--context"]));
    let mut debrief = debrief.ok().json();
    assert_eq!(debrief["_poc_dir"], "");
    let fields = debrief.as_object_mut().unwrap();
    assert!(fields.remove("_poc_timezone").is_some() && fields.remove("_poc_dir").is_some());
    let json = s.run("acme", &["debrief", "--format", "json"]).json();
    assert_eq!(debrief, json);
    // Written elsewhere, the links to evidence start from there.
    let debrief = s
        .run("acme", &["debrief", "--context", "--out", "../out.md"])
        .json();
    assert_eq!(debrief["_poc_dir"], "acme/");
}

#[test]
fn export_writes_a_bundled_template_and_never_over_a_file() {
    let s = Setup::new();
    let run = s.run("", &["templates", "--export", "standard", ".poc/templates"]);
    run.ok().stderr_has("Wrote .poc/templates/standard.yaml.j2");
    assert_eq!(s.env.read(&format!("{TEAM}/standard.yaml.j2")), STANDARD);
    // Into the current folder by default, a document by its file name.
    s.run("", &["templates", "--export", "status.md.j2"]).ok();
    assert_eq!(s.env.read("team/status.md.j2"), STATUS);
    s.env.write("team/status.md.j2", "mine");
    let run = unchanged(&s.env, || {
        s.run("", &["templates", "--export", "status.md"])
    });
    run.code(1).first_err_is(
        "error: ./status.md.j2 already exists; refusing to overwrite it (nothing was changed)",
    );
    // A new folder is made.
    s.run(
        "",
        &["templates", "--export", "kubernetes", "new/templates"],
    )
    .ok();
    assert!(
        s.env
            .path()
            .join("team/new/templates/kubernetes.yaml.j2")
            .is_file()
    );
    let run = unchanged(&s.env, || s.run("", &["templates", "--export", "standrd"]));
    run.code(2).first_err_is(
        "error: no bundled template `standrd`; did you mean `standard`?; bundled: standard, kubernetes, status.md.j2, checklist.md.j2, debrief.md.j2, evidence.md.j2, similar.md.j2, report.html.j2, update.md.j2, update.html.j2, insights.md.j2, insights.html.j2, signoff-sheet.md.j2, signoff-sheet.html.j2",
    );
}

#[test]
fn a_broken_template_is_an_error_at_its_file_line_and_column() {
    let s = Setup::new();
    s.init("acme").ok();
    let status = s.root.join(TEAM).join("status.md.j2");
    let cases = [
        (
            "# Status\n{% if day %}\n",
            "2:11: syntax error: unexpected end of input, expected end of block",
        ),
        (
            "# Status\n\n  {{ name | shout }}\n",
            "3:13: unknown filter: filter shout is unknown",
        ),
        ("{{ nothing.here }}\n", "1:4: undefined value"),
    ];
    for (text, expected) in cases {
        s.env.write(&format!("{TEAM}/status.md.j2"), text);
        let run = s.run("acme", &["status", "--format", "markdown"]);
        run.code(1);
        assert_eq!(
            run.stderr,
            format!("error: {}:{expected}\n", status.display())
        );
        assert_eq!(run.stdout, "");
    }
    // A scope template: nothing is created.
    let scope = s.root.join(TEAM).join("bad.yaml.j2");
    s.env.write(
        &format!("{TEAM}/bad.yaml.j2"),
        "version: 2\nname: {{ name | nope }}\n",
    );
    let run = unchanged(&s.env, || {
        s.run("", &["init", "b", "--prospect", "B", "--template", "bad"])
    });
    run.code(1).first_err_is(&format!(
        "error: {}:2:17: unknown filter: filter nope is unknown",
        scope.display()
    ));
    s.env.write(
        &format!("{TEAM}/bad.yaml.j2"),
        "version: 2\nname: {{ name | yaml_str }}\nprospect: x\n  oops: [\n",
    );
    let run = unchanged(&s.env, || {
        s.run("", &["init", "b", "--prospect", "B", "--template", "bad"])
    });
    run.code(1).first_err_is(&format!(
        "error: {} (as rendered):4:7: mapping values are not allowed in this context (a value holding `: ` needs quotes; otherwise check this line's indentation)",
        scope.display()
    ));
}

/// A team template from a repository someone else controls must not hang
/// or exhaust `poc`: a render that runs without end, or writes more than
/// any document needs, stops with an error naming the template.
#[test]
fn a_template_that_never_ends_or_floods_is_stopped_with_an_error() {
    let s = Setup::new();
    s.init("acme").ok();
    let status = s.root.join(TEAM).join("status.md.j2");
    let cases = [
        (
            "# Status\n{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n",
            "the template runs too long (more than 20000000 steps); is it looping without end?",
        ),
        (
            "{% for i in range(10000) %}{{ 'x' * 100000 }}{% endfor %}\n",
            "the template writes more than 64 MiB; is it looping without end?",
        ),
    ];
    for (text, expected) in cases {
        s.env.write(&format!("{TEAM}/status.md.j2"), text);
        let started = std::time::Instant::now();
        let run = unchanged(&s.env, || {
            s.run("acme", &["status", "--format", "markdown"])
        });
        run.code(1);
        assert!(
            run.stderr
                .starts_with(&format!("error: {}", status.display()))
                && run.stderr.ends_with(&format!("{expected}\n"))
                && run.stderr.lines().count() == 1,
            "{}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
    }
    // A scope template too: nothing is created.
    s.env.write(
        &format!("{TEAM}/loop.yaml.j2"),
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    );
    let run = unchanged(&s.env, || {
        s.run("", &["init", "b", "--prospect", "B", "--template", "loop"])
    });
    run.code(1)
        .stderr_has("loop.yaml.j2")
        .stderr_has("the template runs too long");
}

/// A template that includes itself, or an include that fails, says why,
/// not only that the include failed.
#[test]
fn an_error_inside_an_include_says_what_it_is() {
    let s = Setup::new();
    s.init("acme").ok();
    let status = s.root.join(TEAM).join("status.md.j2");
    s.env.write(
        &format!("{TEAM}/status.md.j2"),
        "{% include \"status.md\" %}\n",
    );
    let run = s.run("acme", &["status", "--format", "markdown"]);
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}:1:4: could not render include: error in \"status.md\": invalid operation: recursion limit exceeded\n",
            status.display()
        )
    );
    s.env
        .write(&format!("{TEAM}/evidence.md.j2"), "{{ c.nope }}");
    s.env.write(&format!("{TEAM}/status.md.j2"), STATUS);
    s.run("acme", &["check", "SC1", "--evidence", "it runs"])
        .ok();
    let run = s.run("acme", &["checklist"]);
    run.code(1).stderr_has("undefined value");
}

/// `--export NAME DIR` where DIR is a file, or a link to nothing, says so
/// in words and writes nothing (nor through the link).
#[test]
fn export_into_something_that_is_not_a_folder_says_what_it_is() {
    let s = Setup::new();
    s.env.write("team/notes.txt", "mine");
    let run = unchanged(&s.env, || {
        s.run("", &["templates", "--export", "standard", "notes.txt"])
    });
    run.code(1)
        .first_err_is("error: notes.txt is a regular file, not a folder; nothing was written");
    #[cfg(unix)]
    {
        let link = s.env.path().join("team/linked");
        std::os::unix::fs::symlink(s.env.path().join("gone"), &link).unwrap();
        let run = unchanged(&s.env, || {
            s.run("", &["templates", "--export", "standard", "linked"])
        });
        run.code(1).first_err_is(
            "error: linked is a link to nothing that exists, not a folder; nothing was written",
        );
        assert!(!s.env.path().join("gone").exists());
    }
}
