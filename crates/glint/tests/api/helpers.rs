//! `spawn_app()` and typed helpers for talking to a running glint.
#![allow(dead_code)]

use glint::config::Config;
use glint::startup::Application;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;

pub const OWNER: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const MEMBER: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
pub const SHARER: &str = "cccccccccccccccccccccccccccccccc";
pub const OTHER: &str = "dddddddddddddddddddddddddddddddd";
pub const OUTSIDER: &str = "ffffffffffffffffffffffffffffffff";

/// A running server and what it needs to stay alive.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
}

/// Starts glint with default settings (trusted-headers auth).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts glint after `configure` adjusts the configuration.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        glint::telemetry::init(false);
    }
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_path_buf(),
        ..Config::default()
    };
    configure(&mut config);
    let app = Application::build(&config).await.expect("server starts");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        data_dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A caller of project `project` with role `member`.
    pub fn tenant(&self, project: &str) -> Caller<'_> {
        self.with_headers(vec![
            ("x-identity-status", "Confirmed".into()),
            ("x-tenant-id", project.into()),
            ("x-user-id", format!("user-{project}")),
            ("x-roles", "member".into()),
        ])
    }

    /// An admin of project `admin-project`.
    pub fn admin(&self) -> Caller<'_> {
        self.with_headers(vec![
            ("x-identity-status", "Confirmed".into()),
            ("x-tenant-id", "admin-project".into()),
            ("x-user-id", "admin-user".into()),
            ("x-roles", "admin".into()),
        ])
    }

    /// Authenticated, but without a project.
    pub fn no_tenant(&self) -> Caller<'_> {
        self.with_headers(vec![
            ("x-identity-status", "Confirmed".into()),
            ("x-user-id", "lonely-user".into()),
            ("x-roles", "member".into()),
        ])
    }

    /// No credentials at all.
    pub fn anonymous(&self) -> Caller<'_> {
        self.with_headers(Vec::new())
    }

    pub fn with_headers(&self, headers: Vec<(&'static str, String)>) -> Caller<'_> {
        Caller { app: self, headers }
    }

    /// A public image owned by `owner`, created by an admin (making an image public is
    /// admin-only by Glance's default policy). Returns its id.
    pub async fn create_public_image(
        &self,
        owner: &str,
        name: &str,
        data: Option<&[u8]>,
    ) -> String {
        let mut request = self
            .admin()
            .post("/v1/images")
            .header("x-image-meta-name", name)
            .header("x-image-meta-is_public", "true")
            .header("x-image-meta-owner", owner);
        if let Some(data) = data {
            request = request
                .header("x-image-meta-disk_format", "raw")
                .header("x-image-meta-container_format", "bare")
                .header("content-type", "application/octet-stream")
                .body(data.to_vec());
        }
        let response = send(request).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "create public {name}"
        );
        id_of(&response.json::<Value>().await.expect("json")["image"])
    }
}

/// Requests made as one identity.
pub struct Caller<'a> {
    pub app: &'a TestApp,
    pub headers: Vec<(&'static str, String)>,
}

