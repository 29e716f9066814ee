//! What the store holds, for the scrub: every blob with its age, staging files of interrupted
//! local uploads included, and removal of a blob together with such staging files.
//!
//! object_store's local back end writes an upload to `<key>#<n>` and renames it into place on
//! completion; its listing hides those names. A process killed mid-upload leaves one behind, so
//! the local inventory walks the directory itself. On S3 an interrupted multipart upload is not
//! an object at all (nothing to list); the bucket's `AbortIncompleteMultipartUpload` lifecycle
//! rule removes its parts (see RELIABILITY.md).

use crate::BlobStore;
use crate::error::StoreError;
use futures::TryStreamExt;
use object_store::path::Path;
use std::path::PathBuf;
use std::time::SystemTime;

/// One blob in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobEntry {
    /// The key as image locations name it (a staging file is reported under its final key).
    pub key: String,
    /// When it was last written.
    pub modified: SystemTime,
}

impl BlobStore {
    /// Every blob under `prefix` (e.g. `images/`), staging files of local uploads included.
    pub async fn inventory(&self, prefix: &str) -> Result<Vec<BlobEntry>, StoreError> {
        if let Some(dir) = self.local_dir.clone() {
            let prefix = prefix.to_owned();
            return tokio::task::spawn_blocking(move || local_inventory(&dir, &prefix))
                .await
                .map_err(|e| StoreError::Backend(e.to_string()))?;
        }
        let prefix = (!prefix.is_empty()).then(|| Path::from(prefix));
        self.inner
            .list(prefix.as_ref())
            .map_ok(|meta| BlobEntry {
                key: meta.location.to_string(),
                modified: meta.last_modified.into(),
            })
            .try_collect()
            .await
            .map_err(StoreError::backend)
    }

    /// Removes the blob at `key` and, on the local store, any staging file of an upload to it
    /// that was interrupted. Missing files are not an error.
    pub async fn purge(&self, key: &str) -> Result<(), StoreError> {
        self.delete(key).await?;
        let Some(dir) = self.local_dir.clone() else {
            return Ok(());
        };
        let key = key.to_owned();
        tokio::task::spawn_blocking(move || remove_staging_files(&dir, &key))
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?
    }
}

/// The final key of a (possibly staging) file name: `a/b#3` → `a/b`.
fn final_key(relative: &str) -> &str {
    match relative.rsplit_once('#') {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => relative,
    }
}

fn local_inventory(dir: &std::path::Path, prefix: &str) -> Result<Vec<BlobEntry>, StoreError> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(StoreError::Backend(format!("{}: {e}", current.display()))),
        };
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::Backend(e.to_string()))?;
            let path = entry.path();
            let meta = match entry.metadata() {
                Ok(meta) => meta,
                // Removed between the listing and now (an upload finished or a delete ran).
                Err(_) => continue,
            };
            if meta.is_dir() {
                pending.push(path);
                continue;
            }
            let Some(relative) = path.strip_prefix(dir).ok().and_then(|p| p.to_str()) else {
                continue;
            };
            let key = final_key(relative);
            if key.starts_with(prefix) {
                out.push(BlobEntry {
                    key: key.to_owned(),
                    modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                });
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out.dedup_by(|a, b| a.key == b.key);
    Ok(out)
}

fn remove_staging_files(dir: &std::path::Path, key: &str) -> Result<(), StoreError> {
    let path: PathBuf = dir.join(key);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
    else {
        return Ok(());
    };
    let entries = match std::fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::Backend(e.to_string())),
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        if file != name && final_key(file) == name {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::Backend(e.to_string())),
            }
        }
    }
    // The per-image directory is left empty behind a removed blob; a failed removal (another
    // blob, or a new upload, is in it) is fine.
    let _ = std::fs::remove_dir(parent);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::final_key;

    #[test]
    fn staging_files_map_to_their_final_key() {
        assert_eq!(final_key("images/a/b#1"), "images/a/b");
        assert_eq!(final_key("images/a/b#12"), "images/a/b");
        assert_eq!(final_key("images/a/b"), "images/a/b");
        assert_eq!(final_key("images/a/b#x"), "images/a/b#x");
        assert_eq!(final_key("images/a/b#"), "images/a/b#");
    }
}
