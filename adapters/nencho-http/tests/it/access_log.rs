//! The access log (LOG-1) through the HTTP surface: requests to a tenant site are recorded with
//! the client, the browser, the path without its query, the status and — once signed in — the
//! user, never the session token; health probes, static assets and platform hosts are not.

use std::collections::BTreeMap;
use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::readiness::CheckReadiness;
use nencho_app::tenancy::{ActivationNotice, OpenTenantRequest, open_tenant};
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_http::{AccessLog, CsrfKey, HttpServices, Metrics, TrustedProxies, logged_endpoint};
use nencho_identity::{LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy};
use nencho_kernel::{Clock, SystemClock};
use nencho_ports::{AccessRecord, Store};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::SiteAddress;
use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};

const SITE: &str = "acme.localhost:8080";
const PLATFORM: &str = "localhost:8080";
const NEW_PASSWORD: &str = "kirin-ga-yuku-yozora-2026";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) nencho-test";

struct Site<E> {
    _directory: tempfile::TempDir,
    store: Arc<dyn Store>,
    notice: ActivationNotice,
    log: AccessLog,
    client: TestClient<E>,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

struct Parts {
    directory: tempfile::TempDir,
    store: Arc<dyn Store>,
    notice: ActivationNotice,
    log: AccessLog,
    endpoint: Box<dyn FnOnce() -> poem::endpoint::BoxEndpoint<'static> + Send>,
}

/// acme's site over a fresh SQLite store, logging its access; the writer runs on a task.
/// Loopback is a trusted proxy (its X-Forwarded-For names the client).
async fn parts() -> Parts {
    let directory = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite);
    let fast = PasswordHashPolicy {
        iterations: 1_000,
        ..PasswordHashPolicy::CURRENT
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let app = Arc::new(AppContext {
        store: store.clone(),
        hasher: Arc::new(Pbkdf2Hasher::new(fast, 2, Arc::new(OsRandom))),
        random: Arc::new(OsRandom),
        clock: clock.clone(),
        site: SiteAddress {
            scheme: "http".into(),
            base_domain: "localhost".into(),
            port: Some(8080),
        },
        password_policy: PasswordPolicy::default(),
        session_policy: SessionPolicy::default(),
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
            &[7; 32],
        )),
    });
    let notice = open_tenant(
        &app,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let services = HttpServices {
        readiness: CheckReadiness::new(store.clone()),
        app: app.clone(),
        csrf_key: CsrfKey::new([42; 32]),
        import_dir: directory.path().join("imports"),
        trusted_proxies: TrustedProxies::new(vec!["127.0.0.0/8".parse().unwrap()]),
        notices: Arc::new(nencho_app::notices::NoticeBoard::new(
            app.store.clone(),
            app.clock.clone(),
        )),
        support_email: None,
    };
    let (log, writer) = AccessLog::new(store.clone(), clock.clone());
    tokio::spawn(writer.run());
    let recording = log.clone();
    let endpoint = Box::new(move || {
        let metrics = Metrics::new(clock.as_ref());
        poem::EndpointExt::boxed(poem::EndpointExt::map_to_response(logged_endpoint(
            services,
            clock,
            metrics,
            Some(recording),
        )))
    });
    Parts {
        directory,
        store,
        notice,
        log,
        endpoint,
    }
}

async fn site() -> Site<poem::endpoint::BoxEndpoint<'static>> {
    let parts = parts().await;
    Site {
        _directory: parts.directory,
        store: parts.store,
        notice: parts.notice,
        log: parts.log,
        client: TestClient::new((parts.endpoint)()),
        cookies: BTreeMap::new(),
        csrf: String::new(),
    }
}

impl<E: poem::Endpoint> Site<E> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> StatusCode {
        let response = self
            .client
            .get(path)
            .header("host", SITE)
            .header("user-agent", BROWSER)
            .header("cookie", self.cookie_header())
            .send()
            .await;
        self.finish(response).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> StatusCode {
        let mut form = fields.to_vec();
        let csrf = self.csrf.clone();
        form.push(("csrf_token", csrf.as_str()));
        let response = self
            .client
            .post(path)
            .header("host", SITE)
            .header("user-agent", BROWSER)
            .header("cookie", self.cookie_header())
            .form(&form)
            .send()
            .await;
        self.finish(response).await
    }

