//! Which pages an edit touches: a pure diff of a site against the [`Summary`] of the
//! site before it.
//!
//! Rendering is a pure function of `&Site` and a page key, so a page needs rendering
//! again exactly when something it shows changed. A tutorial shows up on its own pages,
//! its category chain's pages, the pages of its tags, the site-wide pages (indexes,
//! feeds, search) and the pages of the tutorials that list it as related; a tutorial
//! page also shows the counts of its tags. Anything this diff cannot follow cheaply
//! (site.toml, categories, authors, tag names, links between tutorials) re-renders
//! everything. It never reads the disk.
//!
//! The summary is what the diff needs of the old site, small enough to keep: the
//! preview keeps it in memory between edits, `build` on disk between runs.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::fingerprint::Fingerprint;
use crate::model::translation::OutdatedFields;
use crate::model::{CategoryPath, Site, Tutorial, TutorialId, related};
use crate::render::PageKey;

/// The pages to render again after an edit.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Every page.
    pub(crate) all: bool,
    /// The site-wide pages (indexes, tag list, and any other page that is not one
    /// tutorial's, one category's or one tag's): they list tutorials.
    pub(crate) site_wide: bool,
    /// Pages of single tutorials, categories and tags.
    pub(crate) pages: BTreeSet<PageKey>,
    /// Ids of the tutorials whose content changed (added and removed ones included).
    pub(crate) tutorials: BTreeSet<TutorialId>,
}

impl Changes {
    pub(crate) fn everything() -> Changes {
        Changes { all: true, site_wide: true, ..Changes::default() }
    }

    /// Whether `key` must be rendered again (a page new to the site always is: the
    /// caller renders keys it has no page for).
    pub(crate) fn touches(&self, key: &PageKey) -> bool {
        if self.all || self.pages.contains(key) {
            return true;
        }
        match key {
            PageKey::Tutorial { .. } | PageKey::Compare { .. } | PageKey::Category { .. } | PageKey::Tag { .. } => {
                false
            }
            // Any other page (indexes, tag list, and whatever the renderer adds later:
            // feeds, search) may list every tutorial.
            _ => self.site_wide,
        }
    }

    /// Whether anything at all is to be rendered again.
    pub(crate) fn any(&self) -> bool {
        self.all || self.site_wide || !self.pages.is_empty()
    }
}

/// What the diff needs to know of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Summary {
    /// Of what every page may show: the configuration, categories, authors (and what the
    /// translation records say of them).
    site: u64,
    /// Sorted by id, as the site's tutorials are.
    tutorials: Vec<TutorialSummary>,
    /// What the related lists were computed from ([`related::inputs`]), when a build
    /// keeps the summary for the next ([`Summary::for_next_build`]; the preview, which
    /// makes one per edit, has no use for it).
    related_inputs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct TutorialSummary {
    id: TutorialId,
    /// Of everything its pages show of it: its file, its screenshots, its outdated texts.
    fingerprint: u64,
    category: CategoryPath,
    tags: Vec<String>,
    related: Vec<TutorialId>,
}

impl Summary {
    pub(crate) fn of(site: &Site) -> Summary {
        let mut f = Fingerprint::new();
        f.debug(&site.config).debug(&site.categories).debug(&site.subcategories).debug(&site.authors);
        f.debug(&site.tag_names).debug(&site.links);
        f.debug(&site.outdated.of_authors());
        for path in site.categories.keys() {
            f.debug(&site.outdated.of_category(path));
        }
        // In parallel: the preview makes one per edit, of every tutorial.
        let tutorials = site
            .tutorials
            .par_iter()
            .enumerate()
            .map(|(i, t)| TutorialSummary {
                id: t.id.clone(),
                fingerprint: tutorial_fingerprint(site, t),
                category: t.category.clone(),
                tags: t.tags.clone(),
                related: site.related[i].iter().map(|&j| site.tutorials[j].id.clone()).collect(),
            })
            .collect();
        Summary { site: f.finish(), tutorials, related_inputs: None }
    }

    /// The summary of `site` kept by a build: it also says what the related lists were
    /// computed from, so that the next build can take them as they are.
    pub(crate) fn for_next_build(mut self, site: &Site) -> Summary {
        self.related_inputs = Some(related::inputs(&site.tutorials, &site.config.languages));
        self
    }

