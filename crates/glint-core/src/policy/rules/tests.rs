//! The parsed defaults answer exactly as the hard-coded rules (`rbac::allows`,
//! `members_v2::allows`, `v1_default_allows`); overrides replace rules one by one; bad policy
//! files are refused naming the rule.

use super::*;
use crate::ids::ImageId;
use crate::image::{Image, Visibility};
use crate::policy::members_v2::{self, MemberRule};
use crate::policy::rbac::{self, Rule};
use crate::policy::{Action, v1_default_allows};
use crate::time_fmt::Timestamp;
use proptest::prelude::*;

const IMAGE_RULES: [Rule; 11] = [
    Rule::AddImage,
    Rule::GetImage,
    Rule::GetImages,
    Rule::ModifyImage,
    Rule::PublicizeImage,
    Rule::CommunitizeImage,
    Rule::DeleteImage,
    Rule::DownloadImage,
    Rule::UploadImage,
    Rule::Deactivate,
    Rule::Reactivate,
];

const ACTIONS: [Action; 12] = [
    Action::GetImages,
    Action::GetImage,
    Action::DownloadImage,
    Action::AddImage,
    Action::ModifyImage,
    Action::PublicizeImage,
    Action::UploadImage,
    Action::DeleteImage,
    Action::GetMembers,
    Action::ModifyMember,
    Action::DeleteMember,
    Action::AddMember,
];

fn any_project() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        Just("o".to_owned()),
        Just("m".to_owned()),
        Just("x".to_owned())
    ])
}

fn any_context() -> impl Strategy<Value = RequestContext> {
    (
        any_project(),
        proptest::sample::subsequence(
            vec!["reader", "member", "admin", "Member", "observer"],
            0..=3,
        ),
        any::<bool>(),
    )
        .prop_map(|(project, roles, anonymous)| {
            if anonymous {
                RequestContext::anonymous()
            } else {
                RequestContext::authenticated(
                    Some("u".into()),
                    project,
                    roles.into_iter().map(str::to_owned),
                )
            }
        })
}

fn any_visibility() -> impl Strategy<Value = Visibility> {
    prop_oneof![
        Just(Visibility::Public),
        Just(Visibility::Community),
        Just(Visibility::Shared),
        Just(Visibility::Private),
    ]
}

fn image(owner: Option<String>, visibility: Visibility) -> Image {
    let mut image = Image::new(ImageId::generate(), owner, Timestamp::now());
    image.visibility = visibility;
    image
}

proptest! {
    /// Every v2 image rule, on random callers and targets (of existing images and of new ones).
    #[test]
    fn parsed_v2_image_defaults_equal_the_hard_coded_rules(
        ctx in any_context(), owner in any_project(), vis in any_visibility(),
        member in any::<bool>(), new_owner in any_project(),
    ) {
        let policy = Policy::default();
        let img = image(owner, vis);
        for target in [Target::of_image(&ctx, &img, member), Target::new_image(new_owner.as_deref()),
                       Target::new_image(ctx.owner())] {
            for rule in IMAGE_RULES {
                prop_assert_eq!(
                    policy.allows(Api::V2, rule.name(), &ctx, &target),
                    rbac::allows(&ctx, rule, &target),
                    "{} on {:?}", rule.name(), target
                );
            }
        }
    }

    /// Every v2 member rule.
    #[test]
    fn parsed_v2_member_defaults_equal_the_hard_coded_rules(
        ctx in any_context(), owner in any_project(), vis in any_visibility(), member in any::<bool>(),
    ) {
        let policy = Policy::default();
        let img = image(owner, vis);
        for rule in MemberRule::ALL {
            prop_assert_eq!(
                members_v2::allows_with(&policy, &ctx, &img, member, rule),
                members_v2::allows(&ctx, &img, member, rule),
                "{}", rule.rule_name()
            );
        }
    }

    /// Every v1 rule (Glance 15 checks them against an empty target).
    #[test]
    fn parsed_v1_defaults_equal_the_hard_coded_rules(ctx in any_context()) {
        let policy = Policy::default();
        for action in ACTIONS {
            prop_assert_eq!(
                policy.allows(Api::V1, action.rule_name(), &ctx, &Target::none()),
                v1_default_allows(&ctx, action),
                "{}", action.rule_name()
            );
        }
    }
}

