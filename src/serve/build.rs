//! The preview's files: the whole site in memory, kept up to date edit by edit.
//!
//! It asks the pipeline for everything: the first load renders every page; after an
//! edit the pipeline reloads what the edit touched and says which pages differ
//! ([`crate::pipeline::Changes`]), and only those are rendered again, into memory.
//! Screenshots go through the build's image cache, so only changed ones are encoded.
//! Nothing is written outside `.stepwise-cache/`: `public/` is never touched. A failed
//! build changes nothing here; the last good files keep being served.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostics, Failure};
use crate::images::process::ImageStats;
pub(crate) use crate::pipeline::sink::Body;
use crate::pipeline::sink::MemorySink;
use crate::pipeline::{self, Loaded, Pipeline, Purpose, Reload};
use crate::render::PageKey;

/// Output-relative path (`zh/help/first/index.html`) -> its content.
pub(crate) type Files = HashMap<String, Body>;

/// What changed on disk, as far as the build cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Only files under `content/` (and the translation records).
    Content,
    /// site.toml, the theme or templates: everything is loaded and rendered again.
    Everything,
}

#[derive(Debug)]
pub struct Outcome {
    /// Pages rendered in this build.
    pub rendered: usize,
    /// Pages of the site.
    pub pages: usize,
    /// Whether anything served differs from before.
    pub changed: bool,
    pub full: bool,
    pub images: ImageStats,
    pub elapsed: Duration,
    /// Warnings.
    pub diagnostics: Diagnostics,
}

pub(crate) struct Preview {
    pipeline: Pipeline,
    files: Files,
    /// Every page of the last good build.
    pages: Vec<PageKey>,
    /// The theme's and screenshots' files of the last good build.
    assets: Vec<String>,
}

impl Preview {
    pub(crate) fn new(root: &Path) -> Preview {
        Preview {
            pipeline: Pipeline::new(root, Purpose::Preview),
            files: Files::new(),
            pages: Vec::new(),
            assets: Vec::new(),
        }
    }

    /// The files of the last good build.
    pub(crate) fn files(&self) -> &Files {
        &self.files
    }

    /// The last good build, for [`machine_files`].
    pub(crate) fn last(&self) -> Option<Arc<Loaded>> {
        self.pipeline.last().cloned()
    }

    /// Brings the files up to date after changes of `scope` to `paths` (absolute; `None`
    /// when not known). On failure the previous files are kept.
    pub(crate) fn rebuild(&mut self, scope: Scope, paths: Option<&[PathBuf]>) -> Result<Outcome, Failure> {
        let start = Instant::now();
        let reload = match scope {
            Scope::Everything => Reload::Everything,
            Scope::Content => Reload::Content(paths),
        };
        let (loaded, changes) = self.pipeline.load(reload)?;
        let (plan, stats) = self.pipeline.screenshots(&loaded)?;
        let keys = loaded.pages();
        let full = changes.all;
        // The usual edit leaves the list of pages as it was: every page has its file, and
        // no file is to be dropped.
        let same_pages = !full && self.pages == keys;
        let todo: Vec<PageKey> = keys
            .iter()
            .filter(|k| full || changes.touches(k) || (!same_pages && !self.files.contains_key(&k.output_path())))
            .cloned()
            .collect();
        let pages = MemorySink::default();
        self.pipeline.render(&loaded, &plan, &todo, &pages)?;
        let assets = MemorySink::default();
        self.pipeline.assets(&loaded, &plan, &assets)?;

        let assets = assets.into_files();
        let asset_paths: Vec<String> = assets.iter().map(|(p, _)| p.clone()).collect();
        let mut changed = false;
        let mut files = if same_pages && asset_paths == self.assets {
            std::mem::take(&mut self.files)
        } else {
            // Files of the old site that are gone are dropped; assets are listed again below.
            let wanted: HashSet<String> = keys.iter().map(PageKey::output_path).collect();
            let mut files = Files::with_capacity(self.files.len() + 16);
            for (path, body) in self.files.drain() {
                if wanted.contains(&path) {
                    files.insert(path, body);
                } else {
                    changed = true;
                }
            }
            files
        };
        for (path, body) in pages.into_files().into_iter().chain(assets) {
            if files.get(&path) != Some(&body) {
                changed = true;
                files.insert(path, body);
            }
        }
        let outcome = Outcome {
            rendered: todo.len(),
            pages: keys.len(),
            changed,
            full,
            images: stats,
            elapsed: start.elapsed(),
            diagnostics: loaded.diagnostics.clone(),
        };
        self.files = files;
        self.pages = keys;
        self.assets = asset_paths;
        self.pipeline.commit(loaded);
        Ok(outcome)
    }
}

