//! Characters no output file may hold, and how a message names them.
//!
//! A writer never means them, and they break what readers' software reads: C0 controls
//! (but tab and line feed) make `atom.xml` and `sitemap.xml` ill-formed XML, C1 controls
//! and DEL are invisible garbage in a page, the byte-order mark and noncharacters
//! (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two of every plane) are not characters of
//! text. They come from escapes in double-quoted YAML (`"\a"`, `"\x07"`, `"\u0085"`) and
//! from text pasted out of word processors (a vertical tab for a line break). The line
//! and paragraph separators (U+2028, U+2029) end lines in feed readers and JavaScript
//! strings of older browsers: they become spaces.
//!
//! A leaf: the configuration and the model both use it.

/// Whether `c` is never written to an output file.
pub(crate) fn is_forbidden(c: char) -> bool {
    let n = c as u32;
    matches!(n, 0x00..=0x08 | 0x0B..=0x1F | 0x7F..=0x9F | 0xFEFF | 0x2028 | 0x2029 | 0xFDD0..=0xFDEF)
        || n & 0xFFFE == 0xFFFE
}

/// Whether `c` stands for a line break, and becomes a space rather than nothing.
fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// The character the backslash escape `\{letter}` writes, `after` being the text after the
/// letter: `\xHH`, `\uHHHH` and `\UHHHHHHHH` read as TOML and YAML both read them, any
/// other letter by `simple` (the one-letter escapes, which the two formats differ on).
pub(crate) fn escaped(letter: char, after: &str, simple: fn(char) -> Option<char>) -> Option<char> {
    let digits = match letter {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return simple(letter),
    };
    let hex: String = after.chars().take(digits).collect();
    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
}

/// Whether `s` holds a forbidden character. Looks at bytes only (most texts are free of
/// them, and this runs on every value of every file): the lead bytes of the forbidden
/// characters outside ASCII are `C2`, `E2`, `EF` and `F0`–`F4`, and continuation bytes
/// never look like lead bytes, so a byte-by-byte scan cannot misread a character.
pub(crate) fn contains_forbidden(s: &str) -> bool {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    b.iter().enumerate().any(|(i, &c)| match c {
        0x00..=0x08 | 0x0B..=0x1F | 0x7F => true,
        // U+0080–U+009F.
        0xC2 => at(i + 1) < 0xA0,
        // U+2028, U+2029.
        0xE2 => at(i + 1) == 0x80 && matches!(at(i + 2), 0xA8 | 0xA9),
        // U+FEFF, U+FDD0–U+FDEF, U+FFFE, U+FFFF.
        0xEF => matches!((at(i + 1), at(i + 2)), (0xBB, 0xBF) | (0xB7, 0x90..=0xAF) | (0xBF, 0xBE | 0xBF)),
        // U+1FFFE ... U+10FFFF: `F0–F4, x?, BF, BE|BF` with the plane's low bits all ones.
        0xF0..=0xF4 => at(i + 1) & 0x0F == 0x0F && at(i + 2) == 0xBF && matches!(at(i + 3), 0xBE | 0xBF),
        _ => false,
    })
}

/// `s` without its forbidden characters (separators become spaces).
pub(crate) fn clean(s: &str) -> String {
    s.chars().filter_map(|c| if is_separator(c) { Some(' ') } else { (!is_forbidden(c)).then_some(c) }).collect()
}

/// `s` with each forbidden character shown as U+FFFD, for messages on a terminal.
pub(crate) fn replace(s: &str) -> String {
    s.chars().map(|c| if is_forbidden(c) { char::REPLACEMENT_CHARACTER } else { c }).collect()
}

/// The forbidden characters of `s`, each once, in the order met.
pub(crate) fn found(s: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in s.chars().filter(|&c| is_forbidden(c)) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// `U+0007 (bell)`: the code, and the name of the ones people meet.
pub(crate) fn name(c: char) -> String {
    let what = match c {
        '\0' => "null",
        '\t' => "tab",
        '\n' => "line feed",
        '\u{07}' => "bell",
        '\u{08}' => "backspace",
        '\u{0B}' => "vertical tab",
        '\u{0C}' => "form feed",
        '\r' => "carriage return",
        '\u{1B}' => "escape",
        '\u{7F}' => "delete",
        '\u{85}' => "next line",
        '\u{FEFF}' => "byte-order mark",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        c if (c as u32) & 0xFFFE == 0xFFFE || (0xFDD0..=0xFDEF).contains(&(c as u32)) => "not a character",
        _ => "",
    };
    if what.is_empty() { format!("U+{:04X}", c as u32) } else { format!("U+{:04X} ({what})", c as u32) }
}

/// What a message says of the characters `chars` found in `field`: `` `title.en`
/// contains the invisible character U+0007 (bell); it was removed ``.
pub(crate) fn message(field: &str, chars: &[char]) -> String {
    let names: Vec<String> = chars.iter().take(5).map(|&c| name(c)).collect();
    let mut list = names.join(", ");
    if chars.len() > 5 {
        list.push_str(", ...");
    }
    if chars.iter().all(|&c| is_separator(c)) {
        let (verb, them) = if chars.len() == 1 { ("was", "it") } else { ("were", "they") };
        return format!("`{field}` contains {list}; {them} {verb} replaced by a space");
    }
    match chars {
        [_] => format!("`{field}` contains the invisible character {list}; it was removed"),
        _ => format!("`{field}` contains the invisible characters {list}; they were removed"),
    }
}

/// The hint every such message gets.
pub(crate) const HINT: &str = "an editor does not show them: delete them where the caret points; in double quotes, \
     escapes such as `\\a`, `\\b` or `\\x07` write them";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_agrees_with_the_character_test() {
        // Every character class boundary, alone and between CJK text.
        let interesting: Vec<char> = [
            0x00, 0x08, 0x09, 0x0A, 0x0B, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xFF, 0x2027, 0x2028, 0x2029,
            0x202A, 0x3000, 0x4E2D, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFEFE, 0xFEFF, 0xFF0C, 0xFFFD, 0xFFFE, 0xFFFF,
            0x1_0000, 0x1_FFFD, 0x1_FFFE, 0x1_FFFF, 0x2_FFFE, 0xF_FFFF, 0x10_FFFE, 0x10_FFFF, 0x1F600,
        ]
        .iter()
        .filter_map(|&n| char::from_u32(n))
        .collect();
        for &c in &interesting {
            for s in [c.to_string(), format!("中{c}文"), format!("a{c}")] {
                assert_eq!(contains_forbidden(&s), s.chars().any(is_forbidden), "U+{:04X}", c as u32);
            }
        }
        // And on every character of the Basic Multilingual Plane.
        for n in 0..0x1_0000 {
            if let Some(c) = char::from_u32(n) {
                assert_eq!(contains_forbidden(c.encode_utf8(&mut [0; 4])), is_forbidden(c), "U+{n:04X}");
            }
        }
    }

    #[test]
    fn cleans_and_names() {
        assert_eq!(clean("a\u{7}b\u{2028}c\u{FEFF}\td\n"), "ab c\td\n");
        assert_eq!(found("a\u{7}b\u{7}\u{8}"), vec!['\u{7}', '\u{8}']);
        assert_eq!(name('\u{7}'), "U+0007 (bell)");
        assert_eq!(name('\u{1}'), "U+0001");
        assert_eq!(name('\u{10FFFF}'), "U+10FFFF (not a character)");
        assert_eq!(
            message("title", &['\u{7}']),
            "`title` contains the invisible character U+0007 (bell); it was removed"
        );
    }
}
