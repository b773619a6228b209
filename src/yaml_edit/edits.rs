//! Each [`Edit`] -> the splices that make it, and the [`Shape`] the result must parse to.

use std::ops::Range;

use super::layout::{self, Unit};
use super::scalar;
use super::tree::{self, Kind, Node, Shape};
use super::{Edit, EditError, Seg, show};

/// Byte ranges of the old text and what replaces each (they never overlap).
pub(super) type Splices = Vec<(Range<usize>, String)>;

/// A text being edited, parsed.
pub(super) struct Doc<'t> {
    pub(super) text: &'t str,
    pub(super) root: Option<&'t Node>,
    /// The file's line break.
    pub(super) nl: &'static str,
    /// Columns a nested mapping is indented by, as the file does it (2 if it never does).
    step: usize,
    /// Columns a block list under a key is indented by (0: `key:` then `- item` below it).
    list_step: usize,
}

impl<'t> Doc<'t> {
    pub(super) fn new(text: &'t str, root: Option<&'t Node>, nl: &'static str) -> Self {
        let (mut step, mut list_step) = (None, None);
        let mut stack: Vec<&Node> = root.into_iter().collect();
        while let Some(node) = stack.pop() {
            match &node.kind {
                Kind::Map { flow: false, entries } => {
                    for e in entries {
                        let key_col = layout::col_of(text, e.key.span.start);
                        match &e.value.kind {
                            Kind::Map { flow: false, .. } if step.is_none() => {
                                step = layout::col_of(text, e.value.span.start).checked_sub(key_col);
                            }
                            Kind::Seq { flow: false, .. } if list_step.is_none() => {
                                list_step = layout::col_of(text, e.value.span.start).checked_sub(key_col);
                            }
                            _ => {}
                        }
                    }
                    stack.extend(entries.iter().map(|e| &e.value));
                }
                Kind::Map { entries, .. } => stack.extend(entries.iter().map(|e| &e.value)),
                Kind::Seq { items, .. } => stack.extend(items.iter().map(|i| &i.node)),
                Kind::Scalar { .. } | Kind::Alias(_) => {}
            }
            if step.is_some() && list_step.is_some() {
                break;
            }
        }
        let step = step.filter(|&s| s > 0).unwrap_or(2);
        Doc { text, root, nl, step, list_step: list_step.unwrap_or(step) }
    }

    fn col(&self, pos: usize) -> usize {
        layout::col_of(self.text, pos)
    }
}

/// The splices that make an edit, and what the result must read as.
pub(super) struct Plan {
    pub(super) splices: Splices,
    /// The whole document after the edit; a value set with `SetText` is `Masked` (checked
    /// on its own, in any style).
    pub(super) expected: Shape,
}

pub(super) fn plan(doc: &Doc<'_>, edit: &Edit) -> Result<Plan, EditError> {
    let root = doc.root.ok_or_else(|| EditError::NotFound { path: show(edit.path()) })?;
    let mut expected = root.shape();
    let splices = match edit {
        Edit::SetText { path, value } => {
            let (splices, new_key) = set_text(doc, path, value)?;
            put(&mut expected, path, new_key, Shape::Masked);
            splices
        }
        Edit::SetYaml { path, yaml } => {
            let fragment = Fragment::parse(yaml, path)?;
            let (splices, new_key) = set_yaml(doc, path, &fragment)?;
            put(&mut expected, path, new_key, fragment.shape);
            splices
        }
        Edit::RemoveKey { path } => {
            let splices = remove_key(doc, path)?;
            if let Some((Seg::Key(key), parent)) = path.split_last()
                && let Some(Shape::Map { entries, flow, .. }) = shape_at(&mut expected, parent)
            {
                if let Some(i) = entries.iter().position(|(k, _)| k == key) {
                    entries.remove(i);
                }
                *flow |= entries.is_empty();
            }
            splices
        }
        Edit::InsertItem { seq, at, yaml } => {
            let fragment = Fragment::parse(yaml, seq)?;
            let (splices, block) = insert_item(doc, seq, *at, &fragment)?;
            if let Some(Shape::Seq { items, flow, .. }) = shape_at(&mut expected, seq) {
                items.insert(*at, fragment.shape);
                *flow = !block;
            }
            splices
        }
        Edit::RemoveItem { seq, index } => {
            let splices = remove_item(doc, seq, *index)?;
            if let Some(Shape::Seq { items, flow, .. }) = shape_at(&mut expected, seq) {
                items.remove(*index);
                *flow |= items.is_empty();
            }
            splices
        }
        Edit::MoveItem { seq, from, to } => {
            let splices = move_item(doc, seq, *from, *to)?;
            if let Some(Shape::Seq { items, .. }) = shape_at(&mut expected, seq) {
                let item = items.remove(*from);
                items.insert(*to, item);
            }
            splices
        }
    };
    Ok(Plan { splices, expected })
}

