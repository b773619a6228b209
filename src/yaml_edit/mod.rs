//! Surgical edits of YAML source text: change one value of a tutorial file and leave every
//! other byte as it was (comments, blank lines, key order, quoting, flow or block style,
//! indentation, CRLF line breaks, a UTF-8 BOM). The editor of `stepwise serve` writes each
//! change back through [`apply`].
//!
//! The document is never serialized again. The text is parsed (yaml-rust2's events, the
//! same parser as the loader) into a tree whose nodes know their byte spans, the edit
//! becomes a few splices of new text into old, and the result is parsed again and compared
//! with what was asked: the edited value must read as asked, and every other value (text,
//! quoting style, flow or block, order) exactly as before. Anything else is an
//! [`EditError`], never a wrong file.
//!
//! This module is pure: it reads no files and knows nothing of tutorials.
//!
//! Choices worth knowing (the quoting rules are in `scalar`):
//! - A missing key is added as the last entry of its mapping, at its siblings' indentation
//!   (`, key: value` before the `}` of a flow mapping).
//! - A value written on several lines goes below its key (block mapping or list) or after
//!   `key:` with its later lines indented one step deeper than the key; the step is the
//!   file's own (2 if the file never nests).
//! - A list item or mapping entry moves and goes with its "unit": its lines, the comment
//!   lines right above it, and the comment lines after it that are indented deeper than it.
//!   Blank lines between units stay where they are; a new item copies its neighbours'.
//! - Removing the last item of a block list leaves `key: []` (the last entry of a block
//!   mapping: `key: {}`), so the key keeps its type; inserting into `key: []` an item
//!   written as a block makes it a block list again.
//! - A last line without a line break stays without one.
//! - Refused: anchors, aliases and tags on or inside the edited node (or above it), several
//!   documents in one file, tabs in indentation, a `\r` without `\n`, NUL characters,
//!   items sharing a line (`- - a`), and files laid out in ways the spans cannot place.

mod edits;
mod layout;
mod scalar;
mod tree;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use tree::{Shape, TreeError};

/// One step of a path from the document root: a mapping key or a 0-based list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Reads a path written as `steps[2].text.en` (keys holding `.` or `[` cannot be written so).
/// The tests write paths so; the editor builds them from its fields.
#[cfg(test)]
pub(crate) fn path(text: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in text.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            segs.push(Seg::Key(key.to_string()));
        }
        for index in pieces {
            match index.trim_end_matches(']').parse() {
                Ok(i) => segs.push(Seg::Index(i)),
                Err(_) => segs.push(Seg::Key(format!("[{index}"))),
            }
        }
    }
    segs
}

/// Writes a path as [`path`] reads it: `steps[2].text.en`.
pub(crate) fn show(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// `text` as a new scalar inside a fragment given to [`Edit::SetYaml`] or
/// [`Edit::InsertItem`]: plain where it reads back as the same text, else double-quoted.
/// `flow`: the place is inside `[...]` or `{...}`.
pub(crate) fn scalar(text: &str, flow: bool) -> String {
    scalar::inline(text, None, flow)
}

/// One change to a YAML file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Edit {
    /// Sets the value at `path` to the text `value` (plain text, not YAML). A scalar keeps
    /// its style where the text allows it, else it is quoted; a missing last key is added.
    SetText { path: Vec<Seg>, value: String },
    /// Sets the value at `path` to a YAML fragment the caller composed (`[{x: 0.1, y: 0.2,
    /// w: 0.3, h: 0.05}]`, or a block mapping on several lines); a missing last key is added.
    SetYaml { path: Vec<Seg>, yaml: String },
    /// Removes a key and its value (with their lines and comments, in a block mapping).
    RemoveKey { path: Vec<Seg> },
    /// Inserts a YAML fragment into the list at `seq` so that it becomes item `at`
    /// (`0`: first; the list's length: last).
    InsertItem { seq: Vec<Seg>, at: usize, yaml: String },
    /// Removes item `index` of the list at `seq`.
    RemoveItem { seq: Vec<Seg>, index: usize },
    /// Moves item `from` of the list at `seq` so that it becomes item `to`.
    MoveItem { seq: Vec<Seg>, from: usize, to: usize },
}

impl Edit {
    /// The node the edit is about (the list, for item edits).
    pub(crate) fn path(&self) -> &[Seg] {
        match self {
            Edit::SetText { path, .. } | Edit::SetYaml { path, .. } | Edit::RemoveKey { path } => path,
            Edit::InsertItem { seq, .. } | Edit::RemoveItem { seq, .. } | Edit::MoveItem { seq, .. } => seq,
        }
    }
}

