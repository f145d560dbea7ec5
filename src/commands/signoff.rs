//! `poc signoff`: being built (issue 12).

use crate::cli::SignoffArgs;
use crate::context::Context;

pub fn run(_args: SignoffArgs, _ctx: &Context) -> anyhow::Result<u8> {
    Err(crate::error::Error::usage("`poc signoff` is not built yet").into())
}
