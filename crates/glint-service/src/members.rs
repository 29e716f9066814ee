//! Image sharing through memberships (Images v1 semantics with DECISIONS D1–D8, D13).
//!
//! Every change runs in one [`MembershipTx`](glint_db::MembershipTx), which locks the image's
//! membership list: the sharing right, the quota and the list are read and written under that
//! lock, so concurrent calls behave as some serial order (across instances too).

use crate::{Glint, ServiceError, ensure_writable};
use glint_core::policy::{
    Action, MemberListScope, can_see_shared_row, can_share, member_list_scope,
};
use glint_core::time_fmt::Timestamp;
use glint_core::{ImageId, MemberId, MemberStatus, Membership, RequestContext};
use glint_db::MembershipTx;
use std::collections::HashMap;

/// One entry of an add or replace: the member and, when given, its `can_share`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberChange {
    pub member: MemberId,
    pub can_share: Option<bool>,
}

impl Glint {
    /// The membership list as the caller may see it (v1-sharing §5.1, D7).
    pub async fn list_members(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
    ) -> Result<Vec<Membership>, ServiceError> {
        self.authorize(ctx, Action::GetMembers)?;
        let found = self.find_for_members(ctx, raw_id).await?;
        let members = self.db.list_members(&found.image.id).await?;
        Ok(
            match member_list_scope(ctx, &found.image, found.own.as_ref()) {
                MemberListScope::All => members,
                MemberListScope::OnlyOwn(owner) => members
                    .into_iter()
                    .filter(|m| m.member.as_str() == owner)
                    .collect(),
                MemberListScope::Nothing => Vec::new(),
            },
        )
    }

    /// Adds `change.member` or updates its `can_share` (seed; D1–D3, D8): a new member gets
    /// `can_share` as given or false; an existing one keeps it unless given.
    pub async fn add_member(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        change: MemberChange,
    ) -> Result<(), ServiceError> {
        let mut tx = self
            .begin_sharing(
                ctx,
                raw_id,
                &[Action::ModifyMember, Action::AddMember],
                None,
            )
            .await?;
        let members = tx.members().await?;
        let now = Timestamp::now();
        if members.iter().any(|m| m.member == change.member) {
            if change.can_share.is_some() {
                tx.update(&change.member, change.can_share, None, now)
                    .await?;
            }
        } else {
            // D8: only a membership that would be new counts against the quota.
            self.check_member_quota(members.len() as u64 + 1)?;
            let can_share = change.can_share.unwrap_or(false);
            tx.insert(&change.member, can_share, MemberStatus::Pending, now)
                .await?;
        }
        Ok(tx.commit().await?)
    }

    /// Makes `list` the whole membership list (seed; D4, D5, D7): unlisted members are removed,
    /// listed members keep `can_share` unless given, new ones get it as given or false.
    /// Duplicate entries: the last wins whole.
    pub async fn replace_members(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        list: Vec<MemberChange>,
    ) -> Result<(), ServiceError> {
        let mut wanted: Vec<MemberChange> = Vec::with_capacity(list.len());
        for change in list {
            // The last entry for a member wins whole; the member keeps its first position.
            match wanted.iter_mut().find(|w| w.member == change.member) {
                Some(existing) => *existing = change,
                None => wanted.push(change),
            }
        }
        // v1-sharing §5.3: the list's length is checked against the quota (step 8) after the
        // image lookup but before the sharing right (step 10); it depends only on the request.
        let mut tx = self
            .begin_sharing(
                ctx,
                raw_id,
                &[Action::ModifyMember],
                Some(wanted.len() as u64),
            )
            .await?;
        let current: HashMap<MemberId, Membership> = tx
            .members()
            .await?
            .into_iter()
            .map(|m| (m.member.clone(), m))
            .collect();
        let now = Timestamp::now();
        for member in current.keys() {
            if !wanted.iter().any(|w| &w.member == member) {
                tx.delete(member).await?;
            }
        }
        for change in &wanted {
            match current.get(&change.member) {
                Some(existing) => {
                    if change.can_share.is_some_and(|v| v != existing.can_share) {
                        tx.update(&change.member, change.can_share, None, now)
                            .await?;
                    }
                }
                None => {
                    let can_share = change.can_share.unwrap_or(false);
                    tx.insert(&change.member, can_share, MemberStatus::Pending, now)
                        .await?;
                }
            }
        }
        Ok(tx.commit().await?)
    }

