//! The README's examples, run: every ```console block (and every ```text
//! block marked as output) is replayed over the built `poc` in a temporary
//! folder with the clock fixed, and what `poc` prints is compared with what
//! the README shows, so the documentation cannot drift from the program.
//!
//! A block says what it needs in an HTML comment ending on the line just
//! before it: `<!-- test: example|empty|continues, key=value, … -->`, with
//! `$ ` lines run first, or `<!-- not tested: REASON -->`. The README's
//! Development section describes the marks, the settings and the wildcards
//! (`[..]` within a line, a line `…` for any lines) for the people who
//! write examples; this file is their one implementation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::BIN;

const README: &str = "README.md";

#[test]
fn the_readme_examples_print_what_poc_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(README);
    let text = std::fs::read_to_string(&path).unwrap();
    let failures = check(README, &text);
    assert!(
        failures.is_empty(),
        "{} README example(s) differ from what poc prints:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The Quick start tells a new user which `POC_NOW` shows its output: the
/// clock its tested block runs at.
#[test]
fn the_quick_start_names_the_clock_its_output_is_tested_at() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(README);
    let text = std::fs::read_to_string(&path).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Quick start"))
        .expect("README has a Quick start");
    let value_after = |key: &str, skip_comments: bool| -> Vec<String> {
        section
            .lines()
            .filter(|line| line.trim_start().starts_with("<!--") != skip_comments)
            .flat_map(|line| line.split(key).skip(1))
            .map(|rest| {
                rest.split([' ', ',', '`'])
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    let named = value_after("POC_NOW=", true);
    let tested = value_after("now=", false);
    assert_eq!(tested.len(), 1, "one tested block in the Quick start");
    assert!(
        !named.is_empty() && named.iter().all(|n| *n == tested[0]),
        "the Quick start names POC_NOW={named:?} but its output is tested at now={}",
        tested[0]
    );
}

#[test]
fn a_drifted_example_fails_with_a_diff_naming_its_line() {
    let doc = "# Try\n\n<!-- test: example, now=2026-11-22T12:00:00Z -->\n```console\n\
               $ poc validate\nok: poc.yaml and journal.yaml are valid (1 warnings)\n```\n";
    let failures = check("DOC.md", doc);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    let failure = &failures[0];
    assert!(
        failure.starts_with("DOC.md:5: `poc validate` printed something else"),
        "{failure}"
    );
    assert!(
        failure.contains("\n-ok: poc.yaml and journal.yaml are valid (1 warnings)\n"),
        "{failure}"
    );
    assert!(
        failure.contains("\n+ok: poc.yaml and journal.yaml are valid (0 warnings)\n"),
        "{failure}"
    );
}

#[test]
fn an_unmarked_console_block_is_an_error() {
    let doc = "Run it:\n\n```console\n$ poc validate\nok\n```\n";
    assert_eq!(
        check("DOC.md", doc),
        [
            "DOC.md:3: a console block needs `<!-- test: … -->` or `<!-- not tested: REASON -->` on the line before it"
        ]
    );
    let doc = "<!-- not tested:  -->\n```console\n$ poc validate\n```\n";
    assert_eq!(
        check("DOC.md", doc),
        ["DOC.md:1: `not tested` needs a reason"]
    );
}

#[test]
fn wildcards_stand_for_text_in_a_line_and_for_lines() {
    assert!(line_matches("took [..] ms", "took 12 ms"));
    assert!(line_matches("[..]", ""));
    assert!(!line_matches("took [..] ms", "took 12 s"));
    assert!(!line_matches("took", "took 12"));
    assert!(lines_match(&["a", "…", "d"], &["a", "b", "c", "d"]));
    assert!(lines_match(&["a", "...", "b"], &["a", "b"]));
    assert!(!lines_match(&["a", "…", "d"], &["a", "b", "c"]));
}

/// Runs every marked block of the markdown `text` (named `name` in
/// messages); returns one message per block that failed.
fn check(name: &str, text: &str) -> Vec<String> {
    let examples = match parse(name, text) {
        Ok(examples) => examples,
        Err(errors) => return errors,
    };
    let mut failures = Vec::new();
    let mut sandbox: Option<Sandbox> = None;
    for example in examples {
        let current = match example.start {
            Start::Continues => match sandbox.as_mut() {
                Some(sandbox) => sandbox,
                None => {
                    failures.push(format!(
                        "{name}:{}: `test: continues` follows no tested block",
                        example.mark_line
                    ));
                    continue;
                }
            },
            Start::Example | Start::Empty => sandbox.insert(Sandbox::new(example.start)),
        };
        current.apply(&example.settings);
        for step in &example.hidden {
            let (code, output) = current.run(&step.command);
            if code != Some(0) {
                failures.push(format!(
                    "{name}:{}: the setup command `{}` failed ({code:?}):\n{output}",
                    step.line, step.command
                ));
            }
        }
        for step in &example.shown {
            let (_, output) = current.run(&step.command);
            if let Some(diff) = compare(&step.expected, &output) {
                failures.push(format!(
                    "{name}:{}: `{}` printed something else (- {name}, + poc):\n{diff}",
                    step.line,
                    step.command.lines().next().unwrap_or_default()
                ));
            }
        }
    }
    failures
}

/// Where a tested block starts.
#[derive(Clone, Copy)]
enum Start {
    /// A fresh copy of `examples/acme-observability`.
    Example,
    /// An empty folder.
    Empty,
    /// The folder and settings the previous tested block left.
    Continues,
}

/// A command and what the README shows it printing.
struct Step {
    /// The README line of the command (1-based).
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// One tested block.
struct Example {
    mark_line: usize,
    start: Start,
    settings: Vec<(String, String)>,
    /// Commands run first, their output unchecked.
    hidden: Vec<Step>,
    /// Commands whose output the block shows.
    shown: Vec<Step>,
}

fn parse(name: &str, text: &str) -> Result<Vec<Example>, Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut examples = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(lang) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let fence = i;
        let end = (fence + 1..lines.len())
            .find(|&j| lines[j].trim_start().starts_with("```"))
            .unwrap_or(lines.len());
        let body = &lines[fence + 1..end];
        i = end + 1;
        let lang = lang.trim();
        if lang != "console" && lang != "text" {
            continue;
        }
        let Some((mark_line, comment)) = comment_before(&lines, fence) else {
            if lang == "console" {
                errors.push(format!(
                    "{name}:{}: a console block needs `<!-- test: … -->` or `<!-- not tested: REASON -->` on the line before it",
                    fence + 1
                ));
            }
            continue;
        };
        match block(lang, mark_line, &comment, fence + 2, body) {
            Ok(Some(example)) => examples.push(example),
            Ok(None) => {}
            Err(error) => errors.push(format!("{name}:{mark_line}: {error}")),
        }
    }
    if errors.is_empty() {
        Ok(examples)
    } else {
        Err(errors)
    }
}

/// The HTML comment ending on the line before `fence`: its first line's
/// number (1-based) and its lines, `<!--` and `-->` removed.
fn comment_before(lines: &[&str], fence: usize) -> Option<(usize, Vec<String>)> {
    let last = fence.checked_sub(1)?;
    if !lines[last].trim_end().ends_with("-->") {
        return None;
    }
    let first = (0..=last)
        .rev()
        .find(|&j| lines[j].trim_start().starts_with("<!--"))?;
    let mut body: Vec<String> = lines[first..=last].iter().map(|l| l.to_string()).collect();
    body[0] = body[0].trim_start().trim_start_matches("<!--").to_string();
    let end = body.len() - 1;
    body[end] = body[end].trim_end().trim_end_matches("-->").to_string();
    Some((first + 1, body))
}

/// The example a block and its mark describe; `None` for a block marked
/// not tested. `first_line` is the README line of the block's first line.
fn block(
    lang: &str,
    mark_line: usize,
    comment: &[String],
    first_line: usize,
    body: &[&str],
) -> Result<Option<Example>, String> {
    let head = comment[0].trim();
    if let Some(reason) = head.strip_prefix("not tested:") {
        return match reason.trim() {
            "" => Err("`not tested` needs a reason".into()),
            _ => Ok(None),
        };
    }
    let Some(spec) = head.strip_prefix("test:") else {
        return Err(format!(
            "expected `test: …` or `not tested: REASON`, found `{head}`"
        ));
    };
    let mut words = spec.split(',').map(str::trim);
    let start = match words.next() {
        Some("example") => Start::Example,
        Some("empty") => Start::Empty,
        Some("continues") => Start::Continues,
        other => {
            return Err(format!(
                "a test starts from `example`, `empty` or `continues`, not `{}`",
                other.unwrap_or_default()
            ));
        }
    };
    let settings = words
        .filter(|w| !w.is_empty())
        .map(setting)
        .collect::<Result<Vec<_>, _>>()?;
    if !matches!(start, Start::Continues) && !settings.iter().any(|(k, _)| k == "POC_NOW") {
        return Err("a test that does not continue needs `now=TIME`".into());
    }
    let commented: Vec<&str> = comment[1..].iter().map(String::as_str).collect();
    let mut hidden = steps(&commented, mark_line + 1)?;
    let shown = if lang == "text" {
        let Some(mut last) = hidden.pop() else {
            return Err("a tested text block needs the command it shows in its comment".into());
        };
        last.expected = body.iter().map(|l| l.to_string()).collect();
        vec![last]
    } else {
        steps(body, first_line)?
    };
    for step in &mut hidden {
        step.expected.clear();
    }
    Ok(Some(Example {
        mark_line,
        start,
        settings,
        hidden,
        shown,
    }))
}

/// A `key=value` of a mark, as the environment variable it sets.
fn setting(word: &str) -> Result<(String, String), String> {
    let (key, value) = word
        .split_once('=')
        .ok_or_else(|| format!("expected `key=value`, found `{word}`"))?;
    let var = match key.trim() {
        "now" => "POC_NOW",
        "user" => "POC_USER",
        "seed" => "POC_ID_SEED",
        "columns" => "COLUMNS",
        "tz" => "TZ",
        "cd" => "cd",
        "before" => "before",
        other => {
            return Err(format!(
                "unknown setting `{other}` (now, user, seed, columns, tz, cd, before)"
            ));
        }
    };
    Ok((var.to_string(), value.trim().to_string()))
}

/// The `$ ` commands of `lines` (the first at README line `first_line`),
/// each with the lines after it up to the next command.
fn steps(lines: &[&str], first_line: usize) -> Result<Vec<Step>, String> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continued = false;
    for (n, line) in lines.iter().enumerate() {
        if continued {
            let step = steps.last_mut().expect("a continuation follows a command");
            step.command.push('\n');
            step.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                line: first_line + n,
                command: command.to_string(),
                expected: Vec::new(),
            });
            continued = command.ends_with('\\');
        } else if let Some(step) = steps.last_mut() {
            step.expected.push(line.to_string());
        } else if !line.trim().is_empty() {
            return Err(format!(
                "line {} comes before any `$ ` command",
                first_line + n
            ));
        }
    }
    Ok(steps)
}

