//! The practical block of a place (`page.place`): what a visitor reads
//! before coming, written here in the page's language so that the theme's
//! `partials/practical.html` only lays it out. Opening periods become
//! sentences ("Du 1er avril au 30 septembre : du mardi au dimanche, 10 h –
//! 18 h. Fermé le lundi."), prices amounts with the language's separators,
//! phone numbers readable with `tel:` links, language codes names, and
//! "open today" is read on the build's date.
//!
//! Only safe addresses become links: web sites over http(s) (a bare host
//! gets `https://`), bookings over http(s), `mailto:` or `tel:`, e-mail
//! addresses that look like one; anything else is left out. Text is never
//! marked safe: the template escapes it.
//!
//! It must not decide layout (the template does) nor write schema.org
//! (`seo::jsonld::place` does, from the same front matter and what
//! [`PlaceView::ld`] gives it).

use jiff::civil::Date;
use serde::Serialize;

use crate::content::practical::{Clock, Day, Disability, PlaceFrontMatter};
use crate::seo::jsonld::PlaceExtras;
use crate::theme::Strings;

/// A link: its text and its address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub text: String,
    pub href: String,
}

/// A phone number: as the page's language reads it, and its `tel:` link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhoneView {
    /// "04 84 12 34 56" on a French page, "+33 4 84 12 34 56" on others.
    pub text: String,
    /// `tel:+33484123456`.
    pub href: String,
    /// "+33 4 84 12 34 56" (for schema.org).
    pub international: String,
}

/// One opening period: "Du 1er avril au 30 septembre :" and what it says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodView {
    /// The dates, with the language's colon: "Du 1er avril au 30 septembre :",
    /// "Toute l’année :".
    pub label: String,
    /// "du mardi au dimanche, 10 h – 18 h. Fermé le lundi."
    pub text: String,
}

/// Whether the place is open on the build's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TodayView {
    pub open: bool,
    /// "Ouvert aujourd’hui" / "Fermé aujourd’hui".
    pub status: String,
    /// The day and its hours: "1er juillet, 10 h – 18 h".
    pub detail: String,
    /// ISO date of the build's day.
    pub date: String,
}

/// A price line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceView {
    /// "Adulte :" (null without a label).
    pub label: Option<String>,
    /// "8,50 € – 12 €", "À partir de 5 €" (null without an amount).
    pub amount: Option<String>,
    pub note: Option<String>,
}

/// A Tourisme & Handicap family: its key (the pictogram's id) and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyView {
    pub key: &'static str,
    pub text: String,
}

/// A rating in stars: "3 étoiles", and "★★★" to show (aria-hidden).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StarsView {
    pub n: u8,
    pub text: String,
    pub symbols: String,
}

/// `page.place`: the place's front matter as written (`name`, `address`,
/// `lat`, `lon`) and everything the practical block shows, formatted.
/// Lists are empty and other fields null when the front matter says
/// nothing of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceView {
    pub name: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `visit`, `eat`, `stay`… (null when not given).
    pub category: Option<&'static str>,
    /// The kind as written: "Musée", "Chambre d’hôtes".
    pub kind: Option<String>,
    pub commune: Option<String>,
    pub postal_code: Option<String>,
    /// The address as lines: the street, then "39150 Saint-Lac" (the postal
    /// code and commune, when the address does not already hold them).
    pub address_lines: Vec<String>,
    /// An OpenStreetMap link, with coordinates.
    pub map: Option<String>,
    pub phones: Vec<PhoneView>,
    pub emails: Vec<Link>,
    /// The web site; its text is the host name.
    pub web: Option<Link>,
    /// The booking address.
    pub booking: Option<String>,
    /// Open or closed on the build's date (null without hours).
    pub today: Option<TodayView>,
    /// Opening periods, all-year first, then by date.
    pub hours: Vec<PeriodView>,
    /// Exceptional closures still to come: "Fermé exceptionnellement le 25 décembre."
    pub closures: Vec<String>,
    /// "Gratuit" (free), or "Payant" (not free, no price given).
    pub admission: Option<String>,
    pub prices: Vec<PriceView>,
    /// Payment methods, as a list in words.
    pub payment: Option<String>,
    /// Languages spoken, named in the page's language.
    pub languages: Option<String>,
    /// "Animaux acceptés" / "Animaux non acceptés".
    pub pets: Option<String>,
    pub accessibility: Vec<FamilyView>,
    /// "Accessible aux personnes à mobilité réduite" (or not).
    pub reduced_mobility: Option<String>,
    pub labels: Vec<String>,
    pub stars: Option<StarsView>,
    /// "45 personnes".
    pub capacity: Option<String>,
    pub amenities: Vec<String>,
    /// Which groups have something to show.
    pub has_contact: bool,
    pub has_hours: bool,
    pub has_prices: bool,
    pub has_welcome: bool,
    pub has_access: bool,
    pub has_more: bool,
    /// True when beyond the address and the map there is something to show.
    pub has_practical: bool,
    /// True when there is nothing at all to show.
    pub empty: bool,
    /// amenityFeature names and values (pets, accessibility, amenities), in
    /// the page's language, for schema.org.
    #[serde(skip)]
    pub features: Vec<(String, bool)>,
}

impl PlaceView {
    /// What schema.org needs beyond the front matter: numbers in
    /// international form, the addresses that are safe, features named in
    /// the page's language, and the build's date `today`.
    pub fn ld(&self, today: Date) -> PlaceExtras {
        PlaceExtras {
            today,
            telephones: self
                .phones
                .iter()
                .map(|p| p.international.clone())
                .collect(),
            emails: self.emails.iter().map(|e| e.text.clone()).collect(),
            web: self.web.as_ref().map(|w| w.href.clone()),
            booking: self
                .booking
                .clone()
                .filter(|b| b.starts_with("http://") || b.starts_with("https://")),
            features: self.features.clone(),
            image_credit: None,
            image_license: None,
        }
    }
}

