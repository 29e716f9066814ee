//! Images v1 JSON shapes.

use glint_core::{Image, Membership};
use serde_json::{Value, json};

/// The full v1 image record (`/v1/images/detail`, create and update responses).
pub fn image_detail(image: &Image) -> Value {
    json!({
        "id": image.id.as_str(),
        "name": image.name,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "size": v1_size(image),
        "virtual_size": image.virtual_size,
        "checksum": image.checksum,
        "status": image.status.as_str(),
        "is_public": image.is_public(),
        "owner": image.owner,
        "min_disk": image.min_disk,
        "min_ram": image.min_ram,
        "protected": image.protected,
        "deleted": image.deleted,
        "created_at": image.created_at.to_v1(),
        "updated_at": image.updated_at.to_v1(),
        "deleted_at": image.deleted_at.map(|t| t.to_v1()),
        "properties": image.properties,
    })
}

/// The short v1 record of `/v1/images`.
pub fn image_summary(image: &Image) -> Value {
    json!({
        "id": image.id.as_str(),
        "name": image.name,
        "size": v1_size(image),
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "checksum": image.checksum,
    })
}

/// `{"members": [{"member_id", "can_share"}]}`.
pub fn members(rows: &[Membership]) -> Value {
    let members: Vec<Value> = rows
        .iter()
        .map(|m| json!({"member_id": m.member.as_str(), "can_share": m.can_share}))
        .collect();
    json!({ "members": members })
}

/// `{"shared_images": [{"image_id", "can_share"}]}`.
pub fn shared_images(rows: &[Membership]) -> Value {
    let images: Vec<Value> = rows
        .iter()
        .map(|m| json!({"image_id": m.image_id.as_str(), "can_share": m.can_share}))
        .collect();
    json!({ "shared_images": images })
}

/// v1 shows 0 for an image without a size (Glance `_reserve` stores 0).
pub fn v1_size(image: &Image) -> i64 {
    image.size.unwrap_or(0)
}
