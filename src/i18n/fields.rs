//! The translatable texts of a site, each named by its document and field path
//! (`steps[3].text`): the unit translators, the lock file and the status report share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::field::for_each_text;
use crate::model::{Author, Category, CategoryPath, Content, DocId, FieldPath, Localized, Site, Tutorial};

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
    let mut fields = Vec::with_capacity(2 + t.steps.len() + t.notes.len());
    for_each_text(t, |path, text| fields.push(Field { path, text }));
    fields
}
