//! The client-side search index, per language, and the ranking the browser applies.
//!
//! Laid out so that a query downloads a few small files however large the site is (the
//! design of Pagefind: term-range chunks, and per-result fragments fetched only for the
//! results shown). All JSON:
//! - `{lang}/search-index.json`: the entry point: the number of tutorials, the chunk sizes
//!   and the first term of every terms chunk (a few KB at 100,000 tutorials);
//! - `{lang}/search/terms-K.json`: term -> postings, terms in sorted order (UTF-16 order,
//!   which is JavaScript's) and cut into chunks of about [`TERMS_BYTES`], so the terms that
//!   start with a prefix sit in one chunk or a few neighbouring ones;
//! - `{lang}/search/meta-M.json`: title, URL and category of [`META_CHUNK`] tutorials,
//!   fetched for the results shown;
//! - `{lang}/search/text-C.json`: the plain text of [`TEXT_CHUNK`] tutorials, fetched for
//!   the snippets of the results page.
//!
//! A term's postings are two sets, the tutorials with the term in the title and those with
//! it elsewhere, each written as base-36 gaps (`3,1a,2`) or, when that is longer, as a
//! base64 bitmap (`=...`), whichever is shorter: a term in most tutorials costs n/6 bytes.
//!
//! Tokens come from [`crate::tokenize::each_token`]: the words of `tokens`, plus every
//! single Chinese/Japanese/Korean character so that a one-character query finds its
//! words. A query's last word, while it is being typed, matches as a prefix
//! ([`query_terms`]). `themes/default/static/search.js` is a line-by-line port of the
//! tokenizer, of [`query_terms`] and of [`rank`]; the shared cases in
//! `tests/fixtures/search/` run against both.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher as _;
use std::ops::Bound;

use rayon::prelude::*;
use serde::Serialize;

use crate::fingerprint::Fingerprint;
use crate::markdown::to_plain;
use crate::model::{Site, Tutorial};
use crate::tokenize::{each_token, fold, is_cjk, stem, tokens};

mod docs;

pub(crate) use docs::DocStore;
use docs::{Doc, LangDocs};

pub(crate) const INDEX_VERSION: u32 = 2;
/// Bytes of a terms chunk, before compression (a term is never split: one very common
/// term can make its chunk larger, by at most n/3 bytes for n tutorials).
const TERMS_BYTES: usize = 16_000;
/// Tutorials per title/URL/category chunk.
pub(crate) const META_CHUNK: usize = 8;
/// Tutorials per text chunk.
pub(crate) const TEXT_CHUNK: usize = 4;
/// Characters of text kept per tutorial for result snippets.
const TEXT_CHARS: usize = 1200;
/// A query's last word matches as a prefix from this many characters on.
const PREFIX_CHARS: usize = 3;

/// Where a token occurs in a tutorial (bits).
pub(crate) const IN_BODY: u8 = 1;
pub(crate) const IN_TITLE: u8 = 2;

/// The search files of one language: output-relative path -> JSON text. The tutorials
/// `store` keeps entries for are not tokenized again (see [`docs`]).
pub(crate) fn files(site: &Site, lang: &str, store: &DocStore) -> Vec<(String, String)> {
    let kept = store.take(lang, docs::epoch(lang, &site.config.languages));
    let forward = Forward::of(site, lang, kept);
    let files = forward.files(lang);
    store.put(lang, forward.into_kept());
    files
}

/// One language's index in memory (also what [`rank`] searches in tests).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// [title, url from the site root, category]
    pub docs: Vec<[String; 3]>,
    /// token -> (doc, where), doc ascending.
    pub(crate) postings: BTreeMap<String, Vec<(u32, u8)>>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    lang: &'a str,
    /// Number of tutorials.
    docs: usize,
    meta: usize,
    text: usize,
    /// The first term of each terms chunk.
    terms: Vec<&'a str>,
}

/// The index of one language, made from scratch.
pub fn build(site: &Site, lang: &str) -> Index {
    let forward = Forward::of(site, lang, LangDocs::default());
    Index {
        docs: forward.docs.iter().map(|(_, d)| d.fields.clone()).collect(),
        postings: forward
            .postings()
            .into_iter()
            .map(|(t, list)| (t.to_string(), list.into_iter().map(unpack).collect()))
            .collect(),
    }
}

/// The site's tutorials in order, each with its texts and terms: what an index is
/// made of, before the postings are turned around.
struct Forward {
    epoch: u64,
    terms: Vec<String>,
    /// By tutorial, with the fingerprint of what it was made from.
    docs: Vec<(u64, Doc)>,
    /// Entries were made or dropped: the kept set changed.
    changed: bool,
}

