//! 2段階認証: authenticators, recovery codes, the staff rule, sessions that complete their login,
//! and how the second step's attempts count towards the lock.

use nencho_identity::{
    LoginAttempt, LoginOutcome, RecoveryCode, Role, SealedSecret, SealingKeyRegistration,
    SecondFactor, SecretToken, Session, SessionStage,
};
use nencho_kernel::{Clock, FixedClock, TenantId, UserId};
use nencho_ports::{OutboxMessage, Store, StoreError};
use time::Duration;

use super::support::{clock, tenant, user};

fn session(
    tenant_id: TenantId,
    user_id: UserId,
    byte: u8,
    stage: SessionStage,
    clock: &FixedClock,
) -> Session {
    Session {
        token_hash: SecretToken::from_random_bytes([byte; 16]).hash(),
        tenant_id,
        user_id,
        created_at: clock.now(),
        last_seen_at: clock.now(),
        stage,
    }
}

fn notice(tenant_id: TenantId, clock: &FixedClock) -> OutboxMessage {
    OutboxMessage::new(
        tenant_id,
        nencho_kernel::EmailAddress::parse("admin@acme.example").unwrap(),
        "【nencho】2段階認証を設定しました".into(),
        "本文".into(),
        clock,
    )
}

/// A sealed key as the sealer writes it (57 bytes); the store never looks inside.
fn sealed(byte: u8) -> SealedSecret {
    SealedSecret::from_stored(vec![byte; 57])
}

/// A key set up now, no code used yet.
fn factor(clock: &FixedClock) -> SecondFactor {
    SecondFactor {
        secret: sealed(9),
        enabled_at: clock.now(),
        last_used_step: None,
    }
}

fn codes(user_id: UserId) -> (Vec<RecoveryCode>, Vec<nencho_identity::TokenHash>) {
    let codes: Vec<RecoveryCode> = (0u8..3)
        .map(|n| RecoveryCode::from_random_bytes([n; RecoveryCode::RANDOM_BYTES]))
        .collect();
    let hashes = codes.iter().map(|code| code.hash(user_id)).collect();
    (codes, hashes)
}

pub async fn a_second_factor_is_enabled_with_its_codes_and_ends_the_other_sessions(
    store: &dyn Store,
) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let here = session(acme.id, admin.id, 1, SessionStage::Complete, &clock);
    let elsewhere = session(acme.id, admin.id, 2, SessionStage::Complete, &clock);
    store.insert_session(&here).await.unwrap();
    store.insert_session(&elsewhere).await.unwrap();
    assert_eq!(store.second_factor(acme.id, admin.id).await.unwrap(), None);

    let factor = SecondFactor {
        secret: sealed(9),
        enabled_at: clock.now(),
        last_used_step: Some(59_000_000),
    };
    let (_, hashes) = codes(admin.id);
    let mails_before = store.list_mail(acme.id, 100).await.unwrap().len();
    store
        .enable_second_factor(
            acme.id,
            admin.id,
            &factor,
            &hashes,
            Some(here.token_hash.clone()),
            Some(notice(acme.id, &clock)),
        )
        .await
        .unwrap();
    assert_eq!(
        store.second_factor(acme.id, admin.id).await.unwrap(),
        Some(factor.clone()),
        "the key, the time and the last step read back"
    );
    assert_eq!(
        store.recovery_codes_left(acme.id, admin.id).await.unwrap(),
        3
    );
    assert_eq!(
        store.users_with_second_factor(acme.id).await.unwrap(),
        vec![admin.id]
    );
    assert!(
        store
            .find_session(acme.id, &here.token_hash)
            .await
            .unwrap()
            .is_some(),
        "the session it was set up from stays"
    );
    assert_eq!(
        store
            .find_session(acme.id, &elsewhere.token_hash)
            .await
            .unwrap(),
        None,
        "every other session ends"
    );
    assert_eq!(
        store.list_mail(acme.id, 100).await.unwrap().len(),
        mails_before + 1,
        "the notice is queued with it"
    );

    // Moving to a new phone replaces the key and every code.
    let moved = SecondFactor {
        secret: sealed(4),
        enabled_at: clock.now() + Duration::days(1),
        last_used_step: None,
    };
    store
        .enable_second_factor(acme.id, admin.id, &moved, &hashes[..1], None, None)
        .await
        .unwrap();
    assert_eq!(
        store.second_factor(acme.id, admin.id).await.unwrap(),
        Some(moved)
    );
    assert_eq!(
        store.recovery_codes_left(acme.id, admin.id).await.unwrap(),
        1
    );
    assert_eq!(
        store.find_session(acme.id, &here.token_hash).await.unwrap(),
        None,
        "without a session to keep, all end"
    );
}

