//! The question list items of a site: a tutorial is listed on up to a hundred pages
//! (related lists, its tags, categories, indexes), so its item is made once per language,
//! with links from the site root, and every page that lists it refers to it
//! ([`super::views::Listed`]).
//!
//! A new version of a site (the preview's, after an edit) carries over the items of the
//! tutorials the edit did not change: [`ListItems::carry_over`].

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::views::QuestionItem;
use crate::model::{Site, TutorialId};

/// One tutorial's item in each language, made on first use.
type Cells = Arc<[OnceLock<QuestionItem>]>;

/// The items of one site, by tutorial index and language index.
#[derive(Debug, Default)]
pub(crate) struct ListItems {
    cells: Vec<Cells>,
}

impl ListItems {
    /// Empty items for every tutorial of `site`.
    pub(crate) fn new(site: &Site) -> ListItems {
        let languages = site.config.languages.count();
        // In parallel: a hundred thousand allocations on the load's one thread otherwise.
        ListItems { cells: site.tutorials.par_iter().map(|_| empty(languages)).collect() }
    }

    /// The items for `new`, keeping `old`'s (made for `old_site`) of every tutorial not
    /// in `changed`. The caller passes everything as changed when what an item shows
    /// besides its tutorial changed (the configuration, category titles).
    pub(crate) fn carry_over(
        old: &ListItems,
        old_site: &Site,
        new: &Site,
        changed: &BTreeSet<TutorialId>,
    ) -> ListItems {
        let languages = new.config.languages.count();
        let cells = new
            .tutorials
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if changed.contains(&t.id) {
                    return empty(languages);
                }
                // Same index when nothing was added or removed before it.
                let before = match old_site.tutorials.get(i) {
                    Some(o) if o.id == t.id => Some(i),
                    _ => old_site.index.get(&t.id).copied(),
                };
                before.and_then(|j| old.cells.get(j)).map_or_else(|| empty(languages), Arc::clone)
            })
            .collect();
        ListItems { cells }
    }

    /// Tutorial `index`'s item in the language at `lang_index`, made by `make` the first
    /// time it is asked for.
    pub(super) fn get(
        &self,
        index: usize,
        lang_index: usize,
        make: impl FnOnce() -> QuestionItem,
    ) -> Cow<'_, QuestionItem> {
        match self.cells.get(index).and_then(|c| c.get(lang_index)) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(make)),
            None => Cow::Owned(make()),
        }
    }
}

fn empty(languages: usize) -> Cells {
    (0..languages).map(|_| OnceLock::new()).collect()
}
