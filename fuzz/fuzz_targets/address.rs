#![no_main]
//! Fuzz target `address`: see `mieru::ops::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::ops::fuzzing::run("address", data);
});
