//! What a text may carry into the output: control characters (issue 15, item 4).

use std::path::Path;

use crate::util::TestSite;

/// Characters no output file may hold: C0 controls but tab and line feed, DEL, C1
/// controls, the byte-order mark, noncharacters, and the line and paragraph separators
/// (which break JavaScript strings in old browsers and end lines in feed readers).
fn is_forbidden(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x08 | 0x0B..=0x1F | 0x7F..=0x9F | 0xFEFF | 0x2028 | 0x2029 | 0xFDD0..=0xFDEF)
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// Every text file of a build: well-formed, and free of forbidden characters. XML files
/// go through a real XML parser, JSON files and each page's JSON-LD through a JSON parser.
fn assert_well_formed(public: &Path) -> usize {
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(public) {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.to_string_lossy();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !entry.file_type().is_file() || !matches!(ext, "html" | "xml" | "json" | "txt" | "css" | "js") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: not UTF-8: {e}"));
        if let Some((i, c)) = text.char_indices().find(|(_, c)| is_forbidden(*c)) {
            panic!("{name} holds U+{:04X} at byte {i}: {:?}", c as u32, &text[i.saturating_sub(40)..i]);
        }
        match ext {
            "xml" => {
                roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: ill-formed XML: {e}"));
            }
            "json" => {
                serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{name}: bad JSON: {e}"));
            }
            "html" => {
                for block in text.split("<script type=\"application/ld+json\">").skip(1) {
                    let json = block.split("</script>").next().unwrap();
                    serde_json::from_str::<serde_json::Value>(json)
                        .unwrap_or_else(|e| panic!("{name}: bad JSON-LD: {e}: {json}"));
                }
            }
            _ => {}
        }
        checked += 1;
    }
    checked
}

/// A tutorial, a category and an authors file full of control characters: escapes in
/// double quotes (`\a`, `\b`, `\x1b`, `\u0085`...) and raw ones pasted into plain text.
const TUTORIAL: &str = concat!(
    "title: {zh: \"标题\\a响铃\", en: \"Title\\bwith a backspace\"}\n",
    "summary: {zh: \"摘要\\x1b[31m红色\", en: \"Summary\\u0085next\\uFEFFline\"}\n",
    "date: 2024-05-01\n",
    "author: amy\n",
    "tags: [\"tag\\x07one\", start]\n",
    "steps:\n",
    "  - text:\n",
    "      zh: \"点击【开始\\x07】。\"\n",
    "      en: Click [Start]\u{0B}now.\n",
    "    image: shot.png\n",
    "    alt: {zh: \"截图\\u2028第二行\", en: \"Screenshot\\u2029two\"}\n",
    "    highlight: [{x: 0.1, y: 0.1, w: 0.2, h: 0.2, label: {zh: \"标签\\f\", en: \"Label\\uFFFE\"}}]\n",
    "notes:\n",
    "  - kind: tip\n",
    "    text: {zh: \"提示\\r回车\", en: \"Tip\\0null\"}\n",
);

