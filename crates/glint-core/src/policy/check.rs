//! oslo.policy check strings (the part of the language Glance's rules use): parsing into a
//! [`Check`] tree and evaluating it against a caller and a [`Target`].
//!
//! Grammar and semantics follow oslo.policy `_parser.py` and `_checks.py`:
//! - tokens are split on whitespace; leading `(` and trailing `)` of a token are tokens of
//!   their own; `and`, `or`, `not` are keywords in any case;
//! - `not` binds tighter than `and`, which binds tighter than `or` (the shift-reduce parser's
//!   reductions give exactly this precedence); parentheses group;
//! - `@` always passes, `!` never, the empty string always;
//! - `rule:NAME` evaluates another rule; `role:NAME` compares case-insensitively with the
//!   caller's roles; any other `kind:match` is a generic check: `match` is interpolated with
//!   the target (`%(attr)s`), `kind` is either a Python literal (`"public"`, `True`) compared
//!   with it, or a credential of the caller (`project_id`, `user_id`, `is_admin`, `roles`).
//!
//! Two deliberate differences: oslo.policy logs "Failed to understand rule" and denies when a
//! string does not parse, glint refuses to start (the rule is named in [`CheckError`]); and a
//! missing value never matches, where oslo.policy compares `str(None)` with `str(None)` and so
//! lets a project-less caller "own" an owner-less image.

use super::rbac::Target;
use crate::context::RequestContext;

/// One parsed check string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// `@`, or the empty string.
    Always,
    /// `!`.
    Never,
    Not(Box<Check>),
    And(Vec<Check>),
    Or(Vec<Check>),
    /// `rule:NAME`.
    Rule(String),
    /// `role:NAME` (the name may interpolate the target).
    Role(Pattern),
    /// `kind:match`.
    Generic {
        kind: Kind,
        pattern: Pattern,
    },
}

/// The left side of a generic check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A Python literal (`"public"`, `'shared'`, `True`, `42`), as `str()` prints it.
    Literal(String),
    /// A credential of the caller (oslo.policy: a key of `context.to_policy_values()`).
    Credential(String),
}

/// The right side of a check: literal text and `%(attr)s` references to the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Attr(String),
}

/// Why a check string does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error(
        "cannot understand `{0}` (expected `kind:match`, `@`, `!`, `and`, `or`, `not` or parentheses)"
    )]
    BadToken(String),
    #[error("unsupported interpolation in `{0}` (only `%(name)s` and `%%`)")]
    BadInterpolation(String),
    #[error("unbalanced parentheses")]
    Parentheses,
    #[error("an operand is missing")]
    MissingOperand,
    #[error("unexpected `{0}`")]
    Unexpected(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Check(Check),
}

impl Check {
    /// Parses one check string.
    pub fn parse(text: &str) -> Result<Check, CheckError> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Ok(Check::Always);
        }
        let mut parser = Parser { tokens, at: 0 };
        let check = parser.or_expr()?;
        match parser.tokens.get(parser.at) {
            None => Ok(check),
            Some(Token::Close) => Err(CheckError::Parentheses),
            Some(other) => Err(CheckError::Unexpected(describe(other))),
        }
    }

    /// Calls `visit` with the name of every `rule:` reference in this check.
    pub fn references<'a>(&'a self, visit: &mut impl FnMut(&'a str)) {
        match self {
            Check::Rule(name) => visit(name),
            Check::Not(inner) => inner.references(visit),
            Check::And(all) | Check::Or(all) => all.iter().for_each(|c| c.references(visit)),
            Check::Always | Check::Never | Check::Role(_) | Check::Generic { .. } => {}
        }
    }

    /// Evaluates this check; `rule` resolves `rule:` references (unknown names deny, as
    /// oslo.policy's `RuleCheck` does on a `KeyError`).
    pub fn allows<'r>(
        &self,
        ctx: &RequestContext,
        target: &Target<'_>,
        rule: &impl Fn(&str) -> Option<&'r Check>,
    ) -> bool {
        match self {
            Check::Always => true,
            Check::Never => false,
            Check::Not(inner) => !inner.allows(ctx, target, rule),
            Check::And(all) => all.iter().all(|c| c.allows(ctx, target, rule)),
            Check::Or(any) => any.iter().any(|c| c.allows(ctx, target, rule)),
            Check::Rule(name) => rule(name).is_some_and(|c| c.allows(ctx, target, rule)),
            Check::Role(pattern) => ctx
                .roles
                .iter()
                .any(|role| pattern.matches(target, role, true)),
            Check::Generic { kind, pattern } => match kind {
                Kind::Literal(value) => pattern.matches(target, value, false),
                Kind::Credential(name) => credential_matches(ctx, name, target, pattern),
            },
        }
    }
}

