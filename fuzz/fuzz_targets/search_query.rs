#![no_main]
//! Fuzz target `search_query`: see `mieru::ops::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::ops::fuzzing::run("search_query", data);
});
