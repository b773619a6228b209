//! `build` and `check`: the pipeline with a folder, or nothing, as the sink. `check` adds
//! what only it reports: the UI-label QA, a missing `[description]` (with the TOML to
//! paste) and language codes that are likely a mistake.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics, Failure, FailureKind};
use crate::images::process::ImageStats;
use crate::output::{self, Output, OutputError, Report};
use crate::pipeline::sink::{FolderSink, NullSink, Sink};
use crate::pipeline::state::{self, BuildState};
use crate::pipeline::{self, Changes, DocStore, Pipeline, Purpose, Reload, changes};
use crate::progress::Progress;
use crate::render::PageKey;

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
    /// Output files written, kept as they were, removed.
    pub files: FileCounts,
    /// The paths behind `files` (`build --changes`).
    pub(crate) changes: Report,
    /// Pages made in this build (the others were unchanged).
    pub rendered: usize,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct FileCounts {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl BuildReport {
    /// `build --changes FILE`: one line per output path that was added, changed or
    /// removed, `added<TAB>path` (and `changed`, `removed`), sorted by path.
    pub fn changes_text(&self) -> String {
        let mut lines: Vec<(&str, &str)> = Vec::new();
        lines.extend(self.changes.added.iter().map(|p| (p.as_str(), "added")));
        lines.extend(self.changes.changed.iter().map(|p| (p.as_str(), "changed")));
        lines.extend(self.changes.removed.iter().map(|p| (p.as_str(), "removed")));
        lines.sort();
        lines.iter().map(|(path, what)| format!("{what}\t{path}\n")).collect()
    }
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

/// `stepwise build`: validates, renders what changed since the last build into the
/// output folder (every page the first time), and changes the folder only where the
/// new site differs, once everything succeeded. On any error the previous output is left
/// untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    let start = Instant::now();
    // The cache files the build writes on the side are complete when it returns.
    let _cache_writes = FinishWrites;
    let mut timings = Timings::default();
    let out_dir = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
    if opts.root.join(crate::config::CONFIG_FILE).is_file() {
        output::check_target(&opts.root, &out_dir, opts.force).map_err(|r| Failure {
            kind: FailureKind::Io,
            diagnostics: Diagnostics::from_iter([Diagnostic::error(&out_dir, None, r.message).with_hint(r.hint)]),
        })?;
    }
    let state_path = state::path(&opts.root, &out_dir);
    let maker = state::maker(opts.production);
    let previous = BuildState::load(&state_path, maker);
    let mut pipeline = Pipeline::new(&opts.root, Purpose::Build { production: opts.production })
        .with_progress(Progress::on_terminal())
        .with_related(previous.as_ref().map(|p| p.summary.related_memo()).unwrap_or_default());
    let inputs = pipeline.inputs();

    // Nothing read has changed, nor the screenshots, nor the output folder: done.
    if let (Some(prev), Some(inputs)) = (&previous, inputs)
        && prev.inputs == inputs
        && prev.screenshots_unchanged()
        && !output::has_leftovers(&out_dir)
        && output::intact(&out_dir, &prev.manifest)
    {
        timings.load = start.elapsed();
        let pages = prev.manifest.count();
        return Ok(BuildReport {
            pages,
            images: ImageStats::default(),
            output: out_dir,
            elapsed: start.elapsed(),
            diagnostics: prev.warnings.iter().cloned().collect(),
            timings,
            files: FileCounts { unchanged: pages, ..FileCounts::default() },
            static_files: 0,
            replaced_theme_files: Vec::new(),
            changes: Report::default(),
            rendered: 0,
        });
    }

    let (loaded, _) = pipeline.load(Reload::Everything)?;
    timings.load = start.elapsed();
    let pages = loaded.pages();
    let changes = match &previous {
        Some(prev) => changes::diff(&prev.summary, &loaded.site, &loaded.summary),
        None => Changes::everything(),
    };

    // Screenshots first (into the cache): pages need their sizes and whether WebP pays.
    let phase = Instant::now();
    let (plan, image_stats) = pipeline.screenshots(&loaded)?;
    timings.screenshots = phase.elapsed();

    let phase = Instant::now();
    let out_error = |e: OutputError| match e {
        OutputError::Io(path, e) => Failure::io(&path, e.to_string()),
        OutputError::Busy(path) => Failure::io(&path, "another stepwise build is writing this folder right now"),
    };
    let (manifest, machine_before) = match previous {
        Some(prev) => (Some(prev.manifest), prev.machine_files),
        None => (None, Vec::new()),
    };
    let output = Output::open(&out_dir, manifest).map_err(out_error)?;
    let sink = FolderSink::new(&output);
    // A page is made again when the edit touches it, or when the folder no longer holds
    // what the last build wrote there.
    let todo: Vec<PageKey> =
        pages.iter().filter(|k| changes.touches(k) || !output.keep(&k.output_path())).cloned().collect();
    let machine = AtomicU64::new(0);
    let machine_paths = Mutex::new(Vec::new());
    let (rendered, machine_files) = rayon::join(
        || pipeline.render(&loaded, &plan, &todo, &sink),
        || {
            let t0 = Instant::now();
            // They list every tutorial: made again when any changed, else kept as they are.
            let keep = !changes.any() && !machine_before.is_empty() && machine_before.iter().all(|p| output.keep(p));
            let done = if keep {
                *machine_paths.lock().unwrap_or_else(|e| e.into_inner()) = machine_before.clone();
                Ok(())
            } else {
                let recording = Recording { sink: &sink, paths: &machine_paths };
                pipeline::machine_files(&loaded, &recording, &DocStore::in_cache(&opts.root))
                    .map_err(|e| Failure::io(output.staging(), format!("cannot write: {e}")))
            };
            machine.fetch_add(t0.elapsed().as_nanos() as u64, Ordering::Relaxed);
            done
        },
    );
    timings.rendering_cpu = rendered.map_err(|f| with_warnings(f, &loaded))?;
    machine_files?;
    timings.writing_cpu = sink.writing();
    let publish_start = Instant::now();
    pipeline.assets(&loaded, &plan, &sink).map_err(|f| with_warnings(f, &loaded))?;
    timings.pages = publish_start.duration_since(phase);

    // The folder is about to change: until the new state is written, no state at all.
    state::forget(&state_path).map_err(|e| Failure::io(&state_path, e.to_string()))?;
    // The next build's summary is made while the folder is swapped in.
    let (committed, summary) =
        rayon::join(|| output.commit(), || inputs.map(|_| loaded.summary.clone().for_next_build(&loaded.site)));
    let (report, manifest) = committed.map_err(out_error)?;
    let screenshots = loaded
        .site
        .images
        .values()
        .filter_map(|info| Some((info.source.clone(), crate::output::Entry::of(&info.source, 0).ok()?)))
        .collect();
    if let (Some(inputs), Some(summary)) = (inputs, summary) {
        let state = BuildState {
            maker,
            inputs,
            summary,
            manifest,
            machine_files: machine_paths.into_inner().unwrap_or_else(|e| e.into_inner()),
            screenshots,
            warnings: loaded.diagnostics.iter().cloned().collect(),
        };
        // Without it the next build only does more work.
        let _ = state.save(&state_path);
    }
    timings.publish = publish_start.elapsed();
    timings.machine_files_cpu = Duration::from_nanos(machine.into_inner());
    let report = BuildReport {
        pages: pages.len(),
        images: image_stats,
        output: out_dir,
        elapsed: start.elapsed(),
        diagnostics: loaded.diagnostics.clone(),
        timings,
        files: FileCounts { written: report.written(), unchanged: report.unchanged, removed: report.removed.len() },
        changes: report,
        rendered: todo.len(),
        static_files: loaded.static_file_count(),
        replaced_theme_files: loaded.replaced_theme_files().into_iter().map(str::to_owned).collect(),
    };
    // Freeing the loaded site and the files read (hundreds of thousands of allocations
    // at 10,000 tutorials, 35 ms) is work no one waits for: the command ends without it.
    rayon::spawn(move || drop((loaded, pipeline)));
    Ok(report)
}

/// Waits for the cache files being written when dropped.
struct FinishWrites;

impl Drop for FinishWrites {
    fn drop(&mut self) {
        crate::cache_file::finish_writes();
    }
}

/// A sink that remembers the paths handed to it.
struct Recording<'a> {
    sink: &'a dyn Sink,
    paths: &'a Mutex<Vec<String>>,
}

impl Sink for Recording<'_> {
    fn page(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_string());
        self.sink.page(path, bytes)
    }

    fn file(&self, path: &str, from: &Path) -> std::io::Result<()> {
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_string());
        self.sink.file(path, from)
    }

    fn location(&self) -> PathBuf {
        self.sink.location()
    }
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
