//! YAML text -> a tree of nodes that know their byte spans, and the [`Shape`] of a tree
//! (what a reader of the file would get: values, styles, anchors, tags; no positions).
//!
//! The parser's events carry only a start mark (line and column, in characters: its byte
//! index is not reliable), and for some nodes not even that: an empty value is marked at
//! the next token, a block scalar at its first content line, a block mapping after its
//! first key. So the start of each node is taken from its mark where the mark is right,
//! and its end is found by reading the text: the closing quote, the decoded value matched
//! against a plain scalar, the last content line of a block scalar, the end of the last
//! child of a block collection. Dashes of block sequences come from a pass of the scanner.
//! Any layout this cannot place is an error, never a guess: `apply` re-parses every result.

use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, Scanner, TScalarStyle, TokenType};

use super::layout;

/// Deeper than any tutorial; shallow enough for the recursive walks over the tree.
const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Byte range in the text: from the first character of the node (the quote, the `|`,
    /// the `[`, the first key or dash) to just after its last character. An empty value is
    /// an empty range right after its `:` or `-`. Anchors and tags lie before `start`.
    pub(crate) span: Range<usize>,
    pub(crate) anchor: usize,
    pub(crate) tag: Option<String>,
    /// The node sits inside a flow collection (`[...]`, `{...}`).
    pub(crate) in_flow: bool,
    pub(crate) kind: Kind,
    /// Where the parser marked the node (a block scalar: its first content line).
    mark: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Scalar {
        text: String,
        style: TScalarStyle,
        block: Option<BlockScalar>,
    },
    Alias(usize),
    /// `flow`: written `[...]`.
    Seq {
        flow: bool,
        items: Vec<Item>,
    },
    /// `flow`: written `{...}` (a single pair inside a flow sequence, `[a: b]`, is not).
    Map {
        flow: bool,
        entries: Vec<Entry>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The byte position of the item's `-` in a block sequence.
    pub(crate) dash: Option<usize>,
    pub(crate) node: Node,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) key: Node,
    /// The byte position of the `:` (a flow entry may have none: `{a}`).
    pub(crate) colon: Option<usize>,
    pub(crate) value: Node,
}

/// The parts of a `|` or `>` scalar: `span.start` is the indicator.
#[derive(Debug, Clone)]
pub(crate) struct BlockScalar {
    /// Just after the indicator and its chomping and indentation signs.
    pub(crate) header_end: usize,
    /// The end of the header line (before its line break): a comment may lie between.
    pub(crate) line_end: usize,
    /// From the start of the first line after the header to the end of the last content
    /// line (before its line break); `None` when the scalar has no content lines.
    pub(crate) body: Option<Range<usize>>,
    /// The content's indentation in columns.
    pub(crate) indent: usize,
}

impl Node {
    pub(crate) fn is_flow_collection(&self) -> bool {
        matches!(self.kind, Kind::Seq { flow: true, .. } | Kind::Map { flow: true, .. })
    }

    /// An empty plain value (`key:` with nothing after it).
    pub(crate) fn is_empty_scalar(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, style: TScalarStyle::Plain, .. } if text.is_empty())
    }

    /// Whether children of this node sit in a flow context.
    fn children_in_flow(&self) -> bool {
        self.in_flow || self.is_flow_collection()
    }

    /// What a message calls this kind of node.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { .. } if self.is_empty_scalar() => "an empty value",
            Kind::Scalar { .. } => "a text",
            Kind::Alias(_) => "an alias",
            Kind::Seq { .. } => "a list",
            Kind::Map { .. } => "a mapping",
        }
    }

    /// This node or one inside it has an anchor, a tag or is an alias.
    pub(crate) fn has_properties(&self) -> bool {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            if node.anchor != 0 || node.tag.is_some() {
                return true;
            }
            match &node.kind {
                Kind::Alias(_) => return true,
                Kind::Scalar { .. } => {}
                Kind::Seq { items, .. } => stack.extend(items.iter().map(|i| &i.node)),
                Kind::Map { entries, .. } => {
                    stack.extend(entries.iter().flat_map(|e| [&e.key, &e.value]));
                }
            }
        }
        false
    }

    pub(crate) fn shape(&self) -> Shape {
        let anchor = self.anchor;
        let tag = self.tag.clone();
        match &self.kind {
            Kind::Scalar { text, style, .. } => Shape::Scalar { text: text.clone(), style: *style, anchor, tag },
            Kind::Alias(id) => Shape::Alias(*id),
            Kind::Seq { flow, items } => {
                Shape::Seq { flow: *flow, anchor, tag, items: items.iter().map(|i| i.node.shape()).collect() }
            }
            Kind::Map { flow, entries } => Shape::Map {
                flow: *flow,
                anchor,
                tag,
                entries: entries.iter().map(|e| (e.key.key_text().to_string(), e.value.shape())).collect(),
            },
        }
    }

    /// The text of a scalar (keys are always scalars here).
    pub(crate) fn key_text(&self) -> &str {
        match &self.kind {
            Kind::Scalar { text, .. } => text,
            _ => "",
        }
    }
}

