//! YAML text -> a tree of [`Node`]s that remember their line and column.
//!
//! This is the only module that names a YAML crate. Validation needs the position of
//! every value (not only of the first syntax error) to point a translator at the exact
//! line, and needs to see every problem of a file at once, so we build our own small
//! positioned tree from the parser's event stream instead of deserializing into structs.
//!
//! Scalars stay strings: `en: no` is the English word "no", not `false`, and `2024-05-01`
//! is checked as a calendar date by the model, not guessed at here.
//!
//! Hostile input is bounded: nesting depth, and the node count including alias expansion
//! (the "billion laughs" bomb), both stop with an error instead of exhausting memory.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostics::Pos;

mod fast;

/// Deeper than any tutorial needs; deep enough never to bother a real file.
const MAX_DEPTH: usize = 64;
/// Nodes per file, counting each alias expansion again.
const MAX_NODES: usize = 200_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) pos: Pos,
    pub(crate) value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// An empty value, `~` or `null`.
    Null,
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order. Keys are scalars (complex keys are rejected while parsing).
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub(crate) pos: Pos,
    pub(crate) name: String,
}

impl Node {
    pub(crate) fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "an empty value",
            Value::Str(_) => "a text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Something the parser accepted that a writer of prose almost never means. The model
/// reports it where the value must be a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Hazard {
    /// `en: &more text`: the first word became an anchor name and vanished.
    Anchor { at: Pos, word: String, written: String },
    /// `en: !important text`: the first word became a tag and vanished.
    Tag { at: Pos, word: String, written: String },
    /// `en: Tap button #2`: ` #` started a comment; the rest of the line vanished.
    Comment { at: Pos, rest: String, written: String },
}

/// A parsed file: its tree, and the hazards by the position of the value they touch.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) root: Node,
    pub(crate) hazards: HashMap<Pos, Hazard>,
}

/// A YAML problem with the position it was found at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

/// Parses one YAML document. An empty file gives `Value::Null`.
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    parse_with_hazards(text).map(|p| p.root)
}

/// [`parse`], also returning the [`Hazard`]s found on the way.
pub(crate) fn parse_with_hazards(text: &str) -> Result<Parsed, YamlError> {
    // Most files are plain block YAML, which a parser of that subset reads several
    // times faster; it declines everything else.
    if let Some(root) = fast::parse(text) {
        return Ok(Parsed { root, hazards: HashMap::new() });
    }
    parse_by_general_parser(text)
}

/// [`parse_with_hazards`] by the YAML crate's parser, for every file.
fn parse_by_general_parser(text: &str) -> Result<Parsed, YamlError> {
    // The parser is third-party code fed with user input: a panic inside it must become
    // an error about this file, never a crash of the whole build.
    let result = std::panic::catch_unwind(|| {
        let mut builder = TreeBuilder::new(text);
        let mut parser = Parser::new_from_str(text);
        let parsed = parser.load(&mut builder, false);
        (parsed, builder)
    });
    let (parsed, builder) = result.map_err(|_| YamlError {
        pos: Pos::START,
        message: "the YAML parser failed on this file".into(),
        hint: Some("simplify the file around recent edits and report this as a bug".into()),
    })?;
    if let Err(e) = parsed {
        return Err(scan_error(text, e.marker(), e.info()));
    }
    if let Some(err) = builder.error {
        return Err(err);
    }
    let root = builder.root.unwrap_or(Node { pos: Pos::START, value: Value::Null });
    Ok(Parsed { root, hazards: builder.hazards })
}

fn pos_of(m: &Marker) -> Pos {
    Pos { line: m.line().max(1), col: m.col() + 1 }
}