pub async fn a_code_step_is_claimed_once_and_only_forwards(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    assert!(
        !store.claim_code_step(acme.id, admin.id, 10).await.unwrap(),
        "no authenticator, nothing to claim"
    );
    let factor = factor(&clock);
    store
        .enable_second_factor(acme.id, admin.id, &factor, &[], None, None)
        .await
        .unwrap();
    assert!(store.claim_code_step(acme.id, admin.id, 10).await.unwrap());
    assert!(
        !store.claim_code_step(acme.id, admin.id, 10).await.unwrap(),
        "the same step twice"
    );
    assert!(
        !store.claim_code_step(acme.id, admin.id, 9).await.unwrap(),
        "an earlier step"
    );
    assert!(store.claim_code_step(acme.id, admin.id, 11).await.unwrap());
    assert_eq!(
        store
            .second_factor(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .last_used_step,
        Some(11)
    );
}

pub async fn a_recovery_code_works_once_and_new_codes_replace_all(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    let clerk = user(&acme, "clerk", Role::General, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    store.insert_user(acme.id, &clerk).await.unwrap();
    let factor = factor(&clock);
    let (admin_codes, admin_hashes) = codes(admin.id);
    store
        .enable_second_factor(acme.id, admin.id, &factor, &admin_hashes, None, None)
        .await
        .unwrap();
    let (_, clerk_hashes) = codes(clerk.id);
    store
        .enable_second_factor(acme.id, clerk.id, &factor, &clerk_hashes, None, None)
        .await
        .unwrap();

    let first = admin_codes[0].hash(admin.id);
    assert!(
        !store
            .use_recovery_code(acme.id, clerk.id, &first, clock.now())
            .await
            .unwrap(),
        "another user's code is no code"
    );
    assert!(
        store
            .use_recovery_code(acme.id, admin.id, &first, clock.now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .use_recovery_code(acme.id, admin.id, &first, clock.now())
            .await
            .unwrap(),
        "used once"
    );
    assert_eq!(
        store.recovery_codes_left(acme.id, admin.id).await.unwrap(),
        2
    );
    assert_eq!(
        store.recovery_codes_left(acme.id, clerk.id).await.unwrap(),
        3
    );

    let fresh = RecoveryCode::from_random_bytes([42; RecoveryCode::RANDOM_BYTES]);
    store
        .replace_recovery_codes(
            acme.id,
            admin.id,
            &[fresh.hash(admin.id)],
            Some(notice(acme.id, &clock)),
        )
        .await
        .unwrap();
    assert_eq!(
        store.recovery_codes_left(acme.id, admin.id).await.unwrap(),
        1
    );
    assert!(
        !store
            .use_recovery_code(
                acme.id,
                admin.id,
                &admin_codes[1].hash(admin.id),
                clock.now()
            )
            .await
            .unwrap(),
        "the old codes are gone"
    );
    assert!(
        store
            .use_recovery_code(acme.id, admin.id, &fresh.hash(admin.id), clock.now())
            .await
            .unwrap()
    );
}

pub async fn disabling_a_second_factor_removes_it_and_its_codes_and_ends_sessions(
    store: &dyn Store,
) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    assert!(
        !store
            .disable_second_factor(acme.id, admin.id, None, Some(notice(acme.id, &clock)))
            .await
            .unwrap(),
        "nothing to disable"
    );
    assert!(
        store.list_mail(acme.id, 100).await.unwrap().is_empty(),
        "and no notice"
    );
    let factor = factor(&clock);
    let (_, hashes) = codes(admin.id);
    store
        .enable_second_factor(acme.id, admin.id, &factor, &hashes, None, None)
        .await
        .unwrap();
    let here = session(acme.id, admin.id, 1, SessionStage::Complete, &clock);
    let elsewhere = session(acme.id, admin.id, 2, SessionStage::Complete, &clock);
    store.insert_session(&here).await.unwrap();
    store.insert_session(&elsewhere).await.unwrap();
    assert!(
        store
            .disable_second_factor(
                acme.id,
                admin.id,
                Some(here.token_hash.clone()),
                Some(notice(acme.id, &clock)),
            )
            .await
            .unwrap()
    );
    assert_eq!(store.second_factor(acme.id, admin.id).await.unwrap(), None);
    assert_eq!(
        store.recovery_codes_left(acme.id, admin.id).await.unwrap(),
        0
    );
    assert!(
        store
            .find_session(acme.id, &here.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .find_session(acme.id, &elsewhere.token_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.list_mail(acme.id, 100).await.unwrap().len(), 1);
    assert!(
        store
            .users_with_second_factor(acme.id)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn second_factors_and_the_staff_rule_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let acme_admin = user(&acme, "admin", Role::Admin, &clock);
    let beta = tenant("beta", "ベータ", &clock);
    let beta_admin = user(&beta, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &acme_admin).await.unwrap();
    store.open_tenant(&beta, &beta_admin).await.unwrap();
    let factor = factor(&clock);
    let (codes, hashes) = codes(acme_admin.id);
    store
        .enable_second_factor(acme.id, acme_admin.id, &factor, &hashes, None, None)
        .await
        .unwrap();
    assert_eq!(
        store.second_factor(beta.id, acme_admin.id).await.unwrap(),
        None
    );
    assert!(
        store
            .users_with_second_factor(beta.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .use_recovery_code(
                beta.id,
                acme_admin.id,
                &codes[0].hash(acme_admin.id),
                clock.now()
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_code_step(beta.id, acme_admin.id, 5)
            .await
            .unwrap()
    );
    assert!(
        !store
            .disable_second_factor(beta.id, acme_admin.id, None, None)
            .await
            .unwrap()
    );
    assert!(
        store
            .second_factor(acme.id, acme_admin.id)
            .await
            .unwrap()
            .is_some()
    );

    assert!(!store.staff_second_factor_required(acme.id).await.unwrap());
    store
        .set_staff_second_factor_required(acme.id, true)
        .await
        .unwrap();
    assert!(store.staff_second_factor_required(acme.id).await.unwrap());
    assert!(
        !store.staff_second_factor_required(beta.id).await.unwrap(),
        "the rule is the contract's own"
    );
    store
        .set_staff_second_factor_required(acme.id, false)
        .await
        .unwrap();
    assert!(!store.staff_second_factor_required(acme.id).await.unwrap());
}

pub async fn a_pending_session_is_completed_once_under_a_new_token(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let pending = session(
        acme.id,
        admin.id,
        1,
        SessionStage::SecondFactorPending,
        &clock,
    );
    store.insert_session(&pending).await.unwrap();
    assert_eq!(
        store
            .find_session(acme.id, &pending.token_hash)
            .await
            .unwrap(),
        Some(pending.clone()),
        "the stage reads back"
    );
    clock.advance(Duration::seconds(20));
    let complete = session(acme.id, admin.id, 2, SessionStage::Complete, &clock);
    store
        .complete_session(acme.id, &pending.token_hash, &complete)
        .await
        .unwrap();
    assert_eq!(
        store
            .find_session(acme.id, &pending.token_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_session(acme.id, &complete.token_hash)
            .await
            .unwrap(),
        Some(complete)
    );
    let again = session(acme.id, admin.id, 3, SessionStage::Complete, &clock);
    assert!(
        matches!(
            store
                .complete_session(acme.id, &pending.token_hash, &again)
                .await,
            Err(StoreError::Conflict(_))
        ),
        "a pending session completes once"
    );
    assert_eq!(
        store
            .find_session(acme.id, &again.token_hash)
            .await
            .unwrap(),
        None,
        "and the refused one is not stored"
    );
}

pub async fn a_right_password_waiting_for_its_code_neither_locks_nor_unlocks(store: &dyn Store) {
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
        user_agent: "Mozilla/5.0".into(),
        outcome,
    };
    for (minutes, outcome) in [
        (0, LoginOutcome::WrongPassword),
        (1, LoginOutcome::PasswordVerified),
        (2, LoginOutcome::WrongCode),
        (3, LoginOutcome::PasswordVerified),
        (4, LoginOutcome::WrongCode),
    ] {
        store
            .record_login_attempt(&attempt(minutes, outcome))
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .count_recent_failures(acme.id, admin.id, start)
            .await
            .unwrap(),
        3,
        "a right password does not wipe the wrong codes before it, nor count as one"
    );
    store
        .record_login_attempt(&attempt(5, LoginOutcome::RecoveryCode))
        .await
        .unwrap();
    assert_eq!(
        store
            .count_recent_failures(acme.id, admin.id, start)
            .await
            .unwrap(),
        0,
        "a login completed with a recovery code is a success"
    );
    assert_eq!(
        store
            .list_login_attempts(acme.id, admin.id, 2)
            .await
            .unwrap(),
        vec![
            attempt(5, LoginOutcome::RecoveryCode),
            attempt(4, LoginOutcome::WrongCode)
        ],
        "the new outcomes read back"
    );
}

pub async fn other_sessions_end_and_the_current_one_stays(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    let clerk = user(&acme, "clerk", Role::General, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    store.insert_user(acme.id, &clerk).await.unwrap();
    let here = session(acme.id, admin.id, 1, SessionStage::Complete, &clock);
    let phone = session(acme.id, admin.id, 2, SessionStage::Complete, &clock);
    let pending = session(
        acme.id,
        admin.id,
        3,
        SessionStage::SecondFactorPending,
        &clock,
    );
    let someone_else = session(acme.id, clerk.id, 4, SessionStage::Complete, &clock);
    for one in [&here, &phone, &pending, &someone_else] {
        store.insert_session(one).await.unwrap();
    }
    store
        .end_other_sessions(acme.id, admin.id, &here.token_hash)
        .await
        .unwrap();
    let alive = |token: &nencho_identity::TokenHash| {
        let token = token.clone();
        async move { store.find_session(acme.id, &token).await.unwrap().is_some() }
    };
    assert!(alive(&here.token_hash).await);
    assert!(!alive(&phone.token_hash).await);
    assert!(
        !alive(&pending.token_hash).await,
        "a password waiting for its code ends too"
    );
    assert!(
        alive(&someone_else.token_hash).await,
        "another user's session stays"
    );
}

pub async fn a_key_in_clear_is_resealed_only_if_still_as_read(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let admin = user(&acme, "admin", Role::Admin, &clock);
    store.open_tenant(&acme, &admin).await.unwrap();
    let beta = tenant("beta", "ベータ", &clock);
    let beta_admin = user(&beta, "admin", Role::Admin, &clock);
    store.open_tenant(&beta, &beta_admin).await.unwrap();
    // What an earlier version kept: the 20 bytes of the key itself.
    let clear = SealedSecret::from_stored(vec![5; 20]);
    store
        .enable_second_factor(
            acme.id,
            admin.id,
            &SecondFactor {
                secret: clear.clone(),
                enabled_at: clock.now(),
                last_used_step: Some(7),
            },
            &[],
            None,
            None,
        )
        .await
        .unwrap();

    assert!(
        !store
            .reseal_second_factor(acme.id, admin.id, &sealed(1), &sealed(2))
            .await
            .unwrap(),
        "a key that changed since it was read is left alone"
    );
    assert!(
        !store
            .reseal_second_factor(beta.id, admin.id, &clear, &sealed(2))
            .await
            .unwrap(),
        "another tenant reaches nothing"
    );
    assert_eq!(
        store
            .second_factor(acme.id, admin.id)
            .await
            .unwrap()
            .unwrap()
            .secret,
        clear
    );
    assert!(
        store
            .reseal_second_factor(acme.id, admin.id, &clear, &sealed(2))
            .await
            .unwrap()
    );
    let after = store
        .second_factor(acme.id, admin.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.secret, sealed(2));
    assert_eq!(after.last_used_step, Some(7), "only the key changes");
    assert!(
        !store
            .reseal_second_factor(acme.id, admin.id, &clear, &sealed(3))
            .await
            .unwrap(),
        "of two servers sealing one key, one writes"
    );
}

pub async fn the_sealing_key_is_recorded_once_another_is_named_and_a_rotation_replaces_it(
    store: &dyn Store,
) {
    let clock = clock();
    assert_eq!(store.recorded_sealing_key().await.unwrap(), None);
    assert_eq!(
        store
            .register_sealing_key("00aa", clock.now())
            .await
            .unwrap(),
        SealingKeyRegistration::New
    );
    assert_eq!(
        store
            .register_sealing_key("00aa", clock.now())
            .await
            .unwrap(),
        SealingKeyRegistration::Same
    );
    assert_eq!(
        store
            .register_sealing_key("00bb", clock.now())
            .await
            .unwrap(),
        SealingKeyRegistration::Other("00aa".into()),
        "another key is refused, never recorded over the first"
    );
    assert_eq!(
        store
            .register_sealing_key("00aa", clock.now())
            .await
            .unwrap(),
        SealingKeyRegistration::Same
    );

    // A rotation replaces the recorded key, once, and only the one it replaces.
    assert!(
        !store
            .replace_sealing_key("00bb", "00cc", clock.now())
            .await
            .unwrap(),
        "only the recorded key is replaced"
    );
    assert!(
        store
            .replace_sealing_key("00aa", "00cc", clock.now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .replace_sealing_key("00aa", "00dd", clock.now())
            .await
            .unwrap(),
        "of two servers finishing one rotation, one records it"
    );
    assert_eq!(
        store
            .register_sealing_key("00cc", clock.now())
            .await
            .unwrap(),
        SealingKeyRegistration::Same
    );
    assert_eq!(
        store
            .register_sealing_key("00aa", clock.now())
            .await
            .unwrap(),
        SealingKeyRegistration::Other("00cc".into())
    );
    assert_eq!(
        store.recorded_sealing_key().await.unwrap().as_deref(),
        Some("00cc"),
        "read without recording"
    );
}
