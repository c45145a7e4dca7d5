//! Tenancy: one contract = one [`Tenant`] = one site URL (`{slug}.{base domain}`), and the
//! [`Company`] records a tenant runs (an HR team runs one; a 社労士 office runs many).
//!
//! Pure domain: no I/O, no storage, no web. Entry points: [`Slug::parse`], [`Tenant::open`],
//! [`Company::register`].

mod company;
pub mod contract_end;
mod corporate_number;
mod employee;
mod ip_allow_list;
mod master_change;
mod site;
mod slug;
mod tenant;

pub use company::{Company, CompanyName, CompanyNameError, CompanyProfile, LoginIdScheme};
pub use contract_end::ContractEndError;
pub use corporate_number::{CorporateNumber, CorporateNumberError};
pub use employee::{
    Employee, EmployeeNumber, EmployeeNumberError, EmploymentType, PersonName, PostalCode,
};
pub use ip_allow_list::{IpAllowEntry, IpAllowList, IpAllowListError, unmap_ipv4_address};
pub use master_change::{
    ChangeRequest, ChangeStatus, MasterChange, MasterChangeError, MasterChangeForm,
};
pub use site::SiteAddress;
pub use slug::{Slug, SlugError};
pub use tenant::{ContractStatus, Tenant, TenantName, TenantNameError};
