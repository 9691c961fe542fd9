//! Tourinsoft Syndication: the records of a syndication's OData feed, one
//! file at a time. A file is an OData v2 response (`{"d": {"results":
//! [...]}}`), a v3 one (`{"value": [...]}`), a bare array of records, or one
//! record.
//!
//! Each syndication chooses its fields and their names, so the reader
//! looks for the usual ones, whatever their case: `SyndicObjectID`,
//! `SyndicObjectName`, `ObjectTypeName` (the category; without it, the
//! record type the id starts with: `HOT…` a hotel, `FMA…` an event),
//! `Classification`, the descriptions (`DescriptionCommerciale` the short
//! one, `DescriptionCommerciale2`, `Descriptif` the long one), the address
//! (`AdresseComplete`, `Adresse1`…, `CodePostal`, `Commune`), the point
//! (`GmapLatitude`/`GmapLongitude`, `Latitude`/`Longitude`), the means of
//! contact (`MoyenDeCom`), the opening periods (`PeriodeOuverture`; for
//! an event, its dates), prices (`Tarifs`), payment, languages, labels,
//! the prefectoral classification (stars), capacity, amenities, photos
//! (`Photos`, or v3's `MediaPhotoss`) and `Updated`. A v2 feed packs lists
//! into text (`Type|value#Type|value`); a v3 feed writes them as arrays of
//! objects (`MoyensDeComs: [{TypedaccesTelecom: {ThesLibelle}, …}]`), and
//! both are read.
//!
//! Tourinsoft texts are French; a syndication in another language is
//! another feed.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::{Date, Time};
use serde_json::Value;

use super::fields::{self, Fields};
use super::json::{self, Node};
use super::openagenda::{check_coordinates, push_new};
use super::source::ReadResult;
use super::{Cost, Image, Object, Occurrence, Opening, Texts};
use crate::content::practical::{Category, Day, Disability};

/// Reads one file of a Tourinsoft feed.
pub fn read(bytes: &[u8], file: &str) -> ReadResult {
    let root = json::parse(bytes, file).map_err(|e| vec![e])?;
    let mut fields = Fields::new(file);
    let mut objects = Vec::new();
    let node = Node::root(&root);
    let mut records = |f: &mut Fields<'_>, list: Node<'_>| {
        if f.array(list, "a list of records") {
            json::each(list, |r| objects.extend(record(f, r)));
        }
    };
    match &root {
        Value::Object(map) if map.contains_key("d") => {
            json::with_key(node, "d", |d| match d.value {
                Value::Object(m) if m.contains_key("results") => {
                    json::with_key(d, "results", |list| records(&mut fields, list));
                }
                Value::Array(_) => records(&mut fields, d),
                Value::Object(_) => records(&mut fields, d),
                v => fields.error(
                    d,
                    format_args!("expected the records ({{\"results\": [...]}}), found {}", json::describe(v)),
                ),
            });
        }
        Value::Object(map) if map.contains_key("value") => {
            json::with_key(node, "value", |list| records(&mut fields, list));
        }
        Value::Array(_) => records(&mut fields, node),
        Value::Object(_) if lookup(node).has(&["SyndicObjectID"]) => records(&mut fields, node),
        v => fields.error(
            node,
            format_args!(
                "expected a Tourinsoft Syndication response ({{\"d\": {{\"results\": [...]}}}} or {{\"value\": [...]}}), found {}",
                json::describe(v)
            ),
        ),
    }
    fields.finish(objects)
}

/// The keys of an object, whatever their case.
struct Keys<'a> {
    node: Node<'a>,
    by_lower: HashMap<String, &'a str>,
}

fn lookup(node: Node<'_>) -> Keys<'_> {
    let by_lower = match node.value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| (k.to_ascii_lowercase(), k.as_str()))
            .collect(),
        _ => HashMap::new(),
    };
    Keys { node, by_lower }
}

impl<'a> Keys<'a> {
    /// The first of `names` the object has (not `null`), as it spells it.
    fn key(&self, names: &[&str]) -> Option<&'a str> {
        names
            .iter()
            .find_map(|n| self.by_lower.get(&n.to_ascii_lowercase()).copied())
    }

    fn has(&self, names: &[&str]) -> bool {
        self.key(names).is_some()
    }

    /// Calls `f` with the first of `names` present.
    fn with<R>(&self, names: &[&str], f: impl FnOnce(Node<'_>) -> R) -> Option<R> {
        let key = self.key(names)?;
        json::with_key(self.node, key, f)
    }

    /// Text of the first of `names` present; an array or an object there
    /// is another syndication's layout of the field, not text, and is
    /// passed over.
    fn text(&self, f: &mut Fields<'_>, names: &[&str]) -> Option<String> {
        self.with(names, |n| match n.value {
            Value::Array(_) | Value::Object(_) => None,
            _ => f.text(n),
        })
        .flatten()
    }

    fn number(&self, f: &mut Fields<'_>, names: &[&str]) -> Option<f64> {
        self.with(names, |n| f.number(n)).flatten()
    }
}

