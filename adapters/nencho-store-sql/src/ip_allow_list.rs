//! The IP allow-list's rows: one network (canonical CIDR text) and its note per row.

use nencho_ports::StoreError;
use nencho_tenancy::{IpAllowEntry, IpAllowList};

use crate::{RowReader, corrupt};

/// One stored entry, read back through the domain's parser (so a hand-edited row that is not a
/// canonical network is reported, not trusted).
pub fn ip_allow_entry(row: &impl RowReader) -> Result<IpAllowEntry, StoreError> {
    let network: String = row.text("network")?;
    let note: String = row.text("note")?;
    IpAllowEntry::parse(&network, &note)
        .map_err(|error| corrupt(format!("ip_allow_entries: {error}")))
}

/// The whole list from its rows.
pub fn ip_allow_list(entries: Vec<IpAllowEntry>) -> Result<IpAllowList, StoreError> {
    IpAllowList::new(entries).map_err(|error| corrupt(format!("ip_allow_entries: {error}")))
}
