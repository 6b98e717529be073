//! The API of a service as Rust: one trait per resource with one async method per operation, a
//! request struct per operation, and a response enum per operation with one variant per declared
//! status code. The server, the HTTP client, the mock client and the in-process adapter all meet
//! at these traits, so calling code does not care which one it holds.

use compiler::ir::*;
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::rust::{self, From, docs, field_ident, rust_type, type_ident};
use crate::{Part, part};

/// What every generator needs to know about one operation.
#[derive(Debug)]
pub struct Op<'a> {
    pub op: &'a Operation,
    pub id: OperationId,
    /// The resource's trait: `Users`.
    pub resource_trait: Ident,
    /// The method: `get_by_id`.
    pub method: Ident,
    /// `GetUsersByIdRequest`, `GetUsersByIdResponse`.
    pub request: Ident,
    pub response: Ident,
    pub params: Vec<Param<'a>>,
    /// The JSON body: a typed body, or the form parameters as one JSON object.
    pub body: BodyKind<'a>,
    pub responses: Vec<Resp<'a>>,
}

#[derive(Debug)]
pub struct Param<'a> {
    pub p: &'a Parameter,
    pub ident: Ident,
    /// The Rust type in the request struct (`Option` when optional without default).
    pub ty: TokenStream,
    /// The type of one value (the element type for lists).
    pub scalar: &'a Type,
    pub is_list: bool,
    pub optional: bool,
}

#[derive(Debug)]
pub enum BodyKind<'a> {
    None,
    Typed(&'a Type),
    Form,
}

#[derive(Debug)]
pub struct Resp<'a> {
    pub code: ResponseCode,
    pub variant: Ident,
    pub ty: &'a Type,
    pub description: Option<&'a str>,
}

impl Resp<'_> {
    pub fn has_body(&self) -> bool {
        !self.ty.is_unit()
    }
}

/// The trait name of a resource: the plural in UpperCamelCase (`user` → `Users`).
pub fn resource_trait(ir: &Ir, r: &Resource) -> Ident {
    let _ = ir;
    type_ident(&r.plural.rsplit('.').next().unwrap_or(&r.plural).to_upper_camel_case())
}

/// The resources of a service that have operations, in a stable order (by type name).
pub fn resources(ir: &Ir, sid: ServiceId) -> Vec<ResourceId> {
    let mut resources: Vec<ResourceId> = ir.service(sid).resources.clone();
    resources.retain(|r| !ir.resource(*r).operations.is_empty());
    resources.sort_by_key(|r| ir.resource(*r).type_name.clone());
    resources
}

/// The operations of a service, in a stable order (resource, then path, then method).
pub fn operations(ir: &Ir, sid: ServiceId) -> Vec<Op<'_>> {
    resources(ir, sid).into_iter().flat_map(|rid| resource_operations(ir, sid, rid)).collect()
}

/// The resources grouped by the trait they make (two resources may share a plural), in order of
/// first appearance: a generated file has a part per group, rendered on any thread.
pub fn trait_groups(ir: &Ir, sid: ServiceId) -> Vec<Vec<ResourceId>> {
    let mut groups: Vec<(String, Vec<ResourceId>)> = Vec::new();
    for rid in resources(ir, sid) {
        let name = resource_trait(ir, ir.resource(rid)).to_string();
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(rid),
            None => groups.push((name, vec![rid])),
        }
    }
    groups.into_iter().map(|(_, list)| list).collect()
}

/// The operations of some resources of a service, in the order [`operations`] gives them.
pub fn operations_of<'a>(ir: &'a Ir, sid: ServiceId, resources: &[ResourceId]) -> Vec<Op<'a>> {
    resources.iter().flat_map(|rid| resource_operations(ir, sid, *rid)).collect()
}