/// The view of `place` on a page in the language of `strings`, on the
/// build's date `today`.
pub fn place_view(place: &PlaceFrontMatter, strings: &Strings, today: Date) -> PlaceView {
    let f = Words { s: strings, today };
    let text = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
    };
    let list = |items: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in items {
            let i = i.trim();
            if !i.is_empty() && !out.iter().any(|o| o == i) {
                out.push(i.to_string());
            }
        }
        out
    };
    let address = text(&place.address);
    let postal_code = text(&place.postal_code);
    let commune = text(&place.commune);
    let address_lines = address_lines(
        address.as_deref(),
        postal_code.as_deref(),
        commune.as_deref(),
    );
    let coords = match (place.lat, place.lon) {
        (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => Some((lat, lon)),
        _ => None,
    };
    let map = coords.map(|(lat, lon)| {
        format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=15/{lat}/{lon}")
    });
    let phones: Vec<PhoneView> = {
        let mut out: Vec<PhoneView> = Vec::new();
        for p in &place.phone {
            if let Some(v) = phone(p, &strings.lang)
                && !out.iter().any(|o| o.href == v.href)
            {
                out.push(v);
            }
        }
        out
    };
    let emails: Vec<Link> = list(&place.email)
        .into_iter()
        .filter(|e| crate::url::is_email(e))
        .map(|e| Link {
            href: format!("mailto:{e}"),
            text: e,
        })
        .collect();
    let web = place.web.as_deref().and_then(web_address).and_then(|href| {
        let host = crate::url::host(&href).trim_end_matches('.').to_string();
        (!host.is_empty()).then_some(Link { text: host, href })
    });
    let booking = place.booking.as_deref().and_then(booking_address);

    let hours = f.periods(place);
    let closures = f.closures(place);
    let today_view = f.today(place);

    let admission = match place.free {
        Some(true) => Some(f.get("place_free", "Free")),
        Some(false) if place.prices.is_empty() => Some(f.get("place_paying", "Admission charged")),
        _ => None,
    };
    let prices: Vec<PriceView> = place
        .prices
        .iter()
        .filter_map(|p| {
            let currency = p
                .currency
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or("EUR");
            let amount = f.price(p.min, p.max, currency);
            let label = text(&p.label).map(|l| f.fill("place_label", "{label}:", &[("label", &l)]));
            let note = text(&p.note);
            (amount.is_some() || label.is_some() || note.is_some()).then_some(PriceView {
                label,
                amount,
                note,
            })
        })
        .collect();

    let payment = Some(f.list(&list(&place.payment))).filter(|s| !s.is_empty());
    let languages = {
        let mut names: Vec<String> = Vec::new();
        for code in list(&place.languages) {
            let name = language_in(&code, &strings.lang);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Some(f.list(&names)).filter(|s| !s.is_empty())
    };
    let pets = place.pets.map(|yes| {
        if yes {
            f.get("place_pets_yes", "Pets welcome")
        } else {
            f.get("place_pets_no", "No pets")
        }
    });
    let accessibility: Vec<FamilyView> = Disability::ALL
        .into_iter()
        .filter(|d| place.accessibility.contains(d))
        .map(|d| FamilyView {
            key: d.key(),
            text: f.family(d),
        })
        .collect();
    let reduced_mobility = place.reduced_mobility.map(|yes| {
        if yes {
            f.get(
                "place_reduced_mobility_yes",
                "Accessible to people with reduced mobility",
            )
        } else {
            f.get(
                "place_reduced_mobility_no",
                "Not accessible to people with reduced mobility",
            )
        }
    });
    let labels = list(&place.labels);
    let stars = place.stars.filter(|&n| n > 0).map(|n| StarsView {
        n,
        text: f.counted("place_stars", u32::from(n), "{n} stars"),
        symbols: "★".repeat(usize::from(n.min(7))),
    });
    let capacity = place
        .capacity
        .map(|n| f.counted("place_capacity_people", n, "{n} people"));
    let amenities = list(&place.amenities);

    let mut features: Vec<(String, bool)> = Vec::new();
    if let Some(p) = place.pets {
        features.push((f.get("place_pets_yes", "Pets welcome"), p));
    }
    let label = f.get("place_accessibility_label", "Tourisme & Handicap label");
    for fam in &accessibility {
        features.push((format!("{label}: {}", fam.text), true));
    }
    if let Some(r) = place.reduced_mobility {
        features.push((
            f.get(
                "place_reduced_mobility_yes",
                "Accessible to people with reduced mobility",
            ),
            r,
        ));
    }
    features.extend(amenities.iter().map(|a| (a.clone(), true)));

    let has_contact = !address_lines.is_empty()
        || map.is_some()
        || !phones.is_empty()
        || !emails.is_empty()
        || web.is_some();
    let has_hours = !hours.is_empty() || !closures.is_empty();
    let has_prices = admission.is_some() || !prices.is_empty();
    let has_welcome = payment.is_some() || languages.is_some() || pets.is_some();
    let has_access = !accessibility.is_empty() || reduced_mobility.is_some();
    let has_more =
        !labels.is_empty() || stars.is_some() || capacity.is_some() || !amenities.is_empty();
    let has_practical = !phones.is_empty()
        || !emails.is_empty()
        || web.is_some()
        || booking.is_some()
        || has_hours
        || has_prices
        || has_welcome
        || has_access
        || has_more;
    let kind = text(&place.kind);
    PlaceView {
        name: text(&place.name),
        address,
        lat: place.lat,
        lon: place.lon,
        category: place.category.map(|c| c.key()),
        empty: !has_contact && !has_practical && kind.is_none(),
        kind,
        commune,
        postal_code,
        address_lines,
        map,
        phones,
        emails,
        web,
        booking,
        today: today_view,
        hours,
        closures,
        admission,
        prices,
        payment,
        languages,
        pets,
        accessibility,
        reduced_mobility,
        labels,
        stars,
        capacity,
        amenities,
        has_contact,
        has_hours,
        has_prices,
        has_welcome,
        has_access,
        has_more,
        has_practical,
        features,
    }
}

/// The address as lines: what was written (one line per written line),
/// then the postal code and commune unless the address already holds them.
fn address_lines(
    address: Option<&str>,
    postal: Option<&str>,
    commune: Option<&str>,
) -> Vec<String> {
    let mut lines: Vec<String> = address
        .map(|a| {
            a.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let written = address.unwrap_or("").to_lowercase();
    let town: Vec<&str> = [postal, commune]
        .into_iter()
        .flatten()
        .filter(|p| !written.contains(&p.to_lowercase()))
        .collect();
    if !town.is_empty() {
        lines.push(town.join(" "));
    }
    lines
}

/// Formats with the language's strings; every key has an English
/// fallback for themes ejected before it existed.
struct Words<'a> {
    s: &'a Strings,
    today: Date,
}

/// Opening hours of one period: per day, whether it opens and its spans.
#[derive(Default)]
struct Period {
    open: [bool; 7],
    spans: [Vec<Span>; 7],
    notes: Vec<String>,
}

type PeriodKey = (Option<Date>, Option<Date>);

/// A time span of a day: opens, closes (either may be missing).
type Span = (Option<Clock>, Option<Clock>);

impl Words<'_> {
    fn get(&self, key: &str, fallback: &str) -> String {
        self.s
            .strings
            .get(key)
            .map_or(fallback, String::as_str)
            .to_string()
    }

    fn fill(&self, key: &str, fallback: &str, values: &[(&str, &str)]) -> String {
        fill(&self.get(key, fallback), values)
    }

    fn counted(&self, key: &str, n: u32, fallback: &str) -> String {
        self.s
            .counted(key, f64::from(n), None)
            .unwrap_or_else(|| fallback.replace("{n}", &self.s.format_number(f64::from(n), None)))
    }

    /// "a, b et c", with the language's `list_and` (commas only without it).
    fn list(&self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => match self.s.strings.get("list_and") {
                Some(and) => format!("{} {and} {last}", init.join(", ")),
                None => items.join(", "),
            },
        }
    }

    fn day_name(&self, d: usize) -> String {
        self.s.days.get(d).cloned().unwrap_or_default()
    }

    fn day_name_plural(&self, d: usize) -> String {
        self.s
            .days_plural
            .get(d)
            .or_else(|| self.s.days.get(d))
            .cloned()
            .unwrap_or_default()
    }

    /// The day of the month: "1er" in French, "1º" in Italian, else digits.
    fn day_of_month(&self, date: Date) -> String {
        match &self.s.first_of_month {
            Some(first) if date.day() == 1 => first.clone(),
            _ => date.day().to_string(),
        }
    }

    fn month(&self, date: Date) -> String {
        self.s
            .months
            .get(date.month() as usize - 1)
            .cloned()
            .unwrap_or_default()
    }

    /// "1er avril", or "1er avril 2027" when asked for the year.
    fn date(&self, date: Date, year: bool) -> String {
        let day = self.day_of_month(date);
        let month = self.month(date);
        if year {
            self.fill(
                "place_day_month_year",
                "{day} {month} {year}",
                &[
                    ("day", &day),
                    ("month", &month),
                    ("year", &date.year().to_string()),
                ],
            )
        } else {
            self.fill(
                "place_day_month",
                "{day} {month}",
                &[("day", &day), ("month", &month)],
            )
        }
    }

    /// Years are written only when a date is not in the build's year.
    fn needs_year(&self, dates: &[Date]) -> bool {
        dates.iter().any(|d| d.year() != self.today.year())
    }

    /// "du 1er avril au 30 septembre", "du 24 au 26 décembre", "à partir du
    /// 1er avril", "toute l’année".
    fn period(&self, from: Option<Date>, to: Option<Date>) -> String {
        match (from, to) {
            (None, None) => self.get("place_all_year", "all year"),
            (Some(f), Some(t)) if f == t => self.date(f, self.needs_year(&[f])),
            (Some(f), Some(t)) => {
                let year = self.needs_year(&[f, t]);
                if !year && f.month() == t.month() {
                    self.fill(
                        "place_period_same_month",
                        "{from_day}–{to_day} {month}",
                        &[
                            ("from_day", &self.day_of_month(f)),
                            ("to_day", &self.day_of_month(t)),
                            ("month", &self.month(t)),
                        ],
                    )
                } else {
                    self.fill(
                        "place_period",
                        "{from} to {to}",
                        &[("from", &self.date(f, year)), ("to", &self.date(t, year))],
                    )
                }
            }
            (Some(f), None) => self.fill(
                "place_period_from",
                "from {from}",
                &[("from", &self.date(f, self.needs_year(&[f])))],
            ),
            (None, Some(t)) => self.fill(
                "place_period_until",
                "until {to}",
                &[("to", &self.date(t, self.needs_year(&[t])))],
            ),
        }
    }

    /// "10 h", "6:30 pm": the language's `time_format`.
    fn time(&self, c: Clock) -> String {
        jiff::civil::date(2000, 1, 1)
            .to_datetime(c.0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| self.s.format_time(&z))
            .unwrap_or_else(|_| c.hhmm())
    }

    /// "10 h – 18 h", "à partir de 10 h", "jusqu’à 18 h".
    fn span(&self, opens: Option<Clock>, closes: Option<Clock>) -> Option<String> {
        match (opens, closes) {
            (Some(o), Some(c)) => Some(self.fill(
                "time_range",
                "{from} – {to}",
                &[("from", &self.time(o)), ("to", &self.time(c))],
            )),
            (Some(o), None) => {
                Some(self.fill("place_from_time", "from {time}", &[("time", &self.time(o))]))
            }
            (None, Some(c)) => Some(self.fill(
                "place_until_time",
                "until {time}",
                &[("time", &self.time(c))],
            )),
            (None, None) => None,
        }
    }

    /// The spans of a day, each kept on one line: "10 h – 12 h et 14 h – 18 h".
    fn spans(&self, spans: &[Span]) -> String {
        let texts: Vec<String> = spans
            .iter()
            .filter_map(|&(o, c)| self.span(o, c))
            // No break inside a span, nor after its dash (a line-break
            // opportunity browsers take even between no-break spaces).
            .map(|s| s.replace(' ', "\u{a0}").replace('–', "–\u{2060}"))
            .collect();
        self.list(&texts)
    }

    /// The days of `set`: "tous les jours", "du mardi au dimanche",
    /// "lundi, du mercredi au vendredi et dimanche". Runs of three days or
    /// more are ranges; a run may wrap over the end of the week ("du
    /// vendredi au lundi").
    fn days(&self, set: &[bool; 7]) -> String {
        if set.iter().all(|&d| d) {
            return self.get("place_every_day", "every day");
        }
        // In the order of the week, unless open days run across Sunday
        // into a range: then from the start of that run.
        let last_gap = (0..7).rev().find(|&i| !set[i]).unwrap_or(6);
        let first_gap = (0..7).find(|&i| !set[i]).unwrap_or(0);
        let across = (6 - last_gap) + first_gap;
        let start = if set[6] && set[0] && across >= 3 {
            last_gap + 1
        } else {
            0
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for k in 0..7 {
            let d = (start + k) % 7;
            if !set[d] {
                continue;
            }
            match runs.last_mut() {
                Some((first, len)) if (*first + *len) % 7 == d => *len += 1,
                _ => runs.push((d, 1)),
            }
        }
        let mut items: Vec<String> = Vec::new();
        for (first, len) in runs {
            if len >= 3 {
                items.push(self.fill(
                    "place_days_range",
                    "{from} to {to}",
                    &[
                        ("from", &self.day_name(first)),
                        ("to", &self.day_name((first + len - 1) % 7)),
                    ],
                ));
            } else {
                items.extend((0..len).map(|k| self.day_name((first + k) % 7)));
            }
        }
        self.list(&items)
    }

    /// The opening periods the page shows (those not over, else the last
    /// one: [`PlaceFrontMatter::hours_shown`]), each as a label and its
    /// sentences.
    fn periods(&self, place: &PlaceFrontMatter) -> Vec<PeriodView> {
        let periods = collect_periods(place.hours_shown(self.today));
        periods
            .iter()
            .map(|((from, to), p)| PeriodView {
                label: capitalize(&self.fill(
                    "place_label",
                    "{label}:",
                    &[("label", &self.period(*from, *to))],
                )),
                text: self.period_text(p),
            })
            .collect()
    }

    fn period_text(&self, p: &Period) -> String {
        // Days with the same hours together, in the order of the week.
        let mut groups: Vec<(&[Span], [bool; 7])> = Vec::new();
        for d in 0..7 {
            if !p.open[d] {
                continue;
            }
            match groups.iter_mut().find(|(s, _)| *s == p.spans[d].as_slice()) {
                Some((_, set)) => set[d] = true,
                None => {
                    let mut set = [false; 7];
                    set[d] = true;
                    groups.push((&p.spans[d], set));
                }
            }
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(spans, set)| {
                let days = self.days(set);
                let times = self.spans(spans);
                if times.is_empty() {
                    days
                } else {
                    self.fill(
                        "place_days_times",
                        "{days}, {times}",
                        &[("days", &days), ("times", &times)],
                    )
                }
            })
            .collect();
        let mut text = parts.join(&self.get("place_group_separator", "; "));
        text.push('.');
        let open = p.open.iter().filter(|&&o| o).count();
        let closed: Vec<usize> = (0..7).filter(|&d| !p.open[d]).collect();
        // Closed days are worth saying while they are the exception.
        if !closed.is_empty() && closed.len() < open {
            let sentence = match closed.as_slice() {
                [d] => self.fill(
                    "place_closed_day",
                    "Closed on {day}.",
                    &[
                        ("day", &self.day_name(*d)),
                        ("day_plural", &self.day_name_plural(*d)),
                    ],
                ),
                many => {
                    let names: Vec<String> = many.iter().map(|&d| self.day_name(d)).collect();
                    let plural: Vec<String> =
                        many.iter().map(|&d| self.day_name_plural(d)).collect();
                    self.fill(
                        "place_closed_days",
                        "Closed on {days}.",
                        &[
                            ("days", &self.list(&names)),
                            ("days_plural", &self.list(&plural)),
                        ],
                    )
                }
            };
            text.push(' ');
            text.push_str(&sentence);
        }
        for note in &p.notes {
            text.push(' ');
            text.push_str(note);
            if !note.ends_with(['.', '!', '?', '…']) {
                text.push('.');
            }
        }
        text
    }

    /// Exceptional closures that are not over: "Fermé exceptionnellement le
    /// 25 décembre (Noël)."
    fn closures(&self, place: &PlaceFrontMatter) -> Vec<String> {
        let mut list: Vec<(Date, Date, Option<&str>)> = place
            .closed
            .iter()
            .map(|c| {
                let (from, to) = c.span();
                let note = c.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
                (from, to, note)
            })
            .filter(|(_, to, _)| *to >= self.today)
            .collect();
        list.sort();
        list.dedup();
        list.into_iter()
            .map(|(from, to, note)| {
                let mut text = if from == to {
                    self.fill(
                        "place_closure_day",
                        "Exceptionally closed on {date}",
                        &[("date", &self.date(from, self.needs_year(&[from])))],
                    )
                } else {
                    self.fill(
                        "place_closure_range",
                        "Exceptionally closed {range}",
                        &[("range", &self.period(Some(from), Some(to)))],
                    )
                };
                if let Some(n) = note {
                    text.push_str(&format!(" ({n})"));
                }
                text.push('.');
                capitalize(&text)
            })
            .collect()
    }

    /// Open or closed on the build's date, with that day's hours.
    fn today(&self, place: &PlaceFrontMatter) -> Option<TodayView> {
        if place.hours.is_empty() {
            return None;
        }
        let today = self.today;
        let weekday = Day::of(today.weekday()).index();
        let closure = place.closed_on(today);
        // Whether it opens: one rule for the block and the cards; nothing
        // is said when it is not known (every period over).
        let open = place.open_on(today)?;
        let mut spans: Vec<Span> = Vec::new();
        if open && !closure {
            for ((from, to), p) in collect_periods(&place.hours) {
                let within = from.is_none_or(|f| f <= today) && to.is_none_or(|t| today <= t);
                if within && p.open[weekday] {
                    spans.extend(p.spans[weekday].iter().copied());
                }
            }
        }
        spans.sort();
        spans.dedup();
        let date = self.date(today, false);
        let times = if open {
            self.spans(&spans)
        } else {
            String::new()
        };
        let detail = if times.is_empty() {
            date
        } else {
            self.fill(
                "date_time",
                "{date}, {time}",
                &[("date", &date), ("time", &times)],
            )
        };
        let status = if open {
            self.get("place_open_today", "Open today")
        } else {
            self.get("place_closed_today", "Closed today")
        };
        Some(TodayView {
            open,
            status,
            detail,
            date: today.to_string(),
        })
    }

    /// An amount in a currency: "8,50 €", "€8.50", "12 CHF".
    fn money(&self, n: f64, currency: &str) -> String {
        let decimals = if n.fract() == 0.0 { 0 } else { 2 };
        let amount = self.s.format_number(n, Some(decimals));
        let code = currency.to_ascii_uppercase();
        let symbol = match code.as_str() {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            _ => "",
        };
        if symbol.is_empty() {
            format!("{amount}\u{a0}{}", currency.trim())
        } else {
            self.fill(
                "place_price_amount",
                "{currency}{amount}",
                &[("amount", &amount), ("currency", symbol)],
            )
        }
    }

    /// "8,50 € – 12 €", "À partir de 5 €", "Jusqu’à 20 €", "10 €".
    fn price(&self, min: Option<f64>, max: Option<f64>, currency: &str) -> Option<String> {
        let ok = |n: Option<f64>| n.filter(|n| n.is_finite() && *n >= 0.0);
        match (ok(min), ok(max)) {
            (Some(a), Some(b)) if a < b => Some(self.fill(
                "place_price_range",
                "{min} – {max}",
                &[
                    ("min", &self.money(a, currency)),
                    ("max", &self.money(b, currency)),
                ],
            )),
            (Some(a), Some(_)) => Some(self.money(a, currency)),
            (Some(a), None) => Some(self.fill(
                "place_price_from",
                "From {price}",
                &[("price", &self.money(a, currency))],
            )),
            (None, Some(b)) => Some(self.fill(
                "place_price_up_to",
                "Up to {price}",
                &[("price", &self.money(b, currency))],
            )),
            (None, None) => None,
        }
    }

    fn family(&self, d: Disability) -> String {
        match d {
            Disability::Motor => self.get("place_disability_motor", "Motor impairment"),
            Disability::Hearing => self.get("place_disability_hearing", "Hearing impairment"),
            Disability::Visual => self.get("place_disability_visual", "Visual impairment"),
            Disability::Mental => self.get("place_disability_mental", "Intellectual impairment"),
        }
    }
}

/// The hours entries by period (`from`, `to`): all-year first, then by date.
fn collect_periods<'h>(
    hours: impl IntoIterator<Item = &'h crate::content::practical::Hours>,
) -> std::collections::BTreeMap<PeriodKey, Period> {
    let mut periods: std::collections::BTreeMap<PeriodKey, Period> = Default::default();
    for h in hours {
        let key = (h.from.map(|d| d.date()), h.to.map(|d| d.date()));
        let p = periods.entry(key).or_default();
        let days: Vec<usize> = if h.days.is_empty() {
            (0..7).collect()
        } else {
            h.days.iter().map(|d| d.index()).collect()
        };
        for d in days {
            p.open[d] = true;
            if h.opens.is_some() || h.closes.is_some() {
                let span = (h.opens, h.closes);
                if !p.spans[d].contains(&span) {
                    p.spans[d].push(span);
                    p.spans[d].sort();
                }
            }
        }
        if let Some(n) = h.note.as_deref().map(str::trim).filter(|n| !n.is_empty())
            && !p.notes.iter().any(|x| x == n)
        {
            p.notes.push(n.to_string());
        }
    }
    periods
}

