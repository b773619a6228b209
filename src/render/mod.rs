//! Stage 3, pure: `&Site` + a page key -> HTML.
//!
//! Templates are compiled once into a [`Renderer`]; rendering one page reads only the
//! site model and writes nothing, so pages render in parallel and a preview server can
//! re-render just the pages an edit touches.

pub mod feeds;
pub mod urls;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;
use serde_json::json;
use tera::{Context, Tera};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::images::{self, ImagePlan};
use crate::markdown;
use crate::model::{Category, Localized, Site, Step, Tutorial};
use crate::theme::Theme;
use urls::{link, root_prefix};
use views::*;

/// Questions listed per category on a language's index page.
const INDEX_QUESTIONS_PER_CATEGORY: usize = 6;
const LATEST_COUNT: usize = 8;
const POPULAR_TAGS: usize = 24;

/// One page of output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKey {
    /// `/index.html`: sends readers to a language.
    Root,
    Index {
        lang: String,
    },
    Category {
        lang: String,
        path: String,
    },
    Tutorial {
        lang: String,
        id: String,
    },
    /// A tutorial's source and its `lang` translation aligned step by step, with `lang`'s
    /// chrome. Only translations have one: the source's page would repeat the same pair.
    Compare {
        lang: String,
        id: String,
    },
    Tags {
        lang: String,
    },
    Tag {
        lang: String,
        tag: String,
    },
    /// The search results page; works from a URL (`?q=`).
    Search {
        lang: String,
    },
    /// `{lang}/404.html`, or the root `404.html` (in the source language) when `root`.
    NotFound {
        lang: String,
        root: bool,
    },
}

impl PageKey {
    /// The page's folder under the output root (`zh/amazon/`), `""` for the root.
    pub fn dir(&self) -> String {
        match self {
            PageKey::Root => String::new(),
            PageKey::Index { lang } => urls::index_dir(lang),
            PageKey::Category { lang, path } => urls::category_dir(lang, path),
            PageKey::Tutorial { lang, id } => urls::tutorial_dir(lang, id),
            // The folder of the tutorial it sits beside (see `url_path`).
            PageKey::Compare { lang, id } => urls::tutorial_dir(lang, id),
            PageKey::Tags { lang } => urls::tags_dir(lang),
            PageKey::Tag { lang, tag } => urls::tag_dir(lang, tag),
            PageKey::Search { lang } => format!("{lang}/search/"),
            PageKey::NotFound { lang, root } => {
                if *root {
                    String::new()
                } else {
                    urls::index_dir(lang)
                }
            }
        }
    }

    /// Where the page is served, output-relative: its folder, or for the side-by-side
    /// view its file.
    pub fn url_path(&self) -> String {
        match self {
            PageKey::Compare { lang, id } => urls::compare_path(lang, id),
            _ => self.dir(),
        }
    }

    pub fn output_path(&self) -> String {
        match self {
            PageKey::NotFound { .. } => format!("{}404.html", self.dir()),
            PageKey::Compare { lang, id } => urls::compare_path(lang, id),
            _ => format!("{}index.html", self.dir()),
        }
    }

    pub fn with_lang(&self, other: &str) -> PageKey {
        let lang = other.to_string();
        match self {
            PageKey::Root => PageKey::Root,
            PageKey::Index { .. } => PageKey::Index { lang },
            PageKey::Category { path, .. } => PageKey::Category { lang, path: path.clone() },
            PageKey::Tutorial { id, .. } => PageKey::Tutorial { lang, id: id.clone() },
            PageKey::Compare { id, .. } => PageKey::Compare { lang, id: id.clone() },
            PageKey::Tags { .. } => PageKey::Tags { lang },
            PageKey::Tag { tag, .. } => PageKey::Tag { lang, tag: tag.clone() },
            PageKey::Search { .. } => PageKey::Search { lang },
            PageKey::NotFound { .. } => PageKey::NotFound { lang, root: false },
        }
    }
}

/// A theme's UI strings in one language, by key.
type Strings = BTreeMap<String, String>;

fn text_view(site: &Site, strings: &Strings, r: crate::model::Resolved<'_>, html: String) -> TextView {
    let badge = match (site.config.translation_badges, r.is_fallback, r.is_outdated) {
        (false, _, _) => None,
        (true, true, _) => Some("untranslated"),
        (true, false, true) => Some("outdated"),
        (true, false, false) => None,
    };
    let fallback_lang = r.is_fallback.then(|| html_lang(r.lang));
    // What the `text` macro prints, then the badge, made here: a template macro call per
    // step costs more than the rest of the step's markup.
    let mut shown = String::with_capacity(html.len() + 16);
    match &fallback_lang {
        Some(l) => {
            shown.push_str("<span lang=\"");
            shown.push_str(l);
            shown.push_str("\" class=\"fallback\">");
            shown.push_str(&html);
            shown.push_str("</span>");
        }
        None => shown.push_str(&html),
    }
    let t = |key: &str| markdown::escape(strings.get(key).map_or("", String::as_str));
    match badge {
        Some("untranslated") => {
            shown.push_str(&format!(" <span class=\"badge badge-untranslated\">{}</span>", t("not_translated")));
        }
        Some(_) => shown.push_str(&format!(
            " <span class=\"badge badge-outdated\" title=\"{}\">{}</span>",
            t("outdated_explained"),
            t("outdated")
        )),
        None => {}
    }
    TextView { html, fallback_lang, badge, shown }
}

