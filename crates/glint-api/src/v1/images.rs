//! Images v1 handlers: create, list, show (HEAD/GET), update, delete (v1-images §5).

use crate::AppState;
use crate::error::ApiError;
use crate::v1::headers::{V1Meta, write_image_headers};
use crate::v1::image_path::ImageIdPath;
use crate::v1::{query, wire};
use axum::Extension;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use glint_core::image::{AMAZON_FORMATS, CONTAINER_FORMATS, DISK_FORMATS};
use glint_core::{Image, ImageId, ImageStatus, RequestContext, Visibility};
use glint_service::{NewImage, UploadCheck};
use std::collections::BTreeMap;

/// `POST /v1/images`: reserve, optionally with data in the body.
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let meta = V1Meta::parse(&headers)?;
    check_size_cap(&headers, &meta, state.glint.limits().image_size_cap)?;
    let with_data = has_body(&headers);
    reject_external_sources(&headers, &meta)?;
    let new = new_image(&meta)?;
    if with_data {
        // Glance checks these after reserving the record; glint refuses before storing anything.
        require_formats(new.disk_format.as_deref(), new.container_format.as_deref())?;
        require_octet_stream(&headers)?;
    }
    let check = UploadCheck {
        size: meta.int("size")?.flatten(),
        checksum: meta.text("checksum").flatten(),
        failure_status: ImageStatus::Killed,
        record_virtual_size: false,
    };
    let mut image = state.glint.create_image(&ctx, new, with_data).await?;
    if with_data {
        image = state
            .glint
            .upload(&ctx, image.id.as_str(), body.into_data_stream(), check)
            .await?;
    }
    let mut response = (
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "image": wire::image_detail(&image) })),
    )
        .into_response();
    let location = format!("{}/v1/images/{}", crate::base_url(&headers), image.id);
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    etag(&mut response, &image);
    Ok(response)
}

/// `GET /v1/images`.
pub async fn index(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = query::parse(&ctx, &pairs)?;
    let images = state.glint.list_images(&ctx, &query).await?;
    let list: Vec<_> = images.iter().map(wire::image_summary).collect();
    Ok(axum::Json(serde_json::json!({ "images": list })).into_response())
}

/// `GET /v1/images/detail`.
pub async fn detail(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = query::parse(&ctx, &pairs)?;
    let images = state.glint.list_images(&ctx, &query).await?;
    let list: Vec<_> = images.iter().map(wire::image_detail).collect();
    Ok(axum::Json(serde_json::json!({ "images": list })).into_response())
}

/// `HEAD /v1/images/{id}`: metadata as headers.
pub async fn meta(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ImageIdPath(id): ImageIdPath,
) -> Result<Response, ApiError> {
    let image = state.glint.show_image(&ctx, &id).await?;
    let mut response = empty_webob_ok();
    write_image_headers(response.headers_mut(), &image);
    Ok(response)
}

/// `GET /v1/images/{id}`: metadata as headers, data as the body.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ImageIdPath(id): ImageIdPath,
) -> Result<Response, ApiError> {
    let download = state.glint.download(&ctx, &id, None).await?;
    let size = download.image.size.unwrap_or(0);
    let mut response = Response::new(Body::from_stream(download.body));
    let headers = response.headers_mut();
    write_image_headers(headers, &download.image);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    Ok(response)
}

