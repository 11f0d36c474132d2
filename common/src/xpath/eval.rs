//! Evaluating a parsed expression over a [`Doc`], with XPath 1.0's
//! semantics for node-sets, conversions and comparisons.

use super::XPathError;
use super::ast::{ArithOp, Axis, CmpOp, Expr, NodeTest, PathStart, Step};
use super::doc::{Doc, Item, Kind, sort_dedup};

/// The value of an expression during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Nodes(Vec<Item>),
    Bool(bool),
    Num(f64),
    Str(String),
}

/// The evaluation context: a node, its position and the context size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub item: Item,
    pub pos: usize,
    pub size: usize,
}

/// Whether `c` is XML white space.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// XPath's `number()` of a string: optional white space, an optional minus,
/// digits with an optional fraction; anything else is NaN.
pub(crate) fn str_to_num(s: &str) -> f64 {
    let t = s.trim_matches(is_xml_space);
    let digits = t.strip_prefix('-').unwrap_or(t);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

/// XPath's `string()` of a number.
pub(crate) fn num_to_str(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == 0.0 {
        "0".into()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl<'a> Doc<'a> {
    pub(crate) fn to_bool(&self, v: &Value) -> bool {
        match v {
            Value::Nodes(n) => !n.is_empty(),
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
        }
    }

    pub(crate) fn to_num(&self, v: &Value) -> f64 {
        match v {
            Value::Nodes(_) | Value::Str(_) => str_to_num(&self.to_str(v)),
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
        }
    }

    pub(crate) fn to_str(&self, v: &Value) -> String {
        match v {
            Value::Nodes(n) => n.first().map(|&i| self.string_value(i)).unwrap_or_default(),
            Value::Bool(b) => if *b { "true" } else { "false" }.into(),
            Value::Num(n) => num_to_str(*n),
            Value::Str(s) => s.clone(),
        }
    }

    pub(crate) fn eval(&self, e: &Expr, ctx: Ctx) -> Result<Value, XPathError> {
        match e {
            Expr::Or(all) => {
                for x in all {
                    if self.eval_bool(x, ctx)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            Expr::And(all) => {
                for x in all {
                    if !self.eval_bool(x, ctx)? {
                        return Ok(Value::Bool(false));
                    }
                }
                Ok(Value::Bool(true))
            }
            Expr::Compare(first, rest) => {
                let mut acc = self.eval(first, ctx)?;
                for (op, x) in rest {
                    let rhs = self.eval(x, ctx)?;
                    acc = Value::Bool(self.compare(*op, &acc, &rhs));
                }
                Ok(acc)
            }
            Expr::Arith(first, rest) => {
                let mut acc = self.eval_num(first, ctx)?;
                for (op, x) in rest {
                    let rhs = self.eval_num(x, ctx)?;
                    acc = match op {
                        ArithOp::Add => acc + rhs,
                        ArithOp::Sub => acc - rhs,
                        ArithOp::Mul => acc * rhs,
                        ArithOp::Div => acc / rhs,
                        ArithOp::Mod => acc % rhs,
                    };
                }
                Ok(Value::Num(acc))
            }
            Expr::Negate(n, x) => {
                let v = self.eval_num(x, ctx)?;
                Ok(Value::Num(if n % 2 == 1 { -v } else { v }))
            }
            Expr::Union(all) => {
                let mut out = Vec::new();
                for x in all {
                    match self.eval(x, ctx)? {
                        Value::Nodes(n) => out.extend(n),
                        _ => {
                            return Err(XPathError::Type(
                                "operands of '|' must be node-sets".into(),
                            ));
                        }
                    }
                }
                sort_dedup(&mut out);
                Ok(Value::Nodes(out))
            }
            Expr::Path(start, steps) => {
                let nodes = match start {
                    PathStart::Root => vec![Item::Node(0)],
                    PathStart::Context => vec![ctx.item],
                    PathStart::Filter(f) => match self.eval(f, ctx)? {
                        Value::Nodes(n) => n,
                        _ => {
                            return Err(XPathError::Type(
                                "a path can only follow a node-set".into(),
                            ));
                        }
                    },
                };
                Ok(Value::Nodes(self.steps(nodes, steps)?))
            }
            Expr::Filter(primary, predicates) => {
                let Value::Nodes(mut nodes) = self.eval(primary, ctx)? else {
                    return Err(XPathError::Type(
                        "predicates can only filter a node-set".into(),
                    ));
                };
                for p in predicates {
                    nodes = self.filter(nodes, p)?;
                }
                Ok(Value::Nodes(nodes))
            }
            Expr::Literal(s) => Ok(Value::Str(s.clone())),
            Expr::Number(n) => Ok(Value::Num(*n)),
            Expr::Call(f, args) => self.call(*f, args, ctx),
        }
    }

    pub(crate) fn eval_bool(&self, e: &Expr, ctx: Ctx) -> Result<bool, XPathError> {
        let v = self.eval(e, ctx)?;
        Ok(self.to_bool(&v))
    }

    pub(crate) fn eval_num(&self, e: &Expr, ctx: Ctx) -> Result<f64, XPathError> {
        let v = self.eval(e, ctx)?;
        Ok(self.to_num(&v))
    }

    pub(crate) fn eval_str(&self, e: &Expr, ctx: Ctx) -> Result<String, XPathError> {
        let v = self.eval(e, ctx)?;
        Ok(self.to_str(&v))
    }

    /// Applies location steps to a node-set.
    fn steps(&self, mut nodes: Vec<Item>, steps: &[Step]) -> Result<Vec<Item>, XPathError> {
        for step in steps {
            let mut out = Vec::new();
            for &n in &nodes {
                let mut candidates = self.axis(n, step);
                for p in &step.predicates {
                    candidates = self.filter(candidates, p)?;
                }
                out.extend(candidates);
            }
            sort_dedup(&mut out);
            nodes = out;
        }
        Ok(nodes)
    }

    /// Keeps the items (in the order given, which sets their positions) for
    /// which predicate `p` holds.
    fn filter(&self, items: Vec<Item>, p: &Expr) -> Result<Vec<Item>, XPathError> {
        if let Expr::Number(n) = p {
            let keep = (*n >= 1.0 && n.fract() == 0.0)
                .then(|| items.get(*n as usize - 1).copied())
                .flatten();
            return Ok(keep.into_iter().collect());
        }
        let size = items.len();
        let mut kept = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let ctx = Ctx {
                item,
                pos: i + 1,
                size,
            };
            let keep = match self.eval(p, ctx)? {
                Value::Num(n) => n == (i + 1) as f64,
                v => self.to_bool(&v),
            };
            if keep {
                kept.push(item);
            }
        }
        Ok(kept)
    }

    /// Whether `item`, reached along `axis`, passes `test`.
    fn test(&self, item: Item, axis: Axis, test: &NodeTest) -> bool {
        match item {
            Item::Attr(e, k) => match test {
                NodeTest::Node => true,
                NodeTest::Any => axis == Axis::Attribute,
                NodeTest::Name(n) => {
                    axis == Axis::Attribute
                        && self
                            .element(e)
                            .and_then(|el| el.attrs.get(k as usize))
                            .is_some_and(|(an, _)| an == n)
                }
                _ => false,
            },
            Item::Node(i) => match (self.entry(i).kind, test) {
                (_, NodeTest::Node) => true,
                (Kind::Element(_), NodeTest::Any) => axis != Axis::Attribute,
                (Kind::Element(el), NodeTest::Name(n)) => axis != Axis::Attribute && el.name == *n,
                (Kind::Text(_), NodeTest::Text) => true,
                (Kind::Comment(_), NodeTest::Comment) => true,
                _ => false,
            },
        }
    }

    /// The nodes along `step.axis` from `from` that pass its node test, in
    /// axis order (reverse document order for reverse axes).
    fn axis(&self, from: Item, step: &Step) -> Vec<Item> {
        let axis = step.axis;
        let mut out = Vec::new();
        let mut push = |item: Item| {
            if self.test(item, axis, &step.test) {
                out.push(item);
            }
        };
        match (axis, from) {
            (Axis::Itself, _) => push(from),
            (Axis::Attribute, Item::Node(i)) => {
                if let Some(el) = self.element(i) {
                    for k in 0..el.attrs.len() {
                        push(Item::Attr(i, k as u32));
                    }
                }
            }
            (Axis::Child, Item::Node(i)) => {
                for c in self.children(i) {
                    push(Item::Node(c));
                }
            }
            (Axis::Descendant | Axis::DescendantOrSelf, Item::Node(i)) => {
                if axis == Axis::DescendantOrSelf {
                    push(from);
                }
                for d in i + 1..self.entry(i).end {
                    push(Item::Node(d));
                }
            }
            (Axis::DescendantOrSelf, Item::Attr(..)) => push(from),
            (Axis::Parent, _) => {
                if let Some(p) = self.parent(from) {
                    push(Item::Node(p));
                }
            }
            (Axis::Ancestor | Axis::AncestorOrSelf, _) => {
                if axis == Axis::AncestorOrSelf {
                    push(from);
                }
                let mut p = self.parent(from);
                while let Some(a) = p {
                    push(Item::Node(a));
                    p = self.parent(Item::Node(a));
                }
            }
            (Axis::FollowingSibling, Item::Node(i)) => {
                if let Some(p) = self.parent(from) {
                    let end = self.entry(p).end;
                    let mut c = self.entry(i).end;
                    while c < end {
                        push(Item::Node(c));
                        c = self.entry(c).end;
                    }
                }
            }
            (Axis::PrecedingSibling, Item::Node(i)) => {
                if let Some(p) = self.parent(from) {
                    let before: Vec<u32> = self.children(p).take_while(|&c| c < i).collect();
                    for c in before.into_iter().rev() {
                        push(Item::Node(c));
                    }
                }
            }
            (Axis::Following, _) => {
                let start = match from {
                    Item::Node(i) => self.entry(i).end,
                    Item::Attr(e, _) => e + 1,
                };
                for f in start..self.len() {
                    push(Item::Node(f));
                }
            }
            (Axis::Preceding, _) => {
                let node = match from {
                    Item::Node(i) => i,
                    Item::Attr(e, _) => e,
                };
                for j in (1..node).rev() {
                    // Ancestors contain the node; everything else before it precedes.
                    if self.entry(j).end <= node {
                        push(Item::Node(j));
                    }
                }
            }
            // Attributes have no children, descendants or siblings.
            (
                Axis::Child
                | Axis::Descendant
                | Axis::Attribute
                | Axis::FollowingSibling
                | Axis::PrecedingSibling,
                Item::Attr(..),
            ) => {}
        }
        out
    }

    /// Compares two values with XPath 1.0's rules (section 3.4).
    fn compare(&self, op: CmpOp, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Nodes(x), Value::Nodes(y)) => {
                let ys: Vec<String> = y.iter().map(|&i| self.string_value(i)).collect();
                x.iter().any(|&i| {
                    let xs = self.string_value(i);
                    ys.iter().any(|s| cmp_str(op, &xs, s))
                })
            }
            (Value::Nodes(x), other) => self.compare_nodes(op, x, other, false),
            (other, Value::Nodes(y)) => self.compare_nodes(op, y, other, true),
            _ => match op {
                CmpOp::Eq | CmpOp::Ne => {
                    let eq = if matches!(a, Value::Bool(_)) || matches!(b, Value::Bool(_)) {
                        self.to_bool(a) == self.to_bool(b)
                    } else if matches!(a, Value::Num(_)) || matches!(b, Value::Num(_)) {
                        self.to_num(a) == self.to_num(b)
                    } else {
                        self.to_str(a) == self.to_str(b)
                    };
                    eq == (op == CmpOp::Eq)
                }
                _ => cmp_num(op, self.to_num(a), self.to_num(b)),
            },
        }
    }

    /// Compares a node-set with a non-node-set value; `swapped` when the
    /// node-set is the right operand.
    fn compare_nodes(&self, op: CmpOp, nodes: &[Item], other: &Value, swapped: bool) -> bool {
        let order = |x: f64, y: f64| {
            if swapped {
                cmp_num(op, y, x)
            } else {
                cmp_num(op, x, y)
            }
        };
        match other {
            Value::Bool(b) => {
                let nb = !nodes.is_empty();
                match op {
                    CmpOp::Eq => nb == *b,
                    CmpOp::Ne => nb != *b,
                    _ => order(f64::from(u8::from(nb)), f64::from(u8::from(*b))),
                }
            }
            Value::Num(n) => nodes
                .iter()
                .any(|&i| order(str_to_num(&self.string_value(i)), *n)),
            Value::Str(s) => match op {
                CmpOp::Eq | CmpOp::Ne => {
                    nodes.iter().any(|&i| cmp_str(op, &self.string_value(i), s))
                }
                _ => {
                    let n = str_to_num(s);
                    nodes
                        .iter()
                        .any(|&i| order(str_to_num(&self.string_value(i)), n))
                }
            },
            Value::Nodes(_) => false,
        }
    }
}

fn cmp_num(op: CmpOp, a: f64, b: f64) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

fn cmp_str(op: CmpOp, a: &str, b: &str) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        _ => cmp_num(op, str_to_num(a), str_to_num(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_conversions() {
        assert_eq!(str_to_num(" 12 "), 12.0);
        assert_eq!(str_to_num("-1.5"), -1.5);
        assert_eq!(str_to_num(".5"), 0.5);
        assert!(str_to_num("1e3").is_nan());
        assert!(str_to_num("+1").is_nan());
        assert!(str_to_num("inf").is_nan());
        assert!(str_to_num(".").is_nan());
        assert!(str_to_num("").is_nan());
        assert_eq!(num_to_str(3.0), "3");
        assert_eq!(num_to_str(-0.0), "0");
        assert_eq!(num_to_str(0.25), "0.25");
        assert_eq!(num_to_str(f64::NAN), "NaN");
        assert_eq!(num_to_str(f64::NEG_INFINITY), "-Infinity");
    }
}
