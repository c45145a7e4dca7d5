use nencho_identity::{
    LoginAttempt, LoginId, LoginOutcome, OneTimeToken, PasswordHash, PasswordState, Role,
    SecretToken, Session, TokenPurpose, UserStatus,
};
use nencho_kernel::{Clock, EmailAddress, FixedClock, TenantId, UserId};
use nencho_ports::{OutboxMessage, Store, StoreError};
use time::Duration;

use super::support::{clock, tenant, user};

fn session(
    tenant_id: TenantId,
    user_id: UserId,
    byte: u8,
    clock: &FixedClock,
) -> (SecretToken, Session) {
    let token = SecretToken::from_random_bytes([byte; 16]);
    let session = Session {
        token_hash: token.hash(),
        tenant_id,
        user_id,
        created_at: clock.now(),
        last_seen_at: clock.now(),
        stage: nencho_identity::SessionStage::Complete,
    };
    (token, session)
}

fn mail(tenant_id: TenantId, to: &str, clock: &FixedClock) -> OutboxMessage {
    OutboxMessage::new(
        tenant_id,
        EmailAddress::parse(to).unwrap(),
        "【nencho】お知らせ".into(),
        "本文です。\n二行目。".into(),
        clock,
    )
}

pub async fn a_tenant_opens_with_its_admin_atomically(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "株式会社アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    assert_eq!(
        store.find_user(acme.id, admin.id).await.unwrap(),
        Some(admin.clone())
    );
    assert_eq!(
        store
            .find_user_by_login_id(acme.id, &LoginId::parse("ADMIN").unwrap())
            .await
            .unwrap(),
        Some(admin.clone()),
        "login IDs are matched case-insensitively"
    );

    // A second contract with a taken slug opens nothing: neither tenant nor ADMIN.
    let clash = tenant("acme", "別会社", &clock);
    let clash_admin = user(&clash, "admin", Role::Admin, &clock);
    assert!(matches!(
        store.open_tenant(&clash, &clash_admin).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.find_tenant(clash.id).await.unwrap(), None);
    assert_eq!(
        store.find_user(clash.id, clash_admin.id).await.unwrap(),
        None
    );
}

