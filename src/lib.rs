//! blason: a static site generator for territorial brand sites.
//!
//! The library does the work; `main.rs` only parses the command line, calls
//! [`run`] and prints. The build is written down, stage by stage, in
//! `pipeline`; docs/architecture.md says where each part lives and how a new
//! page kind, check or data source is added.
//!
//! Layers: a module may use only modules of a lower layer. A test below
//! reads every `crate::` path of `src/` and fails when one runs back up.
//!
//! 0. `error`, `url`, `xml`, `stamp`, `clock`, `slug`, `packed`, `per_thread`, `testing`
//! 1. `paths`, `output`, `geo`
//! 2. `config`, `audit`
//! 3. `content`, `markdown`, `media`
//! 4. `theme`, `community`, `seo`, `search`
//! 5. `render`
//! 6. `shortcodes`, `incremental`, `checks`, `assets`, `scaffold`
//! 7. `pipeline`
//! 8. `serve`, `sync`
//! 9. `cli`
#![warn(clippy::print_stdout, clippy::print_stderr)]
// Diagnostics are returned by value on the error path only, which is cold;
// boxing them everywhere would cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub(crate) mod assets;
pub(crate) mod audit;
pub(crate) mod checks;
pub(crate) mod cli;
pub(crate) mod clock;
pub(crate) mod community;
pub(crate) mod config;
pub(crate) mod content;
pub(crate) mod error;
pub(crate) mod geo;
pub(crate) mod incremental;
pub(crate) mod markdown;
pub(crate) mod media;
pub(crate) mod output;
pub(crate) mod packed;
pub(crate) mod paths;
pub(crate) mod per_thread;
pub(crate) mod pipeline;
pub(crate) mod render;
pub(crate) mod scaffold;
pub(crate) mod search;
pub(crate) mod seo;
pub(crate) mod serve;
pub(crate) mod shortcodes;
pub(crate) mod slug;
pub(crate) mod stamp;
pub(crate) mod sync;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod theme;
pub(crate) mod url;
pub(crate) mod xml;

// The public API: the commands, their options and reports, and diagnostics.
pub use audit::audit_folder;
pub use cli::{Cli, Command, run};
pub use error::{Diagnostic, Error, Severity};
pub use incremental::Memo;
pub use output::{Files, Served};
pub use pipeline::{
    BuildOptions, BuildReport, CheckReport, ImageCounts, Progress, Quiet, SearchCounts, build,
    build_changes, check, check_report, pack_last,
};
pub use serve::{ServeOptions, serve};
pub use sync::{SyncOptions, SyncReport, sync};

/// What the micro-benchmarks measure on their own: markdown rendering.
pub mod bench {
    pub use crate::config::{RawHtml, Typography};
    pub use crate::markdown::shortcode::Call;
    pub use crate::markdown::{
        AnchorLinks, MarkdownOptions, RenderContext, Rendered, ShortcodeError, render,
    };
}

#[cfg(test)]
mod layers {
    //! The layer table above, held against the code: every `crate::` path
    //! outside tests must name a module of a lower layer.

    use std::collections::BTreeMap;
    use std::path::Path;

    /// Module name to layer, from the `//! N. ...` lines of lib.rs.
    fn table(lib: &str) -> BTreeMap<String, usize> {
        let mut layers = BTreeMap::new();
        for line in lib.lines() {
            let Some(rest) = line.strip_prefix("//! ") else {
                continue;
            };
            let Some((n, names)) = rest.split_once(". ") else {
                continue;
            };
            let Ok(n) = n.parse::<usize>() else { continue };
            for name in names.split(',') {
                layers.insert(name.trim().trim_matches('`').to_string(), n);
            }
        }
        layers
    }

    /// Top-level modules named by `crate::` paths in `code` (comments and
    /// test modules left out), with the line of each.
    fn arrows(code: &str) -> Vec<(String, usize)> {
        let code = match code.find("#[cfg(test)]\nmod tests") {
            Some(i) => &code[..i],
            None => code,
        };
        let mut out = Vec::new();
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                if let Some(list) = rest.strip_prefix('{') {
                    // `use crate::{a, b::c};`: each first segment.
                    let end = list.find('}').unwrap_or(list.len());
                    for part in list[..end].split(',') {
                        let name = part.trim().split("::").next().unwrap_or("");
                        if !name.is_empty() {
                            out.push((name.to_string(), n + 1));
                        }
                    }
                } else {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    out.push((name, n + 1));
                }
            }
        }
        out
    }

    #[test]
    fn no_import_runs_back_up_the_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let layers = table(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
        assert!(
            layers.len() > 20,
            "the layer table was not read: {layers:?}"
        );
        let mut wrong = Vec::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let module = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if module == "lib" || module == "main" {
                continue;
            }
            let Some(&from) = layers.get(&module) else {
                wrong.push(format!(
                    "{}: module `{module}` is not in the layer table of src/lib.rs",
                    rel.display()
                ));
                continue;
            };
            let code = std::fs::read_to_string(path).unwrap();
            for (to, line) in arrows(&code) {
                if to == module {
                    continue;
                }
                match layers.get(&to) {
                    Some(&layer) if layer < from => {}
                    Some(&layer) => wrong.push(format!(
                        "{}:{line}: `{module}` (layer {from}) uses `{to}` (layer {layer})",
                        rel.display()
                    )),
                    None => wrong.push(format!(
                        "{}:{line}: `{to}` is not in the layer table of src/lib.rs",
                        rel.display()
                    )),
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "imports that run back up:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn arrows_are_read_from_paths_and_lists_but_not_comments_or_tests() {
        let code = "use crate::config::Config;\n// crate::cli\nuse crate::{paths, render::jobs};\nlet x = crate::url::absolute(a, b);\n#[cfg(test)]\nmod tests { use crate::cli; }\n";
        let names: Vec<String> = arrows(code).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["config", "paths", "render", "url"]);
        let t = table("//! 0. `error`, `url`\n//! 1. `paths`\n");
        assert_eq!(t["url"], 0);
        assert_eq!(t["paths"], 1);
    }
}
