//! The site's words in Japanese (the default) and English. One struct, so a missing translation
//! is a compile error.

use nencho_identity::{LoginOutcome, PasswordRejection, WeakPasswordReason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "nencho_lang";

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "ja" => Some(Self::Ja),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }

    pub const fn words(self) -> &'static Words {
        match self {
            Self::Ja => &JA,
            Self::En => &EN,
        }
    }

    /// The language the switch offers.
    pub const fn other(self) -> Self {
        match self {
            Self::Ja => Self::En,
            Self::En => Self::Ja,
        }
    }
}

pub struct Words {
    pub site_name: &'static str,
    pub switch_language: &'static str,
    pub skip_to_content: &'static str,
    pub login_title: &'static str,
    pub login_id: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub login_failed: &'static str,
    pub forgot_link: &'static str,
    pub logged_out: &'static str,
    pub session_ended: &'static str,
    pub logout: &'static str,
    pub menu: &'static str,
    pub home_title: &'static str,
    pub home_greeting: &'static str,
    pub menu_password: &'static str,
    pub menu_email: &'static str,
    pub menu_logins: &'static str,
    pub menu_two_factor: &'static str,
    pub logins_end_others: &'static str,
    pub logins_end_others_hint: &'static str,
    pub logins_others_ended: &'static str,
    pub menu_users: &'static str,
    pub menu_companies: &'static str,
    pub companies_title: &'static str,
    pub companies_new: &'static str,
    pub companies_none: &'static str,
    pub company_new_title: &'static str,
    pub company_edit_title: &'static str,
    pub company_name: &'static str,
    pub company_corporate_number: &'static str,
    pub company_corporate_number_hint: &'static str,
    pub company_address: &'static str,
    pub company_tax_office: &'static str,
    pub company_tax_office_hint: &'static str,
    pub company_contact: &'static str,
    pub company_login_id_scheme: &'static str,
    pub company_auto_reminders: &'static str,
    pub company_originals_before_approval: &'static str,
    pub scheme_employee_number: &'static str,
    pub scheme_email: &'static str,
    pub company_saved: &'static str,
    pub edit: &'static str,
    pub employees_title: &'static str,
    pub roles_link: &'static str,
    pub roles_title: &'static str,
    pub roles_lead: &'static str,
    pub roles_none: &'static str,
    pub roles_company: &'static str,
    pub roles_role: &'static str,
    pub roles_departments: &'static str,
    pub roles_departments_hint: &'static str,
    pub roles_all_departments: &'static str,
    pub roles_assign: &'static str,
    pub roles_revoke: &'static str,
    pub roles_admin_has_all: &'static str,
    pub role_approver: &'static str,
    pub role_clerk: &'static str,
    pub role_viewer: &'static str,
    pub tenant_role_title: &'static str,
    pub tenant_role_lead: &'static str,
    pub tenant_role_change: &'static str,
    pub tenant_role_fixed: &'static str,
    pub employees_link: &'static str,
    pub employees_search: &'static str,
    pub employees_search_button: &'static str,
    pub employees_include_departed: &'static str,
    pub employees_next: &'static str,
    pub employees_total: &'static str,
    pub employees_none: &'static str,
    pub employee_number: &'static str,
    pub employee_name: &'static str,
    pub employee_kana: &'static str,
    pub employee_department: &'static str,
    pub employee_type: &'static str,
    pub employee_hired: &'static str,
    pub initial_title: &'static str,
    pub initial_lead: &'static str,
    pub change_title: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub confirmation: &'static str,
    pub password_hint: &'static str,
    pub save_button: &'static str,
    pub password_changed: &'static str,
    pub wrong_current_password: &'static str,
    pub passwords_differ: &'static str,
    pub same_password: &'static str,
    pub forgot_title: &'static str,
    pub forgot_lead: &'static str,
    pub forgot_button: &'static str,
    pub reset_requested: &'static str,
    pub reset_title: &'static str,
    pub reset_done: &'static str,
    pub invalid_link: &'static str,
    pub invitation_title: &'static str,
    pub invitation_lead: &'static str,
    pub invitation_done: &'static str,
    pub email_title: &'static str,
    pub email_current: &'static str,
    pub email_none: &'static str,
    pub email_new: &'static str,
    pub email_button: &'static str,
    pub email_sent: &'static str,
    pub email_confirmed: &'static str,
    pub email_invalid: &'static str,
    pub logins_title: &'static str,
    pub logins_lead: &'static str,
    pub logins_time: &'static str,
    pub logins_ip: &'static str,
    pub logins_browser: &'static str,
    pub logins_outcome: &'static str,
    pub logins_none: &'static str,
    pub users_title: &'static str,
    pub users_name: &'static str,
    pub users_role: &'static str,
    pub users_status: &'static str,
    pub users_actions: &'static str,
    pub users_disable: &'static str,
    pub users_enable: &'static str,
    pub users_initial_password: &'static str,
    pub users_initial_password_issued: &'static str,
    pub status_active: &'static str,
    pub status_disabled: &'static str,
    pub role_admin: &'static str,
    pub role_administrator: &'static str,
    pub role_general: &'static str,
    pub forbidden: &'static str,
    pub bad_form: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub back_home: &'static str,
}

