//! Images v2 member calls under secure RBAC (DECISIONS D16): which call may go on, which rule
//! refuses it, and which membership rows a caller is shown. Pure functions of the caller and the
//! image; the use cases in `glint-service` run them in Glance's order (v2-sharing §2, §4).
//!
//! Sources: Glance `glance/policies/base.py` and `glance/policies/image.py` (the secure-RBAC
//! defaults), `glance/api/v2/policy.py` `MemberAPIPolicy._enforce` (every member rule first
//! re-checks `get_image`, whose failure hides the image as 404), `glance/db/__init__.py`
//! `_format_image_from_db` (the target's `member_id`, see `super::rbac::Target`), `glance/db/sqlalchemy/api.py`
//! `_image_member_find` (which rows a non-admin sees).

use super::rbac::{Rule, Target};
use super::{Api, MemberListScope, Policy};
use crate::context::RequestContext;
use crate::image::{Image, Visibility};

/// The five member calls of Images v2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberCall {
    /// `POST /v2/images/{id}/members`.
    Create,
    /// `GET /v2/images/{id}/members`.
    List,
    /// `GET /v2/images/{id}/members/{member}`.
    Show,
    /// `PUT /v2/images/{id}/members/{member}` (status).
    Update,
    /// `DELETE /v2/images/{id}/members/{member}`.
    Delete,
}

impl MemberCall {
    pub const ALL: [MemberCall; 5] = [
        Self::Create,
        Self::List,
        Self::Show,
        Self::Update,
        Self::Delete,
    ];

    /// The rule checked before the membership row is looked up (v2-sharing §4: create
    /// `add_member`, list `get_members`, the calls on one member `get_member`).
    pub fn gate(self) -> MemberRule {
        match self {
            Self::Create => MemberRule::AddMember,
            Self::List => MemberRule::GetMembers,
            Self::Show | Self::Update | Self::Delete => MemberRule::GetMember,
        }
    }

    /// The rule checked after the row was found: `modify_member` for a status change,
    /// `delete_member` for a removal.
    pub fn action_rule(self) -> Option<MemberRule> {
        match self {
            Self::Update => Some(MemberRule::ModifyMember),
            Self::Delete => Some(MemberRule::DeleteMember),
            Self::Create | Self::List | Self::Show => None,
        }
    }
}

/// The member rules of Glance's policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRule {
    AddMember,
    GetMembers,
    GetMember,
    ModifyMember,
    DeleteMember,
}

impl MemberRule {
    pub const ALL: [MemberRule; 5] = [
        Self::AddMember,
        Self::GetMembers,
        Self::GetMember,
        Self::ModifyMember,
        Self::DeleteMember,
    ];

    /// The name Glance puts in `You are not authorized to complete <rule> action.`
    pub fn rule_name(self) -> &'static str {
        match self {
            Self::AddMember => "add_member",
            Self::GetMembers => "get_members",
            Self::GetMember => "get_member",
            Self::ModifyMember => "modify_member",
            Self::DeleteMember => "delete_member",
        }
    }
}

/// Why a member call stops at a policy step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The image is not `shared`: only shared images have members.
    NotShared,
    /// `get_image` denied: the image is hidden (bare 404).
    Hidden,
    /// The member rule denied the call (403 naming the rule).
    Denied(MemberRule),
}

/// `project_id:%(project_id)s`: the caller's project owns the image.
fn is_owner(ctx: &RequestContext, image: &Image) -> bool {
    ctx.owner().is_some() && image.is_owned_by(ctx.owner())
}

/// The policy target of `image` for `ctx` (shared with the image rules): `caller_is_member`
/// says whether a live membership of the caller's project exists on the image.
fn target<'a>(ctx: &'a RequestContext, image: &'a Image, caller_is_member: bool) -> Target<'a> {
    Target::of_image(ctx, image, caller_is_member)
}

