//! The client-side search index, per language, and the ranking the browser applies.
//!
//! Files (all JSON, small enough for a phone):
//! - `{lang}/search-index.json`: the entry point: every tutorial's title, URL and category,
//!   and how the rest is split;
//! - `{lang}/search/terms-K.json`: token -> postings, tokens spread over shards by a hash
//!   the browser computes too, so a query loads only the shards of its own tokens;
//! - `{lang}/search/text-C.json`: the plain text of 200 tutorials per chunk, loaded only
//!   to show the matching text of the top results.
//!
//! Tokens come from [`crate::tokenize::tokens`]; `themes/default/static/search.js` is a
//! line-by-line port of that function and of [`rank`], and the shared cases in
//! `tests/fixtures/search/tokenizer-cases.json` run against both.

use std::collections::{BTreeMap, HashMap};

/// Token maps are hashed a few million times per build: foldhash, not SipHash (no
/// attacker chooses the keys of a build).
type FastMap<K, V> = foldhash::HashMap<K, V>;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::markdown::to_plain;
use crate::model::Site;
use crate::tokenize::tokens;

pub(crate) const INDEX_VERSION: u32 = 1;
/// Postings bytes per terms shard, before compression.
const SHARD_BYTES: usize = 160_000;
/// Tutorials per text chunk.
pub(crate) const TEXT_CHUNK: usize = 200;
/// Characters of text kept per tutorial for result snippets.
const TEXT_CHARS: usize = 1200;

/// Where a token occurs in a tutorial (bits).
pub(crate) const IN_BODY: u8 = 1;
pub(crate) const IN_TITLE: u8 = 2;

/// The search files of one language: output-relative path -> JSON text.
pub(crate) fn files(site: &Site, lang: &str) -> Vec<(String, String)> {
    let index = build(site, lang);
    index.to_files(lang)
}

/// One language's index in memory (also what [`rank`] searches in tests).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// [title, url from the site root, category]
    pub docs: Vec<[String; 3]>,
    pub(crate) texts: Vec<String>,
    /// token -> (doc, where), doc ascending.
    pub(crate) postings: BTreeMap<String, Vec<(u32, u8)>>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    lang: &'a str,
    shards: usize,
    chunk: usize,
    docs: &'a [[String; 3]],
}

pub fn build(site: &Site, lang: &str) -> Index {
    let src = site.source_lang();
    // Per tutorial, in parallel: its texts and tokens; then the postings, in doc order.
    // In slices, so that only one slice's token lists are held at a time.
    let doc = |t: &crate::model::Tutorial| {
        let title = to_plain(t.title.get(lang, src).text);
        let category =
            site.categories.get(&t.category).map(|c| to_plain(c.title.get(lang, src).text)).unwrap_or_default();
        let mut body = String::new();
        if let Some(s) = &t.summary {
            body.push_str(&to_plain(s.get(lang, src).text));
        }
        for step in &t.steps {
            body.push(' ');
            body.push_str(&to_plain(step.text.get(lang, src).text));
        }
        for note in &t.notes {
            body.push(' ');
            body.push_str(&to_plain(note.text.get(lang, src).text));
        }
        let mut seen: FastMap<String, u8> = FastMap::default();
        for tok in tokens(&title) {
            *seen.entry(tok).or_default() |= IN_TITLE;
        }
        for tok in tokens(&body).into_iter().chain(tokens(&category)).chain(t.tags.iter().flat_map(|tag| tokens(tag))) {
            *seen.entry(tok).or_default() |= IN_BODY;
        }
        let text = body.trim().chars().take(TEXT_CHARS).collect();
        ([title, format!("{lang}/{}/", t.id), category], text, seen)
    };
    let mut postings: FastMap<String, Vec<(u32, u8)>> = FastMap::default();
    let mut index = Index::default();
    for slice in site.tutorials.chunks(512) {
        let docs: Vec<([String; 3], String, FastMap<String, u8>)> = slice.par_iter().map(|t| doc(t)).collect();
        for (doc, text, seen) in docs {
            let i = index.docs.len() as u32;
            for (tok, bits) in seen {
                match postings.get_mut(&tok) {
                    Some(list) => list.push((i, bits)),
                    None => {
                        postings.insert(tok, vec![(i, bits)]);
                    }
                }
            }
            index.docs.push(doc);
            index.texts.push(text);
        }
    }
    index.postings = postings.into_iter().collect();
    index
}

