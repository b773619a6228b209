//! Stage 2: raw files -> a validated, immutable [`Site`].
//!
//! Files are decoded in parallel, each collecting its own problems; then the checks that
//! need the whole site run (related ids, authors, id clashes, screenshots on disk). The
//! derived indexes (categories' questions, tags, related articles) are computed here once,
//! so rendering is a pure function of `&Site`.

pub mod decode;
pub mod related;
pub mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::i18n::lock::{LOCK_FILE, Lock};
use crate::i18n::{self, TextsMut};
use crate::images;
use crate::load::{CONTENT_DIR, RawContent};
use decode::{DecodedTutorial, Decoder, ImageRef};
pub use types::*;

/// Top-level names under `/{lang}/` that the generator itself uses.
pub const RESERVED_NAMES: &[&str] = &["tags", "search", "static", "img", "404"];

static NEXT_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub root: PathBuf,
    /// Sorted by id. Shared between the versions of a site the preview server builds:
    /// a tutorial whose file did not change is the same allocation in both.
    pub tutorials: Vec<Arc<Tutorial>>,
    pub index: HashMap<String, usize>,
    /// Every category, including folders without `_category.yaml`.
    pub categories: BTreeMap<String, Category>,
    pub authors: BTreeMap<String, Author>,
    pub images: BTreeMap<String, ImageInfo>,
    /// Category path -> its direct tutorials, newest first.
    pub category_tutorials: BTreeMap<String, Vec<usize>>,
    /// Category path ("" for the top) -> its direct subcategories, in display order.
    pub subcategories: BTreeMap<String, Vec<String>>,
    /// Tag slug -> tutorials, newest first.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// Tutorial index -> related tutorial indexes.
    pub related: Vec<Vec<usize>>,
    /// `content/_authors.yaml`, when the site has one.
    pub authors_file: Option<PathBuf>,
    /// The translation records (`i18n.lock`); outdated texts are already marked.
    pub lock: Lock,
    /// Every tutorial index, newest (last changed) first, ties by id.
    newest_first: Vec<usize>,
    /// Category path -> tutorials in it and below it.
    counts_under: HashMap<String, usize>,
    generation: u64,
}

impl Site {
    pub fn source_lang(&self) -> &str {
        self.config.source_lang()
    }

    /// Where the translation records live: `i18n.lock` beside `site.toml`.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(LOCK_FILE)
    }

    pub fn tutorial(&self, id: &str) -> Option<&Tutorial> {
        self.index.get(id).map(|&i| &*self.tutorials[i])
    }

    /// A number no other `Site` of this process has: what a cache of derived views is
    /// keyed by.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Tutorial indexes, newest (last changed) first, ties by id.
    pub fn latest(&self) -> &[usize] {
        &self.newest_first
    }

    /// Every tutorial under a category, its subcategories' included.
    pub fn count_under(&self, path: &str) -> usize {
        self.counts_under.get(path).copied().unwrap_or(0)
    }

    /// The chain of categories from the top down to `path`, inclusive.
    pub fn category_chain(&self, path: &str) -> Vec<&Category> {
        let mut chain = Vec::new();
        let mut cur = path;
        while !cur.is_empty() {
            if let Some(c) = self.categories.get(cur) {
                chain.push(c);
            }
            cur = cur.rsplit_once('/').map_or("", |(p, _)| p);
        }
        chain.reverse();
        chain
    }
}

/// Builds the site model from loaded files. Returns `None` if any error was found; the
/// diagnostics hold every problem (and warning) either way.
pub fn build_site(root: &Path, config: SiteConfig, raw: RawContent) -> (Option<Site>, Diagnostics) {
    // Per-file decoding, in parallel.
    let decoded: Vec<Arc<Decoded>> =
        raw.tutorials.par_iter().map(|f| Arc::new(Decoder::new(&f.path, &config.languages).tutorial(f))).collect();
    finish_site(root, config, &raw, &decoded, None)
}

/// [`build_site`], decoding only the tutorial files that changed since the last call with
/// the same cache (the preview server reloads the site after every edit). A file that did
/// not change gives the new site the very `Arc<Tutorial>` of the last one.
pub fn build_site_cached(
    root: &Path,
    config: SiteConfig,
    raw: &RawContent,
    cache: &mut DecodeCache,
) -> (Option<Site>, Diagnostics) {
    let decoded = cache.decode(&raw.tutorials, &config.languages);
    finish_site(root, config, raw, &decoded, Some(&mut cache.related))
}