/// Turns the parser's message into one a writer of prose can act on.
fn scan_error(text: &str, mark: &Marker, info: &str) -> YamlError {
    let mut pos = pos_of(mark);
    // A tab is often reported on the line before the one holding it: point at the tab.
    if info.contains("tab")
        && let Some((i, line)) =
            text.lines().enumerate().skip(pos.line.saturating_sub(1)).take(3).find(|(_, l)| l.contains('\t'))
    {
        let col = line.chars().position(|c| c == '\t').unwrap_or(0) + 1;
        pos = Pos { line: i + 1, col };
    }
    let line = text.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
    // A value that starts with a YAML indicator is the cause wherever the parser
    // stumbled: point at its first character.
    if let Some((head, value)) = line.split_once(": ")
        && value.trim_start().starts_with(SPECIAL_STARTS)
        && !info.contains("tab")
    {
        pos.col = head.chars().count() + 3 + (value.chars().count() - value.trim_start().chars().count());
    }
    if (info.contains("mapping values are not allowed") || info.contains("did not find expected key"))
        && let Some(err) = misaligned_key(text, pos.line)
    {
        return err;
    }
    if info.contains("quoted scalar")
        && let Some(err) = apostrophe_in_single_quotes(line, pos.line)
    {
        return err;
    }
    YamlError { pos, message: format!("invalid YAML: {info}"), hint: hint_for(info, line) }
}

/// `key:` at the start of a line (after any `- `): the key and the column it starts at
/// (0-based, in characters), and whether a value follows on the line.
fn key_on_line(line: &str) -> Option<(&str, usize, bool)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[indent..];
    let mut col = indent;
    while let Some(r) = rest.strip_prefix("- ") {
        let r2 = r.trim_start_matches(' ');
        col += 2 + (r.len() - r2.len());
        rest = r2;
    }
    let (key, value) = rest.split_once(':')?;
    let is_word = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let has_value = if value.is_empty() {
        false
    } else if value.starts_with(' ') {
        !value.trim().is_empty() && !value.trim_start().starts_with('#')
    } else {
        return None;
    };
    is_word.then_some((key, col, has_value))
}

/// A key indented differently from the keys above it (`en:` under `zh:`, two spaces
/// deeper): the parser reads it as text or loses its place. Names both indentations and
/// the fix, instead of the parser's message about `: ` or a missing key.
fn misaligned_key(text: &str, line_no: usize) -> Option<YamlError> {
    let lines: Vec<&str> = text.lines().collect();
    let line = *lines.get(line_no.checked_sub(1)?)?;
    let (key, col, _) = key_on_line(line)?;
    let mut above =
        lines[..line_no - 1].iter().rev().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let prev = above.next()?;
    let (prev_key, prev_col, prev_has_value) = key_on_line(prev)?;
    let spaces = |n: usize| format!("{n} space{}", if n == 1 { "" } else { "s" });
    if col > prev_col {
        // Deeper than a key with a value: no mapping can start there.
        if !prev_has_value {
            return None;
        }
        return Some(YamlError {
            pos: Pos { line: line_no, col: col + 1 },
            message: format!("`{key}:` is indented {}, `{prev_key}:` above uses {prev_col}", spaces(col)),
            hint: Some(format!(
                "keys of one mapping line up: remove {} before `{key}:`, as for `{prev_key}:`",
                spaces(col - prev_col)
            )),
        });
    }
    if col == prev_col {
        return None;
    }
    // Shallower: it must line up with a key that holds the one above (an ancestor).
    let mut levels = vec![(prev_key, prev_col)];
    for l in above {
        if let Some((k, c, _)) = key_on_line(l)
            && c < levels.last().map_or(usize::MAX, |(_, c)| *c)
        {
            levels.push((k, c));
        }
    }
    if levels.iter().any(|(_, c)| *c == col) {
        return None;
    }
    let (near_key, near_col) = *levels.iter().min_by_key(|(_, c)| c.abs_diff(col))?;
    let fix = if near_col > col {
        format!("add {} before `{key}:`", spaces(near_col - col))
    } else {
        format!("remove {} before `{key}:`", spaces(col - near_col))
    };
    Some(YamlError {
        pos: Pos { line: line_no, col: col + 1 },
        message: format!("`{key}:` is indented {}, `{prev_key}:` above uses {prev_col}", spaces(col)),
        hint: Some(format!("keys of one mapping line up: {fix}, as for `{near_key}:`")),
    })
}

