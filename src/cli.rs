//! The command line: verbs and flags (clap). Parsing only; `main.rs` runs them.
//!
//! Every argument has a doc comment: it is what `stepwise VERB --help` shows. Paths on the
//! command line (`--root`, `--output`, the files of `i18n confirm`) are taken from the
//! current folder, like any command-line path; only `new`'s CATEGORY/SLUG is an id.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "stepwise",
    version,
    about = "Guided, illustrated, bilingual help tutorials -> a fast static help center",
    after_help = "A new site in five commands:\n  \
                  stepwise init help-center && cd help-center\n  \
                  stepwise serve                      # preview at http://127.0.0.1:1111/\n  \
                  stepwise new account/reset-password # a tutorial skeleton to fill in\n  \
                  stepwise check                      # every problem, with its line\n  \
                  stepwise build                      # the site, into public/"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct RootArg {
    /// The site folder (the one holding site.toml), from the current folder.
    #[arg(long, default_value = ".", global = true, value_name = "DIR")]
    pub(crate) root: PathBuf,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Build the site into the output folder (default: public/).
    #[command(after_help = "Examples:\n  \
                            stepwise build\n  \
                            stepwise build --production --output /srv/www/help\n  \
                            stepwise build --root help-center")]
    Build {
        #[command(flatten)]
        root: RootArg,
        /// Where to write the site (default: public/ in the site folder). A relative path
        /// is taken from the current folder, not from --root. Refused: an existing file,
        /// the site folder or one above it, anything in content/, themes/, templates/ or
        /// static/, and a non-empty folder stepwise did not make (see --force).
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Build into a non-empty output folder that stepwise did not make, replacing
        /// its contents.
        #[arg(long)]
        force: bool,
        /// Write the output paths this build added, changed and removed to FILE, one per
        /// line (`added<TAB>zh/index.html`): what a CDN must purge or an upload send.
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
        /// For publishing: hide the "not yet translated" and "may be outdated" badges.
        #[arg(long)]
        production: bool,
        /// Print where the time went: each phase, and rendering against writing.
        #[arg(long)]
        timings: bool,
    },
    /// Check everything a build would, writing nothing.
    #[command(after_help = "Examples:\n  stepwise check\n  stepwise check --strict   # in CI: warnings fail too")]
    Check {
        #[command(flatten)]
        root: RootArg,
        /// Fail on warnings too (missing translations, missing alt text, TODO placeholders...).
        #[arg(long)]
        strict: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload the browser.
    #[command(after_help = "Examples:\n  stepwise serve\n  stepwise serve --port 8080 --open")]
    Serve {
        #[command(flatten)]
        root: RootArg,
        /// The port; the next free one if it is taken.
        #[arg(long, default_value_t = 1111, value_name = "N")]
        port: u16,
        /// The address to listen on. Anything but loopback lets other machines in.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: String,
        /// Open the site in the default browser once it is served.
        #[arg(long)]
        open: bool,
        /// Allow editing from the browser when `--bind` lets other machines in (on
        /// loopback, editing is always on).
        #[arg(long)]
        edit: bool,
    },
    /// Write a tutorial skeleton to fill in (and a `_category.yaml` for each new category).
    #[command(after_help = "Example:\n  \
                            stepwise new cross-border-ec/amazon/view-sales\n  \
                            writes content/cross-border-ec/amazon/view-sales.yaml; its screenshots go in\n  \
                            content/cross-border-ec/amazon/view-sales/")]
    New {
        #[command(flatten)]
        root: RootArg,
        /// CATEGORY/SLUG: the category folders under content/ and the file name, without
        /// `.yaml` (lowercase letters, digits and `-`).
        #[arg(value_name = "CATEGORY/SLUG")]
        id: String,
    },
    /// Create a new site in DIR: site.toml and an example tutorial (the built-in theme is
    /// used; see `stepwise theme eject` to change it).
    #[command(after_help = "Example:\n  stepwise init help-center && cd help-center && stepwise serve")]
    Init {
        /// The folder to create the site in, from the current folder (made if it does not
        /// exist; must be empty).
        dir: PathBuf,
    },
    /// The site's theme.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Translations: what is missing or outdated, and the records of what was checked.
    I18n {
        #[command(subcommand)]
        command: I18nCommand,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ThemeCommand {
    /// Copy the built-in theme into themes/NAME/ to change it.
    #[command(after_help = "Examples:\n  \
                            stepwise theme eject         # into themes/default/: each file there replaces the built-in one\n  \
                            stepwise theme eject brand   # into themes/brand/; then set theme = \"brand\" in site.toml")]
    Eject {
        #[command(flatten)]
        root: RootArg,
        /// The theme folder to create under themes/ (refused if it exists).
        #[arg(default_value = "default")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum I18nCommand {
    /// Missing and outdated translations, by file and field, and percent complete.
    #[command(after_help = "Examples:\n  stepwise i18n status\n  stepwise i18n status --lang en --format json")]
    Status {
        #[command(flatten)]
        root: RootArg,
        /// `text` for people, `json` for scripts and dashboards (a stable shape).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Only this target language (repeatable; default: all of them).
        #[arg(long = "lang", value_name = "LANG")]
        langs: Vec<String>,
    },
    /// Record that the translations in these files (or folders) match the current source text.
    #[command(after_help = "Examples:\n  \
                            stepwise i18n confirm content/cross-border-ec/amazon/forgot-password.yaml\n  \
                            stepwise i18n confirm content/cross-border-ec --lang en\n  \
                            stepwise i18n confirm --all")]
    Confirm {
        #[command(flatten)]
        root: RootArg,
        /// YAML files or folders of the site. A relative path is taken from the current
        /// folder (as with --output), not from --root.
        #[arg(required_unless_present = "all", conflicts_with = "all", value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Every file of the site.
        #[arg(long)]
        all: bool,
        /// Only this target language (repeatable; default: all of them).
        #[arg(long = "lang", value_name = "LANG")]
        langs: Vec<String>,
    },
    /// The UI-label glossary learned from the content: each source label and its translations.
    #[command(
        after_help = "Examples:\n  stepwise i18n glossary\n  stepwise i18n glossary --format json -o glossary.json"
    )]
    Glossary {
        #[command(flatten)]
        root: RootArg,
        /// `text` (tab-separated: source, translation, count) or `json`.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Only this target language (repeatable; default: all of them).
        #[arg(long = "lang", value_name = "LANG")]
        langs: Vec<String>,
        /// Write to this file instead of standard output (a relative path is taken from
        /// the current folder).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// For people.
    Text,
    /// For scripts.
    Json,
}