    /// The related lists of the summarized site, for a load that may compute the same.
    pub(crate) fn related_memo(&self) -> related::Memo {
        match self.related_inputs {
            Some(inputs) => related::Memo::known(inputs, self.tutorials.iter().map(|t| t.related.clone()).collect()),
            None => related::Memo::default(),
        }
    }

    /// The summary of a site rendered with other templates (the theme's fingerprint):
    /// every page may differ.
    pub(crate) fn rendered_with(mut self, theme: u64) -> Summary {
        self.site = Fingerprint::new().u64(self.site).u64(theme).finish();
        self
    }

    fn find(&self, id: &str) -> Option<&TutorialSummary> {
        self.tutorials.binary_search_by(|t| t.id.as_str().cmp(id)).ok().map(|i| &self.tutorials[i])
    }
}

/// A tutorial as its pages show it: its file, the screenshots it shows (their bytes'
/// hashes and sizes), its texts the translation records call outdated.
fn tutorial_fingerprint(site: &Site, t: &Tutorial) -> u64 {
    let mut f = Fingerprint::new();
    f.u64(t.source);
    for step in &t.steps {
        for key in step.image.iter().flat_map(|img| img.per_lang.values()) {
            match site.images.get(key) {
                Some(info) => f.str(key).str(&info.hash).u64(u64::from(info.width)).u64(u64::from(info.height)),
                None => f.str(key),
            };
        }
    }
    let outdated = site.outdated.of_tutorial(&t.id);
    if outdated != OutdatedFields::default() {
        f.debug(&outdated);
    }
    f.finish()
}

/// The tutorials of `old` and `now` side by side, by id (both lists are sorted by id):
/// one walk, not a search per tutorial (this runs on every preview edit).
fn pairs<'a>(
    old: &'a Summary,
    now: &'a Summary,
) -> impl Iterator<Item = (Option<&'a TutorialSummary>, Option<&'a TutorialSummary>)> {
    let (mut a, mut b) = (old.tutorials.iter().peekable(), now.tutorials.iter().peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (None, None) => None,
        (Some(_), None) => Some((a.next(), None)),
        (None, Some(_)) => Some((None, b.next())),
        (Some(x), Some(y)) => Some(match x.id.cmp(&y.id) {
            std::cmp::Ordering::Less => (a.next(), None),
            std::cmp::Ordering::Greater => (None, b.next()),
            std::cmp::Ordering::Equal => (a.next(), b.next()),
        }),
    })
}

