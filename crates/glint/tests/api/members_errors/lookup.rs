//! v1 sharing lookup refusals (§3.4, §5.1–§5.5, §6.5): missing, hidden, deleted images; no right.

use super::{EXPL_404, Fixture, caller_identity, create_public, member_paths, raw};
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn missing_images_and_overlong_ids_are_404() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let admin = app.admin();
    // Glance `_image_get`: ids longer than 36 characters are not found, even if they name an
    // existing image in another UUID spelling.
    let braced = format!("{{{}}}", fx.id);
    let urn = format!("urn:uuid:{}", fx.id);
    let too_long = format!("{}0", fx.id);
    for image in [
        "00000000-0000-0000-0000-000000000000",
        "not-a-uuid",
        braced.as_str(),
        urn.as_str(),
        too_long.as_str(),
        &"x".repeat(300),
    ] {
        let needle = format!("Image with identifier {image} not found");
        for (method, path) in member_paths(image) {
            let mut request = admin.request(method.clone(), &path);
            if path.ends_with("/members") && method == Method::PUT {
                request = request.json(&json!({"memberships": []}));
            }
            expect_error(send(request).await, StatusCode::NOT_FOUND, &needle).await;
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn an_image_the_caller_cannot_see_is_404_as_if_missing() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let outsider = app.tenant(OUTSIDER);
    // Transcript §26 (list) and §27 (add): byte for byte, `Accept: */*`.
    let expected = format!(
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\nImage with identifier {} not found\n\n\n </body>\n</html>",
        fx.id
    );
    for (method, path) in member_paths(&fx.id) {
        let mut request = outsider
            .request(method.clone(), &path)
            .header("accept", "*/*");
        if path.ends_with("/members") && method == Method::PUT {
            request = request.json(&json!({"memberships": []}));
        }
        let response = send(request).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=UTF-8"
        );
        assert_eq!(text(response).await, expected, "{method} {path}");
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn deleted_images_are_404_and_admins_are_told_they_were_deleted() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    assert_eq!(
        send(owner.delete(&format!("/v1/images/{}", fx.id)))
            .await
            .status(),
        StatusCode::OK
    );
    let gone = format!("Image with identifier {} not found", fx.id);
    let deleted = format!("Image with identifier {} has been deleted.", fx.id);
    // V1-F08..F11: non-admins cannot see deleted rows; V1-U20..U22, U26: admins are told.
    for (caller, needle) in [
        (app.tenant(OWNER), gone.as_str()),
        (app.tenant(MEMBER), gone.as_str()),
        (app.tenant(SHARER), gone.as_str()),
        (app.admin(), deleted.as_str()),
    ] {
        for (method, path) in member_paths(&fx.id) {
            let mut request = caller
                .request(method.clone(), &path)
                .header("accept", "text/plain");
            if path.ends_with("/members") && method == Method::PUT {
                request = request
                    .json(&json!({"memberships": [{"member_id": MEMBER, "can_share": "false"}]}));
            }
            let response = send(request).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(
                text(response).await,
                format!("404 Not Found\n\n{EXPL_404}\n\n {needle}  ")
            );
        }
    }
    // Deleting the image removed its memberships.
    assert_eq!(app.admin().shared_images(MEMBER).await, vec![]);
    assert_eq!(app.admin().shared_images(SHARER).await, vec![]);
}

#[tokio::test]
async fn callers_without_the_sharing_right_get_404_no_permission_to_share() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let public = create_public(&app).await;
    assert_eq!(
        app.tenant(OWNER).add_member(&public, MEMBER, None).await,
        StatusCode::NO_CONTENT
    );
    let path = |image: &str, tail: &str| format!("/v1/images/{image}/members{tail}");
    // Transcript §20: a plain member adding a member, byte for byte.
    let response = send(
        app.tenant(MEMBER)
            .put(&path(&fx.id, &format!("/{OTHER}")))
            .header("accept", "*/*"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=UTF-8"
    );
    assert_eq!(
        text(response).await,
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  403 Forbidden\n\nAccess was denied to this resource.\n\n No permission to share that image  <br /><br />\n\n\n\n </body>\n</html>"
    );
    // §3.3 worked example (plain) and the JSON framing of the same error.
    let plain = "404 Not Found\n\n403 Forbidden  Access was denied to this resource.   No permission to share that image  \n\n   ";
    let json_body = r#"{"message": "403 Forbidden\n\nAccess was denied to this resource.\n\n No permission to share that image  <br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#;
    for (caller, image) in [
        // A plain member of a shared image, and an outsider on a public image it can see
        // (V1-U30: the body names the registry's "Forbidden").
        (app.tenant(MEMBER), fx.id.as_str()),
        (app.tenant(OUTSIDER), public.as_str()),
        (app.tenant(MEMBER), public.as_str()),
    ] {
        for request in [
            caller.put(&path(image, &format!("/{OTHER}"))),
            caller
                .put(&path(image, &format!("/{MEMBER}")))
                .json(&json!({"member": {"can_share": true}})),
            caller
                .put(&path(image, ""))
                .json(&json!({"memberships": [{"member_id": OTHER}]})),
            caller.delete(&path(image, &format!("/{MEMBER}"))),
            caller.delete(&path(image, &format!("/{OUTSIDER}"))),
        ] {
            let json_request = request.try_clone().expect("clone");
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
            assert_eq!(text(response).await, plain);
            let response = send(json_request.header("accept", "application/json")).await;
            assert_eq!(response.headers()["content-type"], "application/json");
            assert_eq!(text(response).await, json_body);
        }
    }
    fx.unchanged().await;
    assert_eq!(
        app.tenant(OWNER).members(&public).await.1,
        vec![(MEMBER.to_owned(), false)]
    );
}

#[tokio::test]
async fn removing_a_non_member_is_404_membership_could_not_be_found() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    assert_eq!(
        owner.remove_member(&fx.id, MEMBER).await,
        StatusCode::NO_CONTENT
    );
    let before = vec![(SHARER.to_owned(), true)];
    // Transcript §41: deleting the same member again, byte for byte.
    let again = send(
        owner
            .delete(&format!("/v1/images/{}/members/{MEMBER}", fx.id))
            .header("accept", "*/*"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        text(again).await,
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  404 Not Found\n\nMembership could not be found.\n\n   <br /><br />\n\n\n\n </body>\n</html>"
    );
    // V1-R19, V1-U29: owner, admin and a sharer removing someone who never was a member.
    for caller in [app.tenant(OWNER), app.admin(), app.tenant(SHARER)] {
        let plain = raw(
            &app,
            "DELETE",
            &format!("/v1/images/{}/members/never-a-member", fx.id),
            &caller_identity(&caller),
            None,
        )
        .await;
        assert_eq!(plain.status, 404);
        assert_eq!(
            plain.body,
            "404 Not Found\n\n404 Not Found  Membership could not be found.     \n\n   "
        );
        // Member ids are case-sensitive: SHARER upper-cased is not SHARER.
        let upper = SHARER.to_uppercase();
        assert_eq!(
            caller.remove_member(&fx.id, &upper).await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(owner.members(&fx.id).await.1, before);
}
