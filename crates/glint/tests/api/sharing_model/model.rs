//! The reference model: actors, images and their members, and who may see, list and share what.

use super::ops::{MemberRef, Who};
use super::{ADMIN, ADMIN_PROJECT, MEMBER_POOL, TENANTS};
use crate::helpers::*;
use std::collections::BTreeMap;

/// A caller as the model sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Actor {
    pub(super) project: &'static str,
    pub(super) admin: bool,
}

pub(super) fn actor(index: usize) -> Actor {
    if index == ADMIN {
        Actor {
            project: ADMIN_PROJECT,
            admin: true,
        }
    } else {
        Actor {
            project: TENANTS[index],
            admin: false,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct ModelImage {
    pub(super) id: String,
    pub(super) owner: &'static str,
    pub(super) public: bool,
    pub(super) deleted: bool,
    /// MD5 of the data of an active image; None for a queued one.
    pub(super) md5: Option<String>,
    /// Live memberships in creation order: (member, can_share).
    pub(super) members: Vec<(String, bool)>,
    /// The v2 status of each live membership (v2-sharing §1.2); kept in step with `members` by
    /// [`ModelImage::sync_statuses`]: a new (or re-added) member is `pending`.
    pub(super) statuses: BTreeMap<String, &'static str>,
}

impl ModelImage {
    pub(super) fn new(id: String, owner: &'static str, md5: Option<String>) -> Self {
        Self {
            id,
            owner,
            public: false,
            deleted: false,
            md5,
            members: Vec::new(),
            statuses: BTreeMap::new(),
        }
    }

    /// Drops the statuses of removed members and gives new members `pending` (§4.1 step 9:
    /// a re-added member starts over; v1 adds members as `pending`, §8).
    pub(super) fn sync_statuses(&mut self) {
        let members = &self.members;
        self.statuses
            .retain(|m, _| members.iter().any(|(n, _)| n == m));
        for (m, _) in members {
            self.statuses.entry(m.clone()).or_insert("pending");
        }
    }

    /// v2-sharing §4.2 step 5: admins and the owner see every row, others their own, with status.
    pub(super) fn v2_member_rows_for(&self, a: Actor) -> Vec<(String, String)> {
        self.members
            .iter()
            .filter(|(m, _)| a.admin || self.owner == a.project || m == a.project)
            .map(|(m, _)| (m.clone(), self.statuses[m].to_owned()))
            .collect()
    }

    /// v2-sharing §6.2 (only `public` and `shared` exist here): admins list every image; others
    /// public ones, their own, and shared ones where their row has `member_status` (`None`: any).
    pub(super) fn v2_listed_for(&self, a: Actor, member_status: Option<&str>) -> bool {
        !self.deleted
            && (a.admin
                || self.public
                || self.owner == a.project
                || self
                    .statuses
                    .get(a.project)
                    .is_some_and(|s| member_status.is_none_or(|want| *s == want)))
    }

    pub(super) fn row(&self, member: &str) -> Option<&(String, bool)> {
        self.members.iter().find(|(m, _)| m == member)
    }

    /// v1-sharing §6.4 (stored visibility is only ever `public` or `shared` through v1).
    pub(super) fn visible_to(&self, a: Actor) -> bool {
        if a.admin {
            return true;
        }
        !self.deleted && (self.public || self.owner == a.project || self.row(a.project).is_some())
    }

    /// §6.2 with D7: admins, the owner, live members holding `can_share`.
    pub(super) fn sharable_by(&self, a: Actor) -> bool {
        a.admin || self.owner == a.project || self.row(a.project).is_some_and(|(_, s)| *s)
    }

    /// §3.4: the lookup every member call starts with (admins get 404 for deleted images too).
    pub(super) fn member_call_lookup_ok(&self, a: Actor) -> bool {
        self.visible_to(a) && !self.deleted
    }

    /// v1-images §5.2: the default list (non-deleted, non-killed; public + own + shared with me).
    /// Admins without `is_public` are treated as a regular user of their own project.
    pub(super) fn listed_for(&self, a: Actor) -> bool {
        !self.deleted && (self.public || self.owner == a.project || self.row(a.project).is_some())
    }

    /// §5.1 and D7: who sees which rows of the member list.
    pub(super) fn member_rows_for(&self, a: Actor) -> Vec<(String, bool)> {
        if self.sharable_by(a) {
            self.members.clone()
        } else {
            self.members
                .iter()
                .filter(|(m, _)| m == a.project)
                .cloned()
                .collect()
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Model {
    pub(super) images: Vec<ModelImage>,
}

/// The image an operation targets (see `image()`), or None for an id that never existed.
pub(super) fn pick(model: &Model, index: Option<usize>) -> Option<usize> {
    let n = model.images.len();
    index.filter(|_| n > 0).map(|i| n - 1 - i % n)
}

/// The member id a `MemberRef` names on image `index`.
pub(super) fn member_name(model: &Model, index: Option<usize>, member: MemberRef) -> &'static str {
    let current = |i: usize| -> Option<&'static str> {
        let members = &model.images[index?].members;
        let name = &members.get(i % members.len().max(1))?.0;
        MEMBER_POOL.iter().copied().find(|m| m == name)
    };
    match member {
        MemberRef::Pool(i) => MEMBER_POOL[i],
        MemberRef::Current(i) => current(i).unwrap_or(MEMBER_POOL[i % MEMBER_POOL.len()]),
    }
}

/// The actor whose project is `project` (the admin for its own project; tenant 0 otherwise).
pub(super) fn actor_of(project: &str) -> Actor {
    (0..=ADMIN)
        .map(actor)
        .find(|a| a.project == project)
        .unwrap_or(actor(0))
}

pub(super) fn resolve(model: &Model, who: Who, image: Option<usize>) -> Actor {
    match who {
        Who::Actor(i) => actor(i),
        Who::ImageOwner => match image {
            Some(i) if model.images[i].owner == ADMIN_PROJECT => actor(ADMIN),
            Some(i) => Actor {
                project: model.images[i].owner,
                admin: false,
            },
            None => actor(0),
        },
    }
}

pub(super) fn caller<'a>(app: &'a TestApp, a: Actor) -> Caller<'a> {
    if a.admin {
        app.admin()
    } else {
        app.tenant(a.project)
    }
}
