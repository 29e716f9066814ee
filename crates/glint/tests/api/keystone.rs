//! `auth.mode = "keystone"` against a fake Keystone (wiremock): what glint asks Keystone, and
//! what callers get for valid, invalid and expired tokens and when Keystone is down. The same
//! behaviour against a real Keystone is the Keystone/Tempest stage's job.

use crate::helpers::*;
use glint::config::{Config, SecretString};
use glint_api::AuthMode;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wiremock::matchers::{body_json, body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE_TOKEN: &str = "svc-token-1";
/// keystonemiddleware's 401 body.
const REJECTION: &str = r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#;

fn in_an_hour() -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::hours(1)
}

fn keystone_time(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("format")
}

/// A fake Keystone that hands out `SERVICE_TOKEN` to glint's service user.
async fn fake_keystone() -> MockServer {
    let keystone = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .and(body_partial_json(json!({"auth": {"identity": {
            "methods": ["password"],
            "password": {"user": {"name": "glint", "password": "glint-pw",
                                  "domain": {"name": "Default"}}}
        }, "scope": {"project": {"name": "service", "domain": {"name": "Default"}}}}})))
        .respond_with(service_token_reply(SERVICE_TOKEN))
        .mount(&keystone)
        .await;
    keystone
}

fn service_token_reply(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(201)
        .insert_header("x-subject-token", token)
        .set_body_json(json!({"token": {
            "expires_at": keystone_time(in_an_hour()),
            "user": {"id": "glint-user-id"},
            "project": {"id": "service-project-id"},
            "roles": [{"name": "service"}]
        }}))
}

/// Keystone's validation reply for a token of `project` (None: unscoped) with `roles`.
fn token_reply(
    user: &str,
    project: Option<&str>,
    roles: &[&str],
    expires_at: OffsetDateTime,
) -> ResponseTemplate {
    let mut token = json!({
        "expires_at": keystone_time(expires_at),
        "issued_at": keystone_time(OffsetDateTime::now_utc()),
        "methods": ["password"],
        "user": {"id": user, "name": user, "domain": {"id": "default", "name": "Default"}},
        "roles": roles.iter().map(|r| json!({"id": format!("{r}-id"), "name": r})).collect::<Vec<_>>(),
    });
    if let Some(project) = project {
        token["project"] = json!({"id": project, "name": project,
                                  "domain": {"id": "default", "name": "Default"}});
    }
    ResponseTemplate::new(200).set_body_json(json!({ "token": token }))
}

/// Validation of `user_token` with glint's service token.
fn validation_of(user_token: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path("/v3/auth/tokens"))
        .and(header("x-auth-token", SERVICE_TOKEN))
        .and(header("x-subject-token", user_token))
}

/// Keystone mode against `keystone_url` as the service user `glint` of project `service`.
fn keystone_mode(config: &mut Config, keystone_url: &str) {
    config.auth.mode = AuthMode::Keystone;
    let keystone = &mut config.auth.keystone;
    keystone.url = Some(keystone_url.to_owned());
    keystone.username = Some("glint".into());
    keystone.password = Some(SecretString("glint-pw".into()));
    keystone.project_name = Some("service".into());
}

async fn spawn_behind(keystone: &MockServer) -> TestApp {
    let url = keystone.uri();
    spawn_app_with(|c| keystone_mode(c, &url)).await
}

fn token<'a>(app: &'a TestApp, token: &str) -> Caller<'a> {
    app.with_headers(vec![("x-auth-token", token.to_owned())])
}

async fn create_v2(caller: &Caller<'_>, name: &str) -> reqwest::Response {
    send(caller.post("/v2/images").json(&json!({"name": name}))).await
}

/// A 401 exactly as keystonemiddleware answers it.
async fn expect_rejection(response: reqwest::Response, keystone_uri: &str) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        format!("Keystone uri=\"{keystone_uri}\"").as_str()
    );
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
    assert_eq!(text(response).await, REJECTION);
}

