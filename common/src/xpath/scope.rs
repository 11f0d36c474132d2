//! Finding how much of the tree an expression can look at, so that
//! evaluation need not flatten parts it never visits.

use super::ast::{Axis, Expr, NodeTest, PathStart, Step};

/// For an absolute path that starts with plain child steps
/// (`/cib/configuration/resources/...`) and afterwards only looks
/// downwards, the names of those leading steps; otherwise nothing.
///
/// Elements off that chain of names can never be visited by such an
/// expression, so their content need not be flattened.
pub(crate) fn fixed_prefix(e: &Expr) -> Vec<&str> {
    let Expr::Path(PathStart::Root, steps) = e else {
        return Vec::new();
    };
    let names: Vec<&str> = steps
        .iter()
        .map_while(|s| match (&s.test, s.axis, s.predicates.is_empty()) {
            (NodeTest::Name(n), Axis::Child, true) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    if steps[names.len()..].iter().all(downward) {
        names
    } else {
        Vec::new()
    }
}

fn downward(s: &Step) -> bool {
    matches!(
        s.axis,
        Axis::Child | Axis::Descendant | Axis::DescendantOrSelf | Axis::Itself | Axis::Attribute
    ) && s.predicates.iter().all(local)
}

/// Whether an expression, evaluated at some node, only looks at that node
/// and what lies below it.
fn local(e: &Expr) -> bool {
    match e {
        Expr::Or(v) | Expr::And(v) | Expr::Union(v) => v.iter().all(local),
        Expr::Compare(first, rest) => local(first) && rest.iter().all(|(_, x)| local(x)),
        Expr::Arith(first, rest) => local(first) && rest.iter().all(|(_, x)| local(x)),
        Expr::Negate(_, x) => local(x),
        Expr::Path(PathStart::Root, _) => false,
        Expr::Path(PathStart::Context, steps) => steps.iter().all(downward),
        Expr::Path(PathStart::Filter(f), steps) => local(f) && steps.iter().all(downward),
        Expr::Filter(p, preds) => local(p) && preds.iter().all(local),
        Expr::Literal(_) | Expr::Number(_) => true,
        Expr::Call(_, args) => args.iter().all(local),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xpath::parser::parse;

    fn prefix(s: &str) -> Vec<String> {
        let e = parse(s).unwrap();
        fixed_prefix(&e).into_iter().map(String::from).collect()
    }

    #[test]
    fn finds_prefixes_only_when_safe() {
        assert_eq!(
            prefix("/cib/configuration/resources/primitive[@id='x']"),
            ["cib", "configuration", "resources"].map(String::from)
        );
        assert_eq!(
            prefix("/cib/status//lrm_rsc_op[@rc-code!='0']/@id"),
            ["cib", "status"].map(String::from)
        );
        assert!(prefix("//primitive").is_empty());
        assert!(prefix("/cib/configuration/resources/primitive/..").is_empty());
        assert!(prefix("/cib/configuration[//status]").is_empty());
        assert!(prefix("/cib/configuration/*[@id = /cib/@x]").is_empty());
        assert!(prefix("/cib/configuration/x | /cib/status").is_empty());
    }
}
