//! The one place where failures become HTTP: [`ServiceError`] → status + Glance's message, and the
//! WebOb framing of the body (plain text, HTML or JSON by `Accept`; v1-sharing §3.3, D14).
//!
//! Handlers return [`ApiError`]; its response carries the parts in an extension and the
//! [`render_errors`] middleware, which can see the request's `Accept`, writes the body.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use glint_core::policy::members_v2::MemberCall;
use glint_service::ServiceError;

/// A Glance-shaped error: status, WebOb *explanation* (replaces the class default) and *detail*
/// (follows it). Which of the two Glance used decides where its message lands in the body.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub explanation: Option<String>,
    pub detail: Option<String>,
    /// `Allow` header for 405s.
    pub allow: Option<&'static str>,
    /// Method name for WebOb's 405 template.
    pub method: Option<String>,
    /// Glance raised it with `content_type='text/plain'` (its image lookup 404): what a HEAD
    /// response says, as WebOb skips negotiation for HEAD.
    pub plain_on_head: bool,
}

impl ApiError {
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            explanation: None,
            detail: None,
            allow: None,
            method: None,
            plain_on_head: false,
        }
    }

    pub fn explained(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            explanation: Some(message.into()),
            ..Self::new(status)
        }
    }

    pub fn detailed(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            detail: Some(message.into()),
            ..Self::new(status)
        }
    }

    /// An error with both a replaced explanation and a detail after it.
    pub fn explained_with_detail(
        status: StatusCode,
        explanation: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            explanation: Some(explanation.into()),
            detail: Some(detail.into()),
            ..Self::new(status)
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::explained(StatusCode::BAD_REQUEST, message)
    }

    /// 405 with an `Allow` header (Glance `RejectMethodController`).
    pub fn method_not_allowed(method: &str, allow: Option<&'static str>) -> Self {
        Self {
            allow,
            method: Some(method.to_owned()),
            ..Self::new(StatusCode::METHOD_NOT_ALLOWED)
        }
    }

    /// A 400 the way Glance's registry words it and its API tier re-raises it, e.g.
    /// `Invalid membership association: 'member_id'` (v1-sharing §3.3 worked example).
    pub fn registry_bad_request(message: &str) -> Self {
        Self::from_registry(
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            Some(message),
            "",
        )
    }

    /// A 400 Glance's registry raises with the message as WebOb *detail* (after the default
    /// explanation), e.g. `limit param must be positive`; the API tier re-raises it whole.
    pub fn registry_bad_request_detail(message: &str) -> Self {
        Self::from_registry(
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            None,
            message,
        )
    }

    /// A 400 raised by Glance's API tier with its message as WebOb *detail*
    /// (`HTTPBadRequest(msg)`), e.g. `Bad value passed to filter size_min got big`.
    pub fn bad_request_detail(message: impl Into<String>) -> Self {
        Self::detailed(StatusCode::BAD_REQUEST, message)
    }

    /// A registry error re-raised by Glance's API tier: the registry's whole plain-text body
    /// becomes the explanation of the API's error (v1-sharing §1.3, §3.3).
    fn from_registry(
        status: StatusCode,
        registry_status: StatusCode,
        explanation: Option<&str>,
        detail: &str,
    ) -> Self {
        let explanation =
            explanation.map_or_else(|| default_explanation(registry_status), str::to_owned);
        Self::explained(status, plain_body(registry_status, &explanation, detail))
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        use StatusCode as S;
        let message = err.to_string();
        match err {
            ServiceError::ReadOnly => Self::detailed(S::FORBIDDEN, message),
            ServiceError::NoAuthenticatedUser => Self::detailed(S::UNAUTHORIZED, message),
            ServiceError::PolicyDenied => Self::new(S::FORBIDDEN),
            ServiceError::RuleDenied(_) => Self::explained(S::FORBIDDEN, message),
            ServiceError::NoImageData => Self::new(S::NO_CONTENT),
            ServiceError::TagNotFound => Self::new(S::NOT_FOUND),
            ServiceError::DuplicateImageId(_) => Self::explained(S::CONFLICT, message),
            ServiceError::RangeNotSatisfiable { size } => Self::detailed(
                S::RANGE_NOT_SATISFIABLE,
                format!(
                    "Invalid start position in Range header. Start position MUST be in the \
                     inclusive range [0, {}].",
                    size.saturating_sub(1)
                ),
            ),
            ServiceError::ImageNotFound(_) => Self {
                plain_on_head: true,
                ..Self::detailed(S::NOT_FOUND, message)
            },
            ServiceError::ImageDeleted(_) => Self::detailed(S::NOT_FOUND, message),
            ServiceError::NoPermissionToShare => {
                Self::from_registry(S::NOT_FOUND, S::FORBIDDEN, None, &message)
            }
            ServiceError::MembershipNotFound => {
                Self::from_registry(S::NOT_FOUND, S::NOT_FOUND, Some(&message), "")
            }
            ServiceError::MemberQuotaExceeded { .. } => {
                Self::explained(S::PAYLOAD_TOO_LARGE, message)
            }
            // Images v2 member calls (v2-sharing §4): Glance's messages as WebOb explanations;
            // `show` turns every refusal into 404 so as not to leak the image (Q3).
            ServiceError::MembersOnlyOnSharedImages { call, .. }
            | ServiceError::MemberRuleDenied { call, .. } => {
                let status = if call == MemberCall::Show {
                    S::NOT_FOUND
                } else {
                    S::FORBIDDEN
                };
                Self::explained(status, message)
            }
            // `get_image` denied: Glance raises a bare `HTTPNotFound()`.
            ServiceError::MemberCallHidden => Self::new(S::NOT_FOUND),
            ServiceError::MemberNotInList { .. } => Self::explained(S::NOT_FOUND, message),
            ServiceError::MemberDuplicated { .. } => Self::explained(S::CONFLICT, message),
            ServiceError::V2MemberQuotaExceeded { .. } => {
                Self::explained(S::PAYLOAD_TOO_LARGE, message)
            }
            ServiceError::InvalidMemberStatus | ServiceError::InvalidMember(_) => {
                Self::explained(S::BAD_REQUEST, message)
            }
            // These three match the real Glance 15 byte for byte (e2e/peer_diff).
            ServiceError::ImageNotActive(_) => Self::detailed(S::NOT_FOUND, message),
            ServiceError::UploadToUnqueuedImage => Self::detailed(S::CONFLICT, message),
            ServiceError::InvalidMarker => Self::registry_bad_request(&message),
            ServiceError::BadRequest(m) => Self::explained(S::BAD_REQUEST, m),
            ServiceError::Forbidden(m) => Self::explained(S::FORBIDDEN, m),
            ServiceError::NotFound(m) => Self::explained(S::NOT_FOUND, m),
            ServiceError::Conflict(m) => Self::explained(S::CONFLICT, m),
            ServiceError::ForbiddenDetail(m) => Self::detailed(S::FORBIDDEN, m),
            ServiceError::ConflictDetail(m) => Self::detailed(S::CONFLICT, m),
            // Only a PUT of `application/octet-stream` data gets this far.
            ServiceError::FormatMismatch(m) => Self::explained_with_detail(
                S::UNSUPPORTED_MEDIA_TYPE,
                "The request media type application/octet-stream is not supported by this \
                 server.",
                m,
            ),
            ServiceError::TooLarge(m) => Self::explained(S::PAYLOAD_TOO_LARGE, m),
            // Glance v1 `upload_utils`: ImageSizeLimitExceeded / StorageQuotaFull / StorageFull
            // → 413, StorageWriteDenied → 503, each with its message (v2: `v2::errors`).
            ServiceError::ImageTooLarge { .. } | ServiceError::StorageFull => {
                Self::explained(S::PAYLOAD_TOO_LARGE, message)
            }
            ServiceError::StorageQuotaFull { .. } => Self::explained(
                S::PAYLOAD_TOO_LARGE,
                format!("Denying attempt to upload image because it exceeds the quota: {message}"),
            ),
            ServiceError::StorageWriteDenied => Self::explained(S::SERVICE_UNAVAILABLE, message),
            // Glance's eventlet server drops the socket after `client_socket_timeout`; glint
            // answers WebOb's 408 before closing, so the client learns why.
            ServiceError::ClientTimeout { .. } => Self::explained(S::REQUEST_TIMEOUT, message),
            ServiceError::PreconditionFailed(m) => Self::explained(S::PRECONDITION_FAILED, m),
            ServiceError::Unavailable(cause) => {
                tracing::error!(%cause, "back end unavailable");
                Self::explained(
                    S::SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable; try again later.",
                )
            }
            ServiceError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                Self::new(S::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// keystonemiddleware's 401 body (`auth_token.AuthProtocol.process_request`): its own JSON,
/// whatever the request's `Accept`, as WebOb uses a body given to the exception as it is.
const KEYSTONE_REJECTION: &str = r#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#;

impl IntoResponse for crate::auth::AuthError {
    fn into_response(self) -> Response {
        use crate::auth::AuthError;
        match self {
            // Glance's `ContextMiddleware`: a bare `HTTPUnauthorized()`.
            AuthError::NoCredentials => ApiError::new(StatusCode::UNAUTHORIZED).into_response(),
            AuthError::TokenRejected => (
                StatusCode::UNAUTHORIZED,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=UTF-8"),
                )],
                KEYSTONE_REJECTION,
            )
                .into_response(),
            // keystonemiddleware `fetch_token`: `HTTPServiceUnavailable(<detail>)`.
            AuthError::IdentityUnavailable => ApiError::detailed(
                StatusCode::SERVICE_UNAVAILABLE,
                "The Keystone service is temporarily unavailable.",
            )
            .into_response(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Writes the body of every [`ApiError`] response in the framing the request's `Accept` asks for.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let framing = Framing::negotiate(request.headers());
    let is_head = request.method() == axum::http::Method::HEAD;
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<ApiError>() else {
        return response;
    };
    let headers = response.headers_mut();
    if is_head {
        // WebOb answers HEAD without negotiating: the exception's own content type.
        let content_type = if error.plain_on_head {
            "text/plain; charset=UTF-8"
        } else {
            "text/html; charset=UTF-8"
        };
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        return response;
    }
    let (content_type, body) = render(&error, framing);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let (parts, _) = response.into_parts();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The three bodies WebOb can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Plain,
    Html,
    Json,
}

impl Framing {
    /// WebOb offers `text/html` and `application/json`; the better-rated wins, ties go to HTML,
    /// and a request accepting neither (or sending no `Accept`) gets plain text.
    fn negotiate(headers: &HeaderMap) -> Self {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Self::Plain;
        };
        let html = quality(accept, "text", "html");
        let json = quality(accept, "application", "json");
        if html <= 0.0 && json <= 0.0 {
            Self::Plain
        } else if json > html {
            Self::Json
        } else {
            Self::Html
        }
    }
}

/// The q-value `accept` gives `kind/sub`, taken from its most specific matching range.
fn quality(accept: &str, kind: &str, sub: &str) -> f32 {
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut params = range.split(';');
        let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = params
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let specificity = match media.split_once('/') {
            Some((k, s)) if k == kind && s == sub => 2,
            Some((k, "*")) if k == kind => 1,
            Some(("*", "*")) => 0,
            _ => continue,
        };
        if best.is_none_or(|(spec, _)| specificity > spec) {
            best = Some((specificity, q));
        }
    }
    best.map(|(_, q)| q).unwrap_or(0.0)
}

fn title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Request Entity Too Large",
        StatusCode::RANGE_NOT_SATISFIABLE => "Request Range Not Satisfiable",
        other => other.canonical_reason().unwrap_or("Error"),
    }
}