#[test]
fn control_characters_never_reach_an_output_file() {
    let site = TestSite::fixture("minimal");
    site.write("content/help/first.yaml", TUTORIAL);
    site.write(
        "content/help/_category.yaml",
        "title: {zh: \"帮助\\a\", en: \"Help\\x7f\"}\ndescription: \"Desc\\x9b2J\"\n",
    );
    site.write("content/_authors.yaml", "amy:\n  name: {zh: \"艾米\\x85\", en: \"Amy\\v\"}\n  bio: \"Bio\\x01\"\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.headlines().into_iter().filter(|l| l.contains("U+")).collect();
    let removed = |at: &str, field: &str, what: &str| {
        format!("warning: content/{at}: `{field}` contains the invisible character {what}; it was removed")
    };
    let expected = [
        removed("_authors.yaml:2:17", "amy.name.zh", "U+0085 (next line)"),
        removed("_authors.yaml:2:32", "amy.name.en", "U+000B (vertical tab)"),
        removed("_authors.yaml:3:12", "amy.bio", "U+0001"),
        removed("help/_category.yaml:1:16", "title.zh", "U+0007 (bell)"),
        removed("help/_category.yaml:1:30", "title.en", "U+007F (delete)"),
        removed("help/_category.yaml:2:19", "description", "U+009B"),
        removed("help/first.yaml:1:16", "title.zh", "U+0007 (bell)"),
        removed("help/first.yaml:1:33", "title.en", "U+0008 (backspace)"),
        removed("help/first.yaml:2:18", "summary.zh", "U+001B (escape)"),
        "warning: content/help/first.yaml:2:43: `summary.en` contains the invisible characters U+0085 (next line), \
         U+FEFF (byte-order mark); they were removed"
            .to_string(),
        removed("help/first.yaml:5:12", "tags[1]", "U+0007 (bell)"),
        removed("help/first.yaml:8:17", "steps[1].text.zh", "U+0007 (bell)"),
        removed("help/first.yaml:9:24", "steps[1].text.en", "U+000B (vertical tab)"),
        "warning: content/help/first.yaml:11:18: `steps[1].alt.zh` contains U+2028 (line separator); it was replaced by a space"
            .to_string(),
        "warning: content/help/first.yaml:11:45: `steps[1].alt.en` contains U+2029 (paragraph separator); it was replaced by a space"
            .to_string(),
        removed("help/first.yaml:12:65", "steps[1].highlight[1].label.zh", "U+000C (form feed)"),
        removed("help/first.yaml:12:80", "steps[1].highlight[1].label.en", "U+FFFE (not a character)"),
        removed("help/first.yaml:15:19", "notes[1].text.zh", "U+000D (carriage return)"),
        removed("help/first.yaml:15:34", "notes[1].text.en", "U+0000 (null)"),
    ];
    assert_eq!(warnings, expected, "{}", run.stderr);
    assert!(run.stderr.contains("= hint: "), "{}", run.stderr);
    // Removed, the rest of the text kept.
    let page = site.page("zh/help/first/index.html");
    assert!(page.contains("标题响铃"), "{page}");
    assert!(site.page("en/help/first/index.html").contains("Titlewith a backspace"));
    assert!(site.page("zh/help/first/index.html").contains("截图 第二行"), "a line separator became a space");
    assert!(site.page("en/atom.xml").contains("Summarynextline"));
    assert!(assert_well_formed(&site.root.join("public")) > 20);
}

/// `site.toml` is the publisher's, written once: a control character there is refused.
#[test]
fn control_characters_in_site_toml_are_refused() {
    let site = TestSite::fixture("minimal");
    site.write(
        "site.toml",
        "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\"]\n[title]\nzh = \"帮助\"\nen = \"Help\\u0007 center\"\n[description]\nen = \"About\\b\"\n",
    );
    let run = site.run_here(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.headlines(),
        vec![
            "error: site.toml:5:11: `title.en` contains the invisible character U+0007 (bell)",
            "error: site.toml:7:12: `description.en` contains the invisible character U+0008 (backspace)",
        ],
        "{}",
        run.stderr
    );
}

/// `base_url` goes into robots.txt, the sitemap, feeds and every canonical link: it must
/// be a plain http(s) URL, and is written escaped (issue 15, item 11).
#[test]
fn base_url_is_a_real_url_written_escaped() {
    let site = TestSite::fixture("minimal");
    let config = |url: &str| format!("base_url = \"{url}\"\nlanguages = [\"zh\", \"en\"]\n");
    for (url, why) in [
        ("https://help.example.com/\\nDisallow: /", "cannot hold U+000A (line feed)"),
        ("https://help.example.com/\\\"><script>alert(1)</script>", "cannot hold a quote"),
        ("https://help.example.com/?utm=x", "cannot have a query (`?`) or a fragment (`#`)"),
        ("javascript:alert(1)", "must be an absolute URL starting with https:// or http://"),
        ("https://", "has no host name"),
    ] {
        site.write("site.toml", config(url));
        let run = site.run_here(&["build"]);
        assert_eq!(run.code, 1, "{url}: {}", run.stderr);
        let headline = run.headlines()[0];
        assert!(headline.starts_with(&format!("error: site.toml:1:1: `base_url` {why}: `")), "{url}: {headline}");
    }
    site.write("site.toml", config("HTTPS://Help.Example.com/帮助/"));
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        site.page("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://help.example.com/%E5%B8%AE%E5%8A%A9/sitemap.xml\n"
    );
    assert!(
        site.page("zh/help/first/index.html")
            .contains("<link rel=\"canonical\" href=\"https://help.example.com/%E5%B8%AE%E5%8A%A9/zh/help/first/\">")
    );
    roxmltree::Document::parse(&site.page("sitemap.xml")).unwrap();
}

/// Tags are shown as written, named per language in `content/_tags.yaml`, linked by
/// slug; two spellings of one slug are a warning naming both places (issue 15, item 6).
#[test]
fn tags_are_shown_as_written_and_named_per_language() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/help/first.yaml",
        "title: {zh: 第一个问题, en: The first question}\ndate: 2024-01-02\ntags: [WeChat Pay, Refund]\nsteps:\n  - text: {zh: 点击【开始】。, en: \"Click [Start].\"}\n",
    );
    site.write(
        "content/help/second.yaml",
        "title: {zh: 第二个问题, en: The second question}\ndate: 2024-01-03\ntags: [refund, Account]\nsteps:\n  - text: {zh: 点击。, en: Click.}\n",
    );
    site.write("content/_tags.yaml", "wechat-pay: {zh: 微信支付, en: WeChat Pay}\naccount: {zh: 账户}\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.headlines().into_iter().filter(|l| l.contains("tag")).collect();
    assert_eq!(
        warnings,
        vec![
            "warning: content/help/second.yaml:3:8: tag `refund` is written `Refund` at content/help/first.yaml:3:20; \
             both are the tag `refund`"
        ],
        "{}",
        run.stderr
    );
    let zh = site.page("zh/help/first/index.html");
    assert!(zh.contains("href=\"../../../zh/tags/wechat-pay/\">微信支付"), "{zh}");
    assert!(!zh.contains("#wechat-pay") && !zh.contains(">WeChat Pay"), "{zh}");
    let en = site.page("en/help/first/index.html");
    assert!(en.contains("href=\"../../../en/tags/wechat-pay/\">WeChat Pay"), "{en}");
    // No name for a language: the tag as the tutorials write it.
    assert!(site.page("en/help/second/index.html").contains(">Account"));
    assert!(site.page("zh/help/second/index.html").contains(">账户"));
    let tag_page = site.page("zh/tags/wechat-pay/index.html");
    assert!(tag_page.contains("<h1>微信支付"), "{tag_page}");
    // A name for a tag no tutorial uses is an error with a did-you-mean.
    site.write("content/_tags.yaml", "wechat-pays: {zh: 微信支付, en: WeChat Pay}\n");
    let run = site.run_here(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: content/_tags.yaml:1:1: tag `wechat-pays` is not used by any tutorial"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `wechat-pay`?"), "{}", run.stderr);
}

