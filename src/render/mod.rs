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
        let templates = theme.templates.iter().map(|(name, (text, _))| (name.as_str(), text.as_str()));
        if let Err(e) = tera.add_raw_templates(templates) {
            return Err(compile_errors(theme, &e));
        }
        let files: BTreeMap<String, PathBuf> =
            theme.templates.iter().map(|(name, (_, file))| (name.clone(), file.clone())).collect();
        Ok(Renderer { tera, locales: Locales::new(theme, languages), options, files })
    }

    pub(crate) fn options(&self) -> RenderOptions {
        self.options
    }

    /// The description the index of a site without `[description]` gets.
    pub(crate) fn index_description(&self, site: &Site, lang: &crate::lang::Lang) -> String {
        pages::made_description(self, site, lang)
    }

    /// Renders one page, as the bytes of its file (UTF-8: rendered to bytes, the page is
    /// not validated again as a `String`).
    pub(crate) fn render(&self, input: &Input<'_>, key: &PageKey) -> Result<Vec<u8>, RenderError> {
        let kind = key.kind();
        let ctx = pages::context(self, input, key);
        let mut page = Vec::with_capacity(PAGE_CAPACITY);
        self.tera.render_to(kind.template(), &ctx, &mut page).map(|()| page).map_err(|e| {
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

/// What a page's buffer starts with: most pages fit.
const PAGE_CAPACITY: usize = 32 * 1024;

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

/// The templates that do not compile, each at its file and line; a template still written
/// for Tera 1 (stepwise 0.1) gets a hint to the README's migration note.
fn compile_errors(theme: &Theme, e: &tera::Error) -> Diagnostics {
    TemplateError::all(e)
        .into_iter()
        .map(|TemplateError { template, pos, message }| {
            let found = template.and_then(|name| theme.templates.get(name));
            let file = found.map_or_else(|| PathBuf::from("templates"), |(_, file)| file.clone());
            let d = Diagnostic::error(file, pos, format!("template error: {message}"));
            match found {
                Some((text, _)) if is_tera1(text) => d.with_hint(TERA1_HINT),
                _ => d,
            }
        })
        .collect()
}

const TERA1_HINT: &str = "stepwise's templates are Tera 2 templates: macros became components and \
    some filters changed; the README's \"Migrating a theme from Tera 1 templates\" lists what to change";

/// Whether a template uses what only Tera 1 had: macros, `import`, the `slice` filter.
fn is_tera1(text: &str) -> bool {
    let tag = |name: &str| text.contains(&format!("{{% {name} ")) || text.contains(&format!("{{%- {name} "));
    tag("macro") || tag("import") || text.contains("| slice(") || text.contains("|slice(")
}

/// What a Tera error says, taken apart: the template it happened in, where, and why (Tera's
/// own report draws the source line, which our diagnostics do themselves).
struct TemplateError<'a> {
    template: Option<&'a str>,
    pos: Option<Pos>,
    message: String,
}

impl<'a> TemplateError<'a> {
    /// The first problem `e` reports.
    fn of(e: &'a tera::Error) -> TemplateError<'a> {
        let mut all = TemplateError::all(e);
        if all.is_empty() {
            return TemplateError { template: None, pos: None, message: error_chain(e) };
        }
        all.swap_remove(0)
    }

    /// Every problem `e` reports: Tera checks the filters, tests, functions and components
    /// templates call after compiling them all, and reports them together, as text.
    fn all(e: &'a tera::Error) -> Vec<TemplateError<'a>> {
        let one =
            |template: &'a str| vec![TemplateError { template: Some(template), pos: None, message: error_chain(e) }];
        match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                vec![TemplateError {
                    template: Some(report.filename()),
                    pos: Some(Pos { line: span.start_line, col: span.start_col + 1 }),
                    message: report.message().to_string(),
                }]
            }
            ErrorKind::MissingParent { current, .. } => one(current),
            ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => one(tpl),
            ErrorKind::Msg(text) => {
                let reports: Vec<TemplateError<'a>> =
                    text.split("\n\n").filter_map(TemplateError::from_report).collect();
                if reports.is_empty() {
                    vec![TemplateError { template: None, pos: None, message: error_chain(e) }]
                } else {
                    reports
                }
            }
            _ => vec![TemplateError { template: None, pos: None, message: error_chain(e) }],
        }
    }

    /// One of Tera's reports: `error: MESSAGE`, then ` --> NAME:LINE:COL` and the source line.
    fn from_report(report: &'a str) -> Option<TemplateError<'a>> {
        let mut lines = report.lines();
        let message = lines.next()?.strip_prefix("error: ")?;
        let (at, col) = lines.next()?.trim_start().strip_prefix("--> ")?.rsplit_once(':')?;
        let (name, line) = at.rsplit_once(':')?;
        let pos = Pos { line: line.parse().ok()?, col: col.parse().ok()? };
        Some(TemplateError { template: Some(name), pos: Some(pos), message: message.to_string() })
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
