//! Related articles: the explicit `related:` list first, then automatic ones.
//!
//! Automatic scores add up what two tutorials share: tags (weighted by rarity, so the
//! tag on half the site counts little), their category, and title words (character
//! bigrams for Chinese). Scoring walks inverted indexes, never all pairs, and skips
//! tokens so common they carry no signal, so it stays near-linear in the site size.
//! Ties break by id: the same site always gives the same links.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::ids::{CategoryPath, TutorialId};
use super::types::Tutorial;
use crate::lang::Languages;
use crate::tokenize::tokens;

/// The indexes' own maps, keyed by tags, categories and title words: built for every
/// tutorial on one thread before the scoring, where SipHash was most of their time.
type FastMap<K, V> = foldhash::HashMap<K, V>;

pub(crate) const MAX_RELATED: usize = 5;

const TAG_WEIGHT: f32 = 3.0;
/// A tag on more tutorials than this is not walked: it only lifts the candidates that
/// share something rarer. Walking it for every tutorial costs its length times the site
/// size (quadratic), and a tag on thousands of tutorials tells little about any pair.
const TAG_WALK_MAX: usize = 2000;
const SAME_CATEGORY: f32 = 2.0;
const SIBLING_CATEGORY: f32 = 0.5;
const TITLE_WEIGHT: f32 = 1.0;

/// Every tutorial's related list, in parallel, against `ix`.
fn score_all(ix: &Indexes, tutorials: &[Arc<Tutorial>], index: &HashMap<TutorialId, usize>) -> Vec<Vec<usize>> {
    let big = ix.big_tags();
    (0..tutorials.len())
        .into_par_iter()
        .map_init(Scratch::default, |s, i| ix.related(tutorials, index, &big, i, s))
        .collect()
}

/// What the last related lists were computed from, kept between loads by the preview
/// server: an edit updates the indexes for the tutorials it changed and rescores only
/// the tutorials it can affect.
#[derive(Default)]
pub(crate) struct Memo {
    /// The tutorials the lists are for, in site order.
    tutorials: Vec<Arc<Tutorial>>,
    indexes: Option<Indexes>,
    related: Vec<Vec<usize>>,
    /// Lists a previous run computed (by id, in site order), with the [`inputs`] they were
    /// computed from: `build` hands over the last build's, so a text edit scores nothing.
    known: Option<(u64, Vec<Vec<TutorialId>>)>,
}

impl Memo {
    /// A memo that knows the lists a previous run computed from `inputs`.
    pub(crate) fn known(inputs: u64, lists: Vec<Vec<TutorialId>>) -> Memo {
        Memo { known: Some((inputs, lists)), ..Memo::default() }
    }
}

/// The fingerprint of everything related lists are computed from: each tutorial's id,
/// tags, category, titles and explicit `related` ids, and the languages.
pub(crate) fn inputs(tutorials: &[Arc<Tutorial>], languages: &Languages) -> u64 {
    let mut f = crate::fingerprint::Fingerprint::new();
    f.debug(languages);
    for t in tutorials {
        f.str(t.id.as_str()).str(t.category.as_str());
        f.u64(t.tags.len() as u64);
        t.tags.iter().for_each(|tag| _ = f.str(tag));
        f.u64(t.related.len() as u64);
        t.related.iter().for_each(|r| _ = f.str(r.as_str()));
        for (lang, title) in t.title.values() {
            f.str(lang).str(&title.text);
        }
        f.u64(u64::from(t.title.is_translatable()));
    }
    f.finish()
}