/// `GenericCheck` on a credential: the caller's value, `str()`-ed, equals the interpolated
/// match; a list credential (`roles`) matches when any element does. Unknown credentials deny.
fn credential_matches(
    ctx: &RequestContext,
    name: &str,
    target: &Target<'_>,
    pattern: &Pattern,
) -> bool {
    let single = |value: Option<&str>| value.is_some_and(|v| pattern.matches(target, v, false));
    match name {
        "project_id" | "tenant" => single(ctx.project_id.as_deref()),
        "user_id" | "user" => single(ctx.user_id.as_deref()),
        // Python's str(True) / str(False).
        "is_admin" => single(Some(if ctx.is_admin { "True" } else { "False" })),
        "roles" => ctx
            .roles
            .iter()
            .any(|role| pattern.matches(target, role, false)),
        _ => false,
    }
}

impl Pattern {
    fn parse(raw: &str) -> Result<Pattern, CheckError> {
        let mut segments = Vec::new();
        let mut text = String::new();
        let mut rest = raw;
        while let Some(at) = rest.find('%') {
            text.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            if let Some(tail) = after.strip_prefix('%') {
                text.push('%');
                rest = tail;
            } else if let Some(open) = after.strip_prefix('(') {
                let (name, tail) = open
                    .split_once(")s")
                    .ok_or_else(|| CheckError::BadInterpolation(raw.to_owned()))?;
                if name.is_empty() || name.contains(['(', ')', '%']) {
                    return Err(CheckError::BadInterpolation(raw.to_owned()));
                }
                if !text.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut text)));
                }
                segments.push(Segment::Attr(name.to_owned()));
                rest = tail;
            } else {
                return Err(CheckError::BadInterpolation(raw.to_owned()));
            }
        }
        text.push_str(rest);
        if !text.is_empty() || segments.is_empty() {
            segments.push(Segment::Text(text));
        }
        Ok(Pattern(segments))
    }

    /// Does the pattern, interpolated with `target`, equal `value`? Compares piece by piece
    /// without building the interpolated string; a target attribute without a value never
    /// matches (oslo.policy: `KeyError` → `False`).
    fn matches(&self, target: &Target<'_>, value: &str, ignore_case: bool) -> bool {
        let mut rest = value;
        for segment in &self.0 {
            let piece = match segment {
                Segment::Text(text) => text.as_str(),
                Segment::Attr(name) => match target.attr(name) {
                    Some(v) => v,
                    None => return false,
                },
            };
            let Some(head) = rest.get(..piece.len()) else {
                return false;
            };
            let same = if ignore_case {
                head.eq_ignore_ascii_case(piece)
            } else {
                head == piece
            };
            if !same {
                return false;
            }
            rest = &rest[piece.len()..];
        }
        rest.is_empty()
    }
}

