//! The one pipeline every verb runs: read → decode → check → assemble → render into a
//! [`Sink`].
//!
//! 1. **read** (`config`, `load`, `theme`): `site.toml`, the content files, the theme;
//! 2. **decode** (`model::decode`): each tutorial file on its own, in parallel;
//! 3. **check** (`model::check_content`): what needs every file (ids, authors, names);
//! 4. **assemble**: the pipeline probes the screenshots the content names
//!    (`screenshot`), asks `i18n` which translations are outdated, and hands both to
//!    `model::assemble`, which computes the related articles and indexes: an immutable
//!    `Site`; the templates are compiled (`render::Renderer`);
//! 5. **render** (`render`): pages, machine files and assets (the theme's static files,
//!    the site's `static/` folder, screenshots) go to a sink, which decides where they
//!    end up: the staging folder (`build`), nowhere (`check`), memory (`serve`).
//!
//! A [`Pipeline`] keeps what it read and decoded between loads, so `serve` reloads a site
//! after an edit by reading and decoding only the files the edit touched, and learns from
//! [`changes`] which pages to render again. `build` and `check` load once.

pub(crate) mod changes;
mod decode_cache;
pub(crate) mod sink;
pub(crate) mod state;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, Failure, FailureKind};
use crate::fingerprint::Fingerprint;
use crate::i18n::{self, fields::Texts, lock::Lock};
use crate::images::{self, ImagePlan, process::ImageStats};
use crate::load::{self, CONTENT_DIR, RawContent};
use crate::model::{self, Content, Site, related};
use crate::progress::Progress;
use crate::render::{self, Input, ListItems, PageKey, RenderOptions, Renderer};
use crate::screenshot::{self, ImageInfo, Verified};
pub(crate) use crate::search::DocStore;
use crate::static_files::{self, STATIC_DIR, StaticFiles};
use crate::theme::{self, Theme};
pub(crate) use changes::{Changes, Summary};
use decode_cache::DecodeCache;
pub(crate) use sink::Sink;

/// Where `build` keeps decoded tutorial files, in `.stepwise-cache/`.
const DECODED_FILE: &str = "decoded.bin";
/// Pages a rendering thread takes at a time (see [`Pipeline::render`]).
const RENDER_PIECE: usize = 16;

/// What a run is for: it decides what may be written and what pages show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// `build`: the output folder and the cache are written; `production` drops the
    /// translator's aids (badges).
    Build { production: bool },
    /// `check` and the `i18n` verbs: nothing is written, the cache included.
    Check,
    /// `serve`: pages stay in memory; screenshots go through the cache.
    Preview,
}

/// A validated site, ready to render.
pub struct Loaded {
    pub site: Arc<Site>,
    /// The translation records the site was assembled with (`i18n.lock`).
    pub lock: Lock,
    pub(crate) theme: Arc<Theme>,
    /// The site's own `static/` folder.
    pub(crate) static_files: Arc<StaticFiles>,
    pub(crate) renderer: Arc<Renderer>,
    /// The question list items, made once per site (and kept for unchanged tutorials
    /// across the preview's loads).
    pub(crate) items: Arc<ListItems>,
    /// The warnings of the load (a loaded site has no errors).
    pub(crate) diagnostics: Diagnostics,
    /// What the next load is compared with.
    pub(crate) summary: Summary,
}

impl Loaded {
    pub(crate) fn input<'a>(&'a self, images: &'a ImagePlan) -> Input<'a> {
        Input { site: &self.site, images, items: &self.items }
    }

    /// Every page of the site.
    pub(crate) fn pages(&self) -> Vec<PageKey> {
        render::all_pages(&self.site, self.renderer.options())
    }

    /// The theme's static files that the site's `static/` folder replaces.
    pub fn replaced_theme_files(&self) -> Vec<&str> {
        self.static_files
            .files
            .keys()
            .filter(|k| self.theme.static_files.contains_key(*k))
            .map(String::as_str)
            .collect()
    }

    /// How many files the site's `static/` folder publishes.
    pub fn static_file_count(&self) -> usize {
        self.static_files.files.len()
    }
}

/// What changed on disk since the last load, as far as the site cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reload<'a> {
    /// `site.toml`, the theme or the templates (or nothing is known): read everything.
    Everything,
    /// Files under `content/` and `i18n.lock`: these paths (absolute), or unknown ones.
    Content(Option<&'a [PathBuf]>),
}