/// For each tutorial (by index), up to [`MAX_RELATED`] related tutorial indexes. `memo`
/// holds what the previous load computed (empty for a first one): every tutorial that
/// shares no tag, category or title word with a changed one keeps its list.
pub(crate) fn compute_with_memo(
    tutorials: &[Arc<Tutorial>],
    index: &HashMap<TutorialId, usize>,
    languages: &Languages,
    memo: &mut Memo,
) -> Vec<Vec<usize>> {
    // The lists a previous run computed from the same tutorials (ids, in the same order).
    if let Some((from, lists)) = memo.known.take()
        && from == inputs(tutorials, languages)
        && lists.len() == tutorials.len()
    {
        let lists: Option<Vec<Vec<usize>>> =
            lists.iter().map(|list| list.iter().map(|id| index.get(id).copied()).collect()).collect();
        if let Some(lists) = lists {
            return lists;
        }
    }
    // Scores depend on the site size (rarity weights, the common-word cut): a tutorial
    // added or removed rescores everything. Tutorials are sorted by id, so the same ids
    // are at the same indexes.
    let same_set = memo.tutorials.len() == tutorials.len()
        && memo.tutorials.iter().zip(tutorials).all(|(old, new)| Arc::ptr_eq(old, new) || old.id == new.id);
    let ix = match memo.indexes.as_mut() {
        Some(ix) if same_set => ix,
        _ => {
            let ix = Indexes::new(tutorials, languages);
            memo.related = score_all(&ix, tutorials, index);
            memo.tutorials = tutorials.to_vec();
            memo.indexes = Some(ix);
            return memo.related.clone();
        }
    };
    // Tutorials whose features changed, with their old title tokens.
    let mut changed: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, (old, new)) in memo.tutorials.iter().zip(tutorials).enumerate() {
        if Arc::ptr_eq(old, new) {
            continue;
        }
        let tokens = title_tokens(new, languages);
        let same = old.tags == new.tags
            && old.category == new.category
            && ix.title_tokens[i] == tokens
            && old.related == new.related;
        if !same {
            ix.remove(i, old);
            let old_tokens = std::mem::replace(&mut ix.title_tokens[i], tokens);
            ix.add(i, new);
            changed.push((i, old_tokens));
        }
    }
    let mut dirty = vec![false; tutorials.len()];
    let common = common_cut(ix.n);
    for (i, old_tokens) in &changed {
        let (old, new) = (&memo.tutorials[*i], &tutorials[*i]);
        dirty[*i] = true;
        // Whoever shares what changed: their candidate `i` scores differently, and the
        // rarity of the tag or word changed for all of them.
        for tag in symmetric_difference(&old.tags, &new.tags) {
            ix.by_tag.get(tag.as_str()).into_iter().flatten().for_each(|&j| dirty[j] = true);
        }
        for tok in symmetric_difference(old_tokens, &ix.title_tokens[*i]) {
            // A word too common to count before and after counts for no one.
            match ix.by_token.get(tok.as_str()) {
                Some(list) if list.len() <= common + 1 => list.iter().for_each(|&j| dirty[j] = true),
                _ => {}
            }
        }
        if old.category != new.category {
            for category in [&old.category, &new.category] {
                // Same and sibling categories add to scores: everything under the parent.
                let parent = category.parent().unwrap_or_default();
                for (j, t) in tutorials.iter().enumerate() {
                    if t.category.is_within(&parent) {
                        dirty[j] = true;
                    }
                }
            }
        }
    }
    let todo: Vec<usize> = (0..tutorials.len()).filter(|&i| dirty[i]).collect();
    let ix = &*ix;
    let big = ix.big_tags();
    let fresh: Vec<(usize, Vec<usize>)> =
        todo.into_par_iter().map_init(Scratch::default, |s, i| (i, ix.related(tutorials, index, &big, i, s))).collect();
    for (i, list) in fresh {
        memo.related[i] = list;
    }
    for (old, new) in memo.tutorials.iter_mut().zip(tutorials) {
        if !Arc::ptr_eq(old, new) {
            *old = Arc::clone(new);
        }
    }
    memo.related.clone()
}

fn symmetric_difference<'a>(a: &'a [String], b: &'a [String]) -> impl Iterator<Item = &'a String> {
    a.iter().filter(|x| !b.contains(x)).chain(b.iter().filter(|x| !a.contains(x)))
}

/// A title's words in every language, sorted, each once.
fn title_tokens(t: &Tutorial, languages: &Languages) -> Vec<String> {
    let source = languages.source();
    let mut toks: Vec<String> = languages.iter().flat_map(|l| tokens(t.title.get(l, source).text)).collect();
    toks.sort_unstable();
    toks.dedup();
    toks
}

/// One thread's score accumulator: a score per tutorial and the ones touched so far.
/// Every weight added is above zero, so a score of zero means "not touched yet" (a
/// separate flag per tutorial was a second memory access per posting).
#[derive(Default)]
struct Scratch {
    score: Vec<f32>,
    touched: Vec<usize>,
}

impl Scratch {
    fn reset(&mut self, n: usize) {
        for &j in &self.touched {
            self.score[j] = 0.0;
        }
        self.touched.clear();
        self.score.resize(n, 0.0);
    }

