//! The rule set in force: glint's built-in defaults as check strings, overridden rule by rule
//! by an operator's policy file (oslo.policy `Enforcer.load_rules`: file rules replace the
//! registered defaults of the same name, the others keep their defaults).
//!
//! Images v1 and v2 have different defaults for the same names (v1: Glance 15's
//! `etc/policy.json`, v1-images §1.4; v2: Glance's secure-RBAC defaults, v2-sharing §2.1,
//! DECISIONS D16), so a policy holds two rule sets; an override replaces the rule in both, as
//! one Glance policy file governed both APIs.

use super::check::{Check, CheckError};
use super::rbac::Target;
use crate::context::RequestContext;
use std::collections::HashMap;

/// Which API's defaults a rule is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    V1,
    V2,
}

/// Glance's `ADMIN_OR_PROJECT_MEMBER` (`glance/policies/base.py`).
const ADMIN_OR_PROJECT_MEMBER: &str =
    "rule:context_is_admin or (role:member and project_id:%(project_id)s)";
/// `ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER` (Glance writes it without the outer parentheses;
/// `and` binds tighter, so it means the same).
const ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER: &str = "rule:context_is_admin or role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)";

/// Every rule glint knows: its name, its Images v1 default and its Images v2 default.
/// `default` and `context_is_admin` are the two aliases Glance 33 registers (`base.py`; its
/// rules say `rule:context_is_admin` where the spec's table says "admin", so overriding that
/// alias changes who passes as admin in every v2 rule, as in Glance);
/// `add_member` on v1 is glint's addition (Glance 15's v1 checks only `modify_member` when a
/// member is added; its default `""` keeps that outcome unless an operator restricts it).
pub const RULES: &[(&str, &str, &str)] = &[
    ("default", "role:admin", ""),
    ("context_is_admin", "role:admin", "role:admin"),
    // ADMIN_OR_PROJECT_MEMBER_CREATE_IMAGE; the target's `owner` is the new image's owner.
    (
        "add_image",
        "",
        "rule:context_is_admin or (role:member and project_id:%(project_id)s and \
         project_id:%(owner)s)",
    ),
    // ADMIN_OR_PROJECT_READER_GET_IMAGE.
    (
        "get_image",
        "",
        "rule:context_is_admin or (role:reader and (project_id:%(project_id)s or project_id:%(member_id)s \
         or \"community\":%(visibility)s or \"public\":%(visibility)s \
         or \"shared\":%(visibility)s))",
    ),
    // Glance: ADMIN_OR_PROJECT_READER with the caller's own project as target, which always
    // matches (oslo.policy even compares a missing project with itself), so in effect a
    // reader role: glint writes it so, as missing values never match here.
    ("get_images", "", "rule:context_is_admin or role:reader"),
    ("modify_image", "", ADMIN_OR_PROJECT_MEMBER),
    ("publicize_image", "role:admin", "rule:context_is_admin"),
    ("communitize_image", "", ADMIN_OR_PROJECT_MEMBER),
    ("delete_image", "", ADMIN_OR_PROJECT_MEMBER),
    // ADMIN_OR_PROJECT_MEMBER_DOWNLOAD_IMAGE.
    (
        "download_image",
        "",
        "rule:context_is_admin or (role:member and (project_id:%(project_id)s or project_id:%(member_id)s \
         or \"community\":%(visibility)s or \"public\":%(visibility)s \
         or \"shared\":%(visibility)s))",
    ),
    ("upload_image", "", ADMIN_OR_PROJECT_MEMBER),
    ("deactivate", "", ADMIN_OR_PROJECT_MEMBER),
    ("reactivate", "", ADMIN_OR_PROJECT_MEMBER),
    ("add_member", "", ADMIN_OR_PROJECT_MEMBER),
    ("delete_member", "", ADMIN_OR_PROJECT_MEMBER),
    ("get_member", "", ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER),
    ("get_members", "", ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER),
    // ADMIN_OR_SHARED_MEMBER.
    (
        "modify_member",
        "",
        "rule:context_is_admin or (role:member and project_id:%(member_id)s)",
    ),
];

/// Why a policy cannot be loaded; every variant names the rule at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy rule `{rule}`: unknown rule name (glint knows: {known})")]
    UnknownRule { rule: String, known: String },
    #[error("policy rule `{rule}`: syntax error in `{text}`: {reason}")]
    Syntax {
        rule: String,
        text: String,
        reason: CheckError,
    },
    #[error("policy rule `{rule}`: refers to undefined rule `{reference}`")]
    UndefinedReference { rule: String, reference: String },
    #[error("policy rule `{rule}`: reference cycle {path}")]
    Cycle { rule: String, path: String },
}