/// Replaces `{name}` placeholders, in one pass (a value is never read again
/// as a pattern). The trail's figures are worded with it too.
pub(crate) fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first letter in capitals: a sentence's start.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A phone number as written, readable and dialable. French numbers
/// (`04 84 12 34 56`, `+33 4 84 12 34 56`, `+33 (0)4…`, `0033…`) are
/// written in pairs, nationally on French pages and with +33 on others;
/// other numbers stay as written. Text with fewer than three digits is no
/// number.
pub fn phone(raw: &str, lang: &str) -> Option<PhoneView> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 3 || digits.len() > 20 {
        return None;
    }
    let international_form = t.starts_with('+') || t.starts_with("00");
    let national = if international_form {
        let d = digits.strip_prefix("00").unwrap_or(&digits);
        d.strip_prefix("33")
            .map(|n| n.strip_prefix('0').filter(|n| n.len() == 9).unwrap_or(n))
    } else {
        digits.strip_prefix('0').filter(|_| digits.len() == 10)
    };
    match national {
        Some(n) if n.len() == 9 && !n.starts_with('0') => {
            let pairs = |s: &str| -> String {
                s.as_bytes()
                    .chunks(2)
                    .map(|c| std::str::from_utf8(c).unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let international = format!("+33 {} {}", &n[..1], pairs(&n[1..]));
            let text = if lang.split(['-', '_']).next() == Some("fr") {
                format!("0{} {}", &n[..1], pairs(&n[1..]))
            } else {
                international.clone()
            };
            Some(PhoneView {
                text,
                href: format!("tel:+33{n}"),
                international,
            })
        }
        _ => {
            let plus = if international_form { "+" } else { "" };
            let d = if t.starts_with("00") {
                &digits[2..]
            } else {
                &digits[..]
            };
            Some(PhoneView {
                text: t.clone(),
                href: format!("tel:{plus}{d}"),
                international: t,
            })
        }
    }
}

/// A web site's address: http(s) as written, a bare host (`www.musee.fr`)
/// over https; nothing else.
fn web_address(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty()
        || t.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c))
    {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        let host = crate::url::host(t);
        return (!host.is_empty()).then(|| t.to_string());
    }
    let host = t.split(['/', '?', '#']).next().unwrap_or("");
    let plausible = host.contains('.')
        && !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    plausible.then(|| format!("https://{t}"))
}