/// Why an edit was not made. The source text is never half-changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EditError {
    #[error("line {line}, column {col}: invalid YAML: {message}")]
    Syntax { line: usize, col: usize, message: String },
    #[error("line {line}: a second YAML document; a file holds one")]
    MultiDocument { line: usize },
    #[error("line {line}: indentation with a tab")]
    Tab { line: usize },
    #[error("line {line}: {what}")]
    Layout { line: usize, what: String },
    #[error("`{path}` does not exist")]
    NotFound { path: String },
    /// Setting `text.en` where `text` is one text for every language, for example.
    #[error("`{path}` is {found}, not a mapping of keys")]
    NotAMap { path: String, found: &'static str },
    #[error("`{path}` is {found}, not a list")]
    NotAList { path: String, found: &'static str },
    #[error("`{path}` has {len} items: there is no item {index}")]
    OutOfRange { path: String, index: usize, len: usize },
    #[error("`{path}` has an anchor, alias or tag, or is inside one: it is not edited automatically")]
    Anchored { path: String },
    #[error("the YAML given for `{path}` is not one plain value: {message}")]
    BadFragment { path: String, message: String },
    #[error("`{path}` is inside `[...]` or `{{...}}`, where the value given cannot go")]
    BlockInFlow { path: String },
    #[error("`{path}`: {what}; this is not edited automatically")]
    Unsupported { path: String, what: String },
    /// The safety net: the result did not read back as asked (a bug in this module).
    #[error("editing `{path}` did not come out as asked (at `{at}`); the file was left as it was")]
    Verify { path: String, at: String },
    /// A bug: the editor failed; the file was left as it was.
    #[error("editing `{path}` failed inside the editor; the file was left as it was")]
    Internal { path: String },
}

/// Applies `edit` to the YAML text `source` and returns the new text.
pub(crate) fn apply(source: &str, edit: &Edit) -> Result<String, EditError> {
    // A bug here must cost one edit, never the editor.
    std::panic::catch_unwind(|| apply_checked(source, edit))
        .unwrap_or_else(|_| Err(EditError::Internal { path: show(edit.path()) }))
}

fn apply_checked(source: &str, edit: &Edit) -> Result<String, EditError> {
    let (bom, body) = match source.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", source),
    };
    check_text(body)?;
    let nl = match body.find('\n') {
        Some(i) if body[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    // A last line without its line break gets one while editing: lines can then move.
    let added_break = !body.is_empty() && !body.ends_with('\n');
    let work = if added_break { format!("{body}{nl}") } else { body.to_string() };
    let root = tree::parse(&work).map_err(|e| tree_error(e, &work))?;
    let doc = edits::Doc::new(&work, root.as_ref(), nl);
    let plan = edits::plan(&doc, edit)?;
    let mut out = splice(&work, plan.splices);
    if added_break && out.ends_with(nl) {
        out.truncate(out.len() - nl.len());
    }
    verify(&out, plan.expected, edit)?;
    Ok(format!("{bom}{out}"))
}

/// Refuses what the spans and columns here do not handle.
fn check_text(text: &str) -> Result<(), EditError> {
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let what = if line.contains('\r') {
            "a carriage return without a line feed"
        } else if line.contains('\0') {
            "a NUL character"
        } else if line.chars().take_while(|c| matches!(c, ' ' | '\t')).any(|c| c == '\t') {
            return Err(EditError::Tab { line: i + 1 });
        } else {
            continue;
        };
        return Err(EditError::Layout { line: i + 1, what: what.into() });
    }
    Ok(())
}

fn tree_error(e: TreeError, text: &str) -> EditError {
    match e {
        TreeError::Syntax { line, col, message } => EditError::Syntax { line, col, message },
        TreeError::MultiDocument { pos } => EditError::MultiDocument { line: line_of(text, pos) },
        TreeError::TooDeep => EditError::Layout { line: 1, what: "values nested too deeply".into() },
        TreeError::Layout { pos, what } => EditError::Layout { line: line_of(text, pos), what },
    }
}

fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn splice(text: &str, mut splices: edits::Splices) -> String {
    splices.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(text.len() + splices.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut at = 0;
    for (range, with) in splices {
        // Splices never overlap; one that did would be caught by `verify`.
        out.push_str(&text[at..range.start.max(at)]);
        out.push_str(&with);
        at = at.max(range.end);
    }
    out.push_str(&text[at..]);
    out
}

/// The safety net: the result must parse, and read as `expected`.
fn verify(out: &str, expected: Shape, edit: &Edit) -> Result<(), EditError> {
    let failed = |at: String| EditError::Verify { path: show(edit.path()), at };
    let root = match tree::parse(out) {
        Ok(Some(root)) => root,
        Ok(None) => return Err(failed("the whole document".into())),
        Err(e) => return Err(failed(format!("the whole document, which would not parse ({})", tree_error(e, out)))),
    };
    let mut got = root.shape();
    if let Edit::SetText { path, value } = edit {
        let at = edits::shape_at(&mut got, path);
        let as_asked = matches!(&at, Some(Shape::Scalar { text, anchor: 0, tag: None, .. }) if text == value);
        match at {
            Some(at) if as_asked => *at = Shape::Masked,
            _ => return Err(failed(show(path))),
        }
    }
    if got == expected {
        return Ok(());
    }
    let mut at = Vec::new();
    first_difference(&got, &expected, &mut at);
    Err(failed(show(&at)))
}

/// Where two shapes first differ (`at` ends as the path to it).
fn first_difference(a: &Shape, b: &Shape, at: &mut Vec<Seg>) {
    match (a, b) {
        (Shape::Map { entries: x, .. }, Shape::Map { entries: y, .. }) if x.len() == y.len() => {
            for (i, ((kx, vx), (ky, vy))) in x.iter().zip(y.iter()).enumerate() {
                if kx != ky || vx != vy {
                    at.push(Seg::Key(if kx == ky { kx.clone() } else { format!("{kx}/{ky} (key {i})") }));
                    if kx == ky {
                        first_difference(vx, vy, at);
                    }
                    return;
                }
            }
        }
        (Shape::Seq { items: x, .. }, Shape::Seq { items: y, .. }) if x.len() == y.len() => {
            for (i, (vx, vy)) in x.iter().zip(y.iter()).enumerate() {
                if vx != vy {
                    at.push(Seg::Index(i));
                    first_difference(vx, vy, at);
                    return;
                }
            }
        }
        _ => {}
    }
}
