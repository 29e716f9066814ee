//! The per-project storage quota (Glance's legacy `user_storage_quota`): the total bytes of a
//! project's images, checked before an upload, enforced while it streams, and checked again
//! once its size is known (Glance `glance/quota` `ImageProxy.set_data`).
//!
//! Guarantee under concurrency (the same as Glance's): an upload is refused when it would take
//! the project past its quota counting every image that is already stored; images still
//! uploading count nothing until they are stored. So concurrent uploads of one project can end
//! past the quota only when they complete at the same moment — between one upload's final
//! check and its commit — and then by at most the sizes of those racing uploads.

use crate::{Glint, ServiceError};
use glint_core::ImageId;

/// Parses Glance's `user_storage_quota` syntax: digits, optionally followed by `B`, `KB`, `MB`,
/// `GB` or `TB` without a space; the units are binary (Glance multiplies by `oslo_utils.units`
/// `Ki`, `Mi`, `Gi`, `Ti`). `0` means unlimited.
pub fn parse_storage_quota(text: &str) -> Result<u64, String> {
    let invalid = || format!("invalid value for user_storage_quota: {text:?}");
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err(invalid());
    }
    let shift = match unit {
        "" | "B" => 0,
        "KB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        _ => return Err(invalid()),
    };
    let value: u64 = digits.parse().map_err(|_| invalid())?;
    value
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("user_storage_quota is too large: {text:?}"))
}

impl Glint {
    /// Bytes `owner` may still store, or `None` when no quota applies (quota 0, or an image
    /// without owner). `except` is the image being uploaded, which does not count itself.
    pub(crate) async fn quota_remaining(
        &self,
        owner: Option<&str>,
        except: &ImageId,
    ) -> Result<Option<u64>, ServiceError> {
        let quota = self.limits.user_storage_quota;
        let Some(owner) = owner.filter(|_| quota > 0) else {
            return Ok(None);
        };
        let used = self.db.storage_usage(owner, except).await?;
        Ok(Some(quota.saturating_sub(used)))
    }
}

/// Glance `check_quota`: a known size must fit what remains; an unknown size is refused only
/// when nothing remains at all.
pub(crate) fn check(size: Option<u64>, remaining: u64) -> Result<(), ServiceError> {
    let fits = match size {
        Some(size) => size <= remaining,
        None => remaining > 0,
    };
    if fits {
        Ok(())
    } else {
        Err(ServiceError::StorageQuotaFull { size, remaining })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glance_quota_syntax_with_binary_units() {
        assert_eq!(parse_storage_quota("0"), Ok(0));
        assert_eq!(parse_storage_quota("1234"), Ok(1234));
        assert_eq!(parse_storage_quota("5B"), Ok(5));
        assert_eq!(parse_storage_quota("3KB"), Ok(3 * 1024));
        assert_eq!(parse_storage_quota("10GB"), Ok(10 << 30));
        assert_eq!(parse_storage_quota("2TB"), Ok(2 << 40));
        for bad in ["", "GB", "10 GB", "10gb", "10G", "-1", "1.5GB", "10PB"] {
            assert!(parse_storage_quota(bad).is_err(), "{bad:?}");
        }
        assert!(parse_storage_quota("99999999999TB").is_err());
    }

    #[test]
    fn unknown_sizes_pass_while_anything_remains() {
        assert!(check(None, 1).is_ok());
        assert!(check(None, 0).is_err());
        assert!(check(Some(0), 0).is_ok());
        assert!(check(Some(10), 10).is_ok());
        assert!(matches!(
            check(Some(11), 10),
            Err(ServiceError::StorageQuotaFull {
                size: Some(11),
                remaining: 10
            })
        ));
    }
}