/// What a reader of the file gets from a node: compared before and after an edit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Scalar {
        text: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<String>,
    },
    Alias(usize),
    Seq {
        flow: bool,
        anchor: usize,
        tag: Option<String>,
        items: Vec<Shape>,
    },
    Map {
        flow: bool,
        anchor: usize,
        tag: Option<String>,
        entries: Vec<(String, Shape)>,
    },
    /// The edited value, checked on its own.
    Masked,
}

/// Why a text could not be read into a tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TreeError {
    /// The YAML parser refused it; line and column are 1-based.
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    /// `pos`: where the second document starts.
    MultiDocument {
        pos: usize,
    },
    TooDeep,
    /// Valid YAML laid out in a way this module does not place (it says how).
    Layout {
        pos: usize,
        what: String,
    },
}

/// Parses one YAML document into a tree with spans. `None`: no document (only comments).
pub(crate) fn parse(text: &str) -> Result<Option<Node>, TreeError> {
    // Third-party code fed with user text: a panic inside it must become an error.
    let result = std::panic::catch_unwind(|| {
        let dashes = block_entries(text);
        let mut builder = Builder::new(text, dashes);
        let mut parser = Parser::new_from_str(text);
        let parsed = parser.load(&mut builder, true);
        (parsed, builder)
    });
    let Ok((parsed, builder)) = result else {
        return Err(TreeError::Syntax { line: 1, col: 1, message: "the YAML parser failed on this text".into() });
    };
    if let Err(e) = parsed {
        let m = e.marker();
        return Err(TreeError::Syntax { line: m.line().max(1), col: m.col() + 1, message: e.info().to_string() });
    }
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok(builder.root)
}

/// Byte positions of the `-` of block sequence items, sorted. The scanner marks an entry
/// after the spaces (and a comment) that follow its `-`, on the same line; only spaces, other
/// `-` and that comment can lie between.
fn block_entries(text: &str) -> Vec<usize> {
    let mut locator = Locator::new(text);
    let mut dashes: Vec<usize> = Scanner::new(text.chars())
        .filter(|t| t.1 == TokenType::BlockEntry)
        .filter_map(|t| dash_before(text, locator.byte(&t.0)))
        .collect();
    dashes.sort_unstable();
    dashes
}

/// The `-` before `pos` on its line, with only spaces and a comment between.
fn dash_before(text: &str, pos: usize) -> Option<usize> {
    let start = layout::line_start(text, pos);
    let before = &text[start..pos];
    let before = &before[..before.find('#').unwrap_or(before.len())];
    let before = before.trim_end_matches([' ', '\t']);
    before.ends_with('-').then(|| start + before.len() - 1)
}

/// Turns a marker (1-based line, column in characters) into a byte position.
struct Locator<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// The last answer, to walk on from it along a long line.
    last: (usize, usize, usize),
}

impl<'t> Locator<'t> {
    fn new(text: &'t str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Locator { text, line_starts, last: (0, 0, 0) }
    }

    fn byte(&mut self, m: &Marker) -> usize {
        let line = m.line().max(1);
        let Some(&line_start) = self.line_starts.get(line - 1) else { return self.text.len() };
        let (mut col, mut pos) = (0, line_start);
        let (last_line, last_col, last_pos) = self.last;
        if last_line == line && last_col <= m.col() {
            (col, pos) = (last_col, last_pos);
        }
        let rest = &self.text[pos..];
        for (i, c) in rest.char_indices() {
            if col == m.col() || c == '\n' {
                pos += i;
                self.last = (line, col, pos);
                return pos;
            }
            col += 1;
        }
        self.text.len()
    }
}

struct Frame {
    node: Node,
    pending_key: Option<Node>,
}

