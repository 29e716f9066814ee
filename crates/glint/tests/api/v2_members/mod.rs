//! Images v2 members: every status row of v2-sharing §2.2 (secure-RBAC personas, DECISIONS D16)
//! and §4 (check order, bodies, 405s, read-only, quota 413 before 409, D19 ids), the list rules
//! of §4.2, the member object of §5, and the v1/v2 interplay of §8 (D15). Messages are those of
//! `peer/transcripts/glance-v2-transcript-srbac.md` and Glance 33's `image_members.py`. After a
//! refused change the stored membership list must be unchanged.

mod errors;
mod interplay;
mod lists;
mod outcomes;

use crate::helpers::*;
use reqwest::{RequestBuilder, StatusCode};

/// WebOb's default 404 explanation: what a bare `HTTPNotFound()` says.
const BARE_404: &str = "The resource could not be found.";

/// An image of OWNER (v1-created without `is_public`, hence `shared`) with MEMBER and OTHER as
/// pending v2 members, in that order.
async fn shared_image(app: &TestApp) -> String {
    let owner = app.tenant(OWNER);
    let id = owner.create_image_id("shared", Some(b"bytes")).await;
    owner.v2_add_member_ok(&id, MEMBER).await;
    owner.v2_add_member_ok(&id, OTHER).await;
    id
}

/// `[(member, status)]` as the admin sees them.
async fn rows(app: &TestApp, image: &str) -> Vec<(String, String)> {
    let (status, rows) = app.admin().v2_members(image).await;
    assert_eq!(status, StatusCode::OK);
    rows
}

fn pending(members: &[&str]) -> Vec<(String, String)> {
    members
        .iter()
        .map(|m| (m.to_string(), "pending".to_owned()))
        .collect()
}

/// Sends `request` asking for a plain-text error (no HTML escaping of quotes) and asserts the
/// status and that the body contains `needle`.
async fn expect(request: RequestBuilder, status: StatusCode, needle: &str) {
    expect_error(
        send(request.header("accept", "text/plain")).await,
        status,
        needle,
    )
    .await;
}

/// The five member calls on `image` as `caller`, each with a valid request (member `target`).
fn five_calls<'a>(
    caller: &'a Caller<'a>,
    image: &str,
    target: &str,
) -> [(&'static str, RequestBuilder); 5] {
    let members = format!("/v2/images/{image}/members");
    let one = format!("{members}/{target}");
    [
        (
            "create",
            caller
                .post(&members)
                .json(&serde_json::json!({"member": OUTSIDER})),
        ),
        ("list", caller.get(&members)),
        ("show", caller.get(&one)),
        (
            "update",
            caller
                .put(&one)
                .json(&serde_json::json!({"status": "accepted"})),
        ),
        ("delete", caller.delete(&one)),
    ]
}
