//! `poc calendar`: being built (issue 11).

use crate::cli::OutArgs;
use crate::context::Context;

pub fn run(_args: OutArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc calendar` is not built yet").into())
}
