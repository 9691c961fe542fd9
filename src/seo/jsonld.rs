//! JSON-LD (schema.org) for search engines: the destination on the home page,
//! places and events on their pages, and a breadcrumb everywhere.
//!
//! The output is safe inside `<script type="application/ld+json">`: it holds no
//! `<`, `>` or `&` at all (they are written as JSON escapes).

use serde_json::{Map, Value, json};

use crate::content::practical::{Category, Closure, Day, PlaceFrontMatter};

/// A breadcrumb: (name, URL) from the home page to this page.
pub fn breadcrumb(items: &[(String, String)]) -> Value {
    let list: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url}))
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": list})
}

/// The territory, on the home page.
pub fn destination(
    name: &str,
    description: &str,
    url: &str,
    image: Option<&str>,
    same_as: &[String],
) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("TouristDestination"));
    m.insert("name".into(), json!(name));
    if !description.is_empty() {
        m.insert("description".into(), json!(description));
    }
    m.insert("url".into(), json!(url));
    if let Some(i) = image {
        m.insert("image".into(), json!(i));
    }
    if !same_as.is_empty() {
        m.insert("sameAs".into(), json!(same_as));
    }
    Value::Object(m)
}

/// A photo: ImageObject with its creator and licence.
pub fn image_object(
    content_url: &str,
    page_url: &str,
    alt: &str,
    caption: Option<&str>,
    credit: Option<&str>,
    license: Option<&str>,
) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("ImageObject"));
    m.insert("contentUrl".into(), json!(content_url));
    m.insert("url".into(), json!(page_url));
    m.insert("description".into(), json!(alt));
    if let Some(c) = caption {
        m.insert("caption".into(), json!(c));
    }
    if let Some(c) = credit {
        m.insert("creator".into(), json!({"@type": "Person", "name": c}));
        m.insert("creditText".into(), json!(c));
    }
    if let Some(l) = license {
        m.insert("license".into(), json!(l));
    }
    Value::Object(m)
}

/// What a place or an event is, for [`place`] and [`event`].
pub struct Thing<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub image: Option<&'a str>,
}

fn base(kind: &str, t: &Thing<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("@type".into(), json!(kind));
    m.insert("name".into(), json!(t.name));
    if let Some(d) = t.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("url".into(), json!(t.url));
    if let Some(i) = t.image {
        m.insert("image".into(), json!(i));
    }
    m
}

/// What a place's schema.org data needs beyond its front matter, prepared
/// by the page's view: numbers in international form, the addresses safe
/// to publish, features named in the page's language, the cover's credit.
#[derive(Debug, Clone, Default)]
pub struct PlaceExtras {
    /// The build's date: opening periods over before it are left out.
    pub today: jiff::civil::Date,
    /// "+33 4 84 12 34 56".
    pub telephones: Vec<String>,
    pub emails: Vec<String>,
    /// The place's own web site (http or https).
    pub web: Option<String>,
    /// A booking page (http or https).
    pub booking: Option<String>,
    /// amenityFeature names and values: pets, accessibility, amenities.
    pub features: Vec<(String, bool)>,
    pub image_credit: Option<String>,
    pub image_license: Option<String>,
}

/// The schema.org type of a place of `category`: TouristAttraction when
/// none is given (what a `[place]` always was), and a Place for the
/// categories whose types are not places (Event, TouristTrip): the page's
/// event or trip is described on its own.
pub fn place_type(category: Option<Category>) -> &'static str {
    match category {
        None => "TouristAttraction",
        Some(Category::Event) => "Place",
        Some(Category::Tour) => "TouristAttraction",
        Some(c) => c.schema_type(),
    }
}

/// A French postal code: five digits (metropolitan France, Corsica and the
/// overseas departments).
fn french_postal_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

fn one_or_many(items: &[String]) -> Value {
    match items {
        [one] => json!(one),
        _ => json!(items),
    }
}