pub const JA: Words = Words {
    site_name: "年末調整電子申請",
    switch_language: "English",
    skip_to_content: "本文へ移動",
    login_title: "ログイン",
    login_id: "ID",
    password: "パスワード",
    login_button: "ログイン",
    login_failed: "IDまたはパスワードが正しくないか、現在ログインできない状態です。",
    forgot_link: "パスワードをお忘れの方",
    logged_out: "ログアウトしました。",
    session_ended: "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。",
    logout: "ログアウト",
    menu: "メニュー",
    home_title: "ホーム",
    home_greeting: "さん、ようこそ。",
    menu_password: "パスワード設定",
    menu_email: "メールアドレス設定",
    menu_logins: "ログイン履歴",
    menu_two_factor: "2段階認証",
    logins_end_others: "他の端末からログアウト",
    logins_end_others_hint: "心当たりのないログインがあるときは、他の端末のログインをすべて終了し、パスワードを変更してください。",
    logins_others_ended: "他の端末のログインをすべて終了しました。",
    menu_users: "ユーザー管理",
    menu_companies: "会社",
    companies_title: "会社",
    companies_new: "会社を登録する",
    companies_none: "会社はまだ登録されていません。",
    company_new_title: "会社の登録",
    company_edit_title: "会社の設定",
    company_name: "会社名(商号)",
    company_corporate_number: "法人番号",
    company_corporate_number_hint: "13桁。個人事業の場合は空欄にしてください。",
    company_address: "所在地",
    company_tax_office: "所轄税務署",
    company_tax_office_hint: "例: 麹町",
    company_contact: "連絡先(従業員からの問い合わせ先)",
    company_login_id_scheme: "従業員のログインID",
    company_auto_reminders: "提出期限前に自動で督促メールを送る(7日前・3日前・前日・当日)",
    company_originals_before_approval: "控除証明書等の原本(または電子データ)がすべて届くまで申告書を承認できないようにする",
    scheme_employee_number: "社員番号",
    scheme_email: "メールアドレス",
    company_saved: "保存しました。",
    edit: "編集",
    employees_title: "従業員",
    roles_link: "権限",
    roles_title: "会社ごとの権限",
    roles_lead: "承認者は確認・承認、担当者は入力・修正・差戻し(承認はできません)、参照者は閲覧のみができます。部署を指定すると、その部署の従業員だけが対象になります。",
    roles_none: "会社ごとの権限はありません。",
    roles_company: "会社",
    roles_role: "権限",
    roles_departments: "部署",
    roles_departments_hint: "複数の場合は読点(、)またはカンマで区切ります。空欄なら会社全体です。",
    roles_all_departments: "全部署",
    roles_assign: "権限を付与する",
    roles_revoke: "取り消す",
    roles_admin_has_all: "ADMINと管理者は、すべての会社のすべての操作ができます。",
    role_approver: "承認者",
    role_clerk: "担当者",
    role_viewer: "参照者",
    tenant_role_title: "テナントの権限",
    tenant_role_lead: "管理者は、ADMINと同じくテナントのすべての操作(IDの登録や権限の付与を含む)ができます。",
    tenant_role_change: "変更する",
    tenant_role_fixed: "ADMINの権限と、ご自身の権限は変更できません。",
    employees_link: "従業員一覧",
    employees_search: "社員番号・氏名・フリガナで検索",
    employees_search_button: "検索",
    employees_include_departed: "退職者を含める",
    employees_next: "次の50名",
    employees_total: "登録数",
    employees_none: "該当する従業員はいません。",
    employee_number: "社員番号",
    employee_name: "氏名",
    employee_kana: "フリガナ",
    employee_department: "部署",
    employee_type: "雇用区分",
    employee_hired: "入社日",
    initial_title: "パスワードの変更",
    initial_lead: "初期パスワードでログインしました。続けるには、新しいパスワードを設定してください。",
    change_title: "パスワード設定",
    current_password: "現在のパスワード",
    new_password: "新しいパスワード",
    confirmation: "新しいパスワード(確認)",
    password_hint: "15文字以上。記号や数字を混ぜる必要はありません。推測されにくい長い文(パスフレーズ)がおすすめです。",
    save_button: "保存する",
    password_changed: "パスワードを変更しました。他の端末のログインは終了しました。",
    wrong_current_password: "現在のパスワードが正しくありません。",
    passwords_differ: "確認用のパスワードが一致しません。",
    same_password: "現在と同じパスワードは使えません。",
    forgot_title: "パスワードの再設定",
    forgot_lead: "IDを入力してください。メールアドレスが登録されていれば、再設定用のリンク(24時間有効)をお送りします。",
    forgot_button: "再設定メールを送る",
    reset_requested: "受け付けました。メールアドレスが登録されているIDであれば、再設定用のリンクをお送りしました。メールが届かない場合、メールアドレスが未登録の可能性があります。会社の管理者にパスワードの再発行を依頼してください。",
    reset_title: "新しいパスワードの設定",
    reset_done: "パスワードを再設定しました。新しいパスワードでログインしてください。",
    invalid_link: "このリンクは無効か、有効期限が切れています。もう一度手続きしてください。",
    invitation_title: "パスワードの設定",
    invitation_lead: "年末調整サイトへようこそ。ログインに使うパスワードを設定してください。",
    invitation_done: "パスワードを設定しました。IDと新しいパスワードでログインしてください。",
    email_title: "メールアドレス設定",
    email_current: "登録中のメールアドレス",
    email_none: "未登録",
    email_new: "新しいメールアドレス",
    email_button: "確認メールを送る",
    email_sent: "確認メールを送りました。メール内のリンクを開くと登録が完了します。",
    email_confirmed: "メールアドレスを登録しました。",
    email_invalid: "メールアドレスの形式が正しくありません(例: taro@example.jp)。",
    logins_title: "ログイン履歴",
    logins_lead: "あなたのIDへのログインの記録です。心当たりのないログインがあれば、すぐにパスワードを変更し、管理者に連絡してください。",
    logins_time: "日時",
    logins_ip: "IPアドレス",
    logins_browser: "ブラウザ",
    logins_outcome: "結果",
    logins_none: "記録はまだありません。",
    users_title: "ユーザー管理",
    users_name: "氏名",
    users_role: "権限",
    users_status: "状態",
    users_actions: "操作",
    users_disable: "無効にする",
    users_enable: "有効にする",
    users_initial_password: "初期パスワードを発行",
    users_initial_password_issued: "初期パスワードを発行しました。この画面を閉じると二度と表示されません。本人に安全な方法で伝えてください(次回ログイン時に変更が必要です)。",
    status_active: "有効",
    status_disabled: "無効",
    role_admin: "ADMIN",
    role_administrator: "管理者",
    role_general: "一般ユーザー",
    forbidden: "この操作を行う権限がありません。",
    bad_form: "入力内容を確認してください。",
    error_title: "エラー",
    error_body: "処理できませんでした。しばらくしてからもう一度お試しください。",
    back_home: "ホームへ戻る",
};

