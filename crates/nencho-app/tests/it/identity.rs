use nencho_app::AppError;
use nencho_app::account::{confirm_email_change, login_history, request_email_change};
use nencho_app::password::{
    ChangePasswordRequest, change_password, check_reset_link, issue_initial_password,
    request_password_reset, reset_password,
};
use nencho_app::sign_in::{authenticate, login, logout};
use nencho_app::tenancy::{OpenTenantRequest, assisted_admin_reset, open_tenant, resolve_tenant};
use nencho_app::users::set_user_enabled;
use nencho_identity::{
    DisplayName, LoginId, LoginOutcome, PasswordRejection, PasswordState, Role, User, UserStatus,
};
use nencho_kernel::{Clock, EmailAddress, UserId};
use nencho_ports::{LoginHistoryStore, OutboxStore, UserStore};
use time::Duration;

use crate::support::{acme, link_mailed_to, logged_in, request, world};

const NEW_PASSWORD: &str = "kumo-no-ue-de-odoru-pengin";

#[tokio::test]
async fn a_contract_opens_with_an_admin_who_must_change_the_initial_password() {
    let world = world().await;
    let notice = acme(&world).await;
    assert_eq!(notice.site_url, "http://acme.localhost:8080");
    assert_eq!(notice.admin_id, "admin");
    assert_eq!(notice.initial_password.expose().len(), 20);

    let (_, current) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    assert!(current.must_change_password());
    assert_eq!(current.user.role, Role::Admin);
    assert_eq!(
        current.user.email.as_ref().unwrap().as_str(),
        "hr@acme.example"
    );

    let refused = open_tenant(
        &world.context,
        OpenTenantRequest {
            slug: "www",
            name: "x",
            contact_email: "a@b.example",
            admin_email: None,
        },
    )
    .await;
    assert!(matches!(
        refused,
        Err(AppError::Invalid { field: "slug", .. })
    ));
    let taken = open_tenant(
        &world.context,
        OpenTenantRequest {
            slug: "acme",
            name: "x",
            contact_email: "a@b.example",
            admin_email: None,
        },
    )
    .await;
    assert!(matches!(taken, Err(AppError::Conflict(_))));
}

#[tokio::test]
async fn every_failure_looks_the_same_and_is_in_the_history_of_a_known_id() {
    let world = world().await;
    let notice = acme(&world).await;
    for (login_id, password) in [
        ("admin", "wrong password here"),
        ("nobody", "whatever it is"),
        ("ｎｏ ｓｐａｃｅｓ", "x"),
    ] {
        assert!(matches!(
            login(&world.context, request(&notice, login_id, password)).await,
            Err(AppError::InvalidCredentials)
        ));
    }
    let (_, admin) = logged_in(&world, &notice, "ADMIN", notice.initial_password.expose()).await;
    let history = login_history(&world.context, &admin, 10).await.unwrap();
    let outcomes: Vec<LoginOutcome> = history.iter().map(|attempt| attempt.outcome).collect();
    assert_eq!(
        outcomes,
        vec![LoginOutcome::Success, LoginOutcome::WrongPassword]
    );
    assert_eq!(history[0].ip_address, "203.0.113.9");
    assert!(history[0].user_agent.contains("iPhone"));
}

#[tokio::test]
async fn ten_failures_lock_the_id_for_fifteen_minutes_even_against_the_right_password() {
    let world = world().await;
    let notice = acme(&world).await;
    let right = notice.initial_password.expose();
    for _ in 0..10 {
        assert!(
            login(&world.context, request(&notice, "admin", "a wrong guess"))
                .await
                .is_err()
        );
    }
    assert!(matches!(
        login(&world.context, request(&notice, "admin", right)).await,
        Err(AppError::InvalidCredentials)
    ));
    world.clock.advance(Duration::minutes(16));
    assert!(
        login(&world.context, request(&notice, "admin", right))
            .await
            .is_ok()
    );
    let attempts = world
        .store
        .list_login_attempts(notice.tenant.id, admin_id(&world, &notice).await, 3)
        .await
        .unwrap();
    assert_eq!(attempts[1].outcome, LoginOutcome::Locked);
}