/// A site's sitemap, feeds and search indexes. Made after the reload is sent, on a
/// thread of their own (see `serve::run_build`): a page reloads without waiting for them.
pub(crate) fn machine_files(loaded: &Loaded, search_docs: &pipeline::DocStore) -> Files {
    let sink = MemorySink::default();
    // A memory sink takes every file.
    let _ = pipeline::machine_files(loaded, &sink, search_docs);
    sink.into_files().into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tutorial(title: &str) -> String {
        format!(
            "title: {{zh: \"{title}\", en: \"{title}\"}}\ndate: 2024-05-01\ntags: [t]\nsteps:\n  - text: {{zh: 一, en: one}}\n"
        )
    }

    fn page(b: &Preview, path: &str) -> String {
        match b.files().get(path) {
            Some(Body::Bytes(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
            _ => panic!("no {path}"),
        }
    }

    fn pages(b: &Preview) -> std::collections::BTreeMap<&str, &[u8]> {
        b.files()
            .iter()
            .filter_map(|(path, body)| match body {
                Body::Bytes(bytes) if path.ends_with(".html") => Some((path.as_str(), bytes.as_slice())),
                _ => None,
            })
            .collect()
    }

    /// An edit that moves a tutorial to other tags and retitles it changes the related
    /// lists of tutorials it does not touch: the pages served after it are the pages a
    /// fresh build of the edited site makes, every one of them.
    #[test]
    fn an_edit_that_changes_other_tutorials_related_lists_matches_a_fresh_build() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.toml"), "base_url = \"https://x.test\"\nlanguages = [\"zh\", \"en\"]\n")
            .unwrap();
        let write = |id: &str, title: &str, tags: &str| {
            let yaml = format!(
                "title: {{zh: \"{title}\", en: \"{title}\"}}\ndate: 2024-05-01\ntags: [{tags}]\n\
                 steps:\n  - text: {{zh: 一, en: one}}\n"
            );
            std::fs::write(root.join("content").join(format!("{id}.yaml")), yaml).unwrap();
        };
        for cat in ["a", "b"] {
            let d = root.join("content").join(cat);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("_category.yaml"), format!("title: {{zh: {cat}, en: {cat}}}\n")).unwrap();
        }
        write("a/one", "Pay by card", "pay, card");
        write("a/two", "Pay by bank transfer", "pay");
        write("a/three", "Track a parcel", "orders");
        write("b/four", "Cancel an order", "orders, refund");
        write("b/five", "Refund to a card", "refund, card");
        write("b/six", "Change the address", "address");
        let mut served = Preview::new(root);
        served.rebuild(Scope::Everything, None).unwrap();
        let before = served.last().unwrap().site.clone();

        // a/one leaves `pay` and `card` for `orders` and `refund`, with other title words.
        let one = std::fs::canonicalize(root.join("content/a/one.yaml")).unwrap();
        write("a/one", "Cancel an order and refund it", "orders, refund");
        let outcome = served.rebuild(Scope::Content, Some(std::slice::from_ref(&one))).unwrap();
        assert!(outcome.changed && !outcome.full);
        assert!(outcome.rendered < outcome.pages, "{} of {} pages rendered", outcome.rendered, outcome.pages);
        let after = served.last().unwrap().site.clone();
        let related = |site: &crate::model::Site, id: &str| -> Vec<String> {
            site.related[site.index[id]].iter().map(|&j| site.tutorials[j].id.to_string()).collect()
        };
        let others: Vec<&str> = ["a/two", "a/three", "b/four", "b/five", "b/six"]
            .into_iter()
            .filter(|id| related(&before, id) != related(&after, id))
            .collect();
        assert!(!others.is_empty(), "the edit changes no other tutorial's related list");
        // Untouched tutorials are shared between the two versions of the site.
        let shared = |id: &str| Arc::ptr_eq(&before.tutorials[before.index[id]], &after.tutorials[after.index[id]]);
        assert!(shared("b/six") && !shared("a/one"));

        let mut fresh = Preview::new(root);
        fresh.rebuild(Scope::Everything, None).unwrap();
        let (served, fresh) = (pages(&served), pages(&fresh));
        assert_eq!(served.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
        for (path, html) in &fresh {
            assert!(served[path] == *html, "{path} differs from a fresh build");
        }
    }

    /// Edits re-read only the files a burst names; anything else reads the folder again.
    #[test]
    fn named_edits_are_reread_and_new_files_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.toml"), "base_url = \"https://x.test\"\nlanguages = [\"zh\", \"en\"]\n")
            .unwrap();
        let cat = root.join("content/a");
        std::fs::create_dir_all(&cat).unwrap();
        std::fs::write(cat.join("_category.yaml"), "title: {zh: A, en: A}\n").unwrap();
        std::fs::write(cat.join("one.yaml"), tutorial("First title")).unwrap();
        let mut b = Preview::new(root);
        b.rebuild(Scope::Everything, None).unwrap();
        assert!(page(&b, "en/a/one/index.html").contains("First title"));

        let one = std::fs::canonicalize(cat.join("one.yaml")).unwrap();
        std::fs::write(&one, tutorial("Second title")).unwrap();
        let outcome = b.rebuild(Scope::Content, Some(std::slice::from_ref(&one))).unwrap();
        assert!(outcome.changed && !outcome.full);
        assert!(page(&b, "en/a/one/index.html").contains("Second title"));

        // A new file is not among the files read before: the folder is read again.
        let two = std::fs::canonicalize(&cat).unwrap().join("two.yaml");
        std::fs::write(&two, tutorial("Another one")).unwrap();
        b.rebuild(Scope::Content, Some(std::slice::from_ref(&two))).unwrap();
        assert!(page(&b, "en/a/two/index.html").contains("Another one"));

        // Unknown paths (the watcher lost events): everything is read again.
        std::fs::write(&one, tutorial("Third title")).unwrap();
        b.rebuild(Scope::Content, None).unwrap();
        assert!(page(&b, "en/a/one/index.html").contains("Third title"));

        // A broken edit fails, and the next good one recovers.
        std::fs::write(&one, "title: [\n").unwrap();
        assert!(b.rebuild(Scope::Content, Some(std::slice::from_ref(&one))).is_err());
        std::fs::write(&one, tutorial("Fourth title")).unwrap();
        b.rebuild(Scope::Content, Some(std::slice::from_ref(&one))).unwrap();
        assert!(page(&b, "en/a/one/index.html").contains("Fourth title"));
    }
}