/// A booking address: a web address, or `mailto:` / `tel:`.
fn booking_address(raw: &str) -> Option<String> {
    let t = raw.trim();
    let lower = t.to_ascii_lowercase();
    if (lower.starts_with("mailto:") && crate::url::is_email(&t[7..])) || lower.starts_with("tel:")
    {
        let ok = !t
            .chars()
            .any(|c| c.is_whitespace() && c != ' ' || c.is_control() || "<>\"".contains(c));
        return ok.then(|| t.replace(' ', ""));
    }
    web_address(t)
}

/// A language's name in the page's language, for the common codes; the
/// language's own name (or its code) otherwise.
fn language_in(code: &str, page_lang: &str) -> String {
    let code = code.trim().to_ascii_lowercase();
    let base = code.split(['-', '_']).next().unwrap_or(&code);
    let page = page_lang.split(['-', '_']).next().unwrap_or(page_lang);
    let column = match page {
        "fr" => 0,
        "en" => 1,
        "de" => 2,
        "es" => 3,
        "it" => 4,
        "nl" => 5,
        _ => return crate::render::views::language_name(base),
    };
    LANGUAGE_NAMES.iter().find(|(c, _)| *c == base).map_or_else(
        || crate::render::views::language_name(base),
        |(_, names)| names[column].to_string(),
    )
}

