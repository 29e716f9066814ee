//! glint's pure domain: images, memberships, request identity and the rules of who may see,
//! change and share what. No I/O lives here; every other crate builds on these types.

pub mod context;
pub mod disk_format;
pub mod error;
pub mod ids;
pub mod image;
pub mod list;
pub mod member;
pub mod policy;
pub mod time_fmt;

pub use context::RequestContext;
pub use error::ValidationError;
pub use ids::{ImageId, MemberId};
pub use image::{Image, ImageStatus, Visibility};
pub use member::{MemberStatus, Membership};
