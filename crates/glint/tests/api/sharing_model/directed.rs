//! Hand-written operation sequences through the model, for paths random runs reach rarely.

use super::ops::{MemberRef, Op, Who};
use super::{ADMIN, ANONYMOUS, run_case};

/// Hand-written sequences through the same model, for paths random runs reach rarely:
/// publicizing, outsiders on public images, chains of sharers, the quota, admins on deleted
/// images, the admin's project as a member, v2 member statuses mixed with v1 changes.
#[test]
fn directed_sequences_match_the_reference_model() {
    use MemberRef::Pool;
    use Op::*;
    const A: usize = 0;
    const B: usize = 1;
    const C: usize = 2;
    const D: usize = 3;
    const ADMIN_MEMBER: usize = 5;
    let img = Some(0); // the newest image
    let add = |who: usize, member: usize, can_share: Option<bool>, flat: bool| Add {
        who: Who::Actor(who),
        image: img,
        member: Pool(member),
        can_share,
        flat,
    };
    let replace = |who: usize, list: &[(usize, Option<bool>)]| Replace {
        who: Who::Actor(who),
        image: img,
        list: list.to_vec(),
    };
    let remove = |who: usize, member: usize| Remove {
        who: Who::Actor(who),
        image: img,
        member: Pool(member),
    };
    let update = |who: usize, is_public: Option<bool>| Update {
        who: Who::Actor(who),
        image: img,
        is_public,
    };
    let delete = |who: usize| Delete {
        who: Who::Actor(who),
        image: img,
        v2: false,
    };
    let v2_add = |who: usize, member: usize| V2Add {
        who: Who::Actor(who),
        image: img,
        member: Pool(member),
    };
    // `who: None`: the member itself sets its status.
    let v2_status = |who: Option<usize>, member: usize, status: usize| V2Status {
        who: Who::Actor(who.unwrap_or(0)),
        by_member: who.is_none(),
        image: img,
        member: Pool(member),
        status,
    };
    let v2_remove = |who: usize, member: usize| V2Remove {
        who: Who::Actor(who),
        image: img,
        member: Pool(member),
    };
    let visibility = |who: usize, v: usize| SetVisibility {
        who: Who::Actor(who),
        image: img,
        visibility: v,
    };
    let upload = |who: usize, seed: u8, v2: bool| Upload {
        who: Who::Actor(who),
        image: img,
        seed,
        v2,
    };
    let v2_delete = |who: usize| Delete {
        who: Who::Actor(who),
        image: img,
        v2: true,
    };
    // Indices into `Visibility::ALL`.
    const PUBLIC: usize = 0;
    const COMMUNITY: usize = 1;
    const SHARED: usize = 2;
    const PRIVATE: usize = 3;
    const E: usize = 4;
    const PENDING: usize = 0;
    const ACCEPTED: usize = 1;
    const REJECTED: usize = 2;
    const INVALID: usize = 3;
    let sequences: Vec<Vec<Op>> = vec![
        // The four visibilities, uploads and the anonymous caller: members of a private image
        // (added through v1, D15) see nothing until it is shared; community images are read
        // by all but listed by others only on request; anonymous callers change nothing.
        vec![
            Create {
                actor: A,
                data: None,
                v2: Some(PRIVATE),
            },
            add(A, B, Some(true), false),
            v2_add(A, C),
            upload(B, 4, false),
            upload(E, 4, true),
            upload(ANONYMOUS, 4, true),
            upload(A, 4, true),
            upload(A, 5, false),
            visibility(B, SHARED),
            visibility(A, COMMUNITY),
            update(B, None),
            delete(B),
            v2_delete(B),
            add(ANONYMOUS, D, None, false),
            visibility(A, SHARED),
            v2_status(None, B, ACCEPTED),
            add(B, D, None, false),
            v2_status(None, D, REJECTED),
            visibility(A, PUBLIC),
            visibility(ADMIN, PUBLIC),
            v2_add(A, E),
            update(A, Some(false)),
            v2_add(A, E),
            visibility(ANONYMOUS, PRIVATE),
            visibility(A, PRIVATE),
            replace(B, &[(E, None)]),
            remove(A, B),
            v2_delete(ANONYMOUS),
            v2_delete(A),
            v2_delete(A),
            Create {
                actor: ADMIN,
                data: Some(2),
                v2: Some(PUBLIC),
            },
            v2_delete(E),
            delete(E),
            visibility(ADMIN, COMMUNITY),
            add(ADMIN, E, None, false),
            delete(ANONYMOUS),
        ],
        // v2 members mixed with v1: statuses, who may set them, removal, re-adding, public
        // images, the quota (413 before 409), admins.
        vec![
            Create {
                actor: A,
                data: Some(5),
                v2: None,
            },
            v2_add(A, B),
            v2_add(A, B),
            v2_status(None, B, ACCEPTED),
            v2_status(Some(A), B, REJECTED),
            v2_status(None, B, INVALID),
            v2_status(Some(A), B, INVALID),
            v2_status(Some(C), B, REJECTED),
            add(A, C, Some(true), false),
            v2_status(None, C, REJECTED),
            v2_add(C, D),
            v2_remove(B, C),
            v2_remove(B, B),
            v2_status(Some(B), C, ACCEPTED),
            replace(A, &[(B, None)]),
            v2_add(A, C),
            update(ADMIN, Some(true)),
            v2_add(A, D),
            v2_status(None, B, PENDING),
            v2_remove(A, B),
            update(A, Some(false)),
            v2_add(A, D),
            v2_add(A, ADMIN_MEMBER),
            v2_add(A, B),
            v2_status(Some(ADMIN), D, REJECTED),
            v2_status(None, ADMIN_MEMBER, ACCEPTED),
            v2_remove(A, B),
            v2_add(A, ADMIN_MEMBER),
            v2_remove(ADMIN, D),
            add(A, D, None, true),
            v2_status(None, D, ACCEPTED),
            delete(A),
            v2_add(ADMIN, B),
            v2_status(None, B, ACCEPTED),
        ],
        // Publicize, outsiders and plain members of a public image, back to private.
        vec![
            Create {
                actor: A,
                data: Some(3),
                v2: None,
            },
            update(A, Some(true)),
            update(B, Some(true)),
            update(ADMIN, Some(true)),
            replace(D, &[(A, None), (B, None), (C, None), (D, None)]),
            replace(D, &[(D, Some(true))]),
            add(D, D, Some(true), false),
            add(A, B, None, false),
            replace(B, &[(B, Some(true))]),
            remove(B, B),
            update(B, None),
            delete(B),
            update(ADMIN, Some(false)),
            update(B, None),
            delete(B),
            Update {
                who: Who::Actor(A),
                image: None,
                is_public: Some(true),
            },
            Update {
                who: Who::Actor(A),
                image: None,
                is_public: Some(false),
            },
        ],
        // A chain of sharers; a sharer's replace without itself drops it; admin's project.
        vec![
            Create {
                actor: A,
                data: Some(9),
                v2: None,
            },
            add(A, B, Some(true), true),
            add(B, C, Some(true), false),
            add(C, D, None, false),
            replace(
                C,
                &[(C, None), (ADMIN_MEMBER, Some(true)), (B, Some(false))],
            ),
            add(B, D, None, false),
            replace(ADMIN, &[(ADMIN_MEMBER, None), (C, None), (B, None)]),
            remove(C, C),
            remove(C, B),
            add(ADMIN, B, Some(true), true),
            remove(B, ADMIN_MEMBER),
            delete(A),
            add(ADMIN, B, None, false),
            replace(ADMIN, &[]),
            remove(ADMIN, B),
            update(ADMIN, None),
            delete(ADMIN),
        ],
        // The member quota (3): new members only; replace counts distinct members.
        vec![
            Create {
                actor: B,
                data: None,
                v2: None,
            },
            add(B, A, None, false),
            add(B, C, None, false),
            add(B, D, Some(true), false),
            add(B, ADMIN_MEMBER, None, false),
            add(D, ADMIN_MEMBER, None, true),
            add(B, A, Some(true), true),
            replace(B, &[(A, None), (B, None), (C, None), (D, None)]),
            replace(
                D,
                &[(A, None), (C, Some(true)), (A, Some(false)), (D, None)],
            ),
            replace(B, &[(C, None), (D, None), (C, None), (ADMIN_MEMBER, None)]),
            add(ADMIN, D, None, false),
        ],
        // A plain member changes nothing; admin's own images; a missing image.
        vec![
            Create {
                actor: ADMIN,
                data: Some(1),
                v2: None,
            },
            add(ADMIN, A, None, false),
            replace(A, &[]),
            replace(A, &[(A, None), (B, None), (C, None), (D, None)]),
            remove(A, A),
            add(A, B, None, false),
            update(A, Some(false)),
            delete(A),
            Remove {
                who: Who::Actor(ADMIN),
                image: None,
                member: Pool(A),
            },
            Delete {
                who: Who::Actor(ADMIN),
                image: None,
                v2: false,
            },
            Add {
                who: Who::Actor(A),
                image: None,
                member: Pool(B),
                can_share: None,
                flat: false,
            },
        ],
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for ops in sequences {
        if let Err(e) = runtime.block_on(run_case(&ops)) {
            panic!("{e}");
        }
    }
}