/// `en: 'Don't panic'`: the apostrophe closes the single-quoted text and the parser
/// stumbles on what follows. Points at it, with both ways of writing the text.
fn apostrophe_in_single_quotes(line: &str, line_no: usize) -> Option<YamlError> {
    let chars: Vec<char> = line.chars().collect();
    // The quote that opens a value: after `key: `, `- `, `[`, `{` or `,`.
    let open = (0..chars.len()).find(|&i| {
        chars[i] == '\''
            && chars[..i].iter().rev().find(|c| **c != ' ').is_none_or(|c| matches!(c, ':' | '-' | '[' | '{' | ','))
    })?;
    let close = chars.iter().rposition(|c| *c == '\'')?;
    let mut i = open + 1;
    let mut culprit = None;
    while i < close {
        if chars[i] == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                i += 2;
                continue;
            }
            culprit = Some(i);
            break;
        }
        i += 1;
    }
    let at = culprit?;
    let word_start = chars[..at].iter().rposition(|c| c.is_whitespace() || *c == '\'').map_or(0, |p| p + 1);
    let word_end = chars[at + 1..].iter().position(|c| c.is_whitespace()).map_or(chars.len(), |p| at + 1 + p);
    let tail: String = chars[at + 1..word_end].iter().collect();
    let word = format!(
        "{}{}",
        chars[word_start..=at].iter().collect::<String>(),
        tail.trim_end_matches(['\'', ',', '}', ']'])
    );
    let meant: String = chars[open + 1..close].iter().collect::<String>().replace("''", "'");
    let before: String = chars[..open].iter().collect();
    let key = before.trim_end().strip_suffix(':').map(|k| {
        let k = k.trim_end();
        let start = k.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).map_or(0, |p| p + 1);
        format!("{}: ", &k[start..])
    });
    let key = key.unwrap_or_default();
    Some(YamlError {
        pos: Pos { line: line_no, col: at + 1 },
        message: format!("the apostrophe in `{word}` ends the single-quoted text"),
        hint: Some(format!(
            "inside single quotes write an apostrophe twice: {key}'{}', or use double quotes: {key}\"{}\"",
            meant.replace('\'', "''"),
            meant.replace('\\', "\\\\").replace('"', "\\\"")
        )),
    })
}

/// Characters that give a plain value a special meaning when they come first.
const SPECIAL_STARTS: [char; 10] = ['[', '{', '*', '&', '!', '|', '>', '%', '@', '`'];

/// Hints for the usual mistakes made while typing prose into YAML, chosen from the
/// parser's message and the offending line.
fn hint_for(info: &str, line: &str) -> Option<String> {
    let value = line.split_once(": ").map(|(_, v)| v.trim_start()).unwrap_or("");
    if line.contains('\t') && (info.contains("tab") || line.trim_start().starts_with('\t') || line.starts_with('\t')) {
        return Some("YAML indentation must use spaces, not tabs".into());
    }
    if let Some(first) = value.chars().next()
        && SPECIAL_STARTS.contains(&first)
        && !value.ends_with(']')
        && !value.ends_with('}')
    {
        let key = line.trim_start().split_once(':').map_or("", |(k, _)| k);
        let what = if first == '`' { "a backtick".to_string() } else { format!("`{first}`") };
        return Some(format!(
            "a value starting with {what} has a special meaning in YAML; put the text in quotes: {key}: \"{}\"",
            value.replace('"', "\\\"")
        ));
    }
    if info.contains("flow mapping") || info.contains("flow sequence") {
        return Some(
            "inside `{...}` or `[...]`, a text containing `[`, `]`, `{`, `}` or `,` must be in quotes: en: \"Click [Save].\""
                .into(),
        );
    }
    if info.contains("mapping values are not allowed") {
        let key = line.trim_start().split_once(':').map_or("", |(k, _)| k);
        return Some(format!(
            "the text contains `: ` (a colon and a space), which YAML reads as a new key; \
             put the whole text in quotes: {key}: \"{}\"",
            value.replace('"', "\\\"")
        ));
    }
    if info.contains("quoted scalar") || info.contains("while scanning a quoted") {
        return Some(
            "a quote is opened but never closed; close it, or write the quote mark twice (`''`) inside single quotes"
                .into(),
        );
    }
    if info.contains("did not find expected key") || info.contains("block mapping") {
        return Some("check the indentation: keys at the same level must line up, using spaces".into());
    }
    None
}

