#![allow(unreachable_pub)] // test helpers are shared between test modules, not exported

//! End-to-end tests: build fixture sites with the real binary and check the output
//! files, the exit code and stderr. One test binary (see Cargo.toml `autotests`).

mod util;

mod browser;
mod build;
mod cdp;
mod cli;
mod edit;
mod editor;
mod errors;
mod files;
mod first_hour;
mod i18n;
mod images;
mod incremental;
mod safety;
mod search;
mod serve;
mod texts;
