//! What an image's first bytes tell about its virtual size (Glance 33 records it after an
//! upload through its format inspector; glint reads the formats whose header carries it in a
//! fixed place).

/// Bytes of the image's head needed by [`virtual_size`].
pub const HEAD_LEN: usize = 32;

/// The virtual (guest-visible) size of an image of `disk_format` whose data is `size` bytes
/// and starts with `head`; `None` when glint cannot tell.
pub fn virtual_size(disk_format: Option<&str>, size: u64, head: &[u8]) -> Option<i64> {
    match disk_format? {
        // A raw disk is its own virtual size.
        "raw" => i64::try_from(size).ok(),
        // qcow2: magic `QFI\xfb`, then the virtual size as a big-endian u64 at offset 24.
        "qcow2" if head.len() >= 32 && head[..4] == *b"QFI\xfb" => {
            let bytes: [u8; 8] = head[24..32].try_into().ok()?;
            i64::try_from(u64::from_be_bytes(bytes)).ok()
        }
        _ => None,
    }
}

/// What the data's head says its format is, as far as glint can tell (`qcow2` or `raw`).
pub fn detect(head: &[u8]) -> &'static str {
    if head.len() >= 4 && head[..4] == *b"QFI\xfb" {
        "qcow2"
    } else {
        "raw"
    }
}

/// Glance 33 refuses data whose format is not the declared one; glint can tell for qcow2.
pub fn mismatch(disk_format: Option<&str>, head: &[u8]) -> Option<String> {
    let declared = disk_format?;
    let found = detect(head);
    (declared == "qcow2" && found != "qcow2")
        .then(|| format!("Image disk_format {declared} does not match stream data {found}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_qcow2() {
        assert_eq!(virtual_size(Some("raw"), 10, b""), Some(10));
        let mut head = b"QFI\xfb".to_vec();
        head.resize(24, 0);
        head.extend_from_slice(&(1u64 << 30).to_be_bytes());
        assert_eq!(virtual_size(Some("qcow2"), 200, &head), Some(1 << 30));
        assert_eq!(virtual_size(Some("qcow2"), 200, b"not qcow2"), None);
        assert_eq!(virtual_size(Some("iso"), 200, &head), None);
        assert_eq!(virtual_size(None, 200, &head), None);
        assert_eq!(mismatch(Some("qcow2"), &head), None);
        assert!(mismatch(Some("qcow2"), b"plain").is_some());
        assert_eq!(mismatch(Some("raw"), b"plain"), None);
    }
}
