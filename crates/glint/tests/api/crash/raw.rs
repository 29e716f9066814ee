//! A bare HTTP/1.1 client over a TCP socket, so that a test decides exactly which bytes of a
//! request body have been sent when it kills or stops the server.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request in flight.
pub struct RawRequest {
    stream: TcpStream,
}

/// The identity headers of project `project` with role `member` (trusted-headers auth).
pub fn identity(project: &str) -> Vec<(String, String)> {
    vec![
        ("x-identity-status".into(), "Confirmed".into()),
        ("x-tenant-id".into(), project.into()),
        ("x-user-id".into(), format!("user-{project}")),
        ("x-roles".into(), "member".into()),
    ]
}

impl RawRequest {
    /// Connects to `socket` (`host:port`) and sends the request line and headers; a body of
    /// `content_length` bytes is announced and sent later with [`RawRequest::send`].
    pub async fn start(
        socket: &str,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        content_length: Option<usize>,
    ) -> Self {
        let mut stream = TcpStream::connect(socket).await.expect("connect");
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nhost: {socket}\r\nconnection: close\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(length) = content_length {
            head.push_str(&format!(
                "content-type: application/octet-stream\r\ncontent-length: {length}\r\n"
            ));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("send head");
        Self { stream }
    }

    /// Sends body bytes (an error means the server is gone, which some tests expect).
    pub async fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await
    }

    /// Reads exactly `n` bytes of the response (head included).
    pub async fn read_some(&mut self, n: usize) -> Vec<u8> {
        let mut buffer = vec![0; n];
        self.stream.read_exact(&mut buffer).await.expect("read");
        buffer
    }

    /// Reads the response to its end. `None` when the connection ended without a complete
    /// response head.
    pub async fn finish(mut self, already: Vec<u8>) -> Option<RawResponse> {
        let mut all = already;
        if self.stream.read_to_end(&mut all).await.is_err() && all.is_empty() {
            return None;
        }
        RawResponse::parse(all)
    }
}

/// A response read off the socket.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// `content-length` as announced, if any.
    pub content_length: Option<usize>,
    pub body: Vec<u8>,
}

impl RawResponse {
    fn parse(all: Vec<u8>) -> Option<Self> {
        let end = all.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&all[..end]).to_string();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let content_length = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        });
        Some(Self {
            status,
            content_length,
            body: all[end + 4..].to_vec(),
        })
    }
}
