//! The in-browser editor (issue 14) in a real headless Chromium, driven over the DevTools
//! protocol (`tests/cdp.rs`) with real mouse, touch and key events: boxes drawn, moved,
//! resized, labelled; texts edited in place in both languages; translations written and
//! confirmed in the side-by-side view; a PNG pasted into a step; steps added, moved and
//! deleted. After each edit: the YAML file's diff against the original is exactly the
//! expected lines, the page has reloaded with the change, and `stepwise check` passes.
//!
//! The fixture (`tests/fixtures/editor`) is `tests/fixtures/edit` with 300 x 600
//! screenshots, shown at their own size in a 1280 x 1000 window, so that the boxes drawn
//! land on round fractions.

use serde_json::json;

use crate::cdp::{Chrome, Point};
use crate::edit::{diff, lines};
use crate::serve::{Serve, free_port};
use crate::util::TestSite;

const FILE: &str = "content/help/edit-me.yaml";

/// A served copy of the fixture in edit mode and a browser on one of its pages.
struct Session {
    site: TestSite,
    server: Serve,
    chrome: Chrome,
    original: String,
    builds: u64,
}

impl Session {
    /// The page `path` with edit mode switched on by its keyboard shortcut.
    fn open(path: &str) -> Session {
        Session::open_site(TestSite::fixture("editor"), path)
    }

    fn open_site(site: TestSite, path: &str) -> Session {
        let original = site.read(FILE);
        let server = Serve::start(&site.root, free_port());
        let builds = server.wait_status("the first build", |s| s["ok"] == true)["builds"].as_u64().unwrap();
        let chrome = Chrome::open(&format!("http://{}{path}", server.host()), 1280, 1000);
        let mut s = Session { site, server, chrome, original, builds };
        s.chrome.wait("the page", "document.readyState === 'complete' && !!document.getElementById('sw-edit-switch')");
        s.chrome.key("e", false);
        s.ready();
        s
    }

    /// Waits for the editor to have decorated the page; marks the page, so that a reload
    /// can be told from it.
    fn ready(&mut self) {
        self.chrome.wait("the editor", "document.documentElement.getAttribute('data-sw-editor') === 'ready'");
        self.chrome.eval("window.__notReloaded = true");
    }

    /// Waits for the server to rebuild after an edit and the page to reload with edit
    /// mode still on; returns the page's HTML.
    fn reloaded(&mut self) -> String {
        let before = self.builds;
        let status = self.server.wait_status("the edit's rebuild", |s| s["builds"].as_u64() > Some(before));
        self.builds = status["builds"].as_u64().unwrap();
        self.chrome.wait("the page to reload", "window.__notReloaded !== true");
        self.ready();
        self.chrome.eval("document.documentElement.outerHTML").as_str().unwrap().to_string()
    }

    /// Goes to another page of the server (edit mode stays on in the tab).
    fn navigate(&mut self, path: &str) {
        let url = format!("http://{}{path}", self.server.host());
        self.chrome.call("Page.navigate", json!({ "url": url }));
        self.chrome.wait("the new page", "window.__notReloaded !== true");
        self.ready();
    }

    fn diff(&self) -> Vec<String> {
        diff(&self.original, &self.site.read(FILE))
    }

    fn assert_checks(&self) {
        let run = self.site.run(&["check"]);
        assert_eq!(run.code, 0, "check fails after the edit:\n{}\n--- file:\n{}", run.stderr, self.site.read(FILE));
    }

    /// The point at fractions of step `n`'s screenshot (its box layer).
    fn on_shot(&mut self, n: usize, fx: f64, fy: f64) -> Point {
        self.chrome.at(&format!("#step-{n} .sw-layer"), fx, fy)
    }
}