/// The shape at `path`, for changing it.
pub(super) fn shape_at<'s>(shape: &'s mut Shape, path: &[Seg]) -> Option<&'s mut Shape> {
    let mut here = shape;
    for seg in path {
        here = match (seg, here) {
            (Seg::Key(k), Shape::Map { entries, .. }) => {
                entries.iter_mut().find(|(name, _)| name == k).map(|e| &mut e.1)?
            }
            (Seg::Index(i), Shape::Seq { items, .. }) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(here)
}

/// Puts `value` at `path` in the expected shape (as a new last entry when `new_key`).
fn put(expected: &mut Shape, path: &[Seg], new_key: bool, value: Shape) {
    if new_key {
        if let Some((Seg::Key(key), parent)) = path.split_last()
            && let Some(Shape::Map { entries, .. }) = shape_at(expected, parent)
        {
            entries.push((key.clone(), value));
        }
    } else if let Some(at) = shape_at(expected, path) {
        *at = value;
    }
}

/// How a node hangs in its parent.
#[derive(Clone, Copy)]
enum Parent<'d> {
    Root,
    /// The mapping and the entry's index.
    Entry(&'d Node, usize),
    /// The sequence and the item's index.
    Item(&'d Node, usize),
}

#[derive(Clone, Copy)]
struct Found<'d> {
    node: &'d Node,
    parent: Parent<'d>,
    /// A node on the way has an anchor or a tag.
    anchored_above: bool,
}

enum Target<'d> {
    Existing(Found<'d>),
    /// The mapping lacks the key.
    NewKey(Found<'d>, &'d str),
}

fn walk<'d>(doc: &Doc<'d>, path: &[Seg]) -> Result<Found<'d>, EditError> {
    let Some(root) = doc.root else { return Err(EditError::NotFound { path: show(path) }) };
    let mut found = Found { node: root, parent: Parent::Root, anchored_above: false };
    for (i, seg) in path.iter().enumerate() {
        let node = found.node;
        let here = || show(&path[..i]);
        if matches!(node.kind, Kind::Alias(_)) {
            return Err(EditError::Anchored { path: here() });
        }
        let anchored_above = found.anchored_above || node.anchor != 0 || node.tag.is_some();
        found = match (seg, &node.kind) {
            (Seg::Key(k), Kind::Map { entries, .. }) => {
                let j = entries
                    .iter()
                    .position(|e| e.key.key_text() == k)
                    .ok_or_else(|| EditError::NotFound { path: show(&path[..=i]) })?;
                Found { node: &entries[j].value, parent: Parent::Entry(node, j), anchored_above }
            }
            (Seg::Index(index), Kind::Seq { items, .. }) => {
                let item = items.get(*index).ok_or_else(|| EditError::OutOfRange {
                    path: here(),
                    index: *index,
                    len: items.len(),
                })?;
                Found { node: &item.node, parent: Parent::Item(node, *index), anchored_above }
            }
            (Seg::Key(_), _) => return Err(EditError::NotAMap { path: here(), found: node.kind_name() }),
            (Seg::Index(_), _) => return Err(EditError::NotAList { path: here(), found: node.kind_name() }),
        };
    }
    Ok(found)
}