/// WebOb's class default explanations.
fn default_explanation(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        401 => "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.",
        403 => "Access was denied to this resource.",
        404 => "The resource could not be found.",
        408 => "The server has waited too long for the request to be sent by the client.",
        409 => "There was a conflict when trying to complete your request.",
        412 => "Request precondition failed.",
        413 => "The body of your request was too large for this server.",
        416 => "The Range requested is not available.",
        503 => "The server is currently unavailable. Please try again at a later time.",
        _ => "The server has either erred or is incapable of performing the requested operation.",
    }
    .to_owned()
}

/// WebOb `strip_tags`: newlines become spaces, then `<br…>` becomes a newline, then other tags
/// (`<…>`) vanish — two passes, as its two regular expressions.
fn strip_tags(s: &str) -> String {
    let flat = s.replace('\n', " ").replace('\r', "");
    let breaks = replace_tags(&flat, true);
    replace_tags(&breaks, false)
}

/// Replaces each shortest `<…>` (only those starting `<br`, any case, when `only_br`) with a
/// newline (`only_br`) or nothing.
fn replace_tags(s: &str, only_br: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let is_br = tail.get(1..3).is_some_and(|t| t.eq_ignore_ascii_case("br"));
        if only_br && !is_br {
            out.push('<');
            rest = &tail[1..];
            continue;
        }
        let Some(end) = tail.find('>') else {
            rest = tail;
            break;
        };
        if only_br {
            out.push('\n');
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `"<code> <title>\n\n<explanation>\n\n <detail>  "`: WebOb's plain template over its
/// `${explanation}<br /><br />\n${detail}\n\n` body, passed through `strip_tags`.
fn plain_body(status: StatusCode, explanation: &str, detail: &str) -> String {
    format!(
        "{} {}\n\n{}",
        status.as_u16(),
        title(status),
        strip_tags(&format!("{explanation}<br /><br />\n{detail}\n\n"))
    )
}

/// WebOb `html_escape`: Python's `html.escape(s, quote=True)`, non-ASCII as decimal references.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c if c.is_ascii() => out.push(c),
            c => out.push_str(&format!("&#{};", u32::from(c))),
        }
    }
    out
}