#[test]
fn draws_moves_resizes_and_labels_a_box_with_the_mouse() {
    let mut s = Session::open("/en/help/edit-me/");
    // Draw: step 2 has only a redact box; the highlight tool is the default.
    let (from, to) = (s.on_shot(2, 0.2, 0.3), s.on_shot(2, 0.6, 0.5));
    s.chrome.drag(from, to);
    s.reloaded();
    assert_eq!(s.diff(), lines(&["+    highlight: [{x: 0.2, y: 0.3, w: 0.4, h: 0.2}]"]));
    s.assert_checks();

    // Move: drag its middle 0.1 right and 0.05 down.
    let (from, to) = (s.on_shot(2, 0.4, 0.4), s.on_shot(2, 0.5, 0.45));
    s.chrome.drag(from, to);
    s.reloaded();
    assert_eq!(s.diff(), lines(&["+    highlight: [{x: 0.3, y: 0.35, w: 0.4, h: 0.2}]"]));

    // Resize: its bottom-right corner to (0.9, 0.6).
    let (from, to) = (s.on_shot(2, 0.7, 0.55), s.on_shot(2, 0.9, 0.6));
    s.chrome.drag(from, to);
    let html = s.reloaded();
    assert_eq!(s.diff(), lines(&["+    highlight: [{x: 0.3, y: 0.35, w: 0.6, h: 0.25}]"]));
    assert!(html.contains("left:30.00%;top:35.00%;width:60.00%;height:25.00%"), "the reloaded page shows the box");
    s.assert_checks();

    // Label it, in every language of the site.
    let middle = s.on_shot(2, 0.5, 0.5);
    s.chrome.click(middle);
    s.chrome.click_on("#step-2 [data-sw-action=label]");
    s.chrome.click_on("#step-2 .sw-label-form input[lang=zh]");
    s.chrome.type_text("设置");
    s.chrome.click_on("#step-2 .sw-label-form input[lang=en]");
    s.chrome.type_text("Settings");
    s.chrome.key("Enter", false);
    let html = s.reloaded();
    assert_eq!(
        s.diff(),
        lines(&["+    highlight: [{x: 0.3, y: 0.35, w: 0.6, h: 0.25, label: {zh: 设置, en: Settings}}]"])
    );
    assert!(html.contains("Settings"), "the label is on the page");
    s.assert_checks();
}

#[test]
fn boxes_move_with_the_keyboard_and_are_drawn_by_touch() {
    let mut s = Session::open("/en/help/edit-me/");
    // Step 1's highlight box: focused, nudged right twice, made taller once.
    s.chrome.eval("document.querySelector('#step-1 .sw-highlight').focus()");
    s.chrome.key("ArrowRight", false);
    s.chrome.key("ArrowLeft", false);
    s.chrome.key("ArrowLeft", false);
    s.chrome.key("ArrowDown", true);
    s.reloaded();
    assert_eq!(
        s.diff(),
        lines(&[
            "-    highlight: [{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}]",
            "+    highlight: [{x: 0.79, y: 0.9, w: 0.15, h: 0.09, label: {zh: 我的, en: Me}}]",
        ])
    );
    s.assert_checks();
    // Still selected after the reload: Delete removes it.
    s.chrome.wait("the box selected again", "document.activeElement.matches('#step-1 .sw-highlight')");
    s.chrome.key("Delete", false);
    s.reloaded();
    assert_eq!(s.diff(), lines(&["-    highlight: [{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}]"]));
    s.assert_checks();

    // A redact box drawn with a finger.
    s.chrome.click_on("#step-1 [data-sw-tool=redact]");
    s.chrome.call("Emulation.setTouchEmulationEnabled", json!({ "enabled": true, "maxTouchPoints": 1 }));
    let (from, to) = (s.on_shot(1, 0.1, 0.1), s.on_shot(1, 0.5, 0.2));
    s.chrome.touch_drag(from, to);
    s.reloaded();
    assert_eq!(
        s.diff(),
        lines(&[
            "-    highlight: [{x: 0.8, y: 0.9, w: 0.15, h: 0.08, label: {zh: 我的, en: Me}}]",
            "+    redact: [{x: 0.1, y: 0.1, w: 0.4, h: 0.1}]",
        ])
    );
    s.assert_checks();
}