pub const EN: Words = Words {
    site_name: "Year-end tax adjustment",
    switch_language: "日本語",
    skip_to_content: "Skip to content",
    login_title: "Log in",
    login_id: "ID",
    password: "Password",
    login_button: "Log in",
    login_failed: "The ID or password is not correct, or the ID cannot log in now.",
    forgot_link: "Forgot your password?",
    logged_out: "You have logged out.",
    session_ended: "You were logged out after a period of inactivity. Please log in again.",
    logout: "Log out",
    menu: "Menu",
    home_title: "Home",
    home_greeting: ", welcome.",
    menu_password: "Password",
    menu_email: "E-mail address",
    menu_logins: "Login history",
    menu_two_factor: "Two-step verification",
    logins_end_others: "Log out everywhere else",
    logins_end_others_hint: "If you see a login that was not you, end every other session and change your password.",
    logins_others_ended: "Every other session was ended.",
    menu_users: "Users",
    menu_companies: "Companies",
    companies_title: "Companies",
    companies_new: "Register a company",
    companies_none: "No companies yet.",
    company_new_title: "Register a company",
    company_edit_title: "Company settings",
    company_name: "Company name",
    company_corporate_number: "Corporate number (法人番号)",
    company_corporate_number_hint: "13 digits. Leave empty for a sole proprietor.",
    company_address: "Address",
    company_tax_office: "Tax office (所轄税務署)",
    company_tax_office_hint: "For example: 麹町",
    company_contact: "Contact for employees",
    company_login_id_scheme: "Employees log in with",
    company_auto_reminders: "Send automatic reminders before the deadline (7, 3, 1 days before and on the day)",
    company_originals_before_approval: "Approve a declaration only once every certificate's original (or its electronic data) has arrived",
    scheme_employee_number: "Employee number",
    scheme_email: "E-mail address",
    company_saved: "Saved.",
    edit: "Edit",
    employees_title: "Employees",
    roles_link: "Roles",
    roles_title: "Roles per company",
    roles_lead: "Approvers review and approve; clerks enter, edit and return but do not approve; viewers only read. With departments, only those departments' employees are in reach.",
    roles_none: "No company roles.",
    roles_company: "Company",
    roles_role: "Role",
    roles_departments: "Departments",
    roles_departments_hint: "Separate several with commas. Empty means the whole company.",
    roles_all_departments: "All departments",
    roles_assign: "Give the role",
    roles_revoke: "Revoke",
    roles_admin_has_all: "ADMIN and administrators may do everything in every company.",
    role_approver: "Approver",
    role_clerk: "Clerk",
    role_viewer: "Viewer",
    tenant_role_title: "Tenant role",
    tenant_role_lead: "Administrators may do everything in the tenant, as ADMIN may, including registering IDs and giving roles.",
    tenant_role_change: "Change",
    tenant_role_fixed: "The ADMIN's role and your own role cannot be changed.",
    employees_link: "Employees",
    employees_search: "Search by number, name or kana",
    employees_search_button: "Search",
    employees_include_departed: "Include those who have left",
    employees_next: "Next 50",
    employees_total: "Registered",
    employees_none: "No employees match.",
    employee_number: "Number",
    employee_name: "Name",
    employee_kana: "Kana",
    employee_department: "Department",
    employee_type: "Employment",
    employee_hired: "Hired",
    initial_title: "Change your password",
    initial_lead: "You logged in with an initial password. Set a new password to continue.",
    change_title: "Password",
    current_password: "Current password",
    new_password: "New password",
    confirmation: "New password (again)",
    password_hint: "At least 15 characters. No need for symbols or digits: a long, unusual passphrase is best.",
    save_button: "Save",
    password_changed: "Your password was changed. Your other sessions were ended.",
    wrong_current_password: "The current password is not correct.",
    passwords_differ: "The two new passwords differ.",
    same_password: "The new password must differ from the current one.",
    forgot_title: "Reset your password",
    forgot_lead: "Enter your ID. If it has an e-mail address, we send a reset link valid for 24 hours.",
    forgot_button: "Send the reset mail",
    reset_requested: "Done. If the ID has an e-mail address, a reset link is on its way. If no mail arrives, the ID may have no address: ask your company's administrator to issue a new password.",
    reset_title: "Set a new password",
    reset_done: "Your password was reset. Log in with the new password.",
    invalid_link: "This link is invalid or has expired. Please start again.",
    invitation_title: "Set your password",
    invitation_lead: "Welcome to the year-end adjustment site. Choose the password you will log in with.",
    invitation_done: "Your password is set. Log in with your ID and the new password.",
    email_title: "E-mail address",
    email_current: "Registered address",
    email_none: "None",
    email_new: "New address",
    email_button: "Send the confirmation mail",
    email_sent: "A confirmation mail is on its way. Open its link to finish.",
    email_confirmed: "Your e-mail address was registered.",
    email_invalid: "That is not an e-mail address (example: taro@example.jp).",
    logins_title: "Login history",
    logins_lead: "Every login attempt on your ID. If you see one that was not you, change your password and tell your administrator.",
    logins_time: "Time",
    logins_ip: "IP address",
    logins_browser: "Browser",
    logins_outcome: "Outcome",
    logins_none: "No attempts yet.",
    users_title: "Users",
    users_name: "Name",
    users_role: "Role",
    users_status: "Status",
    users_actions: "Actions",
    users_disable: "Disable",
    users_enable: "Enable",
    users_initial_password: "Issue an initial password",
    users_initial_password_issued: "Initial password issued. It is shown only now: hand it over safely (it must be changed at the next login).",
    status_active: "Active",
    status_disabled: "Disabled",
    role_admin: "ADMIN",
    role_administrator: "Administrator",
    role_general: "General user",
    forbidden: "You are not allowed to do this.",
    bad_form: "Please check what you entered.",
    error_title: "Error",
    error_body: "Something went wrong. Please try again later.",
    back_home: "Back to home",
};

