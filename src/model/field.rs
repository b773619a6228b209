//! Which text of a document a message, a lock record or a page is about: `title`,
//! `steps[3].text`, `tiaopi.bio`. Written and read here only.
//!
//! Positions count from 1 in the written form, as on the page ("Step 3"), and from 0 in
//! the type, as in the lists they index.

use std::fmt;
use std::path::Path;

use super::types::{Localized, Tutorial};
use crate::diagnostics::{Diagnostic, Pos};
use crate::lang::{Lang, Languages};

/// How a text that is still to be written starts (`TODO: title`): what `stepwise new`
/// writes where a text is needed, so the file builds and `check` says what is left.
pub(crate) const PLACEHOLDER: &str = "TODO";

/// A translatable text of a tutorial, a category or the authors file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FieldPath {
    Title,
    Summary,
    /// A category's description.
    Description,
    StepText(usize),
    StepAlt(usize),
    /// The label of a highlight box: (step, box).
    BoxLabel(usize, usize),
    NoteText(usize),
    /// An author's name, by author id.
    AuthorName(String),
    AuthorBio(String),
}

/// A field without its positions (`steps[].text`): records follow a step that moved when
/// their kind and texts still match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FieldKind {
    Title,
    Summary,
    Description,
    StepText,
    StepAlt,
    BoxLabel,
    NoteText,
    AuthorName,
    AuthorBio,
}

impl FieldPath {
    pub(crate) fn kind(&self) -> FieldKind {
        match self {
            FieldPath::Title => FieldKind::Title,
            FieldPath::Summary => FieldKind::Summary,
            FieldPath::Description => FieldKind::Description,
            FieldPath::StepText(_) => FieldKind::StepText,
            FieldPath::StepAlt(_) => FieldKind::StepAlt,
            FieldPath::BoxLabel(..) => FieldKind::BoxLabel,
            FieldPath::NoteText(_) => FieldKind::NoteText,
            FieldPath::AuthorName(_) => FieldKind::AuthorName,
            FieldPath::AuthorBio(_) => FieldKind::AuthorBio,
        }
    }

    /// Reads what [`fmt::Display`] writes; `None` for anything else.
    pub(crate) fn parse(s: &str) -> Option<FieldPath> {
        match s {
            "title" => return Some(FieldPath::Title),
            "summary" => return Some(FieldPath::Summary),
            "description" => return Some(FieldPath::Description),
            _ => {}
        }
        if let Some((list, n, rest)) = split_index(s) {
            return match (list, rest) {
                ("steps", "text") => Some(FieldPath::StepText(n)),
                ("steps", "alt") => Some(FieldPath::StepAlt(n)),
                ("notes", "text") => Some(FieldPath::NoteText(n)),
                ("steps", rest) => match split_index(rest)? {
                    ("highlight", k, "label") => Some(FieldPath::BoxLabel(n, k)),
                    _ => None,
                },
                _ => None,
            };
        }
        let (author, field) = s.rsplit_once('.')?;
        let valid = !author.is_empty() && !author.contains(['[', ']', '.']);
        match field {
            "name" if valid => Some(FieldPath::AuthorName(author.to_string())),
            "bio" if valid => Some(FieldPath::AuthorBio(author.to_string())),
            _ => None,
        }
    }
}

/// Calls `f` with each of `t`'s texts and its field, in reading order.
pub(crate) fn for_each_text<'a>(t: &'a Tutorial, mut f: impl FnMut(FieldPath, &'a Localized)) {
    f(FieldPath::Title, &t.title);
    if let Some(s) = &t.summary {
        f(FieldPath::Summary, s);
    }
    for (i, step) in t.steps.iter().enumerate() {
        f(FieldPath::StepText(i), &step.text);
        if let Some(alt) = &step.alt {
            f(FieldPath::StepAlt(i), alt);
        }
        for (k, rect) in step.highlight.iter().enumerate() {
            if let Some(label) = &rect.label {
                f(FieldPath::BoxLabel(i, k), label);
            }
        }
    }
    for (i, note) in t.notes.iter().enumerate() {
        f(FieldPath::NoteText(i), &note.text);
    }
}

/// A warning if `text` (the field `path` of `file`) still holds a placeholder in some
/// language, at its first such language's line: the site builds, but should not be
/// published so (`check --strict` fails). Checked as each file is decoded.
pub(crate) fn placeholder(file: &Path, path: &FieldPath, text: &Localized, langs: &Languages) -> Option<Diagnostic> {
    let is_placeholder = |text: &str| {
        text.strip_prefix(PLACEHOLDER).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', ' ', '：']))
    };
    if !text.values().any(|(_, v)| is_placeholder(&v.text)) {
        return None;
    }
    let todo: Vec<(&Lang, Pos)> =
        langs.iter().filter_map(|l| text.value(l).filter(|v| is_placeholder(&v.text)).map(|v| (l, v.pos))).collect();
    let (first, pos) = todo.first()?;
    let in_langs = if text.is_translatable() {
        format!(" in {}", todo.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(", "))
    } else {
        String::new()
    };
    let shown = text.value(first).map_or("", |v| v.text.as_str());
    Some(
        Diagnostic::warning(file, Some(*pos), format!("`{path}` is still a placeholder{in_langs}: `{shown}`"))
            .with_hint("write the text in place of the TODO; `stepwise check --strict` fails while one is left"),
    )
}

/// `steps[3].text` -> (`steps`, 2, `text`): the 1-based position read as an index.
fn split_index(path: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = path.split_once('[')?;
    let (n, rest) = rest.split_once("].")?;
    let n: usize = n.parse().ok()?;
    Some((list, n.checked_sub(1)?, rest))
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Title => f.write_str("title"),
            FieldPath::Summary => f.write_str("summary"),
            FieldPath::Description => f.write_str("description"),
            FieldPath::StepText(i) => write!(f, "steps[{}].text", i + 1),
            FieldPath::StepAlt(i) => write!(f, "steps[{}].alt", i + 1),
            FieldPath::BoxLabel(i, k) => write!(f, "steps[{}].highlight[{}].label", i + 1, k + 1),
            FieldPath::NoteText(i) => write!(f, "notes[{}].text", i + 1),
            FieldPath::AuthorName(id) => write!(f, "{id}.name"),
            FieldPath::AuthorBio(id) => write!(f, "{id}.bio"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_read_the_same_way() {
        for (s, path) in [
            ("title", FieldPath::Title),
            ("summary", FieldPath::Summary),
            ("description", FieldPath::Description),
            ("steps[3].text", FieldPath::StepText(2)),
            ("steps[12].alt", FieldPath::StepAlt(11)),
            ("steps[1].highlight[2].label", FieldPath::BoxLabel(0, 1)),
            ("notes[1].text", FieldPath::NoteText(0)),
            ("tiaopi.name", FieldPath::AuthorName("tiaopi".into())),
            ("tiaopi.bio", FieldPath::AuthorBio("tiaopi".into())),
        ] {
            assert_eq!(FieldPath::parse(s), Some(path.clone()), "{s}");
            assert_eq!(path.to_string(), s);
        }
        for bad in ["", "steps[0].text", "steps[x].text", "steps[1].image", "notes[1].alt", ".name", "a.b", "steps[1]"]
        {
            assert_eq!(FieldPath::parse(bad), None, "{bad}");
        }
        assert_eq!(FieldPath::StepText(4).kind(), FieldPath::StepText(0).kind());
    }
}
