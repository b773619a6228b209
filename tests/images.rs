//! Screenshots: responsive variants, hashed names, the cache, redaction, social cards,
//! limits.

use std::path::Path;

use crate::util::{TestSite, attr, tags_with};

/// A noisy (photo-like, heavy) PNG: re-encoding it pays, so it gets every variant.
fn noisy_png(path: &Path, w: u32, h: u32) {
    let mut seed = 7u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (seed >> 16) as u8 / 8;
        image::Rgb([200u8.saturating_sub(n), (x % 200) as u8 + n, (y % 180) as u8])
    });
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    img.save(path).unwrap();
}

const TUTORIAL: &str = "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: {zh: 一, en: One}\n    image: big.png\n    alt: {zh: 图, en: Picture}\n    highlight: [{x: 0.1, y: 0.1, w: 0.3, h: 0.1}]\n  - text: {zh: 二, en: Two}\n    image: shot.png\n    alt: {zh: 图二, en: Picture two}\n";

fn site_with_big_image() -> TestSite {
    let site = TestSite::fixture("minimal");
    noisy_png(&site.root.join("content/help/big.png"), 1080, 1600);
    site.write("content/help/first.yaml", TUTORIAL);
    site
}

fn img_files(site: &TestSite) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(site.root.join("public/img"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    files
}

#[test]
fn responsive_variants_never_upscaled_with_hashed_names() {
    let site = site_with_big_image();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.page("en/help/first/index.html");
    let imgs = tags_with(&html, "img", "srcset");
    assert_eq!(imgs.len(), 2);
    let big = imgs[0];
    assert_eq!(attr(big, "width"), Some("1080"));
    assert_eq!(attr(big, "height"), Some("1600"));
    let srcset = attr(big, "srcset").unwrap();
    let entries: Vec<&str> = srcset.split(", ").collect();
    assert_eq!(entries.len(), 2, "{srcset}");
    assert!(entries[0].starts_with("../../../img/big-480.") && entries[0].ends_with(".png 480w"), "{srcset}");
    assert!(entries[1].ends_with(" 1080w"), "{srcset}");
    assert!(attr(big, "sizes").unwrap().contains("340px"));
    // The 40 px screenshot is never upscaled: one entry, its own width.
    assert!(attr(imgs[1], "srcset").unwrap().ends_with(" 40w"));
    // Names carry a 10-hex-digit hash.
    for f in img_files(&site) {
        let hash = f.split('.').nth(1).unwrap();
        assert!(hash.len() == 10 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{f}");
    }
    // The 480 variant is a palette PNG, far smaller than the source.
    let v480 = site.root.join("public").join(entries[0].trim_start_matches("../../../").trim_end_matches(" 480w"));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&v480).unwrap()));
    let reader = decoder.read_info().unwrap();
    assert_eq!(reader.info().color_type, png::ColorType::Indexed);
    assert_eq!(reader.info().width, 480);
    let source = std::fs::metadata(site.root.join("content/help/big.png")).unwrap().len();
    assert!(std::fs::metadata(&v480).unwrap().len() * 4 < source);
    // Tap to see it full size: a plain link, no script.
    assert!(html.contains("<a class=\"shot-frame\" href=\"../../../img/big-1080."));
}

#[test]
fn the_cache_makes_a_rebuild_encode_nothing() {
    let site = site_with_big_image();
    let first = site.build();
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("screenshots: "), "{}", first.stderr);
    assert!(!first.stderr.contains(" 0 files made"), "{}", first.stderr);
    let files = img_files(&site);
    let page = site.page("en/help/first/index.html");

    let second = site.build();
    assert!(second.stderr.contains("screenshots: 0 files made"), "{}", second.stderr);
    assert!(second.stderr.contains("(0 sources decoded)"), "{}", second.stderr);
    assert_eq!(img_files(&site), files);
    assert_eq!(site.page("en/help/first/index.html"), page);

    // A changed screenshot is processed again, under new names.
    noisy_png(&site.root.join("content/help/big.png"), 1000, 1600);
    let third = site.build();
    assert!(third.stderr.contains("(1 source decoded)"), "{}", third.stderr);
    assert_ne!(img_files(&site), files);
}

