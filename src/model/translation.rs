//! What the translation records say about the site's texts, as the pages show it: which
//! translations were confirmed against an older source text. Computed by the pipeline
//! (from `i18n.lock`, see `i18n`) and stored in the site when it is assembled.

use std::collections::HashMap;

use serde::Serialize;

use super::field::FieldPath;
use super::ids::{CategoryPath, DocId, TutorialId};
use crate::lang::Lang;

/// The state of one translation of one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TranslationState {
    /// Written and confirmed against today's source text (or the text needs none).
    Current,
    /// Not written: the page shows the source text.
    Missing,
    /// Confirmed against an older source text.
    Outdated,
    /// Written but never confirmed (a lock file exists and has no record of it).
    Unconfirmed,
}

/// The outdated translations of a site, by document.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outdated {
    tutorials: HashMap<TutorialId, Vec<(FieldPath, Lang)>>,
    categories: HashMap<CategoryPath, Vec<(FieldPath, Lang)>>,
    authors: Vec<(FieldPath, Lang)>,
}

/// The outdated translations of one document.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct OutdatedFields<'a>(&'a [(FieldPath, Lang)]);

impl OutdatedFields<'_> {
    pub(crate) fn contains(&self, field: &FieldPath, lang: &str) -> bool {
        self.0.iter().any(|(f, l)| f == field && l == lang)
    }
}

impl Outdated {
    pub(crate) fn insert(&mut self, doc: &DocId, field: FieldPath, lang: Lang) {
        let list = match doc {
            DocId::Tutorial(id) => self.tutorials.entry(id.clone()).or_default(),
            DocId::Category(path) => self.categories.entry(path.clone()).or_default(),
            DocId::Authors => &mut self.authors,
        };
        if !list.iter().any(|(f, l)| *f == field && *l == lang) {
            list.push((field, lang));
        }
    }

    pub(crate) fn of_tutorial(&self, id: &str) -> OutdatedFields<'_> {
        OutdatedFields(self.tutorials.get(id).map_or(&[], Vec::as_slice))
    }

    pub(crate) fn of_category(&self, path: &str) -> OutdatedFields<'_> {
        OutdatedFields(self.categories.get(path).map_or(&[], Vec::as_slice))
    }

    pub(crate) fn of_authors(&self) -> OutdatedFields<'_> {
        OutdatedFields(&self.authors)
    }
}
