//! Screenshot files: recognise the format by content, enforce the limits, measure.
//!
//! A screenshot is checked before anything is written: it must be a regular file inside
//! the content folder (read through `load::file`: no pipe, device or link leading out),
//! a PNG, JPEG or WebP (recognised by its bytes, not its name), within the size and
//! pixel limits of site.toml, and decode completely (a truncated file is caught here, not
//! by a reader's browser). Dimensions are read from the header first, so a decompression
//! bomb (a tiny file that declares huge dimensions) is refused before any pixel is
//! allocated. A missing file gets the closest existing name as a hint.
//!
//! A screenshot is measured as it is shown: a phone photo stored sideways with an EXIF
//! orientation has its width and height swapped here, so `<img width height>`, box
//! fractions and every file made from it follow the upright picture. Whether it carries
//! a colour profile is noted too (processing converts it to sRGB).
//!
//! A leaf: it knows files and pixels, not tutorials. The pipeline probes every screenshot
//! the content names and hands the model what it found.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::metadata::Orientation;
use image::{ImageDecoder as _, ImageReader};

use crate::diagnostics::did_you_mean;
use crate::load::file::{self, Folder, ReadError};

/// Size limits of one screenshot file (`[images]` in site.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_file_bytes: u64,
    pub(crate) max_pixels: u64,
}

/// What the build knows about one screenshot file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImageInfo {
    /// Content-relative path, `/`-separated: the key screenshots are known by.
    pub(crate) key: String,
    pub(crate) source: PathBuf,
    /// The size as shown, upright (the stored pixels' size turned by `orientation`).
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: ImageFormat,
    pub(crate) bytes: u64,
    /// Hash of the file's bytes (hex): the cache key of everything made from it.
    pub(crate) hash: String,
    /// How the stored pixels must be turned to stand upright (EXIF orientation).
    pub(crate) orientation: Orientation,
    /// The file carries an ICC colour profile.
    pub(crate) color_profile: bool,
}

impl ImageInfo {
    /// The stored pixels are not upright as they are.
    pub(crate) fn turned(&self) -> bool {
        self.orientation != Orientation::NoTransforms
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageFormat {
    Png,
    Jpeg,
    WebP,
}

impl ImageFormat {
    pub(crate) fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::WebP => "webp",
        }
    }
}

/// Hex hash of some bytes (blake3, first 64 bits: plenty to tell screenshots apart).
pub(crate) fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// Where the marks of fully decoded files are kept (`.stepwise-cache/img/HASH.verified`),
/// so a file verified once is not decoded again. `check` reads them but never writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verified<'a> {
    pub(crate) dir: &'a Path,
    pub(crate) record: bool,
}

/// Why a screenshot was refused; the pipeline turns it into a diagnostic naming the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageProblem {
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// For a missing file: the existing path (content-relative) closest to the one asked for.
    pub(crate) closest: Option<String>,
}

impl ImageProblem {
    /// The hint for a step that wrote the path as `written` (relative to its YAML file):
    /// a missing file's closest existing name is said the way the step wrote it.
    pub(crate) fn hint_for(&self, written: &str) -> Option<String> {
        match &self.closest {
            Some(closest) => Some(format!("did you mean `{}`?", rewrite_tail(written, closest))),
            None => self.hint.clone(),
        }
    }
}

fn problem(message: impl Into<String>, hint: Option<&str>) -> ImageProblem {
    ImageProblem { message: message.into(), hint: hint.map(str::to_owned), closest: None }
}