struct Builder<'t> {
    text: &'t str,
    locator: Locator<'t>,
    dashes: Vec<usize>,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    error: Option<TreeError>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, dashes: Vec<usize>) -> Self {
        Builder { text, locator: Locator::new(text), dashes, stack: Vec::new(), root: None, documents: 0, error: None }
    }

    fn fail(&mut self, e: TreeError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn layout(&mut self, pos: usize, what: &str) {
        self.fail(TreeError::Layout { pos, what: what.to_string() });
    }

    fn in_flow(&self) -> bool {
        self.stack.last().is_some_and(|f| f.node.children_in_flow())
    }

    fn scalar(&mut self, text: String, style: TScalarStyle, pos: usize) -> Option<Node> {
        let end = match style {
            TScalarStyle::Plain if text.is_empty() => Some(pos),
            TScalarStyle::Plain => layout::plain_end(self.text, pos, &text),
            TScalarStyle::SingleQuoted => layout::quoted_end(self.text, pos, '\''),
            TScalarStyle::DoubleQuoted => layout::quoted_end(self.text, pos, '"'),
            // Placed when attached: the indicator is found from the `:` or `-` before it.
            TScalarStyle::Literal | TScalarStyle::Folded => Some(pos),
        };
        let Some(end) = end else {
            self.layout(pos, "a text whose end could not be found");
            return None;
        };
        Some(Node {
            span: pos..end,
            anchor: 0,
            tag: None,
            in_flow: self.in_flow(),
            kind: Kind::Scalar { text, style, block: None },
            mark: pos,
        })
    }

    fn open(&mut self, seq: bool, pos: usize, anchor: usize, tag: Option<Tag>) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(TreeError::TooDeep);
            return;
        }
        // A list written without indentation below its key (`key:` then `- [a]`) is marked
        // at its first item, which may be a flow list.
        let indentless = seq
            && self.stack.last().is_some_and(|f| f.pending_key.is_some() && !f.node.children_in_flow())
            && dash_before(self.text, pos).is_some_and(|d| self.dashes.binary_search(&d).is_ok());
        let flow = !indentless && self.text[pos..].starts_with(if seq { '[' } else { '{' });
        let kind = if seq { Kind::Seq { flow, items: Vec::new() } } else { Kind::Map { flow, entries: Vec::new() } };
        let node = Node { span: pos..pos, anchor, tag: tag.map(tag_name), in_flow: self.in_flow(), kind, mark: pos };
        self.stack.push(Frame { node, pending_key: None });
    }

    fn close(&mut self, pos: usize) {
        let Some(Frame { mut node, pending_key }) = self.stack.pop() else { return };
        if pending_key.is_some() {
            return self.layout(pos, "a key without a value");
        }
        let flow = node.is_flow_collection();
        match &mut node.kind {
            Kind::Seq { items, .. } if !flow => {
                if let Err(what) = self.place_items(items, node.mark) {
                    return self.layout(node.mark, what);
                }
                if let (Some(first), Some(last)) = (items.first(), items.last()) {
                    node.span = first.dash.unwrap_or(first.node.span.start)..last.node.span.end;
                }
            }
            Kind::Map { entries, .. } if !flow => {
                if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
                    node.span = first.key.span.start..last.value.span.end;
                }
            }
            _ => {
                let closer = if matches!(node.kind, Kind::Seq { .. }) { ']' } else { '}' };
                if !self.text[pos..].starts_with(closer) {
                    return self.layout(pos, "a flow collection whose end could not be found");
                }
                node.span.end = pos + 1;
            }
        }
        self.attach(node);
    }

    /// Gives each item of a block sequence its dash, and places empty items and block
    /// scalars after it.
    fn place_items(&self, items: &mut [Item], seq_mark: usize) -> Result<(), &'static str> {
        let mut previous: Option<(usize, usize)> = None; // (dash, item end)
        for item in items.iter_mut() {
            let dash = if item.node.is_empty_scalar() {
                // Marked at the next token: the first dash after the previous item, in the
                // same column.
                match previous {
                    Some((prev_dash, prev_end)) => {
                        let col = layout::col_of(self.text, prev_dash);
                        let from = self.dashes.partition_point(|&d| d < prev_end.max(prev_dash + 1));
                        self.dashes[from..].iter().copied().find(|&d| layout::col_of(self.text, d) == col)
                    }
                    // A block sequence is marked at its first `-`, one without indentation
                    // (`key:` then `- item`) where its first entry's mark is.
                    None => {
                        let dash = if self.text[seq_mark..].starts_with('-') {
                            Some(seq_mark)
                        } else {
                            dash_before(self.text, seq_mark)
                        };
                        dash.filter(|d| self.dashes.binary_search(d).is_ok())
                    }
                }
            } else {
                let i = self.dashes.partition_point(|&d| d < item.node.mark);
                i.checked_sub(1).map(|i| self.dashes[i])
            };
            let Some(dash) = dash else { return Err("a list item whose `-` could not be found") };
            if previous.is_some_and(|(d, _)| d >= dash) {
                return Err("a list item whose `-` could not be found");
            }
            item.dash = Some(dash);
            place_after(self.text, &mut item.node, dash + 1)?;
            previous = Some((dash, item.node.span.end));
        }
        Ok(())
    }

    fn attach(&mut self, mut node: Node) {
        let text = self.text;
        let Some(top) = self.stack.last_mut() else {
            if let Err(what) = place_after(text, &mut node, document_start(text)) {
                return self.layout(node.mark, what);
            }
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        let in_flow = top.node.children_in_flow();
        let placed = match &mut top.node.kind {
            Kind::Seq { items, .. } => {
                items.push(Item { dash: None, node });
                Ok(())
            }
            Kind::Map { entries, .. } => match top.pending_key.take() {
                None if !matches!(node.kind, Kind::Scalar { .. }) || node.anchor != 0 || node.tag.is_some() => {
                    Err((node.mark, "a key that is not a plain text"))
                }
                None => {
                    top.pending_key = Some(node);
                    Ok(())
                }
                Some(key) => {
                    let colon = layout::colon_after(text, key.span.end, in_flow);
                    let after = colon.map_or(key.span.end, |c| c + 1);
                    let placed = place_after(text, &mut node, after).map_err(|what| (node.mark, what));
                    entries.push(Entry { key, colon, value: node });
                    placed
                }
            },
            Kind::Scalar { .. } | Kind::Alias(_) => Ok(()),
        };
        if let Err((pos, what)) = placed {
            self.layout(pos, what);
        }
    }
}

