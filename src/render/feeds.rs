//! Machine-read files: `sitemap.xml` (an index over `sitemap-N.xml` past 50,000 URLs),
//! `robots.txt` and each language's `atom.xml`.
//! Pure functions of the site model, written without templates (their formats are fixed).

use std::fmt::Write as _;

use rayon::prelude::*;

use super::{PageKey, RenderOptions, all_pages, urls};
use crate::lang::Lang;
use crate::markdown::{self, escape};
use crate::model::{Date, Site};

/// Entries in a language's feed.
pub(crate) const FEED_ENTRIES: usize = 20;

/// The sitemaps protocol's limits for one file: 50,000 URLs and 50 MB (52,428,800 bytes).
const SITEMAP_MAX_URLS: usize = 50_000;
const SITEMAP_MAX_BYTES: usize = 52_428_800;
/// URLs per chunk made in parallel; divides [`SITEMAP_MAX_URLS`].
const CHUNK: usize = 500;

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// Every page, with `xhtml:link` alternates in every language and `x-default`, as
/// `(output path, text)`: one `sitemap.xml` while the site fits the protocol's limits
/// for one file; past them `sitemap.xml` is a sitemap index over `sitemap-1.xml`,
/// `sitemap-2.xml`... each within the limits.
pub(crate) fn sitemaps(site: &Site, options: RenderOptions) -> Vec<(String, String)> {
    let pages: Vec<PageKey> =
        // The side-by-side views repeat the tutorial pages (and say noindex).
        all_pages(site, options)
            .into_iter()
            .filter(|k| !matches!(k, PageKey::Root | PageKey::NotFound { .. } | PageKey::Compare { .. }))
            .collect();
    let chunks: Vec<(usize, String)> =
        pages.par_chunks(CHUNK).map(|keys| (keys.len(), sitemap_entries(site, keys))).collect();
    let files = pack(chunks, SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES - URLSET_OPEN.len() - URLSET_CLOSE.len());
    if files.len() == 1 {
        return files.into_iter().map(|body| ("sitemap.xml".to_string(), body)).collect();
    }
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    index.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut out = Vec::with_capacity(files.len() + 1);
    for (n, body) in files.into_iter().enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(index, "  <sitemap><loc>{}</loc></sitemap>", escape(&site.config.absolute(&name)));
        out.push((name, body));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, ("sitemap.xml".to_string(), index));
    out
}

/// Packs chunks of `<url>` entries (their count, their text) into whole urlset files of
/// at most `max_urls` URLs and `max_bytes` bytes of entries each (at least one file).
fn pack(chunks: Vec<(usize, String)>, max_urls: usize, max_bytes: usize) -> Vec<String> {
    // Each file sized up front for what is left: growing a 10 MB text by doubling
    // copied it over and over.
    let mut left: usize = chunks.iter().map(|(_, text)| text.len()).sum();
    let file = |left: usize| {
        let mut body = String::with_capacity(URLSET_OPEN.len() + left.min(max_bytes) + URLSET_CLOSE.len());
        body.push_str(URLSET_OPEN);
        body
    };
    let mut files: Vec<(usize, String)> = vec![(0, file(left))];
    for (urls, text) in chunks {
        let (count, body) = files.last_mut().map(|(c, b)| (*c, b.len())).unwrap_or((0, 0));
        if count > 0 && (count + urls > max_urls || body - URLSET_OPEN.len() + text.len() > max_bytes) {
            files.push((0, file(left)));
        }
        left -= text.len();
        if let Some((count, body)) = files.last_mut() {
            *count += urls;
            body.push_str(&text);
        }
    }
    files
        .into_iter()
        .map(|(_, mut body)| {
            body.push_str(URLSET_CLOSE);
            body
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(n: usize, bytes: usize) -> (usize, String) {
        (n, "x".repeat(bytes))
    }

    #[test]
    fn sitemaps_are_split_at_the_url_and_byte_limits() {
        let one = pack(vec![chunk(500, 10), chunk(500, 10)], 1000, 1000);
        assert_eq!(one.len(), 1);
        assert!(one[0].starts_with(URLSET_OPEN) && one[0].ends_with(URLSET_CLOSE));
        let by_urls = pack(vec![chunk(500, 10), chunk(500, 10), chunk(1, 10)], 1000, 1000);
        assert_eq!(by_urls.len(), 2);
        let by_bytes = pack(vec![chunk(2, 600), chunk(2, 600), chunk(2, 300)], 1000, 1000);
        assert_eq!(
            by_bytes.iter().map(|f| f.len() - URLSET_OPEN.len() - URLSET_CLOSE.len()).collect::<Vec<_>>(),
            [600, 900]
        );
        assert_eq!(pack(Vec::new(), 1000, 1000).len(), 1, "an empty site has an empty urlset");
    }
}
