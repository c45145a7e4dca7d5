//! The nencho web server: reads the settings, opens the store, hands the use cases to the HTTP
//! adapter and serves until told to stop; with `metrics_listen` set, also Prometheus metrics at
//! `GET /metrics` on that second, private listener (never on the public one, SEC-3). A library behind a thin `main` so that tests can run
//! it in-process.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use nencho_app::outbox::OutboxDelivery;
use nencho_app::readiness::CheckReadiness;
use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_http::{AccessLog, CsrfKey, HttpServices, Metrics, TrustedProxies};
use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};

/// `nencho-web [--listen ADDR] [--metrics-listen ADDR] [--data-dir DIR] [--database-url URL]
/// [--config FILE]`
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

/// Serves until `shutdown` completes. `on_listening` receives the bound address of the site
/// (useful with port 0); the metrics listener, when configured, logs its own ("metrics
/// listening").
pub async fn serve(
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .with_context(|| format!("cannot open the store ({})", settings.database.describe()))?;
    tracing::info!(store = %settings.database.describe(), "store ready");

    let acceptor = TcpListener::bind(settings.listen)
        .into_acceptor()
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = acceptor
        .local_addr()
        .first()
        .and_then(|address| address.as_socket_addr().copied())
        .unwrap_or(settings.listen);
    let metrics_acceptor = match settings.metrics_listen {
        Some(metrics_listen) => Some(
            TcpListener::bind(metrics_listen)
                .into_acceptor()
                .await
                .with_context(|| format!("cannot listen for metrics on {metrics_listen}"))?,
        ),
        None => None,
    };
    let mut settings = settings;
    if settings.site.port == Some(0) {
        // Listening on port 0: the sites are on whichever port the system gave.
        settings.site.port = Some(address.port());
    }
    let secrets = nencho_bootstrap::secret::load_with_previous(&settings, &nencho_crypto::OsRandom)
        .context("cannot load the secret key")?;
    let context = Arc::new(nencho_bootstrap::context::app_context_with(
        &settings,
        store.clone(),
        &secrets,
    ));
    let sealing = nencho_app::second_factor::prepare_sealing(&context)
        .await
        .context("cannot use the secret key with this database")?;
    if sealing.sealed_now > 0 {
        tracing::info!(sealed = sealing.sealed_now, "authenticator keys sealed");
    }
    if sealing.rotated {
        tracing::warn!(
            then = "remove previous_secret_key (NENCHO_PREVIOUS_SECRET_KEY) or \
                    DATA_DIR/secret.key.previous; restart every server still on the previous key",
            "secret key rotated"
        );
    }
    if sealing.unreadable > 0 {
        tracing::error!(
            unreadable = sealing.unreadable,
            "authenticator keys that open with no key: those users need their 2段階認証 reset"
        );
    }
    let mailer = nencho_bootstrap::mail::open(&settings.mail, context.clock.clone())
        .context("the mail settings are not usable")?;
    tracing::info!(mail = %settings.mail.describe(), sites = %settings.site, "ready");
    let services = HttpServices {
        readiness: CheckReadiness::new(store.clone()),
        app: context.clone(),
        csrf_key: CsrfKey::new(secrets.current),
        import_dir: settings.data_dir.join("imports"),
        trusted_proxies: TrustedProxies::new(settings.trusted_proxies.clone()),
        notices: Arc::new(nencho_app::notices::NoticeBoard::new(
            store.clone(),
            context.clock.clone(),
        )),
        support_email: settings.support_email.clone(),
    };
    let metrics = Metrics::new(context.clock.as_ref());
    // The store was just opened: `nencho_store_up` says so from the start, not from the first probe.
    if let Err(error) = metrics.check_readiness(&services.readiness).await {
        tracing::warn!(%error, "not ready");
    }
    if let Some(metrics_address) = metrics_acceptor.as_ref().and_then(|acceptor| {
        acceptor
            .local_addr()
            .first()
            .and_then(|address| address.as_socket_addr().copied())
    }) {
        tracing::info!(
            address = %metrics_address,
            url = %format!("http://{metrics_address}/metrics"),
            "metrics listening"
        );
    }
    tracing::info!(%address, url = %format!("http://{address}/"), "listening");
    on_listening(address);

    // The outbox is delivered from here too (a single-binary install has no worker); each mail
    // goes to one deliverer only, however many run.
    let (stop_delivery, delivery_stopped) = tokio::sync::watch::channel(false);
    let delivery = tokio::spawn(nencho_bootstrap::outbox::deliver_until_stopped(
        OutboxDelivery {
            store: store.clone(),
            mailer,
            clock: context.clock.clone(),
        },
        delivery_stopped,
    ));

    // The access log (LOG-1): requests to tenant sites are queued and stored in batches by a
    // writer of its own; it is flushed and stopped once the listeners have stopped.
    let (access_log, access_log_writer) = AccessLog::new(store.clone(), context.clock.clone());
    let access_log_writer = tokio::spawn(access_log_writer.run());
    // Its written, dropped and failed counts are on `/metrics` (read at every scrape).
    metrics.observe_access_log(&access_log);

    // One shutdown signal, seen by both listeners.
    let (stop_serving, serving_stopped) = tokio::sync::watch::channel(false);
    let signal = tokio::spawn(async move {
        shutdown.await;
        let _ = stop_serving.send(true);
    });
    let stopped = |mut receiver: tokio::sync::watch::Receiver<bool>| async move {
        let _ = receiver.wait_for(|stopped| *stopped).await;
    };
    let site = Server::new_with_acceptor(acceptor)
        .name("nencho-web")
        .run_with_graceful_shutdown(
            nencho_http::logged_endpoint(
                services,
                context.clock.clone(),
                metrics.clone(),
                Some(access_log.clone()),
            ),
            stopped(serving_stopped.clone()),
            Some(GRACEFUL_SHUTDOWN_TIMEOUT),
        );
    let metrics_server = async {
        match metrics_acceptor {
            Some(metrics_acceptor) => {
                Server::new_with_acceptor(metrics_acceptor)
                    .name("nencho-web-metrics")
                    .run_with_graceful_shutdown(
                        nencho_http::metrics_endpoint(metrics),
                        stopped(serving_stopped),
                        Some(GRACEFUL_SHUTDOWN_TIMEOUT),
                    )
                    .await
            }
            None => Ok(()),
        }
    };
    let served = tokio::try_join!(
        async { site.await.context("the server stopped with an error") },
        async {
            metrics_server
                .await
                .context("the metrics server stopped with an error")
        },
    );
    signal.abort();
    access_log.stop().await;
    let _ = access_log_writer.await;
    served?;
    let _ = stop_delivery.send(true);
    let _ = delivery.await;
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
