//! A step's screenshot as a page shows it: responsive variants, the full-size link and
//! the highlight boxes over it.

use super::page::Page;
use crate::images::{self, Variant};
use crate::model::{FieldPath, Tutorial};
use crate::render::urls::link;
use crate::render::views::{Callout, ImageView};

/// How wide a screenshot is shown: in a step, or as a thumbnail beside the side-by-side texts.
#[derive(Clone, Copy)]
pub(super) enum ImageSize {
    Step,
    Thumbnail,
}

/// The screenshot of `t`'s step `i` in the page's language, with its highlight boxes.
pub(super) fn step_image(page: &Page<'_>, t: &Tutorial, i: usize, size: ImageSize, lazy: bool) -> Option<ImageView> {
    let site = page.site;
    let step = t.steps.get(i)?;
    let img = step.image.as_ref()?;
    let info = site.images.get(img.for_lang(page.lang, site.source_lang()))?;
    let rendition = page.images.renditions.get(&images::rendition_key(&info.key, &step.redact))?;
    let alt = step.alt.as_ref().map_or_else(|| page.plain(&step.text), |a| page.plain(a));
    let srcset = |variants: &[Variant]| {
        variants.iter().map(|v| format!("{} {}w", link(&page.dir, &v.path), v.width)).collect::<Vec<_>>().join(", ")
    };
    // The fallback `src`: the largest variant a phone would pick.
    let fallback = rendition.variants.iter().rev().find(|v| v.width <= 960).unwrap_or(rendition.full());
    let sizes = match size {
        // Phones: the column minus the timeline's gutter, and never wider than the
        // 70vh height cap allows for this aspect ratio.
        ImageSize::Step => format!(
            "(min-width: 760px) 340px, min(calc(100vw - 5.25rem), {:.1}vh, {}px)",
            70.0 * f64::from(rendition.width) / f64::from(rendition.height),
            rendition.width
        ),
        ImageSize::Thumbnail => "(min-width: 760px) 200px, 50vw".to_string(),
    };
    let outdated = site.outdated.of_tutorial(&t.id);
    Some(ImageView {
        src: page.link(&fallback.path),
        srcset: srcset(&rendition.variants),
        webp_srcset: rendition.use_webp.then(|| srcset(&rendition.webp)),
        sizes,
        full: page.link(&rendition.full().path),
        width: rendition.width,
        height: rendition.height,
        alt,
        lazy,
        callouts: step
            .highlight
            .iter()
            .enumerate()
            .map(|(k, r)| Callout {
                n: k + 1,
                left: pct(r.x),
                top: pct(r.y),
                width: pct(r.w),
                height: pct(r.h),
                label: r
                    .label
                    .as_ref()
                    .map(|l| page.title(l, outdated.contains(&FieldPath::BoxLabel(i, k), page.lang))),
            })
            .collect(),
    })
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}
