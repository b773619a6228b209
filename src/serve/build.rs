//! The preview build: the whole site in memory, kept up to date edit by edit.
//!
//! The first build renders every page; after that an edit to content reloads the site
//! model (the theme and compiled templates are kept), diffs it against the last good one
//! ([`super::incremental`]) and renders only the pages the edit touches. Screenshots go
//! through the build's image cache, so only changed ones are encoded. Nothing is written
//! outside `.stepwise-cache/`: `public/` is never touched. A failed build changes
//! nothing here; the last good files keep being served.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::incremental::{self, Changes};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::images::{self, ImagePlan, process::ImageStats};
use crate::load::RawContent;
use crate::model::Site;
use crate::render::{self, PageKey, Renderer};
use crate::theme::Theme;
use crate::{Failure, FailureKind, config, load, model, theme};

/// What a served path holds.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Arc<Vec<u8>>),
    /// A screenshot file in the image cache or the content folder, read when requested.
    File(PathBuf),
}

/// Output-relative path (`zh/help/first/index.html`) -> its content.
pub type Files = HashMap<String, Body>;

/// What changed on disk, as far as the build cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Only files under `content/`.
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

struct Good {
    /// Shared with the thread that makes the machine files after a reload.
    site: Arc<Site>,
    renderer: Arc<Renderer>,
    theme: Arc<Theme>,
    plan: ImagePlan,
    /// Every page of `site`.
    pages: Vec<PageKey>,
}

/// A loaded site waiting to be rendered.
struct Candidate {
    site: Site,
    renderer: Arc<Renderer>,
    theme: Arc<Theme>,
    diagnostics: Diagnostics,
}

pub struct Builder {
    root: PathBuf,
    /// `root/content`, canonical: watcher events name canonical paths.
    content: PathBuf,
    cache: PathBuf,
    /// The content files as last read, and what reading them reported.
    raw: Option<(RawContent, Diagnostics)>,
    last: Option<Good>,
    files: Files,
    /// A full load is due (the last one failed, or the theme changed since).
    needs_full: bool,
    decoded: model::DecodeCache,
}