/// Where a document's content may start: after comments, directives and `---`.
fn document_start(text: &str) -> usize {
    let mut i = 0;
    loop {
        let rest = text[i..].trim_start_matches([' ', '\t', '\r', '\n']);
        i = text.len() - rest.len();
        if rest.starts_with(['#', '%']) {
            i = layout::line_end(text, i);
        } else if rest.starts_with("---") {
            i += 3;
        } else {
            return i;
        }
    }
}

/// Places an empty value or a block scalar right after its `:` or `-` (at `after`).
fn place_after(text: &str, node: &mut Node, after: usize) -> Result<(), &'static str> {
    if node.is_empty_scalar() {
        node.span = after..after;
        return Ok(());
    }
    let Kind::Scalar { text: value, style: TScalarStyle::Literal | TScalarStyle::Folded, block } = &mut node.kind
    else {
        return Ok(());
    };
    // Skip spaces, and an anchor or tag: `key: !tag |`.
    let mut i = after;
    loop {
        i += text[i..].len() - text[i..].trim_start_matches([' ', '\t']).len();
        if text[i..].starts_with(['&', '!']) {
            i += text[i..].find([' ', '\t', '\r', '\n']).unwrap_or(text.len() - i);
        } else {
            break;
        }
    }
    if !text[i..].starts_with(['|', '>']) {
        return Err("a block text whose `|` or `>` could not be found");
    }
    let header_end = i + 1 + text[i + 1..].find(|c: char| !matches!(c, '0'..='9' | '+' | '-')).unwrap_or(0);
    let line_end = layout::line_end(text, header_end);
    let (body, indent) = if value.chars().all(|c| c == '\n') {
        (None, 0)
    } else {
        let indent = layout::col_of(text, node.mark);
        let first = layout::next_line(text, line_end);
        let mut end = None;
        let mut line = first;
        while line < text.len() {
            let le = layout::line_end(text, line);
            let content = &text[line..le];
            let spaces = content.len() - content.trim_start_matches(' ').len();
            if !content.trim().is_empty() {
                if spaces < indent {
                    break;
                }
                end = Some(le);
            }
            line = layout::next_line(text, le);
        }
        match end {
            Some(end) => (Some(first..end), indent),
            None => return Err("a block text whose lines could not be found"),
        }
    };
    node.span = i..body.as_ref().map_or(header_end, |b| b.end);
    *block = Some(BlockScalar { header_end, line_end, body, indent });
    Ok(())
}

fn tag_name(tag: Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = self.locator.byte(&mark);
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(TreeError::MultiDocument { pos });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(mut node) = self.scalar(text, style, pos) {
                    node.anchor = anchor;
                    node.tag = tag.map(tag_name);
                    self.attach(node);
                }
            }
            Event::Alias(id) => {
                let node = Node {
                    span: pos..pos + 1 + self.text.get(pos + 1..).map_or(0, layout::word_len),
                    anchor: 0,
                    tag: None,
                    in_flow: self.in_flow(),
                    kind: Kind::Alias(id),
                    mark: pos,
                };
                self.attach(node);
            }
            Event::SequenceStart(anchor, tag) => self.open(true, pos, anchor, tag),
            Event::MappingStart(anchor, tag) => self.open(false, pos, anchor, tag),
            Event::SequenceEnd | Event::MappingEnd => self.close(pos),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}
