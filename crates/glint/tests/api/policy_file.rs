//! The operator's policy file (`[policy] file`, issue #5 item 2): overrides honoured by v1 and
//! v2, bad files refused at start-up and by `glint check-config`, naming the rule.

use crate::helpers::*;
use crate::v2_client::expect_v2_error;
use reqwest::StatusCode;

/// Images v2 callers with Glance's functional-test roles.
fn user<'a>(app: &'a TestApp, project: &str) -> Caller<'a> {
    app.with_headers(vec![
        ("x-identity-status", "Confirmed".to_owned()),
        ("x-tenant-id", project.to_owned()),
        ("x-user-id", format!("user-{project}")),
        ("x-roles", "reader,member".to_owned()),
    ])
}

const ONLY_ADMINS_ADD_MEMBERS: &str = "# members may no longer share\nadd_member: \"role:admin\"\n";

#[tokio::test]
async fn an_add_member_override_is_honoured_on_v1() {
    let app = spawn_app_with_policy(ONLY_ADMINS_ADD_MEMBERS).await;
    let owner = app.tenant("owner");
    let image = owner.create_image_id("img", Some(b"data")).await;
    // Glance's v1 policy denial: 403 with WebOb's default body (v1-images §1.4).
    let response = send(owner.put(&format!("/v1/images/{image}/members/other"))).await;
    expect_error(
        response,
        StatusCode::FORBIDDEN,
        "Access was denied to this resource.",
    )
    .await;
    assert_eq!(owner.members(&image).await, (StatusCode::OK, vec![]));
    // The other rules keep their defaults: an admin adds, the owner lists and removes.
    let admin = app.admin();
    assert_eq!(
        admin.add_member(&image, "other", None).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.members(&image).await.1,
        vec![("other".to_owned(), false)]
    );
    assert_eq!(
        owner.remove_member(&image, "other").await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn an_add_member_override_is_honoured_on_v2() {
    let app = spawn_app_with_policy(ONLY_ADMINS_ADD_MEMBERS).await;
    let owner = user(&app, "owner");
    let image = owner.v2_create_id("img", "shared").await;
    let response = owner.v2_add_member(&image, "other").await;
    expect_v2_error(
        response,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete add_member action.",
    )
    .await;
    let response = app.admin().v2_add_member(&image, "other").await;
    assert_eq!(response.status(), StatusCode::OK);
    let (status, rows) = owner.v2_members(&image).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows.len(), 1);
    let response = owner.v2_remove_member(&image, "other").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn without_a_file_members_share_as_before() {
    let app = spawn_app().await;
    let owner = user(&app, "owner");
    let image = owner.v2_create_id("img", "shared").await;
    assert_eq!(
        owner.v2_add_member(&image, "other").await.status(),
        StatusCode::OK
    );
    let v1_image = app.tenant("owner").create_image_id("img", None).await;
    assert_eq!(
        app.tenant("owner")
            .add_member(&v1_image, "other", None)
            .await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn references_reach_overridden_and_default_rules() {
    // An operator role that may publicize, through the `context_is_admin` alias.
    let app = spawn_app_with_policy(
        "{\"context_is_admin\": \"role:admin or role:image_ops\", \
          \"publicize_image\": \"rule:context_is_admin\"}",
    )
    .await;
    let ops = app.with_headers(vec![
        ("x-identity-status", "Confirmed".to_owned()),
        ("x-tenant-id", "ops".to_owned()),
        ("x-user-id", "ops-user".to_owned()),
        ("x-roles", "member,image_ops".to_owned()),
    ]);
    let image = ops.v2_create_id("img", "private").await;
    let response = ops
        .v2_patch(
            &image,
            serde_json::json!([{"op": "replace", "path": "/visibility", "value": "public"}]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let member = user(&app, "ops");
    let response = member
        .v2_patch(
            &image,
            serde_json::json!([{"op": "replace", "path": "/visibility", "value": "private"}]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = member
        .v2_patch(
            &image,
            serde_json::json!([{"op": "replace", "path": "/visibility", "value": "public"}]),
        )
        .await;
    expect_v2_error(
        response,
        StatusCode::FORBIDDEN,
        "You are not authorized to complete publicize_image action.",
    )
    .await;
}

#[tokio::test]
async fn a_syntax_error_stops_start_up_naming_the_rule() {
    let error = policy_start_up_error("get_members: \"role:admin or (role:member\"\n").await;
    assert!(error.contains("`get_members`"), "{error}");
    assert!(error.contains("unbalanced parentheses"), "{error}");
}

#[tokio::test]
async fn an_unknown_rule_stops_start_up_naming_it() {
    let error = policy_start_up_error("add_members: \"role:admin\"\n").await;
    assert!(error.contains("`add_members`"), "{error}");
    assert!(error.contains("unknown rule name"), "{error}");
}

#[tokio::test]
async fn undefined_references_and_cycles_stop_start_up() {
    let error = policy_start_up_error("get_image: \"rule:admins_only\"\n").await;
    assert!(
        error.contains("`get_image`") && error.contains("`admins_only`"),
        "{error}"
    );
    let error =
        policy_start_up_error("default: \"rule:get_image\"\nget_image: \"rule:default\"\n").await;
    assert!(
        error.contains("cycle") && error.contains("default -> get_image -> default"),
        "{error}"
    );
}

#[tokio::test]
async fn a_missing_file_stops_start_up() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (mut config, _backends) = test_config(data_dir.path()).await;
    config.policy.file = Some(data_dir.path().join("no-such-policy.yaml"));
    let error = glint::startup::Application::build(&config)
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(error.contains("no-such-policy.yaml"), "{error}");
}

/// `glint check-config` checks the policy file too: a bad one fails it, naming the rule.
#[test]
fn check_config_checks_the_policy_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.yaml");
    let config = dir.path().join("glint.toml");
    let run = |policy_text: &str| {
        std::fs::write(&policy, policy_text).expect("policy file");
        std::fs::write(
            &config,
            format!("[policy]\nfile = {:?}\n", policy.display().to_string()),
        )
        .expect("config file");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_glint"))
            .arg("--config")
            .arg(&config)
            .arg("check-config")
            .env_clear()
            .output()
            .expect("glint check-config runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = run("modify_member: \"role:admin\"\n");
    assert!(ok, "{stderr}");
    assert!(stdout.contains("policy.yaml"), "{stdout}");
    let (ok, _, stderr) = run("modify_member: \"role:admin and\"\n");
    assert!(!ok);
    assert!(stderr.contains("`modify_member`"), "{stderr}");
}
