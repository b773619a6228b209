//! What only a browser shows: layout. Pages of a built site are loaded in headless
//! Chromium with a measuring script added, and the numbers it reports are checked.
//!
//! Needs Chromium (`apt-get install chromium`; `.ci/run` installs it). Without it these
//! tests fail with that instruction: a quality gate must never skip silently.

use std::path::Path;

use crate::util::{TestSite, headless_chromium, serve_dir};

/// A wrapper page: the page under test in an iframe of the wanted width (headless
/// Chromium will not make its window narrower than 500 px), measured once it has loaded.
const WRAPPER: &str = r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="index.html" style="width:WIDTHpx;height:900px;border:0"></iframe>
<script>
function ready(doc) {
  return Array.prototype.every.call(doc.querySelectorAll("img:not([loading=lazy])"), function (i) { return i.complete && i.naturalWidth > 0; });
}
document.getElementById("f").addEventListener("load", function () {
  var frame = this, tries = 0;
  (function wait() {
    if (!ready(frame.contentWindow.document) && tries++ < 100) { setTimeout(wait, 50); return; }
    measure(frame.contentWindow);
  })();
});
function measure(win) {
  var doc = win.document;
  var rect = function (el) { var r = el.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right), Math.round(r.top), Math.round(r.bottom)]; };
  var out = {
    scrollWidth: doc.documentElement.scrollWidth,
    innerWidth: win.innerWidth,
    images: Array.prototype.map.call(doc.querySelectorAll(".steps img"), function (i) { return {box: rect(i), loaded: i.complete && i.naturalWidth > 0, lazy: i.loading === "lazy"}; }),
    callouts: Array.prototype.map.call(doc.querySelectorAll(".callout"), function (c) { return {box: rect(c), image: rect(c.closest(".shot-frame").querySelector("img")), visible: win.getComputedStyle(c).display !== "none"}; }),
    overflowing: Array.prototype.filter.call(doc.querySelectorAll("body *"), function (el) { return el.getBoundingClientRect().right > win.innerWidth + 1; }).map(function (el) { return el.tagName + "." + el.className; }).slice(0, 5)
  };
  var pre = document.createElement("pre");
  pre.id = "stepwise-measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
</script></body></html>"#;

