//! The one HTTP client a solution gets: GET and POST over HTTP/1, on whichever tier the scenario runs.
//!
//! It owns no timeout and no retry: those are the solution's (a "no timeout" mutant must be able
//! to fail). Each request opens its own connection and drives it inside the returned future, so
//! a solution that drops the future (a timeout, a cancellation) closes the connection at once
//! and the server records the request as abandoned; the client starts no task of its own.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Uri;
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};

/// A response: its status and its whole body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub body: Bytes,
}

/// Why a GET got no response. A status of 4xx or 5xx is a response, not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// Not an `http://host[:port]/path` URL.
    BadUrl(String),
    /// The connection could not be made (refused, unknown host).
    Connect(String),
    /// The connection broke before the response was complete.
    Broken(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::BadUrl(e) => write!(f, "bad URL: {e}"),
            HttpError::Connect(e) => write!(f, "cannot connect: {e}"),
            HttpError::Broken(e) => write!(f, "connection broken: {e}"),
        }
    }
}

impl std::error::Error for HttpError {}

#[derive(Clone, Debug)]
enum Tier {
    /// turmoil's simulated TCP, on the world's virtual time.
    Simulated,
    /// Real TCP on loopback, each host of the world at its server's address.
    Real(Arc<BTreeMap<String, SocketAddr>>),
}

/// The harness's HTTP client. Cheap to clone; share one across workers, as the seed's hint
/// shares one `http.Client`.
#[derive(Clone, Debug)]
pub struct HttpClient {
    tier: Tier,
}

impl HttpClient {
    pub(crate) fn simulated() -> Self {
        HttpClient {
            tier: Tier::Simulated,
        }
    }

    pub(crate) fn real(hosts: Arc<BTreeMap<String, SocketAddr>>) -> Self {
        HttpClient {
            tier: Tier::Real(hosts),
        }
    }

    /// GETs `url` and reads the whole body.
    pub async fn get(&self, url: &str) -> Result<Page, HttpError> {
        self.send(hyper::Method::GET, url, Bytes::new()).await
    }

    /// POSTs `body` to `url` and reads the whole response body.
    pub async fn post(&self, url: &str, body: Bytes) -> Result<Page, HttpError> {
        self.send(hyper::Method::POST, url, body).await
    }

    async fn send(&self, method: hyper::Method, url: &str, body: Bytes) -> Result<Page, HttpError> {
        let uri: Uri = url
            .parse()
            .map_err(|e| HttpError::BadUrl(format!("{url}: {e}")))?;
        let host = match (uri.scheme_str(), uri.host()) {
            (Some("http"), Some(host)) => host.to_owned(),
            _ => return Err(HttpError::BadUrl(format!("{url}: not http://host/path"))),
        };
        let port = uri.port_u16().unwrap_or(80);
        let refused = |e: std::io::Error| HttpError::Connect(format!("{host}:{port}: {e}"));
        match &self.tier {
            Tier::Simulated => {
                let stream = turmoil::net::TcpStream::connect((host.as_str(), port))
                    .await
                    .map_err(refused)?;
                exchange(stream, &host, &uri, method, body).await
            }
            Tier::Real(hosts) => {
                let Some(addr) = hosts.get(&host) else {
                    return Err(HttpError::Connect(format!("{host}: no such host")));
                };
                let stream = tokio::net::TcpStream::connect(addr)
                    .await
                    .map_err(refused)?;
                exchange(stream, &host, &uri, method, body).await
            }
        }
    }
}

/// One request and its response over `stream`, the connection driven inside this future.
async fn exchange<S>(
    stream: S,
    host: &str,
    uri: &Uri,
    method: hyper::Method,
    body: Bytes,
) -> Result<Page, HttpError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let broken = |e: hyper::Error| HttpError::Broken(e.to_string());
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(broken)?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, host)
        .body(Full::new(body))
        .map_err(|e| HttpError::BadUrl(e.to_string()))?;
    let response = async {
        let response = sender.send_request(request).await.map_err(broken)?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.map_err(broken)?;
        Ok(Page {
            status,
            body: body.to_bytes(),
        })
    };
    let (mut response, mut conn) = (std::pin::pin!(response), std::pin::pin!(conn));
    tokio::select! {
        biased;
        page = &mut response => page,
        // The server closes the connection after its response (`connection: close`): what was
        // read before the close is the response's.
        end = &mut conn => match end {
            Ok(()) => response.await,
            Err(e) => Err(HttpError::Broken(e.to_string())),
        },
    }
}
