//! The web server and the operator CLI, run in-process as their binaries would run them.

use std::net::SocketAddr;
use std::path::Path;

use clap::Parser;
use nencho_bootstrap::{Settings, SettingsArgs};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::{PATIENCE, within};

/// A web server serving on a free port of 127.0.0.1 until [`RunningServer::stop`].
pub struct RunningServer {
    pub address: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    pub async fn start(args: &SettingsArgs) -> Self {
        let settings = Settings::load(args).unwrap_or_else(|error| panic!("settings: {error}"));
        let (shutdown, shutdown_requested) = oneshot::channel::<()>();
        let (listening, address) = oneshot::channel();
        let task = tokio::spawn(nencho_web::serve(
            settings,
            async move {
                // A dropped sender (the test panicked) stops the server too.
                let _ = shutdown_requested.await;
            },
            move |address| {
                let _ = listening.send(address);
            },
        ));
        match within("the web server's start", PATIENCE, address).await {
            Ok(address) => Self {
                address,
                shutdown,
                task,
            },
            // The server ended before it listened: show why.
            Err(_) => panic!("the web server did not start: {:?}", task.await),
        }
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Sends the shutdown signal and waits for a clean stop.
    pub async fn stop(self) {
        self.shutdown.send(()).unwrap();
        let outcome = within("the web server's graceful shutdown", PATIENCE, self.task).await;
        outcome
            .unwrap()
            .unwrap_or_else(|error| panic!("the web server stopped with an error: {error:#}"));
    }
}

/// What `nencho-ops tenant open --json` prints.
#[derive(Debug)]
pub struct OpenedContract {
    pub site_url: String,
    pub admin_id: String,
    pub initial_password: String,
}

/// `nencho-ops [--database-url URL] --data-dir DIR --site-port PORT tenant open …`, in-process.
pub async fn open_contract(
    data_dir: &Path,
    database_url: Option<&str>,
    site_port: u16,
    slug: &str,
    name: &str,
    admin_email: &str,
) -> OpenedContract {
    let mut argv = vec![
        "nencho-ops".to_owned(),
        "--data-dir".to_owned(),
        data_dir.display().to_string(),
    ];
    if let Some(url) = database_url {
        argv.extend(["--database-url".to_owned(), url.to_owned()]);
    }
    argv.extend(
        [
            "--site-port",
            &site_port.to_string(),
            "tenant",
            "open",
            "--slug",
            slug,
            "--name",
            name,
            "--admin-email",
            admin_email,
            "--json",
        ]
        .map(str::to_owned),
    );
    // Parsed at run time rather than built as a struct, so that this test states the command
    // line an operator types and reports a changed one as a clear failure.
    let args = nencho_ops::OpsArgs::try_parse_from(&argv)
        .unwrap_or_else(|error| panic!("nencho-ops does not accept {argv:?}:\n{error}"));
    let mut out = Vec::new();
    let outcome = nencho_ops::run(args, &mut std::io::empty(), &mut out).await;
    let printed = String::from_utf8_lossy(&out).into_owned();
    if let Err(error) = outcome {
        panic!("nencho-ops {argv:?} failed: {error:#}\nit printed: {printed}");
    }
    let json: serde_json::Value = serde_json::from_str(printed.trim())
        .unwrap_or_else(|error| panic!("nencho-ops --json printed no JSON ({error}): {printed}"));
    let field = |name: &str| {
        json[name]
            .as_str()
            .unwrap_or_else(|| panic!("nencho-ops --json printed no string {name:?}: {printed}"))
            .to_owned()
    };
    OpenedContract {
        site_url: field("site_url").trim_end_matches('/').to_owned(),
        admin_id: field("admin_id"),
        initial_password: field("initial_password"),
    }
}