struct TreeBuilder<'t> {
    text: &'t str,
    /// Byte offset of each line's start: scalars look at their own line.
    line_starts: Vec<usize>,
    hazards: HashMap<Pos, Hazard>,
    /// Open collections: the node being filled and, for mappings, a pending key.
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
    error: Option<YamlError>,
}

struct Frame {
    node: Node,
    anchor: usize,
    pending_key: Option<Key>,
    keys: KeySet,
}

/// The names met so far in one list (a mapping's keys, a tutorial's tags), to tell a
/// repeated one: scanned while few, hashed past that (a hostile file of 60,000 keys in
/// one mapping took seconds to scan, key by key).
#[derive(Default)]
pub(crate) struct KeySet(Option<std::collections::HashSet<String>>);

impl KeySet {
    const SCANNED: usize = 16;

    /// Whether `name` is among the names of `earlier` (`name_of` each; the same list at
    /// every call, grown by the caller) or those noted before; notes it.
    pub(crate) fn repeats<T>(&mut self, earlier: &[T], name_of: impl Fn(&T) -> &str, name: &str) -> bool {
        if self.0.is_none() && earlier.len() < Self::SCANNED {
            return earlier.iter().any(|e| name_of(e) == name);
        }
        let set = self.0.get_or_insert_with(|| earlier.iter().map(|e| name_of(e).to_string()).collect());
        !set.insert(name.to_string())
    }
}

impl<'t> TreeBuilder<'t> {
    fn new(text: &'t str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        TreeBuilder {
            text,
            line_starts,
            hazards: HashMap::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            nodes: 0,
            error: None,
        }
    }

    /// Looks at a plain scalar's line for what the parser took away from it.
    /// Line `n` (1-based), without its line break.
    fn line(&self, n: usize) -> Option<&'t str> {
        let start = *self.line_starts.get(n.checked_sub(1)?)?;
        let end = self.line_starts.get(n).map_or(self.text.len(), |&next| next - 1);
        self.text.get(start..end).map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    fn note_hazards(&mut self, text: &str, pos: Pos, anchored: bool, tagged: bool) {
        let Some(line) = self.line(pos.line) else { return };
        // Most scalars: nothing eaten, and no `#` that could have cut one short.
        if !anchored && !tagged && (text.contains('\n') || !line.contains('#')) {
            return;
        }
        let chars: Vec<char> = line.chars().collect();
        let start = pos.col.saturating_sub(1).min(chars.len());
        let before: String = chars[..start].iter().collect();
        let after: String = chars[start..].iter().collect();
        // The first word the parser consumed: `&more ` or `!important ` just before the value.
        let eaten = |mark: char| -> Option<(Pos, String, String)> {
            let i = before.rfind(mark)?;
            let word = before[i..].trim_end().to_string();
            let at = Pos { line: pos.line, col: before[..i].chars().count() + 1 };
            (!word.contains(char::is_whitespace)).then(|| (at, word, format!("{}{}", &before[i..], after.trim_end())))
        };
        if anchored && let Some((at, word, written)) = eaten('&') {
            self.hazards.insert(pos, Hazard::Anchor { at, word, written });
        } else if tagged && let Some((at, word, written)) = eaten('!') {
            self.hazards.insert(pos, Hazard::Tag { at, word, written });
        } else if !text.contains('\n')
            && let Some(rest) = after.strip_prefix(text)
            && rest.starts_with([' ', '\t'])
            && rest.trim_start().starts_with('#')
        {
            let col = pos.col + text.chars().count() + (rest.chars().count() - rest.trim_start().chars().count());
            let rest = rest.trim().to_string();
            let written = format!("{text} {rest}");
            self.hazards.insert(pos, Hazard::Comment { at: Pos { line: pos.line, col }, rest, written });
        }
    }

    fn fail(&mut self, pos: Pos, message: impl Into<String>, hint: Option<&str>) {
        if self.error.is_none() {
            self.error = Some(YamlError { pos, message: message.into(), hint: hint.map(str::to_owned) });
        }
    }

    fn count(&mut self, n: usize, pos: Pos) -> bool {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            self.fail(
                pos,
                format!("the file expands to more than {MAX_NODES} values"),
                Some("this is usually an alias (`*name`) repeated many times; write the values out"),
            );
            return false;
        }
        true
    }

    /// Adds a finished node to its parent (or makes it the document).
    fn attach(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some(top) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        match &mut top.node.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match top.pending_key.take() {
                None => {
                    let Value::Str(name) = node.value else {
                        let pos = node.pos;
                        self.fail(pos, "a key must be a plain word, not a list or mapping", None);
                        return;
                    };
                    if top.keys.repeats(entries, |(k, _)| &k.name, &name)
                        && let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name)
                    {
                        let msg = format!("key `{name}` appears twice (first on line {})", first.pos.line);
                        let pos = node.pos;
                        self.fail(pos, msg, Some("remove one of them"));
                        return;
                    }
                    top.pending_key = Some(Key { pos: node.pos, name });
                }
                Some(key) => entries.push((key, node)),
            },
            Value::Null | Value::Str(_) => {}
        }
    }

    fn open(&mut self, value: Value, anchor: usize, pos: Pos) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(pos, format!("values are nested more than {MAX_DEPTH} levels deep"), None);
            return;
        }
        self.stack.push(Frame { node: Node { pos, value }, anchor, pending_key: None, keys: KeySet::default() });
    }
}