/// `_parse_tokenize`: whitespace-separated tokens, parentheses peeled off their ends.
fn tokenize(text: &str) -> Result<Vec<Token>, CheckError> {
    let mut tokens = Vec::new();
    for raw in text.split_whitespace() {
        let clean = raw.trim_start_matches('(');
        tokens.extend(std::iter::repeat_n(Token::Open, raw.len() - clean.len()));
        if clean.is_empty() {
            continue;
        }
        let body = clean.trim_end_matches(')');
        let closing = clean.len() - body.len();
        if !body.is_empty() {
            tokens.push(match body.to_ascii_lowercase().as_str() {
                "and" => Token::And,
                "or" => Token::Or,
                "not" => Token::Not,
                _ => Token::Check(parse_check(body)?),
            });
        }
        tokens.extend(std::iter::repeat_n(Token::Close, closing));
    }
    Ok(tokens)
}

/// `_parse_check`: one `kind:match` token, `@` or `!`.
fn parse_check(token: &str) -> Result<Check, CheckError> {
    match token {
        "@" => return Ok(Check::Always),
        "!" => return Ok(Check::Never),
        _ => {}
    }
    let (kind, matched) = token
        .split_once(':')
        .ok_or_else(|| CheckError::BadToken(token.to_owned()))?;
    if kind.is_empty() {
        return Err(CheckError::BadToken(token.to_owned()));
    }
    Ok(match kind {
        // `RuleCheck` does not interpolate its name.
        "rule" => Check::Rule(matched.to_owned()),
        "role" => Check::Role(Pattern::parse(matched)?),
        _ => Check::Generic {
            kind: literal(kind)
                .map(Kind::Literal)
                .unwrap_or_else(|| Kind::Credential(kind.to_owned())),
            pattern: Pattern::parse(matched)?,
        },
    })
}

/// `ast.literal_eval(kind)` for the literals a check uses, as `str()` prints them.
fn literal(kind: &str) -> Option<String> {
    let quoted = |q: char| {
        kind.len() >= 2
            && kind.starts_with(q)
            && kind.ends_with(q)
            && !kind[1..kind.len() - 1].contains(q)
    };
    if quoted('"') || quoted('\'') {
        return Some(kind[1..kind.len() - 1].to_owned());
    }
    match kind {
        "True" | "False" | "None" => Some(kind.to_owned()),
        _ if kind.bytes().all(|b| b.is_ascii_digit())
            && (kind == "0" || !kind.starts_with('0')) =>
        {
            Some(kind.to_owned())
        }
        _ => None,
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "(".into(),
        Token::Close => ")".into(),
        Token::And => "and".into(),
        Token::Or => "or".into(),
        Token::Not => "not".into(),
        Token::Check(_) => "a check where an operator was expected".into(),
    }
}

/// Recursive descent with the precedence of oslo.policy's reductions: or < and < not.
struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next_is(&self, token: &Token) -> bool {
        self.tokens.get(self.at) == Some(token)
    }

    fn or_expr(&mut self) -> Result<Check, CheckError> {
        let mut all = vec![self.and_expr()?];
        while self.next_is(&Token::Or) {
            self.at += 1;
            all.push(self.and_expr()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Check::Or(all)
        })
    }

    fn and_expr(&mut self) -> Result<Check, CheckError> {
        let mut all = vec![self.unary()?];
        while self.next_is(&Token::And) {
            self.at += 1;
            all.push(self.unary()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Check::And(all)
        })
    }

    fn unary(&mut self) -> Result<Check, CheckError> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        match token {
            Some(Token::Not) => Ok(Check::Not(Box::new(self.unary()?))),
            Some(Token::Check(check)) => Ok(check),
            Some(Token::Open) => {
                let inner = self.or_expr()?;
                if self.next_is(&Token::Close) {
                    self.at += 1;
                    Ok(inner)
                } else {
                    Err(CheckError::Parentheses)
                }
            }
            Some(Token::Close) => Err(CheckError::Parentheses),
            Some(other) => Err(CheckError::Unexpected(describe(&other))),
            None => Err(CheckError::MissingOperand),
        }
    }
}

#[cfg(test)]
mod tests;
