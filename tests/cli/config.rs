//! `poc config` and the settings it shows: each level of precedence wins
//! over the next (environment, team config, user config, default, and the
//! command's flag over all), both in what `poc config --show-origin` says
//! and in what the commands do; bad config files are errors at
//! file:line:col.

use std::path::PathBuf;

use crate::common::{Run, TestEnv, to_run};

/// A test folder with a team repository `team/` (a `.git` and a `.poc`
/// folder) and a user config folder `xdg/poc/`, which XDG_CONFIG_HOME
/// names.
struct Setup {
    env: TestEnv,
    /// The test folder, through any links (the team config is named so).
    root: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let env = TestEnv::new();
        std::fs::create_dir_all(env.path().join("team/.git")).unwrap();
        std::fs::create_dir_all(env.path().join("team/.poc")).unwrap();
        std::fs::create_dir_all(env.path().join("xdg/poc")).unwrap();
        let root = env.path().canonicalize().unwrap();
        Setup { env, root }
    }

    fn team_config(&self, text: &str) {
        self.env.write("team/.poc/config.yaml", text);
    }

    fn user_config(&self, text: &str) {
        self.env.write("xdg/poc/config.yaml", text);
    }

    fn team_file(&self) -> String {
        self.root
            .join("team/.poc/config.yaml")
            .display()
            .to_string()
    }

    fn user_file(&self) -> String {
        self.env
            .path()
            .join("xdg/poc/config.yaml")
            .display()
            .to_string()
    }

    /// `poc ARGS` in `team/REL` with the user config of `xdg/`, the
    /// variables `vars` set and no POC_USER unless `vars` sets it.
    fn run(&self, rel: &str, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let cwd = self.env.path().join("team").join(rel);
        let mut cmd = self.env.command(&cwd, args);
        cmd.env("XDG_CONFIG_HOME", self.env.path().join("xdg"))
            .env_remove("POC_USER")
            .env("USER", "login-name");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        to_run(cmd.output().expect("poc runs"))
    }

    /// The `value` and `origin` columns of `poc config --show-origin` for
    /// `key`.
    fn shown(&self, key: &str, vars: &[(&str, &str)]) -> (String, String) {
        let run = self.run("", &["config", "--format", "json"], vars);
        run.ok();
        let json = run.json();
        let row = (json["settings"].as_array().unwrap().iter())
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("no {key}: {json}"))
            .clone();
        let value = match &row["value"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        (value, row["origin"].as_str().unwrap().to_string())
    }

    /// `poc init NAME` in the team repository; returns its poc.yaml.
    fn init(&self, name: &str, extra: &[&str], vars: &[(&str, &str)]) -> String {
        let mut args = vec!["init", name, "--prospect", "Acme", "--start", "2026-11-23"];
        args.extend_from_slice(extra);
        self.run("", &args, vars).ok();
        self.env.read(&format!("team/{name}/poc.yaml"))
    }

    /// Who the journal of `team/NAME` says did its first entry.
    fn first_by(&self, name: &str) -> String {
        let journal = self.env.read(&format!("team/{name}/journal.yaml"));
        let line = journal.lines().find_map(|l| l.strip_prefix("- ")).unwrap();
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        entry["by"].as_str().unwrap().to_string()
    }
}

fn line_of(text: &str, prefix: &str) -> String {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
        .to_string()
}

#[test]
fn user_comes_from_the_environment_then_the_users_own_config_then_login() {
    let s = Setup::new();
    s.user_config("# mine\nuser: sam\n");
    s.team_config("timezone: UTC\n");
    let env = [("POC_USER", "kim")];
    assert_eq!(s.shown("user", &env), ("kim".into(), "env POC_USER".into()));
    s.init("by-env", &[], &env);
    assert_eq!(s.first_by("by-env"), "kim");

    let user = format!("user config {}:2", s.user_file());
    assert_eq!(s.shown("user", &[]), ("sam".into(), user));
    let yaml = s.init("by-user", &[], &[]);
    assert_eq!(s.first_by("by-user"), "sam");
    assert_eq!(line_of(&yaml, "owner:"), "owner: \"sam\"");
    // Every command records the configured user.
    s.run("by-user", &["note", "hello"], &[]).ok();
    let journal = s.env.read("team/by-user/journal.yaml");
    assert!(
        journal.lines().last().unwrap().contains("\"by\":\"sam\""),
        "{journal}"
    );

    // A team file naming one person would sign everyone's entries.
    s.team_config("timezone: UTC\nuser: lee\n");
    s.run("by-user", &["note", "x"], &[]).code(1).first_err_is(&format!(
        "error: {}:2:7: `user` belongs in each person's own config (~/.config/poc/config.yaml, or POC_USER), not the team's: the team's would sign everyone's entries with one name",
        s.team_file()
    ));
    s.team_config("timezone: UTC\n");

    std::fs::remove_file(s.env.path().join("xdg/poc/config.yaml")).unwrap();
    assert_eq!(
        s.shown("user", &[]),
        ("login-name".into(), "default".into())
    );
    s.init("by-login", &[], &[]);
    assert_eq!(s.first_by("by-login"), "login-name");
}

