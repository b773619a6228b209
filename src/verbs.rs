//! `build` and `check`: the pipeline with a folder, or nothing, as the sink. `check` adds
//! what only it reports: the UI-label QA, a missing `[description]` (with the TOML to
//! paste) and language codes that are likely a mistake.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics, Failure, FailureKind};
use crate::images::process::ImageStats;
use crate::output::{self, OutputError};
use crate::pipeline::sink::{FolderSink, NullSink};
use crate::pipeline::{self, Pipeline, Purpose, Reload};

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
    pub images: ImageStats,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
    /// Where the time went (`build --timings`).
    pub timings: Timings,
    /// Files published from the site's `static/` folder.
    pub static_files: usize,
    /// The theme's static files that the site's `static/` replaced (`favicon.svg`).
    pub replaced_theme_files: Vec<String>,
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

/// `stepwise build`: validates, renders every page in parallel and swaps the result in
/// for the output folder. On any error the previous output is left untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    let start = Instant::now();
    let mut timings = Timings::default();
    let out_dir = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
    if opts.root.join(crate::config::CONFIG_FILE).is_file() {
        output::check_target(&opts.root, &out_dir, opts.force).map_err(|r| Failure {
            kind: FailureKind::Io,
            diagnostics: Diagnostics::from_iter([Diagnostic::error(&out_dir, None, r.message).with_hint(r.hint)]),
        })?;
    }
    let mut pipeline = Pipeline::new(&opts.root, Purpose::Build { production: opts.production });
    let (loaded, _) = pipeline.load(Reload::Everything)?;
    timings.load = start.elapsed();
    let pages = loaded.pages();

    // Screenshots first (into the cache): pages need their sizes and whether WebP pays.
    let phase = Instant::now();
    let (plan, image_stats) = pipeline.screenshots(&loaded)?;
    timings.screenshots = phase.elapsed();

    let phase = Instant::now();
    let machine = AtomicU64::new(0);
    let mut publish_start = phase;
    let (mut writing, mut rendering) = (Duration::ZERO, Duration::ZERO);
    let result = output::write_atomically(&out_dir, |staging| -> Result<(), Failure> {
        let sink = FolderSink::new(staging);
        // Pages and the machine files at once: the sitemap and a language's search index
        // are built while the other core renders pages.
        let (rendered, machine_files) = rayon::join(
            || pipeline.render(&loaded, &plan, &pages, &sink),
            || {
                let t0 = Instant::now();
                let done = pipeline::machine_files(&loaded, &sink)
                    .map_err(|e| Failure::io(staging.path(), format!("cannot write: {e}")));
                machine.fetch_add(t0.elapsed().as_nanos() as u64, Ordering::Relaxed);
                done
            },
        );
        rendering = rendered?;
        machine_files?;
        writing = sink.writing();
        publish_start = Instant::now();
        pipeline.assets(&loaded, &plan, &sink)
    });
    match result {
        Ok(()) => {}
        Err(OutputError::Fill(f)) => return Err(with_warnings(f, &loaded)),
        Err(OutputError::Io(path, e)) => return Err(Failure::io(&path, e.to_string())),
        Err(OutputError::Busy(path)) => {
            return Err(Failure::io(&path, "another stepwise build is writing this folder right now"));
        }
    }
    timings.pages = publish_start.duration_since(phase);
    timings.publish = publish_start.elapsed();
    timings.machine_files_cpu = Duration::from_nanos(machine.into_inner());
    timings.writing_cpu = writing;
    timings.rendering_cpu = rendering;
    Ok(BuildReport {
        pages: pages.len(),
        images: image_stats,
        output: out_dir,
        elapsed: start.elapsed(),
        diagnostics: loaded.diagnostics.clone(),
        timings,
        static_files: loaded.static_file_count(),
        replaced_theme_files: loaded.replaced_theme_files().into_iter().map(str::to_owned).collect(),
    })
}

/// `stepwise check`: validates everything a build would and renders every page in
/// memory (so template errors show up too), writing nothing at all; adds the
/// translation QA warnings (UI labels).
pub fn check(root: &Path) -> Result<Diagnostics, Failure> {
    let mut pipeline = Pipeline::new(root, Purpose::Check);
    let (loaded, _) = pipeline.load(Reload::Everything)?;
    // Screenshots were checked while loading; the plan names their files without making them.
    let (plan, _) = pipeline.screenshots(&loaded)?;
    pipeline.render(&loaded, &plan, &loaded.pages(), &NullSink)?;
    pipeline.assets(&loaded, &plan, &NullSink).map_err(|f| with_warnings(f, &loaded))?;
    let mut diags = loaded.diagnostics.clone();
    // Translation QA and advice are `check`'s alone: a build need not repeat them.
    diags.extend(crate::i18n::labels::check(&loaded.site, root));
    diags.extend(missing_description(root, &loaded).into_iter().collect());
    diags.extend(doubtful_languages(root, &loaded.site.config));
    Ok(diags.sorted())
}

/// A language code that is real but more often a mistake (`kr`, Kanuri, for Korean).
fn doubtful_languages(root: &Path, config: &crate::config::SiteConfig) -> Diagnostics {
    config
        .languages
        .iter()
        .filter_map(|l| {
            let (meant, why) = l.doubtful()?;
            let file = root.join(crate::config::CONFIG_FILE);
            let d = Diagnostic::warning(file, None, format!("languages: did you mean `{meant}`? {why}"))
                .with_hint(format!("if the site is in that language, keep `{l}`"));
            Some(d)
        })
        .collect()
}

/// A failure after the site loaded also reports the load's warnings.
fn with_warnings(mut f: Failure, loaded: &pipeline::Loaded) -> Failure {
    let mut all = loaded.diagnostics.clone();
    all.extend(f.diagnostics);
    f.diagnostics = all.sorted();
    f
}

/// A site without `[description]`: search engines show the index with the description
/// made from its title and categories; better one written for it. The hint is the TOML
/// to paste, starting from the made one.
fn missing_description(root: &Path, loaded: &pipeline::Loaded) -> Option<Diagnostic> {
    let config = &loaded.site.config;
    if !config.description(config.source_lang()).is_empty() {
        return None;
    }
    let lines: Vec<String> = config
        .languages
        .iter()
        .map(|l| {
            let made = loaded.renderer.index_description(&loaded.site, l);
            format!("{l} = {}", toml::Value::String(made))
        })
        .collect();
    Some(
        Diagnostic::warning(
            root.join(crate::config::CONFIG_FILE),
            None,
            "the site has no [description]: search engines show the index with one made from its title and \
             categories",
        )
        .with_hint(format!(
            "add one to site.toml, a sentence per language on what the help center answers, e.g.:\n[description]\n{}",
            lines.join("\n")
        )),
    )
}
