//! The built-in theme and the example site are embedded in the binary
//! (include_dir). The example is embedded from a copy of its sources made
//! here: building the example where it stands writes `public/`, the image
//! cache and the spare output into its folder, and none of that may reach
//! the binary (or make every later compile start again).
use std::path::Path;

/// What a site is made of; everything else in the example's folder is
/// output, cache or a file of the person who built it.
const SOURCES: [&str; 6] = [
    "content",
    "community",
    "data",
    "static",
    "blason.toml",
    "CREDITS.md",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=themes");
    let example = Path::new("content-example");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("example");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("create the example's copy");
    for name in SOURCES {
        let from = example.join(name);
        println!("cargo:rerun-if-changed={}", from.display());
        if from.exists() {
            copy(&from, &out.join(name));
        }
    }
}

/// Copies a file, or a folder without its hidden files (editors' swap
/// files, `.DS_Store`).
fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("create a folder of the example's copy");
        let mut entries: Vec<_> = std::fs::read_dir(from)
            .expect("read a folder of the example")
            .map(|e| e.expect("read a folder of the example"))
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            if !e.file_name().to_string_lossy().starts_with('.') {
                copy(&e.path(), &to.join(e.file_name()));
            }
        }
    } else {
        std::fs::copy(from, to).expect("copy a file of the example");
    }
}
