//! Images v1, the image resource, refusals: every error row of v1-images §5 (5.1 create checks
//! 1–10, 5.2 list parameters, 5.3/5.4 lookup and status, 5.5 update rules, 5.6 delete rules) and
//! the header rules of §4.1 and §2.1. Each test checks the status, Glance's message, and that the
//! refused request left the stored images (records and blobs) as they were.

mod create;
mod list_query;
mod lookup;
mod update_delete;
mod upload;

use crate::helpers::*;
use crate::images::plain;
use reqwest::{RequestBuilder, StatusCode};

/// Sends `request` as plain text and checks status and message.
async fn refused(request: RequestBuilder, status: StatusCode, needle: &str) {
    expect_error(send(plain(request)).await, status, needle).await;
}

fn meta(request: RequestBuilder, pairs: &[(&str, &str)]) -> RequestBuilder {
    pairs.iter().fold(request, |r, (k, v)| r.header(*k, *v))
}
