//! The models generator: one Rust file per service with a serde struct per model, an enum per
//! enum (wire values, plus `Unknown(String)` so a new value never breaks a reader), and an enum
//! per union (internally tagged by the discriminator, or apibuilder's `{"type": value}` wrapper,
//! plus `Unknown(serde_json::Value)`).

use std::collections::{BTreeMap, BTreeSet};

use compiler::ir::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::rust::{self, From, docs, field_ident, rust_type, type_ident, variant_ident};
use crate::{Part, part};

/// The `models.rs` of a service: its inner attributes and runtime imports, then each enum,
/// model and union as a part of its own, then the helpers unions share.
pub fn parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    let s = ir.service(sid);
    let boxed = std::sync::Arc::new(boxed_edges(ir, sid));
    // Items sorted by name, so reordering a spec changes no byte of output.
    let mut enums: Vec<EnumId> = s.enums.clone();
    enums.sort_by_key(|id| ir.enum_(*id).name.clone());
    let mut models: Vec<ModelId> = s.models.clone();
    models.sort_by_key(|id| ir.model(*id).name.clone());
    let mut unions: Vec<UnionId> = s.unions.clone();
    unions.sort_by_key(|id| ir.union(*id).name.clone());

    // Types the app replaces with its own are not generated.
    enums.retain(|id| rust::replaced(ir, &Type::Enum(*id)).is_none());
    models.retain(|id| rust::replaced(ir, &Type::Model(*id)).is_none());
    unions.retain(|id| rust::replaced(ir, &Type::Union(*id)).is_none());
    let doc = format!(" Models of the `{}` service ({}).", s.name, s.namespace);
    let mut parts: Vec<Part<'_>> = vec![part(move || {
        let runtime = runtime_imports();
        quote! {
            #![doc = #doc]
            #![doc = ""]
            #![doc = " Deprecated items of the spec are used freely here: this code must keep reading and writing them; their users get the warnings."]
            #![allow(deprecated)]

            #runtime
        }
    })];
    parts.extend(enums.into_iter().map(|id| part(move || enum_item(ir.enum_(id)))));
    parts.extend(models.into_iter().map(|id| {
        let boxed = boxed.clone();
        part(move || model_item(ir, sid, id, &boxed))
    }));
    parts.extend(unions.iter().map(|&id| {
        let boxed = boxed.clone();
        part(move || union_item(ir, sid, id, &boxed))
    }));
    parts.push(part(move || union_helpers(ir, &unions)));
    parts
}

/// Models of a service known only from an import summary: its types have names but no
/// definitions here, so each is carried as raw JSON under its name until the spec is added.
pub fn opaque_parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    vec![part(move || opaque(ir, sid))]
}

