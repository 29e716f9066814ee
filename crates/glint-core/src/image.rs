//! The image record shared by both API versions, its statuses and visibilities.

use crate::ids::ImageId;
use crate::time_fmt::Timestamp;
use std::collections::BTreeMap;

/// Lifecycle of an image (Glance `glance/domain/__init__.py` status set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageStatus {
    Queued,
    Saving,
    Active,
    Killed,
    Deleted,
    PendingDelete,
    Deactivated,
    Uploading,
    Importing,
}

impl ImageStatus {
    pub const ALL: [ImageStatus; 9] = [
        Self::Queued,
        Self::Saving,
        Self::Active,
        Self::Killed,
        Self::Deleted,
        Self::PendingDelete,
        Self::Deactivated,
        Self::Uploading,
        Self::Importing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Saving => "saving",
            Self::Active => "active",
            Self::Killed => "killed",
            Self::Deleted => "deleted",
            Self::PendingDelete => "pending_delete",
            Self::Deactivated => "deactivated",
            Self::Uploading => "uploading",
            Self::Importing => "importing",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether image data may be uploaded now: only a `queued` image accepts data
    /// (v1: `Cannot upload to an unqueued image`).
    pub fn accepts_upload(self) -> bool {
        self == Self::Queued
    }
}

/// Who may see an image besides its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    Public,
    Community,
    Shared,
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Community => "community",
            Self::Shared => "shared",
            Self::Private => "private",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "public" => Some(Self::Public),
            "community" => Some(Self::Community),
            "shared" => Some(Self::Shared),
            "private" => Some(Self::Private),
            _ => None,
        }
    }
}

/// One image's metadata, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub id: ImageId,
    pub name: Option<String>,
    pub disk_format: Option<String>,
    pub container_format: Option<String>,
    pub size: Option<i64>,
    pub virtual_size: Option<i64>,
    pub checksum: Option<String>,
    pub os_hash_algo: Option<String>,
    pub os_hash_value: Option<String>,
    pub status: ImageStatus,
    pub visibility: Visibility,
    pub owner: Option<String>,
    pub min_disk: i64,
    pub min_ram: i64,
    pub protected: bool,
    pub os_hidden: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
    pub deleted: bool,
    /// Free-form custom properties.
    pub properties: BTreeMap<String, String>,
    /// Images v2 tags: a set of strings (Glance keeps no order; glint lists them sorted).
    pub tags: Vec<String>,
    /// Where the bytes live in the blob store (never shown to callers).
    pub location: Option<String>,
}

impl Image {
    /// A fresh record with Glance's column defaults.
    pub fn new(id: ImageId, owner: Option<String>, now: Timestamp) -> Self {
        Self {
            id,
            name: None,
            disk_format: None,
            container_format: None,
            size: None,
            virtual_size: None,
            checksum: None,
            os_hash_algo: None,
            os_hash_value: None,
            status: ImageStatus::Queued,
            visibility: Visibility::Shared,
            owner,
            min_disk: 0,
            min_ram: 0,
            protected: false,
            os_hidden: false,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            deleted: false,
            properties: BTreeMap::new(),
            tags: Vec::new(),
            location: None,
        }
    }

    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }

    pub fn is_owned_by(&self, owner: Option<&str>) -> bool {
        matches!((self.owner.as_deref(), owner), (Some(a), Some(b)) if a == b)
    }
}

/// Glance's default `image_format.disk_formats`.
pub const DISK_FORMATS: [&str; 11] = [
    "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop",
];

/// Glance's default `image_format.container_formats`.
pub const CONTAINER_FORMATS: [&str; 7] = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker"];

/// Glance 33's default `container_formats`, which Images v2 accepts: v1's and `compressed`.
pub const V2_CONTAINER_FORMATS: [&str; 8] = [
    "ami",
    "ari",
    "aki",
    "bare",
    "ovf",
    "ova",
    "docker",
    "compressed",
];

/// Formats for which disk and container format must match (`_validate_format`).
pub const AMAZON_FORMATS: [&str; 3] = ["aki", "ari", "ami"];