impl MarkedEventReceiver for TreeBuilder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = pos_of(&mark);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                if !self.count(1, pos) {
                    return;
                }
                if style == TScalarStyle::Plain {
                    self.note_hazards(&text, pos, anchor != 0, tag.is_some());
                }
                let is_null =
                    style == TScalarStyle::Plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                let value = if is_null { Value::Null } else { Value::Str(text) };
                self.attach(Node { pos, value }, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                if self.count(1, pos) {
                    self.open(Value::Seq(Vec::new()), anchor, pos);
                }
            }
            Event::MappingStart(anchor, _) => {
                if self.count(1, pos) {
                    self.open(Value::Map(Vec::new()), anchor, pos);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    self.attach(frame.node, frame.anchor);
                }
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    self.fail(pos, "this alias refers to an unknown anchor", None);
                    return;
                };
                let size = count_nodes(&node);
                if self.count(size, pos) {
                    // Positions point at the alias, where the reader will look.
                    self.attach(Node { pos, value: node.value }, 0);
                }
            }
            Event::DocumentStart => {
                if self.root.is_some() {
                    self.fail(
                        pos,
                        "a file holds one YAML document; found a second `---`",
                        Some("remove the extra `---` line"),
                    );
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    // Iterative: an anchored value may itself be large.
    let mut stack = vec![node];
    let mut n = 0;
    while let Some(node) = stack.pop() {
        n += 1;
        match &node.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            Value::Null | Value::Str(_) => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_keys(node: &Node) -> Vec<(String, Pos)> {
        match &node.value {
            Value::Map(e) => e.iter().map(|(k, _)| (k.name.clone(), k.pos)).collect(),
            _ => panic!("not a map"),
        }
    }

    /// Past a few keys, repeats are found through a hash set: the same error, the line of
    /// the first, for a mapping read by either parser; and no time quadratic in the keys.
    #[test]
    fn a_repeated_key_among_many_is_found_with_its_first_line() {
        for comment in ["", " # the general parser"] {
            let mut text = format!("extra:{comment}\n");
            for i in 0..5_000 {
                text.push_str(&format!("  k{i}: v\n"));
            }
            text.push_str("  k17: again\n");
            let err = parse(&text).unwrap_err();
            assert_eq!(err.message, "key `k17` appears twice (first on line 19)", "{comment:?}");
            assert_eq!(err.pos, Pos { line: 5_002, col: 3 });
        }
        let few = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(few.message, "key `a` appears twice (first on line 1)");
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let node = parse("title:\n  zh: 你好\n  en: no\nsteps: []\n").unwrap();
        let keys = map_keys(&node);
        assert_eq!(keys[0], ("title".into(), Pos { line: 1, col: 1 }));
        assert_eq!(keys[1], ("steps".into(), Pos { line: 4, col: 1 }));
        let Value::Map(entries) = &node.value else { unreachable!() };
        let Value::Map(title) = &entries[0].1.value else { unreachable!() };
        assert_eq!(title[1].1.value, Value::Str("no".into()), "no Norway problem");
        assert_eq!(title[1].1.pos, Pos { line: 3, col: 7 });
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 3, col: 1 });
        assert!(err.message.contains("appears twice (first on line 1)"));
    }

    #[test]
    fn stops_alias_bombs() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            text.push_str(&format!("{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("expands to more than"), "{err:?}");
    }

    #[test]
    fn stops_deep_nesting() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&text).is_err());
        let text = "a:\n".to_string() + &(1..200).map(|i| format!("{}a:\n", "  ".repeat(i))).collect::<String>();
        assert!(parse(&text).is_err());
    }

    #[test]
    fn hints_for_prose_mistakes() {
        let err = parse("title:\n  en: Note: click here\n").unwrap_err();
        assert!(err.hint.unwrap().contains("quotes"));
        let err = parse("title:\n  en: [My] then [Settings] now\n").unwrap_err();
        assert!(err.hint.unwrap().contains("starting with `[`"), "hint");
    }

    #[test]
    fn notes_what_the_parser_swallowed() {
        let parsed =
            parse_with_hazards("a: &more tap save\nb: !important tap\nc: Tap button #2 to save\nd: 'x' # ok\n")
                .unwrap();
        let mut hazards: Vec<(Pos, Hazard)> = parsed.hazards.into_iter().collect();
        hazards.sort_by_key(|(p, _)| *p);
        assert_eq!(hazards.len(), 3, "{hazards:?}");
        assert_eq!(
            hazards[0].1,
            Hazard::Anchor { at: Pos { line: 1, col: 4 }, word: "&more".into(), written: "&more tap save".into() }
        );
        let tag =
            Hazard::Tag { at: Pos { line: 2, col: 4 }, word: "!important".into(), written: "!important tap".into() };
        assert_eq!(hazards[1].1, tag);
        assert_eq!(
            hazards[2].1,
            Hazard::Comment {
                at: Pos { line: 3, col: 15 },
                rest: "#2 to save".into(),
                written: "Tap button #2 to save".into()
            }
        );
    }

    #[test]
    fn a_key_indented_deeper_than_its_sibling() {
        let err = parse("steps:\n  - text:\n      zh: 点击\n        en: Click\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 4, col: 9 });
        assert_eq!(err.message, "`en:` is indented 8 spaces, `zh:` above uses 6");
        assert_eq!(
            err.hint.as_deref(),
            Some("keys of one mapping line up: remove 2 spaces before `en:`, as for `zh:`")
        );
        let err = parse("title:\n    zh: 标题\n  en: Title\n").unwrap_err();
        assert_eq!(err.message, "`en:` is indented 2 spaces, `zh:` above uses 4");
        assert_eq!(err.hint.as_deref(), Some("keys of one mapping line up: add 2 spaces before `en:`, as for `zh:`"));
        // A text that goes on over two lines is no key.
        assert!(parse("title:\n  zh: 标题 is long\n    and goes on\n  en: Title\n").is_ok());
    }

    #[test]
    fn an_apostrophe_in_single_quotes() {
        let err = parse("title:\n  en: 'Don't panic, it''s fine'\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 2, col: 11 });
        assert_eq!(err.message, "the apostrophe in `Don't` ends the single-quoted text");
        assert_eq!(
            err.hint.as_deref(),
            Some(
                "inside single quotes write an apostrophe twice: en: 'Don''t panic, it''s fine', or use double quotes: en: \"Don't panic, it's fine\""
            )
        );
        let err = parse("title: {zh: 标题, en: 'Tap the users' names'}\n").unwrap_err();
        assert_eq!(err.message, "the apostrophe in `users'` ends the single-quoted text");
        assert!(parse("title:\n  en: 'It''s fine'\n").is_ok());
    }

    #[test]
    fn points_at_the_tab() {
        let err = parse("a:\n  b: one\n\t c: two\n").unwrap_err();
        assert_eq!(err.pos.line, 3, "{err:?}");
        assert!(err.hint.unwrap().contains("tabs"));
    }

    #[test]
    fn empty_file_is_null() {
        assert_eq!(parse("").unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, Value::Null);
    }
}
