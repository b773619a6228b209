//! A parser for the block YAML most tutorial files are written in: `key: value` lines,
//! `- ` lists, one-line texts (plain or quoted without escapes) and one-line flow
//! collections (`[a, b]`, `{zh: 帮助, en: Help}`). It gives the tree the general parser
//! gives, positions included, or `None` as soon as it sees anything else (comments,
//! anchors, block scalars, escapes, a text over two lines, a tab...): those files take
//! the general parser, which also words every error.
//!
//! Why: the general parser reads a character at a time through a token queue, and was
//! the largest part of loading 10,000 tutorials (0.6 s of CPU time in a 2.7 s build).
//! `tests::the_fast_parser_agrees_with_the_general_one` holds the two together.

use super::{MAX_DEPTH, MAX_NODES, Node, Pos, Value};
use crate::load::yaml::{Key, KeySet};

/// One line: its number (1-based), indentation in spaces, and the rest without
/// trailing spaces. `col` is where `text` starts (0-based, in characters): a list item's
/// content is re-read as a line of its own, further right.
#[derive(Clone, Copy)]
struct Line<'t> {
    no: usize,
    col: usize,
    text: &'t str,
}

/// The tree of `text`, if it is written in the subset this parser reads.
pub(super) fn parse(text: &str) -> Option<Node> {
    if !text.chars().all(is_simple_char) {
        return None;
    }
    let mut lines: Vec<Line<'_>> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let body = raw.trim_end_matches(' ');
        let content = body.trim_start_matches(' ');
        if content.is_empty() {
            continue;
        }
        // Document markers and directives.
        if raw.starts_with("---") || raw.starts_with("...") || raw.starts_with('%') {
            return None;
        }
        // Indentation is ASCII spaces, so bytes are characters.
        lines.push(Line { no: i + 1, col: body.len() - content.len(), text: content });
    }
    let first = *lines.first()?;
    let mut p = Reader { lines, at: 0, nodes: 0 };
    let root = p.block(first.col, 0)?;
    // Everything read, nothing left over at a smaller indentation.
    (p.at == p.lines.len()).then_some(root)
}

/// Characters the subset allows anywhere: no tab, carriage return, `#` (comments),
/// control characters or the other line breaks YAML knows.
fn is_simple_char(c: char) -> bool {
    match c {
        '\n' => true,
        '#' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => false,
        c => c >= ' ',
    }
}

