//! Identifier newtypes: image ids (UUIDs, as Glance) and member ids (tenant ids, DECISIONS D19).

use crate::error::ValidationError;
use std::fmt;

/// A UUID naming an image: only ASCII hex digits and hyphens, so ids are safe to use inside
/// blob-store keys.
///
/// Generated ids are canonical (lower-case, hyphenated). Glance stores a client-chosen id exactly
/// as written and matches ids exactly (SQLite, PostgreSQL): `ABC…` and `abc…` are different
/// images, and another spelling of an existing id finds nothing. [`ImageId::verbatim`] and
/// [`ImageId::lookup`] do the same; [`ImageId::parse`] canonicalises (markers, tests).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageId(String);

impl ImageId {
    /// A fresh random (version 4) id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().hyphenated().to_string())
    }

    /// Parses a UUID-like string; `None` when it is not one.
    pub fn parse(raw: &str) -> Option<Self> {
        let trimmed = raw.trim();
        let stripped = trimmed
            .strip_prefix("urn:uuid:")
            .or_else(|| trimmed.strip_prefix("uuid:"))
            .unwrap_or(trimmed);
        let stripped = stripped
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .unwrap_or(stripped);
        let compact: String = stripped.chars().filter(|c| *c != '-').collect();
        if compact.len() != 32 || stripped.len() != 32 && stripped.len() != 36 {
            return None;
        }
        uuid::Uuid::try_parse(&compact)
            .ok()
            .map(|u| Self(u.hyphenated().to_string()))
    }

    /// A client-chosen id kept exactly as written (Glance `is_uuid_like`, then stored verbatim):
    /// a UUID as 32 hex digits with or without hyphens, any case. `None` for anything else,
    /// including the braces and `urn:uuid:` spellings Glance accepts but cannot store (500).
    pub fn verbatim(raw: &str) -> Option<Self> {
        (Self::hex_and_hyphens(raw) && Self::parse(raw).is_some()).then(|| Self(raw.to_owned()))
    }

    /// An id from a request path, to be matched exactly against stored ids. `None` when it
    /// cannot name a stored image: longer than 36 characters (Glance `_image_get`) or holding
    /// anything but hex digits and hyphens.
    pub fn lookup(raw: &str) -> Option<Self> {
        (raw.len() <= 36 && Self::hex_and_hyphens(raw)).then(|| Self(raw.to_owned()))
    }

    fn hex_and_hyphens(raw: &str) -> bool {
        !raw.is_empty() && raw.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Trusted constructor for ids read back from our own database.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tenant (project) id used as an image member.
///
/// DECISIONS D19: 1–255 characters (not bytes), no C0/C1 control characters and no 4-byte UTF-8
/// (Glance's MySQL schema cannot store those; glint refuses them everywhere for portability).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(String);

impl MemberId {
    pub const MAX_CHARS: usize = 255;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match Self::violation(raw) {
            None => Ok(Self(raw.to_owned())),
            Some(MemberIdViolation::Empty) => {
                Err(ValidationError::new("member_id must not be empty"))
            }
            Some(MemberIdViolation::TooLong(count)) => Err(ValidationError::new(format!(
                "member_id is too long: {count} characters, at most {} allowed",
                Self::MAX_CHARS
            ))),
            Some(MemberIdViolation::ControlCharacter) => Err(ValidationError::new(
                "member_id must not contain control characters",
            )),
            Some(MemberIdViolation::FourByteUtf8) => Err(ValidationError::new(
                "member_id must not contain 4-byte UTF-8 characters",
            )),
        }
    }

    /// The first D19 rule `raw` breaks, if any (each API version words it its own way).
    pub fn violation(raw: &str) -> Option<MemberIdViolation> {
        let count = raw.chars().count();
        if count == 0 {
            Some(MemberIdViolation::Empty)
        } else if count > Self::MAX_CHARS {
            Some(MemberIdViolation::TooLong(count))
        } else if raw.chars().any(char::is_control) {
            Some(MemberIdViolation::ControlCharacter)
        } else if raw.chars().any(|c| c.len_utf8() == 4) {
            Some(MemberIdViolation::FourByteUtf8)
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Trusted constructor for ids read back from our own database.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }
}

/// Why a string is not a [`MemberId`] (DECISIONS D19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberIdViolation {
    Empty,
    /// More than [`MemberId::MAX_CHARS`] characters (the count).
    TooLong(usize),
    /// A C0 or C1 control character.
    ControlCharacter,
    /// A character outside the Basic Multilingual Plane (4 bytes in UTF-8).
    FourByteUtf8,
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_id_accepts_uuid_spellings_and_canonicalises() {
        let canonical = "de2f2211-3ac7-4260-9142-41db0ecfb425";
        for raw in [
            canonical,
            "DE2F2211-3AC7-4260-9142-41DB0ECFB425",
            "de2f22113ac74260914241db0ecfb425",
            "{de2f2211-3ac7-4260-9142-41db0ecfb425}",
            "urn:uuid:de2f2211-3ac7-4260-9142-41db0ecfb425",
        ] {
            assert_eq!(
                ImageId::parse(raw).map(|i| i.0),
                Some(canonical.into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn verbatim_ids_keep_their_spelling() {
        for raw in [
            "DE2F2211-3AC7-4260-9142-41DB0ECFB425",
            "de2f22113ac74260914241db0ecfb425",
            "de2f2211-3ac7-4260-9142-41db0ecfb425",
        ] {
            assert_eq!(ImageId::verbatim(raw).map(|i| i.0), Some(raw.into()));
        }
        for raw in [
            "{de2f2211-3ac7-4260-9142-41db0ecfb425}",
            "urn:uuid:de2f2211-3ac7-4260-9142-41db0ecfb425",
            " de2f2211-3ac7-4260-9142-41db0ecfb425",
            "de2f2211-3ac7-4260-9142-41db0ecfb42",
            "",
        ] {
            assert_eq!(ImageId::verbatim(raw), None, "{raw}");
        }
    }

    #[test]
    fn lookup_ids_are_exact_and_store_safe() {
        let upper = "DE2F2211-3AC7-4260-9142-41DB0ECFB425";
        assert_eq!(ImageId::lookup(upper).map(|i| i.0), Some(upper.into()));
        assert_eq!(ImageId::lookup("123").map(|i| i.0), Some("123".into()));
        for raw in [
            "../../etc/passwd",
            "{de2f2211-3ac7-4260-9142-41db0ecfb425}",
            "de2f2211-3ac7-4260-9142-41db0ecfb425-",
            "",
        ] {
            assert_eq!(ImageId::lookup(raw), None, "{raw}");
        }
    }

    #[test]
    fn image_id_rejects_non_uuids() {
        for raw in [
            "",
            "abc",
            "../../etc/passwd",
            "de2f2211-3ac7-4260-9142-41db0ecfb42",
            "de2f2211-3ac7-4260-9142-41db0ecfb425x",
            "de2f2211-3ac7-4260-9142-41db0ecfb4-25",
        ] {
            assert_eq!(ImageId::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn member_id_rules() {
        assert!(MemberId::parse("tenant-a").is_ok());
        assert!(MemberId::parse(&"é".repeat(255)).is_ok());
        assert!(MemberId::parse(&"a".repeat(256)).is_err());
        assert!(MemberId::parse("").is_err());
        assert!(MemberId::parse("a\nb").is_err());
        assert!(MemberId::parse("a\u{85}b").is_err());
        assert!(MemberId::parse("a😀").is_err());
        assert_eq!(
            MemberId::violation(&"a".repeat(300)),
            Some(MemberIdViolation::TooLong(300))
        );
        assert_eq!(
            MemberId::violation("a😀"),
            Some(MemberIdViolation::FourByteUtf8)
        );
        assert_eq!(MemberId::violation("tenant"), None);
    }
}
