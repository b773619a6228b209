//! Screenshots: planned (this file, pure), then made (`process`). Checking and
//! measuring them on disk is `crate::screenshot`'s, before the site is assembled.
//!
//! The plan turns the site model into the list of files each screenshot needs: a
//! responsive variant per configured width (never upscaled), the full-size image, a
//! lossless WebP beside each PNG, and a social-card image per page. Every output name
//! carries a hash of its inputs (source bytes + parameters), so a CDN can cache it
//! forever and the build cache can tell, without decoding anything, what is already made.

pub(crate) mod process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::ImageSettings;
use crate::model::{Rect, Site};
use crate::screenshot::{ImageFormat, ImageInfo};

/// The build cache folder, beside `site.toml` (git-ignored by `stepwise init`).
pub(crate) const CACHE_DIR: &str = ".stepwise-cache";

/// Where made screenshot files (and the marks of verified sources) are kept.
pub(crate) fn cache_dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("img")
}

/// Bump when the output of processing changes for the same inputs (filters, encoders),
/// so stale cache entries are never reused.
const PIPELINE_VERSION: &str = "stepwise-img-2";

/// The widest social-card image: enough for a large preview card, small to make.
const OG_MAX_WIDTH: u32 = 640;

/// A box in ten-thousandths of the image, hashable and exact.
pub(crate) type Box4 = [u16; 4];

pub(crate) fn box4(r: &Rect) -> Box4 {
    let q = |v: f64| (v.clamp(0.0, 1.0) * 10_000.0).round() as u16;
    [q(r.x), q(r.y), q(r.w), q(r.h)]
}

/// One way a screenshot is shown: the source with some regions redacted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct RenditionKey {
    pub(crate) image: String,
    pub(crate) redact: Vec<Box4>,
}

/// A social-card image: a screenshot (redacted) with its highlight boxes burned in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OgKey {
    pub(crate) rendition: RenditionKey,
    pub(crate) boxes: Vec<Box4>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Png,
    Jpeg,
    WebP,
    /// The source file's bytes, unchanged (full size, nothing redacted).
    Original,
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Output-relative path, `img/step-01-480.3f2a9c1b0d.png`.
    pub(crate) path: String,
    pub(crate) encoding: Encoding,
    /// Filled in by processing (0 in a plan that was not processed).
    pub(crate) bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rendition {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// The `srcset`, ascending width; the last one is full width.
    pub(crate) variants: Vec<Variant>,
    /// Lossless WebP twins of the variants, when every one is a re-encoded PNG (made only
    /// as far as they pay: see `process`).
    pub(crate) webp: Vec<Variant>,
    /// Whether the WebP files are worth offering (smaller than the PNGs by enough).
    pub(crate) use_webp: bool,
    /// The source file unchanged, for "view full size" (none when something is redacted:
    /// the original pixels must never reach the output; none when its pixels are stored
    /// turned: the full-size file is then made upright).
    pub(crate) original: Option<Variant>,
}

impl Rendition {
    /// The file to open at full size.
    pub(crate) fn full(&self) -> &Variant {
        // A plan always has at least the full-width variant.
        self.original.as_ref().unwrap_or(&self.variants[self.variants.len() - 1])
    }
}

/// Every image file of a build, keyed for the renderer.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImagePlan {
    pub(crate) renditions: BTreeMap<RenditionKey, Rendition>,
    pub(crate) og: BTreeMap<OgKey, Variant>,
}

impl ImagePlan {
    /// Every output file and where its bytes are: the source screenshot for an original,
    /// else the made file in `cache`. What a build copies and the preview serves.
    pub(crate) fn sources(&self, site: &Site, cache: &Path) -> Vec<(String, PathBuf)> {
        let mut originals: BTreeMap<&str, &Path> = BTreeMap::new();
        for (key, r) in &self.renditions {
            if let (Some(info), Some(v)) = (site.images.get(&key.image), &r.original) {
                originals.insert(&v.path, &info.source);
            }
        }
        self.files()
            .map(|v| {
                let from = match originals.get(v.path.as_str()) {
                    Some(src) => src.to_path_buf(),
                    None => cache.join(v.path.rsplit('/').next().unwrap_or(&v.path)),
                };
                (v.path.clone(), from)
            })
            .collect()
    }

    /// How many screenshots the plan makes files from.
    pub(crate) fn screenshot_count(&self) -> usize {
        let mut images: Vec<&str> = self.renditions.keys().map(|k| k.image.as_str()).collect();
        images.dedup();
        images.len()
    }

    pub(crate) fn files(&self) -> impl Iterator<Item = &Variant> {
        self.renditions
            .values()
            .flat_map(|r| {
                // The original may also be the full-width entry of the srcset: list it once.
                let original = r.original.iter().filter(|o| !r.variants.iter().any(|v| v.path == o.path));
                r.variants.iter().chain(r.webp.iter().filter(move |_| r.use_webp)).chain(original)
            })
            .chain(self.og.values())
    }
}