struct Reader<'t> {
    lines: Vec<Line<'t>>,
    at: usize,
    nodes: usize,
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<Line<'t>> {
        self.lines.get(self.at).copied()
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    /// The block starting at the current line, whose indentation is `col`.
    fn block(&mut self, col: usize, depth: usize) -> Option<Node> {
        let line = self.peek()?;
        if is_item(line.text) {
            self.sequence(col, depth, false)
        } else if split_key(line.text).is_some() {
            self.mapping(col, depth)
        } else {
            None
        }
    }

    /// `- item` lines at indentation `col`; `indentless` when they line up with their
    /// key (`related:` then `- a`).
    fn sequence(&mut self, col: usize, depth: usize, indentless: bool) -> Option<Node> {
        too_deep(depth)?;
        self.count()?;
        let first = self.peek()?;
        // The general parser places a list at its first dash, or at the first item's
        // text when the list lines up with its key.
        let first_text = first.text.get(1..).map_or(0, |rest| rest.len() - rest.trim_start_matches(' ').len());
        let pos = Pos { line: first.no, col: col + 1 + if indentless { 1 + first_text } else { 0 } };
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            // A key at the list's indentation ends a list written under its key
            // without indentation (`related:` then `- a`); the caller reads it.
            if line.col < col || (line.col == col && !is_item(line.text)) {
                break;
            }
            if line.col > col {
                return None;
            }
            let rest = &line.text[1..];
            let content = rest.trim_start_matches(' ');
            if content.is_empty() {
                return None;
            }
            let item_col = col + 1 + (rest.len() - content.len());
            let item = Line { no: line.no, col: item_col, text: content };
            if is_item(content) {
                return None;
            }
            if split_key(content).is_some() {
                // `- key: value`: a mapping whose keys line up with this first one.
                self.lines[self.at] = item;
                items.push(self.mapping(item_col, depth + 1)?);
            } else {
                self.at += 1;
                items.push(self.inline_value(item, depth + 1)?);
                if self.peek().is_some_and(|next| next.col > col) {
                    return None;
                }
            }
        }
        Some(Node { pos, value: Value::Seq(items) })
    }

    /// `key: value` lines at indentation `col`.
    fn mapping(&mut self, col: usize, depth: usize) -> Option<Node> {
        too_deep(depth)?;
        self.count()?;
        let first = self.peek()?;
        // The general parser places a mapping at its first key's colon.
        let (first_key, _) = split_key(first.text)?;
        let pos = Pos { line: first.no, col: col + first_key.chars().count() + 1 };
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut keys = KeySet::default();
        while let Some(line) = self.peek() {
            if line.col < col {
                break;
            }
            if line.col > col || is_item(line.text) {
                return None;
            }
            let (name, rest) = split_key(line.text)?;
            if keys.repeats(&entries, |(k, _)| &k.name, name) {
                return None;
            }
            self.count()?;
            let key = Key { pos: Pos { line: line.no, col: col + 1 }, name: name.to_string() };
            self.at += 1;
            let value = rest.trim_start_matches(' ');
            let node = if value.is_empty() {
                match self.peek() {
                    // A block below the key, or a list at the key's own indentation.
                    Some(next) if next.col > col => self.block(next.col, depth + 1)?,
                    Some(next) if next.col == col && is_item(next.text) => self.sequence(col, depth + 1, true)?,
                    // Nothing: the general parser reports an empty value at the next
                    // token, which this subset does not try to place.
                    _ => return None,
                }
            } else {
                let value_col = col + name.chars().count() + 1 + (rest.len() - value.len());
                let node = self.inline_value(Line { no: line.no, col: value_col, text: value }, depth + 1)?;
                // A more indented line after a one-line value continues it.
                if self.peek().is_some_and(|next| next.col > col) {
                    return None;
                }
                node
            };
            entries.push((key, node));
        }
        Some(Node { pos, value: Value::Map(entries) })
    }

    /// A value written on its key's or item's line: a text, quoted or not, or a flow
    /// collection (`[a, b]`, `{zh: 帮助, en: Help}`) that closes on the line.
    fn inline_value(&mut self, line: Line<'t>, depth: usize) -> Option<Node> {
        let pos = Pos { line: line.no, col: line.col + 1 };
        if line.text.starts_with(['[', '{']) {
            let chars: Vec<char> = line.text.chars().collect();
            let mut flow = Flow { chars: &chars, at: 0, line: line.no, col: line.col };
            let node = flow.node(self, depth)?;
            return (flow.at == chars.len()).then_some(node);
        }
        if line.text.starts_with(['"', '\'']) {
            self.count()?;
            let chars: Vec<char> = line.text.chars().collect();
            let (text, len) = quoted(&chars)?;
            return (len == chars.len()).then_some(Node { pos, value: Value::Str(text) });
        }
        if !is_block_text(line.text) {
            return None;
        }
        self.count()?;
        Some(Node { pos, value: plain(line.text) })
    }
}

/// A flow collection being read, a character at a time, on one line.
struct Flow<'c> {
    chars: &'c [char],
    at: usize,
    line: usize,
    /// The column of `chars[0]` (0-based).
    col: usize,
}