pub fn login_outcome(lang: Lang, outcome: LoginOutcome) -> &'static str {
    match (lang, outcome) {
        (Lang::Ja, LoginOutcome::Success) => "成功",
        (Lang::Ja, LoginOutcome::WrongPassword) => "失敗(パスワード誤り)",
        (Lang::Ja, LoginOutcome::Disabled) => "失敗(IDが無効)",
        (Lang::Ja, LoginOutcome::Locked) => "失敗(ロック中)",
        (Lang::Ja, LoginOutcome::NoPassword) => "失敗(パスワード未設定)",
        (Lang::Ja, LoginOutcome::PasswordVerified) => "パスワード確認済み(確認コード待ち)",
        (Lang::Ja, LoginOutcome::WrongCode) => "失敗(確認コード誤り)",
        (Lang::Ja, LoginOutcome::RecoveryCode) => "成功(リカバリーコード)",
        (Lang::En, LoginOutcome::Success) => "Success",
        (Lang::En, LoginOutcome::WrongPassword) => "Failed (wrong password)",
        (Lang::En, LoginOutcome::Disabled) => "Failed (ID disabled)",
        (Lang::En, LoginOutcome::Locked) => "Failed (locked)",
        (Lang::En, LoginOutcome::NoPassword) => "Failed (no password set)",
        (Lang::En, LoginOutcome::PasswordVerified) => "Password right (waiting for the code)",
        (Lang::En, LoginOutcome::WrongCode) => "Failed (wrong verification code)",
        (Lang::En, LoginOutcome::RecoveryCode) => "Success (recovery code)",
    }
}

