//! The contract's IP allow-list (SEC-2) behind a trusted load balancer: the server believes the
//! X-Forwarded-For of 127.0.0.1 only (standing in for the balancer), so each request below
//! claims the client address a balancer would have appended.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use clap::Parser;
use nencho_bootstrap::SettingsArgs;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};

use crate::server::{RunningServer, open_contract};
use crate::{ADMIN_EMAIL, COMPANY_NAME, FIRST_PASSWORD, SLUG};

/// A client behind the balancer at `address`, keeping its own cookies.
struct Visitor {
    http: reqwest::Client,
    site: String,
    address: String,
    cookies: BTreeMap<String, String>,
}

impl Visitor {
    fn new(server: SocketAddr, address: &str) -> Self {
        let host = format!("{SLUG}.localhost");
        let http = reqwest::Client::builder()
            .resolve(&host, server)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            site: format!("http://{host}:{}", server.port()),
            address: address.to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if !self.address.is_empty() {
            headers.insert("x-forwarded-for", self.address.parse().unwrap());
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            headers.insert(COOKIE, jar.join("; ").parse().unwrap());
        }
        headers
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.site))
            .headers(self.headers())
            .send()
            .await
            .unwrap();
        self.keep_cookies(&response);
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Posts `fields` with the CSRF token of the form page at `form_path`; returns the status
    /// and the redirect target or body.
    async fn post(
        &mut self,
        form_path: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let (status, page) = self.get(form_path).await;
        assert_eq!(status, StatusCode::OK, "{form_path}: {page}");
        let token = csrf_token_in(&page);
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .http
            .post(format!("{}{action}", self.site))
            .headers(self.headers())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode_form(&form))
            .send()
            .await
            .unwrap();
        self.keep_cookies(&response);
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|value| value.to_str().unwrap().to_owned());
        let body = response.text().await.unwrap();
        (status, location.unwrap_or(body))
    }
}

fn csrf_token_in(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("no CSRF token in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", percent(name), percent(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `nencho-ops --data-dir DIR allow-ip …`, in-process; what it printed.
async fn allow_ip(data_dir: &std::path::Path, command: &[&str]) -> String {
    let mut argv = vec![
        "nencho-ops".to_owned(),
        "--data-dir".to_owned(),
        data_dir.display().to_string(),
        "--operator".to_owned(),
        "support-1".to_owned(),
        "allow-ip".to_owned(),
    ];
    argv.extend(command.iter().map(|part| (*part).to_owned()));
    let args = nencho_ops::OpsArgs::try_parse_from(&argv)
        .unwrap_or_else(|error| panic!("nencho-ops does not accept {argv:?}:\n{error}"));
    let mut out = Vec::new();
    let outcome = nencho_ops::run(args, &mut std::io::empty(), &mut out).await;
    let printed = String::from_utf8_lossy(&out).into_owned();
    if let Err(error) = outcome {
        panic!("nencho-ops {argv:?} failed: {error:#}\nit printed: {printed}");
    }
    printed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ip_allow_list_admits_only_its_networks_behind_a_trusted_proxy() {
    nencho_bootstrap::telemetry::init("warn");
    let data_dir = tempfile::tempdir().unwrap();
    let settings = SettingsArgs {
        data_dir: Some(data_dir.path().to_owned()),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        log: Some("warn".to_owned()),
        trusted_proxies: vec!["127.0.0.1".to_owned()],
        ..SettingsArgs::default()
    };
    let server = RunningServer::start(&settings).await;
    let contract = open_contract(
        data_dir.path(),
        None,
        server.port(),
        SLUG,
        COMPANY_NAME,
        ADMIN_EMAIL,
    )
    .await;

    // No list yet: anyone may reach the site.
    let (status, _) = Visitor::new(server.address, "192.0.2.1")
        .get("/login")
        .await;
    assert_eq!(status, StatusCode::OK);

    let printed = allow_ip(
        data_dir.path(),
        &["add", "--slug", SLUG, "203.0.113.0/24", "--note", "本社"],
    )
    .await;
    assert!(printed.contains("203.0.113.0/24\t本社"), "{printed}");

    let (status, page) = Visitor::new(server.address, "198.51.100.9")
        .get("/login")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(
        page.contains("198.51.100.9"),
        "the refusal shows the client its address: {page}"
    );
    assert!(
        !page.contains(COMPANY_NAME),
        "the refusal reveals nothing of the contract"
    );
    // A client cannot forge its way in: the balancer appended the real peer last.
    let (status, _) = Visitor::new(server.address, "203.0.113.5, 198.51.100.9")
        .get("/login")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor is the balancer itself (no header) an allowed client.
    let (status, _) = Visitor::new(server.address, "").get("/login").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // From the head office: sign in, choose a password, open the allow-list page.
    let mut admin = Visitor::new(server.address, "203.0.113.5");
    let (status, location) = admin
        .post(
            "/login",
            "/login",
            &[
                ("login_id", &contract.admin_id),
                ("password", &contract.initial_password),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/password/initial");
    let (status, location) = admin
        .post(
            "/password/initial",
            "/password/initial",
            &[
                ("new_password", FIRST_PASSWORD),
                ("confirmation", FIRST_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (status, page) = admin.get("/admin/site-access").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("203.0.113.5"),
        "the page shows the administrator's address"
    );
    assert!(page.contains("203.0.113.0/24 本社"), "{page}");

    // A list without the administrator's own address is refused, and what was typed is kept.
    let (status, page) = admin
        .post(
            "/admin/site-access",
            "/admin/site-access",
            &[("entries", "198.51.100.0/24 支店")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("203.0.113.5"), "{page}");
    assert!(page.contains("198.51.100.0/24 支店"), "{page}");
    // A bad line is named by its number.
    let (status, page) = admin
        .post(
            "/admin/site-access",
            "/admin/site-access",
            &[("entries", "203.0.113.0/24 本社\n198.51.100.9/24 支店")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("2行目"), "{page}");
    // Adding the branch office lets it in.
    let (status, page) = admin
        .post(
            "/admin/site-access",
            "/admin/site-access",
            &[("entries", "203.0.113.0/24 本社\n198.51.100.0/24 支店")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"saved\""), "{page}");
    let (status, _) = Visitor::new(server.address, "198.51.100.9")
        .get("/login")
        .await;
    assert_eq!(status, StatusCode::OK);

    // The login history records the client, not the balancer (LOG-3).
    let (status, page) = admin.get("/account/logins").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("203.0.113.5"), "{page}");
    assert!(!page.contains("127.0.0.1"), "{page}");

    // The operator lifts the restriction on request; the change is in the operator log.
    let printed = allow_ip(data_dir.path(), &["clear", "--slug", SLUG]).await;
    assert!(printed.contains("no restriction"), "{printed}");
    let (status, _) = Visitor::new(server.address, "192.0.2.1")
        .get("/login")
        .await;
    assert_eq!(status, StatusCode::OK);

    server.stop().await;
}
