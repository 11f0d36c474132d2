//! The XPath 1.0 core function library (section 4).

use super::XPathError;
use super::ast::{Expr, Function};
use super::doc::{Doc, Item};
use super::eval::{Ctx, Value, is_xml_space};

/// XPath's `round()`: the closest integer, halves towards positive infinity.
fn xpath_round(n: f64) -> f64 {
    if n.is_nan() || n.is_infinite() {
        n
    } else {
        (n + 0.5).floor()
    }
}

impl Doc<'_> {
    /// The node a name function looks at: the first of its argument, or
    /// the context node.
    fn name_target(&self, args: &[Expr], ctx: Ctx) -> Result<Option<Item>, XPathError> {
        match args.first() {
            None => Ok(Some(ctx.item)),
            Some(a) => match self.eval(a, ctx)? {
                Value::Nodes(n) => Ok(n.first().copied()),
                _ => Err(XPathError::Type(
                    "argument of a name function must be a node-set".into(),
                )),
            },
        }
    }

    fn string_arg(&self, args: &[Expr], ctx: Ctx) -> Result<String, XPathError> {
        match args.first() {
            None => Ok(self.string_value(ctx.item)),
            Some(a) => self.eval_str(a, ctx),
        }
    }

    pub(crate) fn call(&self, f: Function, args: &[Expr], ctx: Ctx) -> Result<Value, XPathError> {
        let arg = |i: usize| -> Result<String, XPathError> {
            match args.get(i) {
                Some(a) => self.eval_str(a, ctx),
                None => Ok(String::new()),
            }
        };
        Ok(match f {
            Function::Last => Value::Num(ctx.size as f64),
            Function::Position => Value::Num(ctx.pos as f64),
            Function::Count | Function::Sum => {
                let Some(a) = args.first() else {
                    return Ok(Value::Num(0.0));
                };
                let Value::Nodes(n) = self.eval(a, ctx)? else {
                    return Err(XPathError::Type(
                        "argument of count() and sum() must be a node-set".into(),
                    ));
                };
                if f == Function::Count {
                    Value::Num(n.len() as f64)
                } else {
                    Value::Num(
                        n.iter()
                            .map(|&i| super::eval::str_to_num(&self.string_value(i)))
                            .sum(),
                    )
                }
            }
            Function::LocalName | Function::Name => {
                let name = self.name_target(args, ctx)?.map_or("", |i| self.name(i));
                let name = if f == Function::LocalName {
                    name.rsplit(':').next().unwrap_or(name)
                } else {
                    name
                };
                Value::Str(name.to_string())
            }
            Function::NamespaceUri => {
                self.name_target(args, ctx)?;
                Value::Str(String::new())
            }
            Function::String => Value::Str(self.string_arg(args, ctx)?),
            Function::Concat => {
                let mut out = String::new();
                for a in args {
                    out.push_str(&self.eval_str(a, ctx)?);
                }
                Value::Str(out)
            }
            Function::StartsWith => Value::Bool(arg(0)?.starts_with(arg(1)?.as_str())),
            Function::Contains => Value::Bool(arg(0)?.contains(arg(1)?.as_str())),
            Function::SubstringBefore => {
                let (s, t) = (arg(0)?, arg(1)?);
                Value::Str(
                    s.find(t.as_str())
                        .map_or(String::new(), |i| s[..i].to_string()),
                )
            }
            Function::SubstringAfter => {
                let (s, t) = (arg(0)?, arg(1)?);
                Value::Str(
                    s.find(t.as_str())
                        .map_or(String::new(), |i| s[i + t.len()..].to_string()),
                )
            }
            Function::Substring => {
                let s = arg(0)?;
                let start = xpath_round(self.eval_num(&args[1], ctx)?);
                let end = match args.get(2) {
                    Some(l) => start + xpath_round(self.eval_num(l, ctx)?),
                    None => f64::INFINITY,
                };
                Value::Str(
                    s.chars()
                        .enumerate()
                        .filter(|(i, _)| {
                            let p = (i + 1) as f64;
                            p >= start && p < end
                        })
                        .map(|(_, c)| c)
                        .collect(),
                )
            }
            Function::StringLength => {
                Value::Num(self.string_arg(args, ctx)?.chars().count() as f64)
            }
            Function::NormalizeSpace => {
                let s = self.string_arg(args, ctx)?;
                Value::Str(
                    s.split(is_xml_space)
                        .filter(|w| !w.is_empty())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            Function::Translate => {
                let (s, from, to) = (arg(0)?, arg(1)?, arg(2)?);
                let from: Vec<char> = from.chars().collect();
                let to: Vec<char> = to.chars().collect();
                Value::Str(
                    s.chars()
                        .filter_map(|c| match from.iter().position(|&x| x == c) {
                            Some(i) => to.get(i).copied(),
                            None => Some(c),
                        })
                        .collect(),
                )
            }
            Function::Boolean => Value::Bool(self.eval_bool(&args[0], ctx)?),
            Function::Not => Value::Bool(!self.eval_bool(&args[0], ctx)?),
            Function::True => Value::Bool(true),
            Function::False => Value::Bool(false),
            Function::Number => match args.first() {
                Some(a) => Value::Num(self.eval_num(a, ctx)?),
                None => Value::Num(super::eval::str_to_num(&self.string_value(ctx.item))),
            },
            Function::Floor => Value::Num(self.eval_num(&args[0], ctx)?.floor()),
            Function::Ceiling => Value::Num(self.eval_num(&args[0], ctx)?.ceil()),
            Function::Round => Value::Num(xpath_round(self.eval_num(&args[0], ctx)?)),
        })
    }
}