/// The values of a list field: text packed with `#` (v2), or an array of
/// thesaurus entries (`{"ThesLibelle": …}`) or of text (v3).
fn list(f: &mut Fields<'_>, n: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    match n.value {
        Value::String(s) => out.extend(
            s.split('#')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        ),
        Value::Array(_) => json::each(n, |item| match item.value {
            Value::Object(_) => {
                let keys = lookup(item);
                out.extend(keys.text(f, &["ThesLibelle", "Libelle"]));
                // A group whose one field is a list (`Services: [...]`).
                if keys.key(&["ThesLibelle", "Libelle"]).is_none() {
                    for (_, key) in keys.by_lower.iter() {
                        json::with_key(item, key, |v| {
                            if v.value.is_array() {
                                out.extend(list(f, v));
                            }
                        });
                    }
                }
            }
            _ => out.extend(f.text(item)),
        }),
        Value::Object(_) => out.extend(lookup(n).text(f, &["ThesLibelle", "Libelle"])),
        Value::Null => {}
        v => f.error(
            n,
            format_args!(
                "expected a list (text or an array), found {}",
                json::describe(v)
            ),
        ),
    }
    out
}

/// The array of objects of a v3 group (`ADRESSEs`, `Photoss`, …), each
/// item with its keys.
fn groups<'a>(f: &mut Fields<'_>, n: Node<'a>, mut each: impl FnMut(&mut Fields<'_>, Keys<'_>)) {
    match n.value {
        Value::Array(_) => json::each(n, |item| {
            if f.object(item, "an object") {
                each(f, lookup(item));
            }
        }),
        Value::Object(_) => each(f, lookup(n)),
        _ => {}
    }
}

fn fr(text: String) -> Texts {
    Texts::from([("fr".to_string(), text.replace("\r\n", "\n"))])
}

/// The category an `ObjectTypeName` names ("Hôtellerie", "Fêtes et
/// manifestations", "Hébergements locatifs (meublés et chambres d'hôtes)").
fn category_of_type(name: &str) -> Category {
    let n = deunicode::deunicode(name).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&["fete", "manifestation", "evenement", "agenda"]) {
        Category::Event
    } else if has(&["itineraire", "randonnee", "circuit", "balade"]) {
        Category::Tour
    } else if has(&["restau"]) {
        Category::Eat
    } else if has(&[
        "hotel",
        "heberg",
        "camping",
        "plein air",
        "residence",
        "village",
        "chambre",
        "gite",
        "meuble",
        "locatif",
    ]) {
        Category::Stay
    } else if has(&["patrimoine", "musee", "monument", "site", "visite"]) {
        Category::Visit
    } else if has(&[
        "degustation",
        "produit",
        "terroir",
        "commerce",
        "boutique",
        "artisan",
    ]) {
        Category::Shop
    } else if has(&["loisir", "activite", "sport", "sejour", "bien-etre"]) {
        Category::Do
    } else if has(&["service", "organisme", "office", "transport", "information"]) {
        Category::Service
    } else {
        Category::Other
    }
}

/// The category of a Tourinsoft record type, the three letters its id
/// starts with (`HOTCEN0280010001`).
fn category_of_id(id: &str) -> Category {
    match id.get(..3).map(str::to_ascii_uppercase).as_deref() {
        Some("FMA") => Category::Event,
        Some("RES") => Category::Eat,
        Some("HOT" | "HLO" | "HPA" | "HCO" | "VIL" | "CHO") => Category::Stay,
        Some("PCU" | "PNA") => Category::Visit,
        Some("ITI") => Category::Tour,
        Some("DEG") => Category::Shop,
        Some("LOI" | "ASC") => Category::Do,
        Some("ORG" | "COS") => Category::Service,
        _ => Category::Other,
    }
}

