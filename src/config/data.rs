//! `[[data]]`: the tourism data feeds a site reads, validated. The
//! vocabularies the site's configuration speaks (formats, kinds of object)
//! live here so that `content::data` and `sync` share them.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::raw::{Grouping, RawData};
use crate::error::{Diagnostic, suggest};

/// The feed formats blason reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataFormat {
    Datatourisme,
    Apidae,
    Openagenda,
    Tourinsoft,
    /// The national trail schema (GeoJSON), key `schema_randonnee`.
    #[serde(rename = "schema_randonnee")]
    Randonnee,
}

impl DataFormat {
    pub const ALL: [DataFormat; 5] = [
        DataFormat::Datatourisme,
        DataFormat::Apidae,
        DataFormat::Openagenda,
        DataFormat::Tourinsoft,
        DataFormat::Randonnee,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DataFormat::Datatourisme => "datatourisme",
            DataFormat::Apidae => "apidae",
            DataFormat::Openagenda => "openagenda",
            DataFormat::Tourinsoft => "tourinsoft",
            DataFormat::Randonnee => "schema_randonnee",
        }
    }

    pub fn from_key(s: &str) -> Option<DataFormat> {
        DataFormat::ALL.into_iter().find(|f| f.key() == s)
    }
}

/// What kind of place (or object) a page shows, for listings and JSON-LD.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Places to visit: sites, museums, monuments, parks.
    Visit,
    /// Where to eat: restaurants, cafés, producers' tables.
    Eat,
    /// Where to stay: hotels, gîtes, campsites, guest rooms.
    Stay,
    /// Things to do: activities, sports, leisure, wellness.
    Do,
    /// Shops, producers, markets, tastings.
    Shop,
    /// Services: tourist offices, transport, practical services.
    Service,
    /// Events.
    Event,
    /// Tours: walks, rides, trails.
    Tour,
    /// Anything else (an unknown type): a generic place.
    #[default]
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Visit,
        Category::Eat,
        Category::Stay,
        Category::Do,
        Category::Shop,
        Category::Service,
        Category::Event,
        Category::Tour,
        Category::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Category::Visit => "visit",
            Category::Eat => "eat",
            Category::Stay => "stay",
            Category::Do => "do",
            Category::Shop => "shop",
            Category::Service => "service",
            Category::Event => "event",
            Category::Tour => "tour",
            Category::Other => "other",
        }
    }

    pub fn from_key(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == s)
    }

    /// The schema.org type of a page of this category.
    pub fn schema_type(self) -> &'static str {
        match self {
            Category::Visit => "TouristAttraction",
            Category::Eat => "FoodEstablishment",
            Category::Stay => "LodgingBusiness",
            Category::Do => "SportsActivityLocation",
            Category::Shop => "Store",
            Category::Service => "LocalBusiness",
            Category::Event => "Event",
            Category::Tour => "TouristTrip",
            Category::Other => "Place",
        }
    }
}

/// A validated `[[data]]` feed.
#[derive(Debug, Clone, Serialize)]
pub struct DataSource {
    /// Unique among the site's feeds.
    pub name: String,
    pub format: DataFormat,
    /// Relative to the site root.
    pub path: PathBuf,
    pub url: Option<String>,
    /// Relative to the site root.
    pub media: PathBuf,
    /// The content folder of the pages of each kind (relative to
    /// content/, without slashes at the ends; empty: the home section).
    pub sections: IndexMap<Category, String>,
    /// For kinds not in `sections`.
    pub section: String,
    pub pillar: Option<String>,
    pub tags: Vec<String>,
    pub audiences: Vec<String>,
}

impl DataSource {
    /// The content folder a page of kind `c` goes in.
    pub fn section_of(&self, c: Category) -> &str {
        self.sections.get(&c).unwrap_or(&self.section)
    }
}