    fn add(&mut self, j: usize, w: f32) {
        debug_assert!(w > 0.0);
        let score = &mut self.score[j];
        if *score == 0.0 {
            self.touched.push(j);
        }
        *score += w;
    }
}

/// A title word on more titles than this says nothing about any pair: a tenth of the
/// site, but never more than a thousand titles (walking longer lists for every tutorial
/// would make scoring quadratic in the site size).
fn common_cut(n: usize) -> usize {
    (n / 10).clamp(40, 1000)
}

/// Inverted indexes over the whole site. Posting lists are sorted by tutorial index.
struct Indexes {
    n: usize,
    by_tag: FastMap<String, Vec<usize>>,
    by_category: FastMap<String, Vec<usize>>,
    by_token: FastMap<String, Vec<usize>>,
    title_tokens: Vec<Vec<String>>,
    /// Each tutorial's category as a number, and each category number's ancestors
    /// (itself first): compared without touching strings in the hot loop.
    category_of: Vec<u32>,
    categories: Categories,
}

/// The tags on too many tutorials to walk ([`TAG_WALK_MAX`]), each as a bit per
/// tutorial: they lift the candidates that share something rarer, and a bit is what
/// telling whether a candidate has one costs. (Reading each candidate's tag list was
/// two thirds of the scoring at 100,000 tutorials, a cache miss per candidate.) There
/// are at most as many such tags as tag uses over [`TAG_WALK_MAX`].
type BigTags<'a> = FastMap<&'a str, Vec<u64>>;

/// Category paths by number, with their ancestors.
#[derive(Default)]
struct Categories {
    numbers: FastMap<String, u32>,
    /// Category number -> the numbers of its path, its parent, ..., up to the top level.
    ancestors: Vec<Vec<u32>>,
}

impl Categories {
    fn number(&mut self, path: &CategoryPath) -> u32 {
        if let Some(&n) = self.numbers.get(path.as_str()) {
            return n;
        }
        // The chain from the path up, numbering every part not seen yet; the top of the
        // content folder has a number and no ancestors.
        let parts: Vec<&str> = if path.is_top() { vec![""] } else { path.ancestors().collect() };
        let chain: Vec<u32> = parts
            .iter()
            .map(|&p| match self.numbers.get(p) {
                Some(&n) => n,
                None => {
                    let n = self.ancestors.len() as u32;
                    self.numbers.insert(p.to_string(), n);
                    self.ancestors.push(Vec::new());
                    n
                }
            })
            .collect();
        if !path.is_top() {
            for (k, &n) in chain.iter().enumerate() {
                self.ancestors[n as usize] = chain[k..].to_vec();
            }
        }
        chain.first().copied().unwrap_or(0)
    }
}

/// Appends `i` to `key`'s list, cloning the key only for a list new to the map.
fn post(map: &mut FastMap<String, Vec<usize>>, key: &str, i: usize) {
    match map.get_mut(key) {
        Some(list) => list.push(i),
        None => {
            map.insert(key.to_string(), vec![i]);
        }
    }
}

/// Puts `i` into `key`'s list at its place in index order.
fn insert_sorted(map: &mut FastMap<String, Vec<usize>>, key: &str, i: usize) {
    match map.get_mut(key) {
        Some(list) => {
            if let Err(at) = list.binary_search(&i) {
                list.insert(at, i);
            }
        }
        None => {
            map.insert(key.to_string(), vec![i]);
        }
    }
}

fn remove_sorted(map: &mut FastMap<String, Vec<usize>>, key: &str, i: usize) {
    if let Some(list) = map.get_mut(key) {
        if let Ok(at) = list.binary_search(&i) {
            list.remove(at);
        }
        if list.is_empty() {
            map.remove(key);
        }
    }
}

impl Indexes {
    fn new(tutorials: &[Arc<Tutorial>], languages: &Languages) -> Indexes {
        let n = tutorials.len();
        let mut by_tag: FastMap<String, Vec<usize>> = FastMap::default();
        let mut by_category: FastMap<String, Vec<usize>> = FastMap::default();
        let mut by_token: FastMap<String, Vec<usize>> = FastMap::default();
        let title_tokens: Vec<Vec<String>> = tutorials.par_iter().map(|t| title_tokens(t, languages)).collect();
        let mut categories = Categories::default();
        let category_of = tutorials.iter().map(|t| categories.number(&t.category)).collect();
        for (i, t) in tutorials.iter().enumerate() {
            for tag in &t.tags {
                post(&mut by_tag, tag, i);
            }
            post(&mut by_category, &t.category, i);
            for tok in &title_tokens[i] {
                post(&mut by_token, tok, i);
            }
        }
        Indexes { n, by_tag, by_category, by_token, title_tokens, category_of, categories }
    }

