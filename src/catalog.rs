//! Templates, wherever they come from: the team's (`.poc/templates/`), the
//! folder the config names, the user's (`templates/` in the user's config
//! folder) and the bundled ones, in that order. The nearest of a name is
//! the one used; the others it shadows are still listed.
//!
//! A scope template is `NAME.yaml.j2` (rendered like the bundled ones) or
//! `NAME.yaml` (a scope used as it is, with init's own fields set). A
//! document template overrides the bundled one of the same file name
//! (`status.md.j2`, …).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::render::{self, SCOPE_TEMPLATES, ScopeTemplate};

/// The largest template file read.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
/// The suffix of every template file.
const JINJA: &str = ".j2";
/// The suffix of a plain scope file.
const PLAIN_SCOPE: &str = ".yaml";

/// Where a template comes from, nearest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Team,
    Config,
    User,
    Bundled,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Team => "team",
            Source::Config => "config",
            Source::User => "user",
            Source::Bundled => "bundled",
        }
    }
}

/// A folder of templates and where it comes from.
#[derive(Debug, Clone)]
pub struct TemplateDir {
    pub source: Source,
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Scope,
    Document,
}

/// What a template file holds, and so how it is read.
#[derive(Debug, Clone)]
pub enum Body {
    /// A bundled scope template.
    Bundled(&'static ScopeTemplate),
    /// A bundled document template.
    BundledDocument,
    /// A template file on disk, rendered with minijinja.
    Jinja(PathBuf),
    /// A plain scope file on disk, used as it is.
    Plain(PathBuf),
}

/// One template found.
#[derive(Debug, Clone)]
pub struct Template {
    /// `standard` for a scope; the file name (`status.md.j2`) for a document.
    pub name: String,
    pub kind: Kind,
    pub source: Source,
    pub body: Body,
}

impl Template {
    /// The file on disk, for one that is not bundled.
    pub fn path(&self) -> Option<&Path> {
        match &self.body {
            Body::Jinja(p) | Body::Plain(p) => Some(p),
            Body::Bundled(_) | Body::BundledDocument => None,
        }
    }

    /// What `poc.yaml` and the journal record it as: `standard@1` for a
    /// bundled one, `NAME (team)` for the others.
    pub fn id(&self) -> String {
        match &self.body {
            Body::Bundled(t) => t.id(),
            _ => format!("{} ({})", self.name, self.source.name()),
        }
    }
}

/// Every template, scopes then documents, by name, nearest first within a
/// name.
pub fn all(dirs: &[TemplateDir]) -> Vec<Template> {
    let mut found: Vec<Template> = dirs.iter().flat_map(in_dir).collect();
    found.extend(SCOPE_TEMPLATES.iter().map(|t| Template {
        name: t.name.to_string(),
        kind: Kind::Scope,
        source: Source::Bundled,
        body: Body::Bundled(t),
    }));
    found.extend(render::document_files().map(|file| Template {
        name: file.to_string(),
        kind: Kind::Document,
        source: Source::Bundled,
        body: Body::BundledDocument,
    }));
    // Stable: within a name, folders keep their order (team first) and a
    // `.yaml.j2` comes before a `.yaml` of the same folder.
    found.sort_by(|a, b| (a.kind, &a.name, a.source).cmp(&(b.kind, &b.name, b.source)));
    found
}

/// The names of the scope templates, each once, sorted.
pub fn scope_names(dirs: &[TemplateDir]) -> Vec<String> {
    let mut names: Vec<String> = (all(dirs).into_iter())
        .filter(|t| t.kind == Kind::Scope)
        .map(|t| t.name)
        .collect();
    names.dedup();
    names
}

/// The nearest scope template called `name`.
pub fn scope(dirs: &[TemplateDir], name: &str) -> Option<Template> {
    (all(dirs).into_iter()).find(|t| t.kind == Kind::Scope && t.name == name)
}

/// The nearest override of the bundled document template `name`
/// (`status.md`), if a folder holds one.
pub fn document_override(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    let file = format!("{name}{JINJA}");
    dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file())
}

/// The templates in one folder, in file-name order.
fn in_dir(dir: &TemplateDir) -> Vec<Template> {
    let Ok(entries) = std::fs::read_dir(&dir.dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    files.sort();
    // `.yaml.j2` before `.yaml`, so the template shadows the plain file.
    files.sort_by_key(|(file, _)| !file.ends_with(JINJA));
    files
        .into_iter()
        .filter_map(|(file, path)| classify(&file, path, dir.source))
        .collect()
}

fn classify(file: &str, path: PathBuf, source: Source) -> Option<Template> {
    let documents = || render::document_files().any(|d| d == file);
    let (name, kind, body) = if let Some(name) = file.strip_suffix(".yaml.j2") {
        (name, Kind::Scope, Body::Jinja(path))
    } else if let Some(name) = file.strip_suffix(PLAIN_SCOPE) {
        (name, Kind::Scope, Body::Plain(path))
    } else if documents() {
        (file, Kind::Document, Body::Jinja(path))
    } else {
        return None;
    };
    // A name is typed after --template: hidden files and odd names are
    // not templates.
    let usable = !name.is_empty()
        && !name.starts_with('.')
        && !name.chars().any(|c| c.is_control() || c.is_whitespace());
    usable.then(|| Template {
        name: name.to_string(),
        kind,
        source,
        body,
    })
}

/// The text of a template file, checked as any file poc reads.
pub fn read(path: &Path) -> anyhow::Result<String> {
    let name = path.display().to_string();
    let file = crate::fsutil::open_regular_named(path, &name)?;
    let bytes = crate::fsutil::read_capped(&file, path, MAX_TEMPLATE_BYTES)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = crate::text::BadUtf8::locate(e.as_bytes(), &e.utf8_error());
        crate::error::Error::invalid(
            crate::error::Location::at(&name, at.line, at.column),
            "not valid UTF-8 text",
        )
        .into()
    })
}

