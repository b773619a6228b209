//! Findability: search index and relevance, sitemap, robots.txt, feeds, structured data,
//! 404 pages.

use std::collections::BTreeSet;

use crate::util::TestSite;

fn example_index(lang: &str) -> (stepwise::search::Index, Vec<String>) {
    let site = TestSite::example();
    let loaded = stepwise::pipeline::load_once(&site.root).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let index = stepwise::search::build(&loaded.site, lang);
    let ids = index
        .docs
        .iter()
        .map(|d| d[1].trim_start_matches(&format!("{lang}/")).trim_end_matches('/').to_string())
        .collect();
    (index, ids)
}

fn top(index: &stepwise::search::Index, ids: &[String], query: &str, n: usize) -> Vec<String> {
    stepwise::search::rank(index, query, n).iter().map(|h| ids[h.doc as usize].clone()).collect()
}

/// Real queries against the example site, with the answer a reader expects first.
#[test]
fn relevance_of_real_queries() {
    let (zh, zh_ids) = example_index("zh");
    for (query, want) in [
        ("忘记密码", "cross-border-ec/amazon/forgot-password"),
        ("修改密码", "payments/wechat-pay/set-payment-password"),
        ("销量", "cross-border-ec/amazon/view-sales"),
        ("开店", "cross-border-ec/amazon/open-store"),
        ("亚马逊收货地址", "cross-border-ec/amazon/change-shipping-address"),
        ("退款", "domestic-ec/taobao/request-refund"),
    ] {
        let got = top(&zh, &zh_ids, query, 5);
        assert_eq!(got.first().map(String::as_str), Some(want), "{query}: {got:?}");
    }
    // 微信支付: the three WeChat Pay questions come first, whichever order.
    let got: BTreeSet<String> = top(&zh, &zh_ids, "微信支付", 3).into_iter().collect();
    let want: BTreeSet<String> = [
        "domestic-ec/taobao/pay-with-wechat",
        "payments/wechat-pay/bind-bank-card",
        "payments/wechat-pay/set-payment-password",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(got, want);

    let (en, en_ids) = example_index("en");
    for (query, want) in [
        ("forgot password", "cross-border-ec/amazon/forgot-password"),
        ("Forget PASSWORDS", "cross-border-ec/amazon/forgot-password"),
        ("sales report", "cross-border-ec/amazon/view-sales"),
        ("refund", "domestic-ec/taobao/request-refund"),
        ("open a store", "cross-border-ec/amazon/open-store"),
    ] {
        let got = top(&en, &en_ids, query, 5);
        assert_eq!(got.first().map(String::as_str), Some(want), "{query}: {got:?}");
    }
    assert!(top(&en, &en_ids, "xylophone", 5).is_empty());
}

#[test]
fn index_files_are_written_and_consistent() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    for lang in ["zh", "en"] {
        let manifest: serde_json::Value =
            serde_json::from_str(&site.page(&format!("{lang}/search-index.json"))).unwrap();
        assert_eq!(manifest["v"], 2);
        assert_eq!(manifest["docs"], 8);
        // Every term is in the chunk the entry file points to: chunk k holds the terms from
        // its first term up to the next chunk's, in the browser's (UTF-16) order.
        let firsts: Vec<String> =
            manifest["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
        let key = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        for (k, first) in firsts.iter().enumerate() {
            let terms: serde_json::Value =
                serde_json::from_str(&site.page(&format!("{lang}/search/terms-{k}.json"))).unwrap();
            for (tok, post) in terms.as_object().unwrap() {
                assert!(key(tok) >= key(first), "{tok} is before its chunk");
                if let Some(next) = firsts.get(k + 1) {
                    assert!(key(tok) < key(next), "{tok} is after its chunk");
                }
                assert!(post.as_str().unwrap().contains(';'), "{tok}: {post}");
            }
        }
        let meta: Vec<[String; 3]> = serde_json::from_str(&site.page(&format!("{lang}/search/meta-0.json"))).unwrap();
        assert_eq!(meta.len(), 8);
        assert!(meta.iter().any(|d| d[1] == format!("{lang}/cross-border-ec/amazon/forgot-password/")));
        // Text in chunks of 4 tutorials.
        let text: Vec<String> = (0..2)
            .flat_map(|c| {
                serde_json::from_str::<Vec<String>>(&site.page(&format!("{lang}/search/text-{c}.json"))).unwrap()
            })
            .collect();
        assert_eq!(text.len(), 8);
        assert!(text.iter().all(|t| !t.is_empty()));
    }
    let zh = site.page("zh/search/meta-0.json");
    assert!(zh.contains("亚马逊登录密码忘记了怎么办？"));
    assert!(site.page("zh/search/index.html").contains("id=\"search-results\""));
    // The search box is on every page and works as a plain form too.
    let page = site.page("en/cross-border-ec/amazon/forgot-password/index.html");
    assert!(
        page.contains("<form class=\"site-search\" role=\"search\" action=\"../../../../en/search/\" method=\"get\"")
    );
    assert!(page.contains("<script src=\"../../../../search.js\" defer"));
}

/// While typing: an English prefix, one Chinese character, full-width letters.
#[test]
fn partial_queries_find_results() {
    let (zh, zh_ids) = example_index("zh");
    let got = top(&zh, &zh_ids, "密", 10);
    assert!(got.contains(&"cross-border-ec/amazon/forgot-password".to_string()), "{got:?}");
    assert!(got.contains(&"payments/wechat-pay/set-payment-password".to_string()), "{got:?}");
    let (en, en_ids) = example_index("en");
    for query in ["pass", "forgot pass", "ｆｏｒｇｏｔ　ｐａｓｓｗ"] {
        let got = top(&en, &en_ids, query, 5);
        assert_eq!(got.first().map(String::as_str), Some("cross-border-ec/amazon/forgot-password"), "{query}: {got:?}");
    }
}

#[test]
fn sitemap_lists_every_page_with_alternates() {
    let site = TestSite::fixture("good");
    assert_eq!(site.build().code, 0);
    let xml = site.page("sitemap.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">"));
    let locs: Vec<&str> =
        xml.match_indices("<loc>").map(|(i, _)| &xml[i + 5..i + xml[i..].find("</loc>").unwrap()]).collect();
    // Every index.html page of the build (the language chooser at / excepted; the noindex
    // side-by-side views are `side-by-side.html`).
    let mut pages = Vec::new();
    for entry in walkdir(&site.root.join("public")) {
        let rel = entry.strip_prefix(site.root.join("public")).unwrap().to_string_lossy().replace('\\', "/");
        if rel.ends_with("index.html") && rel != "index.html" {
            pages.push(rel.trim_end_matches("index.html").to_string());
        }
    }
    assert_eq!(locs.len(), pages.len(), "{locs:?}");
    assert!(locs.contains(&"https://example.com/docs/zh/shop/orders/forgot-password/"));
    assert!(locs.contains(&"https://example.com/docs/en/tags/%E9%93%B6%E8%A1%8C%E5%8D%A1/"));
    let entry = &xml[xml.find("<loc>https://example.com/docs/en/shop/orders/forgot-password/</loc>").unwrap()..];
    let entry = &entry[..entry.find("</url>").unwrap()];
    assert!(entry.contains("<lastmod>2024-06-01</lastmod>"));
    assert!(entry.contains("<xhtml:link rel=\"alternate\" hreflang=\"zh-CN\" href=\"https://example.com/docs/zh/shop/orders/forgot-password/\"/>"));
    assert!(entry.contains("hreflang=\"x-default\" href=\"https://example.com/docs/zh/shop/orders/forgot-password/\""));
    assert_eq!(site.page("robots.txt"), "User-agent: *\nAllow: /\n\nSitemap: https://example.com/docs/sitemap.xml\n");
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walkdir(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn atom_feed_lists_the_latest_first() {
    let site = TestSite::fixture("good");
    assert_eq!(site.build().code, 0);
    let feed = site.page("en/atom.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"));
    assert!(
        feed.contains(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.com/docs/en/atom.xml\"/>"
        )
    );
    assert!(feed.contains("<updated>2024-06-01T00:00:00Z</updated>"));
    let first = feed.find("<title>What to do if you forget your login password on Amazon?</title>").unwrap();
    let second = feed.find("<title>How to change your shipping address?</title>").unwrap();
    let third = feed.find("<title>How to add a bank card?</title>").unwrap();
    assert!(first < second && second < third);
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(feed.contains("<author><name>Tiaopi E-commerce</name></author>"));
    // Raw HTML in a text is escaped in the feed too.
    assert!(!feed.contains("<img src=x"));
}

#[test]
fn breadcrumbs_and_item_lists_in_structured_data() {
    let site = TestSite::fixture("good");
    assert_eq!(site.build().code, 0);
    let html = site.page("en/shop/orders/forgot-password/index.html");
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let doc: serde_json::Value =
        serde_json::from_str(&html[start..start + html[start..].find("</script>").unwrap()]).unwrap();
    let crumbs = &doc["mainEntityOfPage"]["breadcrumb"];
    assert_eq!(crumbs["@type"], "BreadcrumbList");
    let names: Vec<&str> =
        crumbs["itemListElement"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Home", "Shopping", "Orders", "What to do if you forget your login password on Amazon?"]);
    assert_eq!(crumbs["itemListElement"][1]["item"], "https://example.com/docs/en/shop/");

    let index = site.page("en/index.html");
    let start = index.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let list: serde_json::Value =
        serde_json::from_str(&index[start..start + index[start..].find("</script>").unwrap()]).unwrap();
    assert_eq!(list["@type"], "ItemList");
    assert_eq!(list["itemListElement"][0]["@type"], "ListItem");
    assert!(list["itemListElement"][0]["url"].as_str().unwrap().starts_with("https://example.com/docs/en/"));
    assert_eq!(list["numberOfItems"], 3);
}

#[test]
fn not_found_pages_use_absolute_links() {
    let site = TestSite::fixture("good");
    assert_eq!(site.build().code, 0);
    let root = site.page("404.html");
    assert!(root.contains("<html lang=\"zh-CN\">"));
    assert!(root.contains("href=\"/docs/style.css\""), "served at any depth, so links start at the base path");
    assert!(root.contains("href=\"/docs/zh/shop/orders/forgot-password/\""));
    let en = site.page("en/404.html");
    assert!(en.contains("Page not found"));
    assert!(en.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(en.contains("href=\"/docs/en/\""));
}
