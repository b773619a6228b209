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
            by_token.entry(tok.clone()).or_default().push(i);
        }
    }
    let idf = |df: usize| ((n as f32 + 1.0) / (df as f32 + 0.5)).ln().max(0.05);
    // A token on more than this many titles says nothing about any pair.
    let common = (n / 10).max(40);

    (0..n)
        .into_par_iter()
        .map(|i| {
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
            let mut scores: HashMap<usize, f32> = HashMap::new();
            for tag in &t.tags {
                if let Some(list) = by_tag.get(tag.as_str()) {
                    let w = TAG_WEIGHT * idf(list.len());
                    for &j in list {
                        *scores.entry(j).or_default() += w;
                    }
                }
            }
            for tok in &title_tokens[i] {
                if let Some(list) = by_token.get(tok)
                    && list.len() <= common
                {
                    let w = TITLE_WEIGHT * idf(list.len());
                    for &j in list {
                        *scores.entry(j).or_default() += w;
                    }
                }
            }
            // Category only lifts candidates that already share something, unless the
            // category is small enough to scan.
            if let Some(list) = by_category.get(t.category.as_str()) {
                if list.len() <= 200 {
                    for &j in list {
                        *scores.entry(j).or_default() += SAME_CATEGORY;
                    }
                } else {
                    for (j, s) in scores.iter_mut() {
                        if tutorials[*j].category == t.category {
                            *s += SAME_CATEGORY;
                        }
                    }
                }
            }
            if let Some((parent, _)) = t.category.rsplit_once('/') {
                for (j, s) in scores.iter_mut() {
                    if tutorials[*j].category != t.category
                        && tutorials[*j].category.starts_with(parent)
                        && tutorials[*j].category.as_bytes().get(parent.len()) == Some(&b'/')
                    {
                        *s += SIBLING_CATEGORY;
                    }
                }
            }
            scores.remove(&i);
            let mut ranked: Vec<(usize, f32)> =
                scores.into_iter().filter(|(j, s)| *s > 0.0 && !picked.contains(j)).collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| tutorials[a.0].id.cmp(&tutorials[b.0].id)));
            picked.extend(ranked.into_iter().take(MAX_RELATED - picked.len()).map(|(j, _)| j));
            picked
        })
        .collect()
}
