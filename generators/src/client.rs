//! The reqwest client generator: `Client` implements every resource trait over HTTP, with a base
//! URL, per-client headers, a timeout, and retries with exponential backoff and jitter for
//! idempotent methods (off for POST and PATCH unless asked for). Errors are typed: each declared
//! status is a response variant; an undeclared status keeps its body; transport and decode
//! failures are their own cases.

use compiler::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

use crate::api::{self, BodyKind, Op};
use crate::rust::{From, field_ident, rust_type};
use crate::{Part, part};

/// The `client.rs` of a service: the `Client` and the helpers it uses, then its implementation
/// of each resource trait as a part of its own.
pub fn parts(ir: &Ir, sid: ServiceId) -> Vec<Part<'_>> {
    let mut parts: Vec<Part<'_>> = vec![part(move || head(ir, sid))];
    parts.extend(api::trait_groups(ir, sid).into_iter().map(|group| {
        part(move || {
            let ops = api::operations_of(ir, sid, &group);
            let Some(name) = ops.first().map(|o| &o.resource_trait) else { return quote!() };
            let methods = ops.iter().map(|o| method(ir, sid, o));
            quote! {
                impl super::api::#name for Client {
                    type Error = ClientError;
                    #(#methods)*
                }
            }
        })
    }));
    parts
}

fn head(ir: &Ir, sid: ServiceId) -> TokenStream {
    let ops = api::operations(ir, sid);
    let s = ir.service(sid);
    let doc = format!(" The HTTP client of the `{}` service, on reqwest.", s.name);
    let enums = crate::server::param_enums(ir, &ops);
    let enum_impls = enums.iter().map(|ty| {
        let t = rust_type(ir, ty, sid, From::Sibling);
        let text = if matches!(ty, Type::Enum(id) if ir.enum_(*id).integer) {
            quote!(self.to_string())
        } else {
            quote!(self.as_str().to_string())
        };
        quote! {
            impl ::apigen_runtime::params::ToParam for #t {
                fn to_param(&self) -> ::std::string::String {
                    #text
                }
            }
        }
    });
    // Only the helpers some operation uses, so that no service's client has dead code.
    let any_body_out = ops.iter().any(|o| !matches!(o.body, BodyKind::None));
    let any_body_in = ops.iter().any(|o| o.responses.iter().any(|r| r.has_body()));
    let any_param = ops.iter().any(|o| !o.params.is_empty());
    let mut used = Vec::new();
    if any_body_in {
        used.push(quote::format_ident!("decode"));
    }
    if any_body_out {
        used.push(quote::format_ident!("encode"));
    }
    let uses = (!used.is_empty()).then(|| quote!(use ::apigen_runtime::client::{#(#used),*};));
    let to_param = any_param.then(|| {
        quote!(
            use ::apigen_runtime::params::ToParam as _;
        )
    });
    quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " Deprecated items of the spec are used freely here: this code must keep reading and writing them; their users get the warnings."]
        #![allow(deprecated)]

        pub use ::apigen_runtime::client::{ClientError, Retry};

        /// A client of the service over HTTP. Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: ::apigen_runtime::client::Transport,
        }

        impl Client {
            /// A client of the service at `base_url` (e.g. `http://127.0.0.1:8080`), with a 30 s timeout.
            pub fn new(base_url: &str) -> ::std::result::Result<Self, ClientError> {
                Ok(Client { transport: ::apigen_runtime::client::Transport::new(base_url)? })
            }

            /// Uses this reqwest client (its timeouts, TLS and proxy settings).
            pub fn with_http_client(self, http: ::reqwest::Client) -> Self {
                Client { transport: self.transport.with_http_client(http) }
            }

            /// Sends this header with every request (e.g. an authorization token).
            pub fn with_header(self, name: &str, value: &str) -> ::std::result::Result<Self, ClientError> {
                Ok(Client { transport: self.transport.with_header(name, value)? })
            }

            /// A timeout for each attempt of each request.
            pub fn with_timeout(self, timeout: ::std::time::Duration) -> ::std::result::Result<Self, ClientError> {
                Ok(Client { transport: self.transport.with_timeout(timeout)? })
            }

            pub fn with_retry(self, retry: Retry) -> Self {
                Client { transport: self.transport.with_retry(retry) }
            }
        }

        #uses
        #to_param
        #(#enum_impls)*
    }
}

