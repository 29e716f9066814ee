//! v1 sharing identity refusals (§3.2 guard order): unconfirmed, tenant-less and anonymous callers.

use super::{EXPL_401, Fixture, member_paths};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn trusted_headers_without_confirmed_identity_are_401_without_detail() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    for headers in [
        vec![
            ("x-tenant-id", OWNER.to_owned()),
            ("x-roles", "admin".to_owned()),
        ],
        vec![
            ("x-identity-status", "Invalid".to_owned()),
            ("x-tenant-id", OWNER.to_owned()),
        ],
        vec![],
    ] {
        let caller = app.with_headers(headers);
        for (method, path) in member_paths(&fx.id) {
            let response = send(
                caller
                    .request(method.clone(), &path)
                    .header("accept", "text/plain"),
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path}"
            );
            // v1-images §1.3: the context middleware's own plain WebOb 401, no detail.
            assert_eq!(
                text(response).await,
                format!("401 Unauthorized\n\n{EXPL_401}\n\n   ")
            );
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn changes_without_a_tenant_are_401_no_authenticated_user() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let no_tenant = app.no_tenant();
    let missing = "00000000-0000-0000-0000-000000000000";
    for image in [fx.id.as_str(), missing] {
        for request in [
            no_tenant.put(&format!("/v1/images/{image}/members/{OTHER}")),
            no_tenant
                .put(&format!("/v1/images/{image}/members"))
                .json(&json!({"memberships": []})),
            no_tenant.delete(&format!("/v1/images/{image}/members/{MEMBER}")),
        ] {
            // §3.2: the tenant guard runs before the image lookup (so also for a missing image).
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(
                text(response).await,
                format!("401 Unauthorized\n\n{EXPL_401}\n\n No authenticated user  ")
            );
        }
    }
    // Reading is not guarded: a caller without tenant cannot see the private image (404)…
    let response = send(no_tenant.get(&format!("/v1/images/{}/members", fx.id))).await;
    expect_error(response, StatusCode::NOT_FOUND, "not found").await;
    fx.unchanged().await;
    // …and an admin without a tenant passes the guard (`not admin` is part of it).
    let root = app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-roles", "admin".into()),
    ]);
    assert_eq!(
        root.add_member(&fx.id, OTHER, None).await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn anonymous_changes_are_403_read_only_before_the_lookup() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let fx = Fixture::new(&app).await;
    let anonymous = app.anonymous();
    for image in [fx.id.as_str(), "00000000-0000-0000-0000-000000000000"] {
        for request in [
            anonymous.put(&format!("/v1/images/{image}/members/{OTHER}")),
            anonymous
                .put(&format!("/v1/images/{image}/members"))
                .json(&json!({"memberships": []})),
            anonymous.delete(&format!("/v1/images/{image}/members/{MEMBER}")),
        ] {
            let response = send(request.header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            // v1-sharing §3.3 worked example "read-only context".
            assert_eq!(
                text(response).await,
                "403 Forbidden\n\nAccess was denied to this resource.\n\n Read-only access  "
            );
        }
    }
    fx.unchanged().await;
}