#[test]
fn a_step_text_is_edited_in_place_in_zh_and_in_en() {
    let mut s = Session::open("/zh/help/edit-me/");
    // Escape cancels.
    s.chrome.click_on("#step-1 .step-text p");
    s.chrome.type_text("不要");
    s.chrome.key("Escape", false);
    assert_eq!(s.chrome.eval("document.querySelectorAll('.sw-text-form').length"), 0);
    // Enter saves the source text, its UI label written as it was.
    s.chrome.click_on("#step-1 .step-text p");
    assert_eq!(s.chrome.eval("document.activeElement.value"), "打开【我的】页面。", "the source text, not the HTML");
    s.chrome.type_text("打开【我的】页面，往下滑。");
    s.chrome.key("Enter", false);
    let html = s.reloaded();
    assert_eq!(s.diff(), lines(&["-      zh: 打开【我的】页面。", "+      zh: 打开【我的】页面，往下滑。"]));
    assert!(html.contains("往下滑"));
    s.assert_checks();

    // In English: step 2 has no en text yet; it is added beside its zh sibling.
    s.navigate("/en/help/edit-me/");
    s.chrome.click_on("#step-2 .step-text p");
    s.chrome.type_text("Tap [Settings], then [Password].");
    s.chrome.key("Enter", false);
    let html = s.reloaded();
    assert_eq!(
        s.diff(),
        lines(&[
            "-      zh: 打开【我的】页面。",
            "+      zh: 打开【我的】页面，往下滑。",
            "+      en: Tap [Settings], then [Password].",
        ])
    );
    assert!(html.contains("then"), "the page shows the new text");
    s.assert_checks();
}

#[test]
fn an_edit_check_refuses_shows_checks_message() {
    let mut s = Session::open("/zh/help/edit-me/");
    s.chrome.click_on("#step-1 .step-text p");
    s.chrome.eval("document.activeElement.value = ''");
    s.chrome.key("Enter", false);
    let message = s.chrome.wait(
        "the error",
        "document.getElementById('sw-edit-error') && document.getElementById('sw-edit-error').textContent",
    );
    // `check`'s message: the place, the headline, the line and a caret under the value.
    let message = message.as_str().unwrap();
    assert!(message.contains("content/help/edit-me.yaml:12:11: the zh text of `steps[1].text` is empty"), "{message}");
    assert!(message.contains(" 12 |       zh: \"\"\n    |           ^"), "{message}");
    assert_eq!(s.diff(), Vec::<String>::new(), "nothing written");
}

#[test]
fn side_by_side_writes_a_missing_translation_and_confirms_an_outdated_one() {
    let site = TestSite::fixture("editor");
    assert_eq!(site.run(&["i18n", "confirm", "--all"]).code, 0);
    let lock = site.read("i18n.lock");
    // The source title changes after its translation was confirmed: outdated.
    let text = site.read(FILE).replace("zh: 怎么修改密码？", "zh: 怎么改密码？");
    site.write(FILE, &text);
    let mut s = Session::open_site(site, "/en/help/edit-me/side-by-side.html");

    // The missing English text of step 2, written where it is missing.
    s.chrome.click_on("#step-2 .compare-target p");
    s.chrome.type_text("Tap [Settings].");
    s.chrome.key("Enter", false);
    let html = s.reloaded();
    assert_eq!(s.diff(), lines(&["+      en: Tap [Settings]."]));
    assert!(html.contains("Tap"));
    s.assert_checks();

    // "Confirm" on the outdated title: i18n.lock records it; the YAML is untouched.
    s.chrome.click_on("#title [data-sw-action=confirm]");
    let html = s.reloaded();
    assert_eq!(s.diff(), lines(&["+      en: Tap [Settings]."]));
    let changed = diff(&lock, &s.site.read("i18n.lock"));
    assert_eq!(changed.len(), 2, "one entry changed in i18n.lock: {changed:?}");
    assert!(changed.iter().all(|l| l.contains("title")), "{changed:?}");
    assert!(!html.contains("compare-outdated"), "no row is outdated now");
    s.assert_checks();
}

