#![no_main]
//! Fuzz target `html_kouseikyoku`: see `mieru::ops::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::ops::fuzzing::run("html_kouseikyoku", data);
});