fn measure(page: &Path, width: u32) -> serde_json::Value {
    assert!(page.ends_with("index.html"));
    let probe = page.with_file_name("measure.html");
    std::fs::write(&probe, WRAPPER.replace("WIDTH", &width.to_string())).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = headless_chromium(profile.path())
        .args([
            "--hide-scrollbars",
            // The wrapper reads the framed page's DOM: both are file:// pages.
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--window-size=1400,1000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", probe.display()))
        .output()
        .expect("start chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"stepwise-measure\">").unwrap_or_else(|| {
        panic!("no measurement in the DOM; chromium said: {}", String::from_utf8_lossy(&out.stderr))
    });
    let json = &dom[start + "<pre id=\"stepwise-measure\">".len()..];
    let json = &json[..json.find("</pre>").unwrap()];
    let m: serde_json::Value = serde_json::from_str(
        &json.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"),
    )
    .unwrap();
    assert_eq!(m["innerWidth"].as_i64(), Some(i64::from(width)), "the page was not laid out at {width}px: {m}");
    m
}

#[test]
fn tutorial_pages_fit_a_small_phone() {
    let site = TestSite::fixture("good");
    assert_eq!(site.build().code, 0);
    for lang in ["zh", "en"] {
        let page = site.root.join(format!("public/{lang}/shop/orders/forgot-password/index.html"));
        for width in [320, 390, 1280] {
            let m = measure(&page, width);
            let inner = m["innerWidth"].as_i64().unwrap();
            assert_eq!(
                m["scrollWidth"].as_i64().unwrap(),
                inner,
                "{lang} at {width}px scrolls sideways: {}",
                m["overflowing"]
            );
            for img in m["images"].as_array().unwrap() {
                let b = &img["box"];
                assert!(
                    b[0].as_i64().unwrap() >= 0 && b[1].as_i64().unwrap() <= inner,
                    "{lang} at {width}px: a screenshot overflows: {img}"
                );
            }
            assert!(m["images"][0]["loaded"].as_bool().unwrap(), "the first screenshot loads: {m}");
            // Each highlight box lies within its screenshot.
            for c in m["callouts"].as_array().unwrap() {
                let (b, i) = (&c["box"], &c["image"]);
                assert!(c["visible"].as_bool().unwrap());
                assert!(
                    b[0].as_i64().unwrap() >= i[0].as_i64().unwrap() - 1
                        && b[1].as_i64().unwrap() <= i[1].as_i64().unwrap() + 1,
                    "{c}"
                );
                assert!(
                    b[2].as_i64().unwrap() >= i[2].as_i64().unwrap() - 1
                        && b[3].as_i64().unwrap() <= i[3].as_i64().unwrap() + 1,
                    "{c}"
                );
            }
        }
    }
}

#[test]
fn index_and_example_pages_fit_a_small_phone() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    for page in [
        "zh/index.html",
        "en/index.html",
        "zh/cross-border-ec/amazon/forgot-password/index.html",
        "en/cross-border-ec/amazon/forgot-password/index.html",
        "en/cross-border-ec/index.html",
    ] {
        let m = measure(&site.root.join("public").join(page), 320);
        assert_eq!(m["scrollWidth"], m["innerWidth"], "{page} scrolls sideways at 320px: {}", m["overflowing"]);
        assert_eq!(m["overflowing"], serde_json::json!([]), "{page} at 320px: content is cut off");
    }
}

/// Runs `script` (which must end by calling `done(value)`) in a page of a served site
/// and returns `value`. `url` is loaded in an iframe of `width`, reachable as `frame`.
pub(crate) fn run_in_page(public: &Path, url: &str, width: u32, script: &str) -> serde_json::Value {
    let port = serve_dir(public);
    let wrapper = format!(
        r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{url}" style="width:{width}px;height:900px;border:0"></iframe>
<script>
function done(v) {{ var pre = document.createElement("pre"); pre.id = "stepwise-result"; pre.textContent = JSON.stringify(v); document.body.appendChild(pre); }}
function waitFor(test, then, tries) {{ tries = tries || 0; var v = test(); if (v || tries > 200) {{ then(v); return; }} setTimeout(function () {{ waitFor(test, then, tries + 1); }}, 25); }}
document.getElementById("f").addEventListener("load", function () {{
  var frame = this.contentWindow, doc = frame.document;
  {script}
}});
</script></body></html>"#
    );
    std::fs::write(public.join("wrapper.html"), wrapper).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = headless_chromium(profile.path())
        .args(["--virtual-time-budget=20000", "--window-size=1400,1000", "--dump-dom"])
        .arg(format!("http://127.0.0.1:{port}/wrapper.html"))
        .output()
        .expect("start chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom
        .find("<pre id=\"stepwise-result\">")
        .unwrap_or_else(|| panic!("no result in the DOM; chromium said: {}", String::from_utf8_lossy(&out.stderr)));
    let json = &dom[start + "<pre id=\"stepwise-result\">".len()..];
    let json = &json[..json.find("</pre>").unwrap()];
    serde_json::from_str(&json.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
        .unwrap()
}

#[test]
fn the_browser_tokenizer_matches_the_indexer() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    let cases = include_str!("fixtures/search/tokenizer-cases.json");
    let script = format!(
        "var cases = {cases}; done(cases.map(function (c) {{ return [c[0], frame.stepwiseSearch.tokens(c[0])]; }}));"
    );
    let got = run_in_page(&site.root.join("public"), "/zh/", 800, &script);
    let want: serde_json::Value = serde_json::from_str(cases).unwrap();
    for (g, w) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
        assert_eq!(g[1], w[1], "search.js tokenizes {} differently from src/tokenize.rs", w[0]);
    }
    // Which words of a query match as prefixes, too.
    let cases = include_str!("fixtures/search/query-cases.json");
    let script = format!(
        "var cases = {cases}; done(cases.map(function (c) {{ return [c[0], frame.stepwiseSearch.queryTerms(c[0])]; }}));"
    );
    let got = run_in_page(&site.root.join("public"), "/zh/", 800, &script);
    let want: serde_json::Value = serde_json::from_str(cases).unwrap();
    assert_eq!(got.as_array().map(Vec::len), want.as_array().map(Vec::len));
    for (g, w) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
        assert_eq!(g[1], w[1], "search.js reads the query {} differently from src/search.rs", w[0]);
    }
}

/// Types `query` into the header box one character at a time, as a reader does, and
/// returns the live results once they show (links, marked words).
fn type_into_the_box(public: &Path, page: &str, query: &str) -> serde_json::Value {
    let script = r##"
      var input = doc.getElementById("search-q"), chars = Array.from(QUERY), n = 0;
      input.focus();
      (function next() {
        input.value += chars[n++];
        input.dispatchEvent(new frame.Event("input", {bubbles: true}));
        if (n < chars.length) { setTimeout(next, 60); return; }
        waitFor(function () { return doc.querySelectorAll("#search-live li a").length > 0; }, function () {
          var links = Array.prototype.map.call(doc.querySelectorAll("#search-live li a"), function (a) { return a.getAttribute("href"); });
          var marks = Array.prototype.map.call(doc.querySelectorAll("#search-live mark"), function (m) { return m.textContent; });
          done({links: links, marks: marks, hidden: doc.getElementById("search-live").hidden});
        });
      })();
    "##
    .replace("QUERY", &serde_json::to_string(query).unwrap());
    run_in_page(public, page, 390, &script)
}

