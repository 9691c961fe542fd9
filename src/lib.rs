//! blason: a static site generator for territorial brand sites.
//!
//! The library does the work; `main.rs` only parses the command line, calls
//! [`cli::run`] and prints. The build is written down, stage by stage, in
//! [`pipeline`]. Layers (each may use the ones above it):
//!
//! 0. [`error`], [`config`], [`xml`], [`url`]
//! 1. [`content`], [`community`], [`markdown`], [`media`], [`theme`]
//! 2. [`render`], [`seo`], [`output`]
//! 3. [`pipeline`], [`incremental`], [`shortcodes`], [`scaffold`]
//! 4. [`serve`]
//! 5. [`cli`]
#![warn(clippy::print_stdout, clippy::print_stderr)]
// Diagnostics are returned by value on the error path only, which is cold;
// boxing them everywhere would cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod checks;
pub mod cli;
pub mod community;
pub mod config;
pub mod content;
pub mod error;
pub mod incremental;
pub mod markdown;
pub mod media;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod seo;
pub mod serve;
pub mod shortcodes;
pub mod slug;
pub mod stamp;
pub mod theme;
pub mod url;
pub mod xml;
