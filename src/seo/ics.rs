//! iCalendar files (RFC 5545): one per event, and the agenda of each language.
//!
//! Times are written in the site's zone (`DTSTART;TZID=Europe/Paris:...`) with a
//! VTIMEZONE built from the zone's real transitions around the events, all-day
//! events as dates (`DTSTART;VALUE=DATE`), recurrences as RRULE, cancelled and
//! postponed events with their STATUS. Lines end with CRLF and are folded at 75
//! octets. Output depends only on the content, so builds stay reproducible.

use std::fmt::Write as _;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::content::event::EventTimes;
use crate::content::frontmatter::EventStatus;

/// One event to write.
pub struct IcsEvent<'a> {
    pub uid: String,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub url: String,
    pub times: &'a EventTimes,
    /// DTSTAMP: when the page was last changed (never the build time).
    pub stamp: Timestamp,
}

/// Escapes a TEXT value.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, on character boundaries.
pub(crate) fn push_line(out: &mut String, line: &str) {
    let mut count = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if count + len > 75 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += len;
    }
    out.push_str("\r\n");
}

/// A UTC date-time value (`20260714T190000Z`).
pub(crate) fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn local(z: &Zoned) -> String {
    z.strftime("%Y%m%dT%H%M%S").to_string()
}

fn offset(o: jiff::tz::Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
}

/// A VTIMEZONE with the zone's transitions between `from` and `to`.
fn vtimezone(out: &mut String, name: &str, tz: &TimeZone, from: Timestamp, to: Timestamp) {
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{name}"));
    let mut transitions: Vec<(Timestamp, jiff::tz::Offset, String, bool)> = Vec::new();
    if let Some(t) = tz.preceding(from).next() {
        transitions.push((
            t.timestamp(),
            t.offset(),
            t.abbreviation().to_string(),
            t.dst().is_dst(),
        ));
    }
    for t in tz.following(from) {
        if t.timestamp() > to {
            break;
        }
        transitions.push((
            t.timestamp(),
            t.offset(),
            t.abbreviation().to_string(),
            t.dst().is_dst(),
        ));
    }
    if transitions.is_empty() {
        let off = tz.to_offset(from);
        push_line(out, "BEGIN:STANDARD");
        push_line(out, "DTSTART:19700101T000000");
        push_line(out, &format!("TZOFFSETFROM:{}", offset(off)));
        push_line(out, &format!("TZOFFSETTO:{}", offset(off)));
        push_line(out, "END:STANDARD");
    }
    for (ts, to_off, abbr, dst) in transitions {
        let before = ts
            .checked_sub(jiff::SignedDuration::from_secs(1))
            .unwrap_or(ts);
        let from_off = tz.to_offset(before);
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        let start = from_off.to_datetime(ts);
        push_line(out, &format!("BEGIN:{kind}"));
        push_line(out, &format!("DTSTART:{}", start.strftime("%Y%m%dT%H%M%S")));
        push_line(out, &format!("TZOFFSETFROM:{}", offset(from_off)));
        push_line(out, &format!("TZOFFSETTO:{}", offset(to_off)));
        if !abbr.is_empty() {
            push_line(out, &format!("TZNAME:{}", text(&abbr)));
        }
        push_line(out, &format!("END:{kind}"));
    }
    push_line(out, "END:VTIMEZONE");
}

