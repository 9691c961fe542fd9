//! Tiny sites written into a temporary folder, for the unit tests of the
//! stages, jobs and checks that need a whole site to run on.

use std::path::Path;

/// A site of `files` (path, text) in a new temporary folder; a
/// `blason.toml` is added unless `files` has one.
pub(crate) fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if !files.iter().any(|(p, _)| *p == "blason.toml") {
        write(dir.path(), "blason.toml", CONFIG);
    }
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

/// A minimal configuration with two pillars and an audience, cards off.
pub(crate) const CONFIG: &str = "base_url = \"https://www.x.fr\"\ntitle = \"Territoire\"\n\
[pillars]\ntourisme = { title = \"Découvrir\" }\nculture = { title = \"Culture\" }\n\
[audiences]\nvisiteurs = { title = \"Visiter\" }\n[cards]\nenable = false\n[share]\nkit = false\n";

pub(crate) fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small JPEG of `w` × `h` pixels, for covers and galleries.
pub(crate) fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}