    async fn finish(&mut self, response: TestResponse) -> StatusCode {
        for line in response
            .0
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
        {
            let pair = line.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || line.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let status = response.0.status();
        let body = response.0.into_body().into_string().await.unwrap();
        let marker = r#"name="csrf_token" value=""#;
        if let Some(start) = body.find(marker) {
            self.csrf = body[start + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect();
        }
        status
    }

    /// Everything recorded for acme so far, oldest first.
    async fn records(&self) -> Vec<AccessRecord> {
        self.log.flush().await;
        let from = time::OffsetDateTime::UNIX_EPOCH;
        let to = SystemClock.now() + time::Duration::days(1);
        let page = self
            .store
            .access_records(self.notice.tenant.id, from, to, None, 1_000)
            .await
            .unwrap();
        assert_eq!(page.next, None);
        page.records
    }
}

#[tokio::test]
async fn requests_to_a_tenant_site_are_recorded_with_the_user_but_never_the_query_or_token() {
    let mut site = site().await;
    assert_eq!(
        site.get("/login?return=/admin/users&q=山田").await,
        StatusCode::OK
    );
    let password = site.notice.initial_password.expose().to_owned();
    assert_eq!(
        site.post("/login", &[("login_id", "admin"), ("password", &password)])
            .await,
        StatusCode::SEE_OTHER
    );
    site.get("/password/initial").await;
    assert_eq!(
        site.post(
            "/password/initial",
            &[
                ("new_password", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD)
            ],
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(site.get("/account/logins").await, StatusCode::OK);
    assert_eq!(site.get("/no/such/page").await, StatusCode::NOT_FOUND);

    let records = site.records().await;
    let summary: Vec<(&str, &str, u16)> = records
        .iter()
        .map(|record| (record.method.as_str(), record.path.as_str(), record.status))
        .collect();
    assert_eq!(
        summary,
        [
            ("GET", "/login", 200),
            ("POST", "/login", 303),
            ("GET", "/password/initial", 200),
            ("POST", "/password/initial", 303),
            ("GET", "/account/logins", 200),
            ("GET", "/no/such/page", 404),
        ]
    );
    let admin = site
        .store
        .find_user_by_login_id(
            site.notice.tenant.id,
            &nencho_identity::LoginId::parse("admin").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    for record in &records {
        assert_eq!(record.tenant_id, site.notice.tenant.id);
        assert_eq!(record.user_agent, BROWSER);
        assert!(
            record
                .request_id
                .as_deref()
                .is_some_and(|id| !id.is_empty())
        );
        assert!(!record.path.contains('?'));
    }
    assert_eq!(records[0].user_id, None, "not signed in yet");
    assert_eq!(records[0].route.as_deref(), Some("/login"));
    assert_eq!(
        records[4].user_id,
        Some(admin.id),
        "signed in: the session as its user"
    );
    assert_eq!(records[4].route.as_deref(), Some("/account/logins"));

    // No session token, nor the query, anywhere in what was stored.
    let session = site
        .cookies
        .get("nencho_session")
        .cloned()
        .expect("signed in");
    let everything = format!("{records:?}");
    assert!(!everything.contains(&session), "no session token");
    assert!(!everything.contains("山田") && !everything.contains("return="));
}

#[tokio::test]
async fn health_probes_assets_and_the_platform_host_are_not_recorded() {
    let mut site = site().await;
    assert_eq!(site.get("/healthz").await, StatusCode::OK);
    assert_eq!(site.get("/readyz").await, StatusCode::OK);
    site.get("/static/filing.js").await;
    let response = site.client.get("/").header("host", PLATFORM).send().await;
    response.assert_status_is_ok();
    assert!(site.records().await.is_empty());
    assert_eq!(site.log.dropped(), 0);
}

#[tokio::test]
async fn a_full_channel_drops_and_counts_records_without_waiting() {
    let directory = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    // No writer runs: the channel of 3 fills up and the rest is dropped at once.
    let (log, writer) = AccessLog::with_limits(
        Arc::new(sqlite),
        Arc::new(SystemClock),
        3,
        500,
        std::time::Duration::from_secs(1),
    );
    let tenant_id = nencho_kernel::TenantId::generate(&SystemClock);
    for _ in 0..10 {
        log.record(AccessRecord {
            tenant_id,
            at: SystemClock.now(),
            client_ip: None,
            user_agent: String::new(),
            method: "GET".into(),
            path: "/".into(),
            route: None,
            status: 200,
            duration_ms: 1,
            request_id: None,
            user_id: None,
        });
    }
    assert_eq!(log.dropped(), 7);
    let metrics = Metrics::new(&SystemClock);
    metrics.observe_access_log(&log);
    let text = metrics.render();
    assert!(
        text.contains("\nnencho_access_log_records_dropped_total 7\n"),
        "{text}"
    );
    drop(writer);
    log.record(AccessRecord {
        tenant_id,
        at: SystemClock.now(),
        client_ip: None,
        user_agent: String::new(),
        method: "GET".into(),
        path: "/".into(),
        route: None,
        status: 200,
        duration_ms: 1,
        request_id: None,
        user_id: None,
    });
    assert_eq!(log.dropped(), 8, "a stopped writer drops too");
}

/// The access log's counts are on the metrics, read at scrape time: records written after a
/// flush, and a batch the store refuses (LOG-1, MON-2).
#[tokio::test]
async fn the_metrics_count_records_written_and_batches_the_store_refused() {
    let mut site = site().await;
    let metrics = Metrics::new(&SystemClock);
    assert!(
        !metrics.render().contains("nencho_access_log"),
        "nothing before an access log is observed"
    );
    metrics.observe_access_log(&site.log);
    for _ in 0..3 {
        assert_eq!(site.get("/login").await, StatusCode::OK);
    }
    site.log.flush().await;
    let text = metrics.render();
    assert!(
        text.contains("# TYPE nencho_access_log_records_written counter\n"),
        "{text}"
    );
    assert!(
        text.contains("\nnencho_access_log_records_written_total 3\n"),
        "{text}"
    );
    assert!(text.contains("\nnencho_access_log_records_dropped_total 0\n"));
    assert!(text.contains("\nnencho_access_log_batches_failed_total 0\n"));

    // A record of a tenant the store does not know: its batch is refused, and counted.
    site.log.record(AccessRecord {
        tenant_id: nencho_kernel::TenantId::generate(&SystemClock),
        at: SystemClock.now(),
        client_ip: None,
        user_agent: String::new(),
        method: "GET".into(),
        path: "/".into(),
        route: None,
        status: 200,
        duration_ms: 1,
        request_id: None,
        user_id: None,
    });
    site.log.flush().await;
    let text = metrics.render();
    assert!(
        text.contains("\nnencho_access_log_batches_failed_total 1\n"),
        "{text}"
    );
    assert!(text.contains("\nnencho_access_log_records_written_total 3\n"));
    assert_eq!(site.log.batches_failed(), 1);
}

/// Over a real socket: the client is the peer, or — from a trusted proxy — the address its
/// X-Forwarded-For names.
#[tokio::test]
async fn the_client_address_is_recorded_as_resolved_behind_trusted_proxies() {
    use poem::listener::{Acceptor, Listener, TcpListener};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let parts = parts().await;
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let address = *acceptor.local_addr()[0].as_socket_addr().unwrap();
    let server = tokio::spawn(poem::Server::new_with_acceptor(acceptor).run((parts.endpoint)()));
    for (forwarded, expected) in [
        ("", "HTTP/1.1 200"),
        ("X-Forwarded-For: 203.0.113.9\r\n", "HTTP/1.1 200"),
        // Outside the allow-list set below: refused, and the attempt is recorded (SEC-2).
        ("X-Forwarded-For: 198.51.100.1\r\n", "HTTP/1.1 403"),
    ] {
        if expected.ends_with("403") {
            let office = nencho_tenancy::IpAllowList::new(vec![
                nencho_tenancy::IpAllowEntry::parse("203.0.113.0/24", "本社").unwrap(),
            ])
            .unwrap();
            parts
                .store
                .replace_ip_allow_list(parts.notice.tenant.id, &office)
                .await
                .unwrap();
        }
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "GET /login?q=x HTTP/1.1\r\nHost: {SITE}\r\nUser-Agent: {BROWSER}\r\n{forwarded}Connection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        let response = String::from_utf8_lossy(&response);
        assert!(response.starts_with(expected), "{response}");
    }
    parts.log.flush().await;
    let page = parts
        .store
        .access_records(
            parts.notice.tenant.id,
            time::OffsetDateTime::UNIX_EPOCH,
            SystemClock.now() + time::Duration::days(1),
            None,
            10,
        )
        .await
        .unwrap();
    let clients: Vec<String> = page
        .records
        .iter()
        .map(|record| record.client_ip.unwrap().to_string())
        .collect();
    assert_eq!(clients, ["127.0.0.1", "203.0.113.9", "198.51.100.1"]);
    let statuses: Vec<u16> = page.records.iter().map(|record| record.status).collect();
    assert_eq!(statuses, [200, 200, 403]);
    assert!(page.records.iter().all(|record| record.path == "/login"));
    server.abort();
}

/// Rough figures, not a regression test: `cargo test -p nencho-http --release --test access_log
/// -- --ignored --nocapture`. The cost a request pays for its access record (the same page with
/// and without the log), and how fast the writer's batches go into each store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run by hand"]
#[allow(clippy::disallowed_methods)] // durations only
async fn measure_the_middleware_and_the_writer() {
    use std::time::Instant;

    const REQUESTS: u32 = 5_000;
    // Per request: the same tenant page through the whole stack, without and with the log.
    let parts = parts().await;
    let with_log = TestClient::new((parts.endpoint)());
    let without_log = {
        let services = HttpServices {
            readiness: CheckReadiness::new(parts.store.clone()),
            app: Arc::new(AppContext {
                store: parts.store.clone(),
                hasher: Arc::new(Pbkdf2Hasher::new(
                    PasswordHashPolicy {
                        iterations: 1_000,
                        ..PasswordHashPolicy::CURRENT
                    },
                    2,
                    Arc::new(OsRandom),
                )),
                random: Arc::new(OsRandom),
                clock: Arc::new(SystemClock),
                site: SiteAddress {
                    scheme: "http".into(),
                    base_domain: "localhost".into(),
                    port: Some(8080),
                },
                password_policy: PasswordPolicy::default(),
                session_policy: SessionPolicy::default(),
                throttle: LoginThrottlePolicy::default(),
                sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
                    &[7; 32],
                )),
            }),
            csrf_key: CsrfKey::new([42; 32]),
            import_dir: parts.directory.path().join("imports"),
            trusted_proxies: TrustedProxies::default(),
            notices: Arc::new(nencho_app::notices::NoticeBoard::new(
                parts.store.clone(),
                Arc::new(SystemClock),
            )),
            support_email: None,
        };
        TestClient::new(logged_endpoint(
            services,
            Arc::new(SystemClock),
            Metrics::new(&SystemClock),
            None,
        ))
    };
    for round in 0..2 {
        for (name, logged) in [("without", false), ("with", true)] {
            let started = Instant::now();
            for _ in 0..REQUESTS {
                let response = if logged {
                    with_log.get("/login").header("host", SITE).send().await
                } else {
                    without_log.get("/login").header("host", SITE).send().await
                };
                response.assert_status_is_ok();
            }
            let per_request = started.elapsed() / REQUESTS;
            if round == 1 {
                println!("GET /login {name} the access log: {per_request:?} per request");
            }
        }
    }
    parts.log.flush().await;
    println!(
        "written {}, dropped {}",
        parts.log.written(),
        parts.log.dropped()
    );

    // The middleware's own work, alone: building a record and queueing it.
    let (log, writer) = AccessLog::new(parts.store.clone(), Arc::new(SystemClock));
    let writer = tokio::spawn(writer.run());
    let started = Instant::now();
    for n in 0..REQUESTS {
        log.record(AccessRecord {
            tenant_id: parts.notice.tenant.id,
            at: SystemClock.now(),
            client_ip: Some("203.0.113.7".parse().unwrap()),
            user_agent: nencho_ports::user_agent_of(BROWSER),
            method: "GET".into(),
            path: nencho_ports::path_without_query(&format!("/n/{n}?q=x")),
            route: Some("/n/:n".into()),
            status: 200,
            duration_ms: 1,
            request_id: Some("0b7c0c4e-8a7e-4d7b-9c55-6f1f7c3a9d10".into()),
            user_id: None,
        });
    }
    println!(
        "record + try_send: {:?} per record",
        started.elapsed() / REQUESTS
    );
    log.stop().await;
    writer.await.unwrap();

    // The writer's inserts: batches of 500.
    let postgres = nencho_store_contract::postgres::TestDatabase::create(
        "access_log_measure",
        &nencho_store_postgres::PgStore::schema_fingerprint(),
        |url| async move {
            let store = nencho_store_postgres::PgStore::connect(
                &nencho_store_postgres::PgStoreOptions::from_url(&url).unwrap(),
            )
            .await
            .unwrap();
            store.close().await;
        },
    )
    .await;
    let mut stores: Vec<(&str, Arc<dyn Store>)> = vec![("SQLite", parts.store.clone())];
    if let Some(database) = &postgres {
        let store: Arc<dyn Store> = Arc::new(
            nencho_store_postgres::PgStore::connect(
                &nencho_store_postgres::PgStoreOptions::from_url(&database.url).unwrap(),
            )
            .await
            .unwrap(),
        );
        let admin = nencho_identity::User {
            id: nencho_kernel::UserId::generate(&SystemClock),
            tenant_id: parts.notice.tenant.id,
            login_id: nencho_identity::LoginId::parse("admin").unwrap(),
            display_name: nencho_identity::DisplayName::parse("管理者").unwrap(),
            email: None,
            role: nencho_identity::Role::Admin,
            status: nencho_identity::UserStatus::Active,
            password: nencho_identity::PasswordState::Initial(
                nencho_identity::PasswordHash::from_phc(
                    "$pbkdf2-sha256$i=600000,l=32$c2FsdA$aGFzaA",
                ),
            ),
            created_at: SystemClock.now(),
        };
        store
            .open_tenant(&parts.notice.tenant, &admin)
            .await
            .unwrap();
        stores.push(("PostgreSQL", store));
    }
    for (name, store) in stores {
        let batch: Vec<AccessRecord> = (0..500)
            .map(|n| AccessRecord {
                tenant_id: parts.notice.tenant.id,
                at: SystemClock.now(),
                client_ip: Some("203.0.113.7".parse().unwrap()),
                user_agent: BROWSER.into(),
                method: "GET".into(),
                path: format!("/n/{n}"),
                route: Some("/n/:n".into()),
                status: 200,
                duration_ms: 1,
                request_id: Some("0b7c0c4e-8a7e-4d7b-9c55-6f1f7c3a9d10".into()),
                user_id: Some(nencho_kernel::UserId::from_uuid(
                    parts.notice.tenant.id.as_uuid(),
                )),
            })
            .collect();
        const BATCHES: u32 = 40;
        let started = Instant::now();
        for _ in 0..BATCHES {
            store.record_access(&batch).await.unwrap();
        }
        let elapsed = started.elapsed();
        println!(
            "{name}: {} rows in {elapsed:?} = {:.0} rows/s ({:?} per batch of 500)",
            BATCHES * 500,
            f64::from(BATCHES * 500) / elapsed.as_secs_f64(),
            elapsed / BATCHES
        );
    }
}
