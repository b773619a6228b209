//! Writing a text as a YAML scalar: which style a new text may keep, and quoting.
//!
//! The rules, in order:
//! - a double-quoted scalar stays double-quoted (escaped as needed);
//! - a single-quoted one stays single-quoted unless the text holds a line break, a tab or
//!   another character only an escape can write: then it becomes double-quoted;
//! - a `|` or `>` block scalar stays one (its chomping sign follows the text's final line
//!   breaks) unless the text cannot be written that way: empty, two or more final line
//!   breaks, leading spaces, tabs, control characters (then it becomes double-quoted);
//! - a plain scalar stays plain unless the text would not read back as the same text in
//!   that place (`: `, ` #`, a leading indicator, leading or trailing spaces, a line break,
//!   `,[]{}` inside a flow collection...) or would read as another type than the old value
//!   did: a new `yes`, `~`, `12`, `1.5` or `2024-05-01` is quoted unless the old plain value
//!   was of that same type (a coordinate stays a number, a date stays a date). Null-like
//!   texts (`null`, `~`) are always quoted: the loader reads them as "no value". The
//!   replacement is double-quoted.
//! - A multi-line text in a plain or quoted scalar becomes one double-quoted line with `\n`
//!   escapes: the file keeps one line per value, in block and flow context alike.
//! - A `>` scalar is written one line per paragraph (not wrapped again).
//! - A new key is plain when it is a simple word that reads as a text, else double-quoted.

use yaml_rust2::scanner::TScalarStyle;

/// What a plain scalar reads as in YAML 1.1 or 1.2 (other tools than our loader may type it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    Str,
    Null,
    Bool,
    /// An integer or a float: a coordinate set to `1` stays a number.
    Number,
    Timestamp,
    /// `<<` (merge) and `=` (value) keys of YAML 1.1.
    Special,
}

pub(crate) fn resolve(text: &str) -> Resolved {
    const BOOLS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ];
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Resolved::Null;
    }
    if BOOLS.contains(&text) {
        return Resolved::Bool;
    }
    if matches!(text, "<<" | "=") {
        return Resolved::Special;
    }
    if is_timestamp(text) {
        return Resolved::Timestamp;
    }
    if is_number(text) { Resolved::Number } else { Resolved::Str }
}

/// `2024-05-01`, `2024-5-1`, `2001-12-14t21:59:43.10-05:00`...: a date, and anything after it.
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit);
    if !(digits(0, 4) && b.get(4) == Some(&b'-')) {
        return false;
    }
    let month = if digits(5, 2) {
        2
    } else if digits(5, 1) {
        1
    } else {
        return false;
    };
    let dash = 5 + month;
    if b.get(dash) != Some(&b'-') {
        return false;
    }
    let day = if digits(dash + 1, 2) {
        2
    } else if digits(dash + 1, 1) {
        1
    } else {
        return false;
    };
    matches!(b.get(dash + 1 + day), None | Some(b'T' | b't' | b' ' | b'\t'))
}

/// Integers (decimal, `0x`, `0o`, `0b`, with `_`, base 60 `1:30`) and floats (`1.5`, `1e3`,
/// `.5`, `.inf`, `.nan`), with YAML 1.1's extras.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let radix = |prefix: &str, ok: fn(char) -> bool| {
        unsigned.strip_prefix(prefix).is_some_and(|d| !d.is_empty() && d.chars().all(|c| ok(c) || c == '_'))
    };
    if radix("0x", |c| c.is_ascii_hexdigit())
        || radix("0o", |c| matches!(c, '0'..='7'))
        || radix("0b", |c| matches!(c, '0' | '1'))
    {
        return true;
    }
    // Base 60: `1:30`, `1:30:00.5`.
    if unsigned.contains(':') {
        let mut parts = unsigned.split(':');
        let head = parts.next().unwrap_or("");
        let tail: Vec<&str> = parts.collect();
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '_');
        // `[0-5]?[0-9]`
        let sixty = |s: &str| digits(s) && (s.len() == 1 || (s.len() == 2 && s.as_bytes()[0] <= b'5'));
        let Some((last, middle)) = tail.split_last() else { return false };
        let last_int = last.split_once('.').map_or(*last, |(i, _)| i);
        return digits(head)
            && middle.iter().all(|p| sixty(p))
            && sixty(last_int)
            && last.split_once('.').is_none_or(|(_, f)| f.chars().all(|c| c.is_ascii_digit() || c == '_'));
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    let has_digit = int.chars().chain(frac.unwrap_or("").chars()).any(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    has_digit && digits_ok(int) && frac.is_none_or(digits_ok) && !int.starts_with('_') && exponent_ok
}

