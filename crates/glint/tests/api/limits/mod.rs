//! Issue #7 item 2, limits: `image_size_cap` and the per-project storage quota enforced while
//! data streams (413, image `killed`, no partial blob), request body and header limits, idle
//! timeouts without a whole-request timeout, and store failures (full, read-only, missing data)
//! answered cleanly. RELIABILITY.md §2 names each test.

mod quota;
mod request;
mod size_cap;
mod store_errors;
mod timeouts;

use crate::helpers::*;
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The status of image `id` as its owner sees it through v2 (`killed`, `queued`, …).
pub(crate) async fn status_of(app: &TestApp, id: &str) -> String {
    let response = send(app.tenant(OWNER).get(&format!("/v2/images/{id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let image: serde_json::Value = response.json().await.expect("json");
    image["status"].as_str().expect("status").to_owned()
}

/// What a raw exchange got back: the status code and the body (empty when none).
#[derive(Debug)]
pub(crate) struct Raw {
    pub status: u16,
    pub body: String,
}

/// The trusted headers of `OWNER`, for requests written by hand.
pub(crate) fn owner_headers() -> String {
    format!("X-Identity-Status: Confirmed\r\nX-Tenant-Id: {OWNER}\r\nX-Roles: member\r\n")
}

/// Opens a raw connection to the app.
pub(crate) async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Reads the answer on `socket` until the server closes it (a safety bound of two minutes keeps
/// a broken server from hanging the suite; it is not what any test measures).
pub(crate) async fn read_answer(socket: &mut TcpStream) -> Option<Raw> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(120), socket.read_to_end(&mut received))
        .await
        .expect("the server answers or closes within two minutes");
    // A reset after the answer was sent still leaves the answer in `received`.
    let _ = read;
    parse(&received)
}

fn parse(received: &[u8]) -> Option<Raw> {
    let text = String::from_utf8_lossy(received);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Raw {
        status,
        body: body.to_owned(),
    })
}

/// Sends `head` and then `body` in `chunk`-sized writes on its own task (the server may answer,
/// and close, before it has read everything), and returns the answer.
pub(crate) async fn exchange(app: &TestApp, head: String, body: Vec<u8>, chunk: usize) -> Raw {
    let socket = connect(app).await;
    let (mut reader, mut writer) = socket.into_split();
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        for part in body.chunks(chunk.max(1)) {
            writer.write_all(part).await?;
        }
        writer.flush().await?;
        // Keep the write side open until the server has answered.
        std::future::pending::<()>().await;
        Ok::<_, std::io::Error>(writer)
    });
    let received = tokio::time::timeout(Duration::from_secs(120), read_one(&mut reader))
        .await
        .expect("the server answers or closes within two minutes");
    sender.abort();
    parse(&received).expect("an HTTP answer")
}

/// Reads until one whole answer (head and `Content-Length` bytes of body) or EOF: a connection
/// kept alive after the answer is not waited out.
async fn read_one(reader: &mut (impl tokio::io::AsyncRead + Unpin)) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| received.len() >= end + 4 + n) {
                return received;
            }
        }
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return received,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    }
}
