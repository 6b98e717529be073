//! Rust names and types for IR elements, decided in one place so that every generator agrees:
//! `user_form` is `UserForm` everywhere, a field `type` is `r#type`, an imported model is
//! `super::super::common::models::Error`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use compiler::ir::*;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// Keywords that need `r#` as identifiers (all editions up to 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Makes any spec name a valid identifier: characters outside `[A-Za-z0-9_]` become `_`, and a
/// leading digit gets a prefix.
fn sanitize(name: &str, digit_prefix: &str) -> String {
    let mut s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    s
}

fn ident(s: &str) -> Ident {
    if NOT_RAW.contains(&s) {
        format_ident!("{s}_")
    } else if KEYWORDS.contains(&s) {
        Ident::new_raw(s, Span::call_site())
    } else {
        Ident::new(s, Span::call_site())
    }
}

/// `user_form` → `UserForm`.
pub fn type_ident(name: &str) -> Ident {
    ident(&sanitize(&name.to_upper_camel_case(), "T"))
}

/// `createdAt` → `created_at`; `type` → `r#type`.
pub fn field_ident(name: &str) -> Ident {
    ident(&sanitize(&name.to_snake_case(), "n"))
}

/// An enum value or union member as a variant: `pending_verification` → `PendingVerification`.
pub fn variant_ident(name: &str) -> Ident {
    ident(&sanitize(&name.to_upper_camel_case(), "V"))
}

/// The module of a service: `apibuilder-common` → `apibuilder_common`.
pub fn module_ident(key: &str) -> Ident {
    ident(&sanitize(&key.to_snake_case(), "s"))
}

/// `get /users/:id` → `get_by_id`, as apibuilder's clients name methods.
pub fn method_ident(op: &Operation, resource_path: &str) -> Ident {
    let method = op.method.as_str().to_lowercase();
    let rest = op.path.strip_prefix(resource_path).unwrap_or(&op.path);
    let mut parts: Vec<String> = Vec::new();
    for seg in rest.split('/').filter(|s| !s.is_empty()) {
        match seg.strip_prefix(':') {
            Some(p) => parts.push(format!("by_{}", p.split('.').next().unwrap_or(p))),
            None => parts.push(seg.to_string()),
        }
    }
    let name = if parts.is_empty() { method } else { format!("{method}_{}", parts.join("_")) };
    field_ident(&name)
}

/// An app's settings, checked and parsed: the extra derives and the replacement types as paths.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedSettings {
    pub derives: Vec<TokenStream>,
    pub replace: BTreeMap<String, TokenStream>,
}

impl ParsedSettings {
    pub fn parse(settings: &crate::Settings) -> Result<Self, crate::GenerateError> {
        let path = |setting: String, value: &str| -> Result<TokenStream, crate::GenerateError> {
            syn::parse_str::<syn::Path>(value).map(|p| quote!(#p)).map_err(|e| crate::GenerateError::Setting {
                setting,
                value: value.to_string(),
                message: e.to_string(),
            })
        };
        Ok(ParsedSettings {
            derives: settings.derives.iter().map(|d| path("derives".into(), d)).collect::<Result<_, _>>()?,
            replace: settings
                .replace
                .iter()
                .map(|(k, v)| Ok((k.clone(), path(format!("replace.{k}"), v)?)))
                .collect::<Result<_, crate::GenerateError>>()?,
        })
    }
}

thread_local! {
    /// The settings of the generation running on this thread. Every name and type mapping reads
    /// them here rather than through a parameter of every helper of every generator; they are set
    /// for exactly one `generate_with` call and cleared after it.
    static SETTINGS: RefCell<ParsedSettings> = RefCell::new(ParsedSettings::default());
}

pub(crate) fn with_settings<R>(settings: ParsedSettings, f: impl FnOnce() -> R) -> R {
    /// Puts back what was there before, even when `f` panics.
    struct Restore(Option<ParsedSettings>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take().unwrap_or_default();
            SETTINGS.with(|s| *s.borrow_mut() = previous);
        }
    }
    let _restore = Restore(Some(SETTINGS.with(|s| s.replace(settings))));
    f()
}

/// The extra derives the app asks for on model structs.
pub(crate) fn extra_derives() -> Vec<TokenStream> {
    SETTINGS.with(|s| s.borrow().derives.clone())
}

/// The Rust path an app uses instead of generating `ty`, if it replaces it: by primitive name,
/// by `service_key.type_name`, or by type name alone.
pub fn replaced(ir: &Ir, ty: &Type) -> Option<TokenStream> {
    SETTINGS.with(|s| {
        let s = s.borrow();
        if s.replace.is_empty() {
            return None;
        }
        let named = |service: ServiceId, name: &str| {
            let key = &ir.service(service).key;
            s.replace.get(&format!("{key}.{name}")).or_else(|| s.replace.get(name)).cloned()
        };
        match ty {
            Type::Primitive(p) => s.replace.get(p.as_str()).cloned(),
            Type::Enum(id) => named(ir.enum_(*id).service, &ir.enum_(*id).name),
            Type::Model(id) => named(ir.model(*id).service, &ir.model(*id).name),
            Type::Union(id) => named(ir.union(*id).service, &ir.union(*id).name),
            _ => None,
        }
    })
}