#[tokio::test]
async fn valid_tokens_give_the_callers_project_user_and_roles() {
    let keystone = fake_keystone().await;
    validation_of("member-token")
        .and(query_param("nocatalog", ""))
        .respond_with(token_reply(
            "alice",
            Some(OWNER),
            &["member", "reader"],
            in_an_hour(),
        ))
        .mount(&keystone)
        .await;
    validation_of("reader-token")
        .respond_with(token_reply("rita", Some(OWNER), &["reader"], in_an_hour()))
        .mount(&keystone)
        .await;
    // Keystone lists implied roles itself: admin ⇒ member ⇒ reader.
    validation_of("admin-token")
        .respond_with(token_reply(
            "root",
            Some(OTHER),
            &["admin", "member", "reader"],
            in_an_hour(),
        ))
        .mount(&keystone)
        .await;
    validation_of("other-token")
        .respond_with(token_reply(
            "olga",
            Some(OUTSIDER),
            &["member", "reader"],
            in_an_hour(),
        ))
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;

    let created = create_v2(&token(&app, "member-token"), "alice's").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let image: Value = created.json().await.expect("json");
    assert_eq!(image["owner"], OWNER, "owned by the token's project");
    let id = image["id"].as_str().expect("id").to_owned();

    // reader may read but not create (secure RBAC, D16).
    let refused = create_v2(&token(&app, "reader-token"), "rita's").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let path = format!("/v2/images/{id}");
    let read = send(token(&app, "reader-token").get(&path)).await;
    assert_eq!(read.status(), StatusCode::OK);
    // An admin of another project sees it; a member of another project does not.
    let admin = send(token(&app, "admin-token").get(&path)).await;
    assert_eq!(admin.status(), StatusCode::OK);
    let other = send(token(&app, "other-token").get(&path)).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tokens_without_project_scope_get_nothing_project_bound() {
    let keystone = fake_keystone().await;
    // Unscoped, or scoped to a domain: no project in the reply.
    validation_of("domain-token")
        .respond_with(token_reply(
            "dora",
            None,
            &["member", "reader"],
            in_an_hour(),
        ))
        .mount(&keystone)
        .await;
    validation_of("owner-token")
        .respond_with(token_reply("alice", Some(OWNER), &["member"], in_an_hour()))
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let owner = token(&app, "owner-token");
    let created = create_v2(&owner, "private").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let unscoped = token(&app, "domain-token");
    let listed = send(unscoped.get("/v2/images")).await;
    assert_eq!(listed.status(), StatusCode::OK);
    let listed: Value = listed.json().await.expect("json");
    assert_eq!(listed["images"], json!([]), "no project, no private images");
    assert_eq!(
        send(unscoped.get(&format!("/v2/images/{id}")))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        create_v2(&unscoped, "x").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn expired_revoked_and_malformed_tokens_are_401_with_www_authenticate() {
    let keystone = fake_keystone().await;
    // Keystone answers 404 for expired and revoked tokens.
    validation_of("expired-token")
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {
            "code": 404, "title": "Not Found",
            "message": "Failed to validate token"}})))
        .expect(1)
        .mount(&keystone)
        .await;
    // A reply whose expiry has passed (allow_expired replies) is no better.
    validation_of("stale-token")
        .respond_with(token_reply(
            "sam",
            Some(OWNER),
            &["member"],
            OffsetDateTime::now_utc() - time::Duration::minutes(1),
        ))
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let uri = keystone.uri();
    for bad in ["expired-token", "stale-token", "tok%20en"] {
        expect_rejection(send(token(&app, bad).get("/v2/images")).await, &uri).await;
    }
    // No token at all, v1 too.
    expect_rejection(send(app.anonymous().get("/v1/images")).await, &uri).await;
    // The malformed token never reached Keystone, and the expired one was asked about once
    // (expect(1), checked when the fake Keystone is dropped).
}

