//! Glance's current (secure-RBAC) default rules for image calls, as Images v2 applies them
//! (DECISIONS D16; Glance `glance/policies/image.py`, `glance/policies/base.py`).
//!
//! Each rule is a check on the caller's roles and on a target built from the image: its owner
//! (`project_id`), the caller's project when it is a member of the shared image (`member_id`,
//! Glance `ImageRepo._format_image_from_db`) and its visibility. Roles are already expanded by
//! implication (`admin` ⇒ `member` ⇒ `reader`, `RequestContext::authenticated`).

use crate::context::RequestContext;
use crate::image::{Image, Visibility};

/// The image rules of Glance's policy file that v2 evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    AddImage,
    GetImage,
    GetImages,
    ModifyImage,
    PublicizeImage,
    CommunitizeImage,
    DeleteImage,
    DownloadImage,
    UploadImage,
    Deactivate,
    Reactivate,
}

impl Rule {
    /// The rule's name, as Glance's 403 message quotes it
    /// (`You are not authorized to complete <name> action.`).
    pub fn name(self) -> &'static str {
        match self {
            Self::AddImage => "add_image",
            Self::GetImage => "get_image",
            Self::GetImages => "get_images",
            Self::ModifyImage => "modify_image",
            Self::PublicizeImage => "publicize_image",
            Self::CommunitizeImage => "communitize_image",
            Self::DeleteImage => "delete_image",
            Self::DownloadImage => "download_image",
            Self::UploadImage => "upload_image",
            Self::Deactivate => "deactivate",
            Self::Reactivate => "reactivate",
        }
    }
}

/// What a rule is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The image's owner (for `add_image`: the owner the new image would get).
    pub project_id: Option<&'a str>,
    /// The caller's project when the image is `shared`, not owned by the caller, and the caller
    /// holds a membership on it (any status).
    pub member_id: Option<&'a str>,
    pub visibility: Option<Visibility>,
}

impl<'a> Target<'a> {
    /// The target of an existing image as seen by `ctx`; `caller_is_member`: a live membership
    /// of the caller's project exists on it.
    pub fn of_image(ctx: &'a RequestContext, image: &'a Image, caller_is_member: bool) -> Self {
        let member_id = match ctx.owner() {
            Some(project)
                if image.visibility == Visibility::Shared
                    && caller_is_member
                    && !image.is_owned_by(Some(project)) =>
            {
                Some(project)
            }
            _ => None,
        };
        Self {
            project_id: image.owner.as_deref(),
            member_id,
            visibility: Some(image.visibility),
        }
    }

    /// No image: Glance 15's v1 checks its rules against an empty target.
    pub fn none() -> Self {
        Self {
            project_id: None,
            member_id: None,
            visibility: None,
        }
    }

    /// The value of target attribute `name` in a check string (`%(name)s`): `project_id` and
    /// its Glance alias `owner`, `member_id`, `visibility`; anything else has no value.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        match name {
            "project_id" | "owner" => self.project_id,
            "member_id" => self.member_id,
            "visibility" => self.visibility.map(Visibility::as_str),
            _ => None,
        }
    }

    /// The target of `add_image`: the owner the image is being created for.
    pub fn new_image(owner: Option<&'a str>) -> Self {
        Self {
            project_id: owner,
            member_id: None,
            visibility: None,
        }
    }
}