fn opaque(ir: &Ir, sid: ServiceId) -> TokenStream {
    let s = ir.service(sid);
    let mut names: Vec<&str> = s
        .enums
        .iter()
        .map(|id| ir.enum_(*id).name.as_str())
        .chain(s.models.iter().map(|id| ir.model(*id).name.as_str()))
        .chain(s.unions.iter().map(|id| ir.union(*id).name.as_str()))
        .chain(s.interfaces.iter().map(|id| ir.interface(*id).name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let doc = format!(
        " Types of the `{}` service ({}), known only by name from an import summary: each is raw JSON until that service's spec is in the repository.",
        s.key, s.namespace
    );
    let aliases = names.iter().map(|n| {
        let id = type_ident(n);
        quote!(pub type #id = ::serde_json::Value;)
    });
    quote! {
        #![doc = #doc]
        #(#aliases)*
    }
}

/// Fields and union members whose type contains its owner by value (a recursive type without a
/// list or map in between) must be boxed, or the type would have infinite size.
pub(crate) fn boxed_edges(ir: &Ir, sid: ServiceId) -> BTreeSet<(Type, Type)> {
    // Direct containment edges between models and unions of this service.
    let direct = |ty: &Type| -> Option<Type> {
        match ty {
            Type::Model(id) if ir.model(*id).service == sid => Some(ty.clone()),
            Type::Union(id) if ir.union(*id).service == sid => Some(ty.clone()),
            _ => None,
        }
    };
    let mut edges: BTreeMap<Type, Vec<Type>> = BTreeMap::new();
    for &m in &ir.service(sid).models {
        for f in &ir.model(m).fields {
            if let Some(t) = direct(&f.ty) {
                edges.entry(Type::Model(m)).or_default().push(t);
            }
        }
    }
    for &u in &ir.service(sid).unions {
        for mem in &ir.union(u).members {
            if let Some(t) = direct(&mem.ty) {
                edges.entry(Type::Union(u)).or_default().push(t);
            }
        }
    }
    // An edge a → b is boxed when b reaches a again.
    let reaches = |from: &Type, to: &Type| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(t) = stack.pop() {
            if &t == to {
                return true;
            }
            if seen.insert(t.clone()) {
                stack.extend(edges.get(&t).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut out = BTreeSet::new();
    for (a, targets) in &edges {
        for b in targets {
            if reaches(b, a) {
                out.insert((a.clone(), b.clone()));
            }
        }
    }
    out
}

/// The runtime level this code needs, and the runtime's `ValidationError` under the name the
/// generated `validate()` methods use.
fn runtime_imports() -> TokenStream {
    quote! {
        const _: () = ::apigen_runtime::require(1);

        pub use ::apigen_runtime::ValidationError;
    }
}

fn enum_item(e: &Enum) -> TokenStream {
    let name = type_ident(&e.name);
    let doc = docs(e.description.as_deref());
    let deprecated = rust::deprecated(e.deprecation.as_ref());
    let mut used = BTreeSet::new();
    let variants: Vec<(proc_macro2::Ident, &EnumValue)> = e
        .values
        .iter()
        .map(|v| {
            let mut id = variant_ident(&v.name);
            if id == "Unknown" || !used.insert(id.to_string()) {
                id = format_ident!("{}Value", id.to_string().trim_start_matches("r#"));
                used.insert(id.to_string());
            }
            (id, v)
        })
        .collect();
    let decls = variants.iter().map(|(id, v)| {
        let doc = docs(v.description.as_deref());
        let wire = &v.value;
        let wire_doc = format!(" Wire value `{wire}`.");
        let deprecated = rust::deprecated(v.deprecation.as_ref());
        if v.description.is_some() {
            quote!(#doc #deprecated #id,)
        } else {
            quote!(#[doc = #wire_doc] #deprecated #id,)
        }
    });
    let to_str = variants.iter().map(|(id, v)| {
        let wire = &v.value;
        quote!(Self::#id => #wire,)
    });
    let from_str = variants.iter().map(|(id, v)| {
        let wire = &v.value;
        quote!(#wire => Self::#id,)
    });
    let all = variants.iter().map(|(id, _)| quote!(Self::#id));
    if e.integer {
        return integer_enum_item(&name, doc, deprecated, &variants);
    }
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value this version of the spec does not know; kept as sent, so it round-trips.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec declares.
            pub const ALL: &'static [#name] = &[#(#all),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

/// An enum of integers: each value a variant, the wire a JSON number, unknown numbers kept.
fn integer_enum_item(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    deprecated: TokenStream,
    variants: &[(proc_macro2::Ident, &EnumValue)],
) -> TokenStream {
    let number = |v: &EnumValue| {
        let n: i64 = v.value.parse().unwrap_or_default();
        proc_macro2::Literal::i64_unsuffixed(n)
    };
    let decls = variants.iter().map(|(id, v)| {
        let doc = docs(v.description.as_deref());
        let wire_doc = format!(" Wire value `{}`.", v.value);
        let deprecated = rust::deprecated(v.deprecation.as_ref());
        if v.description.is_some() {
            quote!(#doc #deprecated #id,)
        } else {
            quote!(#[doc = #wire_doc] #deprecated #id,)
        }
    });
    let to_number = variants.iter().map(|(id, v)| {
        let n = number(v);
        quote!(Self::#id => #n,)
    });
    let from_number = variants.iter().map(|(id, v)| {
        let n = number(v);
        quote!(#n => Self::#id,)
    });
    let all = variants.iter().map(|(id, _)| quote!(Self::#id));
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value this version of the spec does not know; kept as sent, so it round-trips.
            Unknown(i64),
        }

        impl #name {
            /// Every value the spec declares.
            pub const ALL: &'static [#name] = &[#(#all),*];

            /// The wire value.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_number)*
                    Self::Unknown(value) => *value,
                }
            }
        }

        impl ::std::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_number)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::num::ParseIntError;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                text.parse::<i64>().map(Self::from)
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// The Rust type of a field, boxed where the type is recursive, optional where not required.
fn field_type(ir: &Ir, sid: ServiceId, owner: &Type, f: &Field, boxed: &BTreeSet<(Type, Type)>) -> TokenStream {
    let mut ty = rust_type(ir, &f.ty, sid, From::Models);
    if boxed.contains(&(owner.clone(), f.ty.clone())) {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if f.presence.is_required() { ty } else { quote!(::std::option::Option<#ty>) }
}

fn model_item(ir: &Ir, sid: ServiceId, id: ModelId, boxed: &BTreeSet<(Type, Type)>) -> TokenStream {
    let m = ir.model(id);
    let name = type_ident(&m.name);
    let doc = docs(m.description.as_deref());
    let deprecated = rust::deprecated(m.deprecation.as_ref());
    let owner = Type::Model(id);
    let mut default_fns = Vec::new();
    let idents = field_idents(m);
    let fields = m.fields.iter().zip(&idents).map(|(f, ident)| {
        let ident = ident.clone();
        let ty = field_type(ir, sid, &owner, f, boxed);
        let doc = docs(f.description.as_deref());
        let deprecated = rust::deprecated(f.deprecation.as_ref());
        let wire = &f.name;
        let rename = if ident.to_string().trim_start_matches("r#") == f.name {
            quote!()
        } else {
            quote!(#[serde(rename = #wire)])
        };
        let default = f.presence.default().and_then(|d| default_expr(ir, sid, &f.ty, d, From::Models));
        let serde_default = match (&default, f.presence.is_required()) {
            (Some(expr), required) => {
                // An associated function of the struct: unique, since type and field names are.
                let fn_name = format_ident!("default_{}", ident.to_string().trim_start_matches("r#"));
                let fn_name_str = format!("{name}::{fn_name}");
                let (ret, value) = if required {
                    (quote!(#ty), quote!(#expr))
                } else {
                    let inner = rust_type(ir, &f.ty, sid, From::Models);
                    (quote!(::std::option::Option<#inner>), quote!(::std::option::Option::Some(#expr)))
                };
                default_fns.push(quote! { fn #fn_name() -> #ret { #value } });
                if required {
                    quote!(#[serde(default = #fn_name_str)])
                } else {
                    quote!(#[serde(default = #fn_name_str, skip_serializing_if = "::std::option::Option::is_none")])
                }
            }
            (None, false) => quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
            (None, true) => quote!(),
        };
        let personal = if f.annotations.iter().any(|a| a == "personal_data") {
            quote!(#[doc = " Personal data: never log this value."])
        } else {
            quote!()
        };
        quote! {
            #doc
            #personal
            #deprecated
            #rename
            #serde_default
            pub #ident: #ty,
        }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let defaults = if default_fns.is_empty() {
        quote!()
    } else {
        quote! {
            /// The defaults the spec declares, applied when a field is absent.
            impl #name {
                #(#default_fns)*
            }
        }
    };
    let checks: Vec<TokenStream> =
        m.fields.iter().zip(&idents).filter_map(|(f, ident)| bound_check(ir, &m.name, f, ident)).collect();
    let validate = if checks.is_empty() {
        quote!()
    } else {
        quote! {
            impl #name {
                /// Checks the `minimum` and `maximum` the spec declares.
                pub fn validate(&self) -> ::std::result::Result<(), ValidationError> {
                    #(#checks)*
                    Ok(())
                }
            }
        }
    };
    let extra = rust::extra_derives();
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize #(, #extra)*)]
        pub struct #name {
            #(#fields)*
        }

        #validate
        #defaults
    }
}

/// Whether a model gets a `validate()` method (it declares a bound on some field).
pub(crate) fn has_validation(ir: &Ir, id: ModelId) -> bool {
    let m = ir.model(id);
    rust::replaced(ir, &Type::Model(id)).is_none()
        && m.fields.iter().any(|f| bound_check(ir, &m.name, f, &field_ident(&f.name)).is_some())
}

/// A bound check: the length of strings, the size of collections, the value of numbers, as the
/// constraints of the field's type say.
fn bound_check(ir: &Ir, model: &str, f: &Field, ident: &proc_macro2::Ident) -> Option<TokenStream> {
    // A type the app replaces is the app's to check.
    if rust::replaced(ir, &f.ty).is_some() {
        return None;
    }
    let path = format!("{model}.{}", f.name);
    let c = &f.constraints;
    let counts = |counts: &Counts| -> Vec<(Limit, &'static str)> {
        let min = counts.min.map(|n| (Limit::Int(n as i64), ">="));
        let max = counts.max.map(|n| (Limit::Int(n as i64), "<="));
        min.into_iter().chain(max).collect()
    };
    let (measure, what, limits) = match &f.ty {
        Type::Primitive(Primitive::String) => (quote!(value.chars().count() as i64), "length", counts(&c.length)),
        Type::List(_) | Type::Map(_) => (quote!(value.len() as i64), "size", counts(&c.items)),
        Type::Primitive(p @ (Primitive::Integer | Primitive::Long | Primitive::Double | Primitive::Decimal)) => {
            let measure = match p {
                Primitive::Integer => quote!(i64::from(*value)),
                _ => quote!(*value),
            };
            let limit = |b: &Bound, inclusive: &'static str, exclusive: &'static str| {
                let op = if b.exclusive { exclusive } else { inclusive };
                (b.value.as_i64().map_or(Limit::Float(b.as_f64()), Limit::Int), op)
            };
            let min = c.value.min.as_ref().map(|b| limit(b, ">=", ">"));
            let max = c.value.max.as_ref().map(|b| limit(b, "<=", "<"));
            (measure, "value", min.into_iter().chain(max).collect())
        }
        _ => return None,
    };
    if limits.is_empty() {
        return None;
    }
    let checks = limits.into_iter().map(|(limit, op)| {
        let is_float = matches!(f.ty, Type::Primitive(Primitive::Double)) || matches!(limit, Limit::Float(_));
        let (measured, bound) = match (&f.ty, &limit) {
            (Type::Primitive(Primitive::Decimal), Limit::Int(n)) => {
                (quote!(measured), quote!(::rust_decimal::Decimal::from(#n)))
            }
            (Type::Primitive(Primitive::Decimal), Limit::Float(x)) => {
                (quote!(f64::try_from(measured).unwrap_or(f64::NAN)), quote!(#x))
            }
            (_, Limit::Int(n)) if is_float => {
                let x = *n as f64;
                (quote!(measured), quote!(#x))
            }
            (_, Limit::Int(n)) => (quote!(measured), quote!(#n)),
            (_, Limit::Float(x)) if matches!(f.ty, Type::Primitive(Primitive::Double)) => {
                (quote!(measured), quote!(#x))
            }
            (_, Limit::Float(x)) => (quote!((measured as f64)), quote!(#x)),
        };
        let message = format!("{what} must be {op} {limit}");
        // The check fails when the value is on the wrong side of the bound.
        let test = match op {
            ">=" => quote!(#measured < #bound),
            ">" => quote!(#measured <= #bound),
            "<=" => quote!(#measured > #bound),
            _ => quote!(#measured >= #bound),
        };
        quote! {
            if #test {
                return Err(ValidationError { field: #path, message: #message.to_string() });
            }
        }
    });
    let body = quote! { let measured = #measure; #(#checks)* };
    Some(if f.presence.is_required() {
        quote! { { let value = &self.#ident; #body } }
    } else {
        quote! { if let Some(value) = &self.#ident { #body } }
    })
}

/// A bound as the generated code compares with it.
enum Limit {
    Int(i64),
    Float(f64),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Int(n) => write!(f, "{n}"),
            Limit::Float(x) => write!(f, "{x}"),
        }
    }
}

/// The bounds that apply to a value of `ty` as whole numbers: a length for strings, a size for
/// collections, the value (rounded inwards) for numbers.
pub(crate) fn integer_bounds(ty: &Type, c: &Constraints) -> (Option<i64>, Option<i64>) {
    let counts = |c: &Counts| (c.min.map(|n| n as i64), c.max.map(|n| n as i64));
    match ty {
        Type::Primitive(Primitive::String) => counts(&c.length),
        Type::List(_) | Type::Map(_) => counts(&c.items),
        _ => {
            let min = c.value.min.as_ref().map(|b| {
                let v = b.as_f64().ceil();
                (if b.exclusive && v == b.as_f64() { v + 1.0 } else { v }) as i64
            });
            let max = c.value.max.as_ref().map(|b| {
                let v = b.as_f64().floor();
                (if b.exclusive && v == b.as_f64() { v - 1.0 } else { v }) as i64
            });
            (min, max)
        }
    }
}

/// A Rust expression for a default value, for the types where one reads naturally. Other
/// defaults (objects, json) are left to the sender, as apibuilder's Scala clients do. The
/// compiler has made `value` a value of `ty`; anything else gets no default.
pub(crate) fn default_expr(ir: &Ir, sid: ServiceId, ty: &Type, value: &Literal, at: From) -> Option<TokenStream> {
    match ty {
        Type::Primitive(Primitive::String) => value.as_str().map(|s| quote!(#s.to_string())),
        Type::Primitive(Primitive::Boolean) => value.as_bool().map(|b| quote!(#b)),
        Type::Primitive(Primitive::Integer) => value.as_i64().and_then(|n| i32::try_from(n).ok()).map(|n| quote!(#n)),
        Type::Primitive(Primitive::Long) => value.as_i64().map(|n| quote!(#n)),
        Type::Primitive(Primitive::Double) => value.as_f64().filter(|f| f.is_finite()).map(|n| quote!(#n)),
        // The compiler has checked these parse; `unwrap_or_default` only keeps panics out of the code.
        Type::Primitive(Primitive::Decimal | Primitive::Uuid | Primitive::DateIso8601 | Primitive::DateTimeIso8601) => {
            let text = compiler::literal_text(value);
            Some(quote!(#text.parse().unwrap_or_default()))
        }
        Type::Primitive(Primitive::Json | Primitive::Object) | Type::Map(_) => {
            let text = value.to_string();
            Some(quote!(::serde_json::from_str(#text).unwrap_or_default()))
        }
        Type::Enum(id) if ir.enum_(*id).integer => {
            let n = value.as_i64()?;
            ir.enum_(*id).values.iter().find(|v| v.value == n.to_string())?;
            let path = rust_type(ir, ty, sid, at);
            let n = proc_macro2::Literal::i64_unsuffixed(n);
            Some(quote!(#path::from(#n)))
        }
        Type::Enum(id) => {
            let e = ir.enum_(*id);
            let wire = value.as_str()?;
            e.values.iter().find(|v| v.value == wire)?;
            let path = rust_type(ir, ty, sid, at);
            Some(quote!(#path::from(#wire)))
        }
        Type::List(inner) => {
            let exprs: Option<Vec<TokenStream>> =
                value.as_array()?.iter().map(|item| default_expr(ir, sid, inner, item, at)).collect();
            let exprs = exprs?;
            Some(quote!(::std::vec![#(#exprs),*]))
        }
        _ => None,
    }
}

fn union_item(ir: &Ir, sid: ServiceId, id: UnionId, boxed: &BTreeSet<(Type, Type)>) -> TokenStream {
    let u = ir.union(id);
    let name = type_ident(&u.name);
    let doc = docs(u.description.as_deref());
    let deprecated = rust::deprecated(u.deprecation.as_ref());
    let owner = Type::Union(id);
    let names = union_variants(u);
    let members: Vec<(proc_macro2::Ident, &UnionMember, TokenStream)> = u
        .members
        .iter()
        .zip(names)
        .map(|(m, v)| {
            let mut ty = rust_type(ir, &m.ty, sid, From::Models);
            if boxed.contains(&(owner.clone(), m.ty.clone())) {
                ty = quote!(::std::boxed::Box<#ty>);
            }
            (v, m, ty)
        })
        .collect();
    let variants = members.iter().map(|(v, m, ty)| {
        let doc = docs(m.description.as_deref());
        let wire_doc = format!(" `{}` on the wire.", m.discriminator_value);
        // Untagged members carry no tag: their own JSON is all there is.
        let doc = if m.description.is_some() || u.encoding == UnionEncoding::Untagged {
            doc
        } else {
            quote!(#[doc = #wire_doc])
        };
        quote!(#doc #v(#ty),)
    });
    // Members whose JSON is not an object (primitives, enums, lists, maps) are wrapped as
    // `{"<discriminator>": "<value>", "value": ...}`, as apibuilder's generators do.
    let is_object = |ty: &Type| matches!(ty, Type::Model(_) | Type::Union(_));
    // A nested union with the same discriminator: its members' tags are this union's too.
    let nested = |ty: &Type| match ty {
        Type::Union(inner) if ir.union(*inner).discriminator().is_some() && u.discriminator().is_some() => Some(*inner),
        _ => None,
    };
    let (ser_arms, de_body) = match &u.encoding {
        UnionEncoding::Discriminated(disc) => {
            let ser = members.iter().map(|(v, m, _)| {
                let tag = &m.discriminator_value;
                if nested(&m.ty).is_some() {
                    // A union of unions: the inner value carries its own member's tag.
                    quote!(Self::#v(value) => ::serde::Serialize::serialize(value, serializer),)
                } else if is_object(&m.ty) {
                    quote!(Self::#v(value) => tagged(serializer, #disc, #tag, value),)
                } else {
                    quote!(Self::#v(value) => tagged_value(serializer, #disc, #tag, value),)
                }
            });
            let arms = members.iter().map(|(v, m, _)| {
                let tag = &m.discriminator_value;
                if let Some(inner) = nested(&m.ty) {
                    // Every leaf tag of the nested union belongs to it.
                    let tags = leaf_tags(ir, inner, &mut BTreeSet::new());
                    quote!(#(Some(#tags))|* => from_json(value).map(Self::#v),)
                } else if is_object(&m.ty) {
                    quote!(Some(#tag) => from_json(value).map(Self::#v),)
                } else {
                    quote!(Some(#tag) => from_json(value.get("value").cloned().unwrap_or_default()).map(Self::#v),)
                }
            });
            let default = members.iter().find(|(_, m, _)| m.default).map(|(v, m, _)| {
                if is_object(&m.ty) {
                    quote!(None => from_json(value).map(Self::#v),)
                } else {
                    quote!(None => from_json(value.get("value").cloned().unwrap_or_default()).map(Self::#v),)
                }
            });
            let de = quote! {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#disc).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    #default
                    _ => Ok(Self::Unknown(value)),
                }
                .map_err(<D::Error as ::serde::de::Error>::custom)
            };
            (quote!(#(#ser)*), de)
        }
        UnionEncoding::Untagged => {
            // The member's own JSON; a reader takes the first member the value fits, in the order
            // the spec lists them, and keeps anything else as `Unknown`.
            let ser = members
                .iter()
                .map(|(v, _, _)| quote!(Self::#v(value) => ::serde::Serialize::serialize(value, serializer),));
            let attempts = members.iter().map(|(v, _, _)| {
                quote! {
                    if let Ok(member) = from_json(value.clone()) {
                        return Ok(Self::#v(member));
                    }
                }
            });
            let de = quote! {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                Ok(Self::Unknown(value))
            };
            (quote!(#(#ser)*), de)
        }
        UnionEncoding::Wrapped => {
            let ser = members.iter().map(|(v, m, _)| {
                let tag = &m.discriminator_value;
                quote!(Self::#v(value) => wrapped(serializer, #tag, value),)
            });
            let arms = members.iter().map(|(v, m, _)| {
                let tag = &m.discriminator_value;
                quote!(Some((#tag, inner)) => from_json(inner.clone()).map(Self::#v),)
            });
            let de = quote! {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let single = value.as_object().filter(|o| o.len() == 1).and_then(|o| o.iter().next());
                match single.map(|(k, v)| (k.as_str(), v)) {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                }
                .map_err(<D::Error as ::serde::de::Error>::custom)
            };
            (quote!(#(#ser)*), de)
        }
    };
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)] // Members are held by value so that matching reads naturally.
        pub enum #name {
            #(#variants)*
            /// A member this version of the spec does not know; kept as sent, so it round-trips.
            Unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #ser_arms
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #de_body
            }
        }
    }
}

/// The Rust field names of a model's fields: snake_case, unique (`user_id` and `user-id` become
/// `user_id` and `user_id_2`; serde keeps each one's wire name).
pub(crate) fn field_idents(m: &Model) -> Vec<proc_macro2::Ident> {
    // Independent of field order: a field already named like its identifier keeps it; the
    // others take suffixes in the order of their wire names.
    let bases: Vec<proc_macro2::Ident> = m.fields.iter().map(|f| field_ident(&f.name)).collect();
    let plain = |i: usize| bases[i].to_string().trim_start_matches("r#").to_string();
    let mut order: Vec<usize> = (0..m.fields.len()).collect();
    order.sort_by_key(|&i| (plain(i) != m.fields[i].name, m.fields[i].name.clone()));
    let mut used = BTreeSet::new();
    let mut out = bases.clone();
    for i in order {
        let mut ident = bases[i].clone();
        let mut n = 1;
        while !used.insert(ident.to_string().trim_start_matches("r#").to_string()) {
            n += 1;
            ident = format_ident!("{}_{n}", plain(i));
        }
        out[i] = ident;
    }
    out
}

/// The discriminator values of a union's leaves, through nested unions.
fn leaf_tags(ir: &Ir, id: UnionId, seen: &mut BTreeSet<UnionId>) -> Vec<String> {
    if !seen.insert(id) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in &ir.union(id).members {
        match m.ty {
            Type::Union(inner) => out.extend(leaf_tags(ir, inner, seen)),
            _ => out.push(m.discriminator_value.clone()),
        }
    }
    out
}

/// A member's name for its variant: `[long]` → `long_list`, `map[string]` → `string_map`,
/// `io.flow.v0.models.user` → `user`.
fn member_name(type_name: &str) -> String {
    let t = type_name.trim();
    if let Some(inner) = t.strip_prefix("map[").and_then(|r| r.strip_suffix(']')) {
        return format!("{}_map", member_name(inner));
    }
    if t == "map" {
        return "string_map".to_string();
    }
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return format!("{}_list", member_name(inner));
    }
    t.rsplit('.').next().unwrap_or(t).to_string()
}

/// The variant names of a union's members, unique, never `Unknown`.
pub(crate) fn union_variants(u: &Union) -> Vec<proc_macro2::Ident> {
    let mut used = BTreeSet::new();
    u.members
        .iter()
        .map(|m| {
            let mut v = variant_ident(&member_name(&m.type_name));
            if v == "Unknown" || !used.insert(v.to_string()) {
                v = format_ident!("{}Member", v.to_string().trim_start_matches("r#"));
                used.insert(v.to_string());
            }
            v
        })
        .collect()
}

/// The runtime's union encodings the unions of one file use, and no others.
fn union_helpers(ir: &Ir, unions: &[UnionId]) -> TokenStream {
    let is_object = |ty: &Type| matches!(ty, Type::Model(_) | Type::Union(_));
    let discriminated = |id: &&UnionId| ir.union(**id).discriminator().is_some();
    let mut used = Vec::new();
    if !unions.is_empty() {
        used.push(format_ident!("from_json"));
    }
    if unions.iter().filter(discriminated).any(|u| ir.union(*u).members.iter().any(|m| is_object(&m.ty))) {
        used.push(format_ident!("tagged"));
    }
    if unions.iter().filter(discriminated).any(|u| ir.union(*u).members.iter().any(|m| !is_object(&m.ty))) {
        used.push(format_ident!("tagged_value"));
    }
    if unions.iter().any(|u| ir.union(*u).encoding == UnionEncoding::Wrapped) {
        used.push(format_ident!("wrapped"));
    }
    if used.is_empty() {
        return quote!();
    }
    quote!(use ::apigen_runtime::unions::{#(#used),*};)
}
