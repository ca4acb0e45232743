//! Notes: front matter and body, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    slareport::fuzzing::note(data);
});
