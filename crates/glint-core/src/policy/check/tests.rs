//! The check-string language: parsing (oslo.policy `_parser.py` grammar) and evaluation
//! (`_checks.py` semantics).

use super::*;
use crate::image::Visibility;
use proptest::prelude::*;

fn ctx(project: Option<&str>, roles: &[&str]) -> RequestContext {
    RequestContext::authenticated(
        Some("u1".into()),
        project.map(str::to_owned),
        roles.iter().map(|r| r.to_string()),
    )
}

fn target<'a>(owner: Option<&'a str>, member: Option<&'a str>, vis: Visibility) -> Target<'a> {
    Target {
        project_id: owner,
        member_id: member,
        visibility: Some(vis),
    }
}

fn eval(text: &str, ctx: &RequestContext, target: &Target<'_>) -> bool {
    Check::parse(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .allows(ctx, target, &|_| None)
}

#[test]
fn always_never_and_the_empty_string() {
    let c = ctx(Some("p"), &[]);
    let t = Target::none();
    assert!(eval("@", &c, &t));
    assert!(!eval("!", &c, &t));
    assert!(eval("", &c, &t));
    assert!(eval("   ", &c, &t));
    assert!(!eval("not @", &c, &t));
    assert!(eval("not !", &c, &t));
}

#[test]
fn and_binds_tighter_than_or_and_not_tighter_than_and() {
    let c = ctx(Some("p"), &[]);
    let t = Target::none();
    // `@ or ! and !` is `@ or (! and !)`: true; left-to-right would give false.
    assert!(eval("@ or ! and !", &c, &t));
    assert!(!eval("(@ or !) and !", &c, &t));
    assert!(eval("! and ! or @", &c, &t));
    // `not ! and !` is `(not !) and !`.
    assert!(!eval("not ! and !", &c, &t));
    assert!(eval("not (! and !)", &c, &t));
    assert!(eval("((@))", &c, &t));
    assert!(eval("NOT ! AND @", &c, &t));
}

#[test]
fn roles_compare_case_insensitively() {
    let c = ctx(Some("p"), &["Member"]);
    let t = Target::none();
    assert!(eval("role:member", &c, &t));
    assert!(eval("role:MEMBER", &c, &t));
    assert!(eval("role:reader", &c, &t)); // implied by member
    assert!(!eval("role:admin", &c, &t));
}

#[test]
fn project_and_member_comparisons_interpolate_the_target() {
    let c = ctx(Some("p"), &["reader"]);
    assert!(eval(
        "project_id:%(project_id)s",
        &c,
        &target(Some("p"), None, Visibility::Private)
    ));
    assert!(!eval(
        "project_id:%(project_id)s",
        &c,
        &target(Some("q"), None, Visibility::Private)
    ));
    assert!(eval(
        "project_id:%(member_id)s",
        &c,
        &target(Some("q"), Some("p"), Visibility::Shared)
    ));
    assert!(eval(
        "project_id:%(owner)s",
        &c,
        &target(Some("p"), None, Visibility::Shared)
    ));
    assert!(eval("user_id:u1", &c, &Target::none()));
    assert!(eval(
        "user_id:%(project_id)s",
        &c,
        &target(Some("u1"), None, Visibility::Shared)
    ));
    assert!(!eval(
        "user_id:%(project_id)s",
        &c,
        &target(Some("p"), None, Visibility::Shared)
    ));
    assert!(eval("project_id:p", &c, &Target::none()));
    assert!(eval(
        "project_id:x-%(project_id)s",
        &ctx(Some("x-p"), &[]),
        &target(Some("p"), None, Visibility::Public)
    ));
    assert!(eval("roles:reader", &c, &Target::none()));
}

#[test]
fn missing_values_never_match() {
    let lonely = ctx(None, &["reader"]);
    let t = Target::none();
    assert!(!eval("project_id:%(project_id)s", &lonely, &t));
    assert!(!eval("project_id:%(member_id)s", &lonely, &t));
    assert!(!eval(
        "project_id:%(no_such_attr)s",
        &ctx(Some("p"), &[]),
        &t
    ));
    assert!(!eval("no_such_credential:x", &ctx(Some("p"), &[]), &t));
}

#[test]
fn literal_kinds_compare_with_the_target() {
    let c = ctx(Some("p"), &[]);
    let public = target(Some("o"), None, Visibility::Public);
    assert!(eval("\"public\":%(visibility)s", &c, &public));
    assert!(eval("'public':%(visibility)s", &c, &public));
    assert!(!eval("\"shared\":%(visibility)s", &c, &public));
    assert!(eval("is_admin:True", &ctx(Some("p"), &["admin"]), &public));
    assert!(!eval("is_admin:True", &c, &public));
    assert!(eval("is_admin:False", &c, &public));
}

#[test]
fn rule_references_resolve_through_the_lookup() {
    let admin = Check::parse("role:admin").unwrap_or(Check::Never);
    let lookup = |name: &str| (name == "context_is_admin").then_some(&admin);
    let check = Check::parse("rule:context_is_admin or role:x").unwrap_or(Check::Never);
    assert!(check.allows(&ctx(None, &["admin"]), &Target::none(), &lookup));
    assert!(!check.allows(&ctx(None, &["member"]), &Target::none(), &lookup));
    // An undefined reference denies (oslo.policy `RuleCheck` on a `KeyError`).
    let dangling = Check::parse("rule:nope").unwrap_or(Check::Always);
    assert!(!dangling.allows(&ctx(None, &["admin"]), &Target::none(), &lookup));
}

#[test]
fn syntax_errors_are_reported() {
    for (text, expected) in [
        ("role:admin or", CheckError::MissingOperand),
        ("(role:admin", CheckError::Parentheses),
        ("role:admin)", CheckError::Parentheses),
        ("()", CheckError::Parentheses),
        (
            "role:admin role:member",
            CheckError::Unexpected("a check where an operator was expected".into()),
        ),
        ("admin", CheckError::BadToken("admin".into())),
        (":admin", CheckError::BadToken(":admin".into())),
        ("and role:admin", CheckError::Unexpected("and".into())),
        (
            "project_id:%(project_id)d",
            CheckError::BadInterpolation("%(project_id)d".into()),
        ),
        (
            "project_id:100%",
            CheckError::BadInterpolation("100%".into()),
        ),
    ] {
        assert_eq!(Check::parse(text), Err(expected), "{text}");
    }
}

#[test]
fn parentheses_may_be_glued_to_checks() {
    let parsed = Check::parse("(role:a or role:b) and not (role:c)").ok();
    let spaced = Check::parse("( role:a or role:b ) and not ( role:c )").ok();
    assert!(parsed.is_some());
    assert_eq!(parsed, spaced);
}

/// A random check-string tree over `@`/`!`, printed and parsed back, evaluates as the tree.
#[derive(Debug, Clone)]
enum Expr {
    Leaf(bool),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn value(&self) -> bool {
        match self {
            Expr::Leaf(b) => *b,
            Expr::Not(e) => !e.value(),
            Expr::And(a, b) => a.value() && b.value(),
            Expr::Or(a, b) => a.value() || b.value(),
        }
    }

    /// Fully parenthesised, with randomly spaced or glued parentheses.
    fn print(&self) -> String {
        match self {
            Expr::Leaf(true) => "@".into(),
            Expr::Leaf(false) => "!".into(),
            Expr::Not(e) => format!("not ({})", e.print()),
            Expr::And(a, b) => format!("({}) and ( {} )", a.print(), b.print()),
            Expr::Or(a, b) => format!("({}) or ({})", a.print(), b.print()),
        }
    }
}

fn any_expr() -> impl Strategy<Value = Expr> {
    any::<bool>()
        .prop_map(Expr::Leaf)
        .prop_recursive(5, 32, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            ]
        })
}