fn record(f: &mut Fields<'_>, r: Node<'_>) -> Option<Object> {
    if !f.object(r, "a record (an object)") {
        return None;
    }
    let keys = lookup(r);
    let Some(id) = keys.text(f, &["SyndicObjectID"]) else {
        f.error(r, "a record without its `SyndicObjectID`");
        return None;
    };
    let mut o = Object {
        file: f.file.to_string(),
        pointer: r.path(),
        ..Object::default()
    };
    let kind = keys.text(f, &["ObjectTypeName"]);
    o.category = kind
        .as_deref()
        .map(category_of_type)
        .filter(|c| *c != Category::Other)
        .unwrap_or_else(|| category_of_id(&id));
    o.types.extend(kind);
    o.id = id;
    o.type_label = keys
        .with(&["Classification"], |n| list(f, n))
        .and_then(|l| l.into_iter().next())
        .map(fr)
        .unwrap_or_default();
    o.name = keys
        .text(
            f,
            &[
                "SyndicObjectName",
                "NomOffre",
                "Nom",
                "RaisonSociale",
                "title",
            ],
        )
        .map(fr)
        .unwrap_or_default();
    texts(f, &keys, &mut o);
    address(f, &keys, &mut o);
    o.lat = keys.number(f, &["GmapLatitude", "GooglemapLatitude", "Latitude"]);
    o.lon = keys.number(f, &["GmapLongitude", "GooglemapLongitude", "Longitude"]);
    if o.lat.is_none() {
        keys.with(
            &["Geolocalisations", "GEOLOCALISATIONs", "Geolocalisation"],
            |g| {
                groups(f, g, |f, item| {
                    if o.lat.is_none() {
                        o.lat = item.number(f, &["Latitude", "Latitudedecimalegooglemap"]);
                        o.lon = item.number(f, &["Longitude", "Longitudedecimalegooglemap"]);
                    }
                })
            },
        );
    }
    check_coordinates(f, r, &mut o);
    keys.with(
        &[
            "MoyenDeCom",
            "MoyensDeComs",
            "MoyenDeComs",
            "MOYENSCOMs",
            "MOYENCOMs",
        ],
        |n| contacts(f, n, &mut o),
    );
    for (names, kind) in [
        (&["Telephone", "Tel", "TelephoneFilaire"][..], "phone"),
        (&["Mobile", "TelephoneCellulaire", "Portable"][..], "phone"),
        (&["Email", "Mail", "Mel"][..], "email"),
        (&["SiteWeb", "SiteInternet", "Web", "Url"][..], "web"),
    ] {
        if let Some(value) = keys.text(f, names) {
            for v in value.split('#').map(str::trim).filter(|v| !v.is_empty()) {
                add_contact(&mut o, kind, v.to_string());
            }
        }
    }
    let periods = keys.with(
        &[
            "PeriodeOuverture",
            "PeriodesOuverture",
            "Ouverture",
            "OUVERTUREs",
            "Ouvertures",
            "DATESs",
            "Dates",
            "DatesOuverture",
        ],
        |n| periods(f, n),
    );
    let periods = periods.unwrap_or_default();
    if o.category == Category::Event {
        for p in &periods {
            event_dates(p, &mut o.dates);
        }
        o.dates.sort_by_key(|d| (d.start, d.start_time));
        o.dates.dedup();
    } else {
        for p in periods {
            for (days, opens, closes) in p.slots {
                o.hours.push(Opening {
                    from: p.from,
                    to: p.to,
                    days,
                    opens,
                    closes,
                    ..Opening::default()
                });
            }
        }
    }
    keys.with(&["Tarifs", "TARIFs", "Tarifss", "Tarif"], |n| {
        prices(f, n, &mut o)
    });
    for label in keys
        .with(
            &[
                "ModesPaiements",
                "ModesPaiement",
                "ModePaiement",
                "ModesDePaiement",
            ],
            |n| list(f, n),
        )
        .unwrap_or_default()
    {
        o.payment.push(fr(label));
    }
    for name in keys
        .with(&["LanguesParlees", "LanguesParleess", "Langues"], |n| {
            list(f, n)
        })
        .unwrap_or_default()
    {
        if let Some(code) = fields::language_code(&name) {
            push_new(&mut o.languages, code.to_string());
        }
    }
    for label in keys
        .with(
            &[
                "Handicap",
                "TourismeHandicap",
                "LabelTourismeHandicap",
                "Accessibilite",
            ],
            |n| list(f, n),
        )
        .unwrap_or_default()
    {
        accessibility(&label, &mut o);
    }
    o.accessibility.sort();
    // "Oui", "Non", "Acceptés", "Non acceptés", or true and false.
    o.pets = keys
        .with(&["AnimauxAcceptes", "Animaux"], |n| match n.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => {
                let s = deunicode::deunicode(s).to_lowercase();
                if s.starts_with("non") || s.contains("refuse") {
                    Some(false)
                } else if s.starts_with("oui") || s.contains("accept") {
                    Some(true)
                } else {
                    None
                }
            }
            _ => None,
        })
        .flatten();
    for label in keys
        .with(&["Labels", "Label", "LABELs"], |n| list(f, n))
        .unwrap_or_default()
    {
        push_label(&mut o, label);
    }
    let rank = keys.with(
        &[
            "ClassementsllPrefectoral",
            "ClassementPrefectoral",
            "Classement",
            "CLASs",
        ],
        |n| list(f, n),
    );
    for label in rank.unwrap_or_default() {
        stars(&label, &mut o);
    }
    // "40", 40, or "40 personnes".
    o.capacity = keys
        .text(
            f,
            &[
                "CapaciteTotale",
                "Capacite",
                "CapaciteAccueil",
                "NombrePersonnes",
            ],
        )
        .and_then(|t| {
            let digits: String = t.trim().chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        });
    for names in [
        &["PrestationsEquipements", "Equipements"][..],
        &["PrestationsConforts", "Conforts"],
        &["PrestationsServices", "Services", "SERVICESs"],
        &["PrestationsActivites", "Activites"],
    ] {
        for label in keys.with(names, |n| list(f, n)).unwrap_or_default() {
            let t = fr(label);
            if !o.amenities.contains(&t) {
                o.amenities.push(t);
            }
        }
    }
    keys.with(
        &[
            "MediaPhotoss",
            "Photos",
            "PHOTOSs",
            "Photoss",
            "MediaPhotos",
        ],
        |n| photos(f, n, &mut o),
    );
    o.updated = keys
        .with(&["Updated", "DateMaj", "DateModification"], |n| f.date(n))
        .flatten();
    Some(o)
}