fn target<'d>(doc: &Doc<'d>, path: &'d [Seg]) -> Result<Target<'d>, EditError> {
    let Some((last, parent_path)) = path.split_last() else {
        return Err(EditError::Unsupported { path: String::new(), what: "the whole document is not edited".into() });
    };
    if let Seg::Key(key) = last {
        let parent = walk(doc, parent_path)?;
        match &parent.node.kind {
            Kind::Map { entries, .. } if !entries.iter().any(|e| e.key.key_text() == key) => {
                return Ok(Target::NewKey(parent, key));
            }
            Kind::Map { .. } => {}
            _ => return Err(EditError::NotAMap { path: show(parent_path), found: parent.node.kind_name() }),
        }
    }
    walk(doc, path).map(Target::Existing)
}

/// Refuses to change a node that an alias elsewhere may repeat, or that has a tag.
fn guard(found: &Found<'_>, path: &[Seg], inside: bool) -> Result<(), EditError> {
    let node = found.node;
    let own = node.anchor != 0 || node.tag.is_some() || matches!(node.kind, Kind::Alias(_));
    if found.anchored_above || own || (inside && node.has_properties()) {
        return Err(EditError::Anchored { path: show(path) });
    }
    Ok(())
}

fn splice(range: Range<usize>, with: impl Into<String>) -> (Range<usize>, String) {
    (range, with.into())
}

/// A new value as text: on the line of its key or `-` (continuation lines, if any, already
/// indented), or as lines below it (already indented).
enum Render {
    Inline(String),
    Below(String),
}

/// Where a value hangs, for indenting its lines.
#[derive(Clone, Copy)]
enum Place {
    /// A mapping value whose key is at this column.
    Value { key_col: usize },
    /// A block sequence item whose content starts (or will start) at this column.
    Item { content_col: usize },
    /// In a flow collection, or the document itself.
    Elsewhere,
}

fn place_of(doc: &Doc<'_>, found: &Found<'_>) -> Place {
    match found.parent {
        Parent::Entry(map, j) => match &map.kind {
            Kind::Map { entries, .. } if !found.node.in_flow => {
                Place::Value { key_col: doc.col(entries[j].key.span.start) }
            }
            _ => Place::Elsewhere,
        },
        Parent::Item(seq, j) => match &seq.kind {
            Kind::Seq { items, flow: false } => match items[j].dash {
                // A value written after the `-` starts one space after it.
                Some(dash) if found.node.is_empty_scalar() || doc.text[dash..found.node.span.start].contains('\n') => {
                    Place::Item { content_col: doc.col(dash) + 2 }
                }
                Some(_) => Place::Item { content_col: doc.col(found.node.span.start) },
                None => Place::Elsewhere,
            },
            _ => Place::Elsewhere,
        },
        Parent::Root => Place::Elsewhere,
    }
}

/// Columns from a block sequence's `-` to its items' content (`-   x`: 4), 2 if unknown.
fn item_offset(doc: &Doc<'_>, seq: &Node) -> usize {
    let Kind::Seq { items, .. } = &seq.kind else { return 2 };
    items
        .iter()
        .filter_map(|item| {
            let dash = item.dash?;
            let start = item.node.span.start;
            let same_line = !item.node.is_empty_scalar() && !doc.text[dash..start].contains('\n');
            same_line.then(|| doc.col(start) - doc.col(dash))
        })
        .next()
        .unwrap_or(2)
}

/// The position after which a value starts: its key's `:` or its item's `-`.
fn lead_of(found: &Found<'_>) -> Option<usize> {
    match found.parent {
        Parent::Entry(map, j) => match &map.kind {
            Kind::Map { entries, .. } => entries[j].colon,
            _ => None,
        },
        Parent::Item(seq, j) => match &seq.kind {
            Kind::Seq { items, .. } => items[j].dash,
            _ => None,
        },
        Parent::Root => None,
    }
}

