//! Events: their times in the site's zone, weekly and other recurrences, and
//! whether they are still to come.
//!
//! A date without a time is an all-day event (its `end` is the last day,
//! inclusive); a time without an offset is read in the site's `timezone`.
//! `rrule` understands the parts of RFC 5545 that territorial agendas use:
//! FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY, COUNT and UNTIL;
//! anything else is an error rather than a silently wrong date.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::content::frontmatter::{EventFrontMatter, EventStatus};

/// How often an event repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A parsed recurrence rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rrule {
    pub freq: Freq,
    pub interval: u32,
    pub by_day: Vec<Weekday>,
    pub count: Option<u32>,
    pub until: Option<Date>,
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

pub fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

impl Rrule {
    /// Parses `FREQ=WEEKLY;BYDAY=SA` and the like.
    pub fn parse(text: &str) -> Result<Rrule, String> {
        let mut freq = None;
        let mut interval = 1;
        let mut by_day = Vec::new();
        let mut count = None;
        let mut until = None;
        for part in text
            .trim()
            .trim_start_matches("RRULE:")
            .split(';')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| {
                    format!(
                        "`{part}` is not a rule: write rules as in calendars, e.g. FREQ=WEEKLY;BYDAY=SA for every Saturday, FREQ=WEEKLY;BYDAY=SA,SU for every weekend"
                    )
                })?;
            match k.trim().to_ascii_uppercase().as_str() {
                "FREQ" => {
                    freq = Some(match v.trim().to_ascii_uppercase().as_str() {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        "YEARLY" => Freq::Yearly,
                        other => {
                            return Err(format!(
                                "FREQ={other} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"
                            ));
                        }
                    })
                }
                "INTERVAL" => {
                    interval = v
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=1000).contains(n))
                        .ok_or_else(|| format!("INTERVAL={v} is not a number from 1 to 1000"))?
                }
                "BYDAY" => {
                    for d in v.split(',') {
                        let d = d.trim().to_ascii_uppercase();
                        by_day.push(weekday(&d).ok_or_else(|| {
                            format!("BYDAY: `{d}` is not a day (MO, TU, WE, TH, FR, SA, SU)")
                        })?);
                    }
                }
                "COUNT" => {
                    count = Some(
                        v.trim()
                            .parse::<u32>()
                            .ok()
                            .filter(|n| *n >= 1)
                            .ok_or_else(|| format!("COUNT={v} is not a positive number"))?,
                    )
                }
                "UNTIL" => {
                    let d = v.trim().get(..8).unwrap_or("");
                    let parsed = format!(
                        "{}-{}-{}",
                        d.get(..4).unwrap_or(""),
                        d.get(4..6).unwrap_or(""),
                        d.get(6..8).unwrap_or("")
                    );
                    until = Some(
                        parsed
                            .parse::<Date>()
                            .map_err(|_| format!("UNTIL={v} is not a date (20261231)"))?,
                    )
                }
                "WKST" => {}
                other => {
                    return Err(format!(
                        "{other} is not supported; blason understands FREQ, INTERVAL, BYDAY, COUNT and UNTIL"
                    ));
                }
            }
        }
        let freq = freq.ok_or("FREQ is missing (e.g. FREQ=WEEKLY;BYDAY=SA)")?;
        if !by_day.is_empty() && !matches!(freq, Freq::Weekly | Freq::Daily) {
            return Err("BYDAY is supported with FREQ=WEEKLY or FREQ=DAILY only".into());
        }
        by_day.sort_by_key(|d| d.to_monday_zero_offset());
        by_day.dedup();
        Ok(Rrule {
            freq,
            interval,
            by_day,
            count,
            until,
        })
    }

    /// The rule as RFC 5545 text (normalised).
    pub fn to_ics(&self) -> String {
        let mut s = format!(
            "FREQ={}",
            match self.freq {
                Freq::Daily => "DAILY",
                Freq::Weekly => "WEEKLY",
                Freq::Monthly => "MONTHLY",
                Freq::Yearly => "YEARLY",
            }
        );
        if self.interval != 1 {
            s.push_str(&format!(";INTERVAL={}", self.interval));
        }
        if !self.by_day.is_empty() {
            let days: Vec<&str> = self.by_day.iter().map(|d| weekday_code(*d)).collect();
            s.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        if let Some(c) = self.count {
            s.push_str(&format!(";COUNT={c}"));
        }
        if let Some(u) = self.until {
            s.push_str(&format!(";UNTIL={}", u.strftime("%Y%m%d")));
        }
        s
    }

    /// Start dates of the occurrences, in order, from the first (`first` itself
    /// when it matches the rule), at most `limit` of them.
    pub fn dates(&self, first: Date, limit: usize) -> Vec<Date> {
        let mut out = Vec::new();
        let max_days = 366 * 30;
        let week_start = |d: Date| {
            d.checked_sub(jiff::Span::new().days(d.weekday().to_monday_zero_offset() as i64))
                .unwrap_or(d)
        };
        let first_week = week_start(first);
        let mut day = first;
        for _ in 0..max_days {
            if self.until.is_some_and(|u| day > u)
                || out.len() >= limit
                || self.count.is_some_and(|c| out.len() >= c as usize)
            {
                break;
            }
            let matches = match self.freq {
                Freq::Daily => {
                    let n = (day - first).get_days();
                    n % self.interval as i32 == 0
                        && (self.by_day.is_empty() || self.by_day.contains(&day.weekday()))
                }
                Freq::Weekly => {
                    let weeks = (week_start(day) - first_week).get_days() / 7;
                    let on_day = if self.by_day.is_empty() {
                        day.weekday() == first.weekday()
                    } else {
                        self.by_day.contains(&day.weekday())
                    };
                    weeks % self.interval as i32 == 0 && on_day
                }
                Freq::Monthly => {
                    let months = (day.year() as i32 - first.year() as i32) * 12
                        + day.month() as i32
                        - first.month() as i32;
                    day.day() == first.day() && months % self.interval as i32 == 0
                }
                Freq::Yearly => {
                    day.month() == first.month()
                        && day.day() == first.day()
                        && (day.year() - first.year()) as i32 % self.interval as i32 == 0
                }
            };
            if matches {
                out.push(day);
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        out
    }
}

/// An event's times, resolved.
#[derive(Debug, Clone)]
pub struct EventTimes {
    pub all_day: bool,
    /// Start, in the event's own offset or the site's zone.
    pub start: Zoned,
    /// End; for all-day events, the start of the day after the last day.
    pub end: Zoned,
    /// The last day, for all-day events (inclusive).
    pub last_day: Date,
    pub status: EventStatus,
    pub rrule: Option<Rrule>,
    /// The other occurrences of `[[event.dates]]`: start and end, in order.
    pub more: Vec<(Zoned, Zoned)>,
    /// The next occurrence not yet over (the event itself when not recurring), if any.
    pub next: Option<Zoned>,
}

impl EventTimes {
    /// How long one occurrence lasts.
    pub fn duration(&self) -> jiff::SignedDuration {
        self.end.timestamp().duration_since(self.start.timestamp())
    }

    /// The end of the occurrence that starts at `start` (the event's own
    /// end when it cannot be computed).
    pub fn occurrence_end(&self, start: &Zoned) -> Zoned {
        start
            .checked_add(self.duration())
            .unwrap_or_else(|_| self.end.clone())
    }

    /// Resolves an event of the front matter; the error is for the user.
    pub fn resolve(
        ev: &EventFrontMatter,
        tz: &TimeZone,
        clock: &crate::clock::Clock,
    ) -> Result<EventTimes, String> {
        let zone_of = |d: &crate::content::frontmatter::FmDate| -> TimeZone {
            match d.offset {
                Some(off) => TimeZone::fixed(off),
                None => tz.clone(),
            }
        };
        let at = |dt: DateTime, zone: &TimeZone| -> Result<Zoned, String> {
            zone.to_ambiguous_zoned(dt)
                .compatible()
                .map_err(|e| e.to_string())
        };
        let all_day = ev.start.date_only;
        if let Some(end) = &ev.end
            && end.date_only != all_day
        {
            return Err(
                "`start` and `end` must both be dates (all-day) or both dates with a time".into(),
            );
        }
        let start_zone = zone_of(&ev.start);
        let start = at(ev.start.datetime, &start_zone)?;
        let (end, last_day) = if all_day {
            let last = ev.end.map_or(ev.start.date(), |e| e.date());
            if last < ev.start.date() {
                return Err(format!(
                    "the event ends ({last}) before it starts ({})",
                    ev.start.date()
                ));
            }
            let after = last.tomorrow().map_err(|e| e.to_string())?;
            (
                at(after.to_datetime(jiff::civil::Time::midnight()), tz)?,
                last,
            )
        } else {
            let end = match &ev.end {
                Some(e) => at(e.datetime, &zone_of(e))?,
                None => start
                    .checked_add(jiff::Span::new().hours(1))
                    .map_err(|e| e.to_string())?,
            };
            if end.timestamp() < start.timestamp() {
                return Err(format!(
                    "the event ends ({}) before it starts ({})",
                    ev.end.map(|e| e.iso()).unwrap_or_default(),
                    ev.start.iso()
                ));
            }
            let last = end.date();
            (end, last)
        };
        let rrule = match &ev.rrule {
            Some(r) => Some(Rrule::parse(r).map_err(|e| format!("rrule: {e}"))?),
            None => None,
        };
        let duration = end.timestamp().duration_since(start.timestamp());
        let mut more = Vec::with_capacity(ev.dates.len());
        for (i, d) in ev.dates.iter().enumerate() {
            if d.start.date_only != all_day || d.end.is_some_and(|e| e.date_only != all_day) {
                return Err(format!(
                    "[[event.dates]] number {}: write dates the way `start` is written (all-day, or with a time)",
                    i + 1
                ));
            }
            let s = at(d.start.datetime, &zone_of(&d.start))?;
            let e = if all_day {
                let last = d.end.map_or(d.start.date(), |e| e.date());
                if last < d.start.date() {
                    return Err(format!(
                        "[[event.dates]] number {}: it ends before it starts",
                        i + 1
                    ));
                }
                let after = last.tomorrow().map_err(|e| e.to_string())?;
                at(after.to_datetime(jiff::civil::Time::midnight()), tz)?
            } else {
                match &d.end {
                    Some(e) => at(e.datetime, &zone_of(e))?,
                    None => s.checked_add(duration).map_err(|e| e.to_string())?,
                }
            };
            if e.timestamp() < s.timestamp() {
                return Err(format!(
                    "[[event.dates]] number {}: it ends before it starts",
                    i + 1
                ));
            }
            more.push((s, e));
        }
        more.sort_by_key(|(s, _)| s.timestamp());
        let next = match &rrule {
            None => (!clock.reached(end.timestamp())).then(|| start.clone()),
            Some(rule) => rule
                .dates(start.date(), 20_000)
                .into_iter()
                .filter_map(|d| at(d.to_datetime(start.time()), &start_zone).ok())
                .find(|s| {
                    s.timestamp()
                        .checked_add(duration)
                        .is_ok_and(|e| !clock.reached(e))
                }),
        };
        // The soonest occurrence not over among the first (or its rule's)
        // and the others.
        let next = next
            .into_iter()
            .chain(
                more.iter()
                    .filter(|(_, e)| !clock.reached(e.timestamp()))
                    .map(|(s, _)| s.clone()),
            )
            .min_by_key(|s| s.timestamp());
        Ok(EventTimes {
            all_day,
            start,
            end,
            last_day,
            status: ev.status,
            rrule,
            more,
            next,
        })
    }

    pub fn upcoming(&self) -> bool {
        self.next.is_some()
    }

    /// Still to come and not cancelled: what a page may promote (the
    /// home page's must-sees, a place's "nearby" list). A postponed event
    /// stays, shown with its status.
    pub fn promotable(&self) -> bool {
        self.upcoming() && self.status != EventStatus::Cancelled
    }

    /// Spans more than one calendar day.
    pub fn multi_day(&self) -> bool {
        self.last_day > self.start.date()
    }

    /// When the agenda sorts it: its next occurrence, else its start.
    pub fn sort_key(&self) -> Timestamp {
        self.next.as_ref().unwrap_or(&self.start).timestamp()
    }

    /// Every occurrence written: the first (`start`, `end`), then those of
    /// `[[event.dates]]`, in order.
    pub fn occurrences(&self) -> impl Iterator<Item = (&Zoned, &Zoned)> {
        std::iter::once((&self.start, &self.end)).chain(self.more.iter().map(|(s, e)| (s, e)))
    }

    /// The occurrences cut into runs of days in a row: each the day after
    /// the one before, at the same local time (as `local` reads it), for
    /// the same length. An exhibition open every day for a season is one
    /// run, which a page says as a date range and a calendar as one daily
    /// rule, instead of hundreds of dates. The first occurrence of an
    /// event with its own rule stays alone: its rule repeats it.
    pub fn daily_runs(&self, local: impl Fn(&Zoned) -> DateTime) -> Vec<DailyRun<'_>> {
        let all: Vec<(&Zoned, &Zoned)> = self.occurrences().collect();
        self.run_bounds(local)
            .into_iter()
            .map(|(number, days)| DailyRun {
                number,
                days,
                first: all[number],
                last: all[number + days - 1],
            })
            .collect()
    }

    /// [`Self::daily_runs`] as (first occurrence's number, how many).
    fn run_bounds(&self, local: impl Fn(&Zoned) -> DateTime) -> Vec<(usize, usize)> {
        let length = |s: &Zoned, e: &Zoned| -> i64 {
            if self.all_day {
                // Whole days: midnight to midnight is 23 or 25 hours when
                // the clocks change.
                i64::from(e.date().since(s.date()).map_or(0, |span| span.get_days()))
            } else {
                e.timestamp().as_second() - s.timestamp().as_second()
            }
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut last: Option<(DateTime, i64)> = None;
        for (n, (s, e)) in self.occurrences().enumerate() {
            let (at, len) = (local(s), length(s, e));
            let follows = last.is_some_and(|(before, before_len)| {
                before_len == len
                    && at.time() == before.time()
                    && before.date().tomorrow().is_ok_and(|d| d == at.date())
            });
            match runs.last_mut() {
                Some(run) if follows && !(run.0 == 0 && self.rrule.is_some()) => run.1 += 1,
                _ => runs.push((n, 1)),
            }
            last = Some((at, len));
        }
        runs
    }
}

/// Occurrences of an event on days in a row ([`EventTimes::daily_runs`]).
#[derive(Debug, Clone, Copy)]
pub struct DailyRun<'a> {
    /// The first occurrence's number in [`EventTimes::occurrences`].
    pub number: usize,
    /// How many occurrences, one a day.
    pub days: usize,
    /// The first and the last occurrence (start, end).
    pub first: (&'a Zoned, &'a Zoned),
    pub last: (&'a Zoned, &'a Zoned),
}

/// The last day of an all-day occurrence from `start` to `end` (the start
/// of the day after it): the day before `end`, never before `start`.
pub fn last_day(start: &Zoned, end: &Zoned) -> Date {
    end.date()
        .yesterday()
        .unwrap_or(end.date())
        .max(start.date())
}

/// ISO 8601 with offset: `2026-07-14T21:00:00+02:00`, or a date for all-day events.
pub fn iso(z: &Zoned, all_day: bool) -> String {
    if all_day {
        z.date().to_string()
    } else {
        z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::FmDate;

    fn ev(start: &str, end: Option<&str>, rrule: Option<&str>) -> EventFrontMatter {
        EventFrontMatter {
            start: FmDate::parse(start).unwrap(),
            end: end.map(|e| FmDate::parse(e).unwrap()),
            location: None,
            booking_url: None,
            status: EventStatus::Scheduled,
            rrule: rrule.map(String::from),
            dates: Vec::new(),
        }
    }

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn clock(s: &str) -> crate::clock::Clock {
        crate::clock::Clock::new(ts(s))
    }

    #[test]
    fn weekly_market_next_saturday() {
        let e = ev(
            "2026-05-02T08:00:00",
            Some("2026-05-02T12:30:00"),
            Some("FREQ=WEEKLY;BYDAY=SA"),
        );
        let t = EventTimes::resolve(&e, &paris(), &clock("2026-07-01T00:00:00Z")).unwrap();
        let next = t.next.unwrap();
        assert_eq!(next.date().to_string(), "2026-07-04");
        assert_eq!(next.strftime("%H:%M %:z").to_string(), "08:00 +02:00");
        assert_eq!(t.rrule.unwrap().to_ics(), "FREQ=WEEKLY;BYDAY=SA");
    }

    #[test]
    fn rules_with_count_until_interval() {
        let r = Rrule::parse("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5").unwrap();
        let d: Vec<String> = r
            .dates("2026-06-01".parse().unwrap(), 100)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            d,
            [
                "2026-06-01",
                "2026-06-03",
                "2026-06-15",
                "2026-06-17",
                "2026-06-29"
            ]
        );
        let r = Rrule::parse("FREQ=MONTHLY;UNTIL=20260901").unwrap();
        assert_eq!(r.dates("2026-06-15".parse().unwrap(), 100).len(), 3);
        assert!(
            Rrule::parse("FREQ=WEEKLY;BYSETPOS=1")
                .unwrap_err()
                .contains("not supported")
        );
        assert!(Rrule::parse("BYDAY=SA").unwrap_err().contains("FREQ"));
    }

    #[test]
    fn all_day_and_past_midnight_and_past_events() {
        let e = ev("2026-09-11", Some("2026-09-13"), None);
        let t = EventTimes::resolve(&e, &paris(), &clock("2026-07-01T00:00:00Z")).unwrap();
        assert!(t.all_day && t.multi_day() && t.upcoming());
        assert_eq!(t.end.date().to_string(), "2026-09-14");
        let e = ev(
            "2026-07-14T21:00:00+02:00",
            Some("2026-07-15T01:00:00+02:00"),
            None,
        );
        let t = EventTimes::resolve(&e, &paris(), &clock("2026-07-01T00:00:00Z")).unwrap();
        assert_eq!(iso(&t.start, false), "2026-07-14T21:00:00+02:00");
        let t = EventTimes::resolve(&e, &paris(), &clock("2026-08-01T00:00:00Z")).unwrap();
        assert!(!t.upcoming());
        let bad = ev("2026-07-14T21:00:00", Some("2026-07-14T20:00:00"), None);
        assert!(EventTimes::resolve(&bad, &paris(), &clock("2026-07-01T00:00:00Z")).is_err());
    }

    #[test]
    fn days_in_a_row_make_runs_and_gaps_cut_them() {
        let tz = paris();
        let day = |d: &str, from: &str, to: &str| crate::content::frontmatter::EventDate {
            start: FmDate::parse(&format!("{d}T{from}")).unwrap(),
            end: Some(FmDate::parse(&format!("{d}T{to}")).unwrap()),
        };
        // Open every day across the change to summer time (29 March), a
        // day with other hours, a day off, then two days in a row again.
        let mut e = ev("2026-03-27T10:00:00", Some("2026-03-27T18:00:00"), None);
        e.dates = vec![
            day("2026-03-28", "10:00:00", "18:00:00"),
            day("2026-03-29", "10:00:00", "18:00:00"),
            day("2026-03-30", "10:00:00", "18:00:00"),
            day("2026-03-31", "10:00:00", "12:00:00"),
            day("2026-04-02", "10:00:00", "18:00:00"),
            day("2026-04-03", "10:00:00", "18:00:00"),
        ];
        let t = EventTimes::resolve(&e, &tz, &clock("2026-03-01T00:00:00Z")).unwrap();
        let runs = t.run_bounds(|z| z.datetime());
        assert_eq!(runs, [(0, 4), (4, 1), (5, 2)]);
        // In UTC the same times move by an hour on the 29th: the run is cut there.
        let utc = t.run_bounds(|z| z.timestamp().to_zoned(TimeZone::UTC).datetime());
        assert_eq!(utc, [(0, 2), (2, 2), (4, 1), (5, 2)]);
        // All-day dates in a row, across the change of time too.
        let mut e = ev("2026-03-28", None, None);
        e.dates = ["2026-03-29", "2026-03-30", "2026-04-01"]
            .iter()
            .map(|d| crate::content::frontmatter::EventDate {
                start: FmDate::parse(d).unwrap(),
                end: None,
            })
            .collect();
        let t = EventTimes::resolve(&e, &tz, &clock("2026-03-01T00:00:00Z")).unwrap();
        assert_eq!(t.run_bounds(|z| z.datetime()), [(0, 3), (3, 1)]);
        // A first occurrence with its own rule stays alone.
        let mut e = ev("2026-03-28", None, Some("FREQ=WEEKLY;COUNT=3"));
        e.dates = vec![crate::content::frontmatter::EventDate {
            start: FmDate::parse("2026-03-29").unwrap(),
            end: None,
        }];
        let t = EventTimes::resolve(&e, &tz, &clock("2026-03-01T00:00:00Z")).unwrap();
        assert_eq!(t.run_bounds(|z| z.datetime()), [(0, 1), (1, 1)]);
    }

    #[test]
    fn more_dates_make_the_next_occurrence() {
        let tz = paris();
        let mut e = ev("2026-06-01T20:00:00", Some("2026-06-01T22:00:00"), None);
        e.dates = vec![
            crate::content::frontmatter::EventDate {
                start: FmDate::parse("2026-08-01T20:00:00").unwrap(),
                end: None,
            },
            crate::content::frontmatter::EventDate {
                start: FmDate::parse("2026-07-01T18:00:00").unwrap(),
                end: Some(FmDate::parse("2026-07-01T23:30:00").unwrap()),
            },
        ];
        let t = EventTimes::resolve(&e, &tz, &clock("2026-06-15T00:00:00Z")).unwrap();
        assert_eq!(t.more.len(), 2);
        // The soonest to come, not the first written.
        assert_eq!(t.next.as_ref().unwrap().date().to_string(), "2026-07-01");
        // Without an end, an occurrence lasts as long as the first.
        assert_eq!(t.more[1].1.time().to_string(), "22:00:00");
        let over = EventTimes::resolve(&e, &tz, &clock("2026-09-01T00:00:00Z")).unwrap();
        assert!(!over.upcoming());
        e.dates[0].start = FmDate::parse("2026-08-01").unwrap();
        assert!(EventTimes::resolve(&e, &tz, &clock("2026-06-15T00:00:00Z")).is_err());
    }
}