/// The operations of one resource, by path, then method.
pub fn resource_operations(ir: &Ir, sid: ServiceId, rid: ResourceId) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    let r = ir.resource(rid);
    let trait_name = resource_trait(ir, r);
    let rpath = r.path.clone().unwrap_or_default();
    let mut ops: Vec<OperationId> = r.operations.clone();
    ops.sort_by_key(|o| (ir.operation(*o).path.clone(), ir.operation(*o).method));
    let mut used = std::collections::BTreeSet::new();
    for oid in ops {
        let op = ir.operation(oid);
        let mut method = rust::method_ident(op, &rpath);
        if !used.insert(method.to_string()) {
            method = format_ident!("{}_{}", method.to_string().trim_start_matches("r#"), used.len());
            used.insert(method.to_string());
        }
        let request = format_ident!("{}Request", method_type_name(&trait_name, &method));
        let response = format_ident!("{}Response", method_type_name(&trait_name, &method));
        let mut params: Vec<Param<'_>> =
            op.parameters.iter().filter(|p| p.location != ParameterLocation::Form).map(|p| param(ir, sid, p)).collect();
        // The request struct holds the JSON body as `body`; a parameter of that name moves aside.
        for p in &mut params {
            if p.ident == "body" && op.body.is_some() {
                p.ident = format_ident!("body_param");
            }
        }
        let body = match (&op.body, op.parameters.iter().any(|p| p.location == ParameterLocation::Form)) {
            (Some(b), _) => BodyKind::Typed(b.ty()),
            (None, true) => BodyKind::Form,
            (None, false) => BodyKind::None,
        };
        let mut responses: Vec<Resp<'_>> = op
            .responses
            .iter()
            .map(|resp| Resp {
                code: resp.code,
                variant: status_variant(resp.code),
                ty: resp.ty(),
                description: resp.description.as_deref(),
            })
            .collect();
        responses.sort_by_key(|r| match r.code {
            ResponseCode::Status(c) => u32::from(c),
            ResponseCode::Range(class) => u32::from(class) * 100 + 99,
            ResponseCode::Default => 1000,
        });
        out.push(Op {
            op,
            id: oid,
            resource_trait: trait_name.clone(),
            method,
            request,
            response,
            params,
            body,
            responses,
        });
    }
    out
}

/// `Users` + `get_by_id` → `UsersGetById`.
fn method_type_name(trait_name: &Ident, method: &Ident) -> String {
    format!("{trait_name}{}", method.to_string().trim_start_matches("r#").to_upper_camel_case())
}

fn param<'a>(ir: &Ir, sid: ServiceId, p: &'a Parameter) -> Param<'a> {
    let (scalar, is_list) = match &p.ty {
        Type::List(inner) => (&**inner, true),
        other => (other, false),
    };
    let base = rust_type(ir, &p.ty, sid, From::Sibling);
    let optional = p.presence == Presence::Optional;
    let ty = if optional { quote!(::std::option::Option<#base>) } else { base };
    Param { p, ident: field_ident(&p.name), ty, scalar, is_list, optional }
}

/// `200` → `Ok`, `404` → `NotFound`, other codes → `Status418`, `4XX` → `Status4xx`, `default` →
/// `Other`.
pub fn status_variant(code: ResponseCode) -> Ident {
    let name = match code {
        ResponseCode::Default => "Other",
        ResponseCode::Range(class) => return format_ident!("Status{class}xx"),
        ResponseCode::Status(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            204 => "NoContent",
            301 => "MovedPermanently",
            302 => "Found",
            304 => "NotModified",
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            422 => "UnprocessableEntity",
            423 => "Locked",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format_ident!("Status{other}"),
        },
    };
    format_ident!("{name}")
}

/// The `api.rs` of a service: its inner attributes, then a trait per resource, the request
/// structs and the response enums, each resource a part of its own.
pub fn parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    let s = ir.service(sid);
    let doc =
        format!(" The API of the `{}` service: one trait per resource, with typed requests and responses.", s.name);
    let mut parts: Vec<Part<'_>> = vec![part(move || {
        quote! {
            #![doc = #doc]
            #![doc = ""]
            #![doc = " Deprecated items of the spec are used freely here: this code must keep reading and writing them; their users get the warnings."]
            #![allow(deprecated)]
        }
    })];
    parts.extend(trait_groups(ir, sid).into_iter().map(|group| part(move || trait_item(ir, sid, &group))));
    let resources = resources(ir, sid);
    parts.extend(resources.iter().map(|&rid| {
        part(move || resource_operations(ir, sid, rid).iter().map(|o| request_struct(ir, sid, o)).collect())
    }));
    parts.extend(resources.iter().map(|&rid| {
        part(move || resource_operations(ir, sid, rid).iter().map(|o| response_enum(ir, sid, o)).collect())
    }));
    parts
}

