//! The texts of the mails the identity use cases send: Japanese first, English below, plain text.

use nencho_identity::User;
use nencho_kernel::{EmailAddress, OffsetDateTime};
use nencho_ports::OutboxMessage;
use nencho_tenancy::Tenant;

use crate::AppContext;

fn message(
    context: &AppContext,
    tenant: &Tenant,
    to: &EmailAddress,
    subject: &str,
    body: String,
) -> OutboxMessage {
    OutboxMessage::new(
        tenant.id,
        to.clone(),
        subject.to_owned(),
        body,
        context.clock.as_ref(),
    )
}

pub(crate) use nencho_kernel::format_japan_datetime as japan_time;

pub(crate) fn password_reset_link(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
    to: &EmailAddress,
    link: &str,
    expires_at: OffsetDateTime,
) -> OutboxMessage {
    let body = format!(
        "{name} 様\n\n\
         {tenant} の年末調整電子申請サイトで、パスワード再設定の手続きが行われました。\n\
         次のリンクから新しいパスワードを設定してください(有効期限: {expires} まで、1回限り有効)。\n\n\
         {link}\n\n\
         お心当たりがない場合は、このメールを破棄してください。パスワードは変更されません。\n\n\
         ----\n\
         A password reset was requested for your ID \"{login_id}\". Set a new password with the link \
         above (valid once, until {expires} JST). If you did not ask for this, ignore this mail.\n",
        name = user.display_name.as_str(),
        tenant = tenant.name.as_str(),
        expires = japan_time(expires_at),
        login_id = user.login_id,
    );
    message(
        context,
        tenant,
        to,
        "【nencho】パスワード再設定のご案内 / Password reset",
        body,
    )
}

pub(crate) fn password_changed_notice(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
    to: &EmailAddress,
    at: OffsetDateTime,
) -> OutboxMessage {
    let body = format!(
        "{name} 様\n\n\
         {tenant} の年末調整電子申請サイトで、ID「{login_id}」のパスワードが {at} に変更されました。\n\
         他の端末のログインはすべて終了しました。\n\n\
         お心当たりがない場合は、すぐに管理者へご連絡ください。\n\n\
         ----\n\
         The password of your ID \"{login_id}\" was changed at {at} JST and every other session \
         was ended. If this was not you, contact your administrator at once.\n",
        name = user.display_name.as_str(),
        tenant = tenant.name.as_str(),
        login_id = user.login_id,
        at = japan_time(at),
    );
    message(
        context,
        tenant,
        to,
        "【nencho】パスワードが変更されました / Password changed",
        body,
    )
}

pub(crate) fn email_confirmation_link(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
    to: &EmailAddress,
    link: &str,
    expires_at: OffsetDateTime,
) -> OutboxMessage {
    let body = format!(
        "{name} 様\n\n\
         {tenant} の年末調整電子申請サイトで、このメールアドレスの登録が申請されました。\n\
         次のリンクを開くと登録が完了します(有効期限: {expires} まで)。\n\n\
         {link}\n\n\
         お心当たりがない場合は、このメールを破棄してください。\n\n\
         ----\n\
         Open the link above to confirm this address for your ID \"{login_id}\" (valid until \
         {expires} JST). If you did not ask for this, ignore this mail.\n",
        name = user.display_name.as_str(),
        tenant = tenant.name.as_str(),
        expires = japan_time(expires_at),
        login_id = user.login_id,
    );
    message(
        context,
        tenant,
        to,
        "【nencho】メールアドレス確認のお願い / Confirm your e-mail address",
        body,
    )
}

pub(crate) fn invitation_link(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
    to: &EmailAddress,
    link: &str,
    expires_at: OffsetDateTime,
) -> OutboxMessage {
    let body = format!(
        "{name} 様\n\n\
         {tenant} の年末調整電子申請サイトに、あなたのIDが登録されました。\n\
         ID: {login_id}\n\n\
         次のリンクからパスワードを設定して、ログインしてください(有効期限: {expires} まで、1回限り有効)。\n\n\
         {link}\n\n\
         期限が切れた場合は、ログイン画面の「パスワードを忘れた方」から設定するか、会社の管理者にご連絡ください。\n\n\
         ----\n\
         An ID \"{login_id}\" was created for you on the year-end adjustment site of {tenant}. Set \
         your password with the link above (valid once, until {expires} JST), then log in. If it \
         has expired, use \"forgot password\" on the login page or ask your administrator.\n",
        name = user.display_name.as_str(),
        tenant = tenant.name.as_str(),
        expires = japan_time(expires_at),
        login_id = user.login_id,
    );
    message(
        context,
        tenant,
        to,
        "【nencho】年末調整サイトへのご招待 / Your invitation",
        body,
    )
}

/// What happened to a user's 2段階認証, for [`second_factor_notice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecondFactorChange {
    Enabled,
    Disabled,
    /// An administrator (or support, for the ADMIN ID) removed it for a lost phone.
    ResetByAdministrator,
    RecoveryCodesReplaced,
    /// A recovery code was used to log in; `left` remain.
    RecoveryCodeUsed {
        left: u32,
    },
    /// The right password was followed by so many wrong codes that the ID is locked: someone
    /// else may know the password.
    LockedByWrongCodes,
}