/// The rendition a step shows in one language.
pub(crate) fn rendition_key(image: &str, redact: &[Rect]) -> RenditionKey {
    RenditionKey { image: image.to_string(), redact: redact.iter().map(box4).collect() }
}

/// The social card of a tutorial in one language: its first screenshot.
pub(crate) fn og_key(site: &Site, tutorial: usize, lang: &str) -> Option<OgKey> {
    let t = &site.tutorials[tutorial];
    let step = t.steps.iter().find(|s| s.image.is_some())?;
    let image = step.image.as_ref()?.for_lang(lang, site.source_lang());
    Some(OgKey { rendition: rendition_key(image, &step.redact), boxes: step.highlight.iter().map(box4).collect() })
}

/// Plans every file the site's screenshots need. Pure: names depend only on inputs.
pub(crate) fn plan(site: &Site) -> ImagePlan {
    let mut plan = ImagePlan::default();
    let src = site.source_lang();
    for (i, t) in site.tutorials.iter().enumerate() {
        for step in &t.steps {
            let Some(img) = &step.image else { continue };
            for lang in &site.config.languages {
                let key = rendition_key(img.for_lang(lang, src), &step.redact);
                if plan.renditions.contains_key(&key) {
                    continue;
                }
                if let Some(info) = site.images.get(&key.image) {
                    let r = plan_rendition(info, &key, &site.config.images);
                    plan.renditions.insert(key, r);
                }
            }
        }
        for lang in &site.config.languages {
            if let Some(og) = og_key(site, i, lang)
                && !plan.og.contains_key(&og)
                && let Some(info) = site.images.get(&og.rendition.image)
            {
                let v = plan_og(info, &og);
                plan.og.insert(og, v);
            }
        }
    }
    plan
}

fn scaled_height(info: &ImageInfo, width: u32) -> u32 {
    ((u64::from(info.height) * u64::from(width) + u64::from(info.width) / 2) / u64::from(info.width)).max(1) as u32
}

fn output_name(info: &ImageInfo, parts: &[&str], width: u32, ext: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(PIPELINE_VERSION.as_bytes());
    hasher.update(info.hash.as_bytes());
    if info.turned() || info.color_profile {
        // Earlier versions made these files from the pixels as stored, sideways or in the
        // file's own colour space: new names, so no cache or CDN serves those.
        hasher.update(b"\0upright-srgb");
    }
    for p in parts {
        hasher.update(b"\0");
        hasher.update(p.as_bytes());
    }
    hasher.update(format!("\0{width}\0{ext}").as_bytes());
    let hash = &hasher.finalize().to_hex()[..10];
    let stem = info.key.rsplit('/').next().unwrap_or("image");
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    // At most 64 characters: a screenshot's own name may fill a file name's 255 bytes.
    let stem: String = stem
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("img/{stem}-{width}.{hash}.{ext}")
}

fn boxes_part(boxes: &[Box4]) -> String {
    boxes.iter().map(|b| format!("{},{},{},{}", b[0], b[1], b[2], b[3])).collect::<Vec<_>>().join(";")
}

/// Smaller variants must save at least this share of the width to be worth a file.
const MIN_STEP: f64 = 0.8;
/// A PNG at or under this many bytes per pixel is already compressed better than a
/// re-encode would manage (drawn mockups, optimised exports): it is served as it is.
const COMPACT_PNG_BYTES_PER_PIXEL: f64 = 0.1;

fn plan_rendition(info: &ImageInfo, key: &RenditionKey, settings: &ImageSettings) -> Rendition {
    let redact = boxes_part(&key.redact);
    let variant = |w: u32, ext: &str, encoding: Encoding| Variant {
        width: w,
        height: scaled_height(info, w),
        // The encoding is part of the name: the original and a re-encode of the same
        // width are different files.
        path: output_name(
            info,
            &["redact", &redact, if encoding == Encoding::Original { "original" } else { "" }],
            w,
            ext,
        ),
        encoding,
        bytes: 0,
    };
    let reencoded = match info.format {
        ImageFormat::Png => Encoding::Png,
        ImageFormat::Jpeg => Encoding::Jpeg,
        ImageFormat::WebP => Encoding::WebP,
    };
    let ext = info.format.extension();
    // The original is published only if its pixels are what a reader should see: not
    // when something is redacted, and not when it is stored turned (shown upright only by
    // viewers that read its EXIF orientation, and that orientation is the mark of a phone
    // photo, whose EXIF may also hold where it was taken).
    let original = (key.redact.is_empty() && !info.turned()).then(|| variant(info.width, ext, Encoding::Original));
    let bytes_per_pixel = info.bytes as f64 / (f64::from(info.width) * f64::from(info.height));
    let serve_original =
        original.is_some() && (info.format != ImageFormat::Png || bytes_per_pixel <= COMPACT_PNG_BYTES_PER_PIXEL);

    let mut variants: Vec<Variant> = settings
        .widths
        .iter()
        .filter(|&&w| f64::from(w) <= f64::from(info.width) * MIN_STEP)
        .map(|&w| variant(w, ext, reencoded))
        .collect();
    variants.push(match (&original, serve_original) {
        (Some(o), true) => o.clone(),
        _ => variant(info.width, ext, reencoded),
    });
    // WebP can be offered only with a twin for every entry of the srcset: none when the
    // PNG is served as it is at full width.
    let webp = if info.format == ImageFormat::Png && variants.iter().all(|v| v.encoding == Encoding::Png) {
        variants.iter().map(|v| variant(v.width, "webp", Encoding::WebP)).collect()
    } else {
        Vec::new()
    };
    Rendition {
        width: info.width,
        height: info.height,
        variants,
        webp,
        // Decided by processing, once the sizes are known.
        use_webp: false,
        original,
    }
}

