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

    // Without the last build's state (which would skip the work), from the image cache.
    forget_build_state(&site);
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

/// The upright picture of the orientation tests: white, with a red block in its top-left
/// corner, wider than tall, so a picture shown sideways or mirrored is told apart; inside
/// the red block, green stripes that redaction must remove.
fn upright(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let stripes = x >= w / 50 && x < w * 8 / 100 && y >= h / 50 && y < h * 8 / 100;
        if stripes && (x / 16) % 2 == 0 {
            image::Rgb([20, 220, 20])
        } else if x < w / 4 && y < h / 4 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([250, 250, 250])
        }
    })
}

fn is_green(p: image::Rgb<u8>) -> bool {
    p.0[1] > 140 && p.0[0] < 110 && p.0[2] < 110
}

/// A JPEG whose stored pixels need EXIF orientation `o` (1 to 8) to show `picture`, as a
/// phone writes it: the sensor's pixels as they are, plus the tag.
fn jpeg_with_orientation(picture: &image::RgbImage, o: u8) -> Vec<u8> {
    use image::metadata::Orientation;
    // Store the pixels turned the other way: the viewer's turn brings them back upright.
    let inverse = match o {
        6 => 8,
        8 => 6,
        other => other,
    };
    let mut stored = image::DynamicImage::ImageRgb8(picture.clone());
    stored.apply_orientation(Orientation::from_exif(inverse).unwrap());
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95).encode_image(&stored).unwrap();
    // An APP1 segment right after SOI: "Exif\0\0", a big-endian TIFF header and one IFD
    // entry, Orientation (0x0112, SHORT, 1 value).
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 1]); // one entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0]);
    tiff.extend([0, 0, 0, 0]); // no next IFD
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn is_red(p: image::Rgb<u8>) -> bool {
    p.0[0] > 150 && p.0[1] < 90 && p.0[2] < 90
}

/// The red block is in the top-left corner and nowhere else.
fn assert_upright(img: &image::RgbImage, what: &str) {
    let (w, h) = img.dimensions();
    let at = |fx: f64, fy: f64| *img.get_pixel((f64::from(w) * fx) as u32, (f64::from(h) * fy) as u32);
    assert!(is_red(at(0.15, 0.15)), "{what}: the red corner is not top-left: {:?}", at(0.15, 0.15));
    for (fx, fy) in [(0.85, 0.15), (0.15, 0.85), (0.85, 0.85)] {
        assert!(!is_red(at(fx, fy)), "{what}: red at ({fx}, {fy}): shown turned or mirrored");
    }
}

#[test]
fn phone_photos_are_turned_upright_by_their_exif_orientation() {
    let site = TestSite::fixture("minimal");
    let picture = upright(1200, 800);
    let mut yaml = String::from("title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n");
    for o in 1..=8u8 {
        site.write(&format!("content/help/o{o}.jpg"), jpeg_with_orientation(&picture, o));
        yaml.push_str(&format!(
            "  - text: x\n    image: o{o}.jpg\n    alt: x\n    redact: [{{x: 0.01, y: 0.01, w: 0.09, h: 0.09}}]\n"
        ));
    }
    // The first step again without redaction: the full-size link of a turned photo.
    yaml.push_str("  - text: x\n    image: o6.jpg\n    alt: x\n");
    site.write("content/help/first.yaml", &yaml);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.page("en/help/first/index.html");
    let imgs = tags_with(&html, "img", "srcset");
    assert_eq!(imgs.len(), 9);
    for (i, img) in imgs.iter().enumerate() {
        let what = format!("step {}", i + 1);
        // Measured as shown: 1200 x 800 whatever the stored pixels are.
        assert_eq!((attr(img, "width"), attr(img, "height")), (Some("1200"), Some("800")), "{what}: {img}");
        for entry in attr(img, "srcset").unwrap().split(", ") {
            let (url, w) = entry.rsplit_once(' ').unwrap();
            let file = site.root.join("public").join(url.trim_start_matches("../../../"));
            let made = image::open(&file).unwrap().to_rgb8();
            assert_eq!(format!("{}w", made.width()), w, "{what}: {url}");
            assert_eq!(made.height() * 3, made.width() * 2, "{what}: {url} is not landscape");
            if i < 8 {
                // The redaction box lands on the upright picture's stripes: none is left.
                assert!(!made.pixels().any(|p| is_green(*p)), "{what}: {url}: the stripes survive redaction");
            }
            assert_upright(&made, &format!("{what}: {url}"));
        }
    }
    // Full size: a file whose pixels are upright (no viewer needs to read EXIF), never the
    // sideways original.
    let full = html.match_indices("class=\"shot-frame\" href=\"").nth(8).map(|(i, m)| &html[i + m.len()..]).unwrap();
    let full = &full[..full.find('"').unwrap()];
    let bytes = std::fs::read(site.root.join("public").join(full.trim_start_matches("../../../"))).unwrap();
    assert_ne!(bytes, std::fs::read(site.root.join("content/help/o6.jpg")).unwrap(), "the sideways original");
    let shown = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(shown.dimensions(), (1200, 800));
    assert_upright(&shown, "full size");
    // The social card too.
    let og = tags_with(&html, "meta", "og:image\"")[0];
    let card = attr(og, "content").unwrap().trim_start_matches("https://help.example.com/");
    let card = image::open(site.root.join("public").join(card)).unwrap().to_rgb8();
    assert_eq!((card.width(), card.height()), (640, 427));
    assert_upright(&card, "social card");
}

