//! Inline Markdown -> safe HTML (pulldown-cmark), and -> plain text. Pure functions.
//!
//! Safety first: raw HTML in a text is shown as text, never passed through, and links
//! keep only http(s), mailto and relative targets (`javascript:` and friends become plain
//! text). UI labels — `【我的】` and `[My]` (square brackets that are not a link) — become
//! `<span class="ui">`, the chips readers look for on their screen. Backslashes in a
//! link's path are written as slashes, as browsers read them (`/\evil.example` is
//! `//evil.example`), so what the page links to is what `check` judged.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Renders a text as inline HTML (no wrapping `<p>`; paragraphs are joined by `<br>`).
pub(crate) fn to_html(text: &str) -> String {
    render(text, Some(&|_| None))
}

/// Like [`to_html`]; `links` gives the address of a link as written when it knows
/// better (a link to a tutorial's YAML file becomes its page).
pub(crate) fn to_html_linked(text: &str, links: &dyn Fn(&str) -> Option<String>) -> String {
    render(text, Some(links))
}

/// Like [`to_html`], with links shown as their text: for titles and labels, which the
/// page puts inside links of its own (a link inside a link is invalid HTML).
pub(crate) fn to_html_without_links(text: &str) -> String {
    render(text, None)
}

/// The destination of every link in `text`, as written, with its byte offset.
pub(crate) fn link_destinations(text: &str) -> Vec<(String, usize)> {
    // Every link needs one of these (`[a](b)`, a `[ref]: b` definition, `<https://b>`):
    // most texts have none and skip the parser (it ran on every text of the site per edit).
    if !(text.contains("](") || text.contains("]:") || text.contains('<')) {
        return Vec::new();
    }
    Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some((dest_url.into_string(), range.start)),
            _ => None,
        })
        .collect()
}

/// A link's address as a browser reads it: backslashes before any `?` or `#` are slashes.
pub(crate) fn normalise_link(dest: &str) -> String {
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, rest) = dest.split_at(end);
    format!("{}{rest}", path.replace('\\', "/"))
}

/// Gives the address of a link as written when it knows better.
type LinkMap<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `links`: `None` shows links as their text; else it may replace an address.
fn render(text: &str, links: Option<LinkMap<'_>>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    if is_plain_run(text) {
        write_text(text, &mut out);
        return out;
    }
    let mut pending = String::new();
    let mut paragraphs = 0;
    // Links we refused: their closing tag must not be written either.
    let mut link_stack: Vec<bool> = Vec::new();
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        if !matches!(event, Event::Text(_)) {
            flush_text(&mut pending, &mut out);
        }
        match event {
            Event::Text(t) => pending.push_str(&t),
            Event::Code(c) => {
                out.push_str("<code>");
                escape_into(&c, &mut out);
                out.push_str("</code>");
            }
            Event::Html(h) | Event::InlineHtml(h) => escape_into(&h, &mut out),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("<br>"),
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    if paragraphs > 0 {
                        out.push_str("<br>");
                    }
                    paragraphs += 1;
                }
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link { dest_url, title, .. } => {
                    let href = links.and_then(|map| {
                        map(&dest_url).or_else(|| {
                            let dest = normalise_link(&dest_url);
                            is_safe_url(&dest).then_some(dest)
                        })
                    });
                    link_stack.push(href.is_some());
                    if let Some(href) = href {
                        out.push_str("<a href=\"");
                        escape_into(&href, &mut out);
                        out.push('"');
                        if !title.is_empty() {
                            out.push_str(" title=\"");
                            escape_into(&title, &mut out);
                            out.push('"');
                        }
                        out.push('>');
                    }
                }
                Tag::Image { dest_url, .. } => {
                    // Screenshots belong in `image:`; an inline image is shown as its alt text.
                    let _ = dest_url;
                    link_stack.push(false);
                }
                Tag::List(Some(_)) => out.push_str("<ol>"),
                Tag::List(None) => out.push_str("<ul>"),
                Tag::Item => out.push_str("<li>"),
                Tag::Heading { .. } => out.push_str("<strong>"),
                Tag::BlockQuote(_) | Tag::CodeBlock(_) => {}
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong | TagEnd::Heading(_) => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                // The guard pops for every link end; only links we opened get closed.
                TagEnd::Link | TagEnd::Image if link_stack.pop() == Some(true) => out.push_str("</a>"),
                TagEnd::List(true) => out.push_str("</ol>"),
                TagEnd::List(false) => out.push_str("</ul>"),
                TagEnd::Item => out.push_str("</li>"),
                _ => {}
            },
            Event::Rule => out.push_str("<br>"),
            Event::FootnoteReference(r) => escape_into(&r, &mut out),
            Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }
    flush_text(&mut pending, &mut out);
    out
}

