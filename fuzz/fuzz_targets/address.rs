#![no_main]
//! Fuzz target `address`: see `mieru::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::fuzzing::run("address", data);
});