/// A link to a tutorial's YAML file, relative to the file it is written in, becomes that
/// tutorial's page in the page's language, with its step (issue 15, item 5).
#[test]
fn links_to_tutorial_files_become_page_links() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/help/first.yaml",
        concat!(
            "title: {zh: 第一个问题, en: The first question}\n",
            "date: 2024-01-02\n",
            "steps:\n",
            "  - text: {zh: \"见[第二个](../other/second.yaml#step-2)。\", en: \"See [the second](../other/second.yaml).\"}\n",
            "  - text: \"[Up](#step-1), [a picture](picture.png), [off](/\\\\evil.example), [home](../../)\"\n",
        ),
    );
    site.write(
        "content/other/second.yaml",
        "title: {zh: 第二个, en: Second}\ndate: 2024-01-03\nsteps:\n  - text: {zh: 一, en: One}\n  - text: \"Back to [first](../help/first.yaml)\"\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let zh = site.page("zh/help/first/index.html");
    assert!(zh.contains("见<a href=\"../../../zh/other/second/#step-2\">第二个</a>"), "{zh}");
    assert!(zh.contains("<a href=\"#step-1\">Up</a>"), "{zh}");
    assert!(zh.contains("<a href=\"//evil.example\">off</a>"), "backslashes are written as browsers read them: {zh}");
    let en = site.page("en/help/first/index.html");
    assert!(en.contains("See <a href=\"../../../en/other/second/\">the second</a>"), "{en}");
    assert!(site.page("en/help/first/side-by-side.html").contains("href=\"../../../en/other/second/\""));
    assert!(site.page("en/other/second/index.html").contains("Back to <a href=\"../../../en/help/first/\">first</a>"));
    let mut warnings: Vec<&str> = run.headlines().into_iter().filter(|l| l.contains("link")).collect();
    warnings.sort_unstable();
    assert_eq!(
        warnings,
        vec![
            "warning: content/help/first.yaml:5:11: browsers read the link `/\\evil.example` as `//evil.example`, a link to another site",
            "warning: content/help/first.yaml:5:11: the link `picture.png` leads to `zh/help/first/picture.png`, which the build does not make",
        ],
        "{}",
        run.stderr
    );

    // A file or step that does not exist: an error at its line, with a did-you-mean.
    site.write(
        "content/help/bad.yaml",
        concat!(
            "title: {zh: 坏, en: Bad}\n",
            "date: 2024-01-04\n",
            "steps:\n",
            "  - text: \"[a](../other/secnd.yaml)\"\n",
            "  - text: {zh: \"[b](../other/second.yaml#step-5)\", en: b}\n",
            "  - text: \"[c](#step-9) [d](first.yaml#intro) [e](../../outside.yaml)\"\n",
        ),
    );
    let run = site.run_here(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run.headlines().into_iter().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        errors,
        vec![
            "error: content/help/bad.yaml:4:11: the link `../other/secnd.yaml` leads to no tutorial: there is no content/other/secnd.yaml",
            "error: content/help/bad.yaml:5:16: the link `../other/second.yaml#step-5` names `#step-5`, but ../other/second.yaml has 2 steps",
            "error: content/help/bad.yaml:6:11: the link `#step-9` names `#step-9`, but this tutorial has 3 steps",
            "error: content/help/bad.yaml:6:11: the link `../../outside.yaml` leads out of the content folder",
            "error: content/help/bad.yaml:6:11: the link `first.yaml#intro` names `#intro`, but first.yaml has 2 steps",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `../other/second.yaml`?"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `#step-2`?"), "{}", run.stderr);
}

