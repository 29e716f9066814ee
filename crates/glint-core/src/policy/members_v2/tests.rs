use super::*;
use crate::ids::ImageId;
use crate::time_fmt::Timestamp;
use proptest::prelude::*;

const OWNER: &str = "owner";
const M: &str = "m";
const N: &str = "n";

fn image(visibility: Visibility) -> Image {
    let mut image = Image::new(ImageId::generate(), Some(OWNER.into()), Timestamp::now());
    image.visibility = visibility;
    image
}

fn with_roles(project: &str, roles: &[&str]) -> RequestContext {
    RequestContext::authenticated(
        None,
        Some(project.into()),
        roles.iter().map(|r| r.to_string()),
    )
}

fn tenant(project: &str) -> RequestContext {
    with_roles(project, &["member"])
}

fn reader(project: &str) -> RequestContext {
    with_roles(project, &["reader"])
}

fn admin() -> RequestContext {
    with_roles("admin-project", &["admin"])
}

/// The fixture image has live rows for M and N.
fn member(ctx: &RequestContext) -> bool {
    matches!(ctx.owner(), Some(M | N))
}

/// What a caller who can see `image` gets from `call` on member `target`'s row (which exists),
/// composing the pure steps in Glance's order (v2-sharing §4); `Ok` is success.
fn outcome(
    ctx: &RequestContext,
    image: &Image,
    call: MemberCall,
    target: &str,
) -> Result<(), &'static str> {
    match precheck(&Policy::default(), ctx, image, member(ctx), call) {
        Err(Refusal::NotShared) => return Err("not shared"),
        Err(Refusal::Hidden) => return Err("hidden"),
        Err(Refusal::Denied(_)) => return Err("denied"),
        Ok(()) => {}
    }
    if matches!(
        call,
        MemberCall::Show | MemberCall::Update | MemberCall::Delete
    ) && !row_visible(ctx, image, target)
    {
        return Err("no row");
    }
    if let Some(rule) = call.action_rule() {
        enforce(&Policy::default(), ctx, image, member(ctx), rule).map_err(|_| "denied")?;
    }
    Ok(())
}

#[test]
fn outcome_table_2_2() {
    use MemberCall::*;
    let shared = image(Visibility::Shared);
    let row = |ctx: &RequestContext, target: &str| -> Vec<Result<(), &'static str>> {
        [Create, List, Show, Update, Delete]
            .into_iter()
            .map(|call| outcome(ctx, &shared, call, target))
            .collect()
    };
    let denied = Err("denied");
    // owner O (member role): 200, 200, 200, 403, 204.
    assert_eq!(
        row(&tenant(OWNER), M),
        [Ok(()), Ok(()), Ok(()), denied, Ok(())]
    );
    // member M (member role): 403, 200, 200, 200, 403.
    assert_eq!(row(&tenant(M), M), [denied, Ok(()), Ok(()), Ok(()), denied]);
    // member M, reader only: 403, 200, 200, 403, 403.
    assert_eq!(row(&reader(M), M), [denied, Ok(()), Ok(()), denied, denied]);
    // owner O, reader only: 403, 200, 200, 403, 403.
    assert_eq!(
        row(&reader(OWNER), M),
        [denied, Ok(()), Ok(()), denied, denied]
    );
    // member M acting on N's row: 404 for show, update and delete (secure RBAC).
    for call in [Show, Update, Delete] {
        assert_eq!(
            outcome(&tenant(M), &shared, call, N),
            Err("no row"),
            "{call:?}"
        );
    }
    // admin: everything, including anyone's status.
    assert_eq!(row(&admin(), M), [Ok(()), Ok(()), Ok(()), Ok(()), Ok(())]);
    // Visible but not shared: every call stops at the shared check.
    for vis in [
        Visibility::Public,
        Visibility::Community,
        Visibility::Private,
    ] {
        let img = image(vis);
        for call in MemberCall::ALL {
            assert_eq!(
                outcome(&tenant(OWNER), &img, call, M),
                Err("not shared"),
                "{vis:?} {call:?}"
            );
        }
    }
}

#[test]
fn callers_without_reader_see_nothing() {
    let shared = image(Visibility::Shared);
    for ctx in [
        with_roles(OWNER, &[]),
        with_roles(M, &["observer"]),
        RequestContext::anonymous(),
    ] {
        for call in MemberCall::ALL {
            assert_eq!(
                precheck(&Policy::default(), &ctx, &shared, member(&ctx), call),
                Err(Refusal::Hidden)
            );
        }
    }
}