impl Forward {
    /// Takes each tutorial's entry from `kept` if it has one made from the same inputs,
    /// else makes it (in parallel).
    fn of(site: &Site, lang: &str, mut kept: LangDocs) -> Forward {
        let src = site.source_lang();
        let category = |t: &Tutorial| site.categories.get(&t.category).map_or("", |c| c.title.get(lang, src).text);
        // Everything an entry is made of but the program and languages (in the epoch):
        // the tutorial's file and its category's title.
        let keys: Vec<u64> =
            site.tutorials.par_iter().map(|t| Fingerprint::new().u64(t.source).str(category(t)).finish()).collect();
        let mut docs: Vec<(u64, Option<Doc>)> = keys.iter().map(|&k| (k, kept.docs.remove(&k))).collect();
        let mut changed = !kept.docs.is_empty();
        drop(std::mem::take(&mut kept.docs));
        let mut terms = std::mem::take(&mut kept.terms);
        let missing: Vec<usize> = docs.iter().enumerate().filter(|(_, (_, d))| d.is_none()).map(|(i, _)| i).collect();
        if !missing.is_empty() {
            changed = true;
            // Hashed a few million times per build: foldhash, not SipHash (no attacker
            // chooses the terms of a build).
            let mut ids: hashbrown::HashMap<String, u32, foldhash::fast::RandomState> =
                terms.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
            // In slices, so that only one slice's token lists are held at a time.
            for slice in missing.chunks(512) {
                let made: Vec<([String; 3], String, DocTerms)> = slice
                    .par_iter()
                    .map(|&i| doc(site, &site.tutorials[i], lang, category(&site.tutorials[i])))
                    .collect();
                for (&i, (fields, text, seen)) in slice.iter().zip(made) {
                    let doc_terms = seen
                        .iter()
                        .map(|(tok, bits)| {
                            let next = terms.len() as u32;
                            let id = *ids.entry_ref(tok).or_insert_with(|| {
                                terms.push(tok.to_string());
                                next
                            });
                            pack(id, bits)
                        })
                        .collect();
                    docs[i].1 = Some(Doc { fields, text, terms: doc_terms });
                }
            }
        }
        let docs = docs.into_iter().filter_map(|(k, d)| Some((k, d?))).collect();
        Forward { epoch: kept.epoch, terms, docs, changed }
    }

    /// term -> (doc, where), doc ascending, for every term a tutorial has.
    fn postings(&self) -> Vec<(&str, Vec<u32>)> {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.terms.len()];
        for (i, (_, doc)) in self.docs.iter().enumerate() {
            for &packed in &doc.terms {
                let (term, bits) = unpack(packed);
                if let Some(list) = lists.get_mut(term as usize) {
                    list.push(pack(i as u32, bits));
                }
            }
        }
        self.terms.iter().zip(lists).filter(|(_, list)| !list.is_empty()).map(|(t, list)| (t.as_str(), list)).collect()
    }

    /// The entries to keep for the next build; terms no tutorial has any more are dropped.
    fn into_kept(self) -> LangDocs {
        let Forward { epoch, mut terms, docs, mut changed } = self;
        let mut used = vec![false; terms.len()];
        for (_, doc) in &docs {
            for &packed in &doc.terms {
                if let Some(u) = used.get_mut(unpack(packed).0 as usize) {
                    *u = true;
                }
            }
        }
        let mut docs: Vec<(u64, Doc)> = docs;
        if used.iter().any(|u| !u) {
            changed = true;
            let mut renumbered = vec![0u32; terms.len()];
            let mut next = 0u32;
            for (i, u) in used.iter().enumerate() {
                if *u {
                    renumbered[i] = next;
                    next += 1;
                }
            }
            let mut i = 0;
            terms.retain(|_| {
                i += 1;
                used[i - 1]
            });
            for (_, doc) in &mut docs {
                for packed in &mut doc.terms {
                    let (term, bits) = unpack(*packed);
                    *packed = pack(renumbered[term as usize], bits);
                }
            }
        }
        LangDocs { epoch, terms, docs: docs.into_iter().collect(), changed }
    }

    fn files(&self, lang: &str) -> Vec<(String, String)> {
        let fields: Vec<&[String; 3]> = self.docs.iter().map(|(_, d)| &d.fields).collect();
        let texts: Vec<&str> = self.docs.iter().map(|(_, d)| d.text.as_str()).collect();
        to_files(lang, self.postings(), &fields, &texts)
    }
}