fn method(ir: &Ir, sid: ServiceId, o: &Op<'_>) -> TokenStream {
    let name = &o.method;
    let (req, resp) = (&o.request, &o.response);
    let method = quote::format_ident!("{}", o.op.method.as_str());
    // Path segments: static ones as written, `:name` ones from the request.
    let segments = o.op.path.split('/').filter(|s| !s.is_empty()).map(|seg| match seg.strip_prefix(':') {
        Some(param) => {
            let name = param.split('.').next().unwrap_or(param);
            let ident =
                o.params.iter().find(|p| p.p.name == name).map_or_else(|| field_ident(name), |p| p.ident.clone());
            quote!(&request.#ident.to_param())
        }
        None => quote!(#seg),
    });
    let query = o.params.iter().filter(|p| p.p.location == ParameterLocation::Query).map(|p| {
        let (ident, wire) = (&p.ident, &p.p.name);
        match (p.is_list, p.optional) {
            (true, true) => quote! {
                for value in request.#ident.iter().flatten() {
                    url.query_pairs_mut().append_pair(#wire, &value.to_param());
                }
            },
            (true, false) => quote! {
                for value in &request.#ident {
                    url.query_pairs_mut().append_pair(#wire, &value.to_param());
                }
            },
            (false, true) => quote! {
                if let Some(value) = &request.#ident {
                    url.query_pairs_mut().append_pair(#wire, &value.to_param());
                }
            },
            (false, false) => quote! {
                url.query_pairs_mut().append_pair(#wire, &request.#ident.to_param());
            },
        }
    });
    let headers = o.params.iter().filter(|p| p.p.location == ParameterLocation::Header).map(|p| {
        let (ident, wire) = (&p.ident, &p.p.name);
        let insert = quote! {
            let value = ::reqwest::header::HeaderValue::from_str(&value.to_param()).map_err(|e| ClientError::InvalidUrl(format!("header {}: {e}", #wire)))?;
            headers.append(#wire, value);
        };
        match (p.is_list, p.optional) {
            (true, true) => quote!(for value in request.#ident.iter().flatten() { #insert }),
            (true, false) => quote!(for value in &request.#ident { #insert }),
            (false, true) => quote!(if let Some(value) = &request.#ident { #insert }),
            (false, false) => quote!({ let value = &request.#ident; #insert }),
        }
    });
    let body = match o.body {
        BodyKind::None => quote!(None),
        BodyKind::Typed(_) => quote!(Some(encode(&request.body)?)),
        BodyKind::Form => {
            let fields = o.op.parameters.iter().filter(|p| p.location == ParameterLocation::Form).map(|p| {
                let ident = field_ident(&p.name);
                let wire = &p.name;
                quote!(body.insert(#wire.to_string(), ::serde_json::to_value(request.#ident).map_err(|e| ClientError::Decode { status: 0, message: e.to_string(), body: ::std::string::String::new() })?);)
            });
            quote!({
                let mut body = ::serde_json::Map::new();
                #(#fields)*
                Some(encode(&body)?)
            })
        }
    };
    let declared = o.responses.iter().filter(|r| matches!(r.code, ResponseCode::Status(_))).map(|r| {
        let v = &r.variant;
        let ResponseCode::Status(code) = r.code else { unreachable!("filtered to status codes") };
        if r.has_body() {
            let t = rust_type(ir, r.ty, sid, From::Sibling);
            quote!(#code => Ok(super::api::#resp::#v(decode::<#t>(status, &bytes)?)),)
        } else {
            quote!(#code => Ok(super::api::#resp::#v),)
        }
    });
    // A range (`4XX`) takes what no declared status did, before `default` does.
    let ranges = o.responses.iter().filter_map(|r| match r.code {
        ResponseCode::Range(class) => {
            let v = &r.variant;
            let (low, high) = (u16::from(class) * 100, u16::from(class) * 100 + 99);
            Some(if r.has_body() {
                let t = rust_type(ir, r.ty, sid, From::Sibling);
                quote!(status @ #low..=#high => Ok(super::api::#resp::#v { status, body: decode::<#t>(status, &bytes)? }),)
            } else {
                quote!(status @ #low..=#high => Ok(super::api::#resp::#v { status }),)
            })
        }
        _ => None,
    });
    let declared = declared.chain(ranges);
    let fallback = match o.responses.iter().find(|r| r.code == ResponseCode::Default) {
        Some(r) if r.has_body() => {
            let v = &r.variant;
            let t = rust_type(ir, r.ty, sid, From::Sibling);
            quote!(status => Ok(super::api::#resp::#v { status, body: decode::<#t>(status, &bytes)? }),)
        }
        Some(r) => {
            let v = &r.variant;
            quote!(status => Ok(super::api::#resp::#v { status }),)
        }
        None => {
            quote!(status => Err(::apigen_runtime::client::unexpected(status, &bytes)),)
        }
    };
    let uses_headers = o.params.iter().any(|p| p.p.location == ParameterLocation::Header);
    let headers_decl = if uses_headers {
        quote!(let mut headers = ::reqwest::header::HeaderMap::new();)
    } else {
        quote!(let headers = ::reqwest::header::HeaderMap::new();)
    };
    let uses_query = o.params.iter().any(|p| p.p.location == ParameterLocation::Query);
    let url_decl = if uses_query {
        quote!(let mut url = self.transport.url(&[#(#segments),*])?;)
    } else {
        quote!(let url = self.transport.url(&[#(#segments),*])?;)
    };
    let uses_request = !o.params.is_empty() || !matches!(o.body, BodyKind::None);
    let request_binding = if uses_request { quote!(request) } else { quote!(_request) };
    quote! {
        async fn #name(&self, #request_binding: super::api::#req) -> ::std::result::Result<super::api::#resp, ClientError> {
            #url_decl
            #(#query)*
            #headers_decl
            #(#headers)*
            let (status, bytes) = self.transport.send(::reqwest::Method::#method, url, headers, #body).await?;
            match status {
                #(#declared)*
                #fallback
            }
        }
    }
}
