//! Authentication modes (DECISIONS D17, D18) seen over HTTP.

use crate::helpers::*;
use glint_api::AuthMode;
use reqwest::StatusCode;

#[tokio::test]
async fn trusted_headers_without_confirmed_identity_is_401() {
    let app = spawn_app().await;
    let response = send(
        app.with_headers(vec![("x-tenant-id", OWNER.into())])
            .get("/v1/images"),
    )
    .await;
    expect_error(response, StatusCode::UNAUTHORIZED, "401 Unauthorized").await;
}

#[tokio::test]
async fn anonymous_access_when_enabled_is_read_only_and_public_only() {
    let app = spawn_app_with(|c| c.auth.allow_anonymous = true).await;
    let private = app
        .tenant(OWNER)
        .create_image_id("private", Some(b"p"))
        .await;
    let public = send(
        app.admin()
            .post("/v1/images")
            .header("x-image-meta-name", "public")
            .header("x-image-meta-is_public", "true"),
    )
    .await;
    assert_eq!(public.status(), StatusCode::CREATED);
    let listed = app.anonymous().list_ids("").await;
    assert_eq!(listed.len(), 1, "only the public image: {listed:?}");
    assert!(!listed.contains(&private));
    assert_eq!(
        app.anonymous().head_status(&private).await,
        StatusCode::NOT_FOUND
    );
    expect_error(
        send(
            app.anonymous()
                .post("/v1/images")
                .header("x-image-meta-name", "x"),
        )
        .await,
        StatusCode::FORBIDDEN,
        "Read-only access",
    )
    .await;
    expect_error(
        send(
            app.anonymous()
                .put(&format!("/v1/images/{private}/members/{MEMBER}")),
        )
        .await,
        StatusCode::FORBIDDEN,
        "Read-only access",
    )
    .await;
}

#[tokio::test]
async fn fake_token_mode_reads_user_project_and_roles() {
    let app = spawn_app_with(|c| c.auth.mode = AuthMode::FakeToken).await;
    let owner = app.with_headers(vec![("x-auth-token", format!("u1:{OWNER}:member"))]);
    let id = owner.create_image_id("mine", None).await;
    let image = send(owner.head(&format!("/v1/images/{id}"))).await;
    assert_eq!(image.headers()["x-image-meta-owner"], OWNER);
    // glanceclient percent-encodes header values.
    let encoded = app.with_headers(vec![("x-auth-token", format!("u1%3A{OWNER}%3Amember"))]);
    assert_eq!(encoded.head_status(&id).await, StatusCode::OK);
    let admin = app.with_headers(vec![("x-auth-token", "root:none:admin".into())]);
    assert_eq!(admin.head_status(&id).await, StatusCode::OK);
    let other = app.with_headers(vec![("x-auth-token", format!("u2:{OUTSIDER}:member"))]);
    assert_eq!(other.head_status(&id).await, StatusCode::NOT_FOUND);
    let missing = send(app.anonymous().get("/v1/images")).await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn noauth_makes_every_caller_admin_and_is_refused_off_loopback() {
    let app = spawn_app_with(|c| c.auth.mode = AuthMode::Noauth).await;
    let id = app.anonymous().create_image_id("ownerless", None).await;
    let head = send(app.anonymous().head(&format!("/v1/images/{id}"))).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert!(
        head.headers().get("x-image-meta-owner").is_none(),
        "owner is null"
    );

    let dir = tempfile::tempdir().expect("dir");
    let mut config = glint::config::Config {
        bind: "0.0.0.0:0".into(),
        data_dir: dir.path().to_path_buf(),
        ..glint::config::Config::default()
    };
    config.auth.mode = AuthMode::Noauth;
    let refused = glint::startup::Application::build(&config).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("noauth"), "{message}");
}