/// Checks that `key` (a path inside `content`) is a usable screenshot and measures it.
pub(crate) fn probe(
    content: &Folder,
    key: &str,
    limits: &Limits,
    verified: Option<Verified<'_>>,
) -> Result<ImageInfo, ImageProblem> {
    let path = content.real().join(key);
    let too_big = |len: u64| {
        problem(
            format!(
                "the image is {:.1} MB, over the limit of {} MB",
                len as f64 / 1_048_576.0,
                limits.max_file_bytes / 1_048_576
            ),
            Some("shrink the screenshot, or raise `max_file_mb` under [images] in site.toml"),
        )
    };
    let refused = |e: ReadError| match e {
        ReadError::Missing => ImageProblem {
            closest: closest_existing(content.real(), key),
            ..problem(
                "the image does not exist",
                Some("check the file name and that the path is relative to the YAML file"),
            )
        },
        ReadError::Outside { .. } => problem(
            "the image is a link that leads outside the content folder",
            Some("copy the screenshot into `content/` instead of linking to it"),
        ),
        ReadError::BrokenLink => problem("the image is a link that leads nowhere (or in a circle)", None),
        ReadError::NotRegular("a folder") => problem("the image path is a folder", None),
        ReadError::NotRegular(kind) => problem(format!("the image is not a regular file but {kind}"), None),
        ReadError::TooLarge { bytes, .. } => too_big(bytes),
        ReadError::Io(e) => problem(format!("cannot read the image: {e}"), None),
    };
    let real = file::resolve(&path, content).map_err(refused)?;
    let bytes = file::read_regular(&real, limits.max_file_bytes).map_err(refused)?;
    let bytes_len = bytes.len() as u64;
    let hash = hash_bytes(&bytes);
    let format = format_of(&bytes)?;
    let header = header(&bytes, format)?;
    let (width, height) = header.stored;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(problem(
            format!(
                "the image is {width}x{height} pixels ({:.1} megapixels), over the limit of {} megapixels",
                pixels as f64 / 1e6,
                limits.max_pixels / 1_000_000
            ),
            Some(
                "screenshots rarely need more than 2000 px on a side; raise `max_megapixels` under [images] in site.toml if yours do",
            ),
        ));
    }
    let mark = verified.map(|v| (v.dir.join(format!("{hash}.verified")), v.record));
    if !mark.as_ref().is_some_and(|(m, _)| m.exists()) {
        verify_decodes(&bytes, format, pixels)?;
        if let Some((m, true)) = &mark {
            // Best effort: without the mark the next build just decodes again.
            let _ = std::fs::create_dir_all(m.parent().unwrap_or(Path::new("."))).and_then(|_| std::fs::write(m, b""));
        }
    }
    let (width, height) = if swaps_sides(header.orientation) { (height, width) } else { (width, height) };
    Ok(ImageInfo {
        key: key.to_string(),
        source: real,
        width,
        height,
        format,
        bytes: bytes_len,
        hash,
        orientation: header.orientation,
        color_profile: header.color_profile,
    })
}

/// A quarter turn (EXIF orientations 5 to 8) swaps width and height.
pub(crate) fn swaps_sides(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

/// The name closest to `wanted` among `names`, for "did you mean": the same name in
/// another case, or with other separators or zero padding (`step02.png`, `Step-2.png`
/// for `step-02.png`), else the closest spelling.
pub(crate) fn closest_name<'a>(wanted: &str, names: &'a [String]) -> Option<&'a str> {
    let lower = wanted.to_lowercase();
    if let Some(n) = names.iter().find(|n| n.to_lowercase() == lower) {
        return Some(n);
    }
    let shape = name_shape(wanted);
    if let Some(n) = names.iter().find(|n| name_shape(n) == shape) {
        return Some(n);
    }
    did_you_mean(wanted, names.iter().map(String::as_str))
}

/// A file name without case, separators or leading zeros: `Step_02.PNG` -> `step2.png`.
fn name_shape(name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let mut out = String::new();
    let mut in_number = false;
    for c in stem.chars().flat_map(char::to_lowercase) {
        if matches!(c, '-' | '_' | ' ' | '.') {
            in_number = false;
            continue;
        }
        if c == '0' && !in_number {
            continue;
        }
        in_number = c.is_ascii_digit();
        out.push(c);
    }
    let ext = ext.to_lowercase();
    format!("{out}.{}", if ext == "jpeg" { "jpg" } else { &ext })
}

/// The existing path closest to `key` under `content`, each part that does not exist
/// replaced by the closest name in its folder (`forgot-pasword/step02.png` ->
/// `forgot-password/step-02.png`); `None` when some part has no close name.
fn closest_existing(content: &Path, key: &str) -> Option<String> {
    /// A folder of a help center holds tens of files; a huge one is not searched.
    const MAX_NAMES: usize = 10_000;
    let parts: Vec<&str> = key.split('/').filter(|p| !p.is_empty()).collect();
    let mut dir = content.to_path_buf();
    let mut fixed = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let here = dir.join(part);
        let name = if (last && here.is_file()) || (!last && here.is_dir()) {
            (*part).to_string()
        } else {
            let names: Vec<String> = std::fs::read_dir(&dir)
                .ok()?
                .take(MAX_NAMES)
                .flatten()
                .filter(|e| e.path().is_dir() != last)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect();
            closest_name(part, &names)?.to_string()
        };
        dir.push(&name);
        fixed.push(name);
    }
    Some(fixed.join("/"))
}

