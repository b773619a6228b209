//! Which pages a site has and where each one lives: [`PageKey`] names a page,
//! [`all_pages`] lists them in a stable order.

use serde::Serialize;

use super::RenderOptions;
use super::urls;
use crate::lang::Lang;
use crate::model::{CategoryPath, Site, TutorialId};

/// One page of output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PageKey {
    /// `/index.html`: sends readers to a language.
    Root,
    Index {
        lang: Lang,
    },
    Category {
        lang: Lang,
        path: CategoryPath,
    },
    Tutorial {
        lang: Lang,
        id: TutorialId,
    },
    /// A tutorial's source and its `lang` translation aligned step by step, with `lang`'s
    /// chrome. Only translations have one: the source's page would repeat the same pair.
    Compare {
        lang: Lang,
        id: TutorialId,
    },
    Tags {
        lang: Lang,
    },
    Tag {
        lang: Lang,
        tag: String,
    },
    /// The search results page; works from a URL (`?q=`).
    Search {
        lang: Lang,
    },
    /// `{lang}/404.html`, or the root `404.html` (in the source language) when `root`.
    NotFound {
        lang: Lang,
        root: bool,
    },
}

/// What kind of page a key names: the template it is made with, and the `page.kind`
/// templates and styles can tell pages apart by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum PageKind {
    Root,
    Index,
    Category,
    Tutorial,
    Compare,
    Tags,
    Tag,
    Search,
    NotFound,
}

impl PageKind {
    pub(crate) fn template(self) -> &'static str {
        match self {
            PageKind::Root => "root.html",
            PageKind::Index => "index.html",
            PageKind::Category => "category.html",
            PageKind::Tutorial => "tutorial.html",
            PageKind::Compare => "compare.html",
            PageKind::Tags => "tags.html",
            PageKind::Tag => "tag.html",
            PageKind::Search => "search.html",
            PageKind::NotFound => "404.html",
        }
    }
}

impl PageKey {
    pub(crate) fn kind(&self) -> PageKind {
        match self {
            PageKey::Root => PageKind::Root,
            PageKey::Index { .. } => PageKind::Index,
            PageKey::Category { .. } => PageKind::Category,
            PageKey::Tutorial { .. } => PageKind::Tutorial,
            PageKey::Compare { .. } => PageKind::Compare,
            PageKey::Tags { .. } => PageKind::Tags,
            PageKey::Tag { .. } => PageKind::Tag,
            PageKey::Search { .. } => PageKind::Search,
            PageKey::NotFound { .. } => PageKind::NotFound,
        }
    }

    /// The page's language; the root page's is `None`.
    pub(crate) fn lang(&self) -> Option<&Lang> {
        match self {
            PageKey::Root => None,
            PageKey::Index { lang }
            | PageKey::Category { lang, .. }
            | PageKey::Tutorial { lang, .. }
            | PageKey::Compare { lang, .. }
            | PageKey::Tags { lang }
            | PageKey::Tag { lang, .. }
            | PageKey::Search { lang }
            | PageKey::NotFound { lang, .. } => Some(lang),
        }
    }

    /// The page's folder under the output root (`zh/amazon/`), `""` for the root.
    pub(crate) fn dir(&self) -> String {
        match self {
            PageKey::Root => String::new(),
            PageKey::Index { lang } => urls::index_dir(lang),
            PageKey::Category { lang, path } => urls::category_dir(lang, path),
            PageKey::Tutorial { lang, id } => urls::tutorial_dir(lang, id),
            // The folder of the tutorial it sits beside (see `url_path`).
            PageKey::Compare { lang, id } => urls::tutorial_dir(lang, id),
            PageKey::Tags { lang } => urls::tags_dir(lang),
            PageKey::Tag { lang, tag } => urls::tag_dir(lang, tag),
            PageKey::Search { lang } => urls::search_dir(lang),
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
    pub(crate) fn url_path(&self) -> String {
        match self {
            PageKey::Compare { lang, id } => urls::compare_path(lang, id),
            _ => self.dir(),
        }
    }

    pub(crate) fn output_path(&self) -> String {
        match self {
            PageKey::NotFound { .. } => format!("{}404.html", self.dir()),
            PageKey::Compare { lang, id } => urls::compare_path(lang, id),
            _ => format!("{}index.html", self.dir()),
        }
    }

    /// The same page in another language.
    pub(crate) fn with_lang(&self, other: &Lang) -> PageKey {
        let lang = other.clone();
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

/// Every page of the site, in a stable order.
pub(crate) fn all_pages(site: &Site, options: RenderOptions) -> Vec<PageKey> {
    let source = site.source_lang();
    let mut keys = vec![PageKey::Root, PageKey::NotFound { lang: source.clone(), root: true }];
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
        if options.side_by_side && lang != source {
            keys.extend(site.tutorials.iter().map(|t| PageKey::Compare { lang: lang.clone(), id: t.id.clone() }));
        }
        for tag in site.tags.keys() {
            keys.push(PageKey::Tag { lang: lang.clone(), tag: tag.clone() });
        }
    }
    keys
}