/// A place (TouristAttraction, FoodEstablishment, LodgingBusiness…, from
/// its category) with its address, coordinates, contact, opening hours,
/// prices and features.
pub fn place(t: &Thing<'_>, p: &PlaceFrontMatter, x: &PlaceExtras) -> Value {
    let kind = place_type(p.category);
    let mut m = base(kind, t);
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    if let Some(web) = &x.web {
        m.insert("url".into(), json!(web));
        m.insert("mainEntityOfPage".into(), json!(t.url));
    }
    if let Some(image) = t.image
        && (x.image_credit.is_some() || x.image_license.is_some())
    {
        let mut img = Map::new();
        img.insert("@type".into(), json!("ImageObject"));
        img.insert("contentUrl".into(), json!(image));
        img.insert("url".into(), json!(image));
        if let Some(c) = &x.image_credit {
            img.insert("creditText".into(), json!(c));
            img.insert("creator".into(), json!({"@type": "Person", "name": c}));
        }
        if let Some(l) = &x.image_license {
            img.insert("license".into(), json!(l));
        }
        m.insert("image".into(), Value::Object(img));
    }
    let (street, postal, locality) = (text(&p.address), text(&p.postal_code), text(&p.commune));
    if postal.is_some() || locality.is_some() {
        let mut a = Map::new();
        a.insert("@type".into(), json!("PostalAddress"));
        if let Some(s) = &street {
            a.insert("streetAddress".into(), json!(s));
        }
        if let Some(c) = &postal {
            a.insert("postalCode".into(), json!(c));
        }
        if let Some(l) = &locality {
            a.insert("addressLocality".into(), json!(l));
        }
        if postal.as_deref().is_some_and(french_postal_code) {
            a.insert("addressCountry".into(), json!("FR"));
        }
        m.insert("address".into(), Value::Object(a));
    } else if let Some(s) = street {
        m.insert("address".into(), json!(s));
    }
    if let (Some(lat), Some(lon)) = (p.lat, p.lon)
        && lat.is_finite()
        && lon.is_finite()
    {
        m.insert(
            "geo".into(),
            json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}),
        );
    }
    if !x.telephones.is_empty() {
        m.insert("telephone".into(), one_or_many(&x.telephones));
    }
    if !x.emails.is_empty() {
        m.insert("email".into(), one_or_many(&x.emails));
    }
    let hours = opening_hours(p, x.today);
    if !hours.is_empty() {
        m.insert("openingHoursSpecification".into(), json!(hours));
    }
    // Closures over before the build's date are left out, as on the page.
    let closed: Vec<Value> = p
        .closed
        .iter()
        .map(Closure::span)
        .filter(|&(_, to)| to >= x.today)
        .map(|(from, to)| {
            json!({
                "@type": "OpeningHoursSpecification",
                "opens": "00:00",
                "closes": "00:00",
                "validFrom": from.to_string(),
                "validThrough": to.to_string(),
            })
        })
        .collect();
    if !closed.is_empty() {
        m.insert("specialOpeningHoursSpecification".into(), json!(closed));
    }
    if let Some(free) = p.free {
        m.insert("isAccessibleForFree".into(), json!(free));
    }
    let offers = offers(p);
    if !offers.is_empty() {
        m.insert("offers".into(), json!(offers));
    }
    if let Some(b) = &x.booking {
        m.insert(
            "potentialAction".into(),
            json!({"@type": "ReserveAction", "target": b}),
        );
    }
    let lodging = kind == "LodgingBusiness";
    if let (Some(pets), true) = (p.pets, lodging) {
        m.insert("petsAllowed".into(), json!(pets));
    }
    let features: Vec<Value> = x
        .features
        .iter()
        .map(|(name, value)| json!({"@type": "LocationFeatureSpecification", "name": name, "value": value}))
        .collect();
    if !features.is_empty() {
        m.insert("amenityFeature".into(), json!(features));
    }
    if let (Some(n), true) = (p.stars.filter(|&n| n > 0), lodging) {
        m.insert(
            "starRating".into(),
            json!({"@type": "Rating", "ratingValue": n}),
        );
    }
    let payment: Vec<&str> = p
        .payment
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if !payment.is_empty() {
        m.insert("paymentAccepted".into(), json!(payment.join(", ")));
    }
    let languages: Vec<&str> = p
        .languages
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if !languages.is_empty() {
        m.insert("availableLanguage".into(), json!(languages));
    }
    if let Some(c) = p.capacity {
        m.insert("maximumAttendeeCapacity".into(), json!(c));
    }
    Value::Object(m)
}