impl Caller<'_> {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut builder = self.app.client.request(method, self.app.url(path));
        for (name, value) in &self.headers {
            builder = builder.header(*name, value);
        }
        builder
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub fn head(&self, path: &str) -> RequestBuilder {
        self.request(Method::HEAD, path)
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.request(Method::PUT, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }

    /// Creates an image through v1 (with `data` as its bytes when given); returns its JSON.
    pub async fn create_image(&self, name: &str, data: Option<&[u8]>) -> Value {
        self.create_image_with(name, data, &[]).await
    }

    /// [`Caller::create_image`] with extra request headers (`x-image-meta-*`).
    pub async fn create_image_with(
        &self,
        name: &str,
        data: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> Value {
        let mut request = self
            .post("/v1/images")
            .header("x-image-meta-name", name)
            .header("x-image-meta-disk_format", "raw")
            .header("x-image-meta-container_format", "bare");
        for (header, value) in headers {
            request = request.header(*header, *value);
        }
        if let Some(data) = data {
            request = request
                .header("content-type", "application/octet-stream")
                .body(data.to_vec());
        }
        let response = send(request).await;
        assert_eq!(response.status(), StatusCode::CREATED, "create {name}");
        let body: Value = response.json().await.expect("json");
        body["image"].clone()
    }

    /// Creates an image and returns its id.
    pub async fn create_image_id(&self, name: &str, data: Option<&[u8]>) -> String {
        id_of(&self.create_image(name, data).await)
    }

    /// `PUT /v1/images/{image}/members/{member}` with an optional JSON body; returns the status.
    pub async fn add_member(&self, image: &str, member: &str, body: Option<Value>) -> StatusCode {
        let mut request = self.put(&format!("/v1/images/{image}/members/{member}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        send(request).await.status()
    }

    /// `PUT /v1/images/{image}/members` with `{"memberships": list}`; returns the status.
    pub async fn replace_members(&self, image: &str, list: Value) -> StatusCode {
        send(
            self.put(&format!("/v1/images/{image}/members"))
                .json(&serde_json::json!({ "memberships": list })),
        )
        .await
        .status()
    }

    pub async fn remove_member(&self, image: &str, member: &str) -> StatusCode {
        send(self.delete(&format!("/v1/images/{image}/members/{member}")))
            .await
            .status()
    }

    /// `(status, [(member_id, can_share)])` of `GET /v1/images/{image}/members`.
    pub async fn members(&self, image: &str) -> (StatusCode, Vec<(String, bool)>) {
        let response = send(self.get(&format!("/v1/images/{image}/members"))).await;
        let status = response.status();
        if status != StatusCode::OK {
            return (status, Vec::new());
        }
        let body: Value = response.json().await.expect("json");
        let rows = body["members"]
            .as_array()
            .expect("members array")
            .iter()
            .map(|m| {
                (
                    m["member_id"].as_str().expect("member_id").to_owned(),
                    m["can_share"].as_bool().expect("can_share"),
                )
            })
            .collect();
        (status, rows)
    }

    /// `[(image_id, can_share)]` of `GET /v1/shared-images/{member}` (asserting 200).
    pub async fn shared_images(&self, member: &str) -> Vec<(String, bool)> {
        let response = send(self.get(&format!("/v1/shared-images/{member}"))).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("json");
        body["shared_images"]
            .as_array()
            .expect("shared_images array")
            .iter()
            .map(|m| {
                (
                    m["image_id"].as_str().expect("image_id").to_owned(),
                    m["can_share"].as_bool().expect("can_share"),
                )
            })
            .collect()
    }

    /// Ids in `GET /v1/images` (default filters) as this caller.
    pub async fn list_ids(&self, query: &str) -> Vec<String> {
        let response = send(self.get(&format!("/v1/images{query}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "list {query}");
        let body: Value = response.json().await.expect("json");
        body["images"]
            .as_array()
            .expect("images")
            .iter()
            .map(id_of)
            .collect()
    }

    /// Status of `HEAD /v1/images/{id}`.
    pub async fn head_status(&self, image: &str) -> StatusCode {
        send(self.head(&format!("/v1/images/{image}")))
            .await
            .status()
    }
}

pub fn id_of(image: &Value) -> String {
    image["id"].as_str().expect("id").to_owned()
}

pub async fn send(request: RequestBuilder) -> Response {
    request.send().await.expect("request reaches the server")
}

/// The body as text, for message checks.
pub async fn text(response: Response) -> String {
    response.text().await.expect("body")
}

/// Asserts status and that the body contains `needle`.
pub async fn expect_error(response: Response, status: StatusCode, needle: &str) {
    let got = response.status();
    let body = text(response).await;
    assert_eq!(got, status, "body: {body}");
    assert!(body.contains(needle), "expected {needle:?} in {body:?}");
}

pub fn md5_hex(data: &[u8]) -> String {
    use md5::Digest;
    hex::encode(md5::Md5::digest(data))
}
