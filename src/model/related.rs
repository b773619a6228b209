//! Related articles: the explicit `related:` list first, then automatic ones.
//!
//! Automatic scores add up what two tutorials share: tags (weighted by rarity, so the
//! tag on half the site counts little), their category, and title words (character
//! bigrams for Chinese). Scoring walks inverted indexes, never all pairs, and skips
//! tokens so common they carry no signal, so it stays near-linear in the site size.
//! Ties break by id: the same site always gives the same links.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::types::Tutorial;
use crate::tokenize::tokens;

pub const MAX_RELATED: usize = 5;

const TAG_WEIGHT: f32 = 3.0;
const SAME_CATEGORY: f32 = 2.0;
const SIBLING_CATEGORY: f32 = 0.5;
const TITLE_WEIGHT: f32 = 1.0;

/// For each tutorial (by index), up to [`MAX_RELATED`] related tutorial indexes.
pub fn compute(tutorials: &[Tutorial], index: &HashMap<String, usize>, languages: &[String]) -> Vec<Vec<usize>> {
    let ix = Indexes::new(tutorials, languages);
    (0..tutorials.len()).into_par_iter().map_init(Scratch::default, |s, i| ix.related(tutorials, index, i, s)).collect()
}

/// What related lists are computed from, per tutorial id: kept between loads by the
/// preview server, so an edit rescores only the tutorials it can affect.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    features: HashMap<String, Features>,
    related: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Features {
    tags: Vec<String>,
    category: String,
    tokens: Vec<String>,
    explicit: Vec<String>,
}

/// [`compute`], reusing `memo` (the previous load's) for every tutorial that shares no
/// tag, category or title word with a changed one. The result is the same.
pub fn compute_with_memo(
    tutorials: &[Tutorial],
    index: &HashMap<String, usize>,
    languages: &[String],
    memo: &mut Memo,
) -> Vec<Vec<usize>> {
    let ix = Indexes::new(tutorials, languages);
    let features = |i: usize| {
        let t = &tutorials[i];
        Features {
            tags: t.tags.clone(),
            category: t.category.clone(),
            tokens: ix.title_tokens[i].clone(),
            explicit: t.related.clone(),
        }
    };
    // Scores depend on the site size (rarity weights, the common-word cut): a tutorial
    // added or removed rescores everything.
    let same_set =
        memo.features.len() == tutorials.len() && tutorials.iter().all(|t| memo.features.contains_key(&t.id));
    let mut dirty = vec![!same_set; tutorials.len()];
    // Tutorials whose own features changed, with the new ones.
    let mut changed: Vec<(usize, Features)> = Vec::new();
    if same_set {
        let common = (ix.n / 10).max(40);
        for (i, t) in tutorials.iter().enumerate() {
            let old = &memo.features[&t.id];
            let same = old.tags == t.tags
                && old.category == t.category
                && old.tokens == ix.title_tokens[i]
                && old.explicit == t.related;
            if same {
                continue;
            }
            let new = features(i);
            dirty[i] = true;
            // Whoever shares what changed: their candidate `i` scores differently, and
            // the rarity of the tag or word changed for all of them.
            for tag in symmetric_difference(&old.tags, &new.tags) {
                ix.by_tag.get(tag.as_str()).into_iter().flatten().for_each(|&j| dirty[j] = true);
            }
            for tok in symmetric_difference(&old.tokens, &new.tokens) {
                // A word too common to count before and after counts for no one.
                match ix.by_token.get(tok.as_str()) {
                    Some(list) if list.len() <= common + 1 => list.iter().for_each(|&j| dirty[j] = true),
                    _ => {}
                }
            }
            if old.category != new.category {
                for f in [old, &new] {
                    // Same and sibling categories add to scores: everything under the parent.
                    let parent = f.category.rsplit_once('/').map_or("", |(p, _)| p);
                    for (j, t) in tutorials.iter().enumerate() {
                        if t.category.starts_with(parent) {
                            dirty[j] = true;
                        }
                    }
                }
            }
            changed.push((i, new));
        }
    }
    let related: Vec<Vec<usize>> = (0..tutorials.len())
        .into_par_iter()
        .map_init(Scratch::default, |s, i| match memo.related.get(&tutorials[i].id) {
            Some(ids) if !dirty[i] => ids.iter().filter_map(|id| index.get(id).copied()).collect(),
            _ => ix.related(tutorials, index, i, s),
        })
        .collect();
    let ids = |r: &[usize]| -> Vec<String> { r.iter().map(|&j| tutorials[j].id.clone()).collect() };
    if same_set {
        // Only what was recomputed changes in the memo.
        for (i, f) in changed {
            memo.features.insert(tutorials[i].id.clone(), f);
        }
        for (i, r) in related.iter().enumerate().filter(|(i, _)| dirty[*i]) {
            memo.related.insert(tutorials[i].id.clone(), ids(r));
        }
    } else {
        memo.features = (0..tutorials.len()).map(|i| (tutorials[i].id.clone(), features(i))).collect();
        memo.related = tutorials.iter().zip(&related).map(|(t, r)| (t.id.clone(), ids(r))).collect();
    }
    related
}

fn symmetric_difference<'a>(a: &'a [String], b: &'a [String]) -> impl Iterator<Item = &'a String> {
    a.iter().filter(|x| !b.contains(x)).chain(b.iter().filter(|x| !a.contains(x)))
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

/// Inverted indexes over the whole site.
struct Indexes<'a> {
    n: usize,
    by_tag: HashMap<&'a str, Vec<usize>>,
    by_category: HashMap<&'a str, Vec<usize>>,
    by_token: HashMap<String, Vec<usize>>,
    title_tokens: Vec<Vec<String>>,
}

impl<'a> Indexes<'a> {
    fn new(tutorials: &'a [Tutorial], languages: &[String]) -> Indexes<'a> {
        let n = tutorials.len();
        let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_category: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_token: HashMap<String, Vec<usize>> = HashMap::new();
        let title_tokens: Vec<Vec<String>> = tutorials
            .par_iter()
            .map(|t| {
                let mut toks: Vec<String> =
                    languages.iter().flat_map(|l| tokens(t.title.get(l, &languages[0]).text)).collect();
                toks.sort_unstable();
                toks.dedup();
                toks
            })
            .collect();
        for (i, t) in tutorials.iter().enumerate() {
            for tag in &t.tags {
                by_tag.entry(tag).or_default().push(i);
            }
            by_category.entry(&t.category).or_default().push(i);
            for tok in &title_tokens[i] {
                match by_token.get_mut(tok.as_str()) {
                    Some(list) => list.push(i),
                    None => {
                        by_token.insert(tok.clone(), vec![i]);
                    }
                }
            }
        }
        Indexes { n, by_tag, by_category, by_token, title_tokens }
    }

    /// Tutorial `i`'s related list: its explicit ids, then the best-scoring others.
    ///
    /// Scores accumulate in `scratch`, a dense array reused across calls on one thread:
    /// the work is the length of the posting lists walked, with no hashing and no sort.
    fn related(
        &self,
        tutorials: &[Tutorial],
        index: &HashMap<String, usize>,
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
        if let Some((parent, _)) = t.category.rsplit_once('/') {
            for &j in &scratch.touched {
                let c = &tutorials[j].category;
                if *c != t.category && c.starts_with(parent) && c.as_bytes().get(parent.len()) == Some(&b'/') {
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