#[test]
fn the_template_comes_from_the_flag_then_environment_then_team_then_user() {
    let s = Setup::new();
    s.user_config("template: kubernetes\n");
    let user = format!("user config {}:1", s.user_file());
    assert_eq!(s.shown("template", &[]), ("kubernetes".into(), user));
    let yaml = s.init("a", &[], &[]);
    assert_eq!(line_of(&yaml, "template:"), "template: kubernetes@1");

    s.team_config("template: standard\n");
    let team = format!("team config {}:1", s.team_file());
    assert_eq!(s.shown("template", &[]), ("standard".into(), team));
    let yaml = s.init("b", &[], &[]);
    assert_eq!(line_of(&yaml, "template:"), "template: standard@1");

    let env = [("POC_TEMPLATE", "kubernetes")];
    assert_eq!(
        s.shown("template", &env),
        ("kubernetes".into(), "env POC_TEMPLATE".into())
    );
    let yaml = s.init("c", &[], &env);
    assert_eq!(line_of(&yaml, "template:"), "template: kubernetes@1");

    let yaml = s.init("d", &["--template", "standard"], &env);
    assert_eq!(line_of(&yaml, "template:"), "template: standard@1");

    std::fs::remove_file(s.env.path().join("team/.poc/config.yaml")).unwrap();
    std::fs::remove_file(s.env.path().join("xdg/poc/config.yaml")).unwrap();
    assert_eq!(
        s.shown("template", &[]),
        ("standard".into(), "default".into())
    );
}

#[test]
fn the_timezone_init_writes_comes_from_the_flag_then_environment_then_configs() {
    let s = Setup::new();
    s.user_config("timezone: America/Los_Angeles\n");
    let yaml = s.init("a", &[], &[]);
    assert_eq!(line_of(&yaml, "timezone:"), "timezone: America/Los_Angeles");

    s.team_config("\n\ntimezone: Asia/Tokyo\n");
    let team = format!("team config {}:3", s.team_file());
    assert_eq!(s.shown("timezone", &[]), ("Asia/Tokyo".into(), team));
    let yaml = s.init("b", &[], &[]);
    assert_eq!(line_of(&yaml, "timezone:"), "timezone: Asia/Tokyo");

    let env = [("POC_TIMEZONE", "Europe/Berlin")];
    let yaml = s.init("c", &[], &env);
    assert_eq!(line_of(&yaml, "timezone:"), "timezone: Europe/Berlin");
    let yaml = s.init("d", &["--timezone", "UTC"], &env);
    assert_eq!(line_of(&yaml, "timezone:"), "timezone: UTC");
}

#[test]
fn stale_days_sets_what_fail_on_stale_counts_unless_the_flag_says() {
    let s = Setup::new();
    s.init("acme", &[], &[]);
    // Four days without an entry.
    let later = [("POC_NOW", "2026-11-27T09:00:00Z")];
    let list = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["list", "--fail-on", "stale"];
        args.extend_from_slice(extra);
        let mut all = later.to_vec();
        all.extend_from_slice(vars);
        s.run("", &args, &all).code
    };
    assert_eq!(list(&[], &[]), 0, "the default is 7 days");
    assert_eq!(s.shown("stale_days", &[]), ("7".into(), "default".into()));
    s.user_config("stale_days: 5\n");
    assert_eq!(list(&[], &[]), 0);
    s.team_config("stale_days: 3\n");
    let team = format!("team config {}:1", s.team_file());
    assert_eq!(s.shown("stale_days", &[]), ("3".into(), team));
    assert_eq!(list(&[], &[]), 1, "the team's 3 days win over the user's 5");
    let env = [("POC_STALE_DAYS", "10")];
    assert_eq!(
        s.shown("stale_days", &env),
        ("10".into(), "env POC_STALE_DAYS".into())
    );
    assert_eq!(list(&env, &[]), 0);
    assert_eq!(list(&env, &["--stale", "2"]), 1, "the flag wins");
    // `--stale` alone filters by the configured days too.
    let listed = |vars: &[(&str, &str)]| {
        let mut all = later.to_vec();
        all.extend_from_slice(vars);
        let run = s.run("", &["list", "--stale", "--format", "csv"], &all);
        run.ok().stdout.lines().count() - 1
    };
    assert_eq!(listed(&[]), 1, "4 days idle is stale by the team's 3");
    assert_eq!(listed(&env), 0, "but not by 10");
}

