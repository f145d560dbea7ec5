//! `poc measure`: being built (issue 12).

use crate::cli::MeasureArgs;
use crate::context::Context;

pub fn run(_args: MeasureArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc measure` is not built yet").into())
}