fn texts(f: &mut Fields<'_>, keys: &Keys<'_>, o: &mut Object) {
    o.short = keys
        .text(
            f,
            &[
                "DescriptionCommerciale",
                "DescriptifCourt",
                "Accroche",
                "DescriptionCourte",
            ],
        )
        .map(fr)
        .unwrap_or_default();
    o.description = keys
        .text(
            f,
            &[
                "DescriptionCommerciale2",
                "Descriptif",
                "DescriptifLong",
                "Description",
            ],
        )
        .map(fr)
        .unwrap_or_default();
    if o.description.is_empty() {
        keys.with(
            &[
                "DESCRIPTIFSs",
                "DescriptionsCommercialess",
                "DESCRIPTIFs",
                "DESCRIPTIFSCOMMERCIALs",
            ],
            |n| {
                groups(f, n, |f, item| {
                    if o.description.is_empty() {
                        o.description = item
                            .text(
                                f,
                                &[
                                    "Descriptioncommerciale",
                                    "Description",
                                    "Descriptif",
                                    "Descriptifcommercial",
                                ],
                            )
                            .map(fr)
                            .unwrap_or_default();
                    }
                })
            },
        );
    }
}

fn address(f: &mut Fields<'_>, keys: &Keys<'_>, o: &mut Object) {
    // v2: `Rue de la Bruyère|||28400|NOGENT-LE-ROTROU|28280`.
    if let Some(line) = keys.text(f, &["AdresseComplete"]) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        o.street.extend(
            parts
                .iter()
                .take(3)
                .filter(|p| !p.is_empty())
                .map(|p| p.to_string()),
        );
        let part = |i: usize| {
            parts
                .get(i)
                .filter(|p| !p.is_empty())
                .map(|p| p.to_string())
        };
        o.postal_code = part(3);
        o.commune = part(4);
        o.insee = part(5);
        return;
    }
    let mut from = |f: &mut Fields<'_>, k: &Keys<'_>| {
        for names in [
            &["Adresse1", "Adresse"][..],
            &["Adresse1Suite"],
            &["Adresse2"],
            &["Adresse3"],
        ] {
            o.street.extend(k.text(f, names));
        }
        o.postal_code = k.text(f, &["CodePostal", "CP"]);
        o.commune = k.text(f, &["Commune", "Ville", "Municipalite"]);
        o.insee = k.text(f, &["CodeInsee", "Insee", "CodeINSEE"]);
    };
    if keys.has(&["CodePostal", "Commune", "Ville", "Adresse1"]) {
        from(f, keys);
        return;
    }
    keys.with(&["ADRESSEs", "AdresseCompletes", "Adresses"], |n| {
        let mut done = false;
        groups(f, n, |f, item| {
            if !done {
                from(f, &item);
                done = true;
            }
        })
    });
}

fn add_contact(o: &mut Object, kind: &str, value: String) {
    match kind {
        "phone" => push_new(&mut o.phones, value),
        "email" => push_new(&mut o.emails, value),
        "web" if o.web.is_none() => o.web = Some(value),
        "booking" if o.booking.is_none() => o.booking = Some(value),
        _ => {}
    }
}

/// What a means of contact is, from its type's label or code.
fn contact_kind(label: &str) -> Option<&'static str> {
    let l = deunicode::deunicode(label).to_lowercase();
    if l.contains("fax") || l.contains("telecopi") {
        None
    } else if l.contains("reserv") {
        Some("booking")
    } else if l.contains("telephone")
        || l.contains("portable")
        || l.contains("mobile")
        || l == "c1"
        || l == "c6"
    {
        Some("phone")
    } else if l.contains("mel") || l.contains("mail") || l == "c4" {
        Some("email")
    } else if l.contains("site web") || l.contains("url") || l == "c5" {
        Some("web")
    } else {
        None
    }
}

/// `Téléphone filaire|02 37 00 00 00#Mél|x@y.fr` (v2), or
/// `[{"TypedaccesTelecom": {"ThesLibelle": "Mél"}, "CoordonneesTelecom": …}]`.
fn contacts(f: &mut Fields<'_>, n: Node<'_>, o: &mut Object) {
    match n.value {
        Value::String(s) => {
            for entry in s.split('#') {
                let Some((kind, value)) = entry.split_once('|') else {
                    continue;
                };
                let value = value.trim();
                if let (Some(kind), false) = (contact_kind(kind), value.is_empty()) {
                    add_contact(o, kind, value.to_string());
                }
            }
        }
        _ => groups(f, n, |f, item| {
            let label = item
                .with(&["TypedaccesTelecom", "Type"], |t| match t.value {
                    Value::Object(_) => {
                        let k = lookup(t);
                        k.text(f, &["ThesLibelle"])
                            .or_else(|| k.text(f, &["ThesCode"]))
                    }
                    _ => f.text(t),
                })
                .flatten();
            let value = item.text(f, &["CoordonneesTelecom", "Coordonnees", "Valeur"]);
            if let (Some(kind), Some(value)) = (label.as_deref().and_then(contact_kind), value) {
                add_contact(o, kind, value);
            }
        }),
    }
}

