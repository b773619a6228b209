//! A text through the inline Markdown renderer: no panic, and the HTML stays balanced
//! and escaped (`stepwise::fuzzing::inline_markdown` checks it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        stepwise::fuzzing::inline_markdown(text);
    }
});