/// One tutorial's fields, snippet text and terms (with where each occurs) in `lang`.
fn doc(site: &Site, t: &Tutorial, lang: &str, category: &str) -> ([String; 3], String, DocTerms) {
    let src = site.source_lang();
    let title = to_plain(t.title.get(lang, src).text);
    let category = to_plain(category);
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
    let mut seen = DocTerms::with_capacity(body.len() / 6 + 32);
    each_token(&title, true, |tok| seen.note(tok, IN_TITLE));
    let rest = [body.as_str(), category.as_str()].into_iter().chain(t.tags.iter().map(String::as_str));
    for text in rest {
        each_token(text, true, |tok| seen.note(tok, IN_BODY));
    }
    let text = body.trim().chars().take(TEXT_CHARS).collect();
    ([title, format!("{lang}/{}/", t.id), category], text, seen)
}

/// A tutorial's distinct terms, each with where it occurs ([`IN_TITLE`], [`IN_BODY`]).
/// The terms sit one after another in one buffer, found through a table of their
/// places: a `String` per term and tutorial was a fifth of the time an entry took.
struct DocTerms {
    text: String,
    /// `(start, end, bits)` of each term in `text`.
    places: hashbrown::HashTable<(u32, u32, u8)>,
    hasher: foldhash::fast::FixedState,
}