/// `written` (as a step wrote it, relative to its YAML file) with its trailing names
/// replaced by the same number of trailing names of `key` (content-relative).
fn rewrite_tail(written: &str, key: &str) -> String {
    let written_parts: Vec<&str> = written.split('/').collect();
    let tail = written_parts.iter().rev().take_while(|p| !matches!(**p, "" | "." | "..")).count();
    let key_parts: Vec<&str> = key.split('/').collect();
    let tail = tail.min(key_parts.len());
    let head = &written_parts[..written_parts.len() - tail];
    head.iter().chain(&key_parts[key_parts.len() - tail..]).copied().collect::<Vec<_>>().join("/")
}

/// Recognises the format from the first bytes (an SVG, a GIF... is refused).
pub(crate) fn format_of(bytes: &[u8]) -> Result<ImageFormat, ImageProblem> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(ImageFormat::WebP);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    let what = if head.contains("<svg") || head.starts_with("<?xml") {
        "an SVG image"
    } else if bytes.starts_with(b"GIF8") {
        "a GIF image"
    } else if bytes.starts_with(b"BM") {
        "a BMP image"
    } else if bytes.is_empty() {
        "an empty file"
    } else {
        "not an image this tool recognises"
    };
    Err(problem(
        format!("the file is {what}; screenshots must be PNG, JPEG or WebP"),
        Some("convert it to PNG (for screenshots) or JPEG (for photos)"),
    ))
}

fn reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let fmt = match format {
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::WebP => image::ImageFormat::WebP,
    };
    let mut r = ImageReader::new(Cursor::new(bytes));
    r.set_format(fmt);
    r
}

/// What the header says: the stored size, the EXIF orientation, a colour profile.
struct Header {
    stored: (u32, u32),
    orientation: Orientation,
    color_profile: bool,
}

fn header(bytes: &[u8], format: ImageFormat) -> Result<Header, ImageProblem> {
    let corrupt = |e: image::ImageError| {
        problem(format!("the image is corrupt or truncated: {e}"), Some("export the screenshot again"))
    };
    let mut decoder = reader(bytes, format).into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(problem("the image has no pixels", None));
    }
    // Metadata that cannot be read is no reason to refuse the pixels: upright, sRGB.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let color_profile = decoder.icc_profile().ok().flatten().is_some_and(|p| !p.is_empty());
    Ok(Header { stored: (w, h), orientation, color_profile })
}

/// Decodes every pixel (within a memory limit derived from the checked dimensions), so
/// a truncated or corrupt file fails here.
fn verify_decodes(bytes: &[u8], format: ImageFormat, pixels: u64) -> Result<(), ImageProblem> {
    let mut r = reader(bytes, format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(64 << 20));
    r.limits(limits);
    r.decode()
        .map(|_| ())
        .map_err(|e| problem(format!("the image is corrupt or truncated: {e}"), Some("export the screenshot again")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Limits {
        Limits { max_file_bytes: 20 << 20, max_pixels: 40_000_000 }
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 100, 50]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn measures_a_png_and_refuses_broken_ones() {
        let dir = tempfile::tempdir().unwrap();
        let data = png(30, 60);
        std::fs::write(dir.path().join("ok.png"), &data).unwrap();
        std::fs::write(dir.path().join("cut.png"), &data[..data.len() / 2]).unwrap();
        std::fs::write(dir.path().join("x.svg.png"), "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
        let info = probe(&Folder::new(dir.path(), "`content/`"), "ok.png", &settings(), None).unwrap();
        assert_eq!((info.width, info.height, info.format), (30, 60, ImageFormat::Png));
        assert!(
            probe(&Folder::new(dir.path(), "`content/`"), "cut.png", &settings(), None)
                .unwrap_err()
                .message
                .contains("corrupt")
        );
        assert!(
            probe(&Folder::new(dir.path(), "`content/`"), "x.svg.png", &settings(), None)
                .unwrap_err()
                .message
                .contains("SVG")
        );
        assert!(
            probe(&Folder::new(dir.path(), "`content/`"), "none.png", &settings(), None)
                .unwrap_err()
                .message
                .contains("does not exist")
        );
    }

    #[test]
    fn refuses_a_decompression_bomb_before_decoding() {
        // A valid PNG header declaring 100000 x 100000 pixels, with almost no data.
        let mut data = png(1, 1);
        data[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        data[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bomb.png"), &data).unwrap();
        let err = probe(&Folder::new(dir.path(), "`content/`"), "bomb.png", &settings(), None).unwrap_err();
        assert!(err.message.contains("over the limit of 40 megapixels") || err.message.contains("corrupt"), "{err:?}");
    }
}
