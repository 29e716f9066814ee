//! Images v2 member use cases: add, list, show, set status, remove (v2-sharing §4, DECISIONS
//! D16, D19). Only `shared` images have members; every call runs Glance's checks in Glance's
//! order, with the pure rules of `glint_core::policy::members_v2`. Rows are the same ones v1
//! reads and writes (v2-sharing §8): v2 ignores `can_share` and creates members with `false`.

use crate::{Glint, ServiceError, ensure_writable};
use glint_core::policy::members_v2::{self, MemberCall, MemberRule, Refusal};
use glint_core::policy::{MemberListScope, Policy};
use glint_core::time_fmt::Timestamp;
use glint_core::{
    Image, MemberId, MemberStatus, Membership, RequestContext, ids::MemberIdViolation,
};

impl Glint {
    /// `GET /v2/images/{id}/members` (§4.2): admins and the owner get every live row, anyone
    /// else only its own.
    pub async fn v2_list_members(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<Vec<Membership>, ServiceError> {
        let Found { image, member } = self.v2_member_image(ctx, raw_id, MemberCall::List).await?;
        // Step 6: `get_member` is evaluated once for the image; denied, the list is empty (Q5).
        if members_v2::enforce(&self.policy, ctx, &image, member, MemberRule::GetMember).is_err() {
            return Ok(Vec::new());
        }
        let rows = self.db.list_members(&image.id).await?;
        Ok(match members_v2::row_scope(ctx, &image) {
            MemberListScope::All => rows,
            MemberListScope::OnlyOwn(project) => rows
                .into_iter()
                .filter(|m| m.member.as_str() == project)
                .collect(),
            MemberListScope::Nothing => Vec::new(),
        })
    }

    /// `GET /v2/images/{id}/members/{member}` (§4.3).
    pub async fn v2_show_member(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        member: &str,
    ) -> Result<Membership, ServiceError> {
        let Found { image, .. } = self.v2_member_image(ctx, raw_id, MemberCall::Show).await?;
        self.v2_visible_row(ctx, &image, member).await
    }

    /// `POST /v2/images/{id}/members` (§4.1): a new `pending` member. The quota is checked
    /// before the duplicate (413 before 409, Q1; DECISIONS D8 clarification), and the id's
    /// storability last, as Glance's `no_4byte_params` on the insert.
    pub async fn v2_add_member(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        member: &str,
    ) -> Result<Membership, ServiceError> {
        ensure_writable(ctx)?;
        let Found { image, .. } = self
            .v2_member_image(ctx, raw_id, MemberCall::Create)
            .await?;
        // The list is locked from here: concurrent adds see each other's rows (quota, 409).
        let mut tx = self
            .db
            .begin_membership_change(&image.id)
            .await?
            .ok_or_else(|| ServiceError::ImageNotFound(raw_id.to_owned()))?;
        let count = tx.count().await?;
        let maximum = self.limits.image_member_quota;
        if maximum >= 0 && count + 1 > maximum as u64 {
            return Err(ServiceError::V2MemberQuotaExceeded {
                image_id: raw_id.to_owned(),
                attempted: count + 1,
                maximum,
            });
        }
        if tx.get(member).await?.is_some() {
            return Err(ServiceError::MemberDuplicated {
                member: member.to_owned(),
                image_id: raw_id.to_owned(),
            });
        }
        let member = v2_member_id(member)?;
        // v2 has no `can_share`: a new member gets false (v2-sharing §1.2).
        tx.insert(&member, false, MemberStatus::Pending, Timestamp::now())
            .await?;
        let row = tx
            .get(member.as_str())
            .await?
            .ok_or_else(|| ServiceError::Internal("inserted member not found".into()))?;
        tx.commit().await?;
        Ok(row)
    }

    /// `PUT /v2/images/{id}/members/{member}` (§4.4). `status` is `None` when the request named
    /// no valid status: that is only reported after the authorization steps (Q4), as Glance.
    pub async fn v2_update_member_status(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        member: &str,
        status: Option<MemberStatus>,
    ) -> Result<Membership, ServiceError> {
        ensure_writable(ctx)?;
        let found = self
            .v2_member_image(ctx, raw_id, MemberCall::Update)
            .await?;
        let image = &found.image;
        let row = self.v2_visible_row(ctx, image, member).await?;
        v2_enforce(&self.policy, ctx, &found, MemberCall::Update)?;
        let status = status.ok_or(ServiceError::InvalidMemberStatus)?;
        let not_found = || not_in_list(member, image);
        let mut tx = self
            .db
            .begin_membership_change(&image.id)
            .await?
            .ok_or_else(|| ServiceError::ImageNotFound(raw_id.to_owned()))?;
        // The same status again still succeeds and bumps `updated_at` (§4.4 step 9).
        if !tx
            .update(&row.member, None, Some(status), Timestamp::now())
            .await?
        {
            return Err(not_found());
        }
        let updated = tx.get(member).await?.ok_or_else(not_found)?;
        tx.commit().await?;
        Ok(updated)
    }

    /// `DELETE /v2/images/{id}/members/{member}` (§4.5): the member loses access at once.
    pub async fn v2_remove_member(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        member: &str,
    ) -> Result<(), ServiceError> {
        ensure_writable(ctx)?;
        let found = self
            .v2_member_image(ctx, raw_id, MemberCall::Delete)
            .await?;
        let image = &found.image;
        let row = self.v2_visible_row(ctx, image, member).await?;
        v2_enforce(&self.policy, ctx, &found, MemberCall::Delete)?;
        let mut tx = self
            .db
            .begin_membership_change(&image.id)
            .await?
            .ok_or_else(|| ServiceError::ImageNotFound(raw_id.to_owned()))?;
        if !tx.delete(&row.member).await? {
            return Err(not_in_list(member, image));
        }
        Ok(tx.commit().await?)
    }

    /// Steps shared by every call: the image lookup (§6.1; deleted images are 404 for everybody,
    /// admins included), then the shared check and the call's gate rule.
    async fn v2_member_image(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        call: MemberCall,
    ) -> Result<Found, ServiceError> {
        let found = self.find_for_members(ctx, raw_id).await?;
        let (image, member) = (found.image, found.own.is_some());
        members_v2::precheck(&self.policy, ctx, &image, member, call).map_err(|refusal| {
            // Glance words the list's refusal with the stored id, the others with the path's.
            let image_id = match call {
                MemberCall::List => image.id.to_string(),
                _ => raw_id.to_owned(),
            };
            refused(refusal, call, image_id)
        })?;
        Ok(Found { image, member })
    }

    /// The live row of `member` if the caller may see it (`_lookup_member`).
    async fn v2_visible_row(
        &self,
        ctx: &RequestContext,
        image: &Image,
        member: &str,
    ) -> Result<Membership, ServiceError> {
        if !members_v2::row_visible(ctx, image, member) {
            return Err(not_in_list(member, image));
        }
        self.db
            .get_member(&image.id, member)
            .await?
            .ok_or_else(|| not_in_list(member, image))
    }
}

/// An image a member call may go on with, and whether the caller's project is a member of it.
struct Found {
    image: Image,
    member: bool,
}

/// The rule a call checks once its row was found (`modify_member`, `delete_member`).
fn v2_enforce(
    policy: &Policy,
    ctx: &RequestContext,
    found: &Found,
    call: MemberCall,
) -> Result<(), ServiceError> {
    match call.action_rule() {
        Some(rule) => members_v2::enforce(policy, ctx, &found.image, found.member, rule)
            .map_err(|refusal| refused(refusal, call, found.image.id.to_string())),
        None => Ok(()),
    }
}

fn refused(refusal: Refusal, call: MemberCall, image_id: String) -> ServiceError {
    match refusal {
        Refusal::NotShared => ServiceError::MembersOnlyOnSharedImages { call, image_id },
        Refusal::Hidden => ServiceError::MemberCallHidden,
        Refusal::Denied(rule) => ServiceError::MemberRuleDenied { call, rule },
    }
}

fn not_in_list(member: &str, image: &Image) -> ServiceError {
    ServiceError::MemberNotInList {
        member: member.to_owned(),
        image_id: image.id.to_string(),
    }
}

/// A member id v2 may store (DECISIONS D19), worded as Glance words its one check
/// (`no_4byte_params`: `Member can't contain 4 byte unicode characters.`).
fn v2_member_id(raw: &str) -> Result<MemberId, ServiceError> {
    let message = match MemberId::violation(raw) {
        None => return MemberId::parse(raw).map_err(|e| ServiceError::InvalidMember(e.0)),
        Some(MemberIdViolation::Empty) => "Member can't be empty".to_owned(),
        Some(MemberIdViolation::TooLong(_)) => format!(
            "Member can't be longer than {} characters.",
            MemberId::MAX_CHARS
        ),
        Some(MemberIdViolation::ControlCharacter) => {
            "Member can't contain control characters.".to_owned()
        }
        Some(MemberIdViolation::FourByteUtf8) => {
            "Member can't contain 4 byte unicode characters.".to_owned()
        }
    };
    Err(ServiceError::InvalidMember(message))
}
