//! A build's "now", and when what it decided from it stops holding.
//!
//! A build reads the clock to decide: an event is over, a photo's rights
//! end soon, a place is open today, a page has expired. Every such decision
//! goes through a [`Clock`], which keeps the first instant after "now" at
//! which one of them would be decided otherwise: the next midnight once a
//! date was asked for, an event's end, the day a right enters its notice.
//! Until that instant (the build's horizon) the same files give the same
//! site, so `serve` keeps the pages of its last build across a save made
//! minutes later, and renders them all again only once the horizon is
//! reached. Nothing else lives here.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// "Now" for one build, and the horizon of the decisions made from it.
/// Clones share the horizon: a build's parts each hold one.
#[derive(Debug, Clone)]
pub struct Clock {
    now: Timestamp,
    horizon: Arc<Mutex<Option<Timestamp>>>,
}

impl Clock {
    pub fn new(now: Timestamp) -> Clock {
        Clock {
            now,
            horizon: Arc::default(),
        }
    }

    /// Whether `t` has come (`t <= now`). While it has not, `t` is an
    /// instant at which this answer changes.
    pub fn reached(&self, t: Timestamp) -> bool {
        if t <= self.now {
            return true;
        }
        self.until(t);
        false
    }

    /// Whether `t` is over (`t < now`): it changes just after `t`.
    pub fn passed(&self, t: Timestamp) -> bool {
        if t < self.now {
            return true;
        }
        self.until(
            t.checked_add(jiff::SignedDuration::from_nanos(1))
                .unwrap_or(t),
        );
        false
    }

    /// The day it is in `tz`: it changes at the next midnight there.
    pub fn today(&self, tz: &TimeZone) -> jiff::civil::Date {
        let today = self.now.to_zoned(tz.clone()).date();
        if let Some(next) = today
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned(tz.clone()).ok())
        {
            self.until(next.timestamp());
        }
        today
    }

    /// Notes that a decision made at `now` holds until `t`.
    fn until(&self, t: Timestamp) {
        // A poisoned lock still holds a timestamp.
        let mut h = self.horizon.lock().unwrap_or_else(|e| e.into_inner());
        if h.is_none_or(|h| t < h) {
            *h = Some(t);
        }
    }

    /// The first instant after `now` at which a decision made with this
    /// clock would change (`None`: no decision read the clock).
    pub fn horizon(&self) -> Option<Timestamp> {
        *self.horizon.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_horizon_is_the_first_instant_a_decision_would_change() {
        let clock = Clock::new(ts("2026-07-01T10:00:00Z"));
        assert_eq!(clock.horizon(), None);
        // Reached and passed instants do not change again.
        assert!(clock.reached(ts("2026-07-01T10:00:00Z")));
        assert!(clock.passed(ts("2026-07-01T09:59:59Z")));
        assert_eq!(clock.horizon(), None);
        // Instants to come do.
        assert!(!clock.reached(ts("2026-07-03T00:00:00Z")));
        assert_eq!(clock.horizon(), Some(ts("2026-07-03T00:00:00Z")));
        assert!(!clock.reached(ts("2026-07-02T08:00:00Z")));
        assert!(!clock.reached(ts("2026-07-05T00:00:00Z")));
        assert_eq!(clock.horizon(), Some(ts("2026-07-02T08:00:00Z")));
        // "Over" at now itself changes just after it.
        assert!(!clock.passed(ts("2026-07-01T10:00:00Z")));
        assert_eq!(clock.horizon(), Some(ts("2026-07-01T10:00:00.000000001Z")));
        // Clones share the horizon.
        let other = Clock::new(ts("2026-07-01T10:00:00Z"));
        let clone = other.clone();
        assert!(!clone.reached(ts("2026-07-01T11:00:00Z")));
        assert_eq!(other.horizon(), Some(ts("2026-07-01T11:00:00Z")));
    }

    #[test]
    fn today_holds_until_midnight_in_the_zone_asked() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        // 23:30 in Paris on 1 July is 21:30 UTC.
        let clock = Clock::new(ts("2026-07-01T21:30:00Z"));
        assert_eq!(clock.today(&paris), jiff::civil::date(2026, 7, 1));
        assert_eq!(clock.horizon(), Some(ts("2026-07-01T22:00:00Z")));
        // The day the clocks go back is 25 hours long.
        let clock = Clock::new(ts("2026-10-25T12:00:00Z"));
        assert_eq!(clock.today(&paris), jiff::civil::date(2026, 10, 25));
        assert_eq!(clock.horizon(), Some(ts("2026-10-25T23:00:00Z")));
        // In UTC.
        let clock = Clock::new(ts("2026-07-01T21:30:00Z"));
        clock.today(&TimeZone::UTC);
        assert_eq!(clock.horizon(), Some(ts("2026-07-02T00:00:00Z")));
    }
}