/// One tutorial file, decoded, and what decoding it reported.
type Decoded = (DecodedTutorial, Diagnostics);

/// Decoded tutorial files by path, with the id and text they were decoded from, and what
/// the related lists were computed from.
#[derive(Default)]
pub struct DecodeCache {
    languages: Vec<String>,
    related: related::Memo,
    entries: HashMap<PathBuf, CacheEntry>,
}

struct CacheEntry {
    key: String,
    text: Arc<str>,
    decoded: Arc<Decoded>,
}

impl CacheEntry {
    fn holds(&self, f: &crate::load::SourceFile) -> bool {
        // A file not read again since is the same allocation.
        self.key == f.key && (Arc::ptr_eq(&self.text, &f.text) || self.text == f.text)
    }
}

impl DecodeCache {
    fn decode(&mut self, files: &[crate::load::SourceFile], langs: &[String]) -> Vec<Arc<Decoded>> {
        if self.languages != langs {
            self.entries.clear();
            self.related = related::Memo::default();
            self.languages = langs.to_vec();
        }
        let entries = &self.entries;
        // `true` marks a file decoded now, to be remembered.
        let decoded: Vec<(bool, Arc<Decoded>)> = files
            .par_iter()
            .map(|f| match entries.get(&f.path) {
                Some(e) if e.holds(f) => (false, Arc::clone(&e.decoded)),
                _ => (true, Arc::new(Decoder::new(&f.path, langs).tutorial(f))),
            })
            .collect();
        if self.entries.len() != files.len() || decoded.iter().any(|(new, _)| *new) {
            let present: std::collections::HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
            self.entries.retain(|p, _| present.contains(p.as_path()));
        }
        for (f, (new, d)) in files.iter().zip(&decoded) {
            if *new {
                let entry = CacheEntry { key: f.key.clone(), text: Arc::clone(&f.text), decoded: Arc::clone(d) };
                self.entries.insert(f.path.clone(), entry);
            }
        }
        decoded.into_iter().map(|(_, d)| d).collect()
    }
}

