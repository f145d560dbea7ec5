//! `poc report`: being built (issue 11).

use crate::cli::OutArgs;
use crate::context::Context;

pub fn run(_args: OutArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc report` is not built yet").into())
}
