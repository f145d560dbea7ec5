//! `poc update`: being built (issue 11).

use crate::cli::UpdateArgs;
use crate::context::Context;

pub fn run(_args: UpdateArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc update` is not built yet").into())
}
