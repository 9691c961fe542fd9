//! A site built as `serve` builds it, then rebuilt after edits of one page:
//! the program to profile (`valgrind --tool=callgrind`, `perf record`) the
//! full build in memory and serve's incremental rebuilds.
//!
//!     cargo build --release --example rebuild
//!     target/release/examples/rebuild SITE content/some/page.md [EDITS]
//!
//! Appends a line to the page EDITS times (default 8; the page is changed
//! on disk) and prints each rebuild's time, the pages kept and the stages.

use blason::Memo;
use blason::{self as pipeline, BuildOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(root), Some(page)) = (args.next(), args.next()) else {
        eprintln!("usage: rebuild SITE PAGE [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(8);
    let root = std::path::PathBuf::from(root);
    let page = root.join(page);
    let mut opts = BuildOptions::new(&root);
    opts.base_url = Some("http://127.0.0.1:1111".into());
    let mut memo = Memo::default();
    let report = |what: &str, ms: f64, r: &pipeline::BuildReport| {
        let stages: Vec<String> = r
            .stages_ms
            .iter()
            .map(|(k, v)| format!("{k} {v:.0}"))
            .collect();
        println!(
            "{what}: {ms:.0} ms, {} pages rendered, {} kept ({})",
            r.pages_rendered(),
            r.pages_kept,
            stages.join(", ")
        );
    };
    let t = std::time::Instant::now();
    match pipeline::build_changes(&opts, &mut memo, &[]) {
        Ok((r, _)) => report("full build", t.elapsed().as_secs_f64() * 1000.0, &r),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    for i in 0..edits {
        let mut text = std::fs::read_to_string(&page).expect("the page can be read");
        text.push_str(&format!("\nEdit {i}.\n"));
        std::fs::write(&page, text).expect("the page can be written");
        let t = std::time::Instant::now();
        match pipeline::build_changes(&opts, &mut memo, std::slice::from_ref(&page)) {
            Ok((r, _)) => report("rebuild", t.elapsed().as_secs_f64() * 1000.0, &r),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
}