#[tokio::test]
async fn keystone_down_or_failing_is_503_never_401() {
    // Down: a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let app = spawn_app_with(|c| keystone_mode(c, &url)).await;
    let response = send(token(&app, "any-token").get("/v2/images")).await;
    expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "The Keystone service is temporarily unavailable.",
    )
    .await;

    // Up, but failing to validate.
    let keystone = fake_keystone().await;
    validation_of("user-token")
        .respond_with(ResponseTemplate::new(500))
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let response = send(token(&app, "user-token").get("/v2/images")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get("www-authenticate").is_none());

    // Up, but refusing glint's own credentials.
    let keystone = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let response = send(token(&app, "user-token").get("/v2/images")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn valid_tokens_are_cached_and_the_service_token_reused() {
    let keystone = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .respond_with(service_token_reply(SERVICE_TOKEN))
        .expect(1)
        .mount(&keystone)
        .await;
    validation_of("cached-token")
        .respond_with(token_reply("alice", Some(OWNER), &["member"], in_an_hour()))
        .expect(1)
        .mount(&keystone)
        .await;
    validation_of("second-token")
        .respond_with(token_reply("bob", Some(MEMBER), &["member"], in_an_hour()))
        .expect(1)
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    for caller in [
        "cached-token",
        "second-token",
        "cached-token",
        "cached-token",
    ] {
        let response = send(token(&app, caller).get("/v2/images")).await;
        assert_eq!(response.status(), StatusCode::OK, "{caller}");
    }
    keystone.verify().await;
}

#[tokio::test]
async fn zero_ttl_asks_keystone_every_time() {
    let keystone = fake_keystone().await;
    validation_of("user-token")
        .respond_with(token_reply("alice", Some(OWNER), &["member"], in_an_hour()))
        .expect(2)
        .mount(&keystone)
        .await;
    let url = keystone.uri();
    let app = spawn_app_with(|c| {
        keystone_mode(c, &url);
        c.auth.keystone.cache_ttl_secs = 0;
    })
    .await;
    for _ in 0..2 {
        let response = send(token(&app, "user-token").get("/v2/images")).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    keystone.verify().await;
}

#[tokio::test]
async fn a_cached_token_is_not_trusted_past_its_expiry() {
    let keystone = fake_keystone().await;
    let expires_at = OffsetDateTime::now_utc() + time::Duration::seconds(2);
    validation_of("short-token")
        .respond_with(token_reply("alice", Some(OWNER), &["member"], expires_at))
        .expect(2)
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let first = send(token(&app, "short-token").get("/v2/images")).await;
    assert_eq!(first.status(), StatusCode::OK);
    // Wait until the token has expired (the cache TTL, 300 s, is far away).
    while OffsetDateTime::now_utc() <= expires_at + time::Duration::milliseconds(200) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let second = send(token(&app, "short-token").get("/v2/images")).await;
    expect_rejection(second, &keystone.uri()).await;
    keystone.verify().await;
}

#[tokio::test]
async fn the_service_token_is_fetched_again_after_keystone_refuses_it() {
    let keystone = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .respond_with(service_token_reply("svc-old"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&keystone)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .respond_with(service_token_reply("svc-new"))
        .expect(1)
        .mount(&keystone)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/auth/tokens"))
        .and(header("x-auth-token", "svc-old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&keystone)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/auth/tokens"))
        .and(header("x-auth-token", "svc-new"))
        .and(header("x-subject-token", "user-token"))
        .respond_with(token_reply("alice", Some(OWNER), &["member"], in_an_hour()))
        .expect(1)
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let response = send(token(&app, "user-token").get("/v2/images")).await;
    assert_eq!(response.status(), StatusCode::OK);
    keystone.verify().await;
}

#[tokio::test]
async fn application_credentials_authenticate_glint() {
    let keystone = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/auth/tokens"))
        .and(body_json(json!({"auth": {"identity": {
            "methods": ["application_credential"],
            "application_credential": {"id": "ac-id", "secret": "ac-secret"}
        }}})))
        .respond_with(service_token_reply(SERVICE_TOKEN))
        .expect(1)
        .mount(&keystone)
        .await;
    validation_of("user-token")
        .respond_with(token_reply("alice", Some(OWNER), &["member"], in_an_hour()))
        .mount(&keystone)
        .await;
    let url = keystone.uri();
    let app = spawn_app_with(|c| {
        c.auth.mode = AuthMode::Keystone;
        c.auth.keystone.url = Some(format!("{url}/v3/"));
        c.auth.keystone.application_credential_id = Some("ac-id".into());
        c.auth.keystone.application_credential_secret = Some(SecretString("ac-secret".into()));
    })
    .await;
    let response = send(token(&app, "user-token").get("/v2/images")).await;
    assert_eq!(response.status(), StatusCode::OK);
    keystone.verify().await;
}

#[tokio::test]
async fn x_service_token_is_validated_and_the_user_token_names_the_caller() {
    let keystone = fake_keystone().await;
    validation_of("user-token")
        .respond_with(token_reply(
            "alice",
            Some(OWNER),
            &["member", "reader"],
            in_an_hour(),
        ))
        .mount(&keystone)
        .await;
    validation_of("nova-token")
        .respond_with(token_reply(
            "nova",
            Some("service-project-id"),
            &["service", "admin"],
            in_an_hour(),
        ))
        .mount(&keystone)
        .await;
    validation_of("bad-service-token")
        .respond_with(ResponseTemplate::new(404))
        .mount(&keystone)
        .await;
    let app = spawn_behind(&keystone).await;
    let with = |service: &str| {
        app.with_headers(vec![
            ("x-auth-token", "user-token".into()),
            ("x-service-token", service.to_owned()),
        ])
    };
    let created = create_v2(&with("nova-token"), "via nova").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let image: Value = created.json().await.expect("json");
    assert_eq!(
        image["owner"], OWNER,
        "the user's project, not the service's"
    );
    expect_rejection(
        send(with("bad-service-token").get("/v2/images")).await,
        &keystone.uri(),
    )
    .await;
}

#[tokio::test]
async fn anonymous_access_covers_requests_without_any_token_only() {
    let keystone = fake_keystone().await;
    validation_of("bad-token")
        .respond_with(ResponseTemplate::new(404))
        .mount(&keystone)
        .await;
    let url = keystone.uri();
    let app = spawn_app_with(|c| {
        keystone_mode(c, &url);
        c.auth.allow_anonymous = true;
        c.auth.keystone.www_authenticate_uri = Some("https://keystone.example.org/v3".into());
    })
    .await;
    // v1, where anonymous callers may list (v2's secure RBAC wants the reader role).
    let listed = send(app.anonymous().get("/v1/images")).await;
    assert_eq!(listed.status(), StatusCode::OK);
    let refused = send(
        app.anonymous()
            .post("/v1/images")
            .header("x-image-meta-name", "anon"),
    )
    .await;
    expect_error(refused, StatusCode::FORBIDDEN, "Read-only access").await;
    expect_rejection(
        send(token(&app, "bad-token").get("/v2/images")).await,
        "https://keystone.example.org/v3",
    )
    .await;
}

async fn start_up_error(config: &Config) -> String {
    glint::startup::Application::build(config)
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default()
}

#[tokio::test]
async fn start_up_names_missing_keystone_settings() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut config, _backends) = test_config(dir.path()).await;
    config.auth.mode = AuthMode::Keystone;
    let no_url = start_up_error(&config).await;
    assert!(no_url.contains("auth.keystone.url"), "{no_url}");
    config.auth.keystone.url = Some("http://127.0.0.1:5000".into());
    config.auth.keystone.username = Some("glint".into());
    let missing = start_up_error(&config).await;
    assert!(
        missing.contains("password") && missing.contains("project_name"),
        "{missing}"
    );
}
