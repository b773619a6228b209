//! The translatable texts of a site, each named by its file and field path
//! (`steps[3].text`): the unit translators, the lock file and the status report share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Author, Category, Localized, Tutorial};

/// The lock-file key of the authors file's records.
pub const AUTHORS_ID: &str = "_authors";

/// A file whose texts are translated: a tutorial, a `_category.yaml` or `_authors.yaml`.
#[derive(Debug)]
pub struct Document<'a> {
    pub kind: DocKind<'a>,
    /// The key of its records in the lock file: the tutorial id,
    /// `{category path}/_category`, or `_authors`.
    pub id: String,
    pub file: PathBuf,
    /// The category it counts toward in the status summary (`""`: the top level).
    pub category: &'a str,
    pub fields: Vec<Field<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind<'a> {
    /// The index of the tutorial in the site's (sorted) list.
    Tutorial(usize),
    /// The category's path.
    Category(&'a str),
    Authors,
}

#[derive(Debug)]
pub struct Field<'a> {
    /// `title`, `steps[3].text`, `notes[1].text`, `tiaopi.bio`... (steps count from 1,
    /// as on the page).
    pub path: String,
    pub text: &'a Localized,
}

/// The site's parts that hold text, borrowed (the model builds them before the `Site`).
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    pub tutorials: &'a [Arc<Tutorial>],
    pub categories: &'a BTreeMap<String, Category>,
    pub authors: &'a BTreeMap<String, Author>,
    pub authors_file: Option<&'a Path>,
}

/// Every document with translatable text, in a stable order: tutorials by id, then
/// categories by path, then the authors file.
pub fn documents<'a>(texts: Texts<'a>) -> Vec<Document<'a>> {
    let mut docs: Vec<Document<'_>> = texts
        .tutorials
        .iter()
        .enumerate()
        .map(|(i, t)| Document {
            kind: DocKind::Tutorial(i),
            id: t.id.clone(),
            file: t.file.clone(),
            category: &t.category,
            fields: tutorial_fields(t),
        })
        .collect();
    for c in texts.categories.values() {
        let Some(file) = &c.file else { continue };
        let mut fields = vec![Field { path: "title".into(), text: &c.title }];
        if let Some(d) = &c.description {
            fields.push(Field { path: "description".into(), text: d });
        }
        let kind = DocKind::Category(&c.path);
        docs.push(Document { kind, id: category_id(&c.path), file: file.clone(), category: &c.path, fields });
    }
    if let Some(file) = texts.authors_file {
        let fields = texts
            .authors
            .values()
            .flat_map(|a| {
                let bio = a.bio.as_ref().map(|b| Field { path: format!("{}.bio", a.id), text: b });
                std::iter::once(Field { path: format!("{}.name", a.id), text: &a.name }).chain(bio)
            })
            .collect();
        let file = file.to_path_buf();
        docs.push(Document { kind: DocKind::Authors, id: AUTHORS_ID.into(), file, category: "", fields });
    }
    docs
}

pub fn category_id(path: &str) -> String {
    if path.is_empty() { "_category".into() } else { format!("{path}/_category") }
}

/// A tutorial's texts in reading order.
pub fn tutorial_fields(t: &Tutorial) -> Vec<Field<'_>> {
    let mut fields = vec![Field { path: "title".into(), text: &t.title }];
    if let Some(s) = &t.summary {
        fields.push(Field { path: "summary".into(), text: s });
    }
    for (i, step) in t.steps.iter().enumerate() {
        let n = i + 1;
        fields.push(Field { path: format!("steps[{n}].text"), text: &step.text });
        if let Some(alt) = &step.alt {
            fields.push(Field { path: format!("steps[{n}].alt"), text: alt });
        }
        for (k, rect) in step.highlight.iter().enumerate() {
            if let Some(label) = &rect.label {
                fields.push(Field { path: format!("steps[{n}].highlight[{}].label", k + 1), text: label });
            }
        }
    }
    for (i, note) in t.notes.iter().enumerate() {
        fields.push(Field { path: format!("notes[{}].text", i + 1), text: &note.text });
    }
    fields
}

/// The text a field path names, for changing it in place (marking it outdated).
pub fn tutorial_field_mut<'a>(t: &'a mut Tutorial, path: &str) -> Option<&'a mut Localized> {
    match path {
        "title" => return Some(&mut t.title),
        "summary" => return t.summary.as_mut(),
        _ => {}
    }
    let (list, n, rest) = split_index(path)?;
    match (list, rest) {
        ("notes", "text") => Some(&mut t.notes.get_mut(n.checked_sub(1)?)?.text),
        ("steps", rest) => {
            let step = t.steps.get_mut(n.checked_sub(1)?)?;
            match rest {
                "text" => Some(&mut step.text),
                "alt" => step.alt.as_mut(),
                _ => {
                    let (list, k, field) = split_index(rest)?;
                    (list == "highlight" && field == "label")
                        .then(|| step.highlight.get_mut(k.checked_sub(1)?)?.label.as_mut())
                        .flatten()
                }
            }
        }
        _ => None,
    }
}

pub fn category_field_mut<'a>(c: &'a mut Category, path: &str) -> Option<&'a mut Localized> {
    match path {
        "title" => Some(&mut c.title),
        "description" => c.description.as_mut(),
        _ => None,
    }
}

pub fn author_field_mut<'a>(authors: &'a mut BTreeMap<String, Author>, path: &str) -> Option<&'a mut Localized> {
    let (id, field) = path.rsplit_once('.')?;
    let a = authors.get_mut(id)?;
    match field {
        "name" => Some(&mut a.name),
        "bio" => a.bio.as_mut(),
        _ => None,
    }
}

/// `steps[3].text` -> (`steps`, 3, `text`).
fn split_index(path: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = path.split_once('[')?;
    let (n, rest) = rest.split_once("].")?;
    Some((list, n.parse().ok()?, rest))
}

/// The kind of a field, without its position: `steps[].text`. Records can follow a step
/// that moved (a step inserted above it) when their kind and texts match.
pub fn field_kind(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_kinds_paths() {
        assert_eq!(split_index("steps[3].text"), Some(("steps", 3, "text")));
        assert_eq!(split_index("steps[3].highlight[2].label"), Some(("steps", 3, "highlight[2].label")));
        assert_eq!(split_index("title"), None);
        assert_eq!(field_kind("steps[12].highlight[2].label"), "steps[].highlight[].label");
        assert_eq!(field_kind("title"), "title");
    }
}
