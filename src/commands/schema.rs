//! `poc schema`: the JSON Schema of `poc.yaml`, for editors.

use crate::error::EXIT_OK;

pub fn run() -> anyhow::Result<u8> {
    crate::out(&crate::schema::text())?;
    Ok(EXIT_OK)
}