    /// Removes one membership (v1-sharing §5.4, D7).
    pub async fn remove_member(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        member: &MemberId,
    ) -> Result<(), ServiceError> {
        let mut tx = self
            .begin_sharing(ctx, raw_id, &[Action::DeleteMember], None)
            .await?;
        if !tx.delete(member).await? {
            return Err(ServiceError::MembershipNotFound);
        }
        Ok(tx.commit().await?)
    }

    /// The memberships of tenant `member` that the caller may see (v1-sharing §5.5, D7
    /// clarification): rows naming the caller, rows on images it owns or may share; admins all.
    pub async fn shared_images(
        &self,
        ctx: &RequestContext,
        member: &MemberId,
    ) -> Result<Vec<Membership>, ServiceError> {
        if !ctx.is_admin && ctx.owner().is_none() {
            return Ok(Vec::new());
        }
        let rows = self.db.memberships_of(member.as_str()).await?;
        let sharer_of: Vec<ImageId> = match ctx.owner() {
            Some(owner) if !ctx.is_admin && owner != member.as_str() => {
                let ids: Vec<ImageId> = rows.iter().map(|(m, _)| m.image_id.clone()).collect();
                self.db.sharing_rights_of(owner, &ids).await?
            }
            _ => Vec::new(),
        };
        Ok(rows
            .into_iter()
            .filter(|(row, image)| {
                can_see_shared_row(ctx, row, image, sharer_of.contains(&image.id))
            })
            .map(|(row, _)| row)
            .collect())
    }

    /// The guards every membership change runs (v1-sharing §3.2; `actions` are the policy rules,
    /// in order: Glance 15 checks `modify_member` to add, glint then also `add_member`, whose
    /// default `""` allows), the image lookup (§3.4), then a
    /// locked transaction in which the caller's sharing right is re-checked (§6.2, D7).
    async fn begin_sharing(
        &self,
        ctx: &RequestContext,
        raw_id: &str,
        actions: &[Action],
        attempted_members: Option<u64>,
    ) -> Result<MembershipTx, ServiceError> {
        ensure_writable(ctx)?;
        if ctx.owner().is_none() && !ctx.is_admin {
            return Err(ServiceError::NoAuthenticatedUser);
        }
        for action in actions {
            self.authorize(ctx, *action)?;
        }
        let found = self.find_for_members(ctx, raw_id).await?;
        if let Some(attempted) = attempted_members {
            self.check_member_quota(attempted)?;
        }
        let mut tx = self
            .db
            .begin_membership_change(&found.image.id)
            .await?
            .ok_or_else(|| ServiceError::ImageNotFound(raw_id.to_owned()))?;
        let own = match ctx.owner() {
            Some(owner) => tx
                .members()
                .await?
                .into_iter()
                .find(|m| m.member.as_str() == owner),
            None => None,
        };
        if !can_share(ctx, &found.image, own.as_ref()) {
            return Err(ServiceError::NoPermissionToShare);
        }
        Ok(tx)
    }

    /// Glance `image_member_quota` (negative = unlimited).
    fn check_member_quota(&self, attempted: u64) -> Result<(), ServiceError> {
        let maximum = self.limits.image_member_quota;
        if maximum >= 0 && attempted > maximum as u64 {
            return Err(ServiceError::MemberQuotaExceeded { attempted, maximum });
        }
        Ok(())
    }
}
