//! Making a user an administrator (管理者) and back (ID-4).

use nencho_app::AppError;
use nencho_app::password::issue_initial_password;
use nencho_app::sign_in::{CurrentUser, authenticate};
use nencho_app::tenancy::ActivationNotice;
use nencho_app::users::{list_users, set_tenant_role};
use nencho_identity::{DisplayName, LoginId, PasswordState, Role, User, UserStatus};
use nencho_kernel::{Clock, UserId};
use nencho_ports::UserStore;

use crate::support::{World, acme, logged_in, world};

/// A general user of the tenant, logged in: (cookie, user id).
async fn general_user(
    world: &World,
    notice: &ActivationNotice,
    admin: &CurrentUser,
    login_id: &str,
) -> (String, UserId) {
    let user = User {
        id: UserId::generate(world.clock.as_ref()),
        tenant_id: notice.tenant.id,
        login_id: LoginId::parse(login_id).unwrap(),
        display_name: DisplayName::parse("山田 太郎").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: world.clock.now(),
    };
    world
        .store
        .insert_user(notice.tenant.id, &user)
        .await
        .unwrap();
    let (_, initial) = issue_initial_password(&world.context, admin, user.id)
        .await
        .unwrap();
    let (cookie, _) = logged_in(world, notice, login_id, initial.expose()).await;
    (cookie, user.id)
}

/// The user behind `cookie` as the next request sees it.
async fn as_now(world: &World, notice: &ActivationNotice, cookie: &str) -> CurrentUser {
    authenticate(&world.context, &notice.tenant, cookie)
        .await
        .unwrap()
        .expect("the session is still alive")
}

#[tokio::test]
async fn the_admin_makes_a_general_user_an_administrator_and_back() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let (taro_cookie, taro) = general_user(&world, &notice, &admin, "emp001").await;
    assert!(matches!(
        list_users(&world.context, &as_now(&world, &notice, &taro_cookie).await).await,
        Err(AppError::Forbidden)
    ));

    let changed = set_tenant_role(&world.context, &admin, taro, Role::Administrator)
        .await
        .unwrap();
    assert_eq!(changed.role, Role::Administrator);
    // The same session now carries the new powers: roles are read from the store per request.
    let taro_now = as_now(&world, &notice, &taro_cookie).await;
    assert_eq!(taro_now.user.role, Role::Administrator);
    assert!(list_users(&world.context, &taro_now).await.is_ok());

    set_tenant_role(&world.context, &admin, taro, Role::General)
        .await
        .unwrap();
    let taro_now = as_now(&world, &notice, &taro_cookie).await;
    assert_eq!(taro_now.user.role, Role::General);
    assert!(matches!(
        list_users(&world.context, &taro_now).await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn only_managers_change_tenant_roles_and_never_to_or_from_admin() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let (taro_cookie, taro) = general_user(&world, &notice, &admin, "emp001").await;
    let (_, hanako) = general_user(&world, &notice, &admin, "emp002").await;

    // A general user may not promote anyone, not even themselves.
    let taro_now = as_now(&world, &notice, &taro_cookie).await;
    for target in [taro, hanako] {
        assert!(matches!(
            set_tenant_role(&world.context, &taro_now, target, Role::Administrator).await,
            Err(AppError::Forbidden)
        ));
    }

    // Nobody becomes ADMIN, and the ADMIN's own role never changes, whoever asks.
    assert!(matches!(
        set_tenant_role(&world.context, &admin, hanako, Role::Admin).await,
        Err(AppError::Invalid { field: "role", .. })
    ));
    for role in [Role::General, Role::Administrator] {
        assert!(matches!(
            set_tenant_role(&world.context, &admin, admin.user.id, role).await,
            Err(AppError::Invalid { field: "user", .. })
        ));
    }
    assert!(matches!(
        set_tenant_role(
            &world.context,
            &admin,
            UserId::generate(world.clock.as_ref()),
            Role::Administrator
        )
        .await,
        Err(AppError::NotFound)
    ));

    // An administrator manages others, but cannot demote themselves nor touch the ADMIN.
    set_tenant_role(&world.context, &admin, taro, Role::Administrator)
        .await
        .unwrap();
    let taro_now = as_now(&world, &notice, &taro_cookie).await;
    set_tenant_role(&world.context, &taro_now, hanako, Role::Administrator)
        .await
        .unwrap();
    set_tenant_role(&world.context, &taro_now, hanako, Role::General)
        .await
        .unwrap();
    assert!(matches!(
        set_tenant_role(&world.context, &taro_now, taro, Role::General).await,
        Err(AppError::Invalid { field: "user", .. })
    ));
    assert!(matches!(
        set_tenant_role(&world.context, &taro_now, admin.user.id, Role::General).await,
        Err(AppError::Invalid { field: "user", .. })
    ));
    let roles: Vec<(String, Role)> = world
        .store
        .list_users(notice.tenant.id)
        .await
        .unwrap()
        .into_iter()
        .map(|user| (user.login_id.to_string(), user.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("admin".to_owned(), Role::Admin),
            ("emp001".to_owned(), Role::Administrator),
            ("emp002".to_owned(), Role::General),
        ]
    );
}
