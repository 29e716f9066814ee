//! `/v2/schemas/*` and `/v2/info/*`: the discovery documents clients fetch on their normal
//! paths, compared with what Glance 33 serves in a default deployment.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The four schemas with the length and md5 of the body Glance 33 sends (peer run, default
/// config, shipped `schema-image.json`).
const SCHEMAS: [(&str, usize, &str); 4] = [
    ("image", 6083, "bd82966b2e9db670a00da49f8fac4980"),
    ("images", 6371, "7a823dea0216a42a56662e80ccdfa057"),
    ("member", 678, "e6ca9a6de74c5b3133eb322ec25d4dec"),
    ("members", 839, "01a2bae490d2567b0ffa4c80b54be9c0"),
];

#[tokio::test]
async fn schemas_are_glances_documents_byte_for_byte() {
    let app = spawn_app().await;
    for (name, length, md5) in SCHEMAS {
        let response = send(app.tenant(OWNER).get(&format!("/v2/schemas/{name}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = response.bytes().await.expect("body");
        assert_eq!(body.len(), length, "{name}");
        assert_eq!(md5_hex(&body), md5, "{name}");
    }
}

#[tokio::test]
async fn the_image_schema_tells_clients_core_from_custom_properties() {
    // python-glanceclient's warlock model: every key under `properties` is core, anything
    // else must satisfy `additionalProperties` (a string), read-only keys are refused.
    let app = spawn_app().await;
    let schema: Value = send(app.tenant(OWNER).get("/v2/schemas/image"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(schema["name"], "image");
    assert_eq!(schema["additionalProperties"], json!({"type": "string"}));
    let properties = schema["properties"].as_object().expect("properties");
    for core in [
        "id",
        "name",
        "visibility",
        "protected",
        "os_hidden",
        "tags",
        "min_ram",
        "min_disk",
        "disk_format",
        "container_format",
    ] {
        assert!(properties.contains_key(core), "{core}");
    }
    for read_only in ["status", "checksum", "size", "created_at", "self", "file"] {
        assert_eq!(properties[read_only]["readOnly"], true, "{read_only}");
    }
    assert_eq!(
        properties["visibility"]["enum"],
        json!(["community", "public", "private", "shared"])
    );
}

#[tokio::test]
async fn schemas_need_authentication_but_no_particular_role() {
    let app = spawn_app().await;
    let reader = app.with_headers(vec![
        ("x-identity-status", "Confirmed".into()),
        ("x-tenant-id", OWNER.into()),
        ("x-roles", "reader".into()),
    ]);
    for caller in [reader, app.admin(), app.no_tenant()] {
        let status = send(caller.get("/v2/schemas/member")).await.status();
        assert_eq!(status, StatusCode::OK);
    }
    let status = send(app.anonymous().get("/v2/schemas/member"))
        .await
        .status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn schemas_take_only_get() {
    let app = spawn_app().await;
    for (name, _, _) in SCHEMAS {
        let path = format!("/v2/schemas/{name}");
        for method in [
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::HEAD,
        ] {
            let response = send(
                app.tenant(OWNER)
                    .request(method.clone(), &path)
                    .header("accept", "text/plain"),
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {name}"
            );
            assert_eq!(response.headers()["allow"], "GET", "{method} {name}");
            if method != Method::HEAD {
                let body = text(response).await;
                assert!(
                    body.contains(&format!("The method {method} is not allowed")),
                    "{body}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_body_on_a_schema_or_info_get_is_refused_whatever_it_holds() {
    let app = spawn_app().await;
    for path in [
        "/v2/schemas/image",
        "/v2/schemas/members",
        "/v2/info/import",
        "/v2/info/stores",
        "/v2/info/usage",
    ] {
        for body in [r#"{"a": 1}"#, "{not json", "plain"] {
            expect_error(
                send(app.tenant(OWNER).get(path).body(body)).await,
                StatusCode::BAD_REQUEST,
                "A body is not expected with this request.",
            )
            .await;
        }
    }
}

#[tokio::test]
async fn schemas_of_apis_glint_does_not_serve_are_not_found() {
    // python-glanceclient's CLI asks for these when it fills its schema cache and goes on
    // without them.
    let app = spawn_app().await;
    for name in [
        "metadefs/namespace",
        "metadefs/resource_type",
        "task",
        "bogus",
    ] {
        let status = send(app.tenant(OWNER).get(&format!("/v2/schemas/{name}")))
            .await
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
    }
}

#[tokio::test]
async fn info_import_lists_no_import_methods() {
    let app = spawn_app().await;
    let response = send(app.tenant(OWNER).get("/v2/info/import")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({"import-methods": {
            "description": "Import methods available.",
            "type": "array",
            "value": [],
        }})
    );
}

#[tokio::test]
async fn info_stores_say_multi_backend_is_not_supported() {
    let app = spawn_app().await;
    for (caller, path) in [
        (app.tenant(OWNER), "/v2/info/stores"),
        (app.admin(), "/v2/info/stores"),
        (app.admin(), "/v2/info/stores/detail"),
    ] {
        expect_error(
            send(caller.get(path).header("accept", "application/json")).await,
            StatusCode::NOT_FOUND,
            "Multi backend is not supported at this site.",
        )
        .await;
    }
}

#[tokio::test]
async fn info_usage_is_empty_without_unified_limits() {
    let app = spawn_app().await;
    let response = send(app.tenant(OWNER).get("/v2/info/usage")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, r#"{"usage": {}}"#);
}

#[tokio::test]
async fn info_methods_other_than_get_are_rejected_as_glance_does() {
    let app = spawn_app().await;
    // import and stores: Glance's 405 controller; usage: no route at all, so 404.
    for path in [
        "/v2/info/import",
        "/v2/info/stores",
        "/v2/info/stores/detail",
    ] {
        for method in [Method::POST, Method::HEAD] {
            let response = send(app.tenant(OWNER).request(method.clone(), path)).await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(response.headers()["allow"], "GET", "{method} {path}");
        }
    }
    for method in [Method::POST, Method::HEAD, Method::DELETE] {
        let response = send(app.tenant(OWNER).request(method.clone(), "/v2/info/usage")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method}");
        assert!(response.headers().get("allow").is_none(), "{method}");
    }
    let status = send(app.anonymous().get("/v2/info/import")).await.status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
