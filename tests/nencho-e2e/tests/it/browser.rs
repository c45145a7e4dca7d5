//! A real headless Chromium, driven over WebDriver by a chromedriver of its own.
//!
//! Every wait is on a condition with a deadline; a failed wait or command panics with the
//! current URL and an excerpt of the page, which is most of what one needs to see why.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::{PATIENCE, ci};

/// How often a condition is looked at again while waiting for it.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// How much of the page a failure message shows.
const EXCERPT_CHARS: usize = 4000;

pub struct Browser {
    client: Client,
    /// Set while the WebDriver session is open, so that `Drop` can end it (chromedriver then
    /// quits Chromium in an orderly way) when a test panics before [`Browser::close`].
    open_session: Option<String>,
    driver_port: u16,
    /// Killed when dropped (after the session ended).
    _driver: Child,
    /// Chromium's profile and chromedriver's log.
    work_dir: TempDir,
}

fn program(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium. `None` (after a loud notice) when they
    /// are not installed and CI is not "true"; under CI that is a failure.
    pub async fn start(test_name: &str) -> Option<Self> {
        let chromium = program("NENCHO_TEST_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = program("NENCHO_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        let missing: Vec<&Path> = [chromium.as_path(), chromedriver.as_path()]
            .into_iter()
            .filter(|path| !path.is_file())
            .collect();
        if !missing.is_empty() {
            assert!(
                !ci(),
                "{missing:?} not installed and CI=true (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 !!! SKIPPED browser test {test_name}: {missing:?} not installed\n\
                 !!! apt-get install chromium chromium-driver; under CI=true this fails.\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            return None;
        }

        let work_dir = tempfile::tempdir().unwrap();
        let profile = work_dir.path().join("profile");
        let driver_log = work_dir.path().join("chromedriver.log");
        let driver_port = free_port();
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .arg(format!("--log-path={}", driver_log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", chromedriver.display()));
        let driver_url = format!("http://127.0.0.1:{driver_port}");
        wait_until_driver_ready(&driver_url, &mut driver, &driver_log).await;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "chrome".into());
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    // This machine's network is closed: without these Chromium's own
                    // background connections are refused and it misbehaves.
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    // Pages are on loopback; a proxy from the environment must not get them.
                    "--no-proxy-server",
                    // chromedriver talks to Chromium over a pipe rather than a port: when
                    // chromedriver dies (killed on drop after a failed test), the pipe closes
                    // and Chromium quits instead of lingering as an orphan.
                    "--remote-debugging-pipe",
                    "--window-size=1280,1024",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let connect = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver_url)
            .await;
        let client = connect.unwrap_or_else(|error| {
            panic!(
                "chromedriver could not start Chromium: {error}\nchromedriver log:\n{}",
                tail_of_file(&driver_log)
            )
        });
        let open_session = client.session_id().await.unwrap();
        Some(Self {
            client,
            open_session,
            driver_port,
            _driver: driver,
            work_dir,
        })
    }

    /// Ends the WebDriver session (Chromium quits); chromedriver is killed on drop.
    pub async fn close(mut self) {
        self.open_session = None;
        self.client
            .clone()
            .close()
            .await
            .unwrap_or_else(|error| panic!("cannot end the WebDriver session: {error}"));
    }

    pub async fn goto(&self, url: &str) {
        let outcome = self.client.goto(url).await;
        self.check(outcome, &format!("open {url}")).await;
    }

    pub async fn current_url(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(error) => format!("(unknown: {error})"),
        }
    }

    /// Waits until the current URL's path is `path` (after a click that navigates, say).
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_until(&format!("the browser to be on {path}"), async |client| {
            let url = client.current_url().await.ok()?;
            (url.path() == path).then_some(())
        })
        .await;
    }

    /// Waits until an element matches `css`; returns the first.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.wait_until(&format!("an element {css}"), async |client| {
            client.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// Every element matching `css` now (possibly none).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let outcome = self.client.find_all(Locator::Css(css)).await;
        self.check(outcome, &format!("find {css}")).await
    }

    /// Types `value` into the (emptied) field `css`.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.wait_for(css).await;
        let cleared = field.clear().await;
        self.check(cleared, &format!("clear {css}")).await;
        let typed = field.send_keys(value).await;
        self.check(typed, &format!("type into {css}")).await;
    }

    /// Chooses the file at `path` (absolute) in the file input `css`: WebDriver uploads by
    /// typing the path into the input.
    pub async fn choose_file(&self, css: &str, path: &Path) {
        assert!(path.is_absolute(), "{} is not absolute", path.display());
        let input = self.wait_for(css).await;
        let typed = input.send_keys(&path.display().to_string()).await;
        self.check(typed, &format!("choose {} in {css}", path.display()))
            .await;
    }

    /// The browser's cookies for the current page's site, as a `Cookie` request header (the
    /// HttpOnly session and CSRF cookies included), to make requests as this browser would.
    pub async fn cookie_header(&self) -> String {
        let cookies = self.client.get_all_cookies().await;
        let cookies = self.check(cookies, "read the cookies").await;
        cookies
            .iter()
            .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        let clicked = element.click().await;
        self.check(clicked, &format!("click {css}")).await;
    }

    /// Clicks the submit button of the form that holds `field`: a signed-in page has another
    /// form (logout, in the header) before the page's own.
    pub async fn submit_form_of(&self, field: &str) {
        self.click(&format!("form:has({field}) button[type=submit]"))
            .await;
    }

    pub async fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        let outcome = element.attr(name).await;
        self.check(outcome, &format!("read the attribute {name}"))
            .await
    }

    pub async fn text_of(&self, element: &Element) -> String {
        let outcome = element.text().await;
        self.check(outcome, "read an element's text").await
    }

    /// The rendered text of the page's body.
    pub async fn body_text(&self) -> String {
        let body = self.wait_for("body").await;
        self.text_of(&body).await
    }

    /// Panics with `message` and what the browser shows.
    pub async fn fail(&self, message: &str) -> ! {
        panic!("{message}\n{}", self.context().await)
    }

    /// Unwraps a WebDriver command's outcome, or fails with the browser's state.
    pub async fn check<T, E: std::fmt::Display>(&self, outcome: Result<T, E>, what: &str) -> T {
        match outcome {
            Ok(value) => value,
            Err(error) => {
                self.fail(&format!("WebDriver: cannot {what}: {error}"))
                    .await
            }
        }
    }

    /// Looks at `probe` again and again until it answers, for at most [`PATIENCE`].
    pub async fn wait_until<T>(
        &self,
        what: &str,
        mut probe: impl AsyncFnMut(&Client) -> Option<T>,
    ) -> T {
        let mut ticks = tokio::time::interval(POLL_EVERY);
        let waiting = async {
            loop {
                ticks.tick().await;
                if let Some(value) = probe(&self.client).await {
                    return value;
                }
            }
        };
        match tokio::time::timeout(PATIENCE, waiting).await {
            Ok(value) => value,
            Err(_) => {
                self.fail(&format!("gave up after {PATIENCE:?} waiting for {what}"))
                    .await
            }
        }
    }

    /// The current URL and the start of the page's body, for failure messages.
    async fn context(&self) -> String {
        let url = self.current_url().await;
        let source = match self.client.source().await {
            Ok(source) => source,
            Err(error) => format!("(no page source: {error})"),
        };
        // The body says more than the head's styles and scripts.
        let body = source
            .find("<body")
            .map_or(source.as_str(), |start| &source[start..]);
        let excerpt: String = body.chars().take(EXCERPT_CHARS).collect();
        let cut = if excerpt.len() < body.len() {
            "\n[…]"
        } else {
            ""
        };
        format!(
            "current URL: {url}\npage source:\n{excerpt}{cut}\n(chromedriver log: {})",
            self.work_dir.path().join("chromedriver.log").display()
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(session) = self.open_session.take() {
            end_session_blocking(self.driver_port, &session);
        }
        // Keep the log of a failed run for a look; a passed run leaves nothing behind.
        if std::thread::panicking() {
            let kept = std::mem::replace(&mut self.work_dir, TempDir::new().unwrap()).keep();
            eprintln!(
                "browser profile and chromedriver log kept in {}",
                kept.display()
            );
        }
    }
}

