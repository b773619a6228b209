//! The `stepwise` binary: parse the command line, call the library, print what it
//! reports, and turn the outcome into an exit code (0 ok, 1 content errors, 2 usage/IO).
//!
//! Everything is printed with [`out!`] and [`err!`], never `println!`: a reader that
//! went away (`stepwise i18n status | head -1`) or a closed stream is no reason to panic
//! or to fail. The command finishes quietly and keeps its own exit code.

mod cli;

/// A line to standard output; a closed or broken stdout is ignored.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// A line to standard error; a closed or broken stderr is ignored.
macro_rules! err {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, Format, I18nCommand, ThemeCommand};
use stepwise::diagnostics::{Diagnostics, display_path};
use stepwise::i18n::Selection;
use stepwise::lang::Lang;
use stepwise::serve::{EditMode, ServeEvent, ServeOptions};
use stepwise::{BuildOptions, Failure, FailureKind};

// Rendering allocates many small strings on every core at once; glibc's malloc took a
// quarter of a 10,000-tutorial build's CPU time, mimalloc's per-thread heaps far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    // Every verb but `init` works on a site.
    let site_root = match &cli.command {
        Command::Build { root, .. } | Command::Check { root, .. } | Command::Serve { root, .. } => Some(&root.root),
        Command::New { root, .. } => Some(&root.root),
        Command::Theme { command: ThemeCommand::Eject { root, .. } } => Some(&root.root),
        Command::I18n { command } => match command {
            I18nCommand::Status { root, .. }
            | I18nCommand::Confirm { root, .. }
            | I18nCommand::Glossary { root, .. } => Some(&root.root),
        },
        Command::Init { .. } => None,
    };
    if let Some(root) = site_root
        && !root.join(stepwise::config::CONFIG_FILE).is_file()
    {
        let shown = display_path(root);
        err!(
            "error: not a stepwise site: no site.toml in {}\n  = hint: run stepwise in the site's folder, pass `--root DIR`, \
             or create a site with `stepwise init DIR`",
            if shown.is_empty() { "." } else { &shown }
        );
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Build { root, output, production, force, changes, timings } => {
            let opts = BuildOptions { root: root.root, output, production, force };
            match stepwise::build(&opts) {
                Ok(report) => {
                    print_diagnostics(&report.diagnostics);
                    if timings {
                        print_timings(&report.timings);
                    }
                    let warnings = report.diagnostics.warning_count();
                    let warnings = if warnings > 0 {
                        format!(" ({warnings} warning{})", if warnings == 1 { "" } else { "s" })
                    } else {
                        String::new()
                    };
                    let files = report.files;
                    if report.rendered == 0 && files.written == 0 && files.removed == 0 {
                        err!(
                            "{} is up to date: no file to write ({} checked) in {} ms{warnings}",
                            display_path(&report.output),
                            count(files.unchanged, "file", "files"),
                            report.elapsed.as_millis()
                        );
                    } else {
                        err!(
                            "built {} into {} in {} ms{warnings}: {} written, {} unchanged, {} removed",
                            count(report.pages, "page", "pages"),
                            display_path(&report.output),
                            report.elapsed.as_millis(),
                            count(files.written, "file", "files"),
                            files.unchanged,
                            files.removed
                        );
                    }
                    if let Some(path) = changes
                        && let Err(e) = std::fs::write(&path, report.changes_text())
                    {
                        err!("error: {}: cannot write the list of changes: {e}", display_path(&path));
                        return ExitCode::from(2);
                    }
                    if report.static_files > 0 {
                        let replaced = match report.replaced_theme_files.as_slice() {
                            [] => String::new(),
                            files => format!(
                                " ({} the theme's)",
                                files.iter().map(|f| format!("{f} replaces")).collect::<Vec<_>>().join(", ")
                            ),
                        };
                        let n = report.static_files;
                        err!("static/: {n} file{} published{replaced}", if n == 1 { "" } else { "s" });
                    }
                    let img = report.images;
                    if img.made + img.reused > 0 {
                        err!(
                            "screenshots: {}, {} reused from the cache ({} decoded); \
                             {:.1} MB of image files from {:.1} MB of sources",
                            count(img.made, "file made", "files made"),
                            img.reused,
                            count(img.decoded, "source", "sources"),
                            img.output_bytes as f64 / 1e6,
                            img.source_bytes as f64 / 1e6
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(f) => fail(f, "build failed; the previous output was left as it was"),
            }
        }
        Command::Check { root, strict } => match stepwise::check(&root.root) {
            Ok(diags) => {
                print_diagnostics(&diags);
                if strict && !diags.is_empty() {
                    err!("check failed (--strict counts warnings): {}", diags.summary());
                    ExitCode::from(1)
                } else {
                    err!("check passed: {}", diags.summary());
                    ExitCode::SUCCESS
                }
            }
            Err(f) => fail(f, "check failed"),
        },
        Command::New { root, id } => match stepwise::scaffold::new_tutorial(&root.root, &id) {
            Ok(created) => {
                for f in &created.files {
                    out!("created {}", display_path(f));
                }
                out!(
                    "next: replace the TODOs (a screenshot goes in a folder beside the file), then run `{}`",
                    stepwise::diagnostics::command_line(&root.root, &["check"], &[])
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_diagnostics(&e.diagnostics);
                ExitCode::from(if e.io { 2 } else { 1 })
            }
        },
        Command::Init { dir } => match stepwise::scaffold::init(&dir) {
            Ok(created) => {
                let dir_word = stepwise::diagnostics::shell_word(&display_path(&dir));
                out!("created a new site in {} ({} files)", display_path(&dir), created.files.len());
                out!("next: cd {dir_word} && stepwise serve    (then open http://127.0.0.1:1111/)");
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_diagnostics(&e.diagnostics);
                ExitCode::from(if e.io { 2 } else { 1 })
            }
        },
        Command::Theme { command: ThemeCommand::Eject { root, name } } => {
            match stepwise::scaffold::eject_theme(&root.root, &name) {
                Ok(ejected) => {
                    out!(
                        "copied the built-in theme into {} ({} files)",
                        display_path(&ejected.dir),
                        ejected.files.len()
                    );
                    if name == "default" {
                        out!(
                            "each file there now replaces the built-in one of the same path; delete the files you do \
                             not change, so they keep getting stepwise's fixes"
                        );
                    }
                    if !ejected.in_use {
                        out!("next: set theme = \"{name}\" in site.toml to use it");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    print_diagnostics(&e.diagnostics);
                    ExitCode::from(if e.io { 2 } else { 1 })
                }
            }
        }
        Command::Serve { root, port, bind, open, edit } => {
            serve(ServeOptions { root: root.root, port, bind, edit }, open)
        }
        Command::I18n { command } => i18n(command),
    }
}

/// `stepwise i18n ...`: each loads the site as a build would (without printing its
/// warnings: the report says the same, better).
fn i18n(command: I18nCommand) -> ExitCode {
    let (root, langs) = match &command {
        I18nCommand::Status { root, langs, .. }
        | I18nCommand::Confirm { root, langs, .. }
        | I18nCommand::Glossary { root, langs, .. } => (root.root.clone(), langs.clone()),
    };
    let loaded = match stepwise::pipeline::load_once(&root) {
        Ok(l) => l,
        Err(f) => return fail(f, "the site has errors; fix them first"),
    };
    let site = &loaded.site;
    let lock_path = root.join(stepwise::i18n::lock::LOCK_FILE);
    let targets = site.config.languages.targets();
    let mut chosen: Vec<Lang> = Vec::new();
    for lang in &langs {
        match targets.iter().find(|t| *t == lang.as_str()) {
            Some(t) => chosen.push(t.clone()),
            None => {
                let hint = stepwise::diagnostics::did_you_mean(lang, targets.iter().map(Lang::as_str)).map_or_else(
                    || {
                        format!(
                            "the target languages are {}",
                            targets.iter().map(Lang::as_str).collect::<Vec<_>>().join(", ")
                        )
                    },
                    |s| format!("did you mean `{s}`?"),
                );
                err!("error: `{lang}` is not a target language of this site\n  = hint: {hint}");
                return ExitCode::from(2);
            }
        }
    }
    let langs: Vec<Lang> = if chosen.is_empty() { targets.to_vec() } else { chosen };
    let lang_list = langs.iter().map(Lang::as_str).collect::<Vec<_>>().join(", ");
    match command {
        I18nCommand::Status { format, .. } => {
            let report = stepwise::i18n::status(site, &loaded.lock, &lock_path, &langs);
            match format {
                Format::Text => write_out(&report.to_text(&root)),
                Format::Json => out!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
            }
            ExitCode::SUCCESS
        }
        I18nCommand::Confirm { paths, all, .. } => {
            let selection = if all { Selection::All } else { Selection::Paths(&paths) };
            match stepwise::i18n::confirm(site, &loaded.lock, &lock_path, selection, &langs) {
                Ok(c) => {
                    for (old, new) in &c.moved {
                        out!("followed a moved file: {old} -> {new}");
                    }
                    out!(
                        "confirmed {} ({}); {} {} with {}{}",
                        count(c.newly_confirmed, "translation", "translations"),
                        lang_list,
                        if c.created { "created" } else { "updated" },
                        display_path(&c.file),
                        count(c.records, "record", "records"),
                        if c.pruned > 0 {
                            format!(", {} removed", count(c.pruned, "stale record", "stale records"))
                        } else {
                            String::new()
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    print_diagnostics(&d);
                    err!("i18n confirm failed: {}", d.summary());
                    ExitCode::from(1)
                }
            }
        }
        I18nCommand::Glossary { format, output, .. } => {
            let glossary = stepwise::i18n::labels::glossary(site, &langs);
            let text = match format {
                Format::Text => glossary.to_text(),
                Format::Json => serde_json::to_string_pretty(&glossary).unwrap_or_default() + "\n",
            };
            match output {
                None => {
                    write_out(&text);
                    ExitCode::SUCCESS
                }
                Some(path) => match std::fs::write(&path, text) {
                    Ok(()) => {
                        err!("wrote the label glossary to {}", display_path(&path));
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        err!("error: {}: cannot write: {e}", display_path(&path));
                        ExitCode::from(2)
                    }
                },
            }
        }
    }
}

/// `stepwise serve`: runs until interrupted, printing each rebuild.
fn serve(opts: ServeOptions, open: bool) -> ExitCode {
    let server = match stepwise::serve::start(&opts) {
        Ok(s) => s,
        Err(f) => return fail(f, "serve failed"),
    };
    // The first build's outcome comes first, then the address.
    let mut broken = false;
    if let Some(event) = server.next_event() {
        show_serve_event(event, &mut broken);
    }
    let url = server.url();
    match server.port_taken {
        Some(port) => out!("serving {url} (port {port} was taken)"),
        None => out!("serving {url}"),
    }
    if server.is_public() {
        err!(
            "warning: listening on {}: other machines on the network can read this preview \
             (drop --bind to serve on 127.0.0.1 only)",
            opts.bind
        );
    }
    match server.edit {
        EditMode::Loopback => out!("editing in the browser: on (only this machine can reach the server)"),
        EditMode::Forced => err!(
            "warning: editing in the browser is on (--edit): whoever can reach {} can change the content",
            opts.bind
        ),
        EditMode::Off => {
            out!("editing in the browser: off, since other machines can reach {} (add --edit to allow it)", opts.bind)
        }
    }
    out!("watching {} for changes; press Ctrl-C to stop", display_path(&opts.root));
    let _ = std::io::stdout().flush();
    // Best effort: a machine without a browser still serves.
    if open && let Err(e) = open::that_detached(&url) {
        err!("warning: cannot open a browser: {e}");
    }
    while let Some(event) = server.next_event() {
        show_serve_event(event, &mut broken);
    }
    ExitCode::SUCCESS
}

/// `broken`: the last build failed, so the next good one says that the site is good again
/// (even if it rendered nothing new: the fix may restore the last good pages exactly).
fn show_serve_event(event: ServeEvent, broken: &mut bool) {
    match event {
        ServeEvent::Built { outcome, first, .. } => {
            print_diagnostics(&outcome.diagnostics);
            if std::mem::take(broken) {
                err!("fixed: the site builds again; the open pages reload with it");
            }
            if first {
                err!("built {} pages in memory in {} ms", outcome.pages, outcome.elapsed.as_millis());
            } else if outcome.changed {
                let what = if outcome.full {
                    format!("all {} pages (the configuration or theme changed)", outcome.pages)
                } else {
                    format!("{} of {}", outcome.rendered, count(outcome.pages, "page", "pages"))
                };
                err!(
                    "rebuilt {what} in {} ms{}",
                    outcome.elapsed.as_millis(),
                    if outcome.images.made > 0 {
                        format!(", {}", count(outcome.images.made, "screenshot file made", "screenshot files made"))
                    } else {
                        String::new()
                    }
                );
            }
        }
        ServeEvent::Failed { failure, .. } => {
            *broken = true;
            print_diagnostics(&failure.diagnostics);
            err!(
                "build failed: {}; still serving the last good pages (the next good save fixes it)",
                failure.diagnostics.summary()
            );
        }
        ServeEvent::WatchFailed(message) => {
            err!("warning: {message}; changes are no longer picked up (restart `stepwise serve`)");
        }
    }
}

fn fail(f: Failure, what: &str) -> ExitCode {
    print_diagnostics(&f.diagnostics);
    err!("{what}: {}", f.diagnostics.summary());
    ExitCode::from(match f.kind {
        FailureKind::Content => 1,
        FailureKind::Io => 2,
    })
}

/// Prints every diagnostic with its source line, reading each file once.
fn print_diagnostics(diags: &Diagnostics) {
    let mut sources: HashMap<PathBuf, Option<String>> = HashMap::new();
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stderr.lock();
    for d in diags.iter() {
        let source = sources.entry(d.file.clone()).or_insert_with(|| stepwise::load::read_source(&d.file));
        let text = d.render(source.as_deref());
        let text = if color { colorize(&text) } else { text };
        let _ = writeln!(out, "{text}");
    }
}

fn colorize(text: &str) -> String {
    if let Some(rest) = text.strip_prefix("error:") {
        format!("\x1b[1;31merror\x1b[0m:{rest}")
    } else if let Some(rest) = text.strip_prefix("warning:") {
        format!("\x1b[1;33mwarning\x1b[0m:{rest}")
    } else {
        text.to_string()
    }
}

fn print_timings(t: &stepwise::Timings) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    err!("timings (wall):");
    err!("  load content and templates {:8.0} ms", ms(t.load));
    err!("  screenshots                {:8.0} ms", ms(t.screenshots));
    err!("  pages and machine files    {:8.0} ms", ms(t.pages));
    err!("    threads rendering pages  {:8.0} ms (summed over threads)", ms(t.rendering_cpu));
    err!("    threads writing pages    {:8.0} ms", ms(t.writing_cpu));
    err!("    search index, sitemap, feeds {:4.0} ms", ms(t.machine_files_cpu));
    err!("  publish (static files, swap) {:6.0} ms", ms(t.publish));
}

/// `1 file made`, `3 files made`.
fn count(n: usize, one: &str, other: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { other })
}

/// Text that ends with its own line break, to standard output (errors ignored, as `out!`).
fn write_out(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
