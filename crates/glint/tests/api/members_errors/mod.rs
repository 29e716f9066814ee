//! v1 sharing error paths: v1-sharing §3.1 (body parsing), §3.2 (guard order), §3.3 (WebOb error
//! framing, byte for byte), §3.4 (image lookup), §4 (405s), §5.1–§5.5 error rows, §6.5 decision
//! matrix error cells, §7 (member quota), and DECISIONS D1, D2, D5, D9, D12, D14, D19.
//! Expected bodies are copied from `peer/transcripts/glance-v1-transcript.md` where Glance was
//! recorded. After every refused call the stored membership list must be unchanged.

mod auth;
mod bodies;
mod framing;
mod limits;
mod lookup;
mod methods;

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const EXPL_404: &str = "The resource could not be found.";
const EXPL_401: &str = "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.";

// ---------------------------------------------------------------------------------------------
// Helpers shared by the submodules.

/// An image of OWNER shared with MEMBER (plain) and SHARER (`can_share`), and the list as stored.
struct Fixture<'a> {
    app: &'a TestApp,
    id: String,
    before: Vec<(String, bool)>,
}

impl<'a> Fixture<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let owner = app.tenant(OWNER);
        let id = owner.create_image_id("shared", Some(b"bytes")).await;
        assert_eq!(
            owner.add_member(&id, MEMBER, None).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            owner
                .add_member(&id, SHARER, Some(json!({"member": {"can_share": true}})))
                .await,
            StatusCode::NO_CONTENT
        );
        let before = app.admin().members(&id).await.1;
        assert_eq!(
            before,
            vec![(MEMBER.to_owned(), false), (SHARER.to_owned(), true)]
        );
        Self { app, id, before }
    }

    /// The stored list is what it was after setup.
    async fn unchanged(&self) {
        assert_eq!(
            self.app.admin().members(&self.id).await.1,
            self.before,
            "membership changed"
        );
    }
}

/// The four member calls on `image` (list, replace, add, remove).
fn member_paths(image: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, format!("/v1/images/{image}/members")),
        (Method::PUT, format!("/v1/images/{image}/members")),
        (Method::PUT, format!("/v1/images/{image}/members/{OTHER}")),
        (
            Method::DELETE,
            format!("/v1/images/{image}/members/{MEMBER}"),
        ),
    ]
}

/// A public image owned by OWNER (created by an admin: `publicize_image` is admin-only).
async fn create_public(app: &TestApp) -> String {
    app.create_public_image(OWNER, "public", None).await
}

fn identity(project: &str) -> Vec<(String, String)> {
    vec![
        ("x-identity-status".into(), "Confirmed".into()),
        ("x-tenant-id".into(), project.into()),
        ("x-roles".into(), "member".into()),
    ]
}

fn admin_identity() -> Vec<(String, String)> {
    caller_identity_of(&[
        ("x-identity-status", "Confirmed"),
        ("x-tenant-id", "admin-project"),
        ("x-roles", "admin"),
    ])
}

fn caller_identity(caller: &Caller<'_>) -> Vec<(String, String)> {
    caller
        .headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn caller_identity_of(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A response read off a raw socket.
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request without an `Accept` header (reqwest always adds `Accept: */*`).
async fn raw(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> RawResponse {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.expect("read");
    let text = String::from_utf8(bytes).expect("utf-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("header end");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")),
        "error bodies carry a Content-Length"
    );
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}
