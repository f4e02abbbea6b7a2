#![no_main]
//! Fuzz target `search_query`: see `mieru::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::fuzzing::run("search_query", data);
});
