//! The mock client generator: `Mock` implements every resource trait in memory. Each method
//! answers the operation's first success response with a generated example value (the first enum
//! value, numbers at their minimum, strings of an allowed length, every required field set)
//! unless the test overrides it, in one line: `Mock::new().on_users_get_by_id(|req| ...)`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use compiler::ir::*;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::api::{self, Op};
use crate::models::{boxed_edges, default_expr, field_idents, integer_bounds, union_variants};
use crate::rust::{self, From, rust_type};
use crate::{Part, part};

/// The `mock.rs` of a service: the `Mock` and its setters, then its implementation of each
/// resource trait as a part of its own.
pub fn parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    let boxed = Arc::new(Boxed::default());
    let mut parts: Vec<Part<'_>> = vec![part(move || head(ir, sid))];
    parts.extend(api::trait_groups(ir, sid).into_iter().map(|group| {
        let boxed = boxed.clone();
        part(move || trait_impl(ir, sid, &group, &boxed))
    }));
    parts
}

/// The name of the field holding an operation's override.
fn slot(o: &Op<'_>) -> Ident {
    format_ident!(
        "{}_{}",
        heck::ToSnakeCase::to_snake_case(o.resource_trait.to_string().as_str()),
        o.method.to_string().trim_start_matches("r#")
    )
}

fn trait_impl(ir: &Ir, sid: ServiceId, resources: &[ResourceId], boxed: &Boxed) -> TokenStream {
    let ops = api::operations_of(ir, sid, resources);
    let Some(name) = ops.first().map(|o| &o.resource_trait) else { return quote!() };
    let methods = ops.iter().map(|o| {
        let method = &o.method;
        let field = slot(o);
        let (req, resp) = (&o.request, &o.response);
        let label = format!("{} {}", o.op.method.as_str(), o.op.path);
        let example = match example_response(ir, sid, boxed, o) {
            Some(expr) => quote!(Ok(#expr)),
            None => quote!(Err(MockError::NoExample(#label))),
        };
        quote! {
            async fn #method(&self, request: super::api::#req) -> ::std::result::Result<super::api::#resp, MockError> {
                match &self.#field {
                    Some(respond) => Ok(respond(request)),
                    None => #example,
                }
            }
        }
    });
    quote! {
        impl super::api::#name for Mock {
            type Error = MockError;
            #(#methods)*
        }
    }
}

fn head(ir: &Ir, sid: ServiceId) -> TokenStream {
    let ops = api::operations(ir, sid);
    let s = ir.service(sid);
    let doc =
        format!(" The mock client of the `{}` service: every operation in memory, with examples or overrides.", s.name);
    let fields = ops.iter().map(|o| {
        let (name, req, resp) = (slot(o), &o.request, &o.response);
        quote!(#name: Handler<super::api::#req, super::api::#resp>,)
    });
    let setters = ops.iter().map(|o| {
        let name = slot(o);
        let setter = format_ident!("on_{}", name);
        let (req, resp) = (&o.request, &o.response);
        let doc = format!(" Answers `{} {}` with `respond` instead of the example.", o.op.method.as_str(), o.op.path);
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, respond: impl Fn(super::api::#req) -> super::api::#resp + Send + Sync + 'static) -> Self {
                self.#name = Some(::std::boxed::Box::new(respond));
                self
            }
        }
    });
    let overridden = ops.iter().map(|o| {
        let name = slot(o);
        let label = name.to_string();
        quote!(if self.#name.is_some() { list.push(#label); })
    });
    let list_binding = if ops.is_empty() { quote!(list) } else { quote!(mut list) };
    quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " Deprecated items of the spec are used freely here: this code must keep reading and writing them; their users get the warnings."]
        #![allow(deprecated)]

        type Handler<Req, Resp> = ::std::option::Option<::std::boxed::Box<dyn Fn(Req) -> Resp + Send + Sync>>;

        pub use ::apigen_runtime::MockError;

        /// Every operation of the service in memory. Without overrides, each answers its first
        /// success response with an example value.
        #[derive(Default)]
        pub struct Mock {
            #(#fields)*
        }

        impl ::std::fmt::Debug for Mock {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let #list_binding: ::std::vec::Vec<&str> = ::std::vec::Vec::new();
                #(#overridden)*
                f.debug_struct("Mock").field("overridden", &list).finish()
            }
        }

        impl Mock {
            pub fn new() -> Self {
                Self::default()
            }

            #(#setters)*
        }

    }
}

