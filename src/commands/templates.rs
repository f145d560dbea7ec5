//! `poc templates`: the bundled scope templates.

use serde::Serialize;

use crate::cli::{FormatArgs, ListFormat};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::render::{self, SCOPE_TEMPLATES, ScopeTemplate};

#[derive(Serialize)]
struct TemplatesReport {
    schema_version: u32,
    templates: Vec<TemplateRow>,
}

#[derive(Serialize)]
struct TemplateRow {
    id: String,
    #[serde(flatten)]
    template: ScopeTemplate,
}

pub fn run(args: FormatArgs<ListFormat>, _ctx: &Context) -> anyhow::Result<u8> {
    let report = TemplatesReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        templates: SCOPE_TEMPLATES
            .iter()
            .map(|t| TemplateRow {
                id: t.id(),
                template: *t,
            })
            .collect(),
    };
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table => {
            let mut table = render::table(&["template", "version", "description"]);
            for t in &report.templates {
                table.add_row(vec![
                    render::cell(t.template.name),
                    render::cell(t.template.version.to_string()),
                    render::cell(t.template.description),
                ]);
            }
            crate::out(&render::shown(table))?;
        }
    }
    Ok(EXIT_OK)
}