pub(crate) struct Pipeline {
    root: PathBuf,
    /// `root/content`, canonical: watchers name canonical paths.
    content: PathBuf,
    purpose: Purpose,
    /// The content files as last read, and what reading them reported.
    raw: Option<(RawContent, Diagnostics)>,
    decoded: DecodeCache,
    related: related::Memo,
    /// The last load that was committed: what the next load is compared with.
    last: Option<Arc<Loaded>>,
    /// The theme or configuration changed since the last commit: the next load reads
    /// everything, even if only content changed since.
    needs_full: bool,
    /// Progress bars for long phases (a build on a terminal).
    progress: Progress,
    /// The content files were just read (by [`Pipeline::inputs`]): the next load uses them.
    read_now: bool,
    /// The site's `static/` files [`Pipeline::inputs`] read, for the next load.
    static_read: Option<(StaticFiles, Diagnostics)>,
}

impl Pipeline {
    pub(crate) fn new(root: &Path, purpose: Purpose) -> Pipeline {
        let content = root.join(CONTENT_DIR);
        // `build` keeps decoded files between runs; `check` reads them but writes nothing.
        let decoded = match purpose {
            Purpose::Build { .. } | Purpose::Check => {
                DecodeCache::kept_in(root.join(images::CACHE_DIR).join(DECODED_FILE))
            }
            Purpose::Preview => DecodeCache::default(),
        };
        Pipeline {
            root: root.to_path_buf(),
            content: std::fs::canonicalize(&content).unwrap_or(content),
            purpose,
            raw: None,
            decoded,
            related: related::Memo::default(),
            last: None,
            needs_full: true,
            read_now: false,
            static_read: None,
            progress: Progress::off(),
        }
    }

    /// Shows the progress of long phases (see [`Progress`]).
    pub(crate) fn with_progress(mut self, progress: Progress) -> Pipeline {
        self.progress = progress;
        self
    }

    /// The fingerprint of everything a load reads (site.toml, the content files, the
    /// translation records, the theme and templates), and the content files read for the
    /// next load. `None` when site.toml cannot be read.
    pub(crate) fn inputs(&mut self) -> Option<u64> {
        let mut f = Fingerprint::new();
        f.bytes(&std::fs::read(self.root.join(config::CONFIG_FILE)).ok()?);
        let config = config::load(&self.root).ok()?;
        match theme::load(&self.root, &config.theme) {
            Ok(theme) => f.u64(theme.fingerprint()),
            Err(diags) => f.debug(&diags),
        };
        let (raw, diags) = self.raw.insert(load::load_content(&self.root));
        self.read_now = true;
        // Hashed in parallel: ten thousand tutorials are tens of megabytes.
        let files: Vec<&load::SourceFile> =
            raw.tutorials.iter().chain(&raw.categories).chain(&raw.authors).chain(&raw.tags).chain(&raw.lock).collect();
        let each: Vec<u64> = files
            .par_iter()
            .map(|file| Fingerprint::new().debug(&file.path).u64(file.fingerprint()).finish())
            .collect();
        for file in each {
            f.u64(file);
        }
        f.debug(&raw.folders).debug(diags);
        // The site's static/ files are published as they are: a new CNAME is a change.
        let (files, diags) =
            self.static_read.insert(static_files::read(&self.root, config.images.limits.max_file_bytes));
        for (path, bytes) in &files.files {
            f.str(path).bytes(bytes);
        }
        f.debug(&*diags);
        Some(f.finish())
    }

    /// Lets the next load take the related lists of `memo` (a previous build's) if it
    /// would compute them from the same tutorials.
    pub(crate) fn with_related(mut self, memo: related::Memo) -> Pipeline {
        self.related = memo;
        self
    }

    /// The last committed load.
    pub(crate) fn last(&self) -> Option<&Arc<Loaded>> {
        self.last.as_ref()
    }

