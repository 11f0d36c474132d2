//! Recursive-descent parser for XPath 1.0 expressions (the grammar of the
//! XPath 1.0 recommendation, sections 2 and 3).

use super::XPathError;
use super::ast::{ArithOp, Axis, CmpOp, Expr, Function, NodeTest, PathStart, Step};
use super::lexer::{Spanned, Token, tokenize};

/// Deepest nesting of parentheses, predicates and function arguments
/// accepted; deeper input is refused rather than risking the stack.
pub const MAX_NESTING: usize = 64;

struct Parser<'s> {
    tokens: Vec<Spanned>,
    pos: usize,
    depth: usize,
    src_len: usize,
    _src: &'s str,
}

/// Parses `src` into an expression.
pub(crate) fn parse(src: &str) -> Result<Expr, XPathError> {
    let tokens = tokenize(src)?;
    if tokens.is_empty() {
        return Err(XPathError::Empty);
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        src_len: src.len(),
        _src: src,
    };
    let expr = p.expr()?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(XPathError::Syntax {
            position: t.pos,
            message: format!("unexpected {}", describe(&t.token)),
        });
    }
    Ok(expr)
}

fn describe(t: &Token) -> String {
    match t {
        Token::LParen => "'('".into(),
        Token::RParen => "')'".into(),
        Token::LBracket => "'['".into(),
        Token::RBracket => "']'".into(),
        Token::Dot => "'.'".into(),
        Token::DotDot => "'..'".into(),
        Token::At => "'@'".into(),
        Token::Comma => "','".into(),
        Token::ColonColon => "'::'".into(),
        Token::Slash => "'/'".into(),
        Token::DoubleSlash => "'//'".into(),
        Token::Pipe => "'|'".into(),
        Token::Plus => "'+'".into(),
        Token::Minus => "'-'".into(),
        Token::Eq => "'='".into(),
        Token::Ne => "'!='".into(),
        Token::Lt => "'<'".into(),
        Token::Le => "'<='".into(),
        Token::Gt => "'>'".into(),
        Token::Ge => "'>='".into(),
        Token::Multiply | Token::Star => "'*'".into(),
        Token::OperatorName(n) => format!("operator '{n}'"),
        Token::Name(n) => format!("name '{n}'"),
        Token::Literal(l) => format!("literal \"{l}\""),
        Token::Number(n) => format!("number {n}"),
        Token::Variable(v) => format!("variable ${v}"),
    }
}

