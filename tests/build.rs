//! A good site builds into every page of DESIGN.md "Output", with the hooks in place.

use crate::util::{TestSite, attr, tags_with};

fn built() -> TestSite {
    let site = TestSite::fixture("good");
    let run = site.build();
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    site
}

#[test]
fn writes_every_page_of_the_contract() {
    let site = built();
    for page in [
        "index.html",
        "zh/index.html",
        "en/index.html",
        "zh/shop/index.html",
        "zh/shop/orders/index.html",
        "en/pay/index.html",
        "zh/shop/orders/forgot-password/index.html",
        "en/shop/orders/forgot-password/index.html",
        "en/pay/bind-card/index.html",
        "zh/tags/index.html",
        "zh/tags/account/index.html",
        "en/tags/银行卡/index.html",
        "style.css",
    ] {
        assert!(site.exists(&format!("public/{page}")), "missing public/{page}");
    }
}

#[test]
fn tutorial_page_has_the_hooks() {
    let site = built();
    let html = site.page("zh/shop/orders/forgot-password/index.html");
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("<nav class=\"breadcrumbs\""));
    assert!(html.contains("<ol class=\"steps\">"));
    for n in 1..=3 {
        assert!(html.contains(&format!("id=\"step-{n}\"")), "step {n}");
    }
    assert_eq!(tags_with(&html, "li", "class=\"step").len(), 3);

    let imgs = tags_with(&html, "img", "img/step-0");
    assert_eq!(imgs.len(), 2);
    let first = imgs[0];
    // Content-hashed names: `img/step-01-60.<hash>.png` (60 px wide: never upscaled).
    let src = attr(first, "src").unwrap();
    assert!(src.starts_with("../../../../img/step-01-60.") && src.ends_with(".png"), "{src}");
    assert_eq!(attr(first, "width"), Some("60"));
    assert_eq!(attr(first, "height"), Some("130"));
    assert_eq!(attr(first, "alt"), Some("首页截图"));
    assert!(attr(first, "srcset").unwrap().ends_with(" 60w"));
    assert_eq!(attr(first, "loading"), None, "the first screenshot loads eagerly");
    assert_eq!(attr(imgs[1], "loading"), Some("lazy"));

    let callouts = tags_with(&html, "span", "class=\"callout\"");
    assert_eq!(callouts.len(), 2);
    assert!(attr(callouts[0], "style").unwrap().contains("left:66.00%;top:84.00%;width:30.00%;height:8.00%"));
    assert!(html.contains("<span class=\"callout-label\" aria-hidden=\"true\">这里</span>"));

    assert!(html.contains("<aside class=\"note note-tip\""));
    assert!(html.contains("<span class=\"ui\">我的</span>"));
    assert!(html.contains("<strong>验证码</strong>"));
}