fn finish_site(
    root: &Path,
    config: SiteConfig,
    raw: &RawContent,
    decoded: &[Arc<Decoded>],
    related_memo: Option<&mut related::Memo>,
) -> (Option<Site>, Diagnostics) {
    let langs = config.languages.clone();
    let mut diags = Diagnostics::new();
    let content_dir = root.join(CONTENT_DIR);
    let mut categories = BTreeMap::new();
    for file in &raw.categories {
        let (cat, d) = Decoder::new(&file.path, &langs).category(file);
        diags.extend(d);
        if let Some(c) = cat {
            categories.insert(c.path.clone(), c);
        }
    }
    let mut authors = BTreeMap::new();
    if let Some(file) = &raw.authors {
        let (list, d) = Decoder::new(&file.path, &langs).authors(file);
        diags.extend(d);
        for a in list {
            authors.insert(a.id.clone(), a);
        }
    }

    let mut tutorials: Vec<Arc<Tutorial>> = Vec::with_capacity(decoded.len());
    let mut image_refs: Vec<&ImageRef> = Vec::new();
    let mut checks = Vec::with_capacity(decoded.len());
    for (entry, file) in decoded.iter().zip(&raw.tutorials) {
        let (t, d) = &**entry;
        d.iter().for_each(|d| diags.push(d.clone()));
        image_refs.extend(&t.images);
        checks.push((&file.path, &t.related_refs, &t.author_ref));
        if let Some(t) = &t.tutorial {
            tutorials.push(Arc::clone(t));
        }
    }
    tutorials.sort_by(|a, b| a.id.cmp(&b.id));
    let index: HashMap<String, usize> = tutorials.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();

    // References between files. A tutorial that failed to decode still exists as an id.
    let all_ids: BTreeSet<&str> = raw.tutorials.iter().map(|f| f.key.as_str()).collect();
    for (file, related, author) in &checks {
        for r in related.iter() {
            if !all_ids.contains(r.id.as_str()) {
                let mut d = Diagnostic::error(file, Some(r.pos), format!("related tutorial `{}` does not exist", r.id));
                d.hint = Some(match did_you_mean(&r.id, all_ids.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "an id is the file's path under content/ without `.yaml`".into(),
                });
                diags.push(d);
            }
        }
        if let Some(a) = author.as_ref()
            && !authors.contains_key(&a.id)
        {
            let mut d =
                Diagnostic::error(file, Some(a.pos), format!("author `{}` is not in content/_authors.yaml", a.id));
            d.hint = Some(match did_you_mean(&a.id, authors.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "add the author to content/_authors.yaml with a name and bio".into(),
            });
            diags.push(d);
        }
    }

    check_names(&tutorials, &raw.folders, &content_dir, &mut diags);
    let category_files: BTreeSet<&str> = raw.categories.iter().map(|f| f.key.as_str()).collect();
    add_implicit_categories(&tutorials, &mut categories, &category_files, &content_dir, &langs[0], &mut diags);
    let cache = root.join(images::CACHE_DIR).join("img");
    let images = check_images(&content_dir, &config, &image_refs, &cache, &mut diags);

    let lock = match &raw.lock {
        Some(file) => {
            let (lock, d) = Lock::parse(&file.text, &file.path);
            diags.extend(d);
            lock
        }
        None => Lock::default(),
    };
    if diags.has_errors() {
        return (None, diags);
    }
    let authors_file = raw.authors.as_ref().map(|f| f.path.clone());
    let texts = TextsMut {
        tutorials: &mut tutorials,
        categories: &mut categories,
        authors: &mut authors,
        authors_file: authors_file.as_deref(),
    };
    diags.extend(i18n::apply_lock(texts, &lock, &langs));

    let related = match related_memo {
        Some(memo) => related::compute_with_memo(&tutorials, &index, &langs, memo),
        None => related::compute(&tutorials, &index, &langs),
    };
    let newest_first = |list: &mut Vec<usize>| {
        list.sort_by(|&a, &b| {
            let (ta, tb) = (&tutorials[a], &tutorials[b]);
            tb.last_changed().cmp(&ta.last_changed()).then_with(|| ta.id.cmp(&tb.id))
        })
    };
    let mut category_tutorials: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    // Keys are cloned once per category or tag, not once per tutorial.
    let post = |map: &mut BTreeMap<String, Vec<usize>>, key: &str, i: usize| match map.get_mut(key) {
        Some(list) => list.push(i),
        None => {
            map.insert(key.to_string(), vec![i]);
        }
    };
    for (i, t) in tutorials.iter().enumerate() {
        post(&mut category_tutorials, &t.category, i);
        for tag in &t.tags {
            post(&mut tags, tag, i);
        }
    }
    category_tutorials.values_mut().for_each(newest_first);
    tags.values_mut().for_each(newest_first);
    let mut latest: Vec<usize> = (0..tutorials.len()).collect();
    newest_first(&mut latest);
    let mut counts_under: HashMap<String, usize> = HashMap::new();
    for t in &tutorials {
        let mut cur = t.category.as_str();
        loop {
            match counts_under.get_mut(cur) {
                Some(n) => *n += 1,
                None => {
                    counts_under.insert(cur.to_string(), 1);
                }
            }
            if cur.is_empty() {
                break;
            }
            cur = cur.rsplit_once('/').map_or("", |(p, _)| p);
        }
    }

    let mut subcategories: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in categories.values() {
        subcategories.entry(c.parent().unwrap_or("").to_string()).or_default().push(c.path.clone());
    }
    for list in subcategories.values_mut() {
        list.sort_by(|a, b| (categories[a].order, a).cmp(&(categories[b].order, b)));
    }

    let site = Site {
        config,
        root: root.to_path_buf(),
        tutorials,
        index,
        categories,
        authors,
        images,
        category_tutorials,
        subcategories,
        tags,
        related,
        authors_file,
        lock,
        newest_first: latest,
        counts_under,
        generation: NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    };
    (Some(site), diags)
}

/// File and folder names become URLs: they must be lowercase ASCII words, must not clash
/// with each other or with the generator's own pages.
fn check_names(tutorials: &[Arc<Tutorial>], folders: &[String], content_dir: &Path, diags: &mut Diagnostics) {
    let folder_set: BTreeSet<&str> = folders.iter().map(String::as_str).collect();
    // Every folder that (through its subfolders) holds a tutorial.
    let mut with_tutorials: BTreeSet<&str> = BTreeSet::new();
    for t in tutorials {
        let mut cur = t.category.as_str();
        while !cur.is_empty() && with_tutorials.insert(cur) {
            cur = cur.rsplit_once('/').map_or("", |(p, _)| p);
        }
    }
    for t in tutorials {
        for (i, seg) in t.id.split('/').enumerate() {
            let is_last = i == t.id.matches('/').count();
            if !is_url_safe(seg) {
                let what = if is_last { "file name" } else { "folder name" };
                diags.push(
                    Diagnostic::error(&t.file, None, format!("the {what} `{seg}` cannot be used in a URL"))
                        .with_hint(format!("use lowercase letters, digits and `-`, e.g. `{}`", suggest_slug(seg))),
                );
            }
            if i == 0 && RESERVED_NAMES.contains(&seg) {
                diags.push(
                    Diagnostic::error(&t.file, None, format!("`{seg}` is reserved for stepwise's own pages"))
                        .with_hint("rename the file or folder"),
                );
            }
        }
        // A screenshot folder beside the tutorial is normal; one holding tutorials is a category.
        if folder_set.contains(t.id.as_str()) && with_tutorials.contains(t.id.as_str()) {
            diags.push(
                Diagnostic::error(
                    &t.file,
                    None,
                    format!(
                        "`{}` is both a tutorial and a category folder with tutorials: their pages would share a URL",
                        t.id
                    ),
                )
                .with_hint(format!("rename the tutorial file or the folder `{}`", content_dir.join(&t.id).display())),
            );
        }
    }
}