fn is_node_type(name: &str) -> bool {
    matches!(name, "node" | "text" | "comment" | "processing-instruction")
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|s| &s.token)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.pos + offset).map(|s| &s.token)
    }

    fn here(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.src_len, |s| s.pos)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).map(|s| s.token.clone());
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn error(&self, message: impl Into<String>) -> XPathError {
        XPathError::Syntax {
            position: self.here(),
            message: message.into(),
        }
    }

    fn expect(&mut self, t: &Token, what: &str) -> Result<(), XPathError> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(match self.peek() {
                Some(found) => self.error(format!("expected {what}, found {}", describe(found))),
                None => self.error(format!("expected {what} at end of expression")),
            })
        }
    }

    /// Parses a nested expression (inside parentheses, brackets or
    /// function arguments), enforcing [`MAX_NESTING`].
    fn nested(&mut self) -> Result<Expr, XPathError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(XPathError::TooDeep);
        }
        let e = self.expr();
        self.depth -= 1;
        e
    }

    fn expr(&mut self) -> Result<Expr, XPathError> {
        let first = self.and_expr()?;
        let mut all = vec![first];
        while self.eat(&Token::OperatorName("or")) {
            all.push(self.and_expr()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Expr::Or(all)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, XPathError> {
        let first = self.equality()?;
        let mut all = vec![first];
        while self.eat(&Token::OperatorName("and")) {
            all.push(self.equality()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Expr::And(all)
        })
    }

    /// Equality and relational operators. XPath gives relational
    /// operators higher precedence than `=`/`!=`; both are left-assoc.
    fn equality(&mut self) -> Result<Expr, XPathError> {
        let first = self.relational()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Eq) => CmpOp::Eq,
                Some(Token::Ne) => CmpOp::Ne,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.relational()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Compare(Box::new(first), rest)
        })
    }

    fn relational(&mut self) -> Result<Expr, XPathError> {
        let first = self.additive()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Lt) => CmpOp::Lt,
                Some(Token::Le) => CmpOp::Le,
                Some(Token::Gt) => CmpOp::Gt,
                Some(Token::Ge) => CmpOp::Ge,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.additive()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Compare(Box::new(first), rest)
        })
    }

    fn additive(&mut self) -> Result<Expr, XPathError> {
        let first = self.multiplicative()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Plus) => ArithOp::Add,
                Some(Token::Minus) => ArithOp::Sub,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.multiplicative()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Arith(Box::new(first), rest)
        })
    }

    fn multiplicative(&mut self) -> Result<Expr, XPathError> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Multiply) => ArithOp::Mul,
                Some(Token::OperatorName("div")) => ArithOp::Div,
                Some(Token::OperatorName("mod")) => ArithOp::Mod,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.unary()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Arith(Box::new(first), rest)
        })
    }

    fn unary(&mut self) -> Result<Expr, XPathError> {
        let mut n = 0u32;
        while self.eat(&Token::Minus) {
            n = n.saturating_add(1);
        }
        let e = self.union()?;
        Ok(if n == 0 {
            e
        } else {
            Expr::Negate(n, Box::new(e))
        })
    }

    fn union(&mut self) -> Result<Expr, XPathError> {
        let first = self.path_expr()?;
        let mut all = vec![first];
        while self.eat(&Token::Pipe) {
            // libxml2 tries simple paths with its pattern compiler first,
            // which lets a `|` end the whole expression.
            if self.peek().is_none() && all.iter().all(is_simple_pattern) {
                break;
            }
            all.push(self.path_expr()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Expr::Union(all)
        })
    }

    fn starts_step(&self) -> bool {
        match self.peek() {
            Some(Token::Dot | Token::DotDot | Token::At | Token::Star) => true,
            Some(Token::Name(n)) => self.peek_at(1) != Some(&Token::LParen) || is_node_type(n),
            _ => false,
        }
    }

    fn path_expr(&mut self) -> Result<Expr, XPathError> {
        match self.peek() {
            Some(Token::Slash | Token::DoubleSlash) => {
                // Like libxml2, take any run of leading slashes
                // (`///op` is `//op`).
                let mut steps = Vec::new();
                let mut last_double = false;
                while let Some(t @ (Token::Slash | Token::DoubleSlash)) = self.peek() {
                    last_double = *t == Token::DoubleSlash;
                    if last_double && steps.is_empty() {
                        steps.push(descendant_or_self());
                    }
                    self.pos += 1;
                }
                let steps = if self.starts_step() {
                    self.relative_path(steps)?
                } else if last_double {
                    return Err(self.error("expected a location step after '//'"));
                } else {
                    steps
                };
                Ok(Expr::Path(PathStart::Root, steps))
            }
            _ if self.starts_step() => {
                let steps = self.relative_path(Vec::new())?;
                Ok(Expr::Path(PathStart::Context, steps))
            }
            _ => self.filter_path(),
        }
    }

    /// A filter expression, optionally followed by a relative path.
    fn filter_path(&mut self) -> Result<Expr, XPathError> {
        let primary = self.primary()?;
        let predicates = self.predicates()?;
        let filter = if predicates.is_empty() {
            primary
        } else {
            Expr::Filter(Box::new(primary), predicates)
        };
        match self.peek() {
            Some(Token::Slash) => {
                self.pos += 1;
                let steps = self.relative_path(Vec::new())?;
                Ok(Expr::Path(PathStart::Filter(Box::new(filter)), steps))
            }
            Some(Token::DoubleSlash) => {
                self.pos += 1;
                let steps = self.relative_path(vec![descendant_or_self()])?;
                Ok(Expr::Path(PathStart::Filter(Box::new(filter)), steps))
            }
            _ => Ok(filter),
        }
    }

    fn primary(&mut self) -> Result<Expr, XPathError> {
        let at = self.here();
        match self.bump() {
            Some(Token::LParen) => {
                let e = self.nested()?;
                self.expect(&Token::RParen, "')'")?;
                Ok(e)
            }
            Some(Token::Literal(s)) => Ok(Expr::Literal(s)),
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Variable(v)) => {
                Err(XPathError::Unsupported(format!("variable reference ${v}")))
            }
            Some(Token::Name(name)) if self.peek() == Some(&Token::LParen) => {
                self.pos += 1;
                self.call(&name, at)
            }
            Some(t) => Err(XPathError::Syntax {
                position: at,
                message: format!("unexpected {}", describe(&t)),
            }),
            None => Err(XPathError::Syntax {
                position: at,
                message: "unexpected end of expression".into(),
            }),
        }
    }

    /// A function call, after its name and `(`.
    fn call(&mut self, name: &str, at: usize) -> Result<Expr, XPathError> {
        let Some((function, min, max)) = Function::lookup(name) else {
            return Err(XPathError::Unsupported(format!("function {name}()")));
        };
        let mut args = Vec::new();
        if !self.eat(&Token::RParen) {
            loop {
                args.push(self.nested()?);
                if self.eat(&Token::RParen) {
                    break;
                }
                self.expect(&Token::Comma, "',' or ')'")?;
            }
        }
        if args.len() < min || args.len() > max {
            return Err(XPathError::Syntax {
                position: at,
                message: format!("wrong number of arguments to {name}()"),
            });
        }
        Ok(Expr::Call(function, args))
    }

    fn predicates(&mut self) -> Result<Vec<Expr>, XPathError> {
        let mut out = Vec::new();
        while self.eat(&Token::LBracket) {
            out.push(self.nested()?);
            self.expect(&Token::RBracket, "']'")?;
        }
        Ok(out)
    }

    fn relative_path(&mut self, mut steps: Vec<Step>) -> Result<Vec<Step>, XPathError> {
        steps.push(self.step()?);
        loop {
            if self.eat(&Token::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Token::DoubleSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                return Ok(steps);
            }
        }
    }

    fn step(&mut self) -> Result<Step, XPathError> {
        if self.eat(&Token::Dot) {
            return Ok(Step {
                axis: Axis::Itself,
                test: NodeTest::Node,
                predicates: Vec::new(),
            });
        }
        if self.eat(&Token::DotDot) {
            return Ok(Step {
                axis: Axis::Parent,
                test: NodeTest::Node,
                predicates: Vec::new(),
            });
        }
        let axis = if self.eat(&Token::At) {
            Axis::Attribute
        } else if let (Some(Token::Name(name)), Some(Token::ColonColon)) =
            (self.peek(), self.peek_at(1))
        {
            let name = name.clone();
            let axis = match Axis::lookup(&name) {
                Some(a) => a,
                None if name == "namespace" => {
                    return Err(XPathError::Unsupported("namespace axis".into()));
                }
                None => return Err(self.error(format!("unknown axis '{name}'"))),
            };
            self.pos += 2;
            axis
        } else {
            Axis::Child
        };
        let test = self.node_test()?;
        let predicates = self.predicates()?;
        Ok(Step {
            axis,
            test,
            predicates,
        })
    }

    fn node_test(&mut self) -> Result<NodeTest, XPathError> {
        let at = self.here();
        match self.bump() {
            Some(Token::Star) => Ok(NodeTest::Any),
            Some(Token::Name(name)) => {
                if self.peek() == Some(&Token::LParen) {
                    self.pos += 1;
                    let test = match name.as_str() {
                        "node" => NodeTest::Node,
                        "text" => NodeTest::Text,
                        "comment" => NodeTest::Comment,
                        "processing-instruction" => {
                            if let Some(Token::Literal(_)) = self.peek() {
                                self.pos += 1;
                            }
                            NodeTest::ProcessingInstruction
                        }
                        _ => {
                            return Err(XPathError::Syntax {
                                position: at,
                                message: format!("'{name}()' is not a node test"),
                            });
                        }
                    };
                    self.expect(&Token::RParen, "')'")?;
                    return Ok(test);
                }
                if name.contains(':') {
                    return Err(XPathError::Unsupported(format!(
                        "namespace prefix in '{name}'"
                    )));
                }
                Ok(NodeTest::Name(name))
            }
            Some(t) => Err(XPathError::Syntax {
                position: at,
                message: format!("expected a node test, found {}", describe(&t)),
            }),
            None => Err(XPathError::Syntax {
                position: at,
                message: "expected a node test at end of expression".into(),
            }),
        }
    }
}