/// Text without markup, for `alt` fallbacks, meta descriptions and JSON-LD.
pub(crate) fn to_plain(text: &str) -> String {
    if is_plain_run(text) {
        return collapse_whitespace(text);
    }
    plain_by_parser(text)
}

/// [`to_plain`] the long way, through the Markdown parser.
fn plain_by_parser(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&out)
}

fn collapse_whitespace(text: &str) -> String {
    if is_collapsed(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether [`collapse_whitespace`] would give `text` back as it is: no whitespace but
/// single ASCII spaces between words. Told from the bytes: `split_whitespace` decodes
/// every character, and most texts need nothing (it was a tenth of what a search entry
/// took).
fn is_collapsed(text: &str) -> bool {
    let b = text.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    b.iter().enumerate().all(|(i, &byte)| match byte {
        b' ' => b.get(i + 1) != Some(&b' '),
        b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => false,
        // The other Unicode spaces: U+0085, U+00A0 (0xC2 lead), U+1680 (0xE1),
        // U+2000-U+205F (0xE2), U+3000 (0xE3).
        0xC2 | 0xE1 | 0xE2 | 0xE3 => !is_space_at(text, i),
        _ => true,
    })
}

/// Whether the character starting at byte `i` of `text` is whitespace.
fn is_space_at(text: &str, i: usize) -> bool {
    text.get(i..).and_then(|rest| rest.chars().next()).is_some_and(char::is_whitespace)
}

/// Whether the parser would read `text` as one run of plain text: no character that
/// can open inline markup, nothing a line can start a block with, one line, nothing to
/// trim. Most titles and steps are such runs, and skip the parser (same output).
///
/// Square brackets may be in a run (`Click [Edit]`, a UI label) unless a `](` makes an
/// inline link: a reference link needs a definition, and a definition must start a
/// line, which a run's first character (not punctuation) and single line rule out.
fn is_plain_run(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if first.is_ascii_punctuation()
        || first.is_ascii_digit()
        || first.is_whitespace()
        || text.ends_with(char::is_whitespace)
        || text.contains("](")
    {
        return false;
    }
    !text.bytes().any(|b| MARKUP_BYTES[usize::from(b)])
}

/// The bytes that end a plain run: control characters and those that can open inline
/// markup. A table: the `matches!` it replaced was a tenth of a page's Markdown time.
static MARKUP_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    let markup = *b"\x7f\\`*_<>&~!|#${}";
    let mut i = 0;
    while i < markup.len() {
        table[markup[i] as usize] = true;
        i += 1;
    }
    table
};

/// Only schemes that cannot run code; relative links and fragments are fine.
fn is_safe_url(url: &str) -> bool {
    let lower: String =
        url.trim().chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
    match lower.find(':') {
        None => true,
        Some(i) => {
            let scheme = &lower[..i];
            // A colon after a slash, `?` or `#` is part of a path, not a scheme.
            scheme.contains(['/', '?', '#']) || matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
    }
}

/// Writes the text collected so far.
fn flush_text(pending: &mut String, out: &mut String) {
    if pending.is_empty() {
        return;
    }
    write_text(pending, out);
    pending.clear();
}

/// Writes plain text, turning UI labels into chips.
fn write_text(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some((start, open, close)) = next_label(rest) {
        let after_open = start + open.len_utf8();
        let Some(len) = rest[after_open..].find(close) else {
            break;
        };
        let label = &rest[after_open..after_open + len];
        escape_into(&rest[..start], out);
        let mut end = after_open + len + close.len_utf8();
        if is_label(label) {
            // Closing punctuation right after a chip stays on the chip's line (no lone "。"
            // starting the next one): browsers may break after an inline-block whatever
            // follows it, so the two are wrapped in a span that does not wrap.
            let punct = rest[end..].chars().next().filter(|c| {
                ['。', '，', '、', '；', '：', '！', '？', '）', '」', '』', '”', '.', ',', ';', ':', '!', '?', ')']
                    .contains(c)
            });
            if punct.is_some() {
                out.push_str("<span class=\"ui-keep\">");
            }
            out.push_str("<span class=\"ui\">");
            escape_into(label.trim(), out);
            out.push_str("</span>");
            if let Some(c) = punct {
                escape_into(c.encode_utf8(&mut [0; 4]), out);
                out.push_str("</span>");
                end += c.len_utf8();
            }
        } else {
            escape_into(&rest[start..end], out);
        }
        rest = &rest[end..];
    }
    escape_into(rest, out);
}

fn next_label(s: &str) -> Option<(usize, char, char)> {
    s.char_indices().find_map(|(i, c)| match c {
        '【' => Some((i, '【', '】')),
        '[' => Some((i, '[', ']')),
        _ => None,
    })
}

/// A label is short and on one line: `[Save Changes]`, not a bracketed paragraph.
fn is_label(s: &str) -> bool {
    let n = s.chars().count();
    (1..=40).contains(&n) && !s.trim().is_empty() && !s.contains(['\n', '[', ']', '【', '】'])
}

/// HTML-escapes text (also quotes, so it is safe inside attributes).
pub(crate) fn escape_into(s: &str, out: &mut String) {
    // Byte by byte, copying the runs between special characters whole: all five are ASCII,
    // so a run never splits a UTF-8 sequence. (Tera calls this for every `{{ }}`.)
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

/// [`escape_into`] for a writer: Tera's escape function, called for every `{{ }}`.
pub(crate) fn escape_to(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&s.as_bytes()[run..i])?;
        out.write_all(entity)?;
        run = i + 1;
    }
    out.write_all(&s.as_bytes()[run..])
}

/// `html` without its tags and comments, as Tera 1's `striptags` filter made it (a comment
/// ends on its own line; a `<` that no `>` follows is text).
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        let comment_end =
            tag.strip_prefix("<!--").and_then(|body| body.split('\n').next()?.find("-->")).map(|end| 4 + end + 3);
        match comment_end.or_else(|| tag.find('>').map(|end| end + 1)) {
            Some(len) => rest = &tag[len..],
            None => {
                out.push_str(tag);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The UI labels of a text, in order (for translation checks and tests).
pub(crate) fn ui_labels(text: &str) -> Vec<String> {
    let html = to_html(text);
    html.split("<span class=\"ui\">")
        .skip(1)
        .filter_map(|s| s.split_once("</span>").map(|(l, _)| l.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_tags_leaves_the_text() {
        assert_eq!(strip_tags("Click <span class=\"ui\">Save</span> &amp; go"), "Click Save &amp; go");
        assert_eq!(strip_tags("a<!-- b > c -->d"), "ad");
        assert_eq!(strip_tags("a<!-- b\n-->c"), "ac");
        assert_eq!(strip_tags("1 < 2"), "1 < 2");
        assert_eq!(strip_tags("<b>x</b"), "x</b");
    }

    #[test]
    fn escaping_to_a_writer_is_escaping() {
        let s = "<a href=\"x\">Tom & Jerry's</a> 点击";
        let mut out = Vec::new();
        escape_to(s, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), escape(s));
    }

    #[test]
    fn escaping_keeps_every_other_character() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("点击「保存」"), "点击「保存」");
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("前<后>&"), "前&lt;后&gt;&amp;");
        // Against the obvious char-by-char version, on every mix of the interesting characters.
        let alphabet = ['a', '&', '<', '>', '"', '\'', '中', '😀', ' '];
        for n in 0..alphabet.len().pow(3) {
            let s: String = (0..3).map(|k| alphabet[n / alphabet.len().pow(k) % alphabet.len()]).collect();
            let expected: String = s
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(escape(&s), expected, "{s}");
        }
    }

    #[test]
    fn chinese_and_english_labels_become_chips() {
        assert_eq!(
            to_html("点击【我的】，再点击【账户设置】。"),
            "点击<span class=\"ui-keep\"><span class=\"ui\">我的</span>，</span>再点击<span class=\"ui-keep\"><span class=\"ui\">账户设置</span>。</span>"
        );
        assert_eq!(
            to_html("click [My], then [Account Settings]"),
            "click <span class=\"ui-keep\"><span class=\"ui\">My</span>,</span> then <span class=\"ui\">Account Settings</span>"
        );
    }

    #[test]
    fn links_stay_links() {
        assert_eq!(
            to_html("see [help](https://example.com/a?b=1&c)"),
            "see <a href=\"https://example.com/a?b=1&amp;c\">help</a>"
        );
    }

    #[test]
    fn raw_html_and_script_urls_are_neutralised() {
        assert_eq!(to_html("<script>alert(1)</script> hi"), "&lt;script&gt;alert(1)&lt;/script&gt; hi");
        assert_eq!(to_html("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(to_html("[click](javascript:alert(1))"), "click");
        assert_eq!(to_html("[click]( JaVaScRiPt:alert(1))"), "click");
        assert_eq!(to_html("[x](data:text/html,hi)"), "x");
        assert!(!to_html("![a](javascript:alert(1))").contains("javascript"));
    }

    #[test]
    fn the_link_shortcut_misses_no_link() {
        let dests = |t: &str| link_destinations(t).into_iter().map(|(d, _)| d).collect::<Vec<_>>();
        assert_eq!(dests("[a][r]\n\n[r]: x.yaml"), ["x.yaml"]);
        assert_eq!(dests("see <https://example.com/a>"), ["https://example.com/a"]);
        assert_eq!(dests("[a](x.yaml)"), ["x.yaml"]);
        assert!(dests("Click [My] > [Settings], then 【我的】.").is_empty());
    }

    #[test]
    fn backslashes_in_links_are_written_as_browsers_read_them() {
        assert_eq!(to_html("[x](/\\evil.example)"), "<a href=\"//evil.example\">x</a>");
        assert_eq!(to_html("[x](a\\b.html?q=\\c#\\d)"), "<a href=\"a/b.html?q=\\c#\\d\">x</a>");
        assert_eq!(
            link_destinations("see [a](x.yaml) and [b](../y.yaml#step-2)"),
            [("x.yaml".to_string(), 4), ("../y.yaml#step-2".to_string(), 20)]
        );
        assert_eq!(
            to_html_linked("[a](x.yaml)", &|d| (d == "x.yaml").then(|| "../x/".into())),
            "<a href=\"../x/\">a</a>"
        );
    }

    #[test]
    fn titles_lose_their_links_but_keep_the_text() {
        assert_eq!(to_html_without_links("see [help](https://example.com) **now**"), "see help <strong>now</strong>");
    }

    #[test]
    fn emphasis_and_paragraphs() {
        assert_eq!(to_html("输入**验证码**"), "输入<strong>验证码</strong>");
        assert_eq!(to_html("one\n\ntwo"), "one<br>two");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(to_plain("click **[Save]** now\nplease"), "click [Save] now please");
    }

    /// A plain run's HTML the long way: the parser's text events, labels marked.
    fn run_by_parser(text: &str) -> String {
        let mut parsed = String::new();
        let mut pending = String::new();
        for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
            match event {
                Event::Text(t) => pending.push_str(&t),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                e => panic!("{text:?} gives {e:?}"),
            }
        }
        flush_text(&mut pending, &mut parsed);
        parsed
    }

    /// The fast path for plain runs gives what the parser gives, on texts built from
    /// every character that means something to Markdown, and from the pieces of links
    /// (a run may hold square brackets, as UI labels, but never a link).
    #[test]
    fn plain_runs_match_the_parser() {
        let alphabet: Vec<char> =
            "ab 1.-+)#>*_`[[]]](()<>&!~|\\\n\t=:^\u{3000}【】我的。,x\u{0}\u{85}".chars().collect();
        let pieces = ["Tap ", "[Edit]", "[", "]", "(", ")", "](", "(x)", "[^1]", ": y", "[]", " ", "我", "<b>", "x"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut fast = 0;
        let mut check = |text: &str| {
            if is_plain_run(text) {
                fast += 1;
                assert_eq!(render(text, Some(&|_| None)), run_by_parser(text), "{text:?}");
            }
            assert_eq!(to_plain(text), plain_by_parser(text), "{text:?}");
        };
        for _ in 0..30_000 {
            let len = next(16);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            check(&text);
            let len = next(8);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            check(&text);
        }
        for text in ["Tap [Edit](x)", "Tap [Edit] (x)", "Tap [a][b]", "Tap [a][]", "x [^1]", "x [y]: z", "Go [to](<x>)"]
        {
            check(text);
        }
        assert!(fast > 2_000, "the fast path was taken {fast} times");
    }

    /// The byte-level shortcut gives what `split_whitespace` gives: for every whitespace
    /// character alone, between words and doubled, and for random texts mixing them
    /// with characters that share their first byte (“”—、。).
    #[test]
    fn collapsing_whitespace_matches_split_whitespace() {
        let by_words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let spaces: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        assert!(spaces.len() >= 25, "{spaces:?}");
        for &c in &spaces {
            for text in [format!("{c}"), format!("a{c}b"), format!("a {c}b"), format!("a{c}{c}b"), format!("a{c}")] {
                assert_eq!(collapse_whitespace(&text), by_words(&text), "{text:?}");
            }
        }
        let mut alphabet: Vec<char> = "ab 我“”—、。\u{2030}\u{e1}\u{1681}\u{3001}".chars().collect();
        alphabet.extend(&spaces);
        let mut rng = crate::fuzzing::Rng(7);
        for _ in 0..20_000 {
            let len = rng.below(12);
            let text: String = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            assert_eq!(collapse_whitespace(&text), by_words(&text), "{text:?}");
        }
    }

    #[test]
    fn long_brackets_are_not_labels() {
        let long = format!("[{}]", "x".repeat(50));
        assert_eq!(to_html(&long), long);
        assert_eq!(ui_labels("【我的】 and [My]"), vec!["我的", "My"]);
    }
}
