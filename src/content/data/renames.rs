//! The old addresses of the feeds' objects, so that a page whose name
//! changed in the feed still answers at its old address with a redirect.
//!
//! A feed's page takes its address from the object's name: when the
//! tourist information system renames « Musée d'Orbière » to « Musée de
//! l'horlogerie », the page moves from `culture/musee-d-orbiere/` to
//! `culture/musee-de-l-horlogerie/`. `blason sync` sees the rename (the
//! same id, another address) and writes the old address to
//! `data/renames.toml`, before the new feed is swapped in; `build` reads
//! that file and gives the page an alias at each old address, unless a
//! page of the site lives there now. The file is the site's own, to
//! commit beside the feed, and an editor may write it by hand (a feed
//! updated without `sync`):
//!
//! ```toml
//! [sit]
//! "99-c0ffee" = ["culture/musee-d-orbiere"]
//! ```
//!
//! Tables are the feeds' names, keys the objects' ids, values the old
//! addresses, relative to the language's root, in the form `section/slug`.

use std::collections::BTreeMap;
use std::path::Path;

use super::Object;
use crate::config::{Config, DataSource};
use crate::error::{Diagnostic, toml_diagnostic};
use crate::slug::slugify;

/// Where the old addresses are kept, relative to the site.
pub const FILE: &str = "data/renames.toml";

/// The most old addresses kept for one object: the oldest go first.
pub const MAX_PER_OBJECT: usize = 16;