#[test]
fn a_png_pasted_into_a_step_becomes_its_screenshot() {
    let mut s = Session::open("/zh/help/edit-me/");
    let png = std::fs::read(crate::util::fixture_dir("editor").join("paste.png")).unwrap();
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &png);
    // Step 3 has no screenshot: click it (not its text), then Ctrl+V.
    let paste = |chrome: &mut Chrome, step: usize| {
        chrome.click_on(&format!("#step-{step} .step-number"));
        chrome.eval(&format!(
            "(() => {{ const bytes = Uint8Array.from(atob('{b64}'), c => c.charCodeAt(0)); \
             const data = new DataTransfer(); data.items.add(new File([bytes], 'image.png', {{ type: 'image/png' }})); \
             document.activeElement.dispatchEvent(new ClipboardEvent('paste', {{ clipboardData: data, bubbles: true, cancelable: true }})); }})()"
        ));
    };
    paste(&mut s.chrome, 3);
    let html = s.reloaded();
    assert_eq!(s.diff(), lines(&["+    image: edit-me/step-03.png"]));
    assert_eq!(std::fs::read(s.site.root.join("content/help/edit-me/step-03.png")).unwrap(), png);
    assert!(html.contains("step-03"), "the page shows the screenshot");
    s.assert_checks();

    // Replacing step 2's: a new file beside the old one, the boxes kept.
    paste(&mut s.chrome, 2);
    s.reloaded();
    assert_eq!(
        s.diff(),
        lines(&[
            "-    image: edit-me/step-02.png",
            "+    image: edit-me/step-02-2.png",
            "+    image: edit-me/step-03.png"
        ])
    );
    assert!(s.site.exists("content/help/edit-me/step-02.png"), "the old file stays");
    s.assert_checks();
}

#[test]
fn steps_are_added_moved_and_deleted_from_the_page() {
    let mut s = Session::open("/en/help/edit-me/");
    s.chrome.click_on("#step-1 [data-sw-action=add]");
    s.chrome.click_on("#step-1 .sw-add-form textarea[lang=zh]");
    s.chrome.type_text("输入旧密码。");
    s.chrome.click_on("#step-1 .sw-add-form textarea[lang=en]");
    s.chrome.type_text("Type the old password.");
    s.chrome.key("Enter", false);
    let html = s.reloaded();
    // A block inserted before step 2's `  - text:` line (the diff pairs that line with it).
    assert_eq!(s.diff(), lines(&["+      zh: 输入旧密码。", "+      en: Type the old password.", "+", "+  - text:"]));
    assert!(
        s.site.read(FILE).contains(
            "label: {zh: 我的, en: Me}}]\n\n  - text:\n      zh: 输入旧密码。\n      en: Type the old password.\n\n  - text:\n      zh: 点击【设置】"
        ),
        "{}",
        s.site.read(FILE)
    );
    assert!(html.contains("Type the old password."));
    s.assert_checks();

    // Step 4 ('WeChat Pay') one up.
    s.chrome.click_on("#step-4 [data-sw-action=up]");
    s.reloaded();
    let text = s.site.read(FILE);
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {text}"));
    assert!(at("WeChat Pay") < at("点击【设置】"), "{text}");
    s.assert_checks();

    // Delete the new step (now step 2): the button asks for a second click.
    s.chrome.click_on("#step-2 [data-sw-action=delete-step]");
    assert!(s.site.read(FILE).contains("输入旧密码"), "one click deletes nothing");
    s.chrome.click_on("#step-2 [data-sw-action=delete-step]");
    s.reloaded();
    let text = s.site.read(FILE);
    assert!(!text.contains("输入旧密码"), "{text}");
    assert_eq!(s.chrome.eval("document.querySelectorAll('li.step').length"), 3);
    s.assert_checks();
}