#[test]
fn typing_a_prefix_or_one_character_finds_results() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    let public = site.root.join("public");
    let got = type_into_the_box(&public, "/zh/", "密");
    assert_eq!(got["hidden"], false, "{got}");
    assert!(
        got["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().ends_with("zh/cross-border-ec/amazon/forgot-password/")),
        "{got}"
    );
    assert!(got["marks"].as_array().unwrap().iter().all(|m| m == "密"), "only the character is marked: {got}");
    // English: the word being typed matches as a prefix, and whole words are marked.
    let got = type_into_the_box(&public, "/en/", "forgot pass");
    assert!(got["links"][0].as_str().unwrap().ends_with("en/cross-border-ec/amazon/forgot-password/"), "{got}");
    let marks: Vec<String> =
        got["marks"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_lowercase()).collect();
    assert!(marks.contains(&"password".to_string()), "the whole word is marked: {got}");
    assert!(marks.iter().all(|m| m.starts_with("pass") || m.starts_with("forg")), "{got}");
    // Full-width letters, as a Chinese input method types them.
    let got = type_into_the_box(&public, "/en/", "ｆｏｒｇｏｔ　ｐａｓｓｗ");
    assert!(got["links"][0].as_str().unwrap().ends_with("en/cross-border-ec/amazon/forgot-password/"), "{got}");
}

#[test]
fn the_language_switch_on_the_results_page_keeps_the_query() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    let script = r##"
      waitFor(function () { return doc.querySelectorAll("#search-results li").length > 0; }, function () {
        done(Array.prototype.map.call(doc.querySelectorAll(".lang-switch a"), function (a) { return a.getAttribute("href"); }));
      });
    "##;
    let got = run_in_page(&site.root.join("public"), "/zh/search/?q=%E5%AF%86%E7%A0%81", 1280, script);
    let links = got.as_array().unwrap();
    assert!(!links.is_empty(), "{got}");
    for l in links {
        assert!(l.as_str().unwrap().ends_with("/search/?q=%E5%AF%86%E7%A0%81"), "{got}");
    }
}

#[test]
fn typing_a_chinese_query_finds_the_tutorial_first() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    let script = r##"
      var input = doc.getElementById("search-q");
      input.focus();
      input.value = "忘记密码";
      input.dispatchEvent(new frame.Event("input", {bubbles: true}));
      waitFor(function () { return doc.querySelectorAll("#search-live li a").length > 0; }, function () {
        var links = Array.prototype.map.call(doc.querySelectorAll("#search-live li a"), function (a) { return a.getAttribute("href"); });
        var marks = doc.querySelectorAll("#search-live mark").length;
        done({links: links, marks: marks, hidden: doc.getElementById("search-live").hidden});
      });
    "##;
    let got = run_in_page(&site.root.join("public"), "/zh/", 390, script);
    assert_eq!(got["hidden"], false, "{got}");
    assert!(got["links"][0].as_str().unwrap().ends_with("zh/cross-border-ec/amazon/forgot-password/"), "{got}");
    assert!(got["marks"].as_u64().unwrap() > 0, "matches are highlighted: {got}");
}

#[test]
fn the_results_page_works_from_a_url() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    let script = r##"
      waitFor(function () { return doc.querySelectorAll("#search-results li").length > 0; }, function () {
        var hits = Array.prototype.map.call(doc.querySelectorAll("#search-results li"), function (li) {
          return {href: li.querySelector("a").getAttribute("href"), category: (li.querySelector(".search-hit-category") || {}).textContent, text: (li.querySelector(".search-hit-text") || {}).textContent, marks: li.querySelectorAll("mark").length};
        });
        done({hits: hits, input: doc.getElementById("search-q").value, status: doc.getElementById("search-status").textContent});
      });
    "##;
    let got = run_in_page(&site.root.join("public"), "/en/search/?q=sales%20report", 1280, script);
    assert_eq!(got["input"], "sales report");
    let first = &got["hits"][0];
    assert!(first["href"].as_str().unwrap().ends_with("en/cross-border-ec/amazon/view-sales/"), "{got}");
    assert_eq!(first["category"], "Amazon");
    assert!(first["marks"].as_u64().unwrap() > 0, "{got}");
    assert!(!first["text"].as_str().unwrap().is_empty(), "the matching text is shown: {got}");
}
