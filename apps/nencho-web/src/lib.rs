//! The nencho web server: reads the settings, opens the store, hands the use cases to the HTTP
//! adapter and serves until told to stop. A library behind a thin `main` so that tests can run
//! it in-process.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use nencho_app::readiness::CheckReadiness;
use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_http::HttpServices;
use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};

/// `nencho-web [--listen ADDR] [--data-dir DIR] [--database-url URL] [--config FILE]`
#[derive(Debug, clap::Parser)]
#[command(
    name = "nencho-web",
    version,
    about = "nencho 年末調整電子申請 — web server"
)]
pub struct WebArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// How long in-flight requests may take to finish after the shutdown signal.
const GRACEFUL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(20);

/// Serves until `shutdown` completes. `on_listening` receives the bound address (useful with
/// port 0).
pub async fn serve(
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .with_context(|| format!("cannot open the store ({})", settings.database.describe()))?;
    tracing::info!(store = %settings.database.describe(), "store ready");

    let services = HttpServices {
        readiness: CheckReadiness::new(store.clone()),
    };
    let acceptor = TcpListener::bind(settings.listen)
        .into_acceptor()
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = acceptor
        .local_addr()
        .first()
        .and_then(|address| address.as_socket_addr().copied())
        .unwrap_or(settings.listen);
    tracing::info!(%address, url = %format!("http://{address}/"), "listening");
    on_listening(address);

    Server::new_with_acceptor(acceptor)
        .name("nencho-web")
        .run_with_graceful_shutdown(
            nencho_http::endpoint(services),
            shutdown,
            Some(GRACEFUL_SHUTDOWN_TIMEOUT),
        )
        .await
        .context("the server stopped with an error")?;
    drop(store);
    tracing::info!("stopped");
    Ok(())
}

/// The binary's body: settings, logs, serve until SIGTERM or Ctrl-C.
pub async fn main_with(args: WebArgs) -> anyhow::Result<()> {
    let settings = Settings::load(&args.settings)?;
    nencho_bootstrap::telemetry::init(&settings.log);
    serve(settings, nencho_bootstrap::shutdown::signal(), |_| {}).await
}
