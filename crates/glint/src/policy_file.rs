//! The operator's policy file (`[policy] file`): a YAML mapping of rule name → check string,
//! as Glance's `policy.yaml`; JSON is accepted too, as oslo.policy does (`yaml.safe_load` reads
//! both). Its rules override glint's built-in defaults one by one (`glint_core::policy`).

use glint_core::policy::{Policy, PolicyError};
use std::path::Path;

/// Why the policy file cannot be used; every message names the file, and the rule when one is
/// at fault.
#[derive(Debug, thiserror::Error)]
pub enum PolicyFileError {
    // The causes are part of the message, not `source()`s, so that `{:#}` prints them once.
    #[error("policy file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error(
        "policy file {path}: not a YAML or JSON mapping of rule names to check strings: {reason}"
    )]
    Format { path: String, reason: String },
    #[error("policy file {path}: policy rule `{rule}`: the check string must be a string")]
    NotAString { path: String, rule: String },
    #[error("policy file {path}: {error}")]
    Rule { path: String, error: PolicyError },
}

/// The policy in force: the built-in defaults, overridden by `file` when one is configured.
pub fn load(file: Option<&Path>) -> Result<Policy, PolicyFileError> {
    let Some(path) = file else {
        return Ok(Policy::default());
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| PolicyFileError::Read {
        path: shown.clone(),
        error,
    })?;
    parse(&shown, &text)
}

/// Parses the text of a policy file named `path` (for messages).
pub fn parse(path: &str, text: &str) -> Result<Policy, PolicyFileError> {
    let format = |reason: String| PolicyFileError::Format {
        path: path.to_owned(),
        reason,
    };
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| format(e.to_string()))?;
    let rules = match value {
        // An empty file (or one of comments only) overrides nothing, as oslo.policy.
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        serde_yaml::Value::Mapping(rules) => rules,
        other => return Err(format(format!("found {}", kind(&other)))),
    };
    let mut overrides = Vec::with_capacity(rules.len());
    for (name, check) in rules {
        let serde_yaml::Value::String(name) = name else {
            return Err(format(format!("a rule name is {}", kind(&name))));
        };
        let check = match check {
            serde_yaml::Value::String(check) => check,
            // oslo.policy also reads its old list syntax, and takes null (`rule:` with nothing
            // after it) or an empty list as "always": glint accepts strings only, so that a
            // forgotten value never silently allows everybody.
            _ => {
                return Err(PolicyFileError::NotAString {
                    path: path.to_owned(),
                    rule: name,
                });
            }
        };
        overrides.push((name, check));
    }
    Policy::with_overrides(overrides).map_err(|error| PolicyFileError::Rule {
        path: path.to_owned(),
        error,
    })
}

fn kind(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "null",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a string",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glint_core::RequestContext;
    use glint_core::policy::Api;
    use glint_core::policy::rbac::Target;

    fn member() -> RequestContext {
        RequestContext::authenticated(None, Some("p".into()), ["member".to_owned()])
    }

    #[test]
    fn yaml_and_json_files_override_rules() {
        for text in [
            "# ops only\n\"add_member\": \"role:admin\"\n",
            "{\"add_member\": \"role:admin\"}",
        ] {
            let policy = parse("p.yaml", text).map_err(|e| e.to_string());
            assert!(
                policy.as_ref().is_ok_and(|p| !p.allows(
                    Api::V1,
                    "add_member",
                    &member(),
                    &Target::none()
                )),
                "{text}: {policy:?}"
            );
        }
    }

    #[test]
    fn empty_files_keep_the_defaults() {
        let policy = parse("p.yaml", "# nothing\n").map_err(|e| e.to_string());
        assert!(
            policy.as_ref().is_ok_and(|p| p.allows(
                Api::V1,
                "add_member",
                &member(),
                &Target::none()
            )),
            "{policy:?}"
        );
    }

    #[test]
    fn errors_name_the_file_and_the_rule() {
        let message = |text: &str| {
            parse("/etc/glint/policy.yaml", text)
                .err()
                .map(|e| e.to_string())
        };
        let syntax = message("get_members: \"role:admin or\"\n").unwrap_or_default();
        assert!(
            syntax.contains("/etc/glint/policy.yaml") && syntax.contains("`get_members`"),
            "{syntax}"
        );
        let unknown = message("get_membres: \"@\"\n").unwrap_or_default();
        assert!(
            unknown.contains("`get_membres`") && unknown.contains("unknown rule"),
            "{unknown}"
        );
        let not_a_string = message("get_members: [\"@\"]\n").unwrap_or_default();
        assert!(not_a_string.contains("`get_members`"), "{not_a_string}");
        let list = message("- \"@\"\n").unwrap_or_default();
        assert!(list.contains("found a list"), "{list}");
        assert!(message("a: [unclosed\n").is_some());
    }
}