    /// Reads and validates the site; `reload` says what changed since the last load.
    /// Returns the loaded site and the pages that differ from the last committed load's
    /// (every page on the first load). Every problem of the site is in the failure.
    pub(crate) fn load(&mut self, reload: Reload<'_>) -> Result<(Loaded, Changes), Failure> {
        if !self.root.join(config::CONFIG_FILE).is_file() {
            return Err(not_a_site(&self.root));
        }
        let paths = match reload {
            Reload::Everything => None,
            Reload::Content(paths) => paths,
        };
        if matches!(reload, Reload::Everything) {
            self.needs_full = true;
        }
        let static_read = self.static_read.take();
        if !std::mem::take(&mut self.read_now) && (self.needs_full || !self.reread(paths)) {
            self.raw = None;
        }
        let config = config::load(&self.root).map_err(Failure::content)?;
        // A content edit keeps the theme and the compiled templates of the last load.
        let keep = match &self.last {
            Some(last) if !self.needs_full && last.site.config == config => Some(Arc::clone(last)),
            _ => None,
        };
        let raw = self.raw.get_or_insert_with(|| load::load_content(&self.root));
        let mut diags = raw.1.clone();
        let theme = match &keep {
            Some(last) => Ok(Arc::clone(&last.theme)),
            None => theme::load(&self.root, &config.theme).map(Arc::new),
        };
        let static_files = match &keep {
            Some(last) => Arc::clone(&last.static_files),
            None => {
                // What `inputs` read just before, else read now.
                let (files, d) =
                    static_read.unwrap_or_else(|| static_files::read(&self.root, config.images.limits.max_file_bytes));
                diags.extend(d);
                Arc::new(files)
            }
        };
        let decoding = self.progress.phase("Decoding", "files", raw.0.tutorials.len(), 10_000);
        let decoded = self.decoded.decode(&raw.0.tutorials, &config, &decoding);
        drop(decoding);
        if matches!(self.purpose, Purpose::Build { .. }) {
            self.decoded.save();
        }
        let (mut content, content_diags) = model::check_content(&self.root, &config, &raw.0, &decoded);
        diags.extend(content_diags);
        let images = probe_screenshots(&self.root, &config, &content, self.purpose, &mut diags);
        for b in &content.pixel_boxes {
            let size = b.image.as_ref().and_then(|key| images.get(key)).map(|i| (i.width, i.height));
            diags.push(b.diagnostic(size));
        }
        let lock = match &raw.0.lock {
            Some(file) => {
                let (lock, d) = Lock::parse(&file.text, &file.path);
                diags.extend(d);
                lock
            }
            None => Lock::default(),
        };
        let (outdated, warnings) = i18n::outdated(&self.root, Texts::of_content(&content), &lock, &config.languages);
        diags.extend(warnings);
        let options = RenderOptions::for_site(&config, matches!(self.purpose, Purpose::Build { production: true }));
        let renderer = match (&keep, &theme) {
            (Some(last), _) => Some(Arc::clone(&last.renderer)),
            (None, Ok(theme)) => {
                Renderer::new(theme, &config.languages, options).map_err(|d| diags.extend(d)).ok().map(Arc::new)
            }
            (None, Err(_)) => None,
        };
        let theme = theme.map_err(|d| diags.extend(d)).ok();
        let diagnostics = diags.sorted();
        let (Some(theme), Some(renderer)) = (theme, renderer) else { return Err(Failure::content(diagnostics)) };
        let path_links = std::mem::take(&mut content.path_links);
        if diagnostics.has_errors() {
            return Err(Failure::content(diagnostics));
        }
        if self.last.as_ref().is_some_and(|l| l.site.config.languages != config.languages) {
            self.related = related::Memo::default();
        }
        let site = model::assemble(config, content, images, outdated, &mut self.related);
        let diagnostics = if path_links.is_empty() {
            diagnostics
        } else {
            let mut diagnostics = diagnostics;
            check_path_links(&site, renderer.options(), &path_links, &mut diagnostics);
            diagnostics.sorted()
        };
        let summary = Summary::of(&site).rendered_with(theme.fingerprint());
        let (changes, items) = match &self.last {
            Some(last) if keep.is_some() => {
                let changes = changes::diff(&last.summary, &site, &summary);
                let items = ListItems::carry_over(&last.items, &last.site, &site, &changes.tutorials);
                (changes, items)
            }
            _ => (Changes::everything(), ListItems::new(&site)),
        };
        if self.purpose != Purpose::Preview {
            // Loaded once: what was read and decoded only serves a next load.
            self.raw = None;
            self.decoded = DecodeCache::default();
            self.related = related::Memo::default();
        }
        let loaded = Loaded {
            site: Arc::new(site),
            lock,
            theme,
            static_files,
            renderer,
            items: Arc::new(items),
            diagnostics,
            summary,
        };
        Ok((loaded, changes))
    }

    /// Makes `loaded` the load the next one is compared with (the preview's last good
    /// site). Returns the shared value.
    pub(crate) fn commit(&mut self, loaded: Loaded) -> Arc<Loaded> {
        let loaded = Arc::new(loaded);
        self.last = Some(Arc::clone(&loaded));
        self.needs_full = false;
        loaded
    }