/// The pages of `new` that differ from those of the site `old` summarizes; `now` is
/// `new`'s own summary.
pub(crate) fn diff(old: &Summary, new: &Site, now: &Summary) -> Changes {
    if old.site != now.site {
        return Changes::everything();
    }
    let mut changed: BTreeSet<TutorialId> = BTreeSet::new();
    for pair in pairs(old, now) {
        match pair {
            (Some(o), Some(n)) if o.fingerprint == n.fingerprint => {}
            (Some(t), _) | (None, Some(t)) => {
                changed.insert(t.id.clone());
            }
            (None, None) => {}
        }
    }

    let mut changes = Changes { site_wide: !changed.is_empty(), ..Changes::default() };
    let langs = &new.config.languages;
    let tutorial_pages = |pages: &mut BTreeSet<PageKey>, id: &TutorialId| {
        for lang in langs {
            pages.insert(PageKey::Tutorial { lang: lang.clone(), id: id.clone() });
        }
    };
    for id in &changed {
        // Where it was and where it is: the categories are the same in both sites.
        for t in [old.find(id), now.find(id)].into_iter().flatten() {
            tutorial_pages(&mut changes.pages, id);
            for lang in langs {
                // The side-by-side view shows only the tutorial's own texts.
                if !langs.is_source(lang) {
                    changes.pages.insert(PageKey::Compare { lang: lang.clone(), id: id.clone() });
                }
                for c in new.category_chain(&t.category) {
                    changes.pages.insert(PageKey::Category { lang: lang.clone(), path: c.path.clone() });
                }
                for tag in &t.tags {
                    changes.pages.insert(PageKey::Tag { lang: lang.clone(), tag: tag.clone() });
                }
            }
        }
    }

    // Related lists are computed from titles, tags and categories: one edit can change
    // the lists of other tutorials, and a list shows its tutorials' titles.
    for (o, t) in pairs(old, now) {
        let Some(t) = t else { continue };
        let same = o.is_some_and(|o| o.related == t.related);
        if !same || t.related.iter().any(|r| changed.contains(r)) {
            tutorial_pages(&mut changes.pages, &t.id);
        }
    }

    // A tutorial page shows how many tutorials carry each of its tags. Only the changed
    // tutorials can move a count (an unchanged one has the same file, so the same tags):
    // their tags before and after are counted, not every tag of the site.
    let mut delta: BTreeMap<&str, i64> = BTreeMap::new();
    for id in &changed {
        for tag in old.find(id).iter().flat_map(|t| &t.tags) {
            *delta.entry(tag).or_default() -= 1;
        }
        for tag in now.find(id).iter().flat_map(|t| &t.tags) {
            *delta.entry(tag).or_default() += 1;
        }
    }
    for (tag, _) in delta.iter().filter(|(_, d)| **d != 0) {
        for &i in new.tags.get(*tag).into_iter().flatten() {
            tutorial_pages(&mut changes.pages, &new.tutorials[i].id);
        }
    }
    changes.tutorials = changed;
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::model::{CategoryPath, Localized};
    use crate::pipeline::{Pipeline, Purpose, Reload};
    use std::path::Path;
    use std::sync::Arc;

    type Row<'a> = (&'a str, &'a str, &'a [&'a str], &'a [&'a str]);

    /// The sites before and after an edit, from `(id, title, tags, related)` rows,
    /// written into one folder and read by the real loader.
    fn sites(before: &[Row<'_>], after: &[Row<'_>]) -> (Site, Site) {
        let dir = tempfile::tempdir().unwrap();
        let old = site(dir.path(), before);
        (old, site(dir.path(), after))
    }

    fn site(root: &Path, rows: &[Row<'_>]) -> Site {
        write(root, rows);
        let mut pipeline = Pipeline::new(root, Purpose::Check);
        let loaded = pipeline.load(Reload::Everything).map(|(l, _)| l);
        let loaded = loaded.unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        Arc::unwrap_or_clone(loaded.site)
    }

    fn write(root: &Path, rows: &[Row<'_>]) {
        let _ = std::fs::remove_dir_all(root.join("content"));
        std::fs::write(root.join("site.toml"), "base_url = \"https://x.test\"\nlanguages = [\"zh\", \"en\"]\n")
            .unwrap();
        for cat in ["a", "b"] {
            let d = root.join("content").join(cat);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("_category.yaml"), format!("title: {{zh: {cat}, en: {cat}}}\n")).unwrap();
        }
        for (id, title, tags, related) in rows {
            let yaml = format!(
                "title: {{zh: \"{title}\", en: \"{title}\"}}\ndate: 2024-05-01\ntags: [{}]\nrelated: [{}]\n\
                 steps:\n  - text: {{zh: 一, en: one}}\n",
                tags.join(", "),
                related.join(", ")
            );
            std::fs::write(root.join("content").join(format!("{id}.yaml")), yaml).unwrap();
        }
    }

    fn tutorial(lang: &str, id: &str) -> PageKey {
        PageKey::Tutorial { lang: Lang::new(lang), id: TutorialId::new(id) }
    }

    fn category(lang: &str, path: &str) -> PageKey {
        PageKey::Category { lang: Lang::new(lang), path: CategoryPath::new(path) }
    }

    fn tag(lang: &str, tag: &str) -> PageKey {
        PageKey::Tag { lang: Lang::new(lang), tag: tag.into() }
    }

    fn ids(ids: &[&str]) -> BTreeSet<TutorialId> {
        ids.iter().map(|i| TutorialId::new(*i)).collect()
    }

    const BASE: &[Row<'static>] = &[
        ("a/one", "Pay by card", &["pay"], &[]),
        ("a/two", "Change the address", &["orders"], &["a/one"]),
        ("b/three", "Track a parcel", &["orders"], &[]),
        ("b/four", "Cancel an order", &["refund"], &[]),
    ];

    #[test]
    fn another_theme_changes_every_page() {
        let (site, _) = sites(BASE, BASE);
        let old = Summary::of(&site).rendered_with(1);
        assert!(diff(&old, &site, &Summary::of(&site).rendered_with(2)).all);
        assert!(!diff(&old, &site, &Summary::of(&site).rendered_with(1)).any());
    }

    #[test]
    fn nothing_changed_touches_nothing() {
        let changes = {
            let (old, new) = sites(BASE, BASE);
            diff(&Summary::of(&old), &new, &Summary::of(&new))
        };
        assert_eq!(changes, Changes::default());
        assert!(!changes.touches(&PageKey::Index { lang: Lang::new("zh") }));
    }

    #[test]
    fn a_title_edit_touches_its_pages_and_the_pages_that_list_it() {
        let mut edited = BASE.to_vec();
        edited[0].1 = "Pay with a new card";
        let changes = {
            let (old, new) = sites(BASE, &edited);
            diff(&Summary::of(&old), &new, &Summary::of(&new))
        };
        assert_eq!(changes.tutorials, ids(&["a/one"]));
        for lang in ["zh", "en"] {
            assert!(changes.touches(&tutorial(lang, "a/one")));
            // a/two lists a/one as related: it shows the new title.
            assert!(changes.touches(&tutorial(lang, "a/two")));
            assert!(changes.touches(&category(lang, "a")));
            assert!(changes.touches(&tag(lang, "pay")));
            assert!(changes.touches(&PageKey::Index { lang: Lang::new(lang) }));
            assert!(changes.touches(&PageKey::Tags { lang: Lang::new(lang) }));
            assert!(!changes.touches(&category(lang, "b")));
            assert!(!changes.touches(&tag(lang, "refund")));
            assert!(!changes.touches(&tutorial(lang, "b/four")));
        }
        assert!(!changes.all);
    }

    #[test]
    fn a_new_tag_touches_old_and_new_tag_pages_and_the_tag_counts() {
        let mut edited = BASE.to_vec();
        edited[3].2 = &["orders"];
        let changes = {
            let (old, new) = sites(BASE, &edited);
            diff(&Summary::of(&old), &new, &Summary::of(&new))
        };
        let tag = |t: &str| tag("en", t);
        assert!(changes.touches(&tag("refund")), "the tag it left");
        assert!(changes.touches(&tag("orders")), "the tag it joined");
        // b/three carries `orders`, whose count it shows, went from 2 to 3.
        assert!(changes.touches(&tutorial("en", "b/three")));
        assert!(!changes.touches(&tag("pay")));
    }

    #[test]
    fn a_removed_tutorial_touches_the_pages_that_listed_it() {
        let edited: Vec<_> = BASE.iter().filter(|r| r.0 != "b/three").copied().collect();
        let changes = {
            let (old, new) = sites(BASE, &edited);
            diff(&Summary::of(&old), &new, &Summary::of(&new))
        };
        assert_eq!(changes.tutorials, ids(&["b/three"]));
        assert!(changes.touches(&category("zh", "b")));
        assert!(changes.touches(&tag("zh", "orders")));
        assert!(changes.touches(&tutorial("zh", "a/two")), "shares the tag `orders`, whose count fell");
    }

    #[test]
    fn related_lists_kept_between_loads_match_fresh_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, BASE);
        let mut pipeline = Pipeline::new(root, Purpose::Check);
        let mut rows: Vec<Row<'_>> = BASE.to_vec();
        rows.push(("b/five", "Pay for an order by card", &["pay", "orders"], &[]));
        rows.push(("a/six", "Track the refund", &["refund"], &[]));
        let edits: [fn(&mut Vec<Row<'_>>); 5] = [
            |_| {},
            |r| r[1].1 = "Change the card",
            |r| r[3].2 = &["pay"],
            |r| r[2].3 = &["a/one", "b/four"],
            |r| r[0].1 = "Pay by card",
        ];
        for edit in edits {
            edit(&mut rows);
            let fresh = site(root, &rows);
            // The same pipeline across edits, as the preview keeps it.
            let (cached, _) = pipeline.load(Reload::Content(None)).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
            let cached = pipeline.commit(cached);
            assert_eq!(cached.site.related, fresh.related);
            assert_eq!(cached.site.tutorials, fresh.tutorials);
        }
    }

    #[test]
    fn site_toml_and_category_edits_touch_everything() {
        let (old, mut new) = sites(BASE, BASE);
        new.config.title.insert(Lang::new("en"), "Another title".into());
        assert!(diff(&Summary::of(&old), &new, &Summary::of(&new)).all);
        let (old, mut new) = sites(BASE, BASE);
        new.categories.get_mut("b").unwrap().title =
            Localized::everywhere("B".into(), Default::default(), &Lang::new("zh"));
        assert!(diff(&Summary::of(&old), &new, &Summary::of(&new)).all);
    }
}
