//! The CSV scanner: any file, read as each kind of source, gives frames or
//! diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    slareport::fuzzing::csv(data);
});
