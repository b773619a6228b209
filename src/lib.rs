//! stepwise: guided, illustrated, bilingual help tutorials -> a static help center.
//!
//! Every verb runs one pipeline (`pipeline`): read (`config`, `load`, `theme`) ->
//! decode and check (`model`) -> assemble (with `screenshot` and `i18n` facts) ->
//! render (`render`) into a sink (the output folder of `output`, nothing, or the preview
//! server's memory, `serve`). `verbs` holds `build` and `check`. The library never
//! prints: it returns reports and diagnostics for the binary to show.

pub(crate) mod cache_file;
pub mod config;
pub(crate) mod controls;
pub mod diagnostics;
pub(crate) mod fingerprint;
// Entry points for the fuzz targets in `fuzz/` (cargo-fuzz sets `--cfg fuzzing`) and
// the mutation test: not part of a normal build.
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod images;
pub mod lang;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub(crate) mod progress;
pub mod render;
pub mod scaffold;
pub mod screenshot;
pub mod search;
pub mod serve;
pub(crate) mod static_files;
pub mod theme;
pub mod tokenize;
pub mod verbs;
pub(crate) mod yaml_edit;

pub use diagnostics::{Failure, FailureKind};
pub use verbs::{BuildOptions, BuildReport, Timings, build, check};
