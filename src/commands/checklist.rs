//! `poc checklist`: the whole plan as a shareable markdown checklist.

use crate::cli::{ChecklistArgs, DocumentFormat};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::render;

pub fn run(args: ChecklistArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let report = poc.status(&poc.state);
    let text = match args.format.unwrap_or(DocumentFormat::Markdown) {
        _ if args.context => {
            render::json(&render::template_context(&report, &poc.scope.timezone, ""))?
        }
        DocumentFormat::Markdown => render::document("checklist.md", &report, &poc.scope.timezone)?,
        DocumentFormat::Json => render::json(&report)?,
    };
    crate::out(&text)?;
    super::done(poc);
    Ok(EXIT_OK)
}