/// `(r, g, b)` in Display P3 as sRGB: both use the sRGB transfer curve and D65 white, so
/// it is a 3x3 matrix between linear values (the P3 primaries in sRGB terms).
fn p3_to_srgb(rgb: [u8; 3]) -> [f64; 3] {
    let lin = |v: u8| {
        let c = f64::from(v) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let enc = |l: f64| {
        let l = l.clamp(0.0, 1.0);
        255.0 * if l <= 0.003_130_8 { l * 12.92 } else { 1.055 * l.powf(1.0 / 2.4) - 0.055 }
    };
    let [r, g, b] = rgb.map(lin);
    [
        enc(1.224_940 * r - 0.224_940 * g),
        enc(-0.042_057 * r + 1.042_057 * g),
        enc(-0.019_638 * r - 0.078_636 * g + 1.098_274 * b),
    ]
}

fn assert_close(got: image::Rgb<u8>, want: [f64; 3], what: &str) {
    for c in 0..3 {
        assert!((f64::from(got.0[c]) - want[c]).abs() <= 4.0, "{what}: {:?}, expected about {want:?}", got.0);
    }
}

#[test]
fn screenshots_with_a_colour_profile_are_converted_to_srgb() {
    use image::ImageEncoder as _;
    let site = TestSite::fixture("minimal");
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let colour = [200u8, 100, 50];
    let picture = image::RgbImage::from_pixel(1000, 600, image::Rgb(colour));
    // A PNG with an iCCP chunk (as macOS and iPhone screenshots carry) and a JPEG with an
    // ICC APP2 segment.
    let mut png = Vec::new();
    let mut enc = image::codecs::png::PngEncoder::new(&mut png);
    enc.set_icc_profile(p3.clone()).unwrap();
    enc.write_image(picture.as_raw(), 1000, 600, image::ExtendedColorType::Rgb8).unwrap();
    site.write("content/help/p3.png", png);
    let mut jpeg = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut jpeg, 95);
    enc.add_icc_profile(&p3).unwrap();
    enc.encode(picture.as_raw(), 1000, 600, jpeg_encoder::ColorType::Rgb).unwrap();
    site.write("content/help/p3.jpg", jpeg);
    site.write(
        "content/help/first.yaml",
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: x\n    image: p3.png\n    alt: x\n  - text: y\n    image: p3.jpg\n    alt: y\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = p3_to_srgb(colour);
    assert!(want[0] > 210.0 && want[2] < 45.0, "the test colour moves: {want:?}");
    let html = site.page("en/help/first/index.html");
    let mut checked = 0;
    for img in tags_with(&html, "img", "srcset") {
        for entry in attr(img, "srcset").unwrap().split(", ") {
            let url = entry.rsplit_once(' ').unwrap().0;
            let bytes = std::fs::read(site.root.join("public").join(url.trim_start_matches("../../../"))).unwrap();
            let (source, _) =
                [("p3.png", "png"), ("p3.jpg", "jpg")].into_iter().find(|(_, ext)| url.ends_with(ext)).unwrap();
            if bytes == std::fs::read(site.root.join("content/help").join(source)).unwrap() {
                continue; // the original, with its profile: browsers convert it themselves
            }
            let made = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_close(*made.get_pixel(10, 10), want, url);
            checked += 1;
        }
    }
    assert!(checked >= 2, "made files checked: {checked}");
    let og = tags_with(&html, "meta", "og:image\"")[0];
    let card = attr(og, "content").unwrap().trim_start_matches("https://help.example.com/");
    let card = image::open(site.root.join("public").join(card)).unwrap().to_rgb8();
    assert_close(*card.get_pixel(10, 10), want, "social card");
}

#[test]
fn a_missing_image_names_the_closest_existing_file() {
    let site = TestSite::fixture("minimal");
    let shot = std::fs::read(site.root.join("content/help/shot.png")).unwrap();
    site.write("content/help/first/step-01.png", &shot);
    site.write("content/help/first/step-02.png", &shot);
    site.write("content/help/first/step-03.png", &shot);
    site.write(
        "content/help/first.yaml",
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: x\n    image: first/step02.png\n    alt: x\n  - text: y\n    image: frist/Step-3.PNG\n    alt: y\n  - text: z\n    image: first/nothing-like-it.png\n    alt: z\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    let hints: Vec<&str> = run.stderr.lines().filter(|l| l.contains("hint:")).collect();
    assert_eq!(
        hints,
        vec![
            "  = hint: did you mean `first/step-02.png`?",
            "  = hint: did you mean `first/step-03.png`?",
            "  = hint: check the file name and that the path is relative to the YAML file",
        ],
        "{}",
        run.stderr
    );
}

fn cached(site: &TestSite, prefix: &str, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root.join(".stepwise-cache/img"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(prefix) && n.ends_with(ext))
        .collect();
    names.sort();
    names
}

#[test]
fn webp_twins_are_made_only_where_they_can_be_served() {
    use image::ImageEncoder as _;
    let site = site_with_big_image();
    // A drawn mockup, small in bytes: served as it is at full width, so a WebP twin of
    // its 480 variant could never be offered (a <picture> needs one for every width).
    let mut mockup = image::RgbImage::from_pixel(1000, 1400, image::Rgb([245, 245, 245]));
    for y in 0..160 {
        for x in 0..1000 {
            mockup.put_pixel(x, y, image::Rgb([255, 150, 0]));
        }
    }
    mockup.save(site.root.join("content/help/mockup.png")).unwrap();
    // A screenshot of the example site (flat colours) stored heavy, as some capture tools
    // write them (no compression): lossless WebP is far smaller than the palette PNG
    // there, and is offered.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let flat = image::open(repo.join("content/payments/wechat-pay/bind-bank-card/step-05.png")).unwrap().to_rgb8();
    let mut heavy = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut heavy,
        image::codecs::png::CompressionType::Uncompressed,
        image::codecs::png::FilterType::NoFilter,
    )
    .write_image(flat.as_raw(), flat.width(), flat.height(), image::ExtendedColorType::Rgb8)
    .unwrap();
    site.write("content/help/flat.png", heavy);
    site.write(
        "content/help/first.yaml",
        format!(
            "{TUTORIAL}  - text: x\n    image: mockup.png\n    alt: x\n  - text: y\n    image: flat.png\n    alt: y\n"
        ),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The noisy screenshot: its smallest twin is larger than the palette PNG, so the
    // full-width twin is never made.
    assert_eq!(cached(&site, "big-480.", ".webp").len(), 1);
    assert_eq!(cached(&site, "big-1080.", ".webp"), Vec::<String>::new());
    assert_eq!(cached(&site, "mockup-", ".webp"), Vec::<String>::new());
    assert_eq!(cached(&site, "flat-", ".webp").len(), 1, "{:?}", cached(&site, "", ""));
    let html = site.page("en/help/first/index.html");
    let sources = tags_with(&html, "source", "image/webp");
    assert_eq!(sources.len(), 1, "{html}");
    let webp = attr(sources[0], "srcset").unwrap();
    assert!(webp.starts_with("../../../img/flat-") && webp.ends_with(".webp 540w"), "{webp}");
    assert!(site.exists(&format!("public/{}", webp.trim_start_matches("../../../").trim_end_matches(" 540w"))));
    // Nothing unused is published.
    assert_eq!(img_files(&site).iter().filter(|f| f.ends_with(".webp")).count(), 1);

    // A rebuild decodes nothing: the decision is kept by the files in the cache.
    forget_build_state(&site);
    let again = site.build();
    assert!(again.stderr.contains("(0 sources decoded)"), "{}", again.stderr);
    assert_eq!(site.page("en/help/first/index.html"), html);
}

/// Removes what the last build kept for the next (`.stepwise-cache/builds/`), so the next
/// build loads and plans everything again (the image cache stays).
fn forget_build_state(site: &TestSite) {
    let builds = site.root.join(".stepwise-cache/builds");
    if builds.exists() {
        std::fs::remove_dir_all(builds).unwrap();
    }
}