/// Replaces a whole value (of any kind) with `render`.
fn replace_value(doc: &Doc<'_>, found: &Found<'_>, path: &[Seg], render: Render) -> Result<Splices, EditError> {
    let (text, nl, node) = (doc.text, doc.nl, found.node);
    let Some(lead) = lead_of(found) else {
        if matches!(found.parent, Parent::Entry(..)) && !node.is_empty_scalar() {
            // `{a}` in a flow mapping: no `:` to put a value after.
            return Err(EditError::Unsupported { path: show(path), what: "a key without `:`".into() });
        }
        return match render {
            Render::Inline(s) => Ok(vec![splice(node.span.clone(), s)]),
            Render::Below(s) if matches!(found.parent, Parent::Root) => Ok(vec![splice(node.span.clone(), s)]),
            Render::Below(_) => Err(EditError::BlockInFlow { path: show(path) }),
        };
    };
    let on_lead_line = node.is_empty_scalar() || !text[lead..node.span.start].contains('\n');
    // Comments on the key's line and after the old value: lines may move under them, so
    // they go where no new line can take them as text.
    let head = layout::trailing_comment(text, lead + 1);
    let tail = layout::trailing_comment(text, node.span.end);
    let through_tail = if tail.is_empty() { node.span.end } else { layout::line_end(text, node.span.end) };
    Ok(vec![match render {
        Render::Inline(s) if node.is_empty_scalar() => splice(lead + 1..lead + 1, format!(" {s}")),
        Render::Inline(s) if on_lead_line && s.contains('\n') => {
            splice(node.span.start..through_tail, with_comment(&s, tail, nl))
        }
        Render::Inline(s) if on_lead_line => splice(node.span.clone(), s),
        Render::Inline(s) if s.contains('\n') => {
            splice(lead + 1..through_tail, format!(" {}", with_comment(&s, &format!("{head}{tail}"), nl)))
        }
        Render::Inline(s) => splice(lead + 1..node.span.end, format!(" {s}{head}")),
        Render::Below(_) if node.in_flow => return Err(EditError::BlockInFlow { path: show(path) }),
        Render::Below(s) if on_lead_line => splice(lead + 1..through_tail, format!("{tail}{nl}{s}")),
        Render::Below(s) => splice(lead + 1..through_tail, format!("{head}{tail}{nl}{s}")),
    }])
}

/// A value and the comment that followed the old one: after the value, or after the header
/// of a block scalar (where it would otherwise become text).
fn with_comment(value: &str, comment: &str, nl: &str) -> String {
    match value.split_once(nl) {
        Some((header, body)) if value.starts_with(['|', '>']) => format!("{header}{comment}{nl}{body}"),
        _ => format!("{value}{comment}"),
    }
}

/// Adds `key: value` as the last entry of a mapping.
fn insert_entry(doc: &Doc<'_>, map: &Found<'_>, key: &str, render: Render, path: &[Seg]) -> Result<Splices, EditError> {
    let (text, nl, node) = (doc.text, doc.nl, map.node);
    let Kind::Map { flow, entries } = &node.kind else {
        return Err(EditError::NotAMap { path: show(&path[..path.len() - 1]), found: node.kind_name() });
    };
    let key = scalar::key(key, node.in_flow || *flow);
    if *flow {
        let Render::Inline(value) = render else { return Err(EditError::BlockInFlow { path: show(path) }) };
        if value.contains('\n') {
            return Err(EditError::BlockInFlow { path: show(path) });
        }
        let spans: Vec<Range<usize>> = entries.iter().map(|e| e.key.span.start..e.value.span.end).collect();
        return Ok(vec![match spans.last() {
            None => splice(node.span.start + 1..node.span.start + 1, format!("{key}: {value}")),
            Some(last) => splice(last.end..last.end, format!("{}{key}: {value}", flow_separator(text, &spans))),
        }]);
    }
    let units = block_units(doc, entries.iter().map(|e| e.key.span.start..e.value.span.end), path)?;
    let Some(last) = units.last() else { return Err(EditError::NotFound { path: show(path) }) };
    let pad = " ".repeat(last.col);
    let value = match render {
        Render::Inline(s) => format!(" {s}"),
        Render::Below(s) => format!("{nl}{s}"),
    };
    Ok(vec![splice(last.end..last.end, format!("{pad}{key}:{value}{nl}"))])
}