impl Flow<'_> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, col: self.col + self.at + 1 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
    }

    /// A node at the current character; spaces after it are skipped.
    fn node(&mut self, r: &mut Reader<'_>, depth: usize) -> Option<Node> {
        too_deep(depth)?;
        r.count()?;
        let pos = self.pos();
        let node = match self.peek()? {
            '[' => {
                self.at += 1;
                self.skip_spaces();
                let mut items = Vec::new();
                if self.peek() == Some(']') {
                    self.at += 1;
                } else {
                    loop {
                        items.push(self.node(r, depth + 1)?);
                        if self.close(']')? {
                            break;
                        }
                    }
                }
                Node { pos, value: Value::Seq(items) }
            }
            '{' => {
                self.at += 1;
                self.skip_spaces();
                let mut entries: Vec<(Key, Node)> = Vec::new();
                let mut keys = KeySet::default();
                if self.peek() == Some('}') {
                    self.at += 1;
                } else {
                    loop {
                        let key_pos = self.pos();
                        let start = self.at;
                        while self.peek().is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                            self.at += 1;
                        }
                        let name: String = self.chars[start..self.at].iter().collect();
                        let starts_plain = name.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
                        if !starts_plain || self.peek() != Some(':') || self.chars.get(self.at + 1) != Some(&' ') {
                            return None;
                        }
                        if keys.repeats(&entries, |(k, _)| &k.name, &name) {
                            return None;
                        }
                        r.count()?;
                        self.at += 1;
                        self.skip_spaces();
                        let value = self.node(r, depth + 1)?;
                        entries.push((Key { pos: key_pos, name }, value));
                        if self.close('}')? {
                            break;
                        }
                    }
                }
                Node { pos, value: Value::Map(entries) }
            }
            '"' | '\'' => {
                let (text, len) = quoted(&self.chars[self.at..])?;
                self.at += len;
                Node { pos, value: Value::Str(text) }
            }
            _ => {
                let start = self.at;
                while self.peek().is_some_and(|c| !matches!(c, ',' | '[' | ']' | '{' | '}' | ':')) {
                    self.at += 1;
                }
                let text: String = self.chars[start..self.at].iter().collect();
                let text = text.trim_end_matches(' ');
                if self.peek() == Some(':') || !is_flow_text(text) {
                    return None;
                }
                Node { pos, value: plain(text) }
            }
        };
        self.skip_spaces();
        Some(node)
    }

    /// After an entry: `,` (more follow) gives false, `end` gives true.
    fn close(&mut self, end: char) -> Option<bool> {
        match self.peek()? {
            ',' => {
                self.at += 1;
                self.skip_spaces();
                // A trailing comma, or an empty entry: left to the general parser.
                if matches!(self.peek()?, ',' | ']' | '}') {
                    return None;
                }
                Some(false)
            }
            c if c == end => {
                self.at += 1;
                Some(true)
            }
            _ => None,
        }
    }
}

/// A plain text's value: the null words are no text.
fn plain(text: &str) -> Value {
    match text {
        "~" | "null" | "Null" | "NULL" => Value::Null,
        text => Value::Str(text.to_string()),
    }
}

/// A quoted text at the start of `chars`: its value and its length in characters with
/// the quotes. Escapes (`\` in double quotes) are left to the general parser; `''` in
/// single quotes is one `'`. (On characters, as the flow reader holds its line: a copy of
/// the rest of the line per quoted item made a long `["a", "b", ...]` line quadratic.)
fn quoted(chars: &[char]) -> Option<(String, usize)> {
    let (&quote, body) = chars.split_first()?;
    let mut value = String::new();
    let mut i = 0;
    loop {
        match *body.get(i)? {
            '\\' if quote == '"' => return None,
            c if c == quote => {
                if quote == '\'' && body.get(i + 1) == Some(&'\'') {
                    value.push('\'');
                    i += 2;
                    continue;
                }
                return Some((value, i + 2));
            }
            c => {
                value.push(c);
                i += 1;
            }
        }
    }
}

