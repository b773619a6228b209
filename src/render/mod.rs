//! Stage 3, pure: a site and a page key -> HTML.
//!
//! Templates are compiled once into a [`Renderer`]; rendering one page reads only what it
//! is given ([`Input`]) and writes nothing, so pages render in parallel and the preview
//! re-renders just the pages an edit touches. The parts:
//!
//! - `routes`: which pages there are ([`PageKey`], [`all_pages`]) and where they live;
//! - `urls`: relative links between pages;
//! - `locale`: the theme's UI strings per language, dates;
//! - `text`: a site text in one language -> a [`views::TextView`] (markup is the templates');
//! - `items`: the question list items, made once per site and language;
//! - `pages/`: one module per page kind, each building its template's context;
//! - `jsonld`: schema.org data; `feeds`: sitemap, robots.txt and Atom (no templates).

pub(crate) mod feeds;
mod items;
mod jsonld;
mod locale;
mod pages;
pub(crate) mod routes;
mod text;
pub(crate) mod urls;
mod views;

use std::collections::BTreeMap;
use std::path::PathBuf;

use tera::Tera;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::images::ImagePlan;
use crate::lang::Languages;
use crate::markdown;
use crate::model::Site;
use crate::theme::Theme;
pub(crate) use items::ListItems;
use locale::Locales;
pub(crate) use routes::{PageKey, all_pages};

/// What a build shows besides the content: chosen per run, never written into the site's
/// configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RenderOptions {
    /// "Not yet translated" and "may be outdated" badges beside texts.
    pub(crate) badges: bool,
    /// A side-by-side view of every tutorial per translation.
    pub(crate) side_by_side: bool,
}

impl RenderOptions {
    /// The site's settings; `production` (publishing) drops the translator's aids: badges
    /// always, side-by-side views unless the site asks for them explicitly.
    pub(crate) fn for_site(config: &SiteConfig, production: bool) -> RenderOptions {
        RenderOptions {
            badges: config.translation_badges && !production,
            side_by_side: config.side_by_side.wanted(production),
        }
    }
}

/// What pages are made from: the site, its planned screenshot files, and the list items
/// made once for it.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    pub(crate) site: &'a Site,
    pub(crate) images: &'a ImagePlan,
    pub(crate) items: &'a ListItems,
}

pub(crate) struct Renderer {
    tera: Tera,
    locales: Locales,
    options: RenderOptions,
    /// Template name -> the file it came from, for messages.
    files: BTreeMap<String, PathBuf>,
}

/// A template failed on one page.
#[derive(Debug, thiserror::Error)]
#[error("{}: rendering {page}: {message}", file.display())]
pub(crate) struct RenderError {
    /// The template file (in the site, its theme, or the built-in theme).
    pub(crate) file: PathBuf,
    /// The output path of the page.
    pub(crate) page: String,
    pub(crate) message: String,
}

impl RenderError {
    pub(crate) fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(&self.file, None, format!("rendering {}: {}", self.page, self.message))
    }
}

impl Renderer {
    /// Compiles the theme's templates; template syntax errors are reported by file.
    pub(crate) fn new(theme: &Theme, languages: &Languages, options: RenderOptions) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which makes every URL unreadable in the source.
        tera.set_escape_fn(markdown::escape);
        tera.register_filter("plural", plural);
        let files: BTreeMap<String, PathBuf> =
            theme.templates.iter().map(|(name, (_, file))| (name.clone(), file.clone())).collect();
        let templates: Vec<(String, String)> =
            theme.templates.iter().map(|(n, (t, _))| (n.clone(), t.clone())).collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            return Err(Diagnostics::from_iter([syntax_error(&files, &e)]));
        }
        Ok(Renderer { tera, locales: Locales::new(theme, languages), options, files })
    }

    pub(crate) fn options(&self) -> RenderOptions {
        self.options
    }

    /// The description the index of a site without `[description]` gets.
    pub(crate) fn index_description(&self, site: &Site, lang: &crate::lang::Lang) -> String {
        pages::made_description(self, site, lang)
    }

    /// Renders one page.
    pub(crate) fn render(&self, input: &Input<'_>, key: &PageKey) -> Result<String, RenderError> {
        let kind = key.kind();
        let ctx = pages::context(self, input, key);
        self.tera.render(kind.template(), &ctx).map_err(|e| {
            let message = error_chain(&e);
            RenderError { file: self.file_named_in(&message, kind.template()), page: key.output_path(), message }
        })
    }

    /// The file of the first template a Tera message names in quotes (the one that
    /// failed; later names are those it extends), else of `fallback`.
    fn file_named_in(&self, message: &str, fallback: &str) -> PathBuf {
        template_named_in(&self.files, message)
            .or_else(|| self.files.get(fallback).cloned())
            .unwrap_or_else(|| PathBuf::from(fallback))
    }
}

/// `{{ n | plural(one=t.questions_one, other=t.questions) }}`: the form of a word or
/// phrase for the number `n`, `one` for 1 and `other` for every other number (a missing
/// `one` is `other`: Chinese needs no plural), with `{n}` replaced by the number.
fn plural(value: &tera::Value, args: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let n = value.as_f64().ok_or_else(|| tera::Error::msg(format!("plural: `{value}` is not a number")))?;
    let other = args
        .get("other")
        .and_then(tera::Value::as_str)
        .ok_or_else(|| tera::Error::msg("plural needs `other`, the form for numbers other than 1"))?;
    let form = match args.get("one").and_then(tera::Value::as_str) {
        Some(one) if n == 1.0 => one,
        _ => other,
    };
    Ok(tera::Value::String(form.replace("{n}", &value.to_string())))
}

fn template_named_in(files: &BTreeMap<String, PathBuf>, message: &str) -> Option<PathBuf> {
    message
        .split('\'')
        .skip(1)
        .step_by(2)
        .find_map(|name| files.get(name))
        .or_else(|| files.iter().find(|(n, _)| message.contains(n.as_str())).map(|(_, f)| f))
        .cloned()
}

/// A template that does not compile, at its file and (from Tera's ` --> LINE:COL`) line.
fn syntax_error(files: &BTreeMap<String, PathBuf>, e: &tera::Error) -> Diagnostic {
    let msg = error_chain(e);
    let file = template_named_in(files, &msg).unwrap_or_else(|| PathBuf::from("templates"));
    let pos = msg.split_once(" --> ").and_then(|(_, rest)| {
        let (line, rest) = rest.split_once(':')?;
        let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(Pos { line: line.trim().parse().ok()?, col: col.parse().ok()? })
    });
    // The reason is the last line of Tera's report (`= expected a value...`).
    let reason = match pos {
        Some(_) => msg.lines().rev().map(str::trim).find(|l| !l.is_empty()).unwrap_or(&msg).trim_start_matches("= "),
        None => msg.as_str(),
    };
    Diagnostic::error(file, pos, format!("template error: {reason}"))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