/// Policy `get_image` as `policy` has it (by default: admin, or a reader who owns the image,
/// is its member, or may see it through its visibility).
pub fn allows_get_image(
    policy: &Policy,
    ctx: &RequestContext,
    image: &Image,
    caller_is_member: bool,
) -> bool {
    policy.allows(
        Api::V2,
        Rule::GetImage.name(),
        ctx,
        &target(ctx, image, caller_is_member),
    )
}

/// One member rule of `policy` on its own (without the `get_image` re-check).
pub fn allows_with(
    policy: &Policy,
    ctx: &RequestContext,
    image: &Image,
    caller_is_member: bool,
    rule: MemberRule,
) -> bool {
    policy.allows(
        Api::V2,
        rule.rule_name(),
        ctx,
        &target(ctx, image, caller_is_member),
    )
}

/// Glance's default member rules, hard-coded: the reference the parsed defaults of
/// [`Policy`] are proven against (`rules` tests).
pub fn allows(
    ctx: &RequestContext,
    image: &Image,
    caller_is_member: bool,
    rule: MemberRule,
) -> bool {
    if ctx.is_admin {
        return true;
    }
    let target = target(ctx, image, caller_is_member);
    // `project_id:%(project_id)s` and `project_id:%(member_id)s`: both sides present and equal.
    let is = |id: Option<&str>| matches!((ctx.owner(), id), (Some(a), Some(b)) if a == b);
    let owner = is(target.project_id);
    let member = is(target.member_id);
    match rule {
        // ADMIN_OR_PROJECT_MEMBER: members of the owning project.
        MemberRule::AddMember | MemberRule::DeleteMember => ctx.has_role("member") && owner,
        // ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER.
        MemberRule::GetMembers | MemberRule::GetMember => {
            ctx.has_role("reader") && (owner || member)
        }
        // ADMIN_OR_SHARED_MEMBER: the member itself, never the owner.
        MemberRule::ModifyMember => ctx.has_role("member") && member,
    }
}

/// `MemberAPIPolicy._enforce`: `get_image` first (its failure hides the image), then `rule`.
pub fn enforce(
    policy: &Policy,
    ctx: &RequestContext,
    image: &Image,
    caller_is_member: bool,
    rule: MemberRule,
) -> Result<(), Refusal> {
    if !allows_get_image(policy, ctx, image, caller_is_member) {
        return Err(Refusal::Hidden);
    }
    if !allows_with(policy, ctx, image, caller_is_member, rule) {
        return Err(Refusal::Denied(rule));
    }
    Ok(())
}

/// The checks of `call` between the image lookup and the row lookup (v2-sharing §4): the image
/// must be `shared`, then [`enforce`] the call's [gate](MemberCall::gate) rule.
pub fn precheck(
    policy: &Policy,
    ctx: &RequestContext,
    image: &Image,
    caller_is_member: bool,
    call: MemberCall,
) -> Result<(), Refusal> {
    if image.visibility != Visibility::Shared {
        return Err(Refusal::NotShared);
    }
    enforce(policy, ctx, image, caller_is_member, call.gate())
}

/// Which membership rows of `image` the caller is shown (`_image_member_find`): admins and the
/// owner all; anyone else only the row naming its own project.
pub fn row_scope(ctx: &RequestContext, image: &Image) -> MemberListScope {
    if ctx.is_admin || is_owner(ctx, image) {
        return MemberListScope::All;
    }
    match ctx.owner() {
        Some(project) => MemberListScope::OnlyOwn(project.to_owned()),
        None => MemberListScope::Nothing,
    }
}

/// May the caller see the row of `member` (show, update and delete look rows up this way)?
pub fn row_visible(ctx: &RequestContext, image: &Image, member: &str) -> bool {
    match row_scope(ctx, image) {
        MemberListScope::All => true,
        MemberListScope::OnlyOwn(project) => project == member,
        MemberListScope::Nothing => false,
    }
}

#[cfg(test)]
mod tests;
