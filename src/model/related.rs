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

use super::ids::TutorialId;
use super::types::Tutorial;
use crate::lang::Languages;
use crate::tokenize::tokens;

pub(crate) const MAX_RELATED: usize = 5;

const TAG_WEIGHT: f32 = 3.0;
const SAME_CATEGORY: f32 = 2.0;
const SIBLING_CATEGORY: f32 = 0.5;
const TITLE_WEIGHT: f32 = 1.0;

/// Every tutorial's related list, in parallel, against `ix`.
fn score_all(ix: &Indexes, tutorials: &[Arc<Tutorial>], index: &HashMap<TutorialId, usize>) -> Vec<Vec<usize>> {
    (0..tutorials.len()).into_par_iter().map_init(Scratch::default, |s, i| ix.related(tutorials, index, i, s)).collect()
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
    let common = (ix.n / 10).max(40);
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
    let fresh: Vec<(usize, Vec<usize>)> =
        todo.into_par_iter().map_init(Scratch::default, |s, i| (i, ix.related(tutorials, index, i, s))).collect();
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
#[derive(Default)]
struct Scratch {
    score: Vec<f32>,
    seen: Vec<bool>,
    touched: Vec<usize>,
}

impl Scratch {
    fn reset(&mut self, n: usize) {
        for &j in &self.touched {
            self.score[j] = 0.0;
            self.seen[j] = false;
        }
        self.touched.clear();
        self.score.resize(n, 0.0);
        self.seen.resize(n, false);
    }

    fn add(&mut self, j: usize, w: f32) {
        if !self.seen[j] {
            self.seen[j] = true;
            self.touched.push(j);
        }
        self.score[j] += w;
    }
}

/// Inverted indexes over the whole site. Posting lists are sorted by tutorial index.
struct Indexes {
    n: usize,
    by_tag: HashMap<String, Vec<usize>>,
    by_category: HashMap<String, Vec<usize>>,
    by_token: HashMap<String, Vec<usize>>,
    title_tokens: Vec<Vec<String>>,
}

/// Appends `i` to `key`'s list, cloning the key only for a list new to the map.
fn post(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
    match map.get_mut(key) {
        Some(list) => list.push(i),
        None => {
            map.insert(key.to_string(), vec![i]);
        }
    }
}

/// Puts `i` into `key`'s list at its place in index order.
fn insert_sorted(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
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

fn remove_sorted(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
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
        let mut by_tag: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_category: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_token: HashMap<String, Vec<usize>> = HashMap::new();
        let title_tokens: Vec<Vec<String>> = tutorials.par_iter().map(|t| title_tokens(t, languages)).collect();
        for (i, t) in tutorials.iter().enumerate() {
            for tag in &t.tags {
                post(&mut by_tag, tag, i);
            }
            post(&mut by_category, &t.category, i);
            for tok in &title_tokens[i] {
                post(&mut by_token, tok, i);
            }
        }
        Indexes { n, by_tag, by_category, by_token, title_tokens }
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
        i: usize,
        scratch: &mut Scratch,
    ) -> Vec<usize> {
        let Indexes { n, by_tag, by_category, by_token, title_tokens } = self;
        let n = *n;
        let idf = |df: usize| ((n as f32 + 1.0) / (df as f32 + 0.5)).ln().max(0.05);
        // A token on more than this many titles says nothing about any pair.
        let common = (n / 10).max(40);
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
        for tag in &t.tags {
            if let Some(list) = by_tag.get(tag.as_str()) {
                let w = TAG_WEIGHT * idf(list.len());
                list.iter().for_each(|&j| scratch.add(j, w));
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
        // Category only lifts candidates that already share something, unless the
        // category is small enough to scan.
        if let Some(list) = by_category.get(t.category.as_str()) {
            if list.len() <= 200 {
                list.iter().for_each(|&j| scratch.add(j, SAME_CATEGORY));
            } else {
                for k in 0..scratch.touched.len() {
                    let j = scratch.touched[k];
                    if tutorials[j].category == t.category {
                        scratch.score[j] += SAME_CATEGORY;
                    }
                }
            }
        }
        if let Some(parent) = t.category.parent().filter(|p| !p.is_top()) {
            for &j in &scratch.touched {
                let c = &tutorials[j].category;
                if *c != t.category && *c != parent && c.is_within(&parent) {
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