/// The fields `init` gives a scope template.
#[derive(Debug, Serialize)]
pub struct ScopeFields {
    pub template_id: String,
    pub name: String,
    pub prospect: String,
    pub owner: String,
    pub start: String,
    pub timezone: String,
    /// Deal details known at kickoff; none leaves the template's example
    /// commented out.
    pub industry: Option<String>,
    pub acv: Option<u64>,
    pub competitors: Vec<String>,
}

impl Template {
    /// The text of `poc.yaml` this scope template gives, checked: a scope
    /// that does not parse names the template's file.
    pub fn render_scope(&self, fields: &ScopeFields) -> anyhow::Result<String> {
        use crate::scope::{SCOPE_FILE, Scope};
        use anyhow::Context as _;
        let (text, shown) = match &self.body {
            Body::Bundled(t) => {
                let text = render::scope_template(t.path, fields)?;
                // The bundled template must give a valid scope for any input.
                Scope::parse(&text, SCOPE_FILE)
                    .context("the bundled template rendered an invalid scope")?;
                return Ok(text);
            }
            Body::Jinja(path) => {
                let text = render::scope_file(path, &read(path)?, fields)?;
                (text, format!("{} (as rendered)", path.display()))
            }
            Body::Plain(path) => (fill_plain(&read(path)?, fields), path.display().to_string()),
            Body::BundledDocument => crate::fail!("{} is not a scope template", self.name),
        };
        Scope::parse(&text, &shown)?;
        Ok(text)
    }
}

/// A plain scope with init's fields set: each top-level line of one of
/// them replaced in place (so every other line keeps its number, for
/// errors), those missing added at the end.
fn fill_plain(text: &str, fields: &ScopeFields) -> String {
    let text_of = |v: &String| render::yaml_str(v);
    let mut values: Vec<(&str, String)> = vec![
        ("template", text_of(&fields.template_id)),
        ("name", text_of(&fields.name)),
        ("prospect", text_of(&fields.prospect)),
        ("owner", text_of(&fields.owner)),
        ("start", text_of(&fields.start)),
        ("timezone", text_of(&fields.timezone)),
    ];
    // The deal details only when given: a past POC's stay otherwise.
    values.extend(fields.industry.as_ref().map(|i| ("industry", text_of(i))));
    values.extend(fields.acv.map(|acv| ("acv", acv.to_string())));
    if !fields.competitors.is_empty() {
        let names: Vec<String> = fields.competitors.iter().map(text_of).collect();
        values.push(("competitors", format!("[{}]", names.join(", "))));
    }
    let mut seen = vec![false; values.len()];
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.lines() {
        let key = (values.iter().enumerate())
            .find(|(_, (k, _))| line.strip_prefix(k).is_some_and(|r| r.starts_with(':')));
        match key {
            Some((i, (k, v))) => {
                seen[i] = true;
                out.push_str(&format!("{k}: {v}\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let missing: Vec<_> = (values.iter().zip(seen)).filter(|(_, s)| !s).collect();
    if !missing.is_empty() {
        out.push_str("\n# Set by poc init.\n");
        for ((k, v), _) in missing {
            out.push_str(&format!("{k}: {v}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_scope_gets_inits_fields_in_place_or_at_the_end() {
        let fields = ScopeFields {
            template_id: "reuse (team)".into(),
            name: "New \"POC\"".into(),
            prospect: "New Co".into(),
            owner: "dana".into(),
            start: "2026-12-01".into(),
            timezone: "UTC".into(),
            industry: None,
            acv: None,
            competitors: Vec::new(),
        };
        let plain = "version: 2\nname: Old POC\n# prospect: not this\nprospect: Old\nphases:\n  setup:\n    name: Setup\n";
        assert_eq!(
            fill_plain(plain, &fields),
            "version: 2\nname: \"New \\\"POC\\\"\"\n# prospect: not this\nprospect: \"New Co\"\nphases:\n  setup:\n    name: Setup\n\n# Set by poc init.\ntemplate: \"reuse (team)\"\nowner: \"dana\"\nstart: \"2026-12-01\"\ntimezone: \"UTC\"\n"
        );
    }

    #[test]
    fn a_plain_scope_takes_the_deal_details_given_and_keeps_its_own_otherwise() {
        let mut fields = ScopeFields {
            template_id: "reuse (team)".into(),
            name: "N".into(),
            prospect: "P".into(),
            owner: "dana".into(),
            start: "2026-12-01".into(),
            timezone: "UTC".into(),
            industry: None,
            acv: None,
            competitors: Vec::new(),
        };
        let plain = "industry: Retail\nacv: 10\ncompetitors: [Old]\n";
        let kept = fill_plain(plain, &fields);
        assert!(kept.starts_with(plain), "{kept}");
        fields.industry = Some("Health: care".into());
        fields.acv = Some(120_000);
        fields.competitors = vec!["Vendor \"X\"".into(), "Y".into()];
        let set = fill_plain(plain, &fields);
        assert!(
            set.starts_with("industry: \"Health: care\"\nacv: 120000\ncompetitors: [\"Vendor \\\"X\\\"\", \"Y\"]\n"),
            "{set}"
        );
    }
}
