#![no_main]
//! Fuzz target `pdf`: see `mieru_crawler::fuzzing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // The third-party reader's panics are contained by catch_unwind in the crawler (the
        // document stays archived as binary); keep libfuzzer's abort-on-panic hook from
        // reporting those. A panic that escapes still aborts (libfuzzer-sys catches it).
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        mieru::ops::fuzzing::run("pdf", data);
    }
);
