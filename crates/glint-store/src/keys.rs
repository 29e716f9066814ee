//! Blob keys: where an image's bytes live inside the store (`images/<image id>/<upload id>`).
//! Ids reaching here were validated (hex digits and hyphens), but the key does not rely on it:
//! every id becomes exactly one key segment made of `[A-Za-z0-9_-]`, so no id — `..`, `/`,
//! `%2F`, unicode, thousands of characters — can name a key outside `images/<that id>/`, and two
//! different ids never share a key (RELIABILITY.md §6; proven in `tests.rs`).

/// The directory (S3: key prefix) holding every image's bytes.
pub const IMAGES_PREFIX: &str = "images";

/// The key of one upload of an image's data.
pub fn image_blob_key(image_id: &str, upload_id: &str) -> String {
    format!(
        "{IMAGES_PREFIX}/{}/{}",
        key_segment(image_id),
        key_segment(upload_id)
    )
}

/// `raw` as one key segment, injectively: ASCII letters, digits and `-` stay as they are (so a
/// UUID is its own segment), every other byte becomes `_XX` (upper-case hex), and the empty
/// string becomes a lone `_`.
pub fn key_segment(raw: &str) -> String {
    if raw.is_empty() {
        return "_".to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("_{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
