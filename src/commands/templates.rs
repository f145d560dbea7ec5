//! `poc templates`: every template, where it comes from and what it
//! shadows; `--export` writes a bundled one out as a starting point.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::catalog::{self, Body, Kind, Source, Template};
use crate::cli::{ListFormat, TemplatesArgs};
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::render;

#[derive(Serialize)]
struct TemplatesReport {
    schema_version: u32,
    templates: Vec<TemplateRow>,
}

#[derive(Serialize)]
struct TemplateRow {
    name: String,
    kind: Kind,
    source: Source,
    /// What init records for a scope template: `standard@1` for a bundled
    /// one, `NAME (team)` for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'static str>,
    /// The file, for one that is not bundled.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    /// The nearer template of the same name that is used instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    shadowed_by: Option<Source>,
    /// The further ones of the same name this one hides.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    shadows: Vec<Source>,
}

pub fn run(args: TemplatesArgs, ctx: &Context) -> anyhow::Result<u8> {
    if let Some(name) = &args.export {
        return export(name, args.dir.as_deref().unwrap_or(Path::new(".")));
    }
    let report = TemplatesReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        templates: rows(catalog::all(&ctx.config.template_dirs())),
    };
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table => crate::out(&table(&report.templates))?,
    }
    Ok(EXIT_OK)
}

/// One row per template, each knowing what it shadows or is shadowed by.
fn rows(all: Vec<Template>) -> Vec<TemplateRow> {
    let same = |a: &Template, b: &Template| a.kind == b.kind && a.name == b.name;
    (all.iter())
        .map(|t| {
            let mut named = all.iter().filter(|o| same(o, t));
            let nearest = named.next().filter(|n| !std::ptr::eq(*n, t));
            let shadows = match nearest {
                None => (all.iter().filter(|o| same(o, t)).skip(1))
                    .map(|o| o.source)
                    .collect(),
                Some(_) => Vec::new(),
            };
            let bundled = match &t.body {
                Body::Bundled(b) => Some(b),
                _ => None,
            };
            TemplateRow {
                name: t.name.clone(),
                kind: t.kind,
                source: t.source,
                id: (t.kind == Kind::Scope).then(|| t.id()),
                version: bundled.map(|b| b.version),
                description: bundled.map(|b| b.description),
                file: t.path().map(|p| p.display().to_string()),
                shadowed_by: nearest.map(|n| n.source),
                shadows,
            }
        })
        .collect()
}

fn table(rows: &[TemplateRow]) -> String {
    // The kind shows in the name (`standard`, `status.md.j2`); the long
    // column comes last, where wrapping it hides nothing.
    let mut table = render::table(&["template", "from", "note", "file or description"]);
    for r in rows {
        let names = |s: &[Source]| s.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ");
        let note = match (r.shadowed_by, r.shadows.is_empty()) {
            (Some(by), _) => format!("shadowed by {}", by.name()),
            (None, false) => format!("shadows {}", names(&r.shadows)),
            (None, true) => String::new(),
        };
        let file = r
            .file
            .as_ref()
            .map(|f| crate::config::home_relative(Path::new(f)));
        let about = file.or_else(|| r.description.map(str::to_string));
        table.add_row(vec![
            render::cell(match r.source {
                Source::Bundled => r.id.as_deref().unwrap_or(&r.name),
                _ => &r.name,
            }),
            render::cell(r.source.name()),
            render::cell(note),
            render::cell(about.unwrap_or_default()),
        ]);
    }
    render::shown(table)
}

/// Writes the bundled template `name` into `dir` (made if need be), never
/// over an existing file.
fn export(name: &str, dir: &Path) -> anyhow::Result<u8> {
    let Some((file, source)) = render::bundled(name) else {
        let scopes = crate::render::SCOPE_TEMPLATES.iter().map(|t| t.name);
        let known: Vec<&str> = scopes.chain(render::document_files()).collect();
        return Err(Error::usage(format!(
            "no bundled template `{}`{}; bundled: {}",
            crate::text::terminal_safe(name),
            crate::error::did_you_mean(name, known.iter().copied()),
            known.join(", ")
        ))
        .into());
    };
    let target: PathBuf = dir.join(&file);
    let shown = crate::text::terminal_safe(&target.display().to_string());
    if std::fs::symlink_metadata(&target).is_ok() {
        crate::fail!("{shown} already exists; refusing to overwrite it (nothing was changed)");
    }
    if let Some(problem) = not_a_folder(dir) {
        crate::fail!(
            "{} {problem}; nothing was written",
            crate::text::terminal_safe(&dir.display().to_string())
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::fsutil::write_atomic(&target, source.as_bytes(), false)?;
    crate::say!("Wrote {shown}: edit it, and poc uses it where it is found (see `poc templates`).");
    Ok(EXIT_OK)
}

/// Why `dir`, which is there, cannot take the exported file, if it cannot
/// (a file, a device, a link to nothing); none there is created.
fn not_a_folder(dir: &Path) -> Option<String> {
    std::fs::symlink_metadata(dir).ok()?;
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => None,
        Ok(meta) => Some(format!(
            "is {}, not a folder",
            crate::fsutil::kind_name(&meta.file_type())
        )),
        Err(_) => Some("is a link to nothing that exists, not a folder".to_string()),
    }
}