/// `PUT /v1/images/{id}`: change metadata and/or upload data to a queued image.
pub async fn update(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ImageIdPath(id): ImageIdPath,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let meta = V1Meta::parse(&headers)?;
    meta.validate_times()?;
    check_size_cap(&headers, &meta, state.glint.limits().image_size_cap)?;
    let with_data = has_body(&headers);
    reject_external_sources(&headers, &meta)?;
    if with_data {
        require_octet_stream(&headers)?;
    }
    let changes = MetadataChanges::from_meta(&meta)?;
    // Properties not sent are removed, unless the client asks to keep them or uploads data.
    let purge = !with_data
        && headers
            .get("x-glance-registry-purge-props")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    let publicize = changes.visibility == Some(Visibility::Public);
    let is_admin = ctx.is_admin;
    let mut image = state
        .glint
        .update_image(&ctx, &id, publicize, |current| {
            changes.apply(current, is_admin, with_data, purge)
        })
        .await?;
    if with_data {
        // Glance checks the data against the size and checksum of the record (declared at
        // reserve time or in this request); a size of 0 means "not declared".
        let check = UploadCheck {
            size: meta
                .int("size")?
                .flatten()
                .or(image.size)
                .filter(|s| *s > 0),
            checksum: meta.text("checksum").flatten().or(image.checksum.clone()),
            failure_status: ImageStatus::Killed,
            record_virtual_size: false,
        };
        image = state
            .glint
            .upload(&ctx, &id, body.into_data_stream(), check)
            .await?;
    }
    let mut response =
        axum::Json(serde_json::json!({ "image": wire::image_detail(&image) })).into_response();
    etag(&mut response, &image);
    Ok(response)
}

/// `DELETE /v1/images/{id}`: 200 with an empty body (as Glance's code, not its api-ref's 204).
pub async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    ImageIdPath(id): ImageIdPath,
) -> Result<Response, ApiError> {
    state.glint.delete_image(&ctx, &id).await?;
    Ok(empty_webob_ok())
}

/// 200 with an empty body and WebOb's default `Content-Type` (transcript blocks 3 and 50).
fn empty_webob_ok() -> Response {
    let mut response = StatusCode::OK.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    response
}

/// Metadata fields of a v1 request, validated, ready to apply to an image.
#[derive(Debug, Clone, Default)]
pub(crate) struct MetadataChanges {
    name: Option<Option<String>>,
    disk_format: Option<Option<String>>,
    container_format: Option<Option<String>>,
    visibility: Option<Visibility>,
    owner: Option<Option<String>>,
    size: Option<Option<i64>>,
    virtual_size: Option<Option<i64>>,
    checksum: Option<Option<String>>,
    min_disk: Option<i64>,
    min_ram: Option<i64>,
    protected: Option<bool>,
    status: Option<Option<String>>,
    id: Option<Option<String>>,
    properties: BTreeMap<String, Option<String>>,
}

impl MetadataChanges {
    pub(crate) fn from_meta(meta: &V1Meta) -> Result<Self, ApiError> {
        meta.validate_times()?;
        let name = meta.text("name");
        if let Some(Some(n)) = &name {
            let len = n.chars().count();
            if len > 255 {
                return Err(ApiError::bad_request(format!("Image name too long: {len}")));
            }
        }
        let checksum = meta.text("checksum");
        if let Some(Some(c)) = &checksum
            && c.len() > 32
        {
            return Err(ApiError::bad_request(format!(
                "Invalid checksum '{c}': can't exceed 32 characters"
            )));
        }
        let mut disk_format = meta.text("disk_format");
        let mut container_format = meta.text("container_format");
        validate_formats(&mut disk_format, &mut container_format)?;
        Ok(Self {
            name,
            disk_format,
            container_format,
            visibility: meta.flag("is_public").map(|public| {
                // v1 `is_public=false` stores `shared`, whatever the visibility was (§2.3).
                if public {
                    Visibility::Public
                } else {
                    Visibility::Shared
                }
            }),
            owner: meta.text("owner"),
            size: meta.int("size")?,
            virtual_size: meta.int("virtual_size")?,
            checksum,
            min_disk: meta.int("min_disk")?.map(|v| v.unwrap_or(0)),
            min_ram: meta.int("min_ram")?.map(|v| v.unwrap_or(0)),
            protected: meta.flag("protected"),
            status: meta.text("status"),
            id: meta.text("id"),
            properties: meta.properties.clone(),
        })
    }