/// Where the generated code of `from` finds the items of `target`.
pub fn models_path(ir: &Ir, from: ServiceId, target: ServiceId) -> TokenStream {
    if from == target {
        quote!(self)
    } else {
        let m = module_ident(&ir.service(target).key);
        quote!(super::super::#m::models)
    }
}

/// How a generator refers to model types: from inside the models module, or from a sibling
/// module of the same service (`server`, `client`, `mock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    Models,
    Sibling,
}

/// The Rust type of an IR type, as written from the `from` service's module `at`.
pub fn rust_type(ir: &Ir, ty: &Type, from: ServiceId, at: From) -> TokenStream {
    let named = |service: ServiceId, name: &str| {
        let id = type_ident(name);
        if service == from {
            match at {
                From::Models => quote!(#id),
                From::Sibling => quote!(super::models::#id),
            }
        } else {
            let m = module_ident(&ir.service(service).key);
            quote!(super::super::#m::models::#id)
        }
    };
    if let Some(path) = replaced(ir, ty) {
        return path;
    }
    match ty {
        Type::Primitive(p) => primitive(*p),
        Type::List(inner) => {
            let inner = rust_type(ir, inner, from, at);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = rust_type(ir, inner, from, at);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Type::Enum(id) => named(ir.enum_(*id).service, &ir.enum_(*id).name),
        Type::Model(id) => named(ir.model(*id).service, &ir.model(*id).name),
        Type::Union(id) => named(ir.union(*id).service, &ir.union(*id).name),
        // Interfaces are not types on the wire (the compiler rejects them as field types);
        // unresolved types never reach a generator because it runs only on error-free IRs.
        Type::Interface(_) | Type::Unresolved(_) => quote!(::serde_json::Value),
    }
}

pub fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::Boolean => quote!(bool),
        Primitive::DateIso8601 => quote!(::chrono::NaiveDate),
        Primitive::DateTimeIso8601 => quote!(::chrono::DateTime<::chrono::FixedOffset>),
        Primitive::Decimal => quote!(::rust_decimal::Decimal),
        Primitive::Double => quote!(f64),
        Primitive::Integer => quote!(i32),
        Primitive::Long => quote!(i64),
        Primitive::Json => quote!(::serde_json::Value),
        Primitive::Object => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Primitive::String => quote!(::std::string::String),
        Primitive::Unit => quote!(()),
        Primitive::Uuid => quote!(::uuid::Uuid),
    }
}

/// Doc comment attributes from a spec description.
pub fn docs(description: Option<&str>) -> TokenStream {
    let Some(d) = description.map(str::trim).filter(|d| !d.is_empty()) else { return quote!() };
    // Markdown: a line that continues a list item is indented under it (rustdoc and clippy's
    // `doc_lazy_continuation` read it so).
    let mut in_item = false;
    let lines = d.lines().map(|l| {
        let l = l.trim_end();
        let t = l.trim_start();
        let starts_item = t.starts_with("- ")
            || t.starts_with("* ")
            || t.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let line = if !starts_item && in_item && !t.is_empty() && !l.starts_with(' ') {
            format!("   {l}")
        } else {
            format!(" {l}")
        };
        if t.is_empty() {
            in_item = false;
        } else if starts_item {
            in_item = true;
        }
        line
    });
    quote!(#(#[doc = #lines])*)
}

/// A deprecation attribute.
pub fn deprecated(d: Option<&Deprecation>) -> TokenStream {
    match d {
        Some(Deprecation { description: Some(note) }) => quote!(#[deprecated(note = #note)]),
        Some(_) => quote!(#[deprecated]),
        None => quote!(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_rust() {
        assert_eq!(type_ident("user_form").to_string(), "UserForm");
        assert_eq!(type_ident("self").to_string(), "Self_");
        assert_eq!(field_ident("type").to_string(), "r#type");
        assert_eq!(field_ident("createdAt").to_string(), "created_at");
        assert_eq!(field_ident("self").to_string(), "self_");
        assert_eq!(field_ident("3d_secure").to_string(), "n3d_secure");
        assert_eq!(field_ident("x-request-id").to_string(), "x_request_id");
        assert_eq!(variant_ident("in-app").to_string(), "InApp");
        assert_eq!(variant_ident("1st").to_string(), "V1st");
        assert_eq!(module_ident("apibuilder-common").to_string(), "apibuilder_common");
    }
}
