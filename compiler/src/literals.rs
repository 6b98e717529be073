//! Passes over the resolved IR that need every type known: where apibuilder's `minimum` and
//! `maximum` belong, and defaults and examples as the JSON values their types say they are.

use crate::ir::*;

/// apibuilder has one `minimum`/`maximum` pair whose meaning depends on the type: a length for
/// strings, a size for lists and maps, a value otherwise. The front end holds it as a value range;
/// this moves it where it belongs once types are resolved. Negative lengths and sizes constrain
/// nothing (a minimum) or allow nothing (a maximum, kept as 0).
pub(crate) fn place_apibuilder_bounds(ir: &mut Ir) {
    let apibuilder: Vec<bool> =
        ir.services.iter().map(|s| matches!(s.format, SourceFormat::ApiJson | SourceFormat::ServiceJson)).collect();
    let Ir { services, models, interfaces, resources, operations, .. } = ir;
    for m in models.iter_mut().filter(|m| apibuilder[m.service.index()]) {
        m.fields.iter_mut().for_each(|f| place(&f.ty, &mut f.constraints));
    }
    for i in interfaces.iter_mut().filter(|i| apibuilder[i.service.index()]) {
        i.fields.iter_mut().for_each(|f| place(&f.ty, &mut f.constraints));
    }
    for (service, _) in services.iter_mut().zip(&apibuilder).filter(|(_, a)| **a) {
        service.headers.iter_mut().for_each(|h| place(&h.ty, &mut h.constraints));
    }
    for op in operations.iter_mut() {
        if !apibuilder[resources[op.resource.index()].service.index()] {
            continue;
        }
        op.parameters.iter_mut().for_each(|p| place(&p.ty, &mut p.constraints));
        for r in &mut op.responses {
            r.headers.iter_mut().for_each(|h| place(&h.ty, &mut h.constraints));
        }
    }
}

fn place(ty: &Type, c: &mut Constraints) {
    let counts = |range: &mut Range| Counts {
        min: range.min.take().and_then(|b| b.value.as_i64()).map(|n| n.max(0) as u64),
        max: range.max.take().and_then(|b| b.value.as_i64()).map(|n| n.max(0) as u64),
    };
    match ty {
        Type::Primitive(Primitive::String) => c.length = counts(&mut c.value),
        Type::List(_) | Type::Map(_) => c.items = counts(&mut c.value),
        _ => {}
    }
}

