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

use tera::{ErrorKind, Kwargs, State, Tera, TeraResult, Value};

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
    /// Where in it, when Tera knows.
    pub(crate) pos: Option<Pos>,
    /// The output path of the page.
    pub(crate) page: String,
    pub(crate) message: String,
}

impl RenderError {
    pub(crate) fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(&self.file, self.pos, format!("rendering {}: {}", self.page, self.message))
    }
}

impl Renderer {
    /// Compiles the theme's templates; template syntax errors are reported by file.
    pub(crate) fn new(theme: &Theme, languages: &Languages, options: RenderOptions) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        // The same five characters as every other escape of the site's, copied in runs.
        tera.set_escape_fn(markdown::escape_to);
        // Registered before the templates: Tera 2 checks filter names when it compiles them.
        tera.register_filter("plural", plural);
        tera.register_filter("striptags", striptags);
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
            let TemplateError { template, pos, message } = TemplateError::of(&e);
            let file = template
                .and_then(|name| self.files.get(name))
                .or_else(|| self.files.get(kind.template()))
                .cloned()
                .unwrap_or_else(|| PathBuf::from(kind.template()));
            RenderError { file, pos, page: key.output_path(), message }
        })
    }
}

/// `{{ n | plural(one=t.questions_one, other=t.questions) }}`: the form of a word or
/// phrase for the number `n`, `one` for 1 and `other` for every other number (a missing
/// `one` is `other`: Chinese needs no plural), with `{n}` replaced by the number.
fn plural(value: Value, args: Kwargs, _: &State<'_>) -> TeraResult<String> {
    let n = value.as_f64().ok_or_else(|| tera::Error::message(format!("plural: `{value}` is not a number")))?;
    let other = args
        .get::<&str>("other")?
        .ok_or_else(|| tera::Error::message("plural needs `other`, the form for numbers other than 1"))?;
    let form = match args.get::<&str>("one")? {
        Some(one) if n == 1.0 => one,
        _ => other,
    };
    Ok(form.replace("{n}", &value.to_string()))
}

/// `{{ html | striptags }}`: the text of an HTML fragment, its tags and comments removed
/// (Tera 1 had this filter; Tera 2 moved it out of the crate).
fn striptags(html: &str, _: Kwargs, _: &State<'_>) -> String {
    markdown::strip_tags(html)
}

/// A template that does not compile, at its file and line.
fn syntax_error(files: &BTreeMap<String, PathBuf>, e: &tera::Error) -> Diagnostic {
    let TemplateError { template, pos, message } = TemplateError::of(e);
    let file = template.and_then(|name| files.get(name)).cloned().unwrap_or_else(|| PathBuf::from("templates"));
    Diagnostic::error(file, pos, format!("template error: {message}"))
}

/// What a Tera error says, taken apart: the template it happened in, where, and why (Tera's
/// own report draws the source line, which our diagnostics do themselves).
struct TemplateError<'a> {
    template: Option<&'a str>,
    pos: Option<Pos>,
    message: String,
}

impl<'a> TemplateError<'a> {
    fn of(e: &'a tera::Error) -> TemplateError<'a> {
        match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                TemplateError {
                    template: Some(report.filename()),
                    pos: Some(Pos { line: span.start_line, col: span.start_col + 1 }),
                    message: report.message().to_string(),
                }
            }
            ErrorKind::MissingParent { current, .. } => {
                TemplateError { template: Some(current), pos: None, message: error_chain(e) }
            }
            ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
                TemplateError { template: Some(tpl), pos: None, message: error_chain(e) }
            }
            _ => TemplateError { template: None, pos: None, message: error_chain(e) },
        }
    }
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
