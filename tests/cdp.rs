//! A headless Chromium driven over the DevTools protocol, for the editor's browser tests:
//! real pointer, touch and key events, not scripted DOM calls. The protocol goes over
//! `--remote-debugging-pipe` (JSON messages ended by NUL on the browser's fd 3 and 4; the
//! shell maps them to the child's stdin and stdout), so no WebSocket client is needed.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::headless_chromium;

/// How long the browser may take for anything: generous, for a loaded CI machine.
const WAIT: Duration = Duration::from_secs(20);

/// One page of a headless Chromium (quit when dropped).
pub struct Chrome {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.send("Browser.close", json!({}), false);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A point in the page's viewport, in CSS pixels.
#[derive(Debug, Clone, Copy)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Chrome {
    /// A browser showing `url` in a `width` x `height` window.
    pub fn open(url: &str, width: u32, height: u32) -> Chrome {
        let profile = tempfile::tempdir().unwrap();
        let base = headless_chromium(profile.path());
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null 2>/dev/null"#)
            .arg(base.get_program())
            .args(base.get_args())
            .arg("--remote-debugging-pipe")
            .arg(format!("--window-size={width},{height}"))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("start chromium");
        let input = child.stdin.take().unwrap();
        let output = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            let mut buf = Vec::new();
            while reader.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                buf.pop_if(|b| *b == 0);
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    return;
                }
                buf.clear();
            }
        });
        let mut chrome = Chrome { child, input, messages, next: 0, session: String::new(), _profile: profile };
        let target = chrome.call_browser("Target.createTarget", json!({ "url": "about:blank" }));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = chrome.call_browser("Target.attachToTarget", json!({ "targetId": target, "flatten": true }));
        chrome.session = attached["sessionId"].as_str().unwrap().to_string();
        chrome.call("Page.enable", json!({}));
        chrome.call("Runtime.enable", json!({}));
        chrome.call("Page.navigate", json!({ "url": url }));
        chrome
    }

    fn send(&mut self, method: &str, params: Value, page: bool) -> u64 {
        self.next += 1;
        let mut message = json!({ "id": self.next, "method": method, "params": params });
        if page {
            message["sessionId"] = json!(self.session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        let _ = self.input.write_all(&bytes).and_then(|()| self.input.flush());
        self.next
    }

    fn answer(&mut self, id: u64, method: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m =
                self.messages.recv_timeout(left).unwrap_or_else(|_| panic!("no answer to {method} within {WAIT:?}"));
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
        }
    }

    fn call_browser(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, false);
        self.answer(id, method)
    }

    /// A DevTools method on the page.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, true);
        self.answer(id, method)
    }

    /// The value of a JavaScript expression (a promise is awaited); panics on an exception.
    pub fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": js, "awaitPromise": true, "returnByValue": true, "userGesture": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Waits until `js` is truthy; panics with `what` if it never is.
    pub fn wait(&mut self, what: &str, js: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let r = self.call("Runtime.evaluate", json!({ "expression": js, "returnByValue": true }));
            let v = r["result"]["value"].clone();
            if r.get("exceptionDetails").is_none() && !(v.is_null() || v == false || v == "" || v == 0) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what} ({js})");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The viewport rectangle of the first element matching `selector` (scrolled into view).
    pub fn rect(&mut self, selector: &str) -> (Point, Point) {
        let sel = serde_json::to_string(selector).unwrap();
        self.wait(
            &format!("an element {selector}"),
            &format!(
                "!!document.querySelector({sel}) && document.querySelector({sel}).getBoundingClientRect().width > 0"
            ),
        );
        let r = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); e.scrollIntoView({{block: 'center'}}); \
             const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }})()"
        ));
        let n = |i: usize| r[i].as_f64().unwrap();
        (Point { x: n(0), y: n(1) }, Point { x: n(2), y: n(3) })
    }

    /// The point at fractions (`fx`, `fy`) of the element's box.
    pub fn at(&mut self, selector: &str, fx: f64, fy: f64) -> Point {
        let (a, b) = self.rect(selector);
        Point { x: a.x + (b.x - a.x) * fx, y: a.y + (b.y - a.y) * fy }
    }

    fn mouse(&mut self, kind: &str, p: Point, buttons: u32) {
        let button = if kind == "mouseMoved" && buttons == 0 { "none" } else { "left" };
        self.call(
            "Input.dispatchMouseEvent",
            json!({ "type": kind, "x": p.x, "y": p.y, "button": button, "buttons": buttons, "clickCount": 1 }),
        );
    }

    /// Presses the mouse at `from`, moves it in steps to `to`, releases it.
    pub fn drag(&mut self, from: Point, to: Point) {
        self.mouse("mouseMoved", from, 0);
        self.mouse("mousePressed", from, 1);
        for i in 1..=8 {
            let t = f64::from(i) / 8.0;
            self.mouse("mouseMoved", Point { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t }, 1);
        }
        self.mouse("mouseReleased", to, 0);
    }

    pub fn click(&mut self, p: Point) {
        self.mouse("mouseMoved", p, 0);
        self.mouse("mousePressed", p, 1);
        self.mouse("mouseReleased", p, 0);
    }

    /// Clicks the middle of the first element matching `selector`.
    pub fn click_on(&mut self, selector: &str) {
        let p = self.at(selector, 0.5, 0.5);
        self.click(p);
    }

    /// A finger on the touch screen from `from` to `to`.
    pub fn touch_drag(&mut self, from: Point, to: Point) {
        let touch = |p: Point| json!([{ "x": p.x, "y": p.y }]);
        self.call("Input.dispatchTouchEvent", json!({ "type": "touchStart", "touchPoints": touch(from) }));
        for i in 1..=8 {
            let t = f64::from(i) / 8.0;
            let p = Point { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t };
            self.call("Input.dispatchTouchEvent", json!({ "type": "touchMove", "touchPoints": touch(p) }));
        }
        self.call("Input.dispatchTouchEvent", json!({ "type": "touchEnd", "touchPoints": [] }));
    }

    /// A key press (`Enter`, `Escape`, `ArrowLeft`, `Delete`, `e`...); `shift` held or not.
    pub fn key(&mut self, key: &str, shift: bool) {
        let (code, vk, text) = match key {
            "Enter" => ("Enter", 13, "\r"),
            "Escape" => ("Escape", 27, ""),
            "Delete" => ("Delete", 46, ""),
            "ArrowLeft" => ("ArrowLeft", 37, ""),
            "ArrowUp" => ("ArrowUp", 38, ""),
            "ArrowRight" => ("ArrowRight", 39, ""),
            "ArrowDown" => ("ArrowDown", 40, ""),
            "e" => ("KeyE", 69, "e"),
            other => panic!("no key {other} in Chrome::key"),
        };
        let modifiers = if shift { 8 } else { 0 };
        let mut down =
            json!({ "type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers });
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down);
        // Not waited for: a key that saves (Enter) makes the page reload, and Chromium may
        // never answer an input event sent to a page that went away (a test hung for 20 s
        // on a loaded machine). Later calls still reach the page after it, in order.
        self.send(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers }),
            true,
        );
    }

    /// Types `text` into the focused field as an input method would.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text }));
    }
}
