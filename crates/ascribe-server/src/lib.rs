//! ascribe's TAXII 2.1 server, with the analyst's web pages beside it.
//!
//! One API root (`/api1/`) over the store's STIX collections. Every request
//! is authenticated (HTTP Basic against Argon2id hashes) or anonymous; every
//! read passes the caller's TLP clearance down to the store, which filters in
//! SQL, so objects above it are absent from every endpoint, filter, version
//! list, count and page. Anonymous callers (when allowed) have clearance
//! TLP:CLEAR and may only read. Errors are TAXII error resources with a
//! fixed title; nothing internal reaches a response, and the underlying
//! error goes to the `tracing` log instead (ids only: never passwords,
//! `Authorization` headers or object contents).
//!
//! Authentication cost is bounded (see [`auth`]); connections are plain TCP
//! or TLS ([`tls`]), and requests hyper cannot parse still get a TAXII error
//! body ([`net`]).

pub mod auth;
pub mod media;
pub mod net;
mod query;
mod taxii;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ascribe_model::Tlp;
use ascribe_store::{Role, Store, UserRecord};
use axum::extract::{ConnectInfo, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

pub use auth::{AuthLimits, Authenticator};
pub use net::{Peer, TaxiiListener};
pub use query::{decode_token, encode_token, parse_query, QueryError, TaxiiQuery};
pub use tls::{load_tls, TlsError};

/// The TAXII 2.1 media type.
pub const TAXII_MEDIA: &str = "application/taxii+json;version=2.1";
/// The STIX 2.1 media type.
pub const STIX_MEDIA: &str = "application/stix+json;version=2.1";

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Serve anonymous requests (read-only, TLP:CLEAR only); refuse them with 401 otherwise.
    pub anonymous: bool,
    /// Largest request body accepted (TAXII `max_content_length`).
    pub max_content_length: usize,
    /// Page size when the client gives no `limit`, and the largest it may ask for.
    pub default_page: usize,
    pub max_page: usize,
    /// TLP given to posted objects that carry no TLP marking.
    pub unmarked: Tlp,
    /// How long a verified `Authorization` header is trusted without re-hashing.
    pub auth_cache_ttl: Duration,
    /// Bounds on the cost of authentication.
    pub auth: AuthLimits,
    /// How the web pages behave (their `anonymous` follows the server's).
    pub web: ascribe_web::WebConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            anonymous: true,
            max_content_length: 10 * 1024 * 1024,
            default_page: 100,
            max_page: 1000,
            unmarked: Tlp::Green,
            auth_cache_ttl: Duration::from_secs(60),
            auth: AuthLimits::default(),
            web: ascribe_web::WebConfig::default(),
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// `None` for an anonymous caller.
    pub user: Option<UserRecord>,
}

impl Principal {
    pub fn clearance(&self) -> Tlp {
        self.user.as_ref().map_or(Tlp::Clear, |u| u.clearance)
    }
    pub fn name(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.name.as_str())
    }
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }
}

/// The store the request handlers share. The connections and how units of
/// work are spread over them belong to the store
/// ([`Store::open_connections`]); the handlers ask it for a read or a write
/// unit of work. The web pages share the same store.
pub struct StorePool(Arc<Store>);

impl StorePool {
    /// A store opened by the caller (an in-memory store has one connection).
    pub fn single(store: Store) -> Self {
        StorePool(Arc::new(store))
    }

    /// The database file at `path` with `n` connections, its writes (and
    /// the server's `date_added`) stamped by `clock`.
    pub fn open(
        path: &std::path::Path,
        n: usize,
        clock: impl ascribe_model::Clock + 'static,
    ) -> Result<Self, ascribe_store::StoreError> {
        Store::open_connections(path, n, clock).map(|s| StorePool(Arc::new(s)))
    }

    /// The database at `db` (a SQLite file or a PostgreSQL database) with
    /// `n` connections, its writes (and the server's `date_added`) stamped
    /// by `clock`.
    pub fn open_at(
        db: &ascribe_store::Location,
        n: usize,
        clock: impl ascribe_model::Clock + 'static,
    ) -> Result<Self, ascribe_store::StoreError> {
        Store::open_at(db, n, clock).map(StorePool::single)
    }

    /// The shared store.
    pub fn store(&self) -> &Store {
        &self.0
    }
}

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    pub(crate) pool: Arc<StorePool>,
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) auth: Arc<Authenticator>,
    web: ascribe_web::Web,
}