#[test]
fn the_team_config_is_found_from_the_poc_upward_within_the_ceilings() {
    let s = Setup::new();
    s.team_config("timezone: Asia/Tokyo\n");
    s.init("acme", &[], &[]);
    std::fs::create_dir_all(s.env.path().join("team/acme/sub")).unwrap();
    // From below the POC, and from outside it with -C.
    s.run("acme/sub", &["config"], &[])
        .ok()
        .stdout_has("Asia/Tokyo");
    let mut cmd = s.env.command(s.env.path(), &["-C", "team/acme", "config"]);
    cmd.env_remove("POC_USER");
    let run = to_run(cmd.output().unwrap());
    run.ok().stdout_has("Asia/Tokyo");
    // Never in or above a ceiling.
    let ceiling = s.root.join("team/acme").display().to_string();
    let vars = [("POC_CEILING_DIRECTORIES", ceiling.as_str())];
    assert_eq!(
        s.shown("timezone", &vars),
        (
            "Asia/Tokyo".into(),
            format!("team config {}:1", s.team_file())
        ),
        "the current folder (team) is always searched"
    );
    let run = s.run("acme/sub", &["config", "--show-origin"], &vars);
    run.ok().stdout_lacks("Asia/Tokyo");
}

#[test]
fn xdg_config_home_is_honoured_and_else_dot_config_in_home() {
    let s = Setup::new();
    s.user_config("user: from-xdg\n");
    s.env
        .write("home/.config/poc/config.yaml", "user: from-home\n");
    assert_eq!(s.shown("user", &[]).0, "from-xdg");
    let home = s.env.path().join("home");
    let mut cmd = s.env.command(s.env.path(), &["config", "--show-origin"]);
    cmd.env("HOME", &home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("POC_USER");
    let run = to_run(cmd.output().unwrap());
    run.ok()
        .stdout_has("from-home")
        .stdout_has("user config ~/.config/poc/config.yaml:1");
}

#[test]
fn show_origin_adds_a_column_and_json_names_the_files() {
    let s = Setup::new();
    s.user_config("user: sam\n");
    let plain = s.run("", &["config"], &[]);
    plain.ok().stdout_has("sam").stdout_lacks("origin");
    let run = s.run("", &["config", "--format", "json"], &[]);
    let json = run.json();
    assert_eq!(json["files"]["user"], s.user_file());
    assert_eq!(
        json["files"]["team"],
        s.root.join("team/.poc/config.yaml").display().to_string()
    );
    let user = &json["settings"][0];
    assert_eq!(
        (&user["key"], &user["source"], &user["line"]),
        (&"user".into(), &"user".into(), &1.into())
    );
    assert_eq!(json["settings"][4]["value"], serde_json::Value::Null);
}

/// The first line of stderr from `poc config` with the team config `text`.
fn team_config_error(text: &str) -> (Setup, Run) {
    let s = Setup::new();
    s.team_config(text);
    let run = s.run("", &["config"], &[]);
    (s, run)
}

#[test]
fn a_bad_config_is_one_error_line_at_file_line_column() {
    let cases: &[(&str, &str)] = &[
        (
            "timezone: UTC\nusr: lee\n",
            "2:1: unknown field `usr`; did you mean `user`?; valid fields: user, template, timezone, stale_days, templates",
        ),
        (
            "stale_days: -2\n",
            "1:13: `stale_days` is -2; expected a whole number of days, 0 or more",
        ),
        ("stale_days: soon\n", "1:13: expected a whole number"),
        (
            "user: [a, b]\n",
            "1:7: expected text, not a list or mapping",
        ),
        (
            "timezone: Mars/Olympus\n",
            "1:11: `timezone`: `Mars/Olympus` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC",
        ),
        (
            "template: standrd\n",
            "1:11: unknown template `standrd`; did you mean `standard`?; templates: kubernetes, standard (to make it, `poc templates --export standard .poc/templates`, then rename the file standrd.yaml.j2)",
        ),
    ];
    for (text, expected) in cases {
        let (s, run) = team_config_error(text);
        run.code(1);
        assert_eq!(
            run.stderr,
            format!("error: {}:{expected}\n", s.team_file()),
            "{text}"
        );
    }
    let (s, run) = team_config_error("templates: shared\n");
    let dir = s.root.join("team/.poc/shared").display().to_string();
    run.code(1).first_err_is(&format!(
        "error: {}:1:12: `templates`: {dir} does not exist",
        s.team_file()
    ));
    s.env.write("team/.poc/shared", "a file");
    let run = s.run("", &["config"], &[]);
    run.code(1).first_err_is(&format!(
        "error: {}:1:12: `templates`: {dir} is a regular file, not a folder",
        s.team_file()
    ));
}

#[test]
fn a_broken_or_unreadable_config_stops_every_command_and_changes_nothing() {
    let s = Setup::new();
    s.init("acme", &[], &[]);
    s.user_config("stale_days: -1\n");
    let before = s.env.snapshot();
    for args in [&["status"][..], &["note", "x"], &["config"]] {
        let run = s.run("acme", args, &[]);
        run.code(1).first_err_is(&format!(
            "error: {}:1:13: `stale_days` is -1; expected a whole number of days, 0 or more",
            s.user_file()
        ));
        assert_eq!(run.stdout, "");
    }
    assert!(before == s.env.snapshot(), "a file changed");
    // What is printed from poc's own definitions needs no config.
    for args in [&["schema"][..], &["man"], &["completions", "bash"]] {
        let run = s.run("acme", args, &[]);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert!(!run.stdout.is_empty(), "{args:?}");
    }
    std::fs::remove_file(s.env.path().join("xdg/poc/config.yaml")).unwrap();
    std::fs::create_dir(s.env.path().join("xdg/poc/config.yaml")).unwrap();
    let run = s.run("acme", &["status"], &[]);
    run.code(1).first_err_is(&format!(
        "error: {}: is a folder, not a regular file; refusing to read it",
        s.user_file()
    ));
}

#[test]
fn an_empty_or_comment_only_config_is_no_config_and_bad_variables_are_named() {
    let s = Setup::new();
    s.team_config("");
    s.user_config("# nothing yet\n");
    assert_eq!(
        s.shown("user", &[]),
        ("login-name".into(), "default".into())
    );
    let run = s.run("", &["config"], &[("POC_STALE_DAYS", "-3")]);
    run.code(1)
        .first_err_is("error: POC_STALE_DAYS: `-3` is not a whole number of days, 0 or more");
    let run = s.run("", &["config"], &[("POC_TIMEZONE", "Nowhere")]);
    run.code(1).first_err_is("error: POC_TIMEZONE: `Nowhere` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC");
    let run = s.run("", &["config"], &[("POC_TEMPLATE", "kubernets")]);
    run.code(1).first_err_is(
        "error: POC_TEMPLATE: unknown template `kubernets`; did you mean `kubernetes`?; templates: kubernetes, standard (to make it, `poc templates --export standard .poc/templates`, then rename the file kubernets.yaml.j2)",
    );
}

#[test]
fn a_template_that_is_gone_stops_only_init_and_config() {
    let s = Setup::new();
    s.init("acme", &[], &[]);
    s.team_config("stale_days: 3\ntemplate: acme-k8s\n");
    let expected = format!(
        "error: {}:2:11: unknown template `acme-k8s`; templates: kubernetes, standard (to make it, `poc templates --export standard .poc/templates`, then rename the file acme-k8s.yaml.j2)",
        s.team_file()
    );
    s.run("", &["config"], &[]).code(1).first_err_is(&expected);
    let run = s.run("", &["init", "b", "--prospect", "B"], &[]);
    run.code(1).first_err_is(&expected);
    assert!(!s.env.path().join("team/b").exists());
    s.run("acme", &["status"], &[]).ok();
    s.run(
        "",
        &["init", "c", "--prospect", "C", "--template", "standard"],
        &[],
    )
    .ok();
    // Exported under that name, it is there again.
    s.run(
        "",
        &["templates", "--export", "kubernetes", ".poc/templates"],
        &[],
    )
    .ok();
    std::fs::rename(
        s.env.path().join("team/.poc/templates/kubernetes.yaml.j2"),
        s.env.path().join("team/.poc/templates/acme-k8s.yaml.j2"),
    )
    .unwrap();
    s.run("", &["config"], &[]).ok().stdout_has("acme-k8s");
    let yaml = s.init("d", &[], &[]);
    assert_eq!(line_of(&yaml, "template:"), "template: acme-k8s (team)");
}

#[cfg(unix)]
#[test]
fn without_user_variables_the_accounts_own_name_signs_entries() {
    let env = crate::common::TestEnv::new();
    let mut cmd = env.command(env.path(), &["init", "acme", "--prospect", "A"]);
    for var in ["POC_USER", "USER", "USERNAME", "LOGNAME"] {
        cmd.env_remove(var);
    }
    let run = to_run(cmd.output().unwrap());
    run.ok();
    let id = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let me = String::from_utf8(id.stdout).unwrap().trim().to_string();
    assert!(!me.is_empty());
    let scope = env.read("acme/poc.yaml");
    assert!(scope.contains(&format!("owner: \"{me}\"")), "{scope}");
    assert!(
        env.read("acme/journal.yaml")
            .contains(&format!("\"by\":\"{me}\""))
    );
}
