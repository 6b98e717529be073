//! What generated reqwest clients share: the transport (base URL, headers, timeout, retries with
//! exponential backoff and full jitter for idempotent methods), request bodies and response
//! decoding, and [`ClientError`].

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

/// How failed requests are retried: only idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS)
/// unless `retry_non_idempotent`, on transport errors and on 429, 502, 503, 504.
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub retry_non_idempotent: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            retry_non_idempotent: false,
        }
    }
}

/// Why a call produced no declared response.
#[derive(Debug)]
pub enum ClientError {
    /// The base URL or a built URL is not valid.
    InvalidUrl(String),
    /// No response: connection refused, timeout, reset.
    Transport(reqwest::Error),
    /// A declared status whose body does not match the declared type.
    Decode { status: u16, message: String, body: String },
    /// A status the spec does not declare for this operation; the body is kept.
    UnexpectedStatus { status: u16, body: String },
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::InvalidUrl(url) => write!(f, "invalid url: {url}"),
            ClientError::Transport(e) => write!(f, "transport error: {e}"),
            ClientError::Decode { status, message, .. } => write!(f, "cannot decode the {status} response: {message}"),
            ClientError::UnexpectedStatus { status, .. } => write!(f, "unexpected status {status}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// The HTTP side of a generated client. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    base_url: Url,
    headers: HeaderMap,
    retry: Retry,
}

impl Transport {
    /// A transport to the service at `base_url` (e.g. `http://127.0.0.1:8080`), with a 30 s timeout.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let base_url = Url::parse(base_url).map_err(|e| ClientError::InvalidUrl(format!("{base_url}: {e}")))?;
        let http =
            reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(ClientError::Transport)?;
        Ok(Transport { http, base_url, headers: HeaderMap::new(), retry: Retry::default() })
    }

    /// Uses this reqwest client (its timeouts, TLS and proxy settings).
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// Sends this header with every request (e.g. an authorization token).
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, ClientError> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| ClientError::InvalidUrl(format!("header name {name}: {e}")))?;
        let value = HeaderValue::from_str(value).map_err(|e| ClientError::InvalidUrl(format!("header value: {e}")))?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// A timeout for each attempt of each request.
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, ClientError> {
        self.http = reqwest::Client::builder().timeout(timeout).build().map_err(ClientError::Transport)?;
        Ok(self)
    }

    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The base URL with these path segments appended, each percent-encoded.
    pub fn url(&self, segments: &[&str]) -> Result<Url, ClientError> {
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

    /// Sends a request, retrying as the transport's [`Retry`] allows; returns the status and body.
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), ClientError> {
        let idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS);
        let retries = if idempotent || self.retry.retry_non_idempotent { self.retry.max_attempts.max(1) } else { 1 };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request =
                self.http.request(method.clone(), url.clone()).headers(self.headers.clone()).headers(headers.clone());
            if let Some(body) = &body {
                request = request.header(CONTENT_TYPE, "application/json").body(body.clone());
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
            tokio::time::sleep(backoff(&self.retry, attempt)).await;
        }
    }
}

/// Exponential backoff with full jitter: a random wait in [0, min(max, initial · 2^(n-1))].
pub fn backoff(retry: &Retry, attempt: u32) -> Duration {
    let cap = retry.initial_backoff.saturating_mul(1u32 << (attempt.max(1) - 1).min(16)).min(retry.max_backoff);
    // Jitter needs no cryptographic randomness: the clock's nanoseconds, mixed.
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let mut x = u64::from(nanos) ^ (u64::from(attempt) << 32) ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let fraction = (x % 1_000) as f64 / 1_000.0;
    // Below the cap, so no overflow whatever the cap is.
    cap.mul_f64(fraction)
}

/// A response body of a declared status, decoded as its declared type.
pub fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| ClientError::Decode {
        status,
        message: e.to_string(),
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

/// A request body as JSON.
pub fn encode<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(body).map_err(|e| ClientError::Decode { status: 0, message: e.to_string(), body: String::new() })
}

/// An undeclared status, with its body kept for the caller.
pub fn unexpected(status: u16, body: &[u8]) -> ClientError {
    ClientError::UnexpectedStatus { status, body: String::from_utf8_lossy(body).into_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_cap() {
        let retry = Retry::default();
        for attempt in 1..40 {
            assert!(backoff(&retry, attempt) <= retry.max_backoff);
        }
        assert!(backoff(&retry, 1) <= retry.initial_backoff);
        let huge = Retry { max_backoff: Duration::MAX, initial_backoff: Duration::MAX, ..Retry::default() };
        assert!(backoff(&huge, 30) <= Duration::MAX);
    }

    #[test]
    fn segments_are_percent_encoded() {
        let t = Transport::new("http://127.0.0.1:1/api/").unwrap();
        assert_eq!(t.url(&["users", "a b/c"]).unwrap().as_str(), "http://127.0.0.1:1/api/users/a%20b%2Fc");
    }
}
