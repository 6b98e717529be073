//! Typed reading of JSON syntax trees with apibuilder's structural rules: strict unknown keys,
//! required and non-empty strings, lenient booleans and numbers. Every problem becomes a
//! diagnostic on the exact value at fault; reading goes on.

use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{Attribute, Deprecation};
use crate::source::{FileId, Loc, Span};
use crate::syntax::json::{Node, Value};

pub(crate) struct Reader<'d> {
    pub file: FileId,
    pub diags: &'d mut Vec<Diagnostic>,
}

impl Reader<'_> {
    pub fn loc(&self, span: Span) -> Loc {
        Loc { file: self.file, span }
    }

    pub fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(code, self.file, span, message, label));
        self.diags.last_mut().expect("just pushed")
    }

    /// A problem at a place of any file (the reader's file is where it reads now).
    pub fn error_at(
        &mut self,
        code: Code,
        at: Loc,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(code, at.file, at.span, message, label));
        self.diags.last_mut().expect("just pushed")
    }

    /// Checks that `node` is an object whose keys are all in `allowed`. Unknown keys are reported
    /// (the object is still read); `None` means `node` is not an object at all.
    pub fn object<'n>(&mut self, node: &'n Node, what: &str, allowed: &[&str]) -> Option<&'n Node> {
        let Some(members) = node.as_object() else {
            self.error(
                Code::E0010,
                node.span,
                format!("{what} must be an object"),
                format!("expected an object, found {}", node.kind_name()),
            );
            return None;
        };
        for m in members {
            if !allowed.contains(&m.key.as_str()) {
                let help = match closest(&m.key, allowed.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`? allowed keys: {}", allowed.join(", ")),
                    None => format!("allowed keys: {}", allowed.join(", ")),
                };
                self.error(
                    Code::E0008,
                    m.key_span,
                    format!("unrecognized element `{}` in {what}", m.key),
                    "unknown key",
                )
                .help = Some(help);
            }
        }
        Some(node)
    }

    /// A required, non-empty string.
    pub fn req_str<'n>(&mut self, obj: &'n Node, key: &str, what: &str) -> Option<(&'n str, Span)> {
        let Some(value) = obj.get(key) else {
            self.error(
                Code::E0009,
                obj_start(obj),
                format!("{what} is missing `{key}`"),
                format!("`{key}` is required here"),
            );
            return None;
        };
        self.non_empty_str(value, key, what)
    }

    pub fn non_empty_str<'n>(&mut self, value: &'n Node, key: &str, what: &str) -> Option<(&'n str, Span)> {
        match &value.value {
            Value::String(s) if s.trim().is_empty() => {
                self.error(
                    Code::E0011,
                    value.span,
                    format!("`{key}` of {what} must be a non-empty string"),
                    "empty string",
                );
                None
            }
            Value::String(s) => Some((s.as_str(), value.span)),
            _ => {
                self.error(
                    Code::E0010,
                    value.span,
                    format!("`{key}` of {what} must be a string"),
                    format!("expected a string, found {}", value.kind_name()),
                );
                None
            }
        }
    }

    /// An optional string; `null` counts as absent.
    pub fn opt_str(&mut self, obj: &Node, key: &str, what: &str) -> Option<String> {
        self.opt_str_span(obj, key, what).map(|(s, _)| s)
    }

    pub fn opt_str_span(&mut self, obj: &Node, key: &str, what: &str) -> Option<(String, Span)> {
        let value = obj.get(key)?;
        match &value.value {
            Value::Null => None,
            // apibuilder trims strings and treats a blank one as absent.
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some((s.trim().to_string(), value.span)),
            _ => {
                self.error(
                    Code::E0010,
                    value.span,
                    format!("`{key}` of {what}, if present, must be a string"),
                    format!("expected a string, found {}", value.kind_name()),
                );
                None
            }
        }
    }

    /// An optional boolean; the strings `"true"` and `"false"` are accepted as apibuilder does.
    pub fn opt_bool(&mut self, obj: &Node, key: &str, what: &str) -> Option<bool> {
        let value = obj.get(key)?;
        match &value.value {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            // Exactly the strings apibuilder accepts.
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => {
                self.error(
                    Code::E0010,
                    value.span,
                    format!("`{key}` of {what} must be a boolean or the string 'true' or 'false'"),
                    format!("expected a boolean, found {}", value.kind_name()),
                );
                None
            }
        }
    }

    /// An optional whole number in the 64-bit range; numeric strings are accepted.
    pub fn opt_long(&mut self, obj: &Node, key: &str, what: &str) -> Option<(i64, Span)> {
        let value = obj.get(key)?;
        let text = match &value.value {
            Value::Null => return None,
            Value::Number(n) => n.as_str(),
            // A numeric string must be a plain integer, as apibuilder's `toLong` requires.
            Value::String(s)
                if s.parse::<i64>().is_err() && !s.trim_start_matches('-').chars().all(|c| c.is_ascii_digit()) =>
            {
                self.error(Code::E0010, value.span, format!("`{key}` of {what} must be a number"), "not a number");
                return None;
            }
            Value::String(s) => s.as_str(),
            _ => {
                self.error(
                    Code::E0010,
                    value.span,
                    format!("`{key}` of {what} must be a number"),
                    format!("expected a number, found {}", value.kind_name()),
                );
                return None;
            }
        };
        match parse_long(text) {
            Ok(n) => Some((n, value.span)),
            Err(LongError::NotANumber) => {
                self.error(Code::E0010, value.span, format!("`{key}` of {what} must be a number"), "not a number");
                None
            }
            Err(LongError::OutOfRange) => {
                self.error(
                    Code::E0012,
                    value.span,
                    format!("`{key}` of {what} is not a whole number in the 64-bit range"),
                    "out of range",
                )
                .help = Some(format!("use a whole number from {} to {}", i64::MIN, i64::MAX));
                None
            }
        }
    }

    /// An optional string kept exactly as written, blank included (paths: `"path": ""` is a path).
    pub fn opt_str_exact(&mut self, obj: &Node, key: &str, what: &str) -> Option<String> {
        let value = obj.get(key)?;
        match &value.value {
            Value::String(s) => Some(s.clone()),
            _ => self.opt_str(obj, key, what),
        }
    }

    /// An optional array; `null` counts as absent.
    pub fn opt_array<'n>(&mut self, obj: &'n Node, key: &str, what: &str) -> &'n [Node] {
        let Some(value) = obj.get(key) else { return &[] };
        match &value.value {
            Value::Null => &[],
            Value::Array(items) => items,
            _ => {
                self.error(
                    Code::E0010,
                    value.span,
                    format!("`{key}` of {what} must be an array"),
                    format!("expected an array, found {}", value.kind_name()),
                );
                &[]
            }
        }
    }

    /// An optional object used as a map keyed by name; `null` counts as absent.
    pub fn opt_map<'n>(&mut self, obj: &'n Node, key: &str, what: &str) -> &'n [crate::syntax::json::Member] {
        let Some(value) = obj.get(key) else { return &[] };
        match &value.value {
            Value::Null => &[],
            Value::Object(members) => members,
            _ => {
                self.error(
                    Code::E0010,
                    value.span,
                    format!("`{key}` of {what} must be an object"),
                    format!("expected an object, found {}", value.kind_name()),
                );
                &[]
            }
        }
    }

    /// An optional array of strings.
    pub fn opt_strings(&mut self, obj: &Node, key: &str, what: &str) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        for item in self.opt_array(obj, key, what) {
            match item.as_str() {
                Some(s) => out.push((s.to_string(), item.span)),
                None => {
                    self.error(
                        Code::E0010,
                        item.span,
                        format!("elements of `{key}` of {what} must be strings"),
                        format!("expected a string, found {}", item.kind_name()),
                    );
                }
            }
        }
        out
    }

    pub fn deprecation(&mut self, obj: &Node, what: &str) -> Option<Deprecation> {
        let value = obj.get("deprecation")?;
        if matches!(value.value, Value::Null) {
            return None;
        }
        let what = format!("the deprecation of {what}");
        let d = self.object(value, &what, &["description"])?;
        Some(Deprecation { description: self.opt_str(d, "description", &what) })
    }

    pub fn attributes(&mut self, obj: &Node, what: &str) -> Vec<Attribute> {
        let mut out = Vec::new();
        for item in self.opt_array(obj, "attributes", what) {
            let Some(a) =
                self.object(item, &format!("an attribute of {what}"), &["name", "value", "description", "deprecation"])
            else {
                continue;
            };
            let Some((name, _)) = self.non_empty_or_missing(a, "name", &format!("an attribute of {what}"), Code::E0015)
            else {
                continue;
            };
            let attr_what = format!("attribute `{name}` of {what}");
            let value = match a.get("value") {
                Some(v) if v.as_object().is_some() => v.to_serde(),
                Some(v) => {
                    self.error(
                        Code::E0015,
                        v.span,
                        format!("{attr_what} must have an object as its value"),
                        format!("expected an object, found {}", v.kind_name()),
                    );
                    continue;
                }
                None => {
                    self.error(Code::E0015, a.span, format!("{attr_what} must have a value"), "`value` is missing")
                        .help = Some("attributes carry a JSON object: `\"value\": { ... }`".into());
                    continue;
                }
            };
            out.push(Attribute {
                name: name.to_string(),
                value,
                description: self.opt_str(a, "description", &attr_what),
                deprecation: self.deprecation(a, &attr_what),
            });
        }
        out
    }

    /// Like [`Self::req_str`] but reports a missing key under `code`.
    pub fn non_empty_or_missing<'n>(
        &mut self,
        obj: &'n Node,
        key: &str,
        what: &str,
        code: Code,
    ) -> Option<(&'n str, Span)> {
        if obj.get(key).is_none() {
            self.error(code, obj_start(obj), format!("{what} must have a `{key}`"), format!("`{key}` is missing"));
            return None;
        }
        self.req_str(obj, key, what)
    }
}