/// DELETE /session/{id} over a plain blocking socket: `Drop` cannot await, and without it a
/// killed chromedriver would leave its Chromium running.
fn end_session_blocking(driver_port: u16, session: &str) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", driver_port)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let _ = stream.set_write_timeout(Some(PATIENCE));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{driver_port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    // chromedriver answers once Chromium has quit; the status line is all that is needed (it
    // may keep the connection open, so reading to the end could wait for the timeout).
    let mut response = Vec::new();
    let mut chunk = [0_u8; 1024];
    while !response.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(read) => response.extend_from_slice(&chunk[..read]),
        }
    }
}

/// A port nobody listens on now (the OS does not hand it out again right away).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls chromedriver's `/status` until it says it is ready.
async fn wait_until_driver_ready(driver_url: &str, driver: &mut Child, log: &Path) {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let status_url = format!("{driver_url}/status");
    let mut ticks = tokio::time::interval(Duration::from_millis(50));
    let waiting = async {
        loop {
            ticks.tick().await;
            if let Some(exit) = driver.try_wait().unwrap() {
                return Err(format!("chromedriver exited ({exit})"));
            }
            let Ok(response) = http.get(&status_url).send().await else {
                continue;
            };
            let Ok(status) = response.json::<serde_json::Value>().await else {
                continue;
            };
            if status["value"]["ready"] == true {
                return Ok(());
            }
        }
    };
    let outcome = tokio::time::timeout(PATIENCE, waiting)
        .await
        .unwrap_or_else(|_| Err(format!("chromedriver not ready after {PATIENCE:?}")));
    if let Err(problem) = outcome {
        panic!("{problem}; its log:\n{}", tail_of_file(log));
    }
}

fn tail_of_file(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