#[test]
fn the_edit_switch_turns_edit_mode_on_and_off() {
    let mut s = Session::open("/en/help/edit-me/");
    assert_eq!(s.chrome.eval("document.getElementById('sw-edit-switch').getAttribute('aria-pressed')"), "true");
    assert!(s.chrome.eval("document.querySelectorAll('.sw-layer').length").as_u64() >= Some(2));
    s.chrome.click_on("#sw-edit-switch");
    s.chrome.wait("edit mode off", "window.__notReloaded !== true && document.readyState === 'complete'");
    assert_eq!(s.chrome.eval("document.querySelectorAll('.sw-layer, .sw-text').length"), 0);
    assert_eq!(s.chrome.eval("document.getElementById('sw-edit-switch').getAttribute('aria-pressed')"), "false");
}

#[test]
fn title_summary_note_and_alt_are_edited_in_place() {
    let mut s = Session::open("/en/help/edit-me/");
    let edit = |s: &mut Session, selector: &str, text: &str| {
        s.chrome.click_on(selector);
        s.chrome.type_text(text);
        s.chrome.key("Enter", false);
        s.reloaded()
    };
    edit(&mut s, "#tutorial-title", "How do I reset my password?");
    edit(&mut s, ".tutorial-header .lead", "Three quick steps.");
    edit(&mut s, ".notes-section .note p", "Eight characters or more.");
    s.chrome.click_on("#step-1 [data-sw-action=alt]");
    s.chrome.type_text("The Me tab");
    s.chrome.key("Enter", false);
    let html = s.reloaded();
    assert_eq!(
        s.diff(),
        lines(&[
            "-  en: How do I change my password?",
            "-summary: {zh: 三步改好密码。, en: Three steps.}",
            "+  en: How do I reset my password?",
            "+summary: {zh: 三步改好密码。, en: Three quick steps.}",
            "-    alt: {zh: 首页, en: The home screen}",
            "+    alt: {zh: 首页, en: The Me tab}",
            "-      en: The new password needs eight characters or more.",
            "+      en: Eight characters or more.",
        ])
    );
    for text in ["How do I reset my password?", "Three quick steps.", "Eight characters or more.", "alt=\"The Me tab\""]
    {
        assert!(html.contains(text), "the page shows {text}");
    }
    s.assert_checks();
}

/// The file changes on disk while the page is open and does not hear of it (its event
/// stream closed, as in a hidden tab): the page's edit is refused with the reason shown,
/// nothing of it is written, and the page reloads with the file as it is now.
#[test]
fn an_edit_against_a_changed_file_is_refused_and_the_page_reloads() {
    let mut s = Session::open("/en/help/edit-me/");
    s.chrome.eval(
        "Object.defineProperty(document, 'hidden', { value: true, configurable: true }); \
         document.dispatchEvent(new Event('visibilitychange'))",
    );
    s.server.wait_status("the page's event stream to close", |st| st["open_streams"] == 0);
    let changed = s.site.read(FILE).replace("en: How do I change my password?", "en: Changed on disk");
    s.site.write(FILE, &changed);
    let before = s.builds;
    s.builds =
        s.server.wait_status("the rebuild", |st| st["builds"].as_u64() > Some(before))["builds"].as_u64().unwrap();

    s.chrome.click_on("#step-1 .step-text p");
    s.chrome.type_text("Typed against the old file.");
    s.chrome.key("Enter", false);
    let message = s.chrome.wait(
        "the refusal",
        "document.getElementById('sw-edit-error') && document.getElementById('sw-edit-error').textContent",
    );
    assert!(message.as_str().unwrap().contains("changed on disk since the page was loaded"), "{message}");
    s.chrome.wait("the page to reload", "window.__notReloaded !== true");
    s.ready();
    let html = s.chrome.eval("document.documentElement.outerHTML");
    assert!(html.as_str().unwrap().contains("Changed on disk"), "the page shows the file as it is now");
    assert_eq!(
        s.diff(),
        lines(&["-  en: How do I change my password?", "+  en: Changed on disk"]),
        "nothing of the edit written"
    );
}
