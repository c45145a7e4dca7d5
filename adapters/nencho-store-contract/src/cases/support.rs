use nencho_identity::{DisplayName, LoginId, PasswordHash, PasswordState, Role, User, UserStatus};
use nencho_kernel::{EmailAddress, FixedClock, UserId};
use nencho_tenancy::{Slug, Tenant, TenantName};
use time::macros::datetime;

pub fn clock() -> FixedClock {
    FixedClock::at(datetime!(2026-11-25 09:00:00.123456 UTC))
}

pub fn tenant(slug: &str, name: &str, clock: &FixedClock) -> Tenant {
    Tenant::open(
        Slug::parse(slug).unwrap(),
        TenantName::parse(name).unwrap(),
        EmailAddress::parse(&format!("contact@{slug}.example")).unwrap(),
        clock,
    )
}

pub fn user(tenant: &Tenant, login_id: &str, role: Role, clock: &FixedClock) -> User {
    clock.advance(time::Duration::milliseconds(1));
    User {
        id: UserId::generate(clock),
        tenant_id: tenant.id,
        login_id: LoginId::parse(login_id).unwrap(),
        display_name: DisplayName::parse("山田 太郎").unwrap(),
        email: Some(EmailAddress::parse(&format!("{login_id}@{}.example", tenant.slug)).unwrap()),
        role,
        status: UserStatus::Active,
        password: PasswordState::Initial(PasswordHash::from_phc(
            "$pbkdf2-sha256$i=600000,l=32$c2FsdA$aGFzaA",
        )),
        created_at: nencho_kernel::Clock::now(clock),
    }
}