/// How wide a screenshot is shown: in a step, or as a thumbnail beside the side-by-side texts.
#[derive(Clone, Copy)]
enum ImageSize {
    Step,
    Thumbnail,
}

/// Every page of the site, in a stable order.
pub fn all_pages(site: &Site) -> Vec<PageKey> {
    let mut keys = vec![PageKey::Root, PageKey::NotFound { lang: site.source_lang().to_string(), root: true }];
    for lang in &site.config.languages {
        keys.push(PageKey::Index { lang: lang.clone() });
        keys.push(PageKey::Tags { lang: lang.clone() });
        keys.push(PageKey::Search { lang: lang.clone() });
        keys.push(PageKey::NotFound { lang: lang.clone(), root: false });
        for path in site.categories.keys() {
            keys.push(PageKey::Category { lang: lang.clone(), path: path.clone() });
        }
        for t in &site.tutorials {
            keys.push(PageKey::Tutorial { lang: lang.clone(), id: t.id.clone() });
        }
        if site.config.side_by_side && lang != site.source_lang() {
            keys.extend(site.tutorials.iter().map(|t| PageKey::Compare { lang: lang.clone(), id: t.id.clone() }));
        }
        for tag in site.tags.keys() {
            keys.push(PageKey::Tag { lang: lang.clone(), tag: tag.clone() });
        }
    }
    keys
}

/// The language of the side-by-side view a tutorial page links to: its own, or on the
/// source's page the first translation's (`all_pages` makes sure there is one).
fn compare_lang<'a>(site: &'a Site, lang: &'a str) -> &'a str {
    if lang == site.source_lang() { site.config.languages.get(1).map_or(lang, String::as_str) } else { lang }
}

/// BCP 47 tag for `<html lang>` and hreflang.
pub fn html_lang(code: &str) -> String {
    match code {
        "zh" => "zh-CN".into(),
        "zh-hant" | "zh-tw" => "zh-TW".into(),
        c => match c.split_once('-') {
            Some((l, r)) if r.len() == 2 => format!("{l}-{}", r.to_uppercase()),
            _ => c.to_string(),
        },
    }
}

/// A language's name in itself, for the language switcher.
pub fn language_name(code: &str) -> String {
    match code.split('-').next().unwrap_or(code) {
        "zh" => "中文",
        "en" => "English",
        "ja" => "日本語",
        "ko" => "한국어",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "pt" => "Português",
        "ru" => "Русский",
        "vi" => "Tiếng Việt",
        "th" => "ไทย",
        "id" => "Bahasa Indonesia",
        "ar" => "العربية",
        _ => code,
    }
    .to_string()
}

pub struct Renderer {
    tera: Tera,
    strings: BTreeMap<String, Strings>,
    /// What many pages show of one site's tutorials, made once per site.
    memo: Mutex<Arc<Memo>>,
    /// Per language, a context holding `t`: cloning it is cheaper than serializing the
    /// strings again for every page.
    string_contexts: BTreeMap<String, Context>,
}

/// Per site (by [`Site::generation`]): each tutorial's question item per language, with
/// links from the site root. A tutorial is listed on up to a hundred pages (related
/// lists, its tags, categories, indexes); its title and summary are rendered once.
///
/// A new version of the site (the preview server's, after an edit) keeps the items of
/// every tutorial it shares with the last one, as long as what else an item shows (the
/// configuration, category titles) is the same.
#[derive(Default)]
struct Memo {
    site: u64,
    config: Option<SiteConfig>,
    categories: BTreeMap<String, Category>,
    /// What the items are made from, by tutorial index.
    tutorials: Vec<Arc<Tutorial>>,
    /// `questions[index * languages + language]`.
    questions: Vec<Arc<OnceLock<QuestionItem>>>,
}

