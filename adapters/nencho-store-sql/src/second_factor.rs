//! 2段階認証 and the 操作ログ: the statements both stores run as they are (bound parameters only).

pub const SELECT_FACTOR: &str = "SELECT secret, enabled_at, last_used_step FROM second_factors \
     WHERE tenant_id = $1 AND user_id = $2";

pub const USERS_WITH_FACTOR: &str =
    "SELECT user_id FROM second_factors WHERE tenant_id = $1 ORDER BY user_id";

pub const UPSERT_FACTOR: &str = "INSERT INTO second_factors (tenant_id, user_id, secret, \
     enabled_at, last_used_step) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, user_id) \
     DO UPDATE SET secret = excluded.secret, enabled_at = excluded.enabled_at, \
     last_used_step = excluded.last_used_step";

/// Compare-and-set: only a key still as read is replaced.
pub const RESEAL_FACTOR: &str = "UPDATE second_factors SET secret = $4 \
     WHERE tenant_id = $1 AND user_id = $2 AND secret = $3";

pub const REGISTER_SEALING_KEY: &str = "INSERT INTO deployment_keys (purpose, fingerprint, \
     registered_at) VALUES ('sealing', $1, $2) ON CONFLICT (purpose) DO NOTHING";

pub const REPLACE_SEALING_KEY: &str = "UPDATE deployment_keys SET fingerprint = $2, \
     registered_at = $3 WHERE purpose = 'sealing' AND fingerprint = $1";

pub const SEALING_KEY: &str = "SELECT fingerprint FROM deployment_keys WHERE purpose = 'sealing'";

pub const DELETE_FACTOR: &str = "DELETE FROM second_factors WHERE tenant_id = $1 AND user_id = $2";

pub const DELETE_CODES: &str = "DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2";

pub const INSERT_CODE: &str = "INSERT INTO recovery_codes (tenant_id, user_id, code_hash, \
     used_at) VALUES ($1, $2, $3, NULL)";

/// Claims a step only forwards: of two requests with one code, one updates a row.
pub const CLAIM_STEP: &str = "UPDATE second_factors SET last_used_step = $3 \
     WHERE tenant_id = $1 AND user_id = $2 AND (last_used_step IS NULL OR last_used_step < $3)";

pub const USE_CODE: &str = "UPDATE recovery_codes SET used_at = $4 WHERE tenant_id = $1 \
     AND user_id = $2 AND code_hash = $3 AND used_at IS NULL";

pub const CODES_LEFT: &str = "SELECT COUNT(*) FROM recovery_codes WHERE tenant_id = $1 \
     AND user_id = $2 AND used_at IS NULL";

pub const SET_STAFF_RULE: &str =
    "UPDATE tenants SET staff_second_factor_required = $2 WHERE id = $1";

pub const INSERT_AUDIT: &str = "INSERT INTO audit_log (tenant_id, at, actor_id, actor_login_id, \
     actor_name, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Newest first, below an id (all, for NULL), of one action (any, for NULL).
pub const AUDIT_PAGE: &str = "SELECT id, tenant_id, at, actor_id, actor_login_id, actor_name, \
     action, target, detail FROM audit_log WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) \
     AND ($4 IS NULL OR action = $4) ORDER BY id DESC LIMIT $3";

/// How `fingerprint` compares with the key recorded: `inserted` when the registration statement
/// recorded it, `recorded` the fingerprint read back otherwise.
pub fn sealing_key_registration(
    inserted: bool,
    recorded: Option<String>,
    fingerprint: &str,
) -> nencho_identity::SealingKeyRegistration {
    use nencho_identity::SealingKeyRegistration;
    match recorded {
        _ if inserted => SealingKeyRegistration::New,
        Some(recorded) if recorded != fingerprint => SealingKeyRegistration::Other(recorded),
        _ => SealingKeyRegistration::Same,
    }
}