/// Why a new password was refused, in the user's language.
pub fn password_rejection(lang: Lang, rejection: &PasswordRejection) -> String {
    match (lang, rejection) {
        (Lang::Ja, PasswordRejection::TooShort { minimum }) => {
            format!("パスワードは{minimum}文字以上にしてください。")
        }
        (Lang::En, PasswordRejection::TooShort { minimum }) => {
            format!("Use at least {minimum} characters.")
        }
        (Lang::Ja, PasswordRejection::TooLong { maximum }) => {
            format!("パスワードは{maximum}文字以内にしてください。")
        }
        (Lang::En, PasswordRejection::TooLong { maximum }) => {
            format!("Use at most {maximum} characters.")
        }
        (Lang::Ja, PasswordRejection::ContainsContext) => {
            "ID・氏名・メールアドレス・会社名・サイト名を含むパスワードは使えません。".to_owned()
        }
        (Lang::En, PasswordRejection::ContainsContext) => {
            "Do not use your ID, name, e-mail address, the company's name or the site name."
                .to_owned()
        }
        (Lang::Ja, PasswordRejection::TooWeak(reason)) => format!(
            "推測されやすいパスワードです。{}",
            weak_reason(lang, *reason)
        ),
        (Lang::En, PasswordRejection::TooWeak(reason)) => format!(
            "This password is easy to guess. {}",
            weak_reason(lang, *reason)
        ),
    }
}

