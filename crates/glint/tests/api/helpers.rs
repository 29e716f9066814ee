//! `spawn_app()` and typed helpers for talking to a running glint.
//!
//! Back ends: SQLite file + local directory by default. With `GLINT_TEST_DATABASE_URL`
//! (`postgres://…/postgres`, a role that may create schemas) every app gets a fresh PostgreSQL
//! schema, dropped afterwards; with `GLINT_TEST_S3_URL` (`http://KEY:SECRET@host:port/bucket`)
//! a fresh key prefix in that bucket, emptied afterwards. The choice is made here only, so every
//! test runs on every back end unchanged.
#![allow(dead_code)]

use glint::config::{Config, SecretString};
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
    /// The configuration the server was started with (back-end URLs included).
    pub config: Config,
    /// Removes the per-test PostgreSQL database and S3 prefix when the app is dropped.
    backends: Backends,
}

/// Per-test back-end resources outside the temp dir, released on drop.
#[derive(Default)]
pub struct Backends {
    /// (admin URL, database name) of a per-test PostgreSQL database.
    postgres: Option<(String, String)>,
    /// The per-test S3 store, emptied on drop.
    s3: Option<glint_store::BlobStore>,
}

impl Backends {
    /// Points `config` at fresh PostgreSQL / S3 resources when the environment asks for them.
    pub async fn select(config: &mut Config) -> Self {
        let mut backends = Backends::default();
        if let Some(admin_url) = env_value("GLINT_TEST_DATABASE_URL") {
            // A schema per app, not a database: CREATE DATABASE costs about half a second.
            // The name doubles as application_name, so that cleanup can end its connections.
            let name = format!("glint_test_{}", uuid::Uuid::new_v4().simple());
            postgres_admin(&admin_url, &format!("CREATE SCHEMA {name}")).await;
            config.database.url = Some(with_query(
                &admin_url,
                &format!("options[search_path]={name}&application_name={name}"),
            ));
            // Tests run side by side against one server: keep each app's share small.
            config.database.max_connections = 8;
            backends.postgres = Some((admin_url, name));
        }
        if let Some(url) = env_value("GLINT_TEST_S3_URL") {
            let (bucket, s3) =
                glint_store::S3Settings::from_endpoint_url(&url).expect("GLINT_TEST_S3_URL");
            // A short prefix: s3s-fs keeps each key base64-encoded in one file name (≤ 255 bytes).
            let store_url = format!("s3://{bucket}/t/{}", short_id());
            config.store.url = Some(store_url.clone());
            config.store.endpoint = s3.endpoint.clone();
            config.store.access_key_id = s3.access_key_id.clone();
            config.store.secret_access_key = s3
                .secret_access_key
                .as_ref()
                .map(|s| SecretString(s.expose().to_owned()));
            config.store.allow_http = s3.allow_http;
            backends.s3 = Some(glint_store::BlobStore::open(&store_url, &s3).expect("s3 store"));
        }
        backends
    }
}