    /// Brings the content files read last time up to date by re-reading the tutorial
    /// files among `paths`. False when that cannot be done (a file added or removed, a
    /// folder, a category or authors file, unknown paths): the content is read again.
    fn reread(&mut self, paths: Option<&[PathBuf]>) -> bool {
        let (Some((raw, diags)), Some(paths)) = (self.raw.as_mut(), paths) else { return false };
        let mut todo: Vec<usize> = Vec::new();
        for path in paths {
            // Anything outside content/ (the translation records) is read again with it.
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
        let content = load::content_folder(&self.root);
        for i in todo {
            let file = &mut raw.tutorials[i];
            let mut read = Diagnostics::new();
            let Some(text) = load::read_text(&file.path, &content, &mut read) else { return false };
            file.text = text.into();
            // Reading an existing file successfully leaves no diagnostic of its own.
            let path = file.path.clone();
            *diags = std::mem::take(diags).into_iter().filter(|d| d.file != path).collect();
        }
        true
    }

    /// The screenshot files `loaded` needs: planned, and (but for `check`) made into the
    /// cache.
    pub(crate) fn screenshots(&self, loaded: &Loaded) -> Result<(ImagePlan, ImageStats), Failure> {
        let mut plan = images::plan(&loaded.site);
        if self.purpose == Purpose::Check {
            return Ok((plan, ImageStats::default()));
        }
        let cache = images::cache_dir(&self.root);
        let encoding = self.progress.phase("Screenshots", "screenshots", plan.screenshot_count(), 20);
        let stats = images::process::process(&loaded.site, &mut plan, &cache, &|| encoding.tick())
            .map_err(|e| Failure::io(&cache, e.to_string()))?;
        Ok((plan, stats))
    }

    /// Renders `pages` into `sink`, in parallel, and says how long the threads spent
    /// rendering (summed). A template error fails the run, naming the template's file (the
    /// first 20 errors are reported).
    pub(crate) fn render(
        &self,
        loaded: &Loaded,
        images: &ImagePlan,
        pages: &[PageKey],
        sink: &dyn Sink,
    ) -> Result<Duration, Failure> {
        const MAX_ERRORS: usize = 20;
        let input = loaded.input(images);
        let failed = AtomicUsize::new(0);
        let rendering = AtomicU64::new(0);
        let progress = self.progress.phase("Rendering", "pages", pages.len(), 5_000);
        // In pieces small enough to steal: rayon otherwise renders a range of thousands
        // of pages in one go, and the other thread, done with the machine files, waited
        // up to a sixth of a second for its end.
        let results: Vec<Result<(), Failure>> = pages
            .par_iter()
            .with_max_len(RENDER_PIECE)
            .map(|key| {
                if failed.load(Ordering::Relaxed) >= MAX_ERRORS {
                    return Ok(());
                }
                let start = Instant::now();
                let html = loaded.renderer.render(&input, key).map_err(|e| {
                    failed.fetch_add(1, Ordering::Relaxed);
                    Failure::content(Diagnostics::from_iter([e.to_diagnostic()]))
                });
                rendering.fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
                let html = html?;
                let path = key.output_path();
                progress.tick();
                sink.page(&path, html).map_err(|e| write_failure(sink, &path, &e))
            })
            .collect();
        let mut failures = results.into_iter().filter_map(Result::err);
        let Some(mut first) = failures.next() else { return Ok(Duration::from_nanos(rendering.into_inner())) };
        for f in failures.take(MAX_ERRORS - 1) {
            first.diagnostics.extend(f.diagnostics);
        }
        first.diagnostics = first.diagnostics.sorted();
        Err(first)
    }

    /// The theme's static files, the site's `static/` folder (which replaces theme files
    /// of the same path, but no file stepwise makes) and the screenshot files (`images`
    /// made by [`Pipeline::screenshots`]).
    pub(crate) fn assets(&self, loaded: &Loaded, images: &ImagePlan, sink: &dyn Sink) -> Result<(), Failure> {
        let site_files = &loaded.static_files.files;
        let clashes = static_clashes(&self.root, loaded);
        if !clashes.is_empty() {
            return Err(Failure::content(clashes));
        }
        for (rel, bytes) in loaded.theme.static_files.iter().filter(|(rel, _)| !site_files.contains_key(*rel)) {
            sink.page(rel, bytes.clone()).map_err(|e| write_failure(sink, rel, &e))?;
        }
        for (rel, bytes) in site_files {
            sink.page(rel, bytes.clone()).map_err(|e| write_failure(sink, rel, &e))?;
        }
        let files = images.sources(&loaded.site, &images::cache_dir(&self.root));
        files.par_iter().try_for_each(|(rel, from)| sink.file(rel, from).map_err(|e| write_failure(sink, rel, &e)))
    }
}

/// Loads the site in `root` once, for a verb that reads it and renders nothing (the
/// `i18n` verbs, `init`'s first translation records).
pub fn load_once(root: &Path) -> Result<Loaded, Failure> {
    Pipeline::new(root, Purpose::Check).load(Reload::Everything).map(|(loaded, _)| loaded)
}

/// The sitemap, robots.txt, feeds and search indexes, handed to `sink` (a language's
/// search index is made, handed over and dropped before the next's); `docs` keeps what
/// the indexes take from each tutorial for the next time.
pub(crate) fn machine_files(loaded: &Loaded, sink: &dyn Sink, docs: &DocStore) -> std::io::Result<()> {
    let site = &loaded.site;
    // The sitemap and feeds beside the search indexes (after an edit they are all there
    // is to make); the indexes one language after another, to keep one in memory.
    let (feeds, search) = rayon::join(
        || -> std::io::Result<()> {
            for (rel, text) in render::feeds::sitemaps(site, loaded.renderer.options()) {
                sink.page(&rel, text.into_bytes())?;
            }
            sink.page("robots.txt", render::feeds::robots(site).into_bytes())?;
            for lang in &site.config.languages {
                sink.page(&format!("{lang}/atom.xml"), render::feeds::atom(site, lang).into_bytes())?;
            }
            Ok(())
        },
        || -> std::io::Result<()> {
            for lang in &site.config.languages {
                // Thousands of small files, each compared with what the folder holds.
                crate::search::files(site, lang, docs)
                    .into_par_iter()
                    .try_for_each(|(rel, text)| sink.page(&rel, text.into_bytes()))?;
            }
            Ok(())
        },
    );
    feeds.and(search)
}

/// The site's static files that would take the place of a file stepwise makes: a page,
/// a feed, the sitemap or robots.txt, the search index, a screenshot (`img/`), the output
/// folder's mark. Each is an error at the static file.
fn static_clashes(root: &Path, loaded: &Loaded) -> Diagnostics {
    let site = &loaded.site;
    let is_lang_path =
        |rel: &str| rel.split_once('/').is_some_and(|(first, _)| site.config.languages.get(first).is_some());
    // Only a file at the root or in a language's folder can take a page's place; the
    // page list is made only for those (a site's CNAME should cost no page list per edit).
    const ROOT_FILES: &[&str] = &["index.html", "404.html", "sitemap.xml", "robots.txt", crate::output::OUTPUT_MARKER];
    let candidates: Vec<&String> = loaded
        .static_files
        .files
        .keys()
        .filter(|rel| {
            is_lang_path(rel)
                || rel.starts_with("img/")
                || ROOT_FILES.contains(&rel.as_str())
                || *rel == "img"
                || site.config.languages.get(rel).is_some()
        })
        .collect();
    let mut diags = Diagnostics::new();
    if candidates.is_empty() {
        return diags;
    }
    let pages: std::collections::HashSet<String> = loaded.pages().iter().map(PageKey::output_path).collect();
    for rel in candidates {
        let rest = rel.split_once('/').map_or(rel.as_str(), |(_, rest)| rest);
        let what = if pages.contains(rel.as_str()) {
            Some("the page")
        } else if !rel.contains('/') && (rel == "img" || site.config.languages.get(rel).is_some()) {
            Some("the folder")
        } else if rel.starts_with("img/") {
            Some("the screenshots' folder")
        } else if rel == "sitemap.xml" {
            Some("the sitemap")
        } else if rel == "robots.txt" {
            Some("robots.txt")
        } else if rel == crate::output::OUTPUT_MARKER {
            Some("the mark of a stepwise output folder")
        } else if is_lang_path(rel) && rest == "atom.xml" {
            Some("the feed")
        } else if is_lang_path(rel) && (rest == "search-index.json" || rest.starts_with("search/")) {
            Some("the search index")
        } else {
            None
        };
        if let Some(what) = what {
            diags.push(
                Diagnostic::error(
                    root.join(STATIC_DIR).join(rel),
                    None,
                    format!("would replace {what} at `{rel}`, which stepwise generates"),
                )
                .with_hint(
                    "static/ adds files to the site and may replace the theme's (style.css, favicon.svg), not \
                     what stepwise generates: rename or move this file",
                ),
            );
        }
    }
    diags
}

fn write_failure(sink: &dyn Sink, rel: &str, e: &std::io::Error) -> Failure {
    Failure::io(&sink.location().join(rel), format!("cannot write: {e}"))
}

fn not_a_site(root: &Path) -> Failure {
    let shown = crate::diagnostics::display_path(root);
    let shown = if shown.is_empty() { ".".to_string() } else { shown };
    let d = Diagnostic::error(
        root.join(config::CONFIG_FILE),
        None,
        format!("not a stepwise site: no site.toml in {shown}"),
    )
    .with_hint("run stepwise in the site's folder, pass `--root DIR`, or create a site with `stepwise init DIR`");
    Failure { kind: FailureKind::Io, diagnostics: Diagnostics::from_iter([d]) }
}

/// Checks and measures every screenshot the content names, once each (in parallel), and
/// reports a bad one at every step that uses it. `check` reads the marks of verified
/// files but never writes one.
fn probe_screenshots(
    root: &Path,
    config: &SiteConfig,
    content: &Content,
    purpose: Purpose,
    diags: &mut Diagnostics,
) -> BTreeMap<String, ImageInfo> {
    let folder = load::content_folder(root);
    let cache = images::cache_dir(root);
    let verified = Verified { dir: &cache, record: purpose != Purpose::Check };
    let mut keys: Vec<String> =
        content.image_refs.iter().map(|r| r.path.to_string_lossy().replace('\\', "/")).collect();
    keys.sort();
    keys.dedup();
    let results: Vec<(String, Result<ImageInfo, screenshot::ImageProblem>)> = keys
        .into_par_iter()
        .map(|k| {
            let r = screenshot::probe(&folder, &k, &config.images.limits, Some(verified));
            (k, r)
        })
        .collect();
    let mut found = BTreeMap::new();
    let mut bad = BTreeMap::new();
    for (k, r) in results {
        match r {
            Ok(info) => {
                found.insert(k, info);
            }
            Err(p) => {
                bad.insert(k, p);
            }
        }
    }
    for r in &content.image_refs {
        let key = r.path.to_string_lossy().replace('\\', "/");
        if let Some(p) = bad.get(&key) {
            diags.push(screenshot_problem(r, p));
        }
    }
    found
}

/// The error for a refused screenshot, at the step that names it.
pub(crate) fn screenshot_problem(r: &model::decode::ImageRef, p: &screenshot::ImageProblem) -> Diagnostic {
    let mut d = Diagnostic::error(&r.file, Some(r.pos), format!("`{}` ({}): {}", r.field, r.written, p.message));
    d.hint = p.hint_for(&r.written);
    d
}

/// A relative link of a tutorial to anything but a tutorial must lead to a page the build
/// makes (from the page of the text's language): a warning otherwise.
fn check_path_links(site: &Site, options: RenderOptions, links: &[model::links::PathLink], diags: &mut Diagnostics) {
    let pages: std::collections::HashSet<String> =
        render::all_pages(site, options).iter().flat_map(|p| [p.url_path(), p.output_path()]).collect();
    for link in links {
        let from = PageKey::Tutorial { lang: link.lang.clone(), id: link.tutorial.clone() }.dir();
        let target = join_url(&from, &percent_decode(&link.path));
        let made = target.as_ref().is_some_and(|t| {
            t.is_empty()
                || pages.contains(t)
                || pages.contains(&format!("{t}/"))
                || pages.contains(&format!("{t}index.html"))
        });
        if made {
            continue;
        }
        let place = match &target {
            Some(t) => format!("`{t}`, which the build does not make"),
            None => "out of the site".to_string(),
        };
        diags.push(
            Diagnostic::warning(&link.file, Some(link.pos), format!("the link `{}` leads to {place}", link.written))
                .with_hint(
                    "link to another tutorial by its YAML file (`other.yaml`, `../folder/other.yaml#step-2`), \
                     or to another site by its full address",
                ),
        );
    }
}

/// `rel` followed from the folder `dir` (both output-relative, `/`-separated); `None` if
/// it climbs above the output root.
fn join_url(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = rel.ends_with('/') || rel.ends_with("/.") || rel.ends_with("..") || rel == ".";
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// `%E5%AF%86` -> `密`; anything not a valid escape is kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