/// `None` for nesting the general parser may refuse: it words that error. (A margin of
/// two: a one-line value may open a collection of its own.)
fn too_deep(depth: usize) -> Option<()> {
    (depth + 2 < MAX_DEPTH).then_some(())
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key: rest` or `key:`: the key and what follows the colon.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let (key, rest) = text.split_once(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let simple = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    let starts_plain = key.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
    (simple && starts_plain).then_some((key, rest))
}

/// Characters that start something else than a plain text.
const INDICATORS: &[char] =
    &['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`'];

/// A one-line plain text in a block: no indicator first, no `: ` (a key), no `:` last.
fn is_block_text(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(INDICATORS)
        && !text.contains(": ")
        && !text.ends_with(':')
        && !text.ends_with(' ')
}

/// A plain text in a `[a, b]` list: none of the flow indicators either.
fn is_flow_text(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(INDICATORS)
        && !text.contains([':', '[', ']', '{', '}', ','])
        && !text.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::super::parse_by_general_parser;
    use super::*;

    /// The general parser's tree, when it reads `text` without error or hazard.
    fn general(text: &str) -> Option<Node> {
        parse_by_general_parser(text).ok().filter(|p| p.hazards.is_empty()).map(|p| p.root)
    }

    fn agree(text: &str) -> bool {
        match parse(text) {
            Some(fast) => {
                assert_eq!(Some(&fast), general(text).as_ref(), "the fast parser differs on:\n{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_a_tutorial() {
        let text = "title:\n  zh: 如何设置？\n  en: How to set up your phone?\nsummary:\n  en: Tap [Edit], then Save.\ndate: 2022-09-20\ntags: [amazon, phone]\nsub: {zh: 帮助, en: \"Help: now\", ja: 'it''s'}\nsteps:\n  - text:\n      zh: 点击【编辑】。\n      en: Tap Edit.\n    image: step-01.png\n    highlight: [{x: 0.7, y: 0.9}, {x: 0.1, y: 0.2, label: {en: Tap}}]\n  - text:\n      en: Done!\nrelated:\n- a/b\n- c/d\nempty: []\n";
        assert!(agree(text));
    }

    /// What the subset leaves to the general parser.
    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "title: \"esc\\\"aped\"\n",
            "title: \"two\n  lines\"\n",
            "title: {a: 1,\n  b: 2}\n",
            "title: {a: }\n",
            "title: {\"a\": 1}\n",
            "title: text # comment\n",
            "title: &anchor text\n",
            "title: !tag text\n",
            "title: |\n  block\n",
            "title: two\n  lines\n",
            "title:\tx\n",
            "title: x\r\n",
            "---\ntitle: x\n",
            "title:\nnext: x\n",
            "title: a: b\n",
            "tags: [a, ]\n",
            "a: x\na: y\n",
            "- - x\n",
            "just text\n",
            "",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    /// Every YAML file of the example site and the test fixtures, and lines mixed and
    /// mutated from them: where the fast parser gives a tree, it is the general one's.
    #[test]
    fn the_fast_parser_agrees_with_the_general_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                if entry.path().extension().is_some_and(|e| e == "yaml") {
                    files.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
                }
            }
        }
        assert!(files.len() >= 20, "found {} files", files.len());
        let fast = files.iter().filter(|text| agree(text)).count();
        // The rest have comments or escapes, on purpose.
        assert!(fast * 4 >= files.len() * 3, "the fast parser read {fast} of {} files", files.len());
        let pieces = [
            "  ", "- ", ": ", ":", "[", "]", ", ", "#", "'", "\"", "x", "键", "\n", "\n  ", "\n- ", "&a ", "*a", "!",
            "|", ">", "~", "null", "-", "?", "{", "}", "%", "@", "`", "\t", ",",
        ];
        let mut rng = crate::fuzzing::Rng(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| rng.below(n);
        let mut taken = 0;
        for _ in 0..20_000 {
            let base = &files[next(files.len())];
            let lines: Vec<&str> = base.lines().collect();
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for _ in 0..=next(3) {
                if out.is_empty() {
                    break;
                }
                let i = next(out.len());
                match next(4) {
                    0 => {
                        let at = out[i].char_indices().map(|(b, _)| b).nth(next(out[i].chars().count() + 1));
                        let at = at.unwrap_or(out[i].len());
                        out[i].insert_str(at, pieces[next(pieces.len())]);
                    }
                    1 => {
                        out.remove(i);
                    }
                    2 => {
                        let j = next(lines.len().max(1));
                        out.insert(i, lines.get(j).unwrap_or(&"").to_string());
                    }
                    _ => {
                        let n = out[i].chars().count();
                        out[i] = out[i].chars().take(next(n + 1)).collect();
                    }
                }
            }
            if agree(&(out.join("\n") + "\n")) {
                taken += 1;
            }
        }
        assert!(taken > 1_000, "the fast parser read {taken} mutated files");
    }
}
