//! What every benchmark of this crate does the same way: running once per store, the
//! application's context on a store, and the contract "acme" with company A and its ADMIN as
//! the actor.

use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::sign_in::CurrentUser;
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_crypto::{OsRandom, Pbkdf2Hasher};
use nencho_identity::{
    LoginId, LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy, TokenHash,
};
use nencho_kernel::SystemClock;
use nencho_ports::Store;
use nencho_tenancy::{Company, CompanyName, SiteAddress};

/// The benchmark's `main`: `run_one(store)` for the store named in `variable`, or, when it is
/// unset, this binary again for "sqlite" and then "postgres" (each store in a fresh process).
/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs the binary without it, and a
/// benchmark is not a test, so then it only says how to run it.
pub fn run_on_each_store(name: &str, variable: &str, run_one: fn(&str)) {
    if !std::env::args().any(|argument| argument == "--bench") && std::env::var(variable).is_err() {
        println!("{name}: a benchmark; run it with `cargo bench -p nencho-http --bench {name}`");
        return;
    }
    match std::env::var(variable) {
        Ok(store) => run_one(&store),
        Err(_) => {
            for store in ["sqlite", "postgres"] {
                let status = std::process::Command::new(std::env::current_exe().unwrap())
                    .env(variable, store)
                    .status()
                    .unwrap();
                assert!(status.success(), "the {store} run failed");
            }
        }
    }
}

/// The context the web server builds, on `store` (two concurrent password hashes).
pub fn context(store: Arc<dyn Store>) -> AppContext {
    AppContext {
        store,
        hasher: Arc::new(Pbkdf2Hasher::new(
            PasswordHashPolicy::CURRENT,
            2,
            Arc::new(OsRandom),
        )),
        random: Arc::new(OsRandom),
        clock: Arc::new(SystemClock),
        site: SiteAddress {
            scheme: "https".into(),
            base_domain: "nencho.example".into(),
            port: None,
        },
        password_policy: PasswordPolicy::default(),
        session_policy: SessionPolicy::default(),
        throttle: LoginThrottlePolicy::default(),
        sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
            &[7; 32],
        )),
    }
}

/// Opens "acme", registers 株式会社エー in it, and returns the company and the ADMIN as the
/// signed-in actor.
pub async fn acme_with_company(context: &AppContext) -> (Company, CurrentUser) {
    let notice = open_tenant(
        context,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let company = Company::register(
        notice.tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        &SystemClock,
    );
    let store = &context.store;
    store
        .insert_company(notice.tenant.id, &company)
        .await
        .unwrap();
    let admin = store
        .find_user_by_login_id(notice.tenant.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap();
    let actor = CurrentUser {
        tenant: notice.tenant,
        user: admin,
        session: TokenHash::from_hex("00"),
        stage: nencho_identity::SessionStage::Complete,
    };
    (company, actor)
}