/// Characters a YAML file may not hold as they are (only as escapes in double quotes).
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// Whether `text` reads back as itself when written as a plain scalar, as a value in block
/// context or (with `flow`) inside a flow collection. Types are not considered here.
pub(crate) fn plain_ok(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else { return false };
    let second = text.chars().nth(1);
    if text.starts_with([' ', '\t'])
        || text.ends_with([' ', '\t'])
        || text.chars().any(|c| c == '\n' || needs_escape(c))
    {
        return false;
    }
    if "[]{},#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if matches!(first, '-' | '?' | ':') && second.is_none_or(|c| c == ' ' || (flow && ",[]{}".contains(c))) {
        return false;
    }
    if first == '?' || first == ':' || text.starts_with("---") || text.starts_with("...") {
        return false;
    }
    if text.contains(": ") || text.ends_with(':') || text.contains(" #") {
        return false;
    }
    !(flow && text.contains([',', '[', ']', '{', '}', ':']))
}

/// A double-quoted scalar holding `text`.
pub(crate) fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02X}"));
                } else {
                    out.push_str(&format!("\\u{code:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A single-quoted scalar holding `text`, when single quotes can write it on one line.
pub(crate) fn single_quoted(text: &str) -> Option<String> {
    if text.chars().any(|c| c == '\n' || c == '\t' || needs_escape(c)) {
        return None;
    }
    Some(format!("'{}'", text.replace('\'', "''")))
}

/// `text` as an inline scalar (not a block scalar) in the place of a scalar written in
/// `old` style whose text was `old_text` (`None`: a new value, or one replacing a list or
/// mapping). `flow`: the place is inside a flow collection.
pub(crate) fn inline(text: &str, old: Option<(&str, TScalarStyle)>, flow: bool) -> String {
    match old.map(|(_, style)| style) {
        Some(TScalarStyle::DoubleQuoted) => double_quoted(text),
        Some(TScalarStyle::SingleQuoted) => single_quoted(text).unwrap_or_else(|| double_quoted(text)),
        _ => {
            let typed = match resolve(text) {
                Resolved::Str => true,
                Resolved::Null => false,
                kind => old.is_some_and(|(old_text, style)| style == TScalarStyle::Plain && resolve(old_text) == kind),
            };
            if typed && plain_ok(text, flow) { text.to_string() } else { double_quoted(text) }
        }
    }
}

/// A key as written in a new entry: plain when it is a simple word.
pub(crate) fn key(text: &str, flow: bool) -> String {
    let simple = text.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !text.starts_with('-')
        && resolve(text) == Resolved::Str;
    if simple && plain_ok(text, flow) { text.to_string() } else { double_quoted(text) }
}

/// `text` as a block scalar (`literal`: `|`, else `>`) with content at `indent` columns:
/// the header (`|`, `|-`, `>`...) and the content lines joined by `nl`. `None` when the text
/// cannot be written so (see the module's rules).
pub(crate) fn block(text: &str, literal: bool, indent: usize, nl: &str) -> Option<(String, String)> {
    if indent == 0 || text.chars().any(|c| c == '\t' || needs_escape(c)) {
        return None;
    }
    let body = text.trim_end_matches('\n');
    let chomp = match text.len() - body.len() {
        0 => "-",
        1 => "",
        _ => return None,
    };
    let lines: Vec<&str> = body.split('\n').collect();
    let first = lines.iter().position(|l| !l.is_empty())?;
    if lines[..=first].iter().any(|l| l.starts_with(' ') || (l.trim().is_empty() && !l.is_empty()))
        || lines.last().is_some_and(|l| l.trim().is_empty())
    {
        return None;
    }
    let written: Vec<&str> = if literal {
        lines
    } else {
        if lines.iter().any(|l| l.starts_with(' ') || l.ends_with(' ')) {
            return None;
        }
        // Folding makes one space of a single line break: each break of the text needs an
        // empty line after a non-empty one.
        let mut out = Vec::with_capacity(lines.len() * 2);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 && !lines[i - 1].is_empty() {
                out.push("");
            }
            out.push(line);
        }
        out
    };
    let header = format!("{}{chomp}", if literal { '|' } else { '>' });
    Some((header, super::layout::indent_lines(written, indent, nl)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_types_like_other_tools() {
        for s in ["yes", "No", "ON", "y", "true", "FALSE"] {
            assert_eq!(resolve(s), Resolved::Bool, "{s}");
        }
        for s in ["~", "null", "NULL", ""] {
            assert_eq!(resolve(s), Resolved::Null, "{s}");
        }
        for s in ["123", "-7", "+1_000", "0x1F", "0o17", "0b101", "1:30", "0777", "1.5", "-.5", "1e3", "6.8523015e+5"] {
            assert_eq!(resolve(s), Resolved::Number, "{s}");
        }
        for s in [".inf", "-.INF", ".nan", "0.757", "1:30.5"] {
            assert_eq!(resolve(s), Resolved::Number, "{s}");
        }
        for s in ["2024-05-01", "2024-5-1", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5"] {
            assert_eq!(resolve(s), Resolved::Timestamp, "{s}");
        }
        for s in ["yesterday", "1.2.3", "12:60", "abc", "1-2", "v1.5", "e3", ".", "_1", "2024-05-01x", "Nope"] {
            assert_eq!(resolve(s), Resolved::Str, "{s}");
        }
    }

    #[test]
    fn plain_when_it_reads_back() {
        for s in ["Save", "Click [Save].", "a:b", "C#", "50%", "-5", "a - b", "【我的】"] {
            assert!(plain_ok(s, false), "{s}");
        }
        for s in [
            "",
            " x",
            "x ",
            "a: b",
            "a:",
            "a #b",
            "#x",
            "[Save]",
            "{x",
            "*x",
            "&x",
            "!x",
            "|x",
            ">x",
            "%x",
            "@x",
            "`x",
            "- x",
            "-",
            "? x",
            ":x",
            "'x",
            "\"x",
            "a\nb",
            "---x",
            "tab\there",
            "\u{7}",
        ] {
            assert!(!plain_ok(s, false), "{s:?}");
        }
        for s in ["a, b", "a]", "x{", "a:b"] {
            assert!(plain_ok(s, false) && !plain_ok(s, true), "{s}");
        }
    }

    #[test]
    fn quotes_escape() {
        assert_eq!(double_quoted("say \"hi\"\\\n\t\u{7}\u{2028}é"), r#""say \"hi\"\\\n\t\x07\u2028é""#);
        assert_eq!(single_quoted("it's").unwrap(), "'it''s'");
        assert_eq!(single_quoted("a\nb"), None);
    }

    #[test]
    fn keeps_types_where_the_old_value_had_them() {
        fn plain(old: &str) -> Option<(&str, TScalarStyle)> {
            Some((old, TScalarStyle::Plain))
        }
        assert_eq!(inline("0.25", plain("0.757"), true), "0.25");
        assert_eq!(inline("1", plain("0.757"), true), "1");
        assert_eq!(inline("2024-09-01", plain("2024-08-03"), false), "2024-09-01");
        assert_eq!(inline("yes", plain("Save"), false), "\"yes\"");
        assert_eq!(inline("123", plain("Save"), false), "\"123\"");
        assert_eq!(inline("null", plain("~"), false), "\"null\"");
        assert_eq!(inline("plain words", plain(""), false), "plain words");
        assert_eq!(inline("it's", Some(("x", TScalarStyle::SingleQuoted)), false), "'it''s'");
        assert_eq!(inline("two\nlines", Some(("x", TScalarStyle::SingleQuoted)), false), "\"two\\nlines\"");
    }

    #[test]
    fn block_scalars_follow_the_text() {
        assert_eq!(block("a\nb\n", true, 4, "\n").unwrap(), ("|".into(), "    a\n    b".into()));
        assert_eq!(block("a\n\nb", true, 2, "\n").unwrap(), ("|-".into(), "  a\n\n  b".into()));
        assert_eq!(block("a\nb\n\nc", false, 2, "\n").unwrap(), (">-".into(), "  a\n\n  b\n\n\n  c".into()));
        assert_eq!(block(" lead", true, 2, "\n"), None);
        assert_eq!(block("a\n\n", true, 2, "\n"), None);
        assert_eq!(block("", true, 2, "\n"), None);
    }
}