/// Feed name → object id → old addresses (`section/slug`), oldest first.
pub type Renames = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Reads the site's renames; none when the file does not exist.
pub fn read(root: &Path) -> Result<Renames, Vec<Diagnostic>> {
    let path = root.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Renames::new()),
        Err(e) => return Err(vec![Diagnostic::io(&path, root, "read the file", &e)]),
    };
    let renames: Renames = toml::from_str(&text).map_err(|e| {
        vec![
            toml_diagnostic(&e, &text, 0, "renames")
                .file(FILE)
                .help("each table is a feed's name, each key an object's id, each value a list of old addresses such as [\"culture/musee-d-orbiere\"]"),
        ]
    })?;
    let mut errors = Vec::new();
    for (feed, ids) in &renames {
        for (id, addresses) in ids {
            for a in addresses {
                if !is_address(a) {
                    errors.push(
                        Diagnostic::error(
                            "data-renames",
                            format!("[{feed}] `{id}`: `{a}` is not an address of a feed's page"),
                        )
                        .file(FILE)
                        .help("write it as `section/slug`, in lowercase letters, digits and hyphens, like the page's address without the language and slashes"),
                    );
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(renames)
    } else {
        Err(errors)
    }
}

/// Whether `a` is `section/…/slug`, each part a slug: nothing that leaves
/// the site or names a file.
fn is_address(a: &str) -> bool {
    !a.is_empty()
        && a.len() <= 400
        && a.split('/')
            .all(|part| !part.is_empty() && slugify(part) == part)
}

/// The address of `object`'s pages before any namesake is told apart:
/// the section of its kind and the slug of its name in the default
/// language (as [`super::pages`] gives it).
pub fn address(config: &Config, source: &DataSource, object: &Object) -> String {
    let name = object
        .name
        .get(&config.default_language)
        .or_else(|| object.name.values().next())
        .map(String::as_str)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&object.id);
    let slug = super::pages::base_slug(name, &object.id);
    let section: Vec<String> = source
        .section_of(object.category)
        .split('/')
        .filter(|c| !c.is_empty())
        .map(slugify)
        .collect();
    if section.is_empty() {
        slug
    } else {
        format!("{}/{slug}", section.join("/"))
    }
}

/// Records in `renames` the old address of every object of `before` whose
/// address is not the one it has in `after`; returns how many.
pub fn record(
    renames: &mut Renames,
    config: &Config,
    source: &DataSource,
    before: &[Object],
    after: &[Object],
) -> usize {
    let now: BTreeMap<&str, &Object> = after.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut n = 0;
    for old in before {
        let Some(new) = now.get(old.id.as_str()) else {
            continue;
        };
        let (was, is) = (address(config, source, old), address(config, source, new));
        if was == is {
            continue;
        }
        let list = renames
            .entry(source.name.clone())
            .or_default()
            .entry(old.id.clone())
            .or_default();
        if !list.contains(&was) {
            list.push(was);
            n += 1;
        }
        // Back to an old name: that address is the page's own again.
        list.retain(|a| *a != is);
        if list.len() > MAX_PER_OBJECT {
            let extra = list.len() - MAX_PER_OBJECT;
            list.drain(..extra);
        }
    }
    renames.retain(|_, ids| {
        ids.retain(|_, l| !l.is_empty());
        !ids.is_empty()
    });
    n
}

/// Writes `renames` to the site, whole or not at all.
pub fn write(root: &Path, renames: &Renames) -> std::io::Result<()> {
    let mut text = String::from(
        "# Old addresses of the feeds' pages, written by `blason sync` when an\n\
         # object's name changes: the page answers there too, with a redirect.\n\
         # [feed] then \"object id\" = [\"section/old-slug\", …]. Keep this file\n\
         # with the site's sources.\n\n",
    );
    text.push_str(&toml::to_string(renames).map_err(std::io::Error::other)?);
    let path = root.join(FILE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("toml.part");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[[data]]\nname = \"sit\"\nformat = \"datatourisme\"\npath = \"data/sit\"\nsection = \"Où aller\"\nsections = { eat = \"tourisme/manger\" }\n",
        )
        .unwrap()
    }

    fn object(id: &str, name: &str) -> Object {
        let mut o = Object {
            id: id.to_string(),
            ..Object::default()
        };
        o.name.insert("fr".into(), name.into());
        o
    }

    #[test]
    fn a_renamed_object_keeps_its_old_address_and_only_that() {
        let c = config();
        let s = &c.data[0];
        let before = [object("1", "Musée d'Orbière"), object("2", "Le Lac")];
        let after = [object("1", "Musée de l'Horlogerie"), object("2", "Le Lac")];
        let mut r = Renames::new();
        assert_eq!(record(&mut r, &c, s, &before, &after), 1);
        assert_eq!(r["sit"]["1"], ["ou-aller/musee-d-orbiere"]);
        assert!(!r["sit"].contains_key("2"));
        // Renamed back: its first address is its own again.
        assert_eq!(record(&mut r, &c, s, &after, &before), 1);
        assert_eq!(r["sit"]["1"], ["ou-aller/musee-de-l-horlogerie"]);
    }

    #[test]
    fn the_file_is_read_back_as_written_and_checked() {
        let site = tempfile::tempdir().unwrap();
        assert!(read(site.path()).unwrap().is_empty());
        let mut r = Renames::new();
        r.entry("sit".into())
            .or_default()
            .insert("99-a".into(), vec!["culture/le-vieux-nom".into()]);
        write(site.path(), &r).unwrap();
        assert_eq!(read(site.path()).unwrap(), r);
        assert!(!site.path().join("data/renames.toml.part").exists());

        std::fs::write(
            site.path().join(FILE),
            "[sit]\n\"99-a\" = [\"../../etc/passwd\", \"https://x.org/\"]\n",
        )
        .unwrap();
        let e = read(site.path()).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].message
                .contains("`../../etc/passwd` is not an address")
        );
        assert_eq!(e[0].file.as_deref(), Some(FILE));

        std::fs::write(site.path().join(FILE), "[sit]\n\"99-a\" = \"nope\"\n").unwrap();
        let e = read(site.path()).unwrap_err();
        assert_eq!(e[0].file.as_deref(), Some(FILE));
        assert!(e[0].line.is_some(), "{e:?}");
    }
}