fn block_units(
    doc: &Doc<'_>,
    children: impl Iterator<Item = Range<usize>>,
    path: &[Seg],
) -> Result<Vec<Unit>, EditError> {
    let children: Vec<Range<usize>> = children.collect();
    layout::units(doc.text, &children).map_err(|what| EditError::Unsupported { path: show(path), what: what.into() })
}

/// The separator between the first two entries of a flow collection when it is a comma and
/// spaces (a line break, if the file puts each entry on its own line), else `", "`.
fn flow_separator(text: &str, spans: &[Range<usize>]) -> String {
    match spans {
        [a, b, ..] => {
            let between = &text[a.end..b.start];
            if between.trim_matches([' ', '\t', '\r', '\n']) == "," { between.to_string() } else { ", ".into() }
        }
        _ => ", ".into(),
    }
}

fn set_text(doc: &Doc<'_>, path: &[Seg], value: &str) -> Result<(Splices, bool), EditError> {
    match target(doc, path)? {
        Target::NewKey(map, key) => {
            guard(&map, path, false)?;
            let flow = map.node.in_flow || map.node.is_flow_collection();
            let s = scalar::inline(value, None, flow);
            Ok((insert_entry(doc, &map, key, Render::Inline(s), path)?, true))
        }
        Target::Existing(found) => {
            guard(&found, path, true)?;
            let node = found.node;
            let splices = match &node.kind {
                Kind::Scalar { style, block: Some(block), .. } => {
                    let literal = *style == yaml_rust2::scanner::TScalarStyle::Literal;
                    let indent = match (&block.body, place_of(doc, &found)) {
                        (Some(_), _) => block.indent,
                        (None, Place::Value { key_col }) => key_col + doc.step,
                        (None, Place::Item { content_col }) => content_col,
                        (None, Place::Elsewhere) => doc.step,
                    };
                    match scalar::block(value, literal, indent, doc.nl) {
                        Some((header, body)) => vec![
                            splice(node.span.start..block.header_end, header),
                            match &block.body {
                                Some(lines) => splice(lines.clone(), body),
                                None => splice(block.line_end..block.line_end, format!("{}{body}", doc.nl)),
                            },
                        ],
                        None => {
                            let mut v = vec![splice(node.span.start..block.header_end, scalar::double_quoted(value))];
                            if let Some(lines) = &block.body {
                                v.push(splice(block.line_end..lines.end, ""));
                            }
                            v
                        }
                    }
                }
                Kind::Scalar { text, style, .. } => {
                    let s = scalar::inline(value, Some((text, *style)), node.in_flow);
                    replace_value(doc, &found, path, Render::Inline(s))?
                }
                _ => replace_value(doc, &found, path, Render::Inline(scalar::inline(value, None, node.in_flow)))?,
            };
            Ok((splices, false))
        }
    }
}

/// A YAML value the caller wrote, ready to be placed.
pub(super) struct Fragment {
    /// Without a common indentation, trailing line breaks or `\r`.
    lines: Vec<String>,
    shape: Shape,
    /// A block mapping or block sequence (it goes below its key).
    block: Option<bool>,
}