    /// The bits of the tags too common to walk, made from the lists as they are now.
    fn big_tags(&self) -> BigTags<'_> {
        let words = self.n.div_ceil(64);
        let big = self.by_tag.iter().filter(|(_, list)| list.len() > TAG_WALK_MAX);
        big.map(|(tag, list)| {
            let mut bits = vec![0u64; words];
            for &j in list {
                bits[j / 64] |= 1 << (j % 64);
            }
            (tag.as_str(), bits)
        })
        .collect()
    }

    /// Takes tutorial `i`, as `t` was, out of the tag and category lists and out of the
    /// lists of its current title tokens.
    fn remove(&mut self, i: usize, t: &Tutorial) {
        for tag in &t.tags {
            remove_sorted(&mut self.by_tag, tag, i);
        }
        remove_sorted(&mut self.by_category, &t.category, i);
        for tok in &self.title_tokens[i] {
            remove_sorted(&mut self.by_token, tok, i);
        }
    }

    /// Puts tutorial `i`, as `t` is now, into the lists; its title tokens are already
    /// the new ones.
    fn add(&mut self, i: usize, t: &Tutorial) {
        for tag in &t.tags {
            insert_sorted(&mut self.by_tag, tag, i);
        }
        insert_sorted(&mut self.by_category, &t.category, i);
        self.category_of[i] = self.categories.number(&t.category);
        for tok in &self.title_tokens[i] {
            insert_sorted(&mut self.by_token, tok, i);
        }
    }

    /// Tutorial `i`'s related list: its explicit ids, then the best-scoring others.
    ///
    /// Scores accumulate in `scratch`, a dense array reused across calls on one thread:
    /// the work is the length of the posting lists walked, with no hashing and no sort.
    fn related(
        &self,
        tutorials: &[Arc<Tutorial>],
        index: &HashMap<TutorialId, usize>,
        big: &BigTags<'_>,
        i: usize,
        scratch: &mut Scratch,
    ) -> Vec<usize> {
        let Indexes { n, by_tag, by_category, by_token, title_tokens, category_of, categories } = self;
        let n = *n;
        let idf = |df: usize| ((n as f32 + 1.0) / (df as f32 + 0.5)).ln().max(0.05);
        let common = common_cut(n);
        let t = &tutorials[i];
        let mut picked: Vec<usize> = Vec::with_capacity(MAX_RELATED);
        for rid in &t.related {
            if let Some(&j) = index.get(rid)
                && j != i
                && !picked.contains(&j)
                && picked.len() < MAX_RELATED
            {
                picked.push(j);
            }
        }
        if picked.len() >= MAX_RELATED {
            return picked;
        }
        scratch.reset(n);
        let mut big_tags: Vec<(&[u64], f32)> = Vec::new();
        for tag in &t.tags {
            if let Some(list) = by_tag.get(tag.as_str()) {
                let w = TAG_WEIGHT * idf(list.len());
                if list.len() <= TAG_WALK_MAX {
                    list.iter().for_each(|&j| scratch.add(j, w));
                } else if let Some(bits) = big.get(tag.as_str()) {
                    big_tags.push((bits, w));
                }
            }
        }
        for tok in &title_tokens[i] {
            if let Some(list) = by_token.get(tok)
                && list.len() <= common
            {
                let w = TITLE_WEIGHT * idf(list.len());
                list.iter().for_each(|&j| scratch.add(j, w));
            }
        }
        // The big tags as bits ([`BigTags`]), in one pass over the candidates (a pass per
        // tag was half the scoring at 100,000 tutorials); each candidate's sum adds the
        // big tags in this tutorial's order, as before, so the scores are the same to the
        // last bit.
        if !big_tags.is_empty() {
            for k in 0..scratch.touched.len() {
                let j = scratch.touched[k];
                for &(bits, w) in &big_tags {
                    if bits[j / 64] >> (j % 64) & 1 == 1 {
                        scratch.score[j] += w;
                    }
                }
            }
        }
        // Category only lifts candidates that already share something, unless the
        // category is small enough to scan.
        if let Some(list) = by_category.get(t.category.as_str()) {
            if list.len() <= 200 {
                list.iter().for_each(|&j| scratch.add(j, SAME_CATEGORY));
            } else {
                for k in 0..scratch.touched.len() {
                    let j = scratch.touched[k];
                    if category_of[j] == category_of[i] {
                        scratch.score[j] += SAME_CATEGORY;
                    }
                }
            }
        }
        // Siblings: categories strictly below this one's parent (the top excluded).
        let own = &categories.ancestors[category_of[i] as usize];
        if let Some(&parent) = own.get(1) {
            for &j in &scratch.touched {
                let c = category_of[j];
                if c != category_of[i] && c != parent && categories.ancestors[c as usize].contains(&parent) {
                    scratch.score[j] += SIBLING_CATEGORY;
                }
            }
        }
        // The best scores, ties by id: tutorials are sorted by id, so by index.
        let want = MAX_RELATED - picked.len();
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(want + 1);
        for &j in &scratch.touched {
            let s = scratch.score[j];
            if j == i || s <= 0.0 || picked.contains(&j) {
                continue;
            }
            let better = |a: &(f32, usize)| s > a.0 || (s == a.0 && j < a.1);
            if best.len() == want && !best.last().is_some_and(better) {
                continue;
            }
            let at = best.iter().position(better).unwrap_or(best.len());
            best.insert(at, (s, j));
            best.truncate(want);
        }
        picked.extend(best.into_iter().map(|(_, j)| j));
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::model::{Date, Localized};

    fn tutorial(id: &str, title: &str, tags: &[&str]) -> Arc<Tutorial> {
        let zh = Lang::new("zh");
        let id = TutorialId::new(id);
        Arc::new(Tutorial {
            category: id.category(),
            id,
            file: "x.yaml".into(),
            source: 0,
            title: Localized::everywhere(title.into(), Default::default(), &zh),
            summary: None,
            date: Date { year: 2024, month: 1, day: 1 },
            updated: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            author: None,
            related: Vec::new(),
            steps: Vec::new(),
            notes: Vec::new(),
        })
    }

    fn related_ids(tutorials: &[Arc<Tutorial>]) -> Vec<Vec<String>> {
        let langs = Languages::new(vec![Lang::new("zh")]).unwrap();
        let index = tutorials.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        let lists = compute_with_memo(tutorials, &index, &langs, &mut Memo::default());
        lists.iter().map(|l| l.iter().map(|&j| tutorials[j].id.to_string()).collect()).collect()
    }

    #[test]
    fn tutorials_at_the_top_and_in_nested_categories_score_by_what_they_share() {
        let tutorials = vec![
            tutorial("a/b/one", "pay by card", &["pay"]),
            tutorial("a/b/two", "refund", &["orders"]),
            tutorial("a/c/three", "pay the bill", &["orders"]),
            tutorial("a/four", "track", &["misc"]),
            tutorial("top", "pay later", &["pay"]),
        ];
        let lists = related_ids(&tutorials);
        // Shares `pay` and a title word with `top`; then the same category beats a title
        // word and a sibling category.
        assert_eq!(lists[0][..3], ["top".to_string(), "a/b/two".to_string(), "a/c/three".to_string()]);
        // A tutorial at the top of content/ has no category to share, and does not panic.
        assert_eq!(lists[4][0], "a/b/one");
        // `three` shares `orders` with `two`, and its category is a sibling of `two`'s.
        assert_eq!(lists[2][0], "a/b/two");
    }

    #[test]
    fn a_tag_on_most_of_a_big_site_only_lifts_what_shares_something_rarer() {
        // More tutorials on one tag than are walked: scoring stays linear in the site size.
        let mut tutorials: Vec<Arc<Tutorial>> = (0..TAG_WALK_MAX + 10)
            .map(|i| tutorial(&format!("c{}/t{i:05}", i % 7), &format!("word{i}"), &["common"]))
            .collect();
        tutorials.push(tutorial("c0/x", "special thing", &["common", "rare"]));
        tutorials.push(tutorial("c1/y", "special", &["common", "rare"]));
        tutorials.sort_by(|a, b| a.id.cmp(&b.id));
        let lists = related_ids(&tutorials);
        let x = tutorials.iter().position(|t| t.id == "c0/x").unwrap();
        assert_eq!(lists[x][0], "c1/y", "the rare tag and the title word decide");
    }
}
