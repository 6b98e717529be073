//! The axum server generator: `router(service)` mounts every operation of a service on a type
//! that implements all its resource traits, so a missing handler is a compile error. Requests
//! that do not parse are answered 400 (malformed) or 422 (out of the declared bounds) with a JSON
//! error body; nothing a client sends can panic the server.

use std::collections::BTreeSet;

use compiler::ir::*;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::api::{self, BodyKind, Op};
use crate::models::{default_expr, has_validation};
use crate::rust::{From, field_ident, rust_type};
use crate::{Part, part};

/// The `server.rs` of a service: the router, the handlers of each resource as a part of their
/// own, then the runtime helpers and parameter parsing they use.
pub fn parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    let mut parts: Vec<Part<'_>> = vec![part(move || router(ir, sid))];
    parts.extend(
        api::resources(ir, sid).into_iter().map(|rid| {
            part(move || api::resource_operations(ir, sid, rid).iter().map(|o| handler(ir, sid, o)).collect())
        }),
    );
    parts.push(part(move || helpers(ir, sid)));
    parts
}

fn router(ir: &Ir, sid: ServiceId) -> TokenStream {
    let ops = api::operations(ir, sid);
    let s = ir.service(sid);
    let doc = format!(" The HTTP server of the `{}` service, on axum.", s.name);
    let mut traits: Vec<&Ident> = Vec::new();
    for o in &ops {
        if !traits.contains(&&o.resource_trait) {
            traits.push(&o.resource_trait);
        }
    }
    let bounds = if traits.is_empty() { quote!(Send + Sync + 'static) } else { quote!(#(super::api::#traits)+*) };
    let has_healthcheck = ops.iter().any(|o| o.op.method == Method::Get && o.op.path == "/_internal_/healthcheck");
    let routes = route_table(&ops);
    let healthcheck_route = if has_healthcheck {
        quote!()
    } else {
        quote!(.route("/_internal_/healthcheck", ::axum::routing::get(::apigen_runtime::server::healthcheck)))
    };
    quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " Deprecated items of the spec are used freely here: this code must keep reading and writing them; their users get the warnings."]
        #![allow(deprecated)]

        /// The largest request body accepted, in bytes.
        pub const BODY_LIMIT: usize = 1024 * 1024;

        /// A router serving every operation of the service with `service` (and
        /// `GET /_internal_/healthcheck`, when the spec does not declare it).
        pub fn router<T: #bounds>(service: T) -> ::axum::Router {
            ::axum::Router::new()
                #(#routes)*
                #healthcheck_route
                .layer(::axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
                .with_state(::std::sync::Arc::new(service))
        }
    }
}