impl Fragment {
    fn parse(yaml: &str, path: &[Seg]) -> Result<Fragment, EditError> {
        let bad = |message: &str| EditError::BadFragment { path: show(path), message: message.into() };
        let yaml = yaml.replace("\r\n", "\n");
        let mut lines: Vec<&str> = yaml.split('\n').collect();
        // Blank lines around it go; a common indentation goes.
        while lines.last().is_some_and(|l| layout::is_blank(l)) {
            lines.pop();
        }
        let first = lines.iter().position(|l| !layout::is_blank(l)).unwrap_or(lines.len());
        let lines = &lines[first..];
        let indent =
            lines.iter().filter(|l| !layout::is_blank(l)).map(|l| l.len() - l.trim_start_matches(' ').len()).min();
        let lines: Vec<String> = lines
            .iter()
            .map(|l| if layout::is_blank(l) { "" } else { l.get(indent.unwrap_or(0)..).unwrap_or(l) })
            .map(str::to_string)
            .collect();
        let text = lines.join("\n");
        super::check_text(&text).map_err(|e| bad(&e.to_string()))?;
        let root = match tree::parse(&text) {
            Ok(Some(root)) => root,
            Ok(None) => return Err(bad("it is empty")),
            Err(e) => return Err(bad(&super::tree_error(e, &text).to_string())),
        };
        if root.has_properties() {
            return Err(bad("anchors, aliases and tags are not accepted"));
        }
        let block = match &root.kind {
            Kind::Map { flow: false, .. } => Some(false),
            Kind::Seq { flow: false, .. } => Some(true),
            _ => None,
        };
        Ok(Fragment { lines, shape: root.shape(), block })
    }

    /// The fragment's lines, for `place`.
    fn render(&self, doc: &Doc<'_>, place: Place, in_flow: bool, path: &[Seg]) -> Result<Render, EditError> {
        let nl = doc.nl;
        if in_flow && (self.block.is_some() || self.multi_line()) {
            return Err(EditError::BlockInFlow { path: show(path) });
        }
        let all = self.lines.iter().map(String::as_str);
        let (first, rest) = self.lines.split_first().map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        let rest = rest.iter().map(String::as_str);
        Ok(match (place, self.block) {
            (Place::Value { key_col }, Some(seq)) => {
                Render::Below(layout::indent_lines(all, key_col + if seq { doc.list_step } else { doc.step }, nl))
            }
            _ if !self.multi_line() => Render::Inline(first.to_string()),
            (Place::Value { key_col }, None) => {
                Render::Inline(format!("{first}{nl}{}", layout::indent_lines(rest, key_col + doc.step, nl)))
            }
            (Place::Item { content_col }, _) => {
                Render::Inline(format!("{first}{nl}{}", layout::indent_lines(rest, content_col, nl)))
            }
            (Place::Elsewhere, _) => Render::Below(layout::indent_lines(all, 0, nl)),
        })
    }

    /// The fragment as a new block sequence item: `-` at `col`, content `offset` further.
    fn item(&self, doc: &Doc<'_>, col: usize, offset: usize) -> String {
        let offset = offset.max(2);
        let mut out = format!("{}-{}", " ".repeat(col), " ".repeat(offset - 1));
        out.push_str(self.lines.first().map_or("", String::as_str));
        for line in self.lines.iter().skip(1) {
            out.push_str(doc.nl);
            if !line.is_empty() {
                out.push_str(&" ".repeat(col + offset));
                out.push_str(line);
            }
        }
        out
    }

    fn multi_line(&self) -> bool {
        self.lines.len() > 1
    }
}

fn set_yaml(doc: &Doc<'_>, path: &[Seg], fragment: &Fragment) -> Result<(Splices, bool), EditError> {
    match target(doc, path)? {
        Target::NewKey(map, key) => {
            guard(&map, path, false)?;
            let in_flow = map.node.in_flow || map.node.is_flow_collection();
            let key_col = match &map.node.kind {
                Kind::Map { entries, .. } => entries.first().map_or(0, |e| doc.col(e.key.span.start)),
                _ => 0,
            };
            let render = fragment.render(doc, Place::Value { key_col }, in_flow, path)?;
            Ok((insert_entry(doc, &map, key, render, path)?, true))
        }
        Target::Existing(found) => {
            guard(&found, path, true)?;
            let render = fragment.render(doc, place_of(doc, &found), found.node.in_flow, path)?;
            Ok((replace_value(doc, &found, path, render)?, false))
        }
    }
}