proptest! {
    #[test]
    fn printed_trees_parse_back_to_the_same_value(expr in any_expr()) {
        let text = expr.print();
        let check = Check::parse(&text);
        prop_assert!(check.is_ok(), "{text}");
        let value = check.map(|c| c.allows(&ctx(None, &[]), &Target::none(), &|_| None));
        prop_assert_eq!(value, Ok(expr.value()), "{}", text);
    }

    /// Unparenthesised chains of `and`/`or` follow the precedence and < or.
    #[test]
    fn flat_chains_follow_precedence(leaves in proptest::collection::vec(any::<bool>(), 1..8),
                                     ops in proptest::collection::vec(any::<bool>(), 7)) {
        let mut text = String::new();
        // Reference: split on `or`, each part a conjunction.
        let mut any_part = false;
        let mut part = true;
        for (i, leaf) in leaves.iter().enumerate() {
            if i > 0 {
                if ops[i - 1] {
                    text.push_str(" and ");
                } else {
                    text.push_str(" or ");
                    any_part |= part;
                    part = true;
                }
            }
            text.push_str(if *leaf { "@" } else { "!" });
            part &= *leaf;
        }
        any_part |= part;
        let value = Check::parse(&text).map(|c| c.allows(&ctx(None, &[]), &Target::none(), &|_| None));
        prop_assert_eq!(value, Ok(any_part), "{}", text);
    }

    /// Arbitrary text never panics the parser.
    #[test]
    fn parsing_never_panics(text in "[a-z:%()@! '\"_]{0,40}") {
        let _ = Check::parse(&text);
    }
}
