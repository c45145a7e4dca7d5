//! Authenticator keys at rest (SEC-7): sealed with the deployment's key and bound to their row;
//! keys an earlier version kept in clear are sealed at the first start and at their next use; a
//! server with another key is stopped before it seals anything.

use std::sync::Arc;

use nencho_app::AppError;
use nencho_app::second_factor::{enable, new_enrolment, prepare_sealing, verify_login};
use nencho_app::sign_in::CurrentUser;
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_crypto::AesGcmSealer;
use nencho_identity::{SealedSecret, SecondFactor, SessionStage, TotpPolicy, TotpSecret};
use nencho_kernel::{Clock, TenantId, UserId};
use nencho_ports::{SealError, SecondFactorStore, SecretSealer};

use crate::support::{World, acme, logged_in, world};

fn code_now(world: &World, secret: &TotpSecret) -> String {
    let policy = TotpPolicy::STANDARD;
    policy.code_for_step(secret, policy.step_at(world.clock.now()))
}

fn bound_to(tenant: TenantId, user: UserId) -> Vec<u8> {
    [
        tenant.as_uuid().as_bytes().as_slice(),
        user.as_uuid().as_bytes().as_slice(),
    ]
    .concat()
}

/// 2段階認証 set up through the use case, as the settings page does: the key it chose.
async fn set_up(world: &World, current: &CurrentUser, password: &str) -> TotpSecret {
    let secret = new_enrolment(&world.context, current).secret;
    enable(
        &world.context,
        current,
        &secret.to_base32(),
        &code_now(world, &secret),
        password,
    )
    .await
    .unwrap();
    secret
}

/// The user's key as the store holds it.
async fn stored_key(world: &World, tenant: TenantId, user: UserId) -> SealedSecret {
    world
        .store
        .second_factor(tenant, user)
        .await
        .unwrap()
        .expect("a second factor")
        .secret
}

/// Stores a key as a version before sealing did: its 20 bytes in clear.
async fn key_in_clear(world: &World, tenant: TenantId, user: UserId, secret: &TotpSecret) {
    world
        .store
        .enable_second_factor(
            tenant,
            user,
            &SecondFactor {
                secret: SealedSecret::from_stored(secret.as_bytes().to_vec()),
                enabled_at: world.clock.now(),
                last_used_step: None,
            },
            &[],
            None,
            None,
        )
        .await
        .unwrap();
}

/// A session that has its password and waits for the code.
async fn waiting_for_code(
    world: &World,
    notice: &nencho_app::tenancy::ActivationNotice,
    password: &str,
) -> CurrentUser {
    let (_, current) = logged_in(world, notice, "admin", password).await;
    assert_eq!(current.stage, SessionStage::SecondFactorPending);
    current
}

