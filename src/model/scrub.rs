//! Takes the characters no output may hold (`controls`) out of every key and value of a
//! file, with a warning pointing at the first one (the escape that wrote it, in double
//! quotes) and naming the field (`steps[2].text.en`). Runs on the parsed tree before
//! anything reads it, so no later stage ever sees them.

use std::fmt::Write as _;
use std::path::Path;

use crate::controls;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::load::yaml::{Node, Value};

/// Cleans `root` (parsed from `text`, the file `file`), reporting each value or key that
/// held such characters.
pub(super) fn scrub(root: &mut Node, text: &str, file: &Path, diags: &mut Diagnostics) {
    let mut path = String::new();
    walk(root, text, file, diags, &mut path);
}

fn walk(node: &mut Node, text: &str, file: &Path, diags: &mut Diagnostics, path: &mut String) {
    let pos = node.pos;
    match &mut node.value {
        Value::Null => {}
        Value::Str(s) => clean(s, pos, text, file, diags, path),
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{}]", i + 1);
                walk(item, text, file, diags, path);
                path.truncate(len);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                // Messages name the key as cleaned: never print what they warn about.
                if controls::contains_forbidden(&key.name) {
                    path.push_str(&controls::clean(&key.name));
                    clean(&mut key.name, key.pos, text, file, diags, path);
                } else {
                    path.push_str(&key.name);
                }
                walk(value, text, file, diags, path);
                path.truncate(len);
            }
        }
    }
}

fn clean(s: &mut String, pos: Pos, text: &str, file: &Path, diags: &mut Diagnostics, path: &str) {
    if !controls::contains_forbidden(s) {
        return;
    }
    let chars = controls::found(s);
    let at = locate(text, pos, s.len()).unwrap_or(pos);
    diags.push(Diagnostic::warning(file, Some(at), controls::message(path, &chars)).with_hint(controls::HINT));
    *s = controls::clean(s);
}

/// Where in `text` the first forbidden character of the value starting at `start` was
/// written: the character itself, or in double quotes the escape that wrote it. Looks
/// no further than such a value could reach (an escape is at most ten characters).
fn locate(text: &str, start: Pos, value_len: usize) -> Option<Pos> {
    let line_start = text.split_inclusive('\n').take(start.line.saturating_sub(1)).map(str::len).sum::<usize>();
    let line = text.get(line_start..)?;
    let offset = line_start + line.char_indices().nth(start.col.saturating_sub(1)).map_or(line.len(), |(i, _)| i);
    let rest = text.get(offset..)?;
    let quoted = rest.starts_with('"');
    let limit = value_len.saturating_mul(10).saturating_add(64);
    let mut pos = start;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i > limit {
            return None;
        }
        let here = pos;
        if c == '\n' {
            pos = Pos { line: pos.line + 1, col: 1 };
        } else {
            pos.col += 1;
        }
        if controls::is_forbidden(c) {
            return Some(here);
        }
        if !(quoted && c == '\\') {
            continue;
        }
        let (_, e) = chars.next()?;
        pos.col += 1;
        // YAML's one-letter escapes that write a control or separator character.
        let written = controls::escaped(e, rest.get(i + 2..).unwrap_or(""), |e| match e {
            '0' => Some('\0'),
            'a' => Some('\u{07}'),
            'b' => Some('\u{08}'),
            'v' => Some('\u{0B}'),
            'f' => Some('\u{0C}'),
            'r' => Some('\r'),
            'e' => Some('\u{1B}'),
            'N' => Some('\u{85}'),
            'L' => Some('\u{2028}'),
            'P' => Some('\u{2029}'),
            _ => None,
        });
        if written.is_some_and(controls::is_forbidden) {
            return Some(here);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml;

    fn scrubbed(text: &str) -> (Node, Vec<String>) {
        let mut root = yaml::parse_with_hazards(text).unwrap().root;
        let mut diags = Diagnostics::new();
        scrub(&mut root, text, Path::new("t.yaml"), &mut diags);
        (root, diags.iter().map(Diagnostic::headline).collect())
    }

    #[test]
    fn points_at_the_escape_or_the_character() {
        let (root, d) = scrubbed("a: \"x\\\\b\\by\"\nb:\n  - 'q\u{7}'\n  - {c: \"中文\\u0007\"}\nk\u{1}ey: v\n");
        assert_eq!(
            d,
            vec![
                "warning: t.yaml:1:9: `a` contains the invisible character U+0008 (backspace); it was removed",
                "warning: t.yaml:3:7: `b[1]` contains the invisible character U+0007 (bell); it was removed",
                "warning: t.yaml:4:12: `b[2].c` contains the invisible character U+0007 (bell); it was removed",
                "warning: t.yaml:5:2: `key` contains the invisible character U+0001; it was removed",
            ]
        );
        let Value::Map(entries) = &root.value else { panic!() };
        assert_eq!(entries[0].1.value, Value::Str("x\\by".into()), "an escaped backslash is text");
        assert_eq!(entries[2].0.name, "key");
    }

    #[test]
    fn multi_line_values_are_followed() {
        let (_, d) = scrubbed("a: |\n  one\n  two\u{b}three\n");
        assert_eq!(
            d,
            vec!["warning: t.yaml:3:6: `a` contains the invisible character U+000B (vertical tab); it was removed"]
        );
    }
}
