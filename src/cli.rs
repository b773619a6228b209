//! The command line: verbs and flags (clap). Parsing only; `main.rs` runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "stepwise",
    version,
    about = "Guided, illustrated, bilingual help tutorials -> a fast static help center"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct RootArg {
    /// The site folder (the one holding site.toml).
    #[arg(long, default_value = ".", global = true)]
    pub(crate) root: PathBuf,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        #[command(flatten)]
        root: RootArg,
        /// Where to write the site (default: public/ in the site folder). A relative path
        /// is taken from the current folder. Refused: an existing file, the site folder
        /// or one above it, anything in content/, themes/, templates/ or static/, and a
        /// non-empty folder stepwise did not make (see --force).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Build into a non-empty output folder that stepwise did not make, replacing
        /// its contents.
        #[arg(long)]
        force: bool,
        /// For publishing: hide the "not yet translated" and "may be outdated" badges.
        #[arg(long)]
        production: bool,
        /// Print where the time went: each phase, and rendering against writing.
        #[arg(long)]
        timings: bool,
    },
    /// Check everything a build would, writing nothing.
    Check {
        #[command(flatten)]
        root: RootArg,
        /// Fail on warnings too (missing translations, missing alt text...).
        #[arg(long)]
        strict: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload the browser.
    Serve {
        #[command(flatten)]
        root: RootArg,
        /// The port; the next free one if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but loopback lets other machines in.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser once it is served.
        #[arg(long)]
        open: bool,
        /// Allow editing from the browser when `--bind` lets other machines in (on
        /// loopback, editing is always on).
        #[arg(long)]
        edit: bool,
    },
    /// Write a tutorial skeleton: `stepwise new cross-border-ec/amazon/view-sales`.
    New {
        #[command(flatten)]
        root: RootArg,
        /// CATEGORY/SLUG: the category folder path and the file name, without `.yaml`.
        id: String,
    },
    /// Create a new site in DIR: site.toml, an example tutorial and the default theme.
    Init {
        /// The folder to create the site in (made if it does not exist; must be empty).
        dir: PathBuf,
    },
    /// Translation status and records.
    I18n {
        #[command(subcommand)]
        command: I18nCommand,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum I18nCommand {
    /// Missing and outdated translations, by file and field, and percent complete.
    Status {
        #[command(flatten)]
        root: RootArg,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Only this target language (repeatable).
        #[arg(long = "lang")]
        langs: Vec<String>,
    },
    /// Record that the translations in these files (or folders) match the current source text.
    Confirm {
        #[command(flatten)]
        root: RootArg,
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        paths: Vec<PathBuf>,
        /// Every file of the site.
        #[arg(long)]
        all: bool,
        /// Only this target language (repeatable; default: all of them).
        #[arg(long = "lang")]
        langs: Vec<String>,
    },
    /// The UI-label glossary learned from the content: each source label and its translations.
    Glossary {
        #[command(flatten)]
        root: RootArg,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Only this target language (repeatable).
        #[arg(long = "lang")]
        langs: Vec<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
}
