//! stepwise: guided, illustrated, bilingual help tutorials -> a static help center.
//!
//! The pipeline, one module per stage:
//! `config` + `load` (disk -> raw files) -> `model` (validated, immutable `Site`) ->
//! `render` (pure: `&Site` + page key -> HTML) -> `output` (atomic write).
//! This file wires the stages together and does nothing else. The library never prints:
//! it returns reports and diagnostics for the binary to show.

pub mod config;
pub mod diagnostics;
pub mod i18n;
pub mod images;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod tokenize;
pub mod yaml_edit;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use diagnostics::{Diagnostic, Diagnostics};
use model::Site;
use render::{PageKey, Renderer};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The folder holding `site.toml`.
    pub root: PathBuf,
    /// Where to write; `root/public` when `None`.
    pub output: Option<PathBuf>,
    /// For publishing: no translation-status badges on the pages.
    pub production: bool,
    /// Replace a non-empty output folder that stepwise did not make.
    pub force: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub images: images::process::ImageStats,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
    /// Where the time went (`build --timings`).
    pub timings: Timings,
}

/// Wall time of each phase of a build, and for the phase that renders and writes, the time
/// its threads spent on each job, summed over threads (so it can exceed the phase's wall time).
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// Reading, parsing and validating content, compiling templates.
    pub load: Duration,
    pub screenshots: Duration,
    /// Pages and machine files, rendered and written in parallel.
    pub pages: Duration,
    /// Of `pages`: threads' time spent rendering pages...
    pub rendering_cpu: Duration,
    /// ...writing them to files...
    pub writing_cpu: Duration,
    /// ...and making the search index, sitemap and feeds (and writing them).
    pub machine_files_cpu: Duration,
    /// Static files, screenshots' files, and the swap into place.
    pub publish: Duration,
}

/// Why a run failed. Content problems exit with 1, usage and I/O problems with 2.
#[derive(Debug)]
pub struct Failure {
    pub kind: FailureKind,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Content,
    Io,
}

impl Failure {
    fn content(diagnostics: Diagnostics) -> Self {
        Failure { kind: FailureKind::Content, diagnostics }
    }

    fn io(path: &Path, message: impl Into<String>) -> Self {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::error(path, None, message));
        Failure { kind: FailureKind::Io, diagnostics }
    }
}

/// Everything a build checks, without writing: the loaded site and the renderer.
pub struct Loaded {
    pub site: Site,
    pub renderer: Renderer,
    pub theme: theme::Theme,
    pub diagnostics: Diagnostics,
}

/// Stages 1 and 2 plus template compilation: all the validation a build does.
pub fn load(root: &Path) -> Result<Loaded, Failure> {
    let config = config::load(root).map_err(Failure::content)?;
    let (raw, mut diags) = load::load_content(root);
    let theme = theme::load(root, &config.theme);
    let (site, model_diags) = model::build_site(root, config, raw);
    diags.extend(model_diags);
    let theme = match theme {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let renderer = match (&site, &theme) {
        (Some(site), Some(theme)) => match Renderer::new(theme, &site.config.languages) {
            Ok(r) => Some(r),
            Err(d) => {
                diags.extend(d);
                None
            }
        },
        _ => None,
    };
    let diags = diags.sorted();
    match (site, renderer, theme) {
        (Some(site), Some(renderer), Some(theme)) if !diags.has_errors() => {
            Ok(Loaded { site, renderer, theme, diagnostics: diags })
        }
        _ => Err(Failure::content(diags)),
    }
}

/// `stepwise check`: validates everything a build would and renders every page in
/// memory (so template errors show up too), writing nothing; adds the translation QA
/// warnings (UI labels).
pub fn check(root: &Path) -> Result<Diagnostics, Failure> {
    let loaded = load(root)?;
    let pages = render::all_pages(&loaded.site);
    // Screenshots were checked while loading; the plan names their files without making them.
    let plan = images::plan(&loaded.site);
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|key| {
            loaded.renderer.render(&loaded.site, &plan, key).err().map(|e| render_diagnostic(&loaded.site, key, e))
        })
        .collect();
    let mut d = loaded.diagnostics;
    if errors.is_empty() {
        // Translation QA is `check`'s alone: a build need not repeat it.
        d.extend(i18n::labels::check(&loaded.site));
        Ok(d.sorted())
    } else {
        errors.into_iter().take(20).for_each(|e| d.push(e));
        Err(Failure::content(d.sorted()))
    }
}

/// The files that are not pages: sitemap, robots.txt, feeds and search indexes.
pub fn machine_files(site: &Site) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let _ = each_machine_file(site, |rel, text| -> Result<(), ()> {
        files.push((rel.to_string(), text));
        Ok(())
    });
    files
}

