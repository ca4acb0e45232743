//! The site and agreement TOML loaders: any bytes give diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    slareport::fuzzing::toml(data);
});
