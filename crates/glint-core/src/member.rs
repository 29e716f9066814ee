//! Image memberships: one row per (image, member tenant), shared by v1 (`can_share`) and v2
//! (`status`).

use crate::ids::{ImageId, MemberId};
use crate::time_fmt::Timestamp;

/// The v2 anti-spam status of a membership; v1 never reads it and creates rows as `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    Pending,
    Accepted,
    Rejected,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "accepted" => Some(Self::Accepted),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// A live membership of `member` on `image_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub image_id: ImageId,
    pub member: MemberId,
    pub can_share: bool,
    pub status: MemberStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