/// An opening period: its dates and its slots (days, none for every day,
/// and hours).
struct Period {
    from: Option<Date>,
    to: Option<Date>,
    slots: Vec<(Vec<Day>, Option<Time>, Option<Time>)>,
}

fn periods(f: &mut Fields<'_>, n: Node<'_>) -> Vec<Period> {
    let mut out = Vec::new();
    match n.value {
        Value::String(s) => {
            for entry in s.split('#').filter(|e| !e.trim().is_empty()) {
                match packed_period(entry) {
                    Ok(p) => out.extend(p),
                    Err(bad) => f.error(n, format_args!("{bad} in the period {entry:?}")),
                }
            }
        }
        _ => groups(f, n, |f, item| {
            let from = item
                .with(&["Datededebut", "Datedebut", "DateDebut"], |d| f.date(d))
                .flatten();
            let to = item
                .with(&["Datedefin", "Datefin", "DateFin"], |d| f.date(d))
                .flatten();
            let mut spans = Vec::new();
            for (o, c) in [
                ("Heuredouverture1", "Heuredefermeture1"),
                ("Heuredouverture2", "Heuredefermeture2"),
            ] {
                let opens = item.with(&[o], |t| f.time(t)).flatten();
                let closes = item.with(&[c], |t| f.time(t)).flatten();
                if opens.is_some() || closes.is_some() {
                    spans.push((opens, closes));
                }
            }
            let closed = item
                .with(&["Joursdefermeture"], |d| list(f, d))
                .unwrap_or_default();
            let days = every_day_is_none(
                Day::ALL
                    .into_iter()
                    .filter(|d| !closed.iter().any(|c| fields::day_name(c) == Some(*d)))
                    .collect(),
            );
            let slots = if spans.is_empty() {
                vec![(days, None, None)]
            } else {
                spans
                    .into_iter()
                    .map(|(o, c)| (days.clone(), o, c))
                    .collect()
            };
            if from.is_some() || to.is_some() {
                out.push(Period { from, to, slots });
            }
        }),
    }
    out
}

/// `from|to|opens1|closes1|opens2|closes2|open days|closed days`, days
/// joined by `$` ("Dimanche$Mardi soir"): a day followed by "matin" is
/// open for the first span only, by "soir" or "après-midi" for the second.
fn packed_period(entry: &str) -> Result<Option<Period>, String> {
    let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
    let part = |i: usize| parts.get(i).copied().filter(|p| !p.is_empty());
    let date = |i: usize| -> Result<Option<Date>, String> {
        part(i)
            .map(|p| fields::parse_date(p).ok_or_else(|| format!("expected a date, found {p:?}")))
            .transpose()
    };
    let time = |i: usize| -> Result<Option<Time>, String> {
        part(i)
            .map(|p| {
                fields::parse_time(p).ok_or_else(|| format!("expected a time of day, found {p:?}"))
            })
            .transpose()
    };
    let (from, to) = (date(0)?, date(1)?);
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let spans: Vec<(Option<Time>, Option<Time>)> = [(time(2)?, time(3)?), (time(4)?, time(5)?)]
        .into_iter()
        .filter(|(o, c)| o.is_some() || c.is_some())
        .collect();
    // For each span, the days it is open.
    let mut span_days: Vec<Vec<Day>> = vec![Vec::new(); spans.len().max(1)];
    let open: Vec<&str> = part(6).map(|p| p.split('$').collect()).unwrap_or_default();
    let closed: Vec<&str> = part(7).map(|p| p.split('$').collect()).unwrap_or_default();
    let mut any_open = false;
    for entry in &open {
        let lower = deunicode::deunicode(entry.trim()).to_lowercase();
        let mut words = lower.split_whitespace();
        let Some(day) = words.next().and_then(fields::day_name) else {
            continue;
        };
        any_open = true;
        let which: Vec<usize> = match words.next() {
            Some("matin") => vec![0],
            Some("soir" | "apres-midi" | "apres") => vec![span_days.len() - 1],
            _ => (0..span_days.len()).collect(),
        };
        for i in which {
            if !span_days[i].contains(&day) {
                span_days[i].push(day);
            }
        }
    }
    if !any_open {
        let closed_days: Vec<Day> = closed
            .iter()
            .filter(|c| c.split_whitespace().count() == 1)
            .filter_map(|c| fields::day_name(c))
            .collect();
        let days: Vec<Day> = Day::ALL
            .into_iter()
            .filter(|d| !closed_days.contains(d))
            .collect();
        for s in &mut span_days {
            *s = days.clone();
        }
    }
    let mut slots = Vec::new();
    if spans.is_empty() {
        slots.push((every_day_is_none(span_days.swap_remove(0)), None, None));
    } else {
        for ((opens, closes), days) in spans.into_iter().zip(span_days) {
            if !days.is_empty() {
                slots.push((every_day_is_none(days), opens, closes));
            }
        }
    }
    Ok(Some(Period { from, to, slots }))
}

fn every_day_is_none(mut days: Vec<Day>) -> Vec<Day> {
    days.sort();
    days.dedup();
    if days.len() == 7 { Vec::new() } else { days }
}