impl AppState {
    pub fn new(pool: StorePool, config: ServerConfig) -> Self {
        let auth = Arc::new(Authenticator::new(
            config.auth.clone(),
            config.auth_cache_ttl,
        ));
        let web_config = ascribe_web::WebConfig {
            anonymous: config.anonymous,
            ..config.web.clone()
        };
        let gate = Arc::new(WebGate {
            store: pool.0.clone(),
            auth: auth.clone(),
            refusal_delay: config.auth.refusal_delay,
        });
        AppState {
            web: ascribe_web::Web::new(pool.0.clone(), gate, web_config),
            pool: Arc::new(pool),
            auth,
            config: Arc::new(config),
        }
    }
}

/// The web pages' sign-in: the TAXII server's password check, back-off and
/// failure budget (one budget for both), and the connection's TLS flag.
struct WebGate {
    store: Arc<Store>,
    auth: Arc<Authenticator>,
    refusal_delay: Duration,
}

impl ascribe_web::Gate for WebGate {
    fn login(&self, name: String, password: String) -> ascribe_web::LoginFuture<'_> {
        Box::pin(async move {
            use ascribe_web::Refused;
            let peer = net::current().map(|p| p.addr.ip());
            let store = self.store.clone();
            let lookup = |name: String| async move {
                match tokio::task::spawn_blocking(move || store.user(&name)).await {
                    Ok(Ok(u)) => Ok(u),
                    Ok(Err(e)) => {
                        tracing::error!(error = %error_chain(&e), "reading a user to sign in");
                        Err(())
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "reading a user to sign in did not finish");
                        Err(())
                    }
                }
            };
            let checked = self.auth.check_password(name, password, peer, lookup).await;
            match checked {
                Ok(u) => Ok(u),
                Err(auth::Refusal::Unauthorized) => Err(Refused::Wrong),
                Err(auth::Refusal::BackedOff(d)) => {
                    tokio::time::sleep(self.refusal_delay).await;
                    Err(Refused::Later(d))
                }
                Err(auth::Refusal::Busy) => {
                    tokio::time::sleep(self.refusal_delay).await;
                    Err(Refused::Busy)
                }
                Err(auth::Refusal::Internal) => Err(Refused::Internal),
            }
        })
    }

    fn over_tls(&self) -> bool {
        net::current().is_some_and(|p| p.tls)
    }
}

/// The TAXII router with the web pages beside it: the pages answer their
/// own paths ([`ascribe_web::is_web_path`]), TAXII everything else.
pub fn app(state: AppState) -> Router {
    let taxii = taxii::router(state.clone());
    ascribe_web::router(state.web.clone())
        .fallback(move |req: Request| {
            let taxii = taxii.clone();
            async move {
                if ascribe_web::is_web_path(req.uri().path()) {
                    return ascribe_web::not_found();
                }
                match tower::ServiceExt::oneshot(taxii, req).await {
                    Ok(r) => r,
                    Err(never) => match never {},
                }
            }
        })
        .layer(middleware::from_fn(client_address))
}

/// Makes the request's connection (client address, TLS or not) known to
/// authentication and to the URLs the server gives out.
async fn client_address(req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .map(|ConnectInfo(p)| *p);
    net::with_connection(peer, next.run(req)).await
}

/// Serves `app(state)` on `listener` (plain HTTP) until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_on(TaxiiListener::plain(listener)?, state).await
}

/// Serves `app(state)` on `listener` over TLS with `tls` until the process ends.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
) -> std::io::Result<()> {
    serve_on(TaxiiListener::tls(listener, tls)?, state).await
}

async fn serve_on(listener: TaxiiListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<Peer>(),
    )
    .await
}

/// An error and its sources, `: `-joined, for the log (the client gets a
/// generic TAXII error).
pub(crate) use ascribe_model::diag::error_chain;

/// The address a server on `addr` is reached at, for the start-up line.
pub fn url(addr: SocketAddr, tls: bool) -> String {
    format!("{}://{addr}/taxii2/", if tls { "https" } else { "http" })
}

/// The address of the analyst's pages on a server on `addr`.
pub fn pages_url(addr: SocketAddr, tls: bool) -> String {
    format!("{}://{addr}/incidents", if tls { "https" } else { "http" })
}
