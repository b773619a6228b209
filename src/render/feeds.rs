//! Machine-read files: `sitemap.xml`, `robots.txt` and each language's `atom.xml`.
//! Pure functions of the site model, written without templates (their formats are fixed).

use std::fmt::Write as _;

use rayon::prelude::*;

use super::{PageKey, RenderOptions, all_pages, urls};
use crate::lang::Lang;
use crate::markdown::{self, escape};
use crate::model::{Date, Site};

/// Entries in a language's feed.
pub(crate) const FEED_ENTRIES: usize = 20;

/// Every page, with `xhtml:link` alternates in every language and `x-default`.
pub(crate) fn sitemap(site: &Site, options: RenderOptions) -> String {
    let mut out = String::with_capacity(640 * site.tutorials.len() * site.config.languages.count() + 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let pages: Vec<PageKey> =
        // The side-by-side views repeat the tutorial pages (and say noindex).
        all_pages(site, options)
            .into_iter()
            .filter(|k| !matches!(k, PageKey::Root | PageKey::NotFound { .. } | PageKey::Compare { .. }))
            .collect();
    let parts: Vec<String> = pages.par_chunks(512).map(|keys| sitemap_entries(site, keys)).collect();
    parts.iter().for_each(|p| out.push_str(p));
    out.push_str("</urlset>\n");
    out
}

fn sitemap_entries(site: &Site, keys: &[PageKey]) -> String {
    let mut out = String::with_capacity(640 * keys.len());
    let source = site.source_lang();
    for key in keys {
        let loc = site.config.absolute(&urls::encode_path(&key.dir()));
        let _ = write!(out, "  <url>\n    <loc>{}</loc>\n", escape(&loc));
        if let PageKey::Tutorial { id, .. } = key
            && let Some(t) = site.tutorial(id)
        {
            let _ = writeln!(out, "    <lastmod>{}</lastmod>", t.last_changed());
        }
        for lang in &site.config.languages {
            let href = site.config.absolute(&urls::encode_path(&key.with_lang(lang).dir()));
            let _ = writeln!(
                out,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                lang.html_tag(),
                escape(&href)
            );
        }
        let default = site.config.absolute(&urls::encode_path(&key.with_lang(source).dir()));
        let _ =
            writeln!(out, "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>", escape(&default));
        out.push_str("  </url>\n");
    }
    out
}

pub(crate) fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", site.config.absolute("sitemap.xml"))
}

fn rfc3339(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// The latest tutorials of one language, by `updated` or `date`, as Atom 1.0.
pub(crate) fn atom(site: &Site, lang: &Lang) -> String {
    let src = site.source_lang();
    let latest: Vec<usize> = site.latest().iter().copied().take(FEED_ENTRIES).collect();
    let feed_url = site.config.absolute(&format!("{lang}/atom.xml"));
    let home = site.config.absolute(&urls::index_dir(lang));
    let updated = latest
        .first()
        .map_or_else(|| rfc3339(Date { year: 1970, month: 1, day: 1 }), |&i| rfc3339(site.tutorials[i].last_changed()));
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", lang.html_tag());
    let _ = writeln!(out, "  <title>{}</title>", escape(site.config.title(lang)));
    let _ = writeln!(out, "  <id>{}</id>", escape(&feed_url));
    let _ = writeln!(out, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", escape(&feed_url));
    let _ = writeln!(out, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(&home));
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    let _ = writeln!(out, "  <author><name>{}</name></author>", escape(site.config.title(lang)));
    let _ = writeln!(out, "  <generator>stepwise</generator>");
    for i in latest {
        let t = &site.tutorials[i];
        let url = site.config.absolute(&urls::encode_path(&urls::tutorial_dir(lang, &t.id)));
        let title = markdown::to_plain(t.title.get(lang, src).text);
        let summary = t
            .summary
            .as_ref()
            .map(|s| markdown::to_plain(s.get(lang, src).text))
            .or_else(|| t.steps.first().map(|s| markdown::to_plain(s.text.get(lang, src).text)))
            .unwrap_or_default();
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", escape(&title));
        let _ = writeln!(out, "    <id>{}</id>", escape(&url));
        let _ = writeln!(out, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(&url));
        let _ = writeln!(out, "    <published>{}</published>", rfc3339(t.date));
        let _ = writeln!(out, "    <updated>{}</updated>", rfc3339(t.last_changed()));
        if let Some(a) = t.author.as_ref().and_then(|a| site.authors.get(a)) {
            let name = markdown::to_plain(a.name.get(lang, src).text);
            let _ = writeln!(out, "    <author><name>{}</name></author>", escape(&name));
        }
        if let Some(c) = site.categories.get(&t.category) {
            let _ =
                writeln!(out, "    <category term=\"{}\"/>", escape(&markdown::to_plain(c.title.get(lang, src).text)));
        }
        let _ = writeln!(out, "    <summary>{}</summary>", escape(&summary));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