/// A JSON string as Python's `json.dumps` writes it (`ensure_ascii`: non-ASCII as `\uXXXX`).
fn py_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

fn render(error: &ApiError, framing: Framing) -> (&'static str, String) {
    let status = error.status;
    let code = format!("{} {}", status.as_u16(), title(status));
    // WebOb's body template is `${explanation}<br /><br />\n${detail}\n${html_comment}\n`;
    // HTTPMethodNotAllowed has its own, naming the method, and HTTPUnsupportedMediaType its
    // own too: `The request media type ${CONTENT_TYPE} is not supported by this
    // server.\n<br /><br />\n${detail}` (the explanation carries the first line).
    let (explanation, detail, tail) = match &error.method {
        None if status == StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            format!(
                "{}\n",
                error
                    .explanation
                    .clone()
                    .unwrap_or_else(|| default_explanation(status))
            ),
            error.detail.clone().unwrap_or_default(),
            "",
        ),
        Some(method) => (
            format!("The method {method} is not allowed for this resource. "),
            String::new(),
            "",
        ),
        None => (
            error
                .explanation
                .clone()
                .unwrap_or_else(|| default_explanation(status)),
            error.detail.clone().unwrap_or_default(),
            "\n\n",
        ),
    };
    match framing {
        Framing::Plain => {
            let body = strip_tags(&format!("{explanation}<br /><br />\n{detail}{tail}"));
            ("text/plain; charset=UTF-8", format!("{code}\n\n{body}"))
        }
        Framing::Html => (
            "text/html; charset=UTF-8",
            format!(
                "<html>\n <head>\n  <title>{code}</title>\n </head>\n <body>\n  <h1>{code}</h1>\n  {}<br /><br />\n{}{tail}\n </body>\n</html>",
                html_escape(&explanation),
                html_escape(&detail)
            ),
        ),
        // `json.dumps({"message": …, "code": …, "title": …})`, in that key order.
        Framing::Json => (
            "application/json",
            format!(
                "{{\"message\": {}, \"code\": {}, \"title\": {}}}",
                py_json_string(&format!("{explanation}<br /><br />\n{detail}{tail}")),
                py_json_string(&code),
                py_json_string(title(status))
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(err: ServiceError) -> String {
        render(&ApiError::from(err), Framing::Plain).1
    }

    #[test]
    fn webob_plain_bodies_match_glance_bytes() {
        assert_eq!(
            plain(ServiceError::ImageNotFound("X".into())),
            "404 Not Found\n\nThe resource could not be found.\n\n Image with identifier X not found  "
        );
        assert_eq!(
            plain(ServiceError::PolicyDenied),
            "403 Forbidden\n\nAccess was denied to this resource.\n\n   "
        );
        assert_eq!(
            plain(ServiceError::ReadOnly),
            "403 Forbidden\n\nAccess was denied to this resource.\n\n Read-only access  "
        );
        assert_eq!(
            plain(ServiceError::MemberQuotaExceeded {
                attempted: 11,
                maximum: 10
            }),
            "413 Request Entity Too Large\n\nThe limit has been exceeded on the number of allowed image members for this image. Attempted: 11, Maximum: 10\n\n   "
        );
        assert_eq!(
            plain(ServiceError::NoPermissionToShare),
            "404 Not Found\n\n403 Forbidden  Access was denied to this resource.   No permission to share that image  \n\n   "
        );
        assert_eq!(
            plain(ServiceError::MembershipNotFound),
            "404 Not Found\n\n404 Not Found  Membership could not be found.     \n\n   "
        );
    }

    #[test]
    fn strip_tags_and_escapes_as_webob_and_python() {
        assert_eq!(strip_tags("a<b>c<BR/>d\ne<br"), "ac\nd e<br");
        assert_eq!(strip_tags("x <a <br> y"), "x <a \n y");
        assert_eq!(html_escape("<'é\"&>"), "&lt;&#x27;&#233;&quot;&amp;&gt;");
        assert_eq!(
            py_json_string("é😀\"\n\u{1}"),
            r#""\u00e9\ud83d\ude00\"\n\u0001""#
        );
    }

    #[test]
    fn html_and_json_framing() {
        let err = ApiError::from(ServiceError::ImageNotFound("X".into()));
        let (ct, body) = render(&err, Framing::Html);
        assert_eq!(ct, "text/html; charset=UTF-8");
        assert!(body.contains("  The resource could not be found.<br /><br />\nImage with identifier X not found\n\n\n </body>"));
        let (ct, body) = render(&err, Framing::Json);
        assert_eq!(ct, "application/json");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["code"], "404 Not Found");
        assert_eq!(v["title"], "Not Found");
    }

    #[test]
    fn accept_negotiation() {
        let neg = |a: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(a).expect("header"));
            Framing::negotiate(&h)
        };
        assert_eq!(Framing::negotiate(&HeaderMap::new()), Framing::Plain);
        assert_eq!(neg("*/*"), Framing::Html);
        assert_eq!(neg("application/json"), Framing::Json);
        assert_eq!(neg("application/json, */*;q=0.1"), Framing::Json);
        assert_eq!(neg("text/html, application/json"), Framing::Html);
        assert_eq!(neg("image/png"), Framing::Plain);
    }
}
