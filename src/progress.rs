//! Progress of long work on a terminal: the phase, how many of how many, and the rate.
//!
//! Shown only when stderr is a terminal and the phase is long enough to be worth a line
//! (thousands of pages, screenshots to encode): a CI log or a pipe gets nothing extra, a
//! small site's build prints nothing it did not print before. The bar is drawn on stderr
//! and cleared when the phase ends, so the build's summary stays what is left on screen.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress may be shown at all in this run (a build on a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    enabled: bool,
}

/// One phase's bar (hidden when progress is off or the phase is short).
pub(crate) struct Phase {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress on stderr if it is a terminal and `NO_PROGRESS` is not set.
    pub(crate) fn on_terminal() -> Progress {
        Progress { enabled: std::io::stderr().is_terminal() && std::env::var_os("NO_PROGRESS").is_none() }
    }

    pub(crate) fn off() -> Progress {
        Progress { enabled: false }
    }

    /// A bar for `total` items of `what` (`"pages"`), shown if `total` reaches `worth`.
    pub(crate) fn phase(self, label: &str, what: &str, total: usize, worth: usize) -> Phase {
        if !self.enabled || total < worth.max(1) {
            return Phase { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr_with_hz(8));
        let template =
            format!("{{prefix:>12}} {{bar:30}} {{human_pos}}/{{human_len}} {what} ({{per_sec}}, {{eta}} left)");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Phase { bar: Some(bar) }
    }
}

impl Phase {
    /// One more item done (cheap: an atomic add when shown, nothing when hidden).
    pub(crate) fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_shown_when_off_or_short() {
        assert!(Progress::off().phase("Rendering", "pages", 1_000_000, 1).bar.is_none());
        let on = Progress { enabled: true };
        assert!(on.phase("Rendering", "pages", 10, 5_000).bar.is_none());
        let shown = on.phase("Rendering", "pages", 10_000, 5_000);
        let bar = shown.bar.as_ref().map(|b| b.length());
        assert_eq!(bar, Some(Some(10_000)));
    }
}