fn plan_og(info: &ImageInfo, key: &OgKey) -> Variant {
    let w = info.width.min(OG_MAX_WIDTH);
    Variant {
        width: w,
        height: scaled_height(info, w),
        path: output_name(info, &["og", &boxes_part(&key.rendition.redact), &boxes_part(&key.boxes)], w, "jpg"),
        encoding: Encoding::Jpeg,
        bytes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn info(w: u32, h: u32, format: ImageFormat) -> ImageInfo {
        ImageInfo {
            key: "cat/t/step-01.png".into(),
            source: PathBuf::from("x"),
            width: w,
            height: h,
            format,
            bytes: 1,
            hash: "0123456789abcdef".into(),
            orientation: image::metadata::Orientation::NoTransforms,
            color_profile: false,
        }
    }

    fn settings() -> ImageSettings {
        ImageSettings {
            widths: vec![480, 960],
            limits: crate::screenshot::Limits { max_file_bytes: 1 << 20, max_pixels: 1 << 30 },
        }
    }

    #[test]
    fn never_upscales_and_keeps_the_original() {
        let key = rendition_key("cat/t/step-01.png", &[]);
        let mut big = info(1080, 2340, ImageFormat::Png);
        big.bytes = 600_000;
        let r = plan_rendition(&big, &key, &settings());
        let widths: Vec<u32> = r.variants.iter().map(|v| v.width).collect();
        // 960 is too close to 1080 to pay for a file of its own.
        assert_eq!(widths, vec![480, 1080]);
        assert_eq!(r.variants[0].height, 1040);
        assert_eq!(r.variants[1].encoding, Encoding::Png, "a heavy PNG is re-encoded at full width");
        assert_eq!(r.full().encoding, Encoding::Original, "full size opens the original");
        assert_ne!(r.full().path, r.variants[1].path, "the original and its re-encode are different files");
        assert_eq!(r.webp.len(), 2);
        assert!(r.variants[0].path.starts_with("img/step-01-480."));
        assert!(r.variants[0].path.ends_with(".png"));

        let small = plan_rendition(&info(540, 1170, ImageFormat::Png), &key, &settings());
        assert_eq!(small.variants.len(), 1, "480 is too close to 540");
        assert_eq!(small.variants[0].encoding, Encoding::Original, "a compact PNG is served as it is");
    }

    #[test]
    fn redaction_changes_every_name_and_forbids_the_original() {
        let plain = plan_rendition(&info(1080, 2340, ImageFormat::Png), &rendition_key("k", &[]), &settings());
        let rect = Rect { x: 0.1, y: 0.1, w: 0.2, h: 0.05, label: None };
        let redacted = plan_rendition(&info(1080, 2340, ImageFormat::Png), &rendition_key("k", &[rect]), &settings());
        assert_eq!(redacted.full().encoding, Encoding::Png, "original pixels never reach the output");
        assert!(redacted.original.is_none());
        assert!(redacted.variants.iter().all(|v| v.encoding != Encoding::Original));
        for (a, b) in plain.variants.iter().zip(&redacted.variants) {
            assert_ne!(a.path, b.path);
        }
    }

    #[test]
    fn jpeg_sources_get_no_webp() {
        let r = plan_rendition(&info(2000, 1000, ImageFormat::Jpeg), &rendition_key("k", &[]), &settings());
        assert!(r.webp.is_empty());
        assert_eq!(r.variants.iter().map(|v| v.width).collect::<Vec<_>>(), vec![480, 960, 2000]);
        assert_eq!(r.variants[2].encoding, Encoding::Original);
        assert!(r.variants[0].path.ends_with(".jpg"));
    }
}
