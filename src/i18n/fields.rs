//! The translatable texts of a site, each named by its document and field path
//! (`steps[3].text`): the unit translators, the lock file and the status report share.
//! Also the texts still holding a `TODO:` placeholder ([`placeholders`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::lang::{Lang, Languages};
use crate::model::{Author, Category, CategoryPath, Content, DocId, FieldPath, Localized, Site, Tutorial};

/// How a text that is still to be written starts (`TODO: title`): what `stepwise new`
/// writes where a text is needed, so the file builds and `check` says what is left.
pub(crate) const PLACEHOLDER: &str = "TODO";

/// A file whose texts are translated: a tutorial, a `_category.yaml` or `_authors.yaml`.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub(crate) id: DocId,
    pub(crate) file: PathBuf,
    /// The category it counts toward in the status summary (the top for tutorials at
    /// the top and the authors file).
    pub(crate) category: &'a CategoryPath,
    pub(crate) fields: Vec<Field<'a>>,
}

#[derive(Debug)]
pub(crate) struct Field<'a> {
    pub(crate) path: FieldPath,
    pub(crate) text: &'a Localized,
}

/// The site's parts that hold text, borrowed from a site or from content not yet
/// assembled into one.
#[derive(Clone, Copy)]
pub(crate) struct Texts<'a> {
    pub(crate) tutorials: &'a [Arc<Tutorial>],
    pub(crate) categories: &'a BTreeMap<CategoryPath, Category>,
    pub(crate) authors: &'a BTreeMap<String, Author>,
    pub(crate) authors_file: Option<&'a Path>,
}

impl<'a> Texts<'a> {
    pub(crate) fn of_site(site: &'a Site) -> Texts<'a> {
        Texts {
            tutorials: &site.tutorials,
            categories: &site.categories,
            authors: &site.authors,
            authors_file: site.authors_file.as_deref(),
        }
    }

    pub(crate) fn of_content(content: &'a Content) -> Texts<'a> {
        Texts {
            tutorials: &content.tutorials,
            categories: &content.categories,
            authors: &content.authors,
            authors_file: content.authors_file.as_deref(),
        }
    }
}

/// Every document with translatable text, in a stable order: tutorials by id, then
/// categories by path, then the authors file.
pub(crate) fn documents<'a>(texts: Texts<'a>) -> Vec<Document<'a>> {
    static TOP: std::sync::LazyLock<CategoryPath> = std::sync::LazyLock::new(CategoryPath::top);
    let mut docs: Vec<Document<'_>> = texts
        .tutorials
        .iter()
        .map(|t| Document {
            id: DocId::Tutorial(t.id.clone()),
            file: t.file.clone(),
            category: &t.category,
            fields: tutorial_fields(t),
        })
        .collect();
    for c in texts.categories.values() {
        let Some(file) = &c.file else { continue };
        let mut fields = vec![Field { path: FieldPath::Title, text: &c.title }];
        if let Some(d) = &c.description {
            fields.push(Field { path: FieldPath::Description, text: d });
        }
        let id = DocId::Category(c.path.clone());
        docs.push(Document { id, file: file.clone(), category: &c.path, fields });
    }
    if let Some(file) = texts.authors_file {
        let fields = texts
            .authors
            .values()
            .flat_map(|a| {
                let bio = a.bio.as_ref().map(|b| Field { path: FieldPath::AuthorBio(a.id.clone()), text: b });
                std::iter::once(Field { path: FieldPath::AuthorName(a.id.clone()), text: &a.name }).chain(bio)
            })
            .collect();
        let file = file.to_path_buf();
        docs.push(Document { id: DocId::Authors, file, category: &TOP, fields });
    }
    docs
}

/// A tutorial's texts in reading order.
pub(crate) fn tutorial_fields(t: &Tutorial) -> Vec<Field<'_>> {
    let mut fields = vec![Field { path: FieldPath::Title, text: &t.title }];
    if let Some(s) = &t.summary {
        fields.push(Field { path: FieldPath::Summary, text: s });
    }
    for (i, step) in t.steps.iter().enumerate() {
        fields.push(Field { path: FieldPath::StepText(i), text: &step.text });
        if let Some(alt) = &step.alt {
            fields.push(Field { path: FieldPath::StepAlt(i), text: alt });
        }
        for (k, rect) in step.highlight.iter().enumerate() {
            if let Some(label) = &rect.label {
                fields.push(Field { path: FieldPath::BoxLabel(i, k), text: label });
            }
        }
    }
    for (i, note) in t.notes.iter().enumerate() {
        fields.push(Field { path: FieldPath::NoteText(i), text: &note.text });
    }
    fields
}

/// A warning for each text still holding a placeholder (`TODO: ...`, as `stepwise new`
/// writes them), at its first language's line: the site builds, but should not be
/// published so (`check --strict` fails).
pub(crate) fn placeholders(texts: Texts<'_>, langs: &Languages) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let is_placeholder = |text: &str| {
        text.strip_prefix(PLACEHOLDER).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', ' ', '：']))
    };
    for doc in documents(texts) {
        for field in &doc.fields {
            let todo: Vec<(&Lang, Pos)> = langs
                .iter()
                .filter_map(|l| field.text.value(l).filter(|v| is_placeholder(&v.text)).map(|v| (l, v.pos)))
                .collect();
            let Some((first, pos)) = todo.first() else { continue };
            let in_langs = if field.text.is_translatable() {
                format!(" in {}", todo.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(", "))
            } else {
                String::new()
            };
            let text = field.text.value(first).map_or("", |v| v.text.as_str());
            diags.push(
                Diagnostic::warning(
                    &doc.file,
                    Some(*pos),
                    format!("`{}` is still a placeholder{in_langs}: `{text}`", field.path),
                )
                .with_hint("write the text in place of the TODO; `stepwise check --strict` fails while one is left"),
            );
        }
    }
    diags
}