fn is_url_safe(seg: &str) -> bool {
    !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn suggest_slug(seg: &str) -> String {
    let s = decode::tag_slug(seg);
    let ascii: String = s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if ascii.is_empty() { "my-tutorial".into() } else { ascii }
}

/// Every folder that holds tutorials is a category, with or without `_category.yaml`.
fn add_implicit_categories(
    tutorials: &[Arc<Tutorial>],
    categories: &mut BTreeMap<String, Category>,
    category_files: &BTreeSet<&str>,
    content_dir: &Path,
    source: &str,
    diags: &mut Diagnostics,
) {
    let mut needed: BTreeSet<String> = BTreeSet::new();
    let mut last = "";
    for t in tutorials {
        // Tutorials are sorted by id: a category's tutorials mostly follow each other.
        if t.category == last {
            continue;
        }
        last = &t.category;
        let mut cur = t.category.as_str();
        while !cur.is_empty() && !needed.contains(cur) {
            needed.insert(cur.to_string());
            cur = cur.rsplit_once('/').map_or("", |(p, _)| p);
        }
    }
    // A category whose parent folder has a `_category.yaml` but no tutorials of its own
    // still needs the parent as a category.
    let declared: Vec<String> = categories.keys().cloned().collect();
    for path in declared {
        let mut cur = path.rsplit_once('/').map_or("", |(p, _)| p);
        while !cur.is_empty() {
            needed.insert(cur.to_string());
            cur = cur.rsplit_once('/').map_or("", |(p, _)| p);
        }
    }
    for path in needed {
        // A `_category.yaml` with errors has been reported already.
        if categories.contains_key(&path) || category_files.contains(path.as_str()) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(&path);
        let title = name.replace(['-', '_'], " ");
        diags.push(
            Diagnostic::warning(
                content_dir.join(&path),
                None,
                format!("the category folder has no `_category.yaml`; its title is \"{title}\" in every language"),
            )
            .with_hint("add _category.yaml with `title: {zh: ..., en: ...}`"),
        );
        categories.insert(
            path.clone(),
            Category {
                path,
                file: None,
                title: Localized::everywhere(title, Default::default(), source),
                description: None,
                order: i64::MAX,
            },
        );
    }
}

/// Probes every referenced screenshot once (in parallel) and reports problems at each
/// step that uses a bad one.
fn check_images(
    content_dir: &Path,
    config: &SiteConfig,
    refs: &[&ImageRef],
    cache: &Path,
    diags: &mut Diagnostics,
) -> BTreeMap<String, ImageInfo> {
    let keys: BTreeSet<String> = refs.iter().map(|r| r.path.to_string_lossy().replace('\\', "/")).collect();
    let keys: Vec<String> = keys.into_iter().collect();
    let results: Vec<(String, Result<ImageInfo, images::ImageProblem>)> =
        keys.par_iter().map(|k| (k.clone(), images::probe(content_dir, k, &config.images, Some(cache)))).collect();
    let mut ok = BTreeMap::new();
    let mut bad = HashMap::new();
    for (k, r) in results {
        match r {
            Ok(info) => {
                ok.insert(k, info);
            }
            Err(p) => {
                bad.insert(k, p);
            }
        }
    }
    for r in refs {
        let key = r.path.to_string_lossy().replace('\\', "/");
        if let Some(p) = bad.get(&key) {
            let mut d =
                Diagnostic::error(&r.file, Some(r.pos), format!("`{}` ({}): {}", r.field, r.written, p.message));
            d.hint = p.hint.clone();
            diags.push(d);
        }
    }
    ok
}
