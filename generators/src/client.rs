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

pub fn generate(ir: &Ir, sid: ServiceId) -> TokenStream {
    let ops = api::operations(ir, sid);
    let s = ir.service(sid);
    let doc = format!(" The HTTP client of the `{}` service, on reqwest.", s.name);
    let mut traits: Vec<(&proc_macro2::Ident, Vec<&Op<'_>>)> = Vec::new();
    for o in &ops {
        match traits.iter_mut().find(|(t, _)| *t == &o.resource_trait) {
            Some((_, list)) => list.push(o),
            None => traits.push((&o.resource_trait, vec![o])),
        }
    }
    let impls = traits.iter().map(|(name, ops)| {
        let methods = ops.iter().map(|o| method(ir, sid, o));
        quote! {
            impl super::api::#name for Client {
                type Error = ClientError;
                #(#methods)*
            }
        }
    });
    let enums = crate::server::param_enums(ir, &ops);
    let opaque = crate::server::has_opaque_params(ir, &ops).then(|| {
        quote! {
            impl ToParam for ::serde_json::Value {
                fn to_param(&self) -> ::std::string::String {
                    match self {
                        ::serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                }
            }
        }
    });
    let enum_impls = enums.iter().map(|ty| {
        let t = rust_type(ir, ty, sid, From::Sibling);
        quote! {
            impl ToParam for #t {
                fn to_param(&self) -> ::std::string::String {
                    self.as_str().to_string()
                }
            }
        }
    });
    // Only the helpers some operation uses, so that no service's client has dead code.
    let any_body_out = ops.iter().any(|o| !matches!(o.body, BodyKind::None));
    let any_body_in = ops.iter().any(|o| o.responses.iter().any(|r| r.has_body()));
    let any_param = ops.iter().any(|o| !o.params.is_empty());
    let decode = any_body_in.then(|| quote! {
        fn decode<T: ::serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> ::std::result::Result<T, ClientError> {
            ::serde_json::from_slice(body).map_err(|e| ClientError::Decode {
                status,
                message: e.to_string(),
                body: ::std::string::String::from_utf8_lossy(body).into_owned(),
            })
        }

    });
    let encode = any_body_out.then(|| quote! {
        fn encode<T: ::serde::Serialize>(body: &T) -> ::std::result::Result<::std::vec::Vec<u8>, ClientError> {
            ::serde_json::to_vec(body).map_err(|e| ClientError::Decode { status: 0, message: e.to_string(), body: ::std::string::String::new() })
        }

    });
    let to_param = any_param.then(|| {
        quote! {
            /// Formats one path, query or header value as the server parses it.
            trait ToParam {
                fn to_param(&self) -> ::std::string::String;
            }

            impl ToParam for ::std::string::String {
                fn to_param(&self) -> ::std::string::String {
                    self.clone()
                }
            }

            macro_rules! to_param_display {
                ($($t:ty),*) => {$(
                    impl ToParam for $t {
                        fn to_param(&self) -> ::std::string::String {
                            self.to_string()
                        }
                    }
                )*};
            }

            to_param_display!(bool, i32, i64, f64, ::rust_decimal::Decimal, ::uuid::Uuid, ::chrono::NaiveDate);

            impl ToParam for ::chrono::DateTime<::chrono::FixedOffset> {
                fn to_param(&self) -> ::std::string::String {
                    self.to_rfc3339()
                }
            }

        }
    });
    quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " Deprecated items of the spec are used freely here: this code must keep reading and writing them; their users get the warnings."]
        #![allow(deprecated)]

        /// How failed requests are retried: only idempotent methods (GET, PUT, DELETE, HEAD,
        /// OPTIONS) unless `retry_non_idempotent`, on transport errors and on 429, 502, 503, 504.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Retry {
            /// Attempts in all, the first included; 1 disables retries.
            pub max_attempts: u32,
            pub initial_backoff: ::std::time::Duration,
            pub max_backoff: ::std::time::Duration,
            pub retry_non_idempotent: bool,
        }

        impl Default for Retry {
            fn default() -> Self {
                Retry {
                    max_attempts: 3,
                    initial_backoff: ::std::time::Duration::from_millis(100),
                    max_backoff: ::std::time::Duration::from_secs(2),
                    retry_non_idempotent: false,
                }
            }
        }

        /// Why a call produced no declared response.
        #[derive(Debug)]
        pub enum ClientError {
            /// The base URL or a built URL is not valid.
            InvalidUrl(::std::string::String),
            /// No response: connection refused, timeout, reset.
            Transport(::reqwest::Error),
            /// A declared status whose body does not match the declared type.
            Decode { status: u16, message: ::std::string::String, body: ::std::string::String },
            /// A status the spec does not declare for this operation; the body is kept.
            UnexpectedStatus { status: u16, body: ::std::string::String },
        }

        impl ::std::fmt::Display for ClientError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    ClientError::InvalidUrl(url) => write!(f, "invalid url: {url}"),
                    ClientError::Transport(e) => write!(f, "transport error: {e}"),
                    ClientError::Decode { status, message, .. } => write!(f, "cannot decode the {status} response: {message}"),
                    ClientError::UnexpectedStatus { status, .. } => write!(f, "unexpected status {status}"),
                }
            }
        }

        impl ::std::error::Error for ClientError {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    ClientError::Transport(e) => Some(e),
                    _ => None,
                }
            }
        }

        /// A client of the service over HTTP. Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            http: ::reqwest::Client,
            base_url: ::reqwest::Url,
            headers: ::reqwest::header::HeaderMap,
            retry: Retry,
        }

        impl Client {
            /// A client of the service at `base_url` (e.g. `http://127.0.0.1:8080`), with a 30 s timeout.
            pub fn new(base_url: &str) -> ::std::result::Result<Self, ClientError> {
                let base_url = ::reqwest::Url::parse(base_url).map_err(|e| ClientError::InvalidUrl(format!("{base_url}: {e}")))?;
                let http = ::reqwest::Client::builder()
                    .timeout(::std::time::Duration::from_secs(30))
                    .build()
                    .map_err(ClientError::Transport)?;
                Ok(Client { http, base_url, headers: ::reqwest::header::HeaderMap::new(), retry: Retry::default() })
            }

            /// Uses this reqwest client (its timeouts, TLS and proxy settings).
            pub fn with_http_client(mut self, http: ::reqwest::Client) -> Self {
                self.http = http;
                self
            }

            /// Sends this header with every request (e.g. an authorization token).
            pub fn with_header(mut self, name: &str, value: &str) -> ::std::result::Result<Self, ClientError> {
                let name = ::reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| ClientError::InvalidUrl(format!("header name {name}: {e}")))?;
                let value = ::reqwest::header::HeaderValue::from_str(value).map_err(|e| ClientError::InvalidUrl(format!("header value: {e}")))?;
                self.headers.insert(name, value);
                Ok(self)
            }

            /// A timeout for each attempt of each request.
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> ::std::result::Result<Self, ClientError> {
                self.http = ::reqwest::Client::builder().timeout(timeout).build().map_err(ClientError::Transport)?;
                Ok(self)
            }

            pub fn with_retry(mut self, retry: Retry) -> Self {
                self.retry = retry;
                self
            }

            /// The base URL with these path segments appended, each percent-encoded.
            fn url(&self, segments: &[&str]) -> ::std::result::Result<::reqwest::Url, ClientError> {
                let mut url = self.base_url.clone();
                {
                    let mut path = url.path_segments_mut().map_err(|_| ClientError::InvalidUrl(self.base_url.to_string()))?;
                    path.pop_if_empty();
                    for segment in segments {
                        path.push(segment);
                    }
                }
                Ok(url)
            }

            /// Sends a request, retrying as `self.retry` allows; returns the status and body.
            async fn send(
                &self,
                method: ::reqwest::Method,
                url: ::reqwest::Url,
                headers: ::reqwest::header::HeaderMap,
                body: ::std::option::Option<::std::vec::Vec<u8>>,
            ) -> ::std::result::Result<(u16, ::std::vec::Vec<u8>), ClientError> {
                let idempotent = matches!(method, ::reqwest::Method::GET | ::reqwest::Method::PUT | ::reqwest::Method::DELETE | ::reqwest::Method::HEAD | ::reqwest::Method::OPTIONS);
                let retries = if idempotent || self.retry.retry_non_idempotent { self.retry.max_attempts.max(1) } else { 1 };
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    let mut request = self.http.request(method.clone(), url.clone()).headers(self.headers.clone()).headers(headers.clone());
                    if let Some(body) = &body {
                        request = request.header(::reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
                    }
                    let outcome = match request.send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            match response.bytes().await {
                                Ok(bytes) => Ok((status, bytes.to_vec())),
                                Err(e) => Err(ClientError::Transport(e)),
                            }
                        }
                        Err(e) => Err(ClientError::Transport(e)),
                    };
                    let retryable = match &outcome {
                        Ok((status, _)) => matches!(status, 429 | 502 | 503 | 504),
                        Err(_) => true,
                    };
                    if !retryable || attempt >= retries {
                        return outcome;
                    }
                    ::tokio::time::sleep(backoff(&self.retry, attempt)).await;
                }
            }
        }

        /// Exponential backoff with full jitter: a random wait in [0, min(max, initial · 2^(n-1))].
        fn backoff(retry: &Retry, attempt: u32) -> ::std::time::Duration {
            let cap = retry.initial_backoff.saturating_mul(1u32 << (attempt - 1).min(16)).min(retry.max_backoff);
            // Jitter needs no cryptographic randomness: the clock's nanoseconds, mixed.
            let nanos = ::std::time::SystemTime::now().duration_since(::std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
            let mut x = u64::from(nanos) ^ (u64::from(attempt) << 32) ^ 0x9e37_79b9_7f4a_7c15;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let fraction = (x % 1_000) as u32;
            cap * fraction / 1_000
        }

        #decode
        #encode
        #to_param
        #(#enum_impls)*
        #opaque

        #(#impls)*
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
            quote!(status => Err(ClientError::UnexpectedStatus { status, body: ::std::string::String::from_utf8_lossy(&bytes).into_owned() }),)
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
        quote!(let mut url = self.url(&[#(#segments),*])?;)
    } else {
        quote!(let url = self.url(&[#(#segments),*])?;)
    };
    let uses_request = !o.params.is_empty() || !matches!(o.body, BodyKind::None);
    let request_binding = if uses_request { quote!(request) } else { quote!(_request) };
    quote! {
        async fn #name(&self, #request_binding: super::api::#req) -> ::std::result::Result<super::api::#resp, ClientError> {
            #url_decl
            #(#query)*
            #headers_decl
            #(#headers)*
            let (status, bytes) = self.send(::reqwest::Method::#method, url, headers, #body).await?;
            match status {
                #(#declared)*
                #fallback
            }
        }
    }
}