/// A temporary folder with a home of its own, and the environment and
/// folder the commands run in.
struct Sandbox {
    root: tempfile::TempDir,
    cwd: PathBuf,
    env: BTreeMap<String, String>,
}

impl Sandbox {
    fn new(start: Start) -> Sandbox {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        std::fs::create_dir_all(home.join(".config")).unwrap();
        let cwd = root.path().join("work");
        std::fs::create_dir(&cwd).unwrap();
        let cwd = match start {
            Start::Example => {
                let example =
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-observability");
                let copy = cwd.join("acme-observability");
                copy_tree(&example, &copy);
                copy
            }
            Start::Empty | Start::Continues => cwd,
        };
        let bin_dir = Path::new(BIN).parent().unwrap().display().to_string();
        let env = [
            ("PATH", format!("{bin_dir}:/usr/local/bin:/usr/bin:/bin")),
            ("HOME", home.display().to_string()),
            (
                "XDG_CONFIG_HOME",
                home.join(".config").display().to_string(),
            ),
            ("POC_CEILING_DIRECTORIES", root.path().display().to_string()),
            ("POC_USER", "Dana Smith".into()),
            ("POC_ID_SEED", "readme".into()),
            ("COLUMNS", "100".into()),
            ("TZ", "UTC".into()),
            ("LANG", "C.UTF-8".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Sandbox { root, cwd, env }
    }

    fn apply(&mut self, settings: &[(String, String)]) {
        for (key, value) in settings {
            if key == "cd" {
                for part in Path::new(value).components() {
                    match part {
                        std::path::Component::ParentDir => _ = self.cwd.pop(),
                        other => self.cwd.push(other),
                    }
                }
            } else if key == "before" {
                cut_journal(&self.cwd.join("journal.yaml"), value);
            } else {
                self.env.insert(key.clone(), value.clone());
            }
        }
    }

    /// Runs `command` through `sh -c`: its exit code and what it printed on
    /// stdout and stderr together, the sandbox's path shown as `[TMP]`.
    fn run(&self, command: &str) -> (Option<i32>, String) {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("exec 2>&1\n{command}"))
            .current_dir(&self.cwd)
            .env_clear()
            .envs(&self.env)
            .output()
            .unwrap_or_else(|e| panic!("sh runs in {}: {e}", self.cwd.display()));
        let text = String::from_utf8_lossy(&out.stdout)
            .replace(&self.root.path().display().to_string(), "[TMP]");
        (out.status.code(), text)
    }
}

/// Keeps the journal's entries dated before `time` (both UTC timestamps
/// as `poc` writes them, which sort as text), and its comments.
fn cut_journal(journal: &Path, time: &str) {
    let text = std::fs::read_to_string(journal).unwrap();
    let kept: String = text
        .lines()
        .filter(|line| {
            let at = line
                .split_once("\"at\":\"")
                .map(|(_, rest)| &rest[..rest.find('"').unwrap_or(0)]);
            at.is_none_or(|at| at < time)
        })
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(journal, kept).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `None` when `actual` is what `expected` shows (wildcards allowed,
/// trailing spaces and blank lines ignored), else a diff.
fn compare(expected: &[String], actual: &str) -> Option<String> {
    let expected = trimmed(expected.iter().map(String::as_str));
    let actual = trimmed(actual.lines());
    if lines_match(&expected, &actual) {
        return None;
    }
    let (expected, actual) = (expected.join("\n") + "\n", actual.join("\n") + "\n");
    let diff = similar::TextDiff::from_lines(&expected, &actual);
    Some(diff.unified_diff().context_radius(3).to_string())
}

fn trimmed<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut lines: Vec<&str> = lines.map(str::trim_end).collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// Whether `actual` is what the `pattern` lines show: a line `…` (or
/// `...`) is any number of lines.
fn lines_match(pattern: &[&str], actual: &[&str]) -> bool {
    match pattern.split_first() {
        None => actual.is_empty(),
        Some((line, rest)) if matches!(line.trim(), "…" | "...") => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(first, others)| line_matches(line, first) && lines_match(rest, others)),
    }
}

/// Whether `actual` is the `pattern` line, where `[..]` is any text.
fn line_matches(pattern: &str, actual: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}
