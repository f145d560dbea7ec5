//! The `parse_and_render` fuzz target: see `fuzz/parse_and_render.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../parse_and_render.rs");

fuzz_target!(|data: &[u8]| parse_and_render(data));
