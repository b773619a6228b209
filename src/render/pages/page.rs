//! [`Page`]: one page being made, and what every page kind's context needs: texts in the
//! page's language, links from its folder, the head's metadata, breadcrumbs, question
//! items.

use std::borrow::Cow;

use tera::Context;

use crate::images::ImagePlan;
use crate::lang::Lang;
use crate::model::{Category, CategoryPath, Date, FieldPath, Localized, Site};
use crate::render::items::ListItems;
use crate::render::routes::{PageKey, PageKind};
use crate::render::text::{self, Markup};
use crate::render::urls::{self, link, root_prefix};
use crate::render::views::{
    Alternate, CategoryItem, LangChoice, Link, Listed, PageMeta, QuestionItem, TagItem, TextView,
};
use crate::render::{Input, Renderer};

/// Questions in "Latest Q&A" lists.
const LATEST_COUNT: usize = 8;

/// One page being made.
pub(super) struct Page<'a> {
    pub(super) r: &'a Renderer,
    pub(super) site: &'a Site,
    pub(super) images: &'a ImagePlan,
    items: &'a ListItems,
    pub(super) key: &'a PageKey,
    pub(super) lang: &'a Lang,
    /// The page's folder: links are relative to it.
    pub(super) dir: String,
    /// The way up from `dir` to the site root (`../../`).
    up: String,
}

