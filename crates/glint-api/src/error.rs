//! The one place where failures become HTTP: [`ServiceError`] → status + Glance's message, and the
//! WebOb framing of the body (plain text, HTML or JSON by `Accept`; v1-sharing §3.3, D14).
//!
//! Handlers return [`ApiError`]; its response carries the parts in an extension and the
//! [`render_errors`] middleware, which can see the request's `Accept`, writes the body.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
}

impl ApiError {
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            explanation: None,
            detail: None,
            allow: None,
            method: None,
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

    /// A registry error re-raised by Glance's API tier: the registry's whole plain-text body
    /// becomes the explanation of the API's error (v1-sharing §1.3, §3.3).
    fn from_registry(
        status: StatusCode,
        registry_status: StatusCode,
        explanation: Option<&str>,
        detail: &str,
    ) -> Self {
        let explanation = explanation.map_or_else(|| default_explanation(registry_status), str::to_owned);
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
            ServiceError::ImageNotFound(_) | ServiceError::ImageDeleted(_) => {
                Self::detailed(S::NOT_FOUND, message)
            }
            ServiceError::NoPermissionToShare => {
                Self::from_registry(S::NOT_FOUND, S::FORBIDDEN, None, &message)
            }
            ServiceError::MembershipNotFound => {
                Self::from_registry(S::NOT_FOUND, S::NOT_FOUND, Some(&message), "")
            }
            ServiceError::MemberQuotaExceeded { .. } => {
                Self::explained(S::PAYLOAD_TOO_LARGE, message)
            }
            ServiceError::BadRequest(m) => Self::explained(S::BAD_REQUEST, m),
            ServiceError::Forbidden(m) => Self::explained(S::FORBIDDEN, m),
            ServiceError::NotFound(m) => Self::explained(S::NOT_FOUND, m),
            ServiceError::Conflict(m) => Self::explained(S::CONFLICT, m),
            ServiceError::TooLarge(m) => Self::explained(S::PAYLOAD_TOO_LARGE, m),
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
    let (content_type, body) = render(&error, framing);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if is_head {
        return response;
    }
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
        409 => "There was a conflict when trying to complete your request.",
        412 => "Request precondition failed.",
        413 => "The body of your request was too large for this server.",
        503 => "The server is currently unavailable. Please try again at a later time.",
        _ => "The server has either erred or is incapable of performing the requested operation.",
    }
    .to_owned()
}

/// `"<code> <title>\n\n<explanation>\n\n <detail>  "`, newlines inside flattened (WebOb
/// `plain_body` with `strip_tags`).
fn plain_body(status: StatusCode, explanation: &str, detail: &str) -> String {
    let flat = |s: &str| s.replace('\n', " ").replace('\r', "");
    format!(
        "{} {}\n\n{}\n\n {}  ",
        status.as_u16(),
        title(status),
        flat(explanation),
        flat(detail)
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn render(error: &ApiError, framing: Framing) -> (&'static str, String) {
    let status = error.status;
    let code = format!("{} {}", status.as_u16(), title(status));
    if let Some(method) = &error.method {
        // WebOb's HTTPMethodNotAllowed uses its own body template.
        let body = format!("{code}\n\nThe method {method} is not allowed for this resource. \n\n ");
        return ("text/plain; charset=UTF-8", body);
    }
    let explanation = error
        .explanation
        .clone()
        .unwrap_or_else(|| default_explanation(status));
    let detail = error.detail.clone().unwrap_or_default();
    match framing {
        Framing::Plain => ("text/plain; charset=UTF-8", plain_body(status, &explanation, &detail)),
        Framing::Html => (
            "text/html; charset=UTF-8",
            format!(
                "<html>\n <head>\n  <title>{code}</title>\n </head>\n <body>\n  <h1>{code}</h1>\n  {}<br /><br />\n{}\n\n\n </body>\n</html>",
                html_escape(&explanation),
                html_escape(&detail)
            ),
        ),
        Framing::Json => (
            "application/json",
            serde_json::json!({
                "message": format!("{explanation}<br /><br />\n{detail}\n\n"),
                "code": code,
                "title": title(status),
            })
            .to_string(),
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
            plain(ServiceError::MemberQuotaExceeded { attempted: 11, maximum: 10 }),
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
