//! `poc init` and `poc templates`: a new POC from a bundled template, in the
//! folder named by its argument or by -C, never over an existing one.

use crate::common::*;

#[test]
fn init_creates_the_poc_and_refuses_to_overwrite_one() {
    let env = TestEnv::new();
    let run = env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme Corp",
        "--start",
        "2026-11-23",
        "--owner",
        "Dana Smith",
    ]);
    run.ok()
        .stderr_has("Created acme/poc.yaml from template standard@1 (day 1 is 2026-11-23, UTC).")
        .stderr_has("Next steps:")
        .stderr_has("poc -C acme validate")
        .stderr_has("poc -C acme check")
        .stderr_has("poc -C acme status");
    let scope = env.read("acme/poc.yaml");
    for line in [
        "version: 2\n",
        "template: standard@1\n",
        "name: \"Acme Corp POC\"\n",
        "prospect: \"Acme Corp\"\n",
        "owner: \"Dana Smith\"\n",
        "start: 2026-11-23\n",
    ] {
        assert!(scope.contains(line), "poc.yaml lacks {line:?}:\n{scope}");
    }
    assert!(scope.starts_with('#'), "poc.yaml is commented for the SE");
    let journal = env.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0]["kind"], "init");
    assert_eq!(journal[0]["template"], "standard@1");
    assert_eq!(journal[0]["at"], "2026-11-23T09:00:00Z");
    assert_eq!(journal[0]["by"], "dana");
    assert!(
        env.read("acme/.gitattributes")
            .lines()
            .any(|l| l == "journal.yaml merge=union")
    );

    // A second init changes nothing, whatever it was asked.
    let again = unchanged(&env, || {
        env.run(&[
            "init",
            "acme",
            "--prospect",
            "Other",
            "--template",
            "kubernetes",
        ])
    });
    again.code(1).first_err_is(
        "error: acme/poc.yaml already exists; refusing to overwrite a POC (nothing was changed)",
    );
}

#[test]
fn init_with_no_dir_uses_the_current_folder_and_today() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("here")).unwrap();
    env.run_at("here", &["init", "--prospect", "Acme Corp"])
        .ok()
        .stderr_has("Created poc.yaml from template standard@1 (day 1 is 2026-11-23, UTC).")
        .stderr_has("poc validate");
    assert!(env.read("here/poc.yaml").contains("start: 2026-11-23\n"));
}

/// init takes its folder from -C or from its argument, either place on
/// the command line, and refuses two different ones.
#[test]
fn init_takes_its_folder_from_c_or_its_argument() {
    let env = TestEnv::new();
    env.run(&["init", "-C", "one", "--prospect", "Acme Corp"])
        .ok();
    assert!(env.path().join("one/poc.yaml").is_file());
    env.run(&["-C", "two", "init", "--prospect", "Acme Corp"])
        .ok();
    assert!(env.path().join("two/poc.yaml").is_file());
    env.run(&["-C", "three", "init", "./three/", "--prospect", "Acme Corp"])
        .ok();
    assert!(env.path().join("three/poc.yaml").is_file());
    let run = unchanged(&env, || {
        env.run(&["-C", "four", "init", "five", "--prospect", "Acme Corp"])
    });
    run.code(2)
        .first_err_is("error: -C four and init's folder five name two places; give one of them");
}

#[test]
fn templates_are_listed_and_kubernetes_can_be_used() {
    let env = TestEnv::new();
    let list = env.run(&["templates"]);
    list.ok().stdout_has("standard").stdout_has("kubernetes");
    let json = env.run(&["templates", "--format", "json"]);
    json.ok();
    let ids: Vec<_> = json.json()["templates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "scope")
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["kubernetes@1", "standard@1"]);

    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme Corp",
        "--template",
        "kubernetes",
    ])
    .ok()
    .stderr_has("from template kubernetes@1");
    assert!(
        env.read("acme/poc.yaml")
            .contains("template: kubernetes@1\n")
    );
    assert_eq!(env.journal()[0]["template"], "kubernetes@1");
    env.poc_run(&["validate"]).ok();
    env.poc_run(&["status"]).ok().stdout_has("phase setup");
}

#[test]
fn an_unknown_template_suggests_the_nearest_and_creates_nothing() {
    let env = TestEnv::new();
    let run = unchanged(&env, || {
        env.run(&[
            "init",
            "acme",
            "--prospect",
            "Acme",
            "--template",
            "kubernets",
        ])
    });
    run.code(2).first_err_is(
        "error: unknown template `kubernets`; did you mean `kubernetes`?; templates: kubernetes, standard (see `poc templates`)",
    );
    assert!(!env.path().join("acme").exists());
}
