#![no_main]
//! Fuzz target `csv_houjin`: see `mieru::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::fuzzing::run("csv_houjin", data);
});
