//! v1 sharing limits: the member quota (§7) and the rules for member ids (D19).

use super::{Fixture, identity, raw};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn member_quota_413_has_glances_bodies_and_changes_nothing() {
    let app = spawn_app_with(|c| c.limits.image_member_quota = 2).await;
    let fx = Fixture::new(&app).await;
    let expl = "The limit has been exceeded on the number of allowed image members for this image. Attempted: 3, Maximum: 2";
    // §7: the single add counts live members + 1; the replace counts the list.
    let add = format!("/v1/images/{}/members/{OTHER}", fx.id);
    let replace = format!("/v1/images/{}/members", fx.id);
    let list = r#"{"memberships": [{"member_id": "x"}, {"member_id": "y"}, {"member_id": "z"}]}"#;
    for (method, path, body) in [
        ("PUT", add.as_str(), None),
        ("PUT", replace.as_str(), Some(list)),
    ] {
        for who in [OWNER, SHARER] {
            let plain = raw(&app, method, path, &identity(who), body).await;
            assert_eq!(plain.status, 413);
            assert_eq!(
                plain.header("content-type"),
                Some("text/plain; charset=UTF-8")
            );
            assert_eq!(
                plain.body,
                format!("413 Request Entity Too Large\n\n{expl}\n\n   ")
            );
        }
        let mut request = app.admin().put(path).header("accept", "text/html");
        if let Some(body) = body {
            request = request.body(body);
        }
        let html = send(request).await;
        assert_eq!(html.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            text(html).await,
            format!(
                "<html>\n <head>\n  <title>413 Request Entity Too Large</title>\n </head>\n <body>\n  <h1>413 Request Entity Too Large</h1>\n  {expl}<br /><br />\n\n\n\n </body>\n</html>"
            )
        );
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn d19_member_ids_outside_the_rules_are_400() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let long = "a".repeat(256);
    let long_accented = "é".repeat(256);
    for encoded in [
        long.clone(),
        long_accented
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>(),
        "a%01b".to_owned(),
        "a%0Ab".to_owned(),
        "a%C2%85b".to_owned(),
        "a%F0%9F%98%80".to_owned(),
    ] {
        for request in [
            owner.put(&format!("/v1/images/{}/members/{encoded}", fx.id)),
            owner.delete(&format!("/v1/images/{}/members/{encoded}", fx.id)),
            owner.get(&format!("/v1/shared-images/{encoded}")),
        ] {
            expect_error(send(request).await, StatusCode::BAD_REQUEST, "member_id").await;
        }
    }
    for bad in [
        "",
        long.as_str(),
        long_accented.as_str(),
        "a\u{1}b",
        "a\u{9f}b",
        "tenant\u{1F600}",
    ] {
        let list = json!([{"member_id": OTHER}, {"member_id": bad}]);
        assert_eq!(
            owner.replace_members(&fx.id, list).await,
            StatusCode::BAD_REQUEST,
            "{bad:?}"
        );
    }
    fx.unchanged().await;
    // The limits themselves are fine: 255 characters, 3-byte UTF-8.
    let edge = format!("{}€", "a".repeat(254));
    assert_eq!(
        owner
            .replace_members(&fx.id, json!([{"member_id": edge}]))
            .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.members(&fx.id).await.1, vec![(edge, false)]);
}
