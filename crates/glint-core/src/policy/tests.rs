use super::*;
use crate::ids::{ImageId, MemberId};
use crate::member::MemberStatus;
use crate::time_fmt::Timestamp;
use proptest::prelude::*;

fn image(owner: Option<&str>, visibility: Visibility) -> Image {
    let mut image = Image::new(ImageId::generate(), owner.map(Into::into), Timestamp::now());
    image.visibility = visibility;
    image
}

fn membership(image: &Image, member: &str, can_share: bool) -> Membership {
    Membership {
        image_id: image.id.clone(),
        member: MemberId::parse(member).expect("member id"),
        can_share,
        status: MemberStatus::Pending,
        created_at: image.created_at,
        updated_at: image.created_at,
    }
}

fn tenant(project: &str) -> RequestContext {
    RequestContext::authenticated(None, Some(project.into()), ["member".to_string()])
}

fn admin() -> RequestContext {
    RequestContext::authenticated(None, Some("admin-project".into()), ["admin".to_string()])
}

#[test]
fn visibility_table() {
    let shared = image(Some("owner"), Visibility::Shared);
    assert!(can_see_image(&tenant("owner"), &shared, false));
    assert!(can_see_image(&tenant("m"), &shared, true));
    assert!(!can_see_image(&tenant("x"), &shared, false));
    assert!(can_see_image(&admin(), &shared, false));
    assert!(!can_see_image(&RequestContext::anonymous(), &shared, false));

    let private = image(Some("owner"), Visibility::Private);
    assert!(
        !can_see_image(&tenant("m"), &private, true),
        "D15: v2-private hides members"
    );

    for public in [Visibility::Public, Visibility::Community] {
        let img = image(Some("owner"), public);
        assert!(can_see_image(&tenant("x"), &img, false));
        assert!(can_see_image(&RequestContext::anonymous(), &img, false));
    }
    let ownerless = image(None, Visibility::Shared);
    assert!(can_see_image(&tenant("x"), &ownerless, false), "Q13");
}

#[test]
fn deleted_images_are_seen_by_admins_only() {
    let mut img = image(Some("owner"), Visibility::Public);
    img.deleted = true;
    assert!(!can_see_image(&tenant("owner"), &img, false));
    assert!(can_see_image(&admin(), &img, false));
}

#[test]
fn sharing_rights() {
    let img = image(Some("owner"), Visibility::Shared);
    assert!(can_share(&tenant("owner"), &img, None));
    assert!(can_share(&admin(), &img, None));
    let sharer = membership(&img, "s", true);
    let plain = membership(&img, "m", false);
    assert!(can_share(&tenant("s"), &img, Some(&sharer)));
    assert!(!can_share(&tenant("m"), &img, Some(&plain)));
    assert!(!can_share(&tenant("x"), &img, None));
    let no_tenant = RequestContext::authenticated(Some("u".into()), None, []);
    assert!(!can_share(&no_tenant, &img, None));
    assert!(
        !can_share(&tenant("x"), &image(None, Visibility::Shared), None),
        "Q13"
    );
}

#[test]
fn member_list_scopes() {
    let img = image(Some("owner"), Visibility::Shared);
    assert_eq!(
        member_list_scope(&tenant("owner"), &img, None),
        MemberListScope::All
    );
    let sharer = membership(&img, "s", true);
    assert_eq!(
        member_list_scope(&tenant("s"), &img, Some(&sharer)),
        MemberListScope::All
    );
    assert_eq!(
        member_list_scope(&tenant("m"), &img, None),
        MemberListScope::OnlyOwn("m".into())
    );
    assert_eq!(
        member_list_scope(&RequestContext::anonymous(), &img, None),
        MemberListScope::Nothing
    );
}

#[test]
fn mutability_table() {
    let shared = image(Some("owner"), Visibility::Shared);
    assert_eq!(
        image_mutability(&tenant("owner"), &shared),
        Mutability::Allowed
    );
    assert_eq!(image_mutability(&tenant("m"), &shared), Mutability::Hidden);
    assert_eq!(image_mutability(&admin(), &shared), Mutability::Allowed);
    let public = image(Some("owner"), Visibility::Public);
    assert_eq!(
        image_mutability(&tenant("m"), &public),
        Mutability::Forbidden
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
    prop_oneof![
        Just(RequestContext::anonymous()),
        Just(admin()),
        Just(RequestContext::authenticated(Some("u".into()), None, [])),
        prop::sample::select(vec!["owner", "a", "b"]).prop_map(tenant),
    ]
}

proptest! {
    /// Whoever may share an image can also see it (unless the image hides members: private),
    /// and a caller who may manage the list always sees the whole list.
    #[test]
    fn sharing_implies_listing_all(
        ctx in arb_ctx(),
        vis in arb_visibility(),
        own_share in proptest::option::of(any::<bool>()),
    ) {
        let img = image(Some("owner"), vis);
        let own = ctx.owner().zip(own_share).map(|(o, s)| membership(&img, o, s));
        let sharer = can_share(&ctx, &img, own.as_ref());
        let scope = member_list_scope(&ctx, &img, own.as_ref());
        prop_assert_eq!(sharer, scope == MemberListScope::All);
        if sharer && vis != Visibility::Private {
            prop_assert!(can_see_image(&ctx, &img, own.is_some()));
        }
    }

    /// No caller without a tenant (and not admin) can ever share or modify.
    #[test]
    fn tenantless_callers_change_nothing(vis in arb_visibility(), owner in proptest::option::of("[a-c]")) {
        let img = image(owner.as_deref(), vis);
        for ctx in [RequestContext::anonymous(), RequestContext::authenticated(Some("u".into()), None, [])] {
            prop_assert!(!can_share(&ctx, &img, None));
            prop_assert_ne!(image_mutability(&ctx, &img), Mutability::Allowed);
        }
    }

    /// A non-member outsider sees exactly the public, community and owner-less images.
    #[test]
    fn outsiders_see_only_open_images(vis in arb_visibility(), owned in any::<bool>()) {
        let img = image(if owned { Some("owner") } else { None }, vis);
        let expected = !owned || matches!(vis, Visibility::Public | Visibility::Community);
        prop_assert_eq!(can_see_image(&tenant("x"), &img, false), expected);
    }
}
