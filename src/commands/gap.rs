//! `poc gap`: being built (issue 12).

use crate::cli::GapArgs;
use crate::context::Context;

pub fn run(_args: GapArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc gap` is not built yet").into())
}