/// One OpeningHoursSpecification per entry of `[[place.hours]]` (a span of
/// the days of a period) whose period is not over on `today`: dayOfWeek,
/// opens, closes (earlier than opens past midnight), validFrom and
/// validThrough. Past seasons are history, not hours: a feed that keeps
/// every year would fill the page's JSON-LD with them.
fn opening_hours(p: &PlaceFrontMatter, today: jiff::civil::Date) -> Vec<Value> {
    p.hours
        .iter()
        .filter(|h| !h.ended_before(today))
        .map(|h| {
            let days: Vec<&str> = if h.days.is_empty() {
                Day::ALL.iter().map(|d| d.schema_name()).collect()
            } else {
                let mut d = h.days.clone();
                d.sort();
                d.dedup();
                d.iter().map(|d| d.schema_name()).collect()
            };
            let mut o = Map::new();
            o.insert("@type".into(), json!("OpeningHoursSpecification"));
            o.insert("dayOfWeek".into(), json!(days));
            if let Some(t) = h.opens {
                o.insert("opens".into(), json!(t.hhmm()));
            }
            if let Some(t) = h.closes {
                o.insert("closes".into(), json!(t.hhmm()));
            }
            if let Some(d) = h.from {
                o.insert("validFrom".into(), json!(d.date().to_string()));
            }
            if let Some(d) = h.to {
                o.insert("validThrough".into(), json!(d.date().to_string()));
            }
            Value::Object(o)
        })
        .collect()
}

/// One Offer per price, with its PriceSpecification: `price` for a single
/// amount, `minPrice` / `maxPrice` for a range or a "from" price.
fn offers(p: &PlaceFrontMatter) -> Vec<Value> {
    let ok = |n: Option<f64>| n.filter(|n| n.is_finite() && *n >= 0.0);
    p.prices
        .iter()
        .filter_map(|price| {
            let (min, max) = (ok(price.min), ok(price.max));
            if min.is_none() && max.is_none() {
                return None;
            }
            let currency = price
                .currency
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or("EUR")
                .to_ascii_uppercase();
            let mut spec = Map::new();
            spec.insert("@type".into(), json!("PriceSpecification"));
            match (min, max) {
                (Some(a), Some(b)) if a == b => {
                    spec.insert("price".into(), json!(a));
                }
                _ => {
                    if let Some(a) = min {
                        spec.insert("minPrice".into(), json!(a));
                    }
                    if let Some(b) = max {
                        spec.insert("maxPrice".into(), json!(b));
                    }
                }
            }
            spec.insert("priceCurrency".into(), json!(currency));
            let mut offer = Map::new();
            offer.insert("@type".into(), json!("Offer"));
            if let Some(l) = price
                .label
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                offer.insert("name".into(), json!(l));
                spec.insert("name".into(), json!(l));
            }
            if let Some(n) = price
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                offer.insert("description".into(), json!(n));
            }
            if let (Some(a), Some(b)) = (min, max)
                && a == b
            {
                offer.insert("price".into(), json!(a));
            }
            offer.insert("priceCurrency".into(), json!(currency));
            offer.insert("priceSpecification".into(), Value::Object(spec));
            Some(Value::Object(offer))
        })
        .collect()
}

/// An event's fields.
pub struct EventFields<'a> {
    pub start: String,
    pub end: String,
    /// `EventScheduled`, `EventCancelled`, `EventPostponed`.
    pub status: &'a str,
    pub location: Option<&'a str>,
    pub booking_url: Option<&'a str>,
}

/// A tour (a walk, a ride): TouristTrip, beside the place it starts from.
pub fn trip(t: &Thing<'_>) -> Value {
    Value::Object(base("TouristTrip", t))
}

/// A stop of a trail, for [`trip_along`].
pub struct Stop<'a> {
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
}

/// A trail (a walk, a ride) as a TouristTrip whose itinerary is the list
/// of its stops (the start, then its steps), each a Place with its
/// coordinates.
pub fn trip_along(t: &Thing<'_>, stops: &[Stop<'_>]) -> Value {
    let mut m = base("TouristTrip", t);
    if !stops.is_empty() {
        let items: Vec<Value> = stops
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "@type": "ListItem",
                    "position": i + 1,
                    "item": {
                        "@type": "Place",
                        "name": s.name,
                        "geo": {
                            "@type": "GeoCoordinates",
                            "latitude": s.lat,
                            "longitude": s.lon,
                        },
                    },
                })
            })
            .collect();
        m.insert(
            "itinerary".into(),
            json!({"@type": "ItemList", "numberOfItems": items.len(), "itemListElement": items}),
        );
    }
    Value::Object(m)
}

