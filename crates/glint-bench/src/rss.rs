//! The server's peak resident memory, from the kernel: `VmHWM` in `/proc/PID/status`, summed
//! over the process and its descendants (Glance runs as a uWSGI master plus workers; glint is one
//! process, so for glint this is exactly its peak).

use std::fs;

/// Peak RSS in MiB of `pid` and every process below it, or `None` when `pid` is gone.
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let mut total_kib = hwm_kib(pid)?;
    for child in descendants(pid) {
        total_kib += hwm_kib(child).unwrap_or(0);
    }
    Some(total_kib as f64 / 1024.0)
}

/// Current RSS in MiB of `pid` and its descendants (`VmRSS`).
pub fn rss_mib(pid: u32) -> Option<f64> {
    let mut total_kib = field_kib(pid, "VmRSS:")?;
    for child in descendants(pid) {
        total_kib += field_kib(child, "VmRSS:").unwrap_or(0);
    }
    Some(total_kib as f64 / 1024.0)
}

fn hwm_kib(pid: u32) -> Option<u64> {
    field_kib(pid, "VmHWM:")
}

fn field_kib(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Every process whose ancestry reaches `root` (from `/proc/*/stat` parent ids).
fn descendants(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(ppid) = parent_of(pid) {
                parents.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_peak() {
        let me = std::process::id();
        // Current first: memory may grow between the two reads, and the peak never shrinks.
        let now = rss_mib(me).expect("own status");
        let peak = peak_rss_mib(me).expect("own status");
        assert!(peak >= now && now > 0.0, "peak {peak} now {now}");
    }
}