#[test]
fn redaction_is_burned_into_every_file() {
    let site = TestSite::fixture("minimal");
    // A screenshot with a "phone number" in pure magenta inside the box to redact.
    let mut img = image::RgbImage::from_pixel(1000, 1000, image::Rgb([240, 240, 240]));
    for y in 210..240 {
        for x in (100..500).step_by(3) {
            img.put_pixel(x, y, image::Rgb([255, 0, 255]));
        }
    }
    img.save(site.root.join("content/help/private.png")).unwrap();
    site.write(
        "content/help/first.yaml",
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: x\n    image: private.png\n    alt: x\n    redact: [{x: 0.08, y: 0.19, w: 0.45, h: 0.07}]\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let source = std::fs::read(site.root.join("content/help/private.png")).unwrap();
    let mut checked = 0;
    for f in img_files(&site) {
        let bytes = std::fs::read(site.root.join("public/img").join(&f)).unwrap();
        assert_ne!(bytes, source, "{f}: the original must not be published");
        let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert!(!decoded.pixels().any(|p| p.0 == [255, 0, 255]), "{f}: redacted pixels survive");
        checked += 1;
    }
    assert!(checked >= 2, "variants and the social card: {checked}");
}

#[test]
fn social_card_is_the_first_screenshot_with_its_boxes() {
    let site = site_with_big_image();
    assert_eq!(site.build().code, 0);
    let html = site.page("zh/help/first/index.html");
    let og = tags_with(&html, "meta", "og:image\"");
    assert_eq!(og.len(), 1, "{html}");
    let url = attr(og[0], "content").unwrap();
    assert!(url.starts_with("https://help.example.com/img/big-640.") && url.ends_with(".jpg"), "{url}");
    let file = site.root.join("public").join(url.trim_start_matches("https://help.example.com/"));
    let card = image::open(&file).unwrap().to_rgb8();
    assert_eq!(card.width(), 640);
    // The highlight box (x 0.1..0.4, y 0.1) is drawn in red on its top edge: 1080x1600
    // scaled to 640 wide puts it at y = 0.1 * 948 = 95, x from 64 to 256.
    let red = (70..250)
        .filter(|&x| {
            let p = card.get_pixel(x, 95).0;
            p[0] > 150 && p[1] < 100 && p[2] < 100
        })
        .count();
    assert!(red > 170, "the box's top edge is red: {red} of 180 columns");
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
}

#[test]
fn per_language_screenshots_fall_back_to_the_source() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/help/first.yaml",
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: x\n    image: {zh: shot.png}\n    alt: x\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let zh = tags_with(&site.page("zh/help/first/index.html"), "img", "srcset")[0].to_string();
    let en = tags_with(&site.page("en/help/first/index.html"), "img", "srcset")[0].to_string();
    assert_eq!(attr(&zh, "src"), attr(&en, "src"));
}

#[test]
fn limits_name_the_step_and_the_limit() {
    let site = site_with_big_image();
    site.write(
        "site.toml",
        "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\"]\n[images]\nmax_megapixels = 1\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headlines(),
        vec![
            "error: content/help/first.yaml:5:12: `steps[1].image` (big.png): the image is 1080x1600 pixels (1.7 megapixels), over the limit of 1 megapixels"
        ]
    );
    assert!(run.stderr.contains("max_megapixels"), "{}", run.stderr);

    site.write(
        "site.toml",
        "base_url = \"https://help.example.com\"\nlanguages = [\"zh\", \"en\"]\n[images]\nmax_file_mb = 1\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.headlines()[0].contains("over the limit of 1 MB"), "{}", run.stderr);
}

#[test]
fn a_missing_alt_text_is_a_warning_and_falls_back_to_the_step() {
    let site = TestSite::fixture("minimal");
    site.write("content/help/first.yaml", "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: {zh: 点击【开始】, en: Click Start}\n    image: shot.png\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.headlines(),
        vec![
            "warning: content/help/first.yaml:4:9: step 1 has no `alt` text for its screenshot; the step text is used"
        ]
    );
    let img = tags_with(&site.page("en/help/first/index.html"), "img", "srcset")[0].to_string();
    assert_eq!(attr(&img, "alt"), Some("Click Start"));
}