fn remove_key(doc: &Doc<'_>, path: &[Seg]) -> Result<Splices, EditError> {
    if !matches!(path.last(), Some(Seg::Key(_))) {
        return Err(EditError::NotFound { path: show(path) });
    }
    let found = walk(doc, path)?;
    guard(&found, path, true)?;
    let Parent::Entry(map, index) = found.parent else { return Err(EditError::NotFound { path: show(path) }) };
    let Kind::Map { flow, entries } = &map.kind else { return Err(EditError::NotFound { path: show(path) }) };
    let spans: Vec<Range<usize>> = entries.iter().map(|e| e.key.span.start..e.value.span.end).collect();
    if *flow {
        return Ok(remove_flow(&spans, index));
    }
    let owner = walk(doc, &path[..path.len() - 1])?;
    remove_block(doc, &owner, &spans, index, "{}", path)
}

/// Removes entry or item `i` of a flow collection with its comma.
fn remove_flow(spans: &[Range<usize>], i: usize) -> Splices {
    let range = if spans.len() == 1 {
        spans[0].clone()
    } else if i + 1 < spans.len() {
        spans[i].start..spans[i + 1].start
    } else {
        spans[i - 1].end..spans[i].end
    };
    vec![splice(range, "")]
}

/// Removes child `i` of a block collection (`owner`) with its lines and comments. The last
/// child leaves an empty flow collection (`key: []`, `key: {}`), so the key keeps its type.
fn remove_block(
    doc: &Doc<'_>,
    owner: &Found<'_>,
    spans: &[Range<usize>],
    i: usize,
    empty: &str,
    path: &[Seg],
) -> Result<Splices, EditError> {
    let units = block_units(doc, spans.iter().cloned(), path)?;
    let unit = units[i];
    if units.len() == 1 {
        return Ok(match (owner.parent, lead_of(owner)) {
            (Parent::Entry(..), Some(colon)) if unit.own_line => {
                vec![splice(colon + 1..colon + 1, format!(" {empty}")), splice(unit.start..unit.end, "")]
            }
            _ => vec![splice(spans[0].clone(), empty)],
        });
    }
    if !unit.own_line && i > 0 {
        return Err(EditError::Unsupported { path: show(path), what: "items share a line".into() });
    }
    Ok(vec![if !unit.own_line {
        splice(unit.head..units[1].head, "")
    } else if i + 1 < units.len() {
        splice(unit.start..units[i + 1].start, "")
    } else {
        splice(units[i - 1].end..unit.end, "")
    }])
}

/// The sequence at `path`, with its items' spans (from the `-` in a block sequence).
fn sequence<'d>(doc: &Doc<'d>, path: &[Seg]) -> Result<(Found<'d>, Vec<Range<usize>>, bool), EditError> {
    let found = walk(doc, path)?;
    let Kind::Seq { flow, items } = &found.node.kind else {
        return Err(EditError::NotAList { path: show(path), found: found.node.kind_name() });
    };
    if found.anchored_above || found.node.anchor != 0 || found.node.tag.is_some() {
        return Err(EditError::Anchored { path: show(path) });
    }
    let spans = items.iter().map(|i| i.dash.unwrap_or(i.node.span.start)..i.node.span.end).collect();
    Ok((found, spans, *flow))
}

fn item_path(seq: &[Seg], index: usize) -> Vec<Seg> {
    let mut path = seq.to_vec();
    path.push(Seg::Index(index));
    path
}

/// Refuses to move or remove items with anchors, aliases or tags.
fn guard_items(seq: &Found<'_>, range: Range<usize>, path: &[Seg]) -> Result<(), EditError> {
    let Kind::Seq { items, .. } = &seq.node.kind else { return Ok(()) };
    match range.clone().find(|&i| items[i].node.has_properties()) {
        Some(i) => Err(EditError::Anchored { path: show(&item_path(path, i)) }),
        None => Ok(()),
    }
}