/// The trait of some resources (usually one), and its implementation for `Arc`.
fn trait_item(ir: &Ir, sid: ServiceId, resources: &[ResourceId]) -> TokenStream {
    let ops = operations_of(ir, sid, resources);
    let Some(first) = ops.first() else { return quote!() };
    let name = &first.resource_trait;
    let doc = docs(ir.resource(first.op.resource).description.as_deref());
    let methods = ops.iter().map(|o| {
        let method = &o.method;
        let (req, resp) = (&o.request, &o.response);
        let summary = format!(" `{} {}`", o.op.method.as_str(), o.op.path);
        let doc = docs(o.op.description.as_deref());
        let deprecated = rust::deprecated(o.op.deprecation.as_ref());
        quote! {
            #[doc = #summary]
            #doc
            #deprecated
            fn #method(&self, request: #req) -> impl ::std::future::Future<Output = ::std::result::Result<#resp, Self::Error>> + Send;
        }
    });
    let delegates = ops.iter().map(|o| {
        let method = &o.method;
        let (req, resp) = (&o.request, &o.response);
        quote! {
            fn #method(&self, request: #req) -> impl ::std::future::Future<Output = ::std::result::Result<#resp, Self::Error>> + Send {
                T::#method(self, request)
            }
        }
    });
    let any_deprecated = ops.iter().any(|o| o.op.deprecation.is_some());
    let allow = if any_deprecated { quote!(#[allow(deprecated)]) } else { quote!() };
    quote! {
        #doc
        pub trait #name: Send + Sync + 'static {
            /// What an implementation fails with: a server's own error (answered as 500), or a client's transport error.
            type Error: ::std::error::Error + Send + Sync + 'static;
            #(#methods)*
        }

        /// Shared implementations serve too, so one value can back a router and in-process callers.
        #allow
        impl<T: #name> #name for ::std::sync::Arc<T> {
            type Error = T::Error;
            #(#delegates)*
        }
    }
}

fn request_struct(ir: &Ir, sid: ServiceId, o: &Op<'_>) -> TokenStream {
    let name = &o.request;
    let doc = format!(" The request of `{} {}`.", o.op.method.as_str(), o.op.path);
    let mut fields: Vec<TokenStream> = o
        .params
        .iter()
        .map(|p| {
            let (ident, ty) = (&p.ident, &p.ty);
            let d = docs(p.p.description.as_deref());
            let location = format!(
                " In the {}{}.",
                p.p.location.as_str(),
                p.p.presence
                    .default()
                    .map(|d| format!("; default `{}`", compiler::literal_text(d)))
                    .unwrap_or_default()
            );
            quote!(#d #[doc = #location] pub #ident: #ty,)
        })
        .collect();
    match o.body {
        BodyKind::Typed(ty) => {
            let t = rust_type(ir, ty, sid, From::Sibling);
            fields.push(quote!(/// The JSON body.
                pub body: #t,));
        }
        BodyKind::Form => {
            for p in o.op.parameters.iter().filter(|p| p.location == ParameterLocation::Form) {
                let ident = field_ident(&p.name);
                let base = rust_type(ir, &p.ty, sid, From::Sibling);
                let ty = if p.presence.is_required() { base } else { quote!(::std::option::Option<#base>) };
                let d = docs(p.description.as_deref());
                fields.push(quote!(#d /// A field of the JSON body.
                    pub #ident: #ty,));
            }
        }
        BodyKind::None => {}
    }
    let defaultable = o.params.iter().all(|p| p.optional) && matches!(o.body, BodyKind::None);
    let derive = if defaultable {
        quote!(#[derive(Debug, Clone, PartialEq, Default)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    quote! {
        #[doc = #doc]
        #derive
        pub struct #name {
            #(#fields)*
        }
    }
}

fn response_enum(ir: &Ir, sid: ServiceId, o: &Op<'_>) -> TokenStream {
    let name = &o.response;
    let doc = format!(" The responses `{} {}` declares, one variant per status code.", o.op.method.as_str(), o.op.path);
    let variants = o.responses.iter().map(|r| {
        let v = &r.variant;
        let d = docs(r.description);
        let code = match r.code {
            ResponseCode::Status(c) => format!(" HTTP {c}."),
            ResponseCode::Range(class) => format!(" Any HTTP {class}xx status not declared on its own."),
            ResponseCode::Default => " Any other status code.".to_string(),
        };
        let t = rust_type(ir, r.ty, sid, From::Sibling);
        match (r.code, r.has_body()) {
            (ResponseCode::Default | ResponseCode::Range(_), true) => {
                quote!(#[doc = #code] #d #v { status: u16, body: #t },)
            }
            (ResponseCode::Default | ResponseCode::Range(_), false) => quote!(#[doc = #code] #d #v { status: u16 },),
            (_, true) => quote!(#[doc = #code] #d #v(#t),),
            (_, false) => quote!(#[doc = #code] #d #v,),
        }
    });
    let status_arms = o.responses.iter().map(|r| {
        let v = &r.variant;
        match (r.code, r.has_body()) {
            (ResponseCode::Default | ResponseCode::Range(_), _) => quote!(Self::#v { status, .. } => *status,),
            (ResponseCode::Status(c), true) => quote!(Self::#v(_) => #c,),
            (ResponseCode::Status(c), false) => quote!(Self::#v => #c,),
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)] // Bodies are held by value so that matching reads naturally.
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The HTTP status code of this response.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }
        }
    }
}