    /// The updated record, or Glance's refusal (v1-images §5.5).
    pub(crate) fn apply(
        &self,
        current: &Image,
        is_admin: bool,
        with_data: bool,
        purge: bool,
    ) -> Result<Image, glint_service::ServiceError> {
        use glint_service::ServiceError;
        for (key, sent, now) in [
            ("status", &self.status, current.status.as_str()),
            ("id", &self.id, current.id.as_str()),
        ] {
            if sent.as_ref().is_some_and(|v| v.as_deref() != Some(now)) {
                return Err(ServiceError::Forbidden(format!(
                    "Forbidden to modify '{key}' of image."
                )));
            }
        }
        let locked = matches!(
            current.status,
            ImageStatus::Active | ImageStatus::Deactivated
        );
        if locked && !is_admin {
            let size_changes = self.size.is_some_and(|s| s != current.size);
            let checksum_changes = self
                .checksum
                .as_ref()
                .is_some_and(|c| c.as_deref() != current.checksum.as_deref());
            for (key, changes) in [("size", size_changes), ("checksum", checksum_changes)] {
                if changes {
                    return Err(ServiceError::Forbidden(format!(
                        "Forbidden to modify '{key}' of {} image.",
                        current.status.as_str()
                    )));
                }
            }
        }
        if with_data && current.status != ImageStatus::Queued {
            return Err(ServiceError::UploadToUnqueuedImage);
        }
        let mut image = current.clone();
        if let Some(v) = &self.name {
            image.name = v.clone();
        }
        if let Some(v) = &self.disk_format {
            image.disk_format = v.clone();
        }
        if let Some(v) = &self.container_format {
            image.container_format = v.clone();
        }
        if with_data {
            require_formats(
                image.disk_format.as_deref(),
                image.container_format.as_deref(),
            )
            .map_err(|e| ServiceError::BadRequest(e.explanation.unwrap_or_default()))?;
        }
        if let Some(v) = self.visibility {
            image.visibility = v;
        }
        if let (Some(owner), true) = (&self.owner, is_admin) {
            // Non-admins' owner headers are dropped silently (v1-images §2.2).
            image.owner = owner.clone().filter(|o| !o.is_empty());
        }
        if !with_data {
            if let Some(v) = self.size {
                image.size = v;
            }
            if let Some(v) = &self.checksum {
                image.checksum = v.clone();
            }
        }
        if let Some(v) = self.virtual_size {
            image.virtual_size = v;
        }
        if let Some(v) = self.min_disk {
            image.min_disk = v;
        }
        if let Some(v) = self.min_ram {
            image.min_ram = v;
        }
        if let Some(v) = self.protected {
            image.protected = v;
        }
        if purge {
            image.properties.clear();
        }
        for (key, value) in &self.properties {
            match value {
                Some(v) => image.properties.insert(key.clone(), v.clone()),
                None => image.properties.remove(key),
            };
        }
        Ok(image)
    }
}

pub(crate) fn new_image(meta: &V1Meta) -> Result<NewImage, ApiError> {
    let changes = MetadataChanges::from_meta(meta)?;
    let id = match meta.text("id").flatten() {
        Some(raw) => Some(ImageId::verbatim(&raw).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Failed to reserve image. Got error: Invalid image id format: {raw}"
            ))
        })?),
        None => None,
    };
    Ok(NewImage {
        id,
        name: changes.name.flatten(),
        disk_format: changes.disk_format.flatten(),
        container_format: changes.container_format.flatten(),
        visibility: changes.visibility,
        owner: changes.owner,
        size: changes.size.flatten(),
        virtual_size: changes.virtual_size.flatten(),
        checksum: changes.checksum.flatten(),
        min_disk: changes.min_disk.unwrap_or(0),
        min_ram: changes.min_ram.unwrap_or(0),
        protected: changes.protected.unwrap_or(false),
        properties: changes
            .properties
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect(),
        ..NewImage::default()
    })
}

