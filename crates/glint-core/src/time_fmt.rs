//! Timestamps: stored as fixed-width UTC text with microseconds (sorts as text on every back end),
//! shown in the shapes each API version uses.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

const STORED: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
const V1: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]");
const V2: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// A point in time, always UTC, with microsecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    pub fn from_datetime(value: OffsetDateTime) -> Self {
        let utc = value.to_offset(UtcOffset::UTC);
        let micros = utc.microsecond();
        // Truncate to microseconds so that a stored and re-read value compares equal.
        Self(utc.replace_microsecond(micros).unwrap_or(utc))
    }

    /// This time plus `micros` microseconds (the stored precision).
    pub fn plus_micros(&self, micros: i64) -> Self {
        Self(self.0 + time::Duration::microseconds(micros))
    }

    /// The database form, e.g. `2026-11-28T15:58:28.956944Z`.
    pub fn to_stored(&self) -> String {
        self.0.format(STORED).unwrap_or_default()
    }

    pub fn parse_stored(raw: &str) -> Option<Self> {
        PrimitiveDateTime::parse(raw, STORED)
            .ok()
            .map(|p| Self(p.assume_utc()))
    }

    /// Images v1 form: `2016-05-10T21:41:41.000000` (UTC, no zone suffix).
    pub fn to_v1(&self) -> String {
        self.0.format(V1).unwrap_or_default()
    }

    /// Images v2 form: `2016-05-10T21:41:41Z`.
    pub fn to_v2(&self) -> String {
        self.0.format(V2).unwrap_or_default()
    }

    /// Parses the ISO 8601 shapes Glance accepts in `changes-since` and time headers:
    /// date with optional time, optional fraction, optional `Z` or `±hh:mm` offset.
    pub fn parse_iso8601(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if let Ok(dt) = OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339) {
            return Some(Self::from_datetime(dt));
        }
        let (body, offset) = split_offset(raw)?;
        let formats: [&[FormatItem<'static>]; 4] = [
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
            format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        ];
        for format in formats {
            if let Ok(p) = PrimitiveDateTime::parse(body, format) {
                return Some(Self::from_datetime(p.assume_offset(offset)));
            }
        }
        let date = time::Date::parse(body, format_description!("[year]-[month]-[day]")).ok()?;
        Some(Self::from_datetime(date.midnight().assume_offset(offset)))
    }

    pub fn year(&self) -> i32 {
        self.0.year()
    }
}

fn split_offset(raw: &str) -> Option<(&str, UtcOffset)> {
    if let Some(body) = raw.strip_suffix('Z').or_else(|| raw.strip_suffix('z')) {
        return Some((body, UtcOffset::UTC));
    }
    // A trailing ±hh:mm after the time part. The split is checked: six bytes from the end can
    // fall inside a multi-byte character (a panic, hence a 500, found by fuzz/list_query).
    if raw.len() > 16
        && let Some((body, tail)) = raw.split_at_checked(raw.len() - 6)
        && let Some(sign) = tail.chars().next().filter(|c| *c == '+' || *c == '-')
    {
        let hours: i8 = tail.get(1..3)?.parse().ok()?;
        let minutes: i8 = tail.get(4..6)?.parse().ok()?;
        let factor = if sign == '-' { -1 } else { 1 };
        let offset = UtcOffset::from_hms(factor * hours, factor * minutes, 0).ok()?;
        return Some((body, offset));
    }
    Some((raw, UtcOffset::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_round_trip_and_shapes() {
        let t = Timestamp::parse_stored("2026-11-28T15:58:28.956944Z").expect("parse");
        assert_eq!(t.to_stored(), "2026-11-28T15:58:28.956944Z");
        assert_eq!(t.to_v1(), "2026-11-28T15:58:28.956944");
        assert_eq!(t.to_v2(), "2026-11-28T15:58:28Z");
    }

    #[test]
    fn iso8601_shapes() {
        for raw in [
            "2026-11-28T15:58:28Z",
            "2026-11-28T15:58:28.5",
            "2026-11-28T16:58:28+01:00",
            "2026-11-28",
            "2026-11-28 15:58:28",
        ] {
            assert!(Timestamp::parse_iso8601(raw).is_some(), "{raw}");
        }
        assert_eq!(
            Timestamp::parse_iso8601("2026-11-28T16:58:28+01:00").map(|t| t.to_v2()),
            Some("2026-11-28T15:58:28Z".into())
        );
        for raw in [
            "",
            "yesterday",
            "2026-13-01",
            "12345",
            // Multi-byte characters where the offset would start (fuzz/list_query).
            "2020-01-01T00:0\u{fffd}\u{fffd}",
            "2020-01-01T00:00:00\u{e9}00",
            "\u{1F4A3}\u{1F4A3}\u{1F4A3}\u{1F4A3}\u{1F4A3}",
        ] {
            assert!(Timestamp::parse_iso8601(raw).is_none(), "{raw}");
        }
    }
}