/// One API's rules by name.
#[derive(Debug, Clone)]
struct RuleSet(HashMap<&'static str, Check>);

impl RuleSet {
    fn get(&self, name: &str) -> Option<&Check> {
        self.0.get(name)
    }

    fn allows(&self, rule: &str, ctx: &RequestContext, target: &Target<'_>) -> bool {
        // oslo.policy falls back to `default` for a rule it does not know; glint asks only
        // rules of `RULES`, so this is the same lookup.
        let Some(check) = self.get(rule).or_else(|| self.get("default")) else {
            return false;
        };
        check.allows(ctx, target, &|name| self.get(name))
    }

    /// Every `rule:` reference must name a rule of the set, and no rule may reach itself.
    fn validate(&self) -> Result<(), PolicyError> {
        for (name, check) in RULES.iter().filter_map(|(n, ..)| Some((*n, self.get(n)?))) {
            let mut undefined = None;
            check.references(&mut |r| {
                if undefined.is_none() && self.get(r).is_none() {
                    undefined = Some(r.to_owned());
                }
            });
            if let Some(reference) = undefined {
                return Err(PolicyError::UndefinedReference {
                    rule: name.to_owned(),
                    reference,
                });
            }
        }
        for (name, ..) in RULES {
            let mut path = vec![*name];
            self.find_cycle(&mut path)?;
        }
        Ok(())
    }

    /// Depth-first walk of the references from the last rule of `path`.
    fn find_cycle<'a>(&'a self, path: &mut Vec<&'a str>) -> Result<(), PolicyError> {
        let Some(last) = path.last().copied() else {
            return Ok(());
        };
        let Some(check) = self.get(last) else {
            return Ok(());
        };
        let mut next = Vec::new();
        check.references(&mut |r| next.push(r));
        for reference in next {
            if path.contains(&reference) {
                path.push(reference);
                return Err(PolicyError::Cycle {
                    rule: path[0].to_owned(),
                    path: path.join(" -> "),
                });
            }
            path.push(reference);
            self.find_cycle(path)?;
            path.pop();
        }
        Ok(())
    }
}

/// The rule set in force for both APIs. [`Policy::default`] is glint's built-in defaults.
#[derive(Debug, Clone)]
pub struct Policy {
    v1: RuleSet,
    v2: RuleSet,
}

impl Default for Policy {
    fn default() -> Self {
        // The defaults are constants, proven to parse and validate by the tests; an
        // override-free load cannot fail.
        Self::with_overrides(std::iter::empty::<(&str, &str)>())
            .unwrap_or_else(|e| panic!("built-in policy defaults are invalid: {e}"))
    }
}

impl Policy {
    /// The built-in defaults with `overrides` (rule name → check string) replacing the rules
    /// they name. Unknown names, unparsable strings, references to undefined rules and
    /// reference cycles are errors naming the rule.
    pub fn with_overrides<N: AsRef<str>, T: AsRef<str>>(
        overrides: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Self, PolicyError> {
        let parse = |rule: &str, text: &str| {
            Check::parse(text).map_err(|reason| PolicyError::Syntax {
                rule: rule.to_owned(),
                text: text.to_owned(),
                reason,
            })
        };
        let mut v1 = HashMap::new();
        let mut v2 = HashMap::new();
        for (name, d1, d2) in RULES {
            v1.insert(*name, parse(name, d1)?);
            v2.insert(*name, parse(name, d2)?);
        }
        for (name, text) in overrides {
            let (name, text) = (name.as_ref(), text.as_ref());
            let Some((known, ..)) = RULES.iter().find(|(n, ..)| *n == name) else {
                return Err(PolicyError::UnknownRule {
                    rule: name.to_owned(),
                    known: RULES
                        .iter()
                        .map(|(n, ..)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            let check = parse(name, text)?;
            v1.insert(*known, check.clone());
            v2.insert(*known, check);
        }
        let policy = Self {
            v1: RuleSet(v1),
            v2: RuleSet(v2),
        };
        policy.v1.validate()?;
        policy.v2.validate()?;
        Ok(policy)
    }

    /// Does `rule` of `api` allow `ctx` on `target`?
    pub fn allows(&self, api: Api, rule: &str, ctx: &RequestContext, target: &Target<'_>) -> bool {
        match api {
            Api::V1 => self.v1.allows(rule, ctx, target),
            Api::V2 => self.v2.allows(rule, ctx, target),
        }
    }
}

#[cfg(test)]
mod tests;