/// Glance `_validate_format`: known formats; Amazon formats must pair up.
fn validate_formats(
    disk: &mut Option<Option<String>>,
    container: &mut Option<Option<String>>,
) -> Result<(), ApiError> {
    if let Some(Some(d)) = disk.as_ref()
        && !DISK_FORMATS.contains(&d.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "Invalid disk format '{d}' for image."
        )));
    }
    if let Some(Some(c)) = container.as_ref()
        && !CONTAINER_FORMATS.contains(&c.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "Invalid container format '{c}' for image."
        )));
    }
    let amazon = |v: &Option<Option<String>>| {
        v.as_ref()
            .and_then(|x| x.as_deref())
            .filter(|x| AMAZON_FORMATS.contains(x))
            .map(str::to_owned)
    };
    if let Some(d) = amazon(disk) {
        match container.as_ref().and_then(|c| c.as_deref()) {
            None => *container = Some(Some(d)),
            Some(c) if c == d => {}
            Some(_) => return Err(mixed_formats()),
        }
    } else if let Some(c) = amazon(container) {
        match disk.as_ref().and_then(|d| d.as_deref()) {
            None => *disk = Some(Some(c)),
            Some(d) if d == c => {}
            Some(_) => return Err(mixed_formats()),
        }
    }
    Ok(())
}

fn mixed_formats() -> ApiError {
    ApiError::bad_request(
        "Invalid mix of disk and container formats. When setting a disk or container format to \
         one of 'aki', 'ari', or 'ami', the container and disk formats must match.",
    )
}

pub(crate) fn require_formats(disk: Option<&str>, container: Option<&str>) -> Result<(), ApiError> {
    if disk.is_none() {
        return Err(ApiError::bad_request("Disk format is not specified."));
    }
    if container.is_none() {
        return Err(ApiError::bad_request("Container format is not specified."));
    }
    Ok(())
}

pub(crate) fn require_octet_stream(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if content_type.as_deref() != Some("application/octet-stream") {
        return Err(ApiError::bad_request(
            "Content-Type must be application/octet-stream",
        ));
    }
    Ok(())
}

/// Glance `ImageDeserializer`: a `Content-Length` or declared `x-image-meta-size` over
/// `image_size_cap` is refused before anything is stored (400, not 413).
pub(crate) fn check_size_cap(headers: &HeaderMap, meta: &V1Meta, cap: u64) -> Result<(), ApiError> {
    let declared = meta
        .int("size")?
        .flatten()
        .and_then(|s| u64::try_from(s).ok());
    if content_length(headers).is_some_and(|n| n > cap) || declared.is_some_and(|n| n > cap) {
        return Err(ApiError::bad_request(format!(
            "Denying attempt to upload image larger than {cap} bytes."
        )));
    }
    Ok(())
}

/// glint keeps image data only in its own store: locations and copy-from URLs (the
/// `x-glance-api-copy-from` header, or `x-image-meta-copy_from`) are refused (Glance answers the
/// same for schemes it has no store for).
pub(crate) fn reject_external_sources(headers: &HeaderMap, meta: &V1Meta) -> Result<(), ApiError> {
    if let Some(store) = meta.text("store").flatten()
        && store != "file"
    {
        return Err(ApiError::bad_request(format!(
            "Required store {store} is invalid"
        )));
    }
    let copy_from = headers.get("x-glance-api-copy-from").map(|v| {
        let v = String::from_utf8_lossy(v.as_bytes()).trim().to_owned();
        (!v.is_empty()).then_some(v)
    });
    for source in [meta.text("location"), copy_from, meta.text("copy_from")] {
        match source {
            None => {}
            Some(None) => return Err(ApiError::bad_request("External source should not be empty")),
            Some(Some(uri)) => {
                return Err(ApiError::bad_request(format!(
                    "External sources are not supported: '{uri}'"
                )));
            }
        }
    }
    Ok(())
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Data is present when `Content-Length > 0` or the body is chunked.
pub(crate) fn has_body(headers: &HeaderMap) -> bool {
    content_length(headers).is_some_and(|n| n > 0)
        || headers
            .get(header::TRANSFER_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn etag(response: &mut Response, image: &Image) {
    if let Some(v) = image
        .checksum
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        response.headers_mut().insert(header::ETAG, v);
    }
}