/// Returns the splices and whether the sequence is a block sequence afterwards.
fn insert_item(doc: &Doc<'_>, path: &[Seg], at: usize, fragment: &Fragment) -> Result<(Splices, bool), EditError> {
    let (text, nl) = (doc.text, doc.nl);
    let (seq, spans, flow) = sequence(doc, path)?;
    let n = spans.len();
    if at > n {
        return Err(EditError::OutOfRange { path: show(path), index: at, len: n });
    }
    if flow {
        if fragment.block.is_none() && !fragment.multi_line() {
            let item = &fragment.lines[0];
            let sep = flow_separator(text, &spans);
            return Ok((
                vec![match spans.get(at) {
                    _ if n == 0 => splice(seq.node.span.start + 1..seq.node.span.start + 1, item.clone()),
                    Some(next) => splice(next.start..next.start, format!("{item}{sep}")),
                    None => splice(spans[n - 1].end..spans[n - 1].end, format!("{sep}{item}")),
                }],
                false,
            ));
        }
        // `key: []` becomes a block sequence for a block item or one written on several lines.
        return match (n, seq.node.in_flow, place_of(doc, &seq), lead_of(&seq)) {
            (0, false, Place::Value { key_col }, Some(colon)) => {
                let end = seq.node.span.end;
                let item = fragment.item(doc, key_col + doc.list_step, 2);
                let comment = layout::trailing_comment(text, end);
                Ok((vec![splice(colon + 1..layout::line_end(text, end), format!("{comment}{nl}{item}"))], true))
            }
            _ => Err(EditError::BlockInFlow { path: show(path) }),
        };
    }
    let units = block_units(doc, spans.iter().cloned(), path)?;
    if units.iter().any(|u| !u.own_line) {
        return Err(EditError::Unsupported { path: show(path), what: "items share a line".into() });
    }
    let item = fragment.item(doc, units[0].col, item_offset(doc, seq.node));
    // The blank lines between neighbours (or between the first two items) come with it.
    let sep = match n {
        0 | 1 => String::new(),
        _ => {
            let k = at.saturating_sub(1).min(n - 2);
            layout::blank_lines(&text[units[k].end..units[k + 1].start], nl)
        }
    };
    Ok((
        vec![match units.get(at) {
            Some(next) => splice(next.start..next.start, format!("{item}{nl}{sep}")),
            None => splice(units[n - 1].end..units[n - 1].end, format!("{sep}{item}{nl}")),
        }],
        true,
    ))
}

fn remove_item(doc: &Doc<'_>, path: &[Seg], index: usize) -> Result<Splices, EditError> {
    let (seq, spans, flow) = sequence(doc, path)?;
    if index >= spans.len() {
        return Err(EditError::OutOfRange { path: show(path), index, len: spans.len() });
    }
    guard_items(&seq, index..index + 1, path)?;
    if flow {
        return Ok(remove_flow(&spans, index));
    }
    remove_block(doc, &seq, &spans, index, "[]", &item_path(path, index))
}

fn move_item(doc: &Doc<'_>, path: &[Seg], from: usize, to: usize) -> Result<Splices, EditError> {
    let text = doc.text;
    let (seq, spans, flow) = sequence(doc, path)?;
    let n = spans.len();
    for index in [from, to] {
        if index >= n {
            return Err(EditError::OutOfRange { path: show(path), index, len: n });
        }
    }
    guard_items(&seq, from.min(to)..from.max(to) + 1, path)?;
    let mut order: Vec<usize> = (0..n).collect();
    let moved = order.remove(from);
    order.insert(to, moved);
    // Items (with their comments) trade places; what lies between them stays.
    let pieces: Vec<Range<usize>> = if flow {
        spans
    } else {
        let units = block_units(doc, spans.iter().cloned(), path)?;
        if units.iter().any(|u| !u.own_line) {
            return Err(EditError::Unsupported { path: show(path), what: "items share a line".into() });
        }
        units.iter().map(|u| u.start..u.end).collect()
    };
    let mut out = String::new();
    for (k, &i) in order.iter().enumerate() {
        out.push_str(&text[pieces[i].clone()]);
        if k + 1 < n {
            out.push_str(&text[pieces[k].end..pieces[k + 1].start]);
        }
    }
    Ok(vec![splice(pieces[0].start..pieces[n - 1].end, out)])
}