/// How apibuilder writes a literal: a string as itself, anything else as its JSON text.
pub fn literal_text(value: &Literal) -> String {
    match value {
        Literal::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Rewrites every default and example as the JSON value of its type: apibuilder writes
/// `"default": "25"` for an integer and `"default": "[1, 2]"` for a list; both mean the numbers.
/// Enum defaults, which apibuilder gives by value name, become the wire value. A literal that
/// does not fit its type (validation has reported it) is left as written.
pub(crate) fn normalize(ir: &mut Ir) {
    // Each value's name, wire text and JSON value (a number in an integer enum).
    let enums: Vec<Vec<EnumLiteral>> = ir
        .enums
        .iter()
        .map(|e| {
            e.values
                .iter()
                .map(|v| {
                    let json = match v.value.parse::<i64>() {
                        Ok(n) if e.integer => Literal::from(n),
                        _ => Literal::String(v.value.clone()),
                    };
                    (v.name.clone(), v.value.clone(), json)
                })
                .collect()
        })
        .collect();
    let fix = |ty: &Type, value: &mut Literal| {
        if let Some(v) = typed(ty, value, &enums) {
            *value = v;
        }
    };
    // OpenAPI literals are JSON values of their schema already: only apibuilder's are rewritten
    // (an OpenAPI example that does not fit stays as written, for the lint to see).
    let apibuilder: Vec<bool> =
        ir.services.iter().map(|s| matches!(s.format, SourceFormat::ApiJson | SourceFormat::ServiceJson)).collect();
    let of_resource: Vec<bool> = ir.resources.iter().map(|r| apibuilder[r.service.index()]).collect();
    let Ir { services, models, interfaces, operations, .. } = ir;
    let fields = models
        .iter_mut()
        .filter(|m| apibuilder[m.service.index()])
        .flat_map(|m| m.fields.iter_mut())
        .chain(interfaces.iter_mut().filter(|i| apibuilder[i.service.index()]).flat_map(|i| i.fields.iter_mut()));
    for f in fields {
        if let Some(d) = f.presence.default_mut() {
            fix(&f.ty, d);
        }
        if let Some(e) = &mut f.example {
            fix(&f.ty, e);
        }
    }
    let headers =
        services.iter_mut().zip(&apibuilder).filter(|(_, a)| **a).flat_map(|(s, _)| s.headers.iter_mut()).chain(
            operations
                .iter_mut()
                .filter(|o| of_resource[o.resource.index()])
                .flat_map(|o| o.responses.iter_mut().flat_map(|r| r.headers.iter_mut())),
        );
    for h in headers {
        if let Some(d) = h.presence.default_mut() {
            fix(&h.ty, d);
        }
    }
    for p in operations.iter_mut().filter(|o| of_resource[o.resource.index()]).flat_map(|o| o.parameters.iter_mut()) {
        if let Some(d) = p.presence.default_mut() {
            fix(&p.ty, d);
        }
        if let Some(e) = &mut p.example {
            fix(&p.ty, e);
        }
    }
}

/// The value `literal` stands for as a `ty`, if it is one.
/// An enum value's name, wire text and JSON value.
type EnumLiteral = (String, String, Literal);

fn typed(ty: &Type, literal: &Literal, enums: &[Vec<EnumLiteral>]) -> Option<Literal> {
    let text = literal_text(literal);
    match ty {
        Type::Primitive(p) => match p {
            Primitive::Boolean => match text.as_str() {
                "true" => Some(Literal::Bool(true)),
                "false" => Some(Literal::Bool(false)),
                _ => None,
            },
            Primitive::Integer | Primitive::Long => text.trim().parse::<i64>().ok().map(Literal::from),
            Primitive::Double => {
                let n: serde_json::Number = serde_json::from_str(text.trim()).ok()?;
                Some(Literal::Number(n))
            }
            // A decimal with more digits than an f64 keeps exactly stays its text.
            Primitive::Decimal => {
                let n: serde_json::Number = serde_json::from_str(text.trim()).ok()?;
                Some(if significant_digits(text.trim()) > 15 {
                    Literal::String(text.trim().to_string())
                } else {
                    Literal::Number(n)
                })
            }
            Primitive::Json | Primitive::Object => match literal {
                Literal::String(s) => serde_json::from_str(s).ok(),
                other => Some(other.clone()),
            },
            Primitive::String | Primitive::Uuid | Primitive::DateIso8601 | Primitive::DateTimeIso8601 => {
                Some(Literal::String(text))
            }
            Primitive::Unit => None,
        },
        Type::Enum(id) => {
            let values = &enums[id.index()];
            values
                .iter()
                .find(|(name, _, _)| *name == text)
                .or(values.iter().find(|(_, wire, _)| *wire == text))
                .map(|(_, _, json)| json.clone())
        }
        Type::List(inner) => {
            let items = match literal {
                Literal::String(s) => serde_json::from_str::<Literal>(s).ok()?,
                other => other.clone(),
            };
            let Literal::Array(items) = items else { return None };
            items.iter().map(|i| typed(inner, i, enums)).collect::<Option<Vec<_>>>().map(Literal::Array)
        }
        Type::Map(inner) => {
            let object = match literal {
                Literal::String(s) => serde_json::from_str::<Literal>(s).ok()?,
                other => other.clone(),
            };
            let Literal::Object(members) = object else { return None };
            let mut out = serde_json::Map::new();
            for (k, v) in &members {
                out.insert(k.clone(), typed(inner, v, enums)?);
            }
            Some(Literal::Object(out))
        }
        Type::Model(_) | Type::Union(_) | Type::Interface(_) | Type::Unresolved(_) => None,
    }
}

/// The digits from the first to the last non-zero one of a decimal number's text, which an f64
/// must hold to keep it exactly: `-0.00120e5` has 2.
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_become_values_of_their_type() {
        let none: Vec<Vec<EnumLiteral>> = Vec::new();
        let int = Type::Primitive(Primitive::Integer);
        assert_eq!(typed(&int, &Literal::from("25"), &none), Some(Literal::from(25)));
        assert_eq!(typed(&int, &Literal::from(25), &none), Some(Literal::from(25)));
        assert_eq!(typed(&int, &Literal::from("x"), &none), None);
        let b = Type::Primitive(Primitive::Boolean);
        assert_eq!(typed(&b, &Literal::from("true"), &none), Some(Literal::Bool(true)));
        let list = Type::List(Box::new(int.clone()));
        assert_eq!(typed(&list, &Literal::from("[1, \"2\"]"), &none), Some(serde_json::json!([1, 2])));
        let s = Type::Primitive(Primitive::String);
        assert_eq!(typed(&s, &Literal::from(10), &none), Some(Literal::from("10")));
        let d = Type::Primitive(Primitive::Decimal);
        assert_eq!(typed(&d, &Literal::from("1.50"), &none), Some(serde_json::json!(1.5)));
        assert_eq!(
            typed(&d, &Literal::from("12345678901234567.89"), &none),
            Some(Literal::from("12345678901234567.89")),
            "digits an f64 cannot hold are kept"
        );
        assert_eq!(significant_digits("-0.00120e5"), 2);
        let e = Type::Enum(EnumId(0));
        let enums = vec![vec![("in_stock".to_string(), "IN-STOCK".to_string(), Literal::from("IN-STOCK"))]];
        assert_eq!(typed(&e, &Literal::from("in_stock"), &enums), Some(Literal::from("IN-STOCK")));
    }

    #[test]
    fn bounds_go_where_the_type_says() {
        let mut c = Constraints {
            value: Range { min: Some(Bound::inclusive(-1)), max: Some(Bound::inclusive(5)) },
            ..Constraints::default()
        };
        place(&Type::Primitive(Primitive::String), &mut c);
        assert_eq!(c.length, Counts { min: Some(0), max: Some(5) });
        assert!(c.value.is_empty());
    }
}