/// The runtime's helpers the handlers call, and no others.
fn helpers(ir: &Ir, sid: ServiceId) -> TokenStream {
    let ops = api::operations(ir, sid);
    let param_helpers = param_helpers(ir, sid, &ops);
    let mut used: Vec<Ident> = Vec::new();
    if !ops.is_empty() {
        used.push(format_ident!("error"));
    }
    if ops.iter().any(|o| o.responses.iter().any(|r| !r.has_body())) {
        used.push(format_ident!("empty"));
    }
    if ops.iter().any(|o| o.responses.iter().any(|r| r.has_body())) {
        used.push(format_ident!("json"));
    }
    let params = || ops.iter().flat_map(|o| o.params.iter());
    if params().any(|p| p.p.location == ParameterLocation::Header) {
        used.push(format_ident!("header_pairs"));
    }
    if params().any(|p| p.p.location == ParameterLocation::Query) {
        used.push(format_ident!("query_pairs"));
    }
    used.sort();
    let uses = (!used.is_empty()).then(|| quote!(use ::apigen_runtime::server::{#(#used),*};));
    quote! {
        #uses
        #param_helpers
    }
}

/// The parameter parsing the handlers of this service use: the runtime's helpers, and how each
/// enum of the spec parses.
fn param_helpers(ir: &Ir, sid: ServiceId, ops: &[Op<'_>]) -> TokenStream {
    let params = || ops.iter().flat_map(|o| o.params.iter());
    if params().next().is_none() {
        return quote!();
    }
    let mut used: Vec<Ident> = Vec::new();
    if params().any(|p| p.is_list) {
        used.push(format_ident!("many"));
    }
    if params().any(|p| !p.is_list) {
        used.push(format_ident!("one"));
    }
    if params().any(|p| {
        !p.is_list
            && !p.optional
            && p.p.presence.default().and_then(|d| default_expr(ir, sid, &p.p.ty, d, From::Sibling)).is_none()
    }) {
        used.push(format_ident!("required"));
    }
    let enum_impls = param_enums(ir, ops).into_iter().map(|ty| {
        let t = rust_type(ir, &ty, sid, From::Sibling);
        let integer = matches!(ty, Type::Enum(id) if ir.enum_(id).integer);
        let parse = if integer {
            quote!(value.parse::<#t>().map_err(|_| ::std::format!("`{value}` is not an integer")))
        } else {
            quote!(Ok(<#t>::from(value)))
        };
        quote! {
            impl ::apigen_runtime::params::FromParam for #t {
                fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                    #parse
                }
            }
        }
    });
    quote! {
        use ::apigen_runtime::params::{#(#used),*};

        #(#enum_impls)*
    }
}

/// Enum types used by parameters (each needs a `FromParam` impl).
pub(crate) fn param_enums(ir: &Ir, ops: &[Op<'_>]) -> Vec<Type> {
    let mut set = BTreeSet::new();
    for o in ops {
        for p in &o.params {
            if let Type::Enum(id) = p.scalar
                && ir.service(ir.enum_(*id).service).format != SourceFormat::ImportSummary
            {
                set.insert(p.scalar.clone());
            }
        }
    }
    set.into_iter().collect()
}

/// `.route("/users/{id}", get(h1).put(h2))` per path, paths sorted, methods in spec order.
fn route_table(ops: &[Op<'_>]) -> Vec<TokenStream> {
    let mut paths: std::collections::BTreeMap<String, Vec<&Op<'_>>> = std::collections::BTreeMap::new();
    for o in ops {
        paths.entry(axum_path(&o.op.path)).or_default().push(o);
    }
    paths
        .iter()
        .map(|(path, ops)| {
            let mut methods = ops.iter().map(|o| {
                let h = handler_ident(o);
                let m = format_ident!("{}", o.op.method.as_str().to_lowercase());
                quote!(#m(#h::<T>))
            });
            let first = methods.next().map(|m| quote!(::axum::routing::#m)).unwrap_or_default();
            quote!(.route(#path, #first #(.#methods)*))
        })
        .collect()
}

/// apibuilder's `/users/:id` as axum's `/users/{id}`.
pub(crate) fn axum_path(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => format!("{{{}}}", name.split('.').next().unwrap_or(name)),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The local holding a parameter's value: prefixed, so that no spec name (`service`, `body`,
/// `errors`, `query`) can shadow the handler's own variables.
fn local(ident: &Ident) -> Ident {
    format_ident!("param_{}", ident.to_string().trim_start_matches("r#"))
}

fn handler_ident(o: &Op<'_>) -> Ident {
    format_ident!(
        "{}_{}",
        heck::ToSnakeCase::to_snake_case(o.resource_trait.to_string().as_str()),
        o.method.to_string().trim_start_matches("r#")
    )
}

fn handler(ir: &Ir, sid: ServiceId, o: &Op<'_>) -> TokenStream {
    let name = handler_ident(o);
    let trait_name = &o.resource_trait;
    let method = &o.method;
    let request = &o.request;
    let response = &o.response;
    let doc = format!(" `{} {}`", o.op.method.as_str(), o.op.path);
    let mut lets = Vec::new();
    for p in &o.params {
        let ident = &p.ident;
        let wire = &p.p.name;
        let scalar = rust_type(ir, p.scalar, sid, From::Sibling);
        let source = match p.p.location {
            ParameterLocation::Path => quote!(&path_pairs),
            ParameterLocation::Header => quote!(&headers),
            _ => quote!(&query),
        };
        // Header names are case-insensitive; axum gives them lower-cased.
        let wire = if p.p.location == ParameterLocation::Header { wire.to_lowercase() } else { wire.clone() };
        let default = p.p.presence.default().and_then(|d| default_expr(ir, sid, &p.p.ty, d, From::Sibling));
        let value = if p.is_list {
            let list = quote!(many::<#scalar>(#source, #wire, &mut errors));
            match (&default, p.optional) {
                (Some(d), _) => quote!({ let v = #list; if v.is_empty() { #d } else { v } }),
                (None, true) => quote!({ let v = #list; if v.is_empty() { None } else { Some(v) } }),
                (None, false) => quote!(#list),
            }
        } else {
            let single = quote!(one::<#scalar>(#source, #wire, &mut errors));
            match (&default, p.optional) {
                // Literals need no closure; anything that allocates is built only when needed.
                (Some(d), _) if matches!(p.scalar, Type::Primitive(prim) if prim.is_numeric() || *prim == Primitive::Boolean) =>
                {
                    quote!(#single.unwrap_or(#d))
                }
                (Some(d), _) => quote!(#single.unwrap_or_else(|| #d)),
                (None, true) => quote!(#single),
                (None, false) => quote!(required(#single, #wire, &mut errors)),
            }
        };
        let local = local(ident);
        lets.push(quote!(let #local = #value;));
    }
    // Required values are unwrapped after the error check, where every one of them is `Some`.
    let required: Vec<Ident> = o
        .params
        .iter()
        .filter(|p| {
            !p.is_list
                && !p.optional
                && p.p.presence.default().and_then(|d| default_expr(ir, sid, &p.p.ty, d, From::Sibling)).is_none()
        })
        .map(|p| local(&p.ident))
        .collect();
    let fields: Vec<TokenStream> = o
        .params
        .iter()
        .map(|p| {
            let (ident, local) = (&p.ident, local(&p.ident));
            quote!(#ident: #local)
        })
        .collect();
    let unwrap_required = if required.is_empty() {
        quote!()
    } else {
        quote! {
            let (#(Some(#required),)*) = (#(#required,)*) else {
                return error(400, "invalid_request", errors);
            };
        }
    };
    let uses_path = o.params.iter().any(|p| p.p.location == ParameterLocation::Path);
    let uses_query = o.params.iter().any(|p| p.p.location == ParameterLocation::Query);
    let uses_headers = o.params.iter().any(|p| p.p.location == ParameterLocation::Header);
    let path_extract = if uses_path {
        quote!(::axum::extract::Path(path_pairs): ::axum::extract::Path<::std::vec::Vec<(::std::string::String, ::std::string::String)>>,)
    } else {
        quote!()
    };
    let query_extract = if uses_query {
        quote! {
            let query = match query_pairs(raw_query.as_deref()) {
                Ok(q) => q,
                Err(e) => return error(400, "invalid_request", vec![e]),
            };
        }
    } else {
        quote!()
    };
    let query_param =
        if uses_query { quote!(::axum::extract::RawQuery(raw_query): ::axum::extract::RawQuery,) } else { quote!() };
    let headers_param = if uses_headers { quote!(header_map: ::axum::http::HeaderMap,) } else { quote!() };
    let headers_let = if uses_headers { quote!(let headers = header_pairs(&header_map);) } else { quote!() };
    let (body_param, body_let, body_field) = match o.body {
        BodyKind::None => (quote!(), quote!(), quote!()),
        BodyKind::Typed(ty) => {
            let t = rust_type(ir, ty, sid, From::Sibling);
            let validate = match ty {
                Type::Model(m) if has_validation(ir, *m) => quote! {
                    if let Err(e) = body.validate() {
                        return error(422, "invalid_body", vec![e.to_string()]);
                    }
                },
                _ => quote!(),
            };
            (
                quote!(body: ::axum::body::Bytes,),
                quote! {
                    let body: #t = match ::serde_json::from_slice(&body) {
                        Ok(b) => b,
                        Err(e) => return error(400, "invalid_body", vec![e.to_string()]),
                    };
                    #validate
                },
                quote!(body,),
            )
        }
        BodyKind::Form => {
            let form_fields: Vec<(&Parameter, Ident, TokenStream)> =
                o.op.parameters
                    .iter()
                    .filter(|p| p.location == ParameterLocation::Form)
                    .map(|p| {
                        let base = rust_type(ir, &p.ty, sid, From::Sibling);
                        let ty = if p.presence.is_required() { base } else { quote!(::std::option::Option<#base>) };
                        (p, field_ident(&p.name), ty)
                    })
                    .collect();
            let decls = form_fields.iter().map(|(p, id, ty)| {
                let wire = &p.name;
                let opt = if p.presence.is_required() { quote!() } else { quote!(#[serde(default)]) };
                quote!(#[serde(rename = #wire)] #opt #id: #ty,)
            });
            let names: Vec<&Ident> = form_fields.iter().map(|(_, id, _)| id).collect();
            (
                quote!(body: ::axum::body::Bytes,),
                quote! {
                    #[derive(::serde::Deserialize)]
                    struct Form { #(#decls)* }
                    let form: Form = match ::serde_json::from_slice(&body) {
                        Ok(f) => f,
                        Err(e) => return error(400, "invalid_body", vec![e.to_string()]),
                    };
                },
                quote!(#(#names: form.#names,)*),
            )
        }
    };
    let arms = o.responses.iter().map(|r| {
        let v = &r.variant;
        match (r.code, r.has_body()) {
            (ResponseCode::Default | ResponseCode::Range(_), true) => {
                quote!(Ok(super::api::#response::#v { status, body }) => json(status, &body),)
            }
            (ResponseCode::Default | ResponseCode::Range(_), false) => {
                quote!(Ok(super::api::#response::#v { status }) => empty(status),)
            }
            (ResponseCode::Status(c), true) => quote!(Ok(super::api::#response::#v(body)) => json(#c, &body),),
            (ResponseCode::Status(c), false) => quote!(Ok(super::api::#response::#v) => empty(#c),),
        }
    });
    let errors_decl = if o.params.is_empty() {
        quote!()
    } else {
        quote! {
            let mut errors: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
        }
    };
    let errors_check = if o.params.is_empty() {
        quote!()
    } else {
        quote! {
            if !errors.is_empty() {
                return error(400, "invalid_request", errors);
            }
        }
    };
    quote! {
        #[doc = #doc]
        async fn #name<T: super::api::#trait_name>(
            ::axum::extract::State(service_impl): ::axum::extract::State<::std::sync::Arc<T>>,
            #path_extract
            #query_param
            #headers_param
            #body_param
        ) -> ::axum::response::Response {
            #query_extract
            #headers_let
            #errors_decl
            #(#lets)*
            #errors_check
            #unwrap_required
            #body_let
            let request = super::api::#request { #(#fields,)* #body_field };
            match service_impl.#method(request).await {
                #(#arms)*
                Err(_) => error(500, "internal_error", vec!["the server failed to handle the request".to_string()]),
            }
        }
    }
}
