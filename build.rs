//! The built-in theme and the example site are embedded in the binary
//! (include_dir); rebuild when any of their files change.
fn main() {
    println!("cargo:rerun-if-changed=themes");
    println!("cargo:rerun-if-changed=content-example");
    println!("cargo:rerun-if-changed=build.rs");
}
