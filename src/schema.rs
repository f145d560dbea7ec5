//! The JSON Schema of `poc.yaml` for editors (`poc schema`, and the
//! `poc.schema.json` that `poc init` writes beside the scope). It is
//! generated from the structs that read the file (`scope::json_schema`), so
//! it says what `poc` accepts; the checks a schema cannot express (ID
//! uniqueness, phase order, real dates, day windows in order) stay with
//! `poc validate`.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// The schema's file name in a POC folder.
pub const SCHEMA_FILE: &str = "poc.schema.json";
/// The first line `poc init` gives `poc.yaml`: the YAML language server (VS
/// Code, Neovim, Helix, Zed, Emacs) validates the file against the schema
/// beside it, offline.
pub const MODELINE: &str = "# yaml-language-server: $schema=poc.schema.json";

/// An ID as `text::valid_id` accepts it, once trimmed.
pub const ID_PATTERN: &str = r"^\s*[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}\s*$";
/// A date as `clock::parse_date` reads it: YYYY-MM-DD.
pub const DATE_PATTERN: &str = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\s*$";
/// Text with something in it.
pub const NOT_BLANK_PATTERN: &str = r"\S";

/// The schema of `T`, in draft 7 (the draft every YAML language server
/// reads).
pub fn generate<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    accept_scalars_as_text(&mut value);
    value
}

/// `poc schema`'s output, and the content of `poc.schema.json`.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&crate::scope::json_schema())
        .unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// `poc.yaml` with the modeline on top, unless it has one already.
pub fn with_modeline(scope: &str) -> String {
    let has_one = scope
        .lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .any(|l| l.contains("yaml-language-server:"));
    if has_one {
        scope.to_string()
    } else {
        format!("{MODELINE}\n{scope}")
    }
}

/// A text field in `poc.yaml` takes any scalar (`title: 42` reads as
/// "42"), so the schema must not flag a number or a boolean there; a
/// choice among words (`enum`, `const`) stays a word.
fn accept_scalars_as_text(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let choice = map.contains_key("enum") || map.contains_key("const");
            if !choice && let Some(kind) = map.get_mut("type") {
                widen_text(kind);
            }
            map.values_mut().for_each(accept_scalars_as_text);
        }
        Value::Array(items) => items.iter_mut().for_each(accept_scalars_as_text),
        _ => {}
    }
}

fn widen_text(kind: &mut Value) {
    let scalars = |rest: &[Value]| {
        let mut kinds = vec![
            Value::from("string"),
            Value::from("number"),
            Value::from("boolean"),
        ];
        kinds.extend(rest.iter().filter(|k| *k != "string").cloned());
        Value::Array(kinds)
    };
    match kind {
        Value::String(s) if s == "string" => *kind = scalars(&[]),
        Value::Array(kinds) if kinds.iter().any(|k| k == "string") => {
            *kind = scalars(kinds);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_modeline_goes_on_top_once() {
        let scope = "# the plan\nversion: 2\n";
        let once = with_modeline(scope);
        assert_eq!(once, format!("{MODELINE}\n# the plan\nversion: 2\n"));
        assert_eq!(with_modeline(&once), once);
        // One further down, in a value or a later comment, is not a modeline.
        let later = "version: 2\n# yaml-language-server: $schema=x.json\n";
        assert!(with_modeline(later).starts_with(MODELINE));
    }

    /// The schema's ID pattern says what `text::valid_id` says.
    #[test]
    fn the_id_pattern_is_the_id_rule() {
        let pattern = regex::Regex::new(ID_PATTERN).unwrap();
        let long = "a".repeat(crate::text::MAX_ID_CHARS);
        let longer = "a".repeat(crate::text::MAX_ID_CHARS + 1);
        let samples = [
            "SC1",
            "env-access",
            "a.b_c",
            "9",
            ".x",
            "_",
            "-x",
            "",
            "env access",
            "é",
            "a/b",
            &long,
            &longer,
        ];
        for id in samples {
            let by_rule = crate::text::valid_id(id).is_ok();
            assert_eq!(pattern.is_match(id), by_rule, "{id:?}");
            // Written with spaces around it, it is read trimmed.
            assert_eq!(pattern.is_match(&format!(" {id} ")), by_rule, "{id:?}");
        }
    }

    #[test]
    fn text_fields_take_any_scalar_and_choices_stay_words() {
        let mut schema = serde_json::json!({
            "properties": {
                "title": {"type": "string"},
                "owner": {"type": ["string", "null"]},
                "priority": {"type": "string", "enum": ["must", "should"]},
                "acv": {"type": "integer"},
            }
        });
        accept_scalars_as_text(&mut schema);
        let p = &schema["properties"];
        assert_eq!(
            p["title"]["type"],
            serde_json::json!(["string", "number", "boolean"])
        );
        assert_eq!(
            p["owner"]["type"],
            serde_json::json!(["string", "number", "boolean", "null"])
        );
        assert_eq!(p["priority"]["type"], "string");
        assert_eq!(p["acv"]["type"], "integer");
    }
}
