//! `poc config`: the settings in effect, and where each came from.

use serde::Serialize;

use crate::cli::{ConfigArgs, ListFormat};
use crate::config::{Config, DEFAULT_TEMPLATE, Origin, Setting, login_name};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::render;

#[derive(Serialize)]
struct ConfigReport {
    schema_version: u32,
    settings: Vec<Row>,
    /// The config files read, or looked for: the team's (when a `.poc`
    /// folder was found) and the user's.
    files: Files,
}

#[derive(Serialize)]
struct Files {
    team: Option<String>,
    user: Option<String>,
}

#[derive(Serialize)]
struct Row {
    key: &'static str,
    /// None when nothing sets it and it has no default (`templates`).
    value: Option<serde_json::Value>,
    /// `env POC_USER`, `team config /repo/.poc/config.yaml:3`, `default`.
    origin: String,
    /// Where the origin is, as fields.
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variable: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

pub fn run(args: ConfigArgs, ctx: &Context) -> anyhow::Result<u8> {
    ctx.config.check_template()?;
    let report = ConfigReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        settings: rows(&ctx.config),
        files: Files {
            team: (ctx.config.team_dir.as_ref())
                .map(|d| d.join(crate::config::CONFIG_FILE).display().to_string()),
            user: (ctx.config.user_dir.as_ref())
                .map(|d| d.join(crate::config::CONFIG_FILE).display().to_string()),
        },
    };
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table => {
            let headers: &[&str] = match args.show_origin {
                true => &["key", "value", "origin"],
                false => &["key", "value"],
            };
            let mut table = render::table(headers);
            for row in &report.settings {
                let value = match &row.value {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => "(none)".to_string(),
                };
                let mut cells = vec![render::cell(row.key), render::cell(value)];
                if args.show_origin {
                    cells.push(render::cell(&row.origin));
                }
                table.add_row(cells);
            }
            crate::out(&render::shown(table))?;
        }
    }
    Ok(EXIT_OK)
}

/// Each setting, resolved: what the config says, else the default the
/// command that uses it applies.
fn rows(config: &Config) -> Vec<Row> {
    use serde_json::Value;
    let text = |s: &str| Value::from(s);
    vec![
        resolved("user", &config.user, |v| text(v), Some(text(&login_name()))),
        resolved(
            "template",
            &config.template,
            |v| text(v),
            Some(text(DEFAULT_TEMPLATE)),
        ),
        resolved(
            "timezone",
            &config.timezone,
            |z| text(z.name()),
            Some(text(crate::clock::machine_zone().name())),
        ),
        resolved(
            "stale_days",
            &config.stale_days,
            |d| Value::from(*d),
            Some(crate::portfolio::DEFAULT_STALE_DAYS.into()),
        ),
        resolved(
            "templates",
            &config.templates,
            |p| text(&p.display().to_string()),
            None,
        ),
    ]
}

/// The row of a setting: its value and origin, else `default`.
fn resolved<T>(
    key: &'static str,
    setting: &Option<Setting<T>>,
    show: impl Fn(&T) -> serde_json::Value,
    default: Option<serde_json::Value>,
) -> Row {
    match setting {
        Some(s) => row(key, Some(show(&s.value)), s.origin.clone()),
        None => row(key, default, Origin::Default),
    }
}

fn row(key: &'static str, value: Option<serde_json::Value>, origin: Origin) -> Row {
    let (source, variable, file, line) = match &origin {
        Origin::Env(var) => ("env", Some(*var), None, None),
        Origin::File { scope, path, line } => (
            scope.name(),
            None,
            Some(path.display().to_string()),
            Some(*line),
        ),
        Origin::Default => ("default", None, None, None),
    };
    Row {
        key,
        value,
        origin: origin.to_string(),
        source,
        variable,
        file,
        line,
    }
}
