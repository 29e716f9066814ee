//! v1 sharing error framing (§3.3): WebOb bodies by `Accept`, byte for byte, and escaping.

use super::{EXPL_404, Fixture, admin_identity, identity, raw};
use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn error_framing_follows_accept_byte_for_byte() {
    let app = spawn_app().await;
    let missing = "00000000-0000-0000-0000-000000000000";
    let path = format!("/v1/images/{missing}/members");
    let detail = format!("Image with identifier {missing} not found");
    let plain = format!("404 Not Found\n\n{EXPL_404}\n\n {detail}  ");
    // Transcript §46 (admin, `Accept: */*`).
    let html = format!(
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  {EXPL_404}<br /><br />\n{detail}\n\n\n </body>\n</html>"
    );
    let json_body = format!(
        r#"{{"message": "{EXPL_404}<br /><br />\n{detail}\n\n", "code": "404 Not Found", "title": "Not Found"}}"#
    );
    // No Accept header at all: plain text (reqwest always sends one, so use a raw socket).
    let response = raw(&app, "GET", &path, &admin_identity(), None).await;
    assert_eq!(response.status, 404);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=UTF-8")
    );
    assert!(
        response
            .header("x-openstack-request-id")
            .is_some_and(|v| v.starts_with("req-"))
    );
    assert_eq!(response.body, plain);
    for (accept, content_type, body) in [
        ("*/*", "text/html; charset=UTF-8", &html),
        ("text/html", "text/html; charset=UTF-8", &html),
        ("application/json", "application/json", &json_body),
        // Ties go to text/html; otherwise the better q-value wins.
        (
            "application/json, text/html",
            "text/html; charset=UTF-8",
            &html,
        ),
        (
            "text/html;q=0.5, application/json",
            "application/json",
            &json_body,
        ),
        (
            "application/json, */*;q=0.1",
            "application/json",
            &json_body,
        ),
        // Accepting neither offer: plain text.
        ("text/plain", "text/plain; charset=UTF-8", &plain),
        ("image/png", "text/plain; charset=UTF-8", &plain),
    ] {
        let response = send(app.admin().get(&path).header("accept", accept)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{accept}");
        assert_eq!(response.headers()["content-type"], content_type, "{accept}");
        assert!(response.headers().contains_key("x-openstack-request-id"));
        assert_eq!(&text(response).await, body, "{accept}");
    }
}

#[tokio::test]
async fn caller_supplied_ids_are_escaped_per_framing() {
    let app = spawn_app().await;
    // The image id is echoed in the message: WebOb HTML-escapes it (non-ASCII as character
    // references), JSON-escapes it with `\uXXXX`, and strips tags from the plain text.
    let path = "/v1/images/%3Cb%3Ecaf%C3%A9%27%22%26/members";
    let html = send(app.admin().get(path).header("accept", "text/html")).await;
    assert_eq!(html.status(), StatusCode::NOT_FOUND);
    let html = text(html).await;
    assert!(
        html.contains("\nImage with identifier &lt;b&gt;caf&#233;&#x27;&quot;&amp; not found\n"),
        "{html}"
    );
    let json_response =
        text(send(app.admin().get(path).header("accept", "application/json")).await).await;
    assert!(
        json_response.contains(r#"Image with identifier <b>caf\u00e9'\"& not found"#),
        "{json_response}"
    );
    let plain = raw(&app, "GET", path, &admin_identity(), None).await;
    assert_eq!(
        plain.body,
        format!("404 Not Found\n\n{EXPL_404}\n\n Image with identifier café'\"& not found  ")
    );
}

#[tokio::test]
async fn path_segments_that_are_not_utf8_get_a_webob_400() {
    let app = spawn_app().await;
    let fx = Fixture::new(&app).await;
    for (method, path) in [
        ("GET", "/v1/images/%FF/members".to_owned()),
        ("PUT", "/v1/images/%FF/members".to_owned()),
        ("PUT", format!("/v1/images/{}/members/%FF", fx.id)),
        ("DELETE", format!("/v1/images/{}/members/caf%E9", fx.id)),
        ("GET", "/v1/shared-images/%C3%28".to_owned()),
    ] {
        let response = raw(&app, method, &path, &identity(OWNER), None).await;
        assert_eq!(response.status, 400, "{method} {path}");
        assert_eq!(
            response.header("content-type"),
            Some("text/plain; charset=UTF-8")
        );
        assert!(
            response.body.starts_with("400 Bad Request\n\n") && response.body.contains("UTF-8"),
            "{method} {path}: {:?}",
            response.body
        );
    }
    fx.unchanged().await;
}