impl<'a> Page<'a> {
    pub(super) fn new(r: &'a Renderer, input: &Input<'a>, key: &'a PageKey, lang: &'a Lang) -> Page<'a> {
        let dir = key.dir();
        let up = root_prefix(&dir);
        Page { r, site: input.site, images: input.images, items: input.items, key, lang, dir, up }
    }

    pub(super) fn source(&self) -> &Lang {
        self.site.source_lang()
    }

    /// A UI string in the page's language.
    pub(super) fn t(&self, key: &str) -> &str {
        self.r.locales.t(self.lang, key)
    }

    /// A relative link from this page to the site path `to`.
    pub(super) fn link(&self, to: &str) -> String {
        urls::link_up(&self.up, to)
    }

    /// A text in running prose, written in a file in the folder `from` (its links to
    /// tutorials are relative to it); `outdated` is what the translation records say of it.
    pub(super) fn text(&self, text: &Localized, from: &CategoryPath, outdated: bool) -> TextView {
        let links = |written: &str| self.tutorial_link(from, written);
        text::view(text, self.lang, self.source(), Markup::Inline, &links, (self.r.options.badges, outdated))
    }

    /// A title or label, whose links become plain text (the page links it as a whole).
    pub(super) fn title(&self, text: &Localized, outdated: bool) -> TextView {
        text::view(text, self.lang, self.source(), Markup::NoLinks, &|_| None, (self.r.options.badges, outdated))
    }

    /// Where a link written `written` in a file in the folder `from` leads when it names a
    /// tutorial's YAML file: that tutorial's page in this page's language.
    pub(super) fn tutorial_link(&self, from: &CategoryPath, written: &str) -> Option<String> {
        let to = self.site.links.get(from, written)?;
        let mut href = self.link(&urls::tutorial_dir(self.lang, &to.id));
        if let Some(n) = to.step {
            href.push_str(&format!("#step-{n}"));
        }
        Some(href)
    }

    pub(super) fn plain(&self, text: &Localized) -> String {
        text::plain(text, self.lang, self.source())
    }

    pub(super) fn date(&self, date: Date) -> String {
        self.r.locales.date(self.lang, date)
    }

    pub(super) fn category_title(&self, c: &Category) -> TextView {
        let outdated = self.site.outdated.of_category(&c.path).contains(&FieldPath::Title, self.lang);
        self.title(&c.title, outdated)
    }

    pub(super) fn category_description(&self, c: &Category) -> Option<TextView> {
        let outdated = self.site.outdated.of_category(&c.path);
        c.description.as_ref().map(|d| self.text(d, &c.path, outdated.contains(&FieldPath::Description, self.lang)))
    }

    /// What the head of every page shows: title, description, canonical and alternate
    /// links, the language switcher.
    pub(super) fn meta(&self, kind: PageKind, title: String, description: String) -> PageMeta {
        let config = &self.site.config;
        let alternates = config
            .languages
            .iter()
            .map(|l| Alternate {
                hreflang: l.html_tag(),
                href: config.absolute(&urls::encode_path(&self.key.with_lang(l).url_path())),
            })
            .chain(std::iter::once(Alternate {
                hreflang: "x-default".into(),
                href: config.absolute(&urls::encode_path(&self.key.with_lang(self.source()).url_path())),
            }))
            .collect();
        let languages = config
            .languages
            .iter()
            .map(|l| LangChoice {
                code: l.to_string(),
                name: l.name().to_string(),
                html_lang: l.html_tag(),
                href: self.link(&self.key.with_lang(l).url_path()),
                current: l == self.lang,
            })
            .collect();
        PageMeta {
            kind,
            title,
            description,
            canonical: config.absolute(&urls::encode_path(&self.key.url_path())),
            alternates,
            languages,
            breadcrumbs: Vec::new(),
        }
    }

    /// The context every page template gets.
    pub(super) fn base(&self, meta: PageMeta) -> Context {
        let lang = self.lang;
        let mut ctx = self.r.locales.context(lang);
        ctx.insert("lang", lang);
        ctx.insert("html_lang", &lang.html_tag());
        ctx.insert("root", &self.up);
        ctx.insert("home", &self.link(&urls::index_dir(lang)));
        ctx.insert("search_href", &self.link(&urls::search_dir(lang)));
        ctx.insert("site_title", self.site.config.title(lang));
        ctx.insert("page", &meta);
        ctx
    }

    /// Home, then the categories from the top down to `category`.
    pub(super) fn breadcrumbs(&self, category: &CategoryPath) -> Vec<Link> {
        let mut crumbs = vec![Link { title: self.t("home").to_string(), href: self.link(&urls::index_dir(self.lang)) }];
        for c in self.site.category_chain(category) {
            crumbs.push(Link { title: self.plain(&c.title), href: self.link(&urls::category_dir(self.lang, &c.path)) });
        }
        crumbs
    }

    /// Tutorial `idx` as an item of a question list on this page.
    pub(super) fn question(&self, idx: usize) -> Listed<'_> {
        Listed { item: self.question_from_root(idx), prefix: &self.up }
    }

    /// Tutorial `idx`'s item with links from the site root, as the list items keep it.
    pub(super) fn question_from_root(&self, idx: usize) -> Cow<'_, QuestionItem> {
        let lang_index = self.site.config.languages.position(self.lang).unwrap_or(0);
        self.items.get(idx, lang_index, || self.make_question(idx))
    }

    fn make_question(&self, idx: usize) -> QuestionItem {
        let (site, lang) = (self.site, self.lang);
        let t = &site.tutorials[idx];
        let outdated = site.outdated.of_tutorial(&t.id);
        QuestionItem {
            id: t.id.to_string(),
            plain_title: self.plain(&t.title),
            title: self.title(&t.title, outdated.contains(&FieldPath::Title, lang)),
            href: link("", &urls::tutorial_dir(lang, &t.id)),
            category: site.categories.get(&t.category).map(|c| self.plain(&c.title)).unwrap_or_default(),
            category_href: link("", &urls::category_dir(lang, &t.category)),
            date: t.last_changed().to_string(),
            date_display: self.date(t.last_changed()),
            summary: t
                .summary
                .as_ref()
                .map(|s| self.text(s, &t.category, outdated.contains(&FieldPath::Summary, lang))),
            steps: t.steps.len(),
        }
    }

    /// The tutorials at `indexes`, as a question list.
    pub(super) fn questions(&self, indexes: &[usize]) -> Vec<Listed<'_>> {
        indexes.iter().map(|&i| self.question(i)).collect()
    }

    /// The newest tutorials, for "Latest Q&A".
    pub(super) fn latest(&self) -> Vec<Listed<'_>> {
        self.questions(self.latest_indexes())
    }

    pub(super) fn latest_indexes(&self) -> &[usize] {
        let n = self.site.latest().len().min(LATEST_COUNT);
        &self.site.latest()[..n]
    }

    pub(super) fn tag_item(&self, tag: &str, count: usize) -> TagItem {
        TagItem {
            name: self.site.tag_name(tag, self.lang).to_string(),
            href: self.link(&urls::tag_dir(self.lang, tag)),
            count,
        }
    }

    /// The direct subcategories of `path`, with their counts.
    pub(super) fn subcategories(&self, path: &CategoryPath) -> Vec<CategoryItem> {
        let site = self.site;
        let Some(subs) = site.subcategories.get(path) else { return Vec::new() };
        subs.iter()
            .map(|p| {
                let c = &site.categories[p];
                CategoryItem {
                    title: self.category_title(c),
                    href: self.link(&urls::category_dir(self.lang, p)),
                    count: site.count_under(p),
                    description: self.category_description(c),
                }
            })
            .collect()
    }
}