/// The span of an object's opening brace: where "missing key" errors point.
pub(crate) fn obj_start(obj: &Node) -> Span {
    Span { start: obj.span.start, end: obj.span.start + 1 }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LongError {
    NotANumber,
    OutOfRange,
}

/// Parses a whole number written as JSON allows (`10`, `-3`, `1e3`, `10.0`).
pub(crate) fn parse_long(text: &str) -> Result<i64, LongError> {
    if let Ok(n) = text.parse::<i64>() {
        return Ok(n);
    }
    // Integral values written with a fraction or exponent still count, as apibuilder reads longs
    // through BigDecimal; anything with a real fraction or beyond the range does not.
    let f: f64 = text.parse().map_err(|_| LongError::NotANumber)?;
    if !f.is_finite() || f.fract() != 0.0 || f < i64::MIN as f64 || f >= i64::MAX as f64 {
        return Err(LongError::OutOfRange);
    }
    Ok(f as i64)
}

/// The candidate closest to a misspelt name (case-insensitively), when it is close enough to be a
/// typo: used for "did you mean" help on keys and on type names.
pub fn closest<'a, S: AsRef<str> + ?Sized>(name: &str, candidates: impl IntoIterator<Item = &'a S>) -> Option<&'a S> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name, &c.as_ref().to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.as_ref().len() / 3))
        .min_by_key(|(d, c)| (*d, c.as_ref().to_string()))
        .map(|(_, c)| c)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longs_accept_integral_json_numbers_only() {
        assert_eq!(parse_long("10"), Ok(10));
        assert_eq!(parse_long("1e3"), Ok(1000));
        assert_eq!(parse_long("-2.0"), Ok(-2));
        assert_eq!(parse_long("1.5"), Err(LongError::OutOfRange));
        assert_eq!(parse_long("99999999999999999999"), Err(LongError::OutOfRange));
        assert_eq!(parse_long("abc"), Err(LongError::NotANumber));
    }

    #[test]
    fn closest_key_suggests_typos() {
        assert_eq!(closest("requried", ["name", "type", "required"]), Some("required"));
        assert_eq!(closest("zzzzzz", ["name", "type"]), None);
    }
}
