#![allow(unreachable_pub)] // test helpers are shared between test modules, not exported

//! End-to-end tests: build fixture sites with the real binary and check the output
//! files, the exit code and stderr. One test binary (see Cargo.toml `autotests`).

mod util;

mod browser;
mod build;
mod cli;
mod errors;
mod i18n;
mod images;
mod safety;
mod search;
mod serve;
mod texts;
