//! The reference model: actors, images and their members, and who may see, list, download and
//! share what — written from the spec (v1-images §2.3, §5; v1-sharing §5–§7; v2-sharing §1,
//! §2.2, §4, §6; DECISIONS D7, D10, D15, D18), not from glint's code.

use super::ops::{MemberRef, Who};
use super::{ADMIN, ADMIN_PROJECT, ANONYMOUS, MEMBER_POOL, TENANTS};
use crate::helpers::*;
use std::collections::BTreeMap;

/// A caller as the model sees it. The anonymous caller has no project (`project` is empty,
/// which no image owner or member ever is).
#[derive(Debug, Clone, Copy)]
pub(super) struct Actor {
    pub(super) project: &'static str,
    pub(super) admin: bool,
    pub(super) anonymous: bool,
}

impl Actor {
    /// Is `owner` this caller's own project?
    pub(super) fn owns(&self, owner: &str) -> bool {
        !self.anonymous && owner == self.project
    }

    pub(super) fn name(&self) -> String {
        if self.admin {
            "admin".to_owned()
        } else if self.anonymous {
            "anonymous".to_owned()
        } else {
            self.project[..1].to_owned()
        }
    }
}

pub(super) fn actor(index: usize) -> Actor {
    match index {
        ADMIN => Actor {
            project: ADMIN_PROJECT,
            admin: true,
            anonymous: false,
        },
        ANONYMOUS => Actor {
            project: "",
            admin: false,
            anonymous: true,
        },
        _ => Actor {
            project: TENANTS[index],
            admin: false,
            anonymous: false,
        },
    }
}

/// v2-sharing §1.1; v1 reads `public` as `is_public` true and the other three as false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Visibility {
    Public,
    Community,
    Shared,
    Private,
}

impl Visibility {
    pub(super) const ALL: [Visibility; 4] = [
        Visibility::Public,
        Visibility::Community,
        Visibility::Shared,
        Visibility::Private,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Community => "community",
            Visibility::Shared => "shared",
            Visibility::Private => "private",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct ModelImage {
    pub(super) id: String,
    pub(super) owner: &'static str,
    pub(super) visibility: Visibility,
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
    pub(super) fn new(
        id: String,
        owner: &'static str,
        visibility: Visibility,
        md5: Option<String>,
    ) -> Self {
        Self {
            id,
            owner,
            visibility,
            deleted: false,
            md5,
            members: Vec::new(),
            statuses: BTreeMap::new(),
        }
    }

    pub(super) fn public(&self) -> bool {
        self.visibility == Visibility::Public
    }

    pub(super) fn shared(&self) -> bool {
        self.visibility == Visibility::Shared
    }

    /// Public and community images: everybody may read them.
    fn readable_by_all(&self) -> bool {
        matches!(self.visibility, Visibility::Public | Visibility::Community)
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

    pub(super) fn row(&self, member: &str) -> Option<&(String, bool)> {
        self.members.iter().find(|(m, _)| m == member)
    }

    /// The caller's own membership counts only on `shared` images (D15, v2-sharing §1.1).
    fn member_of_shared(&self, a: Actor) -> bool {
        !a.anonymous && self.shared() && self.row(a.project).is_some()
    }

    /// v1-sharing §6.4 / v2-sharing §6.1: admins see everything (v1: deleted images too);
    /// others non-deleted public and community images, their own, and shared images they are
    /// a member of (any status). D18: anonymous callers only the first two.
    pub(super) fn visible_to(&self, a: Actor) -> bool {
        if a.admin {
            return true;
        }
        !self.deleted && (self.readable_by_all() || a.owns(self.owner) || self.member_of_shared(a))
    }

    /// v2 lookups: deleted images are gone for admins too (`ImageRepo.get`); `get_image`
    /// needs the `reader` role, which an anonymous caller lacks (DECISIONS D16: Glance's
    /// secure-RBAC defaults), so anonymous callers see nothing through v2.
    pub(super) fn v2_visible_to(&self, a: Actor) -> bool {
        !a.anonymous && !self.deleted && self.visible_to(a)
    }

    /// §6.2 with D7: admins, the owner, live members holding `can_share`.
    pub(super) fn sharable_by(&self, a: Actor) -> bool {
        a.admin
            || a.owns(self.owner)
            || (!a.anonymous && self.row(a.project).is_some_and(|(_, s)| *s))
    }

    /// §3.4: the lookup every v1 member call starts with (admins get 404 for deleted images
    /// too).
    pub(super) fn member_call_lookup_ok(&self, a: Actor) -> bool {
        !self.deleted && self.visible_to(a)
    }

    /// v1-images §5.2: the default list (and `/detail`): public images, all own images, shared
    /// images the caller is a member of (any status); community images of others excluded.
    /// Admins without `is_public` are treated as a regular user of their own project; callers
    /// without a project get public images only (D10).
    pub(super) fn listed_for(&self, a: Actor) -> bool {
        !self.deleted && (self.public() || a.owns(self.owner) || self.member_of_shared(a))
    }

    /// v2-sharing §6.2: `GET /v2/images` with `visibility` (None: absent) and `member_status`
    /// (None: `all`).
    pub(super) fn v2_listed_for(
        &self,
        a: Actor,
        visibility: Option<Visibility>,
        member_status: Option<&str>,
    ) -> bool {
        if self.deleted {
            return false;
        }
        let candidate = if a.admin {
            true
        } else if a.anonymous {
            // D10 clarification: public images; community ones when asked for.
            self.readable_by_all()
        } else {
            self.readable_by_all()
                || a.owns(self.owner)
                || (self.shared()
                    && self
                        .statuses
                        .get(a.project)
                        .is_some_and(|s| member_status.is_none_or(|want| *s == want)))
        };
        candidate
            && match visibility {
                Some(v) => self.visibility == v,
                None => self.visibility != Visibility::Community || a.owns(self.owner),
            }
    }

    /// §5.1 and D7: who sees which rows of the v1 member list.
    pub(super) fn member_rows_for(&self, a: Actor) -> Vec<(String, bool)> {
        if self.sharable_by(a) {
            self.members.clone()
        } else {
            self.members
                .iter()
                .filter(|(m, _)| !a.anonymous && m == a.project)
                .cloned()
                .collect()
        }
    }

    /// v2-sharing §4.2 step 5: admins and the owner see every row, others their own, with status.
    pub(super) fn v2_member_rows_for(&self, a: Actor) -> Vec<(String, String)> {
        self.members
            .iter()
            .filter(|(m, _)| a.admin || a.owns(self.owner) || (!a.anonymous && m == a.project))
            .map(|(m, _)| (m.clone(), self.statuses[m].to_owned()))
            .collect()
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
    (0..ANONYMOUS)
        .map(actor)
        .find(|a| a.project == project)
        .unwrap_or(actor(0))
}

pub(super) fn resolve(model: &Model, who: Who, image: Option<usize>) -> Actor {
    match who {
        Who::Actor(i) => actor(i),
        Who::ImageOwner => match image {
            Some(i) => actor_of(model.images[i].owner),
            None => actor(0),
        },
    }
}

pub(super) fn caller<'a>(app: &'a TestApp, a: Actor) -> Caller<'a> {
    if a.admin {
        app.admin()
    } else if a.anonymous {
        app.anonymous()
    } else {
        app.tenant(a.project)
    }
}