pub(crate) fn second_factor_notice(
    context: &AppContext,
    tenant: &Tenant,
    user: &User,
    to: &EmailAddress,
    change: SecondFactorChange,
    at: OffsetDateTime,
) -> OutboxMessage {
    let (subject, japanese, english) = match change {
        SecondFactorChange::Enabled => (
            "【nencho】2段階認証を設定しました / Two-step verification on",
            "2段階認証が設定されました。ログインには、パスワードに加えて認証アプリの確認コードが必要になります。他の端末のログインはすべて終了しました。".to_owned(),
            "Two-step verification was turned on: logging in now needs the authenticator app's code as well as the password. Every other session was ended.".to_owned(),
        ),
        SecondFactorChange::Disabled => (
            "【nencho】2段階認証を解除しました / Two-step verification off",
            "2段階認証が解除されました。ログインにはパスワードだけが必要です。他の端末のログインはすべて終了しました。".to_owned(),
            "Two-step verification was turned off: logging in needs only the password. Every other session was ended.".to_owned(),
        ),
        SecondFactorChange::ResetByAdministrator => (
            "【nencho】2段階認証がリセットされました / Two-step verification reset",
            "管理者(ADMIN ID はサポート窓口)の操作により、2段階認証の設定が削除されました。ログインはすべて終了しました。次回ログイン後、あらためて設定してください。".to_owned(),
            "An administrator (for the ADMIN ID, support) removed your two-step verification and every session was ended. Set it up again after your next login.".to_owned(),
        ),
        SecondFactorChange::RecoveryCodesReplaced => (
            "【nencho】リカバリーコードを再発行しました / New recovery codes",
            "2段階認証のリカバリーコードが再発行されました。以前のリカバリーコードは使えません。".to_owned(),
            "New recovery codes were issued for two-step verification; the earlier ones no longer work.".to_owned(),
        ),
        SecondFactorChange::LockedByWrongCodes => (
            "【nencho】パスワードが他人に知られているおそれがあります / Your password may be known",
            "正しいパスワードのあと、誤った確認コードが続けて入力されたため、IDを一時的にロックしました(15分後に解除されます)。ご自身の操作でない場合は、パスワードが他人に知られているおそれがあります。すぐにパスワードを変更し、ログイン履歴を確認してください。".to_owned(),
            "Your password was entered correctly, followed by wrong verification codes, so the ID is locked for 15 minutes. If this was not you, someone may know your password: change it at once and check your login history.".to_owned(),
        ),
        SecondFactorChange::RecoveryCodeUsed { left } => (
            "【nencho】リカバリーコードでログインしました / Logged in with a recovery code",
            format!("認証アプリの確認コードの代わりにリカバリーコードでログインしました。残りのリカバリーコードは {left} 個です。スマートフォンを紛失した場合は、2段階認証を設定し直してください。"),
            format!("You logged in with a recovery code instead of the app's code; {left} recovery codes are left. If your phone is lost, set up two-step verification again."),
        ),
    };
    let body = format!(
        "{name} 様\n\n\
         {tenant} の年末調整電子申請サイトの ID「{login_id}」について({at})\n\
         {japanese}\n\n\
         お心当たりがない場合は、すぐに管理者へご連絡ください。\n\n\
         ----\n\
         Your ID \"{login_id}\" ({at} JST): {english} If this was not you, contact your \
         administrator at once.\n",
        name = user.display_name.as_str(),
        tenant = tenant.name.as_str(),
        login_id = user.login_id,
        at = japan_time(at),
    );
    message(context, tenant, to, subject, body)
}

/// The employee is told how their 登録内容の変更届 was decided.
pub(crate) fn change_request_decided(
    context: &AppContext,
    tenant: &Tenant,
    name: &str,
    to: &EmailAddress,
    applied: bool,
    comment: &str,
) -> OutboxMessage {
    let (subject, japanese, english) = if applied {
        (
            "【nencho】登録内容の変更届を反映しました / Your change request was applied",
            "お届けいただいた登録内容(氏名・住所)の変更を、従業員情報に反映しました。",
            "The change of your name or address you asked for is now on your record.",
        )
    } else {
        (
            "【nencho】登録内容の変更届が差し戻されました / Your change request was declined",
            "お届けいただいた登録内容の変更は反映されませんでした。コメントをご確認のうえ、必要であれば届け直してください。",
            "Your change request was not applied. Please read the comment and send it again if needed.",
        )
    };
    let comment_line = if comment.is_empty() {
        String::new()
    } else {
        format!("\nコメント / Comment: {comment}\n")
    };
    let body = format!(
        "{name} 様\n\n{tenant} の年末調整電子申請サイトより。\n{japanese}\n{comment_line}\n\
         ----\n{english}\n",
        tenant = tenant.name.as_str(),
    );
    message(context, tenant, to, subject, body)
}

/// An administrator is told that an employee sent a 登録内容の変更届: who, and where to decide
/// it — not what changes (the page shows that to those who may see it).
pub(crate) fn change_request_received(
    context: &AppContext,
    tenant: &Tenant,
    administrator: &str,
    to: &EmailAddress,
    employee: &str,
    company_id: nencho_kernel::CompanyId,
) -> OutboxMessage {
    let link = format!(
        "{}/admin/companies/{company_id}/change-requests",
        context.site.site_url(&tenant.slug)
    );
    let body = format!(
        "{administrator} 様\n\n{tenant} の年末調整電子申請サイトより。\n\
         {employee} さんから登録内容(氏名・住所)の変更届が提出されました。\n\
         内容を確認し、反映または差戻しをしてください。\n{link}\n\n\
         ----\n{employee} sent a change request (name or address). Review it and apply or \
         decline it:\n{link}\n",
        tenant = tenant.name.as_str(),
    );
    message(
        context,
        tenant,
        to,
        "【nencho】登録内容の変更届が提出されました / A change request was sent",
        body,
    )
}