/// Validates the `[[data]]` tables; problems go to `errors`.
pub(super) fn validate(
    raw: Vec<RawData>,
    pillars: &IndexMap<String, Grouping>,
    audiences: &IndexMap<String, Grouping>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<DataSource> {
    let mut out: Vec<DataSource> = Vec::new();
    for (i, d) in raw.into_iter().enumerate() {
        let at = format!("[[data]] number {}", i + 1);
        let Some(format) = DataFormat::from_key(&d.format) else {
            let keys = DataFormat::ALL.map(DataFormat::key);
            let mut e = Diagnostic::error("config", format!("{at}: unknown format `{}`", d.format));
            e = match suggest(&d.format, keys) {
                Some(s) => e.help(format!("did you mean `{s}`?")),
                None => e.help(format!("write one of: {}", keys.join(", "))),
            };
            errors.push(e);
            continue;
        };
        let name = d.name.clone().unwrap_or_else(|| format.key().to_string());
        if out.iter().any(|o| o.name == name) {
            errors.push(
                Diagnostic::error("config", format!("{at}: a feed is already named `{name}`"))
                    .help("give each [[data]] its own `name`"),
            );
        }
        for (label, p) in [("path", Some(&d.path)), ("media", d.media.as_ref())] {
            if let Some(p) = p
                && (p.is_absolute()
                    || p.components()
                        .any(|c| matches!(c, std::path::Component::ParentDir)))
            {
                errors.push(
                    Diagnostic::error(
                        "config",
                        format!("{at}: `{label}` {} must stay inside the site", p.display()),
                    )
                    .help("write a path relative to the site's folder, such as data/flux"),
                );
            }
        }
        if let Some(url) = &d.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            errors.push(
                Diagnostic::error(
                    "config",
                    format!("{at}: url = \"{url}\" is not a web address"),
                )
                .help("write the feed's address, starting with https://"),
            );
        }
        let mut sections = IndexMap::new();
        for (kind, folder) in &d.sections {
            match Category::from_key(kind) {
                Some(c) => {
                    errors.extend(folder_leaves(&at, &format!("[sections] {kind}"), folder));
                    sections.insert(c, clean_folder(folder));
                }
                None => {
                    let keys = Category::ALL.map(Category::key);
                    errors.push(
                        Diagnostic::error(
                            "config",
                            format!("{at}: [sections] has an unknown kind `{kind}`"),
                        )
                        .help(match suggest(kind, keys) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("write one of: {}", keys.join(", ")),
                        }),
                    );
                }
            }
        }
        if let Some(p) = &d.pillar
            && !pillars.contains_key(p)
        {
            errors.push(
                Diagnostic::error("config", format!("{at}: pillar `{p}` is not declared"))
                    .help("declare it under [pillars], or remove `pillar`"),
            );
        }
        for a in &d.audiences {
            if !audiences.contains_key(a) {
                errors.push(
                    Diagnostic::error("config", format!("{at}: audience `{a}` is not declared"))
                        .help("declare it under [audiences]"),
                );
            }
        }
        let section = d.section.as_deref().unwrap_or(&name);
        errors.extend(folder_leaves(&at, "section", section));
        out.push(DataSource {
            section: clean_folder(section),
            name,
            format,
            path: d.path,
            url: d.url,
            media: d.media.unwrap_or_else(|| PathBuf::from("data/media")),
            sections,
            pillar: d.pillar,
            tags: d.tags,
            audiences: d.audiences,
        });
    }
    out
}

/// A folder under content/ as pages' paths write it: parts joined by `/`,
/// without empty parts or `.` (`./tourisme\lieux/` is `tourisme/lieux`).
fn clean_folder(s: &str) -> String {
    s.split(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The error of a folder that climbs out of content/ with `..`.
fn folder_leaves(at: &str, key: &str, folder: &str) -> Option<Diagnostic> {
    folder.split(['/', '\\']).any(|part| part == "..").then(|| {
        Diagnostic::error(
            "config",
            format!("{at}: {key} = \"{folder}\" leaves the content/ folder"),
        )
        .help("write a folder under content/, such as \"tourisme/ou-manger\"")
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn parse(data: &str) -> Result<Config, crate::error::Error> {
        Config::parse(&format!(
            "base_url = \"https://example.org\"\ntitle = \"T\"\n[pillars]\ntourisme = {{ title = \"D\" }}\n{data}"
        ))
    }

    #[test]
    fn feeds_get_their_defaults_and_their_folders() {
        let c = parse(
            "[[data]]\nformat = \"datatourisme\"\npath = \"data/flux\"\npillar = \"tourisme\"\n[data.sections]\neat = \"/tourisme/ou-manger/\"\n",
        )
        .unwrap();
        let d = &c.data[0];
        assert_eq!(d.name, "datatourisme");
        assert_eq!(d.media, std::path::PathBuf::from("data/media"));
        assert_eq!(d.section_of(super::Category::Eat), "tourisme/ou-manger");
        assert_eq!(d.section_of(super::Category::Stay), "datatourisme");
        // Written loosely, a folder is the one pages' paths name.
        let c = parse(
            "[[data]]\nformat = \"datatourisme\"\npath = \"data/flux\"\nsection = \"./tourisme\\\\lieux//\"\n[data.sections]\neat = \".\"\n",
        )
        .unwrap();
        let d = &c.data[0];
        assert_eq!(d.section_of(super::Category::Stay), "tourisme/lieux");
        assert_eq!(d.section_of(super::Category::Eat), "");
    }

    #[test]
    fn every_mistake_is_named() {
        let err = parse(
            "[[data]]\nformat = \"datatourism\"\npath = \"x\"\n[[data]]\nformat = \"apidae\"\npath = \"../elsewhere\"\nsection = \"../static\"\nurl = \"ftp://x\"\npillar = \"sport\"\n[data.sections]\nrestaurants = \"a\"\neat = \"tourisme/../../x\"\n",
        )
        .unwrap_err();
        let text = err.to_string();
        for expected in [
            "unknown format `datatourism`",
            "did you mean `datatourisme`",
            "must stay inside the site",
            "is not a web address",
            "pillar `sport` is not declared",
            "unknown kind `restaurants`",
            "section = \"../static\" leaves the content/ folder",
            "[sections] eat = \"tourisme/../../x\" leaves",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }
}
