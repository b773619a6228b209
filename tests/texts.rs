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