impl Index {
    fn to_files(&self, lang: &str) -> Vec<(String, String)> {
        // Encode every posting list, then spread tokens over as many shards as needed.
        let encoded: Vec<(&String, String)> = self.postings.par_iter().map(|(t, p)| (t, encode_postings(p))).collect();
        let total: usize = encoded.iter().map(|(t, p)| t.len() + p.len() + 6).sum();
        let shards = total.div_ceil(SHARD_BYTES).max(1);
        let mut parts: Vec<BTreeMap<&str, &str>> = vec![BTreeMap::new(); shards];
        for (tok, post) in &encoded {
            parts[shard_of(tok, shards)].insert(tok, post);
        }
        let mut files = Vec::new();
        let manifest = Manifest { v: INDEX_VERSION, lang, shards, chunk: TEXT_CHUNK, docs: &self.docs };
        files.push((format!("{lang}/search-index.json"), json(&manifest)));
        files.par_extend(
            parts.par_iter().enumerate().map(|(k, part)| (format!("{lang}/search/terms-{k}.json"), json(part))),
        );
        files.par_extend(
            self.texts
                .par_chunks(TEXT_CHUNK)
                .enumerate()
                .map(|(c, chunk)| (format!("{lang}/search/text-{c}.json"), json(&chunk))),
        );
        files
    }
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// `3a:3,2:1`: base-36 gaps between doc numbers, then where the token was found.
fn encode_postings(list: &[(u32, u8)]) -> String {
    let mut out = String::new();
    let mut prev = 0;
    for (n, (doc, bits)) in list.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}:{bits}", base36(doc - prev));
        prev = *doc;
    }
    out
}

fn base36(mut v: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = Vec::new();
    loop {
        buf.push(DIGITS[(v % 36) as usize]);
        v /= 36;
        if v == 0 {
            break;
        }
    }
    buf.reverse();
    String::from_utf8(buf).unwrap_or_default()
}

/// FNV-1a over Unicode code points (not bytes), so JavaScript gets the same number.
pub fn shard_of(token: &str, shards: usize) -> usize {
    let mut h: u32 = 2_166_136_261;
    for c in token.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(16_777_619);
    }
    (h as usize) % shards.max(1)
}

/// A search result: a doc number and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f64,
}

/// Ranks documents for a query. Title matches weigh three times body matches; rarer
/// tokens weigh more; a document must contain at least half of the query's tokens (all of
/// them for a one- or two-token query), and its score is scaled by the share it contains.
pub fn rank(index: &Index, query: &str, limit: usize) -> Vec<Hit> {
    let mut q = tokens(query);
    q.sort();
    q.dedup();
    if q.is_empty() {
        return Vec::new();
    }
    let n = index.docs.len() as f64;
    let mut score: HashMap<u32, (f64, usize)> = HashMap::new();
    for tok in &q {
        let Some(list) = index.postings.get(tok) else { continue };
        let idf = (1.0 + n / list.len() as f64).ln();
        for &(doc, bits) in list {
            let w = if bits & IN_TITLE != 0 { 3.0 } else { 0.0 } + if bits & IN_BODY != 0 { 1.0 } else { 0.0 };
            let e = score.entry(doc).or_insert((0.0, 0));
            e.0 += idf * w;
            e.1 += 1;
        }
    }
    let need = if q.len() <= 2 { q.len() } else { q.len().div_ceil(2) };
    let mut hits: Vec<Hit> = score
        .into_iter()
        .filter(|(_, (_, m))| *m >= need)
        .map(|(doc, (s, m))| {
            let share = m as f64 / q.len() as f64;
            Hit { doc, score: s * share * share }
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(docs: &[(&str, &str)]) -> Index {
        let mut idx = Index::default();
        for (i, (title, body)) in docs.iter().enumerate() {
            let mut seen: HashMap<String, u8> = HashMap::new();
            for t in tokens(title) {
                *seen.entry(t).or_default() |= IN_TITLE;
            }
            for t in tokens(body) {
                *seen.entry(t).or_default() |= IN_BODY;
            }
            for (t, b) in seen {
                idx.postings.entry(t).or_default().push((i as u32, b));
            }
            idx.docs.push([title.to_string(), String::new(), String::new()]);
        }
        idx
    }

    #[test]
    fn title_matches_rank_above_body_matches() {
        let idx =
            index(&[("如何修改收货地址", "忘记密码时请先找回密码"), ("亚马逊登录密码忘记了怎么办", "点击忘记密码")]);
        let hits = rank(&idx, "忘记密码", 10);
        assert_eq!(hits[0].doc, 1);
        assert_eq!(hits.len(), 2);
    }

    #[test]
    fn english_ignores_case_and_plurals() {
        let idx = index(&[("View sales reports", "open the report"), ("Forgot your password?", "reset it")]);
        assert_eq!(rank(&idx, "Sales Report", 10)[0].doc, 0);
        assert_eq!(rank(&idx, "forgot passwords", 10)[0].doc, 1);
        assert!(rank(&idx, "refund", 10).is_empty());
    }

    #[test]
    fn postings_are_compact_and_shards_stable() {
        assert_eq!(encode_postings(&[(3, 1), (40, 3), (41, 2)]), "3:1,11:3,1:2");
        assert_eq!(shard_of("密码", 1), 0);
        // Fixed values: search.js must compute the same (see tests/fixtures/search).
        assert_eq!(shard_of("password", 7), shard_of("password", 7));
        assert_eq!(base36(36 * 36), "100");
    }
}