/// Common languages named in French, English, German, Spanish, Italian and
/// Dutch (lowercase where the language writes them so).
const LANGUAGE_NAMES: &[(&str, [&str; 6])] = &[
    (
        "fr",
        [
            "français",
            "French",
            "Französisch",
            "francés",
            "francese",
            "Frans",
        ],
    ),
    (
        "en",
        [
            "anglais", "English", "Englisch", "inglés", "inglese", "Engels",
        ],
    ),
    (
        "de",
        [
            "allemand", "German", "Deutsch", "alemán", "tedesco", "Duits",
        ],
    ),
    (
        "es",
        [
            "espagnol", "Spanish", "Spanisch", "español", "spagnolo", "Spaans",
        ],
    ),
    (
        "it",
        [
            "italien",
            "Italian",
            "Italienisch",
            "italiano",
            "italiano",
            "Italiaans",
        ],
    ),
    (
        "nl",
        [
            "néerlandais",
            "Dutch",
            "Niederländisch",
            "neerlandés",
            "olandese",
            "Nederlands",
        ],
    ),
    (
        "pt",
        [
            "portugais",
            "Portuguese",
            "Portugiesisch",
            "portugués",
            "portoghese",
            "Portugees",
        ],
    ),
    (
        "ca",
        [
            "catalan",
            "Catalan",
            "Katalanisch",
            "catalán",
            "catalano",
            "Catalaans",
        ],
    ),
    (
        "ru",
        ["russe", "Russian", "Russisch", "ruso", "russo", "Russisch"],
    ),
    (
        "pl",
        [
            "polonais", "Polish", "Polnisch", "polaco", "polacco", "Pools",
        ],
    ),
    (
        "zh",
        [
            "chinois",
            "Chinese",
            "Chinesisch",
            "chino",
            "cinese",
            "Chinees",
        ],
    ),
    (
        "ja",
        [
            "japonais",
            "Japanese",
            "Japanisch",
            "japonés",
            "giapponese",
            "Japans",
        ],
    ),
    (
        "ar",
        ["arabe", "Arabic", "Arabisch", "árabe", "arabo", "Arabisch"],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The built-in theme's strings of `lang`.
    fn strings(lang: &str) -> Strings {
        crate::theme::builtin_strings(lang)
    }

    fn place(toml_text: &str) -> PlaceFrontMatter {
        toml::from_str(toml_text).unwrap()
    }

    fn july_first() -> Date {
        jiff::civil::date(2026, 7, 1)
    }

    fn plain(s: &str) -> String {
        s.replace(['\u{a0}', '\u{202f}'], " ")
            .replace('\u{2060}', "")
    }

    const MUSEUM: &str = r#"
        [[hours]]
        from = 2026-04-01
        to = 2026-09-30
        days = ["tu", "we", "th", "fr", "sa", "su"]
        opens = "10:00"
        closes = "18:00"
        [[hours]]
        from = 2026-10-01
        to = 2027-03-31
        days = ["we", "th", "fr", "sa", "su"]
        opens = "10:00"
        closes = "12:00"
        [[hours]]
        from = 2026-10-01
        to = 2027-03-31
        days = ["we", "th", "fr", "sa", "su"]
        opens = "14:00"
        closes = "17:30"
        [[closed]]
        from = 2026-12-25
        note = "Noël"
        [[closed]]
        from = 2026-05-01
    "#;

    #[test]
    fn opening_periods_read_as_sentences_in_french_and_english() {
        let p = place(MUSEUM);
        let fr = place_view(&p, &strings("fr"), july_first());
        let lines: Vec<String> = fr
            .hours
            .iter()
            .map(|h| plain(&format!("{} {}", h.label, h.text)))
            .collect();
        assert_eq!(
            lines,
            [
                "Du 1er avril au 30 septembre : du mardi au dimanche, 10 h – 18 h. Fermé le lundi.",
                "Du 1er octobre 2026 au 31 mars 2027 : du mercredi au dimanche, 10 h – 12 h et 14 h – 17 h 30. Fermé les lundis et mardis.",
            ]
        );
        // The closure of 1 May is over on 1 July: left out.
        assert_eq!(
            fr.closures,
            ["Fermé exceptionnellement le 25 décembre (Noël)."]
        );
        let en = place_view(&p, &strings("en"), july_first());
        let lines: Vec<String> = en
            .hours
            .iter()
            .map(|h| plain(&format!("{} {}", h.label, h.text)))
            .collect();
        assert_eq!(
            lines[0],
            "1 April to 30 September: Tuesday to Sunday, 10 am – 6 pm. Closed on Monday."
        );
        assert_eq!(
            lines[1],
            "1 October 2026 to 31 March 2027: Wednesday to Sunday, 10 am – 12 pm and 2 pm – 5:30 pm. Closed on Mondays and Tuesdays."
        );
        assert_eq!(en.closures, ["Exceptionally closed on 25 December (Noël)."]);
    }

    #[test]
    fn seasons_over_are_left_out_and_the_last_one_stays_when_all_are() {
        let p = place(MUSEUM);
        let labels = |day: Date| -> Vec<String> {
            place_view(&p, &strings("fr"), day)
                .hours
                .iter()
                .map(|h| plain(&h.label))
                .collect()
        };
        // In winter, summer is over: only the winter period.
        assert_eq!(
            labels(jiff::civil::date(2026, 11, 2)),
            ["Du 1er octobre 2026 au 31 mars 2027 :"]
        );
        // After both, the last one stays, dated: the page still tells
        // when the place last opened, and the build warns (data-hours-ended).
        let later = place_view(&p, &strings("fr"), jiff::civil::date(2027, 6, 1));
        assert_eq!(
            later
                .hours
                .iter()
                .map(|h| plain(&h.label))
                .collect::<Vec<_>>(),
            ["Du 1er octobre 2026 au 31 mars 2027 :"]
        );
        assert!(later.closures.is_empty());
        // And no "closed today": the hours of today are not known.
        assert!(later.today.is_none());
        let winter = |d: i8| place_view(&p, &strings("fr"), jiff::civil::date(2026, 11, d)).today;
        assert!(
            winter(4).is_some_and(|t| t.open),
            "a Wednesday of the winter period"
        );
        assert!(winter(3).is_some_and(|t| !t.open), "a Tuesday: closed");
    }

    #[test]
    fn days_group_into_ranges_lists_and_runs_across_sunday() {
        let s = strings("fr");
        let w = Words {
            s: &s,
            today: july_first(),
        };
        let set = |days: &[usize]| {
            let mut s = [false; 7];
            for &d in days {
                s[d] = true;
            }
            s
        };
        assert_eq!(w.days(&set(&[0, 1, 2, 3, 4, 5, 6])), "tous les jours");
        assert_eq!(w.days(&set(&[0, 2, 4])), "lundi, mercredi et vendredi");
        assert_eq!(w.days(&set(&[5, 6])), "samedi et dimanche");
        assert_eq!(
            w.days(&set(&[0, 2, 3, 4, 6])),
            "lundi, du mercredi au vendredi et dimanche"
        );
        assert_eq!(w.days(&set(&[4, 5, 6, 0])), "du vendredi au lundi");
        assert_eq!(
            w.days(&set(&[2, 5, 6, 0])),
            "du samedi au lundi et mercredi"
        );
    }

    #[test]
    fn past_midnight_every_day_all_year_and_notes() {
        let p = place(
            r#"
            [[hours]]
            days = ["fr", "sa"]
            opens = "22:00"
            closes = "02:00"
            note = "Dernière entrée à 1 h"
            "#,
        );
        let v = place_view(&p, &strings("fr"), july_first());
        assert_eq!(
            plain(&format!("{} {}", v.hours[0].label, v.hours[0].text)),
            "Toute l’année : vendredi et samedi, 22 h – 2 h. Dernière entrée à 1 h."
        );
        let every = place("[[hours]]\nopens = \"09:00\"\ncloses = \"19:00\"\n");
        let v = place_view(&every, &strings("en"), july_first());
        assert_eq!(
            plain(&format!("{} {}", v.hours[0].label, v.hours[0].text)),
            "All year: every day, 9 am – 7 pm."
        );
        let de = place_view(&every, &strings("de"), july_first());
        assert_eq!(
            plain(&format!("{} {}", de.hours[0].label, de.hours[0].text)),
            "Ganzjährig: täglich, 09:00–19:00 Uhr."
        );
    }

    #[test]
    fn open_or_closed_on_the_builds_date() {
        let p = place(MUSEUM);
        // 1 July 2026 is a Wednesday, in the summer period.
        let t = place_view(&p, &strings("fr"), july_first()).today.unwrap();
        assert!(t.open);
        assert_eq!(plain(&t.status), "Ouvert aujourd’hui");
        assert_eq!(plain(&t.detail), "1er juillet, 10 h – 18 h");
        // A Monday: closed.
        let monday = jiff::civil::date(2026, 7, 6);
        let t = place_view(&p, &strings("en"), monday).today.unwrap();
        assert!(!t.open);
        assert_eq!(t.status, "Closed today");
        // A closure.
        let christmas = jiff::civil::date(2026, 12, 25);
        assert!(
            !place_view(&p, &strings("fr"), christmas)
                .today
                .unwrap()
                .open
        );
        // Winter, two spans.
        let t = place_view(&p, &strings("fr"), jiff::civil::date(2026, 12, 2))
            .today
            .unwrap();
        assert!(t.open);
        assert_eq!(
            plain(&t.detail),
            "2 décembre, 10 h – 12 h et 14 h – 17 h 30"
        );
        // Without hours, nothing is said.
        assert!(
            place_view(&PlaceFrontMatter::default(), &strings("fr"), july_first())
                .today
                .is_none()
        );
    }

    #[test]
    fn prices_with_the_languages_separators() {
        let p = place(
            r#"
            [[prices]]
            label = "Adulte"
            min = 8.5
            max = 12
            [[prices]]
            label = "Enfant"
            min = 5
            note = "de 6 à 17 ans"
            [[prices]]
            max = 20
            currency = "CHF"
            [[prices]]
            min = -1.0
            "#,
        );
        let fr = place_view(&p, &strings("fr"), july_first());
        let lines: Vec<String> = fr
            .prices
            .iter()
            .map(|p| {
                plain(&format!(
                    "{} {} {}",
                    p.label.clone().unwrap_or_default(),
                    p.amount.clone().unwrap_or_default(),
                    p.note.clone().unwrap_or_default()
                ))
                .trim()
                .to_string()
            })
            .collect();
        assert_eq!(
            lines,
            [
                "Adulte : 8,50 € – 12 €",
                "Enfant : À partir de 5 € de 6 à 17 ans",
                "Jusqu’à 20 CHF"
            ]
        );
        let en = place_view(&p, &strings("en"), july_first());
        assert_eq!(en.prices[0].amount.as_deref(), Some("€8.50 – €12"));
        let nl = place_view(&p, &strings("nl"), july_first());
        assert_eq!(
            plain(nl.prices[0].amount.as_deref().unwrap()),
            "€ 8,50 – € 12"
        );
        let free = place("free = true");
        assert_eq!(
            place_view(&free, &strings("fr"), july_first())
                .admission
                .as_deref(),
            Some("Gratuit")
        );
    }

    #[test]
    fn phones_emails_and_web_sites() {
        let fr = phone("+33 (0)4 84 12 34 56", "fr").unwrap();
        assert_eq!(fr.text, "04 84 12 34 56");
        assert_eq!(fr.href, "tel:+33484123456");
        let en = phone("0484123456", "en").unwrap();
        assert_eq!(en.text, "+33 4 84 12 34 56");
        assert_eq!(en.href, "tel:+33484123456");
        assert_eq!(
            phone("0033 6 12 34 56 78", "fr").unwrap().text,
            "06 12 34 56 78"
        );
        let ch = phone("+41 22 123 45 67", "fr").unwrap();
        assert_eq!(
            (ch.text.as_str(), ch.href.as_str()),
            ("+41 22 123 45 67", "tel:+41221234567")
        );
        assert!(phone("n/a", "fr").is_none());
        assert!(crate::url::is_email("accueil@musee-orbiere.fr"));
        assert!(!crate::url::is_email("a@b"));
        assert!(!crate::url::is_email("x\"@y.fr"));
        assert!(!crate::url::is_email("a@b.fr?subject=x"));
        assert_eq!(
            web_address("www.musee.fr").as_deref(),
            Some("https://www.musee.fr")
        );
        assert_eq!(
            web_address("http://x.fr/a").as_deref(),
            Some("http://x.fr/a")
        );
        assert_eq!(web_address("javascript:alert(1)"), None);
        assert_eq!(web_address(" JavaScript:alert(1)"), None);
        assert_eq!(
            booking_address("mailto:resa@x.fr").as_deref(),
            Some("mailto:resa@x.fr")
        );
        assert_eq!(
            booking_address("tel:+33 4 00").as_deref(),
            Some("tel:+33400")
        );
        assert_eq!(booking_address("data:text/html,x"), None);
        let p = place(
            "web = \"https://www.musee-orbiere.fr/visite\"\nemail = [\"a@b.fr\", \"nope\"]\nphone = [\"04 84 12 34 56\", \"+33 4 84 12 34 56\"]",
        );
        let v = place_view(&p, &strings("fr"), july_first());
        assert_eq!(v.web.unwrap().text, "www.musee-orbiere.fr");
        assert_eq!(v.emails.len(), 1);
        assert_eq!(v.phones.len(), 1, "the same number twice is shown once");
    }

    #[test]
    fn languages_accessibility_stars_and_capacity() {
        let p = place(
            r#"
            languages = ["fr", "en", "de-CH", "xx"]
            accessibility = ["visual", "motor"]
            stars = 3
            capacity = 1
            pets = false
            payment = ["Carte bancaire", "Espèces", "Chèques-Vacances"]
            "#,
        );
        let fr = place_view(&p, &strings("fr"), july_first());
        assert_eq!(
            fr.languages.as_deref(),
            Some("français, anglais, allemand et xx")
        );
        let keys: Vec<&str> = fr.accessibility.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["motor", "visual"], "in the label's order");
        assert_eq!(fr.stars.as_ref().unwrap().text, "3 étoiles");
        assert_eq!(fr.stars.as_ref().unwrap().symbols, "★★★");
        assert_eq!(fr.capacity.as_deref(), Some("1 personne"));
        assert_eq!(fr.pets.as_deref(), Some("Animaux non acceptés"));
        assert_eq!(
            fr.payment.as_deref(),
            Some("Carte bancaire, Espèces et Chèques-Vacances")
        );
        let en = place_view(&p, &strings("en"), july_first());
        assert_eq!(
            en.languages.as_deref(),
            Some("French, English, German and xx")
        );
        assert!(en.has_welcome && en.has_access && en.has_more && en.has_practical);
        assert!(!en.has_hours && !en.has_prices);
        let names: BTreeMap<String, bool> = en.features.into_iter().collect();
        assert_eq!(names.get("Pets welcome"), Some(&false));
        assert_eq!(
            names.get("Tourisme & Handicap label: Visual impairment"),
            Some(&true)
        );
    }

    #[test]
    fn an_address_alone_and_nothing_at_all() {
        let p =
            place("address = \"12 rue du Lac\"\npostal_code = \"39150\"\ncommune = \"Saint-Lac\"");
        let v = place_view(&p, &strings("fr"), july_first());
        assert_eq!(v.address_lines, ["12 rue du Lac", "39150 Saint-Lac"]);
        assert!(v.has_contact && !v.has_practical && !v.empty);
        assert!(v.today.is_none() && v.hours.is_empty());
        let written = place(
            "address = \"Route du lac, 39150 Saint-Lac\"\npostal_code = \"39150\"\ncommune = \"Saint-Lac\"",
        );
        let v = place_view(&written, &strings("fr"), july_first());
        assert_eq!(v.address_lines, ["Route du lac, 39150 Saint-Lac"]);
        let name_only = place("name = \"Le lac\"");
        assert!(place_view(&name_only, &strings("fr"), july_first()).empty);
    }

    #[test]
    fn every_language_has_every_key() {
        // The English fallbacks stand in only for themes ejected before
        // the keys existed: the built-in theme has them all.
        let en = strings("en");
        for key in en.strings.keys().filter(|k| k.starts_with("place_")) {
            for lang in ["fr", "de", "es", "it", "nl"] {
                let s = strings(lang);
                assert!(!s.missing.contains(key), "{lang} lacks {key}");
            }
        }
        assert!(en.strings.contains_key("place_period"));
        assert!(en.plurals.contains_key("place_stars"));
    }

    #[test]
    fn fill_reads_each_placeholder_once() {
        assert_eq!(fill("{a} {b}", &[("a", "{b}"), ("b", "x")]), "{b} x");
        assert_eq!(fill("{a", &[("a", "x")]), "{a");
        assert_eq!(fill("{z}", &[]), "{z}");
    }
}
