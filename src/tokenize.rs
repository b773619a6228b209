//! Text -> search tokens, for Chinese (no spaces between words) and English alike.
//!
//! Chinese runs become overlapping character bigrams (忘记密码 -> 忘记, 记密, 密码), which
//! find words without a dictionary; Latin runs become lowercase words with a light plural
//! stem. Related-article scoring uses these tokens; the search index uses the same rules,
//! so the two can never disagree about what a "word" is.
//!
//! Text is first folded to NFKC, so full-width `ＰＡＳＳ１２`, half-width `ｶﾞｲﾄﾞ` and
//! the ideographic space read as `PASS12`, `ガイド` and a space (`search.js` does the same
//! with `String.prototype.normalize`).

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Han, kana and hangul: scripts written without spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7A3 | 0x20000..=0x2FFFF)
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "for", "from", "how", "if", "in", "into", "is", "it",
    "of", "on", "or", "the", "then", "this", "to", "what", "when", "with", "you", "your",
];

/// `text` in NFKC form: full-width and half-width forms folded to their usual ones.
pub(crate) fn fold(text: &str) -> Cow<'_, str> {
    // Most text is ASCII, Chinese characters and common Chinese punctuation, which NFKC
    // leaves as they are or (full-width forms) maps onto ASCII: told at a glance, not by
    // a table lookup per character (most of the time a search index spent folding).
    let mut full_width = false;
    let simple = text.chars().all(|c| {
        let wide = is_full_width(c);
        full_width |= wide;
        wide || is_nfkc_stable(c)
    });
    if simple {
        return match full_width {
            true => Cow::Owned(text.chars().map(full_width_to_ascii).collect()),
            false => Cow::Borrowed(text),
        };
    }
    if matches!(is_nfkc_quick(text.chars()), IsNormalized::Yes) {
        return Cow::Borrowed(text);
    }
    // Chinese text is mostly not NFKC only for its full-width punctuation and spaces
    // (，：（）, U+3000): NFKC maps each onto one ASCII character, so they are mapped here
    // first, and only a text still not normalized pays for the full normalization (it
    // was the most of the time a search index spent per Chinese text).
    let mapped: String = text.chars().map(full_width_to_ascii).collect();
    match is_nfkc_quick(mapped.chars()) {
        IsNormalized::Yes => Cow::Owned(mapped),
        _ => Cow::Owned(mapped.nfkc().collect()),
    }
}

/// Characters NFKC leaves as they are, among those most texts are made of: ASCII, the
/// CJK unified ideographs and common Chinese punctuation (、。〈〉《》「」『』【】 ‘’ “” —).
fn is_nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{3002}' | '\u{3008}'..='\u{3011}')
        || matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' | '\u{2014}')
}

/// The full-width forms of ASCII and the ideographic space, which NFKC maps onto ASCII.
fn is_full_width(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}')
}

fn full_width_to_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Tokens of `text`, in order, duplicates kept.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, false, |tok| out.push(tok.to_string()));
    out
}

/// The single Chinese/Japanese/Korean characters of `text` (folded), duplicates kept: the
/// search index lists them too, so that a one-character query (`密`) finds its words
/// (it takes them from [`each_token`]; this list is what tests compare with).
#[cfg(test)]
pub(crate) fn cjk_chars(text: &str) -> Vec<String> {
    fold(text).chars().filter(|&c| is_cjk(c)).map(String::from).collect()
}

/// Calls `f` with each token of `text` (what [`tokens`] lists, in its order) and, if
/// `with_chars`, also with each single CJK character ([`cjk_chars`]) after its run. The
/// search index's way: the text is folded once and nothing is allocated per token (an
/// allocation per token was most of the time the index spent tokenizing).
pub(crate) fn each_token(text: &str, with_chars: bool, mut f: impl FnMut(&str)) {
    let text = fold(text);
    let mut word = String::new();
    let mut lower = String::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut flush_word = |word: &mut String, f: &mut dyn FnMut(&str)| {
        if word.is_empty() {
            return;
        }
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&word.to_lowercase());
        }
        stem_in_place(&mut lower);
        if !STOP_WORDS.contains(&lower.as_str()) {
            f(&lower);
        }
        word.clear();
    };
    let flush_cjk = |cjk: &mut Vec<char>, f: &mut dyn FnMut(&str)| {
        let mut buf = [0u8; 8];
        match cjk.len() {
            0 => {}
            1 => f(cjk[0].encode_utf8(&mut buf)),
            _ => {
                for pair in cjk.windows(2) {
                    let n = pair[0].encode_utf8(&mut buf).len();
                    let m = pair[1].encode_utf8(&mut buf[n..]).len();
                    f(std::str::from_utf8(&buf[..n + m]).unwrap_or_default());
                }
            }
        }
        if with_chars {
            for c in cjk.iter() {
                f(c.encode_utf8(&mut buf));
            }
        }
        cjk.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut f);
            cjk.push(c);
        } else if c.is_alphanumeric() || (c == '\'' && !word.is_empty()) {
            flush_cjk(&mut cjk, &mut f);
            if c != '\'' {
                word.push(c);
            }
        } else {
            flush_word(&mut word, &mut f);
            flush_cjk(&mut cjk, &mut f);
        }
    }
    flush_word(&mut word, &mut f);
    flush_cjk(&mut cjk, &mut f);
}