/// The dates of an event's period: one range, or each day of it on which
/// the event runs when the period names days.
fn event_dates(p: &Period, out: &mut Vec<Occurrence>) {
    let Some(start) = p.from.or(p.to) else { return };
    let end = p.to.filter(|t| *t >= start).unwrap_or(start);
    let occurrence = |s: Date, e: Date, opens, closes| Occurrence {
        start: s,
        end: (e != s).then_some(e),
        start_time: opens,
        end_time: closes,
        start_at: None,
        end_at: None,
    };
    let span = start.until(end).map(|s| s.get_days()).unwrap_or(i32::MAX);
    let first = p.slots.first();
    for (days, opens, closes) in &p.slots {
        // The first span of a day gives the event's times.
        if first.is_some_and(|(_, o, _)| o != opens) {
            continue;
        }
        if days.is_empty() || span > 366 {
            out.push(occurrence(start, end, *opens, *closes));
            continue;
        }
        let mut day = start;
        while day <= end {
            if days.contains(&Day::of(day.weekday())) {
                out.push(occurrence(day, day, *opens, *closes));
            }
            match day.checked_add(1.day()) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
    }
}

/// `Adulte plein tarif|complement|min|max|#…` (v2) or an array of price
/// objects (v3). Entries without an amount say nothing and are left out.
fn prices(f: &mut Fields<'_>, n: Node<'_>, o: &mut Object) {
    let amount = |s: &str| {
        s.trim()
            .trim_end_matches('€')
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
    };
    match n.value {
        Value::String(s) => {
            for entry in s.split('#') {
                let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
                let min = parts.get(2).and_then(|p| amount(p));
                let max = parts.get(3).and_then(|p| amount(p));
                if min.is_none() && max.is_none() {
                    continue;
                }
                let text = |i: usize| {
                    parts
                        .get(i)
                        .filter(|p| !p.is_empty())
                        .map(|p| fr(p.to_string()))
                        .unwrap_or_default()
                };
                o.prices.push(Cost {
                    label: text(0),
                    min,
                    max,
                    currency: Some("EUR".to_string()),
                    note: text(1),
                });
            }
        }
        _ => groups(f, n, |f, item| {
            let label = item
                .with(
                    &["Typedetarif", "TypeTarif", "Libelle", "Type"],
                    |t| match t.value {
                        Value::Object(_) => lookup(t).text(f, &["ThesLibelle"]),
                        _ => f.text(t),
                    },
                )
                .flatten();
            let min = item.number(f, &["Tarifmin", "TarifMin", "Minimum", "Min", "Prix"]);
            let max = item.number(f, &["Tarifmax", "TarifMax", "Maximum", "Max"]);
            if min.is_none() && max.is_none() {
                return;
            }
            o.prices.push(Cost {
                label: label.map(fr).unwrap_or_default(),
                min,
                max,
                currency: Some("EUR".to_string()),
                note: item
                    .text(f, &["Complement", "Precision"])
                    .map(fr)
                    .unwrap_or_default(),
            });
        }),
    }
}

fn accessibility(label: &str, o: &mut Object) {
    let l = deunicode::deunicode(label).to_lowercase();
    let family = if l.contains("moteur") {
        Some(Disability::Motor)
    } else if l.contains("auditi") || l.contains("malentend") || l.contains("sourd") {
        Some(Disability::Hearing)
    } else if l.contains("visuel") || l.contains("malvoyant") || l.contains("aveugle") {
        Some(Disability::Visual)
    } else if l.contains("mental") || l.contains("intellect") || l.contains("psychique") {
        Some(Disability::Mental)
    } else {
        None
    };
    if let Some(family) = family.filter(|d| !o.accessibility.contains(d)) {
        o.accessibility.push(family);
    }
    if l.contains("fauteuil") || l.contains("mobilite reduite") || l.contains("pmr") {
        o.reduced_mobility = Some(true);
    }
}

fn push_label(o: &mut Object, label: String) {
    let t = fr(label);
    if !o.labels.contains(&t) {
        o.labels.push(t);
    }
}

/// "3 étoiles" gives stars; "3 épis", "2 clés" are labels.
fn stars(label: &str, o: &mut Object) {
    let l = deunicode::deunicode(label).to_lowercase();
    match l.trim_start().bytes().next().filter(u8::is_ascii_digit) {
        Some(d) if l.contains("etoile") => o.stars = Some(d - b'0'),
        Some(_) => push_label(o, label.to_string()),
        None => {}
    }
}

/// `url|title|credit#…` (v2), or `[{"Photo": {"Url", "Titre", "Credit"}}]`.
fn photos(f: &mut Fields<'_>, n: Node<'_>, o: &mut Object) {
    match n.value {
        Value::String(s) => {
            for entry in s.split('#') {
                let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
                let Some(url) = parts.first().filter(|u| !u.is_empty()) else {
                    continue;
                };
                let part = |i: usize| {
                    parts
                        .get(i)
                        .filter(|p| !p.is_empty())
                        .map(|p| p.to_string())
                };
                o.images.push(Image {
                    url: url.to_string(),
                    title: part(1).map(fr).unwrap_or_default(),
                    credit: part(2),
                    until: None,
                });
            }
        }
        _ => groups(f, n, |f, item| {
            let photo = |f: &mut Fields<'_>, k: &Keys<'_>| -> Option<Image> {
                Some(Image {
                    url: k.text(f, &["Url"])?,
                    title: k.text(f, &["Titre", "Title"]).map(fr).unwrap_or_default(),
                    credit: k.text(f, &["Credit", "Copyright"]),
                    until: k
                        .with(&["DateFinDroits", "Datedefindedroits"], |d| f.date(d))
                        .flatten(),
                })
            };
            let image = match item.key(&["Photo", "Media"]) {
                Some(key) => json::with_key(item.node, key, |p| {
                    if f.object(p, "a photo (an object)") {
                        photo(f, &lookup(p))
                    } else {
                        None
                    }
                })
                .flatten(),
                None => photo(f, &item),
            };
            o.images.extend(image);
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/data/tourinsoft"
    );

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn read_fixture(name: &str) -> Vec<Object> {
        read(&fixture(name), &format!("data/tourinsoft/{name}")).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn time(s: &str) -> Time {
        s.parse().unwrap()
    }

    fn fr(s: &str) -> Texts {
        Texts::from([("fr".to_string(), s.to_string())])
    }

    #[test]
    fn a_v2_response_packs_its_lists_into_text() {
        let objects = read_fixture("v2.json");
        assert_eq!(objects.len(), 2);
        let o = &objects[0];
        assert_eq!(o.id, "HOTVAL0990010001");
        assert_eq!(o.pointer, "$.d.results[0]");
        assert_eq!(o.category, Category::Stay);
        assert_eq!(o.types, vec!["Hôtellerie".to_string()]);
        assert_eq!(o.type_label, fr("Hôtels"));
        assert_eq!(o.name, fr("Hôtel des Vergers"));
        assert_eq!(o.short, fr("Un hôtel au milieu des pommiers."));
        assert_eq!(o.street, vec!["3 chemin des Vergers".to_string()]);
        assert_eq!(o.postal_code.as_deref(), Some("99110"));
        assert_eq!(o.commune.as_deref(), Some("ORBIÈRE"));
        assert_eq!(o.insee.as_deref(), Some("99110"));
        assert_eq!((o.lat, o.lon), (Some(46.1111), Some(2.5222)));
        assert_eq!(
            o.phones,
            vec!["05 55 00 00 30".to_string(), "06 00 00 00 30".to_string()]
        );
        assert_eq!(o.emails, vec!["vergers@orbiere.example".to_string()]);
        assert_eq!(o.web.as_deref(), Some("https://hotel-des-vergers.example"));
        // Two periods: open Tuesday evening to Sunday, closed Mondays.
        let tue_to_sun = vec![Day::We, Day::Th, Day::Fr, Day::Sa, Day::Su];
        assert_eq!(
            o.hours,
            vec![
                Opening {
                    from: Some(date("2026-01-01")),
                    to: Some(date("2026-07-21")),
                    days: tue_to_sun.clone(),
                    opens: Some(time("08:00")),
                    closes: Some(time("14:00")),
                    ..Opening::default()
                },
                Opening {
                    from: Some(date("2026-01-01")),
                    to: Some(date("2026-07-21")),
                    days: vec![Day::Tu, Day::We, Day::Th, Day::Fr, Day::Sa, Day::Su],
                    opens: Some(time("18:00")),
                    closes: Some(time("22:00")),
                    ..Opening::default()
                },
                Opening {
                    from: Some(date("2026-08-08")),
                    to: Some(date("2026-12-31")),
                    ..Opening::default()
                },
            ]
        );
        assert_eq!(
            o.prices,
            vec![Cost {
                label: fr("Chambre double"),
                min: Some(75.0),
                max: Some(98.5),
                currency: Some("EUR".into()),
                note: fr("petit déjeuner compris"),
            }]
        );
        assert_eq!(o.payment, vec![fr("Carte bleue"), fr("Espèces")]);
        assert_eq!(o.languages, vec!["en".to_string(), "de".to_string()]);
        assert_eq!(o.labels, vec![fr("Qualité Tourisme")]);
        assert_eq!(o.stars, Some(2));
        assert_eq!(o.capacity, Some(30));
        assert_eq!(o.accessibility, vec![Disability::Motor, Disability::Visual]);
        assert_eq!(o.amenities, vec![fr("Parking"), fr("Terrasse"), fr("Wifi")]);
        assert_eq!(
            o.images,
            vec![
                Image {
                    url: "https://media.val-orbiere.example/vergers-1.jpg".into(),
                    title: fr("La façade"),
                    credit: Some("© OT Val d'Orbière".into()),
                    until: None,
                },
                Image {
                    url: "https://media.val-orbiere.example/vergers-2.jpg".into(),
                    ..Image::default()
                },
            ]
        );
        assert_eq!(o.updated, Some(date("2026-03-01")));

        // An event: its dates, its category from its type.
        let e = &objects[1];
        assert_eq!(e.category, Category::Event);
        assert_eq!(e.name, fr("Fête du cidre <b>2026</b>"));
        assert_eq!(e.dates.len(), 2);
        assert_eq!(e.dates[0].start, date("2026-10-10"));
        assert_eq!(e.dates[0].end, Some(date("2026-10-11")));
        assert_eq!(e.dates[0].start_time, Some(time("10:00")));
        assert_eq!(e.dates[1].start, date("2026-10-17"));
        assert_eq!(e.dates[1].end, None);
        assert_eq!(e.commune.as_deref(), Some("SAINT-LAC"));
        assert_eq!(
            e.booking.as_deref(),
            Some("https://billets.saint-lac.example")
        );
    }

    #[test]
    fn a_v3_response_writes_lists_as_arrays() {
        let objects = read_fixture("v3.json");
        assert_eq!(objects.len(), 1);
        let o = &objects[0];
        assert_eq!(o.pointer, "$.value[0]");
        assert_eq!(o.id, "PCUVAL0990030001");
        // No type name: the record type of the id.
        assert_eq!(o.category, Category::Visit);
        assert_eq!(o.name, fr("Moulin de Vaux-sur-Orbe"));
        assert_eq!(
            o.description,
            fr("Un moulin à eau du XVIIIe siècle.\nVisites guidées.")
        );
        assert_eq!(o.street, vec!["Route du Moulin".to_string()]);
        assert_eq!(o.postal_code.as_deref(), Some("99130"));
        assert_eq!(o.commune.as_deref(), Some("Vaux-sur-Orbe"));
        assert_eq!((o.lat, o.lon), (Some(46.2002), Some(2.6003)));
        assert_eq!(o.phones, vec!["05 55 00 00 40".to_string()]);
        assert_eq!(
            o.web.as_deref(),
            Some("https://moulin.vaux-sur-orbe.example")
        );
        assert_eq!(
            o.hours,
            vec![Opening {
                from: Some(date("2026-04-01")),
                to: Some(date("2026-10-31")),
                days: vec![Day::Tu, Day::We, Day::Th, Day::Fr, Day::Sa, Day::Su],
                opens: Some(time("14:00")),
                closes: Some(time("18:00")),
                ..Opening::default()
            }]
        );
        assert_eq!(o.languages, vec!["fr".to_string(), "en".to_string()]);
        assert_eq!(o.amenities, vec![fr("Boutique"), fr("Toilettes")]);
        assert_eq!(o.images.len(), 1);
        assert_eq!(
            o.images[0].credit.as_deref(),
            Some("Mairie de Vaux-sur-Orbe")
        );
        assert_eq!(o.images[0].title, fr("Le moulin"));
    }

    #[test]
    fn a_wrong_typed_latitude_names_its_path() {
        let errors = read(
            &fixture("bad-latitude.json"),
            "data/tourinsoft/bad-latitude.json",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .message
                .starts_with("$.d.results[1].GmapLatitude: expected a number"),
            "{}",
            errors[0].message
        );
        assert_eq!(
            errors[0].file.as_deref(),
            Some("data/tourinsoft/bad-latitude.json")
        );
    }

    #[test]
    fn nonsense_is_an_error_not_a_panic() {
        let cases: &[(&[u8], &str)] = &[
            (b"null", "$: expected a Tourinsoft Syndication response"),
            (br#"{"d": 5}"#, "$.d: expected the records"),
            (br#"{"value": [1]}"#, "$.value[0]: expected a record"),
            (
                br#"{"value": [{"SyndicObjectName": "x"}]}"#,
                "$.value[0]: a record without its `SyndicObjectID`",
            ),
            (
                br#"{"value": [{"SyndicObjectID": "X", "PeriodeOuverture": "31/02/2026|||||||"}]}"#,
                "$.value[0].PeriodeOuverture: expected a date, found \"31/02/2026\"",
            ),
            (
                br#"{"value": [{"SyndicObjectID": "X", "Labels": 4}]}"#,
                "$.value[0].Labels: expected a list",
            ),
            (
                br#"{"value": [{"SyndicObjectID": "X", "Updated": "hier"}]}"#,
                "$.value[0].Updated: expected a date",
            ),
        ];
        for (bytes, expected) in cases {
            let errors = read(bytes, "data/x.json").unwrap_err();
            assert!(
                errors.iter().any(|e| e.message.contains(expected)),
                "{expected}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_truncated_file_names_line_and_column() {
        let bytes = fixture("v3.json");
        let errors = read(&bytes[..bytes.len() / 2], "data/tourinsoft/v3.json").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("truncated"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].line.unwrap() > 5);
        assert!(errors[0].column.is_some());
    }

    /// Every real sample (read where it is, never copied here).
    #[test]
    fn real_samples() {
        let dir = std::path::Path::new("/work/shared/data-samples/tourinsoft");
        if !dir.exists() {
            return;
        }
        let mut objects = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            objects.extend(
                read(&bytes, &path.display().to_string())
                    .unwrap_or_else(|e| panic!("{}: {e:?}", path.display())),
            );
        }
        assert_eq!(objects.len(), 4);
        for o in &objects {
            assert!(!o.name.is_empty(), "{} {}", o.file, o.pointer);
            assert!(o.lat.is_some(), "{} {}", o.file, o.pointer);
            if o.category == Category::Event {
                assert!(!o.dates.is_empty(), "{} {}", o.file, o.pointer);
            }
        }
    }
}