fn weak_reason(lang: Lang, reason: WeakPasswordReason) -> &'static str {
    match (lang, reason) {
        (Lang::Ja, WeakPasswordReason::CommonPassword) => "よく使われるパスワードに似ています。",
        (Lang::Ja, WeakPasswordReason::KeyboardPattern) => {
            "キーボードの並び(qwerty など)は避けてください。"
        }
        (Lang::Ja, WeakPasswordReason::Repetition) => {
            "同じ文字や文字列の繰り返しは避けてください。"
        }
        (Lang::Ja, WeakPasswordReason::Sequence) => "abc や 123 のような連続は避けてください。",
        (Lang::Ja, WeakPasswordReason::DateOrYear) => {
            "日付や年は推測されやすいため避けてください。"
        }
        (Lang::Ja, WeakPasswordReason::WordOrName) => {
            "単語や人名だけのパスワードは避けてください。"
        }
        (Lang::Ja, WeakPasswordReason::Guessable) => {
            "いくつかの言葉を組み合わせた長い文にしてください。"
        }
        (Lang::En, WeakPasswordReason::CommonPassword) => "It resembles a common password.",
        (Lang::En, WeakPasswordReason::KeyboardPattern) => {
            "Avoid keyboard patterns such as qwerty."
        }
        (Lang::En, WeakPasswordReason::Repetition) => "Avoid repeated characters or words.",
        (Lang::En, WeakPasswordReason::Sequence) => "Avoid sequences such as abc or 123.",
        (Lang::En, WeakPasswordReason::DateOrYear) => "Avoid dates and years.",
        (Lang::En, WeakPasswordReason::WordOrName) => "Avoid single words and names.",
        (Lang::En, WeakPasswordReason::Guessable) => "Combine several words into a long phrase.",
    }
}

/// What is wrong with a company form field, in the user's language.
pub fn company_field_error(
    lang: Lang,
    error: &nencho_app::companies::CompanyFieldError,
) -> (&'static str, String) {
    use nencho_app::companies::CompanyFieldError as E;
    use nencho_tenancy::CorporateNumberError as N;
    match (lang, error) {
        (Lang::Ja, E::NameEmpty) => ("name", "会社名を入力してください。".into()),
        (Lang::En, E::NameEmpty) => ("name", "Enter the company name.".into()),
        (Lang::Ja, E::NameTooLong) => ("name", "会社名は200文字以内にしてください。".into()),
        (Lang::En, E::NameTooLong) => ("name", "Use at most 200 characters.".into()),
        (Lang::Ja, E::CorporateNumber(N::CheckDigit { .. })) => (
            "corporate_number",
            "法人番号が正しくありません(チェックデジットが合いません)。番号をご確認ください。"
                .into(),
        ),
        (Lang::En, E::CorporateNumber(N::CheckDigit { .. })) => (
            "corporate_number",
            "This corporate number is not valid (check digit). Please check it.".into(),
        ),
        (Lang::Ja, E::CorporateNumber(_)) => (
            "corporate_number",
            "法人番号は13桁の数字で入力してください。".into(),
        ),
        (Lang::En, E::CorporateNumber(_)) => (
            "corporate_number",
            "Enter the 13 digits of the corporate number.".into(),
        ),
        (Lang::Ja, E::TooLong { field, max }) => (field, format!("{max}文字以内にしてください。")),
        (Lang::En, E::TooLong { field, max }) => (field, format!("Use at most {max} characters.")),
        (Lang::Ja, E::LoginIdScheme) => (
            "login_id_scheme",
            "ログインIDの種類を選んでください。".into(),
        ),
        (Lang::En, E::LoginIdScheme) => ("login_id_scheme", "Choose how employees log in.".into()),
    }
}
