//! `openapi/glint.yaml` (the description the HTTP fuzz pass runs from) lists exactly the routes
//! glint serves: read from the router's source, and confirmed by the running server.

use crate::helpers::{send, spawn_app};
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The paths under `paths:` in the OpenAPI document (two-space indented keys).
fn described_paths() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join("openapi/glint.yaml")).expect("spec");
    let mut in_paths = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') && !line.is_empty() {
            in_paths = line.trim_end() == "paths:";
            continue;
        }
        if in_paths
            && let Some(key) = line.strip_prefix("  /")
            && let Some(path) = key.trim_end().strip_suffix(':')
        {
            out.insert(format!("/{path}"));
        }
    }
    out
}

/// The string literals passed to `.route(` in `source`.
fn route_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = rest[at + ".route(".len()..].trim_start();
        if let Some(literal) = rest.strip_prefix('"')
            && let Some(end) = literal.find('"')
        {
            out.push(literal[..end].to_owned());
        }
    }
    out
}

/// Every path the router serves, from `crates/glint-api/src`: routes in `v1/` are nested under
/// `/v1`, those in `v2/` under `/v2`, the rest at the top. The version aliases (`/v1.0`, `/v1.1`,
/// `/v2.N`) serve the same routers and are left out, as the document says.
fn routed_paths() -> BTreeSet<String> {
    let src = repo_root().join("crates/glint-api/src");
    let mut out = BTreeSet::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).expect("inside src");
            let prefix = match relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
            {
                Some("v1") => "/v1",
                Some("v2") => "/v2",
                _ => "",
            };
            let source = std::fs::read_to_string(&path).expect("source");
            for literal in route_literals(&source) {
                if literal.starts_with("/v1.") || literal.starts_with("/v2.") {
                    continue;
                }
                let full = if literal == "/" && !prefix.is_empty() {
                    prefix.to_owned()
                } else {
                    format!("{prefix}{literal}")
                };
                out.insert(full);
            }
        }
    }
    out
}

#[test]
fn every_route_is_described() {
    let described = described_paths();
    let routed = routed_paths();
    assert!(routed.len() >= 25, "the scan found the router: {routed:?}");
    let missing: Vec<_> = routed.difference(&described).collect();
    assert!(
        missing.is_empty(),
        "routes missing from openapi/glint.yaml: {missing:?}"
    );
    let extra: Vec<_> = described.difference(&routed).collect();
    assert!(
        extra.is_empty(),
        "openapi/glint.yaml describes unrouted paths: {extra:?}"
    );
}

/// The server itself knows every described path: a method no route takes answers 405 (or the
/// route's own answer), never the 404 of an unknown path.
#[tokio::test]
async fn every_described_path_is_routed() {
    let app = spawn_app().await;
    let admin = app.admin();
    for path in described_paths() {
        let concrete = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "x"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        // `/v2/info/usage` takes every method and answers 404 to all but GET, as Glance.
        let mut status = send(admin.request(Method::TRACE, &concrete)).await.status();
        if status == StatusCode::NOT_FOUND {
            status = send(admin.get(&concrete)).await.status();
        }
        assert_ne!(
            status,
            StatusCode::NOT_FOUND,
            "{concrete} (described as {path}) is not routed"
        );
    }
}
