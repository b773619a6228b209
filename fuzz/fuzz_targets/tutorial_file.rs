//! A tutorial file's bytes through reading, YAML, the decoder and the checks across
//! files, as `stepwise check` runs them. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stepwise::fuzzing::tutorial_file(data);
});