/// `passwords` -> `password`, `addresses` -> `address`, `categories` -> `category`.
pub(crate) fn stem(word: &str) -> String {
    let mut word = word.to_string();
    stem_in_place(&mut word);
    word
}

fn stem_in_place(word: &mut String) {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        word.truncate(n - 3);
        word.push('y');
    } else if n > 4
        && (word.ends_with("sses") || word.ends_with("shes") || word.ends_with("ches") || word.ends_with("xes"))
    {
        word.truncate(n - 2);
    } else if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        word.truncate(n - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full-width shortcut gives what NFKC gives, for every full-width character
    /// and mixed with characters that still need the full normalization.
    #[test]
    fn the_characters_taken_as_stable_are() {
        let stable = ('\0'..='\u{FFFF}').filter(|&c| is_nfkc_stable(c));
        for c in stable {
            assert_eq!(c.to_string().nfkc().collect::<String>(), c.to_string(), "U+{:04X}", c as u32);
        }
        for c in ('\0'..='\u{FFFF}').filter(|&c| is_full_width(c)) {
            assert_eq!(c.to_string().nfkc().collect::<String>(), full_width_to_ascii(c).to_string());
        }
    }

    #[test]
    fn folding_matches_nfkc() {
        let full_width: String = ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']).collect();
        for text in [
            full_width.as_str(),
            "怎么修改密码？点击【设置】，再点（保存）：１２３ＡＢＣ",
            "Ａ\u{0301}ｃａｆｅ\u{0301} ① ㎏ ｶﾀｶﾅ 가\u{11A8}",
            "plain ascii",
            "点击【新增地址】，填写“收货人”——完成。",
            "「引用」『二重』《书名》〈篇名〉、顿号。‘单’",
            "ascii with e\u{0301} and ① and …",
        ] {
            assert_eq!(fold(text), text.nfkc().collect::<String>(), "{text}");
        }
    }

    #[test]
    fn chinese_becomes_bigrams() {
        assert_eq!(tokens("忘记密码"), vec!["忘记", "记密", "密码"]);
        assert_eq!(tokens("亚马逊 登录"), vec!["亚马", "马逊", "登录"]);
        assert_eq!(tokens("我"), vec!["我"]);
    }

    #[test]
    fn english_is_case_and_plural_insensitive() {
        assert_eq!(tokens("Forgot Passwords?"), vec!["forgot", "password"]);
        assert_eq!(tokens("How to change your addresses"), vec!["change", "address"]);
        assert_eq!(tokens("Amazon's sales reports"), vec!["amazon", "sale", "report"]);
    }

    /// The cases `search.js` is checked against too (tests/browser.rs).
    #[test]
    fn shared_cases_with_the_browser() {
        let cases: Vec<(String, Vec<String>)> =
            serde_json::from_str(include_str!("../tests/fixtures/search/tokenizer-cases.json")).unwrap();
        assert!(cases.len() >= 10);
        for (text, want) in cases {
            assert_eq!(tokens(&text), want, "{text:?}");
        }
    }

    /// What the search index takes from a text in one pass is what the two lists hold.
    #[test]
    fn one_pass_gives_the_tokens_and_the_characters() {
        let cases: Vec<(String, Vec<String>)> =
            serde_json::from_str(include_str!("../tests/fixtures/search/tokenizer-cases.json")).unwrap();
        let more = ["忘记密码 Passwords", "我", "在Amazon开店，ｶﾞｲﾄﾞ", "Ａ\u{0301}ｃａｆｅ 가나다 𠀀𠀁", ""];
        for text in cases.iter().map(|(t, _)| t.as_str()).chain(more) {
            let mut got = Vec::new();
            each_token(text, true, |t| got.push(t.to_string()));
            let mut want: Vec<String> = tokens(text).into_iter().chain(cjk_chars(text)).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{text:?}");
            let mut plain = Vec::new();
            each_token(text, false, |t| plain.push(t.to_string()));
            assert_eq!(plain, tokens(text), "{text:?}");
        }
    }

    #[test]
    fn full_and_half_width_forms_fold() {
        assert_eq!(tokens("ＰＡＳＳＷＯＲＤ"), vec!["password"]);
        assert_eq!(tokens("ｉＰｈｏｎｅ　１５"), vec!["iphone", "15"]);
        assert_eq!(tokens("ｶﾞｲﾄﾞ"), vec!["ガイ", "イド"]);
        assert_eq!(cjk_chars("密码ａ"), vec!["密", "码"]);
    }

    #[test]
    fn mixed_text_splits_at_script_changes() {
        assert_eq!(tokens("在Amazon开店"), vec!["在", "amazon", "开店"]);
        assert_eq!(tokens("【我的】"), vec!["我的"]);
    }
}