impl Memo {
    fn new(site: &Site, last: &Memo) -> Memo {
        let languages = site.config.languages.len();
        let reusable = last.config.as_ref() == Some(&site.config) && last.categories == site.categories;
        // Where each of the last site's tutorials was, for the ones that moved.
        let mut moved: Option<HashMap<*const Tutorial, usize>> = None;
        let mut questions = Vec::with_capacity(site.tutorials.len() * languages);
        for (i, t) in site.tutorials.iter().enumerate() {
            let before = match last.tutorials.get(i) {
                _ if !reusable => None,
                Some(old) if Arc::ptr_eq(old, t) => Some(i),
                _ => moved
                    .get_or_insert_with(|| {
                        last.tutorials.iter().enumerate().map(|(j, old)| (Arc::as_ptr(old), j)).collect()
                    })
                    .get(&Arc::as_ptr(t))
                    .copied(),
            };
            match before {
                Some(j) => questions.extend_from_slice(&last.questions[j * languages..(j + 1) * languages]),
                None => questions.extend((0..languages).map(|_| Arc::default())),
            }
        }
        Memo {
            site: site.generation(),
            config: Some(site.config.clone()),
            categories: site.categories.clone(),
            tutorials: site.tutorials.clone(),
            questions,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{template}: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

impl Renderer {
    /// Compiles the theme's templates; template syntax errors are reported by file.
    pub fn new(theme: &Theme, languages: &[String]) -> Result<Renderer, Diagnostics> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which makes every URL unreadable in the source.
        tera.set_escape_fn(markdown::escape);
        let templates: Vec<(String, String)> =
            theme.templates.iter().map(|(n, (t, _))| (n.clone(), t.clone())).collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            let mut diags = Diagnostics::new();
            let msg = error_chain(&e);
            // Tera names the failing template first, in quotes (`Failed to parse 'tag.html'`);
            // later names in the chain are the templates it extends.
            let file = msg
                .split('\'')
                .skip(1)
                .step_by(2)
                .find_map(|name| theme.templates.get(name))
                .or_else(|| theme.templates.iter().find(|(n, _)| msg.contains(n.as_str())).map(|(_, t)| t))
                .map_or_else(|| "templates".into(), |(_, p)| p.clone());
            // Tera's parse errors carry ` --> LINE:COL`.
            let pos = msg.split_once(" --> ").and_then(|(_, rest)| {
                let (line, rest) = rest.split_once(':')?;
                let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
                Some(crate::diagnostics::Pos { line: line.trim().parse().ok()?, col: col.parse().ok()? })
            });
            // The reason is the last line of Tera's report (`= expected a value...`).
            let reason = match pos {
                Some(_) => {
                    msg.lines().rev().map(str::trim).find(|l| !l.is_empty()).unwrap_or(&msg).trim_start_matches("= ")
                }
                None => msg.as_str(),
            };
            diags.push(Diagnostic::error(file, pos, format!("template error: {reason}")));
            return Err(diags);
        }
        let strings: BTreeMap<String, Strings> = languages.iter().map(|l| (l.clone(), theme.strings_for(l))).collect();
        let string_contexts = strings
            .iter()
            .map(|(lang, t)| {
                let mut ctx = Context::new();
                ctx.insert("t", t);
                (lang.clone(), ctx)
            })
            .collect();
        Ok(Renderer { tera, strings, memo: Mutex::default(), string_contexts })
    }

    /// Renders one page. `images` names the screenshot files (see `images::plan`).
    pub fn render(&self, site: &Site, images: &ImagePlan, key: &PageKey) -> Result<String, RenderError> {
        let (template, ctx) = match key {
            PageKey::Root => ("root.html", self.root_context(site)),
            PageKey::Index { lang } => ("index.html", self.index_context(site, lang, key)),
            PageKey::Category { lang, path } => ("category.html", self.category_context(site, lang, path, key)),
            PageKey::Tutorial { lang, id } => ("tutorial.html", self.tutorial_context(site, images, lang, id, key)),
            PageKey::Compare { lang, id } => ("compare.html", self.compare_context(site, images, lang, id, key)),
            PageKey::Tags { lang } => ("tags.html", self.tags_context(site, lang, key)),
            PageKey::Tag { lang, tag } => ("tag.html", self.tag_context(site, lang, tag, key)),
            PageKey::Search { lang } => ("search.html", self.search_context(site, lang, key)),
            PageKey::NotFound { lang, .. } => ("404.html", self.not_found_context(site, lang, key)),
        };
        self.tera
            .render(template, &ctx)
            .map_err(|e| RenderError { template: template.to_string(), message: error_chain(&e) })
    }

    /// The theme's strings for `lang` (`t` in templates).
    fn strings_of(&self, lang: &str) -> &Strings {
        static NONE: Strings = Strings::new();
        self.strings.get(lang).unwrap_or(&NONE)
    }

    fn t<'a>(&'a self, lang: &str, key: &str) -> &'a str {
        self.strings.get(lang).and_then(|s| s.get(key)).map_or("", String::as_str)
    }

    /// The context every page template gets.
    fn base(&self, site: &Site, lang: &str, key: &PageKey, meta: PageMeta) -> Context {
        let dir = key.dir();
        let mut ctx = self.string_contexts.get(lang).cloned().unwrap_or_default();
        ctx.insert("lang", lang);
        ctx.insert("html_lang", &html_lang(lang));
        ctx.insert("root", &root_prefix(&dir));
        ctx.insert("home", &link(&dir, &urls::index_dir(lang)));
        ctx.insert("search_href", &link(&dir, &format!("{lang}/search/")));
        ctx.insert("site_title", &site.config.title.get(lang).cloned().unwrap_or_default());
        ctx.insert("page", &meta);
        ctx
    }

    fn meta(
        &self,
        site: &Site,
        lang: &str,
        key: &PageKey,
        kind: &'static str,
        title: String,
        description: String,
    ) -> PageMeta {
        let dir = key.dir();
        let alternates = site
            .config
            .languages
            .iter()
            .map(|l| Alternate {
                hreflang: html_lang(l),
                href: site.config.absolute(&urls::encode_path(&key.with_lang(l).url_path())),
            })
            .chain(std::iter::once(Alternate {
                hreflang: "x-default".into(),
                href: site.config.absolute(&urls::encode_path(&key.with_lang(site.source_lang()).url_path())),
            }))
            .collect();
        let languages = site
            .config
            .languages
            .iter()
            .map(|l| LangChoice {
                code: l.clone(),
                name: language_name(l),
                html_lang: html_lang(l),
                href: link(&dir, &key.with_lang(l).url_path()),
                current: l == lang,
            })
            .collect();
        PageMeta {
            kind,
            title,
            description,
            canonical: site.config.absolute(&urls::encode_path(&key.url_path())),
            alternates,
            languages,
            breadcrumbs: Vec::new(),
        }
    }

    fn text(&self, site: &Site, text: &Localized, lang: &str) -> TextView {
        let r = text.get(lang, site.source_lang());
        text_view(site, self.strings_of(lang), r, markdown::to_html(r.text))
    }

    /// A title or label: the page wraps it in a link of its own, so its links become text.
    fn title(&self, site: &Site, text: &Localized, lang: &str) -> TextView {
        let r = text.get(lang, site.source_lang());
        text_view(site, self.strings_of(lang), r, markdown::to_html_without_links(r.text))
    }

    fn plain(&self, site: &Site, text: &Localized, lang: &str) -> String {
        markdown::to_plain(text.get(lang, site.source_lang()).text)
    }

    fn date_display(&self, lang: &str, date: crate::model::Date) -> String {
        let months = self.t(lang, "months");
        let names: Vec<&str> = months.split(',').map(str::trim).collect();
        let month = names.get(usize::from(date.month) - 1).copied().unwrap_or("");
        self.t(lang, "date_format")
            .replace("{year}", &date.year.to_string())
            .replace("{month}", &date.month.to_string())
            .replace("{month_name}", month)
            .replace("{day}", &date.day.to_string())
    }

    fn memo(&self, site: &Site) -> Arc<Memo> {
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        if memo.site != site.generation() || memo.config.is_none() {
            *memo = Arc::new(Memo::new(site, &memo));
        }
        Arc::clone(&memo)
    }

    fn question(&self, site: &Site, lang: &str, from_dir: &str, idx: usize) -> QuestionItem {
        let memo = self.memo(site);
        let languages = site.config.languages.len();
        let Some(cell) =
            site.config.languages.iter().position(|l| l == lang).and_then(|l| memo.questions.get(idx * languages + l))
        else {
            return self.question_from(site, lang, from_dir, idx);
        };
        let mut q = cell.get_or_init(|| self.question_from(site, lang, "", idx)).clone();
        let up = root_prefix(from_dir);
        if !up.is_empty() {
            q.href.insert_str(0, &up);
            q.category_href.insert_str(0, &up);
        }
        q
    }

    fn question_from(&self, site: &Site, lang: &str, from_dir: &str, idx: usize) -> QuestionItem {
        let t = &site.tutorials[idx];
        let category = site.categories.get(&t.category);
        QuestionItem {
            id: t.id.clone(),
            plain_title: self.plain(site, &t.title, lang),
            title: self.title(site, &t.title, lang),
            href: link(from_dir, &urls::tutorial_dir(lang, &t.id)),
            category: category.map(|c| self.plain(site, &c.title, lang)).unwrap_or_default(),
            category_href: link(from_dir, &urls::category_dir(lang, &t.category)),
            date: t.last_changed().to_string(),
            date_display: self.date_display(lang, t.last_changed()),
            summary: t.summary.as_ref().map(|s| self.text(site, s, lang)),
            steps: t.steps.len(),
        }
    }

    fn breadcrumbs(&self, site: &Site, lang: &str, from_dir: &str, category: &str) -> Vec<Link> {
        let mut crumbs =
            vec![Link { title: self.t(lang, "home").to_string(), href: link(from_dir, &urls::index_dir(lang)) }];
        for c in site.category_chain(category) {
            crumbs.push(Link {
                title: self.plain(site, &c.title, lang),
                href: link(from_dir, &urls::category_dir(lang, &c.path)),
            });
        }
        crumbs
    }

    fn tag_item(&self, lang: &str, from_dir: &str, tag: &str, count: usize) -> TagItem {
        TagItem { name: tag.to_string(), href: link(from_dir, &urls::tag_dir(lang, tag)), count }
    }

    fn root_context(&self, site: &Site) -> Context {
        let source = site.source_lang().to_string();
        let key = PageKey::Root;
        let mut meta = self.meta(site, &source, &key, "root", site.config.title[&source].clone(), String::new());
        meta.alternates.clear();
        let mut ctx = self.base(site, &source, &key, meta);
        let choices: Vec<serde_json::Value> = site
            .config
            .languages
            .iter()
            .map(|l| {
                json!({
                    "code": l, "name": language_name(l), "html_lang": html_lang(l),
                    "href": format!("{l}/"), "title": site.config.title[l],
                    "choose": self.t(l, "choose_language"),
                })
            })
            .collect();
        ctx.insert("choices", &choices);
        ctx.insert("default_href", &format!("{source}/"));
        ctx
    }

    fn index_context(&self, site: &Site, lang: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let title = site.config.title[lang].clone();
        let description = site.config.description[lang].clone();
        let meta = self.meta(site, lang, key, "index", title, description);
        let mut ctx = self.base(site, lang, key, meta);
        let sections: Vec<CategorySection> = site
            .subcategories
            .get("")
            .map(|tops| tops.iter().map(|p| self.section(site, lang, &dir, p)).collect())
            .unwrap_or_default();
        ctx.insert("sections", &sections);
        // Tutorials at the top of content/, outside any category.
        let loose: Vec<QuestionItem> = site
            .category_tutorials
            .get("")
            .map(|l| l.iter().map(|&i| self.question(site, lang, &dir, i)).collect())
            .unwrap_or_default();
        ctx.insert("loose", &loose);
        let latest: Vec<QuestionItem> =
            site.latest().iter().take(LATEST_COUNT).copied().map(|i| self.question(site, lang, &dir, i)).collect();
        // schema.org ItemList of the questions the index shows, in page order.
        let listed: Vec<serde_json::Value> = sections
            .iter()
            .flat_map(|s| s.questions.iter())
            .chain(loose.iter())
            .enumerate()
            .map(|(i, q)| {
                let url = site.config.absolute(&urls::encode_path(&urls::tutorial_dir(lang, &q.id)));
                json!({"@type": "ListItem", "position": i + 1, "url": url, "name": q.plain_title})
            })
            .collect();
        ctx.insert(
            "jsonld",
            &json_for_script(&json!({
                "@context": "https://schema.org",
                "@type": "ItemList",
                "name": site.config.title[lang],
                "numberOfItems": listed.len(),
                "itemListElement": listed,
            })),
        );
        ctx.insert("latest", &latest);
        ctx.insert("popular_tags", &self.popular_tags(site, lang, &dir, POPULAR_TAGS));
        ctx.insert("tags_href", &link(&dir, &urls::tags_dir(lang)));
        ctx.insert("tutorial_count", &site.tutorials.len());
        ctx
    }

    fn popular_tags(&self, site: &Site, lang: &str, dir: &str, n: usize) -> Vec<TagItem> {
        let mut tags: Vec<(&String, usize)> = site.tags.iter().map(|(t, l)| (t, l.len())).collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        tags.into_iter().take(n).map(|(t, c)| self.tag_item(lang, dir, t, c)).collect()
    }

    fn section(&self, site: &Site, lang: &str, dir: &str, path: &str) -> CategorySection {
        let c = &site.categories[path];
        // The questions of the category and everything below it, newest first.
        let prefix = format!("{path}/");
        let under: Vec<usize> = site
            .latest()
            .iter()
            .copied()
            .filter(|&i| site.tutorials[i].category == path || site.tutorials[i].category.starts_with(&prefix))
            .collect();
        let questions =
            under.iter().take(INDEX_QUESTIONS_PER_CATEGORY).map(|&i| self.question(site, lang, dir, i)).collect();
        CategorySection {
            title: self.title(site, &c.title, lang),
            href: link(dir, &urls::category_dir(lang, path)),
            count: under.len(),
            description: c.description.as_ref().map(|d| self.text(site, d, lang)),
            questions,
            subcategories: self.subcategory_items(site, lang, dir, path),
            more: under.len().saturating_sub(INDEX_QUESTIONS_PER_CATEGORY),
        }
    }

    fn subcategory_items(&self, site: &Site, lang: &str, dir: &str, path: &str) -> Vec<CategoryItem> {
        site.subcategories
            .get(path)
            .map(|subs| {
                subs.iter()
                    .map(|p| {
                        let c = &site.categories[p];
                        CategoryItem {
                            title: self.title(site, &c.title, lang),
                            href: link(dir, &urls::category_dir(lang, p)),
                            count: site.count_under(p),
                            description: c.description.as_ref().map(|d| self.text(site, d, lang)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn category_context(&self, site: &Site, lang: &str, path: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let c = &site.categories[path];
        let title = self.plain(site, &c.title, lang);
        let description = c.description.as_ref().map(|d| self.plain(site, d, lang)).unwrap_or_default();
        let mut meta = self.meta(site, lang, key, "category", title, description);
        meta.breadcrumbs = self.breadcrumbs(site, lang, &dir, path);
        let mut ctx = self.base(site, lang, key, meta);
        let questions: Vec<QuestionItem> = site
            .category_tutorials
            .get(path)
            .map(|l| l.iter().map(|&i| self.question(site, lang, &dir, i)).collect())
            .unwrap_or_default();
        ctx.insert(
            "category",
            &json!({
                "title": self.title(site, &c.title, lang),
                "description": c.description.as_ref().map(|d| self.text(site, d, lang)),
                "count": site.count_under(path),
            }),
        );
        ctx.insert("subcategories", &self.subcategory_items(site, lang, &dir, path));
        ctx.insert("questions", &questions);
        ctx
    }

    fn search_context(&self, site: &Site, lang: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let title = self.t(lang, "search").to_string();
        let mut meta = self.meta(site, lang, key, "search", title, String::new());
        meta.breadcrumbs = self.breadcrumbs(site, lang, &dir, "");
        let mut ctx = self.base(site, lang, key, meta);
        ctx.insert(
            "latest",
            &site
                .latest()
                .iter()
                .take(LATEST_COUNT)
                .copied()
                .map(|i| self.question(site, lang, &dir, i))
                .collect::<Vec<_>>(),
        );
        ctx
    }

    /// A 404 page is served at any URL, so its links are absolute paths from the site's
    /// base path instead of relative ones.
    fn not_found_context(&self, site: &Site, lang: &str, key: &PageKey) -> Context {
        let base = site.config.base_path();
        let title = self.t(lang, "not_found").to_string();
        let mut meta = self.meta(site, lang, key, "not-found", title, String::new());
        meta.alternates.clear();
        for choice in &mut meta.languages {
            choice.href = format!("{base}{}/", choice.code);
        }
        let mut ctx = self.base(site, lang, key, meta);
        ctx.insert("root", &base);
        ctx.insert("home", &format!("{base}{lang}/"));
        ctx.insert("search_href", &format!("{base}{lang}/search/"));
        let latest: Vec<QuestionItem> = site
            .latest()
            .iter()
            .take(LATEST_COUNT)
            .copied()
            .map(|i| {
                let mut q = self.question(site, lang, "", i);
                q.href = format!("{base}{}", q.href);
                q.category_href = format!("{base}{}", q.category_href);
                q
            })
            .collect();
        ctx.insert("latest", &latest);
        ctx
    }

    fn tags_context(&self, site: &Site, lang: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let title = self.t(lang, "all_tags").to_string();
        let mut meta = self.meta(site, lang, key, "tags", title, String::new());
        meta.breadcrumbs = self.breadcrumbs(site, lang, &dir, "");
        let mut ctx = self.base(site, lang, key, meta);
        let tags: Vec<TagItem> = site.tags.iter().map(|(t, l)| self.tag_item(lang, &dir, t, l.len())).collect();
        ctx.insert("tags", &tags);
        ctx
    }

    fn tag_context(&self, site: &Site, lang: &str, tag: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let title = format!("{} #{tag}", self.t(lang, "tag"));
        let mut meta = self.meta(site, lang, key, "tag", title, String::new());
        meta.breadcrumbs = self.breadcrumbs(site, lang, &dir, "");
        meta.breadcrumbs
            .push(Link { title: self.t(lang, "all_tags").to_string(), href: link(&dir, &urls::tags_dir(lang)) });
        let mut ctx = self.base(site, lang, key, meta);
        let questions: Vec<QuestionItem> = site
            .tags
            .get(tag)
            .map(|l| l.iter().map(|&i| self.question(site, lang, &dir, i)).collect())
            .unwrap_or_default();
        ctx.insert("tag", tag);
        ctx.insert("questions", &questions);
        ctx.insert("tags_href", &link(&dir, &urls::tags_dir(lang)));
        ctx
    }

    /// A step's screenshot for `lang`, with its highlight boxes.
    #[allow(clippy::too_many_arguments)]
    fn step_image(
        &self,
        site: &Site,
        plan: &ImagePlan,
        step: &Step,
        lang: &str,
        dir: &str,
        size: ImageSize,
        lazy: bool,
    ) -> Option<ImageView> {
        let img = step.image.as_ref()?;
        let info = site.images.get(img.for_lang(lang, site.source_lang()))?;
        let rendition = plan.renditions.get(&images::rendition_key(&info.key, &step.redact))?;
        let alt = step.alt.as_ref().map_or_else(|| self.plain(site, &step.text, lang), |a| self.plain(site, a, lang));
        let srcset = |variants: &[images::Variant]| {
            variants.iter().map(|v| format!("{} {}w", link(dir, &v.path), v.width)).collect::<Vec<_>>().join(", ")
        };
        // The fallback `src`: the largest variant a phone would pick.
        let fallback = rendition.variants.iter().rev().find(|v| v.width <= 960).unwrap_or(rendition.full());
        let sizes = match size {
            // Phones: the column minus the timeline's gutter, and never wider than the
            // 70vh height cap allows for this aspect ratio.
            ImageSize::Step => format!(
                "(min-width: 760px) 340px, min(calc(100vw - 5.25rem), {:.1}vh, {}px)",
                70.0 * f64::from(rendition.width) / f64::from(rendition.height),
                rendition.width
            ),
            ImageSize::Thumbnail => "(min-width: 760px) 200px, 50vw".to_string(),
        };
        Some(ImageView {
            src: link(dir, &fallback.path),
            srcset: srcset(&rendition.variants),
            webp_srcset: rendition.use_webp.then(|| srcset(&rendition.webp)),
            sizes,
            full: link(dir, &rendition.full().path),
            width: rendition.width,
            height: rendition.height,
            alt,
            lazy,
            callouts: step
                .highlight
                .iter()
                .enumerate()
                .map(|(n, r)| Callout {
                    n: n + 1,
                    left: pct(r.x),
                    top: pct(r.y),
                    width: pct(r.w),
                    height: pct(r.h),
                    label: r.label.as_ref().map(|l| self.title(site, l, lang)),
                })
                .collect(),
        })
    }

    /// The side-by-side page: every text of the tutorial, source beside translation,
    /// with its state, and each screenshot once.
    fn compare_context(&self, site: &Site, plan: &ImagePlan, lang: &str, id: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let t = &site.tutorials[site.index[id]];
        let langs = &site.config.languages;
        let source = site.source_lang();
        // Only translations have a view (`all_pages`): `lang` is never the source.
        let target = lang;
        let label = |code: &str| CompareLang {
            code: code.to_string(),
            html_lang: html_lang(code),
            name: language_name(code),
            href: link(&dir, &urls::tutorial_dir(code, id)),
        };
        let row = |heading: String, anchor: String, text: &Localized, image: Option<ImageView>, title: bool| {
            let html = |s: &str| if title { markdown::to_html_without_links(s) } else { markdown::to_html(s) };
            let translation = text.is_translatable().then(|| text.value(target)).flatten();
            let state = if !text.is_translatable() {
                "current"
            } else if translation.is_none() {
                "missing"
            } else if text.is_outdated(target) {
                "outdated"
            } else {
                "current"
            };
            let target_html = if text.is_translatable() { translation.map(|v| html(&v.text)) } else { None };
            CompareRow { heading, anchor, source: html(text.source(source)), target: target_html, state, image }
        };
        let mut rows = vec![row(self.t(lang, "title_label").to_string(), "title".into(), &t.title, None, true)];
        if let Some(s) = &t.summary {
            rows.push(row(self.t(lang, "summary_label").to_string(), "summary".into(), s, None, false));
        }
        for (i, step) in t.steps.iter().enumerate() {
            let image = self.step_image(site, plan, step, target, &dir, ImageSize::Thumbnail, true);
            let heading = self.t(lang, "step_n").replace("{n}", &(i + 1).to_string());
            rows.push(row(heading, format!("step-{}", i + 1), &step.text, image, false));
            if let Some(alt) = &step.alt {
                let heading = self.t(lang, "alt_n").replace("{n}", &(i + 1).to_string());
                rows.push(row(heading, format!("step-{}-alt", i + 1), alt, None, true));
            }
        }
        for (i, n) in t.notes.iter().enumerate() {
            let heading = self.t(lang, &format!("note_{}", n.kind.as_str())).to_string();
            rows.push(row(heading, format!("note-{}", i + 1), &n.text, None, false));
        }
        let count = |state: &str| rows.iter().filter(|r| r.state == state).count();
        let view = CompareView {
            title: self.title(site, &t.title, lang),
            source: label(source),
            target: label(target),
            tutorial_href: link(&dir, &urls::tutorial_dir(lang, id)),
            others: langs
                .iter()
                .filter(|l| *l != source && l.as_str() != target)
                .map(|l| Link { title: language_name(l), href: link(&dir, &urls::compare_path(l, id)) })
                .collect(),
            missing: count("missing"),
            outdated: count("outdated"),
            rows,
        };
        let title_plain = self.plain(site, &t.title, lang);
        let page_title = format!("{} · {}", title_plain, self.t(lang, "side_by_side"));
        let mut meta = self.meta(site, lang, key, "compare", page_title, String::new());
        // noindex, and the source language has no such page: its switch leads to the tutorial.
        meta.alternates.clear();
        for choice in &mut meta.languages {
            if choice.code == source {
                choice.href = link(&dir, &urls::tutorial_dir(source, id));
            }
        }
        meta.breadcrumbs = self.breadcrumbs(site, lang, &dir, &t.category);
        meta.breadcrumbs.push(Link { title: title_plain, href: view.tutorial_href.clone() });
        let mut ctx = self.base(site, lang, key, meta);
        ctx.insert("compare", &view);
        ctx
    }

    fn tutorial_context(&self, site: &Site, plan: &ImagePlan, lang: &str, id: &str, key: &PageKey) -> Context {
        let dir = key.dir();
        let idx = site.index[id];
        let t = &site.tutorials[idx];
        let title_plain = self.plain(site, &t.title, lang);
        let description = t
            .summary
            .as_ref()
            .map(|s| self.plain(site, s, lang))
            .or_else(|| t.steps.first().map(|s| self.plain(site, &s.text, lang)))
            .unwrap_or_default();
        let mut meta = self.meta(site, lang, key, "tutorial", title_plain.clone(), description.clone());
        meta.breadcrumbs = self.breadcrumbs(site, lang, &dir, &t.category);

        let mut untranslated = 0;
        let mut count = |v: &TextView| {
            if v.fallback_lang.is_some() {
                untranslated += 1;
            }
        };
        let title = self.title(site, &t.title, lang);
        count(&title);
        let summary = t.summary.as_ref().map(|s| self.text(site, s, lang));
        if let Some(s) = &summary {
            count(s);
        }
        let mut first_image = true;
        let steps: Vec<StepView> = t
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let text = self.text(site, &step.text, lang);
                count(&text);
                let image = self.step_image(site, plan, step, lang, &dir, ImageSize::Step, !first_image);
                first_image &= image.is_none();
                StepView { n: i + 1, text, image }
            })
            .collect();
        let notes: Vec<NoteView> = t
            .notes
            .iter()
            .map(|n| {
                let text = self.text(site, &n.text, lang);
                count(&text);
                NoteView {
                    kind: n.kind.as_str(),
                    label: self.t(lang, &format!("note_{}", n.kind.as_str())).to_string(),
                    text,
                }
            })
            .collect();
        let author = t.author.as_ref().and_then(|a| site.authors.get(a)).map(|a| {
            let name_plain = self.plain(site, &a.name, lang);
            AuthorView {
                name: self.title(site, &a.name, lang),
                initial: name_plain.chars().next().map(String::from).unwrap_or_default(),
                bio: a.bio.as_ref().map(|b| self.text(site, b, lang)),
            }
        });
        let category = site.categories.get(&t.category).map(|c| Link {
            title: self.plain(site, &c.title, lang),
            href: link(&dir, &urls::category_dir(lang, &c.path)),
        });
        let view = TutorialView {
            id: t.id.clone(),
            title,
            summary,
            date: t.date.to_string(),
            date_display: self.date_display(lang, t.date),
            updated: t.updated.map(|d| d.to_string()),
            updated_display: t.updated.map(|d| self.date_display(lang, d)),
            category,
            tags: t
                .tags
                .iter()
                .map(|tag| self.tag_item(lang, &dir, tag, site.tags.get(tag).map_or(0, Vec::len)))
                .collect(),
            author,
            related: site.related[idx].iter().map(|&j| self.question(site, lang, &dir, j)).collect(),
            untranslated,
            compare_href: site
                .config
                .side_by_side
                .then(|| link(&dir, &urls::compare_path(compare_lang(site, lang), id))),
            jsonld: self.howto_jsonld(site, plan, t, lang, &title_plain, &description, &meta.canonical),
            og_image: images::og_key(site, idx, lang).and_then(|k| plan.og.get(&k)).map(|v| OgImage {
                url: site.config.absolute(&v.path),
                width: v.width,
                height: v.height,
            }),
            steps,
            notes,
        };
        let mut ctx = self.base(site, lang, key, meta);
        ctx.insert("tutorial", &view);
        ctx
    }

    /// schema.org HowTo with its steps, serialized safely for a `<script>` element.
    #[allow(clippy::too_many_arguments)]
    fn howto_jsonld(
        &self,
        site: &Site,
        plan: &ImagePlan,
        t: &Tutorial,
        lang: &str,
        title: &str,
        description: &str,
        canonical: &str,
    ) -> String {
        let src = site.source_lang();
        let steps: Vec<serde_json::Value> =
            t.steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut step = json!({
                        "@type": "HowToStep",
                        "position": i + 1,
                        "text": self.plain(site, &s.text, lang),
                        "url": format!("{canonical}#step-{}", i + 1),
                    });
                    let rendition = s.image.as_ref().and_then(|img| {
                        plan.renditions.get(&images::rendition_key(img.for_lang(lang, src), &s.redact))
                    });
                    if let Some(r) = rendition {
                        step["image"] = json!(site.config.absolute(&r.full().path));
                    }
                    step
                })
                .collect();
        let mut doc = json!({
            "@context": "https://schema.org",
            "@type": "HowTo",
            "name": title,
            "description": description,
            "inLanguage": html_lang(lang),
            "datePublished": t.date.to_string(),
            "dateModified": t.last_changed().to_string(),
            "url": canonical,
            "step": steps,
        });
        if let Some(a) = t.author.as_ref().and_then(|a| site.authors.get(a)) {
            doc["author"] = json!({"@type": "Person", "name": self.plain(site, &a.name, lang)});
        }
        // The page's breadcrumbs ride along on the page the HowTo is the main entity of,
        // so the document keeps exactly one top-level HowTo.
        let mut crumbs: Vec<(String, String)> =
            vec![(self.t(lang, "home").to_string(), site.config.absolute(&urls::index_dir(lang)))];
        for c in site.category_chain(&t.category) {
            crumbs.push((
                self.plain(site, &c.title, lang),
                site.config.absolute(&urls::encode_path(&urls::category_dir(lang, &c.path))),
            ));
        }
        crumbs.push((title.to_string(), canonical.to_string()));
        let items: Vec<serde_json::Value> = crumbs
            .iter()
            .enumerate()
            .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url}))
            .collect();
        doc["mainEntityOfPage"] = json!({
            "@type": "WebPage",
            "@id": canonical,
            "breadcrumb": {"@type": "BreadcrumbList", "itemListElement": items},
        });
        json_for_script(&doc)
    }
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

/// JSON that cannot close its `<script>` element or open a comment.
pub fn json_for_script<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_break_out() {
        let s = json_for_script(&json!({"a": "</script><script>alert(1)</script>"}));
        assert!(!s.contains("</script"));
        assert!(s.contains("\\u003c/script\\u003e"));
    }

    #[test]
    fn language_tags() {
        assert_eq!(html_lang("zh"), "zh-CN");
        assert_eq!(html_lang("en"), "en");
        assert_eq!(html_lang("pt-br"), "pt-BR");
        assert_eq!(language_name("ja"), "日本語");
    }
}