#[test]
fn breadcrumbs_follow_the_category_chain() {
    let site = built();
    let html = site.page("en/shop/orders/forgot-password/index.html");
    let nav = &html[html.find("<nav class=\"breadcrumbs\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    let home = nav.find(">Home<").expect("Home");
    let shop = nav.find(">Shopping<").expect("Shopping");
    let orders = nav.find(">Orders<").expect("Orders");
    assert!(home < shop && shop < orders);
    assert!(nav.contains("href=\"../../../../en/shop/\""));
}

#[test]
fn alternates_canonical_and_language_switch() {
    let site = built();
    let html = site.page("en/shop/orders/forgot-password/index.html");
    assert!(
        html.contains("<link rel=\"canonical\" href=\"https://example.com/docs/en/shop/orders/forgot-password/\">")
    );
    assert!(html.contains(
        "<link rel=\"alternate\" hreflang=\"zh-CN\" href=\"https://example.com/docs/zh/shop/orders/forgot-password/\">"
    ));
    assert!(html.contains(
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/docs/en/shop/orders/forgot-password/\">"
    ));
    assert!(html.contains("<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.com/docs/zh/shop/orders/forgot-password/\">"));
    // The switcher goes to the same tutorial in the other language, relatively.
    assert!(html.contains("href=\"../../../../zh/shop/orders/forgot-password/\""));
}

#[test]
fn json_ld_is_one_howto_with_its_steps() {
    let site = built();
    let html = site.page("en/shop/orders/forgot-password/index.html");
    let opens: Vec<_> = html.match_indices("<script type=\"application/ld+json\">").collect();
    assert_eq!(opens.len(), 1);
    let start = opens[0].0 + opens[0].1.len();
    let end = start + html[start..].find("</script>").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(doc["@type"], "HowTo");
    assert_eq!(doc["name"], "What to do if you forget your login password on Amazon?");
    let steps = doc["step"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["@type"], "HowToStep");
    assert_eq!(steps[0]["text"], "Click [My] in the lower right corner, and then click [Account Settings].");
    assert_eq!(steps[0]["url"], "https://example.com/docs/en/shop/orders/forgot-password/#step-1");
    let image = steps[0]["image"].as_str().unwrap();
    assert!(image.starts_with("https://example.com/docs/img/step-01-60.") && image.ends_with(".png"), "{image}");
}

#[test]
fn related_lists_explicit_first_and_never_itself() {
    let site = built();
    let html = site.page("zh/shop/orders/forgot-password/index.html");
    let rel = &html[html.find("<section class=\"related\"").expect("related section")..];
    let rel = &rel[..rel.find("</section>").unwrap()];
    let bind = rel.find("pay/bind-card/").expect("explicit related link");
    let addr = rel.find("shop/orders/change-address/").expect("automatic: shares a tag and the category");
    assert!(bind < addr, "explicit links come first");
    assert!(!rel.contains("forgot-password/\""), "never the page itself");
}

#[test]
fn missing_translation_falls_back_visibly() {
    let site = built();
    let run = site.build();
    assert!(run.stderr.contains("warning: content/shop/orders/change-address.yaml:11:9: `steps[2].text` has no en translation; the zh text is shown"), "{}", run.stderr);
    let html = site.page("en/shop/orders/change-address/index.html");
    assert!(
        html.contains("<span lang=\"zh-CN\" class=\"fallback\">点击<span class=\"ui\">编辑</span>修改地址。</span>")
    );
    assert!(html.contains("badge-untranslated"));
    let zh = site.page("zh/shop/orders/change-address/index.html");
    assert!(!zh.contains("badge-untranslated"));
}

#[test]
fn per_language_screenshots() {
    let site = built();
    let en = site.page("en/pay/bind-card/index.html");
    let zh = site.page("zh/pay/bind-card/index.html");
    assert!(en.contains("img/en-80.") && !en.contains("img/zh-80."));
    assert!(zh.contains("img/zh-80.") && !zh.contains("img/en-80."));
    let files: Vec<String> = std::fs::read_dir(site.root.join("public/img"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(files.iter().any(|f| f.starts_with("en-80.")), "{files:?}");
}

#[test]
fn raw_html_and_script_links_are_neutralised() {
    let site = built();
    for lang in ["zh", "en"] {
        let html = site.page(&format!("{lang}/pay/bind-card/index.html"));
        assert!(!html.contains("<script>alert"), "{lang}");
        assert!(!html.contains("<img src=x"), "{lang}");
        assert!(!html.contains("javascript:"), "{lang}");
    }
    let zh = site.page("zh/pay/bind-card/index.html");
    assert!(zh.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(site.page("en/pay/bind-card/index.html").contains("<a href=\"https://example.com/help\">help</a>"));
}

#[test]
fn index_lists_categories_latest_and_tags() {
    let site = built();
    let html = site.page("en/index.html");
    // Categories in `order`: Payments (1) before Shopping (2).
    assert!(html.find(">Payments<").unwrap() < html.find(">Shopping<").unwrap());
    let latest = &html[html.find("class=\"latest\"").expect("latest")..];
    // Newest by updated-or-date first: forgot-password (2024-06-01), change-address (2024-03-10).
    assert!(latest.find("forgot-password/").unwrap() < latest.find("change-address/").unwrap());
    assert!(html.contains("class=\"popular-tags\""));
    assert!(html.contains("href=\"../en/tags/account/\""));
    assert!(html.contains("href=\"../en/tags/%E9%93%B6%E8%A1%8C%E5%8D%A1/\""), "CJK tag links are encoded");
}

#[test]
fn root_page_picks_the_source_language() {
    let site = built();
    let html = site.page("index.html");
    assert!(html.contains("url=zh/"));
    assert!(html.contains("href=\"en/\""));
}

#[test]
fn pages_need_no_javascript_and_no_network() {
    let site = built();
    for page in ["zh/index.html", "en/shop/orders/forgot-password/index.html", "zh/tags/account/index.html"] {
        let html = site.page(page);
        // The only script is the site's own deferred search; the page is complete without it.
        for script in tags_with(&html, "script", "src=") {
            let src = attr(script, "src").unwrap();
            assert!(src.ends_with("search.js") && !src.contains("//"), "{page}: {script}");
            assert!(script.contains(" defer"), "{page}: {script}");
        }
        assert!(!html.contains("src=\"http"), "{page}: no remote assets");
        assert!(!html.contains("href=\"http://"), "{page}");
        for link in tags_with(&html, "link", "stylesheet") {
            assert!(!attr(link, "href").unwrap().starts_with("http"), "{page}");
        }
    }
}

#[test]
fn rebuild_is_deterministic() {
    let site = built();
    let first = site.page("en/shop/orders/forgot-password/index.html");
    let index = site.page("zh/index.html");
    site.build();
    assert_eq!(first, site.page("en/shop/orders/forgot-password/index.html"));
    assert_eq!(index, site.page("zh/index.html"));
}

#[test]
fn site_templates_override_the_theme() {
    let site = TestSite::fixture("minimal");
    site.write("templates/tag.html", "<!DOCTYPE html><title>custom</title><p>custom tag page {{ tag }}</p>");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.page("en/tags/start/index.html").contains("custom tag page start"));
    assert!(site.page("en/help/first/index.html").contains("<ol class=\"steps\">"), "other templates stay");
}

#[test]
fn site_templates_call_the_theme_components() {
    // Tera 2 syntax: components instead of macros, slices instead of the `slice` filter.
    let site = TestSite::fixture("minimal");
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}\n{% block main %}{{<breadcrumbs crumbs={page.breadcrumbs[:-1]} current={tag} />}}\
         <h1>{{ tag }}</h1><p id=\"plain\">{{ \"<b>bold</b> & <i>it</i>\" | striptags }}</p>\
         {{<question_list items={questions} show_category={false} />}}{% endblock main %}",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.page("en/tags/start/index.html");
    assert!(page.contains("<span aria-current=\"page\">start</span>"), "{page}");
    assert!(page.contains("<p id=\"plain\">bold &amp; it</p>"), "{page}");
    assert!(page.contains("<ul class=\"questions\">") && page.contains("The first question"), "{page}");
    // The breadcrumbs lost their last entry (the tags page) to the slice.
    let crumbs = page.split("<nav class=\"breadcrumbs\"").nth(1).unwrap().split("</nav>").next().unwrap();
    assert_eq!(crumbs.matches("<li><a href=").count(), 1, "{crumbs}");
}

#[test]
fn bom_and_crlf_are_fine() {
    let site = TestSite::fixture("minimal");
    let text = site.read("content/help/first.yaml").replace('\n', "\r\n");
    site.write("content/help/first.yaml", [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat());
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.page("en/help/first/index.html").contains("The first question"));
}

#[test]
fn builds_into_another_folder() {
    let site = TestSite::fixture("minimal");
    let out = site.root.join("out/site");
    let run = site.run(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("en/help/first/index.html").exists());
    assert!(!site.exists("public"));
}

#[test]
fn the_example_site_builds_cleanly() {
    let site = TestSite::example();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.headlines().is_empty(), "the example site should have no warnings: {}", run.stderr);
    let html = site.page("zh/cross-border-ec/amazon/forgot-password/index.html");
    assert_eq!(tags_with(&html, "li", "class=\"step").len(), 10);
    assert!(html.contains("调皮电商"));
    let en = site.page("en/cross-border-ec/amazon/forgot-password/index.html");
    assert!(en.contains("welcome nickname"));
    assert!(en.contains("<section class=\"related\""));
}