impl Drop for Backends {
    fn drop(&mut self) {
        let postgres = self.postgres.take();
        let s3 = self.s3.take();
        if postgres.is_none() && s3.is_none() {
            return;
        }
        // Drop runs inside the test's runtime, which cannot be blocked on: clean up from a
        // thread with its own runtime and wait for it.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                if let Some(store) = s3 {
                    for key in store.keys("").await.unwrap_or_default() {
                        let _ = store.delete(&key).await;
                    }
                }
                if let Some((admin_url, name)) = postgres {
                    // End the (still running) test server's connections, then drop its schema.
                    postgres_admin(
                        &admin_url,
                        &format!(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                             WHERE application_name = '{name}'"
                        ),
                    )
                    .await;
                    postgres_admin(&admin_url, &format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// 12 random hex digits: unique enough for per-test names.
pub fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// A set, non-empty environment variable.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Runs one statement on the PostgreSQL server of `admin_url`.
async fn postgres_admin(admin_url: &str, statement: &str) {
    use sqlx::{Connection, Executor};
    let mut connection = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("GLINT_TEST_DATABASE_URL reachable");
    connection
        .execute(sqlx::AssertSqlSafe(statement.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    let _ = connection.close().await;
}

/// `url` with `query` (already encoded `k=v&…`) appended.
pub fn with_query(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

/// A configuration for a test server: port 0, the temp dir, and the back ends the environment
/// selects. Returned with the guard that releases those back ends.
pub async fn test_config(data_dir: &std::path::Path) -> (Config, Backends) {
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        ..Config::default()
    };
    let backends = Backends::select(&mut config).await;
    (config, backends)
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
    let (mut config, backends) = test_config(data_dir.path()).await;
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
        config,
        backends,
    }
}

impl TestApp {
    /// A handle on a server started some other way (another process) at `address`, configured
    /// by `config`; `backends` is released when the handle is dropped.
    pub fn external(
        address: String,
        data_dir: tempfile::TempDir,
        config: Config,
        backends: Backends,
    ) -> Self {
        TestApp {
            address,
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            data_dir,
            config,
            backends,
        }
    }

    /// A second connection to the server's database, for what the API does not show.
    pub async fn db(&self) -> glint_db::Db {
        glint_db::Db::connect(&self.config.database_url(), &glint_db::DbOptions::default())
            .await
            .expect("db")
    }

    /// The server's image store, opened a second time.
    pub fn store(&self) -> glint_store::BlobStore {
        glint::startup::open_store(&self.config).expect("store")
    }

    /// The bytes of the object at `key` in the server's image store.
    pub async fn read_blob(&self, key: &str) -> Vec<u8> {
        use futures::TryStreamExt;
        let stream = self.store().get(key, None).await.expect("blob");
        let chunks: Vec<bytes::Bytes> = stream.try_collect().await.expect("blob bytes");
        chunks.concat()
    }

    /// Every object key in the server's image store, sorted. On the local store this walks the
    /// directory itself, so that a stray staging file counts too.
    pub async fn blob_keys(&self) -> Vec<String> {
        let url = self.config.store_url();
        let mut keys = match url.strip_prefix("file://") {
            Some(dir) => {
                let mut files = Vec::new();
                walk(std::path::Path::new(dir), &mut files);
                files
                    .iter()
                    .filter_map(|f| f.strip_prefix(dir).ok())
                    .map(|f| f.display().to_string().trim_start_matches('/').to_owned())
                    .collect()
            }
            None => self.store().keys("").await.expect("list store"),
        };
        keys.sort();
        keys
    }

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

/// Writes `yaml` as a policy file and sets `[policy] file` to it; the file may go once the
/// server has started (it is read at start-up).
fn with_policy_file(config: &mut Config, yaml: &str) -> tempfile::NamedTempFile {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new().expect("policy file");
    file.write_all(yaml.as_bytes()).expect("write policy file");
    config.policy.file = Some(file.path().to_path_buf());
    file
}

/// Starts glint with the policy file `yaml` (rule name → check string).
pub async fn spawn_app_with_policy(yaml: &str) -> TestApp {
    let mut file = None;
    let app = spawn_app_with(|config| file = Some(with_policy_file(config, yaml))).await;
    drop(file);
    app
}

/// The start-up error (with its causes) of glint with the policy file `yaml`; panics if the
/// server starts.
pub async fn policy_start_up_error(yaml: &str) -> String {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (mut config, _backends) = test_config(data_dir.path()).await;
    let _file = with_policy_file(&mut config, yaml);
    match Application::build(&config).await {
        Ok(_) => panic!("glint started with the policy file {yaml:?}"),
        Err(error) => format!("{error:#}"),
    }
}

/// A second server over `like`'s database and image store, with the policy file `yaml`: data
/// set up under the default policy is then seen under the overrides (Glance's tests change the
/// rules of a running server; glint reads them at start-up).
pub async fn spawn_app_like_with_policy(like: &TestApp, yaml: &str) -> TestApp {
    let mut file = None;
    let app = spawn_app_with(|config| {
        let bind = std::mem::take(&mut config.bind);
        *config = like.config.clone();
        config.bind = bind;
        file = Some(with_policy_file(config, yaml));
    })
    .await;
    drop(file);
    app
}