impl Builder {
    pub fn new(root: &Path) -> Builder {
        let content = root.join(load::CONTENT_DIR);
        Builder {
            root: root.to_path_buf(),
            content: std::fs::canonicalize(&content).unwrap_or(content),
            cache: root.join(images::CACHE_DIR).join("img"),
            raw: None,
            last: None,
            files: Files::new(),
            needs_full: true,
            decoded: model::DecodeCache::default(),
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// The last good site, for [`machine_files`].
    pub fn site(&self) -> Option<Arc<Site>> {
        self.last.as_ref().map(|l| Arc::clone(&l.site))
    }

    /// Brings the files up to date after changes of `scope` to `paths` (absolute; `None`
    /// when not known). On failure the previous files are kept.
    pub fn rebuild(&mut self, scope: Scope, paths: Option<&[PathBuf]>) -> Result<Outcome, Failure> {
        let start = Instant::now();
        if scope == Scope::Everything {
            self.needs_full = true;
        }
        if self.needs_full || !self.reread(paths) {
            self.raw = None;
        }
        let result = if self.last.is_some() && !self.needs_full { self.load_content() } else { self.load_everything() };
        let result = result.and_then(|(candidate, changes, full)| self.install(candidate, changes, full));
        let mut outcome = result?;
        self.needs_full = false;
        outcome.elapsed = start.elapsed();
        Ok(outcome)
    }

    /// Brings the content files read last time up to date by re-reading the tutorial
    /// files among `paths`. False when that cannot be done (a file added or removed, a
    /// folder, a category or authors file, unknown paths): the content is read again.
    fn reread(&mut self, paths: Option<&[PathBuf]>) -> bool {
        let (Some((raw, diags)), Some(paths)) = (self.raw.as_mut(), paths) else { return false };
        let mut todo: Vec<usize> = Vec::new();
        for path in paths {
            let Ok(rel) = path.strip_prefix(&self.content) else { return false };
            let parts: Vec<&str> = rel.components().filter_map(|c| c.as_os_str().to_str()).collect();
            if parts.is_empty() || parts.len() != rel.components().count() {
                return false;
            }
            // What the loader never reads: hidden files and folders, `_` asset folders.
            let (name, dirs) = parts.split_last().map_or(("", &[][..]), |(n, d)| (*n, d));
            if parts.iter().any(|p| p.starts_with('.')) || dirs.iter().any(|d| d.starts_with('_')) {
                continue;
            }
            if let Some(stem) = name.strip_suffix(".yaml") {
                let key = dirs.iter().chain(std::iter::once(&stem)).copied().collect::<Vec<_>>().join("/");
                match raw.tutorials.iter().position(|f| f.key == key) {
                    Some(i) if !name.starts_with('_') && path.is_file() => todo.push(i),
                    _ => return false,
                }
            } else if !path.is_file() {
                // A folder made or removed, a screenshot deleted: the folder list may change.
                return false;
            }
        }
        for i in todo {
            let file = &mut raw.tutorials[i];
            let mut read = Diagnostics::new();
            let Some(text) = load::read_text(&file.path, &mut read) else { return false };
            file.text = text.into();
            // Reading an existing file successfully leaves no diagnostic of its own.
            let path = file.path.clone();
            *diags = std::mem::take(diags).into_iter().filter(|d| d.file != path).collect();
        }
        true
    }

    /// The content files, from the last read when [`Self::reread`] kept them.
    fn raw_content(&mut self) -> &(RawContent, Diagnostics) {
        self.raw.get_or_insert_with(|| load::load_content(&self.root))
    }

    /// What [`crate::load`] does, with the decode cache: a theme edit decodes nothing.
    fn load_everything(&mut self) -> Result<(Candidate, Changes, bool), Failure> {
        let config = config::load(&self.root).map_err(content_failure)?;
        let mut diags = self.raw_content().1.clone();
        let theme = theme::load(&self.root, &config.theme);
        let raw = &self.raw.as_ref().expect("read above").0;
        let (site, model_diags) = model::build_site_cached(&self.root, config, raw, &mut self.decoded);
        diags.extend(model_diags);
        let theme = theme.map_err(|d| diags.extend(d)).ok();
        let renderer = match (&site, &theme) {
            (Some(site), Some(theme)) => Renderer::new(theme, &site.config.languages).map_err(|d| diags.extend(d)).ok(),
            _ => None,
        };
        let diagnostics = diags.sorted();
        match (site, renderer, theme) {
            (Some(site), Some(renderer), Some(theme)) if !diagnostics.has_errors() => {
                let candidate = Candidate { site, renderer: Arc::new(renderer), theme: Arc::new(theme), diagnostics };
                Ok((candidate, Changes::everything(), true))
            }
            _ => Err(content_failure(diagnostics)),
        }
    }

    /// Content only: the theme and compiled templates of the last good build are reused.
    fn load_content(&mut self) -> Result<(Candidate, Changes, bool), Failure> {
        let config = config::load(&self.root).map_err(content_failure)?;
        if self.last.as_ref().is_none_or(|l| config != l.site.config) {
            return self.load_everything();
        }
        let mut diags = self.raw_content().1.clone();
        let raw = &self.raw.as_ref().expect("read above").0;
        let (site, model_diags) = model::build_site_cached(&self.root, config, raw, &mut self.decoded);
        diags.extend(model_diags);
        let diags = diags.sorted();
        let site = match site {
            Some(site) if !diags.has_errors() => site,
            _ => return Err(content_failure(diags)),
        };
        let Some(last) = self.last.as_ref() else { return self.load_everything() };
        let changes = incremental::diff(&last.site, &site);
        let candidate = Candidate {
            site,
            renderer: Arc::clone(&last.renderer),
            theme: Arc::clone(&last.theme),
            diagnostics: diags,
        };
        Ok((candidate, changes, false))
    }

    /// Renders what `changes` touches and, if all of it succeeds, makes it the served
    /// state.
    fn install(&mut self, c: Candidate, changes: Changes, full: bool) -> Result<Outcome, Failure> {
        let site = &c.site;
        let mut plan = images::plan(site);
        let stats = images::process::process(site, &mut plan, &self.cache).map_err(|e| Failure {
            kind: FailureKind::Io,
            diagnostics: Diagnostics::from_iter([Diagnostic::error(&self.cache, None, e.to_string())]),
        })?;
        let keys = render::all_pages(site);
        // The usual edit leaves the list of pages, the theme and the screenshots as they
        // were: every page has its file, and no file is to be dropped.
        let same_pages = !full && self.last.as_ref().is_some_and(|l| l.pages == keys);
        let todo: Vec<&PageKey> = keys
            .iter()
            .filter(|k| full || changes.touches(k) || (!same_pages && !self.files.contains_key(&k.output_path())))
            .collect();
        let rendered: Result<Vec<(String, Vec<u8>)>, Diagnostic> = todo
            .par_iter()
            .map(|key| {
                c.renderer.render(site, &plan, key).map(|html| (key.output_path(), html.into_bytes())).map_err(|e| {
                    let file = site.root.join("templates").join(&e.template);
                    Diagnostic::error(file, None, format!("rendering {}: {}", key.output_path(), e.message))
                })
            })
            .collect();
        let rendered = rendered.map_err(|d| content_failure(Diagnostics::from_iter([d])))?;

        let plan_changed = self.last.as_ref().is_none_or(|l| !same_plan(&l.plan, &plan));
        let mut changed = plan_changed;
        let mut files = if same_pages && !plan_changed {
            std::mem::take(&mut self.files)
        } else {
            let wanted: HashSet<String> = keys.iter().map(PageKey::output_path).collect();
            let mut files = Files::with_capacity(self.files.len() + 16);
            for (path, body) in self.files.drain() {
                // Pages of the old site that are gone are dropped; static and image files
                // are listed again below.
                if wanted.contains(&path) {
                    files.insert(path, body);
                } else if matches!(body, Body::Bytes(_)) && !c.theme.static_files.contains_key(&path) {
                    changed = true;
                }
            }
            files
        };
        for (path, html) in rendered {
            if !matches!(files.get(&path), Some(Body::Bytes(b)) if **b == html) {
                changed = true;
                files.insert(path, Body::Bytes(Arc::new(html)));
            }
        }
        for (rel, bytes) in &c.theme.static_files {
            if !matches!(self.static_bytes(rel), Some(b) if **b == *bytes) {
                changed = true;
            }
            files.insert(rel.clone(), Body::Bytes(Arc::new(bytes.clone())));
        }
        let originals: HashMap<&str, &Path> = plan
            .renditions
            .iter()
            .filter_map(|(key, r)| {
                Some((r.original.as_ref()?.path.as_str(), site.images.get(&key.image)?.source.as_path()))
            })
            .collect();
        for v in plan.files() {
            let from = match originals.get(v.path.as_str()) {
                Some(src) => src.to_path_buf(),
                None => self.cache.join(v.path.rsplit('/').next().unwrap_or(&v.path)),
            };
            files.insert(v.path.clone(), Body::File(from));
        }
        self.files = files;
        let outcome = Outcome {
            rendered: todo.len(),
            pages: keys.len(),
            changed,
            full,
            images: stats,
            elapsed: Duration::ZERO,
            diagnostics: c.diagnostics,
        };
        self.last = Some(Good { site: Arc::new(c.site), renderer: c.renderer, theme: c.theme, plan, pages: keys });
        Ok(outcome)
    }

    fn static_bytes(&self, rel: &str) -> Option<&Vec<u8>> {
        self.last.as_ref()?.theme.static_files.get(rel)
    }
}

/// A site's sitemap, feeds and search indexes. Made after the reload is sent, on a
/// thread of their own (see `serve::run_build`): a page reloads without waiting for them.
pub fn machine_files(site: &Site) -> Files {
    crate::machine_files(site)
        .into_iter()
        .map(|(path, text)| (path, Body::Bytes(Arc::new(text.into_bytes()))))
        .collect()
}

fn content_failure(diagnostics: Diagnostics) -> Failure {
    Failure { kind: FailureKind::Content, diagnostics }
}

fn same_plan(a: &ImagePlan, b: &ImagePlan) -> bool {
    a.renditions == b.renditions && a.og == b.og
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tutorial(title: &str) -> String {
        format!(
            "title: {{zh: \"{title}\", en: \"{title}\"}}\ndate: 2024-05-01\ntags: [t]\nsteps:\n  - text: {{zh: 一, en: one}}\n"
        )
    }

    fn page(b: &Builder, path: &str) -> String {
        match b.files().get(path) {
            Some(Body::Bytes(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
            _ => panic!("no {path}"),
        }
    }

    fn pages(b: &Builder) -> std::collections::BTreeMap<&str, &[u8]> {
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
        let mut served = Builder::new(root);
        served.rebuild(Scope::Everything, None).unwrap();
        let before = served.site().unwrap();

        // a/one leaves `pay` and `card` for `orders` and `refund`, with other title words.
        let one = std::fs::canonicalize(root.join("content/a/one.yaml")).unwrap();
        write("a/one", "Cancel an order and refund it", "orders, refund");
        let outcome = served.rebuild(Scope::Content, Some(std::slice::from_ref(&one))).unwrap();
        assert!(outcome.changed && !outcome.full);
        assert!(outcome.rendered < outcome.pages, "{} of {} pages rendered", outcome.rendered, outcome.pages);
        let after = served.site().unwrap();
        let related = |site: &Site, id: &str| -> Vec<String> {
            site.related[site.index[id]].iter().map(|&j| site.tutorials[j].id.clone()).collect()
        };
        let others: Vec<&str> = ["a/two", "a/three", "b/four", "b/five", "b/six"]
            .into_iter()
            .filter(|id| related(&before, id) != related(&after, id))
            .collect();
        assert!(!others.is_empty(), "the edit changes no other tutorial's related list");
        // Untouched tutorials are shared between the two versions of the site.
        let shared = |id: &str| Arc::ptr_eq(&before.tutorials[before.index[id]], &after.tutorials[after.index[id]]);
        assert!(shared("b/six") && !shared("a/one"));

        let mut fresh = Builder::new(root);
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
        let mut b = Builder::new(root);
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
