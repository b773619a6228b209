//! Screenshot files: recognise the format by content, enforce the limits, measure.
//!
//! A screenshot is checked before anything is written: it must be a regular file inside
//! the content folder, a PNG, JPEG or WebP (recognised by its bytes, not its name), within
//! the size and pixel limits of site.toml, and decode completely (a truncated file is
//! caught here, not by a reader's browser). Dimensions are read from the header first, so
//! a decompression bomb (a tiny file that declares huge dimensions) is refused before any
//! pixel is allocated.
//!
//! A leaf: it knows files and pixels, not tutorials. The pipeline probes every screenshot
//! the content names and hands the model what it found.

use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};

use image::ImageReader;

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
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: ImageFormat,
    pub(crate) bytes: u64,
    /// Hash of the file's bytes (hex): the cache key of everything made from it.
    pub(crate) hash: String,
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
}

fn problem(message: impl Into<String>, hint: Option<&str>) -> ImageProblem {
    ImageProblem { message: message.into(), hint: hint.map(str::to_owned) }
}

/// Checks that `key` (a path inside `content_dir`) is a usable screenshot and measures it.
pub(crate) fn probe(
    content_dir: &Path,
    key: &str,
    limits: &Limits,
    verified: Option<Verified<'_>>,
) -> Result<ImageInfo, ImageProblem> {
    let path = content_dir.join(key);
    let meta = std::fs::symlink_metadata(&path).map_err(|_| {
        problem("the image does not exist", Some("check the file name and that the path is relative to the YAML file"))
    })?;
    // A symlink may point anywhere; only follow it if it stays inside content/.
    let real = std::fs::canonicalize(&path).map_err(|e| problem(format!("cannot read the image: {e}"), None))?;
    let content_real = std::fs::canonicalize(content_dir).unwrap_or_else(|_| content_dir.to_path_buf());
    if !real.starts_with(&content_real) {
        return Err(problem(
            "the image is a link that leads outside the content folder",
            Some("copy the screenshot into `content/` instead of linking to it"),
        ));
    }
    let real_meta = std::fs::metadata(&real).map_err(|e| problem(format!("cannot read the image: {e}"), None))?;
    if meta.is_dir() || real_meta.is_dir() {
        return Err(problem("the image path is a folder", None));
    }
    if !real_meta.is_file() {
        return Err(problem("the image is not a regular file (a device, a pipe or a socket)", None));
    }
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
    if real_meta.len() > limits.max_file_bytes {
        return Err(too_big(real_meta.len()));
    }
    // The limit holds while reading too: the file may grow after it was measured.
    let mut bytes = Vec::with_capacity(real_meta.len() as usize);
    std::fs::File::open(&real)
        .and_then(|f| f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| problem(format!("cannot read the image: {e}"), None))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    let bytes_len = bytes.len() as u64;
    let hash = hash_bytes(&bytes);
    let format = format_of(&bytes)?;
    let (width, height) = dimensions(&bytes, format)?;
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
    Ok(ImageInfo { key: key.to_string(), source: real, width, height, format, bytes: bytes_len, hash })
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

fn dimensions(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), ImageProblem> {
    reader(bytes, format)
        .into_dimensions()
        .map_err(|e| problem(format!("the image is corrupt or truncated: {e}"), Some("export the screenshot again")))
        .and_then(|(w, h)| if w == 0 || h == 0 { Err(problem("the image has no pixels", None)) } else { Ok((w, h)) })
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
        let info = probe(dir.path(), "ok.png", &settings(), None).unwrap();
        assert_eq!((info.width, info.height, info.format), (30, 60, ImageFormat::Png));
        assert!(probe(dir.path(), "cut.png", &settings(), None).unwrap_err().message.contains("corrupt"));
        assert!(probe(dir.path(), "x.svg.png", &settings(), None).unwrap_err().message.contains("SVG"));
        assert!(probe(dir.path(), "none.png", &settings(), None).unwrap_err().message.contains("does not exist"));
    }

    #[test]
    fn refuses_a_decompression_bomb_before_decoding() {
        // A valid PNG header declaring 100000 x 100000 pixels, with almost no data.
        let mut data = png(1, 1);
        data[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        data[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bomb.png"), &data).unwrap();
        let err = probe(dir.path(), "bomb.png", &settings(), None).unwrap_err();
        assert!(err.message.contains("over the limit of 40 megapixels") || err.message.contains("corrupt"), "{err:?}");
    }
}