/// Does `rule` allow `ctx` on `target`?
pub fn allows(ctx: &RequestContext, rule: Rule, target: &Target<'_>) -> bool {
    if ctx.is_admin {
        return true;
    }
    let project = ctx.owner();
    // `project_id:%(project_id)s`: both present and equal.
    let is = |id: Option<&str>| matches!((project, id), (Some(a), Some(b)) if a == b);
    let owner = is(target.project_id);
    let member = is(target.member_id);
    let readable_visibility = matches!(
        target.visibility,
        Some(Visibility::Public | Visibility::Community | Visibility::Shared)
    );
    match rule {
        Rule::PublicizeImage => false,
        // ADMIN_OR_PROJECT_READER_GET_IMAGE
        Rule::GetImage => ctx.has_role("reader") && (owner || member || readable_visibility),
        // ADMIN_OR_PROJECT_READER, with the caller's own project as target: Glance 33 lets a
        // reader without a project list too (oslo.policy compares `None` with `None`); what it
        // lists is the list scope's business (DECISIONS D10: public images, community on request).
        Rule::GetImages => ctx.has_role("reader"),
        // ADMIN_OR_PROJECT_MEMBER_DOWNLOAD_IMAGE
        Rule::DownloadImage => ctx.has_role("member") && (owner || member || readable_visibility),
        // ADMIN_OR_PROJECT_MEMBER
        Rule::AddImage
        | Rule::ModifyImage
        | Rule::CommunitizeImage
        | Rule::DeleteImage
        | Rule::UploadImage
        | Rule::Deactivate
        | Rule::Reactivate => ctx.has_role("member") && owner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ImageId;
    use crate::time_fmt::Timestamp;
    use proptest::prelude::*;

    fn ctx(project: &str, roles: &[&str]) -> RequestContext {
        RequestContext::authenticated(
            None,
            Some(project.into()),
            roles.iter().map(|r| r.to_string()),
        )
    }

    fn image(visibility: Visibility) -> Image {
        let mut image = Image::new(ImageId::generate(), Some("o".into()), Timestamp::now());
        image.visibility = visibility;
        image
    }

    #[test]
    fn owner_members_write_readers_only_read() {
        let img = image(Visibility::Private);
        let member = ctx("o", &["member"]);
        let reader = ctx("o", &["reader"]);
        for rule in [Rule::ModifyImage, Rule::DeleteImage, Rule::UploadImage] {
            assert!(allows(
                &member,
                rule,
                &Target::of_image(&member, &img, false)
            ));
            assert!(!allows(
                &reader,
                rule,
                &Target::of_image(&reader, &img, false)
            ));
        }
        assert!(allows(
            &reader,
            Rule::GetImage,
            &Target::of_image(&reader, &img, false)
        ));
        assert!(!allows(
            &reader,
            Rule::DownloadImage,
            &Target::of_image(&reader, &img, false)
        ));
    }

    #[test]
    fn members_read_and_download_a_shared_image_but_never_change_it() {
        let img = image(Visibility::Shared);
        let m = ctx("m", &["member"]);
        let target = Target::of_image(&m, &img, true);
        assert!(allows(&m, Rule::GetImage, &target));
        assert!(allows(&m, Rule::DownloadImage, &target));
        assert!(!allows(&m, Rule::ModifyImage, &target));
        assert!(!allows(&m, Rule::DeleteImage, &target));
    }

    #[test]
    fn private_images_are_owner_only() {
        let img = image(Visibility::Private);
        let m = ctx("m", &["member"]);
        assert!(!allows(
            &m,
            Rule::GetImage,
            &Target::of_image(&m, &img, true)
        ));
    }

    #[test]
    fn publicize_is_admin_only_and_add_image_needs_the_own_project() {
        let m = ctx("o", &["member"]);
        assert!(!allows(
            &m,
            Rule::PublicizeImage,
            &Target::new_image(Some("o"))
        ));
        assert!(allows(&m, Rule::AddImage, &Target::new_image(Some("o"))));
        assert!(!allows(&m, Rule::AddImage, &Target::new_image(Some("x"))));
        let admin = ctx("a", &["admin"]);
        assert!(allows(
            &admin,
            Rule::PublicizeImage,
            &Target::new_image(Some("x"))
        ));
    }

    #[test]
    fn readers_without_a_project_may_list() {
        let lonely = RequestContext::authenticated(None, None, ["reader".to_owned()]);
        assert!(allows(&lonely, Rule::GetImages, &Target::new_image(None)));
        let roleless = RequestContext::authenticated(None, None, Vec::<String>::new());
        assert!(!allows(
            &roleless,
            Rule::GetImages,
            &Target::new_image(None)
        ));
    }

    #[test]
    fn callers_without_roles_or_project_may_do_nothing() {
        let img = image(Visibility::Public);
        let nobody = ctx("o", &[]);
        assert!(!allows(
            &nobody,
            Rule::GetImage,
            &Target::of_image(&nobody, &img, false)
        ));
        let anonymous = RequestContext::anonymous();
        assert!(!allows(
            &anonymous,
            Rule::GetImages,
            &Target::new_image(None)
        ));
    }

    fn any_visibility() -> impl Strategy<Value = Visibility> {
        prop_oneof![
            Just(Visibility::Public),
            Just(Visibility::Community),
            Just(Visibility::Shared),
            Just(Visibility::Private),
        ]
    }

    proptest! {
        /// Whatever the image, a write rule never allows a non-admin who does not own it, and
        /// every rule allows an admin.
        #[test]
        fn writes_need_ownership(vis in any_visibility(), member in any::<bool>(),
                                 roles in proptest::sample::subsequence(vec!["reader", "member"], 0..=2)) {
            let img = image(vis);
            let other = ctx("x", &roles);
            let target = Target::of_image(&other, &img, member);
            for rule in [Rule::ModifyImage, Rule::DeleteImage, Rule::UploadImage,
                         Rule::Deactivate, Rule::Reactivate, Rule::CommunitizeImage] {
                prop_assert!(!allows(&other, rule, &target));
            }
            let admin = ctx("a", &["admin"]);
            prop_assert!(allows(&admin, Rule::ModifyImage, &Target::of_image(&admin, &img, false)));
        }

        /// get_image never allows a private image to anybody but its owner project and admins.
        #[test]
        fn private_stays_private(member in any::<bool>(), project in "[a-z]{1,3}") {
            let img = image(Visibility::Private);
            let c = ctx(&project, &["member"]);
            let allowed = allows(&c, Rule::GetImage, &Target::of_image(&c, &img, member));
            prop_assert_eq!(allowed, project == "o");
        }
    }
}
