//! `poc risk`: being built (issue 12).

use crate::cli::RiskArgs;
use crate::context::Context;

pub fn run(_args: RiskArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc risk` is not built yet").into())
}
