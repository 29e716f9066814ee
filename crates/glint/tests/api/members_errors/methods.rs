//! v1 sharing 405s (§4, §5.6, D12): methods the member and shared-images routes do not take.

use super::{Fixture, identity, raw};
use crate::helpers::*;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn get_of_one_member_is_always_405_without_allow() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let missing = "00000000-0000-0000-0000-000000000000";
    // §5.6: no lookup, no guard: any ids, any authenticated caller.
    for caller in [
        app.tenant(OWNER),
        app.tenant(OUTSIDER),
        app.no_tenant(),
        app.admin(),
    ] {
        for path in [
            format!("/v1/images/{}/members/{MEMBER}", fx.id),
            format!("/v1/images/{missing}/members/nobody"),
            "/v1/images/not-an-id/members/x".to_owned(),
        ] {
            let response = send(caller.get(&path).header("accept", "text/plain")).await;
            assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
            assert!(response.headers().get("allow").is_none(), "no Allow header");
            assert_eq!(
                text(response).await,
                "405 Method Not Allowed\n\nThe method GET is not allowed for this resource. \n\n "
            );
        }
    }
    // The same 405 in each WebOb framing (HTTPMethodNotAllowed's own template).
    let path = format!("/v1/images/{}/members/{MEMBER}", fx.id);
    let plain = raw(&app, "GET", &path, &identity(OWNER), None).await;
    assert_eq!(plain.status, 405);
    assert_eq!(
        plain.header("content-type"),
        Some("text/plain; charset=UTF-8")
    );
    assert_eq!(
        plain.body,
        "405 Method Not Allowed\n\nThe method GET is not allowed for this resource. \n\n "
    );
    let html = send(app.tenant(OWNER).get(&path)).await;
    assert_eq!(html.headers()["content-type"], "text/html; charset=UTF-8");
    assert_eq!(
        text(html).await,
        "<html>\n <head>\n  <title>405 Method Not Allowed</title>\n </head>\n <body>\n  <h1>405 Method Not Allowed</h1>\n  The method GET is not allowed for this resource. <br /><br />\n\n </body>\n</html>"
    );
    let json_response = send(
        app.tenant(OWNER)
            .get(&path)
            .header("accept", "application/json"),
    )
    .await;
    assert_eq!(json_response.headers()["content-type"], "application/json");
    assert_eq!(
        text(json_response).await,
        r#"{"message": "The method GET is not allowed for this resource. <br /><br />\n", "code": "405 Method Not Allowed", "title": "Method Not Allowed"}"#
    );
    fx.unchanged().await;
}

#[tokio::test]
async fn other_methods_on_member_routes_are_405_with_allow() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let list = format!("/v1/images/{}/members", fx.id);
    let one = format!("/v1/images/{}/members/{MEMBER}", fx.id);
    let patch = Method::from_bytes(b"PATCH").expect("method");
    // §4 route table (Glance `RejectMethodController`).
    for (method, path, allow) in [
        (Method::POST, list.as_str(), "GET, PUT"),
        (Method::DELETE, list.as_str(), "GET, PUT"),
        (patch.clone(), list.as_str(), "GET, PUT"),
        (Method::HEAD, list.as_str(), "GET, PUT"),
        (Method::POST, one.as_str(), "GET, PUT, DELETE"),
        (patch.clone(), one.as_str(), "GET, PUT, DELETE"),
        (Method::HEAD, one.as_str(), "GET, PUT, DELETE"),
    ] {
        let response = send(
            owner
                .request(method.clone(), path)
                .header("accept", "text/plain"),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(
            response
                .headers()
                .get("allow")
                .map(|v| v.to_str().expect("ascii")),
            Some(allow),
            "{method} {path}"
        );
        if method == Method::HEAD {
            // WebOb does not negotiate for HEAD: the exception's default content type.
            assert_eq!(
                response.headers()["content-type"],
                "text/html; charset=UTF-8"
            );
            assert_eq!(text(response).await, "", "no body on HEAD");
        } else {
            assert_eq!(
                text(response).await,
                format!(
                    "405 Method Not Allowed\n\nThe method {method} is not allowed for this resource. \n\n "
                )
            );
        }
    }
    fx.unchanged().await;
}

#[tokio::test]
async fn d12_shared_images_takes_get_and_head_only() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    let owner = app.tenant(OWNER);
    let path = format!("/v1/shared-images/{MEMBER}");
    let patch = Method::from_bytes(b"PATCH").expect("method");
    // Glance runs the listing for every method (Q11); D12: 405 `Allow: GET, HEAD`, body or not.
    for method in [Method::POST, Method::PUT, Method::DELETE, patch] {
        for body in [None, Some("{}"), Some("{not json")] {
            let mut request = owner
                .request(method.clone(), &path)
                .header("accept", "text/plain");
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            }
            let response = send(request).await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {body:?}"
            );
            assert_eq!(response.headers()["allow"], "GET, HEAD");
            assert_eq!(
                text(response).await,
                format!(
                    "405 Method Not Allowed\n\nThe method {method} is not allowed for this resource. \n\n "
                )
            );
        }
    }
    fx.unchanged().await;
}