pub async fn login_ids_are_unique_within_a_tenant_only(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    store
        .open_tenant(&acme, &user(&acme, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    store
        .open_tenant(&beta, &user(&beta, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    let taro = user(&acme, "emp001", Role::General, &clock);
    store.insert_user(acme.id, &taro).await.unwrap();
    let duplicate = user(&acme, "EMP001", Role::General, &clock);
    assert!(matches!(
        store.insert_user(acme.id, &duplicate).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .insert_user(beta.id, &user(&beta, "emp001", Role::General, &clock))
        .await
        .unwrap();

    let acme_ids: Vec<String> = store
        .list_users(acme.id)
        .await
        .unwrap()
        .iter()
        .map(|u| u.login_id.to_string())
        .collect();
    assert_eq!(acme_ids, ["admin", "emp001"]);
    let mut chief = user(&acme, "jinji", Role::Administrator, &clock);
    chief.status = nencho_identity::UserStatus::Disabled;
    store.insert_user(acme.id, &chief).await.unwrap();
    let administrators: Vec<(String, Role)> = store
        .list_administrators(acme.id)
        .await
        .unwrap()
        .iter()
        .map(|u| (u.login_id.to_string(), u.role))
        .collect();
    assert_eq!(
        administrators,
        [
            ("admin".to_owned(), Role::Admin),
            ("jinji".to_owned(), Role::Administrator)
        ],
        "the ADMIN and administrators (disabled too), no general user, no other tenant's"
    );
    assert_eq!(
        store.find_user(beta.id, taro.id).await.unwrap(),
        None,
        "another tenant's user is invisible"
    );
}

pub async fn a_password_change_ends_every_other_session(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let (_, here) = session(acme.id, admin.id, 1, &clock);
    let (_, elsewhere) = session(acme.id, admin.id, 2, &clock);
    store.insert_session(&here).await.unwrap();
    store.insert_session(&elsewhere).await.unwrap();

    let chosen = PasswordState::Chosen(PasswordHash::from_phc(
        "$pbkdf2-sha256$i=600000,l=32$bmV3$bmV3",
    ));
    let notice = mail(acme.id, "admin@acme.example", &clock);
    store
        .set_password(
            acme.id,
            admin.id,
            &chosen,
            Some(here.token_hash.clone()),
            Some(notice.clone()),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_user(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .password,
        chosen
    );
    assert!(
        store
            .find_session(acme.id, &here.token_hash)
            .await
            .unwrap()
            .is_some(),
        "the changing session stays"
    );
    assert!(
        store
            .find_session(acme.id, &elsewhere.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap(),
        vec![notice],
        "the notice is queued with the change"
    );

    // A hash upgrade touches no session.
    let upgraded = PasswordState::Chosen(PasswordHash::from_phc(
        "$pbkdf2-sha256$i=900000,l=32$bmV3$bmV3",
    ));
    store
        .upgrade_password_hash(acme.id, admin.id, &upgraded)
        .await
        .unwrap();
    assert!(
        store
            .find_session(acme.id, &here.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .find_user(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .password,
        upgraded
    );
}

pub async fn disabling_an_id_ends_its_sessions_and_enabling_restores_it(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let taro = user(&acme, "emp001", Role::General, &clock);
    store.insert_user(acme.id, &taro).await.unwrap();
    let (_, taro_session) = session(acme.id, taro.id, 3, &clock);
    let (_, admin_session) = session(acme.id, admin.id, 4, &clock);
    store.insert_session(&taro_session).await.unwrap();
    store.insert_session(&admin_session).await.unwrap();

    store
        .set_user_status(acme.id, taro.id, UserStatus::Disabled)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_user(acme.id, taro.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        UserStatus::Disabled
    );
    assert!(
        store
            .find_session(acme.id, &taro_session.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_session(acme.id, &admin_session.token_hash)
            .await
            .unwrap()
            .is_some()
    );

    store
        .set_user_status(acme.id, taro.id, UserStatus::Active)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_user(acme.id, taro.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        UserStatus::Active
    );
}

pub async fn tenant_roles_are_set_within_their_tenant_only(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    store
        .open_tenant(&acme, &user(&acme, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    store
        .open_tenant(&beta, &user(&beta, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    let taro = user(&acme, "emp001", Role::General, &clock);
    store.insert_user(acme.id, &taro).await.unwrap();
    let (_, taro_session) = session(acme.id, taro.id, 5, &clock);
    store.insert_session(&taro_session).await.unwrap();
    let role_of = |tenant_id, user_id| async move {
        store
            .find_user(tenant_id, user_id)
            .await
            .unwrap()
            .unwrap()
            .role
    };

    store
        .set_user_role(acme.id, taro.id, Role::Administrator)
        .await
        .unwrap();
    assert_eq!(role_of(acme.id, taro.id).await, Role::Administrator);
    assert!(
        store
            .find_session(acme.id, &taro_session.token_hash)
            .await
            .unwrap()
            .is_some(),
        "a role change keeps the user's sessions"
    );
    store
        .set_user_role(acme.id, taro.id, Role::General)
        .await
        .unwrap();
    assert_eq!(role_of(acme.id, taro.id).await, Role::General);

    assert!(
        store
            .set_user_role(acme.id, UserId::generate(&clock), Role::Administrator)
            .await
            .is_err(),
        "an unknown user is refused"
    );
    assert!(
        store
            .set_user_role(beta.id, taro.id, Role::Administrator)
            .await
            .is_err(),
        "another tenant's user is refused"
    );
    assert_eq!(
        role_of(acme.id, taro.id).await,
        Role::General,
        "another tenant's user is not changed"
    );
}

pub async fn sessions_are_found_touched_and_deleted_within_their_tenant(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    store
        .open_tenant(&beta, &user(&beta, "admin", Role::Admin, &clock))
        .await
        .unwrap();
    let (_, stored) = session(acme.id, admin.id, 5, &clock);
    store.insert_session(&stored).await.unwrap();
    assert_eq!(
        store
            .find_session(acme.id, &stored.token_hash)
            .await
            .unwrap(),
        Some(stored.clone())
    );
    assert_eq!(
        store
            .find_session(beta.id, &stored.token_hash)
            .await
            .unwrap(),
        None
    );

    let later = clock.now() + Duration::minutes(5);
    store
        .touch_session(acme.id, &stored.token_hash, later)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_session(acme.id, &stored.token_hash)
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        later
    );
    store
        .delete_session(beta.id, &stored.token_hash)
        .await
        .unwrap();
    assert!(
        store
            .find_session(acme.id, &stored.token_hash)
            .await
            .unwrap()
            .is_some(),
        "another tenant cannot end it"
    );
    store
        .delete_session(acme.id, &stored.token_hash)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_session(acme.id, &stored.token_hash)
            .await
            .unwrap(),
        None
    );
}

pub async fn a_reset_token_is_redeemed_once_and_ends_every_session(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let (_, live) = session(acme.id, admin.id, 6, &clock);
    store.insert_session(&live).await.unwrap();

    let secret = SecretToken::from_random_bytes([7; 16]);
    let token = OneTimeToken::issue(
        &secret,
        acme.id,
        admin.id,
        TokenPurpose::PasswordReset,
        None,
        clock.now(),
    );
    let link_mail = mail(acme.id, "admin@acme.example", &clock);
    store.issue_token(&token, &link_mail).await.unwrap();
    assert_eq!(
        store.find_token(acme.id, &secret.hash()).await.unwrap(),
        Some(token.clone())
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap(),
        vec![link_mail.clone()]
    );

    let chosen = PasswordState::Chosen(PasswordHash::from_phc(
        "$pbkdf2-sha256$i=600000,l=32$cmVzZXQ$cmVzZXQ",
    ));
    clock.advance(Duration::minutes(10));
    let notice = mail(acme.id, "admin@acme.example", &clock);
    store
        .redeem_password_reset(&token, clock.now(), &chosen, &notice)
        .await
        .unwrap();
    let redeemed = store
        .find_token(acme.id, &secret.hash())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redeemed.used_at, Some(clock.now()));
    assert_eq!(
        store
            .find_user(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .password,
        chosen
    );
    assert!(
        store
            .find_session(acme.id, &live.token_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap().len(), 2);

    let again = store
        .redeem_password_reset(
            &token,
            clock.now(),
            &chosen,
            &mail(acme.id, "x@acme.example", &clock),
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "a link works once: {again:?}"
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap().len(),
        2,
        "the refused redemption queued nothing"
    );
}

pub async fn an_email_confirmation_sets_the_address(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let new_address = EmailAddress::parse("new.admin@acme.example").unwrap();
    let secret = SecretToken::from_random_bytes([8; 16]);
    let token = OneTimeToken::issue(
        &secret,
        acme.id,
        admin.id,
        TokenPurpose::EmailConfirmation,
        Some(new_address.clone()),
        clock.now(),
    );
    store
        .issue_token(&token, &mail(acme.id, new_address.as_str(), &clock))
        .await
        .unwrap();
    store
        .redeem_email_confirmation(&token, clock.now())
        .await
        .unwrap();
    assert_eq!(
        store
            .find_user(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .email,
        Some(new_address)
    );
    assert!(matches!(
        store.redeem_email_confirmation(&token, clock.now()).await,
        Err(StoreError::Conflict(_))
    ));

    store.set_user_email(acme.id, admin.id, None).await.unwrap();
    assert_eq!(
        store
            .find_user(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .email,
        None
    );
}

pub async fn the_login_history_lists_newest_first_and_counts_failures_since_the_last_success(
    store: &dyn Store,
) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let start = clock.now();
    let attempt = |minutes: i64, outcome: LoginOutcome| LoginAttempt {
        tenant_id: acme.id,
        user_id: admin.id,
        at: start + Duration::minutes(minutes),
        ip_address: "203.0.113.7".into(),
        user_agent: "Mozilla/5.0 (iPhone) Safari".into(),
        outcome,
    };
    for (minutes, outcome) in [
        (0, LoginOutcome::WrongPassword),
        (1, LoginOutcome::WrongPassword),
        (2, LoginOutcome::Success),
        (3, LoginOutcome::WrongPassword),
        (4, LoginOutcome::Locked),
    ] {
        store
            .record_login_attempt(&attempt(minutes, outcome))
            .await
            .unwrap();
    }
    let history = store
        .list_login_attempts(acme.id, admin.id, 3)
        .await
        .unwrap();
    assert_eq!(
        history,
        vec![
            attempt(4, LoginOutcome::Locked),
            attempt(3, LoginOutcome::WrongPassword),
            attempt(2, LoginOutcome::Success)
        ]
    );
    assert_eq!(
        store
            .count_recent_failures(acme.id, admin.id, start)
            .await
            .unwrap(),
        2,
        "failures after the success"
    );
    assert_eq!(
        store
            .count_recent_failures(acme.id, admin.id, start + Duration::minutes(4))
            .await
            .unwrap(),
        1
    );
}