fn member_ctx() -> RequestContext {
    RequestContext::authenticated(None, Some("o".into()), ["member".to_owned()])
}

#[test]
fn an_override_replaces_one_rule_in_both_apis_and_keeps_the_others() {
    let policy = Policy::with_overrides([("add_member", "role:admin")]).map_err(|e| e.to_string());
    let Ok(policy) = policy else {
        panic!("{policy:?}");
    };
    let ctx = member_ctx();
    let img = image(Some("o".into()), Visibility::Shared);
    let target = Target::of_image(&ctx, &img, false);
    assert!(!policy.allows(Api::V2, "add_member", &ctx, &target));
    assert!(!policy.allows(Api::V1, "add_member", &ctx, &Target::none()));
    assert!(policy.allows(Api::V2, "delete_member", &ctx, &target));
    assert!(policy.allows(Api::V1, "modify_member", &ctx, &Target::none()));
    let admin = RequestContext::authenticated(None, Some("a".into()), ["admin".to_owned()]);
    assert!(policy.allows(Api::V2, "add_member", &admin, &target));
}

#[test]
fn references_resolve_across_overrides_and_defaults() {
    let policy = Policy::with_overrides([
        ("context_is_admin", "role:admin or role:operator"),
        ("publicize_image", "rule:context_is_admin"),
        ("get_images", "rule:default"),
        ("default", "!"),
    ]);
    let Ok(policy) = policy else {
        panic!("{policy:?}");
    };
    let operator = RequestContext::authenticated(None, Some("p".into()), ["operator".to_owned()]);
    assert!(policy.allows(Api::V2, "publicize_image", &operator, &Target::none()));
    assert!(policy.allows(Api::V1, "publicize_image", &operator, &Target::none()));
    assert!(!policy.allows(Api::V1, "get_images", &member_ctx(), &Target::none()));
    // Glance's v2 defaults say `rule:context_is_admin` for "admin": the operator role passes
    // every v2 rule now, on any image; v1's defaults do not refer to it.
    let img = image(Some("someone".into()), Visibility::Private);
    let target = Target::of_image(&operator, &img, false);
    assert!(policy.allows(Api::V2, "delete_image", &operator, &target));
    assert!(policy.allows(Api::V2, "get_image", &operator, &target));
    assert!(!policy.allows(Api::V2, "delete_image", &member_ctx(), &target));
}

#[test]
fn bad_files_are_refused_naming_the_rule() {
    let unknown = Policy::with_overrides([("add_membr", "role:admin")]).err();
    assert!(
        matches!(&unknown, Some(PolicyError::UnknownRule { rule, .. }) if rule == "add_membr"),
        "{unknown:?}"
    );
    let syntax = Policy::with_overrides([("get_image", "role:admin or")]).err();
    assert!(
        matches!(&syntax, Some(PolicyError::Syntax { rule, .. }) if rule == "get_image"),
        "{syntax:?}"
    );
    let syntax = syntax.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        syntax.contains("`get_image`") && syntax.contains("role:admin or"),
        "{syntax}"
    );
    let undefined = Policy::with_overrides([("get_image", "rule:nope")]).err();
    assert_eq!(
        undefined,
        Some(PolicyError::UndefinedReference {
            rule: "get_image".into(),
            reference: "nope".into()
        })
    );
    let cycle =
        Policy::with_overrides([("default", "rule:get_image"), ("get_image", "rule:default")])
            .err();
    assert_eq!(
        cycle,
        Some(PolicyError::Cycle {
            rule: "default".into(),
            path: "default -> get_image -> default".into()
        })
    );
    let own = Policy::with_overrides([("modify_member", "rule:modify_member")]).err();
    assert!(
        matches!(&own, Some(PolicyError::Cycle { rule, .. }) if rule == "modify_member"),
        "{own:?}"
    );
}

#[test]
fn every_default_parses_in_both_apis() {
    for (name, v1, v2) in RULES {
        assert!(Check::parse(v1).is_ok(), "{name} v1");
        assert!(Check::parse(v2).is_ok(), "{name} v2");
    }
    assert!(Policy::with_overrides(std::iter::empty::<(&str, &str)>()).is_ok());
}