/// Whether `e` is a path libxml2's pattern compiler takes: only child
/// steps testing a name or `*` (and `//` between them), no predicates.
fn is_simple_pattern(e: &Expr) -> bool {
    match e {
        Expr::Path(PathStart::Root | PathStart::Context, steps) => {
            !steps.is_empty()
                && steps.iter().all(|s| {
                    s.predicates.is_empty()
                        && matches!(
                            (s.axis, &s.test),
                            (Axis::Child, NodeTest::Name(_) | NodeTest::Any)
                                | (Axis::DescendantOrSelf, NodeTest::Node)
                        )
                })
        }
        _ => false,
    }
}

/// The step `//` abbreviates: `descendant-or-self::node()`.
fn descendant_or_self() -> Step {
    Step {
        axis: Axis::DescendantOrSelf,
        test: NodeTest::Node,
        predicates: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cib_paths() {
        for ok in [
            "/cib",
            "/",
            "//primitive[@id='dummy']",
            "/cib/configuration/resources/primitive[@id=\"x\"]/@class",
            "//nvpair[@name='target-role' and @value!='Started'] | //op[1]",
            "//*[contains(@id, 'x') or starts-with(@id, \"y\")][last()]",
            "(//a)[position() < 3]/b/..",
            "count(//node_state) > 2",
            "-1 - -2 * 3 div 4 mod 5",
            "//node_state/text()",
            "//cib/configuration/crm_config//cluster_property_set//nvpair[@name='x']",
            "ancestor-or-self::*[name()='cib']",
            "not(@a)",
        ] {
            parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn refuses_unsupported_and_bad_syntax() {
        assert!(matches!(parse("$x"), Err(XPathError::Unsupported(_))));
        assert!(matches!(parse("id('a')"), Err(XPathError::Unsupported(_))));
        assert!(matches!(
            parse("ends-with(@a,'b')"),
            Err(XPathError::Unsupported(_))
        ));
        assert!(matches!(
            parse("namespace::*"),
            Err(XPathError::Unsupported(_))
        ));
        assert!(matches!(parse("//x:y"), Err(XPathError::Unsupported(_))));
        assert_eq!(parse(""), Err(XPathError::Empty));
        for bad in [
            "//",
            "/cib[",
            "a[]",
            "foo::a",
            "a/",
            "contains(@a)",
            "1 +",
            "a)",
            "@",
        ] {
            assert!(
                matches!(parse(bad), Err(XPathError::Syntax { .. })),
                "{bad}: {:?}",
                parse(bad)
            );
        }
        let deep = "(".repeat(MAX_NESTING + 1) + "1" + &")".repeat(MAX_NESTING + 1);
        assert_eq!(parse(&deep), Err(XPathError::TooDeep));
    }

    #[test]
    fn long_chains_stay_flat() {
        let long = vec!["a"; 10_000].join("|");
        assert!(matches!(parse(&long), Ok(Expr::Union(v)) if v.len() == 10_000));
    }
}
