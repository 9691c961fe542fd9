//! JSON-LD (schema.org) for search engines: the destination on the home page,
//! places and events on their pages, and a breadcrumb everywhere.
//!
//! The output is safe inside `<script type="application/ld+json">`: it holds no
//! `<`, `>` or `&` at all (they are written as JSON escapes).

use serde_json::{Map, Value, json};

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

/// A place worth a visit: TouristAttraction (a schema.org Place) with its coordinates.
pub fn place(t: &Thing<'_>, address: Option<&str>, lat: Option<f64>, lon: Option<f64>) -> Value {
    let mut m = base("TouristAttraction", t);
    if let Some(a) = address {
        m.insert("address".into(), json!(a));
    }
    if let (Some(lat), Some(lon)) = (lat, lon) {
        m.insert(
            "geo".into(),
            json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}),
        );
    }
    Value::Object(m)
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
    let doc = json!({"@context": "https://schema.org", "@graph": items});
    // `<`, `>` and `&` as JSON escapes: no markup can appear in the element at all.
    serde_json::to_string(&doc)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_valid_json_and_cannot_close_the_element() {
        let t = Thing {
            name: "</script><script>x",
            description: None,
            url: "https://x.fr/",
            image: None,
        };
        let s = script(vec![
            place(&t, Some("Rue"), Some(46.6), Some(5.9)),
            breadcrumb(&[("A".into(), "https://x.fr/".into())]),
        ]);
        assert!(!s.contains('<') && !s.contains('>'));
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["@graph"][0]["@type"], "TouristAttraction");
        assert_eq!(v["@graph"][0]["geo"]["latitude"], 46.6);
        assert_eq!(v["@graph"][1]["itemListElement"][0]["position"], 1);
    }
}
