//! The server under test: a base URL, how callers prove who they are, and one HTTP client.

use reqwest::{Client, Method, RequestBuilder};

/// How a caller's identity travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthStyle {
    /// The headers keystonemiddleware sets (`X-Identity-Status: Confirmed`, `X-Tenant-Id`,
    /// `X-User-Id`, `X-Roles`): what the Glance peers and glint's `trusted-headers` accept.
    Headers,
    /// `X-Auth-Token: user:project:roles`, glint's `fake-token` mode.
    FakeToken,
}

/// One project acting through the API.
#[derive(Debug, Clone)]
pub struct Caller {
    pub project: String,
    pub user: String,
}

impl Caller {
    pub fn new(project: &str) -> Self {
        Self {
            project: project.to_owned(),
            user: format!("{project}-user"),
        }
    }
}

/// A base URL plus the client and auth style every request uses.
#[derive(Debug, Clone)]
pub struct Target {
    base: String,
    auth: AuthStyle,
    client: Client,
}

impl Target {
    /// `base` without a trailing slash, e.g. `http://127.0.0.1:9292`.
    pub fn new(base: &str, auth: AuthStyle) -> anyhow::Result<Self> {
        let client = Client::builder()
            .no_proxy()
            // Enough idle connections for every worker; Glance's uWSGI closes each one anyway.
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .build()?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            auth,
            client,
        })
    }

    /// A request by `caller` to `path` (starting with `/`). Roles `member,reader`: under
    /// Glance's secure-RBAC defaults (and glint's D16) a project member may read and write.
    pub fn request(&self, caller: &Caller, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{}", self.base, path));
        match self.auth {
            AuthStyle::Headers => builder
                .header("X-Identity-Status", "Confirmed")
                .header("X-Tenant-Id", &caller.project)
                .header("X-User-Id", &caller.user)
                .header("X-Roles", "member,reader"),
            AuthStyle::FakeToken => builder.header(
                "X-Auth-Token",
                format!("{}:{}:member,reader", caller.user, caller.project),
            ),
        }
    }
}
