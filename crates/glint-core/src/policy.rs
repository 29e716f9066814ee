//! Who may see, change, share and download what: pure functions of the caller, the image and the
//! caller's own membership. Every use case asks these; no handler re-implements them.
//!
//! Sources: Glance `glance/db/utils.py` `is_image_visible` (v1-sharing §6.4),
//! `glance/registry/api/v1/members.py` `is_image_sharable` (§6.2), `_image_member_find` (§6.3),
//! `glance/db/sqlalchemy/api.py` `_check_mutate_authorization`, and DECISIONS D7, D10, D11.

pub mod check;
pub mod members_v2;
pub mod rbac;
pub mod rules;

pub use rules::{Api, Policy, PolicyError};

use crate::context::RequestContext;
use crate::image::{Image, Visibility};
use crate::member::Membership;

/// Named policy rules (Glance `etc/policy.json`) that a deployment may tune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    GetImages,
    GetImage,
    DownloadImage,
    AddImage,
    ModifyImage,
    PublicizeImage,
    UploadImage,
    DeleteImage,
    GetMembers,
    ModifyMember,
    DeleteMember,
    /// Adding one member (`PUT /v1/images/{id}/members/{member}`), checked after
    /// `modify_member`: glint's addition, so that one `add_member` override governs both APIs.
    AddMember,
}

impl Action {
    pub fn rule_name(self) -> &'static str {
        match self {
            Self::GetImages => "get_images",
            Self::GetImage => "get_image",
            Self::DownloadImage => "download_image",
            Self::AddImage => "add_image",
            Self::ModifyImage => "modify_image",
            Self::PublicizeImage => "publicize_image",
            Self::UploadImage => "upload_image",
            Self::DeleteImage => "delete_image",
            Self::GetMembers => "get_members",
            Self::ModifyMember => "modify_member",
            Self::DeleteMember => "delete_member",
            Self::AddMember => "add_member",
        }
    }
}

/// Glance 15's v1 defaults (every rule open, `publicize_image` admin-only): the reference the
/// parsed v1 defaults of [`Policy`] are proven against.
pub fn v1_default_allows(ctx: &RequestContext, action: Action) -> bool {
    match action {
        Action::PublicizeImage => ctx.is_admin,
        _ => true,
    }
}

/// May `ctx` see `image` by id? `caller_is_member`: a live membership of the caller's tenant on
/// this image exists (any v2 status — v1 ignores it).
pub fn can_see_image(ctx: &RequestContext, image: &Image, caller_is_member: bool) -> bool {
    if ctx.is_admin {
        return true;
    }
    if image.deleted {
        return false;
    }
    // Glance: an image without owner is visible to everybody (Q13).
    if image.owner.is_none() {
        return true;
    }
    if matches!(image.visibility, Visibility::Public | Visibility::Community) {
        return true;
    }
    if ctx.owner().is_some() && image.is_owned_by(ctx.owner()) {
        return true;
    }
    image.visibility == Visibility::Shared && caller_is_member && ctx.owner().is_some()
}

/// May `ctx` change the membership list of `image` (add, replace, remove)?
/// DECISIONS D7: admins, the owner, and members holding `can_share`.
pub fn can_share(ctx: &RequestContext, image: &Image, own: Option<&Membership>) -> bool {
    if ctx.is_admin {
        return true;
    }
    if ctx.owner().is_none() {
        return false;
    }
    if image.is_owned_by(ctx.owner()) {
        return true;
    }
    own.is_some_and(|m| m.can_share)
}

/// Which rows of an image's membership list a caller is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberListScope {
    /// Every live membership (admin, owner, delegated sharer — D7).
    All,
    /// Only the caller's own row, if any (plain members and outsiders, as Glance).
    OnlyOwn(String),
    /// Nothing (callers without a tenant).
    Nothing,
}

pub fn member_list_scope(
    ctx: &RequestContext,
    image: &Image,
    own: Option<&Membership>,
) -> MemberListScope {
    if can_share(ctx, image, own) {
        return MemberListScope::All;
    }
    match ctx.owner() {
        Some(owner) => MemberListScope::OnlyOwn(owner.to_owned()),
        None => MemberListScope::Nothing,
    }
}

/// The answer to "may this caller modify or delete this image it can see?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    Allowed,
    /// Public and community images of others: 403 (`Forbidden to update image`).
    Forbidden,
    /// Shared/private images of others, seen as a member: 404 (D11; Glance answers 500).
    Hidden,
}

pub fn image_mutability(ctx: &RequestContext, image: &Image) -> Mutability {
    if ctx.is_admin || (ctx.owner().is_some() && image.is_owned_by(ctx.owner())) {
        return Mutability::Allowed;
    }
    match image.visibility {
        Visibility::Public | Visibility::Community => Mutability::Forbidden,
        Visibility::Shared | Visibility::Private => Mutability::Hidden,
    }
}

/// May `ctx` see the membership `row` in `/v1/shared-images/{member}`? (D7 clarification:
/// rows naming the caller, rows on images the caller owns or may share; admins all.)
pub fn can_see_shared_row(
    ctx: &RequestContext,
    row: &Membership,
    image: &Image,
    caller_can_share_image: bool,
) -> bool {
    if ctx.is_admin {
        return true;
    }
    let Some(owner) = ctx.owner() else {
        return false;
    };
    row.member.as_str() == owner || image.is_owned_by(Some(owner)) || caller_can_share_image
}

#[cfg(test)]
mod tests;