/// Every limit `build` can hit is reported by `check` at its line (issue 15, item 10).
#[test]
fn names_too_long_for_a_file_are_reported_by_check() {
    let site = TestSite::fixture("minimal");
    let long_tag = "t".repeat(300);
    site.write(
        "content/help/first.yaml",
        format!(
            "title: {{zh: 第一个问题, en: The first question}}\ndate: 2024-01-02\ntags: [start, {long_tag}]\nsteps:\n  - text: {{zh: 点击。, en: Click.}}\n"
        ),
    );
    for verb in ["check", "build"] {
        let run = site.run_here(&[verb]);
        assert_eq!(run.code, 1, "{verb}: {}", run.stderr);
        assert_eq!(
            run.headlines(),
            vec![format!(
                "error: content/help/first.yaml:3:15: tag `{}…` is too long: its URL name is 300 bytes, at most 200 fit in a file name",
                "t".repeat(24)
            )],
            "{verb}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("too long (os error"), "{}", run.stderr);
    }
    // A screenshot whose own name fills a file name still builds (its variants' names are
    // shortened).
    let shot = format!("{}.png", "s".repeat(240));
    std::fs::copy(site.root.join("content/help/shot.png"), site.root.join("content/help").join(&shot)).unwrap();
    site.write(
        "content/help/first.yaml",
        format!(
            "title: {{zh: 第一个问题, en: The first question}}\ndate: 2024-01-02\nsteps:\n  - text: {{zh: 点击。, en: Click.}}\n    image: {shot}\n"
        ),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
}