/// [`machine_files`], handed over one by one: a language's search index is made, handed
/// over and dropped before the next language's.
pub fn each_machine_file<E>(site: &Site, mut take: impl FnMut(&str, String) -> Result<(), E>) -> Result<(), E> {
    take("sitemap.xml", render::feeds::sitemap(site))?;
    take("robots.txt", render::feeds::robots(site))?;
    for lang in &site.config.languages {
        take(&format!("{lang}/atom.xml"), render::feeds::atom(site, lang))?;
        for (rel, text) in search::files(site, lang) {
            take(&rel, text)?;
        }
    }
    Ok(())
}

fn render_diagnostic(site: &Site, key: &PageKey, e: render::RenderError) -> Diagnostic {
    let file = site.root.join("templates").join(&e.template);
    Diagnostic::error(file, None, format!("rendering {}: {}", key.output_path(), e.message))
}

/// `stepwise build`: validates, renders every page in parallel and swaps the result in
/// for the output folder. On any error the previous output is left untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    let start = Instant::now();
    let mut timings = Timings::default();
    let out_dir = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
    if opts.root.join(config::CONFIG_FILE).is_file() {
        output::check_target(&opts.root, &out_dir, opts.force).map_err(|r| Failure {
            kind: FailureKind::Io,
            diagnostics: Diagnostics::from_iter([Diagnostic::error(&out_dir, None, r.message).with_hint(r.hint)]),
        })?;
    }
    let mut loaded = load(&opts.root)?;
    timings.load = start.elapsed();
    if opts.production {
        loaded.site.config.translation_badges = false;
    }
    let site = &loaded.site;
    let pages = render::all_pages(site);

    // Screenshots first (into the cache): pages need their sizes and whether WebP pays.
    let cache = opts.root.join(images::CACHE_DIR).join("img");
    let mut plan = images::plan(site);
    let phase = Instant::now();
    let image_stats =
        images::process::process(site, &mut plan, &cache).map_err(|e| Failure::io(&cache, e.to_string()))?;
    timings.screenshots = phase.elapsed();

    let phase = Instant::now();
    // Nanoseconds summed over the threads, per job.
    let (rendering, writing, machine) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let add = |job: &AtomicU64, since: Instant| job.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    let mut publish_start = phase;
    let result = output::write_atomically(&out_dir, |staging| -> Result<(), Failure> {
        let io = |e: std::io::Error| Failure::io(staging.path(), e.to_string());
        // Pages and the machine files at once: the sitemap and a language's search index
        // are built while the other core renders pages.
        let (rendered, machine) = rayon::join(
            || {
                pages.par_iter().try_for_each(|key| {
                    let t0 = Instant::now();
                    let html = loaded
                        .renderer
                        .render(site, &plan, key)
                        .map_err(|e| Failure::content(Diagnostics::from_iter([render_diagnostic(site, key, e)])))?;
                    let t1 = Instant::now();
                    add(&rendering, t0);
                    let written = staging.write(&key.output_path(), html.as_bytes()).map_err(io);
                    add(&writing, t1);
                    written
                })
            },
            || {
                let t0 = Instant::now();
                let done = each_machine_file(site, |rel, text| staging.write(rel, text.as_bytes()).map_err(io));
                add(&machine, t0);
                done
            },
        );
        rendered?;
        machine?;
        publish_start = Instant::now();
        for (rel, bytes) in &loaded.theme.static_files {
            staging.write(rel, bytes).map_err(io)?;
        }
        images::process::place(site, &plan, &cache, staging).map_err(|e| Failure::io(staging.path(), e.to_string()))
    });
    match result {
        Ok(()) => {}
        Err(output::OutputError::Fill(f)) => return Err(f),
        Err(output::OutputError::Io(path, e)) => return Err(Failure::io(&path, e.to_string())),
        Err(output::OutputError::Busy(path)) => {
            return Err(Failure::io(&path, "another stepwise build is writing this folder right now"));
        }
    }
    timings.pages = publish_start.duration_since(phase);
    timings.publish = publish_start.elapsed();
    let total = |job: AtomicU64| Duration::from_nanos(job.into_inner());
    (timings.rendering_cpu, timings.writing_cpu, timings.machine_files_cpu) =
        (total(rendering), total(writing), total(machine));
    Ok(BuildReport {
        pages: pages.len(),
        images: image_stats,
        output: out_dir,
        elapsed: start.elapsed(),
        diagnostics: loaded.diagnostics,
        timings,
    })
}