async fn admin_id(
    world: &crate::support::World,
    notice: &nencho_app::tenancy::ActivationNotice,
) -> UserId {
    world
        .store
        .find_user_by_login_id(notice.tenant.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn sessions_end_after_30_idle_minutes_and_after_12_hours_in_any_case() {
    let world = world().await;
    let notice = acme(&world).await;
    let (cookie, _) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    // Active every 20 minutes: alive for 11 hours 40 minutes, then the 12th hour ends it.
    for _ in 0..35 {
        world.clock.advance(Duration::minutes(20));
        assert!(
            authenticate(&world.context, &notice.tenant, &cookie)
                .await
                .unwrap()
                .is_some()
        );
    }
    world.clock.advance(Duration::minutes(20));
    assert!(
        authenticate(&world.context, &notice.tenant, &cookie)
            .await
            .unwrap()
            .is_none(),
        "12 hours are the limit"
    );

    let (cookie, _) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    world.clock.advance(Duration::minutes(30));
    assert!(
        authenticate(&world.context, &notice.tenant, &cookie)
            .await
            .unwrap()
            .is_none(),
        "30 idle minutes end it"
    );
    assert!(
        authenticate(&world.context, &notice.tenant, "not-a-token")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_forced_change_needs_a_strong_new_password_and_ends_other_sessions() {
    let world = world().await;
    let notice = acme(&world).await;
    let initial = notice.initial_password.expose();
    let (other_cookie, _) = logged_in(&world, &notice, "admin", initial).await;
    let (cookie, current) = logged_in(&world, &notice, "admin", initial).await;

    let weak = change_password(
        &world.context,
        &current,
        ChangePasswordRequest {
            current_password: None,
            new_password: "acme-acme-acme-acme",
            confirmation: "acme-acme-acme-acme",
        },
    )
    .await;
    assert!(matches!(
        weak,
        Err(AppError::PasswordRejected(
            PasswordRejection::ContainsContext
        ))
    ));
    let short = change_password(
        &world.context,
        &current,
        ChangePasswordRequest {
            current_password: None,
            new_password: "short one",
            confirmation: "short one",
        },
    )
    .await;
    assert!(matches!(
        short,
        Err(AppError::PasswordRejected(PasswordRejection::TooShort {
            minimum: 15
        }))
    ));
    let differ = change_password(
        &world.context,
        &current,
        ChangePasswordRequest {
            current_password: None,
            new_password: NEW_PASSWORD,
            confirmation: "something else entirely",
        },
    )
    .await;
    assert!(matches!(differ, Err(AppError::PasswordsDiffer)));

    change_password(
        &world.context,
        &current,
        ChangePasswordRequest {
            current_password: None,
            new_password: NEW_PASSWORD,
            confirmation: NEW_PASSWORD,
        },
    )
    .await
    .unwrap();
    let after = authenticate(&world.context, &notice.tenant, &cookie)
        .await
        .unwrap()
        .unwrap();
    assert!(!after.must_change_password());
    assert!(
        authenticate(&world.context, &notice.tenant, &other_cookie)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        login(&world.context, request(&notice, "admin", initial))
            .await
            .is_err(),
        "the initial password is gone"
    );

    // From now on the current password is required.
    let without = change_password(
        &world.context,
        &after,
        ChangePasswordRequest {
            current_password: None,
            new_password: "another-long-passphrase-9",
            confirmation: "another-long-passphrase-9",
        },
    )
    .await;
    assert!(matches!(without, Err(AppError::WrongCurrentPassword)));
    let notices = world.store.list_mail(notice.tenant.id, 10).await.unwrap();
    assert!(
        notices
            .iter()
            .any(|m| m.subject.contains("パスワードが変更されました"))
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_through_the_mailed_link() {
    let world = world().await;
    let notice = acme(&world).await;
    let (old_cookie, _) =
        logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;

    request_password_reset(&world.context, &notice.tenant, "nobody")
        .await
        .unwrap();
    assert!(
        world
            .store
            .list_mail(notice.tenant.id, 10)
            .await
            .unwrap()
            .is_empty(),
        "no mail for an unknown ID, same answer"
    );

    request_password_reset(&world.context, &notice.tenant, "admin")
        .await
        .unwrap();
    let token = link_mailed_to(&world, &notice, "hr@acme.example", "/password/reset/").await;
    check_reset_link(&world.context, &notice.tenant, &token)
        .await
        .unwrap();
    reset_password(
        &world.context,
        &notice.tenant,
        &token,
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await
    .unwrap();

    assert!(
        authenticate(&world.context, &notice.tenant, &old_cookie)
            .await
            .unwrap()
            .is_none(),
        "must log in again"
    );
    let (_, current) = logged_in(&world, &notice, "admin", NEW_PASSWORD).await;
    assert!(!current.must_change_password());
    assert!(matches!(
        reset_password(
            &world.context,
            &notice.tenant,
            &token,
            "yet-another-passphrase",
            "yet-another-passphrase"
        )
        .await,
        Err(AppError::InvalidLink)
    ));
    assert!(
        world
            .store
            .list_mail(notice.tenant.id, 10)
            .await
            .unwrap()
            .iter()
            .any(|m| m.subject.contains("パスワードが変更されました"))
    );
}

#[tokio::test]
async fn a_reset_link_expires_after_24_hours() {
    let world = world().await;
    let notice = acme(&world).await;
    request_password_reset(&world.context, &notice.tenant, "admin")
        .await
        .unwrap();
    let token = link_mailed_to(&world, &notice, "hr@acme.example", "/password/reset/").await;
    world.clock.advance(Duration::hours(24));
    assert!(matches!(
        check_reset_link(&world.context, &notice.tenant, &token).await,
        Err(AppError::InvalidLink)
    ));
}

#[tokio::test]
async fn an_email_address_is_set_only_when_its_link_is_opened() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, current) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    request_email_change(&world.context, &current, "new.hr@acme.example")
        .await
        .unwrap();
    let unchanged = world
        .store
        .find_user(notice.tenant.id, current.user.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.email.unwrap().as_str(), "hr@acme.example");
    let token = link_mailed_to(&world, &notice, "new.hr@acme.example", "/email/confirm/").await;
    confirm_email_change(&world.context, &notice.tenant, &token)
        .await
        .unwrap();
    let changed = world
        .store
        .find_user(notice.tenant.id, current.user.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.email.unwrap().as_str(), "new.hr@acme.example");
    assert!(matches!(
        request_email_change(&world.context, &current, "not an address").await,
        Err(AppError::Invalid { field: "email", .. })
    ));
}

#[tokio::test]
async fn administrators_disable_ids_which_then_cannot_log_in() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let taro = User {
        id: UserId::generate(world.clock.as_ref()),
        tenant_id: notice.tenant.id,
        login_id: LoginId::parse("emp001").unwrap(),
        display_name: DisplayName::parse("山田 太郎").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: world.clock.now(),
    };
    world
        .store
        .insert_user(notice.tenant.id, &taro)
        .await
        .unwrap();
    let (_, initial) = issue_initial_password(&world.context, &admin, taro.id)
        .await
        .unwrap();
    let (taro_cookie, taro_session) = logged_in(&world, &notice, "emp001", initial.expose()).await;
    assert!(taro_session.must_change_password());

    assert!(matches!(
        set_user_enabled(&world.context, &taro_session, admin.user.id, false).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        set_user_enabled(&world.context, &admin, admin.user.id, false).await,
        Err(AppError::Invalid { .. })
    ));

    set_user_enabled(&world.context, &admin, taro.id, false)
        .await
        .unwrap();
    assert!(
        authenticate(&world.context, &notice.tenant, &taro_cookie)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        login(&world.context, request(&notice, "emp001", initial.expose()))
            .await
            .is_err()
    );
    let history = world
        .store
        .list_login_attempts(notice.tenant.id, taro.id, 1)
        .await
        .unwrap();
    assert_eq!(history[0].outcome, LoginOutcome::Disabled);

    set_user_enabled(&world.context, &admin, taro.id, true)
        .await
        .unwrap();
    assert!(
        login(&world.context, request(&notice, "emp001", initial.expose()))
            .await
            .is_ok()
    );
    // Without an e-mail address, a reset request sends nothing: the administrator resets it.
    request_password_reset(&world.context, &notice.tenant, "emp001")
        .await
        .unwrap();
    assert!(
        world
            .store
            .list_mail(notice.tenant.id, 10)
            .await
            .unwrap()
            .iter()
            .all(|m| m.to.as_str() != "emp001")
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let world = world().await;
    let notice = acme(&world).await;
    let (cookie, current) =
        logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    logout(&world.context, &current).await.unwrap();
    assert!(
        authenticate(&world.context, &notice.tenant, &cookie)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn hosts_resolve_to_open_contracts_only() {
    let world = world().await;
    let notice = acme(&world).await;
    assert_eq!(
        resolve_tenant(&world.context, "acme.localhost:8080")
            .await
            .unwrap()
            .map(|t| t.id),
        Some(notice.tenant.id)
    );
    assert!(
        resolve_tenant(&world.context, "beta.localhost:8080")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        resolve_tenant(&world.context, "localhost:8080")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_assisted_admin_reset_mails_the_contract_contact_and_shows_only_a_masked_address() {
    let world = world().await;
    let notice = acme(&world).await;
    let sent = assisted_admin_reset(&world.context, "acme", None, false)
        .await
        .unwrap();
    assert_eq!(sent.masked_address, "hr***@acme.example");
    link_mailed_to(&world, &notice, "hr@acme.example", "/password/reset/").await;
    let elsewhere = assisted_admin_reset(&world.context, "acme", Some("it@acme.example"), false)
        .await
        .unwrap();
    assert_eq!(elsewhere.masked_address, "it***@acme.example");
    assert!(matches!(
        assisted_admin_reset(&world.context, "nosuch", None, false).await,
        Err(AppError::NotFound)
    ));
    let _ = EmailAddress::parse("unused@example.jp");
}