impl DocTerms {
    /// Sized for `terms` up front: the table's growth was most of the time it took.
    /// Chinese text makes the most bytes of terms per byte of text (a bigram and a
    /// character per character, 9 bytes per 3), hence the room for 12 bytes a term.
    fn with_capacity(terms: usize) -> DocTerms {
        DocTerms {
            text: String::with_capacity(terms * 12),
            places: hashbrown::HashTable::with_capacity(terms),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    fn note(&mut self, term: &str, bit: u8) {
        let DocTerms { text, places, hasher } = self;
        let at = |&(start, end, _): &(u32, u32, u8)| &text[start as usize..end as usize];
        let hash = hasher.hash_one(term);
        match places.entry(hash, |p| at(p) == term, |p| hasher.hash_one(at(p))) {
            hashbrown::hash_table::Entry::Occupied(mut place) => place.get_mut().2 |= bit,
            hashbrown::hash_table::Entry::Vacant(place) => {
                let start = text.len() as u32;
                text.push_str(term);
                place.insert((start, text.len() as u32, bit));
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.places.iter().map(|&(start, end, bits)| (&self.text[start as usize..end as usize], bits))
    }
}

/// A number (a term's or a tutorial's, below 2^30) and where a term occurs
/// ([`IN_TITLE`], [`IN_BODY`]) in one `u32`: the lists of 100,000 tutorials' terms took
/// 120 MB more as pairs.
fn pack(number: u32, bits: u8) -> u32 {
    number << 2 | u32::from(bits & 3)
}

fn unpack(packed: u32) -> (u32, u8) {
    (packed >> 2, (packed & 3) as u8)
}

/// JavaScript compares strings by UTF-16 code units; chunks are cut in that order so the
/// browser can find a term's chunk with its own `<`.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The files of an index: `postings` in any order, `fields` and `texts` by tutorial.
fn to_files(
    lang: &str,
    postings: Vec<(&str, Vec<u32>)>,
    fields: &[&[String; 3]],
    texts: &[&str],
) -> Vec<(String, String)> {
    let n = fields.len();
    let mut encoded: Vec<(&str, String)> = postings.par_iter().map(|(t, p)| (*t, encode_postings(p, n))).collect();
    drop(postings);
    encoded.par_sort_by(|a, b| utf16_cmp(a.0, b.0));
    // Cut the sorted terms into chunks of about TERMS_BYTES.
    let mut chunks: Vec<&[(&str, String)]> = Vec::new();
    let (mut from, mut size) = (0, 0);
    for (i, (tok, post)) in encoded.iter().enumerate() {
        let entry = tok.len() + post.len() + 6;
        if size > 0 && size + entry > TERMS_BYTES {
            chunks.push(&encoded[from..i]);
            (from, size) = (i, 0);
        }
        size += entry;
    }
    if from < encoded.len() || chunks.is_empty() {
        chunks.push(&encoded[from..]);
    }
    let manifest = Manifest {
        v: INDEX_VERSION,
        lang,
        docs: n,
        meta: META_CHUNK,
        text: TEXT_CHUNK,
        terms: chunks.iter().map(|c| c.first().map_or("", |e| e.0)).collect(),
    };
    let mut files = vec![(format!("{lang}/search-index.json"), json(&manifest))];
    files.par_extend(chunks.par_iter().enumerate().map(|(k, chunk)| {
        let map: serde_json::Map<String, serde_json::Value> =
            chunk.iter().map(|(t, p)| (t.to_string(), serde_json::Value::String(p.clone()))).collect();
        (format!("{lang}/search/terms-{k}.json"), json(&map))
    }));
    files.par_extend(
        fields.par_chunks(META_CHUNK).enumerate().map(|(m, c)| (format!("{lang}/search/meta-{m}.json"), json(&c))),
    );
    files.par_extend(
        texts.par_chunks(TEXT_CHUNK).enumerate().map(|(c, t)| (format!("{lang}/search/text-{c}.json"), json(&t))),
    );
    files
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// `title;elsewhere`: each the set of tutorials with the token there, as base-36 gaps
/// (`3,11,1`) or as a bitmap (`=` then base64, tutorial k at bit k % 8 of byte k / 8).
fn encode_postings(list: &[u32], n: usize) -> String {
    let set = |bit: u8| encode_set(list.iter().map(|&p| unpack(p)).filter(|(_, b)| b & bit != 0).map(|(d, _)| d), n);
    format!("{};{}", set(IN_TITLE), set(IN_BODY))
}

fn encode_set(docs: impl Iterator<Item = u32> + Clone, n: usize) -> String {
    let bitmap_len = 1 + n.div_ceil(8).div_ceil(3) * 4;
    let mut gaps = String::new();
    let mut prev = 0;
    for (i, doc) in docs.clone().enumerate() {
        if i > 0 {
            gaps.push(',');
        }
        push_base36(&mut gaps, doc - prev);
        prev = doc;
        // Already longer than the bitmap: the rest of the gaps would not be used.
        if gaps.len() > bitmap_len {
            break;
        }
    }
    if gaps.len() <= bitmap_len {
        return gaps;
    }
    let mut bytes = vec![0u8; n.div_ceil(8)];
    for doc in docs {
        if let Some(b) = bytes.get_mut(doc as usize / 8) {
            *b |= 1 << (doc % 8);
        }
    }
    format!("={}", base64(&bytes))
}

fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let v = (u32::from(c.first().copied().unwrap_or(0)) << 16)
            | (u32::from(c.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(c.get(2).copied().unwrap_or(0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(DIGITS[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
fn base36(v: u32) -> String {
    let mut out = String::new();
    push_base36(&mut out, v);
    out
}

/// Appends `v` in base 36 (`0-9a-z`), with no allocation of its own.
fn push_base36(out: &mut String, mut v: u32) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    // u32::MAX is 7 digits in base 36.
    let mut buf = [0u8; 7];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = DIGITS[(v % 36) as usize];
        v /= 36;
        if v == 0 {
            break;
        }
    }
    out.extend(buf[at..].iter().map(|&b| char::from(b)));
}

/// The terms of a query, sorted (by code point) and without duplicates, each with whether
/// it matches as a prefix: the last word does while it is being typed (the query ends in
/// it) if it is a Latin word of at least [`PREFIX_CHARS`] characters (`pass` finds
/// `password`). A term typed twice matches exactly.
pub(crate) fn query_terms(query: &str) -> Vec<(String, bool)> {
    let folded = fold(query);
    let toks = tokens(&folded);
    // The word the query ends in, if it ends in a Latin word.
    let tail: String = {
        let mut rev: Vec<char> = folded
            .chars()
            .rev()
            .take_while(|&c| !is_cjk(c) && (c.is_alphanumeric() || c == '\''))
            .filter(|&c| c != '\'')
            .collect();
        rev.reverse();
        rev.into_iter().collect()
    };
    let last_prefix = !tail.is_empty()
        && tail.chars().count() >= PREFIX_CHARS
        && toks.last().is_some_and(|t| *t == stem(&tail.to_lowercase()));
    let mut terms: BTreeMap<String, bool> = BTreeMap::new();
    let count = toks.len();
    for (i, t) in toks.into_iter().enumerate() {
        let prefix = last_prefix && i + 1 == count;
        terms.entry(t).and_modify(|p| *p = *p && prefix).or_insert(prefix);
    }
    terms.into_iter().collect()
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
    let q = query_terms(query);
    if q.is_empty() {
        return Vec::new();
    }
    let n = index.docs.len() as f64;
    let mut score: HashMap<u32, (f64, usize)> = HashMap::new();
    for (tok, prefix) in &q {
        // A prefix matches the union of its terms' postings.
        let list: Vec<(u32, u8)> = if *prefix {
            let mut union: BTreeMap<u32, u8> = BTreeMap::new();
            for (_, list) in index
                .postings
                .range::<str, _>((Bound::Included(tok.as_str()), Bound::Unbounded))
                .take_while(|(t, _)| t.starts_with(tok.as_str()))
            {
                for &(doc, bits) in list {
                    *union.entry(doc).or_default() |= bits;
                }
            }
            union.into_iter().collect()
        } else {
            index.postings.get(tok).cloned().unwrap_or_default()
        };
        if list.is_empty() {
            continue;
        }
        let idf = (1.0 + n / list.len() as f64).ln();
        for (doc, bits) in list {
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
    use crate::tokenize::cjk_chars;

    fn index(docs: &[(&str, &str)]) -> Index {
        let mut idx = Index::default();
        for (i, (title, body)) in docs.iter().enumerate() {
            let mut seen: HashMap<String, u8> = HashMap::new();
            for t in tokens(title).into_iter().chain(cjk_chars(title)) {
                *seen.entry(t).or_default() |= IN_TITLE;
            }
            for t in tokens(body).into_iter().chain(cjk_chars(body)) {
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
    fn postings_are_compact() {
        assert_eq!(encode_postings(&[pack(3, 1), pack(40, 3), pack(41, 2)], 100), "14,1;3,11");
        // In most of 16 tutorials: a bitmap (bits 0-11 set, then 12 and 15 in the title set).
        let dense: Vec<u32> =
            (0..12).map(|d| pack(d, IN_BODY)).chain([pack(12, IN_TITLE), pack(15, IN_TITLE)]).collect();
        assert_eq!(encode_postings(&dense, 16), "c,3;=/w8=");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base36(36 * 36), "100");
        assert_eq!(base36(0), "0");
        assert_eq!(base36(u32::MAX), "1z141z3");
    }

    #[test]
    fn the_last_word_matches_as_a_prefix_and_single_characters_match() {
        let idx = index(&[("Forgot your password?", "reset it"), ("忘记密码", "找回"), ("Passport photos", "upload")]);
        assert_eq!(rank(&idx, "pass", 10).len(), 2);
        assert_eq!(rank(&idx, "passw", 10)[0].doc, 0);
        assert!(rank(&idx, "pass ", 10).is_empty(), "a finished word matches whole words only");
        assert_eq!(rank(&idx, "密", 10)[0].doc, 1);
        assert_eq!(rank(&idx, "ＰＡＳＳＷ", 10)[0].doc, 0);
    }

    /// The example site, read as `check` reads it (no file written).
    fn example() -> std::sync::Arc<Site> {
        let loaded = crate::pipeline::load_once(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        loaded.unwrap_or_else(|f| panic!("{:?}", f.diagnostics)).site
    }

    #[test]
    fn kept_entries_make_the_same_files_and_are_used() {
        let site = example();
        let store = DocStore::memory();
        let first = files(&site, "zh", &store);
        assert!(first.iter().any(|(p, _)| p == "zh/search/meta-0.json"));
        // Made again from the kept entries alone: the same files, and nothing to write.
        let again = files(&site, "zh", &store);
        assert_eq!(again, first);
        let kept = store.take("zh", docs::epoch("zh", &site.config.languages));
        assert!(!kept.changed);
        assert_eq!(kept.docs.len(), site.tutorials.len());

        // The entries are what the files are made of: one changed by hand shows (which is
        // why an entry is found by the fingerprint of everything it is made from).
        let mut kept = kept;
        let doc = kept.docs.values_mut().find(|d| d.fields[1].starts_with("zh/payments/")).unwrap();
        doc.fields[0] = "被改的标题".into();
        store.put("zh", kept);
        assert!(files(&site, "zh", &store).iter().any(|(_, text)| text.contains("被改的标题")));
        // Kept for other languages: not used.
        let mut other = store.take("zh", docs::epoch("zh", &site.config.languages));
        other.epoch = docs::epoch("zh", &["zh"]);
        store.put("zh", other);
        assert_eq!(files(&site, "zh", &store), first);
    }

    /// The cases `search.js` is checked against too (tests/browser.rs).
    #[test]
    fn shared_query_cases_with_the_browser() {
        let cases: Vec<(String, Vec<(String, bool)>)> =
            serde_json::from_str(include_str!("../../tests/fixtures/search/query-cases.json")).unwrap();
        assert!(cases.len() >= 10);
        for (query, want) in cases {
            assert_eq!(query_terms(&query), want, "{query:?}");
        }
    }
}
