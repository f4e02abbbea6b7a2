#![no_main]
//! Fuzz target `html_kouseikyoku`: see `mieru::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::fuzzing::run("html_kouseikyoku", data);
});
