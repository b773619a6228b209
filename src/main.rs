//! The `stepwise` binary: parse the command line, call the library, print what it
//! reports, and turn the outcome into an exit code (0 ok, 1 content errors, 2 usage/IO).

mod cli;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, Format, I18nCommand};
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
        eprintln!(
            "error: not a stepwise site: no site.toml in {}\n  = hint: run stepwise in the site's folder, pass `--root DIR`, \
             or create a site with `stepwise init DIR`",
            if shown.is_empty() { "." } else { &shown }
        );
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Build { root, output, production, force, timings } => {
            let opts = BuildOptions { root: root.root, output, production, force };
            match stepwise::build(&opts) {
                Ok(report) => {
                    print_diagnostics(&report.diagnostics);
                    if timings {
                        print_timings(&report.timings);
                    }
                    let warnings = report.diagnostics.warning_count();
                    eprintln!(
                        "built {} pages into {} in {} ms{}",
                        report.pages,
                        display_path(&report.output),
                        report.elapsed.as_millis(),
                        if warnings > 0 {
                            format!(" ({warnings} warning{})", if warnings == 1 { "" } else { "s" })
                        } else {
                            String::new()
                        }
                    );
                    let img = report.images;
                    if img.made + img.reused > 0 {
                        eprintln!(
                            "screenshots: {} files made, {} reused from the cache ({} sources decoded); \
                             {:.1} MB of image files from {:.1} MB of sources",
                            img.made,
                            img.reused,
                            img.decoded,
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
                    eprintln!("check failed (--strict counts warnings): {}", diags.summary());
                    ExitCode::from(1)
                } else {
                    eprintln!("check passed: {}", diags.summary());
                    ExitCode::SUCCESS
                }
            }
            Err(f) => fail(f, "check failed"),
        },
        Command::New { root, id } => match stepwise::scaffold::new_tutorial(&root.root, &id) {
            Ok(created) => {
                for f in created.files {
                    println!("created {}", display_path(&f));
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_diagnostics(&e.diagnostics);
                ExitCode::from(if e.io { 2 } else { 1 })
            }
        },
        Command::Init { dir } => match stepwise::scaffold::init(&dir) {
            Ok(created) => {
                println!("created a new site in {} ({} files)", display_path(&dir), created.files.len());
                println!("next: cd {} && stepwise build", display_path(&dir));
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_diagnostics(&e.diagnostics);
                ExitCode::from(if e.io { 2 } else { 1 })
            }
        },
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
                eprintln!("error: `{lang}` is not a target language of this site\n  = hint: {hint}");
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
                Format::Text => print!("{}", report.to_text()),
                Format::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
            }
            ExitCode::SUCCESS
        }
        I18nCommand::Confirm { paths, all, .. } => {
            let selection = if all { Selection::All } else { Selection::Paths(&paths) };
            match stepwise::i18n::confirm(site, &loaded.lock, &lock_path, selection, &langs) {
                Ok(c) => {
                    for (old, new) in &c.moved {
                        println!("followed a moved file: {old} -> {new}");
                    }
                    println!(
                        "confirmed {} translation{} ({}); {} {} with {} records{}",
                        c.newly_confirmed,
                        if c.newly_confirmed == 1 { "" } else { "s" },
                        lang_list,
                        if c.created { "created" } else { "updated" },
                        display_path(&c.file),
                        c.records,
                        if c.pruned > 0 { format!(", {} stale records removed", c.pruned) } else { String::new() }
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    print_diagnostics(&d);
                    eprintln!("i18n confirm failed: {}", d.summary());
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
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Some(path) => match std::fs::write(&path, text) {
                    Ok(()) => {
                        eprintln!("wrote the label glossary to {}", display_path(&path));
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {}: cannot write: {e}", display_path(&path));
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
    if let Some(event) = server.next_event() {
        show_serve_event(event);
    }
    let url = server.url();
    match server.port_taken {
        Some(port) => println!("serving {url} (port {port} was taken)"),
        None => println!("serving {url}"),
    }
    if server.is_public() {
        eprintln!(
            "warning: listening on {}: other machines on the network can read this preview \
             (drop --bind to serve on 127.0.0.1 only)",
            opts.bind
        );
    }
    match server.edit {
        EditMode::Loopback => println!("editing in the browser: on (only this machine can reach the server)"),
        EditMode::Forced => eprintln!(
            "warning: editing in the browser is on (--edit): whoever can reach {} can change the content",
            opts.bind
        ),
        EditMode::Off => println!(
            "editing in the browser: off, since other machines can reach {} (add --edit to allow it)",
            opts.bind
        ),
    }
    println!("watching {} for changes; press Ctrl-C to stop", display_path(&opts.root));
    let _ = std::io::stdout().flush();
    // Best effort: a machine without a browser still serves.
    if open && let Err(e) = open::that_detached(&url) {
        eprintln!("warning: cannot open a browser: {e}");
    }
    while let Some(event) = server.next_event() {
        show_serve_event(event);
    }
    ExitCode::SUCCESS
}

fn show_serve_event(event: ServeEvent) {
    match event {
        ServeEvent::Built { outcome, first, .. } => {
            print_diagnostics(&outcome.diagnostics);
            if first {
                eprintln!("built {} pages in memory in {} ms", outcome.pages, outcome.elapsed.as_millis());
            } else if outcome.changed {
                let what = if outcome.full {
                    format!("all {} pages (the configuration or theme changed)", outcome.pages)
                } else {
                    format!("{} of {} pages", outcome.rendered, outcome.pages)
                };
                eprintln!(
                    "rebuilt {what} in {} ms{}",
                    outcome.elapsed.as_millis(),
                    if outcome.images.made > 0 {
                        format!(", {} screenshot files made", outcome.images.made)
                    } else {
                        String::new()
                    }
                );
            }
        }
        ServeEvent::Failed { failure, .. } => {
            print_diagnostics(&failure.diagnostics);
            eprintln!(
                "build failed: {}; still serving the last good pages (the next good save fixes it)",
                failure.diagnostics.summary()
            );
        }
        ServeEvent::WatchFailed(message) => {
            eprintln!("warning: {message}; changes are no longer picked up (restart `stepwise serve`)");
        }
    }
}

fn fail(f: Failure, what: &str) -> ExitCode {
    print_diagnostics(&f.diagnostics);
    eprintln!("{what}: {}", f.diagnostics.summary());
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
        let source = sources
            .entry(d.file.clone())
            .or_insert_with(|| std::fs::read(&d.file).ok().map(|b| stepwise::load::decode_utf8(b).unwrap_or_default()));
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
    eprintln!("timings (wall):");
    eprintln!("  load content and templates {:8.0} ms", ms(t.load));
    eprintln!("  screenshots                {:8.0} ms", ms(t.screenshots));
    eprintln!("  pages and machine files    {:8.0} ms", ms(t.pages));
    eprintln!("    threads rendering pages  {:8.0} ms (summed over threads)", ms(t.rendering_cpu));
    eprintln!("    threads writing pages    {:8.0} ms", ms(t.writing_cpu));
    eprintln!("    search index, sitemap, feeds {:4.0} ms", ms(t.machine_files_cpu));
    eprintln!("  publish (static files, swap) {:6.0} ms", ms(t.publish));
}