/// A calendar with `events`; `tz_name` is the site's IANA zone.
pub fn calendar(name: &str, tz_name: &str, tz: &TimeZone, events: &[IcsEvent<'_>]) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(
        &mut out,
        &format!("PRODID:-//blason//{}//EN", text(name).replace("//", "/")),
    );
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    let is_utc = tz_name == "UTC" || tz_name == "Etc/UTC";
    let timed: Vec<&IcsEvent<'_>> = events.iter().filter(|e| !e.times.all_day).collect();
    if !is_utc && !timed.is_empty() {
        let year = jiff::SignedDuration::from_hours(24 * 366);
        let from = timed
            .iter()
            .map(|e| e.times.start.timestamp())
            .chain(
                timed
                    .iter()
                    .flat_map(|e| e.times.more.iter().map(|(s, _)| s.timestamp())),
            )
            .min()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let to = timed
            .iter()
            .map(|e| {
                let end = e
                    .times
                    .more
                    .last()
                    .map_or(e.times.end.timestamp(), |(_, en)| en.timestamp())
                    .max(e.times.end.timestamp());
                if e.times.rrule.is_some() {
                    end.checked_add(year * 2).unwrap_or(end)
                } else {
                    end
                }
            })
            .max()
            .unwrap_or(from);
        vtimezone(
            &mut out,
            tz_name,
            tz,
            from.checked_sub(year).unwrap_or(from),
            to.checked_add(year).unwrap_or(to),
        );
    }
    for e in events {
        let t = e.times;
        // The first occurrence (with its rule), then those of
        // `[[event.dates]]`: each run of days in a row at the same time
        // and for the same length as one VEVENT with a daily rule, any
        // other as its own (their lengths may differ, which RDATE cannot
        // say). A run is cut where the times the VEVENT is written in
        // differ, so that the rule gives exactly the dates written.
        let runs = t.daily_runs(|z| {
            if t.all_day {
                z.datetime()
            } else if is_utc {
                z.timestamp().to_zoned(TimeZone::UTC).datetime()
            } else {
                z.timestamp().to_zoned(tz.clone()).datetime()
            }
        });
        for run in runs {
            let (start, end) = run.first;
            let first = run.number == 0;
            let uid = if first {
                e.uid.clone()
            } else {
                format!("{}-{}", e.uid, run.number + 1)
            };
            push_line(&mut out, "BEGIN:VEVENT");
            push_line(&mut out, &format!("UID:{}", text(&uid)));
            push_line(&mut out, &format!("DTSTAMP:{}", utc(e.stamp)));
            if t.all_day {
                push_line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", start.date().strftime("%Y%m%d")),
                );
                push_line(
                    &mut out,
                    &format!("DTEND;VALUE=DATE:{}", end.date().strftime("%Y%m%d")),
                );
            } else if is_utc {
                push_line(&mut out, &format!("DTSTART:{}", utc(start.timestamp())));
                push_line(&mut out, &format!("DTEND:{}", utc(end.timestamp())));
            } else {
                let s = start.timestamp().to_zoned(tz.clone());
                let en = end.timestamp().to_zoned(tz.clone());
                push_line(&mut out, &format!("DTSTART;TZID={tz_name}:{}", local(&s)));
                push_line(&mut out, &format!("DTEND;TZID={tz_name}:{}", local(&en)));
            }
            if let Some(r) = t.rrule.as_ref().filter(|_| first) {
                push_line(&mut out, &format!("RRULE:{}", r.to_ics()));
            } else if run.days > 1 {
                push_line(&mut out, &format!("RRULE:FREQ=DAILY;COUNT={}", run.days));
            }
            push_line(&mut out, &format!("SUMMARY:{}", text(e.summary)));
            if let Some(d) = e.description {
                push_line(&mut out, &format!("DESCRIPTION:{}", text(d)));
            }
            if let Some(l) = e.location {
                push_line(&mut out, &format!("LOCATION:{}", text(l)));
            }
            push_line(&mut out, &format!("URL:{}", e.url));
            let status = match t.status {
                EventStatus::Scheduled => "CONFIRMED",
                EventStatus::Cancelled => "CANCELLED",
                EventStatus::Postponed => "TENTATIVE",
            };
            push_line(&mut out, &format!("STATUS:{status}"));
            push_line(&mut out, "END:VEVENT");
        }
    }
    push_line(&mut out, "END:VCALENDAR");
    let _ = write!(out, "");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::{EventFrontMatter, FmDate};

    fn times(start: &str, end: &str, rrule: Option<&str>) -> EventTimes {
        let ev = EventFrontMatter {
            start: FmDate::parse(start).unwrap(),
            end: Some(FmDate::parse(end).unwrap()),
            location: None,
            booking_url: None,
            status: EventStatus::Cancelled,
            rrule: rrule.map(String::from),
            dates: Vec::new(),
        };
        let tz = TimeZone::get("Europe/Paris").unwrap();
        EventTimes::resolve(
            &ev,
            &tz,
            &crate::clock::Clock::new("2026-01-01T00:00:00Z".parse().unwrap()),
        )
        .unwrap()
    }

    #[test]
    fn timed_all_day_and_recurring_events() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let a = times(
            "2026-07-14T21:00:00+02:00",
            "2026-07-15T01:00:00+02:00",
            None,
        );
        let b = times("2026-09-11", "2026-09-13", None);
        let c = times(
            "2026-05-02T08:00:00",
            "2026-05-02T12:30:00",
            Some("FREQ=WEEKLY;BYDAY=SA"),
        );
        let long = "Un titre très long, avec des virgules; des points-virgules et des accents éàü pour plier la ligne";
        let ev = |t: &'static EventTimes| IcsEvent {
            uid: "x@example.org".into(),
            summary: long,
            description: Some("ligne 1\nligne 2"),
            location: Some("Place, Saint-Aubin"),
            url: "https://example.org/x/".into(),
            times: t,
            stamp: "2026-06-01T00:00:00Z".parse().unwrap(),
        };
        let (a, b, c): (&'static _, &'static _, &'static _) = (
            Box::leak(Box::new(a)),
            Box::leak(Box::new(b)),
            Box::leak(Box::new(c)),
        );
        let cal = calendar("Val d'Orbière", "Europe/Paris", &tz, &[ev(a), ev(b), ev(c)]);
        assert!(cal.contains("DTSTART;TZID=Europe/Paris:20260714T210000\r\n"));
        assert!(cal.contains("DTEND;TZID=Europe/Paris:20260715T010000\r\n"));
        assert!(cal.contains("DTSTART;VALUE=DATE:20260911\r\nDTEND;VALUE=DATE:20260914\r\n"));
        assert!(cal.contains("RRULE:FREQ=WEEKLY;BYDAY=SA\r\n"));
        assert!(cal.contains("STATUS:CANCELLED"));
        assert!(cal.contains("BEGIN:VTIMEZONE") && cal.contains("TZOFFSETTO:+0200"));
        assert!(cal.contains("LOCATION:Place\\, Saint-Aubin"));
        assert!(cal.contains("DESCRIPTION:ligne 1\\nligne 2"));
        for line in cal.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(!cal.replace("\r\n", "").contains('\n'));
    }
}