#[tokio::test]
async fn a_key_set_up_is_stored_sealed_to_its_user() {
    let world = world().await;
    let notice = acme(&world).await;
    let password = notice.initial_password.expose().to_owned();
    let (_, current) = logged_in(&world, &notice, "admin", &password).await;
    let secret = set_up(&world, &current, &password).await;

    let stored = stored_key(&world, notice.tenant.id, current.user.id).await;
    assert_ne!(stored.as_bytes().len(), TotpSecret::BYTES);
    assert!(
        !stored
            .as_bytes()
            .windows(TotpSecret::BYTES)
            .any(|window| window == secret.as_bytes()),
        "the key is not in the store in clear"
    );
    let opened = world
        .context
        .sealer
        .open(&stored, &bound_to(notice.tenant.id, current.user.id))
        .unwrap();
    assert_eq!(opened, secret.as_bytes());

    // The next login's code is checked against the sealed key.
    world.clock.advance(time::Duration::seconds(60));
    let waiting = waiting_for_code(&world, &notice, &password).await;
    verify_login(
        &world.context,
        &waiting,
        &code_now(&world, &secret),
        "203.0.113.9".into(),
        "test".into(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_key_kept_in_clear_still_works_and_is_sealed_at_its_use() {
    let world = world().await;
    let notice = acme(&world).await;
    let password = notice.initial_password.expose().to_owned();
    let (_, admin) = logged_in(&world, &notice, "admin", &password).await;
    let secret = TotpSecret::from_random_bytes([42; TotpSecret::BYTES]);
    key_in_clear(&world, notice.tenant.id, admin.user.id, &secret).await;

    let waiting = waiting_for_code(&world, &notice, &password).await;
    verify_login(
        &world.context,
        &waiting,
        &code_now(&world, &secret),
        "203.0.113.9".into(),
        "test".into(),
    )
    .await
    .unwrap();
    let stored = stored_key(&world, notice.tenant.id, admin.user.id).await;
    assert_ne!(stored.as_bytes(), secret.as_bytes(), "sealed at its use");
    assert_eq!(
        world
            .context
            .sealer
            .open(&stored, &bound_to(notice.tenant.id, admin.user.id))
            .unwrap(),
        secret.as_bytes()
    );
}

#[tokio::test]
async fn a_sealed_key_copied_to_another_user_does_not_open() {
    let world = world().await;
    let notice = acme(&world).await;
    let password = notice.initial_password.expose().to_owned();
    let (_, admin) = logged_in(&world, &notice, "admin", &password).await;
    let secret = TotpSecret::from_random_bytes([42; TotpSecret::BYTES]);
    let someone_else = UserId::generate(world.clock.as_ref());
    let copied = world
        .context
        .sealer
        .seal(secret.as_bytes(), &bound_to(notice.tenant.id, someone_else));
    world
        .store
        .enable_second_factor(
            notice.tenant.id,
            admin.user.id,
            &SecondFactor {
                secret: copied,
                enabled_at: world.clock.now(),
                last_used_step: None,
            },
            &[],
            None,
            None,
        )
        .await
        .unwrap();
    let waiting = waiting_for_code(&world, &notice, &password).await;
    let refused = verify_login(
        &world.context,
        &waiting,
        &code_now(&world, &secret),
        "203.0.113.9".into(),
        "test".into(),
    )
    .await;
    assert!(
        matches!(refused, Err(AppError::Seal(SealError::Damaged))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_first_start_seals_every_key_in_clear_and_another_key_is_refused() {
    let mut world = world().await;
    let acme = acme(&world).await;
    let beta = open_tenant(
        &world.context,
        OpenTenantRequest {
            slug: "beta",
            name: "ベータ株式会社",
            contact_email: "hr@beta.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let mut in_clear = Vec::new();
    for (index, notice) in [&acme, &beta].into_iter().enumerate() {
        let (_, admin) = logged_in(&world, notice, "admin", notice.initial_password.expose()).await;
        let secret = TotpSecret::from_random_bytes([index as u8 + 1; TotpSecret::BYTES]);
        key_in_clear(&world, notice.tenant.id, admin.user.id, &secret).await;
        in_clear.push((notice.tenant.id, admin.user.id, secret));
    }

    let first = prepare_sealing(&world.context).await.unwrap();
    assert!(first.first_start);
    assert_eq!(first.sealed_now, 2);
    for (tenant, user, secret) in &in_clear {
        let stored = stored_key(&world, *tenant, *user).await;
        assert_eq!(
            world
                .context
                .sealer
                .open(&stored, &bound_to(*tenant, *user))
                .unwrap(),
            secret.as_bytes()
        );
    }
    let again = prepare_sealing(&world.context).await.unwrap();
    assert!(!again.first_start);
    assert_eq!(again.sealed_now, 0);

    let ours = world.context.sealer.key_fingerprint();
    world.context.sealer = Arc::new(AesGcmSealer::from_deployment_secret(&[99; 32]));
    let refused = prepare_sealing(&world.context).await;
    assert!(
        matches!(&refused, Err(AppError::Seal(SealError::OtherKey(recorded))) if *recorded == ours),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_rotation_reseals_every_key_then_records_the_new_key() {
    let mut world = world().await;
    let notice = acme(&world).await;
    let password = notice.initial_password.expose().to_owned();
    assert!(prepare_sealing(&world.context).await.unwrap().first_start);
    let (_, admin) = logged_in(&world, &notice, "admin", &password).await;
    let secret = set_up(&world, &admin, &password).await;
    let old_key = world.context.sealer.key_fingerprint();

    world.context.sealer =
        Arc::new(AesGcmSealer::from_deployment_secret(&[8; 32]).with_previous_secret(&[7; 32]));
    let rotation = prepare_sealing(&world.context).await.unwrap();
    assert!(rotation.rotated);
    assert_eq!(rotation.sealed_now, 1);

    // Once the rotation is done the previous secret is no longer needed.
    let new_only = Arc::new(AesGcmSealer::from_deployment_secret(&[8; 32]));
    let stored = stored_key(&world, notice.tenant.id, admin.user.id).await;
    assert_eq!(
        new_only
            .open(&stored, &bound_to(notice.tenant.id, admin.user.id))
            .unwrap(),
        secret.as_bytes()
    );
    world.context.sealer = new_only;
    let after = prepare_sealing(&world.context).await.unwrap();
    assert!(!after.rotated && !after.first_start);
    world.clock.advance(time::Duration::seconds(60));
    let waiting = waiting_for_code(&world, &notice, &password).await;
    verify_login(
        &world.context,
        &waiting,
        &code_now(&world, &secret),
        "203.0.113.9".into(),
        "test".into(),
    )
    .await
    .unwrap();

    // A server left on the old secret is stopped, naming the key it does not have.
    world.context.sealer = Arc::new(AesGcmSealer::from_deployment_secret(&[7; 32]));
    let refused = prepare_sealing(&world.context).await;
    assert!(
        matches!(&refused, Err(AppError::Seal(SealError::OtherKey(recorded))) if *recorded != old_key),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_key_that_opens_with_no_key_does_not_stop_the_start() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    // Restored from another deployment: sealed with a key this one does not have.
    let other_key = AesGcmSealer::from_deployment_secret(&[3; 32]).seal(
        &[1; TotpSecret::BYTES],
        &bound_to(notice.tenant.id, admin.user.id),
    );
    world
        .store
        .enable_second_factor(
            notice.tenant.id,
            admin.user.id,
            &SecondFactor {
                secret: other_key,
                enabled_at: world.clock.now(),
                last_used_step: None,
            },
            &[],
            None,
            None,
        )
        .await
        .unwrap();
    let ready = prepare_sealing(&world.context).await.unwrap();
    assert!(ready.first_start);
    assert_eq!((ready.sealed_now, ready.unreadable), (0, 1));
}