#[test]
fn rows_shown() {
    let shared = image(Visibility::Shared);
    assert_eq!(row_scope(&tenant(OWNER), &shared), MemberListScope::All);
    assert_eq!(row_scope(&admin(), &shared), MemberListScope::All);
    assert_eq!(
        row_scope(&tenant(M), &shared),
        MemberListScope::OnlyOwn(M.into())
    );
    let no_project = RequestContext::authenticated(Some("u".into()), None, ["member".into()]);
    assert_eq!(row_scope(&no_project, &shared), MemberListScope::Nothing);
    assert!(row_visible(&tenant(M), &shared, M));
    assert!(!row_visible(&tenant(M), &shared, N));
    assert!(!row_visible(&no_project, &shared, M));
}

#[test]
fn rule_names_are_glances() {
    let names: Vec<&str> = MemberRule::ALL.iter().map(|r| r.rule_name()).collect();
    assert_eq!(
        names,
        [
            "add_member",
            "get_members",
            "get_member",
            "modify_member",
            "delete_member"
        ]
    );
}

fn arb_visibility() -> impl Strategy<Value = Visibility> {
    prop_oneof![
        Just(Visibility::Public),
        Just(Visibility::Community),
        Just(Visibility::Shared),
        Just(Visibility::Private),
    ]
}

fn arb_ctx() -> impl Strategy<Value = RequestContext> {
    let roles = prop::sample::subsequence(vec!["reader", "member", "admin", "other"], 0..=3);
    let project = prop::option::of(prop::sample::select(vec![OWNER, M, N]));
    prop_oneof![
        1 => Just(RequestContext::anonymous()),
        8 => (project, roles).prop_map(|(p, r)| RequestContext::authenticated(
            None,
            p.map(Into::into),
            r.into_iter().map(Into::into),
        )),
    ]
}

fn arb_call() -> impl Strategy<Value = MemberCall> {
    prop::sample::select(MemberCall::ALL.to_vec())
}

proptest! {
    /// Only shared images have members: whatever the caller, nothing else gets past the
    /// shared check.
    #[test]
    fn non_shared_images_have_no_member_calls(ctx in arb_ctx(), vis in arb_visibility(), call in arb_call()) {
        let img = image(vis);
        let result = precheck(&Policy::default(), &ctx, &img, member(&ctx), call);
        prop_assert_eq!(result == Err(Refusal::NotShared), vis != Visibility::Shared);
    }

    /// Admins pass every rule; a failed `get_image` always hides, never names a rule.
    #[test]
    fn admins_pass_and_hidden_means_no_get_image(ctx in arb_ctx(), vis in arb_visibility()) {
        let img = image(vis);
        for rule in MemberRule::ALL {
            let result = enforce(&Policy::default(), &ctx, &img, member(&ctx), rule);
            if ctx.is_admin {
                prop_assert_eq!(result, Ok(()));
            }
            prop_assert_eq!(result == Err(Refusal::Hidden), !allows_get_image(&Policy::default(), &ctx, &img, member(&ctx)));
        }
    }

    /// Anti-spam: the owner (not admin) can never set a member's status, members can never add
    /// or remove members, and only the `member` role writes.
    #[test]
    fn writers_are_who_the_table_says(ctx in arb_ctx(), vis in arb_visibility()) {
        let img = image(vis);
        if ctx.is_admin {
            return Ok(());
        }
        let owner = ctx.owner() == Some(OWNER);
        if owner {
            prop_assert!(!allows(&ctx, &img, member(&ctx), MemberRule::ModifyMember));
        } else {
            prop_assert!(!allows(&ctx, &img, member(&ctx), MemberRule::AddMember));
            prop_assert!(!allows(&ctx, &img, member(&ctx), MemberRule::DeleteMember));
        }
        if !ctx.has_role("member") {
            for rule in [MemberRule::AddMember, MemberRule::DeleteMember, MemberRule::ModifyMember] {
                prop_assert!(!allows(&ctx, &img, member(&ctx), rule));
            }
        }
    }

    /// Whoever may add or remove members may also read the whole list.
    #[test]
    fn managers_read_everything(ctx in arb_ctx(), vis in arb_visibility()) {
        let img = image(vis);
        if allows(&ctx, &img, member(&ctx), MemberRule::AddMember) {
            prop_assert!(allows(&ctx, &img, member(&ctx), MemberRule::GetMembers));
            prop_assert_eq!(row_scope(&ctx, &img), MemberListScope::All);
        }
    }

    /// A non-admin who does not own the image sees at most its own row.
    #[test]
    fn outsiders_see_only_their_own_row(ctx in arb_ctx(), target in prop::sample::select(vec![OWNER, M, N])) {
        let img = image(Visibility::Shared);
        if !ctx.is_admin && ctx.owner() != Some(OWNER) {
            prop_assert_eq!(row_visible(&ctx, &img, target), ctx.owner() == Some(target));
        }
    }
}