pub fn event(t: &Thing<'_>, f: &EventFields<'_>) -> Value {
    let mut m = base("Event", t);
    m.insert("startDate".into(), json!(f.start));
    m.insert("endDate".into(), json!(f.end));
    m.insert(
        "eventStatus".into(),
        json!(format!("https://schema.org/{}", f.status)),
    );
    m.insert(
        "eventAttendanceMode".into(),
        json!("https://schema.org/OfflineEventAttendanceMode"),
    );
    if let Some(l) = f.location {
        m.insert(
            "location".into(),
            json!({"@type": "Place", "name": l, "address": l}),
        );
    }
    if let Some(b) = f.booking_url {
        m.insert("offers".into(), json!({"@type": "Offer", "url": b}));
    }
    Value::Object(m)
}

/// The script content: a graph of the items.
pub fn script(items: Vec<Value>) -> String {
    // The items are moved in (`json!` would copy them).
    let mut doc = serde_json::Map::new();
    doc.insert("@context".into(), Value::from("https://schema.org"));
    doc.insert("@graph".into(), Value::Array(items));
    let json = serde_json::to_string(&doc).unwrap_or_default();
    // `<`, `>` and `&` as JSON escapes: no markup can appear in the element at all.
    crate::xml::replace_ascii(&json, 0, |b| match b {
        b'<' => Some("\\u003c"),
        b'>' => Some("\\u003e"),
        b'&' => Some("\\u0026"),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trip_along_its_stops() {
        let t = Thing {
            name: "Boucle",
            description: None,
            url: "https://x.fr/boucle/",
            image: None,
        };
        let v = trip_along(
            &t,
            &[
                Stop {
                    name: "Orbière",
                    lat: 46.6,
                    lon: 5.9,
                },
                Stop {
                    name: "Belvédère",
                    lat: 46.61,
                    lon: 5.91,
                },
            ],
        );
        assert_eq!(v["@type"], "TouristTrip");
        assert_eq!(v["itinerary"]["numberOfItems"], 2);
        let second = &v["itinerary"]["itemListElement"][1];
        assert_eq!(second["position"], 2);
        assert_eq!(second["item"]["geo"]["latitude"], 46.61);
        assert!(trip_along(&t, &[]).get("itinerary").is_none());
    }

    #[test]
    fn script_is_valid_json_and_cannot_close_the_element() {
        let t = Thing {
            name: "</script><script>x",
            description: None,
            url: "https://x.fr/",
            image: None,
        };
        let fm = PlaceFrontMatter {
            address: Some("Rue".into()),
            lat: Some(46.6),
            lon: Some(5.9),
            ..PlaceFrontMatter::default()
        };
        let s = script(vec![
            place(&t, &fm, &PlaceExtras::default()),
            breadcrumb(&[("A".into(), "https://x.fr/".into())]),
        ]);
        assert!(!s.contains('<') && !s.contains('>'));
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["@graph"][0]["@type"], "TouristAttraction");
        assert_eq!(v["@graph"][0]["geo"]["latitude"], 46.6);
        assert_eq!(v["@graph"][1]["itemListElement"][0]["position"], 1);
    }

    fn practical(text: &str) -> PlaceFrontMatter {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_place_has_its_type_address_hours_and_prices() {
        let t = Thing {
            name: "Musée",
            description: None,
            url: "https://x.fr/musee/",
            image: Some("https://x.fr/musee/cover.jpg"),
        };
        let fm = practical(
            r#"
            category = "visit"
            address = "12 rue du Lac"
            postal_code = "39150"
            commune = "Saint-Lac"
            free = false
            languages = ["fr", "en"]
            capacity = 80
            [[hours]]
            from = 2026-04-01
            to = 2026-09-30
            days = ["su", "tu"]
            opens = "10:00"
            closes = "18:00"
            [[hours]]
            days = ["fr"]
            opens = "22:00"
            closes = "02:00"
            [[closed]]
            from = 2026-12-25
            [[prices]]
            label = "Adulte"
            min = 8.5
            max = 12
            [[prices]]
            min = 5
            [[prices]]
            min = 3
            max = 3
            currency = "chf"
            [[prices]]
            label = "Sans montant"
            "#,
        );
        let x = PlaceExtras {
            telephones: vec!["+33 4 84 12 34 56".into()],
            web: Some("https://www.musee.fr/".into()),
            features: vec![("Animaux acceptés".into(), false)],
            image_credit: Some("C. R.".into()),
            ..PlaceExtras::default()
        };
        let v = place(&t, &fm, &x);
        assert_eq!(v["@type"], "TouristAttraction");
        assert_eq!(v["url"], "https://www.musee.fr/");
        assert_eq!(v["mainEntityOfPage"], "https://x.fr/musee/");
        assert_eq!(v["image"]["creditText"], "C. R.");
        assert_eq!(
            v["address"],
            json!({"@type": "PostalAddress", "streetAddress": "12 rue du Lac", "postalCode": "39150", "addressLocality": "Saint-Lac", "addressCountry": "FR"})
        );
        assert_eq!(v["telephone"], "+33 4 84 12 34 56");
        let h = &v["openingHoursSpecification"];
        assert_eq!(h[0]["dayOfWeek"], json!(["Tuesday", "Sunday"]));
        assert_eq!(h[0]["opens"], "10:00");
        assert_eq!(h[0]["validFrom"], "2026-04-01");
        assert_eq!(h[0]["validThrough"], "2026-09-30");
        assert_eq!(h[1]["closes"], "02:00");
        assert!(h[1].get("validFrom").is_none());
        assert_eq!(
            v["specialOpeningHoursSpecification"][0]["validFrom"],
            "2026-12-25"
        );
        // Built after the season: its hours are left out, the all-year
        // Friday stays; after Christmas, the closure is gone too.
        let on = |day: &str| {
            let x = PlaceExtras {
                today: day.parse().unwrap(),
                ..x.clone()
            };
            place(&t, &fm, &x)
        };
        let autumn = on("2026-10-01");
        let h = autumn["openingHoursSpecification"].as_array().unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0]["dayOfWeek"], json!(["Friday"]));
        assert_eq!(
            autumn["specialOpeningHoursSpecification"][0]["validFrom"],
            "2026-12-25"
        );
        // The season's last day still counts, and the closure's day.
        assert_eq!(
            on("2026-09-30")["openingHoursSpecification"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert!(
            on("2026-12-25")
                .get("specialOpeningHoursSpecification")
                .is_some()
        );
        assert!(
            on("2026-12-26")
                .get("specialOpeningHoursSpecification")
                .is_none()
        );
        let o = &v["offers"];
        assert_eq!(
            o.as_array().unwrap().len(),
            3,
            "a price without amount is no offer"
        );
        assert_eq!(o[0]["name"], "Adulte");
        assert_eq!(o[0]["priceSpecification"]["minPrice"], 8.5);
        assert_eq!(o[0]["priceSpecification"]["maxPrice"], 12.0);
        assert_eq!(o[0]["priceSpecification"]["priceCurrency"], "EUR");
        assert!(o[1]["priceSpecification"].get("maxPrice").is_none());
        assert_eq!(o[2]["price"], 3.0);
        assert_eq!(o[2]["priceCurrency"], "CHF");
        assert_eq!(v["isAccessibleForFree"], false);
        assert_eq!(v["availableLanguage"], json!(["fr", "en"]));
        assert_eq!(v["maximumAttendeeCapacity"], 80);
        assert_eq!(v["amenityFeature"][0]["value"], false);
        assert!(v.get("starRating").is_none(), "stars are for lodging");
    }

    #[test]
    fn lodging_has_stars_and_pets_and_types_follow_the_category() {
        let t = Thing {
            name: "Gîte",
            description: None,
            url: "https://x.fr/gite/",
            image: None,
        };
        let fm = practical(
            "category = \"stay\"\nstars = 3\npets = true\naddress = \"Le bourg, Orbière\"",
        );
        let v = place(&t, &fm, &PlaceExtras::default());
        assert_eq!(v["@type"], "LodgingBusiness");
        assert_eq!(v["starRating"]["ratingValue"], 3);
        assert_eq!(v["petsAllowed"], true);
        assert_eq!(
            v["address"], "Le bourg, Orbière",
            "an address alone stays text"
        );
        assert_eq!(place_type(None), "TouristAttraction");
        assert_eq!(place_type(Some(Category::Eat)), "FoodEstablishment");
        assert_eq!(place_type(Some(Category::Event)), "Place");
        let hostile =
            practical("[[prices]]\nlabel = \"</script><script>alert(1)</script>\"\nmin = 1");
        let s = script(vec![place(&t, &hostile, &PlaceExtras::default())]);
        assert!(!s.contains('<'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(
            back["@graph"][0]["offers"][0]["name"],
            "</script><script>alert(1)</script>"
        );
    }
}