/// The first success response (lowest 2xx, else the first declared) with an example body.
fn example_response(ir: &Ir, sid: ServiceId, boxed: &Boxed, o: &Op<'_>) -> Option<TokenStream> {
    let resp = &o.response;
    let chosen = o
        .responses
        .iter()
        .find(|r| matches!(r.code, ResponseCode::Status(c) if (200..300).contains(&c)))
        .or_else(|| o.responses.iter().find(|r| r.code.is_success()))
        .or_else(|| o.responses.first())?;
    let v = &chosen.variant;
    let body = if chosen.has_body() { Some(example(ir, sid, boxed, chosen.ty, "value", None, None, 0)?) } else { None };
    Some(match (chosen.code, body) {
        (ResponseCode::Default | ResponseCode::Range(_), Some(b)) => {
            let status = example_status(chosen.code);
            quote!(super::api::#resp::#v { status: #status, body: #b })
        }
        (ResponseCode::Default | ResponseCode::Range(_), None) => {
            let status = example_status(chosen.code);
            quote!(super::api::#resp::#v { status: #status })
        }
        (_, Some(b)) => quote!(super::api::#resp::#v(#b)),
        (_, None) => quote!(super::api::#resp::#v),
    })
}

/// Boxed edges of every service, computed once per file and shared by its parts: the models
/// generator boxes exactly these.
#[derive(Default)]
struct Boxed(Mutex<BTreeMap<ServiceId, Arc<Edges>>>);

/// The (owner, field or member type) pairs the models box.
type Edges = BTreeSet<(Type, Type)>;

impl Boxed {
    fn of(&self, ir: &Ir, service: ServiceId) -> Arc<Edges> {
        let mut map = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        map.entry(service).or_insert_with(|| Arc::new(boxed_edges(ir, service))).clone()
    }
}

/// The status an example response of a range or `default` answers with: the range's first code,
/// else 200.
fn example_status(code: ResponseCode) -> u16 {
    match code {
        ResponseCode::Range(class) => u16::from(class) * 100,
        _ => 200,
    }
}

/// An expression building an example of `ty`; `None` when no finite value exists.
#[allow(clippy::too_many_arguments)] // A recursive walk: the type, its bounds, and the shared context.
fn example(
    ir: &Ir,
    sid: ServiceId,
    boxed: &Boxed,
    ty: &Type,
    name: &str,
    min: Option<i64>,
    max: Option<i64>,
    depth: usize,
) -> Option<TokenStream> {
    if depth > 8 {
        return None;
    }
    // Types of services known only from an import summary are raw JSON.
    let opaque = |service: ServiceId| ir.service(service).format == SourceFormat::ImportSummary;
    let owner = match ty {
        Type::Model(id) => Some(ir.model(*id).service),
        Type::Enum(id) => Some(ir.enum_(*id).service),
        Type::Union(id) => Some(ir.union(*id).service),
        _ => None,
    };
    if rust::replaced(ir, ty).is_some() {
        return Some(quote!(::std::default::Default::default()));
    }
    if owner.is_some_and(opaque) {
        return Some(quote!(::serde_json::Value::Null));
    }
    Some(match ty {
        Type::Primitive(p) => match p {
            Primitive::String => {
                let mut s =
                    if name.contains("email") { "user@example.com".to_string() } else { format!("example {name}") };
                let min = min.unwrap_or(0).max(0) as usize;
                while s.chars().count() < min {
                    s.push('x');
                }
                if let Some(max) = max.filter(|m| *m >= 0) {
                    s = s.chars().take(max as usize).collect();
                }
                quote!(#s.to_string())
            }
            Primitive::Boolean => quote!(true),
            Primitive::Integer => {
                let n = number(min, max) as i32;
                quote!(#n)
            }
            Primitive::Long => {
                let n = number(min, max);
                quote!(#n)
            }
            Primitive::Double => {
                let n = number(min, max) as f64;
                quote!(#n)
            }
            Primitive::Decimal => {
                let n = number(min, max);
                quote!(::rust_decimal::Decimal::from(#n))
            }
            Primitive::Uuid => quote!(::uuid::Uuid::from_u128(0x5ecf_6502_e532_4738_aad5_7ac9_7012_51dd)),
            Primitive::DateIso8601 => quote!(::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()),
            Primitive::DateTimeIso8601 => quote!(::chrono::DateTime::<::chrono::FixedOffset>::default()),
            Primitive::Json => quote!(::serde_json::Value::Null),
            Primitive::Object => quote!(::serde_json::Map::new()),
            Primitive::Unit => quote!(()),
        },
        Type::List(inner) => {
            let count = min.unwrap_or(1).max(0).min(max.unwrap_or(i64::MAX)).min(3) as usize;
            if count == 0 {
                return Some(quote!(::std::vec::Vec::new()));
            }
            let item = example(ir, sid, boxed, inner, name, None, None, depth + 1)?;
            let items = std::iter::repeat_n(item, count);
            quote!(::std::vec![#(#items),*])
        }
        Type::Map(_) => quote!(::std::collections::BTreeMap::new()),
        Type::Enum(id) if ir.enum_(*id).integer => {
            let e = ir.enum_(*id);
            let path = rust_type(ir, ty, sid, From::Sibling);
            let n: i64 = e.values.first().and_then(|v| v.value.parse().ok()).unwrap_or_default();
            let n = proc_macro2::Literal::i64_unsuffixed(n);
            quote!(#path::from(#n))
        }
        Type::Enum(id) => {
            let e = ir.enum_(*id);
            let path = rust_type(ir, ty, sid, From::Sibling);
            let wire = e.values.first().map(|v| v.value.clone()).unwrap_or_else(|| "example".to_string());
            quote!(#path::from(#wire))
        }
        Type::Model(id) => {
            let m = ir.model(*id);
            let path = rust_type(ir, ty, sid, From::Sibling);
            let fields: Option<Vec<TokenStream>> = m
                .fields
                .iter()
                .zip(field_idents(m))
                .map(|(f, ident)| {
                    if !f.presence.is_required() {
                        return Some(quote!(#ident: None));
                    }
                    let value = match f.presence.default().and_then(|d| default_expr(ir, sid, &f.ty, d, From::Sibling))
                    {
                        Some(d) => d,
                        None => {
                            let (min, max) = integer_bounds(&f.ty, &f.constraints);
                            example(ir, sid, boxed, &f.ty, &f.name, min, max, depth + 1)?
                        }
                    };
                    // Recursive fields are boxed by the models generator.
                    let is_boxed = boxed.of(ir, m.service).contains(&(ty.clone(), f.ty.clone()));
                    Some(if is_boxed { quote!(#ident: ::std::boxed::Box::new(#value)) } else { quote!(#ident: #value) })
                })
                .collect();
            let fields = fields?;
            quote!(#path { #(#fields),* })
        }
        Type::Union(id) => {
            let u = ir.union(*id);
            let path = rust_type(ir, ty, sid, From::Sibling);
            let union_boxed = boxed.of(ir, u.service);
            u.members.iter().zip(union_variants(u)).find_map(|(m, v)| {
                let value = example(ir, sid, boxed, &m.ty, &m.type_name, None, None, depth + 1)?;
                let value = if union_boxed.contains(&(ty.clone(), m.ty.clone())) {
                    quote!(::std::boxed::Box::new(#value))
                } else {
                    value
                };
                Some(quote!(#path::#v(#value)))
            })?
        }
        Type::Interface(_) | Type::Unresolved(_) => quote!(::serde_json::Value::Null),
    })
}

/// A number inside the declared bounds: the minimum, else 1 (or the maximum when it is below 1).
fn number(min: Option<i64>, max: Option<i64>) -> i64 {
    match (min, max) {
        (Some(m), _) => m,
        (None, Some(x)) if x < 1 => x,
        _ => 1,
    }
}
